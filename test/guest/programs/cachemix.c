/* Two hot loops in separate functions, for the trace-cache tests: mix()
 * adds a constant loaded by a marker instruction (li a5, 1234, an addi
 * from x0 that the tests find and patch in a copy of this ELF, changing
 * its output), and sum_squares() does not depend on it. Each prints one
 * line; the output is deterministic. */
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline)) static uint32_t mix(uint32_t n)
{
	uint32_t h = 0x811c9dc5u;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k;
		__asm__ volatile("li %0, 1234" : "=r"(k));
		h = (h ^ (i + k)) * 16777619u;
	}
	return h;
}

__attribute__((noinline)) static uint32_t sum_squares(uint32_t n)
{
	uint32_t s = 0;
	for (uint32_t i = 0; i < n; i++)
		s += i * i + (s >> 7);
	return s;
}

int main(void)
{
	printf("mix %08lx\n", (unsigned long)mix(300000));
	printf("squares %08lx\n", (unsigned long)sum_squares(300000));
	return 0;
}
