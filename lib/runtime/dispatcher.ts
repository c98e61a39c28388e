import type { BlockExit } from '../ir/types.js';
import type { BlockProfile } from '../profile/block-profile.js';
import { BlockCache } from '../tier1-tcg/block-cache.js';
import type { TranslatedBlock, TraceEntry } from '../tier1-tcg/block.js';
import type { Tier1Translator } from '../tier1-tcg/translator.js';
import { STATE } from './layout.js';
import { GuestFault } from './signals.js';
import { REG_A0, REG_A7 } from '../guest/riscv/registers.js';

/** Something the dispatcher leaves by a numbered exit: a tier-1 block or a
 *  tier-2 trace. `next` caches the successor of each direct exit. */
export interface ExitSource {
  readonly exits: readonly DispatchExit[];
  readonly next: (TranslatedBlock | null)[];
  indirectCache: TranslatedBlock | null;
  /** Tier-1 blocks profile their indirect targets; traces do not. */
  readonly profile: BlockProfile | null;
}

/** How the dispatcher leaves a block or trace (faults inside translated
 *  code are thrown as GuestFault instead). */
export type DispatchExit = BlockExit
  /** A trace's only: its checks at the start of the block at `pc` failed
   *  (tier2-optimizer/entry-checks.ts); tier 1 runs that block once,
   *  since entering the trace there again would only fail again. */
  | { readonly kind: 'tier1'; readonly pc: number };

/** A tier-2 trace as the dispatcher sees it (see lib/tier2-optimizer).
 *  It is entered through Dispatcher.enterTrace with at most about `fuel`
 *  instructions (it may chain into other traces), and returns the exit
 *  index of the trace it left from, whose id it leaves in STATE.EXIT_TRACE
 *  (an id this CPU does not hold: continue at STATE.PC), with the
 *  instructions retired in STATE.EXIT_INSNS. */
export interface RunnableTrace extends TraceEntry, ExitSource {
  readonly id: number;
  valid: boolean;
  entries: number;
  instructions: number;
  readonly exitCounts: number[];
}

/** Hooks the tier-2 manager plugs into the dispatcher. */
export interface DispatchObserver {
  /** A block's execution count reached the hot threshold (called after
   *  the slice, see Dispatcher.takeHot). Returns true when it requested a
   *  region that the run loop will wait for (Dispatcher.waitsForTier2). */
  onHot(block: TranslatedBlock): boolean;
  /** While `recording`, called for every dispatched tier-1 block; true
   *  ends the slice. */
  onExecute(block: TranslatedBlock, exit: number): boolean;
  /** While `recording`, an installed trace ran (the recorded path breaks). */
  onTraceEnter(): void;
  readonly recording: boolean;
}

/** What the dispatcher needs of the kernel: the kernel itself for the
 *  main thread, a channel to it for a guest thread on a worker. */
export interface SyscallPort {
  /** System call `nr` with arguments a0..a5: a0's new value, possibly
   *  after waiting. */
  syscall(nr: number, args: readonly number[]): number | Promise<number>;
  /** Where the thread resumes instead after the last call (rt_sigreturn),
   *  or null; taken once. */
  takeResumeAt(): number | null;
  /** After a call: the thread must leave its loop (it or the process
   *  ended, or a signal is to be delivered). */
  readonly mustStop: boolean;
}

const NO_OBSERVER: DispatchObserver = {
  onHot: () => false, onExecute: () => false, onTraceEnter() {}, recording: false,
};

const JUMP_CACHE_SIZE = 4096;

/** A system call waiting on I/O: the run loop awaits it, then resumes. */
export type Suspension = Promise<void>;

/**
 * The main loop of execution: runs tier-1 blocks and installed tier-2
 * traces, following chained exits without hashing, and handles the exits
 * that need the runtime (system calls, indirect jumps, fence.i, traps).
 * Counts per-block executions and edges for the profile.
 */
