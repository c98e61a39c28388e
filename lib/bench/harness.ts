import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceCacheOptions } from '../runtime/options.js';
import { DEFAULT_TIER2, type Tier2Options } from '../tier2-optimizer/options.js';
import { Tier2Pool } from '../tier2-optimizer/pool.js';
import type { Kernel } from './kernels.js';
import { buildNative, type NativeBuild } from './native.js';
import { PARALLEL_ENGINES, PARALLEL_KERNEL, PARALLEL_THREADS, parallelMissing, parallelMode, type ParallelEngine, type ParallelKernel } from './parallel.js';
import {
  coldMode, KernelCheckError, qemuVersion, runCold, runHyemu, runParallel, runProcess, type ColdRun, type Measurement, type Timeline,
} from './runners.js';
import { SHORT_PROGRAMS, shortProgramsMissing, type ShortProgram } from './short-programs.js';
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
  /** Whether to measure hybrid with a warm trace cache too: one run of each
   *  kernel with finishCompiles fills its cache first (what `hyemu aot` does). */
  readonly warm: boolean;
  /** Whether to run the short programs as cold processes (`hyemu run`, tier 1 and hybrid). */
  readonly short: boolean;
  /** The short programs to run (default: all of SHORT_PROGRAMS; the tests run fewer). */
  readonly shortPrograms?: readonly ShortProgram[];
  /** Whether to run the parallel-speedup table: the parallel kernel with 1
   *  and 2 guest threads, as fresh processes (tier 1, hybrid, and
   *  qemu-riscv32 when its column is on). */
  readonly parallel: boolean;
  /** The parallel kernel to run (default: PARALLEL_KERNEL; the tests give it a small scale). */
  readonly parallelKernel?: ParallelKernel;
  /** An existing, empty folder for the warm-cache mode's trace caches (one
   *  subfolder per kernel), kept after the bench; by default a temporary
   *  folder, removed at the end. */
  readonly cacheDir?: string;
  /** Receives the trace cache's warnings (default: process.emitWarning). */
  readonly onCacheWarning?: (message: string) => void;
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
  /** The warm-cache hybrid mode: skipped says why it was not run; cacheDir
   *  is where its caches were kept (null: a temporary folder, removed). */
  readonly warm: { readonly skipped: string | null; readonly cacheDir: string | null };
  /** The short programs' cold processes: skipped says why they were not
   *  run; runs maps a program's name to its runs in each mode, in run order. */
  readonly short: {
    readonly skipped: string | null;
    readonly programs: readonly ShortProgram[];
    readonly runs: ReadonlyMap<string, { readonly tier1: readonly ColdRun[]; readonly hybrid: readonly ColdRun[] }>;
  };
  /** The parallel-speedup table: skipped says why it was not run (kernel
   *  null then); runs maps each engine it ran in to thread count -> runs, in
   *  run order (no qemu entry without the qemu column). */
  readonly parallel: {
    readonly skipped: string | null;
    readonly kernel: ParallelKernel | null;
    readonly threads: readonly number[];
    readonly runs: ReadonlyMap<ParallelEngine, ReadonlyMap<number, readonly ColdRun[]>>;
  };
  /** Kernel name -> variant id -> its measurements, in run order. */
  readonly runs: ReadonlyMap<string, ReadonlyMap<string, readonly Measurement[]>>;
  readonly warmup: WarmupTimelines | null;
}

/** The warm-up chart's runs of one kernel. */
export interface WarmupTimelines {
  readonly kernel: string;
  readonly intervalMs: number;
  readonly tier1: Timeline;
  readonly hybrid: Timeline;
  /** The same run with the kernel's warm trace cache (null: the warm-cache mode is off). */
  readonly warm: Timeline | null;
}

/** The id of a sweep point's variant (the key in BenchResults.runs). */
export const sweepVariant = (sweep: Sweep, label: string): string => `sweep:${sweep.tunable}=${label}`;

/** The id of the hybrid mode with `memoryModel: 'flat'`. */
export const FLAT_VARIANT = 'hybrid-flat';

/** The id of the hybrid mode with a warm trace cache. */
export const WARM_VARIANT = 'hybrid-warm';

/** The runs map's key for each kernel's one run that filled its warm cache (not timed). */
export const WARM_FILL_VARIANT = 'hybrid-warm-fill';

/** A way to run a kernel: one of the six modes (tier1, hybrid, hybrid-flat, hybrid-warm, qemu, native), or hybrid at a sweep point. */
interface Variant {
  readonly id: string;
  readonly label: string;
  readonly run: (k: Kernel) => Promise<Measurement>;
  /** Whether this variant applies to a kernel (native: bundled kernels only). */
  readonly applies: (k: Kernel) => boolean;
}

