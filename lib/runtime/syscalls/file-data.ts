import type { Kernel } from '../kernel.js';
import { E } from './errno.js';
import type { SyscallGroup } from './types.js';

/** Writes an open file's data through to the host's storage. */
function sync(k: Kernel, fd: number, dataOnly: boolean): number {
  const f = k.fds.get(fd);
  return f ? f.fsync(dataOnly) : -E.EBADF;
}

/** Calls on the data of an open file: flushing and truncating. */
export const FILE_DATA_SYSCALLS: SyscallGroup = {
  fsync: { args: ['fd'], run: (k, [fd]) => sync(k, fd!, false) },
  fdatasync: { args: ['fd'], run: (k, [fd]) => sync(k, fd!, true) },
  /** rv32 passes the 64-bit length as a register pair: low word in a1,
   *  high in a2 (as pread64's offset). */
  ftruncate64: {
    args: ['fd', 'uint', 'int'],
    run: (k, [fd, lo, hi]) => {
      const f = k.fds.get(fd!);
      if (hi! < 0) return -E.EINVAL;
      if (!f) return -E.EBADF;
      const length = (hi! >>> 0) * 2 ** 32 + (lo! >>> 0);
      // Past what a host file can hold (and what a double counts exactly).
      return Number.isSafeInteger(length) ? f.ftruncate(length) : -E.EFBIG;
    },
  },
};
