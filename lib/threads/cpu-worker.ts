import { workerData } from 'node:worker_threads';
import { Tier1Translator } from '../tier1-tcg/translator.js';
import { Dispatcher, type SyscallPort } from '../runtime/dispatcher.js';
import { createGuestAccess } from '../runtime/guest-access.js';
import { GuestMemory } from '../runtime/guest-memory.js';
import { STATE, cpuStateView } from '../runtime/layout.js';
import { readCounter } from '../runtime/counters.js';
import { GuestFault, SIGNALS } from '../runtime/signals.js';
import { CodeInvalidationLog } from './code-invalidation.js';
import { CpuChannel, REPLY, REQUEST, type Reply } from './cpu-channel.js';
import type { CpuStart } from './cpu-start.js';
import { CpuTraces } from '../tier2-optimizer/cpu-traces.js';
import { lowerThreadPriority } from '../runtime/thread-priority.js';

/**
 * A CPU: one guest thread other than the main one, on its own worker
 * thread. It runs tier 1 over the shared memory with its own state block,
 * block cache and dispatcher; system calls, faults and signal delivery go
 * to the kernel on the main thread through the channel, blocking this
 * thread until answered.
 */
const start = workerData as CpuStart;
// With tier 2 on, a CPU runs at the compiler's priority: on few cores,
// guest threads at the normal one starve the compiles that would speed
// them up (2 threads on 2 cores: the first trace came after ~1.2 s).
if (start.tier2) lowerThreadPriority();
const SLICE_INSNS = 200_000;

const memory = new GuestMemory(start.memory);
const state = cpuStateView(start.memory, start.slot);
const mainState = cpuStateView(start.memory, 0);
const channel = new CpuChannel(start.channel);
const log = new CodeInvalidationLog(start.invalidationLog);

let last: Reply = { result: 0, flags: 0, resumePc: 0 };
const port: SyscallPort = {
  syscall(nr, args) {
    last = channel.request(REQUEST.SYSCALL, nr, args);
    log.take(discard);
    traces?.takeInstalls();
    return last.result;
  },
  takeResumeAt() {
    if (!(last.flags & REPLY.REDIRECT)) return null;
    last = { ...last, flags: last.flags & ~REPLY.REDIRECT };
    return last.resumePc;
  },
  get mustStop() {
    return (last.flags & (REPLY.STOP | REPLY.ATTENTION)) !== 0;
  },
};

const access = createGuestAccess(memory, start.memoryModel);
const counter = (csr: number, k: number): number => readCounter(csr, dispatcher.retired + k, start.startNs);
const translator: Tier1Translator = new Tier1Translator(
  memory, state, access, counter, start.tier1,
);
const dispatcher: Dispatcher = new Dispatcher(translator, port, state[STATE.PC]! >>> 0);
const traces = start.tier2
  ? new CpuTraces(dispatcher, start.memory, state, access, counter, start.tier2, () => channel.stopping)
  : null;
// Other CPUs may hold code on any page: marks stay.
dispatcher.keepsCodeMarks = true;
dispatcher.onFenceI = () => log.take(discard);
memory.onCodeWrite = (addr, len) => {
  const [first, end] = dispatcher.codeWritten(addr, len);
  // Before the log: a compile of those pages, or a trace on its way to
  // another CPU, is then seen to be stale.
  traces?.generations.bump(first, end);
  log.append(first, end);
  // The main thread leaves its trace at the next loop header and takes the
  // change in.
  Atomics.store(mainState, STATE.STOP, 1);
};

function discard(first: number, end: number): void {
  dispatcher.invalidate(first, end);
}

/** Delivers what the kernel has for this thread; false when it ends. */
function deliver(): boolean {
  last = channel.request(REQUEST.DELIVER, 0, [dispatcher.resumePc]);
  if (last.flags & REPLY.STOP) return false;
  if (last.flags & REPLY.REDIRECT) dispatcher.redirect(last.resumePc);
  last = { result: 0, flags: 0, resumePc: 0 };
  return true;
}

function run(): void {
  for (;;) {
    if (channel.stopping || (last.flags & REPLY.STOP)) return;
    log.take(discard);
    if ((last.flags & REPLY.ATTENTION) || channel.attention) {
      if (!deliver()) return;
    }
    traces?.takeInstalls();
    try {
      dispatcher.runSlice(SLICE_INSNS);
      dispatcher.takeHot();
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      last = channel.request(REQUEST.FAULT, SIGNALS[e.signal], [e.pc, e.addr]);
      if (last.flags & REPLY.STOP) return;
      dispatcher.redirect(last.resumePc);
      last = { result: 0, flags: last.flags & REPLY.ATTENTION, resumePc: 0 };
    }
    channel.publishRetired(dispatcher.retired, dispatcher.retiredInTraces);
  }
}

try {
  run();
} finally {
  channel.publishRetired(dispatcher.retired, dispatcher.retiredInTraces);
}
