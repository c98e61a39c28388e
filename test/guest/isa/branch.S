/* RV32I control transfer: conditional branches, jal, jalr.
 *
 * Every branch records taken/not-taken as one bit shifted into s5, which
 * is CHECKed after each branch and printed per instruction group, so a
 * differential run sees the whole pattern. Edge values probe signed vs
 * unsigned compares (INT_MIN vs INT_MAX, -1 vs 0). Branch and jump
 * offsets are taken at the extremes of the B-type (+4094 / -4096) and at
 * J-type offsets that set the scrambled immediate bits (bit 11, 19:12).
 *
 * jalr details that emulators get wrong: the target is (rs1 + imm) with
 * bit 0 cleared; rd is written with pc+4 only after the target has been
 * computed from the OLD rs1 (rd == rs1 case); imm is sign-extended.
 *
 * .option norvc/norelax: all jumps here are 32-bit (link = pc + 4) and
 * the linker must not shrink code between labels whose distance we check.
 */
#include "test.h"

/* s5 = s5 << 1 | taken(op a, b); check the new bit against `taken` */
#define TB(op, a, b, taken) \
	li s1, a;               \
	li s2, b;               \
	slli s5, s5, 1;         \
	op s1, s2, 1f;          \
	j 2f;                   \
1:	ori s5, s5, 1;          \
2:	andi s6, s5, 1;         \
	CHECK(s6, taken)

/* the same for the one-operand pseudo-branches (compare against x0) */
#define TBZ(op, a, taken)   \
	li s1, a;               \
	slli s5, s5, 1;         \
	op s1, 1f;              \
	j 2f;                   \
1:	ori s5, s5, 1;          \
2:	andi s6, s5, 1;         \
	CHECK(s6, taken)

TEST_BEGIN
	.option norvc
	.option norelax

	/* ---- beq ---- */
	li s5, 0
	TB(beq, 0, 0, 1)
	TB(beq, 1, 0, 0)
	TB(beq, 0xffffffff, 0xffffffff, 1)
	TB(beq, 0x80000000, 0, 0)               /* differ only in bit 31 */
	TB(beq, 0x80000000, 0x80000000, 1)
	CHECK(s5, 0x15)
	PRINT_REG(s5)

	/* ---- bne ---- */
	li s5, 0
	TB(bne, 0, 0, 0)
	TB(bne, 1, 0, 1)
	TB(bne, 0xffffffff, 0x7fffffff, 1)
	TB(bne, -1, -1, 0)
	CHECK(s5, 0x6)
	PRINT_REG(s5)

	/* ---- blt (signed) ---- */
	li s5, 0
	TB(blt, -1, 0, 1)
	TB(blt, 0, -1, 0)
	TB(blt, 0x80000000, 0x7fffffff, 1)      /* INT_MIN < INT_MAX */
	TB(blt, 0x7fffffff, 0x80000000, 0)
	TB(blt, 5, 5, 0)                        /* strict */
	TB(blt, -2, -1, 1)
	TB(blt, 0x80000000, 0x80000000, 0)
	CHECK(s5, 0x52)
	PRINT_REG(s5)

	/* ---- bge (signed) ---- */
	li s5, 0
	TB(bge, -1, 0, 0)
	TB(bge, 0, -1, 1)
	TB(bge, 0x80000000, 0x7fffffff, 0)
	TB(bge, 0x7fffffff, 0x80000000, 1)
	TB(bge, 5, 5, 1)                        /* equal is taken */
	TB(bge, -1, -2, 1)
	TB(bge, 0x80000000, 0x80000000, 1)
	CHECK(s5, 0x2f)
	PRINT_REG(s5)

	/* ---- bltu (unsigned) ---- */
	li s5, 0
	TB(bltu, 0, -1, 1)                      /* -1 is the largest */
	TB(bltu, -1, 0, 0)
	TB(bltu, 0x80000000, 0x7fffffff, 0)
	TB(bltu, 0x7fffffff, 0x80000000, 1)
	TB(bltu, 5, 5, 0)
	TB(bltu, 0, 1, 1)
	CHECK(s5, 0x25)
	PRINT_REG(s5)

	/* ---- bgeu (unsigned) ---- */
	li s5, 0
	TB(bgeu, 0, -1, 0)
	TB(bgeu, -1, 0, 1)
	TB(bgeu, 0x80000000, 0x7fffffff, 1)
	TB(bgeu, 0x7fffffff, 0x80000000, 0)
	TB(bgeu, 5, 5, 1)
	TB(bgeu, 0, 0, 1)
	CHECK(s5, 0x1b)
	PRINT_REG(s5)

	/* ---- compares against x0 (bltz = blt rs,x0; bgtz = blt x0,rs ...) */
	li s5, 0
	TBZ(bltz, 0x80000000, 1)
	TBZ(bgez, 0, 1)
	TBZ(bgtz, 0, 0)
	TBZ(blez, 0, 1)
	TBZ(bnez, 0, 0)
	TBZ(beqz, 0, 1)
	TBZ(bgtz, 0x80000000, 0)
	TBZ(bgez, 0x7fffffff, 1)
	CHECK(s5, 0xd5)
	PRINT_REG(s5)

	/* ---- backward branch: a counted loop ---- */
	li s1, 10
	li s3, 0
