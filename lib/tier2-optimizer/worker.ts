import { compileTask } from './compile.js';
import type { CompileResult, WorkerTask } from './task.js';
import { stampStart } from './task-deadline.js';

/**
 * The piscina worker: binaryen is loaded when the worker starts (about a
 * third of a second), so the pool runs a warm-up task on every thread
 * first. Fault injection exists for the tests of tier-2 failure handling.
 */
export default function compileInWorker(task: WorkerTask): CompileResult | 'warm' {
  if (task.kind === 'warmup') return 'warm';
  if (task.startedAt) stampStart(task.startedAt);
  switch (task.inject) {
    case 'throw':
      throw new Error(`${task.name}: injected compiler failure`);
    case 'crash':
      process.exit(3);
    // eslint-disable-next-line no-fallthrough
    case 'hang':
      for (;;) { /* until the pool's time limit kills this worker */ }
    case 'slow':
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      return compileTask(task);
    case 'invalid-module':
      // A well-formed module that does not fit the trace imports.
      return {
        status: 'compiled', exits: [], wasmBytes: 8, workerMs: 0,
        module: new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])),
      };
    default:
      return compileTask(task);
  }
}
