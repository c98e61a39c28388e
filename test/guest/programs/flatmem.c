/* The memory models (RunOptions.memoryModel), one mode per run:
 *   hole      writes two mapped pages, unmaps the second, then reads it in
 *             a hot loop: SIGSEGV in the strict model (as Linux), zeros in
 *             the flat one
 *   protnone  reads a PROT_NONE page: SIGSEGV strict, zeros flat
 *   low       reads address 0x100 (below any mapping)
 *   high      reads the last word of the guest space and then past it
 *             (0x90000000): SIGSEGV in both models
 *   rodata    stores into a read-only string: SIGSEGV in both
 *   sum       a hot loop over mapped memory: the same sum in both */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "linux_syscall.h"

#define MAP_PRIVATE_ANON 0x22

static void *map(unsigned len, int prot)
{
	return (void *)linux_syscall6(SYS_mmap2, 0, len, prot, MAP_PRIVATE_ANON, -1, 0);
}

static uint32_t read_loop(volatile uint32_t *p, int words, int rounds)
{
	uint32_t sum = 0;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < words; i++) sum += p[i] + (uint32_t)i;
	return sum;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	setvbuf(stdout, 0, _IONBF, 0);
	if (!strcmp(m, "hole")) {
		uint32_t *p = map(8192, 3);
		for (int i = 0; i < 2048; i++) p[i] = 0x01010101u * (uint32_t)(i & 0xff);
		printf("mapped sum %08lx\n", (unsigned long)read_loop(p, 2048, 20));
		linux_syscall2(SYS_munmap, (long)(p + 1024), 4096);
		printf("hole sum %08lx\n", (unsigned long)read_loop(p + 1024, 1024, 20));
	} else if (!strcmp(m, "protnone")) {
		volatile uint32_t *p = map(4096, 0);
		printf("protnone reads %lx\n", (unsigned long)p[5]);
	} else if (!strcmp(m, "low")) {
		volatile uintptr_t low = 0x100;
		printf("low reads %lx\n", (unsigned long)*(volatile uint32_t *)low);
	} else if (!strcmp(m, "high")) {
		volatile uint32_t *top = (volatile uint32_t *)0x407ffffc;
		printf("top of the stack reads %s\n", *top == *top ? "a word" : "?");
		printf("past the guest space reads %lx\n", (unsigned long)*(volatile uint32_t *)0x90000000);
	} else if (!strcmp(m, "rodata")) {
		static const char msg[] = "read-only";
		*(volatile char *)msg = 'R';
		printf("stored into rodata\n");
	} else if (!strcmp(m, "sum")) {
		uint32_t *p = map(65536, 3);
		for (int i = 0; i < 16384; i++) p[i] = (uint32_t)i * 2654435761u;
		printf("sum %08lx\n", (unsigned long)read_loop(p, 16384, 30));
	} else {
		printf("usage: flatmem MODE\n");
		return 2;
	}
	return 0;
}
