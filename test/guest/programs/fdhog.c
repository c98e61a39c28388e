/* Opens files in the directory argv[1] until open fails, and reports how
 * many it got and the errno (EMFILE at the open-file cap), then checks
 * that dup fails the same way, that closing one fd lets one more open
 * succeed, and that the files are all there. Exit 0 when the refusals were
 * EMFILE, 1 otherwise, 2 without a directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "linux_syscall.h"

#define L_EMFILE 24

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: fdhog DIR\n");
		return 2;
	}
	static int fds[100000];
	char path[512];
	int n = 0;
	int err = 0;
	for (;;) {
		snprintf(path, sizeof path, "%s/f%d", argv[1], n);
		errno = 0;
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			err = errno;
			break;
		}
		fds[n++] = fd;
		if (n == (int)(sizeof fds / sizeof fds[0]))
			break;
	}
	printf("open: %d files, then %s\n", n, err == EMFILE ? "EMFILE" : err ? strerror(err) : "no error");
	long d = linux_syscall1(SYS_dup, 1);
	printf("dup: %s\n", d == -L_EMFILE ? "EMFILE" : d < 0 ? "other error" : "succeeded");
	int ok = err == EMFILE && d == -L_EMFILE;
	if (n > 0) {
		close(fds[n - 1]);
		snprintf(path, sizeof path, "%s/f%d", argv[1], n - 1);
		int fd = open(path, O_RDONLY);
		printf("after close: open %s\n", fd >= 0 ? "succeeded" : "failed");
		ok = ok && fd >= 0;
	}
	return ok ? 0 : 1;
}
