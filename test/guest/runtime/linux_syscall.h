/* Raw Linux rv32 system calls (asm-generic numbering, 64-bit time only). */
#ifndef HYEMU_LINUX_SYSCALL_H
#define HYEMU_LINUX_SYSCALL_H

#include <stdint.h>

#define SYS_getcwd 17
#define SYS_dup 23
#define SYS_fcntl 25
#define SYS_ioctl 29
#define SYS_mkdirat 34
#define SYS_unlinkat 35
#define SYS_openat 56
#define SYS_close 57
#define SYS_getdents64 61
#define SYS_llseek 62
#define SYS_read 63
#define SYS_write 64
#define SYS_readv 65
#define SYS_writev 66
#define SYS_pread64 67
#define SYS_pwrite64 68
#define SYS_readlinkat 78
#define SYS_newfstatat 79
#define SYS_fstat 80
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_set_tid_address 96
#define SYS_set_robust_list 99
#define SYS_sched_yield 124
#define SYS_kill 129
#define SYS_rt_sigaction 134
#define SYS_rt_sigprocmask 135
#define SYS_uname 160
#define SYS_gettimeofday 169
#define SYS_getpid 172
#define SYS_getppid 173
#define SYS_getuid 174
#define SYS_gettid 178
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_mmap2 222
#define SYS_mprotect 226
#define SYS_riscv_flush_icache 259
#define SYS_getrandom 278
#define SYS_statx 291
#define SYS_clock_gettime64 403

static inline long __hyemu_syscall6(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a4 __asm__("a4") = a4;
	register long r_a5 __asm__("a5") = a5;
	register long r_a7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(r_a0)
			 : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a7)
			 : "memory");
	return r_a0;
}

#define linux_syscall0(n) __hyemu_syscall6((n), 0, 0, 0, 0, 0, 0)
#define linux_syscall1(n, a) __hyemu_syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define linux_syscall2(n, a, b) __hyemu_syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define linux_syscall3(n, a, b, c) __hyemu_syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define linux_syscall4(n, a, b, c, d) __hyemu_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define linux_syscall5(n, a, b, c, d, e) __hyemu_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define linux_syscall6(n, a, b, c, d, e, f) __hyemu_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* Linux struct statx, the only stat call rv32 Linux has. */
struct linux_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad0;
	uint64_t ino, size, blocks, attributes_mask;
	struct { int64_t sec; uint32_t nsec; int32_t pad; } atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

#endif
