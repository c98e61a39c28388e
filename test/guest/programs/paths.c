/* paths: how path names resolve, case by case, in the scratch directory
 * argv[1] (mounted at the same guest path). test/paths.test.ts builds the
 * fixture tree there on the host first (hyemu has no symlinkat):
 *
 *   f1 "f1"   y "top-y"   sub/y "sub-y"   sub/deeper/z "z"   emptydir/
 *   link -> sub/deeper      link3 -> link/..     flink -> f1
 *   abslink -> <argv[1]>/sub (absolute)          sub/dlink -> deeper
 *   slashlink -> ./sub/../sub/deeper/            dangling -> missing
 *   loop -> loop            ch0 -> ch1 -> ... -> ch40 -> f1 (41 links)
 *   "host\xfe\xff" "host-bytes"
 *
 * Prints one line per case, "op path: result", where result is the data
 * read, "dir", a file type, "0" or an errno name; bytes outside printable
 * ASCII print as \xNN. Nothing host-dependent is printed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "linux_syscall.h"

#define SYS_chdir 49
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define O_RDONLY 0
#define O_WRONLY 1
#define O_CREAT 0100
#define O_EXCL 0200
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define F_OK 0
#define SYS_faccessat 48

static const char *errname(long r)
{
	static char buf[24];
	switch (-r) {
	case 0: return "0";
	case 1: return "EPERM"; case 2: return "ENOENT"; case 9: return "EBADF"; case 13: return "EACCES";
	case 14: return "EFAULT"; case 16: return "EBUSY"; case 17: return "EEXIST"; case 20: return "ENOTDIR";
	case 21: return "EISDIR"; case 22: return "EINVAL"; case 30: return "EROFS"; case 34: return "ERANGE";
	case 36: return "ENAMETOOLONG"; case 39: return "ENOTEMPTY"; case 40: return "ELOOP";
	}
	snprintf(buf, sizeof buf, r < 0 ? "E%ld" : "positive", -r);
	return buf;
}

/* s with bytes outside printable ASCII as \xNN; long strings shortened. */
static const char *shown(const char *s)
{
	static char buf[2][200];
	static int which;
	char *out = buf[which ^= 1];
	size_t n = 0, len = strlen(s);
	out[0] = 0;
	for (size_t i = 0; i < len && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];
		n += (size_t)snprintf(out + n, 5, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c);
	}
	if (len > 40)
		snprintf(out + n, 40, "...(%u bytes)", (unsigned)len);
	return out;
}

static void print(const char *op, const char *path, const char *result)
{
	printf("%s %s: %s\n", op, shown(path), result);
}

/* Opens, reads a little and closes: "[data]", "dir", or the errno. */
static void try_open_at(int dirfd, const char *path, int flags)
{
	char label[16], buf[64];
	snprintf(label, sizeof label, "open%s%s%s%s", flags & O_CREAT ? "+c" : "", flags & O_EXCL ? "+x" : "",
		 flags & O_DIRECTORY ? "+d" : "", flags & O_NOFOLLOW ? "+n" : "");
	long fd = linux_syscall4(SYS_openat, dirfd, path, flags, 0644);
	if (fd < 0) {
		print(label, path, errname(fd));
		return;
	}
	long n = flags & O_WRONLY ? 0 : linux_syscall3(SYS_read, fd, buf, sizeof buf - 1);
	linux_syscall1(SYS_close, fd);
	if (n == -21) {
		print(label, path, "dir");
		return;
	}
	if (n < 0) {
		print(label, path, errname(n));
		return;
	}
	buf[n] = 0;
	char data[80];
	snprintf(data, sizeof data, "[%s]", buf);
	print(label, path, data);
}

static void try_open(const char *path, int flags) { try_open_at(AT_FDCWD, path, flags); }

static void try_stat(const char *path, int flags)
{
	struct linux_statx sx;
	long r = linux_syscall5(SYS_statx, AT_FDCWD, path, flags, 0x7ff, &sx);
	const char *type = (sx.mode & 0170000) == 0040000 ? "dir" : (sx.mode & 0170000) == 0100000 ? "reg"
		: (sx.mode & 0170000) == 0120000 ? "lnk" : "other";
	print(flags & AT_SYMLINK_NOFOLLOW ? "lstat" : "stat", path, r < 0 ? errname(r) : type);
}

static void try_call(const char *op, const char *path, long r) { print(op, path, errname(r)); }
static void try_mkdir(const char *path) { try_call("mkdir", path, linux_syscall3(SYS_mkdirat, AT_FDCWD, path, 0755)); }
static void try_rmdir(const char *path) { try_call("rmdir", path, linux_syscall3(SYS_unlinkat, AT_FDCWD, path, AT_REMOVEDIR)); }
static void try_unlink(const char *path) { try_call("unlink", path, linux_syscall3(SYS_unlinkat, AT_FDCWD, path, 0)); }
static void try_access(const char *path) { try_call("access", path, linux_syscall3(SYS_faccessat, AT_FDCWD, path, F_OK)); }
static void try_chdir(const char *path) { try_call("chdir", path, linux_syscall1(SYS_chdir, path)); }

