import t from 'tap';
import { FIRST_HALF, THREAD_CASES, caseLabel, checkRepeated } from './helpers/threads.js';

// The guest thread programs in tier 1 alone, as `hyemu run` processes,
// repeated to shake out races: the same exit status and stdout as under
// qemu-riscv32 (threads.json; threads.test.ts checks that record) in every
// run. The other half of the cases is in threads-tier1-rest.test.ts.
for (const c of THREAD_CASES.filter((x) => FIRST_HALF.has(x.program))) {
  t.test(caseLabel(c), (t) => checkRepeated(t, c, 'tier 1'));
}
