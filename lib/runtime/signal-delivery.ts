import { REG_A0, REG_RA, REG_SP } from '../guest/riscv/registers.js';
import { PROT } from './address-space.js';
import type { Kernel } from './kernel.js';
import { GUEST_BASE, PAGE_SIZE } from './layout.js';
import { MAP } from './memory-manager.js';
import { FRAME, SIGRETURN_TRAMPOLINE, readFrame, writeFrame, type SigInfo } from './signal-frame.js';
import { ProcessSignals, SS, SigQueueLimit, nextSignal, type SignalAction, type ThreadSignals } from './signal-state.js';
import type { GuestThread } from '../threads/guest-thread.js';
import {
  SA, SI, SIGNALS, SIG_DFL, SIG_IGN, SYNCHRONOUS, UNBLOCKABLE, defaultAction, sigbit, type GuestFault,
} from './signals.js';
import { E } from './syscalls/errno.js';

/** Default RLIMIT_SIGPENDING (Linux's is in the thousands; a guest may
 *  change it with prlimit64). */
export const SIGPENDING_LIMIT = 1024n;

/** What became of a signal sent: waiting for delivery, discarded as
 *  ignored, ending the process, or refused (the queue is full). */
export type SendResult = 'queued' | 'ignored' | 'fatal' | 'full';

/**
 * Signal delivery as Linux does it on return to user mode: picks the
 * pending, unblocked signals (the thread's own before the process's, in
 * each faults first, then by number), takes the default action or builds
 * a frame on the guest stack and enters the handler with ra at a
 * sigreturn trampoline; rt_sigreturn restores what the frame holds.
 * Delivery, faults and sigreturn act on the kernel's current thread (the
 * one whose system call or CPU is being served).
 */
export class Signals {
  readonly process = new ProcessSignals();
  /** Shared by both pending sets and the POSIX timers. */
  readonly queueLimit = new SigQueueLimit(SIGPENDING_LIMIT, SIGPENDING_LIMIT);
  /** Called when a signal is queued that `thread` (null: any thread not
   *  blocking it) should take: a thread on a CPU worker is told to ask. */
  onPending: (thread: GuestThread | null) => void = () => {};
  private trampoline = 0;

  constructor(private readonly kernel: Kernel) {}

  /** The current thread's signal state. */
  get thread(): ThreadSignals {
    return this.kernel.current.signals;
  }

  /** Aborts when a signal arrives that should interrupt the current
   *  thread's blocking call. */
  get interruptSignal(): AbortSignal {
    return this.kernel.current.wakeSignal;
  }

  private get deliverable(): bigint {
    return (this.process.pending.bits | this.thread.pending.bits) & ~this.thread.blocked;
  }

  /** True when the run loop must deliver before running guest code. */
  get attention(): boolean {
    return this.deliverable !== 0n || this.thread.interrupted !== null;
  }

  setAction(signo: number, action: SignalAction): void {
    const wasIgnored = this.process.action(signo).handler === SIG_IGN;
    this.process.setAction(signo, action);
    // Linux discards pending signals that become ignored (a periodic
    // timer's is set aside, and comes back when SIG_IGN is lifted).
    if (this.ignored(signo)) {
      const threads = this.kernel.threads.live.flatMap((t) => t.signals.pending.discard(signo, this.queueLimit));
      for (const info of [...this.process.pending.discard(signo, this.queueLimit), ...threads]) {
        info.timer?.discarded();
      }
    } else if (wasIgnored) {
      this.kernel.timers.unignore(signo);
    }
  }

  setBlocked(mask: bigint): void {
    this.thread.blocked = mask & ~UNBLOCKABLE;
  }

  private ignored(signo: number): boolean {
    const { handler } = this.process.action(signo);
    return handler === SIG_IGN || (handler === SIG_DFL && defaultAction(signo) !== 'terminate');
  }

