import { PROT, pageAlignDown, pageAlignUp, type AddressSpace } from './address-space.js';
import { GUEST_BASE, PAGE_MASK, PAGE_SIZE } from './layout.js';
import { E } from './syscalls/errno.js';

export const MAP = {
  SHARED: 0x01, PRIVATE: 0x02, SHARED_VALIDATE: 0x03, FIXED: 0x10, ANONYMOUS: 0x20,
  FIXED_NOREPLACE: 0x100000,
} as const;

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
      const hint = pageAlignDown(addr);
      at = hint !== 0 && this.space.isFree(hint, len) ? hint : this.space.findFree(len, pageAlignUp(this.brkEnd), this.mmapTop);
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
