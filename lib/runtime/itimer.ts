import { monotonicNs } from './syscalls/time.js';

/** The largest ktime_t: Linux saturates timer values here. */
export const KTIME_MAX = (1n << 63n) - 1n;
/** setTimeout's longest wait; a longer one waits again. */
const MAX_TIMEOUT_MS = 0x7fffffffn;

/**
 * A guest timer on one of the guest's clocks: calls `expire` once the
 * clock reaches `expiry`, never before (a host timeout that comes early,
 * as ms rounding allows, waits again). Host timers fire between the run
 * loop's slices, so the guest sees the expiry within a slice (~10 ms),
 * busy loops included. What happens at expiry is the owner's: ITIMER_REAL
 * restarts it at once, POSIX timers when their signal is delivered.
 */
export class IntervalTimer {
  /** Absolute, in the clock's nanoseconds; null when never set. */
  expiry: bigint | null = null;
  /** The period (0: one-shot). */
  interval = 0n;
  private handle: NodeJS.Timeout | null = null;

  constructor(readonly clock: () => bigint, private readonly expire: () => void) {}

  /** Waiting for the expiry. */
  get running(): boolean {
    return this.handle !== null;
  }

  /** Waits for `expiry` (replacing any wait). */
  start(): void {
    this.stop();
    if (this.expiry === null) return;
    const ms = (this.expiry - this.clock() + 999_999n) / 1_000_000n;
    this.handle = setTimeout(() => this.fire(), Number(ms <= 0n ? 0n : ms > MAX_TIMEOUT_MS ? MAX_TIMEOUT_MS : ms));
  }

  stop(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
  }

  /** Linux's hrtimer_forward: moves a periodic timer's expiry past `now`
   *  by whole intervals (saturating); returns how many it added. */
  forward(now = this.clock()): bigint {
    if (this.expiry === null || this.interval <= 0n || now < this.expiry) return 0n;
    const n = (now - this.expiry) / this.interval + 1n;
    const next = this.expiry + n * this.interval;
    this.expiry = next > KTIME_MAX ? KTIME_MAX : next;
    return n;
  }

  private fire(): void {
    this.handle = null;
    if (this.expiry === null) return;
    if (this.clock() < this.expiry) this.start();
    else this.expire();
  }
}

/**
 * setitimer's ITIMER_REAL, in microseconds: `expire` at each expiry, and
 * a periodic one restarts at once (on the monotonic clock, as Linux's).
 */
export class RealIntervalTimer {
  private readonly timer: IntervalTimer;

  constructor(expire: () => void) {
    this.timer = new IntervalTimer(monotonicNs, () => {
      if (this.timer.interval > 0n) {
        this.timer.forward();
        this.timer.start();
      } else {
        this.timer.expiry = null;
      }
      expire();
    });
  }

  /** The time left and the interval (0, 0 when off). */
  get(): { valueUs: number; intervalUs: number } {
    const { expiry, interval } = this.timer;
    if (expiry === null) return { valueUs: 0, intervalUs: 0 };
    // A timer that is due reads as 1 us, as Linux's never reads 0.
    const left = (expiry - this.timer.clock()) / 1000n;
    return { valueUs: Number(left < 1n ? 1n : left), intervalUs: Number(interval / 1000n) };
  }

  /** Arms it (value 0: disarms); returns what it was. */
  set(valueUs: number, intervalUs: number): { valueUs: number; intervalUs: number } {
    const old = this.get();
    this.timer.stop();
    this.timer.expiry = valueUs > 0 ? this.timer.clock() + BigInt(valueUs) * 1000n : null;
    this.timer.interval = valueUs > 0 ? BigInt(intervalUs) * 1000n : 0n;
    this.timer.start();
    return old;
  }

  cancel(): void {
    this.timer.stop();
  }
}
