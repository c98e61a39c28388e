import type { MessagePort } from 'node:worker_threads';
import type { DispatchExit } from '../runtime/dispatcher.js';
import type { GenerationSnapshot } from '../traces/code-generations.js';
import type { Region } from '../traces/region.js';

/**
 * Tier 2 across guest threads: the main thread's Tier2Manager compiles
 * every region once, in the pool, and sends each installed module to the
 * CPU worker of every other guest thread, which instantiates it against
 * its own state block and table (cpu-traces.ts). A CPU's hot blocks come
 * back as region requests. One MessagePort per CPU carries both; the
 * worker reads its end with receiveMessageOnPort between slices, since it
 * never returns to its event loop.
 */

/** An installed trace, as every CPU instantiates it. */
export interface SharedTrace {
  readonly id: number;
  readonly name: string;
  readonly module: WebAssembly.Module;
  readonly entryPcs: readonly number[];
  readonly enterable: readonly number[];
  readonly exits: readonly DispatchExit[];
  readonly pages: readonly number[];
  /** The generations of its pages when its code was read: a CPU that sees
   *  them moved on does not use it (the code changed since). */
  readonly snapshot: GenerationSnapshot;
}

export type ToCpu =
  | { readonly kind: 'install'; readonly trace: SharedTrace }
  /** The CPU's request for the region at `head` is settled (installed,
   *  failed, stale, or already claimed): for waitForInstall. */
  | { readonly kind: 'answered'; readonly head: number };

/** A block that became hot on a CPU, and the region formed around it
 *  from that CPU's blocks; `count` orders it in the compile queue. */
export type FromCpu = { readonly kind: 'region'; readonly region: Region; readonly count: number };

/** What a CPU worker is started with to run tier 2. */
export interface CpuTier2Start {
  readonly port: MessagePort;
  readonly hotThreshold: number;
  readonly maxBlocks: number;
  /** Test mode, as on the main thread: a CPU whose block became hot waits
   *  until its region is settled. */
  readonly waitForInstall: boolean;
  /** CodeGenerations' buffer: a CPU bumps the pages it writes code on. */
  readonly generations: SharedArrayBuffer;
}

/** The main thread's tier 2 as the CPU host sees it. */
export interface ThreadTier2 {
  /** Settings for a new CPU (without its port). */
  cpuSettings(): Omit<CpuTier2Start, 'port'>;
  /** Connects a new CPU: it is sent every trace installed now and every
   *  later one, and its region requests are queued like the main thread's.
   *  Returns the disconnect (the CPU ended). */
  connect(port: MessagePort): () => void;
}
