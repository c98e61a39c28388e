import type { AddressSpace } from '../runtime/address-space.js';
import type { Dispatcher, DispatchExit } from '../runtime/dispatcher.js';
import { GUEST_BASE, PAGE_SIZE, PAGE_TABLE_ENTRIES, PERM, STATE } from '../runtime/layout.js';
import type { InstalledTrace, TraceRun } from './installed-trace.js';
import { RESUME_EXIT } from './trace-abi.js';

/** Guest-visible state: registers, reservation, and writable memory. */
interface Snapshot {
  readonly regs: Int32Array;
  readonly pages: Map<number, Uint8Array>;
}

/**
 * Audit mode: the first few entries of every installed trace also run its
 * code in tier 1 from the same starting state, and the guest state at exit
 * (registers, next pc, writable memory) must agree. On a mismatch the trace
 * is discarded and execution continues from the tier-1 state, so a
 * miscompiled trace cannot change results.
 */
export class TraceAuditor {
  static readonly ENTRIES_PER_TRACE = 3;
  audited = 0;
  mismatches = 0;
  readonly reports: string[] = [];

  constructor(private readonly space: AddressSpace, private readonly dispatcher: Dispatcher) {}

  wrap(trace: InstalledTrace): void {
    const { run } = trace;
    let left = TraceAuditor.ENTRIES_PER_TRACE;
    trace.run = (fuel, retired, entry) => {
      if (--left <= 0) trace.run = run;
      return this.audit(trace, run, fuel, retired, entry);
    };
  }

  private audit(trace: InstalledTrace, run: TraceRun, fuel: number, retired: number, entry: number): number {
    const state = this.space.state;
    const before = this.capture();
    const exit = run(fuel, retired, entry);
    const insns = state[STATE.EXIT_INSNS]!;
    const tracePc = this.nextPc(trace.exits[exit]!);
    const afterTrace = this.capture();

    this.restore(before);
    const replay = this.replay(trace.entryPcs[entry]!, insns);
    const afterTier1 = this.capture();
    this.audited++;
    const problems = this.compare(afterTrace, afterTier1);
    if (replay.insns !== insns) problems.push(`instructions: trace ${insns}, tier 1 ${replay.insns}`);
    if (tracePc !== replay.pc) problems.push(`next pc: trace 0x${tracePc.toString(16)}, tier 1 0x${replay.pc.toString(16)}`);
    if (problems.length === 0) {
      // Same state; but the pc slot is only written by indirect exits, so
      // put back the trace's (its exit may read it).
      state.set(afterTrace.regs);
      return exit;
    }

    this.mismatches++;
    if (this.reports.length < 50) this.reports.push(`${trace.name}: ${problems.slice(0, 4).join('; ')}`);
    trace.valid = false;
    // Continue from the tier-1 state: leave through the trace exit that
    // tier 1 took, or resume at its pc.
    state[STATE.EXIT_INSNS] = replay.insns;
    const same = trace.exits.findIndex((e) => JSON.stringify(e) === JSON.stringify(replay.exit));
    if (same > 0 && replay.exit.kind !== 'indirect') return same;
    state[STATE.PC] = replay.pc;
    return RESUME_EXIT;
  }

  /** Runs tier-1 blocks from `pc` until `insns` instructions retired or an
   *  exit that needs the runtime. */
  private replay(pc: number, insns: number): { pc: number; insns: number; exit: DispatchExit } {
    let done = 0;
    let exit: DispatchExit = { kind: 'direct', target: pc };
    while (done < insns) {
      let block = this.dispatcher.lookup(pc);
      // A trace can stop inside a block (after a store that changed code):
      // replay exactly as far with a shorter, uncached block.
      if (done + block.insnCount > insns) block = this.dispatcher.translator.translate(pc, insns - done);
      const e = block.run();
      done += block.insnCount;
      exit = block.exits[e]!;
      pc = this.nextPc(exit);
      if (exit.kind !== 'direct' && exit.kind !== 'indirect') break;
    }
    return { pc, insns: done, exit };
  }

  private nextPc(exit: DispatchExit): number {
    switch (exit.kind) {
      case 'direct': return exit.target;
      case 'indirect': return this.space.state[STATE.PC]! >>> 0;
      case 'syscall': case 'fence_i': return exit.next;
      case 'trap': case 'tier1': return exit.pc;
    }
  }

  private capture(): Snapshot {
    const pages = new Map<number, Uint8Array>();
    const table = this.space.pageTable;
    for (let p = 0; p < PAGE_TABLE_ENTRIES; p++) {
      if (table[p]! & PERM.WRITE) {
        const start = GUEST_BASE + p * PAGE_SIZE;
        pages.set(p, this.space.bytes.slice(start, start + PAGE_SIZE));
      }
    }
    return { regs: this.space.state.slice(0, STATE.RESERVATION + 1), pages };
  }

  private restore(s: Snapshot): void {
    this.space.state.set(s.regs);
    for (const [p, bytes] of s.pages) this.space.bytes.set(bytes, GUEST_BASE + p * PAGE_SIZE);
  }

  private compare(a: Snapshot, b: Snapshot): string[] {
    const problems: string[] = [];
    for (let r = 1; r <= STATE.RESERVATION; r++) {
      if (r === STATE.PC) continue;
      if (a.regs[r] !== b.regs[r]) problems.push(`${r < 32 ? `x${r}` : 'reservation'}: trace ${a.regs[r]}, tier 1 ${b.regs[r]}`);
    }
    for (const [p, bytes] of a.pages) {
      const other = b.pages.get(p);
      if (!other || Buffer.compare(bytes, other) !== 0) problems.push(`memory page 0x${(p * PAGE_SIZE).toString(16)} differs`);
    }
    return problems;
  }
}
