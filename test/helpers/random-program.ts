import * as E from './rv-encode.js';
import { assemble, writeElf, type InsnItem } from './elf-writer.js';
import { prng } from './prng.js';

export const TEXT_ADDR = 0x10000;
export const DATA_ADDR = 0x20000;
export const DATA_SIZE = 512;
// Register conventions of generated programs (the instruction fuzzer's too).
export const BASE = 8; // s0 points at the data buffer and is never written
export const COUNTER = 31; // the loop counter (looping programs)
export const SCRATCH = 5; // t0: address register for atomics
/** Registers random instructions may write: never sp, s0, t0 or the counter. */
export const DESTS = [1, 3, 4, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];
const COMPRESSED_DESTS = [9, 10, 11, 12, 13, 14, 15];

type Slot = InsnItem[] | { readonly skip: number; readonly branch: string; readonly rs1: number; readonly rs2: number };

export interface GeneratedProgram {
  readonly elf: Uint8Array;
  readonly seed: number;
  readonly kind: 'straight' | 'loop';
  /** Instructions in the generated body (for messages). */
  readonly bodyLength: number;
  /** Where the body starts: bytes from the start of the text (after the prologue). */
  readonly bodyOffset: number;
}

/**
 * A random RV32IMAC program: registers set to random values, then a body of
 * random ALU, multiply/divide, load/store (misaligned included), atomic,
 * compressed and counter instructions; 'straight' is one basic block, while
 * 'loop' adds forward branches, repeats the body and calls a small function
 * from it (so regions include calls and returns). It ends with ebreak,
 * leaving its state for comparison.
 */
