/* 32 threads, all alive at once (each waits for the last to start), each
 * computing a little and returning its result through thr_join. They also
 * check that their TLS is their own: an initialised __thread variable
 * starts with its .tdata value, a zero one (.tbss) starts at 0, and
 * writes to those and to errno (thread-local in picolibc) survive the
 * other threads doing the same. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include "thread.h"

#define THREADS 32

static __thread int tls_init = 7;
static __thread int tls_zero;
static volatile int started;
static volatile int tls_bad;

static void *work(void *arg)
{
	int id = (int)(intptr_t)arg;
	if (tls_init != 7 || tls_zero != 0)
		__atomic_fetch_add(&tls_bad, 1, __ATOMIC_RELAXED);
	tls_init = id;
	tls_zero = ~id;
	errno = 1000 + id;

	int n = __atomic_add_fetch(&started, 1, __ATOMIC_ACQ_REL);
	if (n == THREADS)
		thr_futex_wake(&started, THREADS, 0);
	while ((n = started) != THREADS)
		thr_futex_wait(&started, n, 0);

	uint32_t h = (uint32_t)id + 1;
	for (int i = 0; i < 500; i++)
		h = h * 1103515245u + 12345u;
	if (tls_init != id || tls_zero != ~id || errno != 1000 + id)
		__atomic_fetch_add(&tls_bad, 1, __ATOMIC_RELAXED);
	return (void *)(uintptr_t)(h >> 16);
}

int main(void)
{
	static thr_t t[THREADS];
	errno = 0;
	for (int i = 0; i < THREADS; i++) {
		int r = thr_create(&t[i], work, (void *)(intptr_t)i);
		if (r) {
			printf("thr_create %d: %d\n", i, r);
			return 1;
		}
	}
	uint64_t sum = 0;
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		thr_join(&t[i], &ret);
		sum += (uintptr_t)ret;
	}
	if (tls_init != 7 || tls_zero != 0 || errno != 0)
		tls_bad++;

	uint64_t want = 0;
	for (int id = 0; id < THREADS; id++) {
		uint32_t h = (uint32_t)id + 1;
		for (int i = 0; i < 500; i++)
			h = h * 1103515245u + 12345u;
		want += h >> 16;
	}
	printf("threads=%d sum=%llu expected=%llu tls=%s\n", THREADS, (unsigned long long)sum,
	       (unsigned long long)want, tls_bad ? "BAD" : "ok");
	return sum == want && !tls_bad ? 0 : 1;
}
