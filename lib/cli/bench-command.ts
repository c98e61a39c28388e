import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { OptionError } from '../errors.js';
import { runBench } from '../bench/harness.js';
import { selectKernels, userKernel, type Kernel } from '../bench/kernels.js';
import { parallelTable, resultsTable, shortTable, sweepTable } from '../bench/markdown.js';
import { writeReport } from '../bench/output.js';
import { buildReport } from '../bench/report.js';
import { KernelCheckError } from '../bench/runners.js';
import { parseSweeps, SWEEP_TUNABLES } from '../bench/sweep.js';
import { benchProgress } from './bench-progress.js';
import { cacheFlags, cacheFromFlags, type CacheFlags } from './cache-flags.js';
import { collect, parseCount } from './main.js';
import { tier2Flags, tier2FromFlags, type Tier2Flags } from './tier2-flags.js';
import { createTraceDumper } from './trace-dump.js';

interface BenchFlags extends Tier2Flags, CacheFlags {
  repeat: number;
  out: string;
  sweep?: string[];
  kernels?: string;
  args?: string;
  warmupKernel?: string;
  qemu: boolean;
  native: boolean;
  flat: boolean;
  warm: boolean;
  short: boolean;
  parallel: boolean;
  quiet?: boolean;
}

/** The kernels to run: the ELFs named, and/or the bundled ones picked with --kernels (all by default). */
function chooseKernels(elfs: readonly string[], flags: BenchFlags): Kernel[] {
  const args = flags.args?.trim().split(/\s+/).filter((a) => a !== '');
  const bundled = elfs.length === 0 || flags.kernels !== undefined ? selectKernels(flags.kernels) : [];
  const kernels: Kernel[] = bundled.map((k) => (args ? { ...k, args } : k));
  const taken = new Set(kernels.map((k) => k.name));
  for (const elf of elfs) {
    const k = userKernel(elf, args ?? [], taken);
    taken.add(k.name);
    kernels.push(k);
  }
  return kernels;
}