1:	addi s3, s3, 3
	addi s1, s1, -1
	bnez s1, 1b
	CHECK(s3, 30)
	CHECK(s1, 0)
	PRINT_REG(s3)

	/* ---- B-type extremes: +4094 and -4096 ---- */
	li s3, 0
bfar1:
	beq x0, x0, bfar1_t                     /* offset +4094 */
	.skip 4090                              /* zeros: illegal if landed on */
bfar1_t:
	la s3, bfar1_t
	la s4, bfar1
	sub s3, s3, s4
	CHECK(s3, 4094)
	PRINT_REG(s3)

	li s1, 1
	j bfar2_br
bfar2_t:
	j bfar2_done
	.skip 4092
bfar2_br:
	bne s1, x0, bfar2_t                     /* offset -4096 */
	j fail
bfar2_done:
	la s3, bfar2_t
	la s4, bfar2_br
	sub s3, s3, s4
	CHECK(s3, 0xfffff000)
	PRINT_REG(s3)

	/* ---- jal: link = address of the jal + 4 ---- */
jal1:
	jal ra, jal1_t
	j fail
jal1_t:
	la s4, jal1
	sub s3, ra, s4
	CHECK(s3, 4)
	PRINT_REG(s3)

	/* a real call and return, with a link register other than ra */
	li s7, 0
	jal s8, func_inc_s7                     /* returns with jr s8 */
	CHECK(s7, 1)
	jal s8, func_inc_s7
	CHECK(s7, 2)
	PRINT_REG(s7)

	/* jal forward by 0x3afe (sets imm bits 11 and 13:12) */
jal2:
	jal s9, jal2_t
	j fail
	.skip 0x3afe - 8
jal2_t:
	la s4, jal2
	sub s3, s9, s4                          /* link - jal = 4 */
	CHECK(s3, 4)
	la s3, jal2_t
	sub s3, s3, s4
	CHECK(s3, 0x3afe)
	PRINT_REG(s3)

	/* jal backward by -0x1802 */
	j jal3
jal3_t:
	j jal3_done
	.skip 0x1802 - 4
jal3:
	jal s9, jal3_t
	j fail
jal3_done:
	la s4, jal3
	sub s3, s9, s4
	CHECK(s3, 4)
	la s3, jal3_t
	sub s3, s3, s4
	CHECK(s3, 0xffffe7fe)
	PRINT_REG(s3)

	/* ---- jalr basic: link = pc + 4 ---- */
	la s1, jr1_t
jr1:
	jalr ra, 0(s1)
	j fail
jr1_t:
	la s4, jr1
	sub s3, ra, s4
	CHECK(s3, 4)
	PRINT_REG(s3)

	/* jalr to an odd address: bit 0 of the target is cleared */
	la s1, jr2_t
	addi s1, s1, 1
jr2:
	jalr ra, 0(s1)
	j fail
jr2_t:
	la s4, jr2
	sub s3, ra, s4
	CHECK(s3, 4)
	la s4, jr2_t
	sub s3, s1, s4                          /* rs1 itself is unchanged */
	CHECK(s3, 1)
	PRINT_REG(s3)

	/* odd target from the immediate instead of the register */
	la s1, jr2b_t
	jalr ra, 1(s1)
	j fail
jr2b_t:
	CHECK(s5, 0xd5)                         /* just proves we got here */

	/* rd == rs1: target uses the old rs1, then rd gets the link */
	la s1, jr3_t
jr3:
	jalr s1, 0(s1)
	j fail                                  /* = new s1: lands here if wrong */
jr3_t:
	la s4, jr3
	sub s3, s1, s4
	CHECK(s3, 4)
	PRINT_REG(s3)

	/* rd == rs1 with an odd sum */
	la s1, jr3b_t - 2
jr3b:
	jalr s1, 3(s1)                          /* (t - 2 + 3) & ~1 = t */
	j fail
jr3b_t:
	la s4, jr3b
	sub s3, s1, s4
	CHECK(s3, 4)

	/* negative offsets, including the most negative -2048 */
	la s1, jr4_t + 16
	jalr ra, -16(s1)
	j fail
jr4_t:
	la s1, jr5_t + 2048
	jalr ra, -2048(s1)
	j fail
jr5_t:
	/* largest positive offset 2047: odd, so it also tests bit 0 clearing */
	la s1, jr6_t - 2046
	jalr ra, 2047(s1)
	j fail
jr6_t:
	CHECK(s5, 0xd5)

	/* jalr x0 (jr) does not link */
	li ra, 0x55
	la s1, jr7_t
	jalr x0, 0(s1)
	j fail
jr7_t:
	CHECK(ra, 0x55)
	PRINT_REG(ra)

	/* a call through a register and a return via ret (jalr x0, 0(ra)) */
	li s7, 0
	la s1, func_ret_inc_s7
jr8:
	jalr ra, 0(s1)
jr8_ret:
	CHECK(s7, 1)
	la s4, jr8_ret
	CHECK_REG(ra, s4)                       /* ra survived the callee */
	la s4, jr8
	sub s3, ra, s4
	CHECK(s3, 4)
	PRINT_REG(s3)

	j done

func_inc_s7:
	addi s7, s7, 1
	jalr x0, 0(s8)

func_ret_inc_s7:
	addi s7, s7, 1
	ret

done:
	.option rvc
	.option relax
TEST_END
