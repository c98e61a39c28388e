/**
 * An interval timer (ITIMER_REAL): fires `expire` when its value runs
 * out, then every interval if it has one. Host timers fire between the
 * run loop's slices, so the signal arrives within a slice (~10 ms).
 */
export class IntervalTimer {
  private handle: NodeJS.Timeout | null = null;
  private dueMs = 0;
  private intervalMs = 0;

  constructor(private readonly expire: () => void) {}

  /** The time left and the interval, in microseconds (0, 0 when off). */
  get(): { valueUs: number; intervalUs: number } {
    if (this.handle === null) return { valueUs: 0, intervalUs: 0 };
    // A timer that is due reads as just above 0, as Linux's never reads 0.
    return { valueUs: Math.max(1, Math.round((this.dueMs - performance.now()) * 1000)), intervalUs: Math.round(this.intervalMs * 1000) };
  }

  /** Arms it (value 0: disarms); returns what it was. */
  set(valueUs: number, intervalUs: number): { valueUs: number; intervalUs: number } {
    const old = this.get();
    this.cancel();
    if (valueUs > 0) {
      this.intervalMs = intervalUs / 1000;
      this.arm(valueUs / 1000);
    }
    return old;
  }

  cancel(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
  }

  private arm(ms: number): void {
    this.dueMs = performance.now() + ms;
    this.handle = setTimeout(() => {
      this.handle = null;
      if (this.intervalMs > 0) this.arm(Math.max(this.intervalMs, 1));
      this.expire();
    }, Math.min(ms, 0x7fffffff));
  }
}
