/* Sorts 100000 pseudo-random ints with picolibc's qsort through a
 * comparator, and the same values as a linked list with a (stable) merge
 * sort; checks that both results are ordered, are permutations of the
 * input and agree, and that the merge sort kept equal keys in input order.
 * Prints checksums. Exit codes: 1 qsort order, 2 qsort permutation, 3 list
 * order/stability, 4 list and array disagree, 5 out of memory. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define COUNT 100000

static uint32_t rng_state = 2463534242u;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static unsigned long compares;

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	compares++;
	return (x > y) - (x < y);
}

struct node {
	struct node *next;
	int key;
	int index; /* position in the input, for the stability check */
};

static struct node *merge(struct node *a, struct node *b)
{
	struct node head, *t = &head;
	while (a && b) {
		if (b->key < a->key) { /* ties take a: stable */
			t->next = b;
			b = b->next;
		} else {
			t->next = a;
			a = a->next;
		}
		t = t->next;
	}
	t->next = a ? a : b;
	return head.next;
}

/* Top-down merge sort: split with slow/fast pointers, recurse. */
static struct node *merge_sort(struct node *list)
{
	if (!list || !list->next)
		return list;
	struct node *slow = list, *fast = list->next;
	while (fast && fast->next) {
		slow = slow->next;
		fast = fast->next->next;
	}
	struct node *second = slow->next;
	slow->next = NULL;
	return merge(merge_sort(list), merge_sort(second));
}

/* An order-independent fingerprint of a multiset of ints. */
static void fingerprint(const int *v, int n, uint32_t *sum, uint32_t *mix)
{
	uint32_t s = 0, m = 0;
	for (int i = 0; i < n; i++) {
		uint32_t x = (uint32_t)v[i];
		s += x;
		x *= 0x9e3779b1u;
		m += x ^ (x >> 15);
	}
	*sum = s;
	*mix = m;
}

int main(void)
{
	int *v = malloc(COUNT * sizeof *v);
	struct node *nodes = malloc(COUNT * sizeof *nodes);
	if (!v || !nodes) {
		printf("FAIL: out of memory\n");
		return 5;
	}
	for (int i = 0; i < COUNT; i++) {
		/* a limited range, so there are many equal keys */
		v[i] = (int)(rng() % 200000u) - 100000;
		nodes[i].key = v[i];
		nodes[i].index = i;
		nodes[i].next = i + 1 < COUNT ? &nodes[i + 1] : NULL;
	}
	uint32_t in_sum, in_mix;
	fingerprint(v, COUNT, &in_sum, &in_mix);
	printf("input: %d ints, sum %08lx, mix %08lx\n", COUNT, (unsigned long)in_sum, (unsigned long)in_mix);

	qsort(v, COUNT, sizeof *v, cmp_int);
	int ordered = 1;
	uint32_t weighted = 0;
	for (int i = 0; i < COUNT; i++) {
		if (i && v[i - 1] > v[i])
			ordered = 0;
		weighted += (uint32_t)v[i] * (uint32_t)(i + 1);
	}
	uint32_t out_sum, out_mix;
	fingerprint(v, COUNT, &out_sum, &out_mix);
	printf("qsort: min %d, median %d, max %d, weighted checksum %08lx\n", v[0], v[COUNT / 2], v[COUNT - 1],
	       (unsigned long)weighted);
	printf("qsort: comparator called: %s\n", compares >= COUNT ? "yes" : "no");
	if (!ordered) {
		printf("FAIL: qsort result not ordered\n");
		return 1;
	}
	if (in_sum != out_sum || in_mix != out_mix) {
		printf("FAIL: qsort result is not a permutation of the input\n");
		return 2;
	}
	printf("qsort: ordered permutation: ok\n");

	struct node *list = merge_sort(&nodes[0]);
	int n = 0, stable = 1, agree = 1;
	ordered = 1;
	uint32_t lw = 0;
	for (struct node *p = list; p; p = p->next, n++) {
		if (p->next && p->key > p->next->key)
			ordered = 0;
		if (p->next && p->key == p->next->key && p->index > p->next->index)
			stable = 0;
		if (n < COUNT && p->key != v[n])
			agree = 0;
		lw += (uint32_t)p->key * (uint32_t)(n + 1);
	}
	printf("list merge sort: %d nodes, weighted checksum %08lx\n", n, (unsigned long)lw);
	if (n != COUNT || !ordered || !stable) {
		printf("FAIL: list not ordered/stable (n=%d ordered=%d stable=%d)\n", n, ordered, stable);
		return 3;
	}
	if (!agree || lw != weighted) {
		printf("FAIL: list and array disagree\n");
		return 4;
	}
	printf("list merge sort: ordered, stable, agrees with qsort: ok\n");
	free(nodes);
	free(v);
	return 0;
}
