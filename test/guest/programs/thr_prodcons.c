/* A bounded queue (8 slots) with a mutex and two condition variables: two
 * producers put 1..5000 (tagged with the producer), two consumers take
 * items until they get a stop marker, which main queues (one per
 * consumer) after joining the producers. The queue is small, so both
 * "full" and "empty" waits happen. Which consumer gets what varies; the
 * sum and count of everything consumed do not. */
#include <stdint.h>
#include <stdio.h>
#include "thread.h"

#define SLOTS 8
#define PER_PRODUCER 5000
#define PRODUCERS 2
#define CONSUMERS 2
#define STOP 0

static thr_mutex_t lock = THR_MUTEX_INIT;
static thr_cond_t not_full = THR_COND_INIT, not_empty = THR_COND_INIT;
static int queue[SLOTS];
static int head, count;

static void put(int v)
{
	thr_mutex_lock(&lock);
	while (count == SLOTS)
		thr_cond_wait(&not_full, &lock);
	queue[(head + count) % SLOTS] = v;
	count++;
	thr_cond_signal(&not_empty);
	thr_mutex_unlock(&lock);
}

static int take(void)
{
	thr_mutex_lock(&lock);
	while (count == 0)
		thr_cond_wait(&not_empty, &lock);
	int v = queue[head];
	head = (head + 1) % SLOTS;
	count--;
	thr_cond_signal(&not_full);
	thr_mutex_unlock(&lock);
	return v;
}

struct tally { uint64_t sum; int items; };

static void *producer(void *arg)
{
	int tag = (int)(intptr_t)arg;
	for (int i = 1; i <= PER_PRODUCER; i++)
		put(tag * 100000 + i);
	return 0;
}

static void *consumer(void *arg)
{
	struct tally *t = arg;
	for (;;) {
		int v = take();
		if (v == STOP)
			return 0;
		t->sum += (unsigned)v;
		t->items++;
	}
}

int main(void)
{
	thr_t p[PRODUCERS], c[CONSUMERS];
	struct tally tally[CONSUMERS] = { { 0, 0 } };
	for (int i = 0; i < CONSUMERS; i++)
		thr_create(&c[i], consumer, &tally[i]);
	for (int i = 0; i < PRODUCERS; i++)
		thr_create(&p[i], producer, (void *)(intptr_t)(i + 1));
	for (int i = 0; i < PRODUCERS; i++)
		thr_join(&p[i], 0);
	for (int i = 0; i < CONSUMERS; i++)
		put(STOP);
	uint64_t sum = 0;
	int items = 0;
	for (int i = 0; i < CONSUMERS; i++) {
		thr_join(&c[i], 0);
		sum += tally[i].sum;
		items += tally[i].items;
	}

	uint64_t want = 0;
	for (int tag = 1; tag <= PRODUCERS; tag++)
		for (int i = 1; i <= PER_PRODUCER; i++)
			want += (unsigned)(tag * 100000 + i);
	int ok = sum == want && items == PRODUCERS * PER_PRODUCER && count == 0;
	printf("consumed %d items, sum %llu (expected %d, %llu) %s\n", items,
	       (unsigned long long)sum, PRODUCERS * PER_PRODUCER, (unsigned long long)want,
	       ok ? "ok" : "FAIL");
	return ok ? 0 : 1;
}
