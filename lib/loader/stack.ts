import type { AddressSpace } from '../runtime/address-space.js';

/** auxv keys (include/uapi/linux/auxvec.h). */
export const AT = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9,
  UID: 11, EUID: 12, GID: 13, EGID: 14, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, EXECFN: 31,
} as const;

/** AT_HWCAP bits of the extensions we implement: one bit per letter. */
export const HWCAP_RV32IMAC = ['i', 'm', 'a', 'c'].reduce((bits, l) => bits | (1 << (l.charCodeAt(0) - 97)), 0);

/** A string of the initial stack: bytes as given, or text as UTF-8. */
export type StackString = string | Uint8Array;

export interface StackInput {
  readonly argv: readonly StackString[];
  readonly env: readonly StackString[];
  readonly execfn: StackString;
  /** auxv entries other than the ones pointing into the stack. */
  readonly auxv: ReadonlyArray<readonly [number, number]>;
  /** 16 bytes for AT_RANDOM. */
  readonly random: Uint8Array;
  /** Program headers to copy onto the stack when no segment maps them. */
  readonly phdrCopy: Uint8Array | null;
}

/**
 * Builds the initial process stack as Linux's create_elf_tables does, below
 * `top`: strings and AT_RANDOM bytes at the top, then (16-byte aligned)
 * argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL. Returns the
 * initial sp. Fails (returns null) if it does not fit in `limit` bytes.
 */
export function buildInitialStack(space: AddressSpace, top: number, limit: number, input: StackInput): number | null {
  const encoder = new TextEncoder();
  let p = top;
  const bottom = top - limit;
  const push = (bytes: Uint8Array, align = 1): number | null => {
    p = Math.floor((p - bytes.length) / align) * align;
    if (p < bottom) return null;
    space.poke(p, bytes);
    return p;
  };
  const pushString = (s: StackString): number | null => {
    const bytes = typeof s === 'string' ? encoder.encode(s) : s;
    const z = new Uint8Array(bytes.length + 1);
    z.set(bytes);
    return push(z);
  };

  const execfnAddr = pushString(input.execfn);
  const envAddrs = input.env.map(pushString);
  const argAddrs = input.argv.map(pushString);
  const randomAddr = push(input.random, 16);
  const phdrAddr = input.phdrCopy ? push(input.phdrCopy, 4) : null;
  if (execfnAddr === null || randomAddr === null || envAddrs.includes(null) || argAddrs.includes(null)) return null;

  const auxv: Array<readonly [number, number]> = [...input.auxv];
  if (phdrAddr !== null) auxv.push([AT.PHDR, phdrAddr]);
  auxv.push([AT.RANDOM, randomAddr], [AT.EXECFN, execfnAddr], [AT.NULL, 0]);

  const words = [input.argv.length, ...(argAddrs as number[]), 0, ...(envAddrs as number[]), 0, ...auxv.flat()];
  const table = new Uint8Array(words.length * 4);
  const view = new DataView(table.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return push(table, 16);
}
