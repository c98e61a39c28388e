import { STATE } from '../runtime/layout.js';
import { NO_TRACE, PASSED_REGS, RESUME_EXIT } from './trace-abi.js';
import { IMPORT_KIND, SECTION, TRACE_TYPE, module, name, section, vector } from './wasm-bytes.js';

/**
 * What a CPU worker's trace table holds in the slots of traces it has not
 * instantiated, or has dropped: the shared trace directory may list a
 * trace a CPU has not received yet (installs reach the CPUs as messages),
 * or one this CPU has invalidated before the main thread unlists it. A
 * trace chaining there (it has stored the pc, and passes the registers)
 * lands in this function, which writes the registers back and leaves to
 * the dispatcher with the retired count and NO_TRACE, so the dispatcher
 * continues at the pc.
 *
 * A funcref table holds only wasm functions: a JavaScript function becomes
 * one when a module imports and re-exports it (one type, one import
 * "env" "f", one export "f").
 */
const MODULE = module(
  section(SECTION.type, vector([TRACE_TYPE])),
  section(SECTION.import, vector([[...name('env'), ...name('f'), IMPORT_KIND.func, 0x00]])),
  section(SECTION.export, vector([[...name('f'), 0x00, 0x00]])),
);

export function missingTrace(state: Int32Array): WebAssembly.ExportValue {
  const leave = (_fuel: number, retired: number, _entry: number, ...regs: number[]): number => {
    for (let r = 1; r <= PASSED_REGS; r++) state[r] = regs[r - 1]!;
    state[STATE.EXIT_INSNS] = retired;
    state[STATE.EXIT_TRACE] = NO_TRACE;
    return RESUME_EXIT;
  };
  return new WebAssembly.Instance(new WebAssembly.Module(MODULE), { env: { f: leave } }).exports['f']!;
}
