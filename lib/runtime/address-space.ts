import { OptionError } from '../errors.js';
import {
  GUEST_BASE, GUEST_MIN_ADDR, GUEST_SPACE_END, MEMORY_PAGES, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE, PERM, cpuStateView,
} from './layout.js';
import { GuestMemory } from './guest-memory.js';

export const PROT = { READ: 1, WRITE: 2, EXEC: 4 } as const;

export const pageOf = (addr: number): number => addr >>> PAGE_SHIFT;
export const pageAlignUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
export const pageAlignDown = (n: number): number => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;

/** The largest memory limit that means anything: all the guest can map. */
export const MAX_MEMORY_LIMIT = GUEST_SPACE_END - GUEST_MIN_ADDR;

const protToPerm = (prot: number): number =>
  (prot & PROT.READ ? PERM.READ : 0) | (prot & PROT.WRITE ? PERM.WRITE : 0) | (prot & PROT.EXEC ? PERM.EXEC : 0);

/** Called with a page range whose translated code must be discarded. */
export type CodeInvalidator = (firstPage: number, endPage: number) => void;

/**
 * The guest's 32-bit address space inside one shared WebAssembly.Memory:
 * the page table, mapping and unmapping, and checked copies for system
 * calls. Guest loads and stores made by translated code check the same page
 * table (see guest-access.ts and the tier-2 lowering).
 */
export class AddressSpace extends GuestMemory {
  /** The main thread's CPU state: x0..x31, pc and the other STATE slots. */
  readonly state: Int32Array;
  /** Bytes mapped now: what the memory limit counts. */
  private mappedBytes = 0;
  /** The most bytes mapped at once so far. */
  private peakBytes = 0;
  /** Bytes of every page ever mapped. The shared memory cannot give pages
   *  back to the host, so these are what the guest can make the host hold:
   *  kept within `limit` too, which is why new mappings reuse such pages
   *  before fresh ones when the limit is near (findFree). */
  private committedBytes = 0;
  onInvalidate: CodeInvalidator = () => {};

  /** The flat memory model reads unmapped holes unchecked: they must read
   *  as zeros, so pages are zeroed when unmapped rather than when mapped
   *  again. */
  zeroUnmapped = false;

