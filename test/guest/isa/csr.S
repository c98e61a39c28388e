/* Zicsr user counters and Zifencei.
 *
 * cycle/time/instret (0xc00-0xc02) and their high halves (0xc80-0xc82)
 * are not deterministic, so only relations are checked and only 0/1
 * results are printed:
 *  - a 64-bit value read with the hi/lo/hi retry loop never goes
 *    backwards between two reads (the high half must be consistent with
 *    the low half, i.e. an emulator must not return e.g. instret >> 32
 *    from a different moment than the low word);
 *  - instret advances by at least the 10 addi executed between two reads.
 * (qemu-riscv32 returns the host TSC for all three counters, so its
 * deltas are thousands, not ~11.)
 * The other read-only encodings (csrrs/csrrc with rs1 = x0, csrrsi/csrrci
 * with uimm = 0) do not write the CSR and so must not trap on these
 * read-only counters. fence, fence.tso, pause and fence.i are no-ops for
 * a single-hart user-mode emulator.
 */
#include "test.h"

/* read the 64-bit counter lo/hi into (rhi, rlo) consistently */
#define READ64(lo, hi, rhi, rlo) \
1:	csrr rhi, hi;           \
	csrr rlo, lo;           \
	csrr s11, hi;           \
	bne rhi, s11, 1b;

/* (h2:l2) >= (h1:l1) as unsigned 64-bit, counted as one check */
#define CHECK_GE64(h2, l2, h1, l1) \
	addi s10, s10, 1;       \
	bltu h1, h2, 2f;        \
	bne h1, h2, fail;       \
	bltu l2, l1, fail;      \
2:	;

/* two 64-bit reads of one counter, second >= first; prints 1 */
#define MONO(lo, hi)            \
	READ64(lo, hi, s1, s2)      \
	READ64(lo, hi, s3, s4)      \
	CHECK_GE64(s3, s4, s1, s2)  \
	li s5, 1;                   \
	PRINT_REG(s5)

TEST_BEGIN
	/* ---- monotonic 64-bit reads ---- */
	MONO(0xc00, 0xc80)                      /* cycle, cycleh */
	MONO(0xc01, 0xc81)                      /* time, timeh */
	MONO(0xc02, 0xc82)                      /* instret, instreth */

	/* a longer interval: a loop of 1000 iterations in between */
	READ64(0xc00, 0xc80, s1, s2)
	li t4, 1000
3:	addi t4, t4, -1
	bnez t4, 3b
	READ64(0xc00, 0xc80, s3, s4)
	CHECK_GE64(s3, s4, s1, s2)
	CHECK(t4, 0)

	/* ---- instret counts at least the retired instructions ---- */
	csrr s1, 0xc02
	.rept 10
	addi t4, t4, 1
	.endr
	csrr s2, 0xc02
	sub s3, s2, s1                          /* mod 2^32: low-word wrap ok */
	sltiu s4, s3, 10                        /* 1 if delta < 10 */
	CHECK(s4, 0)
	CHECK(t4, 10)
	seqz s4, s4
	PRINT_REG(s4)

	/* and across a loop: 3 instructions x 200 iterations */
	csrr s1, 0xc02
	li t4, 200
4:	addi t4, t4, -1
	nop
	bnez t4, 4b
	csrr s2, 0xc02
	sub s3, s2, s1
	li s4, 600
	sltu s4, s3, s4
	CHECK(s4, 0)
	seqz s4, s4
	PRINT_REG(s4)

	/* ---- the other read-only encodings must not trap ---- */
	csrrs s1, 0xc00, x0                     /* = csrr */
	csrrsi s2, 0xc00, 0
	csrrc s3, 0xc00, x0
	csrrci s4, 0xc00, 0
	/* (the low words alone are not compared: they may wrap) */
	csrrs x0, 0xc02, x0                     /* rd = x0: read discarded */
	csrrsi x0, 0xc81, 0
	mv s3, x0
	CHECK(s3, 0)
	li s5, 1
	PRINT_REG(s5)

	/* ---- fences are no-ops ---- */
	li t4, 7
	fence
	fence rw, rw
	fence iorw, iorw
	fence r, r
	fence w, w
	fence.tso
	.word 0x0100000f                        /* pause (Zihintpause) */
	fence.i
	CHECK(t4, 7)
	li s5, 1
	PRINT_REG(s5)
TEST_END