export function randomProgram(seed: number, kind: 'straight' | 'loop', length: number): GeneratedProgram {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const word = (w: number): InsnItem => ({ word: w, size: 4 });
  const half = (w: number): InsnItem => ({ word: w, size: 2 });
  const reg = (): number => pick([0, BASE, ...DESTS]);

  const slots: Slot[] = [];
  const body = (n: number, withBranches: boolean): void => {
    const withCalls = withBranches;
    for (let k = 0; k < n; k++) {
      const x = rnd();
      if (x < 0.28) {
        const [f7, f3] = E.ALU_RR[pick(Object.keys(E.ALU_RR))]!;
        slots.push([word(E.r(f7, reg(), reg(), f3, pick(DESTS), E.OP))]);
      } else if (x < 0.45) {
        const name = pick([...Object.keys(E.ALU_IMM), 'slli', 'srli', 'srai']);
        slots.push([word(name in E.ALU_IMM ? E.i(int(-2048, 2047), reg(), E.ALU_IMM[name]!, pick(DESTS), E.OP_IMM)
          : E.shiftImm(name as 'slli', pick(DESTS), reg(), int(0, 31)))]);
      } else if (x < 0.48) {
        slots.push([word(E.lui(pick(DESTS), int(0, 0xfffff)))]);
      } else if (x < 0.6) {
        slots.push([word(E.i(int(0, DATA_SIZE - 8), BASE, E.LOADS[pick(Object.keys(E.LOADS))]!, pick(DESTS), E.LOAD))]);
      } else if (x < 0.7) {
        slots.push([word(E.s(int(0, DATA_SIZE - 8), reg(), BASE, E.STORES[pick(Object.keys(E.STORES))]!, E.STORE))]);
      } else if (x < 0.75) {
        slots.push([word(E.i(4 * int(0, DATA_SIZE / 4 - 2), BASE, 0, SCRATCH, E.OP_IMM)),
          word(E.amo(E.AMOS[pick(Object.keys(E.AMOS))]!, pick([0, ...DESTS]), SCRATCH, reg()))]);
      } else if (x < 0.78) {
        // lr/sc pair; sometimes to another address, so the sc fails.
        const other = rnd() < 0.3;
        slots.push([word(E.i(4 * int(0, 20), BASE, 0, SCRATCH, E.OP_IMM)), word(E.lrW(pick(DESTS), SCRATCH)),
          ...(other ? [word(E.i(4, SCRATCH, 0, SCRATCH, E.OP_IMM))] : []), word(E.scW(pick(DESTS), SCRATCH, reg()))]);
      } else if (x < 0.9) {
        const c = int(0, 6);
        const rd = pick(DESTS.filter((d) => d !== 0));
        const rp = pick(COMPRESSED_DESTS);
        slots.push([half([
          E.cAddi(rd, int(1, 31) * (rnd() < 0.5 ? -1 : 1)), E.cLi(rd, int(-32, 31)), E.cMv(rd, pick(DESTS)),
          E.cAdd(rd, pick(DESTS)), E.cSlli(rd, int(1, 31)),
          E.cArith(pick(['sub', 'xor', 'or', 'and'] as const), rp, pick([8, ...COMPRESSED_DESTS])),
          E.cShift(pick(['srli', 'srai', 'andi'] as const), rp, int(1, 31)),
        ][c]!)]);
      } else if (x < 0.95) {
        if (withBranches) slots.push({ skip: int(1, 3), branch: pick(Object.keys(E.BRANCHES)), rs1: reg(), rs2: reg() });
      } else if (x < 0.97) {
        slots.push([word(E.csrRead(pick(DESTS), pick([0xc00, 0xc02])))]); // cycle, instret
      } else if (withCalls) {
        slots.push([{ word: -1, size: 4 }]); // a call, patched below
      }
    }
  };

  const prologue: InsnItem[] = [...E.li(BASE, DATA_ADDR).map(word)];
  for (const d of DESTS) prologue.push(...E.li(d, int(0, 0xffffffff) | 0).map(word));
  const iterations = int(20, 60);
  if (kind === 'loop') prologue.push(...E.li(COUNTER, iterations).map(word));
  body(length, kind === 'loop');

  // Lay out slots, resolving forward branches to the slot boundary they skip to.
  const sizes = slots.map((s) => (Array.isArray(s) ? s.reduce((n, it) => n + it.size, 0) : 4));
  const items: InsnItem[] = [...prologue];
  const loopStart = prologue.reduce((n, it) => n + it.size, 0);
  let at = loopStart;
  const callSites: number[] = [];
  slots.forEach((s, k) => {
    if (Array.isArray(s)) {
      for (const it of s) {
        if (it.word === -1) callSites.push(items.length);
        items.push(it);
      }
    } else {
      let offset = 4;
      for (let j = k + 1; j <= Math.min(slots.length - 1, k + s.skip); j++) offset += sizes[j]!;
      items.push(word(E.b(offset, s.rs2, s.rs1, E.BRANCHES[s.branch]!)));
    }
    at += sizes[k]!;
  });
  if (kind === 'loop') {
    items.push(word(E.i(-1, COUNTER, 0, COUNTER, E.OP_IMM)));
    at += 4;
    items.push(word(E.b(loopStart - at, 0, COUNTER, E.BRANCHES['bne']!)));
    at += 4;
  }
  items.push(word(E.EBREAK));
  at += 4;
  // The called function: a few ALU operations, then return.
  const fn = at;
  items.push(word(E.i(int(-100, 100), 10, 0, 10, E.OP_IMM)), word(E.r(0, 11, 10, 4, 12, E.OP)), word(E.i(0, 1, 0, 0, 0x67)));
  let pos = 0;
  const offsets = items.map((it) => { const o = pos; pos += it.size; return o; });
  for (const k of callSites) items[k] = word(E.jal(1, fn - offsets[k]!));

  const data = new Uint8Array(DATA_SIZE);
  for (let k = 0; k < data.length; k++) data[k] = int(0, 255);
  return {
    elf: writeElf({ textAddr: TEXT_ADDR, text: assemble(items), dataAddr: DATA_ADDR, data }),
    seed, kind, bodyLength: length, bodyOffset: loopStart,
  };
}
