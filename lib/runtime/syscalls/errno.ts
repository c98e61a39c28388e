/** Linux errno values (asm-generic). System calls return -errno. */
export const E = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9, ECHILD: 10,
  EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19,
  ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25, EFBIG: 27, ENOSPC: 28,
  ESPIPE: 29, EROFS: 30, EMLINK: 31, EPIPE: 32, ERANGE: 34, ENAMETOOLONG: 36, ENOSYS: 38,
  ENOTEMPTY: 39, ELOOP: 40, EOVERFLOW: 75, ENOTSUP: 95, ETIMEDOUT: 110,
  /** Kernel-internal, never seen by the guest: a call a signal interrupted,
   *  which delivery turns into EINTR or re-executes (SA_RESTART). */
  ERESTARTSYS: 512,
} as const;

export type ErrnoName = keyof typeof E;

export function errnoName(n: number): string {
  for (const [name, v] of Object.entries(E)) if (v === n) return name;
  return `E${n}`;
}

/** Maps a Node.js fs error to -errno. */
export function fromHostError(err: unknown): number {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && code in E) return -E[code as ErrnoName];
  return -E.EIO;
}
