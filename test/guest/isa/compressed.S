/* RV32C: every compressed instruction valid on RV32 without F/D
 * (c.ebreak is in c_ebreak.S since it traps). The explicit `c.` mnemonics
 * force the 16-bit encodings (the assembler errors out if an operand does
 * not fit). Each immediate is taken at its extremes, because the RVC
 * immediates are scattered over the instruction bits in a different order
 * for every format and an off-by-one-bit decoder still passes small
 * values. Also: the link of c.jal / c.jalr is pc + 2 (not + 4); c.jalr ra
 * must read the old ra before linking; a 32-bit instruction may start at
 * a 2-byte aligned address and may straddle a 4 KiB page boundary.
 *
 * Registers: the 3-bit register fields only reach x8..x15 (s0, s1,
 * a0..a5); a0..a2 are clobbered by PRINT_REG, so a3..a5, s0, s1 are used.
 * sp points into a private stack area so sp-relative offsets can be
 * checked; PRINT_REG uses 16 bytes below sp. .option norelax keeps the
 * linker from changing any distance between labels that is checked.
 * NB: gas silently widens c.j/c.jal/c.beqz/c.bnez to 32-bit forms when
 * the target is out of range even with the explicit `c.` mnemonic, so
 * the layout around the extreme offsets is exact (verified with objdump).
 */
#include "test.h"

/* assemble one instruction as 32-bit */
#define NORVC(insn...) .option push; .option norvc; insn; .option pop

/* s5 = s5 << 1 | taken(op a3); check the new bit */
#define TCB(op, a, taken)   \
	li a3, a;               \
	slli s5, s5, 1;         \
	op a3, 1f;              \
	j 2f;                   \
1:	ori s5, s5, 1;          \
2:	andi s6, s5, 1;         \
	CHECK(s6, taken)

	.data
	.balign 4
cbuf:	/* source of c.lw: word i = 0x01010101 * i, except the last */
	.set i, 0
	.rept 31
	.word 0x01010101 * i
	.set i, i + 1
	.endr
	.word 0x8badf00d                    /* cbuf + 124: c.lw max offset */
cout:	.skip 128                           /* target of c.sw */

	.bss
	.balign 16
cstack:	.skip 2048
cstack_top = cstack + 1024                  /* room on both sides */

