/* The POSIX layer picolibc calls into, on raw Linux rv32 system calls. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>
#include "linux_syscall.h"

#define LINUX_AT_FDCWD (-100)
#define LINUX_O_CREAT 0100
#define LINUX_O_EXCL 0200
#define LINUX_O_TRUNC 01000
#define LINUX_O_APPEND 02000
#define LINUX_O_DIRECTORY 0200000
#define LINUX_O_NOFOLLOW 0400000
#define LINUX_O_CLOEXEC 02000000

extern void __hyemu_stdio_flush(void);

static long check(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

void _exit(int status)
{
	__hyemu_stdio_flush();
	for (;;)
		linux_syscall1(SYS_exit_group, status);
}

ssize_t read(int fd, void *buf, size_t n) { return check(linux_syscall3(SYS_read, fd, buf, n)); }
ssize_t write(int fd, const void *buf, size_t n) { return check(linux_syscall3(SYS_write, fd, buf, n)); }
int close(int fd) { return (int)check(linux_syscall1(SYS_close, fd)); }
int unlink(const char *path) { return (int)check(linux_syscall3(SYS_unlinkat, LINUX_AT_FDCWD, path, 0)); }
pid_t getpid(void) { return (pid_t)linux_syscall0(SYS_getpid); }
int kill(pid_t pid, int sig) { return (int)check(linux_syscall2(SYS_kill, pid, sig)); }
int isatty(int fd)
{
	char termios[64];
	return linux_syscall3(SYS_ioctl, fd, 0x5401 /* TCGETS */, termios) == 0;
}

int open(const char *path, int flags, ...)
{
	int linux_flags = flags & O_ACCMODE;
	if (flags & O_CREAT) linux_flags |= LINUX_O_CREAT;
	if (flags & O_EXCL) linux_flags |= LINUX_O_EXCL;
	if (flags & O_TRUNC) linux_flags |= LINUX_O_TRUNC;
	if (flags & O_APPEND) linux_flags |= LINUX_O_APPEND;
	if (flags & O_DIRECTORY) linux_flags |= LINUX_O_DIRECTORY;
	if (flags & O_NOFOLLOW) linux_flags |= LINUX_O_NOFOLLOW;
	if (flags & O_CLOEXEC) linux_flags |= LINUX_O_CLOEXEC;
	return (int)check(linux_syscall4(SYS_openat, LINUX_AT_FDCWD, path, linux_flags, 0644));
}

off_t lseek(int fd, off_t offset, int whence)
{
	int64_t result;
	int64_t off = offset;
	long r = linux_syscall5(SYS_llseek, fd, (long)(off >> 32), (long)(uint32_t)off, &result, whence);
	if (check(r) < 0)
		return -1;
	return (off_t)result;
}

static int statx_to_stat(int dirfd, const char *path, int flags, struct stat *st)
{
	struct linux_statx sx;
	if (check(linux_syscall5(SYS_statx, dirfd, path, flags, 0x7ff, &sx)) < 0)
		return -1;
	memset(st, 0, sizeof *st);
	st->st_mode = sx.mode;
	st->st_nlink = sx.nlink;
	st->st_uid = sx.uid;
	st->st_gid = sx.gid;
	st->st_ino = sx.ino;
	st->st_size = (off_t)sx.size;
	st->st_blksize = sx.blksize;
	st->st_blocks = sx.blocks;
	st->st_mtime = (time_t)sx.mtime.sec;
	return 0;
}

int fstat(int fd, struct stat *st) { return statx_to_stat(fd, "", 0x1000 /* AT_EMPTY_PATH */, st); }
int stat(const char *path, struct stat *st) { return statx_to_stat(LINUX_AT_FDCWD, path, 0, st); }

void *sbrk(ptrdiff_t incr)
{
	static uintptr_t cur;
	if (cur == 0)
		cur = (uintptr_t)linux_syscall1(SYS_brk, 0);
	uintptr_t old = cur;
	uintptr_t want = old + incr;
	if ((uintptr_t)linux_syscall1(SYS_brk, want) != want) {
		errno = ENOMEM;
		return (void *)-1;
	}
	cur = want;
	return (void *)old;
}

struct linux_timespec64 { int64_t sec; int64_t nsec; };

int gettimeofday(struct timeval *tv, void *tz)
{
	(void)tz;
	struct linux_timespec64 ts;
	if (check(linux_syscall2(SYS_clock_gettime64, 0 /* CLOCK_REALTIME */, &ts)) < 0)
		return -1;
	tv->tv_sec = (time_t)ts.sec;
	tv->tv_usec = (suseconds_t)(ts.nsec / 1000);
	return 0;
}

clock_t times(struct tms *buf)
{
	struct linux_timespec64 ts;
	linux_syscall2(SYS_clock_gettime64, 1 /* CLOCK_MONOTONIC */, &ts);
	clock_t t = (clock_t)(ts.sec * 100 + ts.nsec / 10000000);
	if (buf) {
		buf->tms_utime = t;
		buf->tms_stime = buf->tms_cutime = buf->tms_cstime = 0;
	}
	return t;
}
