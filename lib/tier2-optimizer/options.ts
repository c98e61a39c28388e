import { OptionError } from '../errors.js';
import { DEFAULT_HOT_THRESHOLD } from '../profile/hotness.js';
import { availableParallelism } from 'node:os';
import type { CompilerPool } from './pool.js';
import type { FaultInjection } from './task.js';

export type TraceStrategy = 'net' | 'region';

/** Tier-2 tunables (API `tier2`, CLI `--tier2-*` / `--hot-threshold` ...). */
export interface Tier2Options {
  readonly enabled: boolean;
  /** Block executions before it heads a trace or region. */
  readonly hotThreshold: number;
  /** NET traces (a recorded hot path) or regions (hot CFG reachable from the head). */
  readonly strategy: TraceStrategy;
  /** Most guest blocks in one trace or region (default: 32 for regions,
   *  16 for NET traces, HQEMU's limit). */
  readonly maxBlocks: number;
  /** Worker threads compiling traces. */
  readonly workers: number;
  /** Guest instructions a run retires before it starts a compiler pool,
   *  if a region waits by then: a program too short for any trace to
   *  arrive in time (~0.5 s, some 10^8 instructions) should not pay for
   *  the pool's start (its worker loading binaryen, which the process's
   *  exit then waits for). A pool already running in this process, or one
   *  given as `pool`, is used at once; 0 starts it with the first region. */
  readonly poolStartInsns: number;
  /** Most compile tasks queued or running at once; hot heads beyond it wait. */
  readonly maxInFlight: number;
  /** binaryen optimize level (0: none, 1: a few cheap passes, 2-4: the
   *  full pipeline) and shrink level (0-2). */
  readonly optimizeLevel: number;
  readonly shrinkLevel: number;
  /** A compile that runs longer in its worker fails (its trace stays in
   *  tier 1); time queued for a worker does not count. */
  readonly compileTimeoutMs: number;
  /** Test mode: stop dispatching until each requested trace is installed
   *  or failed, so tier 2 runs as early as possible. */
  readonly waitForInstall: boolean;
  /** When the guest ends, compile and install every region still queued
   *  or compiling instead of dropping it (`hyemu aot` fills the cache so). */
  readonly finishCompiles: boolean;
  /** Run every installed trace's region in tier 1 too and compare state. */
  readonly audit: boolean;
  /** Compile traces with counters (entries, exits by kind, instructions):
   *  the profile in the stats and `Emulator.traceProfiles()`. Off, no
   *  counting code is emitted at all. */
  readonly profile: boolean;
  /** Receives each trace's IR and binaryen text (the dump option). */
  readonly dump: ((name: string, text: string) => void) | null;
  /** A compiler pool to use instead of the process-wide shared one (keep
   *  one alive across many runs to skip the warm-up); `workers` is then
   *  the pool's. */
  readonly pool: CompilerPool | null;
  /** Testing only: make compile task n (0, 1, ...) fail in a chosen way. */
  readonly faultInjection: ((taskNumber: number) => FaultInjection | undefined) | null;
}

/** The default worker count: cores - 1, at least 1. */
export const defaultWorkers = (): number => Math.max(1, availableParallelism() - 1);

export const DEFAULT_TIER2: Tier2Options = {
  enabled: true,
  hotThreshold: DEFAULT_HOT_THRESHOLD,
  strategy: 'region',
  maxBlocks: 32,
  workers: defaultWorkers(),
  poolStartInsns: 5_000_000,
  maxInFlight: 4,
  optimizeLevel: 1,
  shrinkLevel: 0,
  compileTimeoutMs: 10_000,
  waitForInstall: false,
  finishCompiles: false,
  audit: false,
  profile: false,
  dump: null,
  pool: null,
  faultInjection: null,
};

/** The numeric tunables, with their bounds (shared by the CLI, the API and
 *  `hyemu bench --sweep`). */
export const TIER2_TUNABLES = {
  hotThreshold: { min: 1, max: 1e9 },
  maxBlocks: { min: 1, max: 256 },
  workers: { min: 1, max: 64 },
  poolStartInsns: { min: 0, max: 1e12 },
  maxInFlight: { min: 1, max: 1024 },
  optimizeLevel: { min: 0, max: 4 },
  shrinkLevel: { min: 0, max: 2 },
  compileTimeoutMs: { min: 1, max: 600_000 },
} as const;

export type Tier2Tunable = keyof typeof TIER2_TUNABLES;

export const DEFAULT_NET_MAX_BLOCKS = 16;

export function resolveTier2Options(input: boolean | Partial<Tier2Options> | undefined): Tier2Options {
  if (input === false) return { ...DEFAULT_TIER2, enabled: false };
  const given = typeof input === 'object' ? input : {};
  // NET traces default to HQEMU's 16 blocks, regions to DEFAULT_TIER2's.
  const netDefault = given.maxBlocks === undefined && given.strategy === 'net' ? { maxBlocks: DEFAULT_NET_MAX_BLOCKS } : {};
  const o: Tier2Options = { ...DEFAULT_TIER2, ...given, ...netDefault };
  for (const [name, { min, max }] of Object.entries(TIER2_TUNABLES)) {
    const v = o[name as Tier2Tunable];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new OptionError(`tier2.${name} must be an integer in ${min}..${max}, got ${String(v)}`);
    }
  }
  if (o.strategy !== 'net' && o.strategy !== 'region') {
    throw new OptionError(`tier2.strategy must be "net" or "region", got ${String(o.strategy)}`);
  }
  return o;
}
