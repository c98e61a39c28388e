/* The text segment is mapped read + execute only, so a store into it
 * raises SIGSEGV (compare smc_asm.S, whose code is in an RWX segment).
 * Expected: one line printed, then exit status 139.
 */
#include "test.h"
TEST_BEGIN
	li s3, 0x5e9
	PRINT_REG(s3)
	la s1, _start
	lw s2, 0(s1)                            /* reading text is fine */
	sw s2, 0(s1)                            /* writing it is not */
	li s3, 0xbad                            /* never reached */
	PRINT_REG(s3)
TEST_END
