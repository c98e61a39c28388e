/* Shared helpers for the hyemu benchmark kernels.
 *
 * Every kernel is a standalone program in standard C (stdio, stdlib, string,
 * stdint) that builds both for rv32 (picolibc + our runtime) and for the host
 * (glibc).  Only fixed-width types are used for anything that reaches the
 * checksum, so that `long` width and `char` signedness cannot make the two
 * builds disagree.
 *
 * A kernel:
 *   - takes an optional iteration count in argv[1] (default: its own),
 *   - folds its results into a 32-bit checksum with bk_mix(),
 *   - runs independent property checks (sortedness, known test vectors,
 *     results recomputed by a different method, ...),
 *   - calls bk_finish(), which prints
 *         NAME checksum=0x........ iterations=N
 *     and exits 0 only if every property check passed and, when the
 *     iteration count has an entry in the kernel's table of expected
 *     checksums, the checksum equals that entry.
 */
#ifndef BENCH_KERNELS_COMMON_H
#define BENCH_KERNELS_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	uint32_t iterations;
	uint32_t checksum;
} bk_expect_t;

/* Fold a 32-bit value into a running checksum (word-wise FNV-1a variant
 * with an extra rotate so that order matters and low bits spread). */
static inline uint32_t bk_mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x01000193u;
	return (h << 13) | (h >> 19);
}

/* Small deterministic PRNG (xorshift32); never returns 0 for a non-zero
 * state. */
static inline uint32_t bk_rand(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static uint32_t bk_iterations(int argc, char **argv, uint32_t def)
{
	if (argc < 2)
		return def;
	char *end;
	unsigned long v = strtoul(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || v == 0 || v > 0x7fffffffUL) {
		printf("usage: %s [iterations>0]\n", argv[0]);
		exit(2);
	}
	return (uint32_t)v;
}

/* Number of failed property checks; kernels bump it through bk_check(). */
static uint32_t bk_failures;

static void bk_check(int ok, const char *name, const char *what)
{
	if (!ok) {
		if (bk_failures < 8)
			printf("%s: property check failed: %s\n", name, what);
		bk_failures++;
	}
}

static int bk_finish(const char *name, uint32_t checksum, uint32_t iterations,
		     const bk_expect_t *table, size_t n)
{
	printf("%s checksum=0x%08x iterations=%u\n", name, (unsigned)checksum,
	       (unsigned)iterations);
	if (bk_failures) {
		printf("%s: checksum mismatch: %u property check(s) failed\n",
		       name, (unsigned)bk_failures);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (table[i].iterations == iterations &&
		    table[i].checksum != checksum) {
			printf("%s: checksum mismatch: expected 0x%08x for %u iterations\n",
			       name, (unsigned)table[i].checksum,
			       (unsigned)iterations);
			return 1;
		}
	}
	return 0;
}

#endif
