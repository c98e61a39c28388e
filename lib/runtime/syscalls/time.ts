import type { Kernel } from '../kernel.js';
import { E } from './errno.js';
import type { SyscallGroup } from './types.js';

const CLOCK = {
  REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3, MONOTONIC_RAW: 4,
  REALTIME_COARSE: 5, MONOTONIC_COARSE: 6, BOOTTIME: 7,
} as const;
const TIMER_ABSTIME = 1;
/** Longest single sleep, so a guest cannot park the host for days. */
const MAX_SLEEP_NS = 3600n * 1_000_000_000n;

export const realtimeNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
export const monotonicNs = (): bigint => process.hrtime.bigint();

function clockNs(k: Kernel, clock: number): bigint | null {
  switch (clock) {
    case CLOCK.REALTIME: case CLOCK.REALTIME_COARSE: return realtimeNs();
    case CLOCK.MONOTONIC: case CLOCK.MONOTONIC_RAW: case CLOCK.MONOTONIC_COARSE: case CLOCK.BOOTTIME:
      return monotonicNs();
    case CLOCK.PROCESS_CPUTIME_ID: case CLOCK.THREAD_CPUTIME_ID:
      return monotonicNs() - k.startNs;
    default: return null;
  }
}

/** struct __kernel_timespec: 64-bit seconds and nanoseconds. */
function writeTimespec64(k: Kernel, addr: number, ns: bigint): boolean {
  return k.space.writeU64(addr, ns / 1_000_000_000n) && k.space.writeU64(addr + 8, ns % 1_000_000_000n);
}

function readTimespec64(k: Kernel, addr: number): bigint | null {
  const raw = k.space.readView(addr, 16);
  if (!raw) return null;
  const v = new DataView(raw.slice().buffer);
  const sec = v.getBigInt64(0, true);
  const nsec = v.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return -1n;
  return sec * 1_000_000_000n + nsec;
}

export const TIME_SYSCALLS: SyscallGroup = {
  clock_gettime64: {
    args: ['int', 'ptr'],
    run: (k, [clock, ts]) => {
      const ns = clockNs(k, clock!);
      if (ns === null) return -E.EINVAL;
      return writeTimespec64(k, ts!, ns) ? 0 : -E.EFAULT;
    },
  },
  clock_getres_time64: {
    args: ['int', 'ptr'],
    run: (k, [clock, ts]) => {
      if (clockNs(k, clock!) === null) return -E.EINVAL;
      return ts === 0 || writeTimespec64(k, ts!, 1n) ? 0 : -E.EFAULT;
    },
  },
  /** The old 32-bit `struct timeval` call (not in rv32's table, but asked
   *  for by older C libraries). */
  gettimeofday: {
    args: ['ptr', 'ptr'],
    run: (k, [tv, tz]) => {
      const ns = realtimeNs();
      if (tv !== 0 && !(k.space.writeU32(tv!, Number(ns / 1_000_000_000n)) &&
        k.space.writeU32(tv! + 4, Number((ns % 1_000_000_000n) / 1000n)))) return -E.EFAULT;
      if (tz !== 0 && !(k.space.writeU32(tz!, 0) && k.space.writeU32(tz! + 4, 0))) return -E.EFAULT;
      return 0;
    },
  },
  clock_nanosleep_time64: {
    args: ['int', 'hex', 'ptr', 'ptr'],
    run: (k, [clock, flags, req]) => {
      const now = clockNs(k, clock!);
      if (now === null) return -E.EINVAL;
      const t = readTimespec64(k, req!);
      if (t === null) return -E.EFAULT;
      if (t < 0n) return -E.EINVAL;
      let ns = flags! & TIMER_ABSTIME ? t - now : t;
      if (ns <= 0n) return 0;
      if (ns > MAX_SLEEP_NS) ns = MAX_SLEEP_NS;
      return k.sleep(Number(ns / 1_000_000n)).then(() => 0);
    },
  },
};
