import type { Op } from '../ir/types.js';
import { PAGE_SIZE } from '../runtime/layout.js';

/**
 * Page checks hoisted to a block's start. A load or store whose address is
 * a register's value at the block's start plus a constant (a function's
 * saves and restores off `sp`, before or after `addi sp, sp, -n`; a
 * struct's fields off one pointer) can be checked before the block runs:
 * one check of the (at most two) pages each base register's accesses
 * span. When that check fails, the trace leaves at the block's start and
 * tier 1 runs the block, which faults, or stores into translated code,
 * exactly where the guest does; nothing of the block has run yet. The
 * covered accesses then need no check of their own and no rare path, and
 * a rare path is what costs in a trace: it keeps every register the trace
 * writes alive at that point (a knock-out of the rare paths alone made
 * `recursion` ~14 % faster).
 *
 * Nothing within a block changes permissions (system calls end blocks;
 * a store that discards translated code only clears PERM.CODE), so a check
 * at the start answers as the access's own would.
 */
export interface EntryCheck {
  /** The base register, as it was when the block started. */
  readonly reg: number;
  /** The lowest address is reg + low. */
  readonly low: number;
  /** Bytes from the lowest address to past the highest (at most a page,
   *  so the pages of those two bytes are all the accesses touch). */
  readonly span: number;
  readonly reads: boolean;
  readonly writes: boolean;
}

export interface EntryChecks {
  readonly checks: readonly EntryCheck[];
  /** Op indices of the loads and stores the checks cover. */
  readonly covered: ReadonlySet<number>;
}

/** A value known as a block-start register plus a constant. */
interface Based { readonly reg: number; readonly offset: number }

/**
 * The entry checks of a block's ops. `checkLoads` is false in the flat
 * memory model, whose loads are not checked against the page table.
 * Accesses that must be aligned (their SIGBUS comes first) stay out.
 */
export function entryChecks(ops: readonly Op[], checkLoads: boolean): EntryChecks {
  /** A written register's value, or null when it is not a known Based. */
  const regs = new Map<number, Based | null>();
  const temps = new Map<number, Based>();
  const accesses = new Map<number, Array<{ index: number; offset: number; size: number; write: boolean }>>();
  ops.forEach((op, index) => {
    switch (op.op) {
      case 'getreg': {
        // Not written yet in the block: the register's value at its start.
        const written = regs.get(op.reg);
        const v = written === undefined ? { reg: op.reg, offset: 0 } : written;
        if (v && v.reg !== 0) temps.set(op.dst.id, v);
        break;
      }
      case 'setreg':
        regs.set(op.reg, op.src.kind === 'temp' ? temps.get(op.src.id) ?? null : null);
        break;
      case 'binary': {
        if (op.kind !== 'add') break;
        const [t, k] = op.a.kind === 'temp' && op.b.kind === 'const' ? [op.a.id, op.b.value]
          : op.b.kind === 'temp' && op.a.kind === 'const' ? [op.b.id, op.a.value] : [-1, 0];
        const v = temps.get(t);
        if (v) temps.set(op.dst.id, { reg: v.reg, offset: v.offset + k });
        break;
      }
      case 'load':
      case 'store': {
        if ((op.op === 'load' && !checkLoads) || op.aligned || op.addr.kind !== 'temp') break;
        const v = temps.get(op.addr.id);
        if (!v) break;
        const list = accesses.get(v.reg) ?? [];
        list.push({ index, offset: v.offset, size: op.size, write: op.op === 'store' });
        accesses.set(v.reg, list);
        break;
      }
    }
  });
  const checks: EntryCheck[] = [];
  const covered = new Set<number>();
  for (const [reg, list] of accesses) {
    const low = Math.min(...list.map((a) => a.offset));
    const span = Math.max(...list.map((a) => a.offset + a.size)) - low;
    // One access keeps its own check: hoisted, it would cost as much, and
    // two page reads where a byte access needs one.
    if (list.length < 2 || span > PAGE_SIZE) continue;
    checks.push({ reg, low, span, reads: list.some((a) => !a.write), writes: list.some((a) => a.write) });
    for (const a of list) covered.add(a.index);
  }
  return { checks, covered };
}
