/* File I/O inside the scratch directory argv[1], mostly through raw Linux
 * rv32 system calls, plus picolibc's fopen/fprintf/fgets at the end. Works
 * in a subdirectory "work" that it creates and removes again. One line per
 * check; no paths are printed. A failed check prints "FAIL <name>: ..."
 * and the program exits with that check's code (the first failure's). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "linux_syscall.h"
#include "check.h"

#define L_AT_FDCWD (-100)
#define L_AT_REMOVEDIR 0x200
#define L_AT_EMPTY_PATH 0x1000
#define L_O_RDONLY 0
#define L_O_WRONLY 1
#define L_O_RDWR 2
#define L_O_CREAT 0100
#define L_O_EXCL 0200
#define L_O_TRUNC 01000
#define L_O_APPEND 02000
#define L_O_DIRECTORY 0200000
#define L_O_CLOEXEC 02000000
#define L_SEEK_SET 0
#define L_SEEK_CUR 1
#define L_SEEK_END 2
#define L_PROT_READ 1
#define L_PROT_WRITE 2
#define L_MAP_PRIVATE 2
#define L_S_IFMT 0170000
#define L_S_IFREG 0100000
#define L_S_IFDIR 0040000
#define PAGE 4096
#define DATA_SIZE 10000

struct iov {
	void *base;
	unsigned long len;
};

static unsigned char pattern(unsigned i)
{
	return (unsigned char)(i * 31 + (i >> 8));
}

/* asm-generic struct stat64 of data.bin as qemu fills it */
static int stat64_ok(const unsigned char *b)
{
	uint32_t mode;
	int64_t size;
	memcpy(&mode, b + 16, 4);
	memcpy(&size, b + 48, 8);
	return (mode & L_S_IFMT) == L_S_IFREG && size == DATA_SIZE && b[104] == 0xee;
}

static long sys_openat(int dirfd, const char *path, int flags, int mode)
{
	return linux_syscall4(SYS_openat, dirfd, path, flags, mode);
}

/* llseek(fd, offset_high, offset_low, &result, whence) */
static long sys_llseek(int fd, int64_t off, int whence, int64_t *res)
{
	return linux_syscall5(SYS_llseek, fd, (long)(off >> 32), (long)(uint32_t)off, res, whence);
}

/* On rv32 a 64-bit syscall argument takes the next two registers, low
 * word first, with no alignment padding. */
static long sys_pread64(int fd, void *buf, unsigned long n, int64_t off)
{
	return linux_syscall5(SYS_pread64, fd, buf, n, (long)(uint32_t)off, (long)(off >> 32));
}

static long sys_pwrite64(int fd, const void *buf, unsigned long n, int64_t off)
{
	return linux_syscall5(SYS_pwrite64, fd, buf, n, (long)(uint32_t)off, (long)(off >> 32));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory with getdents64 through a deliberately small buffer,
 * so that several calls are needed, and returns its names sorted as one
 * space-separated string (". " and ".. " included). */
static int list_dir(int fd, char *out, size_t outsz)
{
	static char names[64][64];
	char *ptrs[64];
	int n = 0;
	char buf[96] __attribute__((aligned(8)));
	int64_t res;
	if (sys_llseek(fd, 0, L_SEEK_SET, &res) != 0)
		return -1;
	for (;;) {
		long r = linux_syscall3(SYS_getdents64, fd, buf, sizeof buf);
		if (r < 0)
			return (int)r;
		if (r == 0)
			break;
		for (long off = 0; off < r;) {
			/* struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name */
			unsigned short reclen;
			memcpy(&reclen, buf + off + 16, 2);
			if (reclen < 20 || off + reclen > r)
				return -1000;
			if (n < 64) {
				strncpy(names[n], buf + off + 19, sizeof names[n] - 1);
				names[n][sizeof names[n] - 1] = 0;
				ptrs[n] = names[n];
				n++;
			}
			off += reclen;
		}
	}
	qsort(ptrs, (size_t)n, sizeof ptrs[0], cmp_str);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			strncat(out, " ", outsz - strlen(out) - 1);
		strncat(out, ptrs[i], outsz - strlen(out) - 1);
	}
	return n;
}

