import t from 'tap';
import { run, Tier2Pool } from '../lib/index.js';
import { bundledKernels } from '../lib/bench/kernels.js';

// Every bench kernel passes its own checks (property checks, and the
// expected checksum for 1 iteration) in tier 1 alone and in hybrid mode
// with tier 2 forced early, and both print the same verdict line.
const pool = new Tier2Pool(1);
t.teardown(() => pool.close());

const kernels = bundledKernels();
t.equal(kernels.length, 11, 'kernels.json lists the eleven kernels');

for (const k of kernels) {
  t.test(k.name, async (t) => {
    const tier1 = await run(k.elf, { args: ['1'], tier2: false, timeoutMs: 120_000 });
    t.equal(tier1.exitCode, 0, `tier 1: exit 0 (${tier1.stdout?.toString().trim()})`);
    t.match(tier1.stdout?.toString(), new RegExp(`^${k.name} checksum=0x[0-9a-f]{8} iterations=1\\n$`), 'tier 1: verdict line');

    const hybrid = await run(k.elf, { args: ['1'], tier2: { hotThreshold: 2, waitForInstall: true, pool }, timeoutMs: 120_000 });
    t.equal(hybrid.exitCode, 0, `hybrid: exit 0 (${hybrid.stdout?.toString().trim()})`);
    t.equal(hybrid.stdout?.toString(), tier1.stdout?.toString(), 'hybrid prints what tier 1 prints');
    t.equal(hybrid.stats.instructions, tier1.stats.instructions, 'same guest instruction count');
    const s = hybrid.stats.tier2!;
    t.ok(s.installed > 0, `hybrid: traces were installed (${s.installed})`);
    t.ok(s.share > 0, `hybrid: some instructions ran in tier 2 (${(s.share * 100).toFixed(0)} %)`);
    t.equal(s.failed, 0, 'hybrid: no compile failed');
  });
}
