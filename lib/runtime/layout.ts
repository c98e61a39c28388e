/**
 * Layout of the one shared WebAssembly.Memory that holds a guest and the
 * emulator state both tiers must reach.
 *
 *   0x00000000  CPU state of the main thread: x0..x31, pc, reservation,
 *               trace exit info
 *   0x00001000  trace directory: guest pc -> installed trace (see traces/)
 *   0x00009000  CPU states of the other guest threads (THREAD_STATES_OFFSET)
 *   0x00010000  page table: one byte of permissions per 4 KiB guest page
 *   GUEST_BASE  guest address 0
 *
 * Guest address g lives at memory offset g + GUEST_BASE, so a wasm access is
 * `load offset=GUEST_BASE (g)` and no guest pointer, whatever its value, can
 * name the state below GUEST_BASE: the page table says such pages are
 * unmapped, and an address past the end of the memory traps in wasm.
 */

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;
export const WASM_PAGE_SIZE = 65536;

/** Int32 slots of the CPU state block (offset 0). */
export const STATE = {
  /** x0..x31 occupy slots 0..31. */
  PC: 32,
  RESERVATION: 33,
  /** Instructions a tier-2 trace retired, written when it returns. */
  EXIT_INSNS: 34,
  /** Set when a store discarded translated code: a running trace leaves at
   *  its next loop header. */
  STOP: 35,
  /** The trace whose exit index a trace run returned (traces chain into
   *  each other, so it need not be the one the dispatcher entered). */
  EXIT_TRACE: 36,
  /** The word lr.w read (sc.w stores only if memory still holds it). */
  RESERVED_VALUE: 37,
} as const;
/** The state slot of each IR state slot name. */
export const STATE_SLOT_OF = { reservation: STATE.RESERVATION, reserved_value: STATE.RESERVED_VALUE } as const;
export const STATE_SLOT_COUNT = 64;
export const STATE_BYTES = STATE_SLOT_COUNT * 4;

/** The trace directory: TRACE_DIRECTORY_ENTRIES keys (guest pcs), then as
 *  many values (trace id << TRACE_ENTRY_BITS | entry index), direct-mapped
 *  by pc. */
export const TRACE_DIRECTORY_OFFSET = 0x1000;
export const TRACE_DIRECTORY_ENTRIES = 4096;
export const traceDirectorySlot = (pc: number): number => (pc >>> 1) & (TRACE_DIRECTORY_ENTRIES - 1);
/** Bits of a directory value that hold the entry index (so at most 256
 *  blocks per region). */
export const TRACE_ENTRY_BITS = 8;

/** Guest threads other than the main one keep their CPU state here, one
 *  block per thread slot, between the trace directory and the page table. */
export const THREAD_STATES_OFFSET = 0x9000;
export const PAGE_TABLE_OFFSET = 0x10000;
/** Thread slots: slot 0 is the main thread's state at offset 0. */
export const MAX_THREAD_SLOTS = 1 + (PAGE_TABLE_OFFSET - THREAD_STATES_OFFSET) / STATE_BYTES;
export const cpuStateOffset = (slot: number): number => (slot === 0 ? 0 : THREAD_STATES_OFFSET + (slot - 1) * STATE_BYTES);
/** The CPU state block of thread slot `slot`. */
export const cpuStateView = (memory: WebAssembly.Memory, slot: number): Int32Array =>
  new Int32Array(memory.buffer, cpuStateOffset(slot), STATE_SLOT_COUNT);
/** 2^20 entries cover the whole 32-bit guest address space. */
export const PAGE_TABLE_ENTRIES = 1 << (32 - PAGE_SHIFT);
export const GUEST_BASE = PAGE_TABLE_OFFSET + PAGE_TABLE_ENTRIES;

/** Page table entry bits. The tiers test R, W, X and CODE; the rest is
 *  bookkeeping for the address space. */
export const PERM = {
  READ: 1,
  WRITE: 2,
  EXEC: 4,
  /** Translated code lives on this page: stores must take the slow path
   *  that invalidates translations. */
  CODE: 8,
  /** Part of a mapping, even if PROT_NONE. */
  MAPPED: 16,
  /** Was mapped at some time, so its bytes may be non-zero. */
  DIRTY: 32,
} as const;

/** The guest address space ends where the initial stack starts, as under
 *  qemu-riscv32 (its stack top is 0x40800000). */
export const GUEST_SPACE_END = 0x40800000;
export const STACK_TOP = GUEST_SPACE_END;
export const STACK_SIZE = 8 * 1024 * 1024;
/** Nothing is mapped below this address (Linux's default mmap_min_addr). */
export const GUEST_MIN_ADDR = 0x10000;

export const MEMORY_BYTES = GUEST_BASE + GUEST_SPACE_END;
export const MEMORY_PAGES = Math.ceil(MEMORY_BYTES / WASM_PAGE_SIZE);
