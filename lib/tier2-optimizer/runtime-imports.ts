import type { GuestAccess } from '../runtime/guest-access.js';
import { STATE } from '../runtime/layout.js';
import { GuestFault, signalName, type SignalName } from '../runtime/signals.js';
import { ENTER, IMPORTS, PASSED_REGS, RUN } from './trace-abi.js';
import type { TraceRun } from './installed-trace.js';
import { counterReader, type TraceCounters } from '../profile/trace-profile.js';

/**
 * The JavaScript functions trace modules import. Faults are thrown as
 * GuestFault straight through the wasm frames to the dispatcher; the trace
 * has written the guest's registers back first (lower.ts, fault_exit), so
 * a guest handler sees them as at the faulting instruction.
 */
export function traceImports(
  memory: WebAssembly.Memory,
  /** The running thread's CPU state block (a view into `memory`). */
  state: Int32Array,
  traces: WebAssembly.Table,
  access: GuestAccess,
  readCounter: (csr: number, retired: number) => number,
  codeVersion: () => number,
): WebAssembly.Imports {
  const stores = [, access.st8, access.st16, , access.st32] as const;
  return {
    env: {
      memory,
      [IMPORTS.table]: traces,
      [IMPORTS.stateBase]: state.byteOffset,
      [IMPORTS.readCounter]: readCounter,
      /** A store the fast path declined: not writable (throws SIGSEGV) or
       *  onto translated code (discards it, and tells the trace to stop). */
      [IMPORTS.storeSlow](addr: number, value: number, size: number, pc: number): void {
        const before = codeVersion();
        stores[size as 1 | 2 | 4]!(addr, value, pc);
        if (codeVersion() !== before) state[STATE.STOP] = 1;
      },
      [IMPORTS.atomicSlow](op: number, addr: number, value: number, expected: number, pc: number): number {
        const before = codeVersion();
        const old = access.rmw32(op, addr, value, expected, pc);
        if (codeVersion() !== before) state[STATE.STOP] = 1;
        return old;
      },
      [IMPORTS.fault](signo: number, pc: number, addr: number): never {
        throw new GuestFault(signalName(signo) as SignalName, pc >>> 0, addr >>> 0);
      },
    },
  };
}

/** The imports of one trace: the shared ones and its id. */
export function importsForTrace(shared: WebAssembly.Imports, id: number): WebAssembly.Imports {
  return { env: { ...shared['env'], [IMPORTS.traceId]: id } };
}

export interface TraceInstance {
  /** The trace's function, for the trace table. */
  readonly code: WebAssembly.ExportValue;
  /** The same, callable from JavaScript with the registers in the state
   *  block (the audit's way in). */
  readonly run: TraceRun;
  /** With tier2.profile: the instance's counters; null without. */
  readonly counters: (() => TraceCounters) | null;
}

/** Instantiates a trace module as trace `id` for the CPU whose state block
 *  is `state`; throws if it does not fit. */
export function instantiateTrace(module: WebAssembly.Module, shared: WebAssembly.Imports, id: number, state: Int32Array): TraceInstance {
  const instance = new WebAssembly.Instance(module, importsForTrace(shared, id));
  const code = instance.exports[RUN] as (...args: number[]) => number;
  if (typeof code !== 'function' || instance.exports[ENTER] !== code) throw new Error('the module lacks its run/enter exports');
  const run: TraceRun = (fuel, retired, entry) => code(fuel, retired, entry, ...state.subarray(1, 1 + PASSED_REGS));
  return { code, run, counters: counterReader(instance.exports) };
}
