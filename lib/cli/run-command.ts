import fs from 'node:fs';
import { Option, type Command } from 'commander';
import type { TraceProfile } from '../profile/trace-profile.js';
import { Emulator, LIMIT_EXIT_CODE, type RunResult } from '../runtime/emulator.js';
import { OptionError } from '../errors.js';
import { MEMORY_MODELS, type MemoryModel, type RunOptions } from '../runtime/options.js';
import { tier2Flags, tier2FromFlags, type Tier2Flags } from './tier2-flags.js';
import { collect, parseCount, parseCountUpTo, parseSeconds, parseSize } from './main.js';
import { formatStats } from './stats-table.js';
import { createTraceDumper } from './trace-dump.js';
import { readProgramFile } from '../loader/program-file.js';
import { writeErr } from './host-output.js';
import { optionValues, rawEnvironment } from './raw-argv.js';
import { forwardSignals, inheritedIgnored } from './signal-guard.cjs';
import { cacheFlags, cacheFromFlags, type CacheFlags } from './cache-flags.js';

interface RunFlags extends Tier2Flags, CacheFlags {
  strace?: boolean;
  stats?: boolean;
  env: string[];
  inheritEnv?: boolean;
  mount: string[];
  cwd?: string;
  maxInsns?: number;
  tier1CompileAfter?: number;
  timeout?: number;
  memoryLimit?: number;
  memoryModel?: MemoryModel;
  maxOpenFiles?: number;
  maxThreads?: number;
  profileOut?: string;
}

/** The guest environment as bytes: the host's when inherited, then each
 *  --env KEY=VALUE (a later entry for a key replaces the earlier one). */
function guestEnvironment(entries: readonly Buffer[], inherit: boolean): Buffer[] {
  const byKey = new Map<string, Buffer>();
  const add = (e: Buffer, given: boolean): void => {
    const eq = e.indexOf(0x3d);
    if (eq <= 0) {
      if (given) throw new OptionError(`bad --env "${e.toString()}": want KEY=VALUE`);
      return;
    }
    byKey.set(e.subarray(0, eq).toString('latin1'), e);
  };
  if (inherit) for (const e of rawEnvironment()) add(e, false);
  for (const e of entries) add(e, true);
  return [...byKey.values()];
}

/** --stats and --profile-out compile traces with their profile counters. */
function withProfile(tier2: ReturnType<typeof tier2FromFlags>, profile: boolean): ReturnType<typeof tier2FromFlags> {
  if (!profile || tier2 === false) return tier2;
  return { ...(typeof tier2 === 'object' ? tier2 : {}), profile: true };
}

