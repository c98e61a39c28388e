import type { DispatchExit } from '../runtime/dispatcher.js';
import type { TranslatedBlock } from '../tier1-tcg/block.js';

/**
 * A region: the guest blocks tier 2 compiles into one WebAssembly function,
 * with the control flow that stays inside it. Both trace strategies (NET
 * paths and CFG regions) produce this shape; blocks[0] is the entry.
 */
export interface RegionBlock {
  readonly pc: number;
  readonly size: number;
  readonly insnCount: number;
  /** Per exit of the block: the index of the region block it continues
   *  in, or null when that exit leaves the region. */
  readonly successors: readonly (number | null)[];
  /** For an indirect exit: targets compared in wasm, with the region block
   *  each one continues in. Other targets leave the region. */
  readonly indirectTargets: ReadonlyArray<readonly [pc: number, block: number]>;
  /** Cut short where it ran into another region block (see buildRegion):
   *  its `insnCount` instructions, then a jump to that block. */
  readonly cut?: true;
}

export interface Region {
  readonly strategy: 'net' | 'region';
  readonly blocks: readonly RegionBlock[];
}

export interface RegionBlockSource {
  readonly block: TranslatedBlock;
  /** Region-internal successor per exit (null = leaves). */
  readonly successors: readonly (TranslatedBlock | null)[];
  readonly indirect: readonly TranslatedBlock[];
}

/**
 * Numbers the blocks and turns block references into indices. A block
 * that runs into another region block's start (tier 1's blocks overlap
 * where a branch targets the middle of a straight run, typically a loop
 * whose first iteration is covered by the block before it) is cut there,
 * ending in a jump to that block: no two region blocks overlap, so such a
 * loop has one entry and the Relooper keeps it a plain loop instead of
 * dispatching every iteration through its label variable. The compile
 * re-translates a cut block with its shorter instruction count.
 */
export function buildRegion(strategy: Region['strategy'], sources: readonly RegionBlockSource[]): Region {
  const index = new Map<TranslatedBlock, number>(sources.map((s, i) => [s.block, i]));
  const byPc = new Map<number, number>(sources.map((s, i) => [s.block.pc, i]));
  const idx = (b: TranslatedBlock | null): number | null => (b === null ? null : index.get(b) ?? null);
  return {
    strategy,
    blocks: sources.map((s): RegionBlock => {
      const b = s.block;
      const cut = b.insnPcs.findIndex((pc, i) => i > 0 && byPc.has(pc));
      if (cut > 0) {
        const next = b.insnPcs[cut]!;
        return { pc: b.pc, size: next - b.pc, insnCount: cut, successors: [byPc.get(next)!], indirectTargets: [], cut: true };
      }
      return {
        pc: b.pc,
        size: b.size,
        insnCount: b.insnCount,
        successors: s.successors.map(idx),
        indirectTargets: s.indirect.filter((t) => index.has(t)).map((t) => [t.pc, index.get(t)!] as const),
      };
    }),
  };
}

/** Exits a block can continue through inside a region. */
export const continuable = (e: DispatchExit): boolean => e.kind === 'direct' || e.kind === 'indirect';

/** Pages a region's code lies on (for generation checks and invalidation). */
export function regionPages(region: Region): number[] {
  const pages = new Set<number>();
  for (const b of region.blocks) for (let p = b.pc >>> 12; p <= (b.pc + Math.max(b.size, 1) - 1) >>> 12; p++) pages.add(p);
  return [...pages].sort((a, b) => a - b);
}
