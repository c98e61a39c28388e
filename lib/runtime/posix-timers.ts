import { IntervalTimer, KTIME_MAX } from './itimer.js';
import type { Kernel } from './kernel.js';
import type { SendResult } from './signal-delivery.js';
import type { SigInfo, TimerSignal } from './signal-frame.js';
import { SI, SIGNALS, SIGRTMAX } from './signals.js';
import { E } from './syscalls/errno.js';
import { monotonicNs, realtimeNs } from './syscalls/time.js';

/** sigev_notify values (asm-generic/siginfo.h). */
export const SIGEV = { SIGNAL: 0, NONE: 1, THREAD: 2, THREAD_ID: 4 } as const;

/** What timer_create was asked for; null: no sigevent (SIGALRM, with
 *  the timer id as si_value). */
export interface SigEvent {
  readonly value: number;
  readonly signo: number;
  readonly notify: number;
  readonly tid: number;
}

/** A timer's setting in nanoseconds, as itimerspec64 holds it. */
export interface TimerSetting {
  readonly valueNs: bigint;
  readonly intervalNs: bigint;
}

/** The clocks a timer may run on. The alarm clocks need an RTC that can
 *  wake the system (EOPNOTSUPP without one, as in a VM); the coarse and
 *  raw clocks have no timers on Linux either. */
const TIMER_CLOCKS: ReadonlyMap<number, () => bigint> = new Map([
  [0 /* REALTIME */, realtimeNs], [1 /* MONOTONIC */, monotonicNs], [7 /* BOOTTIME */, monotonicNs], [11 /* TAI */, realtimeNs],
]);
const NO_TIMERS = new Set([4 /* MONOTONIC_RAW */, 5 /* REALTIME_COARSE */, 6 /* MONOTONIC_COARSE */]);
const ALARM_CLOCKS = new Set([8 /* REALTIME_ALARM */, 9 /* BOOTTIME_ALARM */]);
/** The CPU-time clocks (2, 3 and the negative per-process ids): hyemu's
 *  CPU time is the time since start, so a timer on it would run during
 *  the guest's sleeps, which Linux's do not; they are refused (EINVAL). */
const isCpuClock = (clock: number): boolean => clock === 2 || clock === 3 || clock < 0;

const INT_MAX = 0x7fffffffn;

/**
 * One POSIX timer, as Linux (6.13 and later) runs it: a periodic timer
 * stops when it queues its signal and restarts when that is delivered,
 * counting the expirations missed meanwhile as the overrun; re-arming or
 * deleting it makes a signal still queued from before stale, dropped at
 * delivery; a signal that is ignored stops a periodic timer until the
 * signal is no longer ignored.
 */
class PosixTimer implements TimerSignal {
  readonly timer: IntervalTimer;
  /** Linux's it_status. */
  status: 'disarmed' | 'armed' | 'requeue-pending' = 'disarmed';
  /** it_overrun (expirations since the one whose signal is queued, from
   *  -1) and it_overrun_last (what the last delivery reported). */
  overrun = -1n;
  overrunLast = 0n;
  /** it_signal_seq: bumped by timer_settime and timer_delete. */
  seq = 0;
  /** Where its one siginfo is: free, queued for delivery, or set aside
   *  while its signal is ignored (Linux's ignored list); and the seq it
   *  stands for there. */
  sigq: 'free' | 'queued' | 'parked' = 'free';
  sigSeq = 0;
  deleted = false;
  /** It counts against RLIMIT_SIGPENDING until deleted and not queued. */
  holdsSlot = true;

  constructor(
    private readonly owner: PosixTimers,
    readonly id: number,
    clock: () => bigint,
    readonly notify: number,
    readonly signo: number,
    readonly value: number,
  ) {
    this.timer = new IntervalTimer(clock, () => this.expired());
  }

  private get info(): SigInfo {
    return {
      signo: this.signo, code: SI.TIMER, timerId: this.id, overrun: 0, value: this.value, timer: this,
      reason: `the timer ${this.id} expired`,
    };
  }

  private expired(): void {
    this.status = this.timer.interval > 0n ? 'requeue-pending' : 'disarmed';
    this.queueSignal();
  }

  /** Linux's posixtimer_send_sigqueue. */
  queueSignal(): void {
    this.sigSeq = this.seq;
    // Still queued from an earlier arming: it now stands for this expiry.
    if (this.sigq === 'queued') return;
    const r = this.owner.send(this.info, this.notify === SIGEV.THREAD_ID);
    this.sigq = r === 'queued' ? 'queued' : r === 'ignored' && this.status === 'requeue-pending' ? 'parked' : 'free';
  }

  dequeued(): SigInfo | null {
    const stale = this.deleted || this.sigSeq !== this.seq;
    this.sigq = 'free';
    this.owner.released(this);
    if (stale) return null;
    if (this.status === 'requeue-pending') {
      this.overrun += this.timer.forward();
      this.timer.start();
      this.status = 'armed';
      this.overrunLast = this.overrun;
      this.overrun = -1n;
    }
    return { ...this.info, overrun: this.overrunOut() };
  }

  discarded(): void {
    this.sigq = !this.deleted && this.sigSeq === this.seq && this.status === 'requeue-pending' ? 'parked' : 'free';
    this.owner.released(this);
  }

  /** it_overrun_last as an int (saturated, as timer_overrun_to_int). */
  overrunOut(): number {
    return Number(this.overrunLast > INT_MAX ? INT_MAX : this.overrunLast);
  }

