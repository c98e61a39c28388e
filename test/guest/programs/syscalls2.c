/* The second set of direct Linux rv32 system calls: pipe2, fsync,
 * fdatasync, ftruncate64, renameat2, getrusage, sysinfo, times, prctl,
 * mremap, and edge cases of madvise, clock_gettime (CLOCK_TAI), getrandom
 * flags and readv/writev with a bad iovec. One line per check; figures that
 * differ between hosts (times, sizes, addresses) are checked here for sanity
 * and never printed. A failed check prints "FAIL <name>: ..." and the
 * program exits with that check's code (the first failure's).
 *
 *   syscalls2 DIR         every check; DIR is a scratch directory
 *   syscalls2 linux       pipe2 and mremap checks, Linux's answers only
 *   syscalls2 sigpipe     writes to a pipe without a reader: killed by SIGPIPE
 *   syscalls2 pipe-read   reads a pipe that stays empty: waits forever
 *   syscalls2 pipe-write  fills a pipe nobody reads: waits forever */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "linux_syscall.h"
#include "check.h"

#define SYS_ftruncate64 46
#define SYS_pipe2 59
#define SYS_fsync 82
#define SYS_fdatasync 83
#define SYS_times 153
#define SYS_getrusage 165
#define SYS_prctl 167
#define SYS_sysinfo 179
#define SYS_mremap 216
#define SYS_madvise 233
#define SYS_renameat2 276
#define SYS_clock_getres_time64 406

#define L_EAGAIN 11
#define L_EFAULT 14
#define L_EPIPE 32
#define L_ESPIPE 29
#define L_AT_FDCWD (-100)
#define L_O_RDONLY 0
#define L_O_WRONLY 1
#define L_O_RDWR 2
#define L_O_CREAT 0100
#define L_O_NONBLOCK 04000
#define L_O_CLOEXEC 02000000
#define L_F_GETFD 1
#define L_F_GETFL 3
#define L_F_SETFL 4
#define L_PROT_READ 1
#define L_PROT_WRITE 2
#define L_PROT_EXEC 4
#define L_MAP_PRIVATE 0x02
#define L_MAP_FIXED 0x10
#define L_MAP_ANONYMOUS 0x20
#define L_MAP_FIXED_NOREPLACE 0x100000
#define L_MREMAP_MAYMOVE 1
#define L_MREMAP_FIXED 2
#define L_MADV_DONTNEED 4
#define L_RENAME_NOREPLACE 1
#define L_RENAME_EXCHANGE 2
#define L_SIGPIPE 13
#define L_SIG_IGN 1
#define PAGE 4096

struct iov { const void *base; unsigned long len; };
struct ts64 { int64_t sec, nsec; };

static int is_err(long r) { return r < 0 && r > -4096; }

/* A count, or the errno names check.h does not have. */
static const char *name(long r)
{
	static char count[16];
	if (r > 0) {
		snprintf(count, sizeof count, "%ld", r);
		return count;
	}
	switch (r) {
	case -L_EAGAIN: return "EAGAIN";
	case -L_EFAULT: return "EFAULT";
	case -L_EPIPE: return "EPIPE";
	case -L_ESPIPE: return "ESPIPE";
	}
	return err_name(r);
}

/* Prints "what: NAME" and checks r against the expected value. */
static void expect(int code, const char *what, long r, long want)
{
	result(code, what, r == want, name(r));
}

/* Where qemu-user answers differently from Linux (`qemu`): either answer
 * prints Linux's, so that stdout stays comparable; the mode "linux" checks
 * Linux's alone. */
static int strict;
static void expect_linux(int code, const char *what, long r, long want, long qemu)
{
	result(code, what, r == want || (!strict && r == qemu), r == want || (!strict && r == qemu) ? name(want) : name(r));
}

static long mmap_anon(uintptr_t addr, unsigned long len, int prot, int flags)
{
	return linux_syscall6(SYS_mmap2, addr, len, prot, L_MAP_PRIVATE | L_MAP_ANONYMOUS | flags, -1, 0);
}

static long make_pipe(int *fds, int flags)
{
	return linux_syscall2(SYS_pipe2, fds, flags);
}

static void ignore_sigpipe(void)
{
	long act[4] = { L_SIG_IGN, 0, 0, 0 };
	linux_syscall4(SYS_rt_sigaction, L_SIGPIPE, act, 0, 8);
}

static int st_mode(int fd)
{
	struct linux_statx st;
	memset(&st, 0, sizeof st);
	if (linux_syscall5(SYS_statx, fd, "", 0x1000 /* AT_EMPTY_PATH */, 0x7ff, &st) != 0)
		return -1;
	return st.mode;
}

