/* Reads stdin line by line with fgets and prints each line numbered; a
 * final line without a newline is printed with one. Lines longer than the
 * buffer come back in pieces and count as one line. Exits with the number
 * of lines (mod 256, as Linux reports exit statuses).
 *
 * picolibc 1.8's fgets returns NULL when it meets EOF, even after it has
 * stored a partial last line (without terminating it). So the buffer is
 * cleared before each call and a NULL return with data in it is taken as
 * that last line. */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char buf[128];
	int lines = 0, at_start = 1;
	for (;;) {
		memset(buf, 0, sizeof buf);
		char *got = fgets(buf, sizeof buf, stdin);
		if (!got) {
			if (buf[0] == 0)
				break;
			buf[sizeof buf - 1] = 0;
		}
		size_t len = strlen(buf);
		int complete = len > 0 && buf[len - 1] == '\n';
		if (at_start)
			printf("%4d: ", ++lines);
		fputs(buf, stdout);
		at_start = complete;
		if (!got)
			break;
	}
	if (!at_start)
		putchar('\n');
	printf("%d lines\n", lines);
	return lines;
}
