import t from 'tap';
import { compileField, compilePattern } from '../../lib/guest/riscv/fields.js';
import { RV32_INSNS, RVC_INSNS, type FormatName } from '../../lib/guest/riscv/isa-table.js';
import { decode, insnLength, type DecodedInsn } from '../../lib/guest/riscv/decoder.js';
import { disassemble } from '../../lib/guest/riscv/disasm.js';
import { prng32 } from '../helpers/prng.js';

// Encodings written as hex literals in this file were produced by GNU as
// (riscv64-unknown-elf-as -march=rv32imac_zicsr_zifencei) and checked with
// `riscv64-unknown-elf-objdump -d -M no-aliases,numeric`; none comes from
// hyemu itself.

const bit = (v: number, i: number): number => (v >>> i) & 1;
const bits = (v: number, hi: number, lo: number): number => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);

interface Expansion { name: string; rd: number; rs1: number; rs2: number; imm: number }

/** The decoded base instruction and arguments, for one deep-equal assertion. */
const view = (d: DecodedInsn | null): Expansion | null =>
  d && { name: d.def.name, rd: d.rd, rs1: d.rs1, rs2: d.rs2, imm: d.imm };
const exp = (name: string, a: Partial<Omit<Expansion, 'name'>> = {}): Expansion =>
  ({ name, rd: a.rd ?? 0, rs1: a.rs1 ?? 0, rs2: a.rs2 ?? 0, imm: a.imm ?? 0 });

// ---------------------------------------------------------------------------
t.test('compileField: hand-computed extractions', async (t) => {
  // One unsigned segment.
  t.equal(compileField('7:5')(0b11111_0000000), 31, 'rd field');
  t.equal(compileField('7:5')(0xffffffff), 31, 'other bits ignored');
  t.equal(compileField('0:31')(0xdeadbeef), 0x5eadbeef, '31 bits');
  t.equal(compileField('1:s31')(0xdeadbeef), (0xdeadbeef | 0) >> 1, 'signed 31 bits');
  // A full-width segment (its mask cannot be built as (1 << 32) - 1).
  t.equal(compileField('0:32')(0xdeadbeef), 0xdeadbeef | 0, '32 bits come back as int32');
  // Signed first segment: sign-extended from the total width.
  t.equal(compileField('20:s12')(0xfff00000), -1, 'imm_i all ones is -1');
  t.equal(compileField('20:s12')(0x80000000), -2048, 'imm_i min');
  t.equal(compileField('20:s12')(0x7ff00000), 2047, 'imm_i max');
  t.equal(compileField('20:12')(0x80000000), 2048, 'unsigned variant does not sign-extend');
  // Concatenation order: the first listed segment is the most significant.
  t.equal(compileField('0:4 8:4')(0x0000_0a05), 0x5a, 'first segment is high bits');
  t.equal(compileField('8:4 0:4')(0x0000_0a05), 0xa5, 'swapped order swaps nibbles');
  // Sign comes from the first segment's top bit even when later segments are set.
  t.equal(compileField('31:s1 0:3')(0x80000000), -8, '1-bit signed head');
  t.equal(compileField('31:s1 0:3')(0x00000007), 7, 'positive with head clear');
  // Shift and add.
  t.equal(compileField('0:3 <<2')(0b101), 20, '<<2');
  t.equal(compileField('2:3 +8')(0b111_00), 15, '+8 for x8..x15');
  t.equal(compileField('2:3 +8')(0), 8, '+8 of zero');
  t.equal(compileField('12:s20 <<12')(0x80000000), -0x80000000, 'imm_u min stays int32');
  t.equal(compileField('31:s1 12:8 20:1 21:10 <<1')(0xfffff000 | 0), -2, 'imm_j -2');
  t.equal(compileField('31:s1 12:8 20:1 21:10 <<1')(0x80000000 | 0), -1048576, 'imm_j min');
  // Constants.
  t.equal(compileField('=5')(0xffffffff), 5, 'constant');
  t.equal(compileField('=-3')(0), -3, 'negative constant');
});

t.test('compileField: malformed specs throw', async (t) => {
  t.throws(() => compileField(''), /no segments|cannot parse/, 'empty');
  t.throws(() => compileField('<<2'), /no segments/, 'only a shift');
  t.throws(() => compileField('0:4 4:s4'), /only the first segment may be signed/, 'signed second segment');
  t.throws(() => compileField('30:4'), /out of range/, 'segment past bit 31');
  t.throws(() => compileField('3:0'), /out of range/, 'zero-length segment');
  t.throws(() => compileField('a:b'), /cannot parse "a:b"/, 'garbage token');
  t.throws(() => compileField('0:4 >>1'), /cannot parse ">>1"/, 'unknown operator');
  t.throws(() => compileField('0:4 -8'), /cannot parse "-8"/, 'subtract is not supported');
});

t.test('compilePattern: mask, match, width', async (t) => {
  t.same(compilePattern('....... ..... ..... 000 ..... 1100011'),
    { mask: 0x0000707f, match: 0x00000063, width: 32 }, 'beq');
  t.same(compilePattern('0100000 ..... ..... 101 ..... 0010011'),
    { mask: 0xfe00707f, match: 0x40005013, width: 32 }, 'srai (top bit set: unsigned)');
  t.same(compilePattern('100 1 00000 00000 10'), { mask: 0xffff, match: 0x9002, width: 16 }, 'c.ebreak');
  t.same(compilePattern('1111111111111111 1111111111111111'),
    { mask: 0xffffffff, match: 0xffffffff, width: 32 }, 'all ones are unsigned');
  t.throws(() => compilePattern('0101'), /16 or 32 characters/, 'too short');
  t.throws(() => compilePattern('0'.repeat(33)), /16 or 32 characters/, 'too long');
  t.throws(() => compilePattern('0'.repeat(15) + 'x'), /16 or 32 characters of 0, 1 and \./, 'bad character');
});

