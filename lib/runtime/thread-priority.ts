import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value of the threads that work beside the main thread's
 *  dispatcher: the tier-2 compiler workers, and the CPUs of guest threads
 *  while tier 2 is on (see cpu-worker.ts). */
export const BACKGROUND_NICE = 10;

/** Lowers the calling thread's CPU priority (on Linux a thread's nice value
 *  is set through its thread id); elsewhere, or if not allowed, nothing. */
export function lowerThreadPriority(nice = BACKGROUND_NICE): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: run at the normal priority.
  }
}
