/**
 * The RV32IMAC + Zicsr + Zifencei instruction set as data: one table from
 * which the decoder (decoder.ts) and the disassembler (disasm.ts) are
 * derived. Semantics live in translate.ts, keyed by the names used here.
 *
 * Like QEMU's decodetree, a compressed instruction is described as a 16-bit
 * pattern that expands to a 32-bit instruction with its arguments taken
 * from fields or constants, so the translator only knows base instructions.
 */

/** Named bit fields (see fields.ts for the syntax). */
export const FIELDS = {
  rd: '7:5',
  rs1: '15:5',
  rs2: '20:5',
  imm_i: '20:s12',
  imm_s: '25:s7 7:5',
  imm_b: '31:s1 7:1 25:6 8:4 <<1',
  imm_u: '12:s20 <<12',
  imm_j: '31:s1 12:8 20:1 21:10 <<1',
  shamt: '20:5',
  csr: '20:12',
  aqrl: '25:2',
  fence: '20:12',
  // Compressed (RVC) fields.
  c_rd_p: '2:3 +8',
  c_rs1_p: '7:3 +8',
  c_rs2_p: '2:3 +8',
  c_rs2: '2:5',
  c_imm_ci: '12:s1 2:5',
  c_shamt: '2:5',
  c_uimm_ciw: '7:4 11:2 5:1 6:1 <<2',
  c_uimm_cl: '5:1 10:3 6:1 <<2',
  c_imm_lui: '12:s1 2:5 <<12',
  c_imm_addi16sp: '12:s1 3:2 5:1 2:1 6:1 <<4',
  c_imm_j: '12:s1 8:1 9:2 6:1 7:1 2:1 11:1 3:3 <<1',
  c_imm_b: '12:s1 5:2 2:1 10:2 3:2 <<1',
  c_uimm_lwsp: '2:2 12:1 4:3 <<2',
  c_uimm_swsp: '7:2 9:4 <<2',
} as const;

export type FieldName = keyof typeof FIELDS;

/** The arguments every decoded instruction carries. */
export type ArgName = 'rd' | 'rs1' | 'rs2' | 'imm';

/** An argument comes from a named field or is a constant. */
export type ArgSource = FieldName | number;

/** How a format's arguments read in assembly. */
export type Syntax =
  | 'rd,rs1,rs2' | 'rd,rs1,imm' | 'rd,imm(rs1)' | 'rs2,imm(rs1)' | 'rs1,rs2,target' | 'rd,uimm20'
  | 'rd,target' | 'rd,csr,rs1' | 'rd,csr,zimm' | 'rd,rs2,(rs1)' | 'rd,(rs1)' | 'none';

export interface Format {
  readonly args: Partial<Record<ArgName, ArgSource>>;
  readonly syntax: Syntax;
}

export const FORMATS = {
  R: { args: { rd: 'rd', rs1: 'rs1', rs2: 'rs2' }, syntax: 'rd,rs1,rs2' },
  I: { args: { rd: 'rd', rs1: 'rs1', imm: 'imm_i' }, syntax: 'rd,rs1,imm' },
  SHIFT: { args: { rd: 'rd', rs1: 'rs1', imm: 'shamt' }, syntax: 'rd,rs1,imm' },
  LOAD: { args: { rd: 'rd', rs1: 'rs1', imm: 'imm_i' }, syntax: 'rd,imm(rs1)' },
  S: { args: { rs1: 'rs1', rs2: 'rs2', imm: 'imm_s' }, syntax: 'rs2,imm(rs1)' },
  B: { args: { rs1: 'rs1', rs2: 'rs2', imm: 'imm_b' }, syntax: 'rs1,rs2,target' },
  U: { args: { rd: 'rd', imm: 'imm_u' }, syntax: 'rd,uimm20' },
  J: { args: { rd: 'rd', imm: 'imm_j' }, syntax: 'rd,target' },
  CSR: { args: { rd: 'rd', rs1: 'rs1', imm: 'csr' }, syntax: 'rd,csr,rs1' },
  /** The 5-bit immediate of csrr*i sits in the rs1 field. */
  CSRI: { args: { rd: 'rd', rs1: 'rs1', imm: 'csr' }, syntax: 'rd,csr,zimm' },
  AMO: { args: { rd: 'rd', rs1: 'rs1', rs2: 'rs2', imm: 'aqrl' }, syntax: 'rd,rs2,(rs1)' },
  LR: { args: { rd: 'rd', rs1: 'rs1', imm: 'aqrl' }, syntax: 'rd,(rs1)' },
  FENCE: { args: { imm: 'fence' }, syntax: 'none' },
  NONE: { args: {}, syntax: 'none' },
} as const satisfies Record<string, Format>;