static long long st_size(int fd)
{
	struct linux_statx st;
	if (linux_syscall5(SYS_statx, fd, "", 0x1000, 0x7ff, &st) != 0)
		return -1;
	return (long long)st.size;
}

static void check_pipe_basics(void)
{
	int fds[2] = { -1, -1 };
	long r = make_pipe(fds, 0);
	result(1, "pipe2", r == 0 && fds[0] >= 3 && fds[1] == fds[0] + 1, name(r));
	if (r != 0)
		return;
	r = linux_syscall3(SYS_write, fds[1], "hello, pipe", 11);
	char buf[64];
	memset(buf, 0, sizeof buf);
	long n = linux_syscall3(SYS_read, fds[0], buf, 5);
	long m = linux_syscall3(SYS_read, fds[0], buf + 5, sizeof buf - 5);
	char line[96];
	snprintf(line, sizeof line, "wrote %ld, read %ld+%ld \"%s\"", r, n, m, buf);
	result(1, "pipe write/read", r == 11 && n == 5 && m == 6, line);
	int mode = st_mode(fds[0]);
	snprintf(line, sizeof line, "%s %o", (mode & 0170000) == 0010000 ? "S_IFIFO" : "not a FIFO", mode & 0777);
	result(1, "pipe fstat", (mode & 0170000) == 0010000 && st_mode(fds[1]) == mode, line);
	expect(1, "read from the write end", linux_syscall3(SYS_read, fds[1], buf, 1), -L_EBADF);
	expect(1, "write to the read end", linux_syscall3(SYS_write, fds[0], "x", 1), -L_EBADF);
	long long pos;
	expect(1, "llseek on a pipe", linux_syscall5(SYS_llseek, fds[0], 0, 0, &pos, 0), -L_ESPIPE);
	expect(1, "read 0 bytes of an empty pipe", linux_syscall3(SYS_read, fds[0], buf, 0), 0);
	/* O_NONBLOCK through fcntl: an empty pipe with a writer says EAGAIN. */
	long fl = linux_syscall2(SYS_fcntl, fds[0], L_F_GETFL);
	linux_syscall3(SYS_fcntl, fds[0], L_F_SETFL, fl | L_O_NONBLOCK);
	expect(1, "read empty, O_NONBLOCK", linux_syscall3(SYS_read, fds[0], buf, 1), -L_EAGAIN);

	/* An end closes with its last descriptor. */
	long dup = linux_syscall1(SYS_dup, fds[1]);
	linux_syscall1(SYS_close, fds[1]);
	expect(1, "read empty, a dup of the write end open", linux_syscall3(SYS_read, fds[0], buf, 1), -L_EAGAIN);
	linux_syscall3(SYS_write, dup, "tail", 4);
	linux_syscall1(SYS_close, dup);
	memset(buf, 0, sizeof buf);
	n = linux_syscall3(SYS_read, fds[0], buf, sizeof buf);
	result(1, "data written before the close is read", n == 4 && memcmp(buf, "tail", 4) == 0, buf);
	expect(1, "read at end of file", linux_syscall3(SYS_read, fds[0], buf, sizeof buf), 0);
	linux_syscall1(SYS_close, fds[0]);
}

static void check_pipe_flags(void)
{
	int fds[2];
	long r = make_pipe(fds, L_O_CLOEXEC | L_O_NONBLOCK);
	long cloexec = linux_syscall2(SYS_fcntl, fds[0], L_F_GETFD) & linux_syscall2(SYS_fcntl, fds[1], L_F_GETFD);
	long fl0 = linux_syscall2(SYS_fcntl, fds[0], L_F_GETFL), fl1 = linux_syscall2(SYS_fcntl, fds[1], L_F_GETFL);
	char line[64];
	snprintf(line, sizeof line, "FD_CLOEXEC %ld, flags %lo %lo", cloexec, fl0 & 07777, fl1 & 07777);
	result(2, "pipe2 O_CLOEXEC|O_NONBLOCK", r == 0 && cloexec == 1 && (fl0 & L_O_NONBLOCK) && (fl1 & L_O_NONBLOCK), line);
	linux_syscall1(SYS_close, fds[0]);
	linux_syscall1(SYS_close, fds[1]);
	expect(2, "pipe2 bad flags", make_pipe(fds, 1 /* O_WRONLY */), -L_EINVAL);
	/* A bad array: EFAULT, and no descriptor stays open. */
	long before = linux_syscall1(SYS_dup, 0);
	linux_syscall1(SYS_close, before);
	expect(2, "pipe2 bad pointer", make_pipe((int *)8, 0), -L_EFAULT);
	/* qemu-user leaves the two descriptors open. */
	long after = linux_syscall1(SYS_dup, 0);
	linux_syscall1(SYS_close, after);
	expect_linux(2, "pipe2 bad pointer leaks no fd", after - before, 0, 2);
	for (long fd = before; !strict && fd < after; fd++)
		linux_syscall1(SYS_close, fd);
}

