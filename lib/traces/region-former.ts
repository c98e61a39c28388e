import type { TranslatedBlock } from '../tier1-tcg/block.js';
import { buildRegion, continuable, type Region, type RegionBlockSource } from './region.js';

export interface RegionFormerOptions {
  readonly maxBlocks: number;
  /** Blocks run fewer times than this are left out as cold. */
  readonly minCount: number;
}

/** The options tier 2 forms regions with, on every thread: blocks run
 *  less than a tenth of the hot threshold are cold. */
export const hotRegionOptions = (hotThreshold: number, maxBlocks: number): RegionFormerOptions =>
  ({ maxBlocks, minCount: Math.max(1, Math.floor(hotThreshold / 10)) });

/**
 * Region formation: from a hot head, take the hot blocks reachable through
 * taken edges (direct branches, calls, and the indirect targets the profile
 * saw, which includes function returns), breadth first, up to maxBlocks.
 * The internal CFG is kept, so whole loops, including loops that call small
 * functions, stay inside one wasm function.
 */
export function formRegion(
  head: TranslatedBlock,
  lookup: (pc: number) => TranslatedBlock | undefined,
  options: RegionFormerOptions,
): Region {
  const included = new Set<TranslatedBlock>([head]);
  const order: TranslatedBlock[] = [head];
  const hot = (b: TranslatedBlock | undefined): b is TranslatedBlock =>
    b !== undefined && b.valid && b.profile.count >= options.minCount;
  for (let i = 0; i < order.length && order.length < options.maxBlocks; i++) {
    const b = order[i]!;
    for (const next of successorsOf(b, lookup)) {
      if (order.length >= options.maxBlocks) break;
      if (!included.has(next) && hot(next)) {
        included.add(next);
        order.push(next);
      }
    }
  }
  const sources: RegionBlockSource[] = order.map((b) => ({
    block: b,
    successors: b.exits.map((e) => {
      if (e.kind !== 'direct') return null;
      const t = lookup(e.target);
      return t !== undefined && included.has(t) ? t : null;
    }),
    indirect: indirectTargets(b, lookup).filter((t) => included.has(t)),
  }));
  return buildRegion('region', sources);
}

/** Successors along edges the profile saw taken, most frequent first. */
function successorsOf(b: TranslatedBlock, lookup: (pc: number) => TranslatedBlock | undefined): TranslatedBlock[] {
  const out: Array<[TranslatedBlock, number]> = [];
  b.exits.forEach((e, i) => {
    if (!continuable(e) || e.kind !== 'direct') return;
    const t = lookup(e.target);
    if (t && b.profile.edges[i]! > 0) out.push([t, b.profile.edges[i]!]);
  });
  for (const t of indirectTargets(b, lookup)) out.push([t, b.profile.indirectTargets?.get(t.pc) ?? 0]);
  return out.sort((x, y) => y[1] - x[1]).map(([t]) => t);
}

function indirectTargets(b: TranslatedBlock, lookup: (pc: number) => TranslatedBlock | undefined): TranslatedBlock[] {
  return b.profile.hotIndirectTargets().map(lookup).filter((t): t is TranslatedBlock => t !== undefined && t.valid);
}
