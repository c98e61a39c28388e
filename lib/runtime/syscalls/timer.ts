import type { Kernel } from '../kernel.js';
import { ktime, type SigEvent, type TimerSetting } from '../posix-timers.js';
import { E } from './errno.js';
import type { SyscallGroup } from './types.js';

const TIMER_ABSTIME = 1;
const NS_PER_S = 1_000_000_000n;
/** sizeof(struct sigevent): the kernel copies all of it. */
const SIGEVENT_SIZE = 64;
/** struct sigevent on rv32: sigval, signo, notify, then the union
 *  (sigev_notify_thread_id first). */
const SIGEVENT = { VALUE: 0, SIGNO: 4, NOTIFY: 8, TID: 12 } as const;
/** struct __kernel_itimerspec: interval, then value, each a 64-bit
 *  __kernel_timespec. */
const ITIMERSPEC_SIZE = 32;

/** An itimerspec64 as rv32 Linux reads it (get_timespec64: tv_nsec is a
 *  32-bit long, so the upper half is dropped); EINVAL unless both
 *  timespecs are valid. */
function readItimerspec(k: Kernel, addr: number): TimerSetting | number {
  const raw = k.space.readView(addr, ITIMERSPEC_SIZE);
  if (!raw) return -E.EFAULT;
  const v = new DataView(raw.slice().buffer);
  const [isec, insec, vsec, vnsec] = [v.getBigInt64(0, true), BigInt(v.getInt32(8, true)), v.getBigInt64(16, true), BigInt(v.getInt32(24, true))];
  const valid = (sec: bigint, nsec: bigint): boolean => sec >= 0n && nsec >= 0n && nsec < NS_PER_S;
  if (!valid(isec, insec) || !valid(vsec, vnsec)) return -E.EINVAL;
  return { intervalNs: ktime(isec, insec), valueNs: ktime(vsec, vnsec) };
}

function writeItimerspec(k: Kernel, addr: number, t: TimerSetting): boolean {
  const out = new DataView(new ArrayBuffer(ITIMERSPEC_SIZE));
  out.setBigInt64(0, t.intervalNs / NS_PER_S, true);
  out.setBigInt64(8, t.intervalNs % NS_PER_S, true);
  out.setBigInt64(16, t.valueNs / NS_PER_S, true);
  out.setBigInt64(24, t.valueNs % NS_PER_S, true);
  return k.space.write(addr, new Uint8Array(out.buffer));
}

/** POSIX per-process timers (kernel/time/posix-timers.c). */
export const TIMER_SYSCALLS: SyscallGroup = {
  timer_create: {
    args: ['int', 'ptr', 'ptr'],
    run: (k, [clock, sevp, idp]) => {
      let ev: SigEvent | null = null;
      if (sevp !== 0) {
        const raw = k.space.readView(sevp!, SIGEVENT_SIZE);
        if (!raw) return -E.EFAULT;
        const v = new DataView(raw.slice().buffer);
        ev = {
          value: v.getInt32(SIGEVENT.VALUE, true), signo: v.getInt32(SIGEVENT.SIGNO, true),
          notify: v.getInt32(SIGEVENT.NOTIFY, true), tid: v.getInt32(SIGEVENT.TID, true),
        };
      }
      return k.timers.create(clock!, ev, (id) => k.space.writeU32(idp!, id));
    },
  },
  timer_settime64: {
    args: ['int', 'hex', 'ptr', 'ptr'],
    run: (k, [id, flags, next, old]) => {
      if (next === 0) return -E.EINVAL;
      const setting = readItimerspec(k, next!);
      if (typeof setting === 'number') return setting;
      const t = k.timers.get(id!);
      if (!t) return -E.EINVAL;
      const prev = t.get();
      // Flags other than TIMER_ABSTIME are ignored, as on Linux.
      t.set((flags! & TIMER_ABSTIME) !== 0, setting);
      // The new setting stands even when the old one cannot be written.
      return old === 0 || writeItimerspec(k, old!, prev) ? 0 : -E.EFAULT;
    },
  },
  timer_gettime64: {
    args: ['int', 'ptr'],
    run: (k, [id, cur]) => {
      const t = k.timers.get(id!);
      if (!t) return -E.EINVAL;
      return writeItimerspec(k, cur!, t.get()) ? 0 : -E.EFAULT;
    },
  },
  timer_getoverrun: {
    args: ['int'],
    run: (k, [id]) => k.timers.get(id!)?.overrunOut() ?? -E.EINVAL,
  },
  timer_delete: {
    args: ['int'],
    run: (k, [id]) => (k.timers.delete(id!) ? 0 : -E.EINVAL),
  },
};
