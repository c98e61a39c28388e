/* RV32I integer computational instructions: every register-register and
 * register-immediate op, lui and auipc, with the edge cases that an
 * emulator written in a language with 64-bit floats / signed 32-bit
 * bitwise ops (JavaScript) tends to get wrong: wraparound, shift amounts
 * from a register taken mod 32, arithmetic vs logical right shifts,
 * signed vs unsigned compares, sign-extended 12-bit immediates, and
 * writes to x0 being discarded.
 *
 * The body is assembled with .option norvc so that every instruction here
 * is the 32-bit encoding (compressed forms are covered by compressed.S).
 */
#include "test.h"

/* register-register op: s3 = op(a, b) */
#define TRR(op, a, b, exp)  \
	li s1, a;               \
	li s2, b;               \
	op s3, s1, s2;          \
	CHECK(s3, exp)          \
	PRINT_REG(s3)

/* register-immediate op: s3 = op(a, imm) */
#define TRI(op, a, imm, exp) \
	li s1, a;               \
	op s3, s1, imm;         \
	CHECK(s3, exp)          \
	PRINT_REG(s3)

TEST_BEGIN
	.option norvc

	/* ---- add: wraps mod 2^32, no overflow trap ---- */
	TRR(add, 1, 2, 3)
	TRR(add, 0x7fffffff, 1, 0x80000000)     /* signed overflow wraps */
	TRR(add, 0xffffffff, 1, 0)              /* unsigned carry out dropped */
	TRR(add, 0x80000000, 0x80000000, 0)
	TRR(add, -5, 3, 0xfffffffe)

	/* ---- sub ---- */
	TRR(sub, 3, 1, 2)
	TRR(sub, 0, 1, 0xffffffff)              /* borrow wraps */
	TRR(sub, 0x80000000, 1, 0x7fffffff)     /* INT_MIN - 1 wraps to INT_MAX */
	TRR(sub, 0x7fffffff, 0xffffffff, 0x80000000)

	/* ---- sll: only rs2[4:0] is used ---- */
	TRR(sll, 1, 31, 0x80000000)
	TRR(sll, 1, 32, 1)                      /* 32 mod 32 = 0 */
	TRR(sll, 1, 33, 2)                      /* 33 mod 32 = 1 */
	TRR(sll, 0x12345679, -1, 0x80000000)    /* -1 -> shamt 31 */
	TRR(sll, 0xffffffff, 4, 0xfffffff0)
	TRR(sll, 0x12345678, 0xffffffe0, 0x12345678) /* low 5 bits 0 */

	/* ---- slt (signed) ---- */
	TRR(slt, 0x80000000, 0, 1)              /* INT_MIN < 0 */
	TRR(slt, 0, 0x80000000, 0)
	TRR(slt, -1, 0, 1)
	TRR(slt, 0, -1, 0)
	TRR(slt, 0x80000000, 0x7fffffff, 1)     /* INT_MIN < INT_MAX */
	TRR(slt, 0x7fffffff, 0x80000000, 0)
	TRR(slt, -1, -1, 0)                     /* strict */

	/* ---- sltu (unsigned) ---- */
	TRR(sltu, 0, 0xffffffff, 1)
	TRR(sltu, 0xffffffff, 0, 0)             /* -1 is the largest unsigned */
	TRR(sltu, 0x80000000, 0x7fffffff, 0)    /* INT_MIN is 2^31 unsigned */
	TRR(sltu, 0x7fffffff, 0x80000000, 1)
	TRR(sltu, 5, 5, 0)
	/* snez idiom: sltu rd, x0, rs */
	li s1, 0x80000000
	sltu s3, x0, s1
	CHECK(s3, 1)
	PRINT_REG(s3)
	sltu s3, x0, x0
	CHECK(s3, 0)
	PRINT_REG(s3)

	/* ---- xor / or / and ---- */
	TRR(xor, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0)
	TRR(xor, 0x12345678, -1, 0xedcba987)
	TRR(or, 0xf0f00000, 0x0000f0f0, 0xf0f0f0f0)
	TRR(or, 0x80000000, 1, 0x80000001)
	TRR(and, 0xff00ff00, 0x0ff00ff0, 0x0f000f00)
	TRR(and, 0x80000001, 0xffffffff, 0x80000001)

	/* ---- srl: logical, zero fill, shamt mod 32 ---- */
	TRR(srl, 0x80000000, 31, 1)
	TRR(srl, 0x80000000, 32, 0x80000000)    /* shamt 0 */
	TRR(srl, 0x80000000, 33, 0x40000000)    /* shamt 1, no sign fill */
	TRR(srl, 0xffffffff, -1, 1)             /* shamt 31 */
	TRR(srl, 0xf0000000, 4, 0x0f000000)

	/* ---- sra: arithmetic, sign fill ---- */
	TRR(sra, 0x80000000, 31, 0xffffffff)
	TRR(sra, 0x80000000, 1, 0xc0000000)
	TRR(sra, 0xf0000000, 36, 0xff000000)    /* 36 mod 32 = 4 */
	TRR(sra, -7, 1, 0xfffffffc)             /* rounds toward -inf: -4 */
	TRR(sra, 0x7fffffff, 30, 1)             /* positive: zero fill */
	TRR(sra, -1, -1, 0xffffffff)
	TRR(sra, 0x80000000, 32, 0x80000000)    /* shamt 0 */

	/* ---- aliasing rd == rs1 == rs2 ---- */
	li s3, 0x40000001
	add s3, s3, s3
	CHECK(s3, 0x80000002)
	PRINT_REG(s3)
	sub s3, s3, s3
	CHECK(s3, 0)
	PRINT_REG(s3)
	li s3, 3
	sll s3, s3, s3                          /* 3 << 3 */
	CHECK(s3, 24)
	PRINT_REG(s3)
	li s3, -1
	sra s3, s3, s3                          /* -1 >> 31 */
	CHECK(s3, 0xffffffff)
	PRINT_REG(s3)
	li s3, -1
	srl s3, s3, s3                          /* 0xffffffff >>u 31 */
	CHECK(s3, 1)
	PRINT_REG(s3)

	/* ---- addi: 12-bit sign-extended immediate ---- */
	TRI(addi, 0x7fffffff, 1, 0x80000000)
	TRI(addi, 0, -2048, 0xfffff800)         /* most negative imm */
	TRI(addi, 0, 2047, 0x7ff)               /* most positive imm */
	TRI(addi, 0xffffffff, 1, 0)
	TRI(addi, 0x80000000, -1, 0x7fffffff)

	/* ---- slti (signed compare with sign-extended imm) ---- */
	TRI(slti, -1, 0, 1)
	TRI(slti, 0, -1, 0)
	TRI(slti, 0x80000000, -2048, 1)
	TRI(slti, 2047, 2047, 0)
	TRI(slti, -2049, -2048, 1)
	TRI(slti, 0x7fffffff, 2047, 0)

	/* ---- sltiu: imm is sign-extended THEN compared unsigned ---- */
	TRI(sltiu, 0xfffffffe, -1, 1)           /* imm -1 = 0xffffffff */
	TRI(sltiu, 0xffffffff, -1, 0)
	TRI(sltiu, 0, 1, 1)                     /* seqz idiom */
	TRI(sltiu, 5, 1, 0)
	TRI(sltiu, 0x7ff, -2048, 1)             /* 0x7ff < 0xfffff800 */
	TRI(sltiu, 0xfffff800, -2048, 0)
	TRI(sltiu, 0x80000000, 2047, 0)

	/* ---- xori / ori / andi: sign-extended imm ---- */
	TRI(xori, 0x12345678, -1, 0xedcba987)   /* not */
	TRI(xori, 0x12345678, 0x7ff, 0x12345187)
	TRI(xori, 0x12345678, -2048, 0xedcbae78)
	TRI(ori, 0x12340000, -2048, 0xfffff800)
	TRI(ori, 0, 0x555, 0x555)
	TRI(andi, 0x12345678, -1, 0x12345678)
	TRI(andi, 0x12345678, 0xff, 0x78)
	TRI(andi, 0x12345678, -2048, 0x12345000)

	/* ---- slli / srli / srai (5-bit shamt in the encoding) ---- */
	TRI(slli, 1, 31, 0x80000000)
	TRI(slli, 0x12345678, 4, 0x23456780)
	TRI(slli, 0x12345678, 0, 0x12345678)
	TRI(srli, 0x80000000, 31, 1)
	TRI(srli, 0xffffffff, 1, 0x7fffffff)
	TRI(srli, 0x12345678, 0, 0x12345678)
	TRI(srai, 0x80000000, 31, 0xffffffff)
	TRI(srai, 0x80000000, 4, 0xf8000000)
	TRI(srai, 0x7fffffff, 31, 0)
	TRI(srai, 0xffffffff, 0, 0xffffffff)

	/* ---- lui: imm << 12, low bits zero ---- */
	lui s3, 0x80000
	CHECK(s3, 0x80000000)
	PRINT_REG(s3)
	lui s3, 0xfffff
	CHECK(s3, 0xfffff000)
	PRINT_REG(s3)
	lui s3, 0x12345
	CHECK(s3, 0x12345000)
	PRINT_REG(s3)
	li s3, -1
	lui s3, 0
	CHECK(s3, 0)
	PRINT_REG(s3)

	/* ---- auipc: pc of the auipc itself + (imm << 12) ---- */
	/* printed as differences so the output does not depend on layout */
