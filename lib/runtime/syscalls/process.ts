import os from 'node:os';
import type { Kernel } from '../kernel.js';
import { E } from './errno.js';
import type { SyscallGroup } from './types.js';

const RLIM_INFINITY = 0xffffffffffffffffn;
const RLIMIT_SIGPENDING = 11;

const UTSNAME = {
  sysname: 'Linux', nodename: 'hyemu', release: '6.1.0', version: '#1 SMP hyemu', machine: 'riscv32', domainname: '(none)',
};

const GRND = { NONBLOCK: 1, RANDOM: 2, INSECURE: 4 } as const;
const PR = { SET_NAME: 15, GET_NAME: 16 } as const;
/** TASK_COMM_LEN: a thread name with its NUL. */
const COMM_LEN = 16;
/** The thread name (prctl PR_SET_NAME) of each process. Before a program
 *  sets one it is the emulator's, as qemu-user reports "qemu-riscv32". */
const threadNames = new WeakMap<Kernel, Uint8Array>();
const DEFAULT_COMM = Buffer.from('hyemu');

/** prctl options: PR_SET_NAME / PR_GET_NAME; Linux gives EINVAL for
 *  options it does not know, as hyemu does for the rest. */
const PRCTL: Readonly<Record<number, (k: Kernel, arg: number) => number>> = {
  [PR.SET_NAME]: (k, arg) => {
    const raw = readName(k, arg, COMM_LEN - 1);
    if (raw === undefined) return -E.EFAULT;
    const name = new Uint8Array(COMM_LEN);
    name.set(raw.subarray(0, COMM_LEN - 1));
    threadNames.set(k, name);
    return 0;
  },
  [PR.GET_NAME]: (k, arg) => {
    let name = threadNames.get(k);
    if (!name) {
      name = new Uint8Array(COMM_LEN);
      name.set(DEFAULT_COMM);
    }
    return k.space.write(arg, name) ? 0 : -E.EFAULT;
  },
};

/** The bytes at `addr` up to a NUL or `max` of them (strncpy_from_user:
 *  undefined if any of those is unreadable). */
function readName(k: Kernel, addr: number, max: number): Uint8Array | undefined {
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    const b = k.space.readView(addr + i, 1);
    if (!b) return undefined;
    if (b[0] === 0) break;
    out.push(b[0]!);
  }
  return Uint8Array.from(out);
}

/** struct sysinfo on rv32 (64 bytes; mem_unit 1): the memory the guest may
 *  map is its RAM, what it has not mapped is free. */
function encodeSysinfo(k: Kernel): Uint8Array {
  const out = new Uint8Array(64);
  const v = new DataView(out.buffer);
  v.setInt32(0, Math.floor(os.uptime()), true);
  os.loadavg().forEach((l, i) => v.setUint32(4 + i * 4, Math.min(0xffffffff, Math.round(l * 65536)), true));
  v.setUint32(16, k.space.limit, true); // totalram
  v.setUint32(20, Math.max(0, k.space.limit - k.space.mapped), true); // freeram
  v.setUint16(40, 1, true); // procs
  v.setUint32(52, 1, true); // mem_unit
  return out;
}

export const PROCESS_SYSCALLS: SyscallGroup = {
  getpid: { args: [], run: (k) => k.pid },
  getppid: { args: [], run: () => 1 },
  getuid: { args: [], run: () => 0 },
  geteuid: { args: [], run: () => 0 },
  getgid: { args: [], run: () => 0 },
  getegid: { args: [], run: () => 0 },
  umask: { args: ['oct'], run: (k, [mask]) => { const old = k.umask; k.umask = mask! & 0o777; return old; } },
  uname: {
    args: ['ptr'],
    run: (k, [buf]) => {
      const out = new Uint8Array(65 * 6);
      Object.values(UTSNAME).forEach((s, i) => out.set(Buffer.from(s), i * 65));
      return k.space.write(buf!, out) ? 0 : -E.EFAULT;
    },
  },
  prlimit64: {
    args: ['int', 'int', 'ptr', 'ptr'],
    run: (k, [pid, resource, next, old]) => {
      let limit: { soft: bigint; hard: bigint } | null = null;
      if (next !== 0) {
        const raw = k.space.readView(next!, 16);
        if (!raw) return -E.EFAULT;
        const v = new DataView(raw.slice().buffer);
        limit = { soft: v.getBigUint64(0, true), hard: v.getBigUint64(8, true) };
      }
      if (pid !== 0 && pid !== k.pid) return -E.ESRCH;
      if (resource! < 0 || resource! > 15) return -E.EINVAL;
      if (limit && limit.soft > limit.hard) return -E.EINVAL;
      const queue = k.signals.queueLimit;
      const fixed = resource === 3 ? 8n * 1024n * 1024n // RLIMIT_STACK
        : resource === 7 ? BigInt(k.fds.maxFiles) // RLIMIT_NOFILE
        : resource === 9 ? BigInt(k.space.limit) // RLIMIT_AS
        : RLIM_INFINITY;
      const [soft, hard] = resource === RLIMIT_SIGPENDING ? [queue.soft, queue.hard] : [fixed, fixed];
      // RLIMIT_SIGPENDING holds (the guest is root: it may raise it);
      // other new limits are accepted and not enforced beyond hyemu's own.
      if (limit && resource === RLIMIT_SIGPENDING) {
        queue.soft = limit.soft;
        queue.hard = limit.hard;
      }
      if (old !== 0 && !(k.space.writeU64(old!, soft) && k.space.writeU64(old! + 8, hard))) return -E.EFAULT;
      return 0;
    },
  },
  sysinfo: { args: ['ptr'], run: (k, [buf]) => (k.space.write(buf!, encodeSysinfo(k)) ? 0 : -E.EFAULT) },
  prctl: {
    args: ['int', 'hex', 'hex', 'hex', 'hex'],
    run: (k, [option, arg]) => PRCTL[option!]?.(k, arg!) ?? -E.EINVAL,
  },
  getrandom: {
    args: ['ptr', 'uint', 'hex'],
    run: (k, [buf, len, flags]) => {
      if (flags! & ~(GRND.NONBLOCK | GRND.RANDOM | GRND.INSECURE)) return -E.EINVAL;
      if ((flags! & (GRND.RANDOM | GRND.INSECURE)) === (GRND.RANDOM | GRND.INSECURE)) return -E.EINVAL;
      const n = Math.min(len! >>> 0, 33554431);
      const view = k.space.writeView(buf!, n);
      if (!view) return -E.EFAULT;
      const tmp = new Uint8Array(n);
      k.random(tmp);
      view.set(tmp);
      return n;
    },
  },
  riscv_flush_icache: {
    args: ['ptr', 'ptr', 'hex'],
    run: (k) => {
      k.onFlushICache();
      return 0;
    },
  },
};