/** The built command line the short programs run with (dist/lib/cli/bin.cjs beside this module's folder). */
export const CLI_PATH = fileURLToPath(new URL('../cli/bin.cjs', import.meta.url));

/** The runs map's key for each kernel's one profiled hybrid run. */
export const PROFILED_VARIANT = 'hybrid-profiled';

/**
 * Runs every kernel in every mode `repeat` times, interleaved: each
 * repetition runs each kernel once in each mode, the order of modes rotating
 * from one repetition to the next, so that drift (thermal, other load)
 * affects every mode alike. Hybrid runs share tier-2 compiler pools that
 * stay warm for the whole bench, as an embedder's would. The warm-cache
 * mode's caches are filled before the first timed run, one run of each
 * kernel with `finishCompiles` (as `hyemu aot`), each kernel in its own
 * folder. Each repetition also runs every short program as a fresh
 * `hyemu run` process in tier 1 and hybrid (the order of the two rotating
 * too): what a user sees from the command line, start-up included. A
 * kernel whose own check fails, or a short program that exits with another
 * status than its own or prints other output than its first run, stops the
 * bench with a KernelCheckError. Each repetition then runs the parallel
 * kernel with 1 and 2 guest threads in tier 1, hybrid and qemu-riscv32, each
 * a fresh process, the order of those six rotating too; each must exit 0 and print
 * what the first did (KernelCheckError otherwise).
 */
export async function runBench(config: BenchConfig): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  const { qemu, native } = await findColumns(config);
  const short = shortColumn(config);
  const shortRuns = new Map(short.programs.map((p) => [p.name, { tier1: [] as ColdRun[], hybrid: [] as ColdRun[] }]));
  const shortFirst = new Map<string, { stdout: string; mode: string }>();
  const parallel = parallelColumn(config, qemu);
  const parallelRuns = new Map(parallel.engines.map((e) => [e, new Map(PARALLEL_THREADS.map((n) => [n, [] as ColdRun[]]))]));
  const parallelOrder = parallel.engines.flatMap((engine) => PARALLEL_THREADS.map((threads) => ({ engine, threads })));
  let parallelFirst: { stdout: string; mode: string } | null = null;
  const pools = new PoolSet();
  const workers = config.tier2.workers ?? DEFAULT_TIER2.workers;
  const hybrid = (extra: Partial<Tier2Options>): Partial<Tier2Options> => {
    const options = { ...config.tier2, ...extra };
    return { ...options, pool: pools.get(options.workers ?? workers) };
  };
  const caches = config.warm ? warmCaches(config) : null;
  const variants = makeVariants(config, qemu, native, hybrid, caches);

  const warmupKernel = config.kernels.find((k) => k.name === config.warmupKernel) ?? null;
  const perRep = config.kernels.reduce((n, k) => n + variants.filter((v) => v.applies(k)).length, 0);
  const fills = caches ? config.kernels.length : 0;
  const total = fills + (perRep + 2 * short.programs.length + parallelOrder.length) * config.repeat + config.kernels.length + (warmupKernel ? (caches ? 3 : 2) : 0);
  let done = 0;
  const runs = new Map(config.kernels.map((k) => [k.name, new Map<string, Measurement[]>()]));

  try {
    // Start every pool up front and let its threads warm up, so that no run pays for that.
    await pools.warm([workers, ...config.sweeps.flatMap((s) => s.points).flatMap((p) => p.tier2.workers ?? [])]);
    if (caches) {
      // Fill each kernel's cache as `hyemu aot` does: one run that, when the
      // guest ends, compiles what is still queued (so every region that got
      // hot is stored), on hybrid's settings and pool.
      for (const k of config.kernels) {
        config.onRun?.(done++, total, `${k.name}: filling the trace cache`);
        const m = await runHyemu(k, 'hybrid, filling the cache', { tier2: hybrid({ finishCompiles: true }), cache: caches.option(k) });
        runs.get(k.name)!.set(WARM_FILL_VARIANT, [m]);
      }
    }
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
      for (const p of short.programs) {
        const modes = [false, true];
        for (let i = 0; i < modes.length; i++) {
          const tier2 = modes[(i + rep) % modes.length]!;
          config.onRun?.(done++, total, `${p.name}: ${coldMode(tier2)} (run ${rep + 1} of ${config.repeat})`);
          const m = await runCold(p, tier2, CLI_PATH);
          // The output is deterministic: every run prints what the first did.
          const first = shortFirst.get(p.name);
          if (!first) shortFirst.set(p.name, { stdout: m.stdout, mode: coldMode(tier2) });
          else if (m.stdout !== first.stdout) {
            throw new KernelCheckError(`${p.name} printed other output under ${coldMode(tier2)} than in its first run (${first.mode})`);
          }
          const mine = shortRuns.get(p.name)!;
          (tier2 ? mine.hybrid : mine.tier1).push(m);
        }
      }
      for (let i = 0; i < parallelOrder.length; i++) {
        const { engine, threads } = parallelOrder[(i + rep) % parallelOrder.length]!;
        const mode = parallelMode(engine, threads);
        const kernel = parallel.kernel!;
        config.onRun?.(done++, total, `${kernel.name}: ${mode} (run ${rep + 1} of ${config.repeat})`);
        const m = await runParallel(kernel, engine, threads, CLI_PATH);
        // The same line for every engine and thread count.
        if (!parallelFirst) parallelFirst = { stdout: m.stdout, mode };
        else if (m.stdout !== parallelFirst.stdout) {
          throw new KernelCheckError(`${kernel.name} printed other output under ${mode} than in its first run (${parallelFirst.mode})`);
        }
        parallelRuns.get(engine)!.get(threads)!.push(m);
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
      let warm: Timeline | null = null;
      if (caches) {
        config.onRun?.(done++, total, `${warmupKernel.name}: warm-up of hybrid with the warm cache`);
        warm = (await runHyemu(warmupKernel, 'hybrid, warm cache', { tier2: hybrid({}), cache: caches.option(warmupKernel), timelineMs: intervalMs })).timeline!;
      }
      warmup = { kernel: warmupKernel.name, intervalMs, tier1, hybrid: hyb, warm };
    }
    config.onRun?.(done, total, 'done');
    return {
      startedAt, config, workers, qemu, runs, warmup,
      flat: { skipped: config.flat ? null : 'turned off (--no-flat)' },
      warm: { skipped: config.warm ? null : 'turned off (--no-warm)', cacheDir: caches?.kept ?? null },
      short: { ...short, runs: shortRuns },
      parallel: { skipped: parallel.skipped, kernel: parallel.kernel, threads: parallel.kernel ? PARALLEL_THREADS : [], runs: parallelRuns },
      loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
      native: { version: native.compiler, skipped: native.skipped },
    };
  } finally {
    await pools.close();
    caches?.removeTemporary();
  }
}

