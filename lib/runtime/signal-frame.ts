import type { AddressSpace } from './address-space.js';

/**
 * Linux riscv's signal frame, as arch/riscv/kernel/signal.c builds it on
 * the guest stack (rv32: 4-byte longs and pointers):
 *
 *   struct rt_sigframe { siginfo_t info; struct ucontext uc; }
 *   struct ucontext { uc_flags, uc_link, stack_t uc_stack, sigset_t
 *     uc_sigmask (8 bytes, padded to the 128 of a 1024-bit set),
 *     struct sigcontext uc_mcontext (16-aligned: the fp union holds
 *     aligned(16) quad registers) }
 *   struct sigcontext { user_regs_struct sc_regs (pc, then x1..x31);
 *     union __riscv_fp_state (528 bytes, reserved even without F/D) }
 *
 * Handlers see the saved pc and registers here, and sigreturn reloads
 * them, so a handler can skip an instruction or change a register.
 */
export const SIGINFO = {
  SIGNO: 0, ERRNO: 4, CODE: 8,
  /** The union: _kill/_rt {pid, uid, sigval}, _timer {tid, overrun,
   *  sigval, sys_private}, _sigfault {addr}. */
  FIELDS: 12, PID: 12, UID: 16, TIMERID: 12, OVERRUN: 16, VALUE: 20, ADDR: 12,
  /** What the kernel keeps of it (kernel_siginfo on rv32). */
  KERNEL_SIZE: 32,
  SIZE: 128,
} as const;
export const STACK_T = { SP: 0, FLAGS: 4, SIZE: 8 } as const;

const UC = 128;
export const FRAME = {
  INFO: 0,
  UC,
  UC_FLAGS: UC + 0,
  UC_LINK: UC + 4,
  UC_STACK: UC + 8,
  UC_SIGMASK: UC + 20,
  /** sc_regs: word 0 is the pc, word r is x_r. */
  UC_REGS: UC + 160,
  UC_FPSTATE: UC + 160 + 32 * 4,
  SIZE: UC + 160 + 32 * 4 + 528,
} as const;

/** What the kernel puts in a siginfo_t (the union member by si_code). */
export interface SigInfo {
  readonly signo: number;
  readonly code: number;
  readonly errno?: number;
  /** si_addr, for faults. */
  readonly addr?: number;
  /** si_pid (si_uid is 0), for kill and tkill. */
  readonly pid?: number;
  /** SI_TIMER: si_timerid, si_overrun and si_value. */
  readonly timerId?: number;
  readonly overrun?: number;
  readonly value?: number;
  /** rt_sigqueueinfo: the union as its caller wrote it (20 bytes),
   *  which the handler sees unchanged. */
  readonly fields?: Uint8Array;
  /** The POSIX timer whose signal this is. */
  readonly timer?: TimerSignal;
  /** Not in the frame: why it was sent, for the one-line report should
   *  it end the process. */
  readonly reason?: string;
}

/**
 * A POSIX timer's one siginfo (Linux preallocates it, so a timer never
 * has two signals queued), asked about as it leaves the queue.
 */
export interface TimerSignal {
  /** Dequeued for delivery: what the handler sees (with the overrun),
   *  or null when it no longer stands (the timer was re-armed or deleted
   *  since: Linux drops the signal then). */
  dequeued(): SigInfo | null;
  /** Discarded because its signal became ignored. */
  discarded(): void;
}

/** The registers, mask and alternate stack a frame saves. */
export interface SavedContext {
  /** pc, then x1..x31 (x0 is not saved: slot 0 is the pc). */
  readonly regs: Int32Array;
  readonly mask: bigint;
  readonly altStack: { readonly sp: number; readonly flags: number; readonly size: number };
}

/** Writes a frame at `frame` (16-aligned); false if the stack cannot hold it. */
export function writeFrame(space: AddressSpace, frame: number, info: SigInfo, ctx: SavedContext): boolean {
  const bytes = new Uint8Array(FRAME.SIZE);
  const v = new DataView(bytes.buffer);
  v.setInt32(FRAME.INFO + SIGINFO.SIGNO, info.signo, true);
  v.setInt32(FRAME.INFO + SIGINFO.ERRNO, info.errno ?? 0, true);
  v.setInt32(FRAME.INFO + SIGINFO.CODE, info.code, true);
  if (info.fields) bytes.set(info.fields.subarray(0, SIGINFO.KERNEL_SIZE - SIGINFO.FIELDS), FRAME.INFO + SIGINFO.FIELDS);
  if (info.addr !== undefined) v.setUint32(FRAME.INFO + SIGINFO.ADDR, info.addr >>> 0, true);
  if (info.pid !== undefined) v.setInt32(FRAME.INFO + SIGINFO.PID, info.pid, true);
  if (info.timerId !== undefined) v.setInt32(FRAME.INFO + SIGINFO.TIMERID, info.timerId, true);
  if (info.overrun !== undefined) v.setInt32(FRAME.INFO + SIGINFO.OVERRUN, info.overrun, true);
  if (info.value !== undefined) v.setInt32(FRAME.INFO + SIGINFO.VALUE, info.value, true);
  v.setUint32(FRAME.UC_STACK + STACK_T.SP, ctx.altStack.sp >>> 0, true);
  v.setInt32(FRAME.UC_STACK + STACK_T.FLAGS, ctx.altStack.flags, true);
  v.setUint32(FRAME.UC_STACK + STACK_T.SIZE, ctx.altStack.size >>> 0, true);
  v.setBigUint64(FRAME.UC_SIGMASK, ctx.mask, true);
  for (let r = 0; r < 32; r++) v.setInt32(FRAME.UC_REGS + r * 4, ctx.regs[r]!, true);
  return space.write(frame, bytes);
}

/** Reads back what a handler may have changed; null if unreadable. */
export function readFrame(space: AddressSpace, frame: number): SavedContext | null {
  const raw = space.readView(frame, FRAME.SIZE);
  if (!raw) return null;
  const v = new DataView(raw.slice().buffer);
  const regs = new Int32Array(32);
  for (let r = 0; r < 32; r++) regs[r] = v.getInt32(FRAME.UC_REGS + r * 4, true);
  return {
    regs,
    mask: v.getBigUint64(FRAME.UC_SIGMASK, true),
    altStack: {
      sp: v.getUint32(FRAME.UC_STACK + STACK_T.SP, true),
      flags: v.getInt32(FRAME.UC_STACK + STACK_T.FLAGS, true),
      size: v.getUint32(FRAME.UC_STACK + STACK_T.SIZE, true),
    },
  };
}

/** The sigreturn trampoline (the vDSO's __vdso_rt_sigreturn):
 *  `li a7, 139` (rt_sigreturn); `ecall`. */
export const SIGRETURN_TRAMPOLINE = Uint32Array.of(0x08b00893, 0x00000073);