  /**
   * Sends a signal to the process (or to thread `target`: tkill, SIGPIPE).
   * An ignored one is discarded unless blocked; one the queue cannot take
   * is refused; a fatal one ends the process now, as Linux's
   * complete_signal does; any other waits for delivery, and interrupts a
   * blocking call if unblocked. A process signal is blocked when every
   * thread blocks it, and interrupts the calls of those that do not.
   */
  send(info: SigInfo, target: GuestThread | null = null): SendResult {
    const bit = sigbit(info.signo);
    const takers = target ? [target] : this.kernel.threads.live.filter((t) => (t.signals.blocked & bit) === 0n);
    const blocked = takers.length === 0 || (target !== null && (target.signals.blocked & bit) !== 0n);
    if (!blocked && this.ignored(info.signo)) return 'ignored';
    if (!(target ? target.signals : this.process).pending.add(info, this.queueLimit)) return 'full';
    if (!blocked && this.process.action(info.signo).handler === SIG_DFL) {
      // The kernel's onTerminate ends the run's waits.
      this.kernel.kill(info.signo, 0, 0, info.reason);
      return 'fatal';
    }
    if (!blocked) {
      for (const t of takers) t.interrupt();
      this.onPending(target);
    }
    return 'queued';
  }

  /** Ends the blocking calls of every thread (the run stops). */
  interruptWaits(): void {
    for (const t of this.kernel.threads.live) t.interrupt();
  }

  /** A restartable call (at `pc`, first argument `a0`) ended with `r`:
   *  -EINTR from a signal becomes ERESTARTSYS, remembered, for delivery
   *  to re-execute it or make it EINTR. */
  interrupted(r: number, pc: number, a0: number): number {
    if (r !== -E.EINTR || this.deliverable === 0n) return r;
    this.thread.interrupted = { pc, a0 };
    return -E.ERESTARTSYS;
  }

  /**
   * Delivers what is pending and unblocked; `pc` is where the guest would
   * resume. Returns the pc to resume at (a handler's, or `pc`). Several
   * signals nest: the last frame's handler runs first, as on Linux.
   */
  deliver(pc: number): number {
    const t = this.thread;
    const x = this.kernel.current.state;
    while (this.deliverable !== 0n && this.kernel.termination === null) {
      const queue = t.pending.bits & ~t.blocked ? t.pending : this.process.pending;
      const signo = nextSignal(queue.bits & ~t.blocked, SYNCHRONOUS);
      let info = queue.take(signo, this.queueLimit)!;
      if (info.timer) {
        const live = info.timer.dequeued();
        if (live === null) continue;
        info = live;
      }
      const action = this.process.action(signo);
      if (this.ignored(signo)) continue;
      if (action.handler === SIG_DFL) {
        this.kernel.kill(signo, 0, 0, info.reason);
        return pc;
      }
      if (t.interrupted !== null) {
        // The call a signal interrupted: again under SA_RESTART, else EINTR.
        if (action.flags & SA.RESTART) {
          pc = t.interrupted.pc;
          x[REG_A0] = t.interrupted.a0;
        } else {
          x[REG_A0] = -E.EINTR;
        }
        t.interrupted = null;
      }
      const handler = this.enterHandler(signo, info, action, pc);
      if (handler === null) return pc;
      pc = handler;
    }
    if (t.interrupted !== null) {
      // Nothing handled it (it was ignored meanwhile): restart the call.
      pc = t.interrupted.pc;
      x[REG_A0] = t.interrupted.a0;
      t.interrupted = null;
    }
    if (t.savedMask !== null) {
      t.blocked = t.savedMask;
      t.savedMask = null;
    }
    return pc;
  }

  /**
   * A synchronous fault at f.pc: enters the handler (returning its pc), or,
   * when the signal is blocked or not handled, ends the process as its
   * default action does (Linux's force_sig_fault). Returns null then.
   */
  fault(f: GuestFault): number | null {
    const signo = SIGNALS[f.signal];
    const action = this.process.action(signo);
    if (action.handler <= SIG_IGN || (this.thread.blocked & sigbit(signo)) !== 0n) {
      this.kernel.kill(f.signal, f.pc, f.addr);
      return null;
    }
    return this.enterHandler(signo, { signo, code: faultCode(this.kernel, signo, f.addr), addr: f.addr }, action, f.pc);
  }

