import type { DispatchExit, RunnableTrace } from '../runtime/dispatcher.js';
import type { TranslatedBlock } from '../tier1-tcg/block.js';

/** A trace's function as JavaScript calls it: (fuel, retired, entry) ->
 *  exit index, with the registers in the state block (trace-abi.ts). */
export type TraceRun = (fuel: number, retired: number, entry: number) => number;

/** A compiled region, instantiated and entered by the dispatcher in place
 *  of the tier-1 blocks it covers (at the entry of each). */
export class InstalledTrace implements RunnableTrace {
  valid = true;
  entries = 0;
  instructions = 0;
  readonly next: (TranslatedBlock | null)[];
  /** Times each exit was taken (for dumps and tuning). */
  readonly exitCounts: number[];
  indirectCache: TranslatedBlock | null = null;
  readonly profile = null;

  readonly headPc: number;

  constructor(
    readonly id: number,
    readonly name: string,
    /** The pc of each region block, by entry number; entry 0 is the head. */
    readonly entryPcs: readonly number[],
    /** The entries it may be entered at (regionEntries): the others run in
     *  tier 1 when control arrives there from outside the trace. */
    readonly enterable: readonly number[],
    readonly exits: readonly DispatchExit[],
    /** The module's function (trace-abi.ts), for the trace table. */
    readonly code: WebAssembly.ExportValue,
    /** The same from JavaScript, at any enterable entry. */
    public run: TraceRun,
    readonly pages: readonly number[],
  ) {
    this.headPc = entryPcs[0]!;
    this.next = exits.map(() => null);
    this.exitCounts = exits.map(() => 0);
  }
}
