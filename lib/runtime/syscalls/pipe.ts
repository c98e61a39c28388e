import { PipeEnd } from '../vfs/pipe.js';
import { E } from './errno.js';
import type { SyscallGroup } from './types.js';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

export const PIPE_SYSCALLS: SyscallGroup = {
  /** pipe2(int fds[2], flags). O_DIRECT (packet mode) and notification
   *  pipes are not supported: EINVAL, as a kernel without them answers. */
  pipe2: {
    args: ['ptr', 'hex'],
    run: (k, [fds, flags]) => {
      if (flags! & ~(O_NONBLOCK | O_CLOEXEC)) return -E.EINVAL;
      const cloexec = (flags! & O_CLOEXEC) !== 0;
      const [readEnd, writeEnd] = PipeEnd.create((flags! & O_NONBLOCK) !== 0, () => k.waitSignal);
      const r = k.fds.allocate(readEnd, 0, cloexec);
      if (r < 0) return r;
      const w = k.fds.allocate(writeEnd, 0, cloexec);
      // As Linux: nothing stays open when the second descriptor or the
      // copy-out fails.
      if (w < 0 || !(k.space.writeU32(fds!, r) && k.space.writeU32(fds! + 4, w))) {
        k.fds.close(r);
        if (w >= 0) k.fds.close(w);
        return w < 0 ? w : -E.EFAULT;
      }
      return 0;
    },
  },
};
