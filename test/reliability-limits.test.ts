import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { Emulator, run, Tier2Pool, type RunOptions, type RunResult } from '../lib/index.js';
import { NR } from '../lib/runtime/syscalls/numbers.js';
import { hyemu, noStack } from './helpers/cli.js';
import { assembleWords, writeElf } from './helpers/elf-writer.js';
import { ElfPatch } from './helpers/elf-patch.js';
import { hex } from '../lib/ir/printer.js';
import { openFdCount } from './helpers/fuzz-common.js';
import { guestElf, ROOT } from './helpers/guest.js';
import * as E from './helpers/rv-encode.js';

// Limits: a guest that never ends stops at its instruction or wall-clock
// budget with exit 124 and a message, in tier 1 and in a tier-2 loop; an
// AbortSignal stops it promptly, also while it sleeps or waits for input;
// memory beyond --memory-limit is refused with ENOMEM (never a crash) and
// the host does not back much more than the limit; open files beyond
// --max-open-files are refused with EMFILE.
//
// Guests: isa/spin.S (`1: j 1b` after one line of output),
// programs/memhog.c, programs/fdhog.c, and small generated programs.

const MIB = 1024 * 1024;
const HOT = ['--hot-threshold', '2', '--wait-for-install'];

/** The pc of spin.S's `1: j 1b`: the first `c.j 0` (0xa001) from the
 *  entry point on, in the PT_LOAD segment that holds the entry. */
const spinPc = ((): string => {
  const elf = new ElfPatch(fs.readFileSync(guestElf('spin')));
  const entry = elf.get('e_entry');
  const text = Array.from({ length: elf.get('e_phnum') }, (_, i) => i).find((i) => elf.getPh(i, 'p_type') === 1
    && entry >= elf.getPh(i, 'p_vaddr') && entry < elf.getPh(i, 'p_vaddr') + elf.getPh(i, 'p_filesz'));
  if (text === undefined) throw new Error('spin.elf: no segment holds the entry point');
  const vaddr = elf.getPh(text, 'p_vaddr'), offset = elf.getPh(text, 'p_offset'), size = elf.getPh(text, 'p_filesz');
  for (let pc = entry; pc + 2 <= vaddr + size; pc += 2) {
    const at = offset + pc - vaddr;
    if (elf.bytes[at] === 0x01 && elf.bytes[at + 1] === 0xa0) return hex(pc);
  }
  throw new Error('spin.elf: no `j 1b` found');
})();

for (const [label, flags] of [['tier 1', ['--no-tier2']], ['tier 2 forced', HOT]] as const) {
  t.test(`a guest that loops forever ends at --max-insns (${label})`, async (t) => {
    const t0 = performance.now();
    const r = hyemu(['run', ...flags, '--max-insns', '50000000', guestElf('spin')]);
    const ms = performance.now() - t0;
    t.equal(r.status, 124, 'exit 124');
    t.equal(r.stdout, '000005b1\n', 'the guest ran');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('hyemu:'));
    t.equal(lines.length, 1, 'one hyemu line');
    const m = /^hyemu: instruction limit of 50000000 reached at pc (0x[0-9a-f]{8})$/.exec(lines[0] ?? '');
    t.ok(m, `the message: ${lines[0]}`);
    t.equal(m?.[1], spinPc, 'at the loop\'s pc');
    noStack(t, r.stderr);
    t.ok(ms < 30_000, `ended in ${ms.toFixed(0)} ms`);
  });

  t.test(`a guest that loops forever ends at --timeout (${label})`, async (t) => {
    const t0 = performance.now();
    const r = hyemu(['run', ...flags, '--timeout', '1', guestElf('spin')]);
    const ms = performance.now() - t0;
    t.equal(r.status, 124, 'exit 124');
    t.equal(r.stdout, '000005b1\n');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('hyemu:'));
    t.equal(lines.length, 1, 'one hyemu line');
    t.match(lines[0], /^hyemu: time limit of 1000 ms reached at pc 0x[0-9a-f]{8}$/, 'the message');
    t.equal(/at pc (0x[0-9a-f]{8})$/.exec(lines[0] ?? '')?.[1], spinPc, 'at the loop\'s pc');
    noStack(t, r.stderr);
    // Node's start-up, loading the tiers, then one second of guest (generous:
    // test files run in parallel).
    t.ok(ms < 10_000, `ended ${ms.toFixed(0)} ms after the start (limit 1000 ms)`);
    // The guest's own wall time, through the API.
    const api = await run(guestElf('spin'), {
      timeoutMs: 1000, tier2: flags[0] === '--no-tier2' ? false : { hotThreshold: 2, waitForInstall: true },
    });
    t.equal(api.status, 'limit');
    t.ok(api.stats.wallTimeMs >= 990 && api.stats.wallTimeMs < 3000, `API: stopped after ${api.stats.wallTimeMs.toFixed(0)} ms`);
  });
}

