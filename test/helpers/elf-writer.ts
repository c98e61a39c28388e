/**
 * Writes a minimal static rv32 ELF executable: a read-execute text segment
 * and an optional read-write data segment. Used by generated-program tests
 * and to build malformed files from a known-good one.
 */
export interface ElfSpec {
  readonly textAddr: number;
  readonly text: Uint8Array;
  readonly entry?: number;
  readonly dataAddr?: number;
  readonly data?: Uint8Array;
  /** Extra zeroed memory after the data (bss). */
  readonly bss?: number;
}

export function writeElf(spec: ElfSpec): Uint8Array {
  const segments = [{ addr: spec.textAddr, bytes: spec.text, memsz: spec.text.length, flags: 5 }];
  if (spec.data) segments.push({ addr: spec.dataAddr!, bytes: spec.data, memsz: spec.data.length + (spec.bss ?? 0), flags: 6 });
  const phoff = 52;
  let offset = 0x1000;
  const placed = segments.map((seg) => {
    // File offsets congruent to addresses modulo the page size, as ld does.
    offset = Math.ceil(offset / 0x1000) * 0x1000 + (seg.addr & 0xfff);
    const at = offset;
    offset += seg.bytes.length;
    return { ...seg, offset: at };
  });
  const out = new Uint8Array(offset);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 243, true); // EM_RISCV
  v.setUint32(20, 1, true);
  v.setUint32(24, spec.entry ?? spec.textAddr, true);
  v.setUint32(28, phoff, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, placed.length, true);
  v.setUint16(46, 40, true);
  placed.forEach((seg, n) => {
    const p = phoff + n * 32;
    v.setUint32(p, 1, true); // PT_LOAD
    v.setUint32(p + 4, seg.offset, true);
    v.setUint32(p + 8, seg.addr, true);
    v.setUint32(p + 12, seg.addr, true);
    v.setUint32(p + 16, seg.bytes.length, true);
    v.setUint32(p + 20, seg.memsz, true);
    v.setUint32(p + 24, seg.flags, true);
    v.setUint32(p + 28, 0x1000, true);
    out.set(seg.bytes, seg.offset);
  });
  return out;
}

/** One instruction: a 16-bit (compressed) or 32-bit word. */
export interface InsnItem { readonly word: number; readonly size: 2 | 4 }

/** Little-endian bytes of a mix of 16-bit and 32-bit instruction words. */
export function assemble(words: readonly InsnItem[]): Uint8Array {
  const out = new Uint8Array(words.reduce((n, w) => n + w.size, 0));
  const v = new DataView(out.buffer);
  let at = 0;
  for (const w of words) {
    if (w.size === 2) v.setUint16(at, w.word, true);
    else v.setUint32(at, w.word >>> 0, true);
    at += w.size;
  }
  return out;
}

/** Little-endian bytes of 32-bit instruction words. */
export function assembleWords(words: readonly number[]): Uint8Array {
  return assemble(words.map((word) => ({ word, size: 4 as const })));
}
