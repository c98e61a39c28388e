/* list: linked-list find, move-to-front, reverse and merge sort, in the
 * style of CoreMark's list kernel.  Nodes and their payloads live in two
 * separate pools, so every comparison chases two pointers.  Sorting goes
 * through a comparator function pointer.  Stresses pointer chasing (loads
 * that depend on loads), unpredictable branches and indirect calls.
 *
 * Property checks: after sorting by value the list is in non-decreasing
 * (value, idx) order and holds the same multiset of values; after sorting
 * by idx it is exactly 0..N-1; find results agree with a linear scan of the
 * payload pool (checked every 16th iteration). */
#include "common.h"

#define NODES 400
#define FINDS 48
#define DEFAULT_ITERATIONS 2200u

struct data {
	int16_t value;
	int16_t idx;
};

struct node {
	struct node *next;
	struct data *info;
};

static struct node node_pool[NODES];
static struct data data_pool[NODES];

typedef int (*cmp_fn)(const struct data *, const struct data *);

static int cmp_value(const struct data *a, const struct data *b)
{
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return a->idx - b->idx;
}

static int cmp_idx(const struct data *a, const struct data *b)
{
	return a->idx - b->idx;
}

/* Bottom-up merge sort of a singly linked list (no recursion). */
static struct node *list_sort(struct node *list, cmp_fn cmp)
{
	if (!list)
		return list;
	for (uint32_t width = 1;; width *= 2) {
		struct node *p = list, *tail = NULL;
		uint32_t merges = 0;
		list = NULL;
		while (p) {
			merges++;
			struct node *q = p;
			uint32_t psize = 0;
			for (uint32_t i = 0; i < width && q; i++) {
				psize++;
				q = q->next;
			}
			uint32_t qsize = width;
			while (psize > 0 || (qsize > 0 && q)) {
				struct node *e;
				if (psize == 0) {
					e = q; q = q->next; qsize--;
				} else if (qsize == 0 || !q) {
					e = p; p = p->next; psize--;
				} else if (cmp(p->info, q->info) <= 0) {
					e = p; p = p->next; psize--;
				} else {
					e = q; q = q->next; qsize--;
				}
				if (tail)
					tail->next = e;
				else
					list = e;
				tail = e;
			}
			p = q;
		}
		tail->next = NULL;
		if (merges <= 1)
			return list;
	}
}

static struct node *list_reverse(struct node *list)
{
	struct node *prev = NULL;
	while (list) {
		struct node *next = list->next;
		list->next = prev;
		prev = list;
		list = next;
	}
	return prev;
}

/* Find the first node with the given value; *pos gets its position. */
static struct node *list_find(struct node *list, int16_t value, struct node **prev,
			      int32_t *pos)
{
	struct node *pv = NULL;
	int32_t i = 0;
	for (; list; pv = list, list = list->next, i++)
		if (list->info->value == value) {
			*prev = pv;
			*pos = i;
			return list;
		}
	*pos = -1;
	return NULL;
}

static uint32_t list_crc(const struct node *list, uint32_t h)
{
	for (; list; list = list->next)
		h = bk_mix(h, (uint16_t)list->info->value ^ ((uint32_t)(uint16_t)list->info->idx << 16));
	return h;
}

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0x4bf8aef7u },
		{ DEFAULT_ITERATIONS, 0xffb0286fu },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x6b8b4567u, sum = 0;

	struct node *head = NULL;
	for (int i = NODES - 1; i >= 0; i--) {
		data_pool[i].idx = (int16_t)i;
		/* Values in a narrow range so that duplicates occur. */
		data_pool[i].value = (int16_t)((int32_t)(bk_rand(&seed) % 2001u) - 1000);
		node_pool[i].info = &data_pool[i];
		node_pool[i].next = head;
		head = &node_pool[i];
	}

	for (uint32_t it = 0; it < iters; it++) {
		/* Finds with move-to-front; half the keys exist, half are random. */
		for (int f = 0; f < FINDS; f++) {
			int16_t key;
			uint32_t r = bk_rand(&seed);
			if (r & 1)
				key = data_pool[(r >> 1) % NODES].value;
			else
				key = (int16_t)((int32_t)((r >> 1) % 2401u) - 1200);
			struct node *prev = NULL;
			int32_t pos;
			struct node *n = list_find(head, key, &prev, &pos);
			if ((it & 15) == 0) {
				int present = 0;
				for (int i = 0; i < NODES; i++)
					present |= data_pool[i].value == key;
				bk_check((n != NULL) == present, "list",
					 "find disagrees with pool scan");
			}
			sum = bk_mix(sum, (uint32_t)pos);
			if (n && prev) {
				prev->next = n->next;
				n->next = head;
				head = n;
			}
		}
		head = list_reverse(head);
		sum = bk_mix(sum, (uint16_t)head->info->idx);

		int32_t before = 0;
		for (int i = 0; i < NODES; i++)
			before += data_pool[i].value;

		head = list_sort(head, cmp_value);
		uint32_t count = 0;
		int32_t after = 0;
		int ordered = 1;
		for (struct node *n = head; n; n = n->next) {
			count++;
			after += n->info->value;
			/* Checked on the fields, independently of cmp_value. */
			if (n->next) {
				const struct data *x = n->info, *y = n->next->info;
				if (x->value > y->value ||
				    (x->value == y->value && x->idx > y->idx))
					ordered = 0;
			}
		}
		bk_check(ordered, "list", "not sorted by value");
		bk_check(count == NODES && before == after, "list", "value sort lost nodes");
		sum = list_crc(head, sum);

		/* Perturb the values (depends on position in the sorted list). */
		uint32_t k = 0;
		for (struct node *n = head; n; n = n->next, k++) {
			int32_t v = n->info->value + (int32_t)((k * 7u + it) % 13u) - 6;
			if (v > 1000 || v < -1000)
				v = (int32_t)(bk_rand(&seed) % 2001u) - 1000;
			n->info->value = (int16_t)v;
		}

		head = list_sort(head, cmp_idx);
		int16_t expect_idx = 0;
		for (struct node *n = head; n; n = n->next, expect_idx++)
			if (n->info->idx != expect_idx)
				break;
		bk_check(expect_idx == NODES, "list", "idx sort is not 0..N-1");
		sum = bk_mix(sum, (uint16_t)head->next->info->value);
	}
	sum = list_crc(head, sum);
	return bk_finish("list", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
