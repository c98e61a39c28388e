/**
 * A compile's time limit, counted from the moment a worker picks the task
 * up rather than from submission. Tasks wait in the pool's queue behind
 * each other, and behind the start of a replacement worker (binaryen takes
 * a third of a second to load, far more on a loaded machine) when one has
 * died; counting that wait made healthy compiles time out. The worker
 * stamps a shared cell when it starts; the main thread's timer re-arms
 * until the stamped start is older than the limit.
 */
export class TaskDeadline {
  /** One Int64 cell: 0 while queued, then the wall-clock ms the worker started. */
  readonly startedAt = new SharedArrayBuffer(8);
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly limitMs: number) {}

  /** Starts the clock when the task goes to the pool. */
  start(): AbortSignal {
    this.arm(this.limitMs);
    return this.controller.signal;
  }

  /** Whether a worker has picked the task up. */
  get started(): boolean {
    return Atomics.load(new BigInt64Array(this.startedAt), 0) !== 0n;
  }

  /** Stops the timer once the task has settled. */
  clear(): void {
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    // Like AbortSignal.timeout, the timer alone does not keep the process alive.
    this.timer = setTimeout(() => this.check(), ms);
    this.timer.unref();
  }

  private check(): void {
    if (!this.started) return this.arm(this.limitMs); // still queued
    const started = Number(Atomics.load(new BigInt64Array(this.startedAt), 0));
    const left = started + this.limitMs - wallClockMs();
    if (left > 0) return this.arm(left);
    this.controller.abort(new DOMException(`the compile ran past its ${this.limitMs} ms limit`, 'TimeoutError'));
  }
}

/** Called by the worker when it starts the task. */
export function stampStart(startedAt: SharedArrayBuffer): void {
  Atomics.store(new BigInt64Array(startedAt), 0, BigInt(Math.round(wallClockMs())));
}

/** Milliseconds on a clock that threads share (each has its own performance.now origin). */
function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
