import { assemble, writeElf, type InsnItem } from './elf-writer.js';
import type { Rng } from './fuzz-common.js';
import { BASE, COUNTER, DESTS, randomProgram, SCRATCH, TEXT_ADDR } from './random-program.js';
import * as E from './rv-encode.js';

/**
 * Programs of random instruction words for the instruction fuzzer: a
 * prologue that sets every register (s0 points into a data buffer), a loop
 * over a body of random words, and an ebreak. Words are fully random
 * 32-bit or 16-bit parcels, or random operands in real opcodes (so that
 * many run for a while instead of trapping at once). Nothing random may
 * make a system call or read the wall clock (the two tiers must be able to
 * agree): ecall and the time CSRs are replaced by nops.
 */

export const FUZZ_DATA_ADDR = 0x20000;
export const FUZZ_DATA_SIZE = 0x2000;
/** s0 (BASE) points to the middle of the data, so base+imm12 stays inside
 *  it; t6 (COUNTER) counts the loop down; t0 (ATOMIC) holds an aligned data
 *  address for atomics. */
const BASE_VALUE = FUZZ_DATA_ADDR + 0x1000;
const ATOMIC = SCRATCH;
const NOP = 0x00000013;

const w = (word: number): InsnItem => ({ word: word >>> 0, size: 4 });
const h = (word: number): InsnItem => ({ word: word & 0xffff, size: 2 });

/** True if a 32-bit word would make a system call or read the time CSRs. */
function forbidden32(word: number): boolean {
  if (word >>> 0 === E.ECALL) return true;
  if ((word & 0x7f) === E.SYSTEM && ((word >>> 12) & 7) !== 0) {
    const csr = word >>> 20;
    if (csr === 0xc01 || csr === 0xc81) return true;
  }
  return false;
}

/** A 32-bit word with the low bits 11, with random everything else. */
function random32(rng: Rng): number {
  return (rng.u32() | 3) >>> 0;
}

/** A random 16-bit parcel that is a compressed instruction (low bits != 11). */
function random16(rng: Rng): number {
  let v = rng.int(0, 0xffff);
  if ((v & 3) === 3) v &= ~1;
  return v;
}

