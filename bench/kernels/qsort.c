/* qsort: sorting through a function-pointer comparator - the C library's
 * qsort() and our own generic quicksort (median of three, insertion sort
 * for short ranges, recursion on the smaller side) - on 8-byte records
 * with a two-field key and on plain 32-bit words in descending order.
 * Stresses indirect calls into small comparators, byte-wise element swaps
 * and unpredictable branches.
 *
 * Property checks: both sorts leave every array in order, produce
 * identical arrays (the comparators are total orders, so the result is
 * unique whatever the library's algorithm), and keep the same multiset of
 * elements (order-independent sum and xor hashes). */
#include "common.h"

#define NREC 1500
#define NWORDS 1500
#define DEFAULT_ITERATIONS 200u

struct rec {
	uint32_t key;
	uint32_t id;
};

typedef int (*cmp_t)(const void *, const void *);

static uint32_t cmp_calls;

static int cmp_rec(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	cmp_calls++;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static int cmp_word_desc(const void *pa, const void *pb)
{
	uint32_t a, b;
	memcpy(&a, pa, 4);
	memcpy(&b, pb, 4);
	return (a < b) - (a > b);
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t size)
{
	while (size--) {
		uint8_t t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

static void my_qsort(void *base, size_t n, size_t size, cmp_t cmp)
{
	uint8_t *a = base;
	while (n > 10) {
		/* Median of three to the front. */
		uint8_t *lo = a, *mid = a + (n / 2) * size, *hi = a + (n - 1) * size;
		if (cmp(mid, lo) < 0)
			swap_bytes(mid, lo, size);
		if (cmp(hi, mid) < 0) {
			swap_bytes(hi, mid, size);
			if (cmp(mid, lo) < 0)
				swap_bytes(mid, lo, size);
		}
		swap_bytes(a, mid, size);
		/* Hoare-style partition around a[0]. */
		size_t i = 0, j = n;
		for (;;) {
			do
				i++;
			while (i < n && cmp(a + i * size, a) < 0);
			do
				j--;
			while (cmp(a + j * size, a) > 0);
			if (i >= j)
				break;
			swap_bytes(a + i * size, a + j * size, size);
		}
		swap_bytes(a, a + j * size, size);
		/* Recurse on the smaller part, loop on the larger. */
		size_t left = j, right = n - j - 1;
		if (left < right) {
			my_qsort(a, left, size, cmp);
			a += (j + 1) * size;
			n = right;
		} else {
			my_qsort(a + (j + 1) * size, right, size, cmp);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(a + (j - 1) * size, a + j * size) > 0; j--)
			swap_bytes(a + (j - 1) * size, a + j * size, size);
}

static struct rec r1[NREC], r2[NREC];
static uint32_t w1[NWORDS], w2[NWORDS];

static void hash_recs(const struct rec *r, uint32_t *s, uint32_t *x)
{
	*s = 0;
	*x = 0;
	for (int i = 0; i < NREC; i++) {
		uint32_t v = r[i].key * 0x9e3779b9u + r[i].id;
		*s += v;
		*x ^= v;
	}
}

static void hash_words(const uint32_t *w, uint32_t *s, uint32_t *x)
{
	*s = 0;
	*x = 0;
	for (int i = 0; i < NWORDS; i++) {
		*s += w[i] * 0x85ebca6bu;
		*x ^= w[i];
	}
}

static int sorted(const void *base, size_t n, size_t size, cmp_t cmp)
{
	const uint8_t *a = base;
	for (size_t i = 1; i < n; i++)
		if (cmp(a + (i - 1) * size, a + i * size) > 0)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0xa81116c8u },
		{ DEFAULT_ITERATIONS, 0x1acc1fbfu },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x2ae8944au, sum = 0;

	for (uint32_t it = 0; it < iters; it++) {
		/* Narrow key ranges in some iterations give many duplicates. */
		uint32_t range = (it % 3u == 0) ? 64u : 1000000u;
		for (uint32_t i = 0; i < NREC; i++) {
			r1[i].key = bk_rand(&seed) % range;
			r1[i].id = i * 2654435761u;
		}
		/* Some iterations start from nearly sorted input. */
		if (it % 4u == 1) {
			my_qsort(r1, NREC, sizeof r1[0], cmp_rec);
			for (int k = 0; k < 20; k++) {
				uint32_t a = bk_rand(&seed) % NREC, b = bk_rand(&seed) % NREC;
				struct rec t = r1[a];
				r1[a] = r1[b];
				r1[b] = t;
			}
		}
		memcpy(r2, r1, sizeof r1);
		uint32_t s0, x0, s1, x1, s2, x2;
		hash_recs(r1, &s0, &x0);

		qsort(r1, NREC, sizeof r1[0], cmp_rec);
		my_qsort(r2, NREC, sizeof r2[0], cmp_rec);
		hash_recs(r1, &s1, &x1);
		hash_recs(r2, &s2, &x2);
		bk_check(sorted(r1, NREC, sizeof r1[0], cmp_rec), "qsort", "qsort() records unsorted");
		bk_check(sorted(r2, NREC, sizeof r2[0], cmp_rec), "qsort", "my_qsort records unsorted");
		bk_check(memcmp(r1, r2, sizeof r1) == 0, "qsort", "qsort() and my_qsort differ");
		bk_check(s0 == s1 && x0 == x1 && s0 == s2 && x0 == x2, "qsort",
			 "sorting changed the records");
		for (int i = 0; i < NREC; i += 41)
			sum = bk_mix(sum, r1[i].key ^ r1[i].id);

		for (uint32_t i = 0; i < NWORDS; i++)
			w1[i] = bk_rand(&seed) >> (it % 24u);
		memcpy(w2, w1, sizeof w1);
		hash_words(w1, &s0, &x0);
		qsort(w1, NWORDS, sizeof w1[0], cmp_word_desc);
		my_qsort(w2, NWORDS, sizeof w2[0], cmp_word_desc);
		hash_words(w1, &s1, &x1);
		bk_check(sorted(w1, NWORDS, 4, cmp_word_desc) && sorted(w2, NWORDS, 4, cmp_word_desc),
			 "qsort", "words unsorted");
		bk_check(memcmp(w1, w2, sizeof w1) == 0, "qsort", "qsort() and my_qsort differ on words");
		bk_check(s0 == s1 && x0 == x1, "qsort", "sorting changed the words");
		for (int i = 0; i < NWORDS; i += 37)
			sum = bk_mix(sum, w2[i]);
	}
	/* cmp_calls depends on the library's qsort algorithm, so it is not part
	 * of the checksum; it only keeps the comparator from being trivial. */
	if (cmp_calls == 0)
		bk_check(0, "qsort", "comparator never called");
	return bk_finish("qsort", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
