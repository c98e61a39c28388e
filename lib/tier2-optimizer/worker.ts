import { lowerThreadPriority } from '../runtime/thread-priority.js';
import { collectLoadGarbage } from './binaryen-loader.js';
import { binaryenLoad } from './binaryen.js';
import { compileTask } from './compile.js';
import type { CompileResult, WarmupResult, WorkerTask } from './task.js';
import { stampStart } from './task-deadline.js';
import { warmupCompileTask } from './warmup.js';

/**
 * The piscina worker: binaryen is loaded when the worker starts (about a
 * third of a second), and the pool runs a warm-up task on every thread
 * first, which compiles a small region (warmup.ts). Fault injection exists for the tests of tier-2 failure handling.
 */
/**
 * The compiler runs at a low CPU priority (nice 10): on a machine with few cores
 * it would otherwise take CPU from the main thread and from V8's own
 * background compilers, which optimize the tier-1 code in the meantime (on
 * two cores, tier 1 ran several times slower while traces compiled).
 */
lowerThreadPriority();

export default function compileInWorker(task: WorkerTask): CompileResult | WarmupResult {
  if (task.kind === 'warmup') {
    const t0 = performance.now();
    const warm = compileTask(warmupCompileTask());
    if (warm.status !== 'compiled') throw new Error('the warm-up region did not compile');
    if (binaryenLoad.how === 'cached') collectLoadGarbage();
    return { binaryen: binaryenLoad, warmupCompileMs: performance.now() - t0 };
  }
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
