import { GUEST_BASE, GUEST_SPACE_END, PAGE_MASK, PAGE_SHIFT, PERM } from './layout.js';
import type { MemoryModel } from './options.js';
import { GuestFault } from './signals.js';
import type { GuestMemory } from './guest-memory.js';
import { ATOMIC_RMW } from './guest-atomics.js';

/**
 * Guest loads and stores for tier-1 code: one page-table test on the fast
 * path, the slow path for accesses that straddle a page, fault, or write to
 * a page holding translated code (which invalidates that code first).
 * Misaligned accesses just work, as Linux user mode allows; the `aligned`
 * variants (atomics) raise SIGBUS on a misaligned address.
 */
export interface GuestAccess {
  ld8s(a: number, pc: number): number;
  ld8u(a: number, pc: number): number;
  ld16s(a: number, pc: number): number;
  ld16u(a: number, pc: number): number;
  ld32(a: number, pc: number): number;
  ld32a(a: number, pc: number): number;
  st8(a: number, v: number, pc: number): void;
  st16(a: number, v: number, pc: number): void;
  st32(a: number, v: number, pc: number): void;
  st32a(a: number, v: number, pc: number): void;
  /** Atomic op ATOMIC_OPS[op] on the aligned word at a; returns the old
   *  value (`e`: the expected value of cas). */
  rmw32(op: number, a: number, v: number, e: number, pc: number): number;
}

const R = PERM.READ;
const W = PERM.WRITE;
const WC = PERM.WRITE | PERM.CODE;
const LAST = PAGE_MASK;

export function createGuestAccess(space: GuestMemory, model: MemoryModel = 'strict'): GuestAccess {
  const access = strictAccess(space);
  return model === 'flat' ? { ...access, ...flatLoads(space) } : access;
}

/** The flat model's loads: one range check (the access ends inside the
 *  guest space), no page table. */
function flatLoads(space: GuestMemory): Pick<GuestAccess, 'ld8s' | 'ld8u' | 'ld16s' | 'ld16u' | 'ld32' | 'ld32a'> {
  const dv = space.view;
  const B = GUEST_BASE;
  const outside = (a: number, size: number): boolean => a >>> 0 > GUEST_SPACE_END - size;
  const fault = (a: number, pc: number): GuestFault => new GuestFault('SIGSEGV', pc, a >>> 0);
  return {
    ld8s(a, pc) {
      if (outside(a, 1)) throw fault(a, pc);
      return dv.getInt8(a + B);
    },
    ld8u(a, pc) {
      if (outside(a, 1)) throw fault(a, pc);
      return dv.getUint8(a + B);
    },
    ld16s(a, pc) {
      if (outside(a, 2)) throw fault(a, pc);
      return dv.getInt16(a + B, true);
    },
    ld16u(a, pc) {
      if (outside(a, 2)) throw fault(a, pc);
      return dv.getUint16(a + B, true);
    },
    ld32(a, pc) {
      if (outside(a, 4)) throw fault(a, pc);
      return dv.getInt32(a + B, true);
    },
    ld32a(a, pc) {
      if ((a & 3) !== 0) throw new GuestFault('SIGBUS', pc, a >>> 0);
      if (outside(a, 4)) throw fault(a, pc);
      return dv.getInt32(a + B, true);
    },
  };
}

function strictAccess(space: GuestMemory): GuestAccess {
  const P = space.pageTable;
  const dv = space.view;
  const B = GUEST_BASE;

  const readFault = (a: number, pc: number): GuestFault => new GuestFault('SIGSEGV', pc, a >>> 0);
  /** An access that straddles two pages: both must be readable. */
  const straddleReadable = (a: number, size: number): boolean =>
    (P[a >>> PAGE_SHIFT]! & P[(a + size - 1) >>> PAGE_SHIFT]! & R) !== 0;

  /** Checks, and discards translated code the store overwrites; then the
   *  caller stores. */
  const storeSlow = (a: number, size: number, pc: number): void => {
    const first = P[a >>> PAGE_SHIFT]!;
    const last = P[(a + size - 1) >>> PAGE_SHIFT]!;
    if ((first & last & W) === 0) throw new GuestFault('SIGSEGV', pc, a >>> 0);
    if ((first | last) & PERM.CODE) space.onCodeWrite(a >>> 0, size);
  };

  const words = new Int32Array(space.memory.buffer);
  const RW = R | W;

  return {
    ld8s(a, pc) {
      if ((P[a >>> PAGE_SHIFT]! & R) === 0) throw readFault(a, pc);
      return dv.getInt8(a + B);
    },
    ld8u(a, pc) {
      if ((P[a >>> PAGE_SHIFT]! & R) === 0) throw readFault(a, pc);
      return dv.getUint8(a + B);
    },
    // The common case, an access inside one page, costs one table read.
    ld16s(a, pc) {
      if ((a & LAST) !== LAST ? (P[a >>> PAGE_SHIFT]! & R) === 0 : !straddleReadable(a, 2)) throw readFault(a, pc);
      return dv.getInt16(a + B, true);
    },
    ld16u(a, pc) {
      if ((a & LAST) !== LAST ? (P[a >>> PAGE_SHIFT]! & R) === 0 : !straddleReadable(a, 2)) throw readFault(a, pc);
      return dv.getUint16(a + B, true);
    },
    ld32(a, pc) {
      if ((a & LAST) <= LAST - 3 ? (P[a >>> PAGE_SHIFT]! & R) === 0 : !straddleReadable(a, 4)) throw readFault(a, pc);
      return dv.getInt32(a + B, true);
    },
    ld32a(a, pc) {
      if ((a & 3) !== 0) throw new GuestFault('SIGBUS', pc, a >>> 0);
      if ((P[a >>> PAGE_SHIFT]! & R) === 0) throw readFault(a, pc);
      return dv.getInt32(a + B, true);
    },
    st8(a, v, pc) {
      if ((P[a >>> PAGE_SHIFT]! & WC) !== W) storeSlow(a, 1, pc);
      dv.setInt8(a + B, v);
    },
    st16(a, v, pc) {
      if ((P[a >>> PAGE_SHIFT]! & WC) !== W || (a & LAST) > LAST - 1) storeSlow(a, 2, pc);
      dv.setInt16(a + B, v, true);
    },
    st32(a, v, pc) {
      if ((P[a >>> PAGE_SHIFT]! & WC) !== W || (a & LAST) > LAST - 3) storeSlow(a, 4, pc);
      dv.setInt32(a + B, v, true);
    },
    st32a(a, v, pc) {
      if ((a & 3) !== 0) throw new GuestFault('SIGBUS', pc, a >>> 0);
      if ((P[a >>> PAGE_SHIFT]! & WC) !== W) storeSlow(a, 4, pc);
      dv.setInt32(a + B, v, true);
    },
    rmw32(op, a, v, e, pc) {
      if ((a & 3) !== 0) throw new GuestFault('SIGBUS', pc, a >>> 0);
      const entry = P[a >>> PAGE_SHIFT]!;
      if ((entry & RW) !== RW) throw readFault(a, pc);
      if (entry & PERM.CODE) space.onCodeWrite(a >>> 0, 4);
      // A readable page lies below GUEST_SPACE_END, so this cannot wrap.
      return ATOMIC_RMW[op]!(words, ((a >>> 0) + B) >>> 2, v, e);
    },
  };
}
