import type { Kernel } from '../kernel.js';
import { MATCH_ANY } from '../../threads/futex-table.js';
import { E } from './errno.js';
import { clockNs, monotonicNs, readTimespec64 } from './time.js';
import type { SyscallGroup, SyscallResult } from './types.js';

/**
 * futex_time64 over the process's wait queues (threads/futex-table.ts).
 * The checks and their order are Linux's (kernel/futex/syscalls.c,
 * waitwake.c, requeue.c): the timeout first, then the address, then the
 * value. A wait ends when woken (0), at its timeout (-ETIMEDOUT), or at a
 * handled signal (-EINTR, or restarted under SA_RESTART, as Linux restarts
 * futex waits).
 */
const FUTEX = {
  WAIT: 0, WAKE: 1, REQUEUE: 3, CMP_REQUEUE: 4, WAIT_BITSET: 9, WAKE_BITSET: 10,
  PRIVATE_FLAG: 128, CLOCK_REALTIME: 256,
} as const;
/** The operation, without the flags. */
const commandOf = (op: number): number => op & ~(FUTEX.PRIVATE_FLAG | FUTEX.CLOCK_REALTIME);
const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;

function futexWait(k: Kernel, uaddr: number, val: number, timeout: number, bitset: number, absolute: boolean, realtime: boolean): SyscallResult {
  // FUTEX_WAIT takes a relative timeout; WAIT_BITSET an absolute one on
  // CLOCK_MONOTONIC, or CLOCK_REALTIME with the flag.
  let deadline: bigint | null = null;
  if (timeout !== 0) {
    const t = readTimespec64(k, timeout);
    if (t === null) return -E.EFAULT;
    if (t < 0n) return -E.EINVAL;
    const now = monotonicNs();
    deadline = absolute ? now + (t - clockNs(k, realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC)!) : now + t;
  }
  if (bitset === 0) return -E.EINVAL;
  if ((uaddr & 3) !== 0) return -E.EINVAL;
  const current = k.space.readU32(uaddr);
  if (current === undefined) return -E.EFAULT;
  if ((current | 0) !== (val | 0)) return -E.EAGAIN;
  return k.futexes.wait(uaddr >>> 0, bitset, deadline, monotonicNs, k.waitSignal);
}

function futexWake(k: Kernel, uaddr: number, count: number, bitset: number): number {
  if (bitset === 0) return -E.EINVAL;
  if ((uaddr & 3) !== 0) return -E.EINVAL;
  return k.futexes.wake(uaddr >>> 0, count, bitset);
}

function futexRequeue(k: Kernel, uaddr: number, uaddr2: number, wake: number, move: number, cmp: number | null): number {
  if ((uaddr & 3) !== 0 || (uaddr2 & 3) !== 0) return -E.EINVAL;
  if (wake < 0 || move < 0) return -E.EINVAL;
  if (cmp !== null) {
    const current = k.space.readU32(uaddr);
    if (current === undefined) return -E.EFAULT;
    if ((current | 0) !== (cmp | 0)) return -E.EAGAIN;
  }
  return k.futexes.requeue(uaddr >>> 0, uaddr2 >>> 0, wake, move);
}

export const FUTEX_SYSCALLS: SyscallGroup = {
  futex_time64: {
    args: ['ptr', 'hex', 'int', 'ptr', 'ptr', 'hex'],
    // Linux restarts an interrupted wait without a timeout when the handler
    // has SA_RESTART (-ERESTARTSYS); one with a timeout returns EINTR
    // (-ERESTART_RESTARTBLOCK, which a handler always turns into EINTR).
    restartable: ([, op, , timeout]) => timeout === 0 && isWait(op!),
    run: (k, [uaddr, op, val, timeout, uaddr2, val3]) => {
      const cmd = commandOf(op!);
      const realtime = (op! & FUTEX.CLOCK_REALTIME) !== 0;
      if (realtime && cmd !== FUTEX.WAIT_BITSET) return -E.ENOSYS;
      switch (cmd) {
        case FUTEX.WAIT: return futexWait(k, uaddr!, val!, timeout!, MATCH_ANY, false, false);
        case FUTEX.WAIT_BITSET: return futexWait(k, uaddr!, val!, timeout!, val3!, true, realtime);
        case FUTEX.WAKE: return futexWake(k, uaddr!, val!, MATCH_ANY);
        case FUTEX.WAKE_BITSET: return futexWake(k, uaddr!, val!, val3!);
        // The requeue count travels in the timeout argument (val2).
        case FUTEX.REQUEUE: return futexRequeue(k, uaddr!, uaddr2!, val!, timeout!, null);
        case FUTEX.CMP_REQUEUE: return futexRequeue(k, uaddr!, uaddr2!, val!, timeout!, val3!);
        // WAKE_OP and the priority-inheritance operations are not implemented.
        default: return -E.ENOSYS;
      }
    },
  },
};

function isWait(op: number): boolean {
  const cmd = commandOf(op);
  return cmd === FUTEX.WAIT || cmd === FUTEX.WAIT_BITSET;
}
