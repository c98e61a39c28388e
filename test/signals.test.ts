import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { Emulator, type RunOptions } from '../lib/index.js';
import { ROOT, guestElf, qemuPath, runCase, runCaseInQemu, type GuestCase } from './helpers/guest.js';

// Guest signals (programs/sigs.c, one mode per run): handlers, masks,
// sigreturn, faults, timers, interrupted calls and default actions, in
// tier 1 alone and hybrid (tier 2 from the second execution of a block),
// against qemu-riscv32 where it is a reference, and against Linux's own
// answers where it is not (qemu-user 7.2 reads riscv's struct sigaction
// with an sa_restorer word the kernel lacks, so it loses sa_mask, and it
// renumbers real-time signals on the host). qemu runs POSIX timers on host
// timers and queues real-time signals in the host kernel, so there the
// host's Linux answers (6.13 and later drop a timer's signal that is
// stale; hyemu does as they do).

const qemu = qemuPath();
const MODES: ReadonlyArray<[string, RunOptions]> = [['tier 1', { tier2: false }], ['hybrid', { tier2: { hotThreshold: 2 } }]];
const sigs = (args: string[], exit = 0): GuestCase => ({ name: `sigs ${args.join(' ')}`, elf: 'bin/sigs.elf', args, exit });

/** Both modes of hyemu give the case's exit code, qemu-riscv32's stdout
 *  and exit code (when installed), and pass `check`. */
function againstQemu(c: GuestCase, check: (t: Test, stdout: string) => void = () => {}): void {
  t.test(`${c.name}: exit ${c.exit}, hyemu = qemu-riscv32`, async (t) => {
    const ref = qemu ? runCaseInQemu(c) : null;
    const skip = ref ? false : 'qemu-riscv32 is not installed';
    for (const [label, options] of MODES) {
      const out = await runCase(c, options);
      t.equal(out.exitCode, c.exit, `${label}: exit code`);
      t.equal(out.exitCode, ref?.exitCode, `${label}: qemu's exit code`, { skip });
      t.equal(out.stdout, ref?.stdout, `${label}: qemu's stdout`, { skip });
      check(t, out.stdout);
    }
  });
}

/** Where qemu is no reference: Linux's answers. */
function linuxAnswer(c: GuestCase, stdout: RegExp): void {
  t.test(`${c.name}: exit ${c.exit}, as Linux`, async (t) => {
    for (const [label, options] of MODES) {
      const out = await runCase(c, options);
      t.equal(out.exitCode, c.exit, `${label}: exit code`);
      t.match(out.stdout, stdout, `${label}: stdout`);
    }
  });
}

againstQemu(sigs(['segv']), (t, o) => t.match(o, /^segv: faults=1563 maperr=782 accerr=781 sum=1536339 last=0x104$/m));
againstQemu(sigs(['ill']), (t, o) => t.match(o, /^ill: SIGILL=6000 SIGTRAP=6000 codes ok=12000 addrs ok=12000$/m));
againstQemu(sigs(['nested']), (t, o) => {
  t.match(o, /^usr2 inside usr1: \[12ba\]$/m);
  t.match(o, /^usr1 inside usr1, deferred: \[1a1a\]$/m);
  t.match(o, /^usr1 inside usr1, SA_NODEFER: \[11aa\]$/m);
});
againstQemu(sigs(['block']), (t, o) => {
  t.match(o, /^pending: a00\nunblock one by one: \[\|U\|V\|\]\npending after: 0$/m);
  t.match(o, /^sigsuspend: -4, mask in handler a00, saved 200, after 200$/m);
});
againstQemu(sigs(['resethand'], 138), (t, o) => t.equal(o, 'first: [U]\nhandler now default: 1, flags 80000004\n'));
againstQemu(sigs(['altstack']), (t, o) => t.match(o, /^overflow: SIGSEGV=1 on the alternate stack=1 ss_flags=1$/m));
againstQemu(sigs(['alarm']), (t, o) => t.equal(o, 'armed: 1\nalarm: fired=1 after spinning=1\ninterval: ticks>=7 1, disarmed 1\n'));
againstQemu(sigs(['eintr']), (t, o) => t.equal(o, "read, no SA_RESTART: -4 (fired 1)\nread, SA_RESTART: 1 'x' (fired 2)\nsleep, SA_RESTART: -4, rem ok 1 (fired 3)\n"));
againstQemu(sigs(['futex']), (t, o) => t.equal(o, [
  'wait, value differs: -11', 'wait 20 ms: -110', 'wait_bitset, deadline passed: -110', 'wait_bitset, empty bitset: -22',
  'wait, bad timeout: -22', 'wait, misaligned: -22', 'wait, unmapped: -14', 'wake: 0, wake_bitset: 0',
  'cmp_requeue, value differs: -11; equal: 0', 'clock_realtime on wait: -38; unknown op: -38',
  'wait forever, SIGALRM, no SA_RESTART: -4 (fired 1)', 'wait 200 ms, SIGALRM, SA_RESTART: -4 (fired 2)',
  'wait forever, SA_RESTART, then a second SIGALRM without: -4 (fired 4)', '',
].join('\n')));
againstQemu(sigs(['handlerfault'], 139), (t, o) => t.equal(o, 'main: faulting\nhandler: faulting again\n'));
againstQemu(sigs(['regs']), (t, o) => t.equal(o, 'regs: handler saw s2=77; after: s2=0x1234 s1=42 a0=0\nregs: the handler\'s new pc ran, a0=0\n'));

