import { randomFillSync } from 'node:crypto';
import type { AddressSpace } from './address-space.js';
import type { MemoryManager } from './memory-manager.js';
import { RealIntervalTimer } from './itimer.js';
import { PosixTimers } from './posix-timers.js';
import { Signals } from './signal-delivery.js';
import { SI, SIGNALS, signalName, type SignalName } from './signals.js';
import { STATE } from './layout.js';
import { E, errnoName } from './syscalls/errno.js';
import { SYSCALL_NAMES } from './syscalls/numbers.js';
import { SYSCALLS } from './syscalls/table.js';
import { formatSyscall } from './syscalls/strace.js';
import type { FdTable } from './vfs/fd-table.js';
import type { Namespace } from './vfs/mounts.js';

/** How the guest process ended. */
export type Termination =
  | { readonly kind: 'exit'; readonly code: number }
  | {
      readonly kind: 'signal'; readonly signo: number; readonly signal: string;
      readonly pc: number; readonly addr: number; readonly reason?: string;
    };

export interface KernelOptions {
  readonly pid: number;
  /** Fills AT_RANDOM and getrandom() buffers (default: crypto). */
  readonly random?: (buf: Uint8Array) => void;
  /** Receives one line per system call (--strace). */
  readonly strace?: (line: string) => void;
}

/**
 * The emulated Linux process: file descriptors, the file namespace, memory
 * management, signal dispositions, clocks and exit status. System calls are
 * implemented in ./syscalls and dispatched from here.
 */
export class Kernel {
  cwd = '/';
  umask = 0o022;
  termination: Termination | null = null;
  readonly signals = new Signals(this);
  /** ITIMER_REAL (setitimer, and alarm in C libraries): SIGALRM. */
  readonly realTimer = new RealIntervalTimer(() =>
    this.signals.send({ signo: SIGNALS.SIGALRM, code: SI.KERNEL, reason: 'the interval timer expired' }));
  /** timer_create's timers. */
  readonly timers = new PosixTimers(this);
  /** Set by a system call that changes where the guest resumes
   *  (rt_sigreturn); the dispatcher takes it. */
  resumeAt: number | null = null;
  clearChildTid = 0;
  readonly pid: number;
  readonly random: (buf: Uint8Array) => void;
  readonly startNs = process.hrtime.bigint();
  syscallCount = 0;
  private readonly strace: ((line: string) => void) | undefined;
  /** riscv_flush_icache: set by the emulator to discard translations. */
  onFlushICache: () => void = () => {};
  /** Set once the run stops: every wait ends. */
  private stopped: AbortSignal | undefined;

  constructor(
    readonly space: AddressSpace,
    readonly mm: MemoryManager,
    readonly fds: FdTable,
    readonly ns: Namespace,
    options: KernelOptions,
  ) {
    this.pid = options.pid;
    this.random = options.random ?? ((buf) => randomFillSync(buf));
    this.strace = options.strace;
  }

  exit(code: number): void {
    this.termination ??= { kind: 'exit', code: code & 0xff };
  }

  /** Ends the process as the default action of `signal` does. */
  kill(signal: SignalName | number, pc = 0, addr = 0, reason?: string): void {
    const signo = typeof signal === 'number' ? signal : SIGNALS[signal];
    this.termination ??= { kind: 'signal', signo, signal: signalName(signo), pc, addr, ...(reason ? { reason } : {}) };
  }

  /** Problems inside system call handlers (bugs in hyemu, or host errors
   *  no handler expected): the guest gets EIO, the host keeps running. */
  readonly internalErrors: string[] = [];

  private guarded(name: string, run: () => number | Promise<number>): number | Promise<number> {
    const failed = (e: unknown): number => {
      if (this.internalErrors.length < 100) this.internalErrors.push(`${name}: ${(e as Error)?.message ?? String(e)}`);
      return -E.EIO;
    };
    try {
      const r = run();
      return typeof r === 'number' ? r : r.catch(failed);
    } catch (e) {
      return failed(e);
    }
  }

  /** Ends every wait (sleeps, blocking reads) when `stop` aborts. */
  stopWaitsWith(stop: AbortSignal): void {
    this.stopped = stop;
    stop.addEventListener('abort', () => this.signals.interruptWaits(), { once: true });
  }

  /** What ends a blocking call early: a signal that should interrupt it
   *  (the call then returns EINTR, or restarts), or the run stopping. */
  get waitSignal(): AbortSignal {
    return this.stopped?.aborted ? this.stopped : this.signals.interruptSignal;
  }

  /** Waits `ms`; resolves early, with true, if the run stops or a signal
   *  interrupts the wait. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const signal = this.waitSignal;
      if (signal.aborted) return resolve(true);
      const done = (early: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(early);
      };
      const onAbort = (): void => done(true);
      const timer = setTimeout(() => done(false), ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The run ended: nothing of the process may fire any more. */
  shutdown(): void {
    this.realTimer.cancel();
    this.timers.cancelAll();
  }

  /** Performs system call `nr` with arguments a0..a5; returns the value
   *  for a0 (negative errno on failure), possibly after waiting. */
  syscall(nr: number, args: readonly number[]): number | Promise<number> {
    this.syscallCount++;
    const name = SYSCALL_NAMES.get(nr);
    const def = name ? SYSCALLS[name] : undefined;
    const pc = this.space.state[STATE.PC]!;
    const perform = (): number | Promise<number> => {
      if (!def) return -E.ENOSYS;
      const r = this.guarded(name!, () => def.run(this, args));
      // A call a signal interrupted may restart (SA_RESTART).
      const restartable = typeof def.restartable === 'function' ? def.restartable(args) : def.restartable === true;
      return restartable && typeof r !== 'number' ? r.then((n) => this.signals.interrupted(n, pc, args[0]!)) : r;
    };
    if (!this.strace) return perform();
    const call = formatSyscall(this.space, name ?? `syscall_${nr}`, def?.args, args);
    const result = perform();
    const log = (r: number): number => {
      this.strace!(`${call} = ${r < 0 && r > -4096 ? `-1 ${errnoName(-r)}` : r}`);
      return r;
    };
    return typeof result === 'number' ? log(result) : result.then(log);
  }
}
