import t from 'tap';
import { Emulator, Tier2Pool, type RunResult } from '../lib/index.js';
import { captureState, type GuestState } from './helpers/guest-state.js';
import { hex } from '../lib/ir/printer.js';
import { attempt, describeError, ending, fuzzCases, fuzzFirstSeed, Rng, summary, type Ending } from './helpers/fuzz-common.js';
import { FUZZ_DATA_ADDR, FUZZ_DATA_SIZE, insnProgram, patchedProgram, type BodyStyle, type FuzzProgram } from './helpers/fuzz-insn-gen.js';
import { DATA_ADDR, DATA_SIZE } from './helpers/random-program.js';

// Instruction fuzzing: loops over random instruction words (fully random
// 32-bit and 16-bit parcels, real opcodes with random operands, single
// words, and valid random programs with a few words overwritten), run with
// a small instruction budget in tier 1 (IR verified) and with tier 2 forced
// on from the second execution. Neither may throw a host exception or hang,
// and both must end the same way: the same status, exit code, signal, pc and
// fault address; at an ebreak (a clean exit from a trace) also the same
// registers, data memory and retired-instruction count. Tier 1 runs twice,
// its blocks compiled at once and only ever interpreted: those two must
// agree on everything. Fixed seeds;
// HYEMU_FUZZ_CASES=n (or HYEMU_FUZZ_INSNS_CASES) runs more (`npm run fuzz`).
const CASES = fuzzCases('insns', 300);
const FIRST = fuzzFirstSeed();
const BUDGET = 50_000;

interface Final extends GuestState {
  readonly ending: Ending;
  readonly retired: number;
  readonly instructions: number;
  readonly tier2Share: number;
}

/** Tier 1's blocks interpreted at every execution, or compiled at the first. */
const INTERPRETED = 1e9, COMPILED = 0;

async function runOnce(
  prog: FuzzProgram, dataAddr: number, dataSize: number, tier2: false | object, tier1CompileAfter = COMPILED,
): Promise<{ final?: Final; error?: unknown; ms: number }> {
  let emu: Emulator | undefined;
  const a = await attempt(async (): Promise<RunResult> => {
    emu = await Emulator.create(prog.elf, {
      tier2, tier1CompileAfter, maxInstructions: BUDGET, timeoutMs: 20_000, ...(tier2 === false ? { verifyIR: true } : {}),
      // The same AT_RANDOM bytes on the initial stack in both runs.
      random: (buf) => buf.fill(0x5a),
    });
    return emu.run();
  });
  if (a.kind !== 'result') return { error: a.error, ms: a.ms };
  return {
    ms: a.ms,
    final: {
      ending: ending(a.result),
      ...captureState(emu!, dataAddr, dataSize),
      retired: emu!.dispatcher.retired,
      instructions: a.result.stats.instructions,
      tier2Share: a.result.stats.tier2?.share ?? 0,
    },
  };
}

const describeEnding = (e: Ending): string =>
  `${e.status} ${e.exitCode}${e.signal ? ` ${e.signal} pc ${hex(e.pc!)} addr ${hex(e.addr!)}` : ''}`;

