import type { TranslatedBlock } from '../tier1-tcg/block.js';
import { TRACE_TABLE_MAXIMUM } from './trace-abi.js';
import type { InstalledTrace } from './installed-trace.js';

/**
 * The traces one CPU holds: its trace table (slot 2*id runs trace id from
 * its head, 2*id+1 from any entry), the index of traces by code page, and
 * the links from its tier-1 blocks to the trace entries that replace them.
 * The main thread's Tier2Manager and each CPU worker's CpuTraces keep one.
 */
export class TraceSet {
  /** Trace id -> trace; the dispatcher's `traces`. */
  readonly traces: (InstalledTrace | undefined)[] = [];
  private readonly byPage = new Map<number, Set<InstalledTrace>>();
  /** Entries at pcs tier 1 had not translated yet (a trace from the cache,
   *  or compiled for another thread): attached when tier 1 gets there. */
  private readonly unattached = new Map<number, { trace: InstalledTrace; entry: number }>();

  constructor(
    readonly table: WebAssembly.Table,
    private readonly block: (pc: number) => TranslatedBlock | undefined,
    /** What a dropped trace's slots hold afterwards (null: they keep it). */
    private readonly vacant: WebAssembly.ExportValue | null = null,
  ) {}

  /**
   * Puts `trace` in the table and links its entries: the head always, its
   * other enterable blocks where no other trace covers them yet. Calls
   * `listed` with each entry linked (or waiting for tier 1). False if the
   * table is full.
   */
  add(trace: InstalledTrace, listed: (pc: number, entry: number) => void): boolean {
    const slots = 2 * trace.id + 2;
    const table = this.table;
    if (slots > table.length) {
      if (slots > TRACE_TABLE_MAXIMUM) return false;
      const grown = Math.min(TRACE_TABLE_MAXIMUM, Math.max(slots, table.length * 2)) - table.length;
      if (this.vacant !== null) table.grow(grown, this.vacant);
      else table.grow(grown);
    }
    // Into the table first, then the links and the directory: once listed,
    // other traces may tail-call it.
    table.set(2 * trace.id, trace.code);
    table.set(2 * trace.id + 1, trace.code);
    this.traces[trace.id] = trace;
    for (const p of trace.pages) {
      let set = this.byPage.get(p);
      if (!set) this.byPage.set(p, (set = new Set()));
      set.add(trace);
    }
    for (const entry of trace.enterable) {
      const pc = trace.entryPcs[entry]!;
      const block = this.block(pc);
      if (block === undefined) {
        const other = this.unattached.get(pc);
        if (entry !== 0 && other !== undefined && other.trace.valid) continue;
        this.unattached.set(pc, { trace, entry });
      } else {
        if (!block.valid || (entry !== 0 && block.trace !== null)) continue;
        block.trace = trace;
        block.traceEntry = entry;
      }
      listed(pc, entry);
    }
    return true;
  }

  /** Attaches a trace entry waiting for tier 1 to reach its pc. */
  attach(block: TranslatedBlock): void {
    if (this.unattached.size === 0) return;
    const e = this.unattached.get(block.pc);
    if (e === undefined) return;
    this.unattached.delete(block.pc);
    if (!e.trace.valid || block.trace !== null) return;
    block.trace = e.trace;
    block.traceEntry = e.entry;
  }

  /** The valid traces with code on pages [first, end) (end = Infinity:
   *  every trace). */
  on(first: number, end: number): InstalledTrace[] {
    const found = new Set<InstalledTrace>();
    if (end === Infinity) for (const t of this.traces) if (t?.valid) found.add(t);
    for (let p = first; end !== Infinity && p < end && p < first + (1 << 20); p++) {
      const set = this.byPage.get(p);
      if (set) for (const t of set) if (t.valid) found.add(t);
    }
    return [...found];
  }

  /** Drops `trace`: invalid, unlinked from its blocks and pages, its slots
   *  vacant; `unlisted` is called with each entry pc. */
  drop(trace: InstalledTrace, unlisted: (pc: number) => void): void {
    trace.valid = false;
    for (const p of trace.pages) this.byPage.get(p)?.delete(trace);
    for (const pc of trace.entryPcs) {
      unlisted(pc);
      if (this.unattached.get(pc)?.trace === trace) this.unattached.delete(pc);
      const block = this.block(pc);
      if (block && block.trace === trace) block.trace = null;
    }
    if (this.vacant !== null) {
      this.table.set(2 * trace.id, this.vacant);
      this.table.set(2 * trace.id + 1, this.vacant);
    }
  }
}