  constructor(readonly limit: number) {
    if (limit > MAX_MEMORY_LIMIT) {
      throw new OptionError(`memoryLimit must be at most ${MAX_MEMORY_LIMIT / 1024}K (the guest's whole address space), got ${limit}`);
    }
    super(new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES, shared: true }));
    this.state = cpuStateView(this.memory, 0);
  }

  get mapped(): number {
    return this.mappedBytes;
  }

  get committed(): number {
    return this.committedBytes;
  }

  get peakMapped(): number {
    return this.peakBytes;
  }

  /** True when [addr, addr+len) fits in the guest space (no wrap-around). */
  inRange(addr: number, len: number): boolean {
    return addr >= GUEST_MIN_ADDR && len >= 0 && addr + len <= GUEST_SPACE_END;
  }

  /** True if every page of [addr, addr+len) is unmapped. */
  isFree(addr: number, len: number): boolean {
    if (!this.inRange(addr, len)) return false;
    for (let p = pageOf(addr), end = pageOf(addr + len - 1); p <= end; p++) {
      if (this.pageTable[p]! & PERM.MAPPED) return false;
    }
    return true;
  }

  /** Whether mapping [addr, addr+len) (page aligned; pages mapped there
   *  now are replaced) stays within the memory limit, counting the bytes
   *  mapped now (less `released`, bytes the caller unmaps in the same
   *  step), and the host's: pages used before are reused for free. */
  canMap(addr: number, len: number, released = 0): boolean {
    let replaced = 0, fresh = 0;
    for (let p = pageOf(addr), end = pageOf(addr) + len / PAGE_SIZE; p < end; p++) {
      const e = this.pageTable[p]!;
      if (e & PERM.MAPPED) replaced += PAGE_SIZE;
      if (!(e & PERM.DIRTY)) fresh += PAGE_SIZE;
    }
    return this.mappedBytes - replaced - released + len <= this.limit && this.committedBytes + fresh <= this.limit;
  }

  /**
   * Maps [addr, addr+len) (page aligned) with `prot`, replacing what was
   * there, with zeroed contents. The caller checks range and limit.
   */
  map(addr: number, len: number, prot: number): void {
    const first = pageOf(addr);
    const end = first + len / PAGE_SIZE;
    this.unmap(addr, len);
    const perm = protToPerm(prot) | PERM.MAPPED | PERM.DIRTY;
    for (let p = first; p < end; p++) {
      // Never-used pages are still zero; zeroing them would only cost RSS.
      if (this.pageTable[p]! & PERM.DIRTY) this.bytes.fill(0, GUEST_BASE + p * PAGE_SIZE, GUEST_BASE + (p + 1) * PAGE_SIZE);
      else this.committedBytes += PAGE_SIZE;
      this.pageTable[p] = perm;
    }
    this.mappedBytes += len;
    this.peakBytes = Math.max(this.peakBytes, this.mappedBytes);
  }

  unmap(addr: number, len: number): void {
    const first = pageOf(addr);
    const end = first + Math.ceil(len / PAGE_SIZE);
    this.invalidateCode(first, end);
    for (let p = first; p < end; p++) {
      const e = this.pageTable[p]!;
      if (e & PERM.MAPPED) this.mappedBytes -= PAGE_SIZE;
      if (this.zeroUnmapped && (e & PERM.DIRTY)) {
        this.bytes.fill(0, GUEST_BASE + p * PAGE_SIZE, GUEST_BASE + (p + 1) * PAGE_SIZE);
        this.pageTable[p] = 0;
      } else {
        this.pageTable[p] = e & PERM.DIRTY;
      }
    }
  }

  /** Changes protection of mapped pages; returns false if any page in the
   *  range is unmapped (Linux: ENOMEM). */
  protect(addr: number, len: number, prot: number): boolean {
    const first = pageOf(addr);
    const end = first + Math.ceil(len / PAGE_SIZE);
    for (let p = first; p < end; p++) if (!(this.pageTable[p]! & PERM.MAPPED)) return false;
    this.invalidateCode(first, end);
    const perm = protToPerm(prot);
    for (let p = first; p < end; p++) this.pageTable[p] = (this.pageTable[p]! & (PERM.MAPPED | PERM.DIRTY)) | perm;
    return true;
  }

  /** Discards translations of pages in [first, end) and clears their CODE bits. */
  invalidateCode(first: number, end: number): void {
    let any = false;
    for (let p = first; p < end; p++) {
      if (this.pageTable[p]! & PERM.CODE) {
        this.pageTable[p]! &= ~PERM.CODE;
        any = true;
      }
    }
    if (any) this.onInvalidate(first, end);
  }

  /** Finds the highest free, page-aligned range of `len` bytes in
   *  [low, high), as Linux's top-down mmap allocator does, skipping ranges
   *  that would make the host back more than the limit (so a program that
   *  maps and unmaps memory reuses pages the host already holds). */
  findFree(len: number, low: number, high: number): number | null {
    const pages = len / PAGE_SIZE;
    const freshAllowed = (this.limit - this.committedBytes) / PAGE_SIZE;
    let run = 0, fresh = 0;
    for (let p = pageOf(high) - 1, bottom = pageOf(pageAlignUp(low)); p >= bottom; p--) {
      const e = this.pageTable[p]!;
      if (e & PERM.MAPPED) {
        run = fresh = 0;
        continue;
      }
      run++;
      if (!(e & PERM.DIRTY)) fresh++;
      // A window of `pages` pages: drop the page that slid out at the top.
      if (run > pages && !(this.pageTable[p + pages]! & PERM.DIRTY)) fresh--;
      if (run >= pages && fresh <= freshAllowed) return p * PAGE_SIZE;
    }
    return null;
  }

  /** Moves the pages of [from, from+len) to [to, to+len) (page aligned,
   *  not overlapping; the target free or about to be replaced) with their
   *  contents and permissions, as mremap does; translated code over either
   *  range is discarded. The caller checks range and limit. */
  move(from: number, to: number, len: number): void {
    const src = pageOf(from), dst = pageOf(to), pages = len / PAGE_SIZE;
    this.unmap(to, len);
    this.invalidateCode(src, src + pages);
    this.bytes.copyWithin(GUEST_BASE + to, GUEST_BASE + from, GUEST_BASE + from + len);
    for (let i = 0; i < pages; i++) {
      const e = this.pageTable[src + i]!;
      if (!(this.pageTable[dst + i]! & PERM.DIRTY)) this.committedBytes += PAGE_SIZE;
      this.pageTable[dst + i] = e | PERM.DIRTY;
    }
    this.mappedBytes += len;
    this.peakBytes = Math.max(this.peakBytes, this.mappedBytes);
    this.unmap(from, len);
  }

  /** The protection (PROT_*) of a mapped page, or null. */
  pageProt(addr: number): number | null {
    const e = this.pageTable[pageOf(addr)]!;
    if (!(e & PERM.MAPPED)) return null;
    return (e & PERM.READ ? PROT.READ : 0) | (e & PERM.WRITE ? PROT.WRITE : 0) | (e & PERM.EXEC ? PROT.EXEC : 0);
  }

  /** True if every page of [addr, addr+len) is mapped (any protection). */
  isMapped(addr: number, len: number): boolean {
    return this.check(addr, len, PERM.MAPPED);
  }

  /** Fills mapped pages with zeros whatever their protection (madvise
   *  MADV_DONTNEED); false if a page is unmapped. */
  zero(addr: number, len: number): boolean {
    if (!this.isMapped(addr, len)) return false;
    const first = pageOf(addr), end = first + Math.ceil(len / PAGE_SIZE);
    this.invalidateCode(first, end);
    this.bytes.fill(0, GUEST_BASE + first * PAGE_SIZE, GUEST_BASE + end * PAGE_SIZE);
    return true;
  }

  /** True if every page of [addr, addr+len) has all the `perm` bits. */
  check(addr: number, len: number, perm: number): boolean {
    if (len === 0) return true;
    if (addr < 0 || addr + len > 0x100000000) return false;
    for (let p = pageOf(addr), end = pageOf(addr + len - 1); p <= end; p++) {
      if ((this.pageTable[p]! & perm) !== perm) return false;
    }
    return true;
  }

  // --- Checked access for system calls (EFAULT when false/undefined) ---

  /** A view of guest memory [addr, addr+len) if readable. The view aliases
   *  guest memory: copy it before the guest can run again. */
  readView(addr: number, len: number): Uint8Array | undefined {
    addr >>>= 0;
    if (!this.check(addr, len, PERM.READ)) return undefined;
    return this.bytes.subarray(GUEST_BASE + addr, GUEST_BASE + addr + len);
  }

  /** A writable view of guest memory [addr, addr+len) if writable. Writing
   *  through it bypasses code invalidation, so it invalidates up front. */
  writeView(addr: number, len: number): Uint8Array | undefined {
    addr >>>= 0;
    if (!this.check(addr, len, PERM.WRITE)) return undefined;
    if (len > 0) this.invalidateCode(pageOf(addr), pageOf(addr + len - 1) + 1);
    return this.bytes.subarray(GUEST_BASE + addr, GUEST_BASE + addr + len);
  }

  write(addr: number, data: Uint8Array): boolean {
    const dst = this.writeView(addr, data.length);
    if (!dst) return false;
    dst.set(data);
    return true;
  }

  readU32(addr: number): number | undefined {
    addr >>>= 0;
    return this.check(addr, 4, PERM.READ) ? this.view.getUint32(GUEST_BASE + addr, true) : undefined;
  }

  writeU32(addr: number, value: number): boolean {
    const dst = this.writeView(addr, 4);
    if (!dst) return false;
    this.view.setUint32(GUEST_BASE + (addr >>> 0), value >>> 0, true);
    return true;
  }

  writeU64(addr: number, value: bigint | number): boolean {
    const dst = this.writeView(addr, 8);
    if (!dst) return false;
    this.view.setBigUint64(GUEST_BASE + (addr >>> 0), BigInt.asUintN(64, BigInt(value)), true);
    return true;
  }

  /** Reads a NUL-terminated string of at most `max` bytes (with the NUL),
   *  one character per byte ('latin1'): guest strings are bytes, and file
   *  names need not be UTF-8. */
  readCString(addr: number, max = 4096): string | undefined {
    addr >>>= 0;
    const out: number[] = [];
    for (let i = 0; i < max; i++) {
      const a = addr + i;
      if ((a & PAGE_MASK) === 0 || i === 0) {
        if (!this.check(a, 1, PERM.READ)) return undefined;
      }
      const c = this.bytes[GUEST_BASE + a]!;
      if (c === 0) return Buffer.from(out).toString('latin1');
      out.push(c);
    }
    return undefined;
  }

  /** Copies bytes in regardless of protection (the ELF loader and mmap of
   *  files fill pages they have just mapped, possibly read-only). */
  poke(addr: number, data: Uint8Array): void {
    this.bytes.set(data, GUEST_BASE + addr);
  }
}