// ---------------------------------------------------------------------------
// 32-bit instructions. Encoders written from the ISA manual's figures.

const R_ = (rd: number, rs1: number, rs2: number): number => (rs2 << 20) | (rs1 << 15) | (rd << 7);
const encI = (imm: number): number => (imm & 0xfff) << 20;
const encS = (imm: number): number => (bits(imm, 11, 5) << 25) | (bits(imm, 4, 0) << 7);
const encB = (imm: number): number =>
  (bit(imm, 12) << 31) | (bits(imm, 10, 5) << 25) | (bits(imm, 4, 1) << 8) | (bit(imm, 11) << 7);
const encU = (imm: number): number => imm & 0xfffff000;
const encJ = (imm: number): number =>
  (bit(imm, 20) << 31) | (bits(imm, 10, 1) << 21) | (bit(imm, 11) << 20) | (bits(imm, 19, 12) << 12);

interface ArgSet { rd?: number; rs1?: number; rs2?: number; imm?: number }
/** Which operands each format carries, how they are encoded, and the
 *  extreme and ordinary values to try. */
const FORMAT_CASES: Record<FormatName, { enc: (a: Required<ArgSet>) => number; uses: (keyof ArgSet)[]; sets: ArgSet[] }> = {
  R: { enc: (a) => R_(a.rd, a.rs1, a.rs2), uses: ['rd', 'rs1', 'rs2'],
    sets: [{ rd: 0, rs1: 0, rs2: 0 }, { rd: 31, rs1: 31, rs2: 31 }, { rd: 1, rs1: 2, rs2: 3 }, { rd: 17, rs1: 30, rs2: 5 }] },
  I: { enc: (a) => R_(a.rd, a.rs1, 0) | encI(a.imm), uses: ['rd', 'rs1', 'imm'],
    sets: [{ rd: 31, rs1: 1, imm: -2048 }, { rd: 1, rs1: 31, imm: 2047 }, { rd: 10, rs1: 10, imm: -1 }, { rd: 5, rs1: 0, imm: 0 }] },
  LOAD: { enc: (a) => R_(a.rd, a.rs1, 0) | encI(a.imm), uses: ['rd', 'rs1', 'imm'],
    sets: [{ rd: 15, rs1: 2, imm: -2048 }, { rd: 15, rs1: 31, imm: 2047 }, { rd: 1, rs1: 1, imm: -1 }, { rd: 0, rs1: 8, imm: 4 }] },
  SHIFT: { enc: (a) => R_(a.rd, a.rs1, 0) | ((a.imm & 31) << 20), uses: ['rd', 'rs1', 'imm'],
    sets: [{ rd: 1, rs1: 2, imm: 31 }, { rd: 31, rs1: 30, imm: 0 }, { rd: 3, rs1: 4, imm: 1 }] },
  S: { enc: (a) => R_(0, a.rs1, a.rs2) | encS(a.imm), uses: ['rs1', 'rs2', 'imm'],
    sets: [{ rs1: 1, rs2: 31, imm: -2048 }, { rs1: 31, rs2: 1, imm: 2047 }, { rs1: 6, rs2: 5, imm: -1 }, { rs1: 2, rs2: 0, imm: 0 }] },
  B: { enc: (a) => R_(0, a.rs1, a.rs2) | encB(a.imm), uses: ['rs1', 'rs2', 'imm'],
    sets: [{ rs1: 1, rs2: 2, imm: -4096 }, { rs1: 31, rs2: 30, imm: 4094 }, { rs1: 0, rs2: 0, imm: -2 }, { rs1: 5, rs2: 6, imm: 2 }, { rs1: 7, rs2: 8, imm: 2048 }] },
  U: { enc: (a) => R_(a.rd, 0, 0) | encU(a.imm), uses: ['rd', 'imm'],
    sets: [{ rd: 1, imm: -0x80000000 }, { rd: 31, imm: 0x7ffff000 }, { rd: 5, imm: -4096 }, { rd: 0, imm: 0 }, { rd: 10, imm: 4096 }] },
  J: { enc: (a) => R_(a.rd, 0, 0) | encJ(a.imm), uses: ['rd', 'imm'],
    sets: [{ rd: 1, imm: -1048576 }, { rd: 31, imm: 1048574 }, { rd: 0, imm: -2 }, { rd: 0, imm: 2048 }, { rd: 1, imm: 4096 }] },
  CSR: { enc: (a) => R_(a.rd, a.rs1, 0) | ((a.imm & 0xfff) << 20), uses: ['rd', 'rs1', 'imm'],
    sets: [{ rd: 10, rs1: 0, imm: 0xc00 }, { rd: 31, rs1: 31, imm: 0xfff }, { rd: 0, rs1: 1, imm: 0 }] },
  CSRI: { enc: (a) => R_(a.rd, a.rs1, 0) | ((a.imm & 0xfff) << 20), uses: ['rd', 'rs1', 'imm'],
    sets: [{ rd: 10, rs1: 31, imm: 0x001 }, { rd: 1, rs1: 0, imm: 0xfff }, { rd: 31, rs1: 1, imm: 0x800 }] },
  AMO: { enc: (a) => R_(a.rd, a.rs1, a.rs2) | (a.imm << 25), uses: ['rd', 'rs1', 'rs2', 'imm'],
    sets: [{ rd: 5, rs1: 6, rs2: 7, imm: 3 }, { rd: 31, rs1: 1, rs2: 2, imm: 0 }, { rd: 0, rs1: 31, rs2: 30, imm: 1 }, { rd: 1, rs1: 2, rs2: 3, imm: 2 }] },
  LR: { enc: (a) => R_(a.rd, a.rs1, 0) | (a.imm << 25), uses: ['rd', 'rs1', 'imm'],
    sets: [{ rd: 5, rs1: 6, imm: 2 }, { rd: 31, rs1: 31, imm: 3 }, { rd: 1, rs1: 0, imm: 0 }] },
  FENCE: { enc: (a) => (a.imm & 0xfff) << 20, uses: ['imm'],
    sets: [{ imm: 0x0ff }, { imm: 0x033 }, { imm: 0x833 }] },
  NONE: { enc: () => 0, uses: [], sets: [{}] },
};