  /** Builds the frame and points the registers at the handler; null (the
   *  process ends with SIGSEGV, as force_sigsegv) if no frame fits. */
  private enterHandler(signo: number, info: SigInfo, action: SignalAction, pc: number): number | null {
    const t = this.thread;
    const x = this.kernel.current.state;
    const sp = x[REG_SP]! >>> 0;
    const alt = t.altStack;
    let top = sp;
    if (this.onAltStack(sp)) {
      // Already on it: a frame that would overflow it must fail.
      if (!this.onAltStack(sp - FRAME.SIZE)) top = 0;
    } else if (action.flags & SA.ONSTACK && this.altStackFlags(sp) !== SS.DISABLE) {
      top = (alt.sp + alt.size) >>> 0;
    }
    const frame = ((top - FRAME.SIZE) & ~15) >>> 0;
    const regs = Int32Array.from(x.subarray(0, 32));
    regs[0] = pc;
    const mask = t.savedMask ?? t.blocked;
    const altStack = { sp: alt.sp, size: alt.size, flags: this.altStackFlags(sp) & ~SS.AUTODISARM };
    const trampoline = this.sigreturnTrampoline();
    if (top === 0 || trampoline === null || !writeFrame(this.kernel.space, frame, info, { regs, mask, altStack })) {
      this.kernel.kill('SIGSEGV', pc, frame);
      return null;
    }
    if (alt.flags & SS.AUTODISARM) t.altStack = { sp: 0, size: 0, flags: SS.DISABLE };
    t.savedMask = null;
    this.setBlocked(t.blocked | action.mask | (action.flags & SA.NODEFER ? 0n : sigbit(signo)));
    // SA_RESETHAND resets the handler only; the flags and mask stay.
    if (action.flags & SA.RESETHAND) this.setAction(signo, { ...action, handler: SIG_DFL });
    x[REG_RA] = trampoline;
    x[REG_SP] = frame;
    x[REG_A0] = signo;
    x[REG_A0 + 1] = frame + FRAME.INFO;
    x[REG_A0 + 2] = frame + FRAME.UC;
    return action.handler >>> 0;
  }

  /** rt_sigreturn: restores the registers, mask and alternate stack the
   *  frame at sp holds (as the handler left them); returns the pc to
   *  resume at, or null (the process ends with SIGSEGV) if unreadable. */
  sigreturn(): number | null {
    const x = this.kernel.current.state;
    const ctx = readFrame(this.kernel.space, x[REG_SP]! >>> 0);
    if (!ctx) {
      this.kernel.kill('SIGSEGV', 0, x[REG_SP]! >>> 0);
      return null;
    }
    this.setBlocked(ctx.mask);
    x.set(ctx.regs.subarray(1), 1);
    const { sp, size, flags } = ctx.altStack;
    if (!this.onAltStack(x[REG_SP]! >>> 0)) {
      this.thread.altStack = flags & SS.DISABLE ? { sp: 0, size: 0, flags: SS.DISABLE } : { sp, size, flags: flags & SS.AUTODISARM };
    }
    return ctx.regs[0]! >>> 0;
  }

  onAltStack(sp: number): boolean {
    const a = this.thread.altStack;
    return a.size !== 0 && !(a.flags & SS.DISABLE) && sp - a.sp > 0 && sp - a.sp <= a.size;
  }

  /** sigaltstack's ss_flags as the caller at `sp` sees them. */
  altStackFlags(sp: number): number {
    const a = this.thread.altStack;
    if (a.size === 0 || a.flags & SS.DISABLE) return SS.DISABLE;
    return this.onAltStack(sp) ? SS.ONSTACK : a.flags & SS.AUTODISARM;
  }

  /** The read+exec page holding `li a7, 139; ecall`, mapped at the first
   *  delivery (so programs without handlers keep qemu's memory layout). */
  private sigreturnTrampoline(): number | null {
    const k = this.kernel;
    if (this.trampoline !== 0 && k.space.pageProt(this.trampoline) === (PROT.READ | PROT.EXEC)) return this.trampoline;
    const at = k.mm.mmap(0, PAGE_SIZE, PROT.READ | PROT.EXEC, MAP.PRIVATE | MAP.ANONYMOUS, null, 0);
    if (at < 0 && at > -4096) return null;
    this.trampoline = at >>> 0;
    SIGRETURN_TRAMPOLINE.forEach((insn, i) => k.space.view.setUint32(GUEST_BASE + this.trampoline + 4 * i, insn, true));
    return this.trampoline;
  }
}

/** si_code of a fault: SEGV_ACCERR on a mapped page, else SEGV_MAPERR. */
function faultCode(k: Kernel, signo: number, addr: number): number {
  switch (signo) {
    case SIGNALS.SIGSEGV: return k.space.pageProt(addr) !== null ? SI.SEGV_ACCERR : SI.SEGV_MAPERR;
    case SIGNALS.SIGBUS: return SI.BUS_ADRALN;
    case SIGNALS.SIGILL: return SI.ILL_ILLOPC;
    default: return SI.TRAP_BRKPT;
  }
}
