import type { Emulator } from '../runtime/emulator.js';
import type { Dispatcher } from '../runtime/dispatcher.js';
import type { Tier2Engine, Tier2Stats } from '../runtime/tier2-engine.js';
import { createGuestAccess } from '../runtime/guest-access.js';
import { GUEST_BASE } from '../runtime/layout.js';
import { readCounter } from '../runtime/counters.js';
import type { TranslatedBlock } from '../tier1-tcg/block.js';
import { NetRecorder } from '../traces/net-recorder.js';
import { formRegion, hotRegionOptions } from '../traces/region-former.js';
import { regionPages, type Region } from '../traces/region.js';
import { regionEntries } from '../traces/region-entries.js';
import { CodeGenerations, type GenerationSnapshot } from '../traces/code-generations.js';
import { TraceDirectory } from '../traces/trace-directory.js';
import type { MessagePort } from 'node:worker_threads';
import { TRACE_TABLE_INITIAL, TRACE_TABLE_MAXIMUM } from './trace-abi.js';
import { InstalledTrace } from './installed-trace.js';
import type { Tier2Options } from './options.js';
import type { CompilerPool, Tier2Pool } from './pool.js';
import { poolRunning } from './pool-registry.js';
import { instantiateTrace, traceImports, type TraceInstance } from './runtime-imports.js';
import { TraceSet } from './trace-set.js';
import { TraceBroadcast } from './trace-broadcast.js';
import type { CpuTier2Start, ThreadTier2 } from './thread-protocol.js';
import type { CompileResult, CompileTask } from './task.js';
import { TaskDeadline } from './task-deadline.js';
import { TraceAuditor } from './audit.js';
import { traceTrampoline } from './trace-trampoline.js';
import type { TraceCacheOptions } from '../runtime/options.js';
import { RegionCache } from './region-cache.js';
import { profileTotals, traceProfile, type TraceCounters, type TraceProfile } from '../profile/trace-profile.js';

/** Times a head's code may change under its trace or compile before tier 2
 *  leaves it in tier 1. */
export const BACKOFF_AFTER = 3;

/** A region on its way to being installed: compiled by the pool, or
 *  read from the trace cache and compiled by V8. */
interface Pending {
  readonly id: number;
  readonly name: string;
  readonly head: number;
  /** The region's blocks, claimed while the request is pending. */
  readonly members: readonly TranslatedBlock[];
  readonly region: Region;
  readonly snapshot: GenerationSnapshot;
  readonly fromCache: boolean;
  /** Asked for by another guest thread's CPU (the main thread's tier 1
   *  need not have run its blocks): called once the request is settled,
   *  for a CPU that waits for it. Null for the main thread's own. */
  readonly forThread: (() => void) | null;
  submittedAt: number;
}

interface Request extends Pending {
  /** How hot its head is now (the queue takes the hottest first). */
  readonly hotness: () => number;
  readonly task: CompileTask;
  readonly deadline: TaskDeadline;
  /** Aborted when the emulator closes while the task still waits in the
   *  pool's queue (see close()). */
  readonly cancel: AbortController;
}

/**
 * Tier 2 on the main thread: turns hot blocks into regions (lib/traces),
 * sends them to the compiler pool, installs finished modules between two
 * dispatches, and discards traces whose code changes. It never waits for a
 * compile, except in the waitForInstall test mode.
 */
