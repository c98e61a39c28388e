/**
 * hyemu's intermediate representation: a small, typed, TCG-like IR.
 *
 * One guest basic block becomes one {@link IRBlock}: a list of operations on
 * SSA temporaries (each defined once), then exactly one terminator. The IR is
 * the only input of both back ends (tier 1 emits JavaScript, tier 2 lowers it
 * to WebAssembly), so it names machine-level operations only: 32-bit integer
 * arithmetic with fully defined semantics (shift amounts are masked, division
 * by zero has RISC-V results), guest register and state access, sized loads
 * and stores, helper calls, and block exits.
 */

/** Value types. rv32 needs only i32; the type is explicit so that an rv64
 *  front end can add i64 without changing the shape of the IR. */
export type Type = 'i32';

export interface Temp {
  readonly kind: 'temp';
  readonly id: number;
  readonly type: Type;
}

export interface Const {
  readonly kind: 'const';
  /** Always normalised to a signed 32-bit integer. */
  readonly value: number;
  readonly type: Type;
}

export type Value = Temp | Const;

/** Two-operand arithmetic. Semantics are defined in `eval.ts`. */
export const BINARY_OPS = [
  'add', 'sub', 'and', 'or', 'xor',
  'shl', 'shr', 'sar',
  'mul', 'mulhs', 'mulhu', 'mulhsu',
  'divs', 'divu', 'rems', 'remu',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export const CONDITIONS = ['eq', 'ne', 'lt', 'ge', 'ltu', 'geu'] as const;
export type Condition = (typeof CONDITIONS)[number];

export type AccessSize = 1 | 2 | 4;

/** Emulator state that is not a general-purpose register. */
export const STATE_SLOTS = ['reservation', 'reserved_value'] as const;
export type StateSlot = (typeof STATE_SLOTS)[number];

/** Helpers are the only way IR reaches the runtime; each back end supplies
 *  an implementation with the signature given in `helpers.ts`. */
export type HelperName = 'read_counter';

/** Atomic read-modify-writes of an aligned word (RV32A's AMOs, and `cas`,
 *  compare-and-swap, for sc.w): dst gets the old value. */
export const ATOMIC_OPS = ['swap', 'add', 'xor', 'and', 'or', 'min', 'max', 'minu', 'maxu', 'cas'] as const;
export type AtomicOp = (typeof ATOMIC_OPS)[number];

export type Op =
  /** Marks the start of guest instruction `pc` (no code; for printing,
   *  profiling and mapping ops back to guest instructions). */
  | { readonly op: 'insn'; readonly pc: number; readonly size: 2 | 4; readonly index: number }
  | { readonly op: 'getreg'; readonly dst: Temp; readonly reg: number }
  | { readonly op: 'setreg'; readonly reg: number; readonly src: Value }
  | { readonly op: 'getstate'; readonly dst: Temp; readonly slot: StateSlot }
  | { readonly op: 'setstate'; readonly slot: StateSlot; readonly src: Value }
  | { readonly op: 'binary'; readonly kind: BinaryOp; readonly dst: Temp; readonly a: Value; readonly b: Value }
  /** dst = cond(a, b) ? 1 : 0 */
  | { readonly op: 'setcond'; readonly cond: Condition; readonly dst: Temp; readonly a: Value; readonly b: Value }
  /** dst = test != 0 ? ifTrue : ifFalse */
  | { readonly op: 'select'; readonly dst: Temp; readonly test: Value; readonly ifTrue: Value; readonly ifFalse: Value }
  /** A guest load. Faults (SIGSEGV) outside readable memory; with `aligned`,
   *  a misaligned address raises SIGBUS. `pc` is the guest instruction. */
  | {
      readonly op: 'load'; readonly dst: Temp; readonly addr: Value; readonly size: AccessSize;
      readonly signed: boolean; readonly aligned: boolean; readonly pc: number;
    }
  | {
      readonly op: 'store'; readonly addr: Value; readonly src: Value; readonly size: AccessSize;
      readonly aligned: boolean; readonly pc: number;
    }
  /** One atomic read-modify-write of the aligned word at addr, as one
   *  indivisible access to the shared memory: SIGBUS when misaligned,
   *  SIGSEGV unless the page is readable and writable; a write onto
   *  translated code discards it first. `cas` stores src only if the word
   *  equals `expected` (which the other ops ignore). */
  | {
      readonly op: 'atomic'; readonly kind: AtomicOp; readonly dst: Temp; readonly addr: Value; readonly src: Value;
      readonly expected: Value; readonly pc: number;
    }
  | { readonly op: 'call'; readonly dst: Temp | null; readonly helper: HelperName; readonly args: readonly Value[]; readonly pc: number };

export type OpKind = Op['op'];

/** How a block ends. Every terminator leaves through one or more exits,
 *  numbered as `blockExits()` lists them. */
export type Terminator =
  | { readonly kind: 'goto'; readonly target: number }
  | {
      readonly kind: 'branch'; readonly cond: Condition; readonly a: Value; readonly b: Value;
      readonly taken: number; readonly fallthrough: number;
    }
  /** Jump to a computed address (jalr); `target` already has bit 0 cleared. */
  | { readonly kind: 'jump_indirect'; readonly target: Value }
  /** ecall at `pc`; the runtime performs the system call and continues at `next`. */
  | { readonly kind: 'syscall'; readonly pc: number; readonly next: number }
  /** fence.i: translated code must be discarded before continuing at `next`. */
  | { readonly kind: 'fence_i'; readonly pc: number; readonly next: number }
  /** The guest raises a synchronous signal at `pc` (illegal instruction,
   *  ebreak, or an instruction fetch from memory that is not executable). */
  | { readonly kind: 'trap'; readonly signal: TrapSignal; readonly pc: number; readonly addr: number };

export type TrapSignal = 'SIGILL' | 'SIGTRAP' | 'SIGSEGV';

/** One exit of a block, in the order its terminator defines. */
export type BlockExit =
  | { readonly kind: 'direct'; readonly target: number }
  | { readonly kind: 'indirect' }
  | { readonly kind: 'syscall'; readonly pc: number; readonly next: number }
  | { readonly kind: 'fence_i'; readonly pc: number; readonly next: number }
  | { readonly kind: 'trap'; readonly signal: TrapSignal; readonly pc: number; readonly addr: number };

export interface IRBlock {
  /** Guest address of the first instruction. */
  readonly pc: number;
  /** Bytes of guest code covered, from `pc`. */
  readonly size: number;
  /** Guest instructions in the block (the trap instruction of a `trap`
   *  terminator does not count: it never retires). */
  readonly insnCount: number;
  readonly ops: readonly Op[];
  readonly term: Terminator;
  /** Number of temporaries; ids are 0..tempCount-1. */
  readonly tempCount: number;
}

export function blockExits(term: Terminator): BlockExit[] {
  switch (term.kind) {
    case 'goto': return [{ kind: 'direct', target: term.target }];
    case 'branch': return [{ kind: 'direct', target: term.fallthrough }, { kind: 'direct', target: term.taken }];
    case 'jump_indirect': return [{ kind: 'indirect' }];
    case 'syscall': return [{ kind: 'syscall', pc: term.pc, next: term.next }];
    case 'fence_i': return [{ kind: 'fence_i', pc: term.pc, next: term.next }];
    case 'trap': return [{ kind: 'trap', signal: term.signal, pc: term.pc, addr: term.addr }];
  }
}

/** Exit index of the fall-through and taken edges of a `branch`. */
export const BRANCH_FALLTHROUGH = 0;
export const BRANCH_TAKEN = 1;