static void check_pipe_capacity(void)
{
	static unsigned char big[70000], back[70000];
	int fds[2];
	make_pipe(fds, L_O_NONBLOCK);
	for (unsigned i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)(i * 7 + (i >> 9));
	/* Non-blocking: a large write takes what fits, then EAGAIN. */
	long w = linux_syscall3(SYS_write, fds[1], big, sizeof big);
	char line[64];
	snprintf(line, sizeof line, "%ld of %u bytes", w, (unsigned)sizeof big);
	result(3, "non-blocking write to an empty pipe", w == 65536, line);
	expect(3, "write to a full pipe, O_NONBLOCK", linux_syscall3(SYS_write, fds[1], big, 1), -L_EAGAIN);
	long got = 0;
	for (;;) {
		long n = linux_syscall3(SYS_read, fds[0], back + got, 10000);
		if (n <= 0)
			break;
		got += n;
	}
	result(3, "read back the 64 KiB", got == w && memcmp(big, back, (size_t)got) == 0, NULL);
	/* A small write is atomic: all of it, or EAGAIN. */
	linux_syscall3(SYS_write, fds[1], big, 65536 - 100);
	expect(3, "atomic small write without room", linux_syscall3(SYS_write, fds[1], big, 200), -L_EAGAIN);
	expect(3, "small write that fits", linux_syscall3(SYS_write, fds[1], big, 100), 100);
	linux_syscall1(SYS_close, fds[0]);
	ignore_sigpipe();
	expect(3, "write without a reader", linux_syscall3(SYS_write, fds[1], "x", 1), -L_EPIPE);
	expect(3, "empty write without a reader", linux_syscall3(SYS_write, fds[1], "x", 0), 0);
	linux_syscall1(SYS_close, fds[1]);
}

static void check_iovecs(void)
{
	int fds[2];
	make_pipe(fds, L_O_NONBLOCK);
	struct iov iov[3] = { { "first ", 6 }, { "second", 6 }, { "!", 1 } };
	expect(4, "writev to a pipe", linux_syscall3(SYS_writev, fds[1], iov, 3), 13);
	char a[4], b[16];
	memset(b, 0, sizeof b);
	struct iov in[2] = { { a, 4 }, { b, sizeof b - 1 } };
	long n = linux_syscall3(SYS_readv, fds[0], in, 2);
	result(4, "readv from a pipe", n == 13 && memcmp(a, "firs", 4) == 0 && strcmp(b, "t second!") == 0, b);
	/* A bad second buffer: the first one's bytes, not EFAULT. */
	iov[1].base = (void *)0x1000;
	expect(4, "writev, second iovec bad", linux_syscall3(SYS_writev, fds[1], iov, 3), 6);
	iov[0].base = (void *)0x1000;
	expect(4, "writev, first iovec bad", linux_syscall3(SYS_writev, fds[1], iov, 3), -L_EFAULT);
	in[1].base = (void *)0x1000;
	linux_syscall3(SYS_write, fds[1], "0123456789", 10);
	n = linux_syscall3(SYS_readv, fds[0], in, 2);
	result(4, "readv, second iovec bad", n == 4, name(n));
	fflush(stdout);
	struct iov out[2] = { { "writev to stdout: first buffer only\n", 36 }, { (void *)0x1000, 5 } };
	n = linux_syscall3(SYS_writev, 1, out, 2);
	result(4, "writev to stdout, second iovec bad", n == 36, name(n));
	linux_syscall1(SYS_close, fds[0]);
	linux_syscall1(SYS_close, fds[1]);
}

static long open_in(const char *dir, const char *file, int flags, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, file);
	return linux_syscall4(SYS_openat, L_AT_FDCWD, path, flags, 0644);
}

