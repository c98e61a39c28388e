import { hex } from '../../lib/ir/printer.js';
import { ehdrFieldSize, EHDR_FIELDS, ElfPatch, PHDR_FIELDS } from './elf-patch.js';
import { INTERESTING_U32, type Rng } from './fuzz-common.js';

/**
 * Random mutations of a valid ELF file for the ELF fuzzer: header and
 * program header fields set to boundary values, bit flips, truncations,
 * overwritten or duplicated tables, appended junk. Each mutation says what
 * it did, so a failing case can be read (and reproduced from its seed).
 */

/** p_type values: NULL, LOAD, DYNAMIC, INTERP, NOTE, SHLIB, PHDR, TLS, GNU_STACK, RISCV_ATTRIBUTES. */
const P_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 0x6474e551, 0x70000003];

export interface Mutated {
  readonly bytes: Uint8Array;
  readonly steps: readonly string[];
}

/** A value for a field: a boundary, near the old value, near the file
 *  size, a page-aligned guest address, or anything. */
function fieldValue(rng: Rng, old: number, fileSize: number, size: 1 | 2 | 4): number {
  const mask = size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
  const v = rng.weighted<() => number>([
    [4, () => rng.pick(INTERESTING_U32)],
    [3, () => old + rng.int(-8, 8)],
    [1, () => old ^ (1 << rng.int(0, size * 8 - 1))],
    [2, () => fileSize + rng.int(-64, 64)],
    [2, () => rng.int(0, 0x40800) * 0x1000],
    [2, () => rng.u32()],
    [1, () => rng.int(0, 16)],
  ])();
  return (v >>> 0) & mask;
}

/** Applies 1 to 4 random mutations to a copy of `original`. */
export function mutateElf(original: Uint8Array, rng: Rng): Mutated {
  let bytes: Uint8Array = new Uint8Array(original);
  const steps: string[] = [];
  const n = rng.weighted([[5, 1], [3, 2], [1, 3], [1, 4]] as const);
  for (let k = 0; k < n; k++) {
    const kind = rng.weighted([
      [6, 'ehdr'], [8, 'phdr'], [2, 'flip'], [2, 'truncate'], [1, 'overwrite'], [1, 'copy-phdr'], [1, 'append'], [1, 'sections'],
    ] as const);
    switch (kind) {
      case 'ehdr': {
        if (bytes.length < 52) break;
        const p = new ElfPatch(bytes);
        const f = rng.pick(EHDR_FIELDS);
        const v = f === 'e_type' && rng.chance(0.5) ? rng.int(0, 5) : fieldValue(rng, p.get(f), bytes.length, ehdrFieldSize(f));
        p.set(f, v);
        bytes = p.bytes;
        steps.push(`${f}=${hex(v)}`);
        break;
      }
      case 'phdr': {
        if (bytes.length < 52) break;
        const p = new ElfPatch(bytes);
        const phoff = p.get('e_phoff'), phnum = Math.min(p.get('e_phnum'), 16);
        if (phnum === 0) break;
        const index = rng.int(0, phnum - 1);
        if (phoff + (index + 1) * 32 > bytes.length) break;
        const f = rng.pick(PHDR_FIELDS);
        const v = f === 'p_type' && rng.chance(0.7) ? rng.pick(P_TYPES)
          : f === 'p_flags' && rng.chance(0.7) ? rng.int(0, 7)
          : fieldValue(rng, p.getPh(index, f), bytes.length, 4);
        p.setPh(index, f, v);
        bytes = p.bytes;
        steps.push(`ph[${index}].${f}=${hex(v)}`);
        break;
      }
      case 'flip': {
        // Bit flips in the headers, where they matter most.
        const span = Math.min(bytes.length, 52 + 4 * 32);
        if (span === 0) break;
        const flips = rng.int(1, 8);
        for (let i = 0; i < flips; i++) {
          const at = rng.int(0, span - 1);
          const bit = rng.int(0, 7);
          bytes[at]! ^= 1 << bit;
          steps.push(`flip byte ${at} bit ${bit}`);
        }
        break;
      }
      case 'truncate': {
        const at = rng.chance(0.5) ? rng.int(0, Math.min(bytes.length, 256)) : rng.int(0, bytes.length);
        bytes = bytes.slice(0, at);
        steps.push(`truncate to ${at}`);
        break;
      }
      case 'overwrite': {
        if (bytes.length === 0) break;
        const at = rng.int(0, bytes.length - 1);
        const len = Math.min(rng.int(1, 64), bytes.length - at);
        for (let i = 0; i < len; i++) bytes[at + i] = rng.int(0, 255);
        steps.push(`overwrite ${len} bytes at ${at}`);
        break;
      }
      case 'copy-phdr': {
        if (bytes.length < 52) break;
        const p = new ElfPatch(bytes);
        const phoff = p.get('e_phoff'), phnum = Math.min(p.get('e_phnum'), 16);
        if (phnum < 2 || phoff + phnum * 32 > bytes.length) break;
        const from = rng.int(0, phnum - 1), to = rng.int(0, phnum - 1);
        bytes.copyWithin(phoff + to * 32, phoff + from * 32, phoff + from * 32 + 32);
        steps.push(`ph[${to}]=ph[${from}]`);
        break;
      }
      case 'append': {
        const junk = new Uint8Array(rng.int(1, 4096));
        for (let i = 0; i < junk.length; i++) junk[i] = rng.int(0, 255);
        const out = new Uint8Array(bytes.length + junk.length);
        out.set(bytes);
        out.set(junk, bytes.length);
        bytes = out;
        steps.push(`append ${junk.length} bytes`);
        break;
      }
      case 'sections': {
        // Damage the section header table or the symbol table (read for
        // function names in fault reports).
        if (bytes.length < 52) break;
        const p = new ElfPatch(bytes);
        const shoff = p.get('e_shoff'), shnum = p.get('e_shnum');
        if (shnum === 0 || shoff + shnum * 40 > bytes.length) break;
        const at = shoff + rng.int(0, shnum - 1) * 40 + 4 * rng.int(0, 9);
        const v = fieldValue(rng, 0, bytes.length, 4);
        new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, v, true);
        steps.push(`section header word at ${at}=${hex(v)}`);
        break;
      }
    }
  }
  return { bytes, steps };
}

