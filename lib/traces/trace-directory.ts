import { TRACE_DIRECTORY_ENTRIES, TRACE_DIRECTORY_OFFSET, traceDirectorySlot } from '../runtime/layout.js';

/**
 * The shared trace directory: guest pc -> installed trace, in the guest's
 * shared WebAssembly.Memory (a SharedArrayBuffer), written by the main
 * thread with Atomics and read by trace code itself: a trace that leaves
 * towards a pc with an installed trace tail-calls it through the trace
 * table instead of returning to the dispatcher.
 *
 * It is direct-mapped (a slot per pc hash, like QEMU's jump cache): when two
 * heads collide, the later one is listed and the other is still entered
 * from the dispatcher, which keeps its own link to every trace.
 */
export class TraceDirectory {
  private readonly keys: Int32Array;
  private readonly ids: Int32Array;
  private count = 0;

  constructor(buffer: ArrayBufferLike) {
    this.keys = new Int32Array(buffer, TRACE_DIRECTORY_OFFSET, TRACE_DIRECTORY_ENTRIES);
    this.ids = new Int32Array(buffer, TRACE_DIRECTORY_OFFSET + 4 * TRACE_DIRECTORY_ENTRIES, TRACE_DIRECTORY_ENTRIES);
  }

  /** Heads currently listed. */
  get listed(): number {
    return this.count;
  }

  install(pc: number, id: number): void {
    const h = traceDirectorySlot(pc);
    if (Atomics.load(this.keys, h) === 0) this.count++;
    // The id first, then the key: a reader that sees the key sees its id.
    Atomics.store(this.ids, h, id);
    Atomics.store(this.keys, h, pc | 0);
  }

  /** Unlists trace `id` for `pc` (if that is what the slot holds). */
  remove(pc: number, id: number): void {
    const h = traceDirectorySlot(pc);
    if (Atomics.load(this.keys, h) === (pc | 0) && Atomics.load(this.ids, h) === id) {
      Atomics.store(this.keys, h, 0);
      this.count--;
    }
  }

  /** The trace listed for pc, or -1. */
  lookup(pc: number): number {
    const h = traceDirectorySlot(pc);
    return Atomics.load(this.keys, h) === (pc | 0) ? Atomics.load(this.ids, h) : -1;
  }
}
