import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Emulator, Tier2Pool } from '../lib/index.js';
import type { RunnableTrace } from '../lib/runtime/dispatcher.js';
import type { InstalledTrace } from '../lib/tier2-optimizer/installed-trace.js';
import { assembleWords, writeElf } from './helpers/elf-writer.js';
import { captureState } from './helpers/guest-state.js';
import { qemuPath } from './helpers/guest.js';
import { add, addi, b, ECALL, jal, li, shiftImm } from './helpers/rv-encode.js';

// A trace is entered only at its head, outside its loops, or at an
// outermost loop header (traces/region-entries.ts): control that arrives
// anywhere else (a return from a function in another region into the
// middle of a loop, the resumption after a system call or a budget exit
// inside an inner loop) runs that block in tier 1 until it heads a region
// of its own. Nested loops with a call in the inner one and a system call
// in the outer one, under region sizes that put the callee, the return
// point and the loop headers in different regions: tier 1, tier 2 and
// qemu-riscv32 agree, the loops run in tier 2, and no tier-1 block is
// linked to a trace entry that may not be entered.

const pool = new Tier2Pool(1);
t.teardown(() => pool.close());
const qemu = qemuPath();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-region-entries-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

const [T0, S1, S2, S3, S5, A0, A7, RA] = [5, 9, 18, 19, 21, 10, 17, 1];
const TEXT = 0x10000;
const DATA = 0x20000;
const RET = 0x00008067;
const OUTER = 300;
const INNER = 20;

const elf = ((): Uint8Array => {
  const w: number[] = [addi(S1, 0, 0), addi(S2, 0, 0), ...li(S5, OUTER)];
  const outer = w.length;
  w.push(addi(S1, S1, 1), addi(S3, 0, 0));
  const inner = w.length;
  w.push(addi(S3, S3, 1), add(S2, S2, S3));
  const call = w.push(0) - 1; // jal ra, f
  w.push(add(S2, S2, A0), addi(T0, 0, INNER)); // the return point, inside both loops
  const innerBack = w.push(0) - 1; // blt s3, t0, inner
  w.push(addi(A0, 0, -1), addi(A7, 0, 57), ECALL, add(S2, S2, A0)); // close(-1) = -EBADF, then on in the outer loop
  const outerBack = w.push(0) - 1; // bne s1, s5, outer
  w.push(addi(A0, S2, 0), addi(A7, 0, 93), ECALL);
  const f = w.length;
  w.push(shiftImm('slli', A0, S3, 3), add(A0, A0, S1), RET);
  w[call] = jal(RA, 4 * (f - call));
  w[innerBack] = b(4 * (inner - innerBack), T0, S3, 4);
  w[outerBack] = b(4 * (outer - outerBack), S5, S1, 1);
  return writeElf({ textAddr: TEXT, text: assembleWords(w), dataAddr: DATA, data: new Uint8Array(8), bss: 0 });
})();
const TEXT_END = TEXT + 4 * 40;

const expected = ((): number => {
  let s2 = 0;
  for (let o = 1; o <= OUTER; o++) {
    for (let i = 1; i <= INNER; i++) s2 = (s2 + i + (i << 3) + o) | 0;
    s2 = (s2 - 9) | 0;
  }
  return s2 & 0xff;
})();

interface Outcome { exit: number; regs: number[]; retired: number }

async function runIt(tier2: false | { maxBlocks: number }): Promise<{ outcome: Outcome; share: number; misLinked: string[]; heads: number }> {
  const emu = await Emulator.create(elf, {
    tier2: tier2 === false ? false : { pool, hotThreshold: 2, waitForInstall: true, maxBlocks: tier2.maxBlocks },
  });
  const r = await emu.run();
  const { regs } = captureState(emu, DATA, 8);
  const misLinked: string[] = [];
  const heads = new Set<number>();
  for (let pc = TEXT; pc < TEXT_END; pc += 4) {
    const block = emu.dispatcher.cache.get(pc);
    const trace = block?.trace as (RunnableTrace & Partial<InstalledTrace>) | null | undefined;
    if (!block || !trace?.enterable) continue;
    heads.add(trace.headPc!);
    if (!trace.enterable.includes(block.traceEntry)) misLinked.push(`0x${pc.toString(16)} -> ${trace.name} entry ${block.traceEntry}`);
  }
  return { outcome: { exit: r.exitCode, regs, retired: emu.dispatcher.retired }, share: r.stats.tier2?.share ?? 0, misLinked, heads: heads.size };
}

t.test('returns and resumptions inside loops: tier 1 = tier 2 = qemu-riscv32', async (t) => {
  const ref = await runIt(false);
  t.equal(ref.outcome.exit, expected, `tier 1: exit status ${expected}`);
  if (qemu) {
    const file = path.join(tmp, 'nested.elf');
    fs.writeFileSync(file, elf, { mode: 0o755 });
    t.equal(spawnSync(qemu, [file]).status, expected, "qemu-riscv32's exit status");
  }
  for (const maxBlocks of [2, 3, 4, 32]) {
    const got = await runIt({ maxBlocks });
    t.same(got.outcome, ref.outcome, `regions of at most ${maxBlocks} blocks: same exit, registers and instructions as tier 1`);
    t.ok(got.share > 0.5, `regions of at most ${maxBlocks} blocks: the loops ran in tier 2 (${(got.share * 100).toFixed(0)} %, ${got.heads} traces)`);
    t.same(got.misLinked, [], `regions of at most ${maxBlocks} blocks: tier-1 blocks link only to entries their trace may be entered at`);
  }
});
