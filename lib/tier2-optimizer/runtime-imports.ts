import type { GuestAccess } from '../runtime/guest-access.js';
import { STATE } from '../runtime/layout.js';
import { GuestFault, signalName, type SignalName } from '../runtime/signals.js';
import { IMPORTS } from './trace-abi.js';

/**
 * The JavaScript functions trace modules import. Faults are thrown as
 * GuestFault straight through the wasm frames to the dispatcher; the trace
 * has written the guest's registers back first (lower.ts, fault_exit), so
 * a guest handler sees them as at the faulting instruction.
 */
export function traceImports(
  memory: WebAssembly.Memory,
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
