import t from 'tap';
import * as ev from '../../lib/ir/eval.js';
import { evalBinary, evalCondition } from '../../lib/ir/eval.js';
import { IRBuilder, constant } from '../../lib/ir/builder.js';
import { hex } from '../../lib/ir/printer.js';
import { ATOMIC_OPS, BINARY_OPS, CONDITIONS, type BinaryOp, type Condition, type IRBlock, type Value } from '../../lib/ir/types.js';
import { FACTORY_PARAMS, generateBlockSource } from '../../lib/tier1-tcg/codegen.js';
import { interpretBlock, type BlockBindings } from '../../lib/tier1-tcg/interpreter.js';
import { STATE } from '../../lib/runtime/layout.js';
import { prng32 } from '../helpers/prng.js';

// ---------------------------------------------------------------------------
// A BigInt reference of the RISC-V RV32IM semantics (ISA manual, chapters
// "RV32I" and "M"), written without looking at how eval.ts computes them.

const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;
const S = (a: number): bigint => BigInt.asIntN(32, BigInt(a));
const U = (a: number): bigint => BigInt.asUintN(32, BigInt(a));
const i32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

function reference(op: BinaryOp, a: number, b: number): number {
  const shamt = U(b) & 31n;
  switch (op) {
    case 'add': return i32(S(a) + S(b));
    case 'sub': return i32(S(a) - S(b));
    case 'and': return i32(S(a) & S(b));
    case 'or': return i32(S(a) | S(b));
    case 'xor': return i32(S(a) ^ S(b));
    case 'shl': return i32(U(a) << shamt);
    case 'shr': return i32(U(a) >> shamt);
    case 'sar': return i32(S(a) >> shamt);
    case 'mul': return i32(S(a) * S(b));
    case 'mulhs': return i32((S(a) * S(b)) >> 32n);
    case 'mulhu': return i32((U(a) * U(b)) >> 32n);
    case 'mulhsu': return i32((S(a) * U(b)) >> 32n);
    // Division: x/0 = all ones, overflow (INT_MIN / -1) = INT_MIN.
    case 'divs':
      if (S(b) === 0n) return -1;
      if (S(a) === -(2n ** 31n) && S(b) === -1n) return INT_MIN;
      return i32(S(a) / S(b)); // BigInt division truncates toward zero
    case 'divu': return U(b) === 0n ? -1 : i32(U(a) / U(b));
    // Remainder: x%0 = x, overflow remainder = 0, sign of the dividend.
    case 'rems':
      if (S(b) === 0n) return a | 0;
      if (S(a) === -(2n ** 31n) && S(b) === -1n) return 0;
      return i32(S(a) % S(b));
    case 'remu': return U(b) === 0n ? a | 0 : i32(U(a) % U(b));
  }
}

function referenceCond(cond: Condition, a: number, b: number): boolean {
  switch (cond) {
    case 'eq': return S(a) === S(b);
    case 'ne': return S(a) !== S(b);
    case 'lt': return S(a) < S(b);
    case 'ge': return S(a) >= S(b);
    case 'ltu': return U(a) < U(b);
    case 'geu': return U(a) >= U(b);
  }
}

/** Edge values as int32: 0, ±1, ±2, INT_MIN(+1), INT_MAX(-1), 0xffffffff,
 *  0xfffffffe, every power of two and its neighbours, a few shift counts. */
const EDGES: number[] = (() => {
  const set = new Set<number>([0, 1, -1, 2, -2, 3, -3, INT_MIN, INT_MIN + 1, INT_MAX, INT_MAX - 1,
    0xffffffff | 0, 0xfffffffe | 0, 31, 32, 33, 63, 0x12345678, 0x87654321 | 0, 0xffff, 0x10000, 0x8000, -0x8000]);
  for (let k = 0; k < 32; k++) {
    const p = (1 << k) | 0;
    for (const v of [p, p - 1, p + 1, -p]) set.add(v | 0);
  }
  return [...set];
})();

