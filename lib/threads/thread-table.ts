import { MAX_THREAD_SLOTS, cpuStateView } from '../runtime/layout.js';
import { GuestThread } from './guest-thread.js';

/** Default limit of live guest threads (`maxThreads`, `--max-threads`). */
export const DEFAULT_MAX_THREADS = 64;
/** There is a CPU state block for this many threads. */
export const MAX_MAX_THREADS = MAX_THREAD_SLOTS;

/**
 * The guest's threads: ids, CPU state slots, which are alive. The main
 * thread's id is the process id; new threads count up from it, as Linux
 * hands out ids, and a slot is reused once its thread has exited.
 */
export class ThreadTable {
  readonly main: GuestThread;
  private readonly threads = new Map<number, GuestThread>();
  private readonly freeSlots: number[] = [];
  private nextTid: number;
  private nextSlot = 1;
  /** Threads clone created, and the most alive at once (the main one
   *  included). */
  created = 0;
  peakLive = 1;

  /** True once the guest has created a thread: from then on several CPUs
   *  may run, and shared state is kept as if they did. */
  get multithreaded(): boolean {
    return this.created > 0;
  }

  constructor(pid: number, mainState: Int32Array, private readonly memory: WebAssembly.Memory, readonly maxThreads: number) {
    this.main = new GuestThread(pid, 0, mainState);
    this.threads.set(pid, this.main);
    this.nextTid = pid + 1;
  }

  get live(): GuestThread[] {
    return [...this.threads.values()];
  }

  get liveCount(): number {
    return this.threads.size;
  }

  get(tid: number): GuestThread | undefined {
    return this.threads.get(tid);
  }

  /** A new thread with a fresh state block, or null past the limit. */
  create(): GuestThread | null {
    if (this.threads.size >= this.maxThreads) return null;
    const slot = this.freeSlots.pop() ?? this.nextSlot++;
    const state = cpuStateView(this.memory, slot);
    state.fill(0);
    const t = new GuestThread(this.nextTid++, slot, state);
    this.threads.set(t.tid, t);
    this.created++;
    this.peakLive = Math.max(this.peakLive, this.threads.size);
    return t;
  }

  /** The thread exited: its id and slot are free again (the main thread's
   *  slot stays its own). */
  remove(t: GuestThread): void {
    t.exited = true;
    this.threads.delete(t.tid);
    if (t.slot !== 0) this.freeSlots.push(t.slot);
  }
}
