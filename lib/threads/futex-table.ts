import { E } from '../runtime/syscalls/errno.js';

/** FUTEX_BITSET_MATCH_ANY: what FUTEX_WAIT and FUTEX_WAKE use. */
export const MATCH_ANY = -1;

interface Waiter {
  /** The queue it is in (FUTEX_REQUEUE moves it). */
  addr: number;
  readonly bitset: number;
  /** Ends the wait with `result` (0 when woken). */
  readonly end: (result: number) => void;
}

/** A slice of a wait without an end (setTimeout holds at most 2^31 ms). */
const FOREVER_SLICE_MS = 3_600_000;

/**
 * The futex wait queues of the process, by guest address. Every futex
 * operation is served on the main thread one at a time, so checking the
 * word and queueing is atomic with respect to every waker, as Linux's
 * hash-bucket lock makes it. Private and shared futexes share one key
 * space: there is only one process.
 */
export class FutexTable {
  private readonly queues = new Map<number, Waiter[]>();

  /** Waiters queued now (for the deadlock message). */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /**
   * Waits on `addr` until woken (0), the monotonic clock reaches
   * `deadlineNs` (-ETIMEDOUT; null: never) or `interrupt` aborts (-EINTR).
   */
  wait(addr: number, bitset: number, deadlineNs: bigint | null, now: () => bigint, interrupt: AbortSignal): Promise<number> {
    return new Promise((resolve) => {
      if (interrupt.aborted) return resolve(-E.EINTR);
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        addr,
        bitset,
        end: (result) => {
          clearTimeout(timer);
          interrupt.removeEventListener('abort', onAbort);
          this.dequeue(waiter);
          resolve(result);
        },
      };
      const onAbort = (): void => waiter.end(-E.EINTR);
      const arm = (): void => {
        const leftMs = deadlineNs === null ? FOREVER_SLICE_MS : Number((deadlineNs - now()) / 1_000_000n);
        if (deadlineNs !== null && leftMs <= 0) return waiter.end(-E.ETIMEDOUT);
        timer = setTimeout(arm, Math.min(Math.max(leftMs, 1), FOREVER_SLICE_MS));
      };
      interrupt.addEventListener('abort', onAbort, { once: true });
      const queue = this.queues.get(addr);
      if (queue) queue.push(waiter);
      else this.queues.set(addr, [waiter]);
      arm();
    });
  }

  /** Wakes up to `count` waiters on `addr` whose bitset meets `bitset`,
   *  oldest first; returns how many. */
  wake(addr: number, count: number, bitset: number): number {
    const queue = this.queues.get(addr);
    if (!queue) return 0;
    const woken = queue.filter((w) => (w.bitset & bitset) !== 0).slice(0, Math.max(0, count));
    for (const w of woken) w.end(0);
    return woken.length;
  }

  /** FUTEX_REQUEUE: wakes up to `wakeCount` waiters on `addr` and moves up
   *  to `moveCount` of the rest to `addr2`; returns how many of both. */
  requeue(addr: number, addr2: number, wakeCount: number, moveCount: number): number {
    const woken = this.wake(addr, wakeCount, MATCH_ANY);
    const queue = this.queues.get(addr);
    if (!queue || addr === addr2) return woken + Math.min(queue?.length ?? 0, Math.max(0, moveCount));
    const moved = queue.splice(0, Math.max(0, moveCount));
    if (queue.length === 0) this.queues.delete(addr);
    if (moved.length > 0) {
      const target = this.queues.get(addr2);
      if (target) target.push(...moved);
      else this.queues.set(addr2, moved);
      for (const w of moved) w.addr = addr2;
    }
    return woken + moved.length;
  }

  private dequeue(w: Waiter): void {
    const queue = this.queues.get(w.addr);
    if (!queue) return;
    const i = queue.indexOf(w);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.queues.delete(w.addr);
  }
}
