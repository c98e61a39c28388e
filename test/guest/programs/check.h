/* What the system call test programs (files.c, syscalls.c) share: one
 * output line per check, the first failure's code as the exit code, and
 * errno names. Nothing host-dependent is printed: a positive result that
 * should have been an error prints as "positive". */
#ifndef HYEMU_CHECK_H
#define HYEMU_CHECK_H

#include <stdio.h>

#define L_ENOENT 2
#define L_EBADF 9
#define L_ENOMEM 12
#define L_EEXIST 17
#define L_ENOTDIR 20
#define L_EISDIR 21
#define L_EINVAL 22
#define L_ENOTTY 25
#define L_ENOSYS 38
#define L_ENOTEMPTY 39

static int first_fail;

/* Prints "name: detail" (default "ok"), or "FAIL name: detail" and keeps
 * the first failing check's code. */
static void result(int code, const char *name, int ok, const char *detail)
{
	if (ok) {
		printf("%s: %s\n", name, detail ? detail : "ok");
	} else {
		printf("FAIL %s: %s\n", name, detail ? detail : "failed");
		if (!first_fail)
			first_fail = code;
	}
}

static const char *err_name(long r)
{
	static char buf[32];
	switch (r) {
	case 0: return "0";
	case -L_ENOENT: return "ENOENT";
	case -L_EBADF: return "EBADF";
	case -L_ENOMEM: return "ENOMEM";
	case -L_EEXIST: return "EEXIST";
	case -L_ENOTDIR: return "ENOTDIR";
	case -L_EISDIR: return "EISDIR";
	case -L_EINVAL: return "EINVAL";
	case -L_ENOTTY: return "ENOTTY";
	case -L_ENOSYS: return "ENOSYS";
	case -L_ENOTEMPTY: return "ENOTEMPTY";
	}
	if (r < 0 && r > -4096)
		snprintf(buf, sizeof buf, "errno %ld", -r);
	else
		snprintf(buf, sizeof buf, "positive");
	return buf;
}

#endif
