/* The all-zero 16-bit parcel is defined to be illegal (so that running
 * into zeroed memory traps). Expected: the line below is printed, then
 * the process dies of SIGILL (qemu-riscv32 exit status 128 + 4 = 132).
 */
#include "test.h"
TEST_BEGIN
	li s3, 0x111
	PRINT_REG(s3)
	.2byte 0x0000                           /* illegal */
	li s3, 0xbad                            /* never reached */
	PRINT_REG(s3)
TEST_END
