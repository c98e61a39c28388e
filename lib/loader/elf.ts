import elfy, { type ElfyHeader, type ElfyProgram, type ElfySection } from 'elfy';
import { ElfError } from '../errors.js';

/**
 * ELF parsing for static rv32 Linux executables: elfy parses the tables,
 * and since elfy knows neither EM_RISCV nor processor-specific segment types
 * (and trusts offsets), every raw field is validated here first, so that a
 * bad file yields one ElfError naming the problem.
 */

export const EM_RISCV = 243;
const ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;
const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;
const SHT_SYMTAB = 2;
const STT_FUNC = 2;

export interface LoadSegment {
  readonly vaddr: number;
  readonly memsz: number;
  readonly offset: number;
  readonly filesz: number;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly executable: boolean;
  /** The bytes to copy to vaddr (filesz bytes). */
  readonly data: Uint8Array;
}

export interface ElfSymbol {
  readonly name: string;
  readonly addr: number;
  readonly size: number;
}

export interface ElfImage {
  readonly entry: number;
  readonly segments: readonly LoadSegment[];
  /** e_phoff, e_phentsize, e_phnum: for AT_PHDR/AT_PHENT/AT_PHNUM. */
  readonly phoff: number;
  readonly phentsize: number;
  readonly phnum: number;
  /** Guest address of the program headers, when a segment or PT_PHDR maps them. */
  readonly phdrAddr: number | null;
  /** The raw program header table (copied to the stack when not mapped). */
  readonly phdrBytes: Uint8Array;
  /** Function symbols sorted by address, for fault reports (may be empty). */
  readonly functions: readonly ElfSymbol[];
  /** PT_GNU_STACK asks for an executable stack (`-z execstack`, GCC's
   *  nested-function trampolines); Linux then maps the stack PROT_EXEC. */
  readonly executableStack: boolean;
}

export interface ElfLimits {
  /** Guest addresses must lie in [minAddr, endAddr). */
  readonly minAddr: number;
  readonly endAddr: number;
  /** Most memory the segments may occupy. */
  readonly memoryLimit: number;
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

export function parseElf(input: Uint8Array, limits: ElfLimits): ElfImage {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length === 0) throw new ElfError('the file is empty');
  if (buf.length < 4 || buf.readUInt32BE(0) !== 0x7f454c46) throw new ElfError('not an ELF file (bad magic number)');
  if (buf.length < EHDR_SIZE) throw new ElfError(`truncated ELF header (${buf.length} bytes, need ${EHDR_SIZE})`);
  const cls = buf[4], data = buf[5], version = buf[6], osabi = buf[7];
  if (cls === 2) throw new ElfError('64-bit ELF file: hyemu runs 32-bit RISC-V (rv32) programs');
  if (cls !== 1) throw new ElfError(`invalid ELF class ${cls}`);
  if (data === 2) throw new ElfError('big-endian ELF file: RISC-V programs are little-endian');
  if (data !== 1) throw new ElfError(`invalid ELF data encoding ${data}`);
  if (version !== 1) throw new ElfError(`unsupported ELF version ${version}`);
  if (osabi !== 0 && osabi !== 3) throw new ElfError(`unsupported OS ABI ${osabi} (want System V or Linux)`);

  const type = buf.readUInt16LE(16);
  const machine = buf.readUInt16LE(18);
  if (machine !== EM_RISCV) throw new ElfError(`wrong machine ${machine} (want RISC-V, ${EM_RISCV})`);
  if (type === ET_DYN) throw new ElfError('dynamically linked or position-independent executable: hyemu runs static executables (link with -static -no-pie)');
  if (type === ET_REL) throw new ElfError('relocatable object file, not an executable');
  if (type === ET_CORE) throw new ElfError('core dump, not an executable');
  if (type !== ET_EXEC) throw new ElfError(`unsupported ELF type ${type} (want ET_EXEC)`);
  if (buf.readUInt32LE(20) !== 1) throw new ElfError('unsupported ELF version in e_version');

  let header: ElfyHeader;
  const parser = new elfy.Parser();
  try {
    header = parser.parseHeader(buf);
  } catch (e) {
    throw new ElfError(`unreadable ELF header: ${(e as Error).message}`);
  }
  const { entry, phoff, phentsize, phnum } = header;
  if (phnum === 0 || phoff === 0) throw new ElfError('no program headers');
  if (phentsize !== PHDR_SIZE) throw new ElfError(`program header size ${phentsize}, want ${PHDR_SIZE}`);
  if (phoff + phnum * PHDR_SIZE > buf.length) {
    throw new ElfError(`program headers (offset ${phoff}, ${phnum} entries) extend past the end of the file (${buf.length} bytes)`);
  }

