import type { BlockExit } from '../ir/types.js';
import { BlockProfile } from '../profile/block-profile.js';

/** Anything the dispatcher can enter at a pc instead of the tier-1 block:
 *  an installed tier-2 trace. Defined here so tier 1 does not import tier 2. */
export interface TraceEntry {
  readonly headPc: number;
}

/** A guest basic block translated by tier 1. */
export class TranslatedBlock {
  /** Chained successor per exit: the block the dispatcher enters next
   *  without a hash lookup. Filled lazily; stale links are caught by `valid`. */
  readonly next: (TranslatedBlock | null)[];
  /** Cleared when the code under it changes; the dispatcher then re-looks up. */
  valid = true;
  /** The installed tier-2 trace that covers this block, entered instead of
   *  `run` at entry `traceEntry` (0 when the block is the trace's head). */
  trace: TraceEntry | null = null;
  traceEntry = 0;
  readonly profile: BlockProfile;
  /** Last target of the indirect exit (a one-entry inline cache). */
  indirectCache: TranslatedBlock | null = null;
  readonly firstPage: number;
  readonly lastPage: number;

  constructor(
    readonly pc: number,
    readonly size: number,
    readonly insnCount: number,
    readonly exits: readonly BlockExit[],
    /** Runs the block; returns the exit index. Tier 1 replaces an
     *  interpreting function by the compiled one once the block is warm. */
    public run: () => number,
    /** The pc of each instruction: where tier 2 may split the block. */
    readonly insnPcs: readonly number[],
  ) {
    this.next = exits.map(() => null);
    this.profile = new BlockProfile(exits.length, exits.some((e) => e.kind === 'indirect'));
    this.firstPage = pc >>> 12;
    this.lastPage = (pc + Math.max(size, 1) - 1) >>> 12;
  }
}
