/**
 * The contract between a compiled trace module (lower.ts, in a worker) and
 * the main thread that instantiates and runs it (manager.ts,
 * runtime-imports.ts). Kept free of binaryen, so that the main thread never
 * loads it: binaryen is needed only where traces are compiled.
 */

/** Imports every trace module takes, from module "env" (see
 *  runtime-imports.ts); the memory is imported as "memory". A module does
 *  not depend on anything else of the run that compiled it. */
export const IMPORTS = {
  readCounter: 'read_counter',
  storeSlow: 'store_slow',
  fault: 'fault',
  /** (op, addr, value, expected, pc) -> old: an atomic the fast path
   *  declined (a fault, or a page of translated code). */
  atomicSlow: 'atomic_slow',
  table: 'traces',
  /** An immutable i32 global: the trace's id (its slot pair in the table). */
  traceId: 'trace_id',
  /** An immutable i32 global: the memory offset of the running thread's
   *  CPU state block (registers, pc, exit info), which the module reads
   *  and writes; 0 on the main thread (layout.ts, cpuStateOffset). */
  stateBase: 'state_base',
} as const;

/** A trace module exports `run` (entered at the head) and `enter` (at one
 *  of the region blocks regionEntries() allows, `entry` naming it), both
 *  the same function:
 *
 *    run(fuel, retired, entry, x1, ..., x31) -> exit index
 *
 *  The guest registers come in as parameters: a trace chaining into the
 *  next one passes its locals straight on (a tail call through the table),
 *  instead of storing them to the state block for the next trace to load
 *  again. Whatever leaves a trace for the runtime (a return to the
 *  dispatcher, a fault, a slow store or atomic) writes all of them back to
 *  the state block first; the dispatcher enters traces through the
 *  trampoline (trace-trampoline.ts), which loads them from it. */
export const RUN = 'run';
export const ENTER = 'enter';
/** x1..x31: x0 is not passed. */
export const PASSED_REGS = 31;
/** fuel, retired, entry, then the registers. */
export const RUN_PARAMS = 3 + PASSED_REGS;

/** The trace id a table slot's stand-in reports in STATE.EXIT_TRACE: the
 *  chain went to a trace this CPU has not instantiated (or has dropped),
 *  and the dispatcher continues at the pc in the state block. */
export const NO_TRACE = -1;

/** Exit 0: continue at the pc in the state block (indirect jumps leaving
 *  the region, a loop header out of budget or told to stop). */
export const RESUME_EXIT = 0;

/** The trace table every module imports: slot 2*id holds trace id's `run`,
 *  slot 2*id+1 its `enter`. */
export const TRACE_TABLE_INITIAL = 1024;
export const TRACE_TABLE_MAXIMUM = 1 << 20;

/**
 * Trace profiling (tier2.profile, `--stats`, `--profile-out`): a module
 * compiled with it exports one mutable i64 global per counter below, named
 * `profile_<counter>`; without it the counters are not emitted at all.
 *   prologues   the function started (a dispatch or a chained tail call):
 *               the trace's entries
 *   instructions guest instructions retired in this trace
 *   chained     left by a tail call into another trace
 *   direct, indirect, budget, syscall, store, other
 *               ways out by kind: a direct branch out of the region, an
 *               indirect jump or return to a target the region does not
 *               hold, a loop header out of budget or told to stop, a
 *               system call, a store the fast path declined, a trap or
 *               fence.i (direct and indirect include the exits that then
 *               chained)
 */
export const PROFILE_COUNTERS = [
  'prologues', 'instructions', 'chained', 'direct', 'indirect', 'budget', 'syscall', 'store', 'other',
] as const;
export type ProfileCounter = (typeof PROFILE_COUNTERS)[number];
export const profileGlobal = (counter: ProfileCounter): string => `profile_${counter}`;