export class Tier2Manager implements Tier2Engine, ThreadTier2 {
  recording = false;
  private recorder: NetRecorder | null = null;
  readonly generations = new CodeGenerations();
  readonly directory: TraceDirectory;
  /** The main thread's traces, table and block links. */
  private readonly installed: TraceSet;
  /** The CPU workers of the other guest threads, which run the same
   *  modules (from the first clone on). */
  private readonly cpus = new TraceBroadcast();
  /** Heads with a trace requested, in flight, or installed. */
  private readonly claimed = new Set<number>();
  /** Blocks inside a region that is waiting or compiling: they do not start
   *  regions of their own meanwhile (they would mostly duplicate it). */
  private readonly pendingMembers = new Set<TranslatedBlock>();
  private readonly failedHeads = new Set<number>();
  private readonly waiting: Request[] = [];
  private readonly inFlight = new Set<Request>();
  private readonly arrived: Array<{ request: Pending; result: CompileResult }> = [];
  private readonly failures: Array<{ request: Pending; error: unknown }> = [];
  /** The persistent trace cache, when the run has one. */
  private readonly regionCache: RegionCache | null;
  /** Cached modules still compiling (see warmStart()). */
  private readonly cacheCompiles: Promise<void>[] = [];
  private readonly latencies: number[] = [];
  /** When the guest started running (the run loop sets it). */
  private startedAt = performance.now();
  private nextId = 0;
  private settled: (() => void) | null = null;
  private closed = false;
  private readonly imports: WebAssembly.Imports;
  private readonly auditor: TraceAuditor | null;
  /** Installed traces with profile counters (invalidated ones too). */
  private readonly profiled: Array<{ trace: InstalledTrace; counters: () => TraceCounters }> = [];
  readonly counts = {
    requested: 0, compiled: 0, installed: 0, staleDropped: 0, failed: 0, invalidated: 0, backedOff: 0,
    fromCache: 0, cacheDiffering: 0, cacheUnusable: 0,
  };
  /** Per head: how often its code changed under a trace or a compile. A
   *  head whose code keeps changing (a JIT-like guest) is not compiled
   *  again after BACKOFF_AFTER times: that only costs the worker's time. */
  private readonly rewrites = new Map<number, number>();
  firstInstallMs: number | null = null;
  private poolStartedAtInsns: number | null = null;
  /** `aot`'s close: compiling what is left, the pool's start not held back. */
  private finishing = false;
  readonly errors: string[] = [];
  private readonly warn: (message: string) => void;