const RANDOM_PAIRS: [number, number][] = (() => {
  const r = prng32(20240611);
  const out: [number, number][] = [];
  for (let i = 0; i < 4000; i++) {
    // Mix full-range values with small ones so division gets small divisors.
    const a = r() | 0;
    const b = i % 4 === 0 ? (r() % 17) - 8 : i % 4 === 1 ? (r() >>> (r() % 32)) | 0 : r() | 0;
    out.push([a, b]);
  }
  return out;
})();

const EDGE_PAIRS: [number, number][] = EDGES.flatMap((a) => EDGES.map((b): [number, number] => [a, b]));

t.test('reference sanity: spec examples', async (t) => {
  // The reference itself, on the table of the M chapter ("Semantics for
  // division by zero and division overflow").
  t.equal(reference('divs', 7, 0), -1);
  t.equal(reference('divu', 7, 0), -1);
  t.equal(reference('rems', 7, 0), 7);
  t.equal(reference('remu', 7, 0), 7);
  t.equal(reference('divs', INT_MIN, -1), INT_MIN);
  t.equal(reference('rems', INT_MIN, -1), 0);
  t.equal(reference('divs', -7, 2), -3, 'truncates toward zero');
  t.equal(reference('rems', -7, 2), -1, 'remainder has the sign of the dividend');
  t.equal(reference('mulhu', -1, -1), -2, '0xffffffff^2 >> 32 = 0xfffffffe');
  t.equal(reference('mulhsu', -1, -1), -1, '-1 * 0xffffffff >> 32 = -1');
});

t.test('evalBinary matches the reference on edge values and random pairs', async (t) => {
  for (const op of BINARY_OPS) {
    let bad = 0;
    let first = '';
    for (const [a, b] of [...EDGE_PAIRS, ...RANDOM_PAIRS]) {
      const got = evalBinary(op, a, b);
      const want = reference(op, a, b);
      if (got !== want) {
        if (bad++ === 0) first = `: ${op}(${hex(a)}, ${hex(b)}) = ${hex(got)}, want ${hex(want)}`;
      }
    }
    t.equal(bad, 0, `${op}: ${EDGE_PAIRS.length + RANDOM_PAIRS.length} pairs${first}`);
  }
});

t.test('evalBinary always returns a normalised int32', async (t) => {
  for (const op of BINARY_OPS) {
    const ok = EDGE_PAIRS.every(([a, b]) => { const r = evalBinary(op, a, b); return (r | 0) === r && !Object.is(r, -0); });
    t.ok(ok, `${op}: int32 results, never -0`);
  }
});

t.test('evalCondition matches the reference', async (t) => {
  for (const cond of CONDITIONS) {
    let bad = 0;
    let first = '';
    for (const [a, b] of [...EDGE_PAIRS, ...RANDOM_PAIRS, ...EDGES.map((a): [number, number] => [a, a])]) {
      if (evalCondition(cond, a, b) !== referenceCond(cond, a, b) && bad++ === 0) first = `: ${cond}(${hex(a)}, ${hex(b)})`;
    }
    t.equal(bad, 0, `${cond}${first}`);
  }
});

// ---------------------------------------------------------------------------
// Tier-1 code generation against evalBinary.

const unused = (name: string) => (): never => { throw new Error(`${name} called`); };

/** Tier 1's two ways to run a block: compiled from codegen's source, and
 *  walked by the interpreter (its first executions), against the same
 *  bindings. Every test below runs on both. */
const BACK_ENDS = ['compiled', 'interpreted'] as const;
type BackEnd = (typeof BACK_ENDS)[number];

/** Prepares a block for `backEnd`; returns the function and the state array. */
function compile(block: IRBlock, overrides: Record<string, unknown> = {}, backEnd: BackEnd = 'compiled'): { run: () => number; x: Int32Array; source: string } {
  const x = new Int32Array(64);
  const bindings: Record<string, unknown> = {
    x,
    read_counter: unused('read_counter'),
    mulhs: ev.mulhs, mulhu: ev.mulhu, mulhsu: ev.mulhsu,
    divs: ev.divs, divu: ev.divu, rems: ev.rems, remu: ev.remu,
    ...overrides,
  };
  for (const p of FACTORY_PARAMS) if (!(p in bindings)) bindings[p] = unused(p);
  const source = generateBlockSource(block);
  if (backEnd === 'interpreted') return { run: () => interpretBlock(block, bindings as BlockBindings), x, source };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...FACTORY_PARAMS, source) as (...args: unknown[]) => () => number;
  return { run: factory(...FACTORY_PARAMS.map((p) => bindings[p])), x, source };
}

