/**
 * hyemu: a hybrid two-tier RISC-V (rv32) Linux user-mode emulator.
 *
 *   import { run } from 'hyemu';
 *   const result = await run('prog.elf', { args: ['x'] });
 *   console.log(result.exitCode, result.stdout?.toString());
 */
import { Emulator, type RunResult } from './runtime/emulator.js';
import type { RunOptions } from './runtime/options.js';

export { Emulator, LIMIT_EXIT_CODE } from './runtime/emulator.js';
export type { RunResult, RunStats, RunStatus, FaultInfo, EmulatorEvents, ProgressSample } from './runtime/emulator.js';
export type { RunOptions } from './runtime/options.js';
export type { Tier2Stats } from './runtime/tier2-engine.js';
export { DEFAULT_TIER2, TIER2_TUNABLES, type Tier2Options, type Tier2Tunable, type TraceStrategy } from './tier2-optimizer/options.js';
export { Tier2Pool, type CompilerPool } from './tier2-optimizer/pool.js';
export type { MountSpec } from './runtime/vfs/mounts.js';
export { HyemuError, ElfError, OptionError, type HyemuErrorCode } from './errors.js';

/** Loads `program` (a path or ELF bytes) and runs it to completion. */
export async function run(program: string | Uint8Array, options: RunOptions = {}): Promise<RunResult> {
  const emulator = await Emulator.create(program, options);
  return emulator.run();
}
