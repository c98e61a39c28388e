import type { SigInfo } from './signal-frame.js';
import { SIG_DFL, sigbit } from './signals.js';

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
 * Signals waiting for delivery, with what their siginfo says. A standard
 * signal is pending at most once (a second one sent meanwhile is lost, as
 * on Linux); real-time ones are not queued yet either, so the first
 * siginfo is kept.
 */
export class PendingSignals {
  bits = 0n;
  private readonly info = new Map<number, SigInfo>();

  add(info: SigInfo): void {
    const bit = sigbit(info.signo);
    if (this.bits & bit) return;
    this.bits |= bit;
    this.info.set(info.signo, info);
  }

  has(signo: number): boolean {
    return (this.bits & sigbit(signo)) !== 0n;
  }

  take(signo: number): SigInfo | undefined {
    if (!this.has(signo)) return undefined;
    this.bits &= ~sigbit(signo);
    const info = this.info.get(signo);
    this.info.delete(signo);
    return info;
  }

  discard(signo: number): void {
    this.take(signo);
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
