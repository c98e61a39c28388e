import type { TranslatedBlock } from '../tier1-tcg/block.js';
import { buildRegion, continuable, type Region } from './region.js';

/**
 * NET (next-executing-tail) trace formation, as HQEMU does it: once a head
 * is hot, record the blocks that execute next, until the path comes back to
 * the head (a loop: the trace jumps back to its start inside wasm), revisits
 * a block, leaves through an exit that cannot continue (a system call), or
 * reaches the size limit.
 */
export class NetRecorder {
  private readonly path: Array<{ block: TranslatedBlock; exit: number }> = [];
  private closed = false;

  constructor(readonly head: TranslatedBlock, private readonly maxBlocks: number) {}

  /** Adds the next executed block; returns true when the trace is complete.
   *  The path starts at the head: the dispatcher reports a hot head after
   *  its slice, so blocks that run before the head comes round again are
   *  not part of it. */
  record(block: TranslatedBlock, exit: number): boolean {
    if (this.path.length === 0 && block !== this.head) return !this.head.valid;
    if (this.path.length > 0 && block === this.head) {
      this.closed = true;
      return true;
    }
    if (this.path.some((p) => p.block === block) || !block.valid) return true;
    this.path.push({ block, exit });
    return !continuable(block.exits[exit]!) || this.path.length >= this.maxBlocks;
  }

  /** The recorded path as a region (a chain, closed into a loop if it
   *  returned to the head). */
  region(): Region {
    const blocks = this.path.map((p) => p.block);
    return buildRegion('net', this.path.map((p, i) => {
      const following = i + 1 < blocks.length ? blocks[i + 1]! : this.closed ? blocks[0]! : null;
      const kind = p.block.exits[p.exit]!.kind;
      return {
        block: p.block,
        successors: p.block.exits.map((_, e) => (e === p.exit && kind === 'direct' ? following : null)),
        indirect: kind === 'indirect' && following ? [following] : [],
      };
    }));
  }
}
