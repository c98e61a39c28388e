import type { Kernel } from '../kernel.js';

/** How --strace shows an argument. */
export type ArgKind = 'int' | 'uint' | 'hex' | 'fd' | 'dirfd' | 'path' | 'ptr' | 'signal' | 'oct';

export type SyscallResult = number | Promise<number>;

export interface SyscallDef {
  readonly args: readonly ArgKind[];
  /** `a` holds a0..a5 as signed 32-bit integers. */
  readonly run: (k: Kernel, a: readonly number[]) => SyscallResult;
  /** A blocking call a signal's handler may restart (SA_RESTART); the
   *  others (sleeps, sigsuspend) return EINTR, as on Linux. A function
   *  decides from the arguments (a futex wait with a timeout is not). */
  readonly restartable?: boolean | ((a: readonly number[]) => boolean);
}

export type SyscallGroup = Readonly<Partial<Record<import('./numbers.js').SyscallName, SyscallDef>>>;

/** Applies `f` to a result that may still be pending. */
export function then(r: SyscallResult, f: (n: number) => SyscallResult): SyscallResult {
  return typeof r === 'number' ? f(r) : r.then(f);
}
