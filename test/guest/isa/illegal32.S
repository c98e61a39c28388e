/* A 32-bit encoding in the custom-0 major opcode (0b0001011), which no
 * standard extension defines. Expected: one line printed, then SIGILL
 * (qemu-riscv32 exit status 132).
 */
#include "test.h"
TEST_BEGIN
	li s3, 0x132
	PRINT_REG(s3)
	.word 0x0000000b                        /* custom-0: reserved */
	li s3, 0xbad                            /* never reached */
	PRINT_REG(s3)
TEST_END