static void check_sync_truncate(const char *dir)
{
	char path[512];
	long fd = open_in(dir, "t.dat", L_O_RDWR | L_O_CREAT, path, sizeof path);
	result(5, "create t.dat", fd >= 0, name(fd));
	if (fd < 0)
		return;
	linux_syscall3(SYS_write, fd, "0123456789", 10);
	expect(5, "fsync a file", linux_syscall1(SYS_fsync, fd), 0);
	expect(5, "fdatasync a file", linux_syscall1(SYS_fdatasync, fd), 0);
	expect(5, "fsync bad fd", linux_syscall1(SYS_fsync, 99), -L_EBADF);
	int fds[2];
	make_pipe(fds, 0);
	expect(5, "fsync a pipe", linux_syscall1(SYS_fsync, fds[0]), -L_EINVAL);
	expect(5, "fdatasync a pipe", linux_syscall1(SYS_fdatasync, fds[1]), -L_EINVAL);
	long dfd = linux_syscall4(SYS_openat, L_AT_FDCWD, dir, 0200000 /* O_DIRECTORY */, 0);
	expect(5, "fsync a directory", linux_syscall1(SYS_fsync, dfd), 0);
	linux_syscall1(SYS_close, dfd);

	long r = linux_syscall3(SYS_ftruncate64, fd, 4, 0);
	long long size = st_size((int)fd);
	result(5, "ftruncate64 to 4 bytes", r == 0 && size == 4, name(r));
	/* The high word of the length: 4 GiB + 16 (a sparse file). */
	r = linux_syscall3(SYS_ftruncate64, fd, 16, 1);
	size = st_size((int)fd);
	result(5, "ftruncate64 to 4 GiB + 16", r == 0 && size == 0x100000010LL, name(r));
	r = linux_syscall3(SYS_ftruncate64, fd, 0, 0);
	result(5, "ftruncate64 to 0", r == 0 && st_size((int)fd) == 0, name(r));
	expect(5, "ftruncate64 negative length", linux_syscall3(SYS_ftruncate64, fd, 0, 0x80000000), -L_EINVAL);
	expect(5, "ftruncate64 a pipe", linux_syscall3(SYS_ftruncate64, fds[1], 0, 0), -L_EINVAL);
	expect(5, "ftruncate64 bad fd", linux_syscall3(SYS_ftruncate64, 99, 0, 0), -L_EBADF);
	long ro = open_in(dir, "t.dat", L_O_RDONLY, path, sizeof path);
	expect(5, "ftruncate64 read-only fd", linux_syscall3(SYS_ftruncate64, ro, 0, 0), -L_EINVAL);
	linux_syscall1(SYS_close, ro);
	linux_syscall1(SYS_close, fds[0]);
	linux_syscall1(SYS_close, fds[1]);
	linux_syscall1(SYS_close, fd);
}

static int read_file(const char *dir, const char *file, char *buf, size_t size)
{
	char path[512];
	long fd = open_in(dir, file, L_O_RDONLY, path, sizeof path);
	if (fd < 0)
		return (int)fd;
	memset(buf, 0, size);
	long n = linux_syscall3(SYS_read, fd, buf, size - 1);
	linux_syscall1(SYS_close, fd);
	return (int)n;
}

static void write_file(const char *dir, const char *file, const char *text)
{
	char path[512];
	long fd = open_in(dir, file, L_O_WRONLY | L_O_CREAT | 01000 /* O_TRUNC */, path, sizeof path);
	linux_syscall3(SYS_write, fd, text, strlen(text));
	linux_syscall1(SYS_close, fd);
}

static long rename2(const char *dir, const char *from, const char *to, int flags)
{
	char a[512], b[512];
	snprintf(a, sizeof a, "%s/%s", dir, from);
	snprintf(b, sizeof b, "%s/%s", dir, to);
	return linux_syscall5(SYS_renameat2, L_AT_FDCWD, a, L_AT_FDCWD, b, flags);
}

