import t from 'tap';
import { loadCases, qemuPath, runCase, runCaseInQemu } from './helpers/guest.js';

// Differential tests: each guest program gives the same stdout and exit
// code in hyemu as in qemu-riscv32 (installed by .ci/run, so CI runs these).
const qemu = qemuPath();
for (const c of loadCases()) {
  t.test(`${c.name}: hyemu = qemu-riscv32`, { skip: qemu ? false : 'qemu-riscv32 is not installed' }, async (t) => {
    const ref = runCaseInQemu(c);
    const out = await runCase(c, { tier2: false });
    t.equal(out.exitCode, ref.exitCode, 'exit code');
    t.equal(out.stdout, ref.stdout, 'stdout');
  });
}
