/* Host I/O as a Linux process sees it, one mode per run (argv[1]):
 *   bigwrite N     one write(1) of N pattern bytes; "write N = R" on stderr
 *   readn N        one read(0, N); prints what came, then exits
 *   interleave N   N lines alternately on stdout and stderr, one write each
 *   stdiostat      the type of fds 0-2; on a regular-file stdin: lseek,
 *                  pread, and one large read
 *   hello          write(1, "hello\n"); the result on stderr
 *   spew N         N lines on stdout (for `| head -c1`: SIGPIPE)
 *   epipe          SIGPIPE ignored, then writes to a closed stdout: EPIPE
 * Exit status 0 unless a mode says otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "linux_syscall.h"

#define L_ENOSPC 28
#define L_ESPIPE 29
#define L_EPIPE 32
#define SIGPIPE 13

static char big[4 << 20];

static long sys_write(int fd, const void *p, unsigned long n)
{
	return linux_syscall3(SYS_write, fd, p, n);
}

static void say(int fd, const char *s)
{
	sys_write(fd, s, strlen(s));
}

static const char *io_result(long r)
{
	static char buf[48];
	if (r == -L_ENOSPC) return "ENOSPC";
	if (r == -L_ESPIPE) return "ESPIPE";
	if (r == -L_EPIPE) return "EPIPE";
	snprintf(buf, sizeof buf, r >= 0 ? "%ld" : "errno %ld", r >= 0 ? r : -r);
	return buf;
}

static const char *file_type(unsigned mode)
{
	switch (mode & 0170000) {
	case 0100000: return "regular";
	case 0010000: return "fifo";
	case 0020000: return "chardev";
	case 0140000: return "socket";
	case 0040000: return "directory";
	}
	return "other";
}

static int bigwrite(unsigned long n)
{
	if (n > sizeof big)
		n = sizeof big;
	for (unsigned long i = 0; i < n; i++)
		big[i] = 'a' + (i * 7 + i / 4096) % 26;
	long r = sys_write(1, big, n);
	char line[64];
	snprintf(line, sizeof line, "write %lu = %s\n", n, io_result(r));
	say(2, line);
	return r == (long)n ? 0 : 1;
}

static int readn(unsigned long n)
{
	static char buf[256];
	if (n > sizeof buf)
		n = sizeof buf;
	long r = linux_syscall3(SYS_read, 0, buf, n);
	printf("read %lu = %s [%.*s]\n", n, io_result(r), r > 0 ? (int)r : 0, buf);
	return 0;
}

static int interleave(int n)
{
	char line[32];
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof line, "%s line %d\n", i % 2 ? "err" : "out", i);
		say(i % 2 ? 2 : 1, line);
	}
	return 0;
}

static int stdiostat(void)
{
	unsigned mode0 = 0;
	for (int fd = 0; fd < 3; fd++) {
		unsigned char st[128];
		long r = linux_syscall2(SYS_fstat, fd, st);
		unsigned mode = r == 0 ? *(unsigned *)(st + 16) : 0;
		if (fd == 0)
			mode0 = mode;
		long long pos;
		long s = linux_syscall5(SYS_llseek, fd, 0, 0, &pos, 1 /* SEEK_CUR */);
		printf("fd %d: %s, lseek(SEEK_CUR) %s\n", fd, r == 0 ? file_type(mode) : io_result(r),
		       s == 0 ? "ok" : io_result(s));
	}
	if ((mode0 & 0170000) != 0100000)
		return 0;
	char buf[8] = {0};
	long long pos = 0;
	long s = linux_syscall5(SYS_llseek, 0, 0, 3, &pos, 0 /* SEEK_SET */);
	long r = linux_syscall3(SYS_read, 0, buf, 4);
	printf("stdin: lseek(3) %s pos %lld, read %s [%.4s]\n", io_result(s), pos, io_result(r), buf);
	memset(buf, 0, sizeof buf);
	r = linux_syscall5(SYS_pread64, 0, buf, 4, 0, 0);
	printf("stdin: pread(0) %s [%.4s]\n", io_result(r), buf);
	s = linux_syscall5(SYS_llseek, 0, 0, 0, &pos, 1);
	printf("stdin: after pread, pos %lld\n", pos);
	r = linux_syscall3(SYS_read, 0, big, sizeof big);
	printf("stdin: one big read %s\n", io_result(r));
	return 0;
}

static int hello(void)
{
	long r = sys_write(1, "hello\n", 6);
	char line[48];
	snprintf(line, sizeof line, "write = %s\n", io_result(r));
	say(2, line);
	return r == 6 ? 0 : 1;
}

static int spew(int n)
{
	char line[32];
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof line, "spew %d\n", i);
		long r = sys_write(1, line, strlen(line));
		if (r < 0) {
			snprintf(line, sizeof line, "spew: write %s\n", io_result(r));
			say(2, line);
			return 3;
		}
	}
	return 0;
}

static int epipe(void)
{
	/* struct sigaction on RISC-V Linux: handler, flags, mask. */
	unsigned long act[4] = { 1 /* SIG_IGN */, 0, 0, 0 };
	linux_syscall4(SYS_rt_sigaction, SIGPIPE, act, 0, 8);
	long r = 0;
	for (int i = 0; i < 100000 && r >= 0; i++)
		r = sys_write(1, "x\n", 2);
	char line[48];
	snprintf(line, sizeof line, "epipe: write %s\n", io_result(r));
	say(2, line);
	return r == -L_EPIPE ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? strtol(argv[2], 0, 0) : 0;
	if (!strcmp(mode, "bigwrite")) return bigwrite(n);
	if (!strcmp(mode, "readn")) return readn(n);
	if (!strcmp(mode, "interleave")) return interleave(n);
	if (!strcmp(mode, "stdiostat")) return stdiostat();
	if (!strcmp(mode, "hello")) return hello();
	if (!strcmp(mode, "spew")) return spew(n);
	if (!strcmp(mode, "epipe")) return epipe();
	say(2, "usage: hostio MODE [N]\n");
	return 2;
}
