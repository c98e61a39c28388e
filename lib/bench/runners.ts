import { spawn } from 'node:child_process';
import { Emulator } from '../runtime/emulator.js';
import type { MemoryModel, TraceCacheOptions } from '../runtime/options.js';
import type { Tier2Stats } from '../runtime/tier2-engine.js';
import type { Tier2Options } from '../tier2-optimizer/options.js';
import type { Kernel } from './kernels.js';
import { parallelElf, parallelMode, type ParallelEngine, type ParallelKernel } from './parallel.js';
import { shortProgramElf, type ShortProgram } from './short-programs.js';

/** One timed run of a kernel. */
export interface Measurement {
  /** Guest run time: the emulator's own start-to-exit time for hyemu, the
   *  process's wall time (spawn to exit) for qemu-riscv32 and native. */
  readonly timeMs: number;
  /** Guest instructions retired (hyemu modes only). */
  readonly instructions: number | null;
  readonly tier2: Tier2Stats | null;
}

/** MIPS over time and trace installs of one run (the warm-up chart). */
export interface Timeline {
  /** Guest MIPS between two consecutive progress samples, at the later one's time. */
  readonly samples: ReadonlyArray<{ readonly timeMs: number; readonly mips: number }>;
  readonly installs: ReadonlyArray<{ readonly timeMs: number; readonly name: string }>;
}

/** A kernel's own check failed, or it crashed, in some mode: the bench's exit code 1. */
export class KernelCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelCheckError';
  }

  static exited(kernel: { readonly name: string }, mode: string, code: number, output: string): KernelCheckError {
    return new KernelCheckError(`${kernel.name} failed its own check under ${mode} (exit ${code}): ${lastLine(output)}`);
  }

  static stopped(kernel: { readonly name: string }, mode: string, why: string): KernelCheckError {
    return new KernelCheckError(`${kernel.name} did not finish under ${mode}: ${why}`);
  }
}

/** The last non-empty line of a kernel's output (its verdict). */
const lastLine = (out: string): string => out.trim().split('\n').at(-1)?.trim() || 'no output';
/** What a process killed by a signal said first (Node's own abort message
 *  comes before its native stack). */
const killedBy = (r: ProcessOutcome): string => `killed by ${r.signal}: ${r.stderr.trim().split('\n')[0]?.trim() || 'nothing on stderr'}`;

/** What a hyemu mode sets of a run; the rest (arguments) comes from the kernel. */
export interface HyemuMode {
  /** false: tier 1 alone. */
  readonly tier2: false | Partial<Tier2Options>;
  /** RunOptions.memoryModel (default 'strict'). */
  readonly memoryModel?: MemoryModel;
  /** RunOptions.cache: the persistent trace cache (the warm-cache mode). */
  readonly cache?: TraceCacheOptions;
  /** Also sample the run's progress this often, for the warm-up chart. */
  readonly timelineMs?: number;
}

/** Runs a kernel in hyemu; `label` names the mode in a failure. */
export async function runHyemu(
  kernel: Kernel, label: string, mode: HyemuMode,
): Promise<Measurement & { readonly timeline?: Timeline }> {
  const { tier2, memoryModel, cache, timelineMs } = mode;
  const emulator = await Emulator.create(kernel.elf, {
    args: kernel.args, tier2,
    ...(memoryModel !== undefined ? { memoryModel } : {}),
    ...(cache !== undefined ? { cache } : {}),
    ...(timelineMs !== undefined ? { progressIntervalMs: timelineMs } : {}),
  });
  const timeline = timelineMs !== undefined ? recordTimeline(emulator) : undefined;
  const result = await emulator.run();
  if (result.status !== 'exited') throw KernelCheckError.stopped(kernel, label, (result.message ?? result.status).replace(/^hyemu: /, ''));
  if (result.exitCode !== 0) throw KernelCheckError.exited(kernel, label, result.exitCode, result.stdout?.toString() ?? '');
  return {
    timeMs: result.stats.wallTimeMs, instructions: result.stats.instructions, tier2: result.stats.tier2,
    ...(timeline ? { timeline } : {}),
  };
}

/** Collects an emulator's progress samples as MIPS per interval, and its trace installs. */
function recordTimeline(emulator: Emulator): Timeline {
  const samples: Array<{ timeMs: number; mips: number }> = [];
  const installs: Array<{ timeMs: number; name: string }> = [];
  let last = { timeMs: 0, instructions: 0 };
  emulator.on('progress', (s) => {
    const dt = s.timeMs - last.timeMs;
    if (dt > 0) samples.push({ timeMs: s.timeMs, mips: (s.instructions - last.instructions) / dt / 1000 });
    last = s;
  });
  emulator.on('trace-installed', (t) => installs.push({ timeMs: t.timeMs, name: t.name }));
  return { samples, installs };
}

