/* Self-modifying and generated code. Small functions are written as rv32
 * instruction words into memory, run (many times, so that an emulator with
 * a translation cache has compiled them), patched, synchronised with
 * fence.i, and run again; the sums show whether the new code took effect.
 * Regions: an mmap2'd RWX page, a W^X-style page flipped between RW and RX
 * with mprotect, a page unmapped and mapped again at the same address, a
 * static .bss buffer made executable with mprotect, and a static buffer in
 * an "awx" section of the executable itself. One line per check; a failure
 * prints "FAIL ..." and the exit status is the first failing check's code. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "linux_syscall.h"

#define PAGE 4096
#define PROT_R 1
#define PROT_W 2
#define PROT_X 4
#define MAP_PRIVATE_ANON 0x22
#define MAP_FIXED 0x10
#define LOOPS 100000

#define RET 0x00008067u	    /* jalr x0, 0(ra) */
#define FENCE_I 0x0000100fu /* fence.i */
#define SW_A1_12_A2 0x00b62623u /* sw a1, 12(a2) */

typedef int32_t (*fn_t)(int32_t, uint32_t, void *);

static uint32_t addi_a0(int32_t imm) /* addi a0, a0, imm */
{
	return ((uint32_t)imm & 0xfff) << 20 | 10u << 15 | 10u << 7 | 0x13u;
}

static uint32_t slli_a0(unsigned sh) /* slli a0, a0, sh */
{
	return (sh & 31) << 20 | 10u << 15 | 1u << 12 | 10u << 7 | 0x13u;
}

/* fence.i, spelt as a word: gcc's .attribute arch line (no Zifencei in
 * rv32imac) makes the assembler reject the mnemonic. */
static void fence_i(void)
{
	__asm__ volatile(".word 0x0000100f" ::: "memory");
}

static int first_fail;

static void check(int code, const char *name, int32_t got, int32_t want)
{
	if (got == want) {
		printf("%s: %ld\n", name, (long)got);
	} else {
		printf("FAIL %s: got %ld want %ld\n", name, (long)got, (long)want);
		if (!first_fail)
			first_fail = code;
	}
}

static void *map(void *addr, int prot, int flags)
{
	long r = linux_syscall6(SYS_mmap2, addr, PAGE, prot, MAP_PRIVATE_ANON | flags, -1, 0);
	if (r < 0 && r > -4096)
		return NULL;
	return (void *)r;
}

/* Calls f LOOPS times, threading the value through. The function pointer
 * is read through a volatile so that every call really jumps to the
 * buffer. */
static int32_t hot(fn_t f, int32_t start)
{
	fn_t volatile vf = f;
	int32_t acc = start;
	for (int i = 0; i < LOOPS; i++)
		acc = vf(acc, 0, 0);
	return acc;
}

/* The patch-and-run sequence used on each region: code is the function's
 * first word, the region must be readable, writable and executable. */
static void exercise(int code, const char *what, volatile uint32_t *fn)
{
	char name[96];
	fn_t f = (fn_t)(uintptr_t)fn;

	/* addi a0, a0, 1; ret */
	fn[0] = addi_a0(1);
	fn[1] = RET;
	fence_i();
	snprintf(name, sizeof name, "%s: %d x (addi 1)", what, LOOPS);
	check(code, name, hot(f, 0), LOOPS);

	/* patch the immediate */
	fn[0] = addi_a0(3);
	fence_i();
	snprintf(name, sizeof name, "%s: %d x (addi 3)", what, LOOPS);
	check(code + 1, name, hot(f, 0), 3 * LOOPS);

	/* patch + a single call, no loop */
	fn[0] = addi_a0(-7);
	fence_i();
	snprintf(name, sizeof name, "%s: once (addi -7) on 100", what);
	check(code + 2, name, f(100, 0, 0), 93);

	/* a different instruction in the same place, and a longer body */
	fn[0] = slli_a0(2);
	fn[1] = addi_a0(5);
	fn[2] = RET;
	fence_i();
	snprintf(name, sizeof name, "%s: once (slli 2; addi 5) on 10", what);
	check(code + 3, name, f(10, 0, 0), 45);

	/* The function patches its own next instruction, then fence.i, then
	 * runs it: sw a1, 12(a2); fence.i; addi a0, a0, 0; <slot>; ret */
	fn[0] = SW_A1_12_A2;
	fn[1] = FENCE_I;
	fn[2] = addi_a0(0);
	fn[3] = addi_a0(1000);
	fn[4] = RET;
	fence_i();
	int32_t acc = 0;
	fn_t volatile vf = f;
	for (int i = 0; i < LOOPS; i++)
		acc = vf(acc, addi_a0(i & 1 ? 2 : 1), (void *)fn);
	/* half the calls add 1, half add 2 */
	snprintf(name, sizeof name, "%s: self-patching %d calls", what, LOOPS);
	check(code + 4, name, acc, LOOPS / 2 * 3);
	snprintf(name, sizeof name, "%s: slot holds last patch", what);
	check(code + 4, name, (int32_t)fn[3], (int32_t)addi_a0(2));
}

