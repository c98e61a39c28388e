import { PAGE_SIZE } from '../layout.js';
import { E } from './errno.js';
import type { SyscallGroup } from './types.js';

export const MEMORY_SYSCALLS: SyscallGroup = {
  brk: { args: ['ptr'], run: (k, [addr]) => k.mm.setBrk(addr!) },
  mmap2: {
    args: ['ptr', 'uint', 'hex', 'hex', 'fd', 'uint'],
    run: (k, [addr, len, prot, flags, fd, pgoff]) => {
      const anonymous = (flags! & 0x20) !== 0;
      let reader = null;
      if (!anonymous) {
        const file = k.fds.get(fd!);
        if (!file) return -E.EBADF;
        if (!file.readable) return -E.EACCES;
        reader = (dst: Uint8Array, offset: number): number => {
          for (let done = 0; done < dst.length;) {
            const n = file.pread(dst.subarray(done), offset + done);
            if (n < 0) return n === -E.ESPIPE ? -E.ENODEV : n;
            if (n === 0) break;
            done += n;
          }
          return 0;
        };
      }
      // mmap2 takes the offset in 4096-byte units.
      return k.mm.mmap(addr!, len!, prot!, flags!, reader, (pgoff! >>> 0) * PAGE_SIZE);
    },
  },
  munmap: { args: ['ptr', 'uint'], run: (k, [addr, len]) => k.mm.munmap(addr!, len!) },
  mprotect: { args: ['ptr', 'uint', 'hex'], run: (k, [addr, len, prot]) => k.mm.mprotect(addr!, len!, prot!) },
  madvise: { args: ['ptr', 'uint', 'int'], run: (k, [addr, len, advice]) => k.mm.madvise(addr!, len!, advice!) },
  mremap: {
    args: ['ptr', 'uint', 'uint', 'hex', 'ptr'],
    run: (k, [addr, oldLen, newLen, flags, newAddr]) => k.mm.mremap(addr!, oldLen!, newLen!, flags!, newAddr!),
  },
};