// Faults inside tier-2 traces (the compiles waited for, so the hot loops
// run as WebAssembly): the handler sees every register as at the faulting
// load, and the instructions retired agree with tier 1's count.
for (const [mode, expected] of [
  ['hotregs', /^hotregs: faults=12500 bad=0 sum=1348256836$/m],
  ['segv', /^segv: faults=1563 maperr=782 accerr=781 sum=1536339 last=0x104$/m],
] as const) {
  t.test(`sigs ${mode}: faults handled inside tier-2 traces`, async (t) => {
    const c = sigs([mode]);
    const ref = qemu ? runCaseInQemu(c) : null;
    const tier1 = await runCase(c, { tier2: false });
    const out = await runCase(c, { tier2: { hotThreshold: 2, waitForInstall: true } });
    t.match(out.stdout, expected);
    t.equal(out.stdout, tier1.stdout, 'tier 1 alone prints the same');
    t.equal(out.stdout, ref?.stdout, "qemu-riscv32's stdout", { skip: ref ? false : 'qemu-riscv32 is not installed' });
    t.ok(out.result.stats.tier2!.share > 0.5, `most instructions ran in tier 2 (${out.result.stats.tier2!.share})`);
    t.equal(out.result.stats.instructions, tier1.result.stats.instructions, 'instructions retired: tier 1 = hybrid');
  });
}

// The default actions: ignored, or death with the signal's own number.
for (const [signo, exit] of [[24, 152], [31, 159], [16, 144], [9, 137], [14, 142], [17, 0], [18, 0], [23, 0], [28, 0]] as const) {
  againstQemu(sigs(['raise', String(signo)], exit), (t, o) => t.equal(o, `raise ${signo}\n${exit === 0 ? `survived ${signo}\n` : ''}`));
}
againstQemu(sigs(['blocked']), (t, o) => t.equal(o, 'raise 10\nsurvived 10\npending 200\n'));
againstQemu(sigs(['ignored']), (t, o) => t.equal(o, 'raise 10\nsurvived 10\n'));
againstQemu(sigs(['pipe-ignored']), (t, o) => t.equal(o, 'pipe-ignored: write -32, handler ran 0, pending 0\n'));
againstQemu(sigs(['pipe-blocked']), (t, o) => t.equal(o, 'pipe-blocked: write -32, handler ran 0, pending 1000\n'));
againstQemu(sigs(['pipe-handled']), (t, o) => t.equal(o, 'pipe-handled: write -32, handler ran 1, pending 0\n'));

