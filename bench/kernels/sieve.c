/* sieve: sieve of Eratosthenes up to one million, alternating between a
 * byte-per-number sieve and an odd-only bit sieve.  Stresses byte/word
 * stores with large strides, shifts and bit masks, and tight loops.
 *
 * Property checks: pi(10^6) = 78498 and the sum of the primes below 10^6
 * is 37550402023 (both well-known values), and the two sieves agree on
 * the primes sampled each iteration. */
#include "common.h"

#define LIMIT 1000000u
#define PI_LIMIT 78498u
#define SUM_LIMIT 37550402023ull
#define DEFAULT_ITERATIONS 90u

static uint8_t bytes[LIMIT + 1];
static uint32_t bits[(LIMIT / 2 + 32) / 32];

/* bytes[n] = 1 iff n is prime, n <= limit. */
static void sieve_bytes(uint32_t limit)
{
	memset(bytes, 1, limit + 1);
	bytes[0] = bytes[1] = 0;
	for (uint32_t p = 2; p * p <= limit; p++)
		if (bytes[p])
			for (uint32_t m = p * p; m <= limit; m += p)
				bytes[m] = 0;
}

/* Bit i of bits[] set iff 2*i+1 is composite (odd-only sieve). */
static void sieve_bits(uint32_t limit)
{
	uint32_t nodd = limit / 2 + 1; /* odd numbers 1,3,...,<=limit+1 */
	memset(bits, 0, sizeof bits);
	bits[0] |= 1u; /* 1 is not prime */
	for (uint32_t i = 1; i < nodd; i++) {
		uint32_t p = 2 * i + 1;
		if (p * p > limit)
			break;
		if (bits[i >> 5] & (1u << (i & 31)))
			continue;
		for (uint32_t j = (p * p) >> 1; j < nodd; j += p)
			bits[j >> 5] |= 1u << (j & 31);
	}
}

static int bit_is_prime(uint32_t n)
{
	if (n < 2)
		return 0;
	if (n == 2)
		return 1;
	if (!(n & 1))
		return 0;
	uint32_t i = n >> 1;
	return !(bits[i >> 5] & (1u << (i & 31)));
}

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0x6cf79337u },
		{ DEFAULT_ITERATIONS, 0xe35db314u },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t sum = 0;
	uint32_t seed = 0x2545f491u;

	for (uint32_t it = 0; it < iters; it++) {
		uint32_t count = 0;
		uint64_t total = 0;
		if (it & 1) {
			sieve_bits(LIMIT);
			count = 1; total = 2;
			for (uint32_t n = 3; n <= LIMIT; n += 2)
				if (bit_is_prime(n)) {
					count++;
					total += n;
				}
		} else {
			sieve_bytes(LIMIT);
			for (uint32_t n = 2; n <= LIMIT; n++)
				if (bytes[n]) {
					count++;
					total += n;
				}
		}
		bk_check(count == PI_LIMIT, "sieve", "pi(10^6) != 78498");
		bk_check(total == SUM_LIMIT, "sieve", "sum of primes below 10^6");
		sum = bk_mix(sum, count);
		sum = bk_mix(sum, (uint32_t)total);
		sum = bk_mix(sum, (uint32_t)(total >> 32));
		/* Sample a few numbers: primality in this iteration's sieve. */
		for (int k = 0; k < 16; k++) {
			uint32_t n = bk_rand(&seed) % (LIMIT + 1);
			int pr = (it & 1) ? bit_is_prime(n) : bytes[n];
			sum = bk_mix(sum, n * 2u + (uint32_t)pr);
		}
	}
	/* Cross-check the two sieves over the whole range. */
	sieve_bytes(LIMIT);
	sieve_bits(LIMIT);
	uint32_t disagree = 0;
	for (uint32_t n = 0; n <= LIMIT; n++)
		disagree += (uint32_t)(bytes[n] != bit_is_prime(n));
	bk_check(disagree == 0, "sieve", "byte and bit sieves disagree");
	sum = bk_mix(sum, disagree);

	return bk_finish("sieve", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
