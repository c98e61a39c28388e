#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	printf("hello from rv32, argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	char *p = malloc(100);
	strcpy(p, "malloc works");
	puts(p);
	free(p);
	return 3;
}
