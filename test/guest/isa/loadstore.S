/* RV32I loads and stores: lb, lh, lw, lbu, lhu, sb, sh, sw.
 *
 * - sign vs zero extension of bytes/halves with the top bit set
 *   (0x80, 0xff, 0x8000, 0xffff) and clear (0x7f, 0x7fff);
 * - sb/sh store only the low bits of rs2 and leave neighbours intact;
 * - 12-bit sign-extended offsets, negative and at both extremes;
 * - rd == base register;
 * - MISALIGNED accesses: Linux user mode on RISC-V supports them (the
 *   kernel or the hardware emulates them), qemu-riscv32 performs them,
 *   so an emulator must not fault and must assemble the bytes in
 *   little-endian order, also when the access straddles a 4 KiB page
 *   (initialised .data and zero-filled .bss, which an emulator may back
 *   differently, e.g. one typed array per page).
 */
#include "test.h"

/* load `op` from off(base) into s3, check, print */
#define TL(op, off, base, exp) \
	op s3, off(base);       \
	CHECK(s3, exp)          \
	PRINT_REG(s3)

/* s4 = 0x55555555 in both words at 0(base) and 4(base) */
#define FILL55(base)        \
	li s4, 0x55555555;      \
	sw s4, 0(base);         \
	sw s4, 4(base)

	.data
	.balign 16
lbuf:	/* values for the sign-extension loads */
	.byte 0x80, 0xff, 0x7f, 0x01        /* +0 */
	.byte 0x00, 0x80, 0xff, 0xff        /* +4: halves 0x8000, 0xffff */
	.byte 0x78, 0x56, 0x34, 0x12        /* +8: word 0x12345678 */
	.byte 0xff, 0x7f, 0x01, 0x80        /* +12: halves 0x7fff, 0x8001 */
sbuf:	/* target of the aligned stores */
	.word 0x11111111, 0x22222222, 0x33333333, 0x44444444
mbuf:	/* source of the misaligned loads */
	.byte 0x11, 0x92, 0xa3, 0x34, 0xc5, 0x56, 0xe7, 0x78
mst:	/* target of the misaligned stores */
	.word 0, 0, 0
	.balign 4
big:	/* for the +2047 / -2048 offsets */
	.byte 0x9a
	.skip 2046
	.byte 0xab                          /* big + 2047 */
	.skip 16

	/* a word-sized run straddling a page boundary in initialised data */
	.balign 4096
	.skip 4092
dstr:	.byte 0xa1, 0xb2, 0xc3, 0xd4        /* last 4 bytes of a page */
	.byte 0xe5, 0xf6, 0x07, 0x18        /* first 4 bytes of the next */

	.bss
	.balign 4096
bpage:	.skip 8192                          /* boundary at bpage + 4096 */

