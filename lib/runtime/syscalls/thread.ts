import os from 'node:os';
import { REG_A0, REG_SP } from '../../guest/riscv/registers.js';
import { RESERVATION_NONE } from '../../guest/riscv/translate.js';
import type { Kernel } from '../kernel.js';
import { STATE } from '../layout.js';
import { E } from './errno.js';
import type { SyscallGroup } from './types.js';

const REG_TP = 4;

/** clone flags (include/uapi/linux/sched.h). */
const CLONE = {
  VM: 0x100, FS: 0x200, FILES: 0x400, SIGHAND: 0x800, PIDFD: 0x1000, PTRACE: 0x2000, VFORK: 0x4000,
  PARENT: 0x8000, THREAD: 0x10000, NEWNS: 0x20000, SYSVSEM: 0x40000, SETTLS: 0x80000,
  PARENT_SETTID: 0x100000, CHILD_CLEARTID: 0x200000, DETACHED: 0x400000, UNTRACED: 0x800000,
  CHILD_SETTID: 0x1000000, NEWUSER: 0x10000000, NEWPID: 0x20000000,
} as const;
/** The low byte is the exit signal, which a thread does not have. */
const CSIGNAL = 0xff;
/** What a thread library passes; all of it is required. */
const THREAD_FLAGS = CLONE.VM | CLONE.FS | CLONE.FILES | CLONE.SIGHAND | CLONE.THREAD;
/** What may come with it. */
const OPTIONAL_FLAGS = CLONE.SYSVSEM | CLONE.SETTLS | CLONE.PARENT_SETTID | CLONE.CHILD_CLEARTID | CLONE.CHILD_SETTID |
  CLONE.DETACHED | CLONE.UNTRACED;

/** The combinations Linux refuses with EINVAL (kernel/fork.c, copy_process
 *  and kernel_clone), in its order. */
const INVALID_COMBINATIONS: readonly (readonly [number, number])[] = [
  [CLONE.NEWNS | CLONE.FS, CLONE.NEWNS | CLONE.FS],
  [CLONE.NEWUSER | CLONE.FS, CLONE.NEWUSER | CLONE.FS],
  [CLONE.THREAD | CLONE.SIGHAND, CLONE.THREAD],
  [CLONE.SIGHAND | CLONE.VM, CLONE.SIGHAND],
  [CLONE.THREAD | CLONE.NEWUSER, CLONE.THREAD | CLONE.NEWUSER],
  [CLONE.THREAD | CLONE.NEWPID, CLONE.THREAD | CLONE.NEWPID],
  [CLONE.PIDFD | CLONE.PARENT_SETTID, CLONE.PIDFD | CLONE.PARENT_SETTID],
];

/**
 * clone(flags, stack, parent_tid, tls, child_tid) — rv32's argument order.
 * Only threads: a new thread of this process, sharing everything, on its
 * own CPU (a worker). A new process (fork, vfork, CLONE_VM without
 * CLONE_THREAD) is ENOSYS; flag sets Linux refuses are EINVAL, and so are
 * namespaces and the other flags a thread does not need.
 */
function clone(k: Kernel, flags: number, stack: number, ptid: number, tls: number, ctid: number): number {
  for (const [mask, bad] of INVALID_COMBINATIONS) if ((flags & mask) === bad) return -E.EINVAL;
  if ((flags & THREAD_FLAGS) !== THREAD_FLAGS) return -E.ENOSYS;
  if ((flags & ~(THREAD_FLAGS | OPTIONAL_FLAGS | CSIGNAL)) !== 0) return -E.EINVAL;
  const parent = k.current;
  const child = k.threads.create();
  if (child === null) return -E.EAGAIN;
  const x = child.state;
  x.set(parent.state.subarray(0, 32));
  x[0] = 0;
  x[REG_A0] = 0;
  if (stack !== 0) x[REG_SP] = stack;
  if (flags & CLONE.SETTLS) x[REG_TP] = tls;
  // The parent's pc is its ecall (always 4 bytes): the child returns after it.
  x[STATE.PC] = (parent.state[STATE.PC]! + 4) | 0;
  x[STATE.RESERVATION] = RESERVATION_NONE;
  child.signals.blocked = parent.signals.blocked;
  if (flags & CLONE.CHILD_CLEARTID) child.clearChildTid = ctid >>> 0;
  // Linux ignores a tid it cannot store.
  if (flags & CLONE.PARENT_SETTID) k.space.writeU32(ptid, child.tid);
  if (flags & CLONE.CHILD_SETTID) k.space.writeU32(ctid, child.tid);
  if (!k.startThread(child)) {
    k.threads.remove(child);
    return -E.EAGAIN;
  }
  return child.tid;
}

/** sched_getaffinity: every host core, as the mask of a thread that may
 *  run anywhere; the size is the bytes written (Linux rounds the mask to
 *  its longs). */
function getAffinity(k: Kernel, tid: number, size: number, mask: number): number {
  if (tid !== 0 && k.threads.get(tid) === undefined) return -E.ESRCH;
  const cores = Math.max(1, os.availableParallelism());
  const bytes = Math.ceil(cores / 32) * 4;
  if (size < bytes || (size & 3) !== 0) return -E.EINVAL;
  const out = new Uint8Array(bytes);
  for (let c = 0; c < cores; c++) out[c >> 3]! |= 1 << (c & 7);
  return k.space.write(mask, out) ? bytes : -E.EFAULT;
}

/** membarrier commands (include/uapi/linux/membarrier.h). */
const MEMBARRIER = { QUERY: 0, GLOBAL: 1, PRIVATE_EXPEDITED: 8, REGISTER_PRIVATE_EXPEDITED: 16 } as const;
const MEMBARRIER_SUPPORTED = MEMBARRIER.GLOBAL | MEMBARRIER.PRIVATE_EXPEDITED | MEMBARRIER.REGISTER_PRIVATE_EXPEDITED;

export const THREAD_SYSCALLS: SyscallGroup = {
  clone: { args: ['hex', 'ptr', 'ptr', 'ptr', 'ptr'], run: (k, [flags, stack, ptid, tls, ctid]) => clone(k, flags!, stack!, ptid!, tls!, ctid!) },
  exit: { args: ['int'], run: (k, [code]) => { k.exitThread(code!); return 0; } },
  exit_group: { args: ['int'], run: (k, [code]) => { k.exit(code!); return 0; } },
  gettid: { args: [], run: (k) => k.current.tid },
  set_tid_address: { args: ['ptr'], run: (k, [ptr]) => { k.current.clearChildTid = ptr! >>> 0; return k.current.tid; } },
  set_robust_list: { args: ['ptr', 'uint'], run: (_k, [, len]) => (len === 12 ? 0 : -E.EINVAL) },
  sched_yield: { args: [], run: () => 0 },
  sched_getaffinity: { args: ['int', 'uint', 'ptr'], run: (k, [tid, size, mask]) => getAffinity(k, tid!, size! >>> 0, mask!) },
  // Every guest access is to the one shared memory and the CPUs' atomics
  // are sequentially consistent (JavaScript and wasm atomics), so a
  // barrier has nothing left to order.
  membarrier: {
    args: ['int', 'hex', 'int'],
    run: (_k, [cmd, flags]) => {
      if (flags !== 0) return -E.EINVAL;
      if (cmd === MEMBARRIER.QUERY) return MEMBARRIER_SUPPORTED;
      return (cmd! & MEMBARRIER_SUPPORTED) === cmd && cmd !== 0 && (cmd! & (cmd! - 1)) === 0 ? 0 : -E.EINVAL;
    },
  },
};
