import { IRBuilder, constant } from '../../ir/builder.js';
import type { AtomicOp, BinaryOp, Condition, IRBlock, Terminator, Value } from '../../ir/types.js';
import { decode, insnLength, type DecodedInsn } from './decoder.js';
import { COUNTER_CSRS } from './registers.js';

/**
 * The RISC-V front end: guest code → one IR block per basic block. Both
 * tiers use it (tier 2 re-decodes the same bytes in its worker), so a block
 * must depend only on the code bytes and `maxInsns`.
 */

/** Where the front end reads code from. Returns the 16-bit parcel at `addr`,
 *  or undefined when that address is not mapped executable. */
export interface CodeSource {
  fetch16(addr: number): number | undefined;
}

export interface TranslateOptions {
  /** Upper bound on guest instructions per block. */
  readonly maxInsns: number;
}

export const DEFAULT_MAX_BLOCK_INSNS = 64;

/** A semantic action: emits IR for one instruction and returns the
 *  terminator when the instruction ends the block. */
type Semantics = (b: IRBuilder, i: DecodedInsn, pc: number) => Terminator | void;

const rs1 = (b: IRBuilder, i: DecodedInsn): Value => b.getreg(i.rs1);
const rs2 = (b: IRBuilder, i: DecodedInsn): Value => b.getreg(i.rs2);

const aluReg = (kind: BinaryOp): Semantics => (b, i) => { b.setreg(i.rd, b.binary(kind, rs1(b, i), rs2(b, i))); };
const aluImm = (kind: BinaryOp): Semantics => (b, i) => { b.setreg(i.rd, b.binary(kind, rs1(b, i), constant(i.imm))); };
const setReg = (cond: Condition): Semantics => (b, i) => { b.setreg(i.rd, b.setcond(cond, rs1(b, i), rs2(b, i))); };
const setImm = (cond: Condition): Semantics => (b, i) => { b.setreg(i.rd, b.setcond(cond, rs1(b, i), constant(i.imm))); };

const branch = (cond: Condition): Semantics => (b, i, pc) => ({
  kind: 'branch', cond, a: rs1(b, i), b: rs2(b, i), taken: (pc + i.imm) >>> 0, fallthrough: (pc + i.size) >>> 0,
});

const load = (size: 1 | 2 | 4, signed: boolean): Semantics => (b, i, pc) => {
  const addr = b.binary('add', rs1(b, i), constant(i.imm));
  b.setreg(i.rd, b.load(addr, size, signed, pc));
};

const store = (size: 1 | 2 | 4): Semantics => (b, i, pc) => {
  b.store(b.binary('add', rs1(b, i), constant(i.imm)), rs2(b, i), size, pc);
};

/** Atomic read-modify-write: one indivisible access to the shared memory,
 *  so threads running in parallel see AMOs as atomic; rd gets the old value
 *  and is written after it, so a fault leaves rd untouched. */
const amo = (kind: AtomicOp): Semantics => (b, i, pc) => {
  b.setreg(i.rd, b.atomic(kind, rs1(b, i), rs2(b, i), pc));
};

/** An odd value can never equal the (aligned) address of an lr.w. */
const NO_RESERVATION = constant(1);

/** SIGILL reports the instruction's address as the fault address, as Linux does. */
const illegal = (pc: number): Terminator => ({ kind: 'trap', signal: 'SIGILL', pc, addr: pc });

/** Zicsr restricted to what user mode may do here: read the counters. A
 *  write (csrrw*, or csrrs/csrrc with a non-zero source) or any other CSR is
 *  an illegal instruction, as under Linux. */
const csrAccess = (writes: (i: DecodedInsn) => boolean): Semantics => (b, i, pc) => {
  const csr = i.imm & 0xfff;
  if (COUNTER_CSRS[csr] === undefined || writes(i)) return illegal(pc);
  b.setreg(i.rd, b.call('read_counter', [constant(csr), constant(b.instructions - 1)], pc));
};

