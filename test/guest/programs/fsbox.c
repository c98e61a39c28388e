/* fsbox: file operations named on the command line, for tests of the
 * guest file namespace (mounts, read-only mounts, containment).
 *
 *   fsbox OP PATH [ARG] [OP PATH [ARG]]...
 *   OP: read | write (ARG = text) | append (ARG) | unlink | mkdir | rmdir |
 *       list | stat | cwd | chdir | readlink
 *
 * Prints one line per operation: "OP PATH: RESULT", where RESULT is the
 * data read, "ok", or the errno name. Exit status: number of failures. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "linux_syscall.h"

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_WRONLY 1
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_DIRECTORY 0200000

static const char *errname(long e)
{
	switch (-e) {
	case 1: return "EPERM"; case 2: return "ENOENT"; case 9: return "EBADF"; case 13: return "EACCES";
	case 17: return "EEXIST"; case 20: return "ENOTDIR"; case 21: return "EISDIR"; case 22: return "EINVAL";
	case 24: return "EMFILE"; case 30: return "EROFS"; case 39: return "ENOTEMPTY"; case 40: return "ELOOP";
	default: { static char buf[16]; snprintf(buf, sizeof buf, "E%ld", -e); return buf; }
	}
}

static int report(const char *op, const char *path, long r)
{
	if (r < 0) {
		printf("%s %s: %s\n", op, path, errname(r));
		return 1;
	}
	printf("%s %s: ok\n", op, path);
	return 0;
}

static int do_read(const char *path)
{
	long fd = linux_syscall4(SYS_openat, AT_FDCWD, path, O_RDONLY, 0);
	if (fd < 0)
		return report("read", path, fd);
	char buf[256];
	long n = linux_syscall3(SYS_read, fd, buf, sizeof buf - 1);
	linux_syscall1(SYS_close, fd);
	if (n < 0)
		return report("read", path, n);
	buf[n] = 0;
	printf("read %s: [%s]\n", path, buf);
	return 0;
}

static int do_write(const char *path, const char *text, int append)
{
	long fd = linux_syscall4(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
	if (fd < 0)
		return report(append ? "append" : "write", path, fd);
	long n = linux_syscall3(SYS_write, fd, text, strlen(text));
	linux_syscall1(SYS_close, fd);
	return report(append ? "append" : "write", path, n < 0 ? n : 0);
}

static int do_list(const char *path)
{
	long fd = linux_syscall4(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return report("list", path, fd);
	char buf[2048];
	long n = linux_syscall3(SYS_getdents64, fd, buf, sizeof buf);
	linux_syscall1(SYS_close, fd);
	if (n < 0)
		return report("list", path, n);
	printf("list %s:", path);
	for (long off = 0; off < n;) {
		uint16_t reclen = *(uint16_t *)(buf + off + 16);
		printf(" %s", buf + off + 19);
		off += reclen;
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	int failures = 0;
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];
		const char *path = i + 1 < argc ? argv[++i] : "";
		if (!strcmp(op, "read"))
			failures += do_read(path);
		else if (!strcmp(op, "write") || !strcmp(op, "append"))
			failures += do_write(path, i + 1 < argc ? argv[++i] : "", op[0] == 'a');
		else if (!strcmp(op, "unlink"))
			failures += report(op, path, linux_syscall3(SYS_unlinkat, AT_FDCWD, path, 0));
		else if (!strcmp(op, "rmdir"))
			failures += report(op, path, linux_syscall3(SYS_unlinkat, AT_FDCWD, path, 0x200));
		else if (!strcmp(op, "mkdir"))
			failures += report(op, path, linux_syscall3(SYS_mkdirat, AT_FDCWD, path, 0755));
		else if (!strcmp(op, "list"))
			failures += do_list(path);
		else if (!strcmp(op, "stat")) {
			uint8_t sx[256];
			failures += report(op, path, linux_syscall5(SYS_statx, AT_FDCWD, path, 0, 0x7ff, sx));
		} else if (!strcmp(op, "chdir"))
			failures += report(op, path, linux_syscall1(49 /* chdir */, path));
		else if (!strcmp(op, "cwd")) {
			char buf[256];
			long r = linux_syscall2(SYS_getcwd, buf, sizeof buf);
			if (r < 0)
				failures += report(op, "", r);
			else
				printf("cwd: %s\n", buf);
			i--;
		} else if (!strcmp(op, "readlink")) {
			char buf[256];
			long r = linux_syscall4(SYS_readlinkat, AT_FDCWD, path, buf, sizeof buf - 1);
			if (r < 0)
				failures += report(op, path, r);
			else {
				buf[r] = 0;
				printf("readlink %s: [%s]\n", path, buf);
			}
		} else {
			printf("unknown op %s\n", op);
			return 100;
		}
	}
	return failures;
}
