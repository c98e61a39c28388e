/**
 * The dispatcher's one way into every trace: a three-instruction wasm
 * function that call_indirects slot `slot` of the shared trace table.
 *
 *   enter(slot, fuel, retired, entry) -> exit index
 *
 * Calling each trace's own exported function instead made the dispatcher's
 * call site see a new target at every install, and V8 deoptimized the
 * whole dispatch loop each time (then ran it unoptimized until TurboFan,
 * starved by the compile worker on two cores, finished it again). Written
 * as bytes: the main thread never loads binaryen.
 */
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // types: 0 = a trace's run (i32 fuel, i32 retired, i32 entry) -> i32; 1 = enter
  0x01, 0x10, 0x02, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f,
  // import "env" "traces": a funcref table, no limits of its own
  0x02, 0x10, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x74, 0x72, 0x61, 0x63, 0x65, 0x73, 0x01, 0x70, 0x00, 0x00,
  // one function of type 1, exported as "enter"
  0x03, 0x02, 0x01, 0x01,
  0x07, 0x09, 0x01, 0x05, 0x65, 0x6e, 0x74, 0x65, 0x72, 0x00, 0x00,
  // body: call_indirect type 0 (fuel, retired, entry) through table[slot]
  0x0a, 0x0f, 0x01, 0x0d, 0x00, 0x20, 0x01, 0x20, 0x02, 0x20, 0x03, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b,
]);

export type TraceTrampoline = (slot: number, fuel: number, retired: number, entry: number) => number;

export function traceTrampoline(table: WebAssembly.Table): TraceTrampoline {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MODULE), { env: { traces: table } });
  return instance.exports.enter as TraceTrampoline;
}
