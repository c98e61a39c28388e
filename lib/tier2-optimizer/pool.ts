import { Piscina } from 'piscina';
import { sharedPools } from './pool-registry.js';
import type { CompileResult, CompileTask, WarmupResult, WorkerTask } from './task.js';

/** What tier 2 needs from a compiler pool. */
export interface CompilerPool {
  compile(task: CompileTask, signal: AbortSignal): Promise<CompileResult>;
  close(): Promise<void>;
}

/**
 * The tier-2 compiler pool: piscina worker threads that stay alive and warm
 * (binaryen loaded) for as long as an emulator uses them. Emulators in one
 * process share a pool per worker count, reference-counted, so that the
 * last one to finish shuts the threads down and the process can exit.
 */
export class Tier2Pool implements CompilerPool {
  private readonly piscina: Piscina;
  readonly ready: Promise<void>;
  /** How each worker warmed up: binaryen's load, its first compile. */
  readonly warmups: WarmupResult[] = [];
  /** The last pool-level error piscina reported, for diagnostics. */
  lastError: string | null = null;

  constructor(readonly workers: number) {
    this.piscina = new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
      maxQueue: 'auto',
    });
    // piscina reports pool-level trouble (a worker that died, a result for a
    // task it no longer tracks after a shutdown) as 'error' events; the
    // tasks concerned already failed, so these must not crash the host.
    this.piscina.on('error', (e: unknown) => {
      this.lastError = e instanceof Error ? e.message : String(e);
    });
    // Warm every thread: each one runs a task that makes it load binaryen.
    this.ready = Promise.all(Array.from({ length: workers }, () => this.piscina.run({ kind: 'warmup' } satisfies WorkerTask)
      .then((r: WarmupResult) => { this.warmups.push(r); })))
      .then(() => undefined, () => undefined);
  }

  compile(task: CompileTask, signal: AbortSignal): Promise<CompileResult> {
    return this.piscina.run(task, { signal }) as Promise<CompileResult>;
  }

  get queued(): number {
    return this.piscina.queueSize;
  }

  /** Stops the worker threads (tasks still running fail). */
  close(): Promise<void> {
    return this.piscina.destroy();
  }
}

export { defaultWorkers } from './options.js';

export function acquirePool(workers: number): Tier2Pool {
  let entry = sharedPools.get(workers);
  if (!entry) sharedPools.set(workers, (entry = { pool: new Tier2Pool(workers), users: 0 }));
  entry.users++;
  return entry.pool;
}

export async function releasePool(pool: Tier2Pool): Promise<void> {
  const entry = sharedPools.get(pool.workers);
  if (!entry || entry.pool !== pool) return;
  if (--entry.users > 0) return;
  sharedPools.delete(pool.workers);
  await pool.close();
}
