import { CodeGenerations } from '../traces/code-generations.js';
import type { CompileTask } from './task.js';

/**
 * A small region each worker compiles once when it starts, before any real
 * task: the first compile in a fresh worker took ~520 ms against ~60 ms for
 * the next ones of its size (binaryen's wasm still in V8's baseline tier
 * and behind generic JS-to-wasm wrappers, the lowering code cold), and that
 * was the first trace's latency. A loop with loads, stores of each size,
 * mul and shifts, then a return:
 *
 *   0x10000: addi a0,a0,1; lw a1,0(a2); mul a1,a1,a0; add a1,a1,a4; sw a1,4(a2)
 *            lbu a5,8(a2); srli a4,a1,3; xor a4,a4,a5; sh a4,10(a2); blt a0,a3,0x10000
 *   0x10028: ret
 */
const LOOP = [0x00150513, 0x00062583, 0x02a585b3, 0x00e585b3, 0x00b62223, 0x00864783, 0x0035d713, 0x00f74733, 0x00e61523, 0xfcd54ee3];
const RET = [0x00008067];
const words = (w: readonly number[]): Uint8Array => new Uint8Array(new Uint32Array(w).buffer);

export function warmupCompileTask(): CompileTask {
  const generations = new CodeGenerations(new SharedArrayBuffer(8 * 4));
  return {
    kind: 'compile', id: 0, name: 'warm-up',
    blocks: [
      { pc: 0x10000, size: 40, insnCount: 10, successors: [1, 0], indirectTargets: [] },
      { pc: 0x10028, size: 4, insnCount: 1, successors: [null], indirectTargets: [] },
    ],
    code: [words(LOOP), words(RET)],
    maxBlockInsns: 64, optimizeLevel: 1, shrinkLevel: 0, dump: false, profile: false, memoryModel: 'strict', keepBinary: false,
    generations: generations.buffer, snapshot: generations.snapshot([]),
  };
}
