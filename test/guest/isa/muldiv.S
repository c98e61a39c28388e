/* RV32M: mul, mulh, mulhsu, mulhu, div, divu, rem, remu.
 *
 * The high-half multiplies need the full 64-bit product (in JavaScript a
 * plain `a * b` on doubles loses the low bits above 2^53, and Math.imul
 * only gives the low half), and the three signednesses differ only when
 * an operand has its top bit set. Division never traps in RISC-V: x/0
 * and INT_MIN/-1 have defined results that must be special-cased
 * (JavaScript's `|0` of a float quotient gets INT_MIN/-1 wrong and x/0
 * gives Infinity/NaN).
 */
#include "test.h"

/* s3 = op(a, b) */
#define TRR(op, a, b, exp)  \
	li s1, a;               \
	li s2, b;               \
	op s3, s1, s2;          \
	CHECK(s3, exp)          \
	PRINT_REG(s3)

/* rd == rs1 == rs2 */
#define TSELF(op, a, exp)   \
	li s3, a;               \
	op s3, s3, s3;          \
	CHECK(s3, exp)          \
	PRINT_REG(s3)

TEST_BEGIN
	/* ---- mul: low 32 bits, same for any signedness ---- */
	TRR(mul, 3, 7, 21)
	TRR(mul, -3, 7, 0xffffffeb)
	TRR(mul, 0x7fffffff, 2, 0xfffffffe)
	TRR(mul, 0x80000000, -1, 0x80000000)
	TRR(mul, 0xffffffff, 0xffffffff, 1)
	TRR(mul, 0x12345678, 0x9abcdef0, 0x242d2080) /* product > 2^53 */

	/* ---- mulh: signed x signed, high 32 bits ---- */
	TRR(mulh, 0x80000000, 0x80000000, 0x40000000) /* 2^62 */
	TRR(mulh, -1, -1, 0)                    /* +1 */
	TRR(mulh, -1, 1, 0xffffffff)            /* -1: high half is all ones */
	TRR(mulh, 0x7fffffff, 0x7fffffff, 0x3fffffff)
	TRR(mulh, 0x80000000, 0x7fffffff, 0xc0000000)
	TRR(mulh, 0x12345678, 0x9abcdef0, 0xf8cc93d6)
	TRR(mulh, 2, 3, 0)

	/* ---- mulhsu: rs1 signed, rs2 unsigned ---- */
	TRR(mulhsu, -1, 0xffffffff, 0xffffffff) /* -(2^32-1) */
	TRR(mulhsu, 0x80000000, 0xffffffff, 0x80000000)
	TRR(mulhsu, 1, 0xffffffff, 0)           /* rs2 is NOT -1 here */
	TRR(mulhsu, 0x7fffffff, 0xffffffff, 0x7ffffffe)
	TRR(mulhsu, -2, 0x80000000, 0xffffffff) /* -2^32 */
	TRR(mulhsu, 0x9abcdef0, 0x12345678, 0xf8cc93d6)
	TRR(mulhsu, 0x12345678, 0x9abcdef0, 0x0b00ea4e) /* rs1 >= 0: = mulhu */

	/* ---- mulhu: unsigned x unsigned ---- */
	TRR(mulhu, 0xffffffff, 0xffffffff, 0xfffffffe) /* 2^64 - 2^33 + 1 */
	TRR(mulhu, 0x80000000, 2, 1)
	TRR(mulhu, 0x12345678, 0x9abcdef0, 0x0b00ea4e)
	TRR(mulhu, 0xffffffff, 1, 0)

	/* ---- div: signed, truncates toward zero ---- */
	TRR(div, 20, 6, 3)
	TRR(div, -20, 6, 0xfffffffd)            /* -3, not -4 */
	TRR(div, 20, -6, 0xfffffffd)
	TRR(div, -20, -6, 3)
	TRR(div, 0x80000000, 2, 0xc0000000)
	TRR(div, 0x80000000, 1, 0x80000000)
	TRR(div, 0x80000000, -1, 0x80000000)    /* overflow: result INT_MIN */
	TRR(div, 0x12345678, 0, 0xffffffff)     /* x/0 = -1 */
	TRR(div, -5, 0, 0xffffffff)
	TRR(div, 0, 0, 0xffffffff)

	/* ---- divu ---- */
	TRR(divu, 20, 6, 3)
	TRR(divu, -20, 6, 0x2aaaaaa7)           /* (2^32-20)/6 */
	TRR(divu, 0xffffffff, 1, 0xffffffff)
	TRR(divu, 0xffffffff, 2, 0x7fffffff)
	TRR(divu, 0x80000000, 0xffffffff, 0)
	TRR(divu, 0x80000000, -1, 0)            /* -1 is 2^32-1 unsigned */
	TRR(divu, 0x12345678, 0, 0xffffffff)    /* x/0 = 2^32-1 */
	TRR(divu, 0, 0, 0xffffffff)

	/* ---- rem: sign of the dividend ---- */
	TRR(rem, 20, 6, 2)
	TRR(rem, -20, 6, 0xfffffffe)
	TRR(rem, 20, -6, 2)
	TRR(rem, -20, -6, 0xfffffffe)
	TRR(rem, 0x80000000, 3, 0xfffffffe)
	TRR(rem, 0x80000000, -1, 0)             /* overflow case: 0 */
	TRR(rem, 0x12345678, 0, 0x12345678)     /* x%0 = x */
	TRR(rem, -5, 0, 0xfffffffb)
	TRR(rem, 0x80000000, 0, 0x80000000)

	/* ---- remu ---- */
	TRR(remu, 20, 6, 2)
	TRR(remu, -20, 6, 2)                    /* (2^32-20) % 6 */
	TRR(remu, 0xffffffff, 10, 5)
	TRR(remu, 0x80000000, 0xffffffff, 0x80000000)
	TRR(remu, 0xffffffff, 0, 0xffffffff)    /* x%0 = x */
	TRR(remu, 0, 0, 0)

	/* ---- rd == rs1 == rs2: the result must not be written before both
	 * operands are read ---- */
	TSELF(mul, 0xdeadbeef, 0x216da321)
	TSELF(mulh, 0xdeadbeef, 0x04564f34)
	TSELF(mulhsu, 0xdeadbeef, 0xe3040e23)
	TSELF(mulhu, 0xdeadbeef, 0xc1b1cd12)
	TSELF(div, 0xdeadbeef, 1)
	TSELF(divu, 0xdeadbeef, 1)
	TSELF(rem, 0xdeadbeef, 0)
	TSELF(remu, 0xdeadbeef, 0)
	TSELF(div, 0x80000000, 1)
	/* rd == rs1 with a zero divisor keeps the dividend */
	li s3, 0x13579bdf
	rem s3, s3, x0
	CHECK(s3, 0x13579bdf)
	PRINT_REG(s3)
	remu s3, s3, x0
	CHECK(s3, 0x13579bdf)
	divu s3, s3, x0
	CHECK(s3, 0xffffffff)
	PRINT_REG(s3)
	/* rd == rs2 */
	li s1, 100
	li s3, 7
	div s3, s1, s3
	CHECK(s3, 14)
	PRINT_REG(s3)
	/* writes to x0 are discarded */
	li s1, 5
	mul x0, s1, s1
	div x0, s1, s1
	mv s3, x0
	CHECK(s3, 0)
TEST_END
