/* RV32A: lr.w / sc.w and every AMO.
 *
 * AMOs return the OLD memory value in rd and store op(old, rs2); both are
 * checked. min/max differ between signed and unsigned exactly when one
 * operand has bit 31 set (0x80000000 vs 1, 0xffffffff vs 0). rd == rs2
 * and rd == rs1 aliasing catch emulators that write rd before reading
 * the sources; rd == x0 must still update memory.
 *
 * sc.w succeeds (rd = 0, store done) only with a valid reservation from
 * lr.w on the same address; an sc.w without one (at program start, after
 * a previous sc.w, or to another address) fails with rd != 0 and does not
 * store. The failure code is only specified as non-zero, so it is printed
 * as a 0/1 flag.
 */
#include "test.h"

/* amow = init; s3 = op(s2 = src, (amow)); check old and new value */
#define TAMO(op, init, src, expold, expnew) \
	la s1, amow;            \
	li s4, init;            \
	sw s4, 0(s1);           \
	li s2, src;             \
	op s3, s2, (s1);        \
	CHECK(s3, expold)       \
	PRINT_REG(s3)           \
	lw s3, 0(s1);           \
	CHECK(s3, expnew)       \
	PRINT_REG(s3)

	.data
	.balign 16
amow:	.word 0
	.word 0x5a5a5a5a                    /* neighbour: never modified */
resv:	.word 0x00001111
	.word 0x00002222
	.word 0x00003333

TEST_BEGIN
	/* ---- sc.w with no lr.w at all since program start: fails ---- */
	la s1, resv
	li s2, 0x99999999
	sc.w s3, s2, (s1)
	snez s3, s3
	CHECK(s3, 1)
	PRINT_REG(s3)
	CHECK_MEMW(s3, resv, 0x00001111)        /* not stored */

	/* ---- lr.w / sc.w success ---- */
	la s1, resv
	lr.w s3, (s1)
	CHECK(s3, 0x00001111)
	PRINT_REG(s3)
	li s2, 0xabcd0001
	sc.w s3, s2, (s1)
	CHECK(s3, 0)                            /* success is exactly 0 */
	PRINT_REG(s3)
	CHECK_MEMW(s3, resv, 0xabcd0001)
	/* a second sc.w: the reservation was consumed by the first */
	li s2, 0x77777777
	sc.w s3, s2, (s1)
	snez s3, s3
	CHECK(s3, 1)
	PRINT_REG(s3)
	CHECK_MEMW(s3, resv, 0xabcd0001)

	/* ---- sc.w to a different address than the lr.w: fails ---- */
	la s1, resv
	lr.w s3, (s1)
	addi s4, s1, 4
	li s2, 0x44444444
	sc.w s3, s2, (s4)
	snez s3, s3
	CHECK(s3, 1)
	PRINT_REG(s3)
	CHECK_MEMW(s3, resv + 4, 0x00002222)

	/* ---- an lr/sc increment loop (the usual atomic_add pattern) ---- */
	la s1, resv + 8
	li s5, 100
