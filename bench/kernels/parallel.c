/* parallel: a fixed amount of independent CPU-bound work split over N guest
 * threads, for the bench's parallel-speedup table (rv32 only: it links the
 * thread layer of ../../test/guest/runtime, so it has no host build and is
 * not in kernels.json).
 *
 *   parallel.elf [THREADS [SCALE]]
 *
 * THREADS (1..8, default 1) threads are created and joined by the main
 * thread, which does none of the work itself: THREADS=1 is one worker
 * thread, THREADS=2 two. The work is CHUNKS independent chunks, each an
 * xorshift/multiply mixing loop of SCALE thousand rounds (default
 * DEFAULT_SCALE) seeded by the chunk's index; thread t takes a contiguous
 * run of chunks. The chunk results are folded into the checksum in chunk
 * order, so the one line printed,
 *
 *     parallel checksum=0x........ chunks=24 scale=S
 *
 * is the same for every THREADS. Exit 0; 1 if a thread could not be
 * created; 2 for a bad argument. The default scale is about 2 s of
 * `hyemu run --no-tier2` with one thread on the machine it was sized on,
 * so that process start-up does not hide the speedup; 1 is for tests. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "thread.h"

#define MAX_THREADS 8
/* Divisible by 1, 2, 3, 4, 6 and 8, so those thread counts get equal shares. */
#define CHUNKS 24
#define DEFAULT_SCALE 3000u

struct share {
	int lo, hi;		/* chunks [lo, hi) */
	uint32_t rounds;	/* per chunk */
};

/* Written once per chunk, by the thread that owns it. */
static uint32_t result[CHUNKS];

static uint32_t chunk(uint32_t index, uint32_t rounds)
{
	uint32_t x = index * 0x9e3779b9u + 0x6d2b79f5u;
	uint32_t h = 0x811c9dc5u ^ index;
	for (uint32_t i = 0; i < rounds; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		h = (h ^ x) * 0x01000193u;
		h = ((h << 5) | (h >> 27)) + i;
	}
	return h ^ x;
}

static void *worker(void *arg)
{
	const struct share *s = arg;
	for (int c = s->lo; c < s->hi; c++)
		result[c] = chunk((uint32_t)c, s->rounds);
	return 0;
}

static int parse(const char *text, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	if (*text == '\0' || *end != '\0' || v == 0 || v > max)
		return 0;
	*out = v;
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long threads = 1, scale = DEFAULT_SCALE;
	if (argc > 3 || (argc > 1 && !parse(argv[1], MAX_THREADS, &threads))
	    || (argc > 2 && !parse(argv[2], 1000000, &scale))) {
		printf("usage: %s [threads 1..%d [scale>0, thousands of rounds per chunk]]\n", argv[0], MAX_THREADS);
		return 2;
	}
	static thr_t t[MAX_THREADS];
	static struct share s[MAX_THREADS];
	int n = (int)threads;
	for (int i = 0; i < n; i++) {
		s[i] = (struct share){ CHUNKS * i / n, CHUNKS * (i + 1) / n, (uint32_t)scale * 1000u };
		int r = thr_create(&t[i], worker, &s[i]);
		if (r) {
			printf("thr_create: %d\n", r);
			return 1;
		}
	}
	for (int i = 0; i < n; i++)
		thr_join(&t[i], 0);

	uint32_t h = 0x811c9dc5u;
	for (int c = 0; c < CHUNKS; c++) {
		h ^= result[c];
		h *= 0x01000193u;
		h = (h << 13) | (h >> 19);
	}
	printf("parallel checksum=0x%08lx chunks=%d scale=%lu\n", (unsigned long)h, CHUNKS, scale);
	return 0;
}