const TIMERS_OUT = `periodic: create 0 settime 0; ticks>=5 1, all SI_TIMER 1, signal 34, value 0x1234, overrun>=0 1, spun 1
periodic: delete 0, no tick after it 1
abstime: settime 0; ticks 1, value 77, not early 1; then reads 0 0
abstime in the past: settime 0, ticks 1
gettime: 0 armed 1; disarm 0, old value 1, now 0 0
SIGEV_NONE: create 0, counting 1, expired reads 0, signals 0
SIGEV_NONE periodic: next in (0, 200ms] 1, interval 200000000, overrun 0
SIGEV_NONE disarmed: reads 1, interval 0
SIGEV_THREAD_ID: create 0, ticks 1, value 5
overrun: pending 1, overrun before 0; delivered 1, si_overrun>0 1, timer_getoverrun = si_overrun 1, after 1
fired, blocked: pending 1, reads 0
re-armed and fired again: delivered 1
disarmed: pending 1, delivered 0
deleted: 0, pending 1, delivered 0, pending after 0
ignored: pending 0; with a handler: delivered 1, value 9, overrun>0 1
create: clock 99 -22, clock 4 -95, sigevent at 0x10 -14, id at 0x10 -14, notify 7 -22, signal 0 -22, signal 65 -22, another thread -22
settime: nsec 1e9 -22, sec -1 -22, interval nsec -1 -22, NULL -22, at 0x10 -14, timer 12345 -22, old at 0x10 -14 (armed anyway: 1)
gettime: timer 12345 -22, at 0x10 -14; getoverrun: timer 12345 -22; delete: timer 12345 -22, 0
`;
againstQemu(sigs(['timers']), (t, o) => t.equal(o, TIMERS_OUT));
// Three SIGRTMIN+8 blocked come as three, three SIGUSR1 as one; several
// pending at once nest as Linux delivers them (the thread's own first,
// then by number, so the last one's handler runs first), each real-time
// instance with its own siginfo.
againstQemu(sigs(['rtqueue']), (t, o) => t.equal(o, `pending 8000000200
SIGRTMIN+8 x3: 40/0/-/self 40/0/-/self 40/0/-/self
SIGUSR1 x3: 10/0/-/self
pending 600000200
all at once: 35/0/-/self 35/0/-/self 10/0/-/self 34/-6/-/self 34/-1/1/777 34/-1/2/777 34/-1/3/777
sigqueueinfo: self SI_USER 0, self SI_TKILL 0, self 5 0, other SI_QUEUE -3, other SI_USER -1, pid 0 -3, signal 0 0, signal 65 -22, at 0x10 -14
delivered: 34/0/-/777 34/-6/-/777 34/5/3/777
tgsigqueueinfo: self 0, tid 0 -22, other -3, other as kill -1
delivered: 35/-1/6/777
`));
// qemu-user 7.2 hands out its own timer ids (0x0caf0000 + n) and passes
// the host kernel's in si_timerid and in the NULL sigevent's si_value; it
// reads tv_nsec as 64 bits (rv32's is a 32-bit long: the upper half is
// padding), checks the timer id before reading the itimerspec, passes on
// si_value only for codes other than kill()'s and tkill()'s, builds the
// host siginfo from a few fields (so an unknown si_code meets stack bytes:
// E2BIG), and the host counts RLIMIT_SIGPENDING over all of the user's
// processes.
linuxAnswer(sigs(['linuxonly']), new RegExp(`^${[
  'ids: 0 0, 0 1, delete 0, 0 2, refused -22, 0 4',
  'NULL sigevent: signal 14, SI_TIMER 1, value 4, timer id 4, overrun 0',
  'delete twice: 0 -22',
  'nsec padding: settime 0, fired 1',
  'timer 12345 with new at 0x10: -14',
  'sigqueueinfo as kill 0, as tkill 0',
  'delivered: 34/0/1/777 34/-6/2/777',
  'si_code -100: 0, with a non-zero tail -7',
  'delivered: 34/-100/3/777',
  'limit 8 \\(0\\): sigqueue ok 8 EAGAIN 4, kill 0, kill another 0, tgkill -11, sigqueue SI_USER 0, SIGUSR1 0, timer_create -11',
  `delivered: 35/0/0/0${[0, 1, 2, 3, 4, 5, 6, 7].map((v) => ` 34/-1/${v}/777`).join('')} 10/0/0/0`,
  'limit restored: timer_create 0',
].join('\\n')}\\n$`));
linuxAnswer(sigs(['samask']), /^usr2 masked by sa_mask: \[1a2b\]\nold mask 800, blocked after: 0\n$/);
linuxAnswer(sigs(['raise', '40'], 168), /^raise 40\n$/);
linuxAnswer(sigs(['raise', '42'], 170), /^raise 42\n$/);

