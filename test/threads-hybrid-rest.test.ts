import t from 'tap';
import { FIRST_HALF, THREAD_CASES, caseLabel, checkRepeated } from './helpers/threads.js';

// The second half of the guest thread programs with tier 2 on (see
// threads-hybrid.test.ts), repeated.
for (const c of THREAD_CASES.filter((x) => !FIRST_HALF.has(x.program))) {
  t.test(caseLabel(c), (t) => checkRepeated(t, c, 'hybrid'));
}
