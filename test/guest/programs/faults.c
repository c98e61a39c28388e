/* Dies of a synchronous fault chosen by argv[1], after printing a line
 * (stdout is flushed at each newline). Under qemu-riscv32 (and Linux) the
 * process is killed by the signal, which a shell reports as 128 + signal:
 *
 *   null     load from address 0                 SIGSEGV  139
 *   wild     store to unmapped 0x30000000        SIGSEGV  139
 *   text     store into main's own code          SIGSEGV  139
 *   unmapped load from a page after munmap       SIGSEGV  139
 *   nx       jump into a mapped non-exec page    SIGSEGV  139
 *   ill      execute the all-zero instruction    SIGILL   132
 *   ebreak   execute ebreak                      SIGTRAP  133
 *   abort    abort()                             SIGABRT  134
 *   stack    unbounded recursion                 SIGSEGV  139
 *
 * Reaching the line after the fault is a failure (exit 1); an unknown mode
 * exits 2. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "linux_syscall.h"

static volatile uintptr_t sink;

/* Each frame holds 1 KiB and touches all of it, so the stack pointer walks
 * down in steps smaller than a guard page and cannot jump over one. The
 * addition after the call keeps it from becoming a loop. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static __attribute__((noinline)) uintptr_t recurse(uintptr_t depth)
{
	volatile uint32_t frame[256];
	for (int i = 0; i < 256; i++)
		frame[i] = (uint32_t)(depth + (uintptr_t)i);
	return recurse(depth + 1) + frame[depth & 255];
}

static void *map_page(int prot)
{
	long r = linux_syscall6(SYS_mmap2, 0, 4096, prot, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
	if (r < 0 && r > -4096) {
		printf("mmap2 failed\n");
		exit(3);
	}
	return (void *)r;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "null") == 0) {
		printf("faulting: load from NULL\n");
		sink = *(volatile uintptr_t *)sink; /* sink is 0 */
	} else if (strcmp(mode, "wild") == 0) {
		printf("faulting: store to 0x30000000\n");
		*(volatile uint32_t *)0x30000000 = 1;
	} else if (strcmp(mode, "text") == 0) {
		printf("faulting: store into code\n");
		volatile uint32_t *code = (volatile uint32_t *)(uintptr_t)&main;
		*code = 0;
	} else if (strcmp(mode, "unmapped") == 0) {
		volatile uint32_t *p = map_page(3);
		p[10] = 42;
		long r = linux_syscall2(SYS_munmap, p, 4096);
		printf("faulting: load from an unmapped page (munmap %s)\n", r == 0 ? "ok" : "failed");
		sink = p[10];
	} else if (strcmp(mode, "nx") == 0) {
		uint32_t *p = map_page(3);
		p[0] = 0x00008067; /* ret */
		printf("faulting: jump into a non-executable page\n");
		((void (*)(void))p)();
	} else if (strcmp(mode, "ill") == 0) {
		printf("faulting: illegal instruction\n");
		__asm__ volatile(".word 0");
	} else if (strcmp(mode, "ebreak") == 0) {
		printf("faulting: ebreak\n");
		__asm__ volatile("ebreak");
	} else if (strcmp(mode, "abort") == 0) {
		printf("faulting: abort()\n");
		abort();
	} else if (strcmp(mode, "stack") == 0) {
		printf("faulting: unbounded recursion\n");
		sink = recurse(0);
	} else {
		printf("usage: faults null|wild|text|unmapped|nx|ill|ebreak|abort|stack\n");
		return 2;
	}
	printf("FAIL: survived mode %s\n", mode);
	return 1;
}