t.test('the one-line report names the signal and its description', async (t) => {
  const out = await runCase(sigs(['raise', '40'], 168), { tier2: false });
  t.equal(out.result.message, 'hyemu: guest terminated by SIGRTMIN+8 (Real-time signal 8): raised by the program (signal 40)');
});

t.test('random sigaction/sigprocmask/kill sequences: tier 1 = hybrid', async (t) => {
  for (let seed = 1; seed <= 12; seed++) {
    const c = sigs(['fuzz', String(seed)]);
    const [a, b] = [await runCase(c, MODES[0]![1]), await runCase(c, MODES[1]![1])];
    t.equal(b.exitCode, a.exitCode, `seed ${seed}: exit ${a.exitCode}`);
    t.equal(b.stdout, a.stdout, `seed ${seed}: the same deliveries`);
    t.notOk(a.result.message?.includes('internal'), `seed ${seed}: no internal error`);
  }
});

/** Runs sigs.elf `sigint` through the API and sends SIGINT once it
 *  printed "ready" and (with tier 2) its spin loop runs in tier 2; times
 *  the handler's line. */
async function sigintThroughApi(options: RunOptions): Promise<{ exitCode: number; stdout: string; ms: number; tier2: number }> {
  let stdout = '';
  let sentAt = 0;
  let handledAt = 0;
  const emu = await Emulator.create(guestElf('sigs'), {
    args: ['sigint'], timeoutMs: 30_000, progressIntervalMs: 10, ...options,
    stdout: new Writable({
      write(chunk: Buffer, _enc, done) {
        stdout += chunk.toString();
        if (stdout !== 'ready\n') handledAt ||= performance.now();
        else if (options.tier2 === false) send();
        done();
      },
    }),
  });
  let scheduled = false;
  const send = (): void => {
    if (!scheduled) setTimeout(() => { sentAt = performance.now(); emu.sendSignal('SIGINT'); }, 100);
    scheduled = true;
  };
  emu.on('progress', (p) => { if (stdout === 'ready\n' && p.tier2Instructions > 0) send(); });
  const r = await emu.run();
  return { exitCode: r.exitCode, stdout, ms: handledAt - sentAt, tier2: r.stats.tier2?.instructions ?? 0 };
}

t.test('sendSignal runs the guest handler promptly, also in a tier-2 loop', async (t) => {
  for (const [label, options] of [['tier 1', { tier2: false }], ['hybrid', { tier2: { hotThreshold: 2 } }]] as const) {
    const r = await sigintThroughApi(options);
    t.equal(r.exitCode, 3, `${label}: the handler's exit status`);
    t.equal(r.stdout, 'ready\nhandler: got SIGINT\n', `${label}: the handler's line`);
    t.ok(r.ms < 50, `${label}: the handler ran ${r.ms.toFixed(1)} ms after the signal was sent`);
    if (label === 'hybrid') t.ok(r.tier2 > 0, 'the loop ran in tier 2');
  }
});

t.test('SIGALRM interrupts a loop running in tier 2', async (t) => {
  // The guest waits for each install here, so the one-shot alarm may come
  // before its loop runs; the periodic one ends a loop running in tier 2.
  const out = await runCase(sigs(['alarm']), { tier2: { hotThreshold: 2, waitForInstall: true } });
  t.match(out.stdout, /^interval: ticks>=7 1, disarmed 1$/m);
  t.ok((out.result.stats.tier2?.instructions ?? 0) > 0, 'tier 2 ran the loop');
});

t.test('a POSIX timer interrupts a loop running in tier 2', async (t) => {
  const out = await runCase(sigs(['timers']), { tier2: { hotThreshold: 2, waitForInstall: true } });
  t.match(out.stdout, /^periodic: create 0 settime 0; ticks>=5 1, all SI_TIMER 1, signal 34, value 0x1234, overrun>=0 1, spun 1$/m);
  t.ok((out.result.stats.tier2?.instructions ?? 0) > 0, 'tier 2 ran');
});

t.test('a timer left armed at exit is cancelled with the run', async (t) => {
  const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timeouts();
  const out = await runCase(sigs(['linuxonly']), { tier2: false });
  t.match(out.stdout, /^limit restored: timer_create 0$/m);
  t.equal(timeouts(), before, 'no host timer left');
});

