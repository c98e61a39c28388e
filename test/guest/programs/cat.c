/* Copies stdin to stdout with a read/write loop and a 4 KiB buffer, then
 * reports the byte count on stderr. Exits 1 if a read or write fails. */
#include <stdio.h>
#include "linux_syscall.h"

int main(void)
{
	static char buf[4096];
	unsigned long long total = 0;
	for (;;) {
		long n = linux_syscall3(SYS_read, 0, buf, sizeof buf);
		if (n == -4 /* EINTR */)
			continue;
		if (n < 0) {
			fprintf(stderr, "cat: read error %ld\n", -n);
			return 1;
		}
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			long w = linux_syscall3(SYS_write, 1, buf + off, n - off);
			if (w == -4)
				continue;
			if (w <= 0) {
				fprintf(stderr, "cat: write error %ld\n", -w);
				return 1;
			}
			off += w;
		}
		total += (unsigned long long)n;
	}
	fprintf(stderr, "cat: %llu bytes\n", total);
	return 0;
}
