/**
 * The contract between a compiled trace module (lower.ts, in a worker) and
 * the main thread that instantiates and runs it (manager.ts,
 * runtime-imports.ts). Kept free of binaryen, so that the main thread never
 * loads it: binaryen is needed only where traces are compiled.
 */

/** Imports every trace module takes, from module "env" (see
 *  runtime-imports.ts); the memory is imported as "memory". */
export const IMPORTS = {
  readCounter: 'read_counter',
  storeSlow: 'store_slow',
  fault: 'fault',
  table: 'traces',
} as const;

/** A trace module exports `run` (entered at the head) and `enter` (at any
 *  region block, `entry` naming it). Both: (fuel, retired, entry) -> exit index. */
export const RUN = 'run';
export const ENTER = 'enter';

/** Exit 0: continue at the pc in the state block (indirect jumps leaving
 *  the region, a loop header out of budget or told to stop). */
export const RESUME_EXIT = 0;

/** The trace table every module imports: slot 2*id holds trace id's `run`,
 *  slot 2*id+1 its `enter`. */
export const TRACE_TABLE_INITIAL = 1024;
export const TRACE_TABLE_MAXIMUM = 1 << 20;
