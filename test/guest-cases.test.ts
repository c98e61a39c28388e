import t from 'tap';
import { loadCases, runCase } from './helpers/guest.js';

// Every guest test program with its expected stdout and exit code, run in
// tier 1 alone (the tier-2 variants are in tier2-equivalence.test.ts): as
// it runs by default (a block interpreted for its first executions, then
// compiled), and with every block only ever interpreted.
const VARIANTS = [
  ['tier 1', {}],
  ['tier 1, interpreted', { tier1CompileAfter: 1e9 }],
] as const;

for (const c of loadCases()) {
  for (const [name, options] of VARIANTS) {
    t.test(`${c.name} (${name})`, async (t) => {
      const out = await runCase(c, { tier2: false, ...options });
      t.equal(out.exitCode, c.exit, 'exit code');
      if (c.stdout !== undefined) t.equal(out.stdout, c.stdout, 'stdout');
    });
  }
}
