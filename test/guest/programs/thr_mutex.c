/* Four threads increment one counter 20000 times each under the futex
 * mutex. The increment is a plain load and store with a yield now and then
 * inside the critical section, so the lock is really contended (its waiters
 * sleep in FUTEX_WAIT) and a broken lock loses updates. A second word
 * checks mutual exclusion directly: whoever holds the lock must find it 0. */
#include <stdio.h>
#include "thread.h"

#define THREADS 4
#define ITERS 20000

static thr_mutex_t lock = THR_MUTEX_INIT;
static volatile int counter;
static volatile int inside;
static volatile int overlaps;
static volatile int go;

static void *worker(void *arg)
{
	(void)arg;
	/* Start together, so the threads overlap rather than run in turn. */
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		thr_futex_wait(&go, 0, 0);
	for (int i = 0; i < ITERS; i++) {
		thr_mutex_lock(&lock);
		if (__atomic_fetch_add(&inside, 1, __ATOMIC_RELAXED) != 0)
			overlaps++;
		int v = counter;
		if ((i & 1023) == 0)
			thr_yield();	/* hold the lock across a reschedule */
		counter = v + 1;
		__atomic_fetch_sub(&inside, 1, __ATOMIC_RELAXED);
		thr_mutex_unlock(&lock);
	}
	return 0;
}

int main(void)
{
	thr_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		if (thr_create(&t[i], worker, 0)) {
			printf("thr_create failed\n");
			return 1;
		}
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	thr_futex_wake(&go, THREADS, 0);
	for (int i = 0; i < THREADS; i++)
		thr_join(&t[i], 0);

	int ok = counter == THREADS * ITERS && overlaps == 0 && lock.state == 0;
	printf("count=%d expected=%d overlaps=%d lock=%d %s\n", counter, THREADS * ITERS,
	       overlaps, lock.state, ok ? "ok" : "FAIL");
	return ok ? 0 : 1;
}
