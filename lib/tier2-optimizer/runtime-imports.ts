import type { GuestAccess } from '../runtime/guest-access.js';
import { STATE } from '../runtime/layout.js';
import { GuestFault, signalName, type SignalName } from '../runtime/signals.js';
import { ENTER, IMPORTS, RUN } from './trace-abi.js';
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
  readonly run: TraceRun;
  readonly enter: TraceRun;
  /** With tier2.profile: the instance's counters; null without. */
  readonly counters: (() => TraceCounters) | null;
}

/** Instantiates a trace module as trace `id`; throws if it does not fit. */
export function instantiateTrace(module: WebAssembly.Module, shared: WebAssembly.Imports, id: number): TraceInstance {
  const instance = new WebAssembly.Instance(module, importsForTrace(shared, id));
  const run = instance.exports[RUN] as TraceRun;
  const enter = instance.exports[ENTER] as TraceRun;
  if (typeof run !== 'function' || typeof enter !== 'function') throw new Error('the module lacks its run/enter exports');
  return { run, enter, counters: counterReader(instance.exports) };
}
