import { randomBytes } from 'node:crypto';
import { HyemuError } from '../errors.js';
import { PROT, pageAlignDown, pageAlignUp, type AddressSpace } from '../runtime/address-space.js';
import { GUEST_MIN_ADDR, PAGE_SIZE, STACK_SIZE, STACK_TOP } from '../runtime/layout.js';
import { parseElf, type ElfImage } from './elf.js';
import { AT, HWCAP_RV32IMAC, buildInitialStack, type StackString } from './stack.js';

export interface LoadedProgram {
  readonly image: ElfImage;
  readonly entry: number;
  readonly sp: number;
  /** Initial program break (page aligned end of the highest segment). */
  readonly brk: number;
  /** Lowest address of the stack mapping. */
  readonly stackBottom: number;
}

export interface ProcessImageInput {
  readonly argv: readonly StackString[];
  readonly env: readonly StackString[];
  readonly execfn: StackString;
  readonly random?: Uint8Array;
}

export function parseProgram(bytes: Uint8Array, memoryLimit: number): ElfImage {
  return parseElf(bytes, { minAddr: GUEST_MIN_ADDR, endAddr: STACK_TOP - STACK_SIZE, memoryLimit });
}

/** Maps the PT_LOAD segments (pages shared by two segments get the union
 *  of their permissions), the stack, and builds the initial stack. */
export function loadProgram(space: AddressSpace, image: ElfImage, input: ProcessImageInput): LoadedProgram {
  const pagePerm = new Map<number, number>();
  for (const s of image.segments) {
    const prot = (s.readable ? PROT.READ : 0) | (s.writable ? PROT.WRITE : 0) | (s.executable ? PROT.EXEC : 0);
    for (let a = pageAlignDown(s.vaddr); a < s.vaddr + s.memsz; a += PAGE_SIZE) pagePerm.set(a, (pagePerm.get(a) ?? 0) | prot);
  }
  if (pagePerm.size * PAGE_SIZE + STACK_SIZE > space.limit) {
    throw new HyemuError('MEMORY_LIMIT', `the program needs ${pagePerm.size * PAGE_SIZE + STACK_SIZE} bytes, more than the memory limit of ${space.limit} bytes`);
  }
  for (const [addr, prot] of pagePerm) space.map(addr, PAGE_SIZE, prot);
  for (const s of image.segments) space.poke(s.vaddr, s.data);
  const brk = pageAlignUp(Math.max(...image.segments.map((s) => s.vaddr + s.memsz)));

  const stackBottom = STACK_TOP - STACK_SIZE;
  space.map(stackBottom, STACK_SIZE, PROT.READ | PROT.WRITE | (image.executableStack ? PROT.EXEC : 0));
  const sp = buildInitialStack(space, STACK_TOP, STACK_SIZE / 4, {
    argv: input.argv,
    env: input.env,
    execfn: input.execfn,
    random: input.random ?? randomBytes(16),
    phdrCopy: image.phdrAddr === null ? image.phdrBytes : null,
    auxv: [
      ...(image.phdrAddr !== null ? [[AT.PHDR, image.phdrAddr] as const] : []),
      [AT.PHENT, image.phentsize], [AT.PHNUM, image.phnum], [AT.PAGESZ, PAGE_SIZE], [AT.BASE, 0],
      [AT.FLAGS, 0], [AT.ENTRY, image.entry], [AT.UID, 0], [AT.EUID, 0], [AT.GID, 0], [AT.EGID, 0],
      [AT.HWCAP, HWCAP_RV32IMAC], [AT.CLKTCK, 100], [AT.SECURE, 0],
    ],
  });
  if (sp === null) throw new HyemuError('BAD_OPTION', 'the arguments and environment do not fit in the initial stack (2 MiB)');
  return { image, entry: image.entry, sp, brk, stackBottom };
}

