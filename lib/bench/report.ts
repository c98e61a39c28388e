import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_TIER2, TIER2_TUNABLES, type Tier2Options } from '../tier2-optimizer/options.js';
import type { ProfileTotals } from '../profile/trace-profile.js';
import { FLAT_VARIANT, PROFILED_VARIANT, sweepVariant, WARM_FILL_VARIANT, WARM_VARIANT, type BenchResults, type WarmupTimelines } from './harness.js';
import { packageRoot } from './kernels.js';
import type { ParallelEngine } from './parallel.js';
import type { Measurement } from './runners.js';
import { geomean, median, summarize, type Summary } from './stats.js';

/** One mode's times for a kernel: median and spread in ms, and guest MIPS at the median. */
export interface ModeTimes {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly samplesMs: readonly number[];
  /** null where the guest instruction count is unknown (native runs another ISA). */
  readonly mips: number | null;
}

export interface KernelResult {
  readonly name: string;
  readonly args: readonly string[];
  readonly description?: string;
  /** Guest instructions of one run (the median of the hyemu runs; they agree). */
  readonly instructions: number;
  readonly tier1: ModeTimes;
  readonly hybrid: ModeTimes & {
    /** Share of guest instructions run in tier 2, traces installed, first install (medians). */
    readonly tier2Share: number;
    readonly tracesInstalled: number;
    readonly firstInstallMs: number | null;
    /** Region crossings, from one run with trace profiling. */
    readonly crossings: ProfileTotals | null;
  };
  readonly qemu: ModeTimes | null;
  readonly native: ModeTimes | null;
  /** Tier 1 time ÷ hybrid time (higher: hybrid is faster). */
  readonly speedupOverTier1: number;
  /** Hybrid time ÷ qemu-riscv32 time, and ÷ native time (lower: hybrid is closer). */
  readonly hybridToQemu: number | null;
  readonly hybridToNative: number | null;
  /** Hybrid with the flat memory model, same tier-2 settings and pool (null: not run, --no-flat). */
  readonly hybridFlat: ModeTimes | null;
  /** The same three ratios for the flat hybrid time. */
  readonly flatSpeedupOverTier1: number | null;
  readonly flatToQemu: number | null;
  readonly flatToNative: number | null;
  /** Hybrid with a warm trace cache (filled by one run with finishCompiles
   *  first), same tier-2 settings, pool and strict memory model (null: not
   *  run, --no-warm). */
  readonly hybridWarm: (ModeTimes & {
    /** Regions installed from the cache (median over the warm runs). */
    readonly fromCache: number;
    /** Regions the run that filled the cache stored. */
    readonly filled: number;
    /** Share of guest instructions run in tier 2 (median). */
    readonly tier2Share: number;
  }) | null;
  /** The same three ratios for the warm-cache time, and warm ÷ (cold) hybrid (lower: the cache helps). */
  readonly warmSpeedupOverTier1: number | null;
  readonly warmToQemu: number | null;
  readonly warmToNative: number | null;
  readonly warmToHybrid: number | null;
}

export interface SweepResult {
  readonly tunable: string;
  /** The hybrid mode's own value of the tunable (the main table's). */
  readonly baseline: string;
  readonly values: readonly string[];
  readonly kernels: ReadonlyArray<{
    readonly name: string;
    readonly points: ReadonlyArray<ModeTimes & { readonly value: string; readonly speedupOverTier1: number }>;
  }>;
  /** Geometric mean over the kernels of the speedup over tier 1, per value. */
  readonly geomean: ReadonlyArray<{ readonly value: string; readonly speedupOverTier1: number }>;
}

/** A short program's cold processes (`hyemu run`, tier 1 and hybrid): whole-process wall times. */
export interface ShortProgramResult {
  readonly name: string;
  readonly description: string;
  /** The ELF, relative to the package root. */
  readonly elf: string;
  /** The status it exits with in both modes. */
  readonly exitCode: number;
  /** Wall time of `hyemu run --no-tier2` (ms): median, spread and each run's. */
  readonly tier1Ms: Summary;
  /** Wall time of `hyemu run` (ms), default options. */
  readonly hybridMs: Summary;
  /** Hybrid median ÷ tier 1 median (above 1: tier 2 makes the run slower). */
  readonly ratio: number;
}

