import type { MemoryModel } from '../runtime/options.js';
import type { CpuChannelBuffers } from './cpu-channel.js';

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
  readonly maxBlockInsns: number;
  readonly verifyIR: boolean;
}
