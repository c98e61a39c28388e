/* stdin, stdout and stderr for picolibc's tiny stdio, on file descriptors
 * 0, 1 and 2. stdout is buffered (flushed on newline, when full and at
 * exit), stderr is unbuffered, as in a C library on Linux. */
#include <stdio.h>
#include <unistd.h>

static char out_buf[1024];
static unsigned out_len;

static void write_all(int fd, const char *p, unsigned n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return;
		p += w;
		n -= (unsigned)w;
	}
}

void __hyemu_stdio_flush(void)
{
	write_all(1, out_buf, out_len);
	out_len = 0;
}

static int out_put(char c, FILE *f)
{
	(void)f;
	out_buf[out_len++] = c;
	if (c == '\n' || out_len == sizeof out_buf)
		__hyemu_stdio_flush();
	return (unsigned char)c;
}

static int out_flush(FILE *f)
{
	(void)f;
	__hyemu_stdio_flush();
	return 0;
}

static int err_put(char c, FILE *f)
{
	(void)f;
	write_all(2, &c, 1);
	return (unsigned char)c;
}

static int in_get(FILE *f)
{
	(void)f;
	unsigned char c;
	__hyemu_stdio_flush();
	return read(0, &c, 1) == 1 ? c : EOF;
}

static FILE in_file = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ);
static FILE out_file = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE);
static FILE err_file = FDEV_SETUP_STREAM(err_put, NULL, NULL, _FDEV_SETUP_WRITE);

FILE *const stdin = &in_file;
FILE *const stdout = &out_file;
FILE *const stderr = &err_file;