  constructor(
    private readonly emu: Emulator,
    private readonly options: Tier2Options,
    /** The compiler pool, or how to get one when the first region is
     *  requested (a run with a trace cache may need none). */
    private pool: CompilerPool | Promise<CompilerPool> | (() => Promise<Tier2Pool>),
    private readonly ownsPool: boolean,
    cache: TraceCacheOptions | null,
  ) {
    const d = this.dispatcher;
    d.profileFor(this, options.hotThreshold, options.waitForInstall);
    d.onInvalidate = (first, end) => this.invalidate(first, end);
    this.directory = new TraceDirectory(emu.space.memory.buffer);
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: TRACE_TABLE_INITIAL, maximum: TRACE_TABLE_MAXIMUM });
    this.installed = new TraceSet(table, (pc) => this.dispatcher.cache.get(pc));
    d.traces = this.installed.traces;
    this.imports = traceImports(
      emu.space.memory, emu.space.state, table, createGuestAccess(emu.space),
      (csr, k) => readCounter(csr, d.retired + k, emu.kernel.startNs),
      () => d.codeEpoch,
    );
    this.auditor = options.audit ? new TraceAuditor(emu.space, d) : null;
    d.onTranslated = (block) => this.installed.attach(block);
    this.warn = cache?.onWarning ?? ((message) => process.emitWarning(message, 'HyemuTraceCacheWarning'));
    this.regionCache = cache
      ? RegionCache.open(cache, { tier2: options, memoryModel: emu.memoryModel, maxBlockInsns: d.translator.maxBlockInsns }, this.warn)
      : null;
    if (this.regionCache) this.loadFromCache(this.regionCache);
    // Audited traces run through the auditor's wrapper of run.
    d.enterTrace = this.auditor
      ? (slot, fuel, retired, entry) => this.installed.traces[slot >> 1]!.run(fuel, retired, entry)
      : traceTrampoline(table, emu.space.memory, emu.space.state);
  }

  private get dispatcher(): Dispatcher {
    return this.emu.dispatcher;
  }

  // --- DispatchObserver ---

  onHot(block: TranslatedBlock): boolean {
    if (this.closed || this.claimed.has(block.pc) || this.failedHeads.has(block.pc) || (this.rewrites.get(block.pc) ?? 0) >= BACKOFF_AFTER || block.trace) {
      return false;
    }
    // Inside a region being compiled: see settle().
    if (this.pendingMembers.has(block)) return false;
    if (this.options.strategy === 'net') {
      if (this.recorder !== null) return false;
      this.recorder = new NetRecorder(block, this.options.maxBlocks);
      this.recording = true;
      return false;
    }
    const region = formRegion(block, (pc) => this.dispatcher.cache.get(pc), hotRegionOptions(this.options.hotThreshold, this.options.maxBlocks));
    this.request(region, () => block.profile.count);
    return this.options.waitForInstall;
  }

  onExecute(block: TranslatedBlock, exit: number): boolean {
    const rec = this.recorder!;
    if (!rec.record(block, exit)) return false;
    this.recording = false;
    this.recorder = null;
    if (!rec.head.valid) return false;
    const head = rec.head;
    this.request(rec.region(), () => head.profile.count);
    return this.options.waitForInstall;
  }

  onTraceEnter(): void {
    // The recorded path would skip what the trace ran: start again later.
    this.recording = false;
    this.recorder = null;
  }

  // --- requests and the pool ---

  /** A region formed on another guest thread's CPU (see connect()). */
  private requestForThread(region: Region, count: number, answer: () => void): void {
    const head = region.blocks[0]?.pc;
    if (head === undefined || this.closed || this.claimed.has(head) || this.failedHeads.has(head) ||
      (this.rewrites.get(head) ?? 0) >= BACKOFF_AFTER) {
      answer();
      return;
    }
    this.request(region, () => count, answer);
  }

  /** Queues `region`; it is entered at its head (blocks[0]) as entry 0. */
  private request(region: Region, hotness: () => number, forThread: (() => void) | null = null): void {
    const head = region.blocks[0]!.pc;
    const cache = this.dispatcher.cache;
    const members = region.blocks.map((b) => cache.get(b.pc)).filter((b): b is TranslatedBlock => b !== undefined);
    for (const b of members) this.pendingMembers.add(b);
    this.claimed.add(head);
    this.counts.requested++;
    const id = this.nextId++;
    const name = `${region.strategy}-${head.toString(16).padStart(8, '0')}-${id}`;
    const pages = regionPages(region);
    const snapshot = this.generations.snapshot(pages);
    const inject = this.options.faultInjection?.(id);
    const deadline = new TaskDeadline(this.options.compileTimeoutMs);
    const task: CompileTask = {
      kind: 'compile', id, name, blocks: region.blocks,
      code: region.blocks.map((b) => this.emu.space.bytes.slice(GUEST_BASE + b.pc, GUEST_BASE + b.pc + b.size)),
      maxBlockInsns: this.dispatcher.translator.maxBlockInsns,
      optimizeLevel: this.options.optimizeLevel, shrinkLevel: this.options.shrinkLevel,
      dump: this.options.dump !== null, profile: this.options.profile, memoryModel: this.emu.memoryModel, keepBinary: this.regionCache !== null, generations: this.generations.buffer, snapshot,
      startedAt: deadline.startedAt,
      ...(inject ? { inject } : {}),
    };
    this.waiting.push({
      id, name, head, hotness, members, region, task, snapshot, deadline, cancel: new AbortController(), submittedAt: 0,
      fromCache: false, forThread,
    });
    this.submitWaiting();
  }

  /** Whether requests may go to the pool now: it runs (or is given), or
   *  the run has retired poolStartInsns; a test waiting for its installs
   *  and `aot` finishing its compiles do not wait. */
  private poolAvailable(): boolean {
    if (typeof this.pool !== 'function' || poolRunning(this.options.workers)) return true;
    // Every thread's: a main thread that only waits for its threads retires few.
    return this.options.waitForInstall || this.finishing || this.emu.retired >= this.options.poolStartInsns;
  }

  /** Sends waiting requests to the pool, the hottest head first. */
  private submitWaiting(): void {
    if (this.waiting.length === 0 || !this.poolAvailable()) return;
    while (!this.closed && this.waiting.length > 0 && this.inFlight.size < this.options.maxInFlight) {
      let best = 0;
      for (let i = 1; i < this.waiting.length; i++) {
        if (this.waiting[i]!.hotness() > this.waiting[best]!.hotness()) best = i;
      }
      const request = this.waiting.splice(best, 1)[0]!;
      request.submittedAt = performance.now();
      this.inFlight.add(request);
      const signal = AbortSignal.any([request.deadline.start(), request.cancel.signal]);
      // Through a promise, so that a pool that throws (shut down) fails the
      // task instead of the dispatcher that asked for it.
      Promise.resolve().then(() => this.compilerPool()).then((pool) => pool.compile(request.task, signal)).then(
        (result) => this.arrived.push({ request, result }),
        (error: unknown) => this.failures.push({ request, error }),
      ).finally(() => {
        request.deadline.clear();
        this.inFlight.delete(request);
        this.submitWaiting();
        this.notifySettled();
      });
    }
  }

  private compilerPool(): CompilerPool | Promise<CompilerPool> {
    this.poolStartedAtInsns ??= this.emu.retired;
    if (typeof this.pool === 'function') this.pool = this.pool();
    return this.pool;
  }

  private notifySettled(): void {
    if (this.settled && this.inFlight.size === 0 && this.waiting.length === 0) {
      const s = this.settled;
      this.settled = null;
      s();
    }
  }

  pendingWork(): Promise<void> | null {
    if (!this.options.waitForInstall || (this.inFlight.size === 0 && this.waiting.length === 0)) return null;
    return new Promise((resolve) => {
      this.settled = resolve;
    });
  }

  // --- installing ---

  poll(): void {
    // Requests held back until the pool may begin (poolStartInsns).
    if (this.inFlight.size === 0) this.submitWaiting();
    while (this.failures.length > 0) {
      const { request, error } = this.failures.shift()!;
      this.fail(request, describeError(error));
    }
    while (this.arrived.length > 0) {
      const { request, result } = this.arrived.shift()!;
      this.install(request, result);
    }
  }

  /** The request is done. Its blocks that still run in tier 1 count again
   *  from zero (so one entered from elsewhere heads its own region): while
   *  the region compiled, they were hot already and ignored. */
  private settle(request: Pending): void {
    for (const b of request.members) {
      this.pendingMembers.delete(b);
      if (b.trace === null && b.profile.count >= this.options.hotThreshold) b.profile.count = 0;
    }
    request.forThread?.();
  }

  private fail(request: Pending, why: string): void {
    this.settle(request);
    this.claimed.delete(request.head);
    // A cached module that does not work is a miss: the pool compiles the
    // region again when it becomes hot.
    if (request.fromCache) {
      this.counts.cacheUnusable++;
      this.warn(`trace cache: ${request.name}: ${why}`);
      return;
    }
    this.counts.failed++;
    this.failedHeads.add(request.head);
    if (this.errors.length < 100) this.errors.push(`${request.name}: ${why}`);
  }

  private install(request: Pending, result: CompileResult): void {
    try {
      this.installTrace(request, result);
    } finally {
      this.settle(request);
    }
  }

  private installTrace(request: Pending, result: CompileResult): void {
    if (result.status === 'stale' || !this.generations.isCurrent(request.snapshot)) {
      if (result.status === 'compiled') this.counts.compiled++;
      this.counts.staleDropped++;
      this.claimed.delete(request.head);
      this.codeChanged(request.head);
      return;
    }
    if (!request.fromCache) {
      this.counts.compiled++;
      this.latencies.push(performance.now() - request.submittedAt);
    }
    let instance: TraceInstance;
    try {
      instance = instantiateTrace(result.module, this.imports, request.id, this.emu.space.state);
    } catch (e) {
      this.fail(request, `cannot instantiate: ${(e as Error).message}`);
      return;
    }
    const { code, run, counters } = instance;
    // A cached region's blocks, or another thread's, need not have run in
    // this thread's tier 1 yet.
    const head = this.dispatcher.cache.get(request.head);
    if (!request.fromCache && request.forThread === null && (!head || !head.valid)) {
      this.counts.staleDropped++;
      this.claimed.delete(request.head);
      return;
    }
    const pages = request.snapshot.pages;
    const entryPcs = request.region.blocks.map((b) => b.pc);
    const enterable = regionEntries(request.region.blocks);
    const trace = new InstalledTrace(request.id, request.name, entryPcs, enterable, result.exits, code, run, pages);
    // Audited traces are not listed, so that each one is entered (and
    // checked) from the dispatcher.
    const listed = this.auditor ? () => {} : (pc: number, entry: number) => this.directory.install(pc, trace.id, entry);
    if (!this.installed.add(trace, listed)) {
      this.fail(request, 'the trace table is full');
      return;
    }
    if (this.auditor) this.auditor.wrap(trace);
    else this.cpus.install({ id: trace.id, name: trace.name, module: result.module, entryPcs, enterable, exits: result.exits, pages, snapshot: request.snapshot });
    if (counters) this.profiled.push({ trace, counters });
    this.counts.installed++;
    if (request.fromCache) this.counts.fromCache++;
    else if (result.binary && this.regionCache && isPoolRequest(request)) this.regionCache.save(request.name, request.region, result.exits, request.task.code, result.binary);
    this.firstInstallMs ??= performance.now() - this.startedAt;
    if (result.dump !== undefined) this.options.dump?.(request.name, result.dump);
    this.emu.emit('trace-installed', {
      timeMs: performance.now() - this.startedAt, headPc: trace.headPc, name: trace.name, blocks: entryPcs.length,
      compileMs: performance.now() - request.submittedAt,
    });
  }

  /** Code on pages [first, end) changed: traces there are dropped, and
   *  compiles in flight from those pages will be found stale. */
  private invalidate(first: number, end: number): void {
    this.generations.bump(first, end);
    for (const t of this.installed.on(first, end)) {
      this.counts.invalidated++;
      this.claimed.delete(t.headPc);
      // A flush of everything (riscv_flush_icache) says nothing of this
      // trace's own code.
      if (end !== Infinity) this.codeChanged(t.headPc);
      this.installed.drop(t, (pc) => this.directory.remove(pc, t.id));
      this.cpus.drop(t.id);
    }
  }

  /** The code under a head's trace or compile changed: after
   *  BACKOFF_AFTER times, the head is not compiled again. */
  private codeChanged(head: number): void {
    const n = (this.rewrites.get(head) ?? 0) + 1;
    this.rewrites.set(head, n);
    if (n === BACKOFF_AFTER) this.counts.backedOff++;
  }

  // --- other guest threads ---

  cpuSettings(): Omit<CpuTier2Start, 'port'> {
    const o = this.options;
    return { hotThreshold: o.hotThreshold, maxBlocks: o.maxBlocks, waitForInstall: o.waitForInstall, generations: this.generations.buffer };
  }

  connect(port: MessagePort): () => void {
    return this.cpus.connect(port, (region, count, answer) => {
      // On the event loop: a bug here must not take the process down.
      try {
        this.requestForThread(region, count, answer);
      } catch (e) {
        if (this.errors.length < 100) this.errors.push(`a guest thread's region request: ${describeError(e)}`);
        answer();
      }
    });
  }

  // --- the persistent trace cache ---

  /**
   * Queues every cached region whose code is mapped now, unchanged, for
   * install: its pages are marked as holding code first, so that a store
   * into them before the install makes it stale, as for a compile.
   */
  private loadFromCache(cache: RegionCache): void {
    const { regions, differing } = cache.load(this.emu.space);
    this.counts.cacheDiffering += differing;
    for (const { region, exits, wasmBytes, module } of regions) {
      const head = region.blocks[0]!.pc;
      // Two files for one head (regions formed differently): the first.
      if (this.claimed.has(head)) continue;
      this.claimed.add(head);
      const pages = regionPages(region);
      for (const p of pages) this.emu.space.markCode(p);
      const id = this.nextId++;
      const request: Pending = {
        id, name: `${region.strategy}-${head.toString(16).padStart(8, '0')}-${id}`, head, members: [], region,
        snapshot: this.generations.snapshot(pages), fromCache: true, forThread: null, submittedAt: performance.now(),
      };
      this.cacheCompiles.push(module.then(
        (compiled) => { this.arrived.push({ request, result: { status: 'compiled', module: compiled, exits, wasmBytes, workerMs: 0 } }); },
        (error: unknown) => { this.failures.push({ request, error }); },
      ));
    }
  }

  async warmStart(): Promise<void> {
    if (this.cacheCompiles.length === 0) return;
    await Promise.all(this.cacheCompiles.splice(0));
    this.poll();
  }

  /** hyemu aot: compiles what is still queued or compiling, and installs
   *  it (which writes it to the cache). */
  private async finishCompiles(): Promise<void> {
    this.finishing = true;
    this.submitWaiting();
    while (this.waiting.length > 0 || this.inFlight.size > 0 || this.arrived.length > 0 || this.failures.length > 0) {
      if (this.waiting.length > 0 || this.inFlight.size > 0) {
        await new Promise<void>((resolve) => {
          this.settled = resolve;
          this.notifySettled();
        });
      }
      this.poll();
    }
  }

  traceProfiles(): TraceProfile[] {
    const all = this.dispatcher.retired;
    return this.profiled.map(({ trace, counters }) => traceProfile(trace, counters(), all))
      .sort((a, b) => b.instructions - a.instructions);
  }

  stats(): Tier2Stats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (q: number): number | null => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : null);
    const d = this.dispatcher;
    return {
      requested: this.counts.requested, compiled: this.counts.compiled, installed: this.counts.installed,
      staleDropped: this.counts.staleDropped, failed: this.counts.failed, invalidated: this.counts.invalidated,
      backedOff: this.counts.backedOff,
      compileMsMedian: pct(0.5),
      compileMsP95: pct(0.95),
      firstInstallMs: this.firstInstallMs,
      poolStartedAtInsns: this.poolStartedAtInsns,
      cache: this.regionCache ? {
        dir: this.regionCache.folder, fromCache: this.counts.fromCache, written: this.regionCache.written,
        differing: this.counts.cacheDiffering, unusable: this.counts.cacheUnusable,
      } : null,
      instructions: d.retiredInTraces,
      threadInstructions: 0,
      share: d.retired > 0 ? d.retiredInTraces / d.retired : 0,
      ...(this.options.profile ? { profile: profileTotals(this.traceProfiles()) } : {}),
      ...(this.auditor ? { auditedEntries: this.auditor.audited, auditMismatches: this.auditor.mismatches } : {}),
    };
  }

  markStart(time: number): void {
    this.startedAt = time;
  }

  threads(): ThreadTier2 | null {
    // Audited traces are entered from the dispatcher only, one thread's.
    return this.auditor ? null : this;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.options.finishCompiles) await this.finishCompiles();
    this.closed = true;
    this.waiting.length = 0;
    this.poll();
    // Queued tasks of this emulator are dropped, so that a pool shared with
    // later runs does not work for a finished one. Running ones finish
    // (their results are ignored; their time limit still holds): piscina
    // aborts a running task by terminating its worker, and the replacement
    // then loads binaryen again, which delayed the next run's first traces
    // by half a second (seen as bimodal bench times).
    for (const request of this.inFlight) if (!request.deadline.started) request.cancel.abort();
    await Promise.allSettled(this.cacheCompiles);
    await this.regionCache?.flush();
    if (this.ownsPool && typeof this.pool !== 'function') {
      // A pool that never came up (its module failed to load) has nothing to release.
      const pool = await Promise.resolve(this.pool).catch(() => null);
      if (pool) await (await import('./pool.js')).releasePool(pool as Tier2Pool);
    }
  }
}

export async function createTier2(emu: Emulator, options: Tier2Options, cache: TraceCacheOptions | null): Promise<Tier2Engine> {
  if (options.pool) return new Tier2Manager(emu, options, options.pool, false, cache);
  // The pool begins when a region is first sent to it (poolStartInsns):
  // a short run, or one whose hot code is all cached, needs no worker (nor
  // its memory).
  // piscina loads with the pool, not with tier 2 (pool-registry.ts).
  return new Tier2Manager(emu, options, () => import('./pool.js').then((m) => m.acquirePool(options.workers)), true, cache);
}

const isPoolRequest = (p: Pending): p is Request => !p.fromCache;


/** Errors from workers may be Errors, aborted signals or plain values. */
function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; message?: unknown };
    if (typeof e.message === 'string') return `${String(e.name ?? 'error')}: ${e.message}`;
    try {
      return JSON.stringify(error);
    } catch {
      return Object.prototype.toString.call(error);
    }
  }
  return String(error);
}
