import type { DispatchObserver } from './dispatcher.js';
import type { ProfileTotals, TraceProfile } from '../profile/trace-profile.js';
import type { ThreadTier2 } from '../tier2-optimizer/thread-protocol.js';

/** Tier-2 statistics, as `--stats` prints and the API returns them. */
export interface Tier2Stats {
  readonly requested: number;
  readonly compiled: number;
  readonly installed: number;
  readonly staleDropped: number;
  readonly failed: number;
  readonly invalidated: number;
  /** Heads tier 2 stopped compiling because their code kept changing
   *  (traces invalidated or compiles gone stale, BACKOFF_AFTER times). */
  readonly backedOff: number;
  readonly compileMsMedian: number | null;
  readonly compileMsP95: number | null;
  /** Milliseconds from the start of the run (Emulator.run) to the first install. */
  readonly firstInstallMs: number | null;
  /** Guest instructions retired (by every thread) when the run first sent
   *  a region to its compiler pool (tier2.poolStartInsns); null: it never did. */
  readonly poolStartedAtInsns: number | null;
  /** The persistent trace cache, when the run has one (RunOptions.cache). */
  readonly cache: TraceCacheStats | null;
  /** Guest instructions executed in tier 2, by every thread. */
  readonly instructions: number;
  /** Of those, by guest threads other than the main one. */
  readonly threadInstructions: number;
  /** Share of guest instructions executed in tier 2 (0..1). */
  readonly share: number;
  /** With tier2.profile: totals over every trace's counters. */
  readonly profile?: ProfileTotals;
  /** Audit mode: trace entries re-run in tier 1, and how many disagreed. */
  readonly auditedEntries?: number;
  readonly auditMismatches?: number;
}

export interface TraceCacheStats {
  /** The folder used (the cache directory and its code-generation key). */
  readonly dir: string;
  /** Regions installed from the cache (not compiled in this run). */
  readonly fromCache: number;
  /** Regions this run compiled and wrote to the cache. */
  readonly written: number;
  /** Cached regions for this program's addresses whose code differs now
   *  (a changed binary or code): not used. */
  readonly differing: number;
  /** Cached modules that failed to compile or instantiate: not used. */
  readonly unusable: number;
}

/** What the emulator needs from tier 2 (implemented in lib/tier2-optimizer). */
export interface Tier2Engine extends DispatchObserver {
  /** Installs compiled traces that have arrived (between two dispatches). */
  poll(): void;
  /** In waitForInstall mode, settles when every requested trace has been
   *  installed or has failed; null when there is nothing to wait for. */
  pendingWork(): Promise<void> | null;
  stats(): Tier2Stats;
  /** With tier2.profile: each trace's profile, most instructions first. */
  traceProfiles(): TraceProfile[];
  /** Settles when the regions from the trace cache are compiled and
   *  installed (the run awaits it before the first instruction). */
  warmStart(): Promise<void>;
  /** How the CPU workers of other guest threads share the traces; null
   *  when they run tier 1 only (audit mode). */
  threads(): ThreadTier2 | null;
  /** The run starts now (times such as the first install count from here). */
  markStart(time: number): void;
  /** Stops this emulator's compile work; in-flight tasks are abandoned. */
  close(): Promise<void>;
}