  const programs: ElfyProgram[] = parser.parsePrograms(buf, header);
  const segments: LoadSegment[] = [];
  let phdrAddr: number | null = null;
  let executableStack = false;
  let total = 0;
  programs.forEach((p, index) => {
    const rawType = buf.readUInt32LE(phoff + index * PHDR_SIZE);
    if (rawType === PT_INTERP) throw new ElfError('the program needs a dynamic loader (PT_INTERP): hyemu runs static executables');
    if (rawType === PT_DYNAMIC) throw new ElfError('the program is dynamically linked (PT_DYNAMIC): hyemu runs static executables');
    if (rawType === PT_PHDR) phdrAddr = p.vaddr;
    if (rawType === PT_GNU_STACK) executableStack = !!p.flags.x;
    if (rawType !== PT_LOAD) return;
    const where = `segment ${index} at ${hex(p.vaddr)}`;
    if (p.offset + p.filesz > buf.length) {
      throw new ElfError(`${where}: file data (offset ${p.offset}, ${p.filesz} bytes) extends past the end of the file (${buf.length} bytes)`);
    }
    if (p.filesz > p.memsz) throw new ElfError(`${where}: file size ${p.filesz} exceeds memory size ${p.memsz}`);
    if (p.vaddr + p.memsz > 0x100000000) throw new ElfError(`${where}: wraps around the end of the address space`);
    if (p.memsz === 0) return;
    if (p.vaddr < limits.minAddr) throw new ElfError(`${where}: below the lowest mappable address ${hex(limits.minAddr)}`);
    if (p.vaddr + p.memsz > limits.endAddr) {
      throw new ElfError(`${where}: ends at ${hex(p.vaddr + p.memsz)}, beyond the guest address space (${hex(limits.endAddr)})`);
    }
    total += p.memsz;
    if (total > limits.memoryLimit) {
      throw new ElfError(`segments need ${total} bytes, more than the memory limit of ${limits.memoryLimit} bytes`);
    }
    for (const other of segments) {
      if (p.vaddr < other.vaddr + other.memsz && other.vaddr < p.vaddr + p.memsz) {
        throw new ElfError(`${where} overlaps the segment at ${hex(other.vaddr)}`);
      }
    }
    segments.push({
      vaddr: p.vaddr, memsz: p.memsz, offset: p.offset, filesz: p.filesz,
      readable: !!p.flags.r, writable: !!p.flags.w, executable: !!p.flags.x,
      data: buf.subarray(p.offset, p.offset + p.filesz),
    });
  });
  if (segments.length === 0) throw new ElfError('no loadable segments');
  if (!segments.some((s) => s.executable && entry >= s.vaddr && entry < s.vaddr + s.memsz)) {
    throw new ElfError(`entry point ${hex(entry)} is outside every executable segment`);
  }
  if (entry % 2 !== 0) throw new ElfError(`entry point ${hex(entry)} is not 2-byte aligned`);
  if (phdrAddr === null) {
    // As Linux does: the headers are visible if a segment maps their file offset.
    const s = segments.find((s) => phoff >= s.offset && phoff + phnum * PHDR_SIZE <= s.offset + s.filesz);
    if (s) phdrAddr = s.vaddr + (phoff - s.offset);
  }

  return {
    entry, segments, phoff, phentsize, phnum, phdrAddr,
    phdrBytes: buf.subarray(phoff, phoff + phnum * PHDR_SIZE),
    functions: readFunctionSymbols(buf, parser, header),
    executableStack,
  };
}

/** Function symbols from .symtab; a missing or damaged table just means
 *  fault reports carry no function names. */
function readFunctionSymbols(buf: Buffer, parser: InstanceType<typeof elfy.Parser>, header: ElfyHeader): ElfSymbol[] {
  if (header.shoff === 0 || header.shnum === 0 || header.shentsize !== SHDR_SIZE) return [];
  if (header.shoff + header.shnum * SHDR_SIZE > buf.length) return [];
  let sections: ElfySection[];
  try {
    sections = parser.parseSections(buf, header);
  } catch {
    return [];
  }
  const symtab = sections.find((s) => s.type === 'symtab' || s.type === SHT_SYMTAB);
  const strtab = symtab && sections[symtab.link];
  if (!symtab || !strtab || symtab.off + symtab.size > buf.length || strtab.off + strtab.size > buf.length) return [];
  const out: ElfSymbol[] = [];
  for (let off = 0; off + 16 <= symtab.data.length; off += 16) {
    const nameOff = symtab.data.readUInt32LE(off);
    const addr = symtab.data.readUInt32LE(off + 4);
    const size = symtab.data.readUInt32LE(off + 8);
    const info = symtab.data[off + 12]!;
    if ((info & 0xf) !== STT_FUNC || nameOff >= strtab.data.length) continue;
    const end = strtab.data.indexOf(0, nameOff);
    out.push({ name: strtab.data.toString('utf8', nameOff, end < 0 ? strtab.data.length : end), addr, size });
  }
  return out.sort((a, b) => a.addr - b.addr);
}

/** The function containing `addr`, if the symbols say. */
export function functionAt(functions: readonly ElfSymbol[], addr: number): ElfSymbol | undefined {
  let lo = 0, hi = functions.length - 1, found: ElfSymbol | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (functions[mid]!.addr <= addr) { found = functions[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  if (found && (addr < found.addr + Math.max(found.size, 1))) return found;
  return undefined;
}
