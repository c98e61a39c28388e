/**
 * A generation number per 4 KiB code page, in a SharedArrayBuffer updated
 * with Atomics, so compiler workers read it directly: a compile task records
 * the generations of the pages its code came from, and a result whose pages
 * have moved on (the code changed while it compiled) is dropped, by the
 * worker or at install time.
 *
 * Layout (Int32): [0] epoch (bumped when all code is discarded), then one
 * generation per page of the 32-bit address space.
 */
const PAGES = 1 << 20;
const FIRST_PAGE = 1;

/** Generations of a region's pages at the time its code was read. */
export interface GenerationSnapshot {
  readonly epoch: number;
  readonly pages: readonly number[];
  readonly generations: readonly number[];
}

export class CodeGenerations {
  readonly words: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer((FIRST_PAGE + PAGES) * 4)) {
    this.words = new Int32Array(buffer);
  }

  snapshot(pages: readonly number[]): GenerationSnapshot {
    return {
      epoch: Atomics.load(this.words, 0),
      pages,
      generations: pages.map((p) => Atomics.load(this.words, FIRST_PAGE + p)),
    };
  }

  /** True if none of the snapshot's pages changed since it was taken. */
  isCurrent(s: GenerationSnapshot): boolean {
    if (Atomics.load(this.words, 0) !== s.epoch) return false;
    return s.pages.every((p, i) => Atomics.load(this.words, FIRST_PAGE + p) === s.generations[i]);
  }

  /** Code on pages [first, end) changed (end = Infinity: all code). */
  bump(first: number, end: number): void {
    if (end === Infinity) {
      Atomics.add(this.words, 0, 1);
      return;
    }
    for (let p = first; p < end && p < PAGES; p++) Atomics.add(this.words, FIRST_PAGE + p, 1);
  }
}