/** The warm-cache mode's folders: one per kernel, inside config.cacheDir or a temporary folder. */
interface WarmCaches {
  /** A kernel's RunOptions.cache. */
  option(k: Kernel): TraceCacheOptions;
  /** The folder kept after the bench (config.cacheDir), or null. */
  readonly kept: string | null;
  removeTemporary(): void;
}

function warmCaches(config: BenchConfig): WarmCaches {
  const root = config.cacheDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-bench-cache-'));
  const removeTemporary = (): void => {
    if (config.cacheDir === undefined) fs.rmSync(root, { recursive: true, force: true });
  };
  const dirs = new Map<string, string>();
  const used = new Set<string>();
  try {
    for (const k of config.kernels) {
      // A kernel's name is a file's (or a bundled kernel's): keep the folder name plain anyway.
      const base = k.name.replace(/[^\w#-]/g, '_');
      let name = base;
      for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
      used.add(name);
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      dirs.set(k.name, dir);
    }
  } catch (e) {
    removeTemporary();
    throw e;
  }
  const onWarning = config.onCacheWarning;
  return {
    option: (k) => ({ dir: dirs.get(k.name)!, ...(onWarning ? { onWarning } : {}) }),
    kept: config.cacheDir ?? null,
    removeTemporary,
  };
}

/** The short programs to run, or why none are. */
function shortColumn(config: BenchConfig): { skipped: string | null; programs: readonly ShortProgram[] } {
  const programs = config.shortPrograms ?? SHORT_PROGRAMS;
  const skipped = !config.short ? 'turned off (--no-short)'
    : programs.length === 0 ? 'no short programs chosen'
    : shortProgramsMissing(programs, CLI_PATH);
  return { skipped, programs: skipped === null ? programs : [] };
}

/** The parallel kernel and the engines to run it in, or why it is not run. */
function parallelColumn(config: BenchConfig, qemu: Column): { skipped: string | null; kernel: ParallelKernel | null; engines: readonly ParallelEngine[] } {
  const kernel = config.parallelKernel ?? PARALLEL_KERNEL;
  const skipped = !config.parallel ? 'turned off (--no-parallel)' : parallelMissing(kernel, CLI_PATH);
  if (skipped !== null) return { skipped, kernel: null, engines: [] };
  return { skipped, kernel, engines: PARALLEL_ENGINES.filter((e) => e !== 'qemu' || qemu.version !== null) };
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
  caches: WarmCaches | null,
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
  if (caches) {
    // The same settings, warm pool and (strict) memory model as hybrid, with
    // the kernel's cache filled beforehand: the cache is the only difference.
    variants.push({
      id: WARM_VARIANT, label: 'hybrid, warm cache', applies: all,
      run: (k) => runHyemu(k, 'hybrid, warm cache', { tier2: hybrid({}), cache: caches.option(k) }),
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
