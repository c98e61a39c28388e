import type { Stats } from 'node:fs';

/** File metadata in the form the guest's stat structures need. */
export interface StatInfo {
  readonly dev: number;
  readonly ino: bigint;
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: bigint;
  readonly blksize: number;
  readonly blocks: bigint;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFREG = 0o100000;
export const S_IFIFO = 0o010000;
export const S_IFLNK = 0o120000;

export function fromHostStats(s: Stats & { ino: number | bigint }): StatInfo {
  const ns = (ms: number): bigint => BigInt(Math.round(ms * 1e6));
  return {
    dev: Number(s.dev) & 0xffffffff, ino: BigInt(s.ino), mode: Number(s.mode), nlink: Number(s.nlink),
    uid: Number(s.uid), gid: Number(s.gid), rdev: Number(s.rdev) & 0xffffffff, size: BigInt(s.size),
    blksize: Number(s.blksize) || 4096, blocks: BigInt(s.blocks ?? 0),
    atimeNs: ns(Number(s.atimeMs)), mtimeNs: ns(Number(s.mtimeMs)), ctimeNs: ns(Number(s.ctimeMs)),
  };
}

/** A character device or pipe with no host file behind it (stdio, buffers). */
export function syntheticStat(mode: number, ino: number): StatInfo {
  return {
    dev: 0x10, ino: BigInt(ino), mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0n, blksize: 4096, blocks: 0n,
    atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n,
  };
}

const split = (ns: bigint): [bigint, number] => {
  const sec = ns / 1_000_000_000n;
  return [sec, Number(ns - sec * 1_000_000_000n)];
};

/** struct statx (256 bytes). */
export function encodeStatx(st: StatInfo): Uint8Array {
  const out = new Uint8Array(256);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x7ff, true); // STATX_BASIC_STATS
  v.setUint32(4, st.blksize, true);
  v.setUint32(16, st.nlink, true);
  v.setUint32(20, st.uid, true);
  v.setUint32(24, st.gid, true);
  v.setUint16(28, st.mode, true);
  v.setBigUint64(32, st.ino, true);
  v.setBigUint64(40, st.size, true);
  v.setBigUint64(48, st.blocks, true);
  const time = (off: number, ns: bigint): void => {
    const [sec, nsec] = split(ns);
    v.setBigInt64(off, sec, true);
    v.setUint32(off + 8, nsec, true);
  };
  time(64, st.atimeNs); time(80, st.ctimeNs); time(96, st.ctimeNs); time(112, st.mtimeNs);
  v.setUint32(128, st.rdev >>> 8, true);
  v.setUint32(132, st.rdev & 0xff, true);
  v.setUint32(136, st.dev >>> 8, true);
  v.setUint32(140, st.dev & 0xff, true);
  return out;
}

/** asm-generic struct stat64 (104 bytes), for fstat and newfstatat. */
export function encodeStat64(st: StatInfo): Uint8Array {
  const out = new Uint8Array(104);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(st.dev), true);
  v.setBigUint64(8, st.ino, true);
  v.setUint32(16, st.mode, true);
  v.setUint32(20, st.nlink, true);
  v.setUint32(24, st.uid, true);
  v.setUint32(28, st.gid, true);
  v.setBigUint64(32, BigInt(st.rdev), true);
  v.setBigInt64(48, st.size, true);
  v.setInt32(56, st.blksize, true);
  v.setBigInt64(64, st.blocks, true);
  const time = (off: number, ns: bigint): void => {
    const [sec, nsec] = split(ns);
    v.setInt32(off, Number(BigInt.asIntN(32, sec)), true);
    v.setUint32(off + 4, nsec, true);
  };
  time(72, st.atimeNs); time(80, st.mtimeNs); time(88, st.ctimeNs);
  return out;
}