export const SEMANTICS: Readonly<Record<string, Semantics>> = {
  lui: (b, i) => { b.setreg(i.rd, constant(i.imm)); },
  auipc: (b, i, pc) => { b.setreg(i.rd, constant(pc + i.imm)); },
  jal: (b, i, pc) => {
    b.setreg(i.rd, constant(pc + i.size));
    return { kind: 'goto', target: (pc + i.imm) >>> 0 };
  },
  jalr: (b, i, pc) => {
    // The target is computed from the old rs1 before rd is written (rd may be rs1).
    const target = b.binary('and', b.binary('add', rs1(b, i), constant(i.imm)), constant(~1));
    b.setreg(i.rd, constant(pc + i.size));
    return { kind: 'jump_indirect', target };
  },
  beq: branch('eq'), bne: branch('ne'), blt: branch('lt'), bge: branch('ge'), bltu: branch('ltu'), bgeu: branch('geu'),
  lb: load(1, true), lh: load(2, true), lw: load(4, true), lbu: load(1, false), lhu: load(2, false),
  sb: store(1), sh: store(2), sw: store(4),
  addi: aluImm('add'), xori: aluImm('xor'), ori: aluImm('or'), andi: aluImm('and'),
  slti: setImm('lt'), sltiu: setImm('ltu'),
  slli: aluImm('shl'), srli: aluImm('shr'), srai: aluImm('sar'),
  add: aluReg('add'), sub: aluReg('sub'), sll: aluReg('shl'), srl: aluReg('shr'), sra: aluReg('sar'),
  xor: aluReg('xor'), or: aluReg('or'), and: aluReg('and'),
  slt: setReg('lt'), sltu: setReg('ltu'),
  mul: aluReg('mul'), mulh: aluReg('mulhs'), mulhsu: aluReg('mulhsu'), mulhu: aluReg('mulhu'),
  div: aluReg('divs'), divu: aluReg('divu'), rem: aluReg('rems'), remu: aluReg('remu'),
  fence: () => {},
  'fence.i': (_b, i, pc) => ({ kind: 'fence_i', pc, next: (pc + i.size) >>> 0 }),
  ecall: (_b, i, pc) => ({ kind: 'syscall', pc, next: (pc + i.size) >>> 0 }),
  ebreak: (_b, _i, pc) => ({ kind: 'trap', signal: 'SIGTRAP', pc, addr: pc }),
  csrrw: csrAccess(() => true),
  csrrs: csrAccess((i) => i.rs1 !== 0),
  csrrc: csrAccess((i) => i.rs1 !== 0),
  csrrwi: csrAccess(() => true),
  csrrsi: csrAccess((i) => i.rs1 !== 0),
  csrrci: csrAccess((i) => i.rs1 !== 0),
  // LR/SC as compare-and-swap: lr.w reserves the address and remembers the
  // word it read; sc.w stores only if the reservation is for its address
  // and the word still holds that value, in one atomic step (as qemu does;
  // a store of the same value by another thread in between goes unseen).
  'lr.w': (b, i, pc) => {
    const addr = rs1(b, i);
    const value = b.load(addr, 4, true, pc, true);
    b.setstate('reservation', addr);
    b.setstate('reserved_value', value);
    b.setreg(i.rd, value);
  },
  'sc.w': (b, i, pc) => {
    // Without the reservation the swap stores the expected value back when
    // it finds it (no change), so a failing sc.w writes nothing; it still
    // faults as a store would. It always ends the reservation.
    const addr = rs1(b, i);
    const reserved = b.setcond('eq', b.getstate('reservation'), addr);
    const expected = b.getstate('reserved_value');
    const old = b.atomic('cas', addr, b.select(reserved, rs2(b, i), expected), pc, expected);
    b.setstate('reservation', NO_RESERVATION);
    const stored = b.binary('and', reserved, b.setcond('eq', old, expected));
    b.setreg(i.rd, b.binary('xor', stored, constant(1)));
  },
  'amoswap.w': amo('swap'),
  'amoadd.w': amo('add'), 'amoxor.w': amo('xor'), 'amoand.w': amo('and'), 'amoor.w': amo('or'),
  'amomin.w': amo('min'), 'amomax.w': amo('max'), 'amominu.w': amo('minu'), 'amomaxu.w': amo('maxu'),
};

/** The initial value of the reservation slot. */
export const RESERVATION_NONE = NO_RESERVATION.value;

/** Translates the basic block starting at `pc`. Never throws for guest
 *  reasons: undecodable or unfetchable code becomes a trap terminator. */
export function translateBlock(code: CodeSource, pc: number, options: TranslateOptions): IRBlock {
  const b = new IRBuilder(pc);
  let cur = pc;
  for (;;) {
    const fetched = fetchInsn(code, cur);
    if (typeof fetched === 'number') {
      // Not executable: fault here, after the instructions before it retire.
      return b.finish({ kind: 'trap', signal: 'SIGSEGV', pc: cur, addr: fetched }, cur - pc);
    }
    const insn = decode(fetched.raw);
    const semantics = insn ? SEMANTICS[insn.def.name] : undefined;
    if (!insn || !semantics) return b.finish(illegal(cur), cur - pc);
    b.beginInsn(cur, insn.size);
    const term = semantics(b, insn, cur);
    if (term && term.kind === 'trap') {
      b.cancelInsn();
      return b.finish(term, cur - pc);
    }
    cur = (cur + insn.size) >>> 0;
    if (term) return b.finish(term, cur - pc);
    if (b.instructions >= options.maxInsns) return b.finish({ kind: 'goto', target: cur }, cur - pc);
  }
}

/** Reads the instruction at `addr`; on failure returns the faulting address. */
function fetchInsn(code: CodeSource, addr: number): { raw: number } | number {
  const lo = code.fetch16(addr);
  if (lo === undefined) return addr;
  if (insnLength(lo) === 2) return { raw: lo };
  const hi = code.fetch16((addr + 2) >>> 0);
  if (hi === undefined) return (addr + 2) >>> 0;
  return { raw: ((hi << 16) | lo) >>> 0 };
}
