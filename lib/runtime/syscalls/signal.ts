import { REG_A0, REG_SP } from '../../guest/riscv/registers.js';
import type { Kernel } from '../kernel.js';
import { SIGINFO, STACK_T, type SigInfo } from '../signal-frame.js';
import { SS } from '../signal-state.js';
import { SI, SIGNALS, UNBLOCKABLE } from '../signals.js';
import { E } from './errno.js';
import type { SyscallGroup } from './types.js';
import type { GuestThread } from '../../threads/guest-thread.js';

/** The kernel's sigset_t: 64 signals. */
const SIGSET_SIZE = 8;
const SIG_HOW = { BLOCK: 0, UNBLOCK: 1, SETMASK: 2 } as const;
/** sigaltstack refuses smaller stacks (ENOMEM). */
const MINSIGSTKSZ = 2048;
const ITIMER_REAL = 0;
const US_PER_S = 1_000_000;

/** struct sigaction on RISC-V: handler, flags, 64-bit mask (no restorer). */
const SIGACTION = { HANDLER: 0, FLAGS: 4, MASK: 8, SIZE: 16 } as const;

const validSignal = (sig: number): boolean => sig >= 1 && sig <= 64;

function readSigset(k: Kernel, addr: number): bigint | null {
  const raw = k.space.readView(addr, SIGSET_SIZE);
  return raw ? new DataView(raw.slice().buffer).getBigUint64(0, true) : null;
}

const isSelf = (k: Kernel, pid: number): boolean => pid === k.pid || pid === 0 || pid === -1 || pid === -k.pid;

/** kill/tkill/tgkill to the process itself (signal 0 only checks); a
 *  real-time signal the full queue cannot take is EAGAIN but from kill(). */
function sendSelf(k: Kernel, sig: number, code: number, target: GuestThread | null, info: Partial<SigInfo> = { pid: k.pid }): number {
  if (sig === 0) return 0;
  if (!validSignal(sig)) return -E.EINVAL;
  const r = k.signals.send({ ...info, signo: sig, code, reason: `raised by the program (signal ${sig})` }, target);
  return r === 'full' ? -E.EAGAIN : 0;
}

/** si_code values a sender may give without a specific siginfo layout
 *  past the kernel's 32 bytes (Linux's known_siginfo_layout): the limit of
 *  each signal's own codes (NSIGILL...), NSIGPOLL for the others. */
const SIGNAL_CODE_LIMITS: ReadonlyMap<number, number> = new Map([
  [SIGNALS.SIGILL, 11], [SIGNALS.SIGFPE, 15], [SIGNALS.SIGSEGV, 10], [SIGNALS.SIGBUS, 5], [SIGNALS.SIGTRAP, 6],
  [SIGNALS.SIGCHLD, 6], [SIGNALS.SIGIO, 6], [SIGNALS.SIGSYS, 2],
]);
const NSIGPOLL = 6, SI_DETHREAD = -7, SI_ASYNCNL = -60;

function knownLayout(sig: number, code: number): boolean {
  if (code === SI.KERNEL) return true;
  if (code > SI.USER) return code <= (SIGNAL_CODE_LIMITS.get(sig) ?? NSIGPOLL);
  return code >= SI_DETHREAD || code === SI_ASYNCNL;
}

/** A siginfo_t from rt_sigqueueinfo's caller (copy_siginfo_from_user):
 *  its first 32 bytes as written, the signal number the call's; a code
 *  of no known layout must leave the rest zero (E2BIG). */
function readUserSiginfo(k: Kernel, sig: number, addr: number): SigInfo | number {
  const raw = k.space.readView(addr, SIGINFO.KERNEL_SIZE);
  if (!raw) return -E.EFAULT;
  const bytes = raw.slice();
  const v = new DataView(bytes.buffer);
  const code = v.getInt32(SIGINFO.CODE, true);
  if (!knownLayout(sig >>> 0, code)) {
    const rest = k.space.readView(addr + SIGINFO.KERNEL_SIZE, SIGINFO.SIZE - SIGINFO.KERNEL_SIZE);
    if (!rest) return -E.EFAULT;
    if (rest.some((b) => b !== 0)) return -E.E2BIG;
  }
  return { signo: sig, code, errno: v.getInt32(SIGINFO.ERRNO, true), fields: bytes.subarray(SIGINFO.FIELDS) };
}

/** Only the kernel sends a non-negative si_code, or SI_TKILL, to
 *  another thread: a caller may pretend to be kill() only to itself. */
const spoofed = (info: SigInfo, k: Kernel, tid: number): boolean => (info.code >= 0 || info.code === SI.TKILL) && tid !== k.current.tid;

/** A thread of this process by id (tkill, tgkill). */
const threadOf = (k: Kernel, tgid: number, tid: number): GuestThread | undefined =>
  tgid === k.pid ? k.threads.get(tid) : undefined;