t.test('--strace shows the timer and sigqueue calls', async (t) => {
  const lines: string[] = [];
  await runCase(sigs(['linuxonly']), { tier2: false, strace: (l) => lines.push(l) });
  for (const re of [
    /^timer_create\(1, NULL, 0x[0-9a-f]+\) = 0$/, /^timer_settime64\(4, 0x0, 0x[0-9a-f]+, NULL\) = 0$/,
    /^timer_delete\(4\) = -1 EINVAL$/, /^rt_sigqueueinfo\(1000, SIGRTMIN\+2, 0x[0-9a-f]+\) = -1 E2BIG$/,
    /^timer_create\(1, NULL, 0x[0-9a-f]+\) = -1 EAGAIN$/, /^prlimit64\(0, 11, 0x[0-9a-f]+, NULL\) = 0$/,
  ]) t.ok(lines.some((l) => re.test(l)), String(re));
});

/** Runs `cmd` on sigs.elf `stdin`, its stdin a pipe that gets "x" 300 ms
 *  after the first line (the first read has ended) and stays open. */
async function stdinProcess(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(cmd, [...args, guestElf('sigs'), 'stdin'], { stdio: ['pipe', 'pipe', 'inherit'], cwd: ROOT });
  let stdout = '';
  let timer: NodeJS.Timeout | undefined;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    timer ??= setTimeout(() => child.stdin.write('x'), 300);
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  clearTimeout(guard);
  return { code, stdout };
}

const STDIN_OUT = "stdin, no SA_RESTART: -4 (fired 1)\nstdin, SA_RESTART: 1 'x' (fired 2)\n";

t.test('a read of stdin interrupted by SIGALRM: EINTR, or restarted (CLI: a host pipe)', async (t) => {
  const bin = path.join(ROOT, 'dist/lib/cli/bin.cjs');
  const ref = qemu ? await stdinProcess(qemu, []) : null;
  t.same(ref ?? { code: 0, stdout: STDIN_OUT }, { code: 0, stdout: STDIN_OUT }, 'qemu-riscv32', { skip: ref ? false : 'qemu-riscv32 is not installed' });
  for (const flags of [['--no-tier2'], ['--hot-threshold', '2']]) {
    t.same(await stdinProcess(process.execPath, [bin, 'run', ...flags]), { code: 0, stdout: STDIN_OUT }, flags.join(' '));
  }
});

t.test('a read of a stdin stream interrupted by SIGALRM (API)', async (t) => {
  for (const [label, options] of MODES) {
    const stdin = new PassThrough();
    let timer: NodeJS.Timeout | undefined;
    const stdout = new Writable({
      write(chunk: Buffer, _enc, done) {
        timer ??= setTimeout(() => stdin.write('x'), 300);
        text += chunk.toString();
        done();
      },
    });
    let text = '';
    await runCase(sigs(['stdin']), { ...options, stdin, stdout, timeoutMs: 20_000 });
    clearTimeout(timer);
    t.equal(text, STDIN_OUT, label);
  }
});

/** Starts `cmd` on sigs.elf `sigint`, sends SIGINT after its first line. */
async function sigintProcess(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(cmd, [...args, guestElf('sigs'), 'sigint'], { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
    if ((stdout += d.toString()).includes('\n')) resolve();
  }));
  child.kill('SIGINT');
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(guard);
  return { code, stdout, stderr };
}

t.test('hyemu run forwards SIGINT to the guest handler, as qemu-riscv32', async (t) => {
  const bin = path.join(ROOT, 'dist/lib/cli/bin.cjs');
  const ref = qemu ? await sigintProcess(qemu, []) : null;
  for (const flags of [['--no-tier2'], ['--hot-threshold', '2']]) {
    const r = await sigintProcess(process.execPath, [bin, 'run', ...flags]);
    t.equal(r.code, 3, `${flags.join(' ')}: exit 3`);
    t.equal(r.stdout, 'ready\nhandler: got SIGINT\n', `${flags.join(' ')}: the handler's line`);
    t.equal(r.stderr, '', 'nothing on stderr');
    t.equal(r.code, ref?.code, 'qemu-riscv32: the same exit code', { skip: ref ? false : 'qemu-riscv32 is not installed' });
    t.equal(r.stdout, ref?.stdout, 'qemu-riscv32: the same stdout', { skip: ref ? false : 'qemu-riscv32 is not installed' });
  }
});
