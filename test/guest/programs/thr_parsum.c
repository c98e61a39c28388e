/* Parallel sum: N threads (argv[1], default 4) each sum a slice of one
 * array; the total must equal a serial sum. Exit 0 if it does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "thread.h"

#define LEN 60000
#define MAX_THREADS 64

static uint32_t data[LEN];

struct slice { const uint32_t *p; int n; uint64_t sum; };

static void *sum_slice(void *arg)
{
	struct slice *s = arg;
	uint64_t sum = 0;
	for (int i = 0; i < s->n; i++)
		sum += s->p[i];
	s->sum = sum;
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	if (n < 1 || n > MAX_THREADS) {
		printf("threads must be 1..%d\n", MAX_THREADS);
		return 2;
	}
	/* A fixed LCG: big values, so a lost or doubled slice shows. */
	uint32_t x = 12345;
	for (int i = 0; i < LEN; i++) {
		x = x * 1664525u + 1013904223u;
		data[i] = x >> 4;
	}

	static thr_t t[MAX_THREADS];
	static struct slice s[MAX_THREADS];
	for (int i = 0; i < n; i++) {
		int lo = (int)((long long)LEN * i / n), hi = (int)((long long)LEN * (i + 1) / n);
		s[i] = (struct slice){ data + lo, hi - lo, 0 };
		int r = thr_create(&t[i], sum_slice, &s[i]);
		if (r) {
			printf("thr_create: %d\n", r);
			return 1;
		}
	}
	uint64_t total = 0;
	for (int i = 0; i < n; i++) {
		thr_join(&t[i], 0);
		total += s[i].sum;
	}

	uint64_t serial = 0;
	for (int i = 0; i < LEN; i++)
		serial += data[i];
	printf("threads=%d total=%llu serial=%llu %s\n", n, (unsigned long long)total,
	       (unsigned long long)serial, total == serial ? "ok" : "MISMATCH");
	return total == serial ? 0 : 1;
}