t.test(`instruction fuzzing: ${CASES} programs, tier 1 = tier 2 (seeds ${FIRST}..${FIRST + CASES - 1})`, async (t) => {
  const pool = new Tier2Pool(1);
  t.teardown(() => pool.close());
  const failures: string[] = [];
  const counts: Record<string, number> = {};
  const count = (k: string): void => { counts[k] = (counts[k] ?? 0) + 1; };
  let inTier2 = 0, compared = 0, slowest = 0, interpretedSame = 0;
  for (let seed = FIRST; seed < FIRST + CASES; seed++) {
    const rng = new Rng(seed);
    const style = rng.weighted<BodyStyle | 'patched'>([[4, 'safe'], [2, 'mixed'], [2, 'structured'], [1, 'random-words'], [2, 'single'], [2, 'patched']]);
    const prog = style === 'patched' ? patchedProgram(rng, 5000 + seed)
      : insnProgram(rng, style, rng.int(4, 40), rng.int(4, 12));
    const [dataAddr, dataSize] = style === 'patched' ? [DATA_ADDR, DATA_SIZE] : [FUZZ_DATA_ADDR, FUZZ_DATA_SIZE];
    const what = `seed ${seed} (${prog.description})`;
    const one = await runOnce(prog, dataAddr, dataSize, false);
    const walked = await runOnce(prog, dataAddr, dataSize, false, INTERPRETED);
    const two = await runOnce(prog, dataAddr, dataSize, { pool, hotThreshold: 2, waitForInstall: true });
    slowest = Math.max(slowest, one.ms, walked.ms, two.ms);
    if (one.error !== undefined || walked.error !== undefined || two.error !== undefined) {
      count('host exception');
      const threw = (r: typeof one, who: string): string => (r.error !== undefined ? `${who} threw ${describeError(r.error)} ` : '');
      failures.push(`${what}: ${threw(one, 'tier 1')}${threw(walked, 'tier 1 interpreted')}${threw(two, 'tier 2')}`);
      continue;
    }
    const a = one.final!, b = two.final!;
    // Tier 1's two ways of running a block stop at the same block
    // boundaries, so they agree on everything, budget stops included.
    const w = walked.final!;
    if (JSON.stringify({ ...a, tier2Share: 0 }) !== JSON.stringify({ ...w, tier2Share: 0 })) {
      failures.push(`${what}: tier 1 compiled ${describeEnding(a.ending)} (${a.retired} retired), interpreted ${describeEnding(w.ending)} (${w.retired} retired)${a.ending.status === w.ending.status ? ', other state differs' : ''}`);
      continue;
    }
    interpretedSame++;
    count(a.ending.status === 'signaled' ? a.ending.signal! : a.ending.status);
    if (b.tier2Share > 0) inTier2++;
    if (a.ending.status === 'limit' || b.ending.status === 'limit') {
      // A budget is checked between blocks in tier 1 and at loop headers in
      // tier 2: near the budget, one may stop while the other finishes.
      const other = a.ending.status === 'limit' ? b : a;
      if (other.ending.status !== 'limit' && other.instructions < BUDGET) {
        failures.push(`${what}: tier 1 ${describeEnding(a.ending)} (${a.instructions} insns), tier 2 ${describeEnding(b.ending)} (${b.instructions} insns)`);
      }
      continue;
    }
    if (JSON.stringify(a.ending) !== JSON.stringify(b.ending)) {
      failures.push(`${what}: tier 1 ${describeEnding(a.ending)}, tier 2 ${describeEnding(b.ending)}`);
      continue;
    }
    if (a.ending.signal === 'SIGTRAP') {
      compared++;
      const diffs: string[] = [];
      a.regs.forEach((v, i) => { if (v !== b.regs[i]) diffs.push(`${i === 31 ? 'reservation' : `x${i + 1}`} ${hex(v)} vs ${hex(b.regs[i]!)}`); });
      if (a.data !== b.data) diffs.push('data memory differs');
      if (a.retired !== b.retired) diffs.push(`retired ${a.retired} vs ${b.retired}`);
      if (diffs.length > 0) failures.push(`${what}: at the ebreak, ${diffs.join(', ')}`);
    }
  }
  t.same(failures.slice(0, 10), [], `no host exception, no hang, both tiers (and tier 1 interpreted) end the same way (${failures.length} failures)`);
  t.ok(interpretedSame > 0, `tier 1 interpreted matched tier 1 compiled in ${interpretedSame} programs, state included`);
  if (CASES >= 20) t.ok(inTier2 > CASES / 4, `tier 2 ran code in ${inTier2} of ${CASES} programs`);
  t.comment(summary('insns', {
    cases: CASES, ...counts, 'ran in tier 2': inTier2, 'interpreted = compiled': interpretedSame, 'state compared at ebreak': compared,
    'slowest ms': slowest.toFixed(0), failures: failures.length,
  }));
});
