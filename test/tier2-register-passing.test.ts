import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Emulator, Tier2Pool } from '../lib/index.js';
import { assembleWords, writeElf } from './helpers/elf-writer.js';
import { captureState } from './helpers/guest-state.js';
import { qemuPath } from './helpers/guest.js';
import { add, addi, aluRR, b, ECALL, jal, li, lw, shiftImm, sw } from './helpers/rv-encode.js';

// Traces pass the guest registers to the trace they chain into as wasm
// parameters (trace-abi.ts) and write them back only when they leave for
// the runtime. So a register written in one region and not touched in the
// next ones lives only in parameters until some later region leaves: by a
// return to the dispatcher, a fault, or a system call. Three blocks in a
// loop, each its own region with maxBlocks 1 (A writes many registers, B
// touches none of them and loads through a pointer A computed, C reads
// them), must leave the registers exactly as tier 1 and qemu-riscv32 do:
// at the exit system call, and at a SIGSEGV inside B on the last iteration.

const pool = new Tier2Pool(1);
t.teardown(() => pool.close());
const qemu = qemuPath();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-register-passing-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

const [T0, T1, T2, T3, T4, T5, T6, A0, A2, A3, A4, A7, S1, S2, S3, S4] = [5, 6, 7, 28, 29, 30, 31, 10, 12, 13, 14, 17, 9, 18, 19, 20];
const TEXT = 0x10000;
const DATA = 0x20000;
const ITERATIONS = 400;
const [sltu, sub, and, xor] = (['sltu', 'sub', 'and', 'xor'] as const).map((op) =>
  (rd: number, rs1: number, rs2: number): number => aluRR(op, rd, rs1, rs2));

/** With `fault`, the pointer B loads through is 0 on the last iteration. */
function program(fault: boolean): Uint8Array {
  const w: number[] = [...li(S1, ITERATIONS), addi(S2, 0, 0), addi(S3, 0, 0), ...li(S4, DATA)];
  const a = w.length;
  // A: registers from the counter, and the pointer (DATA, or 0 on the last
  // iteration of the faulting variant).
  w.push(addi(T0, S1, 1), shiftImm('slli', T1, S1, 2), xor(T2, T1, T0), addi(T3, S1, 7), add(T4, T3, T2),
    addi(A3, S1, -3), xor(A4, A3, T1));
  if (fault) w.push(addi(T6, S1, -1), sltu(T6, 0, T6), sub(T6, 0, T6), and(A2, T6, S4));
  else w.push(add(A2, S4, 0));
  const aJump = w.push(0) - 1;
  // B: none of A's registers, a load through A2 and a store of its own.
  const bStart = w.length;
  w.push(lw(T5, A2, 0), addi(S3, S3, 1), addi(T5, T5, 1), sw(T5, S4, 0));
  const bJump = w.push(0) - 1;
  // C: reads A's registers.
  const c = w.length;
  w.push(add(S2, S2, T0), add(S2, S2, T1), add(S2, S2, T2), add(S2, S2, T4), add(S2, S2, A4), addi(S1, S1, -1));
  const back = w.push(0) - 1;
  w.push(xor(A0, S2, S3), addi(A7, 0, 93), ECALL);
  w[aJump] = jal(0, 4 * (bStart - aJump));
  w[bJump] = jal(0, 4 * (c - bJump));
  w[back] = b(4 * (a - back), 0, S1, 1); // bne s1, zero, A
  return writeElf({ textAddr: TEXT, text: assembleWords(w), dataAddr: DATA, data: new Uint8Array(8), bss: 0 });
}

interface Outcome { exit: number; status: string; regs: number[]; data: string; retired: number }

async function runIt(elf: Uint8Array, maxBlocks: number | null): Promise<{ outcome: Outcome; share: number; chained: number }> {
  const emu = await Emulator.create(elf, {
    tier2: maxBlocks === null ? false : { pool, hotThreshold: 2, waitForInstall: true, maxBlocks, profile: true },
  });
  const result = await emu.run();
  const { regs, data } = captureState(emu, DATA, 8);
  const chained = emu.traceProfiles().reduce((n, p) => n + p.counters.chained, 0);
  return {
    outcome: { exit: result.exitCode, status: result.status, regs, data, retired: emu.dispatcher.retired },
    share: result.stats.tier2?.share ?? 0, chained,
  };
}

for (const fault of [false, true]) {
  const name = fault ? 'a fault in a region that did not write them' : 'the exit system call';
  t.test(`registers written in one region and passed through others reach ${name}: tier 1 = tier 2 = qemu-riscv32`, async (t) => {
    const elf = program(fault);
    const ref = await runIt(elf, null);
    t.equal(ref.outcome.status, fault ? 'signaled' : 'exited', `tier 1: ${fault ? 'SIGSEGV' : 'exits'}`);
    if (fault) t.equal(ref.outcome.exit, 139, 'tier 1: exit status 139');
    if (qemu) {
      const file = path.join(tmp, fault ? 'fault.elf' : 'exit.elf');
      fs.writeFileSync(file, elf, { mode: 0o755 });
      // qemu-user ends itself with the guest's fatal signal.
      const q = spawnSync(qemu, [file]);
      t.same([q.status, q.signal], fault ? [null, 'SIGSEGV'] : [ref.outcome.exit, null], "qemu-riscv32's exit status");
    }
    for (const maxBlocks of [1, 2, 32]) {
      const got = await runIt(elf, maxBlocks);
      t.same(got.outcome, ref.outcome, `regions of at most ${maxBlocks} blocks: same status, registers, memory and instructions as tier 1`);
      t.ok(got.share > 0.5, `regions of at most ${maxBlocks} blocks: the loop ran in tier 2 (${(got.share * 100).toFixed(0)} %)`);
      if (maxBlocks === 1) t.ok(got.chained > ITERATIONS, `one block per region: the regions chained into each other (${got.chained} times)`);
    }
  });
}
