import { PASSED_REGS } from './trace-abi.js';
import { IMPORT_KIND, SECTION, TRACE_TYPE, i32FunctionType, module, name, section, uleb, vector } from './wasm-bytes.js';

/**
 * The dispatcher's one way into every trace: a small wasm function that
 * loads the guest registers from the CPU's state block and call_indirects
 * slot `slot` of the shared trace table with them.
 *
 *   enter(slot, fuel, retired, entry) -> exit index
 *
 * Calling each trace's own exported function instead made the dispatcher's
 * call site see a new target at every install, and V8 deoptimized the
 * whole dispatch loop each time (then ran it unoptimized until TurboFan,
 * starved by the compile worker on two cores, finished it again). Written
 * as bytes: the main thread never loads binaryen. One per CPU, since the
 * state block's offset is compiled in.
 */
function trampolineModule(stateBase: number): Uint8Array<ArrayBuffer> {
  const I32_LOAD = 0x28, I32_CONST = 0x41, LOCAL_GET = 0x20, CALL_INDIRECT = 0x11, END = 0x0b;
  const loads: number[] = [];
  for (let r = 1; r <= PASSED_REGS; r++) loads.push(I32_CONST, 0, I32_LOAD, 2, ...uleb(stateBase + 4 * r));
  const body = [
    0, // no locals
    LOCAL_GET, 1, LOCAL_GET, 2, LOCAL_GET, 3, ...loads,
    LOCAL_GET, 0, CALL_INDIRECT, 0, 0, END,
  ];
  return module(
    // types: 0 = a trace's run, 1 = enter
    section(SECTION.type, vector([TRACE_TYPE, i32FunctionType(4)])),
    // "env" "traces": a funcref table, no limits of its own; "env" "memory":
    // the shared guest memory (any size up to 4 GiB)
    section(SECTION.import, vector([
      [...name('env'), ...name('traces'), IMPORT_KIND.table, 0x70, 0x00, 0x00],
      [...name('env'), ...name('memory'), IMPORT_KIND.memory, 0x03, 0x00, ...uleb(65536)],
    ])),
    section(SECTION.function, vector([[1]])),
    section(SECTION.export, vector([[...name('enter'), 0x00, 0x00]])),
    section(SECTION.code, vector([[...uleb(body.length), ...body]])),
  );
}

export type TraceTrampoline = (slot: number, fuel: number, retired: number, entry: number) => number;

/** The trampoline of the CPU whose state block is `state` (a view into
 *  `memory`). */
export function traceTrampoline(table: WebAssembly.Table, memory: WebAssembly.Memory, state: Int32Array): TraceTrampoline {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(trampolineModule(state.byteOffset)), { env: { traces: table, memory } });
  return instance.exports.enter as TraceTrampoline;
}
