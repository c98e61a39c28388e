import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './guest.js';

export interface CliOutcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `hyemu` command line as a user would (stderr is not a TTY: no progress bar). */
export function hyemu(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOutcome {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/lib/cli/bin.cjs'), ...args], {
    cwd: ROOT, env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Asserts that a hyemu stderr holds no JavaScript stack trace and no internal error. */
export function noStack(t: { notMatch(found: string, pattern: RegExp, message: string): void }, stderr: string): void {
  t.notMatch(stderr, /\n\s+at .*:\d+:\d+\)?/, 'no JavaScript stack trace');
  t.notMatch(stderr, /internal error|TypeError|RangeError|ReferenceError/, 'not an internal error');
}