type Form = 'reg,reg' | 'reg,const' | 'const,reg';

/** x3 = kind(x1 | constant, x2 | constant); operands from getreg so nothing folds. */
function binaryBlock(kind: BinaryOp, form: Form, k = 0): IRBlock {
  const b = new IRBuilder(0x1000);
  b.beginInsn(0x1000, 4);
  const lhs: Value = form === 'const,reg' ? constant(k) : b.getreg(1);
  const rhs: Value = form === 'reg,const' ? constant(k) : b.getreg(2);
  b.setreg(3, b.binary(kind, lhs, rhs));
  return b.finish({ kind: 'goto', target: 0x1004 }, 4);
}

for (const backEnd of BACK_ENDS) t.test(`tier-1 ${backEnd}: binary ops with register operands`, async (t) => {
  for (const op of BINARY_OPS) {
    const block = binaryBlock(op, 'reg,reg');
    t.equal(block.ops.filter((o) => o.op === 'binary').length, 1, `${op}: one binary op (nothing folded)`);
    const { run, x } = compile(block, {}, backEnd);
    let bad = 0;
    let first = '';
    for (const [a, b] of [...EDGE_PAIRS, ...RANDOM_PAIRS]) {
      x[1] = a; x[2] = b; x[3] = 0x5a5a5a5a;
      const exit = run();
      const want = evalBinary(op, a, b);
      if ((x[3] !== want || exit !== 0) && bad++ === 0) first = `: ${op}(${hex(a)}, ${hex(b)}) = ${hex(x[3]!)}, want ${hex(want)}`;
    }
    t.equal(bad, 0, `${op}${first}`);
  }
});

for (const backEnd of BACK_ENDS) t.test(`tier-1 ${backEnd}: binary ops with a constant operand on either side`, async (t) => {
  const consts = EDGES.filter((_, i) => i % 3 === 0).concat([INT_MIN, -1, -5, 0]);
  const values = [...EDGES, ...RANDOM_PAIRS.slice(0, 200).map((p) => p[0])];
  for (const op of BINARY_OPS) {
    let bad = 0;
    let first = '';
    for (const form of ['reg,const', 'const,reg'] as const) {
      for (const k of consts) {
        const block = binaryBlock(op, form, k);
        const { run, x, source } = compile(block, {}, backEnd);
        for (const v of values) {
          x[1] = v; x[2] = v;
          run();
          const want = form === 'reg,const' ? evalBinary(op, v, k) : evalBinary(op, k, v);
          if (x[3] !== want && bad++ === 0) first = `: ${form} k=${k} v=${hex(v)}: ${hex(x[3]!)} want ${hex(want)}\n${source}`;
        }
      }
    }
    t.equal(bad, 0, `${op}${first}`);
  }
});

for (const backEnd of BACK_ENDS) t.test(`tier-1 ${backEnd}: setcond, select and branch exits`, async (t) => {
  for (const cond of CONDITIONS) {
    // x3 = cond(x1, x2); x4 = select(x3, x1, x2); branch on cond(x1, k).
    for (const k of [0, -1, INT_MIN, 5]) {
      const b = new IRBuilder(0x1000);
      b.beginInsn(0x1000, 4);
      const a = b.getreg(1);
      const c = b.setcond(cond, a, b.getreg(2));
      b.setreg(3, c);
      b.setreg(4, b.select(c, a, b.getreg(2)));
      b.setreg(5, b.setcond(cond, constant(k), a));
      const block = b.finish({ kind: 'branch', cond, a, b: constant(k), taken: 0x2000, fallthrough: 0x1004 }, 4);
      const { run, x } = compile(block, {}, backEnd);
      let bad = 0;
      let first = '';
      for (const [p, q] of [...EDGE_PAIRS.filter((_, i) => i % 7 === 0), ...RANDOM_PAIRS.slice(0, 500)]) {
        x[1] = p; x[2] = q;
        const exit = run();
        const c1 = evalCondition(cond, p, q);
        const ok = x[3] === (c1 ? 1 : 0) && x[4] === (c1 ? p : q) && x[5] === (evalCondition(cond, k, p) ? 1 : 0) &&
          exit === (evalCondition(cond, p, k) ? 1 : 0);
        if (!ok && bad++ === 0) first = `: ${cond}(${hex(p)}, ${hex(q)}) k=${k}: x3=${x[3]} x4=${x[4]} x5=${x[5]} exit=${exit}`;
      }
      t.equal(bad, 0, `${cond} k=${k}${first}`);
    }
  }
});

