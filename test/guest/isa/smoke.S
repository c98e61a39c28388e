#include "test.h"
TEST_BEGIN
	li t4, 40
	addi t4, t4, 2
	CHECK(t4, 42)
	PRINT_REG(t4)
	li t5, -1
	srli t5, t5, 4
	CHECK(t5, 0x0fffffff)
	PRINT_REG(t5)
TEST_END