/* Code in the executable's own writable+executable section. The '#' ends
 * the section directive early (it starts a comment in RISC-V assembly), so
 * gcc's own "aw" flags are ignored and the section is "awx". The linker
 * then makes the whole data segment (.data .smc .sdata .sbss .bss) RWX and
 * warns "LOAD segment with RWX permissions"; that is expected. */
static uint32_t smc_section_buf[64] __attribute__((section(".smc,\"awx\",@progbits#"), aligned(64))) = { RET };

/* A page-aligned .bss buffer, mprotect'ed RWX (a no-op for the
 * permissions, given the RWX segment, but a second static region). */
static uint32_t bss_buf[2 * PAGE / 4] __attribute__((aligned(PAGE)));

int main(void)
{
	/* 1: anonymous RWX mapping */
	uint32_t *rwx = map(NULL, PROT_R | PROT_W | PROT_X, 0);
	if (!rwx) {
		printf("FAIL mmap2 RWX\n");
		return 1;
	}
	exercise(10, "mmap rwx", rwx);

	/* 2: W^X: write while RW, run while RX, flip back to patch */
	uint32_t *wx = map(NULL, PROT_R | PROT_W, 0);
	wx[0] = addi_a0(1);
	wx[1] = RET;
	long r1 = linux_syscall3(SYS_mprotect, wx, PAGE, PROT_R | PROT_X);
	fence_i();
	int32_t a = hot((fn_t)(uintptr_t)wx, 0);
	long r2 = linux_syscall3(SYS_mprotect, wx, PAGE, PROT_R | PROT_W);
	wx[0] = addi_a0(4);
	long r3 = linux_syscall3(SYS_mprotect, wx, PAGE, PROT_R | PROT_X);
	fence_i();
	int32_t b = hot((fn_t)(uintptr_t)wx, 0);
	check(20, "mprotect RW/RX flip: mprotect calls", (int32_t)(r1 | r2 | r3), 0);
	check(21, "mprotect RW/RX flip: before", a, LOOPS);
	check(22, "mprotect RW/RX flip: after", b, 4 * LOOPS);

	/* 3: unmap a page of hot code and map fresh code at the same address */
	long u = linux_syscall2(SYS_munmap, wx, PAGE);
	uint32_t *again = map(wx, PROT_R | PROT_W | PROT_X, MAP_FIXED);
	check(30, "remap at same address", u == 0 && again == wx, 1);
	if (again == wx) {
		/* fresh anonymous memory is zero: no stale code there */
		check(31, "remapped page is zero", (int32_t)again[0], 0);
		again[0] = addi_a0(9);
		again[1] = RET;
		fence_i();
		check(32, "remapped code: 100000 x (addi 9)", hot((fn_t)(uintptr_t)again, 0), 9 * LOOPS);
	}

	/* 4: static .bss buffer made RWX with mprotect */
	long m = linux_syscall3(SYS_mprotect, bss_buf, PAGE, PROT_R | PROT_W | PROT_X);
	check(40, "mprotect .bss page RWX", (int32_t)m, 0);
	if (m == 0)
		exercise(41, "bss", bss_buf);

	/* 5: the executable's "awx" section */
	exercise(50, "awx section", smc_section_buf);

	/* riscv_flush_icache(start, end, flags): Linux answers 0. */
	long fl = linux_syscall3(SYS_riscv_flush_icache, rwx, (uintptr_t)rwx + PAGE, 0);
	check(60, "riscv_flush_icache", (int32_t)fl, 0);

	if (first_fail) {
		printf("smc: FAILED\n");
		return first_fail;
	}
	printf("smc: all ok\n");
	return 0;
}