export class Dispatcher {
  readonly cache = new BlockCache();
  /** Guest instructions retired so far (the instret counter). */
  retired = 0;
  /** Instructions retired inside tier-2 traces. */
  retiredInTraces = 0;
  dispatches = 0;
  translateNs = 0n;
  invalidatedBlocks = 0;
  /** Bumped whenever translated code is discarded. */
  codeEpoch = 0;
  hotThreshold = Infinity;
  /** Tier 2's test mode that waits for each install: hot blocks go to the
   *  observer at once, and the slice ends when it requested a region. */
  waitsForTier2 = false;
  /** Executions of a block during which its indirect targets are recorded
   *  (-1: tier 2 is off, nothing reads them). */
  indirectProfileLimit = -1;
  observer: DispatchObserver = NO_OBSERVER;
  /** Installed traces by id (filled by tier 2). */
  traces: readonly (RunnableTrace | undefined)[] = [];
  /** Enters trace table slot `slot` (2*id: `run`, 2*id+1: `enter`). One
   *  function for every trace (tier 2's trampoline), so the call site stays
   *  monomorphic instead of deoptimizing the loop at each new trace. */
  enterTrace: (slot: number, fuel: number, retired: number, entry: number) => number = () => {
    throw new Error('no tier 2');
  };
  /** Blocks that became hot during the slice, for the observer. The loop
   *  only queues them: tier 2's region forming, called from here, would be
   *  inlined into the loop's optimized code and deoptimize it. */
  private readonly hotBlocks: TranslatedBlock[] = [];
  /** Called with each newly translated block (tier 2 attaches traces
   *  installed before tier 1 reached their entries). */
  onTranslated: (block: TranslatedBlock) => void = () => {};
  /** Called after translated code was discarded (tier 2 drops its traces). */
  onInvalidate: (first: number, end: number) => void = () => {};
  /** Called at fence.i, before the next instruction is looked up: other
   *  threads' code changes are taken in there. */
  onFenceI: () => void = () => {};
  /** Keep CODE marks on pages this dispatcher no longer holds code on:
   *  with several guest threads another one may (their block caches are
   *  their own), and a store there must still reach it. */
  keepsCodeMarks = false;
  private pc: number;
  private current: TranslatedBlock | null = null;
  /** The next block runs in tier 1 even if a trace starts there (a
   *  'tier1' exit). */
  private tier1Once = false;
  /** Blocks by a hash of their pc, for indirect jumps (QEMU's tb_jmp_cache):
   *  returns and computed jumps mostly hit here instead of the Map. */
  private readonly jumpCache: (TranslatedBlock | undefined)[] = new Array(JUMP_CACHE_SIZE);
  private readonly state: Int32Array;

  constructor(readonly translator: Tier1Translator, private readonly kernel: SyscallPort, entry: number) {
    this.pc = entry;
    this.state = translator.state;
  }

  /** The pc at which execution resumes. */
  get resumePc(): number {
    return this.current?.pc ?? this.pc;
  }

  /** Resumes at `pc` instead (a signal handler, or the return from one). */
  redirect(pc: number): void {
    this.pc = pc;
    this.current = null;
  }

  /** Tier 2 (the main thread's, or a CPU's) profiles through `observer`:
   *  blocks are hot after `hotThreshold` executions, and their indirect
   *  targets are recorded while a region may still be formed with them. */
  profileFor(observer: DispatchObserver, hotThreshold: number, waitsForTier2: boolean): void {
    this.observer = observer;
    this.hotThreshold = hotThreshold;
    this.waitsForTier2 = waitsForTier2;
    this.indirectProfileLimit = hotThreshold * 2;
  }

  lookup(pc: number): TranslatedBlock {
    let block = this.cache.get(pc);
    if (block === undefined) {
      const t0 = process.hrtime.bigint();
      block = this.translator.translate(pc);
      this.translateNs += process.hrtime.bigint() - t0;
      this.cache.add(block);
      this.onTranslated(block);
    }
    return block;
  }

  /** Discards translations of pages [first, end) (all when end is Infinity). */
  invalidate(first: number, end: number): void {
    this.dropped(end === Infinity ? this.cache.clear() : this.cache.invalidatePages(first, end));
    this.onInvalidate(first, end);
  }

  /** A guest store wrote [addr, addr+len) on a page holding translated
   *  code: discards the blocks it overlaps (and, through onInvalidate, the
   *  traces on those pages); the page keeps its CODE mark while other
   *  blocks remain on it. Returns the pages [first, end) it covers. */
  codeWritten(addr: number, len: number): [first: number, end: number] {
    this.dropped(this.cache.invalidateRange(addr, len));
    const first = addr >>> 12;
    const end = ((addr + len - 1) >>> 12) + 1;
    if (!this.keepsCodeMarks) for (let p = first; p < end; p++) if (!this.cache.hasCodeOn(p)) this.translator.space.clearCode(p);
    this.onInvalidate(first, end);
    return [first, end];
  }

  private dropped(blocks: TranslatedBlock[]): void {
    this.codeEpoch++;
    this.invalidatedBlocks += blocks.length;
    if (this.current !== null && !this.current.valid) {
      this.pc = this.current.pc;
      this.current = null;
    }
  }

