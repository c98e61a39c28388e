import type { AddressSpace } from '../runtime/address-space.js';
import { GUEST_BASE, PERM } from '../runtime/layout.js';
import type { RegionBlock } from '../traces/region.js';
import { PROBE_BYTES, probeHash, regionHash, type CacheEntry } from './format.js';
import { cacheFileName, type TraceCacheStore } from './store.js';

/** The guest code a region was (or is to be) compiled from: its blocks'
 *  bytes, in block order. */
export function regionCode(space: AddressSpace, blocks: readonly RegionBlock[]): Uint8Array {
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.size, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(space.bytes.subarray(GUEST_BASE + b.pc, GUEST_BASE + b.pc + b.size), at);
    at += b.size;
  }
  return out;
}

/** The executable bytes [pc, pc+len) as mapped now, or null. */
function mappedCode(space: AddressSpace, pc: number, len: number): Uint8Array | null {
  if (!space.check(pc, len, PERM.EXEC)) return null;
  return space.bytes.subarray(GUEST_BASE + pc, GUEST_BASE + pc + len);
}

/** The file a compiled region is stored under. */
export function entryFileName(entry: CacheEntry): string {
  const head = entry.header.region.blocks[0]!;
  const probe = entry.code.subarray(0, Math.min(PROBE_BYTES, head.size));
  return cacheFileName(head.pc, probe.length, probeHash(probe), regionHash(entry.header.region, entry.code));
}

export interface CacheScan {
  /** Entries whose every code byte is what is mapped (executable) now. */
  readonly matched: CacheEntry[];
  /** Files whose head holds the same first bytes but whose code differs. */
  readonly differing: number;
}

/**
 * The cache entries that fit the program as it is mapped now: a file is
 * read only if the bytes at its head hash as its name says, and used only
 * if all the code it was translated from is identical, byte for byte, and
 * still executable.
 */
export function scanCache(store: TraceCacheStore, space: AddressSpace): CacheScan {
  const matched: CacheEntry[] = [];
  let differing = 0;
  for (const name of store.list()) {
    const probe = mappedCode(space, name.headPc, name.probeLength);
    if (probe === null || probeHash(probe) !== name.probeHash) continue;
    const entry = store.read(name.file);
    if (entry === null) continue;
    if (entry.header.region.blocks[0]!.pc !== name.headPc || !codeMatches(space, entry)) {
      differing++;
      continue;
    }
    matched.push(entry);
  }
  return { matched, differing };
}

function codeMatches(space: AddressSpace, entry: CacheEntry): boolean {
  let at = 0;
  for (const b of entry.header.region.blocks) {
    const now = mappedCode(space, b.pc, b.size);
    if (now === null || Buffer.compare(now, entry.code.subarray(at, at + b.size)) !== 0) return false;
    at += b.size;
  }
  return true;
}
