import type { Command } from 'commander';
import { Emulator, LIMIT_EXIT_CODE, type RunResult } from '../runtime/emulator.js';
import { OptionError } from '../errors.js';
import type { RunOptions } from '../runtime/options.js';
import { tier2Flags, tier2FromFlags, type Tier2Flags } from './tier2-flags.js';
import { collect, parseCount, parseSeconds, parseSize } from './main.js';
import { formatStats } from './stats-table.js';
import { createTraceDumper } from './trace-dump.js';

interface RunFlags extends Tier2Flags {
  strace?: boolean;
  stats?: boolean;
  env: string[];
  inheritEnv?: boolean;
  mount: string[];
  cwd?: string;
  maxInsns?: number;
  timeout?: number;
  memoryLimit?: number;
  maxOpenFiles?: number;
}

function parseEnv(entries: readonly string[], inherit: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  if (inherit) for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new OptionError(`bad --env "${e}": want KEY=VALUE`);
    env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return env;
}

export function addRunCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('run')
    .description('run a static rv32 Linux ELF program')
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
    .option('--max-open-files <N>', 'most open file descriptors (default 256)', parseCount);
  tier2Flags(cmd);
  cmd.action(async (programPath: string, args: string[], flags: RunFlags) => {
    const options: RunOptions = {
      args,
      env: parseEnv(flags.env, flags.inheritEnv ?? false),
      mounts: flags.mount,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      strace: flags.strace ?? false,
      tier2: tier2FromFlags(flags, createTraceDumper(flags.dumpTraces)),
      ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
      ...(flags.maxInsns !== undefined ? { maxInstructions: flags.maxInsns } : {}),
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
      ...(flags.memoryLimit !== undefined ? { memoryLimit: flags.memoryLimit } : {}),
      ...(flags.maxOpenFiles !== undefined ? { maxOpenFiles: flags.maxOpenFiles } : {}),
    };
    const emulator = await Emulator.create(programPath, options);
    const result: RunResult = await emulator.run();
    if (result.message) process.stderr.write(`${result.message}\n`);
    if (flags.stats) process.stderr.write(formatStats(result.stats));
    setExit(result.status === 'limit' ? LIMIT_EXIT_CODE : result.exitCode);
  });
}
