/* recursion: deeply recursive integer functions - doubly recursive
 * Fibonacci, the Ackermann function A(2, n) and A(3, n), and the number of
 * integer partitions p(n) counted by recursion on the largest part.
 * Stresses calls and returns (jal/jalr, return-address prediction), stack
 * loads/stores of saved registers, and recursion depth (A(3, n) nests
 * about 2^(n+3) frames).
 *
 * Property checks: fib(n) equals the iterative value, A(2, n) == 2n + 3,
 * A(3, n) == 2^(n+3) - 3, p(n) equals a dynamic-programming count, and
 * the well-known values fib(24) = 46368 and p(40) = 37338. */
#include "common.h"

#define DEFAULT_ITERATIONS 320u

static uint32_t calls;

static uint32_t fib(uint32_t n)
{
	calls++;
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint32_t ack(uint32_t m, uint32_t n)
{
	calls++;
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}

/* Partitions of n into parts no larger than k. */
static uint32_t parts(int32_t n, int32_t k)
{
	calls++;
	if (n == 0)
		return 1;
	if (n < 0 || k == 0)
		return 0;
	return parts(n - k, k) + parts(n, k - 1);
}

static uint32_t fib_iter(uint32_t n)
{
	uint32_t a = 0, b = 1;
	while (n--) {
		uint32_t t = a + b;
		a = b;
		b = t;
	}
	return a;
}

static uint32_t parts_dp(uint32_t n)
{
	uint32_t p[128] = { 1 };
	for (uint32_t k = 1; k <= n; k++)
		for (uint32_t i = k; i <= n; i++)
			p[i] += p[i - k];
	return p[n];
}

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0x7dd133ddu },
		{ DEFAULT_ITERATIONS, 0x298a6f74u },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x3d1b58bau, sum = 0;

	bk_check(fib(24) == 46368u, "recursion", "fib(24) = 46368");
	bk_check(parts(40, 40) == 37338u, "recursion", "p(40) = 37338");

	for (uint32_t it = 0; it < iters; it++) {
		uint32_t r = bk_rand(&seed);
		uint32_t fn = 18u + r % 5u;
		uint32_t an = 3u + (r >> 8) % 4u;
		uint32_t pn = 30u + (r >> 16) % 12u;

		uint32_t f = fib(fn);
		bk_check(f == fib_iter(fn), "recursion", "fib(n) != iterative fib");
		uint32_t a2 = ack(2, an * 20u);
		bk_check(a2 == 2u * an * 20u + 3u, "recursion", "A(2, n) != 2n + 3");
		uint32_t a3 = ack(3, an);
		bk_check(a3 == (1u << (an + 3u)) - 3u, "recursion", "A(3, n) != 2^(n+3) - 3");
		uint32_t p = parts((int32_t)pn, (int32_t)pn);
		bk_check(p == parts_dp(pn), "recursion", "p(n) != dynamic programming");

		sum = bk_mix(sum, f);
		sum = bk_mix(sum, a2);
		sum = bk_mix(sum, a3);
		sum = bk_mix(sum, p);
	}
	sum = bk_mix(sum, calls);
	return bk_finish("recursion", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