1:	auipc s3, 0
	la s4, 1b
	sub s3, s3, s4
	CHECK(s3, 0)
	PRINT_REG(s3)
2:	auipc s3, 1
	la s4, 2b
	sub s3, s3, s4
	CHECK(s3, 0x1000)
	PRINT_REG(s3)
3:	auipc s3, 0xfffff                       /* pc - 4096 */
	la s4, 3b
	sub s3, s3, s4
	CHECK(s3, 0xfffff000)
	PRINT_REG(s3)
4:	auipc s3, 0x80000                       /* pc + 2^31, wraps */
	la s4, 4b
	sub s3, s3, s4
	CHECK(s3, 0x80000000)
	PRINT_REG(s3)

	/* ---- x0 is hardwired to zero: writes are discarded ---- */
	addi x0, x0, 5
	mv s3, x0
	CHECK(s3, 0)
	PRINT_REG(s3)
	lui x0, 0x12345
	add s3, x0, x0
	CHECK(s3, 0)
	li s1, 7
	li s2, 9
	add x0, s1, s2
	sltu s3, x0, s1                         /* 0 <u 7 only if x0 == 0 */
	CHECK(s3, 1)
	auipc x0, 0x1
	or s3, x0, x0
	CHECK(s3, 0)
	jal x0, 5f                              /* plain jump, link discarded */
	j fail
5:	mv s3, x0
	CHECK(s3, 0)
	PRINT_REG(s3)
	/* x0 as a source reads zero */
	li s1, 0x1234
	sub s3, x0, s1
	CHECK(s3, 0xffffedcc)
	PRINT_REG(s3)

	.option rvc
TEST_END
