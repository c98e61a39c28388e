/** rv32 Linux system call numbers (asm-generic/unistd.h; rv32 has only the
 *  64-bit time and offset variants). execve (221) is not here: with one
 *  process image and no way to replace it, it stays ENOSYS. */
export const NR = {
  getcwd: 17, dup: 23, dup3: 24, fcntl64: 25, ioctl: 29, mkdirat: 34, unlinkat: 35, renameat: 38,
  ftruncate64: 46, faccessat: 48, chdir: 49, openat: 56, close: 57, pipe2: 59, getdents64: 61, llseek: 62, read: 63, write: 64,
  readv: 65, writev: 66, pread64: 67, pwrite64: 68, readlinkat: 78, newfstatat: 79, fstat: 80,
  fsync: 82, fdatasync: 83, exit: 93, exit_group: 94, set_tid_address: 96, set_robust_list: 99, getitimer: 102, setitimer: 103,
  timer_create: 107, timer_getoverrun: 109, timer_delete: 111, sched_getaffinity: 123, sched_yield: 124, kill: 129,
  tkill: 130, tgkill: 131, sigaltstack: 132, rt_sigsuspend: 133, rt_sigaction: 134, rt_sigprocmask: 135,
  rt_sigpending: 136, rt_sigqueueinfo: 138, rt_sigreturn: 139, times: 153, uname: 160, getrlimit: 163,
  getrusage: 165, umask: 166, prctl: 167, gettimeofday: 169, getpid: 172, getppid: 173, getuid: 174, geteuid: 175, getgid: 176,
  getegid: 177, gettid: 178, sysinfo: 179, brk: 214, munmap: 215, mremap: 216, clone: 220, mmap2: 222,
  mprotect: 226, madvise: 233, rt_tgsigqueueinfo: 240, riscv_flush_icache: 259, prlimit64: 261, renameat2: 276, getrandom: 278, membarrier: 283, statx: 291,
  clock_gettime64: 403, clock_getres_time64: 406, clock_nanosleep_time64: 407,
  timer_gettime64: 408, timer_settime64: 409, futex_time64: 422,
} as const;

export type SyscallName = keyof typeof NR;

export const SYSCALL_NAMES: ReadonlyMap<number, SyscallName> = new Map(
  Object.entries(NR).map(([name, n]) => [n, name as SyscallName]),
);