t.test('an AbortSignal stops a guest spinning in a one-block loop', async (t) => {
  const pool = new Tier2Pool(1);
  t.teardown(() => pool.close());
  for (const tier2 of [false, { pool, hotThreshold: 2, waitForInstall: true }] as const) {
    const controller = new AbortController();
    const emu = await Emulator.create(guestElf('spin'), { signal: controller.signal, progressIntervalMs: 10, tier2 });
    let abortedAt = 0;
    emu.on('progress', (s) => {
      const running = tier2 === false ? s.instructions > 5e6 : s.tier2Instructions > 5e6;
      if (running && abortedAt === 0) {
        abortedAt = -1;
        setImmediate(() => { abortedAt = performance.now(); controller.abort(); });
      }
    });
    await t.rejects(emu.run(), { name: 'AbortError' }, `${tier2 ? 'tier 2' : 'tier 1'}: run() rejects with an AbortError`);
    const delay = performance.now() - abortedAt;
    t.ok(abortedAt > 0 && delay < 1000, `stopped ${delay.toFixed(0)} ms after the abort`);
  }
});

// Generated guests that block in a system call.
const DATA = 0x20000;
function blockingProgram(kind: 'sleep' | 'read'): Uint8Array {
  const data = new Uint8Array(64);
  new DataView(data.buffer).setUint32(0, 3600, true); // struct timespec { 3600 s, 0 ns }
  const call = kind === 'sleep'
    // clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL): an hour
    ? [...E.li(10, 1), ...E.li(11, 0), ...E.li(12, DATA), ...E.li(13, 0), ...E.li(17, NR.clock_nanosleep_time64), E.ECALL]
    // read(0, buf, 16): stdin never delivers
    : [...E.li(10, 0), ...E.li(11, DATA + 16), ...E.li(12, 16), ...E.li(17, NR.read), E.ECALL];
  const words = [...call, ...E.li(10, 7), ...E.li(17, NR.exit_group), E.ECALL]; // then exit_group(7)
  return writeElf({ textAddr: 0x10000, text: assembleWords(words), dataAddr: DATA, data });
}

/** Runs with a guard: stdin is ended after 3 s so a stuck run cannot hang the test. */
async function guarded(elf: Uint8Array, options: RunOptions): Promise<{ outcome: RunResult | Error; ms: number; unblocked: boolean }> {
  const stdin = new PassThrough();
  let unblocked = false;
  const guard = setTimeout(() => { unblocked = true; stdin.end(); }, 3000);
  const t0 = performance.now();
  const outcome = await run(elf, { stdin, tier2: false, ...options }).catch((e: unknown) => e as Error);
  clearTimeout(guard);
  return { outcome, ms: performance.now() - t0, unblocked };
}

t.test('a guest asleep for an hour: the time limit and an abort end the run', async (t) => {
  const elf = blockingProgram('sleep');
  const timed = await guarded(elf, { timeoutMs: 1000 });
  t.ok(timed.ms < 4000, `time limit: ended after ${timed.ms.toFixed(0)} ms`);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const aborted = await guarded(elf, { signal: controller.signal });
  t.equal((aborted.outcome as Error).name, 'AbortError', 'abort: an AbortError');
  t.ok(aborted.ms < 3000, `abort: ended after ${aborted.ms.toFixed(0)} ms`);
  // The interrupted sleep must not let the guest run on: the run ends with
  // status "limit", not with the exit the guest makes after waking early.
  const statuses: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await guarded(elf, { timeoutMs: 300 });
    statuses.push(r.outcome instanceof Error ? r.outcome.name : `${r.outcome.status} ${r.outcome.exitCode}`);
  }
  // (Once broken: the timer could fire just before performance.now()
  // reached the deadline; the sleep returned 0 and the guest exited 7.)
  t.same(statuses, Array(5).fill('limit 124'), 'a sleep cut short by the time limit ends the run at the limit');
});

t.test('a guest blocked reading stdin: the time limit and an abort end the run', async (t) => {
  const elf = blockingProgram('read');
  const timed = await guarded(elf, { timeoutMs: 300 });
  // (Once broken: the run loop awaited a waiting system call without
  // watching the time limit or the AbortSignal.)
  t.notOk(timed.unblocked, `time limit: ended on its own (after ${timed.ms.toFixed(0)} ms)`);
  t.ok(timed.ms < 4000, 'promptly');
  t.equal((timed.outcome as RunResult).status, 'limit', 'status "limit"');
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const aborted = await guarded(elf, { signal: controller.signal });
  t.equal((aborted.outcome as Error).name, 'AbortError', 'abort: an AbortError');
  t.notOk(aborted.unblocked, `abort: ended on its own (after ${aborted.ms.toFixed(0)} ms)`);
  t.ok(aborted.ms < 3000, 'promptly');
});

