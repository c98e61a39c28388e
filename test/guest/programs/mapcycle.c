/* Maps and unmaps 64 MiB chunks over and over, touching every page, in the
 * ways programs do; never more than 192 MiB mapped at once, far more
 * mapped over the run. Under a 256 MiB memory limit every round must
 * succeed: the limit counts what is mapped now.
 *
 *   plain   mmap 64 MiB, touch, munmap
 *   hint    the same with an address hint that moves each round
 *   phases  brk up by 192 MiB and back, then three 64 MiB mmaps unmapped
 *   fixed   MAP_FIXED 64 MiB over a part of a 192 MiB mapping (replacing it)
 *   mremap  mmap 64 MiB, mremap it to 128 MiB (may move), shrink, unmap
 *
 * One mode per run (memory the host once backed stays backed, so over one
 * run the guest can touch no more distinct pages than the limit: modes
 * that use different addresses do not add up). One line; exit 1 on a
 * failure, 2 for a bad mode. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "linux_syscall.h"

#define SYS_mremap 216
#define CHUNK (64UL << 20)
#define ROUNDS 12
#define PAGE 4096

static int is_err(long r) { return r < 0 && r > -4096; }

static long map(uintptr_t addr, unsigned long len, int flags)
{
	/* PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS */
	return linux_syscall6(SYS_mmap2, addr, len, 3, 0x22 | flags, -1, 0);
}

/* Writes every page; true if each read back zero first (a fresh page). */
static int touch(long p, unsigned long len, char mark)
{
	int fresh = 1;
	for (unsigned long off = 0; off < len; off += PAGE) {
		volatile char *c = (volatile char *)p + off;
		fresh &= *c == 0;
		*c = mark;
	}
	return fresh;
}

static int fail(const char *mode, int round, const char *what, long r)
{
	printf("%s: round %d: %s failed (%ld)\n", mode, round, what, r);
	return 1;
}

static int plain(int hinted)
{
	const char *mode = hinted ? "hint" : "plain";
	for (int i = 0; i < ROUNDS; i++) {
		uintptr_t hint = hinted ? 0x10000000 + (uintptr_t)(i % 8) * CHUNK : 0;
		long p = map(hint, CHUNK, 0);
		if (is_err(p))
			return fail(mode, i, "mmap", p);
		if (!touch(p, CHUNK, 1))
			return fail(mode, i, "fresh pages", 0);
		linux_syscall2(SYS_munmap, p, CHUNK);
	}
	printf("%s: %d rounds of 64 MiB\n", mode, ROUNDS);
	return 0;
}

static int phases(void)
{
	uintptr_t base = (uintptr_t)linux_syscall1(SYS_brk, 0);
	for (int i = 0; i < ROUNDS / 3; i++) {
		uintptr_t top = (uintptr_t)linux_syscall1(SYS_brk, base + 3 * CHUNK);
		if (top != base + 3 * CHUNK)
			return fail("phases", i, "brk", (long)top);
		touch((long)base, 3 * CHUNK, 2);
		linux_syscall1(SYS_brk, base);
		long p[3];
		for (int j = 0; j < 3; j++) {
			p[j] = map(0, CHUNK, 0);
			if (is_err(p[j]))
				return fail("phases", i, "mmap", p[j]);
			if (!touch(p[j], CHUNK, 3))
				return fail("phases", i, "fresh pages", 0);
		}
		for (int j = 0; j < 3; j++)
			linux_syscall2(SYS_munmap, p[j], CHUNK);
	}
	printf("phases: %d rounds of 192 MiB\n", ROUNDS / 3);
	return 0;
}

static int fixed(void)
{
	long r = map(0, 3 * CHUNK, 0);
	if (is_err(r))
		return fail("fixed", 0, "mmap 192 MiB", r);
	touch(r, 3 * CHUNK, 4);
	for (int i = 0; i < ROUNDS; i++) {
		uintptr_t at = (uintptr_t)r + (uintptr_t)(i % 3) * CHUNK;
		long p = map(at, CHUNK, 0x10 /* MAP_FIXED */);
		if (p != (long)at)
			return fail("fixed", i, "mmap MAP_FIXED", p);
		if (!touch(p, CHUNK, 5))
			return fail("fixed", i, "fresh pages", 0);
	}
	linux_syscall2(SYS_munmap, r, 3 * CHUNK);
	printf("fixed: %d rounds of 64 MiB\n", ROUNDS);
	return 0;
}

static int remap(void)
{
	for (int i = 0; i < ROUNDS; i++) {
		long p = map(0, CHUNK, 0);
		if (is_err(p))
			return fail("mremap", i, "mmap", p);
		touch(p, CHUNK, 6);
		long q = linux_syscall4(SYS_mremap, p, CHUNK, 2 * CHUNK, 1 /* MREMAP_MAYMOVE */);
		if (is_err(q))
			return fail("mremap", i, "mremap grow", q);
		/* The first half moved with its contents; the second is new. */
		if (*(volatile char *)q != 6 || *(volatile char *)(q + CHUNK - PAGE) != 6 || !touch(q + CHUNK, CHUNK, 7))
			return fail("mremap", i, "contents", 0);
		long s = linux_syscall4(SYS_mremap, q, 2 * CHUNK, CHUNK, 0);
		if (s != q)
			return fail("mremap", i, "mremap shrink", s);
		linux_syscall2(SYS_munmap, q, CHUNK);
	}
	printf("mremap: %d rounds of 64 MiB grown to 128 MiB\n", ROUNDS);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "plain"))
		return plain(0);
	if (!strcmp(mode, "hint"))
		return plain(1);
	if (!strcmp(mode, "phases"))
		return phases();
	if (!strcmp(mode, "fixed"))
		return fixed();
	if (!strcmp(mode, "mremap"))
		return remap();
	printf("usage: mapcycle plain|hint|phases|fixed|mremap\n");
	return 2;
}
