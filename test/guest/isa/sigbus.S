/* A misaligned atomic raises SIGBUS, as on Linux (qemu-riscv32 exits
 * 128 + 7 = 135): amoadd.w with no argument, lr.w with any argument.
 * Expected: one line printed, then exit status 135.
 */
#include "test.h"
TEST_BEGIN
	lw s4, 0(sp)                            /* argc (PRINT_REG clobbers t0-t3) */
	li s3, 0xb05
	PRINT_REG(s3)
	la s1, word
	addi s1, s1, 2                          /* misaligned */
	li t1, 2
	bge s4, t1, 1f
	li s2, 1
	amoadd.w s3, s2, (s1)
	j 2f
1:	lr.w s3, (s1)
2:	li s3, 0xbad                            /* never reached */
	PRINT_REG(s3)
TEST_END
	.data
	.balign 8
word:	.word 0x11111111, 0x22222222