TEST_BEGIN
	.option rvc
	.option norelax
	la sp, cstack_top

	/* ---- c.addi4spn rd', sp, nzuimm (4..1020, multiple of 4) ---- */
	c.addi4spn s0, sp, 4
	sub s3, s0, sp
	CHECK(s3, 4)
	c.addi4spn a3, sp, 1020
	sub s3, a3, sp
	CHECK(s3, 1020)
	PRINT_REG(s3)
	c.addi4spn a5, sp, 512
	sub s3, a5, sp
	CHECK(s3, 512)

	/* ---- c.lw / c.sw: uimm 0..124, multiple of 4 ---- */
	la s1, cbuf
	c.lw a3, 0(s1)
	CHECK(a3, 0)
	c.lw a3, 4(s1)
	CHECK(a3, 0x01010101)
	c.lw a3, 64(s1)
	CHECK(a3, 0x10101010)
	c.lw a4, 124(s1)
	CHECK(a4, 0x8badf00d)
	PRINT_REG(a4)
	c.lw a5, 120(s1)
	CHECK(a5, 0x1e1e1e1e)
	PRINT_REG(a5)
	la a3, cbuf
	c.lw a3, 8(a3)                          /* rd == rs1' */
	CHECK(a3, 0x02020202)
	la s0, cout
	li a4, 0xfedcba98
	c.sw a4, 124(s0)
	NORVC(lw s3, 124(s0))
	CHECK(s3, 0xfedcba98)
	PRINT_REG(s3)
	li a5, 0x76543210
	c.sw a5, 0(s0)
	NORVC(lw s3, 0(s0))
	CHECK(s3, 0x76543210)
	NORVC(lw s3, 4(s0))
	CHECK(s3, 0)                            /* neighbour untouched */

	/* ---- c.nop ---- */
	li a3, 0x1234
	c.nop
	c.nop
	CHECK(a3, 0x1234)

	/* ---- c.addi rd, nzimm (-32..31), any rd ---- */
	li a3, 5
	c.addi a3, -32
	CHECK(a3, 0xffffffe5)
	PRINT_REG(a3)
	c.addi a3, 31
	CHECK(a3, 4)
	li t4, 0x7fffffff
	c.addi t4, 1                            /* wraps */
	CHECK(t4, 0x80000000)
	PRINT_REG(t4)
	c.addi t4, -1
	CHECK(t4, 0x7fffffff)

	/* ---- c.li rd, imm (-32..31), any rd ---- */
	c.li a3, -32
	CHECK(a3, 0xffffffe0)
	PRINT_REG(a3)
	c.li a3, 31
	CHECK(a3, 31)
	li t5, 77
	c.li t5, 0
	CHECK(t5, 0)
	c.li t6, -1
	CHECK(t6, 0xffffffff)

	/* ---- c.lui rd, nzimm: the 6-bit field is sign-extended from bit 17
	 * of the result; rd may be any register except x0/sp ---- */
	c.lui a3, 1
	CHECK(a3, 0x1000)
	c.lui a3, 31
	CHECK(a3, 0x1f000)
	PRINT_REG(a3)
	c.lui a3, 0xfffe0                       /* field -32 */
	CHECK(a3, 0xfffe0000)
	PRINT_REG(a3)
	c.lui t4, 0xfffff                       /* field -1 */
	CHECK(t4, 0xfffff000)
	PRINT_REG(t4)

	/* ---- c.addi16sp: nzimm -512..496, multiple of 16 ---- */
	mv s0, sp
	c.addi16sp sp, -512
	sub s3, sp, s0
	CHECK(s3, 0xfffffe00)
	PRINT_REG(s3)
	c.addi16sp sp, 496
	sub s3, sp, s0
	CHECK(s3, 0xfffffff0)
	c.addi16sp sp, 16
	CHECK_REG(sp, s0)

	/* ---- c.srli / c.srai (shamt 1..31) / c.andi (-32..31) ---- */
	li a3, 0x80000000
	c.srli a3, 31
	CHECK(a3, 1)
	li a3, 0xffffffff
	c.srli a3, 1                            /* logical: zero fill */
	CHECK(a3, 0x7fffffff)
	PRINT_REG(a3)
	li a3, 0x80000000
	c.srai a3, 31
	CHECK(a3, 0xffffffff)
	li a3, 0x80000000
	c.srai a3, 1                            /* arithmetic: sign fill */
	CHECK(a3, 0xc0000000)
	PRINT_REG(a3)
	li a3, 0x12345678
	c.andi a3, -32                          /* sign-extended: 0xffffffe0 */
	CHECK(a3, 0x12345660)
	PRINT_REG(a3)
	li a3, 0x12345678
	c.andi a3, 31
	CHECK(a3, 0x18)
	c.andi a3, 0
	CHECK(a3, 0)

	/* ---- c.sub / c.xor / c.or / c.and (rd', rs2') ---- */
	li a3, 0
	li a4, 1
	c.sub a3, a4
	CHECK(a3, 0xffffffff)
	PRINT_REG(a3)
	li a3, 0xff00ff00
	li a4, 0x0ff00ff0
	c.xor a3, a4
	CHECK(a3, 0xf0f0f0f0)
	PRINT_REG(a3)
	li a3, 0xf0f00000
	li a4, 0x0000f0f0
	c.or a3, a4
	CHECK(a3, 0xf0f0f0f0)
	li a3, 0xff00ff00
	c.and a3, a4                            /* & 0x0000f0f0 */
	CHECK(a3, 0x0000f000)
	PRINT_REG(a3)
	li s1, 0x80000000
	c.sub s1, s1
	CHECK(s1, 0)

	/* ---- c.slli rd, shamt (any rd) ---- */
	li a3, 1
	c.slli a3, 31
	CHECK(a3, 0x80000000)
	li t4, 0x40000001
	c.slli t4, 1
	CHECK(t4, 0x80000002)
	PRINT_REG(t4)

	/* ---- c.mv / c.add (any rd, rs2) ---- */
	li t4, 0xa5a5a5a5
	c.mv t5, t4
	CHECK(t5, 0xa5a5a5a5)
	PRINT_REG(t5)
	li t4, 0x7fffffff
	li t5, 0x7fffffff
	c.add t5, t4
	CHECK(t5, 0xfffffffe)
	PRINT_REG(t5)
	c.add t5, t5
	CHECK(t5, 0xfffffffc)

	/* ---- c.lwsp / c.swsp: uimm 0..252, multiple of 4 ---- */
	li t4, 0x87654321
	NORVC(sw t4, 252(sp))
	c.lwsp a3, 252(sp)
	CHECK(a3, 0x87654321)
	PRINT_REG(a3)
	li t4, 0x0f0f0f0f
	NORVC(sw t4, 0(sp))
	c.lwsp t6, 0(sp)                        /* any rd */
	CHECK(t6, 0x0f0f0f0f)
	li t5, 0x13572468
	c.swsp t5, 252(sp)
	NORVC(lw s3, 252(sp))
	CHECK(s3, 0x13572468)
	PRINT_REG(s3)
	li t5, 0x24681357
	c.swsp t5, 128(sp)
	NORVC(lw s3, 128(sp))
	CHECK(s3, 0x24681357)
	c.lwsp s3, 128(sp)
	CHECK(s3, 0x24681357)

	/* ---- c.beqz / c.bnez (offset -256..254), taken and not ---- */
	li s5, 0
	TCB(c.beqz, 0, 1)
	TCB(c.beqz, 1, 0)
	TCB(c.beqz, 0x80000000, 0)
	TCB(c.bnez, 0, 0)
	TCB(c.bnez, 0x80000000, 1)
	TCB(c.bnez, -1, 1)
	CHECK(s5, 0x23)
	PRINT_REG(s5)
	/* +254 */
	li a3, 0
