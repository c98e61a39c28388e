/* An integer hot loop for speed measurement: xorshift, multiply, add,
 * rotate and data-dependent branches over a small array, repeated
 * argv[1] times (default DEFAULT_ROUNDS, about half a second under
 * qemu-riscv32). Prints the checksum and checks it against reference values
 * that were computed by the same algorithm compiled natively on the host
 * (see REFS); for counts without a reference it says so and exits 0.
 * Exit 1 on a checksum mismatch. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_ROUNDS 500000
#define N 64

static const struct {
	unsigned long rounds;
	uint32_t sum;
} REFS[] = {
	{ 0, 0xbbbbf660u },
	{ 1, 0x811a0925u },
	{ 2, 0x70fd202eu },
	{ 10, 0x80432026u },
	{ 1000, 0x82857b28u },
	{ 10000, 0x55917319u },
	{ 100000, 0xe93b8a9eu },
	{ 500000, 0xbf33b5d3u },
	{ 1000000, 0x8ecceabdu },
};

static uint32_t rotl(uint32_t x, int k)
{
	return (x << k) | (x >> (32 - k));
}

static uint32_t run(unsigned long rounds)
{
	uint32_t a[N];
	uint32_t s = 0x9e3779b9u;
	for (int i = 0; i < N; i++)
		a[i] = (uint32_t)i * 0x01000193u + 1;
	uint32_t acc = 0;
	for (unsigned long r = 0; r < rounds; r++) {
		for (int j = 0; j < N; j++) {
			s ^= s << 13;
			s ^= s >> 17;
			s ^= s << 5;
			uint32_t v = a[j] * 0x2545f491u + s;
			if (v & 0x80000000u)
				v ^= rotl(v, 7);
			else
				v += a[(j + 1) & (N - 1)] >> 3;
			if ((v & 7) == 3)
				acc += v;
			else
				acc ^= v + (uint32_t)j;
			a[j] = v;
		}
		acc = rotl(acc, 1) + (uint32_t)r;
	}
	for (int i = 0; i < N; i++)
		acc = acc * 31 + a[i];
	return acc;
}

int main(int argc, char **argv)
{
	unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : DEFAULT_ROUNDS;
	uint32_t sum = run(rounds);
	printf("hotloop: %lu rounds x %d elements, checksum %08lx\n", rounds, N, (unsigned long)sum);
	for (unsigned i = 0; i < sizeof REFS / sizeof REFS[0]; i++) {
		if (REFS[i].rounds != rounds)
			continue;
		if (REFS[i].sum != sum) {
			printf("FAIL: expected %08lx\n", (unsigned long)REFS[i].sum);
			return 1;
		}
		printf("checksum matches reference\n");
		return 0;
	}
	printf("no reference for this count\n");
	return 0;
}
