import os from 'node:os';
import { DEFAULT_TIER2, type Tier2Options } from '../tier2-optimizer/options.js';
import { Tier2Pool } from '../tier2-optimizer/pool.js';
import type { Kernel } from './kernels.js';
import { buildNative, type NativeBuild } from './native.js';
import { qemuVersion, runHyemu, runProcess, type Measurement, type Timeline } from './runners.js';
import type { Sweep } from './sweep.js';

export interface BenchConfig {
  readonly kernels: readonly Kernel[];
  /** Runs of each kernel in each mode. */
  readonly repeat: number;
  /** The hybrid mode's tier-2 options (the CLI's tier-2 flags; empty = defaults). */
  readonly tier2: Partial<Tier2Options>;
  readonly sweeps: readonly Sweep[];
  /** Whether to try the qemu-riscv32 and native columns. */
  readonly qemu: boolean;
  readonly native: boolean;
  /** Whether to measure hybrid with the flat memory model too. */
  readonly flat: boolean;
  /** The kernel whose warm-up is charted (null: none). */
  readonly warmupKernel: string | null;
  /** Progress-sample interval of the warm-up runs. */
  readonly warmupIntervalMs?: number;
  readonly nativeCacheDir?: string;
  /** Called before each run, with the runs done so far and the total. */
  readonly onRun?: (done: number, total: number, what: string) => void;
}

/** A column that could not be measured says why. */
export interface Column {
  readonly version: string | null;
  readonly skipped: string | null;
}

export interface BenchResults {
  readonly startedAt: string;
  /** The host's 1-minute load average before and after: other work on the machine makes times noisy. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly config: BenchConfig;
  /** Worker threads of the warm pool the hybrid mode used. */
  readonly workers: number;
  readonly qemu: Column;
  readonly native: Column;
  /** The flat-memory hybrid mode: skipped says why it was not run. */
  readonly flat: { readonly skipped: string | null };
  /** Kernel name -> variant id -> its measurements, in run order. */
  readonly runs: ReadonlyMap<string, ReadonlyMap<string, readonly Measurement[]>>;
  readonly warmup: { readonly kernel: string; readonly intervalMs: number; readonly tier1: Timeline; readonly hybrid: Timeline } | null;
}

/** The id of a sweep point's variant (the key in BenchResults.runs). */
export const sweepVariant = (sweep: Sweep, label: string): string => `sweep:${sweep.tunable}=${label}`;

/** The id of the hybrid mode with `memoryModel: 'flat'`. */
export const FLAT_VARIANT = 'hybrid-flat';

/** A way to run a kernel: one of the five modes (tier1, hybrid, hybrid-flat, qemu, native), or hybrid at a sweep point. */
interface Variant {
  readonly id: string;
  readonly label: string;
  readonly run: (k: Kernel) => Promise<Measurement>;
  /** Whether this variant applies to a kernel (native: bundled kernels only). */
  readonly applies: (k: Kernel) => boolean;
}

/** The runs map's key for each kernel's one profiled hybrid run. */
export const PROFILED_VARIANT = 'hybrid-profiled';

/**
 * Runs every kernel in every mode `repeat` times, interleaved: each
 * repetition runs each kernel once in each mode, the order of modes rotating
 * from one repetition to the next, so that drift (thermal, other load)
 * affects every mode alike. Hybrid runs share tier-2 compiler pools that
 * stay warm for the whole bench, as an embedder's would. A kernel whose own
 * check fails stops the bench with a KernelCheckError.
 */
