import type Binaryen from 'binaryen';
import { binaryen } from './binaryen.js';
import type { DispatchExit } from '../runtime/dispatcher.js';
import { ATOMIC_OPS, type AtomicOp, type BinaryOp, type Condition, type IRBlock, type Op, type Value } from '../ir/types.js';
import {
  GUEST_BASE, GUEST_SPACE_END, MEMORY_PAGES, PAGE_SHIFT, PAGE_TABLE_OFFSET, PERM, STATE, STATE_SLOT_OF, TRACE_DIRECTORY_ENTRIES,
  TRACE_DIRECTORY_OFFSET, TRACE_ENTRY_BITS,
} from '../runtime/layout.js';
import { SIGNALS } from '../runtime/signals.js';
import type { RegionBlock } from '../traces/region.js';
import { loopHeaders, regionEntries } from '../traces/region-entries.js';
import { entryChecks } from './entry-checks.js';
import {
  ENTER, IMPORTS, PASSED_REGS, PROFILE_COUNTERS, RESUME_EXIT, RUN, RUN_PARAMS, TRACE_TABLE_INITIAL, TRACE_TABLE_MAXIMUM, profileGlobal,
  type ProfileCounter,
} from './trace-abi.js';

/**
 * Tier-2 back end: lowers a region's IR blocks to one WebAssembly function
 * with binaryen, in the style of AssemblyScript's code generator.
 *
 *   run(fuel: i32, retired: i32, entry: i32, x1..x31: i32) -> exit index
 *
 * One function serves as `run` (from the head) and `enter` (a switch on
 * `entry` picks the block): it is entered at the head or at any block
 * regionEntries() allows, so that a return into the middle of a region
 * enters it there while every loop keeps its single entry.
 * Guest registers live in wasm locals: they are the function's parameters
 * (trace-abi.ts). Every exit goes through one epilogue, which looks the next
 * pc up in the trace directory and, when a trace is installed there,
 * tail-calls it through the shared trace table, passing the budget, the
 * instructions retired so far and the registers; otherwise it writes the
 * registers back to the state block and returns the exit index, and the
 * trace's id, to the dispatcher. Control flow inside the region is handed to binaryen's
 * Relooper, so loops stay loops; loop headers check the instruction budget
 * (`fuel`) and the stop flag (set when a store rewrote translated code) so a
 * long-running loop still returns to the dispatcher. Guest memory is the
 * imported shared memory, addressed as `offset=GUEST_BASE` after the same
 * page-table check tier 1 makes. The rare paths leave by tail calls (see
 * EXIT_HELPERS): faults to a call of the import that throws the GuestFault,
 * and a store the fast path declines to the runtime, leaving the trace (one
 * more way out, besides the epilogue).
 */

const i32 = binaryen.i32;
const none = binaryen.none;

const RUN_TYPE = binaryen.createType(new Array<number>(RUN_PARAMS).fill(i32));

// Local layout: the parameters (fuel, retired, entry, x1..x31), then
// scratch, then temps.
const FUEL = 0;
const ICOUNT = 1;
const ENTRY = 2;
const REG0 = 2; // x_r is local REG0 + r, r in 1..31
const PARAMS = RUN_PARAMS;
const LABEL = PARAMS;
const ADDR = PARAMS + 1;
const VAL = PARAMS + 2;
const E1 = PARAMS + 3;
const E2 = PARAMS + 4;
const EXIT = PARAMS + 5;
const CHAIN = PARAMS + 6; // the pc to continue at in another trace, or 0
const TEMP0 = PARAMS + 7;
/** x1..x31, as the parameters pass them. */
const REGS = Array.from({ length: PASSED_REGS }, (_, k) => k + 1);

const STATE_PC = STATE.PC * 4;

/**
 * Instructions a trace may run past its budget at a loop header it may not
 * be entered at (an inner loop: regionEntries), so that it leaves at the
 * next enterable header or exit instead. Leaving at the inner header would
 * resume there in tier 1 until control reached an entry, and in a run with
 * a trace cache start the compiler pool for the region headed there, which
 * the cache holds only if an earlier run's slices happened to end there
 * too. A loop running this long past its budget still leaves. (The stop
 * flag is checked at every header as before.)
 */
const INNER_HEADER_GRACE = 1 << 17;

