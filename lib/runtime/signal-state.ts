import type { SigInfo } from './signal-frame.js';
import { SI, SIGRTMIN, SIG_DFL, sigbit } from './signals.js';

/** An rt_sigaction disposition (RISC-V has no sa_restorer). */
export interface SignalAction {
  readonly handler: number;
  readonly flags: number;
  readonly mask: bigint;
}

export const DEFAULT_ACTION: SignalAction = { handler: SIG_DFL, flags: 0, mask: 0n };

/** sigaltstack's ss_flags. */
export const SS = { ONSTACK: 1, DISABLE: 2, AUTODISARM: 0x80000000 } as const;

/**
 * RLIMIT_SIGPENDING: how many siginfos may wait at once, counted over the
 * process (Linux counts per user; one process here). POSIX timers hold one
 * each for their lifetime, as Linux preallocates it.
 */
export class SigQueueLimit {
  used = 0;
  /** rlim_cur and rlim_max (prlimit64). */
  constructor(public soft: bigint, public hard: bigint) {}

  /** Takes one if under the limit (or `force`d: Linux lets kill() and
   *  the kernel's own standard signals past it, still counted). */
  take(force = false): boolean {
    if (!force && BigInt(this.used) >= this.soft) return false;
    this.used++;
    return true;
  }

  release(): void {
    this.used--;
  }
}

/**
 * Signals waiting for delivery, with their siginfos, as Linux's
 * __send_signal queues them: a standard signal is pending at most once (a
 * second one sent meanwhile is lost); a real-time one queues each instance,
 * in order. Past the limit a real-time signal sent by anything but kill()
 * fails (EAGAIN); otherwise the signal stays pending without its siginfo,
 * which then reads as SI_USER from pid 0.
 */
export class PendingSignals {
  bits = 0n;
  private readonly queues = new Map<number, SigInfo[]>();

  /** False when the queue is full (EAGAIN). */
  add(info: SigInfo, limit: SigQueueLimit): boolean {
    const bit = sigbit(info.signo);
    const realtime = info.signo >= SIGRTMIN;
    if (!realtime && this.bits & bit) return true;
    if (info.timer !== undefined || limit.take(!realtime && info.code >= 0)) {
      const queue = this.queues.get(info.signo);
      if (queue) queue.push(info);
      else this.queues.set(info.signo, [info]);
    } else if (realtime && info.code !== SI.USER) {
      return false;
    }
    this.bits |= bit;
    return true;
  }

  has(signo: number): boolean {
    return (this.bits & sigbit(signo)) !== 0n;
  }

  /** The oldest instance of `signo`. */
  take(signo: number, limit: SigQueueLimit): SigInfo | undefined {
    if (!this.has(signo)) return undefined;
    const queue = this.queues.get(signo);
    const info = queue?.shift();
    if (!queue?.length) {
      this.bits &= ~sigbit(signo);
      this.queues.delete(signo);
    }
    if (!info) return { signo, code: SI.USER, pid: 0 };
    if (info.timer === undefined) limit.release();
    return info;
  }

  /** Removes every instance of `signo`; returns them. */
  discard(signo: number, limit: SigQueueLimit): SigInfo[] {
    const out: SigInfo[] = [];
    while (this.has(signo)) out.push(this.take(signo, limit)!);
    return out;
  }
}

/** What is shared by every thread of the process: the dispositions and
 *  the signals sent to the process as a whole (kill). */
export class ProcessSignals {
  private readonly actions = new Map<number, SignalAction>();
  readonly pending = new PendingSignals();

  action(signo: number): SignalAction {
    return this.actions.get(signo) ?? DEFAULT_ACTION;
  }

  setAction(signo: number, action: SignalAction): void {
    if (action.handler === SIG_DFL && action.flags === 0 && action.mask === 0n) this.actions.delete(signo);
    else this.actions.set(signo, action);
  }
}

/** What each thread has of its own: the blocked mask, signals sent to it
 *  (tkill, faults), the alternate stack, and the state of a system call
 *  that a signal interrupted. */
export class ThreadSignals {
  blocked = 0n;
  readonly pending = new PendingSignals();
  altStack = { sp: 0, size: 0, flags: SS.DISABLE as number };
  /** rt_sigsuspend's caller mask: what the next frame saves, and what is
   *  blocked again if no handler runs. */
  savedMask: bigint | null = null;
  /** A system call a signal interrupted: where it started and its first
   *  argument, to re-execute it under SA_RESTART. */
  interrupted: { readonly pc: number; readonly a0: number } | null = null;
}

/** The lowest-numbered signal in `set`, Linux's order (faults first). */
export function nextSignal(set: bigint, synchronous: readonly number[]): number {
  for (const s of synchronous) if (set & sigbit(s)) return s;
  for (let s = 1; s <= 64; s++) if (set & sigbit(s)) return s;
  return 0;
}