t.test('the CLI: --timeout ends a guest blocked on a stdin that stays open', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-stdin-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'read.elf');
  fs.writeFileSync(file, blockingProgram('read'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/lib/cli/bin.cjs'), 'run', '--no-tier2', '--timeout', '1', file], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  // The pipe to its stdin stays open and silent; after 10 s, give up.
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(guard);
  child.stdin.end();
  const ms = performance.now() - t0;
  t.equal(signal, null, 'it ended on its own');
  t.equal(code, 124, 'exit 124');
  t.match(stderr, /^hyemu: time limit of 1000 ms reached at pc 0x[0-9a-f]{8}\n$/, 'one line');
  t.ok(ms < 5000, `ended after ${ms.toFixed(0)} ms`);
});

t.test('memory limit: malloc (brk) and mmap fail with ENOMEM, no crash (CLI)', async (t) => {
  for (const mode of ['brk', 'mmap'] as const) {
    for (const flags of [['--no-tier2'], []]) {
      const r = hyemu(['run', ...flags, '--memory-limit', '64M', guestElf('memhog'), mode]);
      t.equal(r.status, 0, `${mode} ${flags.length ? 'tier 1' : 'tiers 1+2'}: exit 0 (the refusal was ENOMEM)`);
      const m = mode === 'brk' ? /^malloc: NULL after (\d+) MiB, errno ENOMEM\n$/.exec(r.stdout) : /^mmap: failed after (\d+) MiB, ENOMEM\n$/.exec(r.stdout);
      t.ok(m, `stdout: ${JSON.stringify(r.stdout)}`);
      // 64 MiB less the 8 MiB stack, the program and the allocator's overhead.
      const got = Number(m?.[1]);
      t.ok(got >= 40 && got < 64, `got ${got} MiB before the refusal`);
      t.equal(r.stderr, '', 'nothing on stderr');
    }
  }
  const huge = hyemu(['run', '--no-tier2', '--memory-limit', '64M', guestElf('memhog'), 'huge']);
  t.equal(huge.status, 0);
  t.equal(huge.stdout, 'mmap 3 GiB: ENOMEM\nmalloc 2 GiB: NULL, ENOMEM\n', 'one huge request: refused');
});

/**
 * Runs a guest through the API in a fresh Node process and reports how much
 * the process's peak RSS grew over its RSS before the run (after loading
 * hyemu and one warm-up run). The peak is the one since just before the
 * run (Linux's VmHWM, reset through clear_refs): the process's lifetime
 * peak (maxRSS, the fallback) also counts passing peaks before it, which
 * in CI put all three figures at ~145-152 MiB against 51-58 MiB.
 * Tier 1 only: the tier-2 worker threads would
 * add their own (guest-independent) tens of MiB.
 */
interface MemoryChildResult { exitCode: number; stdout: string; outLength: number; growth: number; lifetime: number }
function memoryChild(elf: string, args: string[], memoryLimit: number): MemoryChildResult {
  const script = `
    const [lib, elf, hello, args, limit] = JSON.parse(process.argv[1]);
    const { run } = await import(lib);
    const { readFileSync, writeFileSync } = await import('node:fs');
    await run(hello, { tier2: false });
    // Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the
    // current RSS, so a passing peak before the run does not count.
    let reset = true;
    try { writeFileSync('/proc/self/clear_refs', '5'); } catch { reset = false; }
    const before = process.memoryUsage().rss;
    const r = await run(elf, { args, memoryLimit: limit, tier2: false });
    const hwm = reset ? /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8')) : null;
    const peak = (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) * 1024;
    console.log(JSON.stringify({ exitCode: r.exitCode, stdout: r.stdout.toString('latin1').slice(0, 200), outLength: r.stdout.length, growth: peak - before, lifetime: process.resourceUsage().maxRSS * 1024 - before }));`;
  const lib = pathToFileURL(path.join(ROOT, 'dist/lib/index.js')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([lib, elf, guestElf('hello'), args, memoryLimit])], {
    encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status} ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as MemoryChildResult;
}

// The tolerance: the limit itself plus 48 MiB for what the host needs to
// run any guest (translated code, V8 heap growth, output buffers).
const SLACK = 48 * MIB;

