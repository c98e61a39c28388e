import type { IRBlock, Op, Terminator, Value } from './types.js';

/** Text form of IR, for logs, trace dumps and test failures. */

export const hex = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

export function formatValue(v: Value): string {
  if (v.kind === 'temp') return `t${v.id}`;
  return Math.abs(v.value) < 4096 ? `#${v.value}` : `#0x${(v.value >>> 0).toString(16)}`;
}

const reg = (r: number): string => `x${r}`;

export function formatOp(op: Op): string {
  const v = formatValue;
  switch (op.op) {
    case 'insn': return `-- insn ${op.index} @ ${hex(op.pc)} (${op.size} bytes)`;
    case 'getreg': return `t${op.dst.id} = getreg ${reg(op.reg)}`;
    case 'setreg': return `setreg ${reg(op.reg)}, ${v(op.src)}`;
    case 'getstate': return `t${op.dst.id} = getstate ${op.slot}`;
    case 'setstate': return `setstate ${op.slot}, ${v(op.src)}`;
    case 'binary': return `t${op.dst.id} = ${op.kind} ${v(op.a)}, ${v(op.b)}`;
    case 'setcond': return `t${op.dst.id} = setcond.${op.cond} ${v(op.a)}, ${v(op.b)}`;
    case 'select': return `t${op.dst.id} = select ${v(op.test)}, ${v(op.ifTrue)}, ${v(op.ifFalse)}`;
    case 'load':
      return `t${op.dst.id} = load.${op.signed ? 's' : 'u'}${op.size * 8}${op.aligned ? '.aligned' : ''} [${v(op.addr)}]`;
    case 'store':
      return `store.${op.size * 8}${op.aligned ? '.aligned' : ''} [${v(op.addr)}], ${v(op.src)}`;
    case 'atomic':
      return `t${op.dst.id} = atomic.${op.kind} [${v(op.addr)}], ${v(op.src)}${op.kind === 'cas' ? `, expected ${v(op.expected)}` : ''}`;
    case 'call':
      return `${op.dst ? `t${op.dst.id} = ` : ''}call ${op.helper}(${op.args.map(v).join(', ')})`;
  }
}

export function formatTerminator(t: Terminator): string {
  switch (t.kind) {
    case 'goto': return `goto ${hex(t.target)}`;
    case 'branch':
      return `branch.${t.cond} ${formatValue(t.a)}, ${formatValue(t.b)} ? ${hex(t.taken)} : ${hex(t.fallthrough)}`;
    case 'jump_indirect': return `jump_indirect ${formatValue(t.target)}`;
    case 'syscall': return `syscall @ ${hex(t.pc)} then ${hex(t.next)}`;
    case 'fence_i': return `fence_i @ ${hex(t.pc)} then ${hex(t.next)}`;
    case 'trap': return `trap ${t.signal} @ ${hex(t.pc)} addr ${hex(t.addr)}`;
  }
}

export function printBlock(block: IRBlock): string {
  const lines = [`block ${hex(block.pc)} size ${block.size} insns ${block.insnCount} temps ${block.tempCount}`];
  for (const op of block.ops) lines.push(op.op === 'insn' ? `  ${formatOp(op)}` : `    ${formatOp(op)}`);
  lines.push(`    ${formatTerminator(block.term)}`);
  return lines.join('\n');
}