1:	lr.w s3, (s1)
	addi s3, s3, 3
	sc.w s4, s3, (s1)
	bnez s4, 1b
	addi s5, s5, -1
	bnez s5, 1b
	CHECK_MEMW(s3, resv + 8, 0x00003333 + 300)
	PRINT_REG(s3)

	/* ---- ordering-annotated variants behave the same here ---- */
	la s1, resv
	lr.w.aq s3, (s1)
	li s2, 0x0000aaaa
	sc.w.rl s4, s2, (s1)
	CHECK(s4, 0)
	lr.w.aqrl s3, (s1)
	CHECK(s3, 0x0000aaaa)
	li s2, 0x0000bbbb
	sc.w.aqrl s4, s2, (s1)
	CHECK(s4, 0)
	CHECK_MEMW(s3, resv, 0x0000bbbb)
	PRINT_REG(s3)
	/* rd == rs1 for lr.w */
	la s3, resv
	lr.w s3, (s3)
	CHECK(s3, 0x0000bbbb)

	/* ---- AMOs: old value in rd, op(old, rs2) in memory ---- */
	TAMO(amoswap.w, 0x11111111, 0xdeadbeef, 0x11111111, 0xdeadbeef)
	TAMO(amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0x80000000)   /* wraps */
	TAMO(amoadd.w, 0xffffffff, 1, 0xffffffff, 0)
	TAMO(amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xff00ff00, 0xf0f0f0f0)
	TAMO(amoand.w, 0xff00ff00, 0x0ff00ff0, 0xff00ff00, 0x0f000f00)
	TAMO(amoor.w, 0xff00ff00, 0x0ff00ff0, 0xff00ff00, 0xfff0fff0)
	/* signed min/max */
	TAMO(amomin.w, 0x80000000, 1, 0x80000000, 0x80000000)
	TAMO(amomin.w, 1, 0x80000000, 1, 0x80000000)
	TAMO(amomin.w, 0xffffffff, 0, 0xffffffff, 0xffffffff)
	TAMO(amomax.w, 0x80000000, 1, 0x80000000, 1)
	TAMO(amomax.w, 0xffffffff, 0, 0xffffffff, 0)
	TAMO(amomax.w, 5, 5, 5, 5)
	/* unsigned min/max: the opposite answers */
	TAMO(amominu.w, 0x80000000, 1, 0x80000000, 1)
	TAMO(amominu.w, 0xffffffff, 0, 0xffffffff, 0)
	TAMO(amomaxu.w, 0x80000000, 1, 0x80000000, 0x80000000)
	TAMO(amomaxu.w, 1, 0xffffffff, 1, 0xffffffff)
	TAMO(amomaxu.w, 0x7fffffff, 0x80000000, 0x7fffffff, 0x80000000)

	/* ---- .aq / .rl / .aqrl variants ---- */
	TAMO(amoswap.w.aq, 1, 2, 1, 2)
	TAMO(amoadd.w.rl, 10, 20, 10, 30)
	TAMO(amoxor.w.aqrl, 0x0f, 0xff, 0x0f, 0xf0)
	TAMO(amoand.w.aq, 0x0f, 0xff, 0x0f, 0x0f)
	TAMO(amoor.w.rl, 0x0f, 0xf0, 0x0f, 0xff)
	TAMO(amomin.w.aqrl, 0xfffffffe, 0xffffffff, 0xfffffffe, 0xfffffffe)
	TAMO(amomax.w.aq, 0xfffffffe, 0xffffffff, 0xfffffffe, 0xffffffff)
	TAMO(amominu.w.rl, 0xfffffffe, 3, 0xfffffffe, 3)
	TAMO(amomaxu.w.aqrl, 0xfffffffe, 3, 0xfffffffe, 0xfffffffe)

	/* ---- rd == x0: memory is still updated ---- */
	la s1, amow
	li s4, 40
	sw s4, 0(s1)
	li s2, 2
	amoadd.w x0, s2, (s1)
	CHECK_MEMW(s3, amow, 42)
	PRINT_REG(s3)
	amoswap.w x0, x0, (s1)                  /* stores 0 */
	CHECK_MEMW(s3, amow, 0)
	mv s3, x0
	CHECK(s3, 0)

	/* ---- rd == rs2: swap a register with memory ---- */
	la s1, amow
	li s4, 0x1234
	sw s4, 0(s1)
	li s3, 0x5678
	amoswap.w s3, s3, (s1)
	CHECK(s3, 0x1234)
	CHECK_MEMW(s4, amow, 0x5678)
	li s3, 0x10
	amoadd.w s3, s3, (s1)                   /* mem = 0x5678 + 0x10 */
	CHECK(s3, 0x5678)
	CHECK_MEMW(s4, amow, 0x5688)
	PRINT_REG(s4)

	/* ---- rd == rs1: the address is read before rd is written ---- */
	la s1, amow
	li s2, 0x100
	amoadd.w s1, s2, (s1)
	CHECK(s1, 0x5688)
	CHECK_MEMW(s4, amow, 0x5788)
	PRINT_REG(s4)

	/* the neighbour word was never touched */
	CHECK_MEMW(s3, amow + 4, 0x5a5a5a5a)
TEST_END
