import t from 'tap';
import { Emulator, Tier2Pool } from '../lib/index.js';
import { compileTask } from '../lib/tier2-optimizer/compile.js';
import { instantiateTrace, traceImports } from '../lib/tier2-optimizer/runtime-imports.js';
import { TRACE_TABLE_INITIAL, TRACE_TABLE_MAXIMUM } from '../lib/tier2-optimizer/trace-abi.js';
import { createGuestAccess } from '../lib/runtime/guest-access.js';
import { GUEST_BASE, STATE } from '../lib/runtime/layout.js';
import { CodeGenerations } from '../lib/traces/code-generations.js';
import type { CompileTask } from '../lib/tier2-optimizer/task.js';
import { DATA_ADDR, DATA_SIZE, randomProgram } from './helpers/random-program.js';
import { captureState, type GuestState } from './helpers/guest-state.js';

// Randomly generated programs give the same final registers and memory in
// both tiers. Fixed seeds here; `npm run fuzz:tiers` runs many more
// (HYEMU_RANDOM_SEEDS=n).
const SEEDS = Number(process.env['HYEMU_RANDOM_SEEDS'] ?? 12);
const FIRST_SEED = Number(process.env['HYEMU_RANDOM_FIRST_SEED'] ?? 1);

interface Final extends GuestState {
  readonly retired?: number;
}

const capture = (emu: Emulator): Final => captureState(emu, DATA_ADDR, DATA_SIZE);

const pool = new Tier2Pool(1);
t.teardown(() => pool.close());

// Looping programs through the whole emulator: tier 1 alone versus tier 2
// forced on from the second execution (the loop, and the function it calls,
// run as wasm), under both trace strategies.
t.test('looping programs: tier 1 = tier 2', async (t) => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    const prog = randomProgram(seed, 'loop', 40 + (seed % 5) * 20);
    const runWith = async (tier2: false | object): Promise<Final & { exit: number; share: number; installed: number }> => {
      const emu = await Emulator.create(prog.elf, { tier2: tier2 === false ? false : { ...tier2, pool } });
      const r = await emu.run();
      const s = r.stats.tier2;
      return { ...capture(emu), retired: emu.dispatcher.retired, exit: r.exitCode, share: s?.share ?? 0, installed: s?.installed ?? 0 };
    };
    const ref = await runWith(false);
    t.equal(ref.exit, 133, `seed ${seed}: ends at its ebreak (SIGTRAP)`);
    for (const strategy of ['region', 'net'] as const) {
      const got = await runWith({ strategy, hotThreshold: 2, waitForInstall: true });
      t.ok(got.installed > 0, `seed ${seed} ${strategy}: traces installed`);
      // A region takes the whole loop; a NET trace follows one recorded path.
      if (strategy === 'region') t.ok(got.share > 0.5, `seed ${seed}: tier 2 ran ${(got.share * 100).toFixed(0)}% of instructions`);
      t.same({ ...got, share: 0, installed: 0 }, { ...ref, share: 0, installed: 0 }, `seed ${seed} ${strategy}: same registers, memory, instret`);
    }
  }
});

// Straight-line code, block by block: the tier-1 function and the tier-2
// module of the same block, run from the same state, at two binaryen
// optimization levels.
t.test('straight-line blocks: tier 1 = tier 2', async (t) => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    const prog = randomProgram(1000 + seed, 'straight', 120);
    const emu = await Emulator.create(prog.elf, { tier2: false, maxBlockInsns: 1024 });
    const d = emu.dispatcher;
    const entry = emu.program.entry;
    const before = { state: emu.space.state.slice(), data: emu.space.bytes.slice(GUEST_BASE + DATA_ADDR, GUEST_BASE + DATA_ADDR + DATA_SIZE) };
    const restore = (): void => {
      emu.space.state.set(before.state);
      emu.space.bytes.set(before.data, GUEST_BASE + DATA_ADDR);
    };

    const block = d.lookup(entry);
    t.equal(block.exits[0]?.kind, 'trap', `seed ${seed}: one block ending at the ebreak`);
    block.run();
    const ref = capture(emu);

    for (const [optimizeLevel, profile] of [[0, false], [2, false], [1, true]] as const) {
      restore();
      const generations = new CodeGenerations();
      const task: CompileTask = {
        kind: 'compile', id: seed, name: `straight-${seed}`,
        blocks: [{ pc: block.pc, size: block.size, insnCount: block.insnCount, successors: [null], indirectTargets: [] }],
        code: [emu.space.bytes.slice(GUEST_BASE + block.pc, GUEST_BASE + block.pc + block.size)],
        maxBlockInsns: 1024, optimizeLevel, shrinkLevel: 0, dump: false, profile, memoryModel: emu.memoryModel, keepBinary: false,
        generations: generations.buffer, snapshot: generations.snapshot([]),
      };
      const result = compileTask(task);
      if (result.status !== 'compiled') throw new Error('unexpected stale result');
      const table = new WebAssembly.Table({ element: 'anyfunc', initial: TRACE_TABLE_INITIAL, maximum: TRACE_TABLE_MAXIMUM });
      const imports = traceImports(emu.space.memory, emu.space.state, table, createGuestAccess(emu.space), (_csr, k) => k, () => 0);
      // From JavaScript, with the registers in the state block.
      const { run, counters } = instantiateTrace(result.module, imports, seed, emu.space.state);
      const exit = run(1e9, 0, 0);
      t.equal(counters !== null, profile, `seed ${seed} O${optimizeLevel}: profile counters ${profile ? 'exported' : 'absent'}`);
      if (counters) {
        const c = counters();
        t.same([c.prologues, c.instructions, c.other], [1, block.insnCount, 1], `seed ${seed}: one entry, its instructions, one trap exit counted`);
      }
      t.equal(result.exits[exit]?.kind, 'trap', `seed ${seed} O${optimizeLevel}: leaves through the ebreak`);
      t.equal(emu.space.state[STATE.EXIT_INSNS], block.insnCount, `seed ${seed} O${optimizeLevel}: retired count`);
      t.equal(emu.space.state[STATE.EXIT_TRACE], seed, `seed ${seed} O${optimizeLevel}: reports the id it was instantiated with`);
      t.same(capture(emu), ref, `seed ${seed} O${optimizeLevel}: same registers and memory (${prog.bodyLength} random insns)`);
    }
  }
});
