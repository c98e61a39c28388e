import t from 'tap';
import { OptionError, run, Tier2Pool } from '../lib/index.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { guestElf, ROOT } from './helpers/guest.js';
import { hyemu } from './helpers/cli.js';

// A run starts its compiler pool only once it has retired
// tier2.poolStartInsns guest instructions with a region waiting
// (tier2-optimizer/manager.ts): a short program never pays for the pool,
// a long one still gets its traces, and a pool already running is used at
// once. Nothing the guest sees depends on it. Each test file runs in its
// own process, so no pool runs here before the first test.

const START = 5_000_000;

t.test('a program shorter than poolStartInsns runs without a pool, with the same output', async (t) => {
  for (const name of ['hello', 'cachemix']) {
    const hybrid = await run(guestElf(name), { tier2: { poolStartInsns: START } });
    const tier1 = await run(guestElf(name), { tier2: false });
    t.ok(hybrid.stats.instructions < START, `${name} retires fewer (${hybrid.stats.instructions})`);
    t.ok((hybrid.stats.tier2?.requested ?? 0) > 0, `${name} asked for regions (${hybrid.stats.tier2?.requested})`);
    t.equal(hybrid.stats.tier2?.poolStartedAtInsns, null, `${name}: no pool started`);
    t.equal(hybrid.stats.tier2?.compiled, 0, 'and nothing compiled');
    t.equal(hybrid.stdout?.toString(), tier1.stdout?.toString(), 'the same output as tier 1 alone');
    t.equal(hybrid.exitCode, tier1.exitCode, 'and exit status');
  }
});

// In a fresh process through the emulator's module (lib/index.js exports
// Tier2Pool, and so loads piscina itself): piscina, a CommonJS package,
// shows in require's cache once loaded.
t.test('piscina loads with the compiler pool, not with tier 2', async (t) => {
  const emulator = pathToFileURL(path.join(ROOT, 'dist/lib/runtime/emulator.js')).href;
  const code = `
    import { writeSync } from 'node:fs';
    import { createRequire } from 'node:module';
    const { Emulator } = await import(${JSON.stringify(emulator)});
    const loaded = () => Object.keys(createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))}).cache).some((f) => f.includes('/node_modules/piscina/'));
    const go = async (elf, tier2) => (await Emulator.create(elf, { tier2, stdout: undefined })).run();
    const short = await go(${JSON.stringify(guestElf('hello'))}, { poolStartInsns: ${START} });
    const before = loaded();
    const long = await go(${JSON.stringify(guestElf('hotloop'))}, { poolStartInsns: 0, waitForInstall: true });
    // Written before exiting (a pipe's console.log may not be), since
    // the pool's threads would keep the process alive.
    writeSync(1, JSON.stringify({ before, after: loaded(), requested: short.stats.tier2.requested, installed: long.stats.tier2.installed }));
    process.exit(0);`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-piscina-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'probe.mjs'), code);
  const r = spawnSync(process.execPath, [path.join(dir, 'probe.mjs')], { cwd: ROOT, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const seen = JSON.parse(r.stdout) as { before: boolean; after: boolean; requested: number; installed: number };
  t.ok(seen.requested > 0, `hello asked for regions (${seen.requested}) and started no pool`);
  t.notOk(seen.before, 'piscina is not loaded after it');
  t.ok(seen.after && seen.installed > 0, `a run that starts the pool loads it (and installed ${seen.installed} traces)`);
});

t.test('a longer run starts the pool once it has retired poolStartInsns, and installs traces', async (t) => {
  const r = await run(guestElf('hotloop'), { tier2: { poolStartInsns: START } });
  const at = r.stats.tier2?.poolStartedAtInsns ?? null;
  t.ok(at !== null && at >= START, `the pool started at ${at} instructions`);
  t.ok((r.stats.tier2?.installed ?? 0) > 0, `traces installed (${r.stats.tier2?.installed})`);
});

// hello's regions are handed over after its one and only slice: a pool that
// starts for them starts at its last instruction, one that waits never.
t.test('the instructions counted are every thread\'s: a main thread that only waits for its threads', async (t) => {
  // parallel.elf's main thread creates one thread and joins it.
  const r = await run(path.join(ROOT, 'bench/kernels/bin/parallel.elf'), { args: ['1', '3000'], tier2: { poolStartInsns: START } });
  t.equal(r.exitCode, 0);
  const at = r.stats.tier2?.poolStartedAtInsns ?? null;
  // Counting the main thread's alone, it never started. Whether a trace
  // then arrives before the end depends on the machine's load: not asserted.
  t.ok(at !== null && at >= START, `the pool started at ${at} instructions`);
});

t.test('poolStartInsns 0 starts it for the first region; a running pool is used at once', async (t) => {
  const zero = await run(guestElf('hello'), { tier2: { poolStartInsns: 0 } });
  t.not(zero.stats.tier2?.poolStartedAtInsns ?? null, null, '0: hello\'s regions went to a pool');
  const pool = new Tier2Pool(1);
  t.teardown(() => pool.close());
  const given = await run(guestElf('hello'), { tier2: { pool } });
  t.not(given.stats.tier2?.poolStartedAtInsns ?? null, null, 'a pool given to the run is used at once');
  // The shared pool runs while another emulator in this process uses it
  // (runs yield to the event loop between slices).
  const long = run(guestElf('hotloop'), { tier2: { poolStartInsns: 0 }, maxInstructions: 300_000_000 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const shared = await run(guestElf('hello'), { tier2: {} });
  t.not(shared.stats.tier2?.poolStartedAtInsns ?? null, null, 'so is the shared pool while another run uses it');
  t.ok(((await long).stats.tier2?.poolStartedAtInsns ?? Infinity) < START, 'which started it at its first region');
});

t.test('bad values are refused: API and command line', async (t) => {
  await t.rejects(run(guestElf('hello'), { tier2: { poolStartInsns: -1 } }), OptionError);
  await t.rejects(run(guestElf('hello'), { tier2: { poolStartInsns: 1.5 } }), OptionError);
  const bad = hyemu(['run', '--pool-start-insns', 'soon', guestElf('hello')]);
  t.equal(bad.status, 2, 'a bad --pool-start-insns exits 2');
  t.match(bad.stderr, /^hyemu: .*--pool-start-insns.*want an integer/m, 'with a one-line error');
  const stats = hyemu(['run', '--stats', '--pool-start-insns', '0', guestElf('hello')]);
  t.equal(stats.status, 3);
  t.match(stats.stderr, /^ {2}tier 2: pool started at \(instructions\)\s+[\d,]+$/m, '--stats says when the pool started');
  const held = hyemu(['run', '--stats', guestElf('hello')]);
  t.match(held.stderr, /^ {2}tier 2: pool started at \(instructions\)\s+-$/m, 'and that a short run started none');
});
