import { PROT, pageAlignDown, pageAlignUp, type AddressSpace } from './address-space.js';
import { GUEST_BASE, PAGE_MASK, PAGE_SIZE } from './layout.js';
import { E } from './syscalls/errno.js';

export const MAP = {
  SHARED: 0x01, PRIVATE: 0x02, SHARED_VALIDATE: 0x03, FIXED: 0x10, ANONYMOUS: 0x20,
  FIXED_NOREPLACE: 0x100000,
} as const;

export const MREMAP = { MAYMOVE: 1, FIXED: 2, DONTUNMAP: 4 } as const;

const MADV_DONTNEED = 4;
/** Advice values Linux knows (others: EINVAL): NORMAL..DONTNEED, FREE,
 *  REMOVE..HWPOISON, MERGEABLE..NOHUGEPAGE, DONTDUMP, DODUMP, WIPEONFORK,
 *  KEEPONFORK, COLD, PAGEOUT, POPULATE_READ/WRITE, DONTNEED_LOCKED,
 *  COLLAPSE. */
const MADV_KNOWN = new Set([0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);

/** Reads file contents for a file-backed mapping; returns bytes read or -errno. */
export type FileReader = (dst: Uint8Array, offset: number) => number;

/**
 * The program break and mmap/munmap/mprotect on top of the address space.
 * New mappings are placed top-down below the stack, as Linux's default
 * allocator does, so the break grows up into free space.
 */
export class MemoryManager {
  readonly brkStart: number;
  private brkEnd: number;

  constructor(private readonly space: AddressSpace, brk: number, private readonly mmapTop: number) {
    this.brkStart = brk;
    this.brkEnd = brk;
  }

  get brk(): number {
    return this.brkEnd;
  }

  /** Linux brk: returns the new break, or the old one when it cannot move. */
  setBrk(addr: number): number {
    addr >>>= 0;
    if (addr < this.brkStart) return this.brkEnd;
    const oldTop = pageAlignUp(this.brkEnd);
    const newTop = pageAlignUp(addr);
    if (newTop > oldTop) {
      const len = newTop - oldTop;
      if (newTop > this.mmapTop || !this.space.isFree(oldTop, len) || !this.space.canMap(oldTop, len)) return this.brkEnd;
      this.space.map(oldTop, len, PROT.READ | PROT.WRITE);
    } else if (newTop < oldTop) {
      this.space.unmap(newTop, oldTop - newTop);
    }
    this.brkEnd = addr;
    return addr;
  }

  mmap(addr: number, length: number, prot: number, flags: number, file: FileReader | null, offset: number): number {
    addr >>>= 0;
    length >>>= 0;
    const type = flags & MAP.SHARED_VALIDATE;
    if (length === 0 || type === 0 || (offset & PAGE_MASK) !== 0) return -E.EINVAL;
    if ((prot & ~(PROT.READ | PROT.WRITE | PROT.EXEC)) !== 0) return -E.EINVAL;
    // Without a second process, a shared mapping is private, but writes to a
    // shared file mapping would be lost: refuse those rather than lie.
    if (file && type !== MAP.PRIVATE && prot & PROT.WRITE) return -E.ENODEV;
    const len = pageAlignUp(length);
    if (len > 0xffffffff - PAGE_SIZE) return -E.ENOMEM;
    let at: number | null;
    if (flags & (MAP.FIXED | MAP.FIXED_NOREPLACE)) {
      if (addr & PAGE_MASK) return -E.EINVAL;
      if (!this.space.inRange(addr, len)) return -E.ENOMEM;
      if (flags & MAP.FIXED_NOREPLACE && !this.space.isFree(addr, len)) return -E.EEXIST;
      at = addr;
    } else {
      // A hint is taken when free and when the host can back it within the
      // limit; otherwise the allocator's choice, which reuses backed pages.
      const hint = pageAlignDown(addr);
      at = hint !== 0 && this.space.isFree(hint, len) && this.space.canMap(hint, len) ? hint : this.findFree(len);
    }
    if (at === null || !this.space.canMap(at, len)) return -E.ENOMEM;
    this.space.map(at, len, prot);
    if (file) {
      const n = file(this.space.bytes.subarray(GUEST_BASE + at, GUEST_BASE + at + length), offset);
      if (n < 0) {
        this.space.unmap(at, len);
        return n;
      }
    }
    return at;
  }

  private findFree(len: number): number | null {
    return this.space.findFree(len, pageAlignUp(this.brkEnd), this.mmapTop);
  }

  /**
   * Linux mremap: shrinks in place, grows in place when the pages after
   * the mapping are free, else moves (MREMAP_MAYMOVE; to `newAddr` with
   * MREMAP_FIXED), keeping contents and protection. A "mapping" is a run
   * of mapped pages with one protection (what Linux's merged areas are for
   * anonymous memory). MREMAP_DONTUNMAP leaves the old range mapped, empty.
   */
  mremap(addr: number, oldLength: number, newLength: number, flags: number, newAddr: number): number {
    addr >>>= 0;
    newAddr >>>= 0;
    if (flags & ~(MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP)) return -E.EINVAL;
    if (flags & MREMAP.FIXED && !(flags & MREMAP.MAYMOVE)) return -E.EINVAL;
    if (flags & MREMAP.DONTUNMAP && (!(flags & MREMAP.MAYMOVE) || oldLength !== newLength)) return -E.EINVAL;
    if (addr & PAGE_MASK) return -E.EINVAL;
    const oldLen = pageAlignUp(oldLength >>> 0), newLen = pageAlignUp(newLength >>> 0);
    // Linux's PAGE_ALIGN wraps a length near 4 GiB to 0.
    if (newLen === 0 || newLen >= 0x100000000) return -E.EINVAL;
    if (flags & (MREMAP.FIXED | MREMAP.DONTUNMAP)) return this.mremapTo(addr, oldLen, newLen, flags, newAddr);
    if (oldLen >= newLen) {
      if (oldLen > newLen) this.munmap(addr + newLen, oldLen - newLen);
      return addr;
    }
    const prot = this.mappingProt(addr, oldLen);
    if (typeof prot !== 'number') return prot.errno;
    const tail = addr + oldLen, grow = newLen - oldLen;
    if (tail + grow <= this.mmapTop && this.space.isFree(tail, grow) && this.space.canMap(tail, grow)) {
      this.space.map(tail, grow, prot);
      return addr;
    }
    if (!(flags & MREMAP.MAYMOVE)) return -E.ENOMEM;
    const at = this.findFree(newLen);
    if (at === null || !this.space.canMap(at, newLen, oldLen)) return -E.ENOMEM;
    return this.moveMapping(addr, oldLen, at, newLen, prot, false);
  }

  /** mremap with MREMAP_FIXED or MREMAP_DONTUNMAP. */
  private mremapTo(addr: number, oldLen: number, newLen: number, flags: number, newAddr: number): number {
    const fixed = (flags & MREMAP.FIXED) !== 0;
    if (fixed) {
      if (newAddr & PAGE_MASK) return -E.EINVAL;
      if (newAddr + newLen > 0x100000000) return -E.EINVAL;
      if (addr + oldLen > newAddr && newAddr + newLen > addr) return -E.EINVAL;
    }
    const keep = Math.min(oldLen, newLen);
    const prot = this.mappingProt(addr, keep);
    if (typeof prot !== 'number') return prot.errno;
    // Counted as after the move: the old range goes unless DONTUNMAP.
    const released = flags & MREMAP.DONTUNMAP ? 0 : oldLen;
    let at: number | null;
    if (fixed) {
      if (!this.space.inRange(newAddr, newLen)) return -E.ENOMEM;
      at = newAddr;
    } else {
      at = this.findFree(newLen);
    }
    if (at === null || !this.space.canMap(at, newLen, released)) return -E.ENOMEM;
    if (oldLen > newLen) this.space.unmap(addr + newLen, oldLen - newLen);
    return this.moveMapping(addr, keep, at, newLen, prot, (flags & MREMAP.DONTUNMAP) !== 0);
  }

  /** Moves `len` bytes of mapping to `to` and extends it to `newLen`. */
  private moveMapping(from: number, len: number, to: number, newLen: number, prot: number, keepOld: boolean): number {
    this.space.move(from, to, len);
    if (newLen > len) this.space.map(to + len, newLen - len, prot);
    if (keepOld) this.space.map(from, len, prot);
    return to;
  }

  /** The protection of the one mapping [addr, addr+len) lies in, or EFAULT
   *  when it is not mapped or spans mappings of different protections;
   *  EINVAL for a zero length (Linux allows that only for shared memory). */
  private mappingProt(addr: number, len: number): number | { errno: number } {
    const prot = this.space.pageProt(addr);
    if (prot === null) return { errno: -E.EFAULT };
    if (len === 0) return { errno: -E.EINVAL };
    for (let a = addr + PAGE_SIZE; a < addr + len; a += PAGE_SIZE) {
      if (a >= 0x100000000 || this.space.pageProt(a) !== prot) return { errno: -E.EFAULT };
    }
    return prot;
  }

  /** madvise: only MADV_DONTNEED changes anything (private memory then
   *  reads back as zeros); the other advice is accepted. */
  madvise(addr: number, length: number, advice: number): number {
    addr >>>= 0;
    length >>>= 0;
    if (addr & PAGE_MASK) return -E.EINVAL;
    if (!MADV_KNOWN.has(advice)) return -E.EINVAL;
    const len = pageAlignUp(length);
    if (len === 0) return 0;
    if (addr + len > 0x100000000) return -E.EINVAL;
    if (advice === MADV_DONTNEED) return this.space.zero(addr, len) ? 0 : -E.ENOMEM;
    return this.space.isMapped(addr, len) ? 0 : -E.ENOMEM;
  }

  munmap(addr: number, length: number): number {
    addr >>>= 0;
    length >>>= 0;
    if ((addr & PAGE_MASK) !== 0 || length === 0) return -E.EINVAL;
    const len = pageAlignUp(length);
    if (!this.space.inRange(addr, len)) return addr + len <= 0x100000000 ? 0 : -E.EINVAL;
    this.space.unmap(addr, len);
    return 0;
  }

  mprotect(addr: number, length: number, prot: number): number {
    addr >>>= 0;
    length >>>= 0;
    if ((addr & PAGE_MASK) !== 0) return -E.EINVAL;
    if ((prot & ~(PROT.READ | PROT.WRITE | PROT.EXEC)) !== 0) return -E.EINVAL;
    if (length === 0) return 0;
    const len = pageAlignUp(length);
    if (!this.space.inRange(addr, len)) return -E.ENOMEM;
    return this.space.protect(addr, len, prot) ? 0 : -E.ENOMEM;
  }
}
