import { ATOMIC_OPS, BINARY_OPS, CONDITIONS, STATE_SLOTS } from './types.js';
import type { IRBlock, Op, Terminator, Value } from './types.js';
import { HELPERS } from './helpers.js';
import { formatOp, hex } from './printer.js';

export class IRVerifyError extends Error {
  constructor(readonly block: IRBlock, readonly problems: string[]) {
    super(`invalid IR in block ${hex(block.pc)}: ${problems.join('; ')}`);
    this.name = 'IRVerifyError';
  }
}

const isU32Even = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff && n % 2 === 0;

/**
 * Checks the invariants both back ends rely on: SSA temporaries defined once
 * before use, i32 types, valid registers (x0 is never written), sizes,
 * helper signatures, instruction markers in order, and a terminator whose
 * values are defined and whose targets are 2-byte aligned addresses.
 * Returns the list of problems (empty when the block is valid).
 */
export function verifyBlock(block: IRBlock): string[] {
  const problems: string[] = [];
  const defined = new Set<number>();

  const use = (v: Value, where: string): void => {
    if (v.type !== 'i32') problems.push(`${where}: operand of type ${v.type as string}, want i32`);
    if (v.kind === 'const') {
      if ((v.value | 0) !== v.value) problems.push(`${where}: constant ${v.value} is not a normalised i32`);
    } else if (!defined.has(v.id)) {
      problems.push(`${where}: t${v.id} used before it is defined`);
    }
  };
  const def = (id: number, where: string): void => {
    if (id < 0 || id >= block.tempCount) problems.push(`${where}: t${id} outside 0..${block.tempCount - 1}`);
    if (defined.has(id)) problems.push(`${where}: t${id} defined twice`);
    defined.add(id);
  };

  let insnIndex = 0;
  let lastPc = -1;
  block.ops.forEach((op: Op, i) => {
    const where = `op ${i} (${formatOp(op)})`;
    switch (op.op) {
      case 'insn':
        if (op.index !== insnIndex++) problems.push(`${where}: instruction index out of order`);
        if (op.pc <= lastPc || !isU32Even(op.pc)) problems.push(`${where}: bad instruction address`);
        if (op.size !== 2 && op.size !== 4) problems.push(`${where}: bad instruction size`);
        lastPc = op.pc;
        break;
      case 'getreg':
        if (!(op.reg >= 1 && op.reg <= 31)) problems.push(`${where}: register x${op.reg} cannot be read by getreg`);
        def(op.dst.id, where);
        break;
      case 'setreg':
        if (!(op.reg >= 1 && op.reg <= 31)) problems.push(`${where}: register x${op.reg} cannot be written`);
        use(op.src, where);
        break;
      case 'getstate':
        if (!STATE_SLOTS.includes(op.slot)) problems.push(`${where}: unknown state slot`);
        def(op.dst.id, where);
        break;
      case 'setstate':
        if (!STATE_SLOTS.includes(op.slot)) problems.push(`${where}: unknown state slot`);
        use(op.src, where);
        break;
      case 'binary':
        if (!BINARY_OPS.includes(op.kind)) problems.push(`${where}: unknown binary op`);
        use(op.a, where); use(op.b, where); def(op.dst.id, where);
        break;
      case 'setcond':
        if (!CONDITIONS.includes(op.cond)) problems.push(`${where}: unknown condition`);
        use(op.a, where); use(op.b, where); def(op.dst.id, where);
        break;
      case 'select':
        use(op.test, where); use(op.ifTrue, where); use(op.ifFalse, where); def(op.dst.id, where);
        break;
      case 'load':
        if (![1, 2, 4].includes(op.size)) problems.push(`${where}: bad access size`);
        if (op.size === 4 && !op.signed) problems.push(`${where}: a 32-bit load is signed in i32`);
        use(op.addr, where); def(op.dst.id, where);
        break;
      case 'store':
        if (![1, 2, 4].includes(op.size)) problems.push(`${where}: bad access size`);
        use(op.addr, where); use(op.src, where);
        break;
      case 'atomic':
        if (!ATOMIC_OPS.includes(op.kind)) problems.push(`${where}: unknown atomic op`);
        use(op.addr, where); use(op.src, where); use(op.expected, where); def(op.dst.id, where);
        break;
      case 'call': {
        const sig = HELPERS[op.helper];
        if (!sig) { problems.push(`${where}: unknown helper`); break; }
        if (op.args.length !== sig.params.length) problems.push(`${where}: ${op.helper} takes ${sig.params.length} arguments`);
        op.args.forEach((a) => use(a, where));
        if (op.dst !== null) {
          if (sig.result === null) problems.push(`${where}: ${op.helper} returns nothing`);
          def(op.dst.id, where);
        }
        break;
      }
      default:
        problems.push(`op ${i}: unknown op ${(op as { op: string }).op}`);
    }
  });
  if (insnIndex !== block.insnCount) problems.push(`insnCount ${block.insnCount} but ${insnIndex} instruction markers`);
  verifyTerminator(block.term, use, problems);
  return problems;
}

function verifyTerminator(t: Terminator, use: (v: Value, where: string) => void, problems: string[]): void {
  const where = `terminator ${t.kind}`;
  const target = (n: number): void => {
    if (!isU32Even(n)) problems.push(`${where}: target ${n} is not a 2-byte aligned address`);
  };
  switch (t.kind) {
    case 'goto': target(t.target); break;
    case 'branch':
      if (!CONDITIONS.includes(t.cond)) problems.push(`${where}: unknown condition`);
      use(t.a, where); use(t.b, where); target(t.taken); target(t.fallthrough);
      break;
    case 'jump_indirect': use(t.target, where); break;
    case 'syscall': case 'fence_i': target(t.pc); target(t.next); break;
    case 'trap': target(t.pc); break;
    default: problems.push(`unknown terminator ${(t as { kind: string }).kind}`);
  }
}

export function assertValidBlock(block: IRBlock): void {
  const problems = verifyBlock(block);
  if (problems.length > 0) throw new IRVerifyError(block, problems);
}
