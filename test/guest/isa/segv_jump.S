/* Jumping to an unmapped address (0x100, below the first segment) raises
 * SIGSEGV on the instruction fetch. Expected: one line printed, then
 * exit status 139.
 */
#include "test.h"
TEST_BEGIN
	li s3, 0x100
	PRINT_REG(s3)
	li s1, 0x100
	jalr ra, 0(s1)
	li s3, 0xbad                            /* never reached */
	PRINT_REG(s3)
TEST_END
