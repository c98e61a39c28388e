/**
 * The shared trace directory: which guest pcs have an installed tier-2
 * trace, and a generation number per code page. It lives in a
 * SharedArrayBuffer updated with Atomics, so compiler workers read the
 * generations directly: a task records the generations of the pages its
 * code came from, and a result whose pages have moved on (the code changed
 * while it compiled) is dropped, by the worker or at install time.
 *
 * Layout (Int32): [0] epoch (bumped when all code is discarded),
 * [1] installed count, [2..2+2*CAPACITY) open-addressed pc → trace id
 * table, then one generation per 4 KiB page of the 32-bit address space.
 */
const CAPACITY = 4096;
const TABLE = 2;
const GENERATIONS = TABLE + 2 * CAPACITY;
const PAGES = 1 << 20;
const EMPTY = 0;
const REMOVED = -1;

/** Generations of a region's pages at the time its code was read. */
export interface GenerationSnapshot {
  readonly epoch: number;
  readonly pages: readonly number[];
  readonly generations: readonly number[];
}

export class TraceDirectory {
  readonly words: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer((GENERATIONS + PAGES) * 4)) {
    this.words = new Int32Array(buffer);
  }

  get installed(): number {
    return Atomics.load(this.words, 1);
  }

  snapshot(pages: readonly number[]): GenerationSnapshot {
    return {
      epoch: Atomics.load(this.words, 0),
      pages,
      generations: pages.map((p) => Atomics.load(this.words, GENERATIONS + p)),
    };
  }

  /** True if none of the snapshot's pages changed since it was taken. */
  isCurrent(s: GenerationSnapshot): boolean {
    if (Atomics.load(this.words, 0) !== s.epoch) return false;
    return s.pages.every((p, i) => Atomics.load(this.words, GENERATIONS + p) === s.generations[i]);
  }

  /** Code on pages [first, end) changed (end = Infinity: all code). */
  bump(first: number, end: number): void {
    if (end === Infinity) {
      Atomics.add(this.words, 0, 1);
      return;
    }
    for (let p = first; p < end && p < PAGES; p++) Atomics.add(this.words, GENERATIONS + p, 1);
  }

  /** Records trace `id` for `pc`; false when the table is full. */
  install(pc: number, id: number): boolean {
    for (let i = 0, h = hash(pc); i < CAPACITY; i++, h = (h + 1) & (CAPACITY - 1)) {
      const key = Atomics.load(this.words, TABLE + 2 * h);
      if (key === EMPTY || key === REMOVED || key === (pc | 0)) {
        // Value first, then key: a reader that sees the key sees the value.
        Atomics.store(this.words, TABLE + 2 * h + 1, id);
        Atomics.store(this.words, TABLE + 2 * h, pc | 0);
        if (key !== (pc | 0)) Atomics.add(this.words, 1, 1);
        return true;
      }
    }
    return false;
  }

  remove(pc: number): void {
    const h = this.slot(pc);
    if (h < 0) return;
    Atomics.store(this.words, TABLE + 2 * h, REMOVED);
    Atomics.sub(this.words, 1, 1);
  }

  /** The installed trace id for pc, or -1. */
  lookup(pc: number): number {
    const h = this.slot(pc);
    return h < 0 ? -1 : Atomics.load(this.words, TABLE + 2 * h + 1);
  }

  private slot(pc: number): number {
    for (let i = 0, h = hash(pc); i < CAPACITY; i++, h = (h + 1) & (CAPACITY - 1)) {
      const key = Atomics.load(this.words, TABLE + 2 * h);
      if (key === (pc | 0)) return h;
      if (key === EMPTY) return -1;
    }
    return -1;
  }
}

const hash = (pc: number): number => (Math.imul(pc >>> 1, 0x9e3779b1) >>> 20) & (CAPACITY - 1);
