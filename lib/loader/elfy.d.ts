/** The parts of elfy (untyped, CommonJS) that hyemu uses. */
declare module 'elfy' {
  export interface ElfyHeader {
    class: string | undefined;
    endian: string | undefined;
    type: string | undefined;
    machine: string | undefined;
    entry: number;
    phoff: number;
    shoff: number;
    phentsize: number;
    phnum: number;
    shentsize: number;
    shnum: number;
    shstrndx: number;
  }
  export interface ElfyProgram {
    type: string | undefined;
    offset: number;
    vaddr: number;
    paddr: number;
    filesz: number;
    memsz: number;
    flags: { r?: boolean; w?: boolean; x?: boolean };
    align: number;
    data: Buffer;
  }
  export interface ElfySection {
    name: number | string;
    type: string | number;
    addr: number;
    off: number;
    size: number;
    link: number;
    entsize: number;
    data: Buffer;
  }
  export class Parser {
    parseHeader(buf: Buffer): ElfyHeader;
    parsePrograms(buf: Buffer, header: ElfyHeader): ElfyProgram[];
    parseSections(buf: Buffer, header: ElfyHeader): ElfySection[];
  }
  const elfy: { Parser: typeof Parser; parse(buf: Buffer): unknown };
  export default elfy;
}
