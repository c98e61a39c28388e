/* memops: memcpy, memset, memmove (overlapping both ways) and memcmp over
 * buffers, with sizes from 0 to 8 KiB and every source/destination
 * alignment from 0 to 7 bytes.  Stresses the C library's memory routines:
 * unaligned and aligned word loads/stores, byte loops for heads and tails,
 * and the memory system in general.
 *
 * Property checks: every 16th iteration the same operations are replayed
 * on shadow buffers with naive byte loops (through volatile pointers, so
 * the compiler cannot turn them back into library calls) and the buffers
 * and memcmp signs must agree; memcmp of just-copied ranges is 0, and with
 * one byte changed its sign follows that byte as an unsigned char. */
#include "common.h"

#define SIZE 32768u
#define OPS 96
#define DEFAULT_ITERATIONS 3500u

static uint8_t src[SIZE + 16], dst[SIZE + 16], mv[SIZE + 16];
static uint8_t ssrc[SIZE + 16], sdst[SIZE + 16], smv[SIZE + 16];

static const uint32_t sizes[] = {
	0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100,
	127, 128, 129, 255, 256, 257, 511, 512, 1000, 1024, 2047, 4096, 8192,
};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static void ref_set(uint8_t *d, int c, size_t n)
{
	volatile uint8_t *v = d;
	for (size_t i = 0; i < n; i++)
		v[i] = (uint8_t)c;
}

static void ref_copy(uint8_t *d, const uint8_t *s, size_t n)
{
	volatile uint8_t *v = d;
	for (size_t i = 0; i < n; i++)
		v[i] = s[i];
}

/* d and s point into the same array. */
static void ref_move(uint8_t *base, size_t to, size_t from, size_t n)
{
	volatile uint8_t *v = base;
	if (to < from)
		for (size_t i = 0; i < n; i++)
			v[to + i] = v[from + i];
	else
		for (size_t i = n; i-- > 0;)
			v[to + i] = v[from + i];
}

static int ref_cmp(const uint8_t *a, const uint8_t *b, size_t n)
{
	const volatile uint8_t *va = a, *vb = b;
	for (size_t i = 0; i < n; i++)
		if (va[i] != vb[i])
			return va[i] < vb[i] ? -1 : 1;
	return 0;
}

static int sign(int x) { return (x > 0) - (x < 0); }

/* One iteration's operations on (s, d, m); naive versions when ref. */
static uint32_t do_ops(uint8_t *s, uint8_t *d, uint8_t *m, uint32_t it, int ref)
{
	uint32_t seed = it * 0x9e3779b9u + 0x7f4a7c15u, h = 0;
	for (int op = 0; op < OPS; op++) {
		uint32_t r = bk_rand(&seed);
		uint32_t n = sizes[r % NSIZES];
		uint32_t da = (r >> 8) & 7u, sa = (r >> 11) & 7u;
		uint32_t room = SIZE - n - 8u;
		uint32_t doff = (bk_rand(&seed) % (room + 1u)) & ~7u;
		uint32_t soff = (bk_rand(&seed) % (room + 1u)) & ~7u;
		uint8_t *dp = d + doff + da, *sp = s + soff + sa;
		switch ((r >> 14) % 5u) {
		case 0: {
			int c = (int)(r >> 24);
			if (ref)
				ref_set(dp, c, n);
			else
				memset(dp, c, n);
			break;
		}
		case 1:
			if (ref)
				ref_copy(dp, sp, n);
			else
				memcpy(dp, sp, n);
			break;
		case 2: { /* overlapping memmove within m, either direction */
			uint32_t shift = 1u + (r >> 17) % 67u;
			size_t from = soff + sa, to = (r >> 24) & 1 ? from + shift : from - (from >= shift ? shift : 0);
			if (to + n > SIZE + 16)
				to = from;
			if (ref)
				ref_move(m, to, from, n);
			else
				memmove(m + to, m + from, n);
			h = bk_mix(h, m[to] ^ (uint32_t)m[to + n / 2] << 8);
			break;
		}
		case 3: { /* memcmp of a fresh copy, then with one byte changed */
			if (ref)
				ref_copy(dp, sp, n);
			else
				memcpy(dp, sp, n);
			int c0 = ref ? ref_cmp(dp, sp, n) : sign(memcmp(dp, sp, n));
			bk_check(c0 == 0, "memops", "memcmp of a copy is not 0");
			if (n) {
				uint32_t k = (r >> 17) % n;
				dp[k] = (uint8_t)(dp[k] + 1u + (r >> 24) % 255u);
				int c1 = ref ? ref_cmp(dp, sp, n) : sign(memcmp(dp, sp, n));
				bk_check(c1 == (dp[k] > sp[k] ? 1 : -1), "memops",
					 "memcmp sign does not follow the changed byte");
				h = bk_mix(h, (uint32_t)(c1 + 1) | k << 2);
			}
			break;
		}
		default: { /* compare two ranges that usually differ */
			int c = ref ? ref_cmp(dp, sp, n) : sign(memcmp(dp, sp, n));
			h = bk_mix(h, (uint32_t)(c + 1));
			break;
		}
		}
		if (n)
			h = bk_mix(h, dp[0] | (uint32_t)dp[n - 1] << 8 | (uint32_t)dp[n / 2] << 16);
	}
	/* Refresh part of the source so that iterations differ. */
	for (int k = 0; k < 64; k++) {
		uint32_t r = bk_rand(&seed);
		s[r % SIZE] ^= (uint8_t)(r >> 24);
	}
	return h;
}

static uint32_t buf_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 0;
	for (size_t i = 0; i + 4 <= n; i += 4)
		h = (h ^ ((uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
			  (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24)) * 0x01000193u;
	return h;
}

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0xd8312e62u },
		{ DEFAULT_ITERATIONS, 0x39ff5516u },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x5e884898u, sum = 0;

	for (uint32_t i = 0; i < SIZE + 16; i++) {
		src[i] = (uint8_t)bk_rand(&seed);
		mv[i] = (uint8_t)bk_rand(&seed);
	}

	for (uint32_t it = 0; it < iters; it++) {
		int check = (it & 15) == 0;
		if (check) {
			ref_copy(ssrc, src, sizeof src);
			ref_copy(sdst, dst, sizeof dst);
			ref_copy(smv, mv, sizeof mv);
		}
		uint32_t h = do_ops(src, dst, mv, it, 0);
		if (check) {
			uint32_t hr = do_ops(ssrc, sdst, smv, it, 1);
			bk_check(h == hr, "memops", "library and naive operations differ");
			bk_check(ref_cmp(src, ssrc, sizeof src) == 0 && ref_cmp(dst, sdst, sizeof dst) == 0 &&
				 ref_cmp(mv, smv, sizeof mv) == 0, "memops",
				 "library and naive buffers differ");
		}
		sum = bk_mix(sum, h);
		if ((it & 3) == 3) {
			sum = bk_mix(sum, buf_hash(dst, sizeof dst));
			sum = bk_mix(sum, buf_hash(mv, sizeof mv));
		}
	}
	sum = bk_mix(sum, buf_hash(src, sizeof src));
	return bk_finish("memops", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