/** struct __kernel_old_itimerval on rv32: interval then value, each
 *  32-bit seconds and microseconds. */
function writeItimerval(k: Kernel, addr: number, t: { valueUs: number; intervalUs: number }): boolean {
  const words = [t.intervalUs / US_PER_S, t.intervalUs % US_PER_S, t.valueUs / US_PER_S, t.valueUs % US_PER_S];
  return words.every((w, i) => k.space.writeU32(addr + 4 * i, Math.floor(w)));
}

function readItimerval(k: Kernel, addr: number): { valueUs: number; intervalUs: number } | number {
  const raw = k.space.readView(addr, 16);
  if (!raw) return -E.EFAULT;
  const v = new DataView(raw.slice().buffer);
  const [is, iu, vs, vu] = [0, 4, 8, 12].map((o) => v.getInt32(o, true)) as [number, number, number, number];
  if (is < 0 || vs < 0 || iu < 0 || iu >= US_PER_S || vu < 0 || vu >= US_PER_S) return -E.EINVAL;
  return { intervalUs: is * US_PER_S + iu, valueUs: vs * US_PER_S + vu };
}

export const SIGNAL_SYSCALLS: SyscallGroup = {
  rt_sigaction: {
    args: ['signal', 'ptr', 'ptr', 'uint'],
    run: (k, [sig, act, oldact, size]) => {
      if (size !== SIGSET_SIZE || !validSignal(sig!)) return -E.EINVAL;
      if (act !== 0 && (sig === SIGNALS.SIGKILL || sig === SIGNALS.SIGSTOP)) return -E.EINVAL;
      let next = null;
      if (act !== 0) {
        const raw = k.space.readView(act!, SIGACTION.SIZE);
        if (!raw) return -E.EFAULT;
        const v = new DataView(raw.slice().buffer);
        next = {
          handler: v.getUint32(SIGACTION.HANDLER, true), flags: v.getUint32(SIGACTION.FLAGS, true),
          mask: v.getBigUint64(SIGACTION.MASK, true) & ~UNBLOCKABLE,
        };
      }
      const prev = k.signals.process.action(sig!);
      if (next) k.signals.setAction(sig!, next);
      if (oldact !== 0) {
        const out = new DataView(new ArrayBuffer(SIGACTION.SIZE));
        out.setUint32(SIGACTION.HANDLER, prev.handler, true);
        out.setUint32(SIGACTION.FLAGS, prev.flags, true);
        out.setBigUint64(SIGACTION.MASK, prev.mask, true);
        if (!k.space.write(oldact!, new Uint8Array(out.buffer))) return -E.EFAULT;
      }
      return 0;
    },
  },
  rt_sigprocmask: {
    args: ['int', 'ptr', 'ptr', 'uint'],
    run: (k, [how, set, oldset, size]) => {
      if (size !== SIGSET_SIZE) return -E.EINVAL;
      const t = k.signals.thread;
      let next: bigint | null = null;
      if (set !== 0) {
        const s = readSigset(k, set!);
        if (s === null) return -E.EFAULT;
        if (how === SIG_HOW.BLOCK) next = t.blocked | s;
        else if (how === SIG_HOW.UNBLOCK) next = t.blocked & ~s;
        else if (how === SIG_HOW.SETMASK) next = s;
        else return -E.EINVAL;
      }
      if (oldset !== 0 && !k.space.writeU64(oldset!, t.blocked)) return -E.EFAULT;
      // Signals it unblocks are delivered as the call returns.
      if (next !== null) k.signals.setBlocked(next);
      return 0;
    },
  },
  rt_sigpending: {
    args: ['ptr', 'uint'],
    run: (k, [set, size]) => {
      if (size! >>> 0 > SIGSET_SIZE) return -E.EINVAL;
      const s = k.signals;
      const pending = (s.process.pending.bits | s.thread.pending.bits) & s.thread.blocked;
      const out = new Uint8Array(SIGSET_SIZE);
      new DataView(out.buffer).setBigUint64(0, pending, true);
      return k.space.write(set!, out.subarray(0, size! >>> 0)) ? 0 : -E.EFAULT;
    },
  },
  /** Waits with `mask` blocked until a signal is delivered: always EINTR,
   *  and the handler's frame saves the caller's own mask. */
  rt_sigsuspend: {
    args: ['ptr', 'uint'],
    run: (k, [mask, size]) => {
      if (size !== SIGSET_SIZE) return -E.EINVAL;
      const m = readSigset(k, mask!);
      if (m === null) return -E.EFAULT;
      const s = k.signals;
      s.thread.savedMask = s.thread.blocked;
      s.setBlocked(m);
      if (s.attention) return -E.EINTR;
      const wait = k.waitSignal;
      return new Promise((resolve) => wait.addEventListener('abort', () => resolve(-E.EINTR), { once: true }));
    },
  },
  sigaltstack: {
    args: ['ptr', 'ptr'],
    run: (k, [ss, oldss]) => {
      const s = k.signals;
      const sp = k.current.state[REG_SP]! >>> 0;
      const old = { ...s.thread.altStack, flags: s.altStackFlags(sp) };
      if (ss !== 0) {
        const raw = k.space.readView(ss!, 12);
        if (!raw) return -E.EFAULT;
        const v = new DataView(raw.slice().buffer);
        const flags = v.getInt32(STACK_T.FLAGS, true);
        const mode = flags & ~SS.AUTODISARM;
        if (s.onAltStack(sp)) return -E.EPERM;
        if (mode !== 0 && mode !== SS.DISABLE && mode !== SS.ONSTACK) return -E.EINVAL;
        if (mode === SS.DISABLE) {
          s.thread.altStack = { sp: 0, size: 0, flags: SS.DISABLE };
        } else {
          const stackSize = v.getUint32(STACK_T.SIZE, true);
          if (stackSize < MINSIGSTKSZ) return -E.ENOMEM;
          s.thread.altStack = { sp: v.getUint32(STACK_T.SP, true), size: stackSize, flags: flags & SS.AUTODISARM };
        }
      }
      if (oldss !== 0) {
        const out = new DataView(new ArrayBuffer(12));
        out.setUint32(STACK_T.SP, old.sp >>> 0, true);
        out.setInt32(STACK_T.FLAGS, old.flags, true);
        out.setUint32(STACK_T.SIZE, old.size >>> 0, true);
        if (!k.space.write(oldss!, new Uint8Array(out.buffer))) return -E.EFAULT;
      }
      return 0;
    },
  },
  /** Returns from a handler: the registers (a0 too, as the result), the
   *  mask and the alternate stack come back from the frame at sp. */
  rt_sigreturn: {
    args: [],
    run: (k) => {
      const pc = k.signals.sigreturn();
      if (pc === null) return 0;
      k.current.resumeAt = pc;
      return k.current.state[REG_A0]!;
    },
  },
  kill: { args: ['int', 'signal'], run: (k, [pid, sig]) => (isSelf(k, pid!) ? sendSelf(k, sig!, SI.USER, null) : -E.ESRCH) },
  tkill: {
    args: ['int', 'signal'],
    run: (k, [tid, sig]) => {
      if (tid! <= 0) return -E.EINVAL;
      const t = threadOf(k, k.pid, tid!);
      return t ? sendSelf(k, sig!, SI.TKILL, t) : -E.ESRCH;
    },
  },
  tgkill: {
    args: ['int', 'int', 'signal'],
    run: (k, [tgid, tid, sig]) => {
      if (tgid! <= 0 || tid! <= 0) return -E.EINVAL;
      const t = threadOf(k, tgid!, tid!);
      return t ? sendSelf(k, sig!, SI.TKILL, t) : -E.ESRCH;
    },
  },
  rt_sigqueueinfo: {
    args: ['int', 'signal', 'ptr'],
    run: (k, [pid, sig, uinfo]) => {
      const info = readUserSiginfo(k, sig!, uinfo!);
      if (typeof info === 'number') return info;
      if (spoofed(info, k, pid!)) return -E.EPERM;
      return pid === k.pid ? sendSelf(k, sig!, info.code, null, info) : -E.ESRCH;
    },
  },
  rt_tgsigqueueinfo: {
    args: ['int', 'int', 'signal', 'ptr'],
    run: (k, [tgid, tid, sig, uinfo]) => {
      const info = readUserSiginfo(k, sig!, uinfo!);
      if (typeof info === 'number') return info;
      if (tgid! <= 0 || tid! <= 0) return -E.EINVAL;
      if (spoofed(info, k, tid!)) return -E.EPERM;
      const t = threadOf(k, tgid!, tid!);
      return t ? sendSelf(k, sig!, info.code, t, info) : -E.ESRCH;
    },
  },
  getitimer: {
    args: ['int', 'ptr'],
    run: (k, [which, cur]) => {
      if (which !== ITIMER_REAL) return -E.EINVAL;
      return writeItimerval(k, cur!, k.realTimer.get()) ? 0 : -E.EFAULT;
    },
  },
  setitimer: {
    args: ['int', 'ptr', 'ptr'],
    run: (k, [which, value, old]) => {
      if (which !== ITIMER_REAL) return -E.EINVAL;
      const next = value === 0 ? { valueUs: 0, intervalUs: 0 } : readItimerval(k, value!);
      if (typeof next === 'number') return next;
      const prev = k.realTimer.set(next.valueUs, next.intervalUs);
      return old === 0 || writeItimerval(k, old!, prev) ? 0 : -E.EFAULT;
    },
  },
};
