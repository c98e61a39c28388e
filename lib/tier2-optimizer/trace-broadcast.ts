import type { MessagePort } from 'node:worker_threads';
import type { Region } from '../traces/region.js';
import type { FromCpu, SharedTrace, ToCpu } from './thread-protocol.js';

/**
 * The main thread's side of tier 2 across guest threads: the installed
 * traces every CPU worker must hold, sent to each CPU as it connects and
 * as each new one is installed, and the region requests CPUs send back.
 * With no other thread, it holds the traces and sends nothing.
 */
export class TraceBroadcast {
  /** Installed, valid traces by id: what a CPU connecting now gets. */
  private readonly current = new Map<number, SharedTrace>();
  private readonly ports = new Set<MessagePort>();

  install(trace: SharedTrace): void {
    this.current.set(trace.id, trace);
    const message: ToCpu = { kind: 'install', trace };
    for (const port of this.ports) port.postMessage(message);
  }

  /** The trace was invalidated: CPUs connecting later do not get it (each
   *  CPU drops its own copy when it takes in the code change). */
  drop(id: number): void {
    this.current.delete(id);
  }

  /** Connects a CPU; returns the disconnect. */
  connect(port: MessagePort, onRegion: (region: Region, count: number, answer: () => void) => void): () => void {
    this.ports.add(port);
    for (const trace of this.current.values()) port.postMessage({ kind: 'install', trace } satisfies ToCpu);
    port.on('message', (message: FromCpu) => {
      if (message.kind !== 'region') return;
      const head = message.region.blocks[0]?.pc ?? 0;
      onRegion(message.region, message.count, () => {
        if (this.ports.has(port)) port.postMessage({ kind: 'answered', head } satisfies ToCpu);
      });
    });
    // The port must not keep the process alive after the run.
    port.unref();
    return () => {
      this.ports.delete(port);
      port.close();
    };
  }
}
