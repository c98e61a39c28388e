import { compileField, compilePattern, type Extractor } from './fields.js';
import {
  FIELDS, FORMATS, RV32_INSNS, RVC_INSNS,
  type ArgName, type ArgSource, type FormatName, type Syntax,
} from './isa-table.js';

/** A base (32-bit) instruction of the table; compressed ones expand to one. */
export interface InsnDef {
  readonly name: string;
  readonly format: FormatName;
  readonly syntax: Syntax;
}

export interface DecodedInsn {
  readonly def: InsnDef;
  /** The mnemonic as encoded: `c.lw` for a compressed load, else def.name. */
  readonly mnemonic: string;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
  readonly size: 2 | 4;
  /** The raw encoding (16 or 32 bits, unsigned). */
  readonly raw: number;
}

interface Candidate {
  readonly mask: number;
  readonly match: number;
  readonly def: InsnDef;
  readonly mnemonic: string;
  readonly size: 2 | 4;
  readonly rd: Extractor;
  readonly rs1: Extractor;
  readonly rs2: Extractor;
  readonly imm: Extractor;
  readonly nonzero: readonly ArgName[];
}

const ZERO: Extractor = () => 0;

function argExtractor(source: ArgSource | undefined): Extractor {
  if (source === undefined) return ZERO;
  if (typeof source === 'number') return () => source;
  return compileField(FIELDS[source]);
}

/** The bits every pattern of a width fully specifies, used to bucket the
 *  table: opcode[6:2] for 32-bit encodings, quadrant and funct3 for 16-bit. */
const bucketOf32 = (raw: number): number => (raw >>> 2) & 31;
const bucketOf16 = (raw: number): number => ((raw & 3) << 3) | ((raw >>> 13) & 7);
const BUCKET32_MASK = 0x7c;
const BUCKET16_MASK = 0xe003;

function buildTables(): { defs: Map<string, InsnDef>; b32: Candidate[][]; b16: Candidate[][] } {
  const defs = new Map<string, InsnDef>();
  const b32: Candidate[][] = Array.from({ length: 32 }, () => []);
  const b16: Candidate[][] = Array.from({ length: 32 }, () => []);

  for (const [name, patternText, format] of RV32_INSNS) {
    const def: InsnDef = { name, format, syntax: FORMATS[format].syntax };
    if (defs.has(name)) throw new Error(`decode table: ${name} listed twice`);
    defs.set(name, def);
    const p = compilePattern(patternText);
    if (p.width !== 32 || (p.mask & BUCKET32_MASK) !== BUCKET32_MASK || (p.match & 3) !== 3) {
      throw new Error(`decode table: ${name} must be a 32-bit pattern with a full opcode`);
    }
    const args: Partial<Record<ArgName, ArgSource>> = FORMATS[format].args;
    b32[bucketOf32(p.match)]!.push({
      mask: p.mask, match: p.match, def, mnemonic: name, size: 4,
      rd: argExtractor(args.rd), rs1: argExtractor(args.rs1), rs2: argExtractor(args.rs2), imm: argExtractor(args.imm),
      nonzero: [],
    });
  }

  for (const entry of RVC_INSNS) {
    const def = defs.get(entry.expands);
    if (!def) throw new Error(`decode table: ${entry.name} expands to unknown ${entry.expands}`);
    const p = compilePattern(entry.pattern);
    if (p.width !== 16 || (p.mask & BUCKET16_MASK) !== BUCKET16_MASK || (p.match & 3) === 3) {
      throw new Error(`decode table: ${entry.name} must be a 16-bit pattern with quadrant and funct3`);
    }
    b16[bucketOf16(p.match)]!.push({
      mask: p.mask, match: p.match, def, mnemonic: entry.name, size: 2,
      rd: argExtractor(entry.args.rd), rs1: argExtractor(entry.args.rs1),
      rs2: argExtractor(entry.args.rs2), imm: argExtractor(entry.args.imm),
      nonzero: entry.nonzero ?? [],
    });
  }
  return { defs, b32, b16 };
}

const TABLES = buildTables();

/** Every base instruction the table defines, by name. */
export const INSN_DEFS: ReadonlyMap<string, InsnDef> = TABLES.defs;

/** Length in bytes of the instruction whose first 16-bit parcel is `lo16`
 *  (only 16- and 32-bit encodings exist in RV32IMAC). */
export const insnLength = (lo16: number): 2 | 4 => ((lo16 & 3) === 3 ? 4 : 2);

/**
 * Decodes one instruction. `raw` is the 16-bit parcel for a compressed
 * instruction or the whole 32-bit word. Returns null for reserved and
 * unsupported encodings (the translator turns that into SIGILL).
 */
export function decode(raw: number): DecodedInsn | null {
  raw >>>= 0;
  const compressed = (raw & 3) !== 3;
  if (compressed) raw &= 0xffff;
  const bucket = compressed ? TABLES.b16[bucketOf16(raw)]! : TABLES.b32[bucketOf32(raw)]!;
  for (const c of bucket) {
    if (((raw & c.mask) >>> 0) !== c.match) continue;
    const insn: DecodedInsn = {
      def: c.def, mnemonic: c.mnemonic, size: c.size, raw,
      rd: c.rd(raw), rs1: c.rs1(raw), rs2: c.rs2(raw), imm: c.imm(raw),
    };
    if (c.nonzero.some((arg) => insn[arg] === 0)) continue;
    return insn;
  }
  return null;
}
