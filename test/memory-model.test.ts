import t from 'tap';
import { Tier2Pool, type RunOptions } from '../lib/index.js';
import { loadCases, qemuPath, runCase, runCaseInQemu, type GuestCase } from './helpers/guest.js';

// The flat memory model (RunOptions.memoryModel 'flat'): loads inside the
// guest space are not checked against the page table, stores are. Every
// guest program gives the same results as in the strict model, except the
// two that read unmapped memory on purpose, in tier 1 alone and with tier 2
// forced early (audited against tier 1).

const pool = new Tier2Pool(1);
t.teardown(() => pool.close());
const MODES: ReadonlyArray<[string, RunOptions]> = [
  ['tier 1', { tier2: false }],
  ['hybrid', { tier2: { hotThreshold: 2, waitForInstall: true, audit: true, pool } }],
];

/** Cases that read unmapped memory on purpose: in the flat model the read
 *  gives zero and the program goes on to report that it was not stopped. */
const READS_UNMAPPED: Record<string, { exit: number; stdout: string }> = {
  'faults null': { exit: 1, stdout: 'faulting: load from NULL\nFAIL: survived mode null\n' },
  'faults unmapped': { exit: 1, stdout: 'faulting: load from an unmapped page (munmap ok)\nFAIL: survived mode unmapped\n' },
  segv_load: { exit: 0, stdout: '00000139\n00000bad\nPASS\n' },
};

for (const c of loadCases()) {
  const expected = READS_UNMAPPED[c.name] ?? { exit: c.exit, stdout: c.stdout };
  t.test(`${c.name}: flat model, exit ${expected.exit}`, async (t) => {
    for (const [label, options] of MODES) {
      const out = await runCase(c, { ...options, memoryModel: 'flat' });
      t.equal(out.exitCode, expected.exit, `${label}: exit code`);
      if (expected.stdout !== undefined) t.equal(out.stdout, expected.stdout, `${label}: stdout`);
      t.equal(out.result.stats.tier2?.auditMismatches ?? 0, 0, `${label}: no audit mismatch`);
    }
  });
}

const flatmem = (mode: string, exit: number): GuestCase => ({ name: `flatmem ${mode}`, elf: 'bin/flatmem.elf', args: [mode], exit });
const qemu = qemuPath();

// [mode, strict exit, flat exit, flat stdout]
const FLATMEM: ReadonlyArray<[string, number, number, string]> = [
  ['hole', 139, 0, 'mapped sum 027f6000\nhole sum 009fd800\n'],
  ['protnone', 139, 0, 'protnone reads 0\n'],
  ['low', 139, 0, 'low reads 0\n'],
  ['high', 139, 139, 'top of the stack reads a word\n'],
  ['rodata', 139, 139, ''],
  ['sum', 0, 0, 'sum d7a48000\n'],
];

for (const [mode, strictExit, flatExit, flatStdout] of FLATMEM) {
  t.test(`flatmem ${mode}: strict = qemu-riscv32 (exit ${strictExit}); flat exit ${flatExit}`, async (t) => {
    const c = flatmem(mode, strictExit);
    const ref = qemu ? runCaseInQemu(c) : null;
    for (const [label, options] of MODES) {
      const strict = await runCase(c, options);
      t.equal(strict.exitCode, strictExit, `${label}, strict: exit code`);
      t.equal(strict.exitCode, ref?.exitCode, `${label}, strict: qemu's exit code`, { skip: ref ? false : 'no qemu-riscv32' });
      t.equal(strict.stdout, ref?.stdout, `${label}, strict: qemu's stdout`, { skip: ref ? false : 'no qemu-riscv32' });
      const flat = await runCase(c, { ...options, memoryModel: 'flat' });
      t.equal(flat.exitCode, flatExit, `${label}, flat: exit code`);
      t.equal(flat.stdout, flatStdout, `${label}, flat: stdout`);
      if (flatExit === 139) t.match(flat.result.message, /SIGSEGV/, `${label}, flat: still SIGSEGV`);
    }
  });
}

t.test('flatmem hole: the hot loop over the hole runs in tier 2', async (t) => {
  const out = await runCase(flatmem('hole', 0), { ...MODES[1]![1], memoryModel: 'flat' });
  t.equal(out.stdout, 'mapped sum 027f6000\nhole sum 009fd800\n');
  t.ok(out.result.stats.tier2!.share > 0.5, `most instructions in tier 2 (${out.result.stats.tier2!.share})`);
});

t.test('memoryModel is checked', async (t) => {
  await t.rejects(runCase(flatmem('sum', 0), { memoryModel: 'loose' as never }), /memoryModel must be one of strict, flat, got loose/);
});
