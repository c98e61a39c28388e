/* An ecall with a syscall number that Linux does not define returns
 * -ENOSYS (-38) in a0 and the program continues (no signal, no exit).
 * a1..a5 are not clobbered by the kernel.
 */
#include "test.h"

#define ENOSYS 38

TEST_BEGIN
	li a7, 999
	li a0, 0x11111111
	li a1, 0x22222222
	li a5, 0x55555555
	ecall
	mv s3, a0
	CHECK(s3, -ENOSYS)
	CHECK(a1, 0x22222222)
	CHECK(a5, 0x55555555)
	CHECK(a7, 999)
	PRINT_REG(s3)
	/* another unassigned number (above the last one Linux 6.x defines) */
	li a7, 1000
	ecall
	mv s3, a0
	CHECK(s3, 0xffffffda)
	PRINT_REG(s3)
TEST_END