/** The operand format the ISA manual gives each mnemonic (independent of
 *  the table, so a wrong format in the table is caught). */
const SPEC_FORMAT: Record<string, FormatName> = {};
const assign = (format: FormatName, names: string): void => {
  for (const n of names.split(' ')) SPEC_FORMAT[n] = format;
};
assign('U', 'lui auipc');
assign('J', 'jal');
assign('LOAD', 'jalr lb lh lw lbu lhu');
assign('B', 'beq bne blt bge bltu bgeu');
assign('S', 'sb sh sw');
assign('I', 'addi slti sltiu xori ori andi');
assign('SHIFT', 'slli srli srai');
assign('R', 'add sub sll slt sltu xor srl sra or and mul mulh mulhsu mulhu div divu rem remu');
assign('FENCE', 'fence');
assign('NONE', 'ecall ebreak fence.i');
assign('CSR', 'csrrw csrrs csrrc');
assign('CSRI', 'csrrwi csrrsi csrrci');
assign('LR', 'lr.w');
assign('AMO', 'sc.w amoswap.w amoadd.w amoxor.w amoand.w amoor.w amomin.w amomax.w amominu.w amomaxu.w');

t.test('RV32_INSNS: exactly RV32IMA + Zicsr + Zifencei, with the spec formats', async (t) => {
  t.same(RV32_INSNS.map((e) => e[0]).sort(), Object.keys(SPEC_FORMAT).sort(), 'mnemonics');
  for (const [name, , format] of RV32_INSNS) t.equal(format, SPEC_FORMAT[name], `${name} format`);
});

t.test('every RV32_INSNS entry decodes from match bits + chosen fields', async (t) => {
  for (const [name, pattern] of RV32_INSNS) {
    const p = compilePattern(pattern);
    const format = SPEC_FORMAT[name]!;
    const fc = FORMAT_CASES[format];
    for (const set of fc.sets) {
      const a = { rd: 0, rs1: 0, rs2: 0, imm: 0, ...set };
      const raw = (p.match | (fc.enc(a) & ~p.mask)) >>> 0;
      const want = exp(name, Object.fromEntries(fc.uses.map((k) => [k, a[k]])));
      const d = decode(raw);
      t.same(view(d), want, `${name} ${JSON.stringify(set)} = 0x${raw.toString(16)}`);
      t.equal(d?.size, 4, `${name} size`);
      t.equal(d?.raw, raw, `${name} raw`);
    }
  }
});

t.test('32-bit extreme immediates from GNU as', async (t) => {
  const cases: [number, Expansion][] = [
    [0xffffffb7, exp('lui', { rd: 31, imm: 0xfffff000 | 0 })],
    [0x800000b7, exp('lui', { rd: 1, imm: -0x80000000 })],
    [0x7ffff2b7, exp('lui', { rd: 5, imm: 0x7ffff000 })],
    [0x80000517, exp('auipc', { rd: 10, imm: -0x80000000 })],
    [0x800f8f93, exp('addi', { rd: 31, rs1: 31, imm: -2048 })],
    [0x7ff10093, exp('addi', { rd: 1, rs1: 2, imm: 2047 })],
    [0xfff22193, exp('slti', { rd: 3, rs1: 4, imm: -1 })],
    [0x7ff33293, exp('sltiu', { rd: 5, rs1: 6, imm: 2047 })],
    [0x80044393, exp('xori', { rd: 7, rs1: 8, imm: -2048 })],
    [0x80012783, exp('lw', { rd: 15, rs1: 2, imm: -2048 })],
    [0x7fffa783, exp('lw', { rd: 15, rs1: 31, imm: 2047 })],
    [0xfff0c083, exp('lbu', { rd: 1, rs1: 1, imm: -1 })],
    [0x81f0a023, exp('sw', { rs1: 1, rs2: 31, imm: -2048 })],
    [0x7e1fafa3, exp('sw', { rs1: 31, rs2: 1, imm: 2047 })],
    [0xfe530fa3, exp('sb', { rs1: 6, rs2: 5, imm: -1 })],
    [0x005310a3, exp('sh', { rs1: 6, rs2: 5, imm: 1 })],
    [0x80208063, exp('beq', { rs1: 1, rs2: 2, imm: -4096 })],
    [0x7fef8fe3, exp('beq', { rs1: 31, rs2: 30, imm: 4094 })],
    [0x7e209fe3, exp('bne', { rs1: 1, rs2: 2, imm: 4094 })],
    [0x7fef8de3, exp('beq', { rs1: 31, rs2: 30, imm: 4090 })],
    [0x8062d063, exp('bge', { rs1: 5, rs2: 6, imm: -4096 })],
    [0x000040e3, exp('blt', { rs1: 0, rs2: 0, imm: 2048 })],
    [0xfe20f9e3, exp('bgeu', { rs1: 1, rs2: 2, imm: -14 })],
    [0x800000ef, exp('jal', { rd: 1, imm: -1048576 })],
    [0x7fffffef, exp('jal', { rd: 31, imm: 1048574 })],
    [0x800f8067, exp('jalr', { rd: 0, rs1: 31, imm: -2048 })],
    [0x7ff280e7, exp('jalr', { rd: 1, rs1: 5, imm: 2047 })],
    [0x01f11093, exp('slli', { rd: 1, rs1: 2, imm: 31 })],
    [0x00125193, exp('srli', { rd: 3, rs1: 4, imm: 1 })],
    [0x41ff5f93, exp('srai', { rd: 31, rs1: 30, imm: 31 })],
    [0xc0002573, exp('csrrs', { rd: 10, rs1: 0, imm: 0xc00 })],
    [0xffff9573, exp('csrrw', { rd: 10, rs1: 31, imm: 0xfff })],
    [0x001fd573, exp('csrrwi', { rd: 10, rs1: 31, imm: 1 })],
    [0x8000f573, exp('csrrci', { rd: 10, rs1: 1, imm: 0x800 })],
    [0x140322af, exp('lr.w', { rd: 5, rs1: 6, imm: 2 })],
    [0x1a7322af, exp('sc.w', { rd: 5, rs1: 6, rs2: 7, imm: 1 })],
    [0x067322af, exp('amoadd.w', { rd: 5, rs1: 6, rs2: 7, imm: 3 })],
    [0xe021a0af, exp('amomaxu.w', { rd: 1, rs1: 3, rs2: 2, imm: 0 })],
    [0x0330000f, exp('fence', { imm: 0x033 })],
    [0x0ff0000f, exp('fence', { imm: 0x0ff })],
    [0x8330000f, exp('fence', { imm: 0x833 })],
    [0x0000100f, exp('fence.i')],
    [0x00000073, exp('ecall')],
    [0x00100073, exp('ebreak')],
    [0x023120b3, exp('mulhsu', { rd: 1, rs1: 2, rs2: 3 })],
    [0x03df7fb3, exp('remu', { rd: 31, rs1: 30, rs2: 29 })],
  ];
  for (const [raw, want] of cases) t.same(view(decode(raw)), want, `0x${raw.toString(16)} ${want.name}`);
  // The bgeu above sits at 0x4c and targets 0x3e: offset -14 (GNU shows the target).
  // Our 32-bit encoders agree with the assembler on the extremes.
  t.equal((0x63 | R_(0, 1, 2) | encB(-4096)) >>> 0, 0x80208063, 'encB(-4096)');
  t.equal((0x63 | R_(0, 31, 30) | encB(4094)) >>> 0, 0x7fef8fe3, 'encB(4094)');
  t.equal((0x4063 | encB(2048)) >>> 0, 0x000040e3, 'encB(2048)');
  t.equal((0x6f | R_(1, 0, 0) | encJ(-1048576)) >>> 0, 0x800000ef, 'encJ(min)');
  t.equal((0x6f | R_(31, 0, 0) | encJ(1048574)) >>> 0, 0x7fffffef, 'encJ(max)');
  t.equal((0x2023 | R_(0, 1, 31) | encS(-2048)) >>> 0, 0x81f0a023, 'encS(-2048)');
});

