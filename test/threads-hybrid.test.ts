import t from 'tap';
import { Tier2Pool } from '../lib/index.js';
import { FIRST_HALF, THREAD_CASES, caseLabel, checkRepeated, runThreaded as run } from './helpers/threads.js';

// The guest thread programs with tier 2 on: the same exit status and
// stdout as under qemu-riscv32 (threads.json; threads.test.ts checks that
// record), repeated; the other half of the cases is in
// threads-hybrid-rest.test.ts.
const pool = new Tier2Pool(1);
t.teardown(() => pool.close());

for (const c of THREAD_CASES.filter((x) => FIRST_HALF.has(x.program))) {
  t.test(caseLabel(c), (t) => checkRepeated(t, c, 'hybrid'));
}

t.test('the library runs threads in both tiers too', async (t) => {
  for (const c of THREAD_CASES.filter((x) => ['thr_mutex', 'thr_atomics', 'thr_smc'].includes(x.program))) {
    for (const tier2 of [false, { hotThreshold: 2, waitForInstall: true, pool }] as const) {
      const r = await run(c.program, { tier2, args: c.args });
      t.equal(r.exitCode, c.exitCode, `${c.program} (${tier2 ? 'hybrid' : 'tier 1'}): exit status`);
      t.equal(r.stdout?.toString(), c.stdout, `${c.program} (${tier2 ? 'hybrid' : 'tier 1'}): stdout`);
      if (!tier2) continue;
      t.ok(r.stats.tier2!.installed > 0, `${c.program}: traces were installed`);
      // A CPU waits for the regions its hot blocks head, so the secondary
      // threads run compiled code too (thr_smc: a caller thread's trace
      // holds the function the writer thread then rewrites).
      t.ok(r.stats.tier2!.threadInstructions > 0, `${c.program}: secondary threads ran tier-2 code (${r.stats.tier2!.threadInstructions})`);
      t.ok(r.stats.tier2!.instructions <= r.stats.instructions, `${c.program}: tier 2 counts no more than all threads ran`);
    }
  }
});