function writeProfile(file: string, program: string, result: RunResult, traces: readonly TraceProfile[]): void {
  const profile = {
    program, instructions: result.stats.instructions, wallTimeMs: result.stats.wallTimeMs,
    tier2Instructions: result.stats.tier2?.instructions ?? 0, totals: result.stats.tier2?.profile ?? null,
    traces: traces.map((t) => ({ ...t, headPc: hex(t.headPc), blocks: t.blocks.map(hex) })),
  };
  try {
    fs.writeFileSync(file, `${JSON.stringify(profile, null, 2)}\n`);
  } catch (e) {
    writeErr(`hyemu: --profile-out ${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? 'error'})\n`);
  }
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** `hyemu run` runs a program; `hyemu aot` runs it as a profiling run that
 *  fills the trace cache: every region that became hot is compiled (what
 *  is still queued when the guest ends too) and stored. */
export type RunMode = 'run' | 'aot';

const DESCRIPTIONS: Record<RunMode, string> = {
  run: 'run a static rv32 Linux ELF program',
  aot: 'run a program once to compile its hot regions into the trace cache, so later `run --cache` starts with them in tier 2',
};

export function addRunCommand(
  program: Command, argv: readonly string[], raw: readonly Buffer[], setExit: (code: number) => void, mode: RunMode = 'run',
): void {
  const cmd = program
    .command(mode)
    .description(DESCRIPTIONS[mode])
    .argument('<program>', 'the ELF file')
    .argument('[args...]', 'arguments for the guest program')
    .passThroughOptions()
    .option('--strace', 'log every system call to stderr')
    .option('--stats', 'print run statistics to stderr at exit')
    .option('--env <KEY=VALUE>', 'set a guest environment variable (repeatable)', collect, [])
    .option('--inherit-env', "pass the host's environment to the guest")
    .option('--mount <HOST:GUEST[:ro]>', 'make a host directory visible to the guest (repeatable)', collect, [])
    .option('--cwd <DIR>', 'guest working directory', undefined)
    .option('--max-insns <N>', 'stop after about N guest instructions (exit 124)', parseCount)
    .option('--timeout <SECONDS>', 'stop after this much wall-clock time (exit 124)', parseSeconds)
    .option('--memory-limit <SIZE>', 'most memory the guest may map, e.g. 256M (default 1G)', parseSize)
    .addOption(new Option('--memory-model <MODEL>', 'strict: every load checked (default); flat: loads inside the guest space unchecked, unmapped memory reads as zeros').choices(MEMORY_MODELS))
    .option('--max-open-files <N>', 'most open file descriptors (default 256)', parseCount)
    .option('--max-threads <N>', 'most guest threads alive at once, the main one included (default 64, at most 113)', parseCount)
    .option('--tier1-compile-after <N>', 'executions of a tier-1 block interpreted before it is compiled to JavaScript (default 4; 0: compile at once)', parseCountUpTo(1_000_000))
    .option('--profile-out <FILE>', 'write a JSON profile of every tier-2 trace (entries, exits, instructions) to FILE');
  tier2Flags(cmd);
  cacheFlags(cmd, mode === 'run' ? 'in later runs' : '(default: $XDG_CACHE_HOME/hyemu)');
  cmd.action(async (programPath: string, args: string[], flags: RunFlags) => {
    if (mode === 'aot' && !flags.tier2) throw new OptionError('--no-tier2 does not apply to aot: it compiles tier-2 regions');
    if (mode === 'aot' && flags.cache === false) throw new OptionError('--no-cache does not apply to aot: it fills the trace cache');
    const cache = cacheFromFlags(flags, mode === 'aot');
    // Profile counters change the code, and so the cache key: with a cache,
    // only --profile-out adds them, so that --stats sees the cached regions.
    const tier2 = withProfile(tier2FromFlags(flags, createTraceDumper(flags.dumpTraces)), !!((flags.stats && !cache) || flags.profileOut));
    // The program and its arguments are the last arguments of the command
    // line (options stop at the program); take their bytes from there.
    const programAt = argv.length - args.length - 1;
    const programBytes = raw[programAt] ?? Buffer.from(programPath);
    const options: RunOptions = {
      args: raw.slice(programAt + 1),
      argv0: programBytes,
      env: guestEnvironment(optionValues(argv, raw, 'env', programAt), flags.inheritEnv ?? false),
      mounts: flags.mount,
      // The host's own descriptors: the guest reads and writes them as a
      // Linux process would (no read-ahead, every write complete).
      stdin: 0,
      stdout: 1,
      stderr: 2,
      strace: flags.strace ? (line: string) => writeErr(`[hyemu strace] ${line}\n`) : false,
      tier2: mode === 'aot' ? { ...(typeof tier2 === 'object' ? tier2 : {}), finishCompiles: true } : tier2,
      ...(cache ? { cache } : {}),
      // What hyemu inherited as ignored the guest starts with ignored, as
      // after an exec (from the launcher; none when run as bin.cjs directly).
      ...(inheritedIgnored.length > 0 ? { ignoredSignals: inheritedIgnored } : {}),
      ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
      ...(flags.maxInsns !== undefined ? { maxInstructions: flags.maxInsns } : {}),
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
      ...(flags.memoryLimit !== undefined ? { memoryLimit: flags.memoryLimit } : {}),
      ...(flags.memoryModel !== undefined ? { memoryModel: flags.memoryModel } : {}),
      ...(flags.maxOpenFiles !== undefined ? { maxOpenFiles: flags.maxOpenFiles } : {}),
      ...(flags.maxThreads !== undefined ? { maxThreads: flags.maxThreads } : {}),
      ...(flags.tier1CompileAfter !== undefined ? { tier1CompileAfter: flags.tier1CompileAfter } : {}),
    };
    const emulator = await Emulator.create(await readProgramFile(programBytes), options);
    const stopForwarding = forwardSignals((s) => emulator.sendSignal(s));
    let result: RunResult;
    try {
      result = await emulator.run();
    } finally {
      stopForwarding();
    }
    // Like a shell, say nothing of SIGPIPE: it is how `prog | head` ends.
    if (result.message && result.fault?.signal !== 'SIGPIPE') writeErr(`${result.message}\n`);
    if (flags.stats) writeErr(formatStats(result.stats));
    if (mode === 'aot') writeErr(aotSummary(result));
    if (flags.profileOut !== undefined) writeProfile(flags.profileOut, programBytes.toString(), result, emulator.traceProfiles());
    setExit(result.status === 'limit' ? LIMIT_EXIT_CODE : result.exitCode);
  });
}

function aotSummary(result: RunResult): string {
  const t = result.stats.tier2;
  const c = t?.cache;
  if (!t || !c) return 'hyemu aot: no trace cache, nothing stored\n';
  return `hyemu aot: ${c.written} regions compiled and stored, ${c.fromCache} already cached, in ${c.dir}\n`;
}
