/* Threads ending on their own while others keep running: the even ones
 * call thr_exit (SYS_exit, which ends only the calling thread) from a few
 * calls deep; the odd ones block until main has joined all the even ones,
 * proves them still alive (tgkill with signal 0) and releases them. */
#include <stdint.h>
#include <stdio.h>
#include "thread.h"

#define THREADS 8

static volatile int release;
static volatile int ran_past_exit;

static __attribute__((noinline, noreturn)) void leave(int id, int depth)
{
	if (depth == 0)
		thr_exit((void *)(intptr_t)(100 + id));
	leave(id, depth - 1);
}

static void *work(void *arg)
{
	int id = (int)(intptr_t)arg;
	if (id % 2 == 0) {
		leave(id, 3);
		ran_past_exit = 1;	/* thr_exit must not return */
		return 0;
	}
	while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
		thr_futex_wait(&release, 0, 0);
	return (void *)(intptr_t)(200 + id);
}

int main(void)
{
	thr_t t[THREADS];
	intptr_t result[THREADS];
	for (int i = 0; i < THREADS; i++)
		thr_create(&t[i], work, (void *)(intptr_t)i);

	for (int i = 0; i < THREADS; i += 2) {
		void *r;
		thr_join(&t[i], &r);
		result[i] = (intptr_t)r;
	}
	int alive = 0;
	for (int i = 1; i < THREADS; i += 2)
		if (t[i].tid != 0 && thr_tgkill(thr_getpid(), t[i].id, 0) == 0)
			alive++;
	printf("even threads joined; odd threads still running: %d of %d\n", alive, THREADS / 2);

	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	thr_futex_wake(&release, THREADS, 0);
	for (int i = 1; i < THREADS; i += 2) {
		void *r;
		thr_join(&t[i], &r);
		result[i] = (intptr_t)r;
	}

	int ok = alive == THREADS / 2 && !ran_past_exit;
	for (int i = 0; i < THREADS; i++) {
		int want = i % 2 == 0 ? 100 + i : 200 + i;
		printf("thread %d: %s, result %d\n", i, i % 2 == 0 ? "exited early" : "finished",
		       (int)result[i]);
		ok &= result[i] == want;
	}
	printf("code after thr_exit ran: %s\n", ran_past_exit ? "yes" : "no");
	printf("%s\n", ok ? "ok" : "FAIL");
	return ok ? 0 : 1;
}
