import { createHash } from 'node:crypto';
import type { TrapSignal } from '../ir/types.js';
import type { DispatchExit } from '../runtime/dispatcher.js';
import type { Region, RegionBlock } from '../traces/region.js';

/**
 * One file of the persistent trace cache: a compiled region as its wasm
 * bytes plus what installing it needs, and the guest code it was
 * translated from (compared byte for byte with what is mapped before the
 * module may run).
 *
 *   "HYEMUTRC"         8 bytes, magic
 *   format version     u32 little-endian (FORMAT_VERSION)
 *   header length      u32
 *   header             UTF-8 JSON (CacheHeader)
 *   code               header.codeLength bytes: the region blocks' code, in block order
 *   wasm               header.wasmLength bytes
 *   sha-256            32 bytes over everything before it
 *
 * A file that does not decode (truncated, corrupt, another format or
 * another key) is refused with a reason; the checksum catches torn or
 * damaged files that still parse.
 */
export const FORMAT_VERSION = 1;
const MAGIC = Buffer.from('HYEMUTRC', 'latin1');
const DIGEST = 32;
const FIXED = MAGIC.length + 8;

export interface CacheHeader {
  /** The code-generation key the module was compiled under (codegen-key.ts). */
  readonly key: string;
  readonly hyemuVersion: string;
  /** The name of the trace that was compiled (for `hyemu cache info`). */
  readonly name: string;
  readonly region: Region;
  readonly exits: readonly DispatchExit[];
  readonly codeLength: number;
  readonly wasmLength: number;
}

export interface CacheEntry {
  readonly header: CacheHeader;
  readonly code: Uint8Array;
  readonly wasm: Uint8Array;
}

export class CacheFormatError extends Error {}

export function encodeEntry(entry: CacheEntry): Buffer {
  const header = Buffer.from(JSON.stringify(entry.header), 'utf8');
  const fixed = Buffer.alloc(8);
  fixed.writeUInt32LE(FORMAT_VERSION, 0);
  fixed.writeUInt32LE(header.length, 4);
  const body = Buffer.concat([MAGIC, fixed, header, entry.code, entry.wasm]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Decodes a cache file; throws CacheFormatError saying what is wrong. */
export function decodeEntry(file: Uint8Array, expectedKey: string): CacheEntry {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < FIXED + DIGEST || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new CacheFormatError('not a hyemu trace cache file');
  const version = buf.readUInt32LE(MAGIC.length);
  if (version !== FORMAT_VERSION) throw new CacheFormatError(`format version ${version}, this hyemu reads ${FORMAT_VERSION}`);
  const body = buf.subarray(0, buf.length - DIGEST);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(buf.length - DIGEST))) {
    throw new CacheFormatError('checksum mismatch (truncated or damaged)');
  }
  const headerLength = buf.readUInt32LE(MAGIC.length + 4);
  if (FIXED + headerLength > body.length) throw new CacheFormatError('header runs past the end');
  let header: CacheHeader;
  try {
    header = JSON.parse(body.subarray(FIXED, FIXED + headerLength).toString('utf8')) as CacheHeader;
  } catch {
    throw new CacheFormatError('header is not JSON');
  }
  checkHeader(header);
  if (header.key !== expectedKey) throw new CacheFormatError('compiled under other code-generation options');
  const codeAt = FIXED + headerLength;
  if (codeAt + header.codeLength + header.wasmLength !== body.length) throw new CacheFormatError('lengths do not add up');
  const code = body.subarray(codeAt, codeAt + header.codeLength);
  const wasm = body.subarray(codeAt + header.codeLength);
  return { header, code: new Uint8Array(code), wasm: new Uint8Array(wasm) };
}

const isU32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isIndex = (v: unknown, n: number): boolean => v === null || (isU32(v) && v < n);

/** The header's shape, so that nothing malformed reaches the installer. */
function checkHeader(h: CacheHeader): void {
  const bad = (what: string): never => {
    throw new CacheFormatError(`bad header: ${what}`);
  };
  if (typeof h !== 'object' || h === null) bad('not an object');
  if (typeof h.key !== 'string' || typeof h.hyemuVersion !== 'string' || typeof h.name !== 'string') bad('names');
  if (!isU32(h.codeLength) || !isU32(h.wasmLength)) bad('lengths');
  const region = h.region;
  if (typeof region !== 'object' || region === null || (region.strategy !== 'net' && region.strategy !== 'region')) bad('region');
  const blocks = region.blocks;
  if (!Array.isArray(blocks) || blocks.length === 0) bad('region blocks');
  let size = 0;
  for (const b of blocks as RegionBlock[]) {
    if (!isU32(b.pc) || !isU32(b.size) || b.size === 0 || !isU32(b.insnCount)) bad('block');
    if (!Array.isArray(b.successors) || !b.successors.every((s) => isIndex(s, blocks.length))) bad('block successors');
    if (!Array.isArray(b.indirectTargets) || !b.indirectTargets.every((t) => Array.isArray(t) && isU32(t[0]) && isIndex(t[1], blocks.length))) {
      bad('indirect targets');
    }
    size += b.size;
  }
  if (size !== h.codeLength) bad('code length differs from the blocks');
  if (!Array.isArray(h.exits) || h.exits.length === 0 || !h.exits.every(isExit)) bad('exits');
}

const TRAP_SIGNALS: readonly TrapSignal[] = ['SIGILL', 'SIGTRAP', 'SIGSEGV'];

function isExit(e: DispatchExit): boolean {
  if (typeof e !== 'object' || e === null) return false;
  switch (e.kind) {
    case 'direct': return isU32(e.target);
    case 'indirect': return true;
    case 'syscall':
    case 'fence_i': return isU32(e.pc) && isU32(e.next);
    case 'trap': return TRAP_SIGNALS.includes(e.signal) && isU32(e.pc) && isU32(e.addr);
    case 'tier1': return isU32(e.pc);
    default: return false;
  }
}

/** The region's code and shape, hashed: two files for one head differ in it. */
export function regionHash(region: Region, code: Uint8Array): string {
  return createHash('sha256').update(JSON.stringify(region.blocks)).update(code).digest('hex').slice(0, 16);
}

/** Bytes at the head that name a file (a cheap filter before reading it). */
export const PROBE_BYTES = 16;

export function probeHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}
