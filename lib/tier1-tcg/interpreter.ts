import type { IRBlock, Value } from '../ir/types.js';
import { ATOMIC_OPS, BRANCH_FALLTHROUGH, BRANCH_TAKEN } from '../ir/types.js';
import { evalBinary, evalCondition } from '../ir/eval.js';
import { STATE, STATE_SLOT_OF } from '../runtime/layout.js';
import { loadFunction, storeFunction, type FACTORY_PARAMS } from './codegen.js';

/** What a block runs against: the bindings of codegen's factory by name. */
export type BlockBindings = { readonly x: Int32Array } & Record<Exclude<(typeof FACTORY_PARAMS)[number], 'x'>, (...args: number[]) => number | void>;

/** Temporaries of the block being interpreted; one array serves every
 *  block (a block's temps are dead once it returns), grown on demand. */
let temps = new Int32Array(256);

/**
 * Runs a block by walking its IR: tier 1's way to run a block for its first
 * executions, before it is worth compiling (most blocks of a short run
 * execute a few times; compiling one takes ~40 µs, interpreting one
 * instruction well under 1 µs). Each op does exactly what codegen.ts's
 * template for it does, through the same bindings, in the same order, so
 * a fault part-way leaves the same registers written; returns the exit
 * index as the compiled function does.
 */
export function interpretBlock(block: IRBlock, b: BlockBindings): number {
  if (block.tempCount > temps.length) temps = new Int32Array(block.tempCount * 2);
  const t = temps;
  const x = b.x;
  const v = (val: Value): number => (val.kind === 'temp' ? t[val.id]! : val.value);
  for (const op of block.ops) {
    switch (op.op) {
      case 'insn': break;
      case 'getreg': t[op.dst.id] = x[op.reg]!; break;
      case 'setreg': x[op.reg] = v(op.src); break;
      case 'getstate': t[op.dst.id] = x[STATE_SLOT_OF[op.slot]]!; break;
      case 'setstate': x[STATE_SLOT_OF[op.slot]] = v(op.src); break;
      case 'binary': t[op.dst.id] = evalBinary(op.kind, v(op.a), v(op.b)); break;
      case 'setcond': t[op.dst.id] = evalCondition(op.cond, v(op.a), v(op.b)) ? 1 : 0; break;
      case 'select': t[op.dst.id] = v(op.test) !== 0 ? v(op.ifTrue) : v(op.ifFalse); break;
      case 'load': t[op.dst.id] = b[loadFunction(op)](v(op.addr), op.pc) as number; break;
      case 'store': b[storeFunction(op)](v(op.addr), v(op.src), op.pc); break;
      case 'atomic': t[op.dst.id] = b.rmw32(ATOMIC_OPS.indexOf(op.kind), v(op.addr), v(op.src), v(op.expected), op.pc) as number; break;
      case 'call': {
        const result = b[op.helper](...op.args.map(v));
        if (op.dst) t[op.dst.id] = result as number;
        break;
      }
    }
  }
  const term = block.term;
  switch (term.kind) {
    case 'branch': return evalCondition(term.cond, v(term.a), v(term.b)) ? BRANCH_TAKEN : BRANCH_FALLTHROUGH;
    case 'jump_indirect': x[STATE.PC] = v(term.target); return 0;
    case 'goto': case 'syscall': case 'fence_i': case 'trap': return 0;
  }
}
