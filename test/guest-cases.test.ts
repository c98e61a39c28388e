import t from 'tap';
import { loadCases, runCase } from './helpers/guest.js';

// Every guest test program with its expected stdout and exit code, run in
// tier 1 alone (the tier-2 variants are in tier2-equivalence.test.ts).
for (const c of loadCases()) {
  t.test(`${c.name} (tier 1)`, async (t) => {
    const out = await runCase(c, { tier2: false });
    t.equal(out.exitCode, c.exit, 'exit code');
    if (c.stdout !== undefined) t.equal(out.stdout, c.stdout, 'stdout');
  });
}
