import { decode, insnLength, type DecodedInsn } from './decoder.js';
import { COUNTER_CSRS, REG_NAMES } from './registers.js';

/** Disassembly derived from the decode table's operand syntax. */

const r = (n: number): string => REG_NAMES[n] ?? `x${n}`;
const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

export function formatInsn(insn: DecodedInsn, pc: number): string {
  const { rd, rs1, rs2, imm } = insn;
  const name = insn.def.name === 'lr.w' || insn.def.name === 'sc.w' || insn.def.name.startsWith('amo')
    ? insn.mnemonic + ['', '.rl', '.aq', '.aqrl'][imm & 3]
    : insn.mnemonic;
  const csr = (): string => COUNTER_CSRS[imm & 0xfff] ?? hex(imm & 0xfff);
  switch (insn.def.syntax) {
    case 'rd,rs1,rs2': return `${name} ${r(rd)}, ${r(rs1)}, ${r(rs2)}`;
    case 'rd,rs1,imm': return `${name} ${r(rd)}, ${r(rs1)}, ${imm}`;
    case 'rd,imm(rs1)': return `${name} ${r(rd)}, ${imm}(${r(rs1)})`;
    case 'rs2,imm(rs1)': return `${name} ${r(rs2)}, ${imm}(${r(rs1)})`;
    case 'rs1,rs2,target': return `${name} ${r(rs1)}, ${r(rs2)}, ${hex(pc + imm)}`;
    case 'rd,uimm20': return `${name} ${r(rd)}, ${hex(imm >>> 12)}`;
    case 'rd,target': return `${name} ${r(rd)}, ${hex(pc + imm)}`;
    case 'rd,csr,rs1': return `${name} ${r(rd)}, ${csr()}, ${r(rs1)}`;
    case 'rd,csr,zimm': return `${name} ${r(rd)}, ${csr()}, ${rs1}`;
    case 'rd,rs2,(rs1)': return `${name} ${r(rd)}, ${r(rs2)}, (${r(rs1)})`;
    case 'rd,(rs1)': return `${name} ${r(rd)}, (${r(rs1)})`;
    case 'none': return name;
  }
}

/** Disassembles the instruction whose encoding starts with `lo16`
 *  (and continues with `hi16` for a 32-bit one). */
export function disassemble(pc: number, lo16: number, hi16 = 0): string {
  const raw = insnLength(lo16) === 4 ? (((hi16 & 0xffff) << 16) | (lo16 & 0xffff)) >>> 0 : lo16 & 0xffff;
  const insn = decode(raw);
  const width = insnLength(lo16) === 4 ? 8 : 4;
  const text = insn ? formatInsn(insn, pc) : '(illegal)';
  return `${raw.toString(16).padStart(width, '0')}  ${text}`;
}
