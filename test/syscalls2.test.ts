import t, { type Test } from 'tap';
import { Emulator, OptionError, type RunOptions } from '../lib/index.js';
import { MAX_MEMORY_LIMIT } from '../lib/runtime/address-space.js';
import { hyemu, noStack } from './helpers/cli.js';
import { guestElf, qemuPath, runCase, runCaseInQemu, type GuestCase } from './helpers/guest.js';

// The second set of system calls (pipe2, fsync, fdatasync, ftruncate64,
// renameat2, getrusage, sysinfo, times, prctl, mremap) and the smaller
// Linux differences (madvise, CLOCK_TAI, getrandom flags, readv/writev
// with a bad iovec): programs/syscalls2.c under qemu-riscv32 and in hyemu,
// tier 1 alone and hybrid, same stdout and exit code. Then the memory
// limit: programs/mapcycle.c maps and unmaps 64 MiB chunks under a 256 MiB
// limit; a limit beyond the guest address space is refused. And a pipe
// nobody can ever fill or drain ends at the time limit.

const MIB = 1024 * 1024;
const qemu = qemuPath();
const MODES: ReadonlyArray<[string, RunOptions]> = [['tier 1', { tier2: false }], ['hybrid', {}]];

const syscalls2 = (args: string[], scratchDir = false): GuestCase => ({
  name: `syscalls2 ${args.join(' ')}`, elf: 'bin/syscalls2.elf', args, scratchDir, exit: 0,
});

/** Runs `c` in both modes of hyemu (with `extra`) and, when installed, in
 *  qemu-riscv32: the same exit code and stdout as qemu (skipped without
 *  it), and `check` on each hyemu outcome. */
function againstQemu(c: GuestCase, extra: RunOptions, check: (t: Test, o: { exitCode: number; stdout: string }) => void): void {
  t.test(`${c.name}: hyemu = qemu-riscv32`, async (t) => {
    const ref = qemu ? runCaseInQemu(c) : null;
    for (const [label, options] of MODES) {
      const out = await runCase(c, { ...options, ...extra });
      t.equal(out.exitCode, ref?.exitCode, `${label}: exit code`, { skip: ref ? false : 'qemu-riscv32 is not installed' });
      t.equal(out.stdout, ref?.stdout, `${label}: stdout`, { skip: ref ? false : 'qemu-riscv32 is not installed' });
      check(t, out);
    }
  });
}

againstQemu(syscalls2([], true), {}, (t, o) => {
  t.equal(o.exitCode, 0, 'every check passed');
  t.notMatch(o.stdout, /^FAIL /m, 'no FAIL line');
  t.match(o.stdout, /syscalls2: all ok\n$/);
});

// Where qemu-user is no reference (it leaks pipe2's descriptors on EFAULT,
// cannot grow a mapping in place, and answers mremap's bad arguments
// otherwise), the program checks Linux's answers itself.
t.test('syscalls2 linux: pipe2 and mremap give Linux\'s answers', async (t) => {
  for (const [label, options] of MODES) {
    const out = await runCase(syscalls2(['linux']), options);
    t.equal(out.exitCode, 0, `${label}: exit 0`);
    t.notMatch(out.stdout, /^FAIL /m, `${label}: no FAIL line`);
    t.match(out.stdout, /^mremap grow in place: 0$/m, `${label}: grown in place`);
  }
});

againstQemu(syscalls2(['sigpipe']), {}, (t, o) => {
  t.equal(o.exitCode, 128 + 13, 'killed by SIGPIPE');
  t.equal(o.stdout, 'sigpipe\n', 'before the write, nothing after it');
});

// Under a 256 MiB limit (and a stack of 8 MiB), each mode maps far more
// than the limit over the run, at most 192 MiB at once. (Once broken: the
// limit counted every page ever mapped, and MAP_FIXED over a mapping counted
// both; hint, phases and fixed failed with ENOMEM, and mremap was ENOMEM.)
for (const mode of ['plain', 'hint', 'phases', 'fixed', 'mremap']) {
  againstQemu({ name: `mapcycle ${mode} under a 256 MiB limit`, elf: 'bin/mapcycle.elf', args: [mode], exit: 0 }, { memoryLimit: 256 * MIB }, (t, o) => {
    t.equal(o.exitCode, 0, 'every round succeeded');
    t.match(o.stdout, new RegExp(`^${mode}: \\d+ rounds of (64|192) MiB`), o.stdout.trim());
  });
}

t.test('a memory limit beyond the guest address space is refused', async (t) => {
  const max = `${MAX_MEMORY_LIMIT / 1024}K`;
  for (const size of ['4G', '2G', `${MAX_MEMORY_LIMIT / 1024 + 4}K`]) {
    const r = hyemu(['run', '--memory-limit', size, guestElf('hello')]);
    t.equal(r.status, 2, `CLI ${size}: exit 2`);
    t.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, `CLI ${size}: one line`);
    t.match(r.stderr, new RegExp(`^hyemu: .*--memory-limit.*'${size}'.* ${max} \\(the guest's whole address space\\)\n$`), r.stderr.trim());
    noStack(t, r.stderr);
  }
  const ok = hyemu(['run', '--memory-limit', max, guestElf('hello')]);
  t.equal(ok.stderr, '', `CLI ${max} (the largest) is accepted`);
  for (const limit of [2 ** 32, MAX_MEMORY_LIMIT + 4096]) {
    await t.rejects(Emulator.create(guestElf('hello'), { memoryLimit: limit }), OptionError, `API ${limit}: OptionError`);
    const e = await Emulator.create(guestElf('hello'), { memoryLimit: limit }).then(() => new Error('accepted'), (err: unknown) => err as Error);
    t.match(e.message, new RegExp(`^memoryLimit must be at most ${max}\\b[^\\n]*$`), e.message);
  }
  const emu = await Emulator.create(guestElf('hello'), { memoryLimit: MAX_MEMORY_LIMIT, tier2: false });
  t.equal((await emu.run()).status, 'exited', 'API: the largest limit runs');
});

t.test('a pipe that can never be drained or filled: the time limit ends the wait', async (t) => {
  for (const mode of ['pipe-read', 'pipe-write']) {
    const t0 = performance.now();
    const out = await runCase(syscalls2([mode]), { tier2: false, timeoutMs: 300 });
    const ms = performance.now() - t0;
    t.equal(out.result.status, 'limit', `${mode}: status "limit"`);
    t.equal(out.exitCode, 124, `${mode}: exit 124`);
    t.equal(out.stdout, `${mode}\n`, `${mode}: the call never returned`);
    t.ok(ms < 4000, `${mode}: ended after ${ms.toFixed(0)} ms (limit 300 ms)`);
  }
  const t0 = performance.now();
  const r = hyemu(['run', '--timeout', '1', guestElf('syscalls2'), 'pipe-read']);
  const ms = performance.now() - t0;
  t.equal(r.status, 124, 'CLI: exit 124');
  t.match(r.stderr, /^hyemu: time limit of 1000 ms reached at pc 0x[0-9a-f]{8}\n$/, 'CLI: one line');
  t.ok(ms < 10_000, `CLI: ended after ${ms.toFixed(0)} ms`);
});