static void cleanup(int dfd)
{
	static const char *const files[] = { "work/data.bin", "work/a.txt", "work/b.txt", "work/f.txt",
					     "work/sub/inner", NULL };
	for (int i = 0; files[i]; i++)
		linux_syscall3(SYS_unlinkat, dfd, files[i], 0);
	linux_syscall3(SYS_unlinkat, dfd, "work/sub", L_AT_REMOVEDIR);
	linux_syscall3(SYS_unlinkat, dfd, "work", L_AT_REMOVEDIR);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: files SCRATCH_DIR\n");
		return 2;
	}
	static unsigned char data[DATA_SIZE], back[DATA_SIZE + 100];
	char line[160];
	long r;
	int64_t pos;

	long dfd = sys_openat(L_AT_FDCWD, argv[1], L_O_RDONLY | L_O_DIRECTORY | L_O_CLOEXEC, 0);
	result(3, "open scratch dir", dfd >= 0, dfd >= 0 ? NULL : err_name(dfd));
	if (dfd < 0)
		return 3;
	cleanup((int)dfd); /* leftovers of an earlier, interrupted run */

	/* mkdirat */
	r = linux_syscall3(SYS_mkdirat, dfd, "work", 0755);
	long r2 = linux_syscall3(SYS_mkdirat, dfd, "work", 0755);
	result(4, "mkdirat", r == 0, r == 0 ? NULL : err_name(r));
	result(4, "mkdirat existing", r2 == -L_EEXIST, err_name(r2));
	long wfd = sys_openat((int)dfd, "work", L_O_RDONLY | L_O_DIRECTORY, 0);
	result(4, "openat directory", wfd >= 0, wfd >= 0 ? NULL : err_name(wfd));
	if (wfd < 0)
		return 4;

	/* create, write, close */
	for (unsigned i = 0; i < DATA_SIZE; i++)
		data[i] = pattern(i);
	long fd = sys_openat((int)wfd, "data.bin", L_O_WRONLY | L_O_CREAT | L_O_TRUNC, 0644);
	long total = 0;
	if (fd >= 0) {
		for (unsigned off = 0; off < DATA_SIZE; off += 3000) {
			unsigned n = DATA_SIZE - off < 3000 ? DATA_SIZE - off : 3000;
			r = linux_syscall3(SYS_write, fd, data + off, n);
			if (r > 0)
				total += r;
		}
		r = linux_syscall1(SYS_close, fd);
	}
	result(5, "openat create + write + close", fd >= 0 && total == DATA_SIZE && r == 0, NULL);
	r = sys_openat((int)wfd, "data.bin", L_O_WRONLY | L_O_CREAT | L_O_EXCL, 0644);
	result(5, "openat O_EXCL existing", r == -L_EEXIST, err_name(r));
	r = linux_syscall1(SYS_close, fd);
	result(5, "close closed fd", r == -L_EBADF, err_name(r));

	/* reopen and read back */
	fd = sys_openat((int)wfd, "data.bin", L_O_RDONLY, 0);
	total = 0;
	if (fd >= 0)
		while ((r = linux_syscall3(SYS_read, fd, back + total, sizeof back - (unsigned long)total)) > 0)
			total += r;
	result(6, "reopen + read back", fd >= 0 && total == DATA_SIZE && r == 0 && memcmp(back, data, DATA_SIZE) == 0, NULL);
	r = linux_syscall3(SYS_write, fd, "x", 1);
	result(6, "write to O_RDONLY fd", r == -L_EBADF, err_name(r));

	/* llseek */
	int ok = 1;
	ok &= sys_llseek((int)fd, 100, L_SEEK_SET, &pos) == 0 && pos == 100;
	ok &= linux_syscall3(SYS_read, fd, back, 4) == 4 && memcmp(back, data + 100, 4) == 0;
	ok &= sys_llseek((int)fd, -50, L_SEEK_CUR, &pos) == 0 && pos == 54;
	ok &= linux_syscall3(SYS_read, fd, back, 1) == 1 && back[0] == data[54];
	ok &= sys_llseek((int)fd, 0, L_SEEK_END, &pos) == 0 && pos == DATA_SIZE;
	ok &= sys_llseek((int)fd, -10, L_SEEK_END, &pos) == 0 && pos == DATA_SIZE - 10;
	ok &= linux_syscall3(SYS_read, fd, back, 20) == 10 && memcmp(back, data + DATA_SIZE - 10, 10) == 0;
	ok &= sys_llseek((int)fd, 0, L_SEEK_CUR, &pos) == 0 && pos == DATA_SIZE;
	ok &= sys_llseek((int)fd, 0x100000000ll, L_SEEK_SET, &pos) == 0 && pos == 0x100000000ll;
	ok &= linux_syscall3(SYS_read, fd, back, 20) == 0;
	result(7, "llseek SEEK_SET/CUR/END", ok, NULL);
	r = sys_llseek((int)fd, -1, L_SEEK_SET, &pos);
	result(7, "llseek negative", r == -L_EINVAL, err_name(r));

	/* readv */
	struct iov iv[3];
	unsigned char b1[10], b2[1], b3[100];
	iv[0].base = b1, iv[0].len = sizeof b1;
	iv[1].base = b2, iv[1].len = sizeof b2;
	iv[2].base = b3, iv[2].len = sizeof b3;
	sys_llseek((int)fd, 500, L_SEEK_SET, &pos);
	r = linux_syscall3(SYS_readv, fd, iv, 3);
	ok = r == 111 && memcmp(b1, data + 500, 10) == 0 && b2[0] == data[510] && memcmp(b3, data + 511, 100) == 0;
	sys_llseek((int)fd, DATA_SIZE - 5, L_SEEK_SET, &pos);
	r = linux_syscall3(SYS_readv, fd, iv, 3);
	ok &= r == 5 && memcmp(b1, data + DATA_SIZE - 5, 5) == 0;
	result(8, "readv", ok, NULL);
	linux_syscall1(SYS_close, fd);

	/* statx */
	struct linux_statx sx;
	fd = sys_openat((int)wfd, "data.bin", L_O_RDWR, 0);
	memset(&sx, 0, sizeof sx);
	r = linux_syscall5(SYS_statx, fd, "", L_AT_EMPTY_PATH, 0x7ff, &sx);
	snprintf(line, sizeof line, "size %llu", (unsigned long long)sx.size);
	result(9, "statx fd", r == 0 && sx.size == DATA_SIZE && (sx.mode & L_S_IFMT) == L_S_IFREG && sx.nlink == 1, r == 0 ? line : err_name(r));
	memset(&sx, 0, sizeof sx);
	r = linux_syscall5(SYS_statx, dfd, "work", 0, 0x7ff, &sx);
	result(9, "statx directory by path", r == 0 && (sx.mode & L_S_IFMT) == L_S_IFDIR, r == 0 ? NULL : err_name(r));
	r = linux_syscall5(SYS_statx, wfd, "missing", 0, 0x7ff, &sx);
	result(9, "statx missing", r == -L_ENOENT, err_name(r));

	/* rv32 Linux has only statx: newfstatat (79) and fstat (80) are
	 * 64-bit-only (__ARCH_WANT_NEW_STAT) and answer ENOSYS. qemu-riscv32
	 * 7.2 implements them anyway, as fstatat64/fstat64 filling the 104-byte
	 * asm-generic struct stat64 (mode at 16, size at 48). Either is
	 * accepted and the same line printed. */
	static unsigned char statbuf[256];
	memset(statbuf, 0xee, sizeof statbuf);
	r = linux_syscall4(SYS_newfstatat, wfd, "data.bin", statbuf, 0);
	result(10, "newfstatat(79)", r == -L_ENOSYS || (r == 0 && stat64_ok(statbuf)), NULL);
	memset(statbuf, 0xee, sizeof statbuf);
	r = linux_syscall2(SYS_fstat, fd, statbuf);
	result(10, "fstat(80)", r == -L_ENOSYS || (r == 0 && stat64_ok(statbuf)), NULL);

	/* pwrite64 / pread64 leave the file offset alone */
	sys_llseek((int)fd, 123, L_SEEK_SET, &pos);
	r = sys_pwrite64((int)fd, "HELLO", 5, 5000);
	r2 = sys_pread64((int)fd, back, 9, 4998);
	ok = r == 5 && r2 == 9 && back[0] == data[4998] && back[1] == data[4999] && memcmp(back + 2, "HELLO", 5) == 0 &&
	     back[7] == data[5005] && back[8] == data[5006];
	ok &= sys_llseek((int)fd, 0, L_SEEK_CUR, &pos) == 0 && pos == 123;
	r = sys_pread64((int)fd, back, 100, DATA_SIZE - 3);
	ok &= r == 3;
	r = sys_pread64((int)fd, back, 100, DATA_SIZE + 0x100000000ll);
	ok &= r == 0;
	result(11, "pwrite64/pread64", ok, NULL);
	memcpy(data + 5000, "HELLO", 5);

	/* file-backed private mmap */
	r = linux_syscall6(SYS_mmap2, 0, DATA_SIZE, L_PROT_READ | L_PROT_WRITE, L_MAP_PRIVATE, fd, 0);
	if (r < 0 && r > -4096) {
		result(12, "mmap2 file", 0, err_name(r));
	} else {
		unsigned char *m = (unsigned char *)r;
		ok = memcmp(m, data, DATA_SIZE) == 0;
		/* the rest of the last page reads as zero */
		for (unsigned i = DATA_SIZE; i < 3 * PAGE; i++)
			if (m[i] != 0)
				ok = 0;
		result(12, "mmap2 file private: content", ok, NULL);
		memset(m + 4000, 'Z', 200);
		m[0] = 'Q';
		ok = m[0] == 'Q' && m[4100] == 'Z';
		r = linux_syscall2(SYS_munmap, m, DATA_SIZE);
		r2 = sys_pread64((int)fd, back, DATA_SIZE, 0);
		ok &= r == 0 && r2 == DATA_SIZE && memcmp(back, data, DATA_SIZE) == 0;
		result(12, "mmap2 file private: writes stay private", ok, NULL);
	}
	/* mmap2 takes the offset in 4096-byte units */
	r = linux_syscall6(SYS_mmap2, 0, PAGE, L_PROT_READ, L_MAP_PRIVATE, fd, 1);
	if (r < 0 && r > -4096) {
		result(12, "mmap2 file at page offset 1", 0, err_name(r));
	} else {
		result(12, "mmap2 file at page offset 1", memcmp((void *)r, data + PAGE, PAGE) == 0, NULL);
		linux_syscall2(SYS_munmap, r, PAGE);
	}
	linux_syscall1(SYS_close, fd);

	/* errors */
	r = sys_openat((int)wfd, "nonexistent", L_O_RDONLY, 0);
	result(13, "openat missing file", r == -L_ENOENT, err_name(r));
	r = sys_openat((int)wfd, "nodir/file", L_O_WRONLY | L_O_CREAT, 0644);
	result(13, "openat create in missing dir", r == -L_ENOENT, err_name(r));
	r = sys_openat((int)wfd, "data.bin/x", L_O_RDONLY, 0);
	result(13, "openat through a file", r == -L_ENOTDIR, err_name(r));
	r = sys_openat((int)wfd, "data.bin", L_O_RDONLY | L_O_DIRECTORY, 0);
	result(13, "openat O_DIRECTORY on a file", r == -L_ENOTDIR, err_name(r));
	r = sys_openat((int)dfd, "work", L_O_WRONLY, 0);
	result(13, "openat directory for writing", r == -L_EISDIR, err_name(r));

	/* more entries, then getdents64 */
	linux_syscall1(SYS_close, sys_openat((int)wfd, "b.txt", L_O_WRONLY | L_O_CREAT, 0644));
	linux_syscall1(SYS_close, sys_openat((int)wfd, "a.txt", L_O_WRONLY | L_O_CREAT, 0644));
	linux_syscall3(SYS_mkdirat, wfd, "sub", 0755);
	linux_syscall1(SYS_close, sys_openat((int)wfd, "sub/inner", L_O_WRONLY | L_O_CREAT, 0644));
	char names[256];
	int n = list_dir((int)wfd, names, sizeof names);
	result(14, "getdents64", n == 6 && strcmp(names, ". .. a.txt b.txt data.bin sub") == 0, names);
	char tiny[8] __attribute__((aligned(8)));
	int64_t p0;
	sys_llseek((int)wfd, 0, L_SEEK_SET, &p0);
	r = linux_syscall3(SYS_getdents64, wfd, tiny, sizeof tiny);
	result(14, "getdents64 buffer too small", r == -L_EINVAL, err_name(r));
	fd = sys_openat((int)wfd, "a.txt", L_O_RDONLY, 0);
	r = linux_syscall3(SYS_getdents64, fd, names, sizeof names);
	result(14, "getdents64 on a file", r == -L_ENOTDIR, err_name(r));
	linux_syscall1(SYS_close, fd);

	/* picolibc stdio on files */
	char path[1024];
	snprintf(path, sizeof path, "%s/work/f.txt", argv[1]);
	FILE *f = fopen(path, "w");
	ok = f != NULL;
	if (f) {
		for (int i = 1; i <= 5; i++)
			fprintf(f, "line %d: %s %05x\n", i, i % 2 ? "odd" : "even", i * 4099);
		ok &= fclose(f) == 0;
	}
	f = fopen(path, "a");
	ok &= f != NULL;
	if (f) {
		fputs("appended\n", f);
		ok &= fclose(f) == 0;
	}
	result(15, "fopen/fprintf/fclose", ok, NULL);
	f = fopen(path, "r");
	int lines = 0;
	char expect[64];
	ok = f != NULL;
	if (f) {
		while (fgets(line, sizeof line, f)) {
			lines++;
			if (lines <= 5)
				snprintf(expect, sizeof expect, "line %d: %s %05x\n", lines, lines % 2 ? "odd" : "even", lines * 4099);
			else
				strcpy(expect, "appended\n");
			if (strcmp(line, expect) != 0)
				ok = 0;
		}
		fclose(f);
	}
	snprintf(line, sizeof line, "%d lines", lines);
	result(15, "fopen/fgets", ok && lines == 6, line);
	memset(&sx, 0, sizeof sx);
	r = linux_syscall5(SYS_statx, wfd, "f.txt", 0, 0x7ff, &sx);
	result(15, "stdio file size", r == 0 && sx.size == 3 * 18 + 2 * 19 + 9, NULL);
	snprintf(path, sizeof path, "%s/work/missing.txt", argv[1]);
	errno = 0;
	f = fopen(path, "r");
	result(15, "fopen missing", f == NULL && errno == ENOENT, NULL);

	/* unlinkat */
	r = linux_syscall3(SYS_unlinkat, dfd, "work", L_AT_REMOVEDIR);
	result(16, "rmdir non-empty", r == -L_ENOTEMPTY, err_name(r));
	r = linux_syscall3(SYS_unlinkat, wfd, "sub", 0);
	result(16, "unlink a directory", r == -21 || r == -1 /* EISDIR, or EPERM */, NULL);
	ok = linux_syscall3(SYS_unlinkat, wfd, "data.bin", 0) == 0;
	ok &= linux_syscall3(SYS_unlinkat, wfd, "a.txt", 0) == 0;
	ok &= linux_syscall3(SYS_unlinkat, wfd, "b.txt", 0) == 0;
	ok &= linux_syscall3(SYS_unlinkat, wfd, "f.txt", 0) == 0;
	ok &= linux_syscall3(SYS_unlinkat, wfd, "sub/inner", 0) == 0;
	ok &= linux_syscall3(SYS_unlinkat, wfd, "sub", L_AT_REMOVEDIR) == 0;
	result(16, "unlinkat files and directory", ok, NULL);
	r = linux_syscall3(SYS_unlinkat, wfd, "data.bin", 0);
	result(16, "unlinkat missing", r == -L_ENOENT, err_name(r));
	n = list_dir((int)wfd, names, sizeof names);
	result(16, "getdents64 after unlink", n == 2 && strcmp(names, ". ..") == 0, names);
	linux_syscall1(SYS_close, wfd);
	r = linux_syscall3(SYS_unlinkat, dfd, "work", L_AT_REMOVEDIR);
	result(16, "rmdir", r == 0, r == 0 ? NULL : err_name(r));
	linux_syscall1(SYS_close, dfd);

	if (first_fail) {
		printf("files: FAILED\n");
		return first_fail;
	}
	printf("files: all ok\n");
	return 0;
}
