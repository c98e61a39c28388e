/* crc16: CRC-16 over byte buffers of varying lengths, computed bit by bit
 * and with a 256-entry table, for a non-reflected polynomial
 * (CRC-16/CCITT-FALSE, 0x1021) and a reflected one (CRC-16/ARC, 0x8005).
 * Stresses shifts, xors and short data-dependent branches (bitwise), and
 * table lookups through loads (table-driven).
 *
 * Property checks: the standard check values of both CRCs over
 * "123456789" (0x29B1 and 0xBB3D) from both implementations, and the
 * bitwise and table-driven results agreeing on every buffer. */
#include "common.h"

#define BUFLEN 4096
#define DEFAULT_ITERATIONS 800u

static uint16_t table_ccitt[256], table_arc[256];
static uint8_t buf[BUFLEN];

static uint16_t ccitt_bitwise(uint16_t crc, const uint8_t *p, size_t n)
{
	while (n--) {
		crc ^= (uint16_t)(*p++ << 8);
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u)
					      : (uint16_t)(crc << 1);
	}
	return crc;
}

static uint16_t arc_bitwise(uint16_t crc, const uint8_t *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int b = 0; b < 8; b++)
			crc = (crc & 1u) ? (uint16_t)((crc >> 1) ^ 0xa001u)
					 : (uint16_t)(crc >> 1);
	}
	return crc;
}

static uint16_t ccitt_table(uint16_t crc, const uint8_t *p, size_t n)
{
	while (n--)
		crc = (uint16_t)((crc << 8) ^ table_ccitt[((crc >> 8) ^ *p++) & 0xffu]);
	return crc;
}

static uint16_t arc_table(uint16_t crc, const uint8_t *p, size_t n)
{
	while (n--)
		crc = (uint16_t)((crc >> 8) ^ table_arc[(crc ^ *p++) & 0xffu]);
	return crc;
}

static void make_tables(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint16_t c = (uint16_t)(i << 8);
		for (int b = 0; b < 8; b++)
			c = (c & 0x8000u) ? (uint16_t)((c << 1) ^ 0x1021u) : (uint16_t)(c << 1);
		table_ccitt[i] = c;
		c = (uint16_t)i;
		for (int b = 0; b < 8; b++)
			c = (c & 1u) ? (uint16_t)((c >> 1) ^ 0xa001u) : (uint16_t)(c >> 1);
		table_arc[i] = c;
	}
}

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0x2609571cu },
		{ DEFAULT_ITERATIONS, 0x2d453446u },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x19495cffu, sum = 0;

	make_tables();
	static const uint8_t check[] = "123456789";
	bk_check(ccitt_bitwise(0xffffu, check, 9) == 0x29b1u, "crc16", "CCITT-FALSE bitwise check value");
	bk_check(ccitt_table(0xffffu, check, 9) == 0x29b1u, "crc16", "CCITT-FALSE table check value");
	bk_check(arc_bitwise(0, check, 9) == 0xbb3du, "crc16", "ARC bitwise check value");
	bk_check(arc_table(0, check, 9) == 0xbb3du, "crc16", "ARC table check value");

	for (uint32_t i = 0; i < BUFLEN; i++)
		buf[i] = (uint8_t)bk_rand(&seed);

	for (uint32_t it = 0; it < iters; it++) {
		/* Buffers of varying length and start offset covering BUFLEN. */
		uint32_t off = 0;
		uint16_t chain = (uint16_t)it;
		while (off < BUFLEN) {
			uint32_t len = 1u + bk_rand(&seed) % 509u;
			if (len > BUFLEN - off)
				len = BUFLEN - off;
			uint16_t a = ccitt_bitwise(0xffffu, buf + off, len);
			uint16_t b = ccitt_table(0xffffu, buf + off, len);
			uint16_t c = arc_bitwise(chain, buf + off, len);
			uint16_t d = arc_table(chain, buf + off, len);
			bk_check(a == b && c == d, "crc16", "bitwise and table CRCs differ");
			sum = bk_mix(sum, ((uint32_t)a << 16) | c);
			chain = d;
			off += len;
		}
		/* Change the data so that every iteration hashes new bytes. */
		for (int k = 0; k < 64; k++) {
			uint32_t r = bk_rand(&seed);
			buf[r % BUFLEN] ^= (uint8_t)(r >> 24);
		}
	}
	return bk_finish("crc16", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
