import type { Kernel } from '../kernel.js';
import { E } from './errno.js';
import type { SyscallGroup } from './types.js';

const TIMER_ABSTIME = 1;
/** Longest single sleep, so a guest cannot park the host for days. */
const MAX_SLEEP_NS = 3600n * 1_000_000_000n;
/** USER_HZ: the unit of times() and struct tms. */
const CLOCK_TICKS_PER_S = 100n;

export const realtimeNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
export const monotonicNs = (): bigint => process.hrtime.bigint();
/** The process's CPU time: its time since start (the guest is one thread
 *  that runs whenever the run does). */
export const cpuTimeNs = (k: Kernel): bigint => monotonicNs() - k.startNs;

/** What each clock id (linux/time.h) reads; others are EINVAL. The TAI
 *  clock is the real-time one: its offset is 0 until an NTP daemon sets
 *  it. The suspend-aware clocks read as the others (no suspend here). */
const CLOCKS: ReadonlyMap<number, (k: Kernel) => bigint> = new Map([
  [0 /* REALTIME */, realtimeNs], [1 /* MONOTONIC */, monotonicNs], [2 /* PROCESS_CPUTIME_ID */, cpuTimeNs],
  [3 /* THREAD_CPUTIME_ID */, cpuTimeNs], [4 /* MONOTONIC_RAW */, monotonicNs], [5 /* REALTIME_COARSE */, realtimeNs],
  [6 /* MONOTONIC_COARSE */, monotonicNs], [7 /* BOOTTIME */, monotonicNs], [8 /* REALTIME_ALARM */, realtimeNs],
  [9 /* BOOTTIME_ALARM */, monotonicNs], [11 /* TAI */, realtimeNs],
]);

export const clockNs = (k: Kernel, clock: number): bigint | null => CLOCKS.get(clock)?.(k) ?? null;

/** struct __kernel_timespec: 64-bit seconds and nanoseconds. */
function writeTimespec64(k: Kernel, addr: number, ns: bigint): boolean {
  return k.space.writeU64(addr, ns / 1_000_000_000n) && k.space.writeU64(addr + 8, ns % 1_000_000_000n);
}

/** A struct __kernel_timespec as nanoseconds: null when unreadable, -1
 *  when invalid (negative, or nanoseconds out of range). */
export function readTimespec64(k: Kernel, addr: number): bigint | null {
  const raw = k.space.readView(addr, 16);
  if (!raw) return null;
  const v = new DataView(raw.slice().buffer);
  const sec = v.getBigInt64(0, true);
  const nsec = v.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return -1n;
  return sec * 1_000_000_000n + nsec;
}

const RUSAGE = { SELF: 0, CHILDREN: -1, THREAD: 1 } as const;

/** struct rusage on rv32: two struct __kernel_old_timeval (32-bit seconds
 *  and microseconds) and 14 longs. Only the user time and the peak size
 *  (ru_maxrss, KiB: the most memory mapped at once) are known. */
function encodeRusage(cpuNs: bigint, maxRssKiB: number): Uint8Array {
  const out = new Uint8Array(72);
  const v = new DataView(out.buffer);
  v.setInt32(0, Number(cpuNs / 1_000_000_000n), true);
  v.setInt32(4, Number((cpuNs % 1_000_000_000n) / 1000n), true);
  v.setInt32(16, maxRssKiB, true);
  return out;
}

export const TIME_SYSCALLS: SyscallGroup = {
  getrusage: {
    args: ['int', 'ptr'],
    run: (k, [who, buf]) => {
      if (who !== RUSAGE.SELF && who !== RUSAGE.CHILDREN && who !== RUSAGE.THREAD) return -E.EINVAL;
      // No children ever run.
      const usage = who === RUSAGE.CHILDREN ? new Uint8Array(72) : encodeRusage(cpuTimeNs(k), Math.ceil(k.space.peakMapped / 1024));
      return k.space.write(buf!, usage) ? 0 : -E.EFAULT;
    },
  },
  /** struct tms (four 32-bit clock_t: user, system, children's) and the
   *  clock ticks since boot, which wrap in 32 bits as on Linux. */
  times: {
    args: ['ptr'],
    run: (k, [buf]) => {
      if (buf !== 0 && !(k.space.writeU32(buf!, Number(cpuTimeNs(k) * CLOCK_TICKS_PER_S / 1_000_000_000n)) &&
        k.space.writeU32(buf! + 4, 0) && k.space.writeU32(buf! + 8, 0) && k.space.writeU32(buf! + 12, 0))) return -E.EFAULT;
      return Number(BigInt.asIntN(32, monotonicNs() * CLOCK_TICKS_PER_S / 1_000_000_000n));
    },
  },
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
    run: (k, [clock, flags, req, rem]) => {
      const now = clockNs(k, clock!);
      if (now === null) return -E.EINVAL;
      const t = readTimespec64(k, req!);
      if (t === null) return -E.EFAULT;
      if (t < 0n) return -E.EINVAL;
      let ns = flags! & TIMER_ABSTIME ? t - now : t;
      if (ns <= 0n) return 0;
      if (ns > MAX_SLEEP_NS) ns = MAX_SLEEP_NS;
      const start = monotonicNs();
      return k.sleep(Number(ns / 1_000_000n)).then((interrupted) => {
        if (!interrupted) return 0;
        // A handled signal: EINTR (never restarted), and a relative sleep
        // reports the time it had left.
        const left = ns - (monotonicNs() - start);
        if (!(flags! & TIMER_ABSTIME) && rem !== 0 && !writeTimespec64(k, rem!, left > 0n ? left : 0n)) return -E.EFAULT;
        return -E.EINTR;
      });
    },
  },
};
