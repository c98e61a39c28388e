import type { GuestAccess } from '../runtime/guest-access.js';
import { GuestFault, signalName, type SignalName } from '../runtime/signals.js';

/**
 * The JavaScript functions trace modules import. Faults are thrown as
 * GuestFault straight through the wasm frames to the dispatcher; the
 * guest's registers in wasm locals are lost, which is fine because a fault
 * ends the guest (its state is not observable afterwards).
 */
export function traceImports(
  memory: WebAssembly.Memory,
  access: GuestAccess,
  readCounter: (csr: number, retired: number) => number,
  codeVersion: () => number,
): WebAssembly.Imports {
  const stores = [, access.st8, access.st16, , access.st32] as const;
  return {
    env: {
      memory,
      read_counter: readCounter,
      /** A store the fast path declined: not writable (throws SIGSEGV) or
       *  onto translated code (discards it). Returns 1 when code was
       *  discarded, so the trace leaves before running stale code. */
      store_slow(addr: number, value: number, size: number, pc: number): number {
        const before = codeVersion();
        stores[size as 1 | 2 | 4]!(addr, value, pc);
        return codeVersion() !== before ? 1 : 0;
      },
      fault(signo: number, pc: number, addr: number): never {
        throw new GuestFault(signalName(signo) as SignalName, pc >>> 0, addr >>> 0);
      },
    },
  };
}