  /** Linux's common_timer_get. */
  get(): TimerSetting {
    const t = this.timer;
    const sigNone = this.notify === SIGEV.NONE;
    // A SIGEV_NONE timer reads its last expiry even once disarmed, as
    // Linux's does (its hrtimer keeps it).
    if ((t.interval === 0n && this.status === 'disarmed' && !sigNone) || t.expiry === null) {
      return { valueNs: 0n, intervalNs: t.interval };
    }
    const now = t.clock();
    if (t.interval > 0n && (this.status === 'requeue-pending' || sigNone)) this.overrun += t.forward(now);
    const left = t.expiry - now;
    // Due with its signal not yet queued: never 0 (that means disarmed).
    return { valueNs: left > 0n ? left : sigNone ? 0n : 1n, intervalNs: t.interval };
  }

  /** Linux's do_timer_settime and common_timer_set. */
  set(absolute: boolean, setting: TimerSetting): void {
    const t = this.timer;
    this.seq++;
    if (this.sigq === 'parked') this.sigq = 'free';
    t.stop();
    this.status = 'disarmed';
    this.overrun = -1n;
    this.overrunLast = 0n;
    if (setting.valueNs === 0n) {
      t.interval = 0n;
      return;
    }
    t.interval = setting.intervalNs;
    const at = absolute ? setting.valueNs : t.clock() + setting.valueNs;
    t.expiry = at > KTIME_MAX ? KTIME_MAX : at;
    if (this.notify === SIGEV.NONE) return;
    this.status = 'armed';
    // Already due: the signal is queued before the call returns, as an
    // hrtimer started in the past fires at once.
    if (t.expiry <= t.clock()) this.expired();
    else t.start();
  }

  delete(): void {
    this.seq++;
    this.deleted = true;
    if (this.sigq === 'parked') this.sigq = 'free';
    this.timer.stop();
  }
}

/** Linux's timespec64_to_ktime: saturates. */
export function ktime(sec: bigint, nsec: bigint): bigint {
  return sec >= KTIME_MAX / 1_000_000_000n ? KTIME_MAX : sec * 1_000_000_000n + nsec;
}

/** The process's POSIX timers (timer_create and friends). */
export class PosixTimers {
  private readonly timers = new Map<number, PosixTimer>();
  /** Linux hands out ids in order, per process, and does not reuse one
   *  until they wrap; a failed timer_create may use one up. */
  private nextId = 0;

  constructor(private readonly kernel: Kernel) {}

  /** timer_create after the sigevent is read: the new id, or -errno;
   *  `store` writes the id out (false: EFAULT). */
  create(clock: number, ev: SigEvent | null, store: (id: number) => boolean): number {
    const clockNow = TIMER_CLOCKS.get(clock);
    if (!clockNow && !ALARM_CLOCKS.has(clock) && !isCpuClock(clock)) return NO_TIMERS.has(clock) ? -E.ENOTSUP : -E.EINVAL;
    // Its siginfo, allocated with the timer, counts against RLIMIT_SIGPENDING.
    const limit = this.kernel.signals.queueLimit;
    if (!limit.take()) return -E.EAGAIN;
    const id = this.allocateId();
    const fail = (errno: number): number => {
      limit.release();
      return -errno;
    };
    if (ev && !this.validEvent(ev)) return fail(E.EINVAL);
    if (!store(id)) return fail(E.EFAULT);
    if (ALARM_CLOCKS.has(clock)) return fail(E.ENOTSUP);
    if (!clockNow) return fail(E.EINVAL);
    const timer = ev
      ? new PosixTimer(this, id, clockNow, ev.notify, ev.signo, ev.value)
      : new PosixTimer(this, id, clockNow, SIGEV.SIGNAL, SIGNALS.SIGALRM, id);
    this.timers.set(id, timer);
    return 0;
  }

  private allocateId(): number {
    let id = this.nextId;
    while (this.timers.has(id)) id = (id + 1) & 0x7fffffff;
    this.nextId = (id + 1) & 0x7fffffff;
    return id;
  }

  /** Linux's good_sigevent: a signal in range, and SIGEV_THREAD_ID naming
   *  a thread of this process (there is one). */
  private validEvent(ev: SigEvent): boolean {
    const signal = ev.signo > 0 && ev.signo <= SIGRTMAX;
    switch (ev.notify) {
      case SIGEV.THREAD_ID: return ev.tid === this.kernel.pid && signal;
      // SIGEV_THREAD is the C library's; the kernel sees a plain signal.
      case SIGEV.SIGNAL: case SIGEV.THREAD: return signal;
      case SIGEV.NONE: return true;
      default: return false;
    }
  }

  get(id: number): PosixTimer | undefined {
    return this.timers.get(id);
  }

  delete(id: number): boolean {
    const t = this.timers.get(id);
    if (!t) return false;
    t.delete();
    this.timers.delete(id);
    this.released(t);
    return true;
  }

  /** A deleted timer gives back its siginfo once that is not queued. */
  released(t: PosixTimer): void {
    if (t.deleted && t.sigq === 'free' && t.holdsSlot) {
      t.holdsSlot = false;
      this.kernel.signals.queueLimit.release();
    }
  }

  send(info: SigInfo, toThread: boolean): SendResult {
    return this.kernel.signals.send(info, toThread ? this.kernel.threads.main : null);
  }

  /** `signo` is no longer ignored: the signals of the timers that were
   *  set aside are queued again (Linux's posixtimer_sig_unignore). */
  unignore(signo: number): void {
    for (const t of this.timers.values()) {
      if (t.sigq !== 'parked' || t.signo !== signo) continue;
      t.sigq = 'free';
      t.queueSignal();
    }
  }

  /** The run ended: no timer may fire any more. */
  cancelAll(): void {
    for (const t of this.timers.values()) t.timer.stop();
  }
}
