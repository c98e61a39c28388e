import type Binaryen from 'binaryen';
import { binaryen } from './binaryen.js';
import { translateBlock, type CodeSource } from '../guest/riscv/translate.js';
import { printBlock } from '../ir/printer.js';
import type { IRBlock } from '../ir/types.js';
import { assertValidBlock } from '../ir/verifier.js';
import { CodeGenerations } from '../traces/code-generations.js';
import { declareImports, lowerRegion } from './lower.js';
import type { CompileResult, CompileTask } from './task.js';

/** Code fetch from the bytes a task carries (one range per block). */
function taskCodeSource(task: CompileTask): CodeSource {
  return {
    fetch16(addr: number): number | undefined {
      for (let i = 0; i < task.blocks.length; i++) {
        const b = task.blocks[i]!;
        const off = addr - b.pc;
        if (off >= 0 && off + 2 <= b.size) {
          const bytes = task.code[i]!;
          return bytes[off]! | (bytes[off + 1]! << 8);
        }
      }
      return undefined;
    },
  };
}

/**
 * Level 1 (the default) runs a short pipeline of cheap passes that shrink
 * the Relooper's output (unused names, empty code, local order):
 * V8's optimizing compiler does register allocation and value numbering
 * itself, so binaryen's full pipeline mostly costs compile latency (about
 * 5x, measured on 32-block regions) for code that runs no faster. Levels
 * 2-4 run binaryen's full pipeline at that level.
 */
const FAST_PASSES = ['remove-unused-names', 'vacuum', 'reorder-locals'];

function optimize(m: Binaryen.Module, level: number, shrink: number): void {
  if (level === 0 && shrink === 0) return;
  if (level <= 1 && shrink === 0) {
    m.runPasses(FAST_PASSES);
    return;
  }
  binaryen.setOptimizeLevel(level);
  binaryen.setShrinkLevel(shrink);
  m.optimize();
}

/** Re-translates the task's blocks with the tier-1 front end (a block the
 *  region cut short, with its own instruction count); the result must be
 *  the blocks tier 1 saw, or the task is inconsistent. */
export function translateTask(task: CompileTask): IRBlock[] {
  const code = taskCodeSource(task);
  return task.blocks.map((b) => {
    const ir = translateBlock(code, b.pc, { maxInsns: b.cut ? b.insnCount : task.maxBlockInsns });
    assertValidBlock(ir);
    if (ir.size !== b.size || ir.insnCount !== b.insnCount) {
      throw new Error(`${task.name}: block 0x${b.pc.toString(16)} decodes to ${ir.size} bytes/${ir.insnCount} insns, tier 1 saw ${b.size}/${b.insnCount}`);
    }
    return ir;
  });
}

/**
 * The whole tier-2 compile of one region: front end, lowering, binaryen
 * validation and optimization, and WebAssembly compilation. Runs in a pool
 * worker; the returned Module is instantiated on the main thread.
 */
export function compileTask(task: CompileTask): CompileResult {
  const t0 = performance.now();
  const generations = new CodeGenerations(task.generations);
  if (!generations.isCurrent(task.snapshot)) return { status: 'stale' };
  const irs = translateTask(task);
  const m = new binaryen.Module();
  let stage = 'lowering';
  try {
    declareImports(m);
    const exits = lowerRegion(m, irs, task.blocks, { profile: task.profile, flatLoads: task.memoryModel === 'flat' });
    stage = 'validation';
    if (!m.validate()) throw new Error('binaryen rejected the lowered module');
    stage = 'optimization';
    optimize(m, task.optimizeLevel, task.shrinkLevel);
    stage = 'emitting';
    const binary = m.emitBinary();
    const dump = task.dump
      ? `;; ${task.name}: ${task.blocks.length} blocks\n${irs.map(printBlock).join('\n\n')}\n\n${m.emitText()}`
      : undefined;
    const module = new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
    // Checked again at install; checking here saves the transfer.
    if (!generations.isCurrent(task.snapshot)) return { status: 'stale' };
    return {
      status: 'compiled', module, exits, wasmBytes: binary.length, workerMs: performance.now() - t0,
      ...(dump !== undefined ? { dump } : {}),
      ...(task.keepBinary ? { binary } : {}),
    };
  } catch (e) {
    // binaryen reports internal failures as bare C++ exception objects.
    throw new Error(`${task.name}: ${stage} failed: ${e instanceof Error ? e.message : JSON.stringify(e)}`);
  } finally {
    m.dispose();
  }
}