for (const backEnd of BACK_ENDS) t.test(`tier-1 ${backEnd}: memory access functions, helpers, state and indirect jumps`, async (t) => {
  const calls: string[] = [];
  const rec = (name: string, result = 0) => (...args: number[]): number => { calls.push(`${name}(${args.join(',')})`); return result; };
  const b = new IRBuilder(0x3000);
  b.beginInsn(0x3000, 4);
  const a = b.getreg(10);
  b.setreg(11, b.load(a, 1, true, 0x3000));
  b.setreg(12, b.load(a, 1, false, 0x3000));
  b.setreg(13, b.load(a, 2, true, 0x3000));
  b.setreg(14, b.load(a, 2, false, 0x3000));
  b.setreg(15, b.load(a, 4, true, 0x3000));
  b.setreg(16, b.load(a, 4, true, 0x3000, true));
  b.store(a, constant(-2), 1, 0x3000);
  b.store(a, constant(-3), 2, 0x3000);
  b.store(a, constant(-4), 4, 0x3000);
  b.store(a, constant(-5), 4, 0x3000, true);
  b.setreg(17, b.call('read_counter', [constant(0xc02), constant(0)], 0x3000));
  b.setreg(18, b.atomic('maxu', a, b.getreg(11), 0x3000));
  b.setreg(19, b.atomic('cas', a, constant(6), 0x3000, b.getreg(12)));
  b.setstate('reservation', b.binary('add', b.getstate('reservation'), constant(1)));
  const block = b.finish({ kind: 'jump_indirect', target: b.binary('and', a, constant(-2)) }, 4);
  const { run, x } = compile(block, {
    ld8s: rec('ld8s', -1), ld8u: rec('ld8u', 255), ld16s: rec('ld16s', -2), ld16u: rec('ld16u', 0xfffe),
    ld32: rec('ld32', -3), ld32a: rec('ld32a', -4),
    st8: rec('st8'), st16: rec('st16'), st32: rec('st32'), st32a: rec('st32a'),
    read_counter: rec('read_counter', 77), rmw32: rec('rmw32', -6),
  }, backEnd);
  x[10] = 0x4001; x[STATE.RESERVATION] = 40;
  t.equal(run(), 0, 'exit 0');
  t.same(calls, [
    'ld8s(16385,12288)', 'ld8u(16385,12288)', 'ld16s(16385,12288)', 'ld16u(16385,12288)', 'ld32(16385,12288)', 'ld32a(16385,12288)',
    'st8(16385,-2,12288)', 'st16(16385,-3,12288)', 'st32(16385,-4,12288)', 'st32a(16385,-5,12288)', 'read_counter(3074,0)',
    `rmw32(${ATOMIC_OPS.indexOf('maxu')},16385,-1,0,12288)`, `rmw32(${ATOMIC_OPS.indexOf('cas')},16385,6,255,12288)`,
  ], 'each access goes to its function with address (and value) and pc');
  t.same([...x.slice(11, 20)], [-1, 255, -2, 0xfffe, -3, -4, 77, -6, -6], 'loaded values and the helper results land in registers');
  t.equal(x[STATE.RESERVATION], 41, 'reservation slot read and written');
  t.equal(x[STATE.PC], 0x4000, 'indirect jump stores its target in the pc slot');
});
