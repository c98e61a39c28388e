import t from 'tap';
import type { RegionBlock } from '../../lib/traces/region.js';
import { regionEntries } from '../../lib/traces/region-entries.js';

/** A region from successor lists (block i at pc 0x1000 + 16 i); `returns`
 *  gives a block indirect targets (a return compared in wasm). */
function region(succ: number[][], returns: Record<number, number[]> = {}): RegionBlock[] {
  return succ.map((s, i) => ({
    pc: 0x1000 + 16 * i, size: 16, insnCount: 4,
    successors: s.length > 0 ? s : [null],
    indirectTargets: (returns[i] ?? []).map((b) => [0x1000 + 16 * b, b] as const),
  }));
}

t.test('straight-line code: every block may be entered', async (t) => {
  t.same(regionEntries(region([[1], [2], []])), [0, 1, 2]);
});

t.test('a loop is entered at its header only', async (t) => {
  // 0 -> 1 (header) -> 2 -> 3 -> 1, 3 -> 4
  const r = region([[1], [2], [3], [1, 4], []]);
  t.same(regionEntries(r), [0, 1, 4], 'the preheader, the header and the exit; not the loop body');
});

t.test('a loop headed by the head: only the head and what follows the loop', async (t) => {
  t.same(regionEntries(region([[1], [0, 2], []])), [0, 2]);
});

t.test('a self-loop is a loop', async (t) => {
  // 0 -> 1, 1 -> 1 | 2, 2 -> 2 | 3: headers 1 and 2 are outermost
  t.same(regionEntries(region([[1], [1, 2], [2, 3], []])), [0, 1, 2, 3]);
});

t.test('an inner loop header is not an entry: it would be a second entry of the outer loop', async (t) => {
  // outer: 1 -> 2 (inner header) -> 3 -> 2 | 4, 4 -> 1 | 5
  const r = region([[1], [2], [3], [2, 4], [1, 5], []]);
  t.same(regionEntries(r), [0, 1, 5]);
});

t.test('a loop through a call and its return, compared in wasm', async (t) => {
  // 0: caller loop header; 1: calls 2 (callee); 2 returns to 3 (indirect); 3 -> 0 | 4
  const r = region([[1], [2], [], [0, 4], []], { 2: [3] });
  t.same(regionEntries(r), [0, 4], 'the return point lies inside the caller\'s loop');
});

t.test('an irreducible part (two ways in) offers neither way as an entry', async (t) => {
  // 0 -> 1 | 2, 1 <-> 2, 2 -> 3
  const r = region([[1, 2], [2], [1, 3], []]);
  t.same(regionEntries(r), [0, 3]);
});

t.test('long chains do not overflow the stack', async (t) => {
  const n = 20_000;
  const succ = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [0]));
  t.same(regionEntries(region(succ)), [0], 'one loop through every block: only the head');
});