/**
 * The rare paths leave the trace function by a tail call to one of these
 * helpers of the module: a call inside hot code (even on a branch never
 * taken) made V8's code for the whole loop slower, while a tail call is an
 * exit like a return. (Branching out to a label around the Relooper's
 * output works as well, but binaryen 132's Relooper then throws a
 * wasm::ParseException on some regions.)
 *
 *   fault_exit(signal, pc, addr, retired, x1..x31)
 *       writes the registers back and reports `retired`, so that a guest
 *       handler sees the state at the faulting instruction, then calls the
 *       fault import (throws)
 *   store_exit(addr, value, size, pc, next, retired, retiredIfFault, x1..x31)
 *       writes the registers back, hands a store the fast path declined to
 *       the runtime, then leaves the trace to resume at `next`
 */
const EXIT_HELPERS = { fault: 'fault_exit', store: 'store_exit' } as const;

/** The profile counter of each kind of exit block (the indirect one, exit
 *  0, is counted where it is taken: budget or indirect). */
const EXIT_COUNTER: Readonly<Record<DispatchExit['kind'], ProfileCounter | null>> = {
  direct: 'direct', indirect: null, syscall: 'syscall', trap: 'other', fence_i: 'other', tier1: 'store',
};

/**
 * A full-width i32.load. binaryen.js creates these with the `signed` flag
 * set, and OptimizeInstructions trusts that flag when it folds
 * i64.extend_i32_u(i32.load) into one i64 load (binaryen PR #4307): the
 * fold then yields i64.load32_s, a sign extension where a zero extension
 * was asked for (seen with binaryen 132 on mulhu of a loaded value).
 * Clearing the flag keeps the fold correct.
 */
function load32(m: Binaryen.Module, offset: number, align: number, ptr: Binaryen.ExpressionRef): Binaryen.ExpressionRef {
  const load = m.i32.load(offset, align, ptr);
  // binaryen.Load (the expression-info setters) is not in the typings.
  (binaryen as unknown as { Load: { setSigned(e: Binaryen.ExpressionRef, s: boolean): void } }).Load.setSigned(load, false);
  return load;
}

/** Whether the op at `index` is its instruction's last effect (a store
 *  that is may leave the trace through store_exit). */
function isLastEffect(ops: readonly Op[], index: number): boolean {
  for (let j = index + 1; j < ops.length; j++) {
    const next = ops[j]!.op;
    if (next === 'insn') return true;
    if (next === 'setreg' || next === 'setstate' || next === 'store' || next === 'atomic' || next === 'call') return false;
  }
  return true;
}

export interface LowerOptions {
  /** Count entries, exits by kind and instructions (trace-abi's
   *  PROFILE_COUNTERS); nothing of it is emitted without. */
  readonly profile?: boolean;
  /** The flat memory model: loads check only that they end inside the
   *  guest space, not the page table. */
  readonly flatLoads?: boolean;
}

