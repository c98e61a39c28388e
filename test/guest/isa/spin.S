/* Loops forever: `1: j 1b`, after printing one line. Only an instruction
 * or time budget (or an abort) ends it; the reliability tests check that
 * it ends at its budget with exit 124 and a message, in both tiers.
 */
#include "test.h"
TEST_BEGIN
	li s3, 0x5b1
	PRINT_REG(s3)
1:	j 1b
TEST_END
