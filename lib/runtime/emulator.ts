import { EventEmitter } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { HyemuError, OptionError } from '../errors.js';
import { functionAt } from '../loader/elf.js';
import { loadProgram, parseProgram, type LoadedProgram } from '../loader/load.js';
import { readProgramFile } from '../loader/program-file.js';
import { DEFAULT_MAX_BLOCK_INSNS } from '../guest/riscv/translate.js';
import { RESERVATION_NONE } from '../guest/riscv/translate.js';
import { disassemble } from '../guest/riscv/disasm.js';
import { DEFAULT_TIER1_COMPILE_AFTER, Tier1Translator, type Tier1Options } from '../tier1-tcg/translator.js';
import { resolveTier2Options, type Tier2Options } from '../tier2-optimizer/options.js';
import { AddressSpace } from './address-space.js';
import { Dispatcher, type Suspension } from './dispatcher.js';
import { createGuestAccess } from './guest-access.js';
import { Kernel, type Termination } from './kernel.js';
import { PAGE_SIZE, STATE, STACK_SIZE, STACK_TOP } from './layout.js';
import { MemoryManager } from './memory-manager.js';
import {
  DEFAULT_MAX_OPEN_FILES, DEFAULT_MEMORY_LIMIT, MEMORY_MODELS, type GuestString, type MemoryModel, type RunOptions, type TraceCacheOptions,
} from './options.js';
import { GuestFault, SI, SIGNALS, SIG_IGN, describeSignal, signalName, type SignalName } from './signals.js';
import { readCounter } from './counters.js';
import { FdTable } from './vfs/fd-table.js';
import { InputFile, OutputFile, type OpenFile } from './vfs/files.js';
import { HostDescriptor } from './vfs/host-fd.js';
import { Namespace, parseMountSpec } from './vfs/mounts.js';
import { BufferSink, BufferSource, StreamSink, StreamSource, type ByteSink, type ByteSource } from './vfs/streams.js';
import type { Tier2Engine, Tier2Stats } from './tier2-engine.js';
import type { TraceProfile } from '../profile/trace-profile.js';
import { CpuHost } from '../threads/cpu-host.js';
import { MAX_MAX_THREADS } from '../threads/thread-table.js';

export type RunStatus = 'exited' | 'signaled' | 'limit';

export interface FaultInfo {
  readonly signal: string;
  readonly signo: number;
  readonly pc: number;
  readonly addr: number;
  /** The guest thread it ended the process in, when there were several. */
  readonly tid?: number;
  /** The function containing pc, when the ELF has symbols. */
  readonly function?: string;
  /** The faulting instruction, disassembled, when readable. */
  readonly instruction?: string;
}

export interface RunStats {
  readonly instructions: number;
  readonly wallTimeMs: number;
  /** When the run started, in milliseconds after the host process did
   *  (performance.timeOrigin): start-up cost, and the base of the first
   *  install's time from process start. */
  readonly startedAtMs: number;
  /** Guest million instructions per second over the whole run. */
  readonly mips: number;
  readonly syscalls: number;
  readonly tier1: {
    readonly blocksTranslated: number;
    readonly instructionsTranslated: number;
    /** Blocks compiled to JavaScript; the others only ran interpreted. */
    readonly blocksCompiled: number;
    /** Decoding to IR and compiling. */
    readonly translateMs: number;
    readonly dispatches: number;
    readonly blocksInvalidated: number;
  };
  /** null when tier 2 is off. */
  readonly tier2: Tier2Stats | null;
  /** Bytes mapped by the guest at exit. */
  readonly mappedBytes: number;
  /** Guest threads clone created (each ran on its own worker thread), and
   *  the most alive at once, the main one included. */
  readonly threads: { readonly created: number; readonly peakLive: number };
}

