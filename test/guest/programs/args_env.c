/* Prints the argument vector and the environment exactly as the process
 * received them (argv[0] by basename only), then looks up HYEMU_TEST with getenv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv, char **envp)
{
	printf("argc=%d\n", argc);
	/* argv[0] is however the runner named the program: print its last
	 * path component only. */
	const char *base = argv[0] ? strrchr(argv[0], '/') : NULL;
	printf("argv[0] basename=[%s]\n", base ? base + 1 : argv[0] ? argv[0] : "(null)");
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=[%s]\n", i, argv[i]);
	if (argv[argc] != NULL) {
		printf("FAIL argv[argc] is not NULL\n");
		return 1;
	}
	int n = 0;
	for (char **e = envp; *e; e++, n++)
		printf("env[%d]=[%s]\n", n, *e);
	printf("envc=%d\n", n);
	const char *v = getenv("HYEMU_TEST");
	if (v)
		printf("HYEMU_TEST=[%s]\n", v);
	else
		printf("HYEMU_TEST unset\n");
	return 0;
}
