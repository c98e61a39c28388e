/* Cross-thread code modification: a writer thread rewrites a small
 * function in an RWX page (mmap2), executes fence.i and publishes the new
 * version (an atomic counter plus a futex wake); a caller thread waits for
 * it, executes its own fence.i (fence.i orders only the hart that runs it)
 * and calls the function at the same address, 50 times per version so an
 * emulator's translation of it is hot. A stale translation would return
 * the previous version's value. Versions differ in length and mix
 * compressed and 32-bit instructions. main prints what the caller saw. */
#include <stdint.h>
#include <stdio.h>
#include "linux_syscall.h"
#include "thread.h"

#define VERSIONS 6
#define CALLS 50

typedef int32_t (*fn_t)(void);

static uint16_t *code;			/* the RWX page */
static volatile int published, seen;	/* versions written, versions called */
static int32_t result[VERSIONS];
static volatile int consistent = 1;

/* fence.i as a word: the assembler's arch (rv32imac) lacks Zifencei. */
static void fence_i(void) { __asm__ volatile(".word 0x0000100f" ::: "memory"); }

static int pos;
static void emit16(uint16_t h) { code[pos++] = h; }
static void emit32(uint32_t w) { emit16((uint16_t)w); emit16((uint16_t)(w >> 16)); }

#define A0 10
#define T0 5
static uint32_t addi(int rd, int rs, int32_t imm) { return ((uint32_t)imm & 0xfff) << 20 | (uint32_t)rs << 15 | (uint32_t)rd << 7 | 0x13u; }
static uint32_t lui(int rd, uint32_t hi20) { return hi20 << 12 | (uint32_t)rd << 7 | 0x37u; }
static uint32_t add(int rd, int rs1, int rs2) { return (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | (uint32_t)rd << 7 | 0x33u; }
/* bne rs1, x0, off (off even, within +-4 KiB) */
static uint32_t bnez(int rs1, int32_t off)
{
	uint32_t o = (uint32_t)off;
	return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | (uint32_t)rs1 << 15 | 1u << 12 |
	       ((o >> 1) & 0xf) << 8 | ((o >> 11) & 1) << 7 | 0x63u;
}
#define RET 0x00008067u		/* jalr x0, 0(ra) */
#define C_RET 0x8082u		/* c.jr ra */
static uint16_t c_li(int rd, int imm) { return 0x4001u | ((imm >> 5) & 1) << 12 | rd << 7 | (imm & 31) << 2; }

/* Version v's code, and the value it returns. */
static int32_t write_version(int v)
{
	pos = 0;
	switch (v) {
	case 0: emit32(addi(A0, 0, 11)); emit32(RET); return 11;
	case 1: emit32(addi(A0, 0, 22)); emit32(RET); return 22;
	case 2: emit32(lui(A0, 0x12345)); emit32(addi(A0, A0, 0x678)); emit32(RET); return 0x12345678;
	case 3: emit16(c_li(A0, 7)); emit16(C_RET); return 7;
	case 4: /* sum 1..10 in a loop */
		emit32(addi(A0, 0, 0));
		emit32(addi(T0, 0, 10));
		emit32(add(A0, A0, T0));
		emit32(addi(T0, T0, -1));
		emit32(bnez(T0, -8));
		emit32(RET);
		return 55;
	default: emit16(c_li(A0, -1)); emit32(RET); return -1;
	}
}

static int32_t want[VERSIONS];

static void wait_until(volatile int *word, int value)
{
	int v;
	while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) != value)
		thr_futex_wait(word, v, 0);
}

static void publish(volatile int *word, int value)
{
	__atomic_store_n(word, value, __ATOMIC_RELEASE);
	thr_futex_wake(word, 1, 0);
}

static void *writer(void *arg)
{
	(void)arg;
	for (int v = 0; v < VERSIONS; v++) {
		wait_until(&seen, v);	/* the caller is done with the old code */
		want[v] = write_version(v);
		fence_i();
		publish(&published, v + 1);
	}
	return 0;
}

static void *caller(void *arg)
{
	fn_t fn = (fn_t)(uintptr_t)code;
	(void)arg;
	for (int v = 0; v < VERSIONS; v++) {
		wait_until(&published, v + 1);
		fence_i();
		int32_t first = fn();
		for (int i = 1; i < CALLS; i++)
			if (fn() != first)
				consistent = 0;
		result[v] = first;
		publish(&seen, v + 1);
	}
	return 0;
}

int main(void)
{
	long m = linux_syscall6(SYS_mmap2, 0, 4096, 7 /* PROT_READ|WRITE|EXEC */,
				0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
	if (m < 0 && m > -4096) {
		printf("mmap2: %ld\n", m);
		return 1;
	}
	code = (uint16_t *)m;

	thr_t w, c;
	thr_create(&c, caller, 0);
	thr_create(&w, writer, 0);
	thr_join(&w, 0);
	thr_join(&c, 0);

	int ok = consistent;
	for (int v = 0; v < VERSIONS; v++) {
		printf("version %d: caller got %ld (want %ld)\n", v, (long)result[v], (long)want[v]);
		ok &= result[v] == want[v];
	}
	printf("same value on every call: %s\n", consistent ? "yes" : "no");
	printf("%s\n", ok ? "ok" : "FAIL");
	return ok ? 0 : 1;
}