/** The parallel kernel with 1 and 2 guest threads, as fresh processes: whole-process wall times per engine. */
export interface ParallelResult {
  readonly name: string;
  readonly description: string;
  /** The ELF, relative to the package root. */
  readonly elf: string;
  /** Its arguments after the thread count (none: its default work). */
  readonly args: readonly string[];
  /** The guest thread counts (the kernel's first argument); each Ms list has one entry per count, in this order. */
  readonly threads: readonly number[];
  /** Wall time of `hyemu run --no-tier2 ELF N` (ms): median, spread and each run's. */
  readonly tier1Ms: readonly Summary[];
  /** Wall time of `hyemu run ELF N` (ms), default options. */
  readonly hybridMs: readonly Summary[];
  /** Wall time of `qemu-riscv32 ELF N` (ms); null without the qemu column. */
  readonly qemuMs: readonly Summary[] | null;
  /** Median with the first thread count ÷ median with the last (1 thread ÷ 2 threads; above 1: the threads ran in parallel). */
  readonly speedup: { readonly tier1: number; readonly hybrid: number; readonly qemu: number | null };
}

/** report.json: everything the Markdown and the charts show, for machines. */
export interface BenchReport {
  readonly schema: 'hyemu-bench/1';
  readonly hyemu: string;
  readonly date: string;
  readonly host: {
    readonly node: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpu: string;
    readonly cpus: number;
    /** 1-minute load average when the bench started and when it ended. */
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
  readonly method: {
    readonly repeat: number;
    readonly order: string;
    readonly timing: string;
    readonly pool: string;
    /** What the strict and flat memory models check. */
    readonly memoryModels: string;
    /** How the warm-cache mode's cache is filled and what its time includes. */
    readonly warmCache: string;
    /** How the short programs are run and what their times include. */
    readonly shortPrograms: string;
    /** How the parallel kernel is run and what its times and speedups are. */
    readonly parallel: string;
  };
  /** The hybrid mode's tier-2 settings. */
  readonly hybrid: Record<string, number | string | boolean>;
  readonly columns: {
    readonly qemu: { readonly version: string | null; readonly skipped: string | null };
    readonly native: { readonly version: string | null; readonly skipped: string | null };
    readonly flat: { readonly skipped: string | null };
    /** cacheDir: where the caches were kept (null: a temporary folder, removed). */
    readonly warm: { readonly skipped: string | null; readonly cacheDir: string | null };
    /** The short programs' table (skipped: why it was not run, e.g. --no-short). */
    readonly short: { readonly skipped: string | null };
    /** The parallel-speedup table (skipped: why it was not run, e.g. --no-parallel). */
    readonly parallel: { readonly skipped: string | null };
  };
  readonly kernels: readonly KernelResult[];
  /** The short programs as cold processes (empty when columns.short.skipped). */
  readonly shortPrograms: readonly ShortProgramResult[];
  /** The parallel-speedup table (null when columns.parallel.skipped). */
  readonly parallel: ParallelResult | null;
  readonly geomean: {
    readonly speedupOverTier1: number | null;
    readonly hybridToQemu: number | null;
    readonly hybridToNative: number | null;
    readonly flatSpeedupOverTier1: number | null;
    readonly flatToQemu: number | null;
    readonly flatToNative: number | null;
    readonly warmSpeedupOverTier1: number | null;
    readonly warmToQemu: number | null;
    readonly warmToNative: number | null;
    readonly warmToHybrid: number | null;
    /** Of the short programs' hybrid ÷ tier 1 (null: none were run). */
    readonly shortHybridToTier1: number | null;
  };
  readonly sweeps: readonly SweepResult[];
  readonly warmup: WarmupTimelines | null;
}

function times(ms: readonly Measurement[], instructions: number | null): ModeTimes {
  const s = summarize(ms.map((m) => m.timeMs));
  return {
    medianMs: s.median, minMs: s.min, maxMs: s.max, samplesMs: s.samples,
    mips: instructions !== null && s.median > 0 ? instructions / s.median / 1000 : null,
  };
}

const ratio = (a: number, b: ModeTimes | null): number | null => (b && b.medianMs > 0 ? a / b.medianMs : null);
const nonNull = <T>(values: ReadonlyArray<T | null>): T[] => values.filter((v): v is T => v !== null);
/** The geometric mean of a ratio over the kernels, or null unless every kernel has it. */
const meanOfAll = (values: ReadonlyArray<number | null>): number | null =>
  values.every((v) => v !== null) ? geomean(nonNull(values)) : null;

/** The hybrid settings worth printing: every tunable and the strategy, not the hooks. */
function hybridSettings(tier2: Partial<Tier2Options>, workers: number): Record<string, number | string | boolean> {
  const o = { ...DEFAULT_TIER2, ...tier2 };
  const out: Record<string, number | string | boolean> = { strategy: o.strategy };
  for (const name of Object.keys(TIER2_TUNABLES) as Array<keyof typeof TIER2_TUNABLES>) out[name] = o[name];
  out['workers'] = workers;
  if (o.waitForInstall) out['waitForInstall'] = true;
  if (o.audit) out['audit'] = true;
  return out;
}

/** Turns the raw measurements into the report (medians, spreads, ratios). */
export function buildReport(r: BenchResults): BenchReport {
  const kernels = r.config.kernels.map((k): KernelResult => {
    const runs = r.runs.get(k.name)!;
    const tier1Runs = runs.get('tier1')!;
    const hybridRuns = runs.get('hybrid')!;
    const instructions = median([...tier1Runs, ...hybridRuns].map((m) => m.instructions!));
    const tier1 = times(tier1Runs, instructions);
    const hybrid = times(hybridRuns, instructions);
    const qemu = runs.has('qemu') ? times(runs.get('qemu')!, instructions) : null;
    const native = runs.has('native') ? times(runs.get('native')!, null) : null;
    const flat = runs.has(FLAT_VARIANT) ? times(runs.get(FLAT_VARIANT)!, instructions) : null;
    const warmRuns = runs.get(WARM_VARIANT) ?? null;
    const warm = warmRuns ? {
      ...times(warmRuns, instructions),
      fromCache: median(warmRuns.map((m) => m.tier2?.cache?.fromCache ?? 0)),
      filled: runs.get(WARM_FILL_VARIANT)?.[0]?.tier2?.cache?.written ?? 0,
      tier2Share: median(warmRuns.map((m) => m.tier2?.share ?? 0)),
    } : null;
    const firstInstalls = nonNull(hybridRuns.map((m) => m.tier2?.firstInstallMs ?? null));
    return {
      name: k.name, args: k.args, ...(k.description ? { description: k.description } : {}),
      instructions, tier1, qemu, native,
      hybrid: {
        ...hybrid,
        tier2Share: median(hybridRuns.map((m) => m.tier2?.share ?? 0)),
        tracesInstalled: median(hybridRuns.map((m) => m.tier2?.installed ?? 0)),
        firstInstallMs: firstInstalls.length > 0 ? median(firstInstalls) : null,
        crossings: runs.get(PROFILED_VARIANT)?.[0]?.tier2?.profile ?? null,
      },
      speedupOverTier1: tier1.medianMs / hybrid.medianMs,
      hybridToQemu: ratio(hybrid.medianMs, qemu),
      hybridToNative: ratio(hybrid.medianMs, native),
      hybridFlat: flat,
      flatSpeedupOverTier1: flat ? ratio(tier1.medianMs, flat) : null,
      flatToQemu: flat ? ratio(flat.medianMs, qemu) : null,
      flatToNative: flat ? ratio(flat.medianMs, native) : null,
      hybridWarm: warm,
      warmSpeedupOverTier1: warm ? ratio(tier1.medianMs, warm) : null,
      warmToQemu: warm ? ratio(warm.medianMs, qemu) : null,
      warmToNative: warm ? ratio(warm.medianMs, native) : null,
      warmToHybrid: warm ? ratio(warm.medianMs, hybrid) : null,
    };
  });

  const sweeps = r.config.sweeps.map((sweep): SweepResult => {
    const values = sweep.points.map((p) => p.label);
    const rows = kernels.map((k) => ({
      name: k.name,
      points: sweep.points.map((p) => {
        const t = times(r.runs.get(k.name)!.get(sweepVariant(sweep, p.label))!, k.instructions);
        return { value: p.label, ...t, speedupOverTier1: k.tier1.medianMs / t.medianMs };
      }),
    }));
    return {
      tunable: sweep.tunable,
      baseline: String(hybridSettings(r.config.tier2, r.workers)[sweep.tunable]),
      values,
      kernels: rows,
      geomean: values.map((value, i) => ({ value, speedupOverTier1: geomean(rows.map((row) => row.points[i]!.speedupOverTier1))! })),
    };
  });

  const shortPrograms = r.short.programs.map((p): ShortProgramResult => {
    const runs = r.short.runs.get(p.name)!;
    const tier1Ms = summarize(runs.tier1.map((m) => m.timeMs));
    const hybridMs = summarize(runs.hybrid.map((m) => m.timeMs));
    return {
      name: p.name, description: p.description, elf: p.elf, exitCode: p.exitCode, tier1Ms, hybridMs,
      ratio: hybridMs.median / tier1Ms.median,
    };
  });

  const parallel = parallelResult(r);

  const cpus = os.cpus();
  return {
    schema: 'hyemu-bench/1',
    hyemu: (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version,
    date: r.startedAt,
    host: {
      node: process.version, platform: os.platform(), arch: os.arch(), cpu: cpus[0]?.model.trim() ?? 'unknown',
      cpus: os.availableParallelism(), loadAverage: r.loadAverage,
    },
    method: {
      repeat: r.config.repeat,
      order: 'interleaved: each repetition runs every kernel once in every mode, the order of modes rotating between repetitions',
      timing: "hyemu modes: the emulator's own run time, from the start of the guest to its exit (RunStats.wallTimeMs); "
        + 'qemu-riscv32 and native: wall time of the process, from spawn to exit (includes process start-up)',
      pool: `hybrid runs share one tier-2 compiler pool of ${r.workers} worker thread(s), started and warmed before the first run and kept for the whole bench, as an embedder would`,
      memoryModels: 'strict, the default and the model hyemu guarantees to match Linux: every guest load and store is checked against the page table; '
        + "flat (RunOptions.memoryModel 'flat'): loads inside the guest address space are not checked (a hole reads as zeros), stores still are",
      warmCache: 'before the first timed run, one run of each kernel with tier2.finishCompiles (as `hyemu aot`: what is still queued when the guest ends '
        + 'is compiled too) fills a trace cache (RunOptions.cache) in a fresh folder of its own; every hybrid (warm cache) run uses that folder, '
        + 'on the settings, pool and strict memory model of hybrid, and stores what it compiles anew there too. Its time includes waiting for the '
        + 'cached modules to compile in V8 before the first instruction and for its own cache writes at the end; reading the cache files happens '
        + 'when the emulator is created, before the timed run',
      shortPrograms: 'each short program runs as a fresh process with an empty environment, `node dist/lib/cli/bin.cjs run ELF` (hybrid: default options, '
        + 'no trace cache, its own compiler pool; the tier-2 flags given to the bench do not apply) and the same with --no-tier2 (tier 1), the two '
        + 'alternating, their order rotating between repetitions; its time is the wall time of the whole process, from spawn to exit: Node\'s start-up, '
        + 'loading hyemu, the compiler pool\'s start, the guest and the exit. Every run must exit with the program\'s own status and print the same output as its first run',
      parallel: 'the parallel kernel runs with 1 and 2 guest threads (its first argument; all of its work runs in the threads it creates, the main thread '
        + 'only creates and joins them) as a fresh process with an empty environment: `node dist/lib/cli/bin.cjs run --no-tier2 ELF N` (tier 1), the same '
        + 'without --no-tier2 (hybrid: default options, no trace cache; the tier-2 flags given to the bench do not apply) and `qemu-riscv32 ELF N` '
        + '(when the qemu column is on), the runs of a repetition in an order rotating between repetitions; its time is the wall time of the whole '
        + 'process, from spawn to exit, and the speedup is the median time with 1 thread ÷ the median with 2. Every run must exit 0 and print the same '
        + 'line as the first',
    },
    hybrid: hybridSettings(r.config.tier2, r.workers),
    columns: { qemu: r.qemu, native: r.native, flat: r.flat, warm: r.warm, short: { skipped: r.short.skipped }, parallel: { skipped: r.parallel.skipped } },
    kernels,
    shortPrograms,
    parallel,
    geomean: {
      speedupOverTier1: geomean(kernels.map((k) => k.speedupOverTier1)),
      hybridToQemu: meanOfAll(kernels.map((k) => k.hybridToQemu)),
      hybridToNative: meanOfAll(kernels.map((k) => k.hybridToNative)),
      flatSpeedupOverTier1: meanOfAll(kernels.map((k) => k.flatSpeedupOverTier1)),
      flatToQemu: meanOfAll(kernels.map((k) => k.flatToQemu)),
      flatToNative: meanOfAll(kernels.map((k) => k.flatToNative)),
      warmSpeedupOverTier1: meanOfAll(kernels.map((k) => k.warmSpeedupOverTier1)),
      warmToQemu: meanOfAll(kernels.map((k) => k.warmToQemu)),
      warmToNative: meanOfAll(kernels.map((k) => k.warmToNative)),
      warmToHybrid: meanOfAll(kernels.map((k) => k.warmToHybrid)),
      shortHybridToTier1: geomean(shortPrograms.map((p) => p.ratio)),
    },
    sweeps,
    warmup: r.warmup,
  };
}

/** The parallel table's medians and speedups, or null when it was not run. */
function parallelResult(r: BenchResults): ParallelResult | null {
  const { kernel, threads, runs } = r.parallel;
  if (!kernel) return null;
  const summaries = (engine: ParallelEngine): Summary[] | null => {
    const byThreads = runs.get(engine);
    return byThreads ? threads.map((n) => summarize(byThreads.get(n)!.map((m) => m.timeMs))) : null;
  };
  const speedup = (s: readonly Summary[] | null): number | null => (s ? s[0]!.median / s.at(-1)!.median : null);
  const tier1Ms = summaries('tier1')!;
  const hybridMs = summaries('hybrid')!;
  const qemuMs = summaries('qemu');
  return {
    name: kernel.name, description: kernel.description, elf: kernel.elf, args: kernel.args, threads,
    tier1Ms, hybridMs, qemuMs,
    speedup: { tier1: speedup(tier1Ms)!, hybrid: speedup(hybridMs)!, qemu: speedup(qemuMs) },
  };
}