static void check_rename(const char *dir)
{
	char buf[64];
	write_file(dir, "r1", "one");
	write_file(dir, "r2", "two");
	long r = rename2(dir, "r1", "r3", 0);
	int gone = read_file(dir, "r1", buf, sizeof buf) == -L_ENOENT;
	int moved = read_file(dir, "r3", buf, sizeof buf) == 3 && strcmp(buf, "one") == 0;
	result(6, "renameat2 flags 0", r == 0 && gone && moved, name(r));
	expect(6, "renameat2 NOREPLACE onto a file", rename2(dir, "r3", "r2", L_RENAME_NOREPLACE), -L_EEXIST);
	read_file(dir, "r2", buf, sizeof buf);
	result(6, "NOREPLACE left the target", strcmp(buf, "two") == 0, buf);
	expect(6, "renameat2 NOREPLACE to a new name", rename2(dir, "r3", "r4", L_RENAME_NOREPLACE), 0);
	expect(6, "renameat2 replaces by default", rename2(dir, "r4", "r2", 0), 0);
	read_file(dir, "r2", buf, sizeof buf);
	result(6, "the replaced file", strcmp(buf, "one") == 0, buf);
	/* RENAME_EXCHANGE where the host can; EINVAL (not supported) is
	 * accepted, with the files left as they were. */
	write_file(dir, "x1", "left");
	write_file(dir, "x2", "right");
	r = rename2(dir, "x1", "x2", L_RENAME_EXCHANGE);
	char b1[64], b2[64];
	read_file(dir, "x1", b1, sizeof b1);
	read_file(dir, "x2", b2, sizeof b2);
	int swapped = r == 0 && strcmp(b1, "right") == 0 && strcmp(b2, "left") == 0;
	int unsupported = r == -L_EINVAL && strcmp(b1, "left") == 0 && strcmp(b2, "right") == 0;
	result(6, "renameat2 EXCHANGE", swapped || unsupported, swapped || unsupported ? NULL : name(r));
	expect(6, "renameat2 NOREPLACE|EXCHANGE", rename2(dir, "x1", "x2", L_RENAME_NOREPLACE | L_RENAME_EXCHANGE), -L_EINVAL);
	expect(6, "renameat2 unknown flag", rename2(dir, "x1", "x2", 8), -L_EINVAL);
	expect(6, "renameat2 missing source", rename2(dir, "nothing", "x9", L_RENAME_NOREPLACE), -L_ENOENT);
	expect(6, "renameat2 missing source, flags 0", rename2(dir, "nothing", "x9", 0), -L_ENOENT);
}

static void check_rusage(void)
{
	/* struct rusage on rv32: two timevals of 32-bit longs, 14 longs. */
	int32_t ru[18 + 4];
	memset(ru, 0x5a, sizeof ru);
	long r = linux_syscall2(SYS_getrusage, 0 /* RUSAGE_SELF */, ru);
	int sane = ru[0] >= 0 && ru[1] >= 0 && ru[1] < 1000000 && ru[3] >= 0 && ru[3] < 1000000 && ru[4] > 0;
	result(7, "getrusage SELF", r == 0 && sane && ru[18] == 0x5a5a5a5a, r == 0 ? (sane ? "sane" : "insane") : name(r));
	memset(ru, 0x5a, sizeof ru);
	r = linux_syscall2(SYS_getrusage, -1 /* RUSAGE_CHILDREN */, ru);
	int zero = 1;
	for (int i = 0; i < 18; i++)
		zero &= ru[i] == 0;
	result(7, "getrusage CHILDREN (none)", r == 0 && zero && ru[18] == 0x5a5a5a5a, name(r));
	expect(7, "getrusage THREAD", linux_syscall2(SYS_getrusage, 1, ru), 0);
	expect(7, "getrusage bad who", linux_syscall2(SYS_getrusage, 5, ru), -L_EINVAL);
	expect(7, "getrusage bad pointer", linux_syscall2(SYS_getrusage, 0, 8), -L_EFAULT);
}

static void check_sysinfo(void)
{
	/* struct sysinfo on rv32: 64 bytes. */
	union { uint32_t w[20]; uint16_t h[40]; } si;
	memset(&si, 0x5a, sizeof si);
	long r = linux_syscall1(SYS_sysinfo, &si);
	uint64_t unit = si.w[13] ? si.w[13] : 0;
	int sane = (int32_t)si.w[0] >= 0 && si.w[4] >= si.w[5] && unit >= 1 && (uint64_t)si.w[4] * unit >= (16u << 20) && si.h[20] >= 1;
	result(8, "sysinfo", r == 0 && sane && si.w[16] == 0x5a5a5a5a, r == 0 ? (sane ? "sane" : "insane") : name(r));
	expect(8, "sysinfo bad pointer", linux_syscall1(SYS_sysinfo, 8), -L_EFAULT);
}

static void check_times(void)
{
	int32_t tms[5];
	memset(tms, 0x5a, sizeof tms);
	long a = linux_syscall1(SYS_times, tms);
	volatile unsigned spin = 0;
	for (int i = 0; i < 100000; i++)
		spin += (unsigned)i;
	long b = linux_syscall1(SYS_times, 0);
	/* Clock ticks at 100 Hz: two calls a moment apart, under 10 s. */
	long delta = (long)((unsigned long)b - (unsigned long)a);
	int sane = tms[0] >= 0 && tms[1] >= 0 && tms[2] == 0 && tms[3] == 0 && tms[4] == 0x5a5a5a5a;
	result(9, "times", sane && delta >= 0 && delta < 1000, sane ? NULL : "insane");
	expect(9, "times bad pointer", linux_syscall1(SYS_times, 8), -L_EFAULT);
}

