import { PAGE_TABLE_ENTRIES, PAGE_TABLE_OFFSET, PERM } from './layout.js';

/** Called when a guest store hits a page holding translated code. */
export type CodeWriteHandler = (addr: number, len: number) => void;

/**
 * What a CPU needs of the guest's memory: the one shared WebAssembly.Memory,
 * views of it and its page table. Every guest thread has one over the same
 * memory (a worker thread makes its own); mapping and unmapping belong to
 * the kernel's AddressSpace, on the main thread.
 */
export class GuestMemory {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly pageTable: Uint8Array;
  onCodeWrite: CodeWriteHandler = () => {};

  constructor(readonly memory: WebAssembly.Memory) {
    const buffer = memory.buffer;
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    this.pageTable = new Uint8Array(buffer, PAGE_TABLE_OFFSET, PAGE_TABLE_ENTRIES);
  }

  /** Marks a page as holding translated code. Atomic: another thread may
   *  change the page's other bits at the same time. */
  markCode(page: number): void {
    Atomics.or(this.pageTable, page, PERM.CODE);
  }

  /** The page holds no translated code any more. */
  clearCode(page: number): void {
    Atomics.and(this.pageTable, page, ~PERM.CODE);
  }
}
