/* Synchronous faults for the reliability tests, made on the last of N
 * iterations of a loop (N = argv[3] or argv[2], default 1). With N = 1000
 * and tier 2 forced on early, the loop and the functions it calls are a hot
 * WebAssembly trace when the fault happens. Under qemu-riscv32 (and Linux)
 * the process dies of the signal: exit status 128 + signo.
 *
 *   rfault load  ADDR [N]   load a word from ADDR (hex)        SIGSEGV 139
 *   rfault store ADDR [N]   store a word to ADDR (hex)         SIGSEGV 139
 *   rfault text  [N]        store into rf_store's own code     SIGSEGV 139
 *   rfault jump  ADDR [N]   call ADDR (hex)                    SIGSEGV 139
 *   rfault ill   [N]        the all-zero instruction           SIGILL  132
 *   rfault amo   [N]        amoadd.w on a misaligned address   SIGBUS  135
 *   rfault lr    [N]        lr.w on a misaligned address       SIGBUS  135
 *
 * It prints one line first ("rfault MODE: N iterations"); surviving the
 * fault prints FAIL and exits 1; a bad mode exits 2. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile uint32_t cells[4] __attribute__((aligned(16)));
static volatile uint32_t sink;

static __attribute__((noinline)) uint32_t rf_load(volatile uint32_t *p)
{
	return *p;
}

static __attribute__((noinline)) void rf_store(volatile uint32_t *p, uint32_t v)
{
	*p = v;
}

static __attribute__((noinline)) void rf_nop(void)
{
	sink++;
}

static __attribute__((noinline)) void rf_ill(int last)
{
	if (last)
		__asm__ volatile(".4byte 0");
	sink++;
}

static __attribute__((noinline)) uint32_t rf_amo(volatile uint32_t *p)
{
	uint32_t old;
	__asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(1u) : "memory");
	return old;
}

static __attribute__((noinline)) uint32_t rf_lr(volatile uint32_t *p)
{
	uint32_t v;
	__asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(p) : "memory");
	return v;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int takes_addr = !strcmp(mode, "load") || !strcmp(mode, "store") || !strcmp(mode, "jump");
	if (takes_addr && argc < 3) {
		printf("usage: rfault load|store|jump ADDR [N]\n");
		return 2;
	}
	uintptr_t addr = takes_addr ? (uintptr_t)strtoul(argv[2], NULL, 16) : 0;
	const char *count = argc > (takes_addr ? 3 : 2) ? argv[takes_addr ? 3 : 2] : "1";
	long n = strtol(count, NULL, 10);
	if (n < 1)
		n = 1;
	volatile uint32_t *good = &cells[0];
	volatile uint32_t *misaligned = (volatile uint32_t *)((uintptr_t)&cells[1] + 2);
	printf("rfault %s: %ld iterations\n", mode, n);
	for (long i = 0; i < n; i++) {
		int last = i == n - 1;
		if (!strcmp(mode, "load")) {
			sink += rf_load(last ? (volatile uint32_t *)addr : good);
		} else if (!strcmp(mode, "store")) {
			rf_store(last ? (volatile uint32_t *)addr : good, (uint32_t)i);
		} else if (!strcmp(mode, "text")) {
			rf_store(last ? (volatile uint32_t *)(uintptr_t)&rf_store : good, (uint32_t)i);
		} else if (!strcmp(mode, "jump")) {
			void (*f)(void) = last ? (void (*)(void))addr : rf_nop;
			f();
		} else if (!strcmp(mode, "ill")) {
			rf_ill(last);
		} else if (!strcmp(mode, "amo")) {
			sink += rf_amo(last ? misaligned : good);
		} else if (!strcmp(mode, "lr")) {
			sink += rf_lr(last ? misaligned : good);
		} else {
			printf("usage: rfault load|store|text|jump|ill|amo|lr [ADDR] [N]\n");
			return 2;
		}
	}
	printf("FAIL: survived %s\n", mode);
	return 1;
}
