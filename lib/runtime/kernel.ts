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
import { FutexTable, MATCH_ANY } from '../threads/futex-table.js';
import type { GuestThread } from '../threads/guest-thread.js';
import { DEFAULT_MAX_THREADS, ThreadTable } from '../threads/thread-table.js';

/** How the guest process ended. */
export type Termination =
  | { readonly kind: 'exit'; readonly code: number }
  | {
      readonly kind: 'signal'; readonly signo: number; readonly signal: string;
      readonly pc: number; readonly addr: number; readonly reason?: string;
      /** The thread the signal ended the process in, when it had several. */
      readonly tid?: number;
    };

export interface KernelOptions {
  readonly pid: number;
  /** Fills AT_RANDOM and getrandom() buffers (default: crypto). */
  readonly random?: (buf: Uint8Array) => void;
  /** Receives one line per system call (--strace). */
  readonly strace?: (line: string) => void;
  /** Live guest threads at most (clone fails with EAGAIN past it). */
  readonly maxThreads?: number;
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
  readonly threads: ThreadTable;
  /** The thread whose system call, fault or signal delivery is being
   *  served: the main thread unless a CPU worker asked (see `as`). */
  current: GuestThread;
  readonly futexes = new FutexTable();
  /** Called when the process ends, from whichever thread ended it. */
  onTerminate: () => void = () => {};
  /** Starts a CPU for a thread clone made; false when none can start. */
  startThread: (t: GuestThread) => boolean = () => false;
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
    this.threads = new ThreadTable(options.pid, space.state, space.memory, options.maxThreads ?? DEFAULT_MAX_THREADS);
    this.current = this.threads.main;
    this.random = options.random ?? ((buf) => randomFillSync(buf));
    this.strace = options.strace;
  }

  /** Ends the process (exit_group). */
  exit(code: number): void {
    this.terminate({ kind: 'exit', code: code & 0xff });
  }

  /** exit: ends the current thread; the last one ends the process, with
   *  its status (as qemu-user does). The kernel zeroes the clear-tid word
   *  and wakes one waiter there (how threads are joined). */
  exitThread(code: number): void {
    const t = this.current;
    if (this.threads.liveCount === 1) return this.exit(code);
    if (t.clearChildTid !== 0 && this.space.writeU32(t.clearChildTid, 0)) this.futexes.wake(t.clearChildTid, 1, MATCH_ANY);
    this.threads.remove(t);
  }

  /** Ends the process as the default action of `signal` does. */
  kill(signal: SignalName | number, pc = 0, addr = 0, reason?: string): void {
    const signo = typeof signal === 'number' ? signal : SIGNALS[signal];
    const tid = this.threads.multithreaded ? { tid: this.current.tid } : {};
    this.terminate({ kind: 'signal', signo, signal: signalName(signo), pc, addr, ...(reason ? { reason } : {}), ...tid });
  }

  private terminate(t: Termination): void {
    if (this.termination !== null) return;
    this.termination = t;
    this.onTerminate();
  }

  /** Runs `fn` on behalf of thread `t` (its system call, fault or signal
   *  delivery), then returns to the thread served before. */
  as<T>(t: GuestThread, fn: () => T): T {
    const before = this.current;
    this.current = t;
    try {
      return fn();
    } finally {
      this.current = before;
    }
  }

  /** SyscallPort (the main thread's dispatcher). */
  takeResumeAt(): number | null {
    const pc = this.current.resumeAt;
    this.current.resumeAt = null;
    return pc;
  }

  get mustStop(): boolean {
    return this.termination !== null || this.current.exited || this.signals.attention;
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
    const thread = this.current;
    const pc = thread.state[STATE.PC]!;
    if (this.signals.attention) {
      // A signal another thread sent while this one ran: Linux delivers it
      // before the call (it interrupts user mode). The call is not made
      // now; the thread resumes at the ecall after its handler.
      this.syscallCount--;
      thread.resumeAt = pc >>> 0;
      return args[0]!;
    }
    const perform = (): number | Promise<number> => {
      if (!def) return -E.ENOSYS;
      const r = this.guarded(name!, () => def.run(this, args));
      // A call a signal interrupted may restart (SA_RESTART).
      const restartable = typeof def.restartable === 'function' ? def.restartable(args) : def.restartable === true;
      return restartable && typeof r !== 'number' ? r.then((n) => this.as(thread, () => this.signals.interrupted(n, pc, args[0]!))) : r;
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
