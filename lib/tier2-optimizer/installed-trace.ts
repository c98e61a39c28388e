import type { DispatchExit, RunnableTrace } from '../runtime/dispatcher.js';
import type { TranslatedBlock } from '../tier1-tcg/block.js';

/** A compiled region, instantiated and entered by the dispatcher in place
 *  of the tier-1 block at its head. */
export class InstalledTrace implements RunnableTrace {
  valid = true;
  entries = 0;
  instructions = 0;
  readonly next: (TranslatedBlock | null)[];
  /** Times each exit was taken (for dumps and tuning). */
  readonly exitCounts: number[];
  indirectCache: TranslatedBlock | null = null;
  readonly profile = null;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly headPc: number,
    readonly exits: readonly DispatchExit[],
    public run: (fuel: number, retired: number) => number,
    readonly pages: readonly number[],
    readonly blockCount: number,
  ) {
    this.next = exits.map(() => null);
    this.exitCounts = exits.map(() => 0);
  }
}
