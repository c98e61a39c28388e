import fs from 'node:fs';
import { PassThrough, Readable, Writable } from 'node:stream';
import t from 'tap';
import { ElfError, Emulator, HyemuError, OptionError, run, Tier2Pool } from '../lib/index.js';
import { guestElf } from './helpers/guest.js';

// The library API: programs from paths or bytes, streams or buffers for
// stdio, budgets, AbortSignal, events, typed errors.

t.test('a program from bytes, output collected in buffers', async (t) => {
  const r = await run(fs.readFileSync(guestElf('hello')), { args: ['x'], tier2: false });
  t.equal(r.status, 'exited');
  t.equal(r.exitCode, 3);
  t.equal(r.stdout?.toString(), 'hello from rv32, argc=2\nargv[0]=program\nargv[1]=x\nmalloc works\n', 'argv[0] defaults to "program"');
  t.equal(r.stderr?.toString(), '', 'stderr collected too');
  t.ok(r.stats.instructions > 1000 && r.stats.wallTimeMs > 0 && r.stats.mips > 0, 'statistics');
});

t.test('argv0 and env', async (t) => {
  const r = await run(guestElf('args_env'), { argv0: 'prog', env: { HYEMU_TEST: 'v' }, tier2: false });
  t.equal(r.stdout?.toString(), 'argc=1\nargv[0] basename=[prog]\nenv[0]=[HYEMU_TEST=v]\nenvc=1\nHYEMU_TEST=[v]\n');
});

t.test('stdin from a stream; stdout to a stream', async (t) => {
  const stdin = Readable.from([Buffer.from('first line\n'), Buffer.from('second line\n')]);
  const chunks: Buffer[] = [];
  const stdout = new Writable({ write(chunk, _enc, done) { chunks.push(chunk as Buffer); done(); } });
  const r = await run(guestElf('cat'), { stdin, stdout, tier2: false });
  t.equal(r.exitCode, 0);
  t.equal(Buffer.concat(chunks).toString(), 'first line\nsecond line\n', 'the guest copied stdin to stdout');
  t.equal(r.stdout, undefined, 'no buffer when a stream is given');
  t.match(r.stderr?.toString(), /23/, 'the byte count on stderr');
});

t.test('stdin that arrives later: the guest waits for it', async (t) => {
  const stdin = new PassThrough();
  setTimeout(() => stdin.write('late\n'), 50);
  setTimeout(() => stdin.end('later\n'), 100);
  const r = await run(guestElf('stdin_lines'), { stdin, tier2: false });
  t.equal(r.exitCode, 2);
  t.equal(r.stdout?.toString(), '   1: late\n   2: later\n2 lines\n');
});

t.test('instruction and time budgets end the run with status "limit"', async (t) => {
  const insns = await run(guestElf('hotloop'), { maxInstructions: 500_000, tier2: false });
  t.equal(insns.status, 'limit');
  t.equal(insns.exitCode, 124);
  t.ok(insns.stats.instructions >= 500_000 && insns.stats.instructions < 500_000 + 100, 'stops at the budget (within a block)');
  t.match(insns.message, /^hyemu: instruction limit of 500000 reached at pc 0x[0-9a-f]{8}$/);
  const time = await run(guestElf('hotloop'), { args: ['100000000'], timeoutMs: 200 });
  t.equal(time.status, 'limit');
  t.ok(time.stats.wallTimeMs < 3000, `stops soon after the time limit (${time.stats.wallTimeMs.toFixed(0)} ms)`);
});