// ---------------------------------------------------------------------------
// Compressed instructions. Encoders after the RVC chapter's format figures.

const p3 = (r: number): number => r - 8;
const ciw = (rdp: number, u: number): number =>
  (bits(u, 5, 4) << 11) | (bits(u, 9, 6) << 7) | (bit(u, 2) << 6) | (bit(u, 3) << 5) | (p3(rdp) << 2);
const cl = (f3: number, rdp: number, rs1p: number, u: number): number =>
  (f3 << 13) | (bits(u, 5, 3) << 10) | (p3(rs1p) << 7) | (bit(u, 2) << 6) | (bit(u, 6) << 5) | (p3(rdp) << 2);
const ci = (f3: number, rd: number, imm6: number, op: number): number =>
  (f3 << 13) | (bit(imm6, 5) << 12) | (rd << 7) | (bits(imm6, 4, 0) << 2) | op;
const addi16sp = (imm: number): number =>
  (3 << 13) | (bit(imm, 9) << 12) | (2 << 7) | (bit(imm, 4) << 6) | (bit(imm, 6) << 5) | (bits(imm, 8, 7) << 3) | (bit(imm, 5) << 2) | 1;
const cj = (f3: number, o: number): number =>
  (f3 << 13) | (bit(o, 11) << 12) | (bit(o, 4) << 11) | (bits(o, 9, 8) << 9) | (bit(o, 10) << 8) |
  (bit(o, 6) << 7) | (bit(o, 7) << 6) | (bits(o, 3, 1) << 3) | (bit(o, 5) << 2) | 1;
const cb = (f3: number, rs1p: number, o: number): number =>
  (f3 << 13) | (bit(o, 8) << 12) | (bits(o, 4, 3) << 10) | (p3(rs1p) << 7) | (bits(o, 7, 6) << 5) | (bits(o, 2, 1) << 3) | (bit(o, 5) << 2) | 1;
const cbAlu = (f2: number, rdp: number, imm6: number): number =>
  (4 << 13) | (bit(imm6, 5) << 12) | (f2 << 10) | (p3(rdp) << 7) | (bits(imm6, 4, 0) << 2) | 1;
const ca = (f2: number, rdp: number, rs2p: number): number => (4 << 13) | (3 << 10) | (p3(rdp) << 7) | (f2 << 5) | (p3(rs2p) << 2) | 1;
const cr = (f4: number, rd: number, rs2: number): number => (f4 << 12) | (rd << 7) | (rs2 << 2) | 2;
const lwsp = (rd: number, u: number): number => (2 << 13) | (bit(u, 5) << 12) | (rd << 7) | (bits(u, 4, 2) << 4) | (bits(u, 7, 6) << 2) | 2;
const swsp = (rs2: number, u: number): number => (6 << 13) | (bits(u, 5, 2) << 9) | (bits(u, 7, 6) << 7) | (rs2 << 2) | 2;

/** For each compressed mnemonic: an encoder from its assembly operands
 *  (a, b), its expansion per the RVC chapter, and a random valid operand
 *  generator. */
interface RvcSpec {
  enc: (a: number, b: number) => number;
  expand: (a: number, b: number) => Expansion;
  random: (r: () => number) => [number, number];
}
const reg = (r: () => number): number => r() % 32;
const nzReg = (r: () => number): number => 1 + (r() % 31);
const pReg = (r: () => number): number => 8 + (r() % 8);
const sImm = (r: () => number, width: number, scale: number): number => ((r() % (1 << width)) - (1 << (width - 1))) * scale;
const uImm = (r: () => number, width: number, scale: number): number => (r() % (1 << width)) * scale;
const nonzero = (f: () => number): number => { for (;;) { const v = f(); if (v !== 0) return v; } };

