import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Emulator, Tier2Pool, type RunOptions } from '../lib/index.js';
import { assembleWords, writeElf } from './helpers/elf-writer.js';
import { captureState } from './helpers/guest-state.js';
import { qemuPath } from './helpers/guest.js';
import { add, addi, b, ECALL, FENCE_I, i, jal, li, lw, OP_IMM, shiftImm, sw } from './helpers/rv-encode.js';

// Page checks hoisted to a block's start (tier2-optimizer/entry-checks.ts)
// must fault and store exactly where the guest does: a hot loop whose
// block stores (or loads) twice off one base, the second access reaching a
// page it may not, in the iteration tier 2 runs; and a block that stores
// twice into translated code. Tier 1 alone, tier 2 forced early, and
// qemu-riscv32 must agree.

const pool = new Tier2Pool(1);
t.teardown(() => pool.close());
const qemu = qemuPath();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-entry-checks-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

const [T0, T1, T2, T3, S0, S1, S2, S3, S4, S5, A0, A1, A2, A7, RA] = [5, 6, 7, 28, 8, 9, 18, 19, 20, 21, 10, 11, 12, 17, 1];
const TEXT = 0x10000;
const DATA = 0x20000;
const mprotect = (addr: number, prot: number): number[] =>
  [...li(A0, addr), ...li(A1, 0x1000), addi(A2, 0, prot), addi(A7, 0, 226), ECALL];

/** Words with the loop's back branch placed: `body` runs forever (until a
 *  fault) or, with `until`, while s1 != s5. */
function program(setup: number[], body: number[], after: number[], until: boolean): Uint8Array {
  const back = -4 * body.length;
  const words = [...setup, ...body, until ? b(back, S5, S1, 1) : jal(0, back), ...after];
  // Data: two pages (the second is made read-only or inaccessible) or the
  // function the SMC program patches.
  return writeElf({ textAddr: TEXT, text: assembleWords(words), dataAddr: DATA, data: new Uint8Array(8), bss: 0x2000 - 8 });
}

// Two stores off s0 per iteration, 4 bytes on each time: the iteration
// with s0 = 0x20ffc stores once into the first page and faults on the
// second, read-only.
const storesIntoReadOnly = program(
  [...mprotect(DATA + 0x1000, 1), ...li(S0, DATA + 0x1000 - 64), addi(T0, 0, 1)],
  [sw(T0, S0, 0), sw(T0, S0, 4), addi(S0, S0, 4), addi(T0, T0, 1)], [], false);
// A store and two loads off s0: the second load reaches a PROT_NONE page.
const loadsFromNone = program(
  [...mprotect(DATA + 0x1000, 0), ...li(S0, DATA + 0x1000 - 64), addi(T0, 0, 1)],
  [sw(T0, S0, 0), lw(T1, S0, 0), lw(T2, S0, 4), add(T3, T3, T1), addi(S0, S0, 4), addi(T0, T0, 1)], [], false);
// f at 0x20000 (li a0, 1; ret), made executable, is called and then
// rewritten to return the iteration number by two stores off s3 in one
// block; the exit status is the sum of what it returned.
const RET = 0x00008067;
const smcProgram = ((): Uint8Array => {
  const elf = program(
    [...mprotect(DATA, 7), addi(S1, 0, 0), addi(S2, 0, 0), ...li(S3, DATA), ...li(S4, RET), addi(S5, 0, 30)],
    [i(0, S3, 0, RA, 0x67), add(S2, S2, A0), addi(S1, S1, 1), shiftImm('slli', T2, S1, 20), i(0x513, T2, 6, T2, OP_IMM),
      sw(T2, S3, 0), sw(S4, S3, 4), FENCE_I],
    [addi(A0, S2, 0), addi(A7, 0, 93), ECALL], true);
  // The data segment's first 8 bytes: f's first version.
  const at = elf.length - 8;
  new DataView(elf.buffer).setUint32(at, addi(A0, 0, 1), true);
  new DataView(elf.buffer).setUint32(at + 4, RET, true);
  return elf;
})();

interface Outcome { exit: number; message: string; regs: number[]; data: string; retired: number; share: number; pageCheckExits: number }

async function runIt(elf: Uint8Array, tier2: RunOptions['tier2']): Promise<Outcome> {
  const emu = await Emulator.create(elf, { tier2 });
  const r = await emu.run();
  const state = captureState(emu, DATA + 0xf00, 0x200);
  return {
    exit: r.exitCode, message: r.message ?? '', ...state, retired: emu.dispatcher.retired,
    share: r.stats.tier2?.share ?? 0, pageCheckExits: r.stats.tier2?.profile?.exits.store ?? 0,
  };
}

function inQemu(name: string, elf: Uint8Array): { status: number | null; stdout: string } | null {
  if (!qemu) return null;
  const file = path.join(tmp, `${name}.elf`);
  fs.writeFileSync(file, elf, { mode: 0o755 });
  const r = spawnSync(qemu, [file], { encoding: 'utf8' });
  return { status: r.status ?? (r.signal === 'SIGSEGV' ? 139 : null), stdout: r.stdout };
}

// [name, program, exit status, least share of tier 2: the SMC program's
// storing block fails its check every time (f was translated again by the
// call before it), so tier 1 runs that block]
const CASES: ReadonlyArray<[string, Uint8Array, number, number]> = [
  ['stores into a read-only page', storesIntoReadOnly, 139, 0.5],
  ['loads from a PROT_NONE page', loadsFromNone, 139, 0.5],
  ['stores into translated code', smcProgram, (1 + (29 * 30) / 2) & 0xff, 0.1],
];

for (const [name, elf, exit, minShare] of CASES) {
  t.test(`${name}: tier 1 = tier 2 = qemu-riscv32 (exit ${exit})`, async (t) => {
    const ref = await runIt(elf, false);
    t.equal(ref.exit, exit, 'tier 1: exit status');
    const q = inQemu(name.replace(/\W+/g, '-'), elf);
    t.equal(q?.status, exit, "qemu-riscv32's exit status", { skip: q ? false : 'no qemu-riscv32' });
    for (const profile of [false, true]) {
      const got = await runIt(elf, { pool, hotThreshold: 2, waitForInstall: true, profile });
      const label = profile ? 'tier 2 (profiled)' : 'tier 2';
      t.ok(got.share > minShare, `${label}: the loop ran in tier 2 (${(got.share * 100).toFixed(0)} %)`);
      t.same({ ...got, share: 0, pageCheckExits: 0 }, { ...ref, share: 0, pageCheckExits: 0 },
        `${label}: same exit, fault, registers, memory and instructions as tier 1`);
      if (profile) t.ok(got.pageCheckExits > 0, `a block's page check sent it to tier 1 (${got.pageCheckExits} times)`);
    }
  });
}
