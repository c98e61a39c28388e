import t from 'tap';
import { loadCases, runCase } from './helpers/guest.js';
import { Tier2Pool, type Tier2Options } from '../lib/index.js';

// Results never depend on the tier: every guest program gives the same
// stdout and exit code with tier 2 forced early (tiny threshold, and the
// test mode that waits for each install) and with default settings, under
// both trace strategies. Audit mode is on for the forced runs, so any
// trace whose exit state differs from tier 1 is also reported.
const variants: Array<[string, Partial<Tier2Options>]> = [
  ['region, forced', { strategy: 'region', hotThreshold: 2, waitForInstall: true, audit: true }],
  ['net, forced', { strategy: 'net', hotThreshold: 2, waitForInstall: true, audit: true }],
  ['region, default', { strategy: 'region' }],
  ['net, default', { strategy: 'net' }],
];

const pool = new Tier2Pool(1);
t.teardown(() => pool.close());

for (const c of loadCases()) {
  t.test(c.name, async (t) => {
    for (const [label, tier2] of variants) {
      const out = await runCase(c, { tier2: { ...tier2, pool } });
      t.equal(out.exitCode, c.exit, `${label}: exit code`);
      if (c.stdout !== undefined) t.equal(out.stdout, c.stdout, `${label}: stdout`);
      const s = out.result.stats.tier2!;
      t.equal(s.auditMismatches ?? 0, 0, `${label}: no audit mismatch`);
      t.equal(s.failed, 0, `${label}: no compile failed`);
      if (tier2.waitForInstall && out.result.stats.instructions > 5000) {
        t.ok(s.installed > 0, `${label}: traces were installed (${s.installed})`);
      }
    }
  });
}
