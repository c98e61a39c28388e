/* ebreak (the 32-bit encoding) in user mode raises SIGTRAP.
 * Expected: one line printed, then death by SIGTRAP (qemu-riscv32 exit
 * status 128 + 5 = 133).
 */
#include "test.h"
TEST_BEGIN
	li s3, 0x133
	PRINT_REG(s3)
	.option push
	.option norvc
	ebreak                                  /* 0x00100073 */
	.option pop
	li s3, 0xbad                            /* never reached */
	PRINT_REG(s3)
TEST_END
