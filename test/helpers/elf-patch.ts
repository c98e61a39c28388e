/**
 * Edits a copy of an ELF32 little-endian file by field name, to build
 * malformed inputs for the loader tests. Offsets per the System V gABI.
 */

const EHDR = {
  ei_class: [4, 1], ei_data: [5, 1], ei_version: [6, 1], ei_osabi: [7, 1],
  e_type: [16, 2], e_machine: [18, 2], e_version: [20, 4], e_entry: [24, 4], e_phoff: [28, 4], e_shoff: [32, 4],
  e_flags: [36, 4], e_ehsize: [40, 2], e_phentsize: [42, 2], e_phnum: [44, 2], e_shentsize: [46, 2],
  e_shnum: [48, 2], e_shstrndx: [50, 2],
} as const satisfies Record<string, readonly [offset: number, size: 1 | 2 | 4]>;

const PHDR = {
  p_type: 0, p_offset: 4, p_vaddr: 8, p_paddr: 12, p_filesz: 16, p_memsz: 20, p_flags: 24, p_align: 28,
} as const;

export type EhdrField = keyof typeof EHDR;
export type PhdrField = keyof typeof PHDR;
/** The fields in file order, and the size of each ELF header field. */
export const EHDR_FIELDS = Object.keys(EHDR) as EhdrField[];
export const PHDR_FIELDS = Object.keys(PHDR) as PhdrField[];
export const ehdrFieldSize = (field: EhdrField): 1 | 2 | 4 => EHDR[field][1];

export class ElfPatch {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(original: Uint8Array) {
    this.bytes = new Uint8Array(original); // a copy
    this.view = new DataView(this.bytes.buffer);
  }

  get(field: EhdrField): number {
    const [off, size] = EHDR[field];
    return size === 1 ? this.view.getUint8(off) : size === 2 ? this.view.getUint16(off, true) : this.view.getUint32(off, true);
  }

  set(field: EhdrField, value: number): this {
    const [off, size] = EHDR[field];
    if (size === 1) this.view.setUint8(off, value);
    else if (size === 2) this.view.setUint16(off, value, true);
    else this.view.setUint32(off, value >>> 0, true);
    return this;
  }

  private phdrOffset(index: number, field: PhdrField): number {
    return this.get('e_phoff') + index * 32 + PHDR[field];
  }

  getPh(index: number, field: PhdrField): number {
    return this.view.getUint32(this.phdrOffset(index, field), true);
  }

  setPh(index: number, field: PhdrField, value: number): this {
    this.view.setUint32(this.phdrOffset(index, field), value >>> 0, true);
    return this;
  }
}
