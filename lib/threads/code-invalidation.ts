/**
 * Code changes every guest thread must take in: each CPU has its own
 * tier-1 block cache, so a store into translated code, or an munmap or
 * mprotect, made by one thread is appended here as a page range, and the
 * others discard what they hold there at their next check (every slice,
 * every fence.i, after every system call) — before they can run it again
 * from a lookup. A ring of ranges under a small lock; a reader that fell
 * more than a ring behind discards everything.
 */
const LOCK = 0;
const SEQ = 1;
const HEADER = 2;
const RING = 256;

export const INVALIDATION_LOG_BYTES = (HEADER + 2 * RING) * 4;
/** The end page of a range that covers everything. */
const ALL = 0x7fffffff;

export class CodeInvalidationLog {
  private readonly words: Int32Array;
  private seen: number;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
    this.seen = Atomics.load(this.words, SEQ);
  }

  /** Records that pages [first, end) changed (end Infinity: all). */
  append(first: number, end: number): void {
    this.locked(() => {
      const seq = this.words[SEQ]!;
      const at = HEADER + 2 * (seq % RING);
      this.words[at] = first;
      this.words[at + 1] = end === Infinity ? ALL : end;
      Atomics.store(this.words, SEQ, seq + 1);
    });
  }

  /** True when another thread changed code since the last take. */
  get pending(): boolean {
    return Atomics.load(this.words, SEQ) !== this.seen;
  }

  /** Hands every range appended since the last take to `discard`. */
  take(discard: (first: number, end: number) => void): void {
    if (!this.pending) return;
    const ranges: [number, number][] = [];
    this.locked(() => {
      const seq = this.words[SEQ]!;
      if (seq - this.seen > RING) ranges.push([0, Infinity]);
      else {
        for (let s = this.seen; s < seq; s++) {
          const at = HEADER + 2 * (s % RING);
          const end = this.words[at + 1]!;
          ranges.push([this.words[at]!, end === ALL ? Infinity : end]);
        }
      }
      this.seen = seq;
    });
    for (const [first, end] of ranges) discard(first, end);
  }

  private locked(fn: () => void): void {
    while (Atomics.compareExchange(this.words, LOCK, 0, 1) !== 0) Atomics.wait(this.words, LOCK, 1, 1);
    try {
      fn();
    } finally {
      Atomics.store(this.words, LOCK, 0);
      Atomics.notify(this.words, LOCK, 1);
    }
  }
}
