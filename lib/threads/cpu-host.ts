import { MessageChannel, Worker } from 'node:worker_threads';
import type { ThreadTier2 } from '../tier2-optimizer/thread-protocol.js';
import type { Kernel } from '../runtime/kernel.js';
import type { MemoryModel } from '../runtime/options.js';
import { GuestFault, signalName, type SignalName } from '../runtime/signals.js';
import { CodeInvalidationLog, INVALIDATION_LOG_BYTES } from './code-invalidation.js';
import { CpuChannelHost, REPLY, REQUEST, createChannelBuffers } from './cpu-channel.js';
import type { CpuStart } from './cpu-start.js';
import type { GuestThread } from './guest-thread.js';
import type { Tier1Options } from '../tier1-tcg/translator.js';

/** Atomics.waitAsync (ES2024; in V8 since 8.7, so in every Node this
 *  runs on), which the configured TypeScript lib does not declare. */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

export interface CpuSettings {
  readonly memoryModel: MemoryModel;
  readonly tier1: Tier1Options;
  /** The main thread's tier 2, whose traces every CPU runs; null: the
   *  CPUs run tier 1 only. */
  readonly tier2: ThreadTier2 | null;
}

interface Cpu {
  readonly thread: GuestThread;
  readonly worker: Worker;
  readonly channel: CpuChannelHost;
}

/**
 * The main thread's side of a multithreaded guest: starts a CPU worker for
 * each thread clone creates and serves their requests with the one kernel
 * (system calls, faults, signal delivery), one at a time, so the kernel's
 * state (fd table, mounts, memory map, futex queues) stays consistent and
 * calls are served in the order they arrive. The main guest thread keeps
 * running on the main thread.
 */
export class CpuHost {
  readonly log: CodeInvalidationLog;
  private readonly logBuffer = new SharedArrayBuffer(INVALIDATION_LOG_BYTES);
  private readonly doorbell = new SharedArrayBuffer(4);
  private readonly bell = new Int32Array(this.doorbell);
  private readonly cpus = new Set<Cpu>();
  /** Instructions of the CPUs that have ended (and of those, in traces). */
  private retiredByEnded = 0;
  private inTracesByEnded = 0;
  private closed = false;
  private watching = false;
  /** Called when a CPU worker fails (a bug, not a guest fault). */
  onFailure: (error: Error) => void = () => {};

  constructor(private readonly kernel: Kernel, private readonly memory: WebAssembly.Memory, private readonly settings: CpuSettings) {
    this.log = new CodeInvalidationLog(this.logBuffer);
    kernel.signals.onPending = (thread) => {
      for (const cpu of this.cpus) if (thread === null || cpu.thread === thread) cpu.channel.setAttention(true);
    };
  }

  /** Instructions all CPU workers retired. */
  get retired(): number {
    let n = this.retiredByEnded;
    for (const cpu of this.cpus) n += cpu.channel.retired;
    return n;
  }

  /** Of those, in tier-2 traces. */
  get retiredInTraces(): number {
    let n = this.inTracesByEnded;
    for (const cpu of this.cpus) n += cpu.channel.retiredInTraces;
    return n;
  }

  /** Starts `thread` (its state block set up by clone) on a new worker. */
  start(thread: GuestThread): boolean {
    if (this.closed) return false;
    const channel = new CpuChannelHost(createChannelBuffers(this.doorbell));
    const { tier2, ...settings } = this.settings;
    const ports = tier2 ? new MessageChannel() : null;
    const start: CpuStart = {
      memory: this.memory, slot: thread.slot, tid: thread.tid, channel: channel.buffers, invalidationLog: this.logBuffer,
      startNs: this.kernel.startNs, ...settings,
      tier2: tier2 && ports ? { ...tier2.cpuSettings(), port: ports.port2 } : null,
    };
    // No inherited loader hooks or --import preloads (a test runner's, a
    // profiler's): a CPU needs none, and they would load into every thread.
    const worker = new Worker(new URL('./cpu-worker.js', import.meta.url), {
      workerData: start, execArgv: [], transferList: ports ? [ports.port2] : [],
    });
    // Connected after the worker exists: the traces installed so far are
    // its first messages.
    const disconnect = tier2 && ports ? tier2.connect(ports.port1) : () => {};
    const cpu: Cpu = { thread, worker, channel };
    this.cpus.add(cpu);
    worker.on('error', (e) => this.onFailure(e));
    worker.on('exit', () => {
      this.retiredByEnded += channel.retired;
      this.inTracesByEnded += channel.retiredInTraces;
      this.cpus.delete(cpu);
      disconnect();
    });
    if (!this.watching) void this.watch();
    return true;
  }

  /** Serves every request waiting now. */
  serve(): void {
    for (const cpu of this.cpus) {
      const req = cpu.channel.take();
      if (req !== null) this.handle(cpu, req.kind, req.nr, req.args);
    }
  }

  /** Ends every CPU: the process is over. */
  async shutdown(): Promise<void> {
    this.closed = true;
    Atomics.notify(this.bell, 0);
    const cpus = [...this.cpus];
    for (const cpu of cpus) cpu.channel.stop();
    await Promise.all(cpus.map((cpu) => cpu.worker.terminate()));
  }

  private handle(cpu: Cpu, kind: number, nr: number, args: number[]): void {
    const k = this.kernel;
    const t = cpu.thread;
    switch (kind) {
      case REQUEST.SYSCALL: {
        const r = k.as(t, () => k.syscall(nr, args));
        if (typeof r === 'number') this.replyAfter(cpu, r);
        else void r.then((n) => this.replyAfter(cpu, n), (e: Error) => this.onFailure(e));
        return;
      }
      case REQUEST.FAULT: {
        const fault = new GuestFault(signalName(nr) as SignalName, args[0]! >>> 0, args[1]! >>> 0);
        const handler = k.as(t, () => k.signals.fault(fault));
        if (handler === null) cpu.channel.reply({ result: 0, flags: REPLY.STOP, resumePc: 0 });
        else this.replyAfter(cpu, 0, handler);
        return;
      }
      case REQUEST.DELIVER: {
        cpu.channel.setAttention(false);
        const pc = k.as(t, () => k.signals.deliver(args[0]! >>> 0));
        this.replyAfter(cpu, 0, pc);
        return;
      }
    }
  }

  /** Answers with what the thread must do next: stop, resume elsewhere,
   *  take a signal. */
  private replyAfter(cpu: Cpu, result: number, resumePc: number | null = null): void {
    const k = this.kernel;
    k.as(cpu.thread, () => {
      const pc = k.takeResumeAt() ?? resumePc;
      const stop = k.termination !== null || cpu.thread.exited;
      const flags = (stop ? REPLY.STOP : 0) | (pc !== null ? REPLY.REDIRECT : 0) | (k.signals.attention ? REPLY.ATTENTION : 0);
      cpu.channel.reply({ result, flags, resumePc: pc ?? 0 });
    });
  }

  /** Serves requests whenever the main thread's event loop is idle (its
   *  own guest thread waits, or has exited). */
  private async watch(): Promise<void> {
    this.watching = true;
    while (!this.closed) {
      const seen = Atomics.load(this.bell, 0);
      this.serve();
      const wait = waitAsync(this.bell, 0, seen);
      if (wait.async) await wait.value;
    }
  }
}
