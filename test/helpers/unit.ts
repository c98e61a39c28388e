import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseElf, type ElfImage } from '../../lib/loader/elf.js';
import type { CodeSource } from '../../lib/guest/riscv/translate.js';

/** Small helpers for the unit tests (no emulator, no worker pool). */

/** The repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturePath = (name: string): string => path.join(ROOT, 'test/guest/bin', `${name}.elf`);
export const readFixture = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(fixturePath(name)));

/** Limits generous enough for every fixture. */
export const LOOSE_LIMITS = { minAddr: 0x10000, endAddr: 0x40000000, memoryLimit: 1 << 30 } as const;

export function loadFixtureImage(name: string): ElfImage {
  return parseElf(readFixture(name), LOOSE_LIMITS);
}

/** A CodeSource over the file bytes of an image's executable segments
 *  (what the loader would map executable). */
export function imageCodeSource(image: ElfImage): CodeSource {
  const exec = image.segments.filter((s) => s.executable);
  return {
    fetch16(addr: number): number | undefined {
      for (const s of exec) {
        const off = addr - s.vaddr;
        if (off >= 0 && off + 2 <= s.memsz) {
          const byte = (i: number): number => (i < s.data.length ? s.data[i]! : 0);
          return byte(off) | (byte(off + 1) << 8);
        }
      }
      return undefined;
    },
  };
}

/** A CodeSource over little-endian code placed at `base`; every other
 *  address is not executable. Instructions are given as numbers with their
 *  size: 16-bit parcels (< 0x10000 whose low bits are not 11) or 32-bit. */
export function codeAt(base: number, insns: readonly number[]): CodeSource {
  const bytes: number[] = [];
  for (const insn of insns) {
    const n = (insn & 3) === 3 ? 4 : 2;
    for (let i = 0; i < n; i++) bytes.push((insn >>> (8 * i)) & 0xff);
  }
  return {
    fetch16(addr: number): number | undefined {
      const off = addr - base;
      if (off < 0 || off + 2 > bytes.length) return undefined;
      return bytes[off]! | (bytes[off + 1]! << 8);
    },
  };
}

