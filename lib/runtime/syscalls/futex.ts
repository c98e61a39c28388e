import type { Kernel } from '../kernel.js';
import { E } from './errno.js';
import { clockNs, monotonicNs, readTimespec64 } from './time.js';
import type { SyscallGroup, SyscallResult } from './types.js';

/**
 * futex_time64 for a single-threaded guest: there is never another thread
 * to wake a waiter or to be woken, so a wait ends only at its timeout
 * (-ETIMEDOUT) or at a handled signal (-EINTR, or restarted under
 * SA_RESTART, as Linux restarts futex waits), and a wake finds nobody (0).
 * The checks and their order are Linux's (kernel/futex/syscalls.c,
 * waitwake.c): the timeout first, then the address, then the value.
 */
const FUTEX = {
  WAIT: 0, WAKE: 1, REQUEUE: 3, CMP_REQUEUE: 4, WAIT_BITSET: 9, WAKE_BITSET: 10,
  PRIVATE_FLAG: 128, CLOCK_REALTIME: 256,
} as const;
const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;

/** A slice of a wait without an end (setTimeout holds at most 2^31 ms). */
const FOREVER_SLICE_MS = 3_600_000;

/** Waits until `deadlineNs` on the monotonic clock (null: no end). */
async function waitUntil(k: Kernel, deadlineNs: bigint | null): Promise<number> {
  for (;;) {
    const leftMs = deadlineNs === null ? FOREVER_SLICE_MS : Number((deadlineNs - monotonicNs()) / 1_000_000n);
    if (deadlineNs !== null && leftMs <= 0) return -E.ETIMEDOUT;
    if (await k.sleep(Math.min(leftMs, FOREVER_SLICE_MS))) return -E.EINTR;
  }
}

function futexWait(k: Kernel, uaddr: number, val: number, timeout: number, bitset: number | null, realtime: boolean): SyscallResult {
  // FUTEX_WAIT takes a relative timeout; WAIT_BITSET an absolute one on
  // CLOCK_MONOTONIC, or CLOCK_REALTIME with the flag.
  let deadline: bigint | null = null;
  if (timeout !== 0) {
    const t = readTimespec64(k, timeout);
    if (t === null) return -E.EFAULT;
    if (t < 0n) return -E.EINVAL;
    const now = monotonicNs();
    deadline = bitset === null ? now + t : now + (t - clockNs(k, realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC)!);
  }
  if (bitset === 0) return -E.EINVAL;
  if ((uaddr & 3) !== 0) return -E.EINVAL;
  const current = k.space.readU32(uaddr);
  if (current === undefined) return -E.EFAULT;
  if ((current | 0) !== (val | 0)) return -E.EAGAIN;
  return waitUntil(k, deadline);
}

function futexWake(uaddr: number, bitset: number | null): number {
  if (bitset === 0) return -E.EINVAL;
  return (uaddr & 3) !== 0 ? -E.EINVAL : 0;
}

function futexRequeue(k: Kernel, uaddr: number, uaddr2: number, cmp: number | null): number {
  if ((uaddr & 3) !== 0 || (uaddr2 & 3) !== 0) return -E.EINVAL;
  if (cmp !== null) {
    const current = k.space.readU32(uaddr);
    if (current === undefined) return -E.EFAULT;
    if ((current | 0) !== (cmp | 0)) return -E.EAGAIN;
  }
  return 0;
}

export const FUTEX_SYSCALLS: SyscallGroup = {
  futex_time64: {
    args: ['ptr', 'hex', 'int', 'ptr', 'ptr', 'hex'],
    // Linux restarts an interrupted wait without a timeout when the handler
    // has SA_RESTART (-ERESTARTSYS); one with a timeout returns EINTR
    // (-ERESTART_RESTARTBLOCK, which a handler always turns into EINTR).
    restartable: ([, , , timeout]) => timeout === 0,
    run: (k, [uaddr, op, val, timeout, uaddr2, val3]) => {
      const cmd = op! & ~(FUTEX.PRIVATE_FLAG | FUTEX.CLOCK_REALTIME);
      const realtime = (op! & FUTEX.CLOCK_REALTIME) !== 0;
      if (realtime && cmd !== FUTEX.WAIT_BITSET) return -E.ENOSYS;
      switch (cmd) {
        case FUTEX.WAIT: return futexWait(k, uaddr!, val!, timeout!, null, false);
        case FUTEX.WAIT_BITSET: return futexWait(k, uaddr!, val!, timeout!, val3!, realtime);
        case FUTEX.WAKE: return futexWake(uaddr!, null);
        case FUTEX.WAKE_BITSET: return futexWake(uaddr!, val3!);
        case FUTEX.REQUEUE: return futexRequeue(k, uaddr!, uaddr2!, null);
        case FUTEX.CMP_REQUEUE: return futexRequeue(k, uaddr!, uaddr2!, val3!);
        // WAKE_OP and the priority-inheritance operations are not implemented.
        default: return -E.ENOSYS;
      }
    },
  },
};
