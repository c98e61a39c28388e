/* GCC nested functions that use their parent's variables are called
 * through a trampoline written on the stack, so the program is linked
 * with -z execstack (PT_GNU_STACK with PF_X) and Linux maps its stack
 * executable. Each round writes a fresh trampoline over the last one, so
 * this also stores into code that has already run. */
#include <stdio.h>

static int __attribute__((noinline)) apply(int (*f)(int), int x)
{
	return f(x);
}

int main(int argc, char **argv)
{
	(void)argv;
	long sum = 0;
	for (int round = 0; round < 2000; round++) {
		int base = round * argc;
		int add(int v) { return v + base; }
		sum += apply(add, 5);
	}
	printf("nested functions: sum %ld\n", sum);
	return 0;
}