export interface RunResult {
  /** The guest's exit status; 128+signal for a fatal signal; 124 when a
   *  limit stopped the run. */
  readonly exitCode: number;
  readonly status: RunStatus;
  /** One line describing a fatal signal or limit (what the CLI prints). */
  readonly message?: string;
  readonly fault?: FaultInfo;
  /** Collected output, when no stream was given for it. */
  readonly stdout?: Buffer;
  readonly stderr?: Buffer;
  readonly stats: RunStats;
}

export const LIMIT_EXIT_CODE = 124;

/** Instructions per dispatch slice: between slices the run loop checks
 *  limits and lets the event loop run (I/O, tier-2 results, abort). */
const SLICE_INSNS = 200_000;
const YIELD_EVERY_MS = 10;
/** How often the run loop checks limits while only other threads run. */
const THREADS_POLL_MS = 5;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Settling {
  readonly promise: Promise<void>;
  readonly settled: boolean;
}

/** `p`, and whether it has settled yet. */
function settles(p: Promise<void>): Settling {
  const s = { settled: false, promise: p.finally(() => { s.settled = true; }) };
  return s;
}

/** A sample of a running guest (the 'progress' event). */
export interface ProgressSample {
  /** Milliseconds since the run started. */
  readonly timeMs: number;
  /** Guest instructions retired so far, and of those, in tier 2. */
  readonly instructions: number;
  readonly tier2Instructions: number;
  readonly tracesInstalled: number;
}

export interface EmulatorEvents {
  /** Emitted every `progressIntervalMs` while the guest runs, and at the end. */
  progress: [sample: ProgressSample];
  /** A tier-2 trace was installed: when (ms since the run started), its head
   *  pc, name, size in blocks and compile latency. */
  'trace-installed': [info: { timeMs: number; headPc: number; name: string; blocks: number; compileMs: number }];
}

/**
 * One guest process: loads the program, owns its memory, kernel, tiers and
 * run loop. `run()` may be called once.
 */
export class Emulator extends EventEmitter<EmulatorEvents> {
  readonly space: AddressSpace;
  readonly kernel: Kernel;
  readonly dispatcher: Dispatcher;
  readonly program: LoadedProgram;
  readonly tier2Options: Tier2Options;
  /** How guest loads are checked (RunOptions.memoryModel). */
  readonly memoryModel: MemoryModel;
  tier2: Tier2Engine | null = null;
  private readonly stdoutSink: BufferSink | null;
  private readonly stderrSink: BufferSink | null;
  private readonly stdinSource: ByteSource | null;
  private started = false;
  /** The CPU workers of guest threads, from the first clone on. */
  private cpus: CpuHost | null = null;
  private cpuFailure: Error | null = null;

  /** Reads and loads `program` (a path or the ELF bytes). */
  static async create(program: string | Uint8Array, options: RunOptions = {}): Promise<Emulator> {
    const bytes = typeof program === 'string' ? await readProgramFile(program) : program;
    const emu = new Emulator(bytes, typeof program === 'string' ? program : 'program', options);
    if (emu.tier2Options.enabled) {
      const { createTier2 } = await import('../tier2-optimizer/manager.js');
      emu.tier2 = await createTier2(emu, emu.tier2Options, traceCacheOption(options.cache));
    }
    return emu;
  }