t.test('memory limit: the host backs little more than the limit', async (t) => {
  for (const mode of ['brk', 'mmap']) {
    const r = memoryChild(guestElf('memhog'), [mode], 64 * MIB);
    t.equal(r.exitCode, 0, `${mode}: refused with ENOMEM`);
    t.ok(r.growth < 64 * MIB + SLACK, `${mode}: peak RSS grew by ${(r.growth / MIB).toFixed(0)} MiB (limit 64 MiB; lifetime peak ${(r.lifetime / MIB).toFixed(0)} MiB over)`);
  }
  // Never more than 16 MiB mapped at once, but 768 MiB touched in total at
  // different addresses (mmap MAP_FIXED, touch, munmap, next address): the
  // host must not end up holding it all. Refusing the mapping (ENOMEM) once
  // the guest has used up the limit is fine.
  const walk = memoryChild(guestElf('memhog'), ['walk'], 64 * MIB);
  t.equal(walk.exitCode, 0, 'walk: every mapping succeeded or was refused with ENOMEM');
  t.match(walk.stdout, /^walk: (48 rounds of 16 MiB|ENOMEM after \d+ rounds of 16 MiB)\n$/, walk.stdout.trim());
  // (Once broken: unmapped pages stay backed by the host, since the shared
  // WebAssembly.Memory never shrinks, and the host held 770 MiB here.)
  t.ok(walk.growth < 64 * MIB + SLACK, `walk: peak RSS grew by ${(walk.growth / MIB).toFixed(0)} MiB (limit 64 MiB; lifetime peak ${(walk.lifetime / MIB).toFixed(0)} MiB over)`);
});

t.test('memory limit: one writev of 1000 x 2 MiB does not make the host allocate 2 GiB', async (t) => {
  // mmap2 2 MiB, then writev(1, iov, 1000) with every iovec on that buffer:
  // 2000 MiB of output from 2 MiB of guest memory (stdout is collected in
  // a buffer capped at 64 MiB).
  const iov = new Uint8Array(1000 * 8);
  const v = new DataView(iov.buffer);
  for (let i = 0; i < 1000; i++) {
    v.setUint32(i * 8, 0x10000000, true);
    v.setUint32(i * 8 + 4, 2 * MIB, true);
  }
  const words = [
    ...E.li(10, 0x10000000), ...E.li(11, 2 * MIB), ...E.li(12, 3), ...E.li(13, 0x32), ...E.li(14, -1), ...E.li(15, 0), ...E.li(17, NR.mmap2), E.ECALL,
    ...E.li(10, 1), ...E.li(11, DATA), ...E.li(12, 1000), ...E.li(17, NR.writev), E.ECALL,
    ...E.li(10, 0), ...E.li(17, NR.exit_group), E.ECALL,
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-writev-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bin = path.join(dir, 'writev.elf');
  fs.writeFileSync(bin, writeElf({ textAddr: 0x10000, text: assembleWords(words), dataAddr: DATA, data: iov }));
  // Measured as the memhog runs are (a peak of the run alone: the lifetime
  // peak once read 188 MiB in CI under load, against ~130 MiB alone).
  // (memoryChild throws, failing the test, if the host process dies.)
  const r = memoryChild(bin, [], 64 * MIB);
  t.equal(r.exitCode, 0, 'the guest exited 0');
  t.equal(r.outLength, 64 * MIB, 'stdout collected up to its 64 MiB cap');
  // The guest's 2 MiB, the 64 MiB of collected output, and the slack. (Once
  // broken: writev concatenated all iovecs into one host Buffer, 2 GiB.)
  t.ok(r.growth < 64 * MIB + 64 * MIB + SLACK, `peak RSS grew by ${(r.growth / MIB).toFixed(0)} MiB (lifetime peak ${(r.lifetime / MIB).toFixed(0)} MiB over)`);
});

t.test('open files: EMFILE at --max-open-files', async (t) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-fdhog-'));
  t.teardown(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const r = hyemu(['run', '--max-open-files', '16', '--mount', `${scratch}:/scratch`, guestElf('fdhog'), '/scratch']);
  t.equal(r.status, 0, 'exit 0: the refusals were EMFILE');
  t.equal(r.stdout, 'open: 13 files, then EMFILE\ndup: EMFILE\nafter close: open succeeded\n', '16 fds: stdin, stdout, stderr and 13 files');
  t.equal(r.stderr, '');
  t.equal(fs.readdirSync(scratch).length, 13, 'the files are in the mounted directory, nowhere else');

  // Through the API, in this process: the default cap, and no host fd leaks.
  const before = openFdCount();
  const scratch2 = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-fdhog-'));
  t.teardown(() => fs.rmSync(scratch2, { recursive: true, force: true }));
  const api = await run(guestElf('fdhog'), { args: ['/scratch'], mounts: [`${scratch2}:/scratch`], tier2: false });
  t.equal(api.stdout?.toString(), 'open: 253 files, then EMFILE\ndup: EMFILE\nafter close: open succeeded\n', 'default cap: 256');
  const after = openFdCount();
  if (before !== null) t.equal(after, before, `host fds back to ${before} after the run`);
});

t.test('the host is healthy afterwards', async (t) => {
  const r = await run(guestElf('hello'));
  t.equal(r.exitCode, 3, 'a normal program still runs');
});
