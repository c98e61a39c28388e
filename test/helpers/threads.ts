import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Emulator, type RunOptions } from '../../lib/index.js';
import { GUEST_DIR, ROOT, guestElf } from './guest.js';
import { noStack } from './cli.js';

/**
 * The guest thread programs (test/guest/programs/thr_*.c) and their
 * expected outcomes under qemu-riscv32 (threads.json), and the repeated
 * runs the thread tests make of them: 20 of each case (fewer of the
 * heaviest), 12 in tier 1 (threads-tier1*.test.ts) and 8 hybrid
 * (threads-hybrid*.test.ts), in files that each stay well within the
 * runner's time limit.
 */
export interface ThreadCase {
  readonly program: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
}
export const THREAD_CASES = JSON.parse(fs.readFileSync(path.join(GUEST_DIR, 'programs/threads.json'), 'utf8')) as ThreadCase[];
export const caseLabel = (c: ThreadCase): string => [c.program, ...c.args].join(' ');


export type ThreadMode = 'tier 1' | 'hybrid';
export const CLI_FLAGS: Readonly<Record<ThreadMode, readonly string[]>> = {
  'tier 1': ['--no-tier2'],
  // Tier 2 early: the main thread's hot code is compiled and installed
  // while the other threads run (and store into shared data, and code).
  hybrid: ['--hot-threshold', '2', '--wait-for-install', '--workers', '1'],
};

/** Runs of each mode (HYEMU_THREAD_REPEATS sets both): hybrid runs load
 *  the compiler and wait for each install (about a second more a run), and
 *  the cases with 32 or more threads start that many workers: a third as
 *  many of those. */
const REPEATS: Readonly<Record<ThreadMode, number>> = {
  'tier 1': Number(process.env['HYEMU_THREAD_REPEATS'] ?? 12),
  hybrid: Number(process.env['HYEMU_THREAD_REPEATS'] ?? 8),
};
function repeatsOf(c: ThreadCase, mode: ThreadMode): number {
  const heavy = c.program === 'thr_many' || Number(c.args[0] ?? 0) >= 32;
  return Math.max(1, Math.ceil(REPEATS[mode] / (heavy ? 3 : 1)));
}

/** The cases in two halves of about equal time (a file each per mode). */
export const FIRST_HALF = new Set(['thr_parsum', 'thr_mutex', 'thr_prodcons', 'thr_many']);

// The repeated runs are `hyemu run` processes, as users run them, without
// the test runner's NODE_OPTIONS (its loader hooks would load into every
// guest thread's worker and make each start many times slower).
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS'));

interface Outcome { readonly status: number | null; readonly stdout: string; readonly stderr: string }

function runCli(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'dist/lib/cli/bin.cjs'), ...args], {
      cwd: ROOT, env: cleanEnv, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20,
    }, (error, stdout, stderr) => {
      const status = error && typeof error.code === 'number' ? error.code : error ? null : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/** Runs `n` times, two at a time (the machine's cores). */
async function repeat(n: number, args: readonly string[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (let i = 0; i < n; i += 2) out.push(...await Promise.all([runCli(args), ...(i + 1 < n ? [runCli(args)] : [])]));
  return out;
}

type Asserts = Parameters<typeof noStack>[0] & { same(found: unknown, wanted: unknown, message: string): void };

/** Runs case `c` as `hyemu run` processes in `mode`, repeatedly: every run
 *  must give the recorded exit status and stdout, with no stack trace. */
export async function checkRepeated(t: Asserts, c: ThreadCase, mode: ThreadMode): Promise<void> {
  const n = repeatsOf(c, mode);
  const seen = new Map<string, number>();
  for (const r of await repeat(n, ['run', ...CLI_FLAGS[mode], guestElf(c.program), ...c.args])) {
    const outcome = `${r.status}\n${r.stdout}`;
    seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
    noStack(t, r.stderr);
  }
  t.same([...seen.keys()], [`${c.exitCode}\n${c.stdout}`], `${mode}: the same exit status and stdout in all ${n} runs`);
}

/** One run through the library. */
export async function runThreaded(program: string, options: RunOptions) {
  const emu = await Emulator.create(guestElf(program), { timeoutMs: 60_000, ...options });
  return emu.run();
}