cb1:	c.beqz a3, cb1_t
	.skip 252
cb1_t:	la s3, cb1_t
	la s4, cb1
	sub s3, s3, s4
	CHECK(s3, 254)
	PRINT_REG(s3)
	/* -256 */
	li a3, 7
	j cb2_br
cb2_t:	NORVC(jal x0, cb2_done)
	.skip 252
cb2_br:	c.bnez a3, cb2_t
	j fail
cb2_done:
	la s3, cb2_t
	la s4, cb2_br
	sub s3, s3, s4
	CHECK(s3, 0xffffff00)
	PRINT_REG(s3)

	/* ---- c.j: short forward/backward, and -2048 ---- */
	li a3, 0
	c.j cj1
	j fail
cj1_back:
	c.addi a3, 1
	c.j cj1_done
cj1:	c.addi a3, 2
	c.j cj1_back                            /* backward */
cj1_done:
	CHECK(a3, 3)
	j cj2_br
cj2_t:	NORVC(jal x0, cj2_done)
	.skip 2048 - 4
cj2_br:	c.j cj2_t                               /* offset -2048 */
	j fail
cj2_done:
	la s3, cj2_t
	la s4, cj2_br
	sub s3, s3, s4
	CHECK(s3, 0xfffff800)
	PRINT_REG(s3)

	/* ---- c.jal: link = pc + 2; offset +2046 ---- */
cjal1:	c.jal cjal1_t
	.skip 2046 - 2                          /* zeros: illegal if landed on */
cjal1_t:
	la s4, cjal1
	sub s3, ra, s4
	CHECK(s3, 2)
	PRINT_REG(s3)
	la s3, cjal1_t
	sub s3, s3, s4
	CHECK(s3, 2046)
	PRINT_REG(s3)
	/* a call and return: c.jal func, func returns with c.jr ra */
	li a3, 0
	c.jal cfunc_inc_a3
	c.jal cfunc_inc_a3
	CHECK(a3, 2)
	j 1f
cfunc_inc_a3:                               /* near, so c.jal reaches it */
	c.addi a3, 1
	c.jr ra
1:

	/* ---- c.jr rs1: no link; target bit 0 is cleared ---- */
	li ra, 0x66
	la a4, cjr1_t
	c.jr a4
	j fail
cjr1_t:	CHECK(ra, 0x66)
	la a4, cjr2_t + 1                       /* odd */
	c.jr a4
	j fail
cjr2_t:	CHECK(ra, 0x66)

	/* ---- c.jalr rs1: ra = pc + 2 ---- */
	la a4, cjalr1_t
cjalr1:	c.jalr a4
	j fail
cjalr1_t:
	la s4, cjalr1
	sub s3, ra, s4
	CHECK(s3, 2)
	PRINT_REG(s3)
	/* c.jalr ra: the target is the OLD ra */
	la ra, cjalr2_t
cjalr2:	c.jalr ra
	j fail                                  /* = new ra if done wrong */
cjalr2_t:
	la s4, cjalr2
	sub s3, ra, s4
	CHECK(s3, 2)
	/* call through a register; callee returns with c.jr ra */
	li a3, 0
	la s1, cfunc_inc_a3
	c.jalr s1
	CHECK(a3, 1)

	/* ---- a 32-bit instruction at a 2-byte aligned address ---- */
	li a3, 10
	j 1f
	.balign 4                               /* padding is not executed */
1:	c.nop
odd32:	NORVC(addi a3, a3, 0x123)               /* at 4n + 2 */
	c.nop
	CHECK(a3, 0x12d)
	la s3, odd32
	andi s3, s3, 3
	CHECK(s3, 2)
	PRINT_REG(s3)

	/* ---- a 32-bit instruction straddling a 4 KiB page boundary ---- */
	li a3, 0
	j pgx
	.balign 4096
	.skip 4096 - 8                          /* not executed */
pgx:	c.nop                                   /* page_end - 8 */
	c.li a3, 5                              /* page_end - 6 */
	c.addi a3, 1                            /* page_end - 4 */
pgx32:	NORVC(lui a4, 0x12345)                  /* page_end - 2 .. + 2 */
	NORVC(addi a4, a4, 0x678)               /* next page */
	CHECK(a3, 6)
	CHECK(a4, 0x12345678)
	PRINT_REG(a4)
	la s3, pgx32 + 2
	slli s3, s3, 20                         /* page aligned: low 12 = 0 */
	CHECK(s3, 0)
	/* ... and a compressed one in the last halfword of a page */
	j pgc
	.balign 4096
	.skip 4096 - 4
pgc:	c.li a3, 9                              /* page_end - 4 */
	c.addi a3, 3                            /* page_end - 2 */
	c.addi a3, 4                            /* next page */
	CHECK(a3, 16)
	PRINT_REG(a3)

	.option relax
TEST_END
