import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { Emulator } from '../lib/index.js';
import { noStack } from './helpers/cli.js';
import { guestElf, qemuPath, ROOT } from './helpers/guest.js';

// Host I/O as Linux gives it to a process, through the command line and in
// shell pipelines: one write(2) writes everything, a read takes no more
// than it asks for (the rest stays for the next reader), stdout and stderr
// keep their order through `2>&1 | slow reader`, argv/envp/file names are
// bytes, redirected stdio has its real type (a file seeks), write errors
// are errnos, a closed pipe is SIGPIPE (141) every time. Each pipeline runs
// under qemu-riscv32 and under hyemu, tier 1 alone and hybrid, and must
// give the same bytes and exit status. Guest: programs/hostio.c.

const qemu = qemuPath();
const BIN = path.join(ROOT, 'dist/lib/cli/bin.cjs');
const HOSTIO = guestElf('hostio');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-hostio-'));
t.teardown(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** How each runner is invoked as `$R prog args` in a pipeline (word-split
 *  by the shell: the paths must hold no spaces). */
const RUNNERS: ReadonlyArray<[string, string]> = [
  ['tier 1', `${process.execPath} ${BIN} run --no-tier2`],
  ['hybrid', `${process.execPath} ${BIN} run --hot-threshold 2`],
];

interface ShellOutcome {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** Runs a bash script with $R (the runner), $E (hostio.elf) and $S (a
 *  scratch directory) set, in a clean environment. */
function shell(script: string, runner: string): ShellOutcome {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', R: runner, E: HOSTIO, S: scratch },
    timeout: 120_000, maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `script` gives the same stdout and exit status under qemu and hyemu
 *  (both modes); `check` sees each hyemu outcome. */
function sameAsQemu(name: string, script: string, check: (t: Test, o: ShellOutcome) => void = () => {}): void {
  t.test(name, async (t) => {
    const ref = qemu ? shell(script, 'qemu-riscv32') : null;
    for (const [label, runner] of RUNNERS) {
      const o = shell(script, runner);
      t.equal(o.status, ref?.status, `${label}: exit status as qemu's`, { skip: ref ? false : 'qemu-riscv32 is not installed' });
      t.same(o.stdout, ref?.stdout, `${label}: stdout as qemu's`, { skip: ref ? false : 'qemu-riscv32 is not installed' });
      check(t, o);
      noStack(t, o.stderr.toString());
    }
  });
}

const MIB3 = 3 * 1024 * 1024;

sameAsQemu('one 3 MiB write to a file writes it all', `$R $E bigwrite ${MIB3} > $S/big; wc -c < $S/big`, (t, o) => {
  t.equal(o.stdout.toString().trim(), String(MIB3), 'the file holds every byte');
  t.match(o.stderr.toString(), new RegExp(`^write ${MIB3} = ${MIB3}\n`), 'write returned the whole count');
});

sameAsQemu('one 3 MiB write to a pipe with a slow reader waits and writes it all',
  `$R $E bigwrite ${MIB3} | { sleep 0.3; wc -c; }`, (t, o) => {
    t.equal(o.stdout.toString().trim(), String(MIB3), 'the reader got every byte');
  });

fs.writeFileSync(path.join(scratch, 'lines'), 'line1\nline2\nline3\n');

sameAsQemu('a read from a file stdin takes only what it asks for: cat gets the rest',
  '{ $R $E readn 6; cat; } < $S/lines', (t, o) => {
    t.equal(o.stdout.toString(), 'read 6 = 6 [line1\n]\nline2\nline3\n');
  });

sameAsQemu('a read from a pipe takes only what it asks for: cat gets the rest',
  "printf 'line1\\nline2\\nline3\\n' | { $R $E readn 6; cat; }", (t, o) => {
    t.equal(o.stdout.toString(), 'read 6 = 6 [line1\n]\nline2\nline3\n');
  });

sameAsQemu('a guest inside a `while read` loop leaves the loop its lines',
  "printf 'a\\nbb\\nc\\nd\\n' | while read x; do echo \"shell: $x\"; $R $E readn 2; done", (t, o) => {
    t.equal(o.stdout.toString(), 'shell: a\nread 2 = 2 [bb]\nshell: \nread 2 = 2 [c\n]\nshell: d\nread 2 = 0 []\n');
  });

sameAsQemu('stdout and stderr keep the order of the writes through 2>&1 | slow reader',
  '$R $E interleave 200 2>&1 | { sleep 0.3; cat; }', (t, o) => {
    const want = Array.from({ length: 200 }, (_, i) => `${i % 2 ? 'err' : 'out'} line ${i}\n`).join('');
    t.equal(o.stdout.toString(), want, 'every line in the order written');
  });

sameAsQemu('redirected stdio has its real type; a file stdin seeks, preads and reads past 64 KiB',
  `head -c 200000 /dev/zero | tr '\\0' x > $S/wide; $R $E stdiostat < $S/wide > $S/out; cat $S/out; $R $E stdiostat < $S/lines | cat`,
  (t, o) => {
    const out = o.stdout.toString();
    t.match(out, /^fd 0: regular, lseek\(SEEK_CUR\) ok\nfd 1: regular/, 'a redirected file is a regular file');
    t.match(out, /stdin: one big read 199993\n/, 'one read returns all the rest of a 200,000-byte file');
    t.match(out, /fd 1: fifo, lseek\(SEEK_CUR\) ESPIPE/, 'a pipe is a FIFO and does not seek');
  });

sameAsQemu('a write to /dev/full is ENOSPC for the program, not SIGPIPE',
  '$R $E hello > /dev/full; echo "status $?"', (t, o) => {
    t.equal(o.stdout.toString(), 'status 1\n');
    t.match(o.stderr.toString(), /^write = ENOSPC\n$/, 'the guest saw ENOSPC, and nothing else was said');
  });

sameAsQemu('a write to a closed pipe ends the guest with SIGPIPE: 141, every time',
  'for i in 1 2 3 4 5; do $R $E spew 1000000 | head -c1 > /dev/null; echo "status ${PIPESTATUS[0]}"; done', (t, o) => {
    t.equal(o.stdout.toString(), 'status 141\n'.repeat(5));
    t.equal(o.stderr.toString(), '', 'nothing on stderr (as a shell says nothing of SIGPIPE)');
  });

sameAsQemu('with SIGPIPE ignored, a write to a closed pipe is EPIPE and the program goes on',
  '$R $E epipe | head -c1; echo " status ${PIPESTATUS[0]}"', (t, o) => {
    t.equal(o.stdout.toString(), 'x status 0\n');
    t.match(o.stderr.toString(), /^epipe: write EPIPE\n$/);
  });

// Bytes that are not UTF-8: in an argument, in the environment (given and
// inherited) and in the program's file name, carried unchanged.
const ARGS_ENV = guestElf('args_env');
sameAsQemu('arguments and environment are bytes, not UTF-8',
  `env -i $R ${ARGS_ENV} "$(printf 'a\\377b')" "$(printf '\\303\\251')" | od -An -tx1`, (t, o) => {
    t.match(o.stdout.toString(), /61 ff 62/, 'the \\xff argument arrives as one byte');
  });

t.test('environment bytes: --env and --inherit-env pass \\xff through', async (t) => {
  for (const [label, runner] of RUNNERS) {
    const given = shell(`$R --env "X=$(printf 'v\\377')" ${ARGS_ENV} | grep -a '^env\\['`, runner);
    t.same(given.stdout, Buffer.from('env[0]=[X=v\xff]\n', 'latin1'), `${label}: --env`);
    const inherited = shell(`Y="$(printf 'w\\376')" $R --inherit-env ${ARGS_ENV} | grep -a 'Y='`, runner);
    t.match(inherited.stdout.toString('latin1'), /=\[Y=w\xfe\]\n/, `${label}: inherited`);
  }
});

sameAsQemu('a program whose file name is not UTF-8 runs, and sees its name as bytes',
  `cp ${guestElf('hello')} "$S/$(printf 'h\\377.elf')"; cd $S; $R "./$(printf 'h\\377.elf')" | od -An -c | tr -s ' '`, (t, o) => {
    t.match(o.stdout.toString(), /\. \/ h 377 \. e l f/, 'argv[0] holds the \\xff byte');
  });

sameAsQemu('-z execstack: nested-function trampolines run on an executable stack',
  `$R ${guestElf('execstack')} x; echo "status $?"`, (t, o) => {
    t.equal(o.stdout.toString(), 'nested functions: sum 4008000\nstatus 0\n');
  });

t.test('the API: host descriptors as stdin and stdout', async (t) => {
  for (const tier2 of [false, true]) {
    const input = fs.openSync(path.join(scratch, 'lines'), 'r');
    const outPath = path.join(scratch, `api-out-${tier2}`);
    const output = fs.openSync(outPath, 'w');
    t.teardown(() => { fs.closeSync(input); fs.closeSync(output); });
    const r = await (await Emulator.create(HOSTIO, { args: ['readn', '6'], stdin: input, stdout: output, tier2 })).run();
    t.equal(r.exitCode, 0);
    t.equal(r.stdout, undefined, 'nothing collected: it went to the descriptor');
    t.equal(fs.readFileSync(outPath, 'utf8'), 'read 6 = 6 [line1\n]\n');
    // The descriptor's offset moved by exactly the 6 bytes read.
    const rest = Buffer.alloc(64);
    const n = fs.readSync(input, rest, 0, 64, null);
    t.equal(rest.subarray(0, n).toString(), 'line2\nline3\n', 'the descriptor kept what the guest did not read');
  }
});

t.test('the API: a working directory given as bytes', async (t) => {
  const dir = path.join(scratch, 'mnt');
  fs.mkdirSync(Buffer.from(`${dir}/d\xff`, 'latin1'), { recursive: true });
  const cwd = Buffer.from('/m/d\xff', 'latin1');
  const r = await (await Emulator.create(guestElf('fsbox'), { args: ['cwd', 'stat', '/m'], mounts: [{ host: dir, guest: '/m', readOnly: false }], cwd, tier2: false })).run();
  const first = r.stdout!.subarray(0, r.stdout!.indexOf(0x0a) + 1);
  t.same(first, Buffer.concat([Buffer.from('cwd: '), cwd, Buffer.from('\n')]), 'getcwd returns the exact bytes');
});

t.test('a stream as stdin gets back what the guest did not read', async (t) => {
  const { Readable } = await import('node:stream');
  const stream = Readable.from([Buffer.from('first\nsecond\n')], { objectMode: false });
  const r = await (await Emulator.create(HOSTIO, { args: ['readn', '3'], stdin: stream, tier2: false })).run();
  t.equal(r.stdout?.toString(), 'read 3 = 3 [fir]\n');
  const rest: Buffer[] = [];
  for await (const chunk of stream) rest.push(chunk as Buffer);
  t.equal(Buffer.concat(rest).toString(), 'st\nsecond\n', 'the rest is still in the stream');
});

// The command line itself must not hang or misbehave.
function cli(args: string[]): { status: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'] } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

t.test('--dump-traces into an impossible directory: a bad option, at once', async (t) => {
  for (const flags of [['--no-tier2'], []]) {
    const r = cli(['run', ...flags, '--dump-traces', '/proc/nope', guestElf('hello')]);
    t.equal(r.status, 2, 'exit 2');
    t.match(r.stderr, /^hyemu: --dump-traces \/proc\/nope: cannot write there \(\w+\)\n$/);
    t.ok(r.ms < 10_000, `no spin (${r.ms.toFixed(0)} ms)`);
  }
});

t.test('a bad --opt-level is a bad option (2), not an internal error', async (t) => {
  const r = cli(['run', '--opt-level', '9', guestElf('hello')]);
  t.equal(r.status, 2);
  t.match(r.stderr, /^hyemu: option '--opt-level <N>' argument '9' is invalid\. want an integer 0\.\.4\n$/);
  noStack(t, r.stderr);
});

t.test('a time limit beyond 24.8 days works: the guest runs to its end', async (t) => {
  for (const limit of ['3000000', '1e9']) {
    const r = cli(['run', '--no-tier2', '--timeout', limit, guestElf('hello')]);
    t.equal(r.status, 3, `--timeout ${limit}: the guest's own exit status`);
    t.match(r.stdout, /^hello from rv32/);
    t.equal(r.stderr, '', 'no TimeoutOverflowWarning');
  }
});

t.test('only regular files of a plausible size are read as programs', async (t) => {
  const zero = cli(['run', '/dev/zero']);
  t.equal(zero.status, 126);
  t.equal(zero.stderr, 'hyemu: /dev/zero: not a regular file\n');
  const sparse = path.join(scratch, 'sparse.elf');
  fs.closeSync(fs.openSync(sparse, 'w'));
  fs.truncateSync(sparse, 3 * 1024 ** 3);
  const big = cli(['run', sparse]);
  t.equal(big.status, 126, 'a 3 GiB file is too large (126), not missing (127)');
  t.match(big.stderr, /^hyemu: .*sparse\.elf: too large for an rv32 program \(3221225472 bytes; at most \d+\)\n$/);
  const fifo = path.join(scratch, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const f = cli(['run', fifo]);
  t.equal(f.status, 126, 'a FIFO is refused without waiting for a writer');
  t.equal(cli(['run', path.join(scratch, 'missing.elf')]).status, 127, 'a missing file is 127');
});

// SIGUSR1 (and the other signals a process can be sent) go to the guest;
// none opens Node's inspector (127.0.0.1:9229, or any port).
function listeningPorts(): Set<string> {
  const ports = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = fs.readFileSync(f, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A') ports.add(cols[1]!.split(':')[1]!);
    }
  }
  return ports;
}

/** Starts `hyemu run spin.elf`, waits for its first output line, sends
 *  `signal`, and returns how it ended and which new ports listened. */
async function signalSpinner(signal: NodeJS.Signals, flags: string[]): Promise<{ code: number | null; stderr: string; newPorts: string[] }> {
  const before = listeningPorts();
  const child = spawn(process.execPath, [BIN, 'run', ...flags, guestElf('spin')], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill(signal);
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const newPorts = [...listeningPorts()].filter((p) => !before.has(p));
  const code = await exited;
  clearTimeout(guard);
  return { code, stderr, newPorts };
}

t.test('SIGUSR1 goes to the guest (exit 138) and opens no inspector', async (t) => {
  for (const flags of [['--no-tier2'], []]) {
    const r = await signalSpinner('SIGUSR1', flags);
    t.equal(r.code, 138, `${flags.join(' ') || 'hybrid'}: the default action of SIGUSR1`);
    t.same(r.newPorts, [], 'no port opened');
    t.equal(r.stderr, 'hyemu: guest terminated by SIGUSR1 (User defined signal 1): sent by the host (SIGUSR1)\n');
  }
});

t.test('SIGINT, SIGTERM, SIGHUP and SIGUSR2 are forwarded: 128+signo', async (t) => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129], ['SIGUSR2', 140]] as const) {
    const r = await signalSpinner(signal, []);
    t.equal(r.code, code, `${signal}: exit ${code}`);
    t.match(r.stderr, new RegExp(`^hyemu: guest terminated by ${signal} \\(.+\\): sent by the host \\(${signal}\\)\n$`));
  }
});

t.test('SIGUSR1 in the first milliseconds of the process opens no port either', async (t) => {
  // The bin's shebang points Node's own (pre-JavaScript) SIGUSR1 handler at
  // an address no host has; run it as an executable, as npx does.
  fs.chmodSync(BIN, 0o755);
  for (const delayMs of [5, 30, 80]) {
    const before = listeningPorts();
    const child = spawn(BIN, ['run', '--no-tier2', guestElf('spin')], { stdio: 'ignore', env: { PATH: path.dirname(process.execPath) + ':' + (process.env['PATH'] ?? '') } });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    child.kill('SIGUSR1');
    await new Promise((resolve) => setTimeout(resolve, 400));
    t.same([...listeningPorts()].filter((p) => !before.has(p)), [], `SIGUSR1 after ${delayMs} ms: no port`);
    child.kill('SIGKILL');
    await exited;
  }
});