static void try_readlink(const char *path)
{
	char buf[128];
	long n = linux_syscall4(SYS_readlinkat, AT_FDCWD, path, buf, sizeof buf - 1);
	if (n >= 0) {
		buf[n] = 0;
		char data[140];
		snprintf(data, sizeof data, "[%s]", buf);
		print("readlink", path, data);
	} else
		print("readlink", path, errname(n));
}

/* The working directory relative to the scratch directory `top`. */
static void show_cwd(const char *top, unsigned size)
{
	char buf[512];
	long r = linux_syscall2(SYS_getcwd, buf, size);
	size_t n = strlen(top);
	if (r < 0)
		print("getcwd", "", errname(r));
	else if (strncmp(buf, top, n) == 0 && (long)strlen(buf) + 1 == r)
		print("getcwd", "", buf[n] ? buf + n + 1 : ".");
	else
		print("getcwd", "", "unexpected");
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The directory's entries, sorted (the host's order varies). */
static void list(const char *path)
{
	static char buf[4096];
	char *names[128];
	int count = 0;
	long fd = linux_syscall4(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0);
	long n = fd < 0 ? fd : linux_syscall3(SYS_getdents64, fd, buf, sizeof buf);
	if (fd >= 0)
		linux_syscall1(SYS_close, fd);
	if (n < 0) {
		print("list", path, errname(n));
		return;
	}
	for (long off = 0; off < n && count < 128; off += *(uint16_t *)(buf + off + 16))
		names[count++] = buf + off + 19;
	qsort(names, count, sizeof names[0], by_name);
	printf("list %s:", path);
	for (int i = 0; i < count; i++)
		printf(" %s", shown(names[i]));
	printf("\n");
}

/* A path of exactly `len` bytes: "./" repeated, then `tail`. */
static char *long_path(size_t len, const char *tail)
{
	size_t t = strlen(tail);
	char *p = malloc(len + 1);
	memset(p, '/', len - t);
	for (size_t i = 0; i + 1 < len - t; i += 2)
		p[i] = '.';
	if ((len - t) % 2)
		p[len - t - 1] = '/';
	memcpy(p + len - t, tail, t + 1);
	return p;
}

