import { TRACE_DIRECTORY_ENTRIES, TRACE_DIRECTORY_OFFSET, TRACE_ENTRY_BITS, traceDirectorySlot } from '../runtime/layout.js';

/**
 * The shared trace directory: guest pc -> (installed trace, entry), in the
 * guest's shared WebAssembly.Memory (a SharedArrayBuffer), written by the
 * main thread with Atomics and read by trace code itself: a trace that
 * leaves towards a pc that another trace covers tail-calls it there through
 * the trace table instead of returning to the dispatcher. Every block a
 * region may be entered at (regionEntries) is listed, so a return into a
 * caller's region lands in it directly unless it lands inside a loop.
 *
 * It is direct-mapped (a slot per pc hash, like QEMU's jump cache): a head
 * takes its slot from whatever held it, other entries only take free
 * slots. What is not listed is still entered from the dispatcher, which
 * keeps its own link from each block to its trace.
 */
export class TraceDirectory {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private count = 0;

  constructor(buffer: ArrayBufferLike) {
    this.keys = new Int32Array(buffer, TRACE_DIRECTORY_OFFSET, TRACE_DIRECTORY_ENTRIES);
    this.values = new Int32Array(buffer, TRACE_DIRECTORY_OFFSET + 4 * TRACE_DIRECTORY_ENTRIES, TRACE_DIRECTORY_ENTRIES);
  }

  /** Heads currently listed. */
  get listed(): number {
    return this.count;
  }

  /** Lists entry `entry` of trace `id` at `pc`; a head (entry 0) replaces
   *  what the slot held, another entry only fills a free slot. */
  install(pc: number, id: number, entry: number): void {
    const h = traceDirectorySlot(pc);
    const free = Atomics.load(this.keys, h) === 0;
    if (!free && entry !== 0) return;
    if (free) this.count++;
    // The value first, then the key: a reader that sees the key sees its value.
    Atomics.store(this.values, h, (id << TRACE_ENTRY_BITS) | entry);
    Atomics.store(this.keys, h, pc | 0);
  }

  /** Unlists `pc` if trace `id` holds its slot. */
  remove(pc: number, id: number): void {
    const h = traceDirectorySlot(pc);
    if (Atomics.load(this.keys, h) === (pc | 0) && Atomics.load(this.values, h) >>> TRACE_ENTRY_BITS === id) {
      Atomics.store(this.keys, h, 0);
      this.count--;
    }
  }

  /** The trace and entry listed for pc, or null. */
  lookup(pc: number): { id: number; entry: number } | null {
    const h = traceDirectorySlot(pc);
    if (Atomics.load(this.keys, h) !== (pc | 0)) return null;
    const v = Atomics.load(this.values, h);
    return { id: v >>> TRACE_ENTRY_BITS, entry: v & ((1 << TRACE_ENTRY_BITS) - 1) };
  }
}
