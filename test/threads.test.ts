import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { Emulator, Tier2Pool, type RunOptions } from '../lib/index.js';
import { GUEST_DIR, ROOT, guestElf, qemuPath, runCaseInQemu } from './helpers/guest.js';
import { hyemu, noStack } from './helpers/cli.js';

// Multithreaded guests (clone, futex, atomics): every thread program gives
// the output and exit status it gives under qemu-riscv32 (recorded in
// threads.json, and checked against qemu where it is installed), in tier 1
// alone and hybrid, repeated to shake out races.
interface ThreadCase {
  readonly program: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
}
const cases = JSON.parse(fs.readFileSync(path.join(GUEST_DIR, 'programs/threads.json'), 'utf8')) as ThreadCase[];
const REPEATS = Number(process.env['HYEMU_THREAD_REPEATS'] ?? 6);
/** Runs of each mode: hybrid runs load the compiler and wait for each
 *  install (about a second more a run), and the cases with 32 or more
 *  threads start that many workers: fewer of those. */
function repeatsOf(c: ThreadCase, mode: 'tier 1' | 'hybrid'): number {
  const heavy = c.program === 'thr_many' || Number(c.args[0] ?? 0) >= 32;
  return Math.max(1, Math.ceil(REPEATS / ((mode === 'hybrid' ? 3 : 1) * (heavy ? 3 : 1))));
}
const qemu = qemuPath();
const pool = new Tier2Pool(1);
t.teardown(() => pool.close());

// The repeated runs are `hyemu run` processes, as users run them, without
// the test runner's NODE_OPTIONS (its loader hooks would load into every
// guest thread's worker and make each start many times slower).
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS'));
const cliModes: Array<['tier 1' | 'hybrid', string[]]> = [
  ['tier 1', ['--no-tier2']],
  // Tier 2 early: the main thread's hot code is compiled and installed
  // while the other threads run (and store into shared data, and code).
  ['hybrid', ['--hot-threshold', '2', '--wait-for-install', '--workers', '1']],
];

interface Outcome { readonly status: number | null; readonly stdout: string; readonly stderr: string }

function runCli(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'dist/lib/cli/bin.js'), ...args], {
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

async function run(program: string, options: RunOptions) {
  const emu = await Emulator.create(guestElf(program), { timeoutMs: 60_000, ...options });
  return emu.run();
}

const label = (c: ThreadCase): string => [c.program, ...c.args].join(' ');

for (const c of cases) {
  t.test(label(c), async (t) => {
    if (qemu) {
      const ref = runCaseInQemu({ elf: `bin/${c.program}.elf`, args: c.args });
      t.equal(ref.exitCode, c.exitCode, 'qemu-riscv32: exit status as recorded');
      t.equal(ref.stdout, c.stdout, 'qemu-riscv32: stdout as recorded');
    }
    for (const [mode, flags] of cliModes) {
      const n = repeatsOf(c, mode);
      const seen = new Map<string, number>();
      for (const r of await repeat(n, ['run', ...flags, guestElf(c.program), ...c.args])) {
        const outcome = `${r.status}\n${r.stdout}`;
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
        noStack(t, r.stderr);
      }
      t.same([...seen.keys()], [`${c.exitCode}\n${c.stdout}`], `${mode}: the same exit status and stdout in all ${n} runs`);
    }
  });
}

t.test('the library runs threads in both tiers too', async (t) => {
  for (const c of cases.filter((x) => ['thr_mutex', 'thr_atomics', 'thr_smc'].includes(x.program))) {
    for (const tier2 of [false, { hotThreshold: 2, waitForInstall: true, pool }] as const) {
      const r = await run(c.program, { tier2, args: c.args });
      t.equal(r.exitCode, c.exitCode, `${c.program} (${tier2 ? 'hybrid' : 'tier 1'}): exit status`);
      t.equal(r.stdout?.toString(), c.stdout, `${c.program} (${tier2 ? 'hybrid' : 'tier 1'}): stdout`);
      if (tier2) t.ok(r.stats.tier2!.installed > 0, `${c.program}: traces were installed`);
    }
  }
});

t.test('a fault in a secondary thread ends the process with one line naming the thread', async (t) => {
  const r = await run('thr_fault', { tier2: false });
  t.equal(r.exitCode, 139);
  t.equal(r.status, 'signaled');
  t.equal(r.fault?.tid, 1001, 'the thread that faulted');
  t.match(r.message, /^hyemu: guest terminated by SIGSEGV \(Segmentation fault\) in thread 1001 at pc 0x[0-9a-f]+ <crash\+0x[0-9a-f]+>/);
  t.equal(r.stats.threads.created, 1);
});

t.test('a single-threaded program starts no thread', async (t) => {
  const r = await run('hello', { tier2: false });
  t.equal(r.exitCode, 3, 'hello exits with 3');
  t.same(r.stats.threads, { created: 0, peakLive: 1 });
  const m = await run('thr_many', { tier2: false });
  t.same(m.stats.threads.created, 32, 'thr_many creates 32');
  t.ok(m.stats.threads.peakLive >= 2 && m.stats.threads.peakLive <= 33, `peak alive ${m.stats.threads.peakLive}`);
});

t.test('maxThreads: clone fails with EAGAIN past it', async (t) => {
  const r = await run('thr_parsum', { tier2: false, args: ['8'], maxThreads: 4 });
  t.equal(r.exitCode, 1);
  t.equal(r.stdout?.toString(), `thr_create: -11\n`, 'the fourth thread (the main one counts) is refused');
  await t.rejects(run('thr_parsum', { maxThreads: 1000 }), /maxThreads must be at most 113/);
  const cli = hyemu(['run', '--no-tier2', '--max-threads', '3', guestElf('thr_parsum'), '4']);
  t.equal(cli.status, 1);
  t.equal(cli.stdout, 'thr_create: -11\n');
});

t.test('a deadlock ends at the time limit with a message that says so', async (t) => {
  const r = await run('thr_deadlock', { tier2: false, timeoutMs: 1500 });
  t.equal(r.status, 'limit');
  t.equal(r.exitCode, 124);
  t.match(r.message, /time limit of 1500 ms reached; all 2 threads were waiting on futexes \(a deadlock\)/);
  t.equal(r.stdout?.toString(), 'main: joining a thread that waits for main\n');
});

t.test('limits apply to the whole process', async (t) => {
  // Instructions retired by every thread count toward the limit.
  const r = await run('thr_parsum', { tier2: false, args: ['2'], maxInstructions: 600_000 });
  t.equal(r.status, 'limit');
  t.ok(r.stats.instructions >= 600_000, `${r.stats.instructions} instructions`);
  // An abort ends every thread.
  const controller = new AbortController();
  const emu = await Emulator.create(guestElf('thr_deadlock'), { tier2: false, signal: controller.signal });
  setTimeout(() => controller.abort(), 300);
  await t.rejects(emu.run(), { name: 'AbortError' });
});
