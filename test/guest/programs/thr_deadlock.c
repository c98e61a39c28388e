/* A deadlock: the thread waits for main, main joins the thread. Nothing
 * ever wakes either futex, so only a time limit ends the run (under Linux
 * and qemu it hangs; the test runs it with one). */
#include <stdio.h>
#include "thread.h"

static volatile int go;

static void *waiter(void *arg)
{
	(void)arg;
	while (!go)
		thr_futex_wait(&go, 0, 0);
	return 0;
}

int main(void)
{
	thr_t t;
	printf("main: joining a thread that waits for main\n");
	fflush(stdout);
	thr_create(&t, waiter, 0);
	thr_join(&t, 0);
	go = 1;
	return 0;
}