static void check_prctl(void)
{
	char name16[20];
	long r = linux_syscall2(SYS_prctl, 15 /* PR_SET_NAME */, "syscalls2-thread-name");
	memset(name16, 0x5a, sizeof name16);
	long g = linux_syscall2(SYS_prctl, 16 /* PR_GET_NAME */, name16);
	char line[64];
	snprintf(line, sizeof line, "\"%.16s\"", name16);
	result(10, "prctl PR_SET_NAME/PR_GET_NAME (15 bytes kept)", r == 0 && g == 0 && strcmp(name16, "syscalls2-threa") == 0 && name16[16] == 0x5a, line);
	linux_syscall2(SYS_prctl, 15, "short");
	linux_syscall2(SYS_prctl, 16, name16);
	result(10, "prctl short name", strcmp(name16, "short") == 0, name16);
	expect(10, "prctl PR_GET_NAME bad pointer", linux_syscall2(SYS_prctl, 16, 8), -L_EFAULT);
	expect(10, "prctl PR_SET_NAME bad pointer", linux_syscall2(SYS_prctl, 15, 8), -L_EFAULT);
	expect(10, "prctl unknown option", linux_syscall2(SYS_prctl, 0x7fff, 0), -L_EINVAL);
}

static void fill(uint32_t *p, unsigned words, uint32_t seed)
{
	for (unsigned i = 0; i < words; i++)
		p[i] = i * 2654435761u ^ seed;
}

static int holds(const uint32_t *p, unsigned words, uint32_t seed)
{
	for (unsigned i = 0; i < words; i++)
		if (p[i] != (i * 2654435761u ^ seed))
			return 0;
	return 1;
}

static int zeros(const uint32_t *p, unsigned words)
{
	for (unsigned i = 0; i < words; i++)
		if (p[i])
			return 0;
	return 1;
}

/* True if [addr, addr+len) is unmapped: a MAP_FIXED_NOREPLACE mapping
 * there succeeds (and is removed again). */
static int unmapped(uintptr_t addr, unsigned long len)
{
	long r = mmap_anon(addr, len, L_PROT_READ, L_MAP_FIXED_NOREPLACE);
	if (r == (long)addr)
		linux_syscall2(SYS_munmap, addr, len);
	return r == (long)addr;
}

