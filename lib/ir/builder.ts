import { evalBinary, evalCondition } from './eval.js';
import type {
  AccessSize, AtomicOp, BinaryOp, Condition, Const, HelperName, IRBlock, Op, StateSlot, Temp, Terminator, Value,
} from './types.js';

export function constant(value: number): Const {
  return { kind: 'const', value: value | 0, type: 'i32' };
}

export const isConst = (v: Value): v is Const => v.kind === 'const';

/**
 * Builds one IR block. Besides emitting ops it does the cheap local work a
 * template translator wants done once for both tiers: reads of x0 become the
 * constant 0, a guest register read twice is read once, a value written to a
 * register is forwarded to later reads, and operations on constants fold.
 */
export class IRBuilder {
  private readonly ops: Op[] = [];
  private tempCount = 0;
  private insnCount = 0;
  /** The current value of each guest register, when known in this block. */
  private readonly regValues: (Value | undefined)[] = new Array(32);

  constructor(readonly pc: number) {}

  /** Starts guest instruction `pc`; every op until the next call belongs to it. */
  beginInsn(pc: number, size: 2 | 4): void {
    this.ops.push({ op: 'insn', pc, size, index: this.insnCount++ });
  }

  /** Withdraws the instruction just begun (it traps and never retires); it
   *  must not have emitted any op yet. */
  cancelInsn(): void {
    const last = this.ops.pop();
    if (!last || last.op !== 'insn') throw new Error('cancelInsn: the instruction already emitted ops');
    this.insnCount--;
  }

  /** Instructions begun so far; also the index of the current one plus one. */
  get instructions(): number {
    return this.insnCount;
  }

  private temp(): Temp {
    return { kind: 'temp', id: this.tempCount++, type: 'i32' };
  }

  getreg(reg: number): Value {
    if (reg === 0) return constant(0);
    const known = this.regValues[reg];
    if (known !== undefined) return known;
    const dst = this.temp();
    this.ops.push({ op: 'getreg', dst, reg });
    this.regValues[reg] = dst;
    return dst;
  }

  /** Writes to x0 are discarded, as the ISA requires. */
  setreg(reg: number, src: Value): void {
    if (reg === 0) return;
    this.ops.push({ op: 'setreg', reg, src });
    this.regValues[reg] = src;
  }

  getstate(slot: StateSlot): Temp {
    const dst = this.temp();
    this.ops.push({ op: 'getstate', dst, slot });
    return dst;
  }

  setstate(slot: StateSlot, src: Value): void {
    this.ops.push({ op: 'setstate', slot, src });
  }

  binary(kind: BinaryOp, a: Value, b: Value): Value {
    if (isConst(a) && isConst(b)) return constant(evalBinary(kind, a.value, b.value));
    if (isConst(b) && b.value === 0 && (kind === 'add' || kind === 'sub' || kind === 'or' || kind === 'xor' ||
        kind === 'shl' || kind === 'shr' || kind === 'sar')) return a;
    const dst = this.temp();
    this.ops.push({ op: 'binary', kind, dst, a, b });
    return dst;
  }

  setcond(cond: Condition, a: Value, b: Value): Value {
    if (isConst(a) && isConst(b)) return constant(evalCondition(cond, a.value, b.value) ? 1 : 0);
    const dst = this.temp();
    this.ops.push({ op: 'setcond', cond, dst, a, b });
    return dst;
  }

  select(test: Value, ifTrue: Value, ifFalse: Value): Value {
    if (isConst(test)) return test.value !== 0 ? ifTrue : ifFalse;
    const dst = this.temp();
    this.ops.push({ op: 'select', dst, test, ifTrue, ifFalse });
    return dst;
  }

  load(addr: Value, size: AccessSize, signed: boolean, pc: number, aligned = false): Temp {
    const dst = this.temp();
    this.ops.push({ op: 'load', dst, addr, size, signed, aligned, pc });
    return dst;
  }

  store(addr: Value, src: Value, size: AccessSize, pc: number, aligned = false): void {
    this.ops.push({ op: 'store', addr, src, size, aligned, pc });
  }

  atomic(kind: AtomicOp, addr: Value, src: Value, pc: number, expected: Value = constant(0)): Temp {
    const dst = this.temp();
    this.ops.push({ op: 'atomic', kind, dst, addr, src, expected, pc });
    return dst;
  }

  call(helper: HelperName, args: Value[], pc: number): Temp {
    const dst = this.temp();
    this.ops.push({ op: 'call', dst, helper, args, pc });
    return dst;
  }

  finish(term: Terminator, size: number): IRBlock {
    return { pc: this.pc, size, insnCount: this.insnCount, ops: this.ops, term, tempCount: this.tempCount };
  }
}
