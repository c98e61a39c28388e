import type { TranslatedBlock } from './block.js';

/**
 * Translated blocks by guest pc, plus an index by page so that writes to
 * code, munmap, mprotect and fence.i can find what to discard.
 */
export class BlockCache {
  private readonly byPc = new Map<number, TranslatedBlock>();
  private readonly byPage = new Map<number, Set<TranslatedBlock>>();

  get size(): number {
    return this.byPc.size;
  }

  get(pc: number): TranslatedBlock | undefined {
    return this.byPc.get(pc);
  }

  add(block: TranslatedBlock): void {
    this.byPc.set(block.pc, block);
    for (let p = block.firstPage; p <= block.lastPage; p++) {
      let set = this.byPage.get(p);
      if (!set) this.byPage.set(p, (set = new Set()));
      set.add(block);
    }
  }

  /** Invalidates every block overlapping pages [first, end); returns them. */
  invalidatePages(first: number, end: number): TranslatedBlock[] {
    const dropped: TranslatedBlock[] = [];
    for (let p = first; p < end; p++) {
      const set = this.byPage.get(p);
      if (!set) continue;
      for (const block of set) if (block.valid) this.drop(block, dropped);
    }
    return dropped;
  }

  /** Invalidates the blocks whose code overlaps [addr, addr+len). */
  invalidateRange(addr: number, len: number): TranslatedBlock[] {
    const dropped: TranslatedBlock[] = [];
    for (let p = addr >>> 12; p <= (addr + len - 1) >>> 12; p++) {
      const set = this.byPage.get(p);
      if (!set) continue;
      for (const block of set) {
        if (block.valid && block.pc < addr + len && addr < block.pc + Math.max(block.size, 1)) this.drop(block, dropped);
      }
    }
    return dropped;
  }

  /** True if some valid block covers page `page`. */
  hasCodeOn(page: number): boolean {
    return this.byPage.has(page);
  }

  /** Invalidates everything. */
  clear(): TranslatedBlock[] {
    const dropped: TranslatedBlock[] = [];
    for (const block of this.byPc.values()) this.drop(block, dropped);
    return dropped;
  }

  *blocks(): IterableIterator<TranslatedBlock> {
    yield* this.byPc.values();
  }

  private drop(block: TranslatedBlock, dropped: TranslatedBlock[]): void {
    block.valid = false;
    if (this.byPc.get(block.pc) === block) this.byPc.delete(block.pc);
    for (let p = block.firstPage; p <= block.lastPage; p++) {
      const set = this.byPage.get(p);
      set?.delete(block);
      if (set?.size === 0) this.byPage.delete(p);
    }
    dropped.push(block);
  }
}