static void long_names(void)
{
	char name[300];
	char *p = long_path(4095, "sub/y");
	try_open(p, O_RDONLY);
	free(p);
	p = long_path(4096, "sub/y");
	try_open(p, O_RDONLY);
	try_stat(p, 0);
	try_mkdir(p);
	free(p);
	memset(name, 'n', 255);
	name[255] = 0;
	try_open(name, O_RDONLY);
	memset(name, 'n', 256);
	name[256] = 0;
	try_open(name, O_RDONLY);
	try_open(name, O_WRONLY | O_CREAT);
	try_stat(name, 0);
	snprintf(name, sizeof name, "sub/%0256d/y", 0);
	try_stat(name, 0);
	snprintf(name, sizeof name, "missing/%0256d", 0);
	try_stat(name, 0);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: paths DIR\n");
		return 2;
	}
	const char *top = argv[1];
	if (linux_syscall1(SYS_chdir, top) < 0) {
		printf("cannot chdir to the scratch directory\n");
		return 2;
	}

	/* .. after a symbolic link applies to the link's target. */
	const char *follow[] = {
		"link/../y", "link/z", "link3/y", "abslink/y", "abslink/../y", "sub/dlink/../y", "slashlink/z",
		"slashlink/../y", "link/../../y", "link/./../deeper/../../f1", "ch1", "ch0", "loop", "loop/x",
		"sub/", "sub/.", "sub//", "link/", "sub/..", "sub/../sub/deeper/..",
		/* A non-directory (or nothing) in the middle of a path. */
		"f1/.", "f1/..", "f1/", "f1//", "f1/x", "flink/", "flink/.", "flink/x", "sub/y/..",
		"missing/x", "missing/", "dangling", "dangling/", "dangling/x",
	};
	for (size_t i = 0; i < sizeof follow / sizeof follow[0]; i++)
		try_open(follow[i], O_RDONLY);

	/* Flags: O_CREAT with a trailing slash, O_EXCL, O_NOFOLLOW, O_DIRECTORY. */
	try_open("f1/", O_WRONLY | O_CREAT);
	try_open("newname/", O_WRONLY | O_CREAT);
	try_open("missing/newname/", O_WRONLY | O_CREAT);
	try_open("f1/x/", O_WRONLY | O_CREAT);
	try_open("sub/", O_RDONLY | O_CREAT);
	try_open("sub", O_RDONLY | O_CREAT);
	try_open("sub/.", O_RDONLY | O_CREAT);
	try_open("f1", O_WRONLY | O_CREAT | O_EXCL);
	try_open("flink", O_WRONLY | O_CREAT | O_EXCL);
	try_open("dangling", O_WRONLY | O_CREAT | O_EXCL);
	try_open("link/../made", O_WRONLY | O_CREAT | O_EXCL);
	try_open("sub/made", O_RDONLY);
	try_open("flink", O_RDONLY | O_NOFOLLOW);
	try_open("link", O_RDONLY | O_NOFOLLOW);
	try_open("link/", O_RDONLY | O_NOFOLLOW);
	try_open("link/../y", O_RDONLY | O_NOFOLLOW);
	try_open("f1", O_RDONLY | O_DIRECTORY);
	try_open("flink", O_RDONLY | O_DIRECTORY);
	try_open("link", O_RDONLY | O_DIRECTORY);
	try_stat("newname", AT_SYMLINK_NOFOLLOW);

	/* stat and lstat: a trailing slash follows a link and wants a directory. */
	const char *stats[] = { "f1", "f1/", "sub/", "link", "link/", "flink", "flink/", "dangling", "dangling/", "missing/", "link/..", "link3", "/" };
	for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++) {
		try_stat(stats[i], 0);
		try_stat(stats[i], AT_SYMLINK_NOFOLLOW);
	}

	/* mkdir, rmdir, unlink: ".", ".." and trailing slashes. */
	const char *mkdirs[] = { "newdir/", "newdir", "newdir//", "sub/.", "sub/..", "f1/", "f1/x", "missing/x", "dangling", "dangling/", "link/", "link/../newd", "/" };
	for (size_t i = 0; i < sizeof mkdirs / sizeof mkdirs[0]; i++)
		try_mkdir(mkdirs[i]);
	try_stat("sub/newd", 0);
	try_stat("missing", AT_SYMLINK_NOFOLLOW);
	const char *rmdirs[] = { "sub/.", "sub/..", "emptydir/.", "f1/", "f1", "link/", "link", "missing", "missing/", "f1/.", "sub/newd/", "newdir//", "newdir" };
	for (size_t i = 0; i < sizeof rmdirs / sizeof rmdirs[0]; i++)
		try_rmdir(rmdirs[i]);
	const char *unlinks[] = { "sub/.", "sub/..", "f1/.", "f1/", "sub/", "sub", "link/", "flink/", "missing/", "dangling/", "missing/x", "sub/made/", "link/../made" };
	for (size_t i = 0; i < sizeof unlinks / sizeof unlinks[0]; i++)
		try_unlink(unlinks[i]);
	try_stat("sub/made", 0);
	try_stat("link", AT_SYMLINK_NOFOLLOW);

	/* readlink and access. */
	const char *links[] = { "link", "link/", "f1", "flink/", "link3", "sub/dlink/../dlink", "dangling", "missing" };
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
		try_readlink(links[i]);
	const char *accesses[] = { "link/../y", "f1/", "link/", "dangling", "flink" };
	for (size_t i = 0; i < sizeof accesses / sizeof accesses[0]; i++)
		try_access(accesses[i]);

	/* The working directory is where the links led, and .. leaves it. */
	try_chdir("link");
	show_cwd(top, 512);
	try_open("../y", O_RDONLY);
	try_chdir("..");
	show_cwd(top, 512);
	try_chdir("../f1");
	try_chdir("../link3/");
	show_cwd(top, 512);
	show_cwd(top, 4);
	try_call("chdir", "<top>", linux_syscall1(SYS_chdir, top));
	show_cwd(top, 512);

	/* Relative to a directory fd opened through a link. */
	long dfd = linux_syscall4(SYS_openat, AT_FDCWD, "link", O_RDONLY | O_DIRECTORY, 0);
	try_open_at(dfd, "../y", O_RDONLY);
	try_open_at(dfd, "z", O_RDONLY);
	try_open_at(dfd, "../../f1", O_RDONLY);
	linux_syscall1(SYS_close, dfd);
	long ffd = linux_syscall4(SYS_openat, AT_FDCWD, "f1", O_RDONLY, 0);
	try_open_at(ffd, "x", O_RDONLY);
	linux_syscall1(SYS_close, ffd);

	long_names();

	/* File names are bytes. */
	const char odd[] = "odd\xff\xfename";
	long fd = linux_syscall4(SYS_openat, AT_FDCWD, odd, O_WRONLY | O_CREAT, 0644);
	try_call("create", odd, fd < 0 ? fd : linux_syscall3(SYS_write, fd, "made", 4) == 4 ? 0 : -5);
	linux_syscall1(SYS_close, fd);
	try_open(odd, O_RDONLY);
	try_open("host\xfe\xff", O_RDONLY);
	try_mkdir("dir\xff");
	try_stat("dir\xff/", 0);
	list(".");
	return 0;
}
