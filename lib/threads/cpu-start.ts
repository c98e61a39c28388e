import type { MemoryModel } from '../runtime/options.js';
import type { CpuChannelBuffers } from './cpu-channel.js';
import type { CpuTier2Start } from '../tier2-optimizer/thread-protocol.js';
import type { Tier1Options } from '../tier1-tcg/translator.js';

/** What a CPU worker is started with (its workerData). */
export interface CpuStart {
  readonly memory: WebAssembly.Memory;
  /** The thread's CPU state slot; its state block holds the registers and
   *  pc it starts with. */
  readonly slot: number;
  readonly tid: number;
  readonly channel: CpuChannelBuffers;
  readonly invalidationLog: SharedArrayBuffer;
  /** The kernel's start time (the time CSR). */
  readonly startNs: bigint;
  readonly memoryModel: MemoryModel;
  readonly tier1: Tier1Options;
  /** Tier 2 (the traces the main thread installs), or null: tier 1 only. */
  readonly tier2: CpuTier2Start | null;
}