  private constructor(bytes: Uint8Array, programName: string, private readonly options: RunOptions) {
    super();
    const memoryLimit = positiveInt('memoryLimit', options.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
    const maxFiles = positiveInt('maxOpenFiles', options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES);
    const maxThreads = options.maxThreads === undefined ? undefined : positiveInt('maxThreads', options.maxThreads);
    if (maxThreads !== undefined && maxThreads > MAX_MAX_THREADS) throw new OptionError(`maxThreads must be at most ${MAX_MAX_THREADS}, got ${maxThreads}`);
    if (maxFiles < 3) throw new OptionError('maxOpenFiles must be at least 3 (stdin, stdout, stderr)');
    const ignoredList: unknown = options.ignoredSignals ?? [];
    if (!Array.isArray(ignoredList)) throw new OptionError('ignoredSignals must be a list of signal numbers or names');
    const ignored = (ignoredList as (number | SignalName)[]).map(ignorableSignal);
    this.tier2Options = resolveTier2Options(options.tier2);
    this.memoryModel = options.memoryModel ?? 'strict';
    if (!MEMORY_MODELS.includes(this.memoryModel)) {
      throw new OptionError(`memoryModel must be one of ${MEMORY_MODELS.join(', ')}, got ${String(this.memoryModel)}`);
    }
    const image = parseProgram(bytes, memoryLimit);
    const ns = new Namespace((options.mounts ?? []).map((m) => (typeof m === 'string' ? parseMountSpec(m) : m)));

    this.space = new AddressSpace(memoryLimit);
    this.space.zeroUnmapped = this.memoryModel === 'flat';
    const argv0 = options.argv0 ?? programName;
    const env = environmentEntries(options.env);
    this.program = loadProgram(this.space, image, {
      argv: [argv0, ...(options.args ?? [])], env, execfn: argv0,
      ...(options.random ? { random: randomBytesFrom(options.random) } : {}),
    });
    const mm = new MemoryManager(this.space, this.program.brk, STACK_TOP - STACK_SIZE - PAGE_SIZE);
    const fds = new FdTable(maxFiles);
    const strace = options.strace === true ? (line: string) => process.stderr.write(`[hyemu strace] ${line}\n`)
      : typeof options.strace === 'function' ? options.strace : undefined;
    this.kernel = new Kernel(this.space, mm, fds, ns, {
      pid: 1000, ...(options.random ? { random: options.random } : {}), ...(strace ? { strace } : {}),
      ...(maxThreads !== undefined ? { maxThreads } : {}),
    });
    for (const signo of ignored) this.kernel.signals.setAction(signo, { handler: SIG_IGN, flags: 0, mask: 0n });
    if (options.cwd !== undefined) {
      // Inside the kernel a path is one character per byte (latin1).
      const cwd = Buffer.from(options.cwd).toString('latin1');
      if (!cwd.startsWith('/')) throw new OptionError('cwd must be an absolute guest path');
      this.kernel.cwd = cwd;
    }

    this.stdinSource = options.stdin === undefined ? new BufferSource(new Uint8Array(0))
      : typeof options.stdin === 'number' ? null
      : options.stdin instanceof Readable ? new StreamSource(options.stdin)
      : new BufferSource(typeof options.stdin === 'string' ? Buffer.from(options.stdin) : options.stdin);
    this.stdoutSink = options.stdout === undefined ? new BufferSink() : null;
    this.stderrSink = options.stderr === undefined ? new BufferSink() : null;
    // Blocking reads and writes end early for a signal (EINTR or restart).
    const interrupt = (): AbortSignal => this.kernel.waitSignal;
    fds.allocate(this.stdinSource ? new InputFile(this.stdinSource, interrupt) : hostDescriptor('stdin', options.stdin as number, O_RDONLY, interrupt));
    fds.allocate(outputFile('stdout', this.stdoutSink ?? options.stdout!, 4, interrupt));
    fds.allocate(outputFile('stderr', this.stderrSink ?? options.stderr!, 5, interrupt));

    const state = this.space.state;
    state[2] = this.program.sp;
    state[STATE.RESERVATION] = RESERVATION_NONE;
    const tier1: Tier1Options = {
      maxBlockInsns: positiveInt('maxBlockInsns', options.maxBlockInsns ?? DEFAULT_MAX_BLOCK_INSNS),
      verifyIR: options.verifyIR ?? false,
      compileAfter: positiveInt('tier1CompileAfter', options.tier1CompileAfter ?? DEFAULT_TIER1_COMPILE_AFTER, 0),
    };
    const translator = new Tier1Translator(
      this.space, state, createGuestAccess(this.space, this.memoryModel),
      (csr, k) => readCounter(csr, this.dispatcher.retired + k, this.kernel.startNs), tier1,
    );
    this.dispatcher = new Dispatcher(translator, this.kernel, this.program.entry);
    // With guest threads, code changes reach the other CPUs through the log.
    this.space.onInvalidate = (first, end) => {
      this.dispatcher.invalidate(first, end);
      this.cpus?.log.append(first, end);
    };
    this.space.onCodeWrite = (addr, len) => {
      const [first, end] = this.dispatcher.codeWritten(addr, len);
      this.cpus?.log.append(first, end);
    };
    this.kernel.onFlushICache = () => this.space.onInvalidate(0, Infinity);
    this.kernel.startThread = (t) => this.threadCpus(tier1).start(t);
  }

  /** The CPU workers, started at the first clone: from then on the main
   *  thread's dispatcher keeps CODE marks and takes in other threads'
   *  code changes at fence.i and between slices. */
  private threadCpus(tier1: Tier1Options): CpuHost {
    if (this.cpus === null) {
      this.cpus = new CpuHost(this.kernel, this.space.memory, {
        memoryModel: this.memoryModel, tier1, tier2: this.tier2?.threads() ?? null,
      });
      this.cpus.onFailure = (e) => {
        this.cpuFailure ??= e;
        this.kernel.kill('SIGABRT', 0, 0, `internal error in a guest thread's worker: ${e.message}`);
      };
      const d = this.dispatcher;
      d.keepsCodeMarks = true;
      d.onFenceI = () => this.takeCodeChanges();
    }
    return this.cpus;
  }

  private takeCodeChanges(): void {
    this.cpus?.log.take((first, end) => this.dispatcher.invalidate(first, end));
  }

  /** Signals that arrived before run() started, delivered when it does. */
  private readonly earlySignals: number[] = [];

  /**
   * Sends signal `signo` to the guest, as kill(2) from outside would: an
   * ignored one is discarded, a blocked one stays pending, a handled one
   * runs the guest's handler at the next instruction boundary (a blocking
   * call it interrupts returns EINTR or restarts), and any other ends the
   * guest as its default action does (exit status 128+signo), even while
   * it waits in a system call.
   */
  sendSignal(signo: number | SignalName): void {
    const n = typeof signo === 'number' ? signo : SIGNALS[signo];
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new OptionError(`not a signal number: ${signo}`);
    if (!this.started) {
      this.earlySignals.push(n);
      return;
    }
    this.kernel.signals.send({ signo: n, code: SI.USER, pid: 0, reason: `sent by the host (${signalName(n)})` });
  }

  /** With `tier2: { profile: true }`: each trace's profile (entries,
   *  instructions, exits by kind), most instructions first; [] otherwise. */
  traceProfiles(): TraceProfile[] {
    return this.tier2?.traceProfiles() ?? [];
  }

  /** Runs the guest to completion (exit, fatal signal or limit). */
  async run(): Promise<RunResult> {
    if (this.started) throw new OptionError('an Emulator runs once; create another');
    this.started = true;
    const o = this.options;
    const maxInsns = o.maxInstructions ?? Infinity;
    if (!(maxInsns > 0)) throw new OptionError('maxInstructions must be positive');
    const deadline = o.timeoutMs !== undefined ? performance.now() + positiveInt('timeoutMs', o.timeoutMs) : Infinity;
    const start = performance.now();
    this.tier2?.markStart(start);
    // Regions from the trace cache are in place before the first instruction.
    await this.tier2?.warmStart();
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    // The timer, not the clock, decides: it also wakes waits (sleeps, stdin).
    let timedOut = false;
    let deadlock = '';
    const timer = deadline !== Infinity ? new LongTimer(() => {
      timedOut = true;
      // Before the stop ends the waits it looks at.
      deadlock = this.deadlockNote();
      stop.abort();
    }, deadline - start) : null;
    this.kernel.stopWaitsWith(stop.signal);
    const stopped = aborted(stop.signal);
    // The end of the process (a fatal signal, or exit_group from another
    // thread) ends the waits of the run loop, as a limit does.
    this.kernel.onTerminate = () => stop.abort();
    for (const n of this.earlySignals.splice(0)) this.sendSignal(n);
    let limit: string | null = null;
    const interval = o.progressIntervalMs !== undefined ? positiveInt('progressIntervalMs', o.progressIntervalMs) : Infinity;
    let nextSample = start + interval;
    const sample = (now: number): void => {
      this.emit('progress', {
        timeMs: now - start, instructions: this.retired, tier2Instructions: this.dispatcher.retiredInTraces,
        tracesInstalled: this.tier2?.stats().installed ?? 0,
      });
    };
    /** The main thread's system call in progress, if it waits. */
    let waiting: Settling | null = null;
    try {
      let lastYield = start;
      const d = this.dispatcher;
      while (this.kernel.termination === null) {
        if (o.signal?.aborted) throw abortError(o.signal);
        const now = performance.now();
        if (now >= nextSample) {
          sample(now);
          nextSample = now + interval;
        }
        if (timedOut || now >= deadline) { limit = `time limit of ${o.timeoutMs} ms reached${deadlock}`; break; }
        if (this.retired >= maxInsns) { limit = `instruction limit of ${maxInsns} reached`; break; }
        if (this.cpus) {
          this.cpus.serve();
          this.takeCodeChanges();
          if (this.kernel.threads.main.exited) {
            // The main thread has exited; the others run on until the last.
            await Promise.race([stopped, delay(THREADS_POLL_MS)]);
            continue;
          }
        }
        const tier2Work = this.tier2?.pendingWork();
        if (tier2Work) await Promise.race([tier2Work, stopped]);
        this.tier2?.poll();
        if (waiting === null && this.kernel.signals.attention) {
          d.redirect(this.kernel.signals.deliver(d.resumePc));
          if (this.kernel.termination !== null) break;
        }
        if (waiting === null) {
          const suspension = this.runSlice(Math.min(SLICE_INSNS, maxInsns - this.retired));
          if (suspension) waiting = settles(suspension);
        }
        if (waiting !== null) {
          // A system call waiting (I/O, a futex); a limit or an abort ends
          // the wait. With other threads running, the loop comes back now
          // and then to check the limits they count toward.
          await Promise.race([waiting.promise, stopped, ...(this.cpus ? [delay(THREADS_POLL_MS)] : [])]);
          if (waiting.settled) waiting = null;
          lastYield = performance.now();
        } else if (now - lastYield >= YIELD_EVERY_MS) {
          await this.yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      if (o.signal?.aborted) throw abortError(o.signal);
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      // However the loop ended (a limit breaks out of it): every thread's
      // blocking call ends, so that no wait's timer outlives the run (a
      // thread's futex wait kept the process alive after an instruction
      // limit).
      stop.abort();
      await this.cpus?.shutdown();
      this.kernel.onTerminate = () => {};
      this.kernel.shutdown();
      timer?.cancel();
      this.stdinSource?.detach();
      this.kernel.fds.closeAll();
      await this.tier2?.close();
    }
    if (this.cpuFailure) throw this.cpuFailure;
    const end = performance.now();
    if (interval !== Infinity) sample(end);
    return this.result(limit, start, end - start);
  }

  /** Guest instructions retired by every thread. */
  get retired(): number {
    return this.dispatcher.retired + (this.cpus?.retired ?? 0);
  }

  /** For the time limit's message: whether every thread was waiting on a
   *  futex (which nothing could end but a signal). */
  private deadlockNote(): string {
    const live = this.kernel.threads.liveCount;
    if (live < 2 || this.kernel.futexes.waiting < live) return '';
    return `; all ${live} threads were waiting on futexes (a deadlock)`;
  }

  /** One dispatcher slice; a fault in it enters the guest's handler or
   *  ends the guest. */
  private runSlice(budget: number): Suspension | null {
    try {
      const suspension = this.dispatcher.runSlice(budget);
      this.dispatcher.takeHot();
      return suspension;
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      const handler = this.kernel.signals.fault(e);
      if (handler !== null) this.dispatcher.redirect(handler);
      return null;
    }
  }

  /** Lets I/O, timers, the abort signal and tier-2 results through. */
  private async yieldToEventLoop(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private result(limit: string | null, startedAtMs: number, wallTimeMs: number): RunResult {
    const d = this.dispatcher;
    const instructions = this.retired;
    const stats: RunStats = {
      instructions,
      wallTimeMs,
      startedAtMs,
      mips: wallTimeMs > 0 ? instructions / wallTimeMs / 1000 : 0,
      syscalls: this.kernel.syscallCount,
      tier1: {
        blocksTranslated: d.translator.translatedBlocks,
        instructionsTranslated: d.translator.translatedInsns,
        blocksCompiled: d.translator.compiledBlocks,
        translateMs: Number(d.translateNs + d.translator.compileNs) / 1e6,
        dispatches: d.dispatches,
        blocksInvalidated: d.invalidatedBlocks,
      },
      tier2: this.tier2 ? this.tier2Stats(instructions) : null,
      mappedBytes: this.space.mapped,
      threads: { created: this.kernel.threads.created, peakLive: this.kernel.threads.peakLive },
    };
    const output = {
      ...(this.stdoutSink ? { stdout: this.stdoutSink.contents } : {}),
      ...(this.stderrSink ? { stderr: this.stderrSink.contents } : {}),
    };
    if (limit !== null) {
      return { exitCode: LIMIT_EXIT_CODE, status: 'limit', message: `hyemu: ${limit} at pc ${hex(d.resumePc)}`, stats, ...output };
    }
    const t = this.kernel.termination as Termination;
    if (t.kind === 'exit') return { exitCode: t.code, status: 'exited', stats, ...output };
    const info = this.faultInfo(t);
    return {
      exitCode: 128 + info.signo, status: 'signaled', fault: info, message: describeFault(info, t.reason), stats, ...output,
    };
  }

  /** Tier 2's figures with the other guest threads' instructions in it. */
  private tier2Stats(instructions: number): Tier2Stats {
    const stats = this.tier2!.stats();
    const threads = this.cpus?.retiredInTraces ?? 0;
    if (threads === 0) return stats;
    const all = stats.instructions + threads;
    return { ...stats, instructions: all, threadInstructions: threads, share: instructions > 0 ? all / instructions : 0 };
  }

  private faultInfo(t: Extract<Termination, { kind: 'signal' }>): FaultInfo {
    const fn = functionAt(this.program.image.functions, t.pc);
    const view = this.space.readView(t.pc, 2);
    let instruction: string | undefined;
    if (view && t.pc !== 0) {
      const lo = view[0]! | (view[1]! << 8);
      const hi = this.space.readView(t.pc + 2, 2);
      instruction = disassemble(t.pc, lo, hi ? hi[0]! | (hi[1]! << 8) : 0);
    }
    return {
      signal: t.signal, signo: t.signo, pc: t.pc, addr: t.addr, ...(t.tid !== undefined ? { tid: t.tid } : {}),
      ...(fn ? { function: `${fn.name}+0x${(t.pc - fn.addr).toString(16)}` } : {}),
      ...(instruction ? { instruction } : {}),
    };
  }
}

function describeFault(f: FaultInfo, reason?: string): string {
  const what = describeSignal(f.signo);
  const thread = f.tid !== undefined ? ` in thread ${f.tid}` : '';
  if (reason) return `hyemu: guest terminated by ${f.signal} (${what})${thread}: ${reason}`;
  const where = `pc ${hex(f.pc)}${f.function ? ` <${f.function}>` : ''}`;
  const insn = f.instruction ? ` [${f.instruction.replace(/^\S+\s+/, '')}]` : '';
  return `hyemu: guest terminated by ${f.signal} (${what})${thread} at ${where}${insn}, fault address ${hex(f.addr)}`;
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

/** An integer option of at least `min` (1 unless told). */
function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isSafeInteger(v) || v < min) {
    throw new OptionError(`${name} must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`}, got ${v}`);
  }
  return v;
}

/** An ignoredSignals entry as a number: SIGKILL and SIGSTOP are never
 *  left ignored by Linux, so they are refused, like any non-signal. */
function ignorableSignal(s: number | SignalName): number {
  const n = typeof s === 'number' ? s : Object.hasOwn(SIGNALS, s) ? SIGNALS[s] : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 64 || n === SIGNALS.SIGKILL || n === SIGNALS.SIGSTOP) {
    throw new OptionError(`ignoredSignals: ${String(s)} is not a signal that can be ignored (1..64 or a name, not SIGKILL or SIGSTOP)`);
  }
  return n;
}

const O_RDONLY = 0, O_WRONLY = 1;

/** The environment as `KEY=VALUE` entries, text or bytes. */
function environmentEntries(env: RunOptions['env']): GuestString[] {
  if (env === undefined) return [];
  if (Array.isArray(env)) return [...(env as readonly GuestString[])];
  return Object.entries(env as Record<string, GuestString>).map(([k, v]) =>
    typeof v === 'string' ? `${k}=${v}` : Buffer.concat([Buffer.from(`${k}=`), v]));
}

function hostDescriptor(name: string, fd: number, access: number, interrupt: () => AbortSignal): HostDescriptor {
  if (!Number.isSafeInteger(fd) || fd < 0) throw new OptionError(`${name} must be a stream, bytes or a file descriptor number, got ${fd}`);
  return new HostDescriptor(fd, access, interrupt);
}

function outputFile(name: string, target: ByteSink | Writable | number, ino: number, interrupt: () => AbortSignal): OpenFile {
  if (typeof target === 'number') return hostDescriptor(name, target, O_WRONLY, interrupt);
  return new OutputFile(target instanceof BufferSink ? target : new StreamSink(target as Writable), ino);
}

function randomBytesFrom(fill: (buf: Uint8Array) => void): Uint8Array {
  const b = new Uint8Array(16);
  fill(b);
  return b;
}

/** setTimeout for any delay: Node's timers take at most 2^31-1 ms (about
 *  24.8 days) and fire at once, with a warning, beyond that. */
class LongTimer {
  private static readonly MAX_DELAY_MS = 0x7fffffff;
  private handle: NodeJS.Timeout;
  private readonly due: number;

  constructor(private readonly fire: () => void, delayMs: number) {
    this.due = performance.now() + delayMs;
    this.handle = this.arm();
  }

  private arm(): NodeJS.Timeout {
    const left = this.due - performance.now();
    if (left <= LongTimer.MAX_DELAY_MS) return setTimeout(this.fire, Math.max(0, left));
    return setTimeout(() => { this.handle = this.arm(); }, LongTimer.MAX_DELAY_MS);
  }

  cancel(): void {
    clearTimeout(this.handle);
  }
}

/** Settles when `signal` aborts (stops waits in the run loop). */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function abortError(signal: AbortSignal): Error {
  const err = new Error('the run was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}

function traceCacheOption(cache: RunOptions['cache']): TraceCacheOptions | null {
  if (cache === undefined) return null;
  if (typeof cache !== 'object' || cache === null || typeof cache.dir !== 'string' || cache.dir === '') {
    throw new OptionError('cache must be { dir: "a directory" }');
  }
  if (cache.onWarning !== undefined && typeof cache.onWarning !== 'function') throw new OptionError('cache.onWarning must be a function');
  return cache;
}