static void check_mremap(void)
{
	const int RW = L_PROT_READ | L_PROT_WRITE;
	long r = mmap_anon(0, 2 * PAGE, RW, 0);
	uint32_t *p = (uint32_t *)r;
	fill(p, 2 * PAGE / 4, 1);
	/* Grow with MREMAP_MAYMOVE: the contents go along (where to is up to
	 * the kernel: qemu-user always moves). */
	long q = linux_syscall4(SYS_mremap, p, 2 * PAGE, 8 * PAGE, L_MREMAP_MAYMOVE);
	uint32_t *n = (uint32_t *)q;
	int ok = !is_err(q) && holds(n, 2 * PAGE / 4, 1) && zeros(n + 2 * PAGE / 4, 6 * PAGE / 4);
	result(11, "mremap grow MAYMOVE keeps the data", ok, is_err(q) ? name(q) : NULL);
	if (is_err(q))
		return;
	if (q != r)
		result(11, "the old range is unmapped after a move", unmapped((uintptr_t)p, 2 * PAGE), NULL);
	else
		result(11, "the old range is unmapped after a move", 1, NULL);
	n[8 * PAGE / 4 - 1] = 7;
	/* Shrink in place. */
	long s = linux_syscall4(SYS_mremap, n, 8 * PAGE, 3 * PAGE, 0);
	result(11, "mremap shrink in place", s == q && holds(n, 2 * PAGE / 4, 1) && unmapped((uintptr_t)n + 3 * PAGE, 5 * PAGE), name(s == q ? 0 : s));
	/* Grow in place without MAYMOVE into the free pages after it (qemu-user
	 * cannot: ENOMEM; then map them to go on). */
	long g = linux_syscall4(SYS_mremap, n, 3 * PAGE, 5 * PAGE, 0);
	expect_linux(11, "mremap grow in place", g == q ? 0 : g, 0, -L_ENOMEM);
	if (g != q)
		mmap_anon((uintptr_t)n + 3 * PAGE, 2 * PAGE, RW, L_MAP_FIXED);
	result(11, "grown in place: data kept, new pages zero", holds(n, 2 * PAGE / 4, 1) && zeros(n + 3 * PAGE / 4, 2 * PAGE / 4), NULL);
	/* No room after it and no MAYMOVE: ENOMEM. */
	long blocker = mmap_anon((uintptr_t)n + 5 * PAGE, PAGE, L_PROT_READ, L_MAP_FIXED_NOREPLACE);
	expect(11, "mremap grow into a mapping, no MAYMOVE", linux_syscall4(SYS_mremap, n, 5 * PAGE, 6 * PAGE, 0), -L_ENOMEM);
	/* MREMAP_FIXED: to a chosen address, replacing what is there. */
	long target = mmap_anon(0, 4 * PAGE, L_PROT_READ, 0);
	long f = linux_syscall5(SYS_mremap, n, 2 * PAGE, 4 * PAGE, L_MREMAP_MAYMOVE | L_MREMAP_FIXED, target);
	ok = f == target && holds((uint32_t *)f, 2 * PAGE / 4, 1) && zeros((uint32_t *)f + 2 * PAGE / 4, 2 * PAGE / 4);
	result(11, "mremap FIXED", ok, f == target ? NULL : name(f));
	((volatile uint32_t *)f)[0] = 5; /* the new pages are writable, as the old were */
	result(11, "mremap FIXED unmapped the moved pages", unmapped((uintptr_t)n, 2 * PAGE), NULL);
	linux_syscall2(SYS_munmap, f, 4 * PAGE);
	linux_syscall2(SYS_munmap, n, 5 * PAGE);
	linux_syscall2(SYS_munmap, blocker, PAGE);

	long m = mmap_anon(0, 4 * PAGE, RW, 0);
	expect(11, "mremap unaligned", linux_syscall4(SYS_mremap, m + 4, PAGE, 2 * PAGE, L_MREMAP_MAYMOVE), -L_EINVAL);
	expect(11, "mremap FIXED without MAYMOVE", linux_syscall5(SYS_mremap, m, PAGE, PAGE, L_MREMAP_FIXED, m + 2 * PAGE), -L_EINVAL);
	expect_linux(11, "mremap to length 0", linux_syscall4(SYS_mremap, m, PAGE, 0, L_MREMAP_MAYMOVE), -L_EINVAL, -L_ENOMEM);
	expect(11, "mremap unknown flag", linux_syscall4(SYS_mremap, m, PAGE, PAGE, 8), -L_EINVAL);
	expect(11, "mremap FIXED overlapping", linux_syscall5(SYS_mremap, m, 2 * PAGE, 2 * PAGE, L_MREMAP_MAYMOVE | L_MREMAP_FIXED, m + PAGE), -L_EINVAL);
	linux_syscall2(SYS_munmap, m, 4 * PAGE);
	/* qemu-user moves the unmapped range: an address. */
	long u = linux_syscall4(SYS_mremap, m, PAGE, 2 * PAGE, L_MREMAP_MAYMOVE);
	expect_linux(11, "mremap grow an unmapped range", is_err(u) ? u : 1, -L_EFAULT, 1);
	if (!is_err(u))
		linux_syscall2(SYS_munmap, u, 2 * PAGE);
}

/* fence.i, spelled as a word: the compiler's -march lacks Zifencei. */
static void fence_i(void)
{
	__asm__ volatile(".4byte 0x0000100f" ::: "memory");
}

/* `li a0, V; ret` */
static void put_code(uint32_t *p, int v)
{
	p[0] = 0x00000513u | ((uint32_t)v << 20);
	p[1] = 0x00008067u;
}

static void check_mremap_code(void)
{
	const int RWX = L_PROT_READ | L_PROT_WRITE | L_PROT_EXEC;
	uint32_t *a = (uint32_t *)mmap_anon(0, PAGE, RWX, 0);
	uint32_t *b = (uint32_t *)mmap_anon(0, PAGE, RWX, 0);
	put_code(a, 1);
	put_code(b, 2);
	fence_i();
	int (*fn)(void) = (int (*)(void))(uintptr_t)a;
	int sum = 0;
	for (int i = 0; i < 2000; i++)
		sum += fn();
	/* Move b's page over a's: the code at a's address is b's now. */
	long r = linux_syscall5(SYS_mremap, b, PAGE, PAGE, L_MREMAP_MAYMOVE | L_MREMAP_FIXED, a);
	fence_i();
	int after = 0;
	for (int i = 0; i < 2000; i++)
		after += fn();
	char line[64];
	snprintf(line, sizeof line, "before %d, after %d", sum, after);
	result(12, "code moved by mremap runs", r == (long)a && sum == 2000 && after == 4000, line);
	linux_syscall2(SYS_munmap, a, PAGE);
}

