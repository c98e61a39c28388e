import { PROFILE_COUNTERS, profileGlobal, type ProfileCounter } from '../tier2-optimizer/trace-abi.js';

/** A trace's counters (see trace-abi's PROFILE_COUNTERS). */
export type TraceCounters = Readonly<Record<ProfileCounter, number>>;

/** One trace's profile, as `--profile-out` writes it. */
export interface TraceProfile {
  readonly id: number;
  readonly name: string;
  readonly headPc: number;
  /** The pcs of its blocks (the head first). */
  readonly blocks: readonly number[];
  /** Still installed at the end of the run (false: invalidated). */
  readonly valid: boolean;
  /** Times the trace was entered (by the dispatcher or a chained call). */
  readonly entries: number;
  readonly instructions: number;
  readonly instructionsPerEntry: number | null;
  /** Its share of all guest instructions of the run (0..1). */
  readonly share: number;
  readonly counters: TraceCounters;
}

/** The run's totals over every profiled trace (`--stats`). */
export interface ProfileTotals {
  readonly traces: number;
  readonly entries: number;
  readonly instructions: number;
  readonly instructionsPerEntry: number | null;
  /** Ways out: into another trace, or back to the dispatcher. */
  readonly chained: number;
  readonly toDispatcher: number;
  readonly exits: Readonly<Record<'direct' | 'indirect' | 'budget' | 'syscall' | 'store' | 'other', number>>;
}

/** Reads a profiled module's counters, or null for a module without them. */
export function counterReader(exports: WebAssembly.Exports): (() => TraceCounters) | null {
  const globals = PROFILE_COUNTERS.map((c) => exports[profileGlobal(c)]);
  if (!globals.every((g) => g instanceof WebAssembly.Global)) return null;
  return () => Object.fromEntries(PROFILE_COUNTERS.map((c, i) => [c, Number((globals[i] as WebAssembly.Global).value)])) as TraceCounters;
}

const perEntry = (insns: number, entries: number): number | null => (entries > 0 ? insns / entries : null);

export function traceProfile(
  t: { id: number; name: string; headPc: number; entryPcs: readonly number[]; valid: boolean },
  counters: TraceCounters, runInstructions: number,
): TraceProfile {
  const entries = counters.prologues;
  return {
    id: t.id, name: t.name, headPc: t.headPc, blocks: t.entryPcs, valid: t.valid, entries,
    instructions: counters.instructions, instructionsPerEntry: perEntry(counters.instructions, entries),
    share: runInstructions > 0 ? counters.instructions / runInstructions : 0, counters,
  };
}

export function profileTotals(traces: readonly TraceProfile[]): ProfileTotals {
  const sum = (f: (c: TraceCounters) => number): number => traces.reduce((s, t) => s + f(t.counters), 0);
  const entries = traces.reduce((s, t) => s + t.entries, 0);
  const instructions = sum((c) => c.instructions);
  const exits = {
    direct: sum((c) => c.direct), indirect: sum((c) => c.indirect), budget: sum((c) => c.budget),
    syscall: sum((c) => c.syscall), store: sum((c) => c.store), other: sum((c) => c.other),
  };
  const chained = sum((c) => c.chained);
  const leaves = Object.values(exits).reduce((a, b) => a + b, 0);
  return {
    traces: traces.length, entries, instructions, instructionsPerEntry: perEntry(instructions, entries),
    chained, toDispatcher: leaves - chained, exits,
  };
}