export type FormatName = keyof typeof FORMATS;

/** A 32-bit instruction: name, pattern, format. */
export type BaseEntry = readonly [name: string, pattern: string, format: FormatName];

export const RV32_INSNS: readonly BaseEntry[] = [
  // RV32I
  ['lui', '....................  ..... 0110111', 'U'],
  ['auipc', '....................  ..... 0010111', 'U'],
  ['jal', '....................  ..... 1101111', 'J'],
  ['jalr', '............ ..... 000 ..... 1100111', 'LOAD'],
  ['beq', '....... ..... ..... 000 ..... 1100011', 'B'],
  ['bne', '....... ..... ..... 001 ..... 1100011', 'B'],
  ['blt', '....... ..... ..... 100 ..... 1100011', 'B'],
  ['bge', '....... ..... ..... 101 ..... 1100011', 'B'],
  ['bltu', '....... ..... ..... 110 ..... 1100011', 'B'],
  ['bgeu', '....... ..... ..... 111 ..... 1100011', 'B'],
  ['lb', '............ ..... 000 ..... 0000011', 'LOAD'],
  ['lh', '............ ..... 001 ..... 0000011', 'LOAD'],
  ['lw', '............ ..... 010 ..... 0000011', 'LOAD'],
  ['lbu', '............ ..... 100 ..... 0000011', 'LOAD'],
  ['lhu', '............ ..... 101 ..... 0000011', 'LOAD'],
  ['sb', '....... ..... ..... 000 ..... 0100011', 'S'],
  ['sh', '....... ..... ..... 001 ..... 0100011', 'S'],
  ['sw', '....... ..... ..... 010 ..... 0100011', 'S'],
  ['addi', '............ ..... 000 ..... 0010011', 'I'],
  ['slti', '............ ..... 010 ..... 0010011', 'I'],
  ['sltiu', '............ ..... 011 ..... 0010011', 'I'],
  ['xori', '............ ..... 100 ..... 0010011', 'I'],
  ['ori', '............ ..... 110 ..... 0010011', 'I'],
  ['andi', '............ ..... 111 ..... 0010011', 'I'],
  ['slli', '0000000 ..... ..... 001 ..... 0010011', 'SHIFT'],
  ['srli', '0000000 ..... ..... 101 ..... 0010011', 'SHIFT'],
  ['srai', '0100000 ..... ..... 101 ..... 0010011', 'SHIFT'],
  ['add', '0000000 ..... ..... 000 ..... 0110011', 'R'],
  ['sub', '0100000 ..... ..... 000 ..... 0110011', 'R'],
  ['sll', '0000000 ..... ..... 001 ..... 0110011', 'R'],
  ['slt', '0000000 ..... ..... 010 ..... 0110011', 'R'],
  ['sltu', '0000000 ..... ..... 011 ..... 0110011', 'R'],
  ['xor', '0000000 ..... ..... 100 ..... 0110011', 'R'],
  ['srl', '0000000 ..... ..... 101 ..... 0110011', 'R'],
  ['sra', '0100000 ..... ..... 101 ..... 0110011', 'R'],
  ['or', '0000000 ..... ..... 110 ..... 0110011', 'R'],
  ['and', '0000000 ..... ..... 111 ..... 0110011', 'R'],
  ['fence', '............ ..... 000 ..... 0001111', 'FENCE'],
  ['ecall', '000000000000 00000 000 00000 1110011', 'NONE'],
  ['ebreak', '000000000001 00000 000 00000 1110011', 'NONE'],
  // Zifencei
  ['fence.i', '............ ..... 001 ..... 0001111', 'NONE'],
  // Zicsr
  ['csrrw', '............ ..... 001 ..... 1110011', 'CSR'],
  ['csrrs', '............ ..... 010 ..... 1110011', 'CSR'],
  ['csrrc', '............ ..... 011 ..... 1110011', 'CSR'],
  ['csrrwi', '............ ..... 101 ..... 1110011', 'CSRI'],
  ['csrrsi', '............ ..... 110 ..... 1110011', 'CSRI'],
  ['csrrci', '............ ..... 111 ..... 1110011', 'CSRI'],
  // M
  ['mul', '0000001 ..... ..... 000 ..... 0110011', 'R'],
  ['mulh', '0000001 ..... ..... 001 ..... 0110011', 'R'],
  ['mulhsu', '0000001 ..... ..... 010 ..... 0110011', 'R'],
  ['mulhu', '0000001 ..... ..... 011 ..... 0110011', 'R'],
  ['div', '0000001 ..... ..... 100 ..... 0110011', 'R'],
  ['divu', '0000001 ..... ..... 101 ..... 0110011', 'R'],
  ['rem', '0000001 ..... ..... 110 ..... 0110011', 'R'],
  ['remu', '0000001 ..... ..... 111 ..... 0110011', 'R'],
  // A
  ['lr.w', '00010 .. 00000 ..... 010 ..... 0101111', 'LR'],
  ['sc.w', '00011 .. ..... ..... 010 ..... 0101111', 'AMO'],
  ['amoswap.w', '00001 .. ..... ..... 010 ..... 0101111', 'AMO'],
  ['amoadd.w', '00000 .. ..... ..... 010 ..... 0101111', 'AMO'],
  ['amoxor.w', '00100 .. ..... ..... 010 ..... 0101111', 'AMO'],
  ['amoand.w', '01100 .. ..... ..... 010 ..... 0101111', 'AMO'],
  ['amoor.w', '01000 .. ..... ..... 010 ..... 0101111', 'AMO'],
  ['amomin.w', '10000 .. ..... ..... 010 ..... 0101111', 'AMO'],
  ['amomax.w', '10100 .. ..... ..... 010 ..... 0101111', 'AMO'],
  ['amominu.w', '11000 .. ..... ..... 010 ..... 0101111', 'AMO'],
  ['amomaxu.w', '11100 .. ..... ..... 010 ..... 0101111', 'AMO'],
];

