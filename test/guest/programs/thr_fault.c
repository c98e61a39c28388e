/* A fault in a secondary thread kills the whole process: the thread
 * stores to an unmapped address while main waits in thr_join. Expected:
 * death by SIGSEGV (exit status 139 from qemu-riscv32 and a shell), with
 * only main's first line printed. */
#include <stdio.h>
#include "thread.h"

/* Through a variable, so the compiler neither sees nor warns about it. */
static volatile int *volatile bad = (volatile int *)0x10;

static void *crash(void *arg)
{
	(void)arg;
	*bad = 1;
	return 0;
}

int main(void)
{
	thr_t t;
	/* The newline flushes stdout before the thread exists. */
	printf("main: starting a thread that stores to 0x10\n");
	thr_create(&t, crash, 0);
	thr_join(&t, 0);
	printf("main: join returned (wrong)\n");
	return 1;
}
