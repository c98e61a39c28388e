/* A load from address 0 (never mapped) raises SIGSEGV. Expected: one
 * line printed, then qemu-riscv32 exit status 128 + 11 = 139.
 */
#include "test.h"
TEST_BEGIN
	li s3, 0x139
	PRINT_REG(s3)
	lw s3, 0(x0)
	li s3, 0xbad                            /* never reached */
	PRINT_REG(s3)
TEST_END