const RVC_SPEC: Record<string, RvcSpec> = {
  'c.addi4spn': { enc: (rd, u) => ciw(rd, u), expand: (rd, u) => exp('addi', { rd, rs1: 2, imm: u }),
    random: (r) => [pReg(r), nonzero(() => uImm(r, 8, 4))] },
  'c.lw': { enc: (rd, u) => cl(2, rd, 8 + (u >>> 16), u & 0xffff), expand: (rd, u) => exp('lw', { rd, rs1: 8 + (u >>> 16), imm: u & 0xffff }),
    random: (r) => [pReg(r), ((r() % 8) << 16) | uImm(r, 5, 4)] },
  'c.sw': { enc: (rs2, u) => cl(6, rs2, 8 + (u >>> 16), u & 0xffff), expand: (rs2, u) => exp('sw', { rs1: 8 + (u >>> 16), rs2, imm: u & 0xffff }),
    random: (r) => [pReg(r), ((r() % 8) << 16) | uImm(r, 5, 4)] },
  'c.addi': { enc: (rd, i) => ci(0, rd, i, 1), expand: (rd, i) => exp('addi', { rd, rs1: rd, imm: i }), random: (r) => [reg(r), sImm(r, 6, 1)] },
  'c.jal': { enc: (_, o) => cj(1, o), expand: (_, o) => exp('jal', { rd: 1, imm: o }), random: (r) => [0, sImm(r, 11, 2)] },
  'c.li': { enc: (rd, i) => ci(2, rd, i, 1), expand: (rd, i) => exp('addi', { rd, rs1: 0, imm: i }), random: (r) => [reg(r), sImm(r, 6, 1)] },
  'c.addi16sp': { enc: (_, i) => addi16sp(i), expand: (_, i) => exp('addi', { rd: 2, rs1: 2, imm: i }),
    random: (r) => [2, nonzero(() => sImm(r, 6, 16))] },
  'c.lui': { enc: (rd, i) => ci(3, rd, i >> 12, 1), expand: (rd, i) => exp('lui', { rd, imm: i }),
    random: (r) => { let rd; do rd = nzReg(r); while (rd === 2); return [rd, nonzero(() => sImm(r, 6, 4096))]; } },
  'c.srli': { enc: (rd, s) => cbAlu(0, rd, s), expand: (rd, s) => exp('srli', { rd, rs1: rd, imm: s }), random: (r) => [pReg(r), r() % 32] },
  'c.srai': { enc: (rd, s) => cbAlu(1, rd, s), expand: (rd, s) => exp('srai', { rd, rs1: rd, imm: s }), random: (r) => [pReg(r), r() % 32] },
  'c.andi': { enc: (rd, i) => cbAlu(2, rd, i), expand: (rd, i) => exp('andi', { rd, rs1: rd, imm: i }), random: (r) => [pReg(r), sImm(r, 6, 1)] },
  'c.sub': { enc: (rd, rs2) => ca(0, rd, rs2), expand: (rd, rs2) => exp('sub', { rd, rs1: rd, rs2 }), random: (r) => [pReg(r), pReg(r)] },
  'c.xor': { enc: (rd, rs2) => ca(1, rd, rs2), expand: (rd, rs2) => exp('xor', { rd, rs1: rd, rs2 }), random: (r) => [pReg(r), pReg(r)] },
  'c.or': { enc: (rd, rs2) => ca(2, rd, rs2), expand: (rd, rs2) => exp('or', { rd, rs1: rd, rs2 }), random: (r) => [pReg(r), pReg(r)] },
  'c.and': { enc: (rd, rs2) => ca(3, rd, rs2), expand: (rd, rs2) => exp('and', { rd, rs1: rd, rs2 }), random: (r) => [pReg(r), pReg(r)] },
  'c.j': { enc: (_, o) => cj(5, o), expand: (_, o) => exp('jal', { rd: 0, imm: o }), random: (r) => [0, sImm(r, 11, 2)] },
  'c.beqz': { enc: (rs1, o) => cb(6, rs1, o), expand: (rs1, o) => exp('beq', { rs1, rs2: 0, imm: o }), random: (r) => [pReg(r), sImm(r, 8, 2)] },
  'c.bnez': { enc: (rs1, o) => cb(7, rs1, o), expand: (rs1, o) => exp('bne', { rs1, rs2: 0, imm: o }), random: (r) => [pReg(r), sImm(r, 8, 2)] },
  'c.slli': { enc: (rd, s) => ci(0, rd, s, 2), expand: (rd, s) => exp('slli', { rd, rs1: rd, imm: s }), random: (r) => [reg(r), r() % 32] },
  'c.lwsp': { enc: (rd, u) => lwsp(rd, u), expand: (rd, u) => exp('lw', { rd, rs1: 2, imm: u }), random: (r) => [nzReg(r), uImm(r, 6, 4)] },
  'c.jr': { enc: (rs1) => cr(8, rs1, 0), expand: (rs1) => exp('jalr', { rd: 0, rs1, imm: 0 }), random: (r) => [nzReg(r), 0] },
  'c.mv': { enc: (rd, rs2) => cr(8, rd, rs2), expand: (rd, rs2) => exp('add', { rd, rs1: 0, rs2 }), random: (r) => [reg(r), nzReg(r)] },
  'c.ebreak': { enc: () => cr(9, 0, 0), expand: () => exp('ebreak'), random: () => [0, 0] },
  'c.jalr': { enc: (rs1) => cr(9, rs1, 0), expand: (rs1) => exp('jalr', { rd: 1, rs1, imm: 0 }), random: (r) => [nzReg(r), 0] },
  'c.add': { enc: (rd, rs2) => cr(9, rd, rs2), expand: (rd, rs2) => exp('add', { rd, rs1: rd, rs2 }), random: (r) => [reg(r), nzReg(r)] },
  'c.swsp': { enc: (rs2, u) => swsp(rs2, u), expand: (rs2, u) => exp('sw', { rs1: 2, rs2, imm: u }), random: (r) => [reg(r), uImm(r, 6, 4)] },
};