  /**
   * Runs about `budget` guest instructions (whole blocks and traces).
   * Returns a Suspension when a system call must wait; returns null when
   * the budget is spent or the process has terminated.
   */
  runSlice(budget: number): Suspension | null {
    const x = this.state;
    const observer = this.observer;
    const hot = this.hotThreshold;
    let block = this.current ?? this.lookup(this.pc);
    let left = budget;
    let dispatches = 0;
    for (;;) {
      let next: TranslatedBlock | null;
      const trace = block.trace as RunnableTrace | null;
      dispatches++;
      if (trace === null || !trace.valid || this.tier1Once) {
        // Tier 1: run the block, count it and its exit, follow the link.
        this.tier1Once = false;
        const exit = block.run();
        this.retired += block.insnCount;
        left -= block.insnCount;
        const profile = block.profile;
        if (++profile.count === hot) {
          if (!this.waitsForTier2) this.hotBlocks.push(block);
          else if (observer.onHot(block)) left = 0;
        }
        profile.edges[exit]!++;
        if (observer.recording && observer.onExecute(block, exit)) left = 0;
        next = block.next[exit]!;
        if (next === null || !next.valid) {
          const resolved = this.resolveExit(block, exit);
          if (resolved === null || resolved instanceof Promise) return this.endSlice(dispatches, resolved);
          next = resolved;
        }
      } else {
        // Tier 2: the trace may chain into others; its exit index belongs
        // to the one it left from.
        const entry = block.traceEntry;
        let exit: number;
        try {
          exit = this.enterTrace(2 * trace.id + (entry === 0 ? 0 : 1), left, 0, entry);
        } catch (e) {
          // A fault: the trace wrote its registers back as they were at the
          // faulting instruction and left the count of the blocks before.
          this.retireTrace(trace, x[STATE.EXIT_INSNS]!);
          throw e;
        }
        const n = x[STATE.EXIT_INSNS]!;
        this.retireTrace(trace, n);
        left -= n;
        const last = x[STATE.EXIT_TRACE] === trace.id ? trace : this.traces[x[STATE.EXIT_TRACE]!];
        if (observer.recording) observer.onTraceEnter();
        if (last === undefined) {
          // It chained into a trace this CPU does not hold (a table slot's
          // stand-in, NO_TRACE): continue at the pc it left.
          next = this.lookup(x[STATE.PC]! >>> 0);
        } else {
          last.exitCounts[exit]!++;
          next = last.next[exit]!;
          if (next === null || !next.valid) {
            const resolved = this.resolveExit(last, exit);
            if (resolved === null || resolved instanceof Promise) return this.endSlice(dispatches, resolved);
            next = resolved;
          }
        }
      }
      if (left <= 0) {
        this.current = next;
        return this.endSlice(dispatches, null);
      }
      block = next;
    }
  }

  /** Hands the blocks that became hot in the last slice to the observer. */
  takeHot(): void {
    for (const block of this.hotBlocks) this.observer.onHot(block);
    this.hotBlocks.length = 0;
  }

  private retireTrace(trace: RunnableTrace, n: number): void {
    this.state[STATE.STOP] = 0;
    this.retired += n;
    this.retiredInTraces += n;
    trace.entries++;
    trace.instructions += n;
  }

  private endSlice(dispatches: number, result: Suspension | null): Suspension | null {
    this.dispatches += dispatches;
    return result;
  }

  /** The slow path of an exit. Returns the next block, a Suspension, or
   *  null when the process terminated. */
  private resolveExit(source: ExitSource, index: number): TranslatedBlock | Suspension | null {
    const exit = source.exits[index]!;
    const x = this.state;
    switch (exit.kind) {
      case 'direct': {
        const next = this.lookup(exit.target);
        source.next[index] = next;
        return next;
      }
      case 'indirect': {
        const target = x[STATE.PC]! >>> 0;
        // Profile the targets while tier 2 may still form a region with them.
        const profile = source.profile;
        if (profile !== null && profile.count <= this.indirectProfileLimit) profile.recordIndirect(target);
        const cached = source.indirectCache;
        if (cached !== null && cached.valid && cached.pc === target) return cached;
        const slot = (target >>> 1) & (JUMP_CACHE_SIZE - 1);
        let next = this.jumpCache[slot];
        if (next === undefined || !next.valid || next.pc !== target) this.jumpCache[slot] = next = this.lookup(target);
        source.indirectCache = next;
        return next;
      }
      case 'syscall': {
        x[STATE.PC] = exit.pc;
        const args = [x[REG_A0]!, x[REG_A0 + 1]!, x[REG_A0 + 2]!, x[REG_A0 + 3]!, x[REG_A0 + 4]!, x[REG_A0 + 5]!];
        const result = this.kernel.syscall(x[REG_A7]!, args);
        if (typeof result === 'number') {
          x[REG_A0] = result;
          return this.continueAt(exit.next);
        }
        this.pc = exit.next;
        this.current = null;
        return result.then((r) => {
          x[REG_A0] = r;
        });
      }
      case 'fence_i':
        // Every path that changes code (guest stores, system calls writing
        // memory, mmap/munmap/mprotect) has already discarded what it
        // covered in this thread, so the new code is visible once other
        // threads' changes are taken in.
        this.onFenceI();
        return this.continueAt(exit.next);
      case 'trap':
        throw new GuestFault(exit.signal, exit.pc, exit.addr);
      case 'tier1':
        this.tier1Once = true;
        return this.lookup(exit.pc);
    }
  }

  /** After a system call: the next block, or null to end the slice when
   *  the process ended or a signal is to be delivered. */
  private continueAt(pc: number): TranslatedBlock | null {
    const k = this.kernel;
    pc = k.takeResumeAt() ?? pc;
    if (k.mustStop) {
      this.redirect(pc);
      return null;
    }
    return this.lookup(pc);
  }
}
