import { receiveMessageOnPort } from 'node:worker_threads';
import type { DispatchObserver, Dispatcher } from '../runtime/dispatcher.js';
import type { GuestAccess } from '../runtime/guest-access.js';
import { PAGE_SHIFT } from '../runtime/layout.js';
import type { TranslatedBlock } from '../tier1-tcg/block.js';
import { CodeGenerations } from '../traces/code-generations.js';
import { formRegion, hotRegionOptions } from '../traces/region-former.js';
import { TraceDirectory } from '../traces/trace-directory.js';
import { InstalledTrace } from './installed-trace.js';
import { missingTrace } from './missing-trace.js';
import { instantiateTrace, traceImports, type TraceInstance } from './runtime-imports.js';
import type { CpuTier2Start, FromCpu, SharedTrace, ToCpu } from './thread-protocol.js';
import { TRACE_TABLE_INITIAL, TRACE_TABLE_MAXIMUM } from './trace-abi.js';
import { TraceSet } from './trace-set.js';
import { traceTrampoline } from './trace-trampoline.js';

/**
 * Tier 2 on a CPU worker (a guest thread other than the main one): it
 * instantiates the modules the main thread's tier 2 installed, against
 * this thread's state block and its own trace table, links them into its
 * dispatcher, and sends the regions its own hot blocks head to the main
 * thread to be compiled (once, for every thread). It never compiles, and
 * never loads binaryen.
 *
 * Traces chain through the one shared trace directory. A slot of this
 * CPU's table that the directory may name before this CPU has the trace
 * (installs arrive as messages), or after it dropped it, holds the
 * missing-trace stand-in, which leaves to the dispatcher.
 *
 * Code changes: a CPU that writes code bumps the pages' generations before
 * it logs the change (cpu-worker.ts), drops its own traces on them and
 * unlists them from the directory; a CPU that takes a change in from the
 * log drops its traces there too. A trace that arrives after its code
 * changed is seen to be stale by its generations and not used.
 */
export class CpuTraces implements DispatchObserver {
  recording = false;
  readonly generations: CodeGenerations;
  private readonly set: TraceSet;
  private readonly directory: TraceDirectory;
  private readonly imports: WebAssembly.Imports;
  /** Heads this CPU has asked for. */
  private readonly requested = new Set<number>();
  /** Heads whose request the main thread has settled (waitForInstall). */
  private readonly answered = new Set<number>();
  private readonly nap = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly dispatcher: Dispatcher,
    memory: WebAssembly.Memory,
    private readonly state: Int32Array,
    access: GuestAccess,
    readCounter: (csr: number, retired: number) => number,
    private readonly settings: CpuTier2Start,
    /** The process is ending: stop waiting. */
    private readonly stopping: () => boolean,
  ) {
    this.generations = new CodeGenerations(settings.generations);
    this.directory = new TraceDirectory(memory.buffer);
    const vacant = missingTrace(state);
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: TRACE_TABLE_INITIAL, maximum: TRACE_TABLE_MAXIMUM }, vacant);
    this.set = new TraceSet(table, (pc) => dispatcher.cache.get(pc), vacant);
    this.imports = traceImports(memory, state, table, access, readCounter, () => dispatcher.codeEpoch);
    const d = dispatcher;
    d.profileFor(this, settings.hotThreshold, settings.waitForInstall);
    d.traces = this.set.traces;
    d.enterTrace = traceTrampoline(table, memory, state);
    d.onTranslated = (block) => this.set.attach(block);
    d.onInvalidate = (first, end) => this.invalidate(first, end);
  }

  /** Instantiates the traces that have arrived. */
  takeInstalls(): void {
    for (;;) {
      const received = receiveMessageOnPort(this.settings.port) as { message: ToCpu } | undefined;
      if (received === undefined) return;
      const m = received.message;
      if (m.kind === 'install') this.install(m.trace);
      else this.answered.add(m.head);
    }
  }

  /** waitForInstall: blocks until the request for `head` is settled. */
  private awaitAnswer(head: number): void {
    for (;;) {
      this.takeInstalls();
      if (this.answered.delete(head) || this.stopping()) return;
      Atomics.wait(this.nap, 0, 0, 2);
    }
  }

  private install(shared: SharedTrace): void {
    if (!this.generations.isCurrent(shared.snapshot)) return;
    let instance: TraceInstance;
    try {
      instance = instantiateTrace(shared.module, this.imports, shared.id, this.state);
    } catch {
      // It instantiated on the main thread; should it not here, this CPU
      // runs that code in tier 1 (its slots keep the stand-in).
      return;
    }
    const { code, run } = instance;
    const trace = new InstalledTrace(shared.id, shared.name, shared.entryPcs, shared.enterable, shared.exits, code, run, shared.pages);
    // The main thread lists the entries in the directory.
    this.set.add(trace, () => {});
  }

  /** Code on pages [first, end) changed: this CPU's traces there go, and
   *  the directory no longer lists them. */
  private invalidate(first: number, end: number): void {
    for (const t of this.set.on(first, end)) this.set.drop(t, (pc) => this.directory.remove(pc, t.id));
    // Heads there may be asked for again (their compile may have been
    // dropped as stale).
    for (const pc of this.requested) if (pc >>> PAGE_SHIFT >= first && pc >>> PAGE_SHIFT < end) this.requested.delete(pc);
  }

  // --- DispatchObserver ---

  onHot(block: TranslatedBlock): boolean {
    if (block.trace !== null || this.requested.has(block.pc)) return false;
    this.requested.add(block.pc);
    const region = formRegion(block, (pc) => this.dispatcher.cache.get(pc), hotRegionOptions(this.settings.hotThreshold, this.settings.maxBlocks));
    this.settings.port.postMessage({ kind: 'region', region, count: block.profile.count } satisfies FromCpu);
    if (!this.settings.waitForInstall) return false;
    this.awaitAnswer(block.pc);
    return true;
  }

  onExecute(): boolean {
    return false;
  }

  onTraceEnter(): void {}
}