t.test('RVC_INSNS lists every RV32C integer instruction', async (t) => {
  t.same(RVC_INSNS.map((e) => e.name).sort(), Object.keys(RVC_SPEC).sort());
});

/** [GNU encoding, mnemonic, operands for RVC_SPEC's encoder, expansion]. The
 *  operands of c.lw/c.sw pack rs1' in the high half of the second one. */
const GNU_RVC: [number, string, number, number, Expansion][] = [
  [0x0040, 'c.addi4spn', 8, 4, exp('addi', { rd: 8, rs1: 2, imm: 4 })],
  [0x1ffc, 'c.addi4spn', 15, 1020, exp('addi', { rd: 15, rs1: 2, imm: 1020 })],
  [0x0404, 'c.addi4spn', 9, 512, exp('addi', { rd: 9, rs1: 2, imm: 512 })],
  [0x4380, 'c.lw', 8, (7 << 16) | 0, exp('lw', { rd: 8, rs1: 15, imm: 0 })],
  [0x5c7c, 'c.lw', 15, (0 << 16) | 124, exp('lw', { rd: 15, rs1: 8, imm: 124 })],
  [0x40b4, 'c.lw', 13, (1 << 16) | 64, exp('lw', { rd: 13, rs1: 9, imm: 64 })],
  [0xdfe0, 'c.sw', 8, (7 << 16) | 124, exp('sw', { rs1: 15, rs2: 8, imm: 124 })],
  [0xc01c, 'c.sw', 15, (0 << 16) | 0, exp('sw', { rs1: 8, rs2: 15, imm: 0 })],
  [0xc1c8, 'c.sw', 10, (3 << 16) | 4, exp('sw', { rs1: 11, rs2: 10, imm: 4 })],
  [0x0001, 'c.addi', 0, 0, exp('addi')], // c.nop
  [0x1f81, 'c.addi', 31, -32, exp('addi', { rd: 31, rs1: 31, imm: -32 })],
  [0x00fd, 'c.addi', 1, 31, exp('addi', { rd: 1, rs1: 1, imm: 31 })],
  [0x3001, 'c.jal', 0, -2048, exp('jal', { rd: 1, imm: -2048 })],
  [0x2ffd, 'c.jal', 0, 2046, exp('jal', { rd: 1, imm: 2046 })],
  [0x5f81, 'c.li', 31, -32, exp('addi', { rd: 31, rs1: 0, imm: -32 })],
  [0x40fd, 'c.li', 1, 31, exp('addi', { rd: 1, rs1: 0, imm: 31 })],
  [0x4501, 'c.li', 10, 0, exp('addi', { rd: 10, rs1: 0, imm: 0 })],
  [0x7101, 'c.addi16sp', 2, -512, exp('addi', { rd: 2, rs1: 2, imm: -512 })],
  [0x617d, 'c.addi16sp', 2, 496, exp('addi', { rd: 2, rs1: 2, imm: 496 })],
  [0x6141, 'c.addi16sp', 2, 16, exp('addi', { rd: 2, rs1: 2, imm: 16 })],
  [0x717d, 'c.addi16sp', 2, -16, exp('addi', { rd: 2, rs1: 2, imm: -16 })],
  [0x7081, 'c.lui', 1, -32 << 12, exp('lui', { rd: 1, imm: -32 << 12 })],
  [0x6ffd, 'c.lui', 31, 31 << 12, exp('lui', { rd: 31, imm: 31 << 12 })],
  [0x6185, 'c.lui', 3, 1 << 12, exp('lui', { rd: 3, imm: 1 << 12 })],
  [0x727d, 'c.lui', 4, -1 << 12, exp('lui', { rd: 4, imm: -4096 })],
  [0x8005, 'c.srli', 8, 1, exp('srli', { rd: 8, rs1: 8, imm: 1 })],
  [0x83fd, 'c.srli', 15, 31, exp('srli', { rd: 15, rs1: 15, imm: 31 })],
  [0x84fd, 'c.srai', 9, 31, exp('srai', { rd: 9, rs1: 9, imm: 31 })],
  [0x8705, 'c.srai', 14, 1, exp('srai', { rd: 14, rs1: 14, imm: 1 })],
  [0x9801, 'c.andi', 8, -32, exp('andi', { rd: 8, rs1: 8, imm: -32 })],
  [0x8bfd, 'c.andi', 15, 31, exp('andi', { rd: 15, rs1: 15, imm: 31 })],
  [0x8901, 'c.andi', 10, 0, exp('andi', { rd: 10, rs1: 10, imm: 0 })],
  [0x8c1d, 'c.sub', 8, 15, exp('sub', { rd: 8, rs1: 8, rs2: 15 })],
  [0x8fa1, 'c.xor', 15, 8, exp('xor', { rd: 15, rs1: 15, rs2: 8 })],
  [0x8cd9, 'c.or', 9, 14, exp('or', { rd: 9, rs1: 9, rs2: 14 })],
  [0x8d6d, 'c.and', 10, 11, exp('and', { rd: 10, rs1: 10, rs2: 11 })],
  [0xb001, 'c.j', 0, -2048, exp('jal', { rd: 0, imm: -2048 })],
  [0xaffd, 'c.j', 0, 2046, exp('jal', { rd: 0, imm: 2046 })],
  [0xa009, 'c.j', 0, 2, exp('jal', { rd: 0, imm: 2 })],
  [0xd001, 'c.beqz', 8, -256, exp('beq', { rs1: 8, rs2: 0, imm: -256 })],
  [0xcffd, 'c.beqz', 15, 254, exp('beq', { rs1: 15, rs2: 0, imm: 254 })],
  [0xf081, 'c.bnez', 9, -256, exp('bne', { rs1: 9, rs2: 0, imm: -256 })],
  [0xef7d, 'c.bnez', 14, 254, exp('bne', { rs1: 14, rs2: 0, imm: 254 })],
  [0xe109, 'c.bnez', 10, 2, exp('bne', { rs1: 10, rs2: 0, imm: 2 })],
  [0x00fe, 'c.slli', 1, 31, exp('slli', { rd: 1, rs1: 1, imm: 31 })],
  [0x0f86, 'c.slli', 31, 1, exp('slli', { rd: 31, rs1: 31, imm: 1 })],
  [0x4082, 'c.lwsp', 1, 0, exp('lw', { rd: 1, rs1: 2, imm: 0 })],
  [0x5ffe, 'c.lwsp', 31, 252, exp('lw', { rd: 31, rs1: 2, imm: 252 })],
  [0x450a, 'c.lwsp', 10, 128, exp('lw', { rd: 10, rs1: 2, imm: 128 })],
  [0x8082, 'c.jr', 1, 0, exp('jalr', { rd: 0, rs1: 1, imm: 0 })],
  [0x8f82, 'c.jr', 31, 0, exp('jalr', { rd: 0, rs1: 31, imm: 0 })],
  [0x80fe, 'c.mv', 1, 31, exp('add', { rd: 1, rs1: 0, rs2: 31 })],
  [0x8f86, 'c.mv', 31, 1, exp('add', { rd: 31, rs1: 0, rs2: 1 })],
  [0x9002, 'c.ebreak', 0, 0, exp('ebreak')],
  [0x9082, 'c.jalr', 1, 0, exp('jalr', { rd: 1, rs1: 1, imm: 0 })],
  [0x9f82, 'c.jalr', 31, 0, exp('jalr', { rd: 1, rs1: 31, imm: 0 })],
  [0x90fe, 'c.add', 1, 31, exp('add', { rd: 1, rs1: 1, rs2: 31 })],
  [0x9f86, 'c.add', 31, 1, exp('add', { rd: 31, rs1: 31, rs2: 1 })],
  [0xc006, 'c.swsp', 1, 0, exp('sw', { rs1: 2, rs2: 1, imm: 0 })],
  [0xdffe, 'c.swsp', 31, 252, exp('sw', { rs1: 2, rs2: 31, imm: 252 })],
  [0xc102, 'c.swsp', 0, 128, exp('sw', { rs1: 2, rs2: 0, imm: 128 })],
];