export async function runBench(config: BenchConfig): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  const { qemu, native } = await findColumns(config);
  const pools = new PoolSet();
  const workers = config.tier2.workers ?? DEFAULT_TIER2.workers;
  const hybrid = (extra: Partial<Tier2Options>): Partial<Tier2Options> => {
    const options = { ...config.tier2, ...extra };
    return { ...options, pool: pools.get(options.workers ?? workers) };
  };
  const variants = makeVariants(config, qemu, native, hybrid);

  const warmupKernel = config.kernels.find((k) => k.name === config.warmupKernel) ?? null;
  const perRep = config.kernels.reduce((n, k) => n + variants.filter((v) => v.applies(k)).length, 0);
  const total = perRep * config.repeat + config.kernels.length + (warmupKernel ? 2 : 0);
  let done = 0;
  const runs = new Map(config.kernels.map((k) => [k.name, new Map<string, Measurement[]>()]));

  try {
    // Start every pool up front and let its threads warm up, so that no run pays for that.
    await pools.warm([workers, ...config.sweeps.flatMap((s) => s.points).flatMap((p) => p.tier2.workers ?? [])]);
    for (let rep = 0; rep < config.repeat; rep++) {
      for (const k of config.kernels) {
        const mine = variants.filter((v) => v.applies(k));
        for (let i = 0; i < mine.length; i++) {
          const v = mine[(i + rep) % mine.length]!;
          config.onRun?.(done++, total, `${k.name}: ${v.label} (run ${rep + 1} of ${config.repeat})`);
          const m = await v.run(k);
          const byVariant = runs.get(k.name)!;
          byVariant.set(v.id, [...(byVariant.get(v.id) ?? []), m]);
        }
      }
    }
    // One more hybrid run per kernel with the trace profile counters (not
    // timed with the others: counting costs a little): region crossings.
    for (const k of config.kernels) {
      config.onRun?.(done++, total, `${k.name}: hybrid with trace profiling`);
      const m = await runHyemu(k, 'hybrid, profiled', { tier2: hybrid({ profile: true }) });
      runs.get(k.name)!.set(PROFILED_VARIANT, [m]);
    }
    let warmup: BenchResults['warmup'] = null;
    if (warmupKernel) {
      const intervalMs = config.warmupIntervalMs ?? 10;
      config.onRun?.(done++, total, `${warmupKernel.name}: warm-up of tier 1`);
      const tier1 = (await runHyemu(warmupKernel, 'tier 1', { tier2: false, timelineMs: intervalMs })).timeline!;
      config.onRun?.(done++, total, `${warmupKernel.name}: warm-up of hybrid`);
      const hyb = (await runHyemu(warmupKernel, 'hybrid', { tier2: hybrid({}), timelineMs: intervalMs })).timeline!;
      warmup = { kernel: warmupKernel.name, intervalMs, tier1, hybrid: hyb };
    }
    config.onRun?.(done, total, 'done');
    return {
      startedAt, config, workers, qemu, runs, warmup,
      flat: { skipped: config.flat ? null : 'turned off (--no-flat)' },
      loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
      native: { version: native.compiler, skipped: native.skipped },
    };
  } finally {
    await pools.close();
  }
}

/** Whether qemu-riscv32 is there, and the native builds (made now, or found in the cache). */
async function findColumns(config: BenchConfig): Promise<{ qemu: Column; native: NativeBuild }> {
  const qemu: Column = !config.qemu ? { version: null, skipped: 'turned off (--no-qemu)' }
    : await qemuVersion().then((v) => ({ version: v, skipped: v ? null : 'qemu-riscv32 is not installed' }));
  const none = (skipped: string): NativeBuild => ({ binaries: new Map(), compiler: null, skipped });
  const native = !config.native ? none('turned off (--no-native)')
    : !config.kernels.some((k) => k.source) ? none('only the bundled kernels have a native build')
    : await buildNative(config.kernels, config.nativeCacheDir);
  return { qemu, native };
}

function makeVariants(
  config: BenchConfig, qemu: Column, native: NativeBuild, hybrid: (extra: Partial<Tier2Options>) => Partial<Tier2Options>,
): Variant[] {
  const all = (): boolean => true;
  const variants: Variant[] = [
    { id: 'tier1', label: 'tier 1', applies: all, run: (k) => runHyemu(k, 'tier 1', { tier2: false }) },
    { id: 'hybrid', label: 'hybrid', applies: all, run: (k) => runHyemu(k, 'hybrid', { tier2: hybrid({}) }) },
  ];
  if (config.flat) {
    // The same settings and warm pool as hybrid: the memory model is the only difference.
    variants.push({
      id: FLAT_VARIANT, label: 'hybrid, flat', applies: all,
      run: (k) => runHyemu(k, 'hybrid, flat', { tier2: hybrid({}), memoryModel: 'flat' }),
    });
  }
  if (qemu.version) {
    variants.push({ id: 'qemu', label: 'qemu-riscv32', applies: all, run: (k) => runProcess(k, 'qemu-riscv32', ['qemu-riscv32', k.elf]) });
  }
  if (native.binaries.size > 0) {
    variants.push({
      id: 'native', label: 'native', applies: (k) => native.binaries.has(k.name),
      run: (k) => runProcess(k, 'native', [native.binaries.get(k.name)!]),
    });
  }
  for (const sweep of config.sweeps) {
    for (const p of sweep.points) {
      const label = `hybrid, ${sweep.tunable}=${p.label}`;
      variants.push({ id: sweepVariant(sweep, p.label), label, applies: all, run: (k) => runHyemu(k, label, { tier2: hybrid(p.tier2) }) });
    }
  }
  return variants;
}

/** The bench's tier-2 compiler pools, one per worker count (a sweep of `workers` needs several). */
class PoolSet {
  private readonly pools = new Map<number, Tier2Pool>();

  get(workers: number): Tier2Pool {
    let pool = this.pools.get(workers);
    if (!pool) this.pools.set(workers, (pool = new Tier2Pool(workers)));
    return pool;
  }

  async warm(workerCounts: readonly number[]): Promise<void> {
    await Promise.all(workerCounts.map((n) => this.get(n).ready));
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}