static void check_madvise(void)
{
	uint32_t *p = (uint32_t *)mmap_anon(0, 2 * PAGE, L_PROT_READ | L_PROT_WRITE, 0);
	fill(p, 2 * PAGE / 4, 3);
	expect(13, "madvise unaligned", linux_syscall3(SYS_madvise, (uintptr_t)p + 8, PAGE, L_MADV_DONTNEED), -L_EINVAL);
	result(13, "madvise unaligned changed nothing", holds(p, 2 * PAGE / 4, 3), NULL);
	linux_syscall3(SYS_mprotect, p, 2 * PAGE, L_PROT_READ);
	long r = linux_syscall3(SYS_madvise, p, 2 * PAGE, L_MADV_DONTNEED);
	result(13, "madvise DONTNEED read-only", r == 0 && zeros(p, 2 * PAGE / 4), name(r));
	expect(13, "madvise length 0", linux_syscall3(SYS_madvise, p, 0, L_MADV_DONTNEED), 0);
	linux_syscall2(SYS_munmap, p, 2 * PAGE);
}

static void check_clocks(void)
{
	struct ts64 tai, real, res;
	long a = linux_syscall2(SYS_clock_gettime64, 11 /* CLOCK_TAI */, &tai);
	linux_syscall2(SYS_clock_gettime64, 0, &real);
	/* TAI is ahead of UTC by the kernel's TAI offset: 0, or 37 s where NTP set it. */
	int64_t ahead = tai.sec - real.sec;
	result(14, "clock_gettime64 CLOCK_TAI", a == 0 && ahead >= -1 && ahead <= 40 && tai.nsec >= 0 && tai.nsec < 1000000000, name(a));
	long b = linux_syscall2(SYS_clock_getres_time64, 11, &res);
	result(14, "clock_getres_time64 CLOCK_TAI", b == 0 && res.sec == 0 && res.nsec > 0 && res.nsec <= 1000000, name(b));
	expect(14, "clock_gettime64 clock 10", linux_syscall2(SYS_clock_gettime64, 10, &res), -L_EINVAL);
}

static void check_getrandom(void)
{
	unsigned char buf[16];
	expect(15, "getrandom GRND_NONBLOCK", linux_syscall3(SYS_getrandom, buf, 16, 1), 16);
	expect(15, "getrandom GRND_RANDOM", linux_syscall3(SYS_getrandom, buf, 16, 2), 16);
	expect(15, "getrandom GRND_INSECURE", linux_syscall3(SYS_getrandom, buf, 16, 4), 16);
	expect(15, "getrandom RANDOM|INSECURE", linux_syscall3(SYS_getrandom, buf, 16, 6), -L_EINVAL);
	expect(15, "getrandom unknown flag", linux_syscall3(SYS_getrandom, buf, 16, 8), -L_EINVAL);
}

/* The modes that never end on their own (or end by a signal). */
static int run_mode(const char *mode)
{
	int fds[2];
	make_pipe(fds, 0);
	printf("%s\n", mode);
	fflush(stdout);
	if (!strcmp(mode, "sigpipe")) {
		linux_syscall1(SYS_close, fds[0]);
		linux_syscall3(SYS_write, fds[1], "x", 1);
		printf("still alive\n");
		return 1;
	}
	if (!strcmp(mode, "pipe-read")) {
		char c;
		long r = linux_syscall3(SYS_read, fds[0], &c, 1);
		printf("read returned %ld\n", r);
		return 1;
	}
	if (!strcmp(mode, "pipe-write")) {
		static char big[70000];
		long r = linux_syscall3(SYS_write, fds[1], big, sizeof big);
		printf("write returned %ld\n", r);
		return 1;
	}
	printf("unknown mode\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		printf("usage: syscalls2 DIR|sigpipe|pipe-read|pipe-write\n");
		return 2;
	}
	if (!strcmp(argv[1], "linux")) {
		/* The checks where qemu-user is no reference, Linux's answers only. */
		strict = 1;
		check_pipe_flags();
		check_mremap();
		return first_fail;
	}
	if (argv[1][0] != '/')
		return run_mode(argv[1]);
	check_pipe_basics();
	check_pipe_flags();
	check_pipe_capacity();
	check_iovecs();
	check_sync_truncate(argv[1]);
	check_rename(argv[1]);
	check_rusage();
	check_sysinfo();
	check_times();
	check_prctl();
	check_mremap();
	check_mremap_code();
	check_madvise();
	check_clocks();
	check_getrandom();
	if (first_fail) {
		printf("syscalls2: FAILED\n");
		return first_fail;
	}
	printf("syscalls2: all ok\n");
	return 0;
}
