/* exit_group from a secondary thread ends the whole process with its
 * status: main is blocked joining a thread that itself sleeps forever in
 * FUTEX_WAIT, and a third thread calls exit_group(42). Expected: exit
 * status 42, and only the lines below (stdout flushes at each newline;
 * the thread writes with write(2), as picolibc's stdio is main's). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "thread.h"

static volatile int never;

static void *sleeper(void *arg)
{
	(void)arg;
	while (!never)
		thr_futex_wait(&never, 0, 0);
	return 0;
}

static void *quitter(void *arg)
{
	static const char msg[] = "quitter: exit_group(42)\n";
	(void)arg;
	write(1, msg, strlen(msg));
	thr_exit_group(42);
}

int main(void)
{
	thr_t s, q;
	printf("main: joining a thread that never ends\n");
	thr_create(&s, sleeper, 0);
	thr_create(&q, quitter, 0);
	thr_join(&s, 0);
	printf("main: join returned (wrong)\n");
	return 1;
}