/** A child process's wall time (spawn to exit), how it ended and what it printed. */
interface ProcessOutcome {
  readonly timeMs: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr, as they came. */
  readonly output: string;
}

/** Runs `command...` as a child process with an empty environment (`env -i`); `mode` names it in a failure to start. */
function spawnTimed(who: { readonly name: string }, mode: string, command: readonly string[]): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('env', ['-i', ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    const start = performance.now();
    let end = 0;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => { stdout.push(b); out.push(b); });
    child.stderr.on('data', (b: Buffer) => { stderr.push(b); out.push(b); });
    child.on('error', (e) => reject(KernelCheckError.stopped(who, mode, `cannot start env: ${e.message}`)));
    child.on('exit', () => { end = performance.now(); });
    child.on('close', (code, signal) => resolve({
      timeMs: end - start, code, signal, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(),
      output: Buffer.concat(out).toString(),
    }));
  });
}

/** Runs `command kernel-args...` as a child process with an empty environment (`env -i`). */
export async function runProcess(kernel: Kernel, mode: string, command: readonly string[]): Promise<Measurement> {
  const r = await spawnTimed(kernel, mode, [...command, ...kernel.args]);
  if (r.code === 0) return { timeMs: r.timeMs, instructions: null, tier2: null };
  if (r.signal) throw KernelCheckError.stopped(kernel, mode, killedBy(r));
  throw KernelCheckError.exited(kernel, mode, r.code ?? 1, r.output);
}

/** One cold-process run of a short program: its wall time and its stdout. */
export interface ColdRun {
  readonly timeMs: number;
  readonly stdout: string;
}

/**
 * Runs a short program as a user would from the command line, in a fresh
 * process with an empty environment: `node CLI run [--no-tier2] ELF`
 * (otherwise default options: no trace cache). Its wall time is from
 * spawn to exit: Node's start-up, loading hyemu, the compiler pool's start
 * (hybrid), the guest and the exit. It must exit with the program's own
 * status (KernelCheckError otherwise).
 */
export async function runCold(program: ShortProgram, tier2: boolean, cli: string): Promise<ColdRun> {
  const mode = coldMode(tier2);
  const r = await spawnTimed(program, mode, [process.execPath, cli, 'run', ...(tier2 ? [] : ['--no-tier2']), shortProgramElf(program)]);
  if (r.signal) throw KernelCheckError.stopped(program, mode, killedBy(r));
  if (r.code !== program.exitCode) {
    throw new KernelCheckError(`${program.name} exited with status ${r.code} under ${mode}, expected ${program.exitCode}: ${lastLine(r.output)}`);
  }
  return { timeMs: r.timeMs, stdout: r.stdout };
}

/**
 * Runs the parallel kernel with `threads` guest threads as a fresh process
 * with an empty environment: `node CLI run [--no-tier2] ELF threads args...`
 * (tier 1, hybrid with default options) or `qemu-riscv32 ELF threads
 * args...`. Its wall time is from spawn to exit, as for the short programs.
 * It must exit 0 (KernelCheckError otherwise).
 */
export async function runParallel(kernel: ParallelKernel, engine: ParallelEngine, threads: number, cli: string): Promise<ColdRun> {
  const mode = parallelMode(engine, threads);
  const guest = [parallelElf(kernel), String(threads), ...kernel.args];
  const command = engine === 'qemu' ? ['qemu-riscv32', ...guest]
    : [process.execPath, cli, 'run', ...(engine === 'tier1' ? ['--no-tier2'] : []), ...guest];
  const r = await spawnTimed(kernel, mode, command);
  if (r.signal) throw KernelCheckError.stopped(kernel, mode, killedBy(r));
  if (r.code !== 0) throw new KernelCheckError(`${kernel.name} exited with status ${r.code} under ${mode}, expected 0: ${lastLine(r.output)}`);
  return { timeMs: r.timeMs, stdout: r.stdout };
}

/** The label of a cold-process mode (progress and failures). */
export const coldMode = (tier2: boolean): string => (tier2 ? 'hybrid, cold process' : 'tier 1, cold process');

/** The first line of `qemu-riscv32 --version`, or null when it is not installed. */
export function qemuVersion(binary = 'qemu-riscv32'): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (b: Buffer) => { text += b.toString(); });
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? text.split('\n')[0]!.trim() : null));
  });
}