/** `hyemu bench [ELF...]`: tier 1 vs hybrid (strict and flat memory, warm trace cache) vs qemu-riscv32 vs native, short programs as cold processes, parallel speedup on guest threads, with sweeps and a report folder. */
export function addBenchCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('bench')
    .description('benchmark the bundled kernels (or your ELFs): tier 1 alone, hybrid (strict and flat memory model, warm trace cache), qemu-riscv32 and native, '
      + 'short programs as fresh processes, and the speedup of a kernel on 2 guest threads over 1; writes a report')
    .argument('[elf...]', 'rv32 ELF programs to benchmark instead of the bundled kernels')
    .option('--repeat <N>', 'runs of each kernel in each mode; medians are reported', parseCount, 3)
    .option('--out <DIR>', 'folder for report.md, report.json and the SVG charts', './bench-report')
    .option('--sweep <TUNABLE=V1,V2,...>', `also run hybrid with each value of a tier-2 tunable (repeatable): ${SWEEP_TUNABLES.join(', ')}`, collect)
    .option('--kernels <NAMES>', 'bundled kernels to run, comma-separated (default: all)')
    .option('--args <ARGS>', "arguments for every kernel, split at spaces (default: a bundled kernel's own, none for an ELF)")
    .option('--warmup-kernel <NAME>', 'the kernel whose warm-up is charted (default: the first)')
    .option('--no-qemu', 'leave out the qemu-riscv32 column')
    .option('--no-native', 'leave out the native (host cc -O2) column')
    .option('--no-flat', 'leave out the hybrid (flat memory model) column')
    .option('--no-warm', 'leave out the hybrid (warm trace cache) column')
    .option('--no-short', 'leave out the short programs table (test guests run as fresh `hyemu run` processes, tier 1 and hybrid)')
    .option('--no-parallel', 'leave out the parallel-speedup table (a kernel on 1 and 2 guest threads, fresh processes: tier 1, hybrid, qemu-riscv32)')
    .option('--quiet', 'no progress bar or notes on stderr');
  tier2Flags(cmd);
  cacheFlags(cmd, 'for the warm-cache runs, in a fresh folder per bench');
  // Without --cache, the warm-cache runs still have one: a temporary folder.
  const noCache = cmd.options.find((o) => o.long === '--no-cache');
  if (noCache) noCache.description = 'the warm-cache runs use a temporary folder, removed at the end (the default)';
  // Tier 1 alone is always one of the modes measured; the flag is only refused.
  cmd.options.find((o) => o.long === '--no-tier2')?.hideHelp();
  cmd.action(async (elfs: string[], flags: BenchFlags) => {
    const fromFlags = tier2FromFlags(flags, createTraceDumper(flags.dumpTraces));
    if (fromFlags === false) throw new OptionError('--no-tier2 does not apply to bench: tier 1 alone is always measured');
    const tier2 = fromFlags === true ? {} : fromFlags;
    const sweeps = parseSweeps(flags.sweep ?? []);
    const kernels = chooseKernels(elfs, flags);
    const warmupKernel = flags.warmupKernel ?? kernels[0]!.name;
    if (!kernels.some((k) => k.name === warmupKernel)) {
      throw new OptionError(`--warmup-kernel: "${warmupKernel}" is not among the kernels run (${kernels.map((k) => k.name).join(', ')})`);
    }
    const out = path.resolve(flags.out);
    try {
      fs.mkdirSync(out, { recursive: true });
    } catch (e) {
      throw new OptionError(`--out ${flags.out}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    // With --cache, the warm-cache runs keep their caches in a fresh folder
    // inside the directory, so that no entry of an earlier bench is used.
    const cache = flags.warm ? cacheFromFlags(flags) : undefined;
    let cacheDir: string | undefined;
    if (cache) {
      try {
        cacheDir = fs.mkdtempSync(path.join(cache.dir, 'bench-'));
      } catch (e) {
        throw new OptionError(`--cache ${cache.dir}: cannot create a folder in it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }

    const progress = benchProgress(flags.quiet ?? false);
    let results;
    try {
      results = await runBench({
        kernels, repeat: flags.repeat, tier2, sweeps, qemu: flags.qemu, native: flags.native, flat: flags.flat, warm: flags.warm, short: flags.short,
        parallel: flags.parallel,
        warmupKernel,
        ...(cacheDir !== undefined ? { cacheDir } : {}),
        onCacheWarning: (message) => process.stderr.write(`hyemu: warning: ${message}\n`),
        onRun: progress.update,
      });
    } catch (e) {
      progress.stop();
      if (!(e instanceof KernelCheckError)) throw e;
      process.stderr.write(`hyemu: ${e.message}\n`);
      setExit(1);
      return;
    }
    progress.stop();

    const report = buildReport(results);
    const files = await writeReport(out, report);
    process.stdout.write(`${resultsTable(report)}\n`);
    const short = shortTable(report);
    if (short) process.stdout.write(`\nShort programs (cold processes, whole-process wall time):\n${short}\n`);
    const parallel = parallelTable(report);
    if (parallel) process.stdout.write(`\nParallel speedup (guest threads, whole-process wall time):\n${parallel}\n`);
    for (const s of report.sweeps) process.stdout.write(`\n${s.tunable}:\n${sweepTable(s)}\n`);
    if (!flags.quiet) {
      const { qemu, native, flat, warm, short: shortColumn, parallel: parallelColumn } = report.columns;
      if (qemu.skipped) process.stderr.write(`hyemu bench: no qemu-riscv32 column: ${qemu.skipped}\n`);
      if (native.skipped) process.stderr.write(`hyemu bench: no native column: ${native.skipped}\n`);
      if (flat.skipped) process.stderr.write(`hyemu bench: no hybrid (flat) column: ${flat.skipped}\n`);
      if (warm.skipped) process.stderr.write(`hyemu bench: no hybrid (warm cache) column: ${warm.skipped}\n`);
      if (shortColumn.skipped) process.stderr.write(`hyemu bench: no short-programs table: ${shortColumn.skipped}\n`);
      if (parallelColumn.skipped) process.stderr.write(`hyemu bench: no parallel-speedup table: ${parallelColumn.skipped}\n`);
      if (warm.cacheDir) process.stderr.write(`hyemu bench: kept the warm-cache runs' trace caches in ${warm.cacheDir}\n`);
      process.stderr.write(`hyemu bench: wrote ${files.map((f) => path.basename(f)).join(', ')} to ${out}\n`);
    }
    setExit(0);
  });
}
