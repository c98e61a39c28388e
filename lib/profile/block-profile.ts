/**
 * Execution profile of one translated block, kept by the tier-1 dispatcher
 * and read by trace formation (lib/traces). Counting is a few increments of
 * fields per dispatched block, which is all tier 1 can afford.
 */
export class BlockProfile {
  /** Times the block ran (in tier 1; tier-2 runs are counted by traces). */
  count = 0;
  /** Times each exit was taken, indexed like the block's exits. */
  readonly edges: number[];
  /** For an indirect exit: target pc → times taken (a few entries). */
  readonly indirectTargets: Map<number, number> | null;
  /** Sequence number of the last time each exit was taken, so NET trace
   *  formation can follow "the most recent successor". */
  readonly lastTaken: number[];

  constructor(exitCount: number, indirect: boolean) {
    this.edges = new Array<number>(exitCount).fill(0);
    this.lastTaken = new Array<number>(exitCount).fill(0);
    this.indirectTargets = indirect ? new Map() : null;
  }

  /** Indirect targets are capped so a megamorphic jump costs bounded memory. */
  static readonly MAX_INDIRECT_TARGETS = 8;

  recordIndirect(target: number): void {
    const t = this.indirectTargets;
    if (t === null) return;
    const n = t.get(target);
    if (n !== undefined) t.set(target, n + 1);
    else if (t.size < BlockProfile.MAX_INDIRECT_TARGETS) t.set(target, 1);
  }

  /** Indirect targets, most frequent first. */
  hotIndirectTargets(): number[] {
    if (this.indirectTargets === null) return [];
    return [...this.indirectTargets.entries()].sort((a, b) => b[1] - a[1]).map(([pc]) => pc);
  }
}
