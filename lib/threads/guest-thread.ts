import { ThreadSignals } from '../runtime/signal-state.js';

/**
 * One guest thread as the kernel sees it: its id, the slot of its CPU
 * state block in the shared memory, and what Linux keeps per thread
 * (signal mask and pending set, clear-tid address, a call to resume).
 * The main thread runs on the host's main thread; others on CPU workers.
 */
export class GuestThread {
  readonly signals = new ThreadSignals();
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and woken at exit. */
  clearChildTid = 0;
  /** Set by a system call that changes where the thread resumes
   *  (rt_sigreturn); its CPU takes it. */
  resumeAt: number | null = null;
  exited = false;
  /** Aborted when a signal should interrupt this thread's blocking call. */
  private wakeController = new AbortController();

  constructor(readonly tid: number, readonly slot: number, readonly state: Int32Array) {}

  get wakeSignal(): AbortSignal {
    return this.wakeController.signal;
  }

  /** Ends the blocking call the thread waits in now (later ones wait afresh). */
  interrupt(): void {
    this.wakeController.abort();
    this.wakeController = new AbortController();
  }
}
