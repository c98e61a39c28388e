/* c.ebreak (0x9002), the compressed form left out of compressed.S
 * because it traps. Expected: one line printed, then SIGTRAP
 * (qemu-riscv32 exit status 133).
 */
#include "test.h"
TEST_BEGIN
	li s3, 0x9002
	PRINT_REG(s3)
	c.ebreak
	li s3, 0xbad                            /* never reached */
	PRINT_REG(s3)
TEST_END
