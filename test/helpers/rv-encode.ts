/**
 * A small RISC-V encoder for generated test programs, written from the
 * spec's encoding tables independently of lib/guest/riscv (so tests do not
 * check the decoder against itself).
 */
const u = (n: number): number => n >>> 0;
const bits = (v: number, hi: number, lo: number): number => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);

export const r = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number =>
  u((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
export const i = (imm: number, rs1: number, f3: number, rd: number, op: number): number =>
  u(((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
export const s = (imm: number, rs2: number, rs1: number, f3: number, op: number): number =>
  u((bits(imm, 11, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (bits(imm, 4, 0) << 7) | op);
export const b = (imm: number, rs2: number, rs1: number, f3: number): number =>
  u((bits(imm, 12, 12) << 31) | (bits(imm, 10, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (bits(imm, 4, 1) << 8) | (bits(imm, 11, 11) << 7) | 0x63);
export const lui = (rd: number, imm20: number): number => u(((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37);
export const jal = (rd: number, imm: number): number =>
  u((bits(imm, 20, 20) << 31) | (bits(imm, 10, 1) << 21) | (bits(imm, 11, 11) << 20) | (bits(imm, 19, 12) << 12) | (rd << 7) | 0x6f);

export const OP = 0x33, OP_IMM = 0x13, LOAD = 0x03, STORE = 0x23, AMO = 0x2f, SYSTEM = 0x73;

/** R-type ALU and M instructions: [funct7, funct3]. */
export const ALU_RR: Readonly<Record<string, readonly [number, number]>> = {
  add: [0, 0], sub: [0x20, 0], sll: [0, 1], slt: [0, 2], sltu: [0, 3], xor: [0, 4], srl: [0, 5], sra: [0x20, 5],
  or: [0, 6], and: [0, 7], mul: [1, 0], mulh: [1, 1], mulhsu: [1, 2], mulhu: [1, 3], div: [1, 4], divu: [1, 5],
  rem: [1, 6], remu: [1, 7],
};
export const ALU_IMM: Readonly<Record<string, number>> = { addi: 0, slti: 2, sltiu: 3, xori: 4, ori: 6, andi: 7 };
export const LOADS: Readonly<Record<string, number>> = { lb: 0, lh: 1, lw: 2, lbu: 4, lhu: 5 };
export const STORES: Readonly<Record<string, number>> = { sb: 0, sh: 1, sw: 2 };
export const BRANCHES: Readonly<Record<string, number>> = { beq: 0, bne: 1, blt: 4, bge: 5, bltu: 6, bgeu: 7 };
export const AMOS: Readonly<Record<string, number>> = {
  'amoadd.w': 0, 'amoswap.w': 1, 'amoxor.w': 4, 'amoor.w': 8, 'amoand.w': 12,
  'amomin.w': 16, 'amomax.w': 20, 'amominu.w': 24, 'amomaxu.w': 28,
};

export const shiftImm = (name: 'slli' | 'srli' | 'srai', rd: number, rs1: number, sh: number): number =>
  i((name === 'srai' ? 0x400 : 0) | (sh & 31), rs1, name === 'slli' ? 1 : 5, rd, OP_IMM);
export const amo = (funct5: number, rd: number, rs1: number, rs2: number): number => r(funct5 << 2, rs2, rs1, 2, rd, AMO);
export const lrW = (rd: number, rs1: number): number => r(0x02 << 2, 0, rs1, 2, rd, AMO);
export const scW = (rd: number, rs1: number, rs2: number): number => r(0x03 << 2, rs2, rs1, 2, rd, AMO);
/** csrrs rd, csr, x0 (read a counter). */
export const csrRead = (rd: number, csr: number): number => i(csr, 0, 2, rd, SYSTEM);
export const EBREAK = 0x00100073;
export const ECALL = 0x00000073;
export const FENCE_I = 0x0000100f;

// Named forms of the instructions hand-written test programs use most.
export const addi = (rd: number, rs1: number, imm: number): number => i(imm, rs1, ALU_IMM['addi']!, rd, OP_IMM);
/** An R-type ALU or M instruction by its name in ALU_RR. */
export const aluRR = (name: string, rd: number, rs1: number, rs2: number): number => {
  const [f7, f3] = ALU_RR[name]!;
  return r(f7, rs2, rs1, f3, rd, OP);
};
export const add = (rd: number, rs1: number, rs2: number): number => aluRR('add', rd, rs1, rs2);
export const lw = (rd: number, rs1: number, imm: number): number => i(imm, rs1, LOADS['lw']!, rd, LOAD);
export const lbu = (rd: number, rs1: number, imm: number): number => i(imm, rs1, LOADS['lbu']!, rd, LOAD);
export const sw = (rs2: number, rs1: number, imm: number): number => s(imm, rs2, rs1, STORES['sw']!, STORE);

/** li rd, value as lui + addi. */
export function li(rd: number, value: number): number[] {
  const lo = (value << 20) >> 20;
  const hi = ((value - lo) >>> 12) & 0xfffff;
  return [lui(rd, hi), i(lo, rd, 0, rd, OP_IMM)];
}

// Compressed (RVC) forms, 16 bits each.
const cr = (f4: number, rd: number, rs2: number, op: number): number => (f4 << 12) | (rd << 7) | (rs2 << 2) | op;
export const cAdd = (rd: number, rs2: number): number => cr(0b1001, rd, rs2, 2);
export const cMv = (rd: number, rs2: number): number => cr(0b1000, rd, rs2, 2);
export const cAddi = (rd: number, imm: number): number => (0b000 << 13) | (bits(imm, 5, 5) << 12) | (rd << 7) | (bits(imm, 4, 0) << 2) | 1;
export const cLi = (rd: number, imm: number): number => (0b010 << 13) | (bits(imm, 5, 5) << 12) | (rd << 7) | (bits(imm, 4, 0) << 2) | 1;
export const cSlli = (rd: number, sh: number): number => (0b000 << 13) | (rd << 7) | ((sh & 31) << 2) | 2;
/** c.sub/c.xor/c.or/c.and on x8..x15 (rd', rs2'). */
export const cArith = (kind: 'sub' | 'xor' | 'or' | 'and', rdp: number, rs2p: number): number =>
  (0b100011 << 10) | ((rdp - 8) << 7) | ({ sub: 0, xor: 1, or: 2, and: 3 }[kind] << 5) | ((rs2p - 8) << 2) | 1;
export const cShift = (kind: 'srli' | 'srai' | 'andi', rdp: number, imm: number): number =>
  (0b100 << 13) | (bits(imm, 5, 5) << 12) | ({ srli: 0, srai: 1, andi: 2 }[kind] << 10) | ((rdp - 8) << 7) | (bits(imm, 4, 0) << 2) | 1;
