import { randomFillSync } from 'node:crypto';
import type { AddressSpace } from './address-space.js';
import type { MemoryManager } from './memory-manager.js';
import { SIGNALS, defaultAction, signalName, type SignalName } from './signals.js';
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

/** A recorded rt_sigaction (handlers are recorded, never run). */
export interface SignalAction {
  readonly handler: number;
  readonly flags: number;
  readonly mask: bigint;
}

export const SIG_DFL = 0;
export const SIG_IGN = 1;

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
  readonly signalActions = new Map<number, SignalAction>();
  signalMask = 0n;
  clearChildTid = 0;
  readonly pid: number;
  readonly random: (buf: Uint8Array) => void;
  readonly startNs = process.hrtime.bigint();
  syscallCount = 0;
  private readonly strace: ((line: string) => void) | undefined;
  /** riscv_flush_icache: set by the emulator to discard translations. */
  onFlushICache: () => void = () => {};
  /** Aborts waits (sleeps) when the run is stopped. */
  abortSignal: AbortSignal | undefined;

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

  /**
   * A signal sent to the process (by itself, or from the host): discarded
   * when ignored, by SIG_IGN or by default; otherwise the process ends as
   * its default action does. (Handlers do not run yet: a handled signal
   * takes its default action.) Returns true if it ended the process.
   */
  deliverSignal(signo: number, reason: string): boolean {
    const handler = this.signalActions.get(signo)?.handler ?? SIG_DFL;
    if (handler === SIG_IGN || defaultAction(signo) !== 'terminate') return false;
    this.kill(signo, 0, 0, reason);
    return true;
  }

  /** True if the guest asked to ignore `signal`. */
  ignores(signal: SignalName): boolean {
    return this.signalActions.get(SIGNALS[signal])?.handler === SIG_IGN;
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

  /** Waits `ms`, or less if the run is aborted meanwhile. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.abortSignal;
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Performs system call `nr` with arguments a0..a5; returns the value
   *  for a0 (negative errno on failure), possibly after waiting. */
  syscall(nr: number, args: readonly number[]): number | Promise<number> {
    this.syscallCount++;
    const name = SYSCALL_NAMES.get(nr);
    const def = name ? SYSCALLS[name] : undefined;
    const perform = (): number | Promise<number> => (def ? this.guarded(name!, () => def.run(this, args)) : -E.ENOSYS);
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
