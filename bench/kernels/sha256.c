/* sha256: SHA-256 (FIPS 180-4) over a 4 KiB buffer, repeatedly; each
 * digest is written back into the buffer so every pass hashes new data.
 * Stresses 32-bit rotates (shift/or pairs on rv32imac), xor/and/add
 * chains, big-endian byte assembly and a 64-word message schedule.
 *
 * Property checks: the FIPS 180-4 example vectors "abc" and the 448-bit
 * "abcdbcde...nopq" message, the empty message, and a digest computed in
 * one call equalling the digest of the same bytes fed in uneven pieces. */
#include "common.h"

#define BUFLEN 4096
#define DEFAULT_ITERATIONS 7500u

struct sha256 {
	uint32_t h[8];
	uint8_t block[64];
	uint32_t fill;
	uint64_t bytes;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void compress(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
	uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
			      ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		hh = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(s->h, iv, sizeof iv);
	s->fill = 0;
	s->bytes = 0;
}

static void sha256_update(struct sha256 *s, const uint8_t *p, size_t n)
{
	s->bytes += n;
	while (n) {
		if (s->fill == 0 && n >= 64) {
			compress(s->h, p);
			p += 64;
			n -= 64;
			continue;
		}
		uint32_t take = 64 - s->fill;
		if (take > n)
			take = (uint32_t)n;
		memcpy(s->block + s->fill, p, take);
		s->fill += take;
		p += take;
		n -= take;
		if (s->fill == 64) {
			compress(s->h, s->block);
			s->fill = 0;
		}
	}
}

static void sha256_final(struct sha256 *s, uint8_t out[32])
{
	uint64_t bits = s->bytes * 8u;
	uint8_t pad[72] = { 0x80 };
	uint32_t padlen = (s->fill < 56 ? 56u : 120u) - s->fill;
	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

static void sha256(const void *p, size_t n, uint8_t out[32])
{
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, p, n);
	sha256_final(&s, out);
}

static int digest_is(const uint8_t d[32], const char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++)
		if (hex[2 * i] != digits[d[i] >> 4] || hex[2 * i + 1] != digits[d[i] & 15])
			return 0;
	return 1;
}

static uint8_t buf[BUFLEN];

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0x8265960au },
		{ DEFAULT_ITERATIONS, 0x226706edu },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x1190cde7u, sum = 0;
	uint8_t d[32], d2[32];

	sha256("abc", 3, d);
	bk_check(digest_is(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
		 "sha256", "FIPS 180-4 \"abc\" vector");
	sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	bk_check(digest_is(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
		 "sha256", "FIPS 180-4 two-block vector");
	sha256("", 0, d);
	bk_check(digest_is(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
		 "sha256", "empty message");

	for (uint32_t i = 0; i < BUFLEN; i++)
		buf[i] = (uint8_t)bk_rand(&seed);

	for (uint32_t it = 0; it < iters; it++) {
		uint32_t len = BUFLEN - bk_rand(&seed) % 64u;
		sha256(buf, len, d);
		if ((it & 7) == 0) {
			/* Same bytes in uneven pieces through the streaming API. */
			struct sha256 s;
			sha256_init(&s);
			uint32_t off = 0;
			while (off < len) {
				uint32_t n = 1u + bk_rand(&seed) % 150u;
				if (n > len - off)
					n = len - off;
				sha256_update(&s, buf + off, n);
				off += n;
			}
			sha256_final(&s, d2);
			bk_check(memcmp(d, d2, 32) == 0, "sha256", "streamed digest differs");
		}
		for (int i = 0; i < 32; i += 4)
			sum = bk_mix(sum, (uint32_t)d[i] << 24 | (uint32_t)d[i + 1] << 16 |
					  (uint32_t)d[i + 2] << 8 | d[i + 3]);
		/* Feed the digest back into the buffer at a moving place. */
		memcpy(buf + (it * 32u) % (BUFLEN - 32u), d, 32);
	}
	return bk_finish("sha256", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
