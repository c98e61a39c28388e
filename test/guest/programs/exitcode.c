/* Exits with the status given in argv[1] (Linux keeps status & 0xff).
 * argv[2] selects how: "exit" (default) calls exit(), "_exit" calls _exit(),
 * "return" returns from main. Output written with printf before exiting must
 * appear in every case (our runtime's _exit flushes stdout too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;
	const char *how = argc > 2 ? argv[2] : "exit";
	printf("exiting with %d via %s\n", status, how);
	if (strcmp(how, "_exit") == 0)
		_exit(status);
	if (strcmp(how, "return") == 0)
		return status;
	exit(status);
}
