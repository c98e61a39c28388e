import t from 'tap';
import { TranslatedBlock } from '../../lib/tier1-tcg/block.js';
import { buildRegion } from '../../lib/traces/region.js';

const block = (pc: number, insnPcs: number[], end: number, target: number): TranslatedBlock =>
  new TranslatedBlock(pc, end - pc, insnPcs.length, [{ kind: 'direct', target }], () => 0, insnPcs);

t.test('buildRegion cuts a block that runs into another region block', async (t) => {
  // A preheader covering the loop's first iteration, and the loop itself:
  // tier 1's two blocks overlap from 0x104 on.
  const pre = block(0x100, [0x100, 0x102, 0x104, 0x108], 0x10c, 0x104);
  const loop = block(0x104, [0x104, 0x108], 0x10c, 0x104);
  const region = buildRegion('region', [
    { block: pre, successors: [loop], indirect: [] },
    { block: loop, successors: [loop], indirect: [] },
  ]);
  t.same(region.blocks[0], { pc: 0x100, size: 4, insnCount: 2, successors: [1], indirectTargets: [], cut: true }, 'cut at 0x104, then jumps into the loop');
  t.same(region.blocks[1], { pc: 0x104, size: 8, insnCount: 2, successors: [1], indirectTargets: [] }, 'the loop is unchanged');
});

t.test('buildRegion keeps blocks that overlap nothing, or only at their own start', async (t) => {
  const a = block(0x200, [0x200, 0x204], 0x208, 0x200);
  const b = block(0x300, [0x300], 0x304, 0x200);
  const region = buildRegion('region', [
    { block: a, successors: [a], indirect: [] },
    { block: b, successors: [a], indirect: [] },
  ]);
  t.same(region.blocks.map((x) => [x.pc, x.size, x.insnCount, x.successors]), [[0x200, 8, 2, [0]], [0x300, 4, 1, [0]]]);
});
