import t from 'tap';
import { translateBlock } from '../../lib/guest/riscv/translate.js';
import { entryChecks } from '../../lib/tier2-optimizer/entry-checks.js';
import { addi, EBREAK, lbu, lw, sw } from '../helpers/rv-encode.js';
import { codeAt } from '../helpers/unit.js';

// Which loads and stores of a block are checked at its start, and over
// which bytes: only those addressed off a register's value at the block's
// start plus constants, two or more per register, within a page.
const SP = 2, RA = 1, S0 = 8, S1 = 9, A0 = 10, A1 = 11;

const checksOf = (words: number[], checkLoads = true) => {
  const block = translateBlock(codeAt(0x10000, [...words, EBREAK]), 0x10000, { maxInsns: 64 });
  const { checks, covered } = entryChecks(block.ops, checkLoads);
  const accesses = block.ops.flatMap((op, k) => (op.op === 'load' || op.op === 'store' ? [k] : []));
  return { checks, covered: accesses.map((k) => covered.has(k)) };
};

t.test('a prologue: saves off sp after addi sp, sp, -32', async (t) => {
  const r = checksOf([addi(SP, SP, -32), sw(RA, SP, 28), sw(S0, SP, 24), sw(S1, SP, 20)]);
  t.same(r.checks, [{ reg: SP, low: -12, span: 12, reads: false, writes: true }]);
  t.same(r.covered, [true, true, true]);
});

t.test('an epilogue: loads and a store off one pointer, moved through mv', async (t) => {
  const r = checksOf([addi(A1, A0, 0), lw(S0, A1, 0), lbu(S1, A0, 7), sw(S1, A1, 4)]);
  t.same(r.checks, [{ reg: A0, low: 0, span: 8, reads: true, writes: true }]);
  t.same(r.covered, [true, true, true]);
});

t.test('not covered: a base loaded in the block, a lone access, a span over a page', async (t) => {
  t.same(checksOf([lw(A0, A0, 0), lw(S0, A0, 4), lw(S1, A0, 8)]).covered, [false, false, false],
    'the first load only: a0 changes; the next two are off a loaded value');
  t.same(checksOf([lw(S0, A1, 4)]).checks, [], 'one access keeps its own check');
  t.same(checksOf([sw(S0, SP, 0), sw(S1, SP, 2045), addi(A0, SP, 2040), sw(S0, A0, 2040)]).checks,
    [{ reg: SP, low: 0, span: 4084, reads: false, writes: true }], 'bytes 0..4083 off sp: within a page, one check');
  const far = checksOf([sw(S0, SP, -2048), addi(A0, SP, 2047), sw(S0, A0, 2047)]);
  t.same(far.checks, [], '-2048..4098: over a page, left to their own checks');
  t.same(far.covered, [false, false]);
});

t.test('the flat memory model: loads stay out', async (t) => {
  const r = checksOf([lw(S0, SP, 0), lw(S1, SP, 4), sw(S0, SP, 8), sw(S1, SP, 12)], false);
  t.same(r.checks, [{ reg: SP, low: 8, span: 8, reads: false, writes: true }]);
  t.same(r.covered, [false, false, true, true]);
});