export function lowerRegion(
  m: Binaryen.Module, irs: readonly IRBlock[], region: readonly RegionBlock[], options: LowerOptions = {},
): DispatchExit[] {
  const exits: DispatchExit[] = [{ kind: 'indirect' }];
  const exitKeys = new Map<string, number>([[JSON.stringify(exits[RESUME_EXIT]), RESUME_EXIT]]);
  const exitIndex = (e: DispatchExit): number => {
    const key = JSON.stringify(e);
    let i = exitKeys.get(key);
    if (i === undefined) {
      i = exits.length;
      exits.push(e);
      exitKeys.set(key, i);
    }
    return i;
  };

  const maxTemps = Math.max(0, ...irs.map((ir) => ir.tempCount));
  // Only this region's own in-line slow stores (AMOs, sc) can set the stop
  // flag while it runs: it is clear whenever a trace is entered (the
  // dispatcher clears it, and a trace that set it does not chain). Without
  // such a store the loop headers and the epilogue need not load it.
  const setsStop = irs.some((ir) => ir.ops.some((op, i) =>
    (op.op === 'store' && !isLastEffect(ir.ops, i)) || op.op === 'atomic'));
  /** Profiling: the instructions retired before this function started. */
  const ENTRY_ICOUNT = TEMP0 + maxTemps;
  /** The state block's address (IMPORTS.stateBase). */
  const STATE_BASE = ENTRY_ICOUNT + 1;
  const profiling = options.profile === true;
  const flatLoads = options.flatLoads === true;
  const hoisted = irs.map((ir) => entryChecks(ir.ops, !flatLoads));

  const get = (i: number): Binaryen.ExpressionRef => m.local.get(i, i32);
  const set = (i: number, e: Binaryen.ExpressionRef): Binaryen.ExpressionRef => m.local.set(i, e);
  const c = (n: number): Binaryen.ExpressionRef => m.i32.const(n | 0);
  const val = (v: Value): Binaryen.ExpressionRef => (v.kind === 'const' ? c(v.value) : get(TEMP0 + v.id));
  const pageEntry = (addr: Binaryen.ExpressionRef): Binaryen.ExpressionRef =>
    m.i32.load8_u(PAGE_TABLE_OFFSET, 1, m.i32.shr_u(addr, c(PAGE_SHIFT)));
  /** The instructions retired before the current block (of `blockInsns`,
   *  which ICOUNT already counts): what a fault in it reports. */
  const retiredBefore = (blockInsns: number): Binaryen.ExpressionRef => m.i32.sub(get(ICOUNT), c(blockInsns));
  /** The registers, as arguments: of a chained trace, or of an exit
   *  helper that writes them back (smaller code than the stores at every
   *  site). */
  const regArgs = (): Binaryen.ExpressionRef[] => REGS.map((r) => get(REG0 + r));
  /** A fault at the instruction at `pc`: the helper writes back the
   *  registers and reports the instructions of the blocks before the
   *  faulting one, as tier 1 counts them. */
  const raise = (signal: keyof typeof SIGNALS, pc: number, blockInsns: number): Binaryen.ExpressionRef =>
    m.return_call(EXIT_HELPERS.fault, [c(SIGNALS[signal]), c(pc), get(ADDR), retiredBefore(blockInsns), ...regArgs()], i32);
  /** The running CPU's state block: the trace function reads the imported
   *  global into a local once per entry; the cold exit helpers read the
   *  global itself (helperState). */
  const stateBlock = (): Binaryen.ExpressionRef => get(STATE_BASE);
  const helperState = (): Binaryen.ExpressionRef => m.global.get(IMPORTS.stateBase, i32);
  /** x1..x31 from their locals (`local(r)`) into the state block. */
  const writeBackRegs = (state: () => Binaryen.ExpressionRef, local: (r: number) => number): Binaryen.ExpressionRef[] =>
    REGS.map((r) => m.i32.store(r * 4, 4, state(), get(local(r))));
  const storePc = (pc: Binaryen.ExpressionRef, state = stateBlock): Binaryen.ExpressionRef =>
    m.i32.store(STATE_PC, 4, state(), pc);
  /** What every way out of the trace tells the dispatcher: the instructions
   *  retired and the trace left from. */
  const reportExit = (retired: Binaryen.ExpressionRef, state = stateBlock): Binaryen.ExpressionRef[] => [
    m.i32.store(STATE.EXIT_INSNS * 4, 4, state(), retired),
    m.i32.store(STATE.EXIT_TRACE * 4, 4, state(), m.global.get(IMPORTS.traceId, i32)),
  ];

  /** Profiling: counter += by (default 1); nothing when not profiling. */
  const bump = (counter: ProfileCounter, by?: Binaryen.ExpressionRef): Binaryen.ExpressionRef[] => {
    if (!profiling) return [];
    const name = profileGlobal(counter);
    return [m.global.set(name, m.i64.add(m.global.get(name, binaryen.i64), by ? m.i64.extend_u(by) : m.i64.const(1n)))];
  };
  const exitBump = (e: DispatchExit): Binaryen.ExpressionRef[] => {
    const counter = EXIT_COUNTER[e.kind];
    return counter ? bump(counter) : [];
  };
  /** Profiling: the instructions retired here, as the trace leaves with
   *  `retired` counted. */
  const bumpInstructions = (retired: Binaryen.ExpressionRef): Binaryen.ExpressionRef[] =>
    bump('instructions', profiling ? m.i32.sub(retired, get(ENTRY_ICOUNT)) : undefined);

  const binary = (kind: BinaryOp, a: Value, b: Value): Binaryen.ExpressionRef => {
    const A = (): Binaryen.ExpressionRef => val(a);
    const B = (): Binaryen.ExpressionRef => val(b);
    const wide = (signedA: boolean, signedB: boolean): Binaryen.ExpressionRef => m.i32.wrap(m.i64.shr_u(
      m.i64.mul(signedA ? m.i64.extend_s(A()) : m.i64.extend_u(A()), signedB ? m.i64.extend_s(B()) : m.i64.extend_u(B())),
      m.i64.const(32n)));
    const bIsZero = (): Binaryen.ExpressionRef => m.i32.eqz(B());
    switch (kind) {
      case 'add': return m.i32.add(A(), B());
      case 'sub': return m.i32.sub(A(), B());
      case 'and': return m.i32.and(A(), B());
      case 'or': return m.i32.or(A(), B());
      case 'xor': return m.i32.xor(A(), B());
      case 'shl': return m.i32.shl(A(), B());
      case 'shr': return m.i32.shr_u(A(), B());
      case 'sar': return m.i32.shr_s(A(), B());
      case 'mul': return m.i32.mul(A(), B());
      case 'mulhu': return wide(false, false);
      case 'mulhs': return wide(true, true);
      case 'mulhsu': return wide(true, false);
      // RISC-V division never traps; wasm's does, so the special cases come first.
      case 'divs':
        return m.if(bIsZero(), c(-1),
          m.if(m.i32.and(m.i32.eq(A(), c(-0x80000000)), m.i32.eq(B(), c(-1))), A(), m.i32.div_s(A(), B())));
      case 'divu': return m.if(bIsZero(), c(-1), m.i32.div_u(A(), B()));
      case 'rems': return m.if(bIsZero(), A(), m.i32.rem_s(A(), B()));
      case 'remu': return m.if(bIsZero(), A(), m.i32.rem_u(A(), B()));
    }
  };

  const compare = (cond: Condition, a: Value, b: Value): Binaryen.ExpressionRef => {
    const A = val(a), B = val(b);
    switch (cond) {
      case 'eq': return m.i32.eq(A, B);
      case 'ne': return m.i32.ne(A, B);
      case 'lt': return m.i32.lt_s(A, B);
      case 'ge': return m.i32.ge_s(A, B);
      case 'ltu': return m.i32.lt_u(A, B);
      case 'geu': return m.i32.ge_u(A, B);
    }
  };

  /** dst = the atomic op on the word at ADDR with VAL (and E2, the
   *  expected value of cas). min/max retry a compare-and-swap (E1 holds the
   *  word seen) until no other thread wrote in between. */
  const atomicRmw = (kind: AtomicOp, dst: number): Binaryen.ExpressionRef => {
    const rmw = m.i32.atomic.rmw;
    const simple: Partial<Record<AtomicOp, (off: number, p: Binaryen.ExpressionRef, v: Binaryen.ExpressionRef) => Binaryen.ExpressionRef>> = {
      swap: rmw.xchg, add: rmw.add, xor: rmw.xor, and: rmw.and, or: rmw.or,
    };
    const op = simple[kind];
    if (op) return set(dst, op(GUEST_BASE, get(ADDR), get(VAL)));
    if (kind === 'cas') return set(dst, rmw.cmpxchg(GUEST_BASE, get(ADDR), get(E2), get(VAL)));
    const keepOld = { min: 'ge_s', max: 'le_s', minu: 'ge_u', maxu: 'le_u' } as const;
    const newIsOld = m.i32[keepOld[kind as keyof typeof keepOld]];
    const label = `atomic_retry`;
    return m.loop(label, m.block(null, [
      set(E1, m.i32.atomic.load(GUEST_BASE, get(ADDR))),
      set(dst, rmw.cmpxchg(GUEST_BASE, get(ADDR), get(E1), m.select(newIsOld(get(VAL), get(E1)), get(E1), get(VAL)))),
      m.br(label, m.i32.ne(get(dst), get(E1))),
    ]));
  };

  /** The guest store of VAL at ADDR, unchecked. */
  const storeTo = (size: number): Binaryen.ExpressionRef => (size === 4 ? m.i32.store(GUEST_BASE, 1, get(ADDR), get(VAL))
    : size === 2 ? m.i32.store16(GUEST_BASE, 1, get(ADDR), get(VAL))
    : m.i32.store8(GUEST_BASE, 1, get(ADDR), get(VAL)));
  /** Whether any of a block's entry checks fails (ADDR and E1/E2 are free
   *  scratch at a block's start). */
  const entryCheckFails = (blockIndex: number): Binaryen.ExpressionRef => m.block(null, [
    set(ADDR, c(0)),
    ...hoisted[blockIndex]!.checks.flatMap((k) => {
      const need = (k.reads ? PERM.READ : 0) | (k.writes ? PERM.WRITE : 0);
      const at = (offset: number): Binaryen.ExpressionRef => pageEntry(m.i32.add(get(REG0 + k.reg), c(offset)));
      // Stores also need pages without translated code.
      const allowed = m.i32.and(m.i32.and(get(E1), get(E2)), c(need));
      const flags = k.writes ? m.i32.or(allowed, m.i32.and(m.i32.or(get(E1), get(E2)), c(PERM.CODE))) : allowed;
      return [set(E1, at(k.low)), set(E2, at(k.low + k.span - 1)), set(ADDR, m.i32.or(get(ADDR), m.i32.ne(flags, c(need))))];
    }),
    get(ADDR),
  ], i32);

  /** Lowers one block's ops; `n` is its instruction count. */
  const lowerOps = (ir: IRBlock, blockIndex: number): Binaryen.ExpressionRef[] => {
    const out: Binaryen.ExpressionRef[] = [];
    const covered = hoisted[blockIndex]!.covered;
    const n = ir.insnCount;
    let insnPc = ir.pc;
    let insnSize = 0;
    let insnIndex = 0;
    const checkAligned = (aligned: boolean): void => {
      if (aligned) out.push(m.if(m.i32.and(get(ADDR), c(3)), raise('SIGBUS', insnPc, n)));
    };
    for (const [opIndex, op] of ir.ops.entries()) {
      switch (op.op) {
        case 'insn':
          insnPc = op.pc;
          insnSize = op.size;
          insnIndex = op.index;
          break;
        case 'getreg':
          out.push(set(TEMP0 + op.dst.id, get(REG0 + op.reg)));
          break;
        case 'setreg':
          out.push(set(REG0 + op.reg, val(op.src)));
          break;
        case 'getstate':
          out.push(set(TEMP0 + op.dst.id, load32(m, STATE_SLOT_OF[op.slot] * 4, 4, stateBlock())));
          break;
        case 'setstate':
          out.push(m.i32.store(STATE_SLOT_OF[op.slot] * 4, 4, stateBlock(), val(op.src)));
          break;
        case 'binary':
          out.push(set(TEMP0 + op.dst.id, binary(op.kind, op.a, op.b)));
          break;
        case 'setcond':
          out.push(set(TEMP0 + op.dst.id, compare(op.cond, op.a, op.b)));
          break;
        case 'select':
          out.push(set(TEMP0 + op.dst.id, m.select(m.i32.ne(val(op.test), c(0)), val(op.ifTrue), val(op.ifFalse))));
          break;
        case 'load': {
          out.push(set(ADDR, val(op.addr)));
          checkAligned(op.aligned);
          if (covered.has(opIndex)) {
            // Checked at the block's start (entry-checks.ts).
          } else if (flatLoads) {
            out.push(m.if(m.i32.gt_u(get(ADDR), c(GUEST_SPACE_END - op.size)), raise('SIGSEGV', insnPc, n)));
          } else {
            const readable = op.size === 1 ? pageEntry(get(ADDR))
              : m.i32.and(pageEntry(get(ADDR)), pageEntry(m.i32.add(get(ADDR), c(op.size - 1))));
            out.push(m.if(m.i32.eqz(m.i32.and(readable, c(PERM.READ))), raise('SIGSEGV', insnPc, n)));
          }
          const load = op.size === 4 ? load32(m, GUEST_BASE, 1, get(ADDR))
            : op.size === 2 ? (op.signed ? m.i32.load16_s : m.i32.load16_u)(GUEST_BASE, 1, get(ADDR))
            : (op.signed ? m.i32.load8_s : m.i32.load8_u)(GUEST_BASE, 1, get(ADDR));
          out.push(set(TEMP0 + op.dst.id, load));
          break;
        }
        case 'store': {
          out.push(set(ADDR, val(op.addr)), set(VAL, val(op.src)));
          checkAligned(op.aligned);
          if (covered.has(opIndex)) {
            out.push(storeTo(op.size));
            break;
          }
          // Fast when every page is writable and none holds translated code.
          out.push(set(E1, pageEntry(get(ADDR))));
          const flags = op.size === 1 ? m.i32.and(get(E1), c(PERM.WRITE | PERM.CODE))
            : m.block(null, [
                set(E2, pageEntry(m.i32.add(get(ADDR), c(op.size - 1)))),
                m.i32.or(m.i32.and(m.i32.and(get(E1), get(E2)), c(PERM.WRITE)),
                  m.i32.and(m.i32.or(get(E1), get(E2)), c(PERM.CODE))),
              ], i32);
          const store = storeTo(op.size);
          // The slow path stores, or throws SIGSEGV. When the store is its
          // instruction's last effect, the trace writes its registers back
          // and leaves through store_exit, resuming after the instruction.
          // AMOs and sc write rd afterwards, so they call it in line: when
          // it discards translated code it sets the stop flag, and the trace
          // leaves at its next loop header (a RISC-V hart may run stale code
          // until fence.i, which always leaves the trace).
          if (isLastEffect(ir.ops, opIndex)) {
            const retired = m.i32.sub(get(ICOUNT), c(n - insnIndex - 1));
            out.push(m.if(m.i32.ne(flags, c(PERM.WRITE)), m.block(null, [
              ...bump('store'),
              ...bumpInstructions(retired),
              m.return_call(EXIT_HELPERS.store,
                [get(ADDR), get(VAL), c(op.size), c(insnPc), c(insnPc + insnSize), retired, retiredBefore(n), ...regArgs()], i32),
            ])), store);
          } else {
            // The call may throw the fault: the registers and the count first.
            const slow = m.block(null, [
              ...storeRegs(), ...reportExit(retiredBefore(n)),
              m.call(IMPORTS.storeSlow, [get(ADDR), get(VAL), c(op.size), c(insnPc)], none),
            ]);
            out.push(m.if(m.i32.eq(flags, c(PERM.WRITE)), store, slow));
          }
          break;
        }
        case 'atomic': {
          // Fast when the page is readable, writable and holds no
          // translated code: a wasm atomic on the shared memory. Otherwise
          // the runtime does it (or throws the fault) with the registers
          // written back, and sets the stop flag if it discarded code.
          out.push(set(ADDR, val(op.addr)), set(VAL, val(op.src)), set(E2, val(op.expected)));
          checkAligned(true);
          const flags = m.i32.and(pageEntry(get(ADDR)), c(PERM.READ | PERM.WRITE | PERM.CODE));
          const slow = m.block(null, [
            ...storeRegs(), ...reportExit(retiredBefore(n)),
            set(TEMP0 + op.dst.id, m.call(IMPORTS.atomicSlow, [c(ATOMIC_OPS.indexOf(op.kind)), get(ADDR), get(VAL), get(E2), c(insnPc)], i32)),
          ]);
          out.push(m.if(m.i32.eq(flags, c(PERM.READ | PERM.WRITE)), atomicRmw(op.kind, TEMP0 + op.dst.id), slow));
          break;
        }
        case 'call': {
          // read_counter(csr, instructions this trace run retired before this one)
          const [csr, before] = op.args as [Value, Value];
          const retired = m.i32.add(retiredBefore(n), val(before));
          const call = m.call(IMPORTS.readCounter, [val(csr), retired], i32);
          out.push(op.dst ? set(TEMP0 + op.dst.id, call) : m.drop(call));
          break;
        }
      }
    }
    return out;
  };

  // Loop headers, where the budget is checked.
  const headers = loopHeaders(region);

  // The directory slot's byte offset, as traceDirectorySlot() computes it.
  const slotOffset = (): Binaryen.ExpressionRef =>
    m.i32.shl(m.i32.and(m.i32.shr_u(get(CHAIN), c(1)), c(TRACE_DIRECTORY_ENTRIES - 1)), c(2));
  const storeRegs = (): Binaryen.ExpressionRef[] => writeBackRegs(stateBlock, (r) => REG0 + r);

  /** The function body over the region's CFG, entered through a switch on
   *  `entry` when the region has more than one entry. */
  const entries = regionEntries(region);
  const enterable = new Set(entries);
  const buildBody = (): Binaryen.ExpressionRef => {
    const relooper = new binaryen.Relooper(m);
    // The one epilogue: within budget and not told to stop, a tail call
    // into the trace covering the next pc (table slot 2*id for its head,
    // 2*id+1 for its other entries) with the registers; otherwise the
    // registers written back, the retired count and this trace's id, and
    // return.
    // The slot's offset and its value are read once, into the scratch
    // locals of loads and stores (free here).
    const SLOT = E1;
    const VALUE = E2;
    const entryOf = (): Binaryen.ExpressionRef => m.i32.and(get(VALUE), c((1 << TRACE_ENTRY_BITS) - 1));
    const tableSlot = m.i32.or(m.i32.shl(m.i32.shr_u(get(VALUE), c(TRACE_ENTRY_BITS)), c(1)), m.i32.ne(entryOf(), c(0)));
    const withinBudget = m.i32.lt_s(get(ICOUNT), get(FUEL));
    const mayChain = m.i32.and(m.i32.ne(get(CHAIN), c(0)),
      setsStop ? m.i32.and(withinBudget, m.i32.eqz(load32(m, STATE.STOP * 4, 4, stateBlock()))) : withinBudget);
    const epilogue = relooper.addBlock(m.block(null, [
      ...bumpInstructions(get(ICOUNT)),
      m.if(mayChain, m.block(null, [
        set(SLOT, slotOffset()),
        m.if(m.i32.eq(load32(m, TRACE_DIRECTORY_OFFSET, 4, get(SLOT)), get(CHAIN)), m.block(null, [
          set(VALUE, load32(m, TRACE_DIRECTORY_OFFSET + 4 * TRACE_DIRECTORY_ENTRIES, 4, get(SLOT))),
          ...bump('chained'),
          // The pc, for a CPU whose table does not hold that trace (yet, or
          // any more): its slot there resumes in the dispatcher at this pc.
          storePc(get(CHAIN)),
          m.return_call_indirect(IMPORTS.table, tableSlot, [get(FUEL), get(ICOUNT), entryOf(), ...regArgs()], RUN_TYPE, i32),
        ])),
      ])),
      ...storeRegs(),
      ...reportExit(get(ICOUNT)),
      m.return(get(EXIT)),
    ]));
    // One block per exit, which names it (and the pc to chain to) and goes
    // to the epilogue. (A Relooper block without successors must end the
    // function itself, or control would fall into the code rendered after it.)
    const exitBlocks = new Map<number, Binaryen.RelooperBlockRef>();
    const exitBlock = (e: DispatchExit): Binaryen.RelooperBlockRef => {
      const index = exitIndex(e);
      let rb = exitBlocks.get(index);
      if (rb === undefined) {
        const chainTo = e.kind === 'direct' ? c(e.target) : e.kind === 'indirect' ? load32(m, STATE_PC, 4, stateBlock()) : c(0);
        rb = relooper.addBlock(m.block(null, [set(EXIT, c(index)), set(CHAIN, chainTo), ...exitBump(e)]));
        relooper.addBranch(rb, epilogue, 0, 0);
        exitBlocks.set(index, rb);
      }
      return rb;
    };
    const resume = (): Binaryen.RelooperBlockRef => exitBlock(exits[RESUME_EXIT]!);

    const bodies = irs.map((ir, i) => {
      const code: Binaryen.ExpressionRef[] = [set(ICOUNT, m.i32.add(get(ICOUNT), c(ir.insnCount)))];
      code.push(...lowerOps(ir, i));
      return relooper.addBlock(m.block(null, code));
    });
    // Blocks are entered through their checks, in one Relooper block: at a
    // loop header, out of budget or told to stop, the trace leaves before
    // the block; when an entry check fails, it leaves for tier 1 to run it.
    const blocks = irs.map((ir, i) => {
      const header = headers.has(i);
      const entryChecked = hoisted[i]!.checks.length > 0;
      if (!header && !entryChecked) return bodies[i]!;
      const check = relooper.addBlock(m.nop());
      if (header) {
        const fuel = enterable.has(i) ? get(FUEL) : m.i32.add(get(FUEL), c(INNER_HEADER_GRACE));
        const outOfBudget = m.i32.ge_s(get(ICOUNT), fuel);
        const stop = setsStop ? m.i32.or(outOfBudget, load32(m, STATE.STOP * 4, 4, stateBlock())) : outOfBudget;
        relooper.addBranch(check, resume(), stop, m.block(null, [storePc(c(ir.pc)), ...bump('budget')]));
      }
      if (entryChecked) relooper.addBranch(check, exitBlock({ kind: 'tier1', pc: ir.pc }), entryCheckFails(i), storePc(c(ir.pc)));
      relooper.addBranch(check, bodies[i]!, 0, 0);
      return check;
    });

    irs.forEach((ir, i) => {
      const from = bodies[i]!;
      const seenTargets = new Set<Binaryen.RelooperBlockRef>();
      const branch = (to: Binaryen.RelooperBlockRef, cond: Binaryen.ExpressionRef, code: Binaryen.ExpressionRef): void => {
        if (seenTargets.has(to)) throw new Error(`block ${i}: duplicate branch`);
        seenTargets.add(to);
        relooper.addBranch(from, to, cond, code);
      };
      const rb = region[i]!;
      const t = ir.term;
      const dest = (exitNo: number, target: number): Binaryen.RelooperBlockRef => {
        const s = rb.successors[exitNo];
        return s !== null && s !== undefined ? blocks[s]! : exitBlock({ kind: 'direct', target });
      };
      switch (t.kind) {
        case 'goto':
          branch(dest(0, t.target), 0, 0);
          break;
        case 'branch': {
          const taken = dest(1, t.taken);
          const fall = dest(0, t.fallthrough);
          if (taken !== fall) branch(taken, compare(t.cond, t.a, t.b), 0);
          branch(fall, 0, 0);
          break;
        }
        case 'jump_indirect': {
          const seen = new Set<number>();
          for (const [pc, idx] of rb.indirectTargets) {
            if (seen.has(idx)) continue;
            seen.add(idx);
            branch(blocks[idx]!, m.i32.eq(val(t.target), c(pc)), 0);
          }
          branch(resume(), 0, m.block(null, [storePc(val(t.target)), ...bump('indirect')]));
          break;
        }
        case 'syscall':
          branch(exitBlock({ kind: 'syscall', pc: t.pc, next: t.next }), 0, 0);
          break;
        case 'fence_i':
          branch(exitBlock({ kind: 'fence_i', pc: t.pc, next: t.next }), 0, 0);
          break;
        case 'trap':
          branch(exitBlock({ kind: 'trap', signal: t.signal, pc: t.pc, addr: t.addr }), 0, 0);
          break;
      }
    });

    // The entry switch: `entry` i starts at region block i (default: the head).
    let start = blocks[0]!;
    if (entries.length > 1) {
      start = relooper.addBlockWithSwitch(m.nop(), get(ENTRY));
      relooper.addBranchForSwitch(start, blocks[0]!, [], 0);
      for (const i of entries) if (i !== 0) relooper.addBranchForSwitch(start, blocks[i]!, [i], 0);
    }
    const body = relooper.renderAndDispose(start, LABEL);
    const prologue = [
      set(STATE_BASE, m.global.get(IMPORTS.stateBase, i32)),
      ...(profiling ? [set(ENTRY_ICOUNT, get(ICOUNT)), ...bump('prologues')] : []),
    ];
    // Every path ends in a return; the trailing unreachable types the body.
    return m.block(null, [...prologue, body, m.unreachable()], i32);
  };

  // The helpers' parameters are locals 0.. as well; the registers come last.
  const helperType = (leading: number): Binaryen.Type => binaryen.createType(new Array<number>(leading + PASSED_REGS).fill(i32));
  const storeHelperRegs = (leading: number): Binaryen.ExpressionRef[] => writeBackRegs(helperState, (r) => leading + r - 1);
  m.addFunction(EXIT_HELPERS.fault, helperType(4), i32, [], m.block(null, [
    ...storeHelperRegs(4),
    ...reportExit(get(3), helperState),
    m.call(IMPORTS.fault, [get(0), get(1), get(2)], none), m.unreachable(),
  ], i32));
  // A store the runtime turns into a fault counts as a fault does.
  m.addFunction(EXIT_HELPERS.store, helperType(7), i32, [], m.block(null, [
    ...storeHelperRegs(7),
    ...reportExit(get(6), helperState),
    m.call(IMPORTS.storeSlow, [get(0), get(1), get(2), get(3)], none),
    storePc(get(4), helperState),
    ...reportExit(get(5), helperState),
    c(RESUME_EXIT),
  ], i32));

  if (profiling) {
    for (const counter of PROFILE_COUNTERS) {
      m.addGlobal(profileGlobal(counter), binaryen.i64, true, m.i64.const(0n));
      m.addGlobalExport(profileGlobal(counter), profileGlobal(counter));
    }
  }
  const vars = new Array<number>(TEMP0 - PARAMS + maxTemps + 2).fill(i32);
  m.addFunction(RUN, RUN_TYPE, i32, vars, buildBody());
  m.addFunctionExport(RUN, RUN);
  m.addFunctionExport(RUN, ENTER);
  return exits;
}

