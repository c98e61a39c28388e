/* Self-modifying code (named smc_asm because programs/smc.c already
 * builds bin/smc.elf). An emulator that caches decoded instructions or
 * translated blocks must notice stores into code, at least after fence.i.
 * Each function below is first made "hot" by calling it 1000 times, then
 * patched with a store + fence.i, then called 1000 times again; the sums
 * show which version ran every time.
 *
 * The patched code lives in section .smc with flags "awx" so the linker
 * puts it in a writable and executable (RWX) PT_LOAD segment; the normal
 * .text segment is R+X only (see segv_store_text.S). ld 2.40 warns
 * "has a LOAD segment with RWX permissions", which is expected here.
 */
#include "test.h"

/* call `fn` 1000 times, s6 = sum of the returned a0 */
#define CALL1000(fn)        \
	li s5, 1000;            \
	li s6, 0;               \
1:	call fn;                \
	add s6, s6, a0;         \
	addi s5, s5, -1;        \
	bnez s5, 1b

	.section .smc, "awx"
	.option push
	.option norvc
	.option norelax
	.balign 4
	/* returns 1; its first instruction is patched to return 2, then 3 */
smc_ret:
smc_ret_insn:
	addi a0, x0, 1                          /* 0x00100513 */
	ret

	/* patches the instruction after its own fence.i with the word in a1
	 * and then executes it: the modified instruction is in the block
	 * that is currently running */
smc_self:                                   /* 4-aligned: follows smc_ret */
	auipc t4, 0
	sw a1, 12(t4)                           /* smc_self_insn: 3 insns on */
	fence.i
smc_self_insn:
	addi a0, x0, 0                          /* replaced */
	ret

	/* returns 4; a compressed instruction, patched with a halfword */
smc_c:
	.option rvc
smc_c_insn:
	c.li a0, 4                              /* 0x4511 */
	c.nop
	ret
	.option norvc
	.option pop

	.text
TEST_BEGIN
	/* ---- a 32-bit instruction ---- */
	CALL1000(smc_ret)
	CHECK(s6, 1000)
	PRINT_REG(s6)
	la s1, smc_ret_insn
	li s2, 0x00200513                       /* addi a0, x0, 2 */
	sw s2, 0(s1)
	fence.i
	CALL1000(smc_ret)
	CHECK(s6, 2000)
	PRINT_REG(s6)
	/* patch the same word again */
	li s2, 0x00300513                       /* addi a0, x0, 3 */
	sw s2, 0(s1)
	fence.i
	CALL1000(smc_ret)
	CHECK(s6, 3000)
	PRINT_REG(s6)

	/* ---- a 16-bit instruction patched with sh ---- */
	CALL1000(smc_c)
	CHECK(s6, 4000)
	PRINT_REG(s6)
	la s1, smc_c_insn
	li s2, 0x4515                           /* c.li a0, 5 */
	sh s2, 0(s1)
	fence.i
	CALL1000(smc_c)
	CHECK(s6, 5000)
	PRINT_REG(s6)
	/* replace the 2 compressed instructions by one 32-bit addi a0,x0,6 */
	li s2, 0x00600513
	sh s2, 0(s1)
	srli s2, s2, 16
	sh s2, 2(s1)
	fence.i
	CALL1000(smc_c)
	CHECK(s6, 6000)
	PRINT_REG(s6)

	/* ---- code that patches itself inside the running block ---- */
	li a1, 0x04d00513                       /* addi a0, x0, 77 */
	call smc_self
	CHECK(a0, 77)
	PRINT_REG(a0)
	li a1, 0x05800513                       /* addi a0, x0, 88 */
	call smc_self
	CHECK(a0, 88)
	PRINT_REG(a0)
	/* in a hot loop, alternating values */
	li s5, 1000
	li s6, 0
2:	andi a1, s5, 1
	slli a1, a1, 20                         /* imm = s5 & 1 */
	li t5, 0x00000513                       /* addi a0, x0, 0 */
	or a1, a1, t5
	call smc_self
	add s6, s6, a0
	addi s5, s5, -1
	bnez s5, 2b
	CHECK(s6, 500)                          /* 500 odd counts */
	PRINT_REG(s6)
TEST_END