for (const [label, tier2] of [['tier 1', false], ['inside a tier-2 loop', { hotThreshold: 2, waitForInstall: true }]] as const) {
  t.test(`an AbortSignal stops the run promptly (${label})`, async (t) => {
    const pool = new Tier2Pool(1);
    t.teardown(() => pool.close());
    const controller = new AbortController();
    const emu = await Emulator.create(guestElf('hotloop'), {
      args: ['100000000'], signal: controller.signal, progressIntervalMs: 10,
      tier2: tier2 === false ? false : { ...tier2, pool },
    });
    // Abort once the guest has run a while; with tier 2, once tens of
    // millions of instructions have run in wasm (the hot loop is a trace).
    let abortedAt = 0;
    emu.on('progress', (s) => {
      const running = tier2 === false ? s.instructions > 20e6 : s.tier2Instructions > 20e6;
      if (running && abortedAt === 0) {
        abortedAt = -1;
        // From outside the run loop, as a user's timer or request would.
        setImmediate(() => {
          abortedAt = performance.now();
          controller.abort();
        });
      }
    });
    await t.rejects(emu.run(), { name: 'AbortError' }, 'run() rejects with an AbortError');
    t.ok(abortedAt > 0, 'the abort happened during the run');
    const delay = performance.now() - abortedAt;
    t.ok(delay < 1000, `stopped ${delay.toFixed(0)} ms after the abort`);
  });
}

t.test('events: trace-installed and progress', async (t) => {
  const pool = new Tier2Pool(1);
  t.teardown(() => pool.close());
  const emu = await Emulator.create(guestElf('hotloop'), {
    args: ['20000'], progressIntervalMs: 5, tier2: { pool, hotThreshold: 10, waitForInstall: true },
  });
  const installs: Array<{ headPc: number; blocks: number; compileMs: number; name: string }> = [];
  const samples: Array<{ timeMs: number; instructions: number }> = [];
  emu.on('trace-installed', (i) => installs.push(i));
  emu.on('progress', (s) => samples.push(s));
  const r = await emu.run();
  t.equal(r.exitCode, 0);
  t.equal(installs.length, r.stats.tier2!.installed, 'one event per installed trace');
  t.ok(installs.every((i) => i.headPc >= 0x10000 && i.blocks >= 1 && i.compileMs >= 0 && /^region-/.test(i.name)), 'event fields');
  t.ok(samples.length >= 2, `progress samples (${samples.length})`);
  t.ok(samples.every((s, i) => i === 0 || (s.timeMs >= samples[i - 1]!.timeMs && s.instructions >= samples[i - 1]!.instructions)), 'monotonic');
  t.equal(samples[samples.length - 1]!.instructions, r.stats.instructions, 'the last sample is the end of the run');
});

t.test('strace through a function', async (t) => {
  const lines: string[] = [];
  await run(guestElf('hello'), { strace: (l) => lines.push(l), tier2: false });
  t.ok(lines.length >= 4, 'several system calls');
  t.match(lines[lines.length - 1], /^exit_group\(3\) = 0$/);
});

t.test('typed errors', async (t) => {
  await t.rejects(run(new Uint8Array([1, 2, 3])), ElfError, 'bad bytes: ElfError');
  await t.rejects(run(new Uint8Array([1, 2, 3])), { code: 'ELF_INVALID', message: 'not an ELF file (bad magic number)' });
  await t.rejects(run('/no/such/file.elf'), { code: 'FILE_NOT_FOUND' });
  await t.rejects(run(guestElf('hello'), { tier2: { hotThreshold: 0 } }), OptionError, 'a bad tunable: OptionError');
  await t.rejects(run(guestElf('hello'), { memoryLimit: -1 }), /memoryLimit must be a positive integer/);
  await t.rejects(run(guestElf('hello'), { cwd: 'relative' }), /cwd must be an absolute guest path/);
  const err = await run(guestElf('hello'), { mounts: ['/no/such/dir:/x'] }).catch((e: unknown) => e);
  t.ok(err instanceof HyemuError && err.exitCode === 127, 'HyemuError carries the CLI exit code');
});

t.test('a fault: status, fault details with the function name', async (t) => {
  const r = await run(guestElf('faults'), { args: ['null'], tier2: false });
  t.equal(r.status, 'signaled');
  t.equal(r.exitCode, 139);
  t.equal(r.fault?.signal, 'SIGSEGV');
  t.equal(r.fault?.addr, 0);
  t.match(r.fault?.function, /^\w+\+0x[0-9a-f]+$/);
  t.match(r.fault?.instruction, /l[bhw]u? /, 'the faulting load, disassembled');
});

t.test('an Emulator runs once', async (t) => {
  const emu = await Emulator.create(guestElf('hello'), { tier2: false });
  await emu.run();
  await t.rejects(emu.run(), OptionError);
});
