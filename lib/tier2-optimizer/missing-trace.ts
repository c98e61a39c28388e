import { STATE } from '../runtime/layout.js';
import { NO_TRACE, RESUME_EXIT } from './trace-abi.js';

/**
 * What a CPU worker's trace table holds in the slots of traces it has not
 * instantiated, or has dropped: the shared trace directory may list a
 * trace a CPU has not received yet (installs reach the CPUs as messages),
 * or one this CPU has invalidated before the main thread unlists it. A
 * trace chaining there (it has stored its registers and the pc) lands in
 * this function, which leaves to the dispatcher with the retired count and
 * NO_TRACE, so the dispatcher continues at the pc.
 *
 * A funcref table holds only wasm functions: a JavaScript function becomes
 * one when a module imports and re-exports it (bytes below: one type, one
 * import "env" "f", one export "f").
 */
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // type 0: (i32 fuel, i32 retired, i32 entry) -> i32, a trace's run
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f,
  0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00,
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
]);

export function missingTrace(state: Int32Array): WebAssembly.ExportValue {
  const leave = (_fuel: number, retired: number): number => {
    state[STATE.EXIT_INSNS] = retired;
    state[STATE.EXIT_TRACE] = NO_TRACE;
    return RESUME_EXIT;
  };
  return new WebAssembly.Instance(new WebAssembly.Module(MODULE), { env: { f: leave } }).exports['f']!;
}