t.test('RVC encodings from GNU as expand to the right base instruction', async (t) => {
  for (const [raw, mnemonic, a, b, want] of GNU_RVC) {
    const d = decode(raw);
    const what = `0x${raw.toString(16).padStart(4, '0')} ${mnemonic}`;
    t.same(view(d), want, `${what} expansion`);
    t.equal(d?.mnemonic, mnemonic, `${what} mnemonic`);
    t.equal(d?.size, 2, `${what} size`);
    // The test's own encoder agrees with the assembler (it is reused below).
    t.equal(RVC_SPEC[mnemonic]!.enc(a, b), raw, `${what} test encoder matches GNU as`);
  }
  // Every RVC entry appears in the GNU table.
  t.same([...new Set(GNU_RVC.map((c) => c[1]))].sort(), RVC_INSNS.map((e) => e.name).sort(), 'coverage');
});

t.test('RVC random sweep: encode operands, decode, compare with the spec expansion', async (t) => {
  const r = prng32(0xc0ffee);
  for (const [name, spec] of Object.entries(RVC_SPEC)) {
    let bad = 0;
    let first = '';
    for (let i = 0; i < 300; i++) {
      const [a, b] = spec.random(r);
      const raw = spec.enc(a, b);
      const got = decode(raw);
      const want = spec.expand(a, b);
      if (JSON.stringify(view(got)) !== JSON.stringify(want) || got?.mnemonic !== name) {
        bad++;
        first ||= `0x${raw.toString(16)}: got ${JSON.stringify(view(got))} (${got?.mnemonic}), want ${JSON.stringify(want)}`;
      }
    }
    t.equal(bad, 0, `${name}: 300 random encodings ${first}`);
  }
});