/** A compressed instruction: its pattern, the base instruction it expands
 *  to, where each argument comes from, and the arguments that must be
 *  non-zero (the zero code points are reserved). Order matters: the first
 *  matching entry wins, so specific patterns come before general ones. */
export interface CompressedEntry {
  readonly name: string;
  readonly pattern: string;
  readonly expands: string;
  readonly args: Partial<Record<ArgName, ArgSource>>;
  readonly nonzero?: readonly ArgName[];
}

export const RVC_INSNS: readonly CompressedEntry[] = [
  // Quadrant 0
  { name: 'c.addi4spn', pattern: '000 ........ ... 00', expands: 'addi', args: { rd: 'c_rd_p', rs1: 2, imm: 'c_uimm_ciw' }, nonzero: ['imm'] },
  { name: 'c.lw', pattern: '010 ... ... .. ... 00', expands: 'lw', args: { rd: 'c_rd_p', rs1: 'c_rs1_p', imm: 'c_uimm_cl' } },
  { name: 'c.sw', pattern: '110 ... ... .. ... 00', expands: 'sw', args: { rs1: 'c_rs1_p', rs2: 'c_rs2_p', imm: 'c_uimm_cl' } },
  // Quadrant 1
  { name: 'c.addi', pattern: '000 . ..... ..... 01', expands: 'addi', args: { rd: 'rd', rs1: 'rd', imm: 'c_imm_ci' } },
  { name: 'c.jal', pattern: '001 ........... 01', expands: 'jal', args: { rd: 1, imm: 'c_imm_j' } },
  { name: 'c.li', pattern: '010 . ..... ..... 01', expands: 'addi', args: { rd: 'rd', rs1: 0, imm: 'c_imm_ci' } },
  { name: 'c.addi16sp', pattern: '011 . 00010 ..... 01', expands: 'addi', args: { rd: 2, rs1: 2, imm: 'c_imm_addi16sp' }, nonzero: ['imm'] },
  { name: 'c.lui', pattern: '011 . ..... ..... 01', expands: 'lui', args: { rd: 'rd', imm: 'c_imm_lui' }, nonzero: ['imm'] },
  { name: 'c.srli', pattern: '100 0 00 ... ..... 01', expands: 'srli', args: { rd: 'c_rs1_p', rs1: 'c_rs1_p', imm: 'c_shamt' } },
  { name: 'c.srai', pattern: '100 0 01 ... ..... 01', expands: 'srai', args: { rd: 'c_rs1_p', rs1: 'c_rs1_p', imm: 'c_shamt' } },
  { name: 'c.andi', pattern: '100 . 10 ... ..... 01', expands: 'andi', args: { rd: 'c_rs1_p', rs1: 'c_rs1_p', imm: 'c_imm_ci' } },
  { name: 'c.sub', pattern: '100 0 11 ... 00 ... 01', expands: 'sub', args: { rd: 'c_rs1_p', rs1: 'c_rs1_p', rs2: 'c_rs2_p' } },
  { name: 'c.xor', pattern: '100 0 11 ... 01 ... 01', expands: 'xor', args: { rd: 'c_rs1_p', rs1: 'c_rs1_p', rs2: 'c_rs2_p' } },
  { name: 'c.or', pattern: '100 0 11 ... 10 ... 01', expands: 'or', args: { rd: 'c_rs1_p', rs1: 'c_rs1_p', rs2: 'c_rs2_p' } },
  { name: 'c.and', pattern: '100 0 11 ... 11 ... 01', expands: 'and', args: { rd: 'c_rs1_p', rs1: 'c_rs1_p', rs2: 'c_rs2_p' } },
  { name: 'c.j', pattern: '101 ........... 01', expands: 'jal', args: { rd: 0, imm: 'c_imm_j' } },
  { name: 'c.beqz', pattern: '110 ... ... ..... 01', expands: 'beq', args: { rs1: 'c_rs1_p', rs2: 0, imm: 'c_imm_b' } },
  { name: 'c.bnez', pattern: '111 ... ... ..... 01', expands: 'bne', args: { rs1: 'c_rs1_p', rs2: 0, imm: 'c_imm_b' } },
  // Quadrant 2
  { name: 'c.slli', pattern: '000 0 ..... ..... 10', expands: 'slli', args: { rd: 'rd', rs1: 'rd', imm: 'c_shamt' } },
  { name: 'c.lwsp', pattern: '010 . ..... ..... 10', expands: 'lw', args: { rd: 'rd', rs1: 2, imm: 'c_uimm_lwsp' }, nonzero: ['rd'] },
  { name: 'c.jr', pattern: '100 0 ..... 00000 10', expands: 'jalr', args: { rd: 0, rs1: 'rd', imm: 0 }, nonzero: ['rs1'] },
  { name: 'c.mv', pattern: '100 0 ..... ..... 10', expands: 'add', args: { rd: 'rd', rs1: 0, rs2: 'c_rs2' }, nonzero: ['rs2'] },
  { name: 'c.ebreak', pattern: '100 1 00000 00000 10', expands: 'ebreak', args: {} },
  { name: 'c.jalr', pattern: '100 1 ..... 00000 10', expands: 'jalr', args: { rd: 1, rs1: 'rd', imm: 0 }, nonzero: ['rs1'] },
  { name: 'c.add', pattern: '100 1 ..... ..... 10', expands: 'add', args: { rd: 'rd', rs1: 'rd', rs2: 'c_rs2' }, nonzero: ['rs2'] },
  { name: 'c.swsp', pattern: '110 . ..... ..... 10', expands: 'sw', args: { rs1: 2, rs2: 'c_rs2', imm: 'c_uimm_swsp' } },
];
