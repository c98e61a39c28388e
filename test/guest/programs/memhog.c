/* Asks for memory until it is refused, touching every page it gets (so
 * the host really backs it), and reports how far it got. Under a memory
 * limit, malloc (brk) must return NULL with errno ENOMEM and mmap must
 * fail with ENOMEM: a refusal, never a crash.
 *
 *   memhog brk    malloc 1 MiB chunks until NULL
 *   memhog mmap   mmap2 1 MiB anonymous chunks until an error
 *   memhog huge   one 3 GiB mmap2 and one 2 GiB malloc: both refused
 *   memhog walk   map 16 MiB with MAP_FIXED at 16 MiB steps from
 *                 0x10000000 to 0x3f000000, touch it, unmap it (never more
 *                 than 16 MiB mapped at once; 768 MiB touched in total
 *                 unless refused with ENOMEM)
 *
 * Prints one line per phase; exits 0 when every refusal was ENOMEM, 1
 * otherwise, 2 for a bad mode. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "linux_syscall.h"

#define L_ENOMEM 12
#define CHUNK (1024 * 1024)
#define PAGE 4096

static long mmap_anon(uintptr_t addr, unsigned long len, int fixed)
{
	/* PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS (|MAP_FIXED) */
	return linux_syscall6(SYS_mmap2, addr, len, 3, 0x22 | (fixed ? 0x10 : 0), -1, 0);
}

static int is_err(long r) { return r < 0 && r > -4096; }

static void touch(volatile char *p, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += PAGE)
		p[off] = (char)(off >> 12);
}

static int hog_brk(void)
{
	unsigned long mib = 0;
	for (;;) {
		errno = 0;
		char *p = malloc(CHUNK);
		if (p == NULL) {
			int e = errno;
			printf("malloc: NULL after %lu MiB, errno %s\n", mib, e == ENOMEM ? "ENOMEM" : "other");
			return e == ENOMEM ? 0 : 1;
		}
		touch(p, CHUNK);
		mib++;
	}
}

static int hog_mmap(void)
{
	unsigned long mib = 0;
	for (;;) {
		long r = mmap_anon(0, CHUNK, 0);
		if (is_err(r)) {
			printf("mmap: failed after %lu MiB, %s\n", mib, r == -L_ENOMEM ? "ENOMEM" : "other error");
			return r == -L_ENOMEM ? 0 : 1;
		}
		touch((volatile char *)r, CHUNK);
		mib++;
	}
}

static int hog_huge(void)
{
	long r = mmap_anon(0, 3UL << 30, 0);
	printf("mmap 3 GiB: %s\n", r == -L_ENOMEM ? "ENOMEM" : is_err(r) ? "other error" : "succeeded");
	errno = 0;
	volatile size_t two_gib = 2UL << 30;
	void *p = malloc(two_gib);
	int e = errno;
	printf("malloc 2 GiB: %s\n", p == NULL ? (e == ENOMEM ? "NULL, ENOMEM" : "NULL, other errno") : "succeeded");
	return r == -L_ENOMEM && p == NULL && e == ENOMEM ? 0 : 1;
}

static int hog_walk(void)
{
	const unsigned long len = 16UL << 20;
	unsigned long rounds = 0;
	for (uintptr_t a = 0x10000000; a < 0x40000000; a += len) {
		long r = mmap_anon(a, len, 1);
		if (r == -L_ENOMEM) {
			/* Refusing memory the host would have to keep is fine too. */
			printf("walk: ENOMEM after %lu rounds of 16 MiB\n", rounds);
			return 0;
		}
		if (is_err(r) || (uintptr_t)r != a) {
			printf("walk: mmap at %#lx failed after %lu rounds\n", (unsigned long)a, rounds);
			return 1;
		}
		touch((volatile char *)r, len);
		if (linux_syscall2(SYS_munmap, r, len) != 0) {
			printf("walk: munmap failed\n");
			return 1;
		}
		rounds++;
	}
	printf("walk: %lu rounds of 16 MiB\n", rounds);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "brk"))
		return hog_brk();
	if (!strcmp(mode, "mmap"))
		return hog_mmap();
	if (!strcmp(mode, "huge"))
		return hog_huge();
	if (!strcmp(mode, "walk"))
		return hog_walk();
	printf("usage: memhog brk|mmap|huge|walk\n");
	return 2;
}
