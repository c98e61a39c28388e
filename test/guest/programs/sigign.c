/* Which signals the process started with as SIG_IGN: an exec keeps the
 * ignored dispositions of its parent (a shell's `trap '' INT`, the
 * SIGINT/SIGQUIT of a background job, nohup's SIGHUP). Prints them
 * (1..31 and a few real-time ones), then raises SIGINT, SIGHUP and SIGUSR1
 * and prints "survived": only a process that ignores all three gets there.
 *   sigign            as above
 *   sigign wait MS    prints the set and "waiting", sleeps MS ms (a signal
 *                     that is not ignored ends it), prints "survived" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sigutil.h"

extern void __hyemu_stdio_flush(void);

static const int rt[] = { 34, 40, 64 };

static int ignored(int sig)
{
	lsigaction_t old = { 0, 0, 0 };
	return l_sigaction(sig, (void *)-1, 0, 0, &old) == 0 && old.handler == L_SIG_IGN;
}

int main(int argc, char **argv)
{
	printf("ignored:");
	for (int s = 1; s <= 31; s++)
		if (ignored(s))
			printf(" %d", s);
	for (unsigned i = 0; i < sizeof rt / sizeof rt[0]; i++)
		if (ignored(rt[i]))
			printf(" %d", rt[i]);
	printf("\n");
	if (argc == 3 && strcmp(argv[1], "wait") == 0) {
		long ms = atol(argv[2]);
		printf("waiting\n");
		__hyemu_stdio_flush();
		int64_t req[2] = { ms / 1000, (ms % 1000) * 1000000 }, rem[2];
		linux_syscall4(SYS_clock_nanosleep_, 1 /* MONOTONIC */, 0, (long)req, (long)rem);
	} else {
		__hyemu_stdio_flush();
		l_raise(L_SIGINT);
		l_raise(L_SIGHUP);
		l_raise(L_SIGUSR1);
	}
	printf("survived\n");
	return 0;
}