/** Declares the shared memory and the runtime imports. */
export function declareImports(m: Binaryen.Module): void {
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.Atomics | binaryen.Features.SignExt |
    binaryen.Features.MutableGlobals | binaryen.Features.BulkMemory | binaryen.Features.TailCall |
    binaryen.Features.ReferenceTypes);
  m.setMemory(MEMORY_PAGES, MEMORY_PAGES, null, [], true, false, 'mem');
  m.addMemoryImport('mem', 'env', 'memory', true);
  m.addTable(IMPORTS.table, TRACE_TABLE_INITIAL, TRACE_TABLE_MAXIMUM);
  m.addTableImport(IMPORTS.table, 'env', IMPORTS.table);
  m.addFunctionImport(IMPORTS.readCounter, 'env', IMPORTS.readCounter, binaryen.createType([i32, i32]), i32);
  m.addFunctionImport(IMPORTS.storeSlow, 'env', IMPORTS.storeSlow, binaryen.createType([i32, i32, i32, i32]), none);
  m.addFunctionImport(IMPORTS.fault, 'env', IMPORTS.fault, binaryen.createType([i32, i32, i32]), none);
  m.addFunctionImport(IMPORTS.atomicSlow, 'env', IMPORTS.atomicSlow, binaryen.createType([i32, i32, i32, i32, i32]), i32);
  // The trace's id is given at instantiation, so that one module serves
  // under any id (a module from the trace cache gets this run's id).
  m.addGlobalImport(IMPORTS.traceId, 'env', IMPORTS.traceId, i32, false);
  // The CPU state block of the thread that instantiated the module: each
  // guest thread has its own, and every thread runs the same modules.
  m.addGlobalImport(IMPORTS.stateBase, 'env', IMPORTS.stateBase, i32, false);
}
