import t from 'tap';
import { Emulator } from '../lib/index.js';
import { guestElf, qemuPath, runCaseInQemu } from './helpers/guest.js';
import { hyemu } from './helpers/cli.js';
import { THREAD_CASES, caseLabel, runThreaded as run } from './helpers/threads.js';

// Multithreaded guests (clone, futex, atomics): the outcomes recorded in
// threads.json, which the repeated runs of threads-tier1.test.ts and
// threads-hybrid*.test.ts are held to, are qemu-riscv32's (checked where it
// is installed); then faults, limits and deadlocks across threads.
const qemu = qemuPath();

t.test('threads.json holds what qemu-riscv32 gives', { skip: qemu ? false : 'qemu-riscv32 is not installed' }, async (t) => {
  for (const c of THREAD_CASES) {
    const ref = runCaseInQemu({ elf: `bin/${c.program}.elf`, args: c.args });
    t.equal(ref.exitCode, c.exitCode, `${caseLabel(c)}: qemu-riscv32's exit status as recorded`);
    t.equal(ref.stdout, c.stdout, `${caseLabel(c)}: qemu-riscv32's stdout as recorded`);
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
  // Instructions retired by every thread count toward the limit; the
  // limit ends every thread's wait (the main thread's join was left
  // queued, and its timer kept a library user's process alive).
  for (let i = 0; i < 3; i++) {
    const emu = await Emulator.create(guestElf('thr_parsum'), { tier2: false, args: ['2'], maxInstructions: 600_000 });
    const r = await emu.run();
    t.equal(r.status, 'limit');
    t.ok(r.stats.instructions >= 600_000, `${r.stats.instructions} instructions`);
    t.equal(emu.kernel.futexes.waiting, 0, 'no futex wait outlives the run');
  }
  // An abort ends every thread.
  const controller = new AbortController();
  const emu = await Emulator.create(guestElf('thr_deadlock'), { tier2: false, signal: controller.signal });
  setTimeout(() => controller.abort(), 300);
  await t.rejects(emu.run(), { name: 'AbortError' });
});