t.test('reserved and unsupported encodings decode to null', async (t) => {
  const reserved: [number, string][] = [
    [0x0000, 'all-zero parcel (c.addi4spn x8 with nzuimm 0)'],
    [0x0004, 'c.addi4spn x9, sp, 0'],
    [0x001c, 'c.addi4spn x15, sp, 0'],
    [lwsp(0, 0), 'c.lwsp x0, 0(sp)'],
    [lwsp(0, 252), 'c.lwsp x0, 252(sp)'],
    [0x8002, 'c.jr x0'],
    [ci(3, 1, 0, 1), 'c.lui ra, 0'],
    [ci(3, 31, 0, 1), 'c.lui t6, 0'],
    [ci(3, 2, 0, 1), 'c.addi16sp sp, 0'],
    [cbAlu(0, 8, 32), 'c.srli s0, 32 (shamt[5]=1)'],
    [0x9001, 'c.srli s0, 32 from GNU rv64'],
    [0x9401, 'c.srai s0, 32 from GNU rv64'],
    [0x1402, 'c.slli s0, 32 from GNU rv64'],
    [ci(0, 1, 63, 2), 'c.slli ra, 63'],
    [0x9c05, 'c.subw (RV64)'],
    [0x9c25, 'c.addw (RV64)'],
    [0x6480, 'c.ld / c.flw s0, 8(s1)'],
    [0x60c0, 'c.flw'],
    [0x2480, 'c.fld'],
    [0xe0c0, 'c.fsw'],
    [0xa480, 'c.fsd'],
    [0x6092, 'c.flwsp'],
    [0x20a2, 'c.fldsp'],
    [0xe206, 'c.fswsp'],
    [0xa406, 'c.fsdsp'],
    [0x8000, 'quadrant 0, funct3 100 (reserved)'],
    [0x00000007, 'opcode LOAD-FP (flw)'],
    [0x00312087, 'flw f1, 3(sp)'],
    [0x003170d3, 'fadd.s'],
    [0x0000000b, 'custom-0'],
    [0x0000001b, 'OP-IMM-32 (RV64)'],
    [0x0000003b, 'OP-32 (RV64)'],
    [0x0000005b, 'custom-2'],
    [0x0000006b, 'reserved opcode 1101011'],
    [0x0000007b, 'custom-3'],
    [0x0000001f, '48-bit encoding prefix (xx011111)'],
    [0x0000003f, '64-bit encoding prefix (x0111111)'],
    [0x0000007f, '>=80-bit encoding prefix'],
    [0xffffffff, 'all ones'],
    [0x00013003 | (1 << 7), 'ld (lw with funct3 011)'],
    [0x00002063, 'branch funct3 010'],
    [0x00003063, 'branch funct3 011'],
    [0x00001067, 'jalr funct3 001'],
    [0x00003023, 'sd (store funct3 011)'],
    [0x02001013, 'slli with shamt[5]=1'],
    [0x42005013, 'srai with shamt[5]=1'],
    [0x80001013, 'slli with funct7 1000000'],
    [0x40000033 | (1 << 12), 'sub-like funct7 with sll funct3'],
    [0x00100033 | (1 << 25) << 1, 'funct7 0000010 on OP'],
    [0x000000f3, 'ecall with rd=1'],
    [0x00200073, 'system imm 2 (uret-like)'],
    [0x30200073, 'mret'],
    [0x10500073, 'wfi'],
    [0x00004073, 'system funct3 100'],
    [0x0000200f, 'misc-mem funct3 010'],
    [0x100322af | (1 << 20), 'lr.w with rs2 != 0'],
    [0x0000302f, 'AMO with funct3 011 (RV64 .d)'],
    [0x1800202f | (1 << 29), 'AMO funct5 11011 (unassigned)'],
  ];
  for (const [raw, what] of reserved) t.equal(decode(raw), null, `${what}: 0x${(raw >>> 0).toString(16)}`);
});

t.test('insnLength and decode of a 16-bit value handed in a wider word', async (t) => {
  t.equal(insnLength(0x0001), 2, 'quadrant 1');
  t.equal(insnLength(0x0002), 2, 'quadrant 2');
  t.equal(insnLength(0x0513), 4, '32-bit');
  // A compressed encoding ignores the upper half.
  t.same(view(decode(0xabcd0000 | 0x4094)), exp('lw', { rd: 13, rs1: 9, imm: 0 }), 'upper half ignored');
  t.equal(decode(0xabcd0000 | 0x4094)?.raw, 0x4094, 'raw is the parcel');
});

t.test('disassembly', async (t) => {
  const dis = (pc: number, raw: number): string =>
    insnLength(raw & 0xffff) === 4 ? disassemble(pc, raw & 0xffff, raw >>> 16) : disassemble(pc, raw);
  t.equal(dis(0x1000, 0xfff50513), 'fff50513  addi a0, a0, -1');
  t.equal(dis(0x1000, 0x00812783), '00812783  lw a5, 8(sp)');
  t.equal(dis(0x1000, 0x81f0a023), '81f0a023  sw t6, -2048(ra)');
  t.equal(dis(0x1000, 0x4094), '4094  c.lw a3, 0(s1)');
  t.equal(dis(0x1000, 0xc1c8), 'c1c8  c.sw a0, 4(a1)');
  t.equal(dis(0x1000, 0x80fe), '80fe  c.mv ra, zero, t6', 'c.mv shows its add operands');
  // Branch and jump targets are absolute, relative to pc.
  t.equal(dis(0x1101c, 0x01b98463), '01b98463  beq s3, s11, 0x11024');
  t.equal(dis(0x4c, 0xfe20f9e3), 'fe20f9e3  bgeu ra, sp, 0x3e');
  t.equal(dis(0x40, 0x80208063), '80208063  beq ra, sp, 0xfffff040', 'wraps below 0');
  t.equal(dis(0x11000, 0xb001), 'b001  c.j zero, 0x10800');
  t.equal(dis(0x11000, 0x2ffd), '2ffd  c.jal ra, 0x117fe');
  t.equal(dis(0x2000, 0xd001), 'd001  c.beqz s0, zero, 0x1f00');
  t.equal(dis(0x54, 0x7fffffef), '7fffffef  jal t6, 0x100052');
  // U-type shows the 20-bit immediate.
  t.equal(dis(0, 0x800000b7), '800000b7  lui ra, 0x80000');
  t.equal(dis(0, 0x7081), '7081  c.lui ra, 0xfffe0');
  // CSRs by name when known; zimm as a number.
  t.equal(dis(0, 0xc0002573), 'c0002573  csrrs a0, cycle, zero');
  t.equal(dis(0, 0xffff9573), 'ffff9573  csrrw a0, 0xfff, t6');
  t.equal(dis(0, 0x001fd573), '001fd573  csrrwi a0, 0x1, 31');
  // Atomics carry their ordering suffix.
  t.equal(dis(0, 0x140322af), '140322af  lr.w.aq t0, (t1)');
  t.equal(dis(0, 0x1a7322af), '1a7322af  sc.w.rl t0, t2, (t1)');
  t.equal(dis(0, 0x067322af), '067322af  amoadd.w.aqrl t0, t2, (t1)');
  t.equal(dis(0, 0xe021a0af), 'e021a0af  amomaxu.w ra, sp, (gp)');
  t.equal(dis(0, 0x00000073), '00000073  ecall');
  t.equal(dis(0, 0x9002), '9002  c.ebreak');
  t.equal(dis(0, 0x0000), '0000  (illegal)');
  t.equal(dis(0, 0x00000007), '00000007  (illegal)');
});
