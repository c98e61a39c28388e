import type { MemoryModel } from '../runtime/options.js';
import type { BinaryenLoad } from './binaryen-loader.js';
import type { DispatchExit } from '../runtime/dispatcher.js';
import type { GenerationSnapshot } from '../traces/code-generations.js';
import type { RegionBlock } from '../traces/region.js';

/**
 * What crosses the thread boundary. A task carries plain data only (the
 * region's shape, its code bytes, the generations they were read at, and
 * the SharedArrayBuffer of code generations); the worker re-decodes the code with
 * the tier-1 front end, so both tiers start from the same IR.
 */
export interface CompileTask {
  readonly kind: 'compile';
  /** Also the trace's id: its slot in the trace table. */
  readonly id: number;
  /** e.g. "region-00010a2c-7": names dumps and errors. */
  readonly name: string;
  readonly blocks: readonly RegionBlock[];
  /** The guest code of each block, in block order. */
  readonly code: readonly Uint8Array[];
  readonly maxBlockInsns: number;
  readonly optimizeLevel: number;
  readonly shrinkLevel: number;
  readonly dump: boolean;
  /** Emit the profile counters (LowerOptions.profile). */
  readonly profile: boolean;
  /** The emulator's memory model (RunOptions.memoryModel): flat loads are
   *  range-checked only. */
  readonly memoryModel: MemoryModel;
  /** Return the module's bytes too (for the persistent trace cache). */
  readonly keepBinary: boolean;
  readonly generations: SharedArrayBuffer;
  readonly snapshot: GenerationSnapshot;
  /** The worker stamps its start time here (see TaskDeadline). */
  readonly startedAt?: SharedArrayBuffer;
  /** Test hook: make the worker fail in a chosen way. */
  readonly inject?: FaultInjection;
}

/** Test hook: 'throw' (the compiler throws), 'invalid-module' (it returns
 *  a module that does not fit), 'hang' (it never finishes), 'crash' (the
 *  worker thread dies), 'slow' (it takes 300 ms longer, so the guest can
 *  change the code meanwhile). */
export type FaultInjection = 'throw' | 'invalid-module' | 'hang' | 'crash' | 'slow';

export interface WarmupTask {
  readonly kind: 'warmup';
}

export type WorkerTask = CompileTask | WarmupTask;

/** A worker's answer to the warm-up task: how binaryen was loaded there,
 *  and how long its first compile took. */
export interface WarmupResult {
  readonly binaryen: BinaryenLoad;
  /** The warm-up region's compile (warmup.ts). */
  readonly warmupCompileMs: number;
}

export type CompileResult =
  | {
      readonly status: 'compiled';
      readonly module: WebAssembly.Module;
      readonly exits: readonly DispatchExit[];
      readonly wasmBytes: number;
      readonly workerMs: number;
      /** The module's bytes, when the task asked for them (keepBinary). */
      readonly binary?: Uint8Array;
      /** IR and WebAssembly text, when the task asked for a dump. */
      readonly dump?: string;
    }
  /** The code changed while the task waited; nothing was compiled. */
  | { readonly status: 'stale' };
