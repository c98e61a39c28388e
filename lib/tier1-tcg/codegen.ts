import type { BinaryOp, Condition, IRBlock, Op, Terminator, Value } from '../ir/types.js';
import { ATOMIC_OPS, BRANCH_TAKEN, BRANCH_FALLTHROUGH } from '../ir/types.js';
import { STATE, STATE_SLOT_OF } from '../runtime/layout.js';

/**
 * Tier-1 back end: IR → JavaScript source, one template per op, no
 * analysis. The generated function takes no arguments and returns the index
 * of the exit it leaves by (see `blockExits`); for an indirect jump it first
 * stores the target in the pc slot.
 *
 * It runs inside a factory whose parameters (FACTORY_PARAMS) bind the guest
 * state array `x`, the memory access functions and the arithmetic helpers,
 * so a block calls them as constants V8 can inline.
 */

export const FACTORY_PARAMS = [
  'x', 'ld8s', 'ld8u', 'ld16s', 'ld16u', 'ld32', 'ld32a', 'st8', 'st16', 'st32', 'st32a', 'rmw32',
  'read_counter', 'mulhs', 'mulhu', 'mulhsu', 'divs', 'divu', 'rems', 'remu',
] as const;

const v = (val: Value): string => (val.kind === 'temp' ? `t${val.id}` : val.value < 0 ? `(${val.value})` : `${val.value}`);
/** The operand as an unsigned number. */
const u = (val: Value): string => (val.kind === 'temp' ? `(t${val.id} >>> 0)` : `${val.value >>> 0}`);

const BINARY: Record<BinaryOp, (a: Value, b: Value) => string> = {
  add: (a, b) => `(${v(a)} + ${v(b)}) | 0`,
  sub: (a, b) => `(${v(a)} - ${v(b)}) | 0`,
  and: (a, b) => `${v(a)} & ${v(b)}`,
  or: (a, b) => `${v(a)} | ${v(b)}`,
  xor: (a, b) => `${v(a)} ^ ${v(b)}`,
  // JavaScript masks shift counts to 5 bits, exactly as RV32 does.
  shl: (a, b) => `${v(a)} << ${v(b)}`,
  shr: (a, b) => `(${v(a)} >>> ${v(b)}) | 0`,
  sar: (a, b) => `${v(a)} >> ${v(b)}`,
  mul: (a, b) => `Math.imul(${v(a)}, ${v(b)})`,
  mulhs: (a, b) => `mulhs(${v(a)}, ${v(b)})`,
  mulhu: (a, b) => `mulhu(${v(a)}, ${v(b)})`,
  mulhsu: (a, b) => `mulhsu(${v(a)}, ${v(b)})`,
  divs: (a, b) => `divs(${v(a)}, ${v(b)})`,
  divu: (a, b) => `divu(${v(a)}, ${v(b)})`,
  rems: (a, b) => `rems(${v(a)}, ${v(b)})`,
  remu: (a, b) => `remu(${v(a)}, ${v(b)})`,
};

const CONDITION: Record<Condition, (a: Value, b: Value) => string> = {
  eq: (a, b) => `${v(a)} === ${v(b)}`,
  ne: (a, b) => `${v(a)} !== ${v(b)}`,
  lt: (a, b) => `${v(a)} < ${v(b)}`,
  ge: (a, b) => `${v(a)} >= ${v(b)}`,
  ltu: (a, b) => `${u(a)} < ${u(b)}`,
  geu: (a, b) => `${u(a)} >= ${u(b)}`,
};

const LOADS = { 1: ['ld8u', 'ld8s'], 2: ['ld16u', 'ld16s'], 4: ['ld32', 'ld32'] } as const;
const STORES = { 1: 'st8', 2: 'st16', 4: 'st32' } as const;

type LoadOp = Extract<Op, { op: 'load' }>;
type StoreOp = Extract<Op, { op: 'store' }>;
/** The memory access function (a FACTORY_PARAMS binding) a load or store calls. */
export const loadFunction = (op: LoadOp) => (op.aligned ? 'ld32a' : LOADS[op.size][op.signed ? 1 : 0]);
export const storeFunction = (op: StoreOp) => (op.aligned ? 'st32a' : STORES[op.size]);

function emitOp(op: Op): string {
  switch (op.op) {
    case 'insn': return `// ${op.pc.toString(16)}`;
    case 'getreg': return `const t${op.dst.id} = x[${op.reg}];`;
    case 'setreg': return `x[${op.reg}] = ${v(op.src)};`;
    case 'getstate': return `const t${op.dst.id} = x[${STATE_SLOT_OF[op.slot]}];`;
    case 'setstate': return `x[${STATE_SLOT_OF[op.slot]}] = ${v(op.src)};`;
    case 'binary': return `const t${op.dst.id} = ${BINARY[op.kind](op.a, op.b)};`;
    case 'setcond': return `const t${op.dst.id} = (${CONDITION[op.cond](op.a, op.b)}) ? 1 : 0;`;
    case 'select': return `const t${op.dst.id} = ${v(op.test)} !== 0 ? ${v(op.ifTrue)} : ${v(op.ifFalse)};`;
    case 'load': return `const t${op.dst.id} = ${loadFunction(op)}(${v(op.addr)}, ${op.pc});`;
    case 'store': return `${storeFunction(op)}(${v(op.addr)}, ${v(op.src)}, ${op.pc});`;
    case 'atomic':
      return `const t${op.dst.id} = rmw32(${ATOMIC_OPS.indexOf(op.kind)}, ${v(op.addr)}, ${v(op.src)}, ${v(op.expected)}, ${op.pc});`;
    case 'call': {
      const call = `${op.helper}(${op.args.map(v).join(', ')})`;
      return op.dst ? `const t${op.dst.id} = ${call};` : `${call};`;
    }
  }
}

function emitTerminator(t: Terminator): string {
  switch (t.kind) {
    case 'branch':
      return `return (${CONDITION[t.cond](t.a, t.b)}) ? ${BRANCH_TAKEN} : ${BRANCH_FALLTHROUGH};`;
    case 'jump_indirect':
      return `x[${STATE.PC}] = ${v(t.target)};\nreturn 0;`;
    case 'goto': case 'syscall': case 'fence_i': case 'trap':
      return 'return 0;';
  }
}

/** The body of the factory: returns the block function. */
export function generateBlockSource(block: IRBlock): string {
  const name = `block_${(block.pc >>> 0).toString(16)}`;
  const body = block.ops.map(emitOp);
  body.push(emitTerminator(block.term));
  return `"use strict";\nreturn function ${name}() {\n  ${body.join('\n  ')}\n};`;
}
