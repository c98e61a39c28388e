/* Eight threads hammer shared words with the A extension's AMOs and an
 * LR/SC loop, written as inline assembly so the instructions are exactly
 * these. Every final value is independent of the interleaving, and so is
 * the sum of the old values the increments return (0+1+...+n-1 if each
 * returned a distinct one). */
#include <stdint.h>
#include <stdio.h>
#include "thread.h"

#define THREADS 8
#define ITERS 4000
#define TOTAL (THREADS * ITERS)

static volatile int32_t amo_count, lrsc_count, or_bits, and_bits = -1, max_s, min_s, xor_word;
static volatile uint32_t max_u, min_u = 0xffffffffu;
static volatile int32_t spin;		/* an amoswap lock guarding plain_count */
static int32_t plain_count;
static volatile int go;

static inline int32_t amoadd(volatile int32_t *p, int32_t v)
{
	int32_t old;
	__asm__ volatile("amoadd.w.aqrl %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
	return old;
}

/* An increment as an LR/SC retry loop; returns the old value. */
static inline int32_t lrsc_inc(volatile int32_t *p)
{
	int32_t old, fail;
	__asm__ volatile("1: lr.w.aq %0, (%2)\n"
			 "   addi %1, %0, 1\n"
			 "   sc.w.rl %1, %1, (%2)\n"
			 "   bnez %1, 1b"
			 : "=&r"(old), "=&r"(fail) : "r"(p) : "memory");
	return old;
}

#define AMO(op, p, v) \
	__asm__ volatile(op " zero, %1, (%0)" : : "r"(p), "r"(v) : "memory")

/* One per thread: its id and the sums of the old values its increments saw. */
struct job { int id; uint64_t amo_old_sum, lrsc_old_sum; };

static void *run(void *arg)
{
	struct job *j = arg;
	int id = j->id;
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		thr_futex_wait(&go, 0, 0);
	for (int i = 0; i < ITERS; i++) {
		j->amo_old_sum += (uint32_t)amoadd(&amo_count, 1);
		j->lrsc_old_sum += (uint32_t)lrsc_inc(&lrsc_count);
		/* Thread id owns bits 4id..4id+3: it sets all four, clears three. */
		AMO("amoor.w", &or_bits, 1u << (4 * id + (i & 3)));
		AMO("amoand.w", &and_bits, ~(1u << (4 * id + (i % 3))));
		int32_t v = id * ITERS + i - TOTAL / 2;
		AMO("amomax.w", &max_s, v);
		AMO("amomin.w", &min_s, v);
		AMO("amomaxu.w", &max_u, (uint32_t)v);
		AMO("amominu.w", &min_u, (uint32_t)v);
		AMO("amoxor.w", &xor_word, (uint32_t)(id * ITERS + i + 1) * 2654435761u);
		if ((i & 7) == 0) {
			int32_t held;
			for (;;) {
				__asm__ volatile("amoswap.w.aq %0, %2, (%1)" : "=r"(held) : "r"(&spin), "r"(1) : "memory");
				if (!held)
					break;
				thr_yield();	/* the holder may be descheduled */
			}
			plain_count++;
			__asm__ volatile("amoswap.w.rl zero, zero, (%0)" : : "r"(&spin) : "memory");
		}
	}
	return 0;
}

int main(void)
{
	static thr_t t[THREADS];
	static struct job jobs[THREADS];
	for (int i = 0; i < THREADS; i++) {
		jobs[i].id = i;
		thr_create(&t[i], run, &jobs[i]);
	}
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	thr_futex_wake(&go, THREADS, 0);
	uint64_t amo_old = 0, lrsc_old = 0;
	for (int i = 0; i < THREADS; i++) {
		thr_join(&t[i], 0);
		amo_old += jobs[i].amo_old_sum;
		lrsc_old += jobs[i].lrsc_old_sum;
	}

	uint32_t want_xor = 0;
	for (int id = 0; id < THREADS; id++)
		for (int i = 0; i < ITERS; i++)
			want_xor ^= (uint32_t)(id * ITERS + i + 1) * 2654435761u;
	uint64_t want_old = (uint64_t)TOTAL * (TOTAL - 1) / 2;
	int ok = amo_count == TOTAL && lrsc_count == TOTAL && amo_old == want_old &&
		 lrsc_old == want_old && (uint32_t)or_bits == 0xffffffffu &&
		 (uint32_t)and_bits == 0x88888888u && max_s == TOTAL / 2 - 1 &&
		 min_s == -TOTAL / 2 && max_u == 0xffffffffu && min_u == 0 &&
		 (uint32_t)xor_word == want_xor && plain_count == THREADS * (ITERS / 8);
	printf("amoadd.w count=%d old-sum=%llu\n", (int)amo_count, (unsigned long long)amo_old);
	printf("lr/sc    count=%d old-sum=%llu\n", (int)lrsc_count, (unsigned long long)lrsc_old);
	printf("amoor.w  %08lx\n", (unsigned long)(uint32_t)or_bits);
	printf("amoand.w %08lx\n", (unsigned long)(uint32_t)and_bits);
	printf("amomax.w %ld amomin.w %ld\n", (long)max_s, (long)min_s);
	printf("amomaxu.w %08lx amominu.w %08lx\n", (unsigned long)max_u, (unsigned long)min_u);
	printf("amoxor.w %08lx\n", (unsigned long)(uint32_t)xor_word);
	printf("amoswap lock count=%ld\n", (long)plain_count);
	printf("atomics: %s\n", ok ? "ok" : "FAIL");
	return ok ? 0 : 1;
}
