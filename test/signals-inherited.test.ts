import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { OptionError, run } from '../lib/index.js';
import { ROOT, guestElf, qemuPath } from './helpers/guest.js';

// Signals a process starts with as ignored (an exec keeps SIG_IGN; a shell
// ignores SIGINT and SIGQUIT in a background job, nohup SIGHUP) stay
// ignored in the guest: the `hyemu` launcher (bin/hyemu) reads them before
// Node resets them. Each run starts from sh, itself spawned by Node, which
// resets every disposition in its children: only the shell's traps count.

const LAUNCHER = path.join(ROOT, 'bin/hyemu');
const SIGIGN = guestElf('sigign');
const qemu = qemuPath();
const ENV = { PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/bin:/bin'}` };
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

interface Outcome { readonly status: number | null; readonly stdout: string; readonly stderr: string }

/** Runs a sh script; status is 128+signo when a signal ended it (after
 *  `exec qemu-riscv32`, qemu kills itself with the guest's signal). */
function sh(script: string): Outcome {
  const r = spawnSync('sh', ['-c', script], { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: 120_000 });
  return { status: r.signal ? 128 + os.constants.signals[r.signal] : r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('signals a shell ignores before exec start ignored, as in qemu-riscv32', async (t) => {
  const traps = "trap '' INT HUP USR1 QUIT TERM PIPE";
  const r = sh(`${traps}; exec ${q(LAUNCHER)} run ${q(SIGIGN)}`);
  t.equal(r.stdout, 'ignored: 1 2 3 10 13 15\nsurvived\n', 'SIG_IGN from the start; the raised signals do nothing');
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  const skip = qemu ? false : 'qemu-riscv32 is not installed';
  const ref = qemu ? sh(`${traps}; exec ${q(qemu)} ${q(SIGIGN)}`) : null;
  t.same(ref && { status: ref.status, stdout: ref.stdout }, { status: r.status, stdout: r.stdout }, 'qemu-riscv32 agrees', { skip });
  const tier1 = sh(`${traps}; exec ${q(LAUNCHER)} run --no-tier2 ${q(SIGIGN)}`);
  t.equal(tier1.stdout, r.stdout, 'tier 1 alone: the same');
});

t.test('without traps nothing starts ignored', async (t) => {
  const r = sh(`exec ${q(LAUNCHER)} run ${q(SIGIGN)}`);
  t.equal(r.stdout, 'ignored:\n');
  t.equal(r.status, 130, 'the raised SIGINT ends it');
  t.equal(r.stderr, 'hyemu: guest terminated by SIGINT (Interrupt): raised by the program (signal 2)\n');
  if (qemu) t.same(sh(`exec ${q(qemu)} ${q(SIGIGN)}`).stdout, 'ignored:\n', 'qemu-riscv32 agrees');
});

t.test('real-time signals: Linux keeps them ignored too', async (t) => {
  // qemu-user 7.2 is no reference here: it maps real-time signals to other
  // host numbers (its own use of the first ones), so the guest's 34 is the
  // host's 36. On Linux an exec keeps every SIG_IGN, real-time ones included.
  const r = sh(`trap '' INT HUP USR1 34 40 64; exec ${q(LAUNCHER)} run ${q(SIGIGN)}`);
  t.equal(r.stdout, 'ignored: 1 2 10 34 40 64\nsurvived\n');
  t.equal(r.status, 0);
});

t.test('nohup: SIGHUP starts ignored', async (t) => {
  const r = sh(`exec nohup ${q(LAUNCHER)} run ${q(SIGIGN)}`);
  t.equal(r.stdout, 'ignored: 1\n');
  t.equal(r.status, 130, 'SIGINT is not ignored: it ends the guest');
  if (qemu) {
    const ref = sh(`exec nohup ${q(qemu)} ${q(SIGIGN)}`);
    t.same({ status: ref.status, stdout: ref.stdout }, { status: r.status, stdout: r.stdout }, 'qemu-riscv32 agrees');
  }
});

t.test('run directly (node dist/lib/cli/bin.cjs), nothing is inherited', async (t) => {
  const r = sh(`trap '' INT HUP USR1; exec node ${q(path.join(ROOT, 'dist/lib/cli/bin.cjs'))} run ${q(SIGIGN)}`);
  t.equal(r.stdout, 'ignored:\n', 'Node reset the dispositions before any JavaScript ran');
  t.equal(r.status, 130);
});

t.test("the launcher's variable never reaches the guest", async (t) => {
  const argsEnv = q(guestElf('args_env'));
  const r = sh(`trap '' INT; export FOO=bar; exec ${q(LAUNCHER)} run --inherit-env --env X=1 ${argsEnv} a`);
  t.equal(r.status, 0);
  t.match(r.stdout, /^env\[\d+\]=\[FOO=bar\]$/m, 'the inherited environment is there');
  t.match(r.stdout, /^env\[\d+\]=\[X=1\]$/m);
  t.match(r.stdout, /^argv\[1\]=\[a\]$/m);
  t.notMatch(r.stdout, /HYEMU_INHERITED/, 'but not HYEMU_INHERITED_SIGIGN');
  const plain = sh(`exec ${q(LAUNCHER)} run ${argsEnv}`);
  t.match(plain.stdout, /^envc=0$/m, 'nor in an empty environment');
});

t.test('a background job survives the SIGINT and SIGQUIT it inherited as ignored', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-sigign-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The kill waits for "waiting": the guest runs, and Node's start-up (when
  // it has reset the dispositions and no listener exists yet) is over.
  const job = (bin: string, out: string, signals: string): Outcome => sh(`
    ${bin} run ${q(SIGIGN)} wait 1500 > ${q(out)} & pid=$!
    n=0; until grep -q waiting ${q(out)} || [ $n -gt 600 ]; do sleep 0.05; n=$((n+1)); done
    for s in ${signals}; do kill -$s $pid; done
    wait $pid; echo "status=$?"`);
  const out = path.join(dir, 'launcher.out');
  const r = job(q(LAUNCHER), out, 'INT QUIT');
  t.equal(fs.readFileSync(out, 'utf8'), 'ignored: 2 3\nwaiting\nsurvived\n', 'the guest slept on');
  t.equal(r.stdout, 'status=0\n');
  t.equal(r.stderr, '');
  if (qemu) {
    const ref = path.join(dir, 'qemu.out');
    t.equal(sh(`
      ${q(qemu)} ${q(SIGIGN)} wait 1500 > ${q(ref)} & pid=$!
      until grep -q waiting ${q(ref)}; do sleep 0.05; done
      kill -INT $pid; kill -QUIT $pid; wait $pid; echo "status=$?"`).stdout, 'status=0\n', 'as under qemu-riscv32');
    t.equal(fs.readFileSync(ref, 'utf8'), fs.readFileSync(out, 'utf8'));
  }
  const direct = path.join(dir, 'direct.out');
  const d = job(`node ${q(path.join(ROOT, 'dist/lib/cli/bin.cjs'))}`, direct, 'INT');
  t.equal(d.stdout, 'status=130\n', 'without the launcher, SIGINT ends it');
});

t.test('forwarded host signals inherited as ignored are discarded', async (t) => {
  const child = spawn('sh', ['-c', `trap '' HUP USR1 USR2 TERM; exec ${q(LAUNCHER)} run ${q(SIGIGN)} wait 1500`], {
    cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('waiting')) resolve();
  }));
  for (const s of ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGTERM'] as const) child.kill(s);
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  t.equal(await exited, 0, 'the guest slept on and exited 0');
  clearTimeout(guard);
  t.equal(stdout, 'ignored: 1 10 12 15\nwaiting\nsurvived\n');
  t.equal(stderr, '');
});

t.test('the ignoredSignals option', async (t) => {
  const r = await run(SIGIGN, { ignoredSignals: [2, 'SIGHUP', 'SIGUSR1', 40, 64], tier2: false });
  t.equal(r.stdout?.toString(), 'ignored: 1 2 10 40 64\nsurvived\n');
  t.equal(r.exitCode, 0);
  const none = await run(SIGIGN, { ignoredSignals: [], tier2: false });
  t.equal(none.exitCode, 130);
  for (const bad of [[9], ['SIGSTOP'], [0], [65], [2.5], ['SIGNOPE'], ['constructor'], 2]) {
    const e: unknown = await run(SIGIGN, { ignoredSignals: bad as never }).then(() => null, (err: unknown) => err);
    t.ok(e instanceof OptionError, `${JSON.stringify(bad)}: an OptionError`);
    t.match((e as Error).message, /^ignoredSignals[^\n]+$/, 'of one line');
  }
});
