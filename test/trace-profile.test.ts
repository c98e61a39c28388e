import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Emulator, Tier2Pool } from '../lib/index.js';
import { bundledKernels } from '../lib/bench/kernels.js';
import { guestElf, ROOT } from './helpers/guest.js';

// Trace profiling (tier2.profile, --stats, --profile-out): the counters
// compiled into traces agree with what the dispatcher counts, change
// nothing the guest sees, and are absent when profiling is off.

const pool = new Tier2Pool(1);
t.teardown(() => pool.close());
const HOT = { hotThreshold: 2, waitForInstall: true, pool };

for (const [name, elf, args] of [
  ['hotloop', guestElf('hotloop'), ['3000']],
  ['state (bench kernel)', bundledKernels().find((k) => k.name === 'state')!.elf, ['1']],
  ['recursion (bench kernel)', bundledKernels().find((k) => k.name === 'recursion')!.elf, ['1']],
] as const) {
  t.test(`${name}: profiled traces count what the dispatcher counts`, async (t) => {
    const plain = await (await Emulator.create(elf, { args, tier2: HOT })).run();
    const emu = await Emulator.create(elf, { args, tier2: { ...HOT, profile: true } });
    const r = await emu.run();
    t.equal(r.exitCode, plain.exitCode, 'same exit code as without profiling');
    t.same(r.stdout, plain.stdout, 'same output');
    t.equal(r.stats.instructions, plain.stats.instructions, 'same instruction count');

    const traces = emu.traceProfiles();
    const p = r.stats.tier2!.profile!;
    t.ok(traces.length > 0, `${traces.length} traces profiled`);
    t.equal(p.traces, traces.length);
    t.equal(p.instructions, r.stats.tier2!.instructions, 'the traces\' instructions add up to the tier-2 instructions the dispatcher counted');
    t.equal(p.entries, traces.reduce((s, x) => s + x.entries, 0), 'entries add up');
    t.ok(p.entries > 0 && p.instructionsPerEntry! > 1, `${p.instructionsPerEntry!.toFixed(1)} instructions per entry`);
    const leaves = Object.values(p.exits).reduce((a, b) => a + b, 0);
    t.equal(p.chained + p.toDispatcher, leaves, 'every way out is chained or back to the dispatcher');
    // Each entry leaves once (a chained exit enters the next trace), except
    // runs that ended inside a trace: none here, every guest exits by a
    // system call, which leaves its trace first.
    t.equal(leaves, p.entries, 'as many exits as entries');
    for (const x of traces) {
      t.equal(x.counters.prologues, x.entries, `${x.name}: entries = prologues`);
      t.ok(x.blocks[0] === x.headPc, `${x.name}: the head is the first block`);
    }
    const sorted = [...traces].sort((a, b) => b.instructions - a.instructions);
    t.same(traces.map((x) => x.id), sorted.map((x) => x.id), 'most instructions first');
  });
}

t.test('without profiling: no counters, no profile', async (t) => {
  const emu = await Emulator.create(guestElf('hotloop'), { args: ['3000'], tier2: HOT });
  const r = await emu.run();
  t.ok(r.stats.tier2!.installed > 0, 'traces were installed');
  t.equal(r.stats.tier2!.profile, undefined, 'no totals');
  t.same(emu.traceProfiles(), [], 'no trace profiles');
});

t.test('the CLI: --stats prints the totals, --profile-out writes them per trace', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-profile-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'profile.json');
  const r = spawnSync(process.execPath, [
    path.join(ROOT, 'dist/lib/cli/bin.cjs'), 'run', '--stats', '--hot-threshold', '2', '--wait-for-install',
    '--profile-out', out, guestElf('hotloop'), '3000',
  ], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
  t.equal(r.status, 0);
  for (const line of ['trace entries', 'instructions per entry', 'exits chained to a trace', 'exits to the dispatcher', 'exits by direct branch']) {
    t.match(r.stderr, new RegExp(`tier 2: ${line} +[\\d,.]+\\n`), `--stats: ${line}`);
  }
  const profile = JSON.parse(fs.readFileSync(out, 'utf8')) as {
    instructions: number; tier2Instructions: number; totals: { instructions: number };
    traces: Array<{ name: string; headPc: string; blocks: string[]; entries: number; instructions: number; share: number }>;
  };
  t.ok(profile.traces.length > 0, 'traces listed');
  t.equal(profile.totals.instructions, profile.tier2Instructions, 'totals match the run');
  t.match(profile.traces[0]!.headPc, /^0x[0-9a-f]{8}$/, 'pcs in hex');
  t.ok(profile.traces.every((x) => x.share >= 0 && x.share <= 1), 'shares in 0..1');
});