/** A random register; s0 and the counter only sometimes. */
function reg(rng: Rng): number {
  return rng.chance(0.05) ? rng.pick([BASE, COUNTER, 2]) : rng.pick([0, 1, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
}
function dest(rng: Rng): number {
  const r = reg(rng);
  return r === BASE || r === COUNTER || r === 2 ? (rng.chance(0.2) ? r : 10) : r;
}

/** A real opcode with random operands; `safe`: only operands and
 *  opcodes that do not fault (data accesses through s0 and t0, short
 *  forward branches, counter reads), so the loop gets hot. */
function structured(rng: Rng, bodyBytesLeft: number, safe = false): InsnItem[] {
  const kind = rng.weighted(safe ? [
    [10, 'op'], [8, 'op-imm'], [2, 'lui'], [2, 'auipc'], [8, 'load'], [6, 'store'], [3, 'amo'], [2, 'lr-sc'],
    [4, 'branch'], [1, 'jal'], [2, 'csr'], [1, 'fence'], [8, 'compressed'],
  ] as const : [
    [10, 'op'], [8, 'op-imm'], [2, 'lui'], [2, 'auipc'], [8, 'load'], [6, 'store'], [3, 'amo'], [2, 'lr-sc'],
    [4, 'branch'], [1, 'jal'], [1, 'jalr'], [2, 'csr'], [1, 'fence'], [1, 'system'], [8, 'compressed'],
  ] as const);
  if (safe) {
    // Every safe item is a multiple of 4 bytes and branches skip whole
    // words, so no jump lands inside an instruction.
    const near = (): number => 4 * rng.int(1, Math.max(1, Math.min(bodyBytesLeft >> 2, 8)));
    const sd = (): number => rng.pick(DESTS); // never sp, s0, t0 or the counter
    switch (kind) {
      case 'op': {
        const [f7, fn] = E.ALU_RR[rng.pick(Object.keys(E.ALU_RR))]!;
        return [w(E.r(f7, reg(rng), reg(rng), fn, sd(), E.OP))];
      }
      case 'op-imm': {
        const name = rng.pick([...Object.keys(E.ALU_IMM), 'slli', 'srli', 'srai']);
        return [w(name in E.ALU_IMM ? E.i(rng.int(-2048, 2047), reg(rng), E.ALU_IMM[name]!, sd(), E.OP_IMM)
          : E.shiftImm(name as 'slli', sd(), reg(rng), rng.int(0, 31)))];
      }
      case 'load': return [w(E.i(rng.int(-2048, 2047), BASE, rng.pick([0, 1, 2, 4, 5]), sd(), E.LOAD))];
      case 'store': return [w(E.s(rng.int(-2048, 2047), reg(rng), BASE, rng.pick([0, 1, 2]), E.STORE))];
      case 'amo': return [w(E.i(4 * rng.int(-500, 500), BASE, 0, ATOMIC, E.OP_IMM)),
        w(E.amo(rng.pick(Object.values(E.AMOS)), sd(), ATOMIC, reg(rng)))];
      case 'lr-sc': return [w(E.i(4 * rng.int(-500, 500), BASE, 0, ATOMIC, E.OP_IMM)), w(E.lrW(sd(), ATOMIC)),
        w(E.scW(sd(), ATOMIC, reg(rng)))];
      case 'lui': return [w(E.lui(sd(), rng.int(0, 0xfffff)))];
      case 'auipc': return [w(((rng.int(0, 0xfffff) << 12) | (sd() << 7) | 0x17) >>> 0)];
      case 'branch': return [w(E.b(near(), reg(rng), reg(rng), rng.pick([0, 1, 4, 5, 6, 7])))];
      case 'jal': return [w(E.jal(0, near()))];
      case 'csr': return [w(E.csrRead(sd(), rng.pick([0xc00, 0xc02, 0xc80, 0xc82])))];
      case 'fence': return [w(rng.pick([0x0ff0000f, 0x0000100f, 0x8330000f]))];
      case 'compressed': {
        // Two at a time, to keep the 4-byte alignment.
        const one = (): InsnItem => {
          const rd = sd();
          const rp = rng.pick([9, 10, 11, 12, 13, 14, 15]);
          return h(rng.pick([
            E.cAddi(rd, rng.int(1, 31) * (rng.chance(0.5) ? -1 : 1)), E.cLi(rd, rng.int(-32, 31)), E.cMv(rd, sd()),
            E.cAdd(rd, sd()), E.cSlli(rd, rng.int(1, 31)),
            E.cArith(rng.pick(['sub', 'xor', 'or', 'and'] as const), rp, rng.int(8, 15)),
            E.cShift(rng.pick(['srli', 'srai', 'andi'] as const), rp, rng.int(1, 31)),
          ]));
        };
        return [one(), one()];
      }
      default: break; // the rest never fault
    }
  }
  const f3 = (): number => rng.int(0, 7);
  switch (kind) {
    case 'op': {
      const f7 = rng.weighted([[6, 0], [2, 0x20], [6, 1], [1, rng.int(0, 127)]] as const);
      return [w(E.r(f7, reg(rng), reg(rng), f3(), dest(rng), E.OP))];
    }
    case 'op-imm': {
      const fn = f3();
      // Shifts: a legal shamt encoding most of the time.
      const imm = fn === 1 || fn === 5 ? (rng.chance(0.85) ? (rng.chance(0.5) && fn === 5 ? 0x400 : 0) | rng.int(0, 31) : rng.int(0, 4095)) : rng.int(-2048, 2047);
      return [w(E.i(imm, reg(rng), fn, dest(rng), E.OP_IMM))];
    }
    case 'lui': return [w(E.lui(dest(rng), rng.int(0, 0xfffff)))];
    case 'auipc': return [w(((rng.int(0, 0xfffff) << 12) | (dest(rng) << 7) | 0x17) >>> 0)];
    case 'load': {
      const base = rng.chance(0.75) ? BASE : reg(rng);
      return [w(E.i(rng.int(-2048, 2047), base, rng.weighted([[9, rng.pick([0, 1, 2, 4, 5])], [1, f3()]] as const), dest(rng), E.LOAD))];
    }
    case 'store': {
      const base = rng.chance(0.8) ? BASE : reg(rng);
      return [w(E.s(rng.int(-2048, 2047), reg(rng), base, rng.weighted([[9, rng.pick([0, 1, 2])], [1, f3()]] as const), E.STORE))];
    }
    case 'amo': {
      const offset = rng.chance(0.9) ? 4 * rng.int(-500, 500) : rng.int(-2048, 2047);
      const funct5 = rng.chance(0.9) ? rng.pick(Object.values(E.AMOS)) : rng.int(0, 31);
      const aqrl = rng.int(0, 3);
      return [w(E.i(offset, BASE, 0, ATOMIC, E.OP_IMM)),
        w((E.r((funct5 << 2) | aqrl, reg(rng), rng.chance(0.9) ? ATOMIC : reg(rng), rng.chance(0.95) ? 2 : f3(), dest(rng), E.AMO)))];
    }
    case 'lr-sc': {
      const offset = 4 * rng.int(-500, 500);
      return [w(E.i(offset, BASE, 0, ATOMIC, E.OP_IMM)), w(E.lrW(dest(rng), ATOMIC)),
        ...(rng.chance(0.3) ? [w(E.i(4, ATOMIC, 0, ATOMIC, E.OP_IMM))] : []), w(E.scW(dest(rng), ATOMIC, reg(rng)))];
    }
    case 'branch': {
      // Mostly short and forward within the body; sometimes anywhere near.
      const offset = rng.chance(0.8) ? 2 * rng.int(1, Math.max(1, Math.min(bodyBytesLeft >> 1, 16))) : 2 * rng.int(-512, 512);
      return [w(E.b(offset, reg(rng), reg(rng), rng.weighted([[9, rng.pick([0, 1, 4, 5, 6, 7])], [1, f3()]] as const)))];
    }
    case 'jal': {
      const offset = rng.chance(0.8) ? 2 * rng.int(1, Math.max(1, Math.min(bodyBytesLeft >> 1, 16))) : 2 * rng.int(-2048, 2048);
      return [w(E.jal(rng.pick([0, 1, dest(rng)]), offset))];
    }
    case 'jalr': return [w(E.i(rng.int(-2048, 2047), reg(rng), rng.chance(0.9) ? 0 : f3(), dest(rng), 0x67))];
    case 'csr': {
      const csr = rng.weighted([[6, rng.pick([0xc00, 0xc02, 0xc80, 0xc82])], [2, rng.int(0, 0xfff)], [1, rng.pick([0x001, 0x002, 0x003, 0x300, 0xf14])]] as const);
      const fn = rng.pick([1, 2, 3, 5, 6, 7, 4]);
      return [w(E.i(csr, rng.chance(0.6) ? 0 : reg(rng), fn, dest(rng), E.SYSTEM))];
    }
    case 'fence': return [w(E.i(rng.int(0, 4095), rng.chance(0.9) ? 0 : reg(rng), rng.chance(0.7) ? 0 : 1, rng.chance(0.9) ? 0 : reg(rng), 0x0f))];
    case 'system': return [w(rng.pick([0x00100073, 0x10200073, 0x30200073, 0x10500073, 0x00000073 | (rng.int(1, 31) << 7)]))];
    case 'compressed': {
      const rd = dest(rng) || 10;
      const rp = rng.int(8, 15);
      return [h(rng.pick([
        E.cAddi(rd, rng.int(1, 31) * (rng.chance(0.5) ? -1 : 1)), E.cLi(rd, rng.int(-32, 31)), E.cMv(rd, rng.int(1, 31)),
        E.cAdd(rd, rng.int(1, 31)), E.cSlli(rd, rng.int(1, 31)),
        E.cArith(rng.pick(['sub', 'xor', 'or', 'and'] as const), rp, rng.int(8, 15)),
        E.cShift(rng.pick(['srli', 'srai', 'andi'] as const), rp, rng.int(1, 31)),
        // c.lw / c.sw through s0 (x8): uimm*4 in [0, 124].
        (0b010 << 13) | (rng.int(0, 7) << 10) | ((8 - 8) << 7) | (rng.int(0, 3) << 5) | ((rp - 8) << 2) | 0,
        (0b110 << 13) | (rng.int(0, 7) << 10) | ((8 - 8) << 7) | (rng.int(0, 3) << 5) | ((rp - 8) << 2) | 0,
        random16(rng),
      ]))];
    }
  }
}

export type BodyStyle = 'random-words' | 'structured' | 'safe' | 'mixed' | 'single';

/** One body item of the given style. */
function item(rng: Rng, style: BodyStyle, bodyBytesLeft: number): InsnItem[] {
  if (style === 'safe') return structured(rng, bodyBytesLeft, true);
  const r = style === 'random-words' ? 0 : style === 'structured' ? 1 : rng.float();
  if (r < 0.1) {
    return rng.chance(0.6) ? [w(random32(rng))] : [h(random16(rng))];
  }
  return structured(rng, bodyBytesLeft, style === 'mixed' && rng.chance(0.7));
}

export interface FuzzProgram {
  readonly elf: Uint8Array;
  readonly description: string;
}

/** Replaces forbidden words (system calls, time CSRs) by nops. */
function sanitize(items: InsnItem[]): InsnItem[] {
  return items.map((it) => (it.size === 4 && forbidden32(it.word) ? w(NOP) : it));
}

/**
 * A looping program: prologue (all registers set, s0 -> data), then
 * `iterations` times a body of `length` random items, then ebreak.
 */
export function insnProgram(rng: Rng, style: BodyStyle, length: number, iterations: number): FuzzProgram {
  const prologue: InsnItem[] = [];
  for (let r = 1; r < 32; r++) {
    if (r === 2) continue; // sp is set by the loader
    const value = r === BASE ? BASE_VALUE : r === COUNTER ? iterations
      : r === ATOMIC ? BASE_VALUE
      : rng.weighted([[3, rng.u32()], [2, rng.int(-64, 64)], [2, FUZZ_DATA_ADDR + 4 * rng.int(0, FUZZ_DATA_SIZE / 4 - 1)], [1, rng.pick([0x7fffffff, 0x80000000, 0xffffffff])]] as const);
    prologue.push(...E.li(r, value | 0).map(w));
  }
  const body: InsnItem[] = [];
  const bodyBytes = (): number => body.reduce((n, it) => n + it.size, 0);
  const n = style === 'single' ? 1 : length;
  for (let k = 0; k < n; k++) {
    // A single word: fully random half of the time.
    body.push(...(style === 'single' && rng.chance(0.5) ? item(rng, 'random-words', 2) : item(rng, style === 'single' ? 'structured' : style, Math.max(2, (n - k) * 3))));
  }
  const loopStart = prologue.reduce((s, it) => s + it.size, 0);
  const tail: InsnItem[] = [];
  const afterBody = loopStart + bodyBytes();
  tail.push(w(E.i(-1, COUNTER, 0, COUNTER, E.OP_IMM)));
  tail.push(w(E.b(loopStart - (afterBody + 4), 0, COUNTER, E.BRANCHES['bne']!)));
  tail.push(w(E.EBREAK));
  // Landing pad: forward branches past the end land on ebreaks.
  for (let i = 0; i < 16; i++) tail.push(w(E.EBREAK));
  const items = [...prologue, ...sanitize(body), ...tail];
  const data = new Uint8Array(FUZZ_DATA_SIZE);
  for (let k = 0; k < data.length; k++) data[k] = rng.int(0, 255);
  const words = body.map((it) => (it.size === 2 ? it.word.toString(16).padStart(4, '0') : it.word.toString(16).padStart(8, '0')));
  return {
    elf: writeElf({ textAddr: TEXT_ADDR, text: assemble(items), dataAddr: FUZZ_DATA_ADDR, data }),
    description: `${style}, ${iterations} iterations, body [${words.join(' ')}]`,
  };
}

/**
 * A valid random program (test/helpers/random-program.ts) with a few of its
 * instruction words overwritten by random ones.
 */
export function patchedProgram(rng: Rng, seed: number): FuzzProgram {
  const prog = randomProgram(seed, 'loop', 40);
  const elf = new Uint8Array(prog.elf);
  const view = new DataView(elf.buffer);
  // The text segment: program header 0 of an elf-writer file.
  const textOff = view.getUint32(52 + 4, true);
  const textSize = view.getUint32(52 + 16, true);
  // Leave the prologue alone: patch the body.
  const first = textOff + prog.bodyOffset;
  const patches = rng.int(1, 4);
  const steps: string[] = [];
  for (let k = 0; k < patches; k++) {
    const at = first + 2 * rng.int(0, Math.max(0, (textOff + textSize - 8 - first) / 2));
    if (rng.chance(0.6)) {
      let word = random32(rng);
      if (forbidden32(word)) word = NOP;
      view.setUint32(at, word, true);
      steps.push(`${(at - textOff + TEXT_ADDR).toString(16)}: ${word.toString(16).padStart(8, '0')}`);
    } else {
      const half = random16(rng);
      view.setUint16(at, half, true);
      steps.push(`${(at - textOff + TEXT_ADDR).toString(16)}: ${half.toString(16).padStart(4, '0')}`);
    }
  }
  return { elf, description: `randomProgram(${seed}, 'loop', 40) patched at ${steps.join(', ')}` };
}