TEST_BEGIN
	/* ---- sign / zero extension ---- */
	la s1, lbuf
	TL(lb, 0, s1, 0xffffff80)
	TL(lb, 1, s1, 0xffffffff)
	TL(lb, 2, s1, 0x7f)
	TL(lbu, 0, s1, 0x80)
	TL(lbu, 1, s1, 0xff)
	TL(lbu, 2, s1, 0x7f)
	TL(lh, 4, s1, 0xffff8000)
	TL(lh, 6, s1, 0xffffffff)
	TL(lh, 12, s1, 0x7fff)
	TL(lh, 14, s1, 0xffff8001)
	TL(lhu, 4, s1, 0x8000)
	TL(lhu, 6, s1, 0xffff)
	TL(lhu, 14, s1, 0x8001)
	TL(lw, 8, s1, 0x12345678)
	TL(lw, 0, s1, 0x017fff80)
	TL(lw, 4, s1, 0xffff8000)

	/* ---- negative offsets ---- */
	la s1, lbuf + 12
	TL(lw, -4, s1, 0x12345678)
	TL(lb, -12, s1, 0xffffff80)
	TL(lhu, -8, s1, 0x8000)

	/* ---- offset extremes: +2047, -2048 ---- */
	la s1, big
	TL(lbu, 2047, s1, 0xab)
	la s1, big + 2048
	TL(lb, -2048, s1, 0xffffff9a)
	la s1, big + 1                       /* odd base, offset -1 */
	TL(lb, -1, s1, 0xffffff9a)

	/* ---- rd == base ---- */
	la s3, lbuf
	lw s3, 8(s3)
	CHECK(s3, 0x12345678)
	/* loads into x0 are performed but the value is discarded */
	la s1, lbuf
	lw x0, 8(s1)
	lbu x0, 0(s1)
	mv s3, x0
	CHECK(s3, 0)

	/* ---- sb / sh / sw only store the low bits, neighbours intact ---- */
	la s1, sbuf
	li s2, 0xabcdef55
	sb s2, 5(s1)
	CHECK_MEMW(s3, sbuf + 4, 0x22225522)
	PRINT_REG(s3)
	CHECK_MEMW(s3, sbuf, 0x11111111)
	CHECK_MEMW(s3, sbuf + 8, 0x33333333)
	li s2, 0x9876abcd
	sh s2, 2(s1)
	CHECK_MEMW(s3, sbuf, 0xabcd1111)
	PRINT_REG(s3)
	CHECK_MEMW(s3, sbuf + 4, 0x22225522)
	li s2, 0xcafef00d
	sw s2, 8(s1)
	CHECK_MEMW(s3, sbuf + 8, 0xcafef00d)
	PRINT_REG(s3)
	CHECK_MEMW(s3, sbuf + 12, 0x44444444)
	/* the stored byte/half reads back with the right extension */
	TL(lb, 5, s1, 0x55)
	TL(lh, 2, s1, 0xffffabcd)
	TL(lhu, 2, s1, 0xabcd)
	/* negative store offsets */
	la s1, sbuf + 16
	li s2, 0x80
	sb s2, -1(s1)                        /* top byte of word 3 */
	CHECK_MEMW(s3, sbuf + 12, 0x80444444)
	PRINT_REG(s3)
	li s2, 0x7f01
	sh s2, -16(s1)
	CHECK_MEMW(s3, sbuf, 0xabcd7f01)
	PRINT_REG(s3)
	li s2, 0x0badcafe
	sw s2, -12(s1)
	CHECK_MEMW(s3, sbuf + 4, 0x0badcafe)
	PRINT_REG(s3)
	/* storing x0 */
	sw x0, -12(s1)
	CHECK_MEMW(s3, sbuf + 4, 0)
	/* store and load with base == data register */
	la s1, sbuf + 8
	sw s1, 0(s1)
	la s4, sbuf + 8
	lw s3, 0(s4)
	CHECK_REG(s3, s4)

	/* ---- misaligned loads ---- */
	la s1, mbuf
	TL(lw, 1, s1, 0xc534a392)
	TL(lw, 2, s1, 0x56c534a3)
	TL(lw, 3, s1, 0xe756c534)
	TL(lh, 1, s1, 0xffffa392)
	TL(lhu, 1, s1, 0xa392)
	TL(lh, 3, s1, 0xffffc534)
	TL(lhu, 3, s1, 0xc534)
	TL(lh, 5, s1, 0xffffe756)
	TL(lhu, 5, s1, 0xe756)
	la s1, mbuf + 4
	TL(lw, -3, s1, 0xc534a392)           /* misaligned, negative offset */

	/* ---- misaligned stores (neighbours prefilled with 0x55) ---- */
	la s1, mst
	li s2, 0xdeadbeef
	FILL55(s1)
	sw s2, 1(s1)
	CHECK_MEMW(s3, mst, 0xadbeef55)
	PRINT_REG(s3)
	CHECK_MEMW(s3, mst + 4, 0x555555de)
	PRINT_REG(s3)
	TL(lw, 1, s1, 0xdeadbeef)
	FILL55(s1)
	sw s2, 2(s1)
	CHECK_MEMW(s3, mst, 0xbeef5555)
	PRINT_REG(s3)
	CHECK_MEMW(s3, mst + 4, 0x5555dead)
	PRINT_REG(s3)
	FILL55(s1)
	sw s2, 3(s1)
	CHECK_MEMW(s3, mst, 0xef555555)
	PRINT_REG(s3)
	CHECK_MEMW(s3, mst + 4, 0x55deadbe)
	PRINT_REG(s3)
	li s2, 0xcafe
	FILL55(s1)
	sh s2, 1(s1)
	CHECK_MEMW(s3, mst, 0x55cafe55)
	PRINT_REG(s3)
	FILL55(s1)
	sh s2, 3(s1)
	CHECK_MEMW(s3, mst, 0xfe555555)
	PRINT_REG(s3)
	CHECK_MEMW(s3, mst + 4, 0x555555ca)
	PRINT_REG(s3)
	TL(lh, 3, s1, 0xffffcafe)

	/* ---- straddling a page boundary in .data (boundary at dstr+4) ---- */
	la s1, dstr
	/* layout check: dstr + 4 is page aligned */
	addi s3, s1, 4
	slli s3, s3, 20                      /* low 12 bits */
	CHECK(s3, 0)
	TL(lw, 0, s1, 0xd4c3b2a1)
	TL(lw, 4, s1, 0x1807f6e5)
	TL(lw, 1, s1, 0xe5d4c3b2)
	TL(lw, 2, s1, 0xf6e5d4c3)
	TL(lw, 3, s1, 0x07f6e5d4)
	TL(lh, 3, s1, 0xffffe5d4)
	TL(lhu, 3, s1, 0xe5d4)
	li s2, 0x12345678
	sw s2, 2(s1)
	TL(lw, 0, s1, 0x5678b2a1)
	TL(lw, 4, s1, 0x18071234)
	li s2, 0xbeef
	sh s2, 3(s1)
	TL(lw, 0, s1, 0xef78b2a1)
	TL(lw, 4, s1, 0x180712be)

	/* ---- straddling a page boundary in .bss (boundary at B) ---- */
	la s1, bpage + 4096
	slli s3, s1, 20
	CHECK(s3, 0)
	TL(lw, -2, s1, 0)                    /* zero-filled on both sides */
	li s2, 0xcafebabe
	sw s2, -1(s1)
	TL(lw, -4, s1, 0xbe000000)
	TL(lw, 0, s1, 0x00cafeba)
	TL(lw, -1, s1, 0xcafebabe)
	li s2, 0x1234
	sh s2, -1(s1)
	TL(lhu, -1, s1, 0x1234)
	TL(lw, -4, s1, 0x34000000)
	TL(lw, 0, s1, 0x00cafe12)
	/* byte accesses right at the boundary */
	li s2, 0x99
	sb s2, -1(s1)
	sb s2, 0(s1)
	TL(lh, -1, s1, 0xffff9999)
TEST_END
