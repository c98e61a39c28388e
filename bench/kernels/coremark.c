/* coremark: a composite kernel in the spirit of CoreMark (our own code, not
 * EEMBC's).  The single-purpose kernels (list, matrix, state, crc16) each
 * keep one loop hot; real programs, and CoreMark, spend their time in several
 * medium-sized functions that call each other.  Here one loop walks a work
 * list, and each work item runs one of three parts:
 *
 *   list    find keys in a linked list (move-to-front), reverse it, merge
 *           sort it by value (recursive split and merge through a comparator
 *           pointer), perturb the values, sort it back by index;
 *   matrix  add a constant to an int16 matrix, multiply it by a vector and by
 *           a second matrix into int32, restore it;
 *   state   scan a text buffer with a state machine that classifies tokens as
 *           integers, decimals, scientific notation or invalid, once clean and
 *           once with iteration-dependent corruption.
 *
 * Every part reduces its outputs with CRC-16/CCITT-FALSE (bit by bit, so the
 * CRC code is hot too) into a 16-bit result; the loop folds each result into
 * the iteration's CRC, and each iteration's CRC into the checksum.
 *
 * Property checks (every call): CRC-16 of "123456789" is 0x29B1; the list is
 * sorted by (value, idx) checked field by field, keeps its length and value
 * sum, and sorts back to idx 0..N-1, and every find agrees with a scan of the
 * payload pool; every A*B is re-verified by Freivalds' method (64-bit) and
 * A*v through column sums, and A is restored exactly; a hand-classified
 * vector gives the hand-counted classes, and every clean scan finds exactly
 * the tokens the generator emitted and their integer sum. */
#include "common.h"

#define DEFAULT_ITERATIONS 3000u

#define LIST_NODES 96
#define LIST_FINDS 12
#define MAT_N 12
#define TEXT_TOKENS 40
#define TEXT_SIZE (TEXT_TOKENS * 16 + 1)

/* ---- CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) ---------------------- */

static uint16_t crc16_u8(uint8_t b, uint16_t crc)
{
	crc ^= (uint16_t)(b << 8);
	for (int i = 0; i < 8; i++)
		crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u)
				      : (uint16_t)(crc << 1);
	return crc;
}

static uint16_t crc16_u16(uint16_t v, uint16_t crc)
{
	crc = crc16_u8((uint8_t)(v >> 8), crc);
	return crc16_u8((uint8_t)v, crc);
}

static uint16_t crc16_u32(uint32_t v, uint16_t crc)
{
	crc = crc16_u16((uint16_t)(v >> 16), crc);
	return crc16_u16((uint16_t)v, crc);
}

static uint16_t crc16_buf(const uint8_t *p, size_t n, uint16_t crc)
{
	while (n--)
		crc = crc16_u8(*p++, crc);
	return crc;
}

/* ---- list ----------------------------------------------------------------- */

struct item {
	int16_t value;
	int16_t idx;
};

struct node {
	struct node *next;
	struct item *info;
};

/* Nodes and payloads in separate pools: every comparison chases two
 * pointers, as in CoreMark's list. */
static struct node node_pool[LIST_NODES];
static struct item item_pool[LIST_NODES];
static struct node *list_head;

typedef int (*cmp_fn)(const struct item *, const struct item *);

static int cmp_value(const struct item *a, const struct item *b)
{
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return a->idx - b->idx;
}

static int cmp_idx(const struct item *a, const struct item *b)
{
	return a->idx - b->idx;
}

static struct node *list_merge(struct node *a, struct node *b, cmp_fn cmp)
{
	struct node head, *tail = &head;
	while (a && b) {
		if (cmp(a->info, b->info) <= 0) {
			tail->next = a;
			a = a->next;
		} else {
			tail->next = b;
			b = b->next;
		}
		tail = tail->next;
	}
	tail->next = a ? a : b;
	return head.next;
}

/* Top-down merge sort (recursion depth log2 N, so calls and returns are
 * part of the mix; list.c has the bottom-up variant). */
static struct node *list_sort(struct node *list, cmp_fn cmp)
{
	if (!list || !list->next)
		return list;
	/* Split in the middle: slow steps one node while fast steps two. */
	struct node *slow = list, *fast = list->next;
	while (fast && fast->next) {
		slow = slow->next;
		fast = fast->next->next;
	}
	struct node *back = slow->next;
	slow->next = NULL;
	return list_merge(list_sort(list, cmp), list_sort(back, cmp), cmp);
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

/* First node holding value, or NULL; *prev gets its predecessor and *pos
 * its position (-1 when absent). */
static struct node *list_find(struct node *list, int16_t value,
			      struct node **prev, int32_t *pos)
{
	struct node *pv = NULL;
	for (int32_t i = 0; list; pv = list, list = list->next, i++)
		if (list->info->value == value) {
			*prev = pv;
			*pos = i;
			return list;
		}
	*pos = -1;
	return NULL;
}

static void list_init(uint32_t *seed)
{
	list_head = NULL;
	for (int i = LIST_NODES - 1; i >= 0; i--) {
		item_pool[i].idx = (int16_t)i;
		/* A narrow range, so that duplicate values occur. */
		item_pool[i].value = (int16_t)((int32_t)(bk_rand(seed) % 801u) - 400);
		node_pool[i].info = &item_pool[i];
		node_pool[i].next = list_head;
		list_head = &node_pool[i];
	}
}

static uint16_t part_list(uint32_t arg)
{
	uint32_t seed = arg | 1u;
	uint16_t crc = 0xffffu;

	for (int f = 0; f < LIST_FINDS; f++) {
		/* Half the keys are in the list, half are random (mostly absent). */
		uint32_t r = bk_rand(&seed);
		int16_t key = (r & 1)
			? item_pool[(r >> 1) % LIST_NODES].value
			: (int16_t)((int32_t)((r >> 1) % 1001u) - 500);
		struct node *prev = NULL;
		int32_t pos;
		struct node *n = list_find(list_head, key, &prev, &pos);
		int present = 0;
		for (int i = 0; i < LIST_NODES; i++)
			present |= item_pool[i].value == key;
		bk_check((n != NULL) == present, "coremark", "list find disagrees with pool scan");
		crc = crc16_u16((uint16_t)pos, crc);
		if (n && prev) { /* move to front */
			prev->next = n->next;
			n->next = list_head;
			list_head = n;
		}
	}

	list_head = list_reverse(list_head);
	crc = crc16_u16((uint16_t)list_head->info->idx, crc);

	int32_t before = 0;
	for (int i = 0; i < LIST_NODES; i++)
		before += item_pool[i].value;

	list_head = list_sort(list_head, cmp_value);
	uint32_t count = 0;
	int32_t after = 0;
	int ordered = 1;
	for (struct node *n = list_head; n; n = n->next) {
		count++;
		after += n->info->value;
		crc = crc16_u16((uint16_t)n->info->value, crc);
		/* Checked on the fields, independently of cmp_value. */
		if (n->next) {
			const struct item *x = n->info, *y = n->next->info;
			if (x->value > y->value || (x->value == y->value && x->idx > y->idx))
				ordered = 0;
		}
	}
	bk_check(ordered, "coremark", "list not sorted by value");
	bk_check(count == LIST_NODES && before == after, "coremark", "list sort lost nodes");

	/* Perturb the values by their rank, so that the next sort has work. */
	uint32_t k = 0;
	for (struct node *n = list_head; n; n = n->next, k++) {
		int32_t v = n->info->value + (int32_t)((k * 5u + arg) % 9u) - 4;
		if (v > 400 || v < -400)
			v = (int32_t)(bk_rand(&seed) % 801u) - 400;
		n->info->value = (int16_t)v;
	}

	list_head = list_sort(list_head, cmp_idx);
	int16_t want = 0;
	for (struct node *n = list_head; n && n->info->idx == want; n = n->next)
		want++;
	bk_check(want == LIST_NODES, "coremark", "list idx sort is not 0..N-1");
	return crc16_u16((uint16_t)list_head->next->info->value, crc);
}

/* ---- matrix --------------------------------------------------------------- */

/* Entries of A and B stay in [-256, 255] and the constant in [-255, 255], so
 * a product sum is below 12 * 511 * 256 and fits easily in int32. */
static int16_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_v[MAT_N];
static int32_t mat_c[MAT_N][MAT_N], mat_cv[MAT_N];

static void mat_add_const(int16_t m[MAT_N][MAT_N], int16_t c)
{
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++)
			m[i][j] = (int16_t)(m[i][j] + c);
}

static void mat_mul_vect(int32_t out[MAT_N], int16_t m[MAT_N][MAT_N],
			 const int16_t v[MAT_N])
{
	for (int i = 0; i < MAT_N; i++) {
		int32_t s = 0;
		for (int j = 0; j < MAT_N; j++)
			s += (int32_t)m[i][j] * v[j];
		out[i] = s;
	}
}

static void mat_mul(int32_t out[MAT_N][MAT_N], int16_t a[MAT_N][MAT_N],
		    int16_t b[MAT_N][MAT_N])
{
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			int32_t s = 0;
			for (int k = 0; k < MAT_N; k++)
				s += (int32_t)a[i][k] * b[k][j];
			out[i][j] = s;
		}
}

/* Freivalds: A*(B*x) == C*x for a random x, in exact 64-bit arithmetic. */
static int mat_verify(int16_t a[MAT_N][MAT_N], int16_t b[MAT_N][MAT_N],
		      int32_t c[MAT_N][MAT_N], uint32_t *seed)
{
	int64_t x[MAT_N], bx[MAT_N];
	for (int i = 0; i < MAT_N; i++)
		x[i] = (int64_t)(bk_rand(seed) % 201u) - 100;
	for (int i = 0; i < MAT_N; i++) {
		int64_t s = 0;
		for (int j = 0; j < MAT_N; j++)
			s += b[i][j] * x[j];
		bx[i] = s;
	}
	for (int i = 0; i < MAT_N; i++) {
		int64_t abx = 0, cx = 0;
		for (int j = 0; j < MAT_N; j++) {
			abx += a[i][j] * bx[j];
			cx += c[i][j] * x[j];
		}
		if (abx != cx)
			return 0;
	}
	return 1;
}

/* Position-weighted sum: tells whether A came back unchanged. */
static uint32_t mat_fingerprint(int16_t m[MAT_N][MAT_N])
{
	uint32_t h = 0;
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++)
			h = h * 33u + (uint32_t)(int32_t)m[i][j];
	return h;
}

static void mat_init(uint32_t *seed)
{
	for (int i = 0; i < MAT_N; i++) {
		mat_v[i] = (int16_t)((int32_t)(bk_rand(seed) % 129u) - 64);
		for (int j = 0; j < MAT_N; j++) {
			mat_a[i][j] = (int16_t)((int32_t)(bk_rand(seed) % 512u) - 256);
			mat_b[i][j] = (int16_t)((int32_t)(bk_rand(seed) % 512u) - 256);
		}
	}
}

static uint16_t part_matrix(uint32_t arg)
{
	uint32_t seed = arg | 1u;
	int16_t c = (int16_t)((int32_t)(arg % 511u) - 255);
	uint32_t print = mat_fingerprint(mat_a);
	uint16_t crc = 0xffffu;

	mat_add_const(mat_a, c);
	mat_mul_vect(mat_cv, mat_a, mat_v);
	/* sum_i (A v)_i == sum_j v_j * (column sum j of A) */
	int64_t lhs = 0, rhs = 0;
	for (int i = 0; i < MAT_N; i++)
		lhs += mat_cv[i];
	for (int j = 0; j < MAT_N; j++) {
		int64_t col = 0;
		for (int i = 0; i < MAT_N; i++)
			col += mat_a[i][j];
		rhs += col * mat_v[j];
	}
	bk_check(lhs == rhs, "coremark", "matrix-vector product");

	mat_mul(mat_c, mat_a, mat_b);
	bk_check(mat_verify(mat_a, mat_b, mat_c, &seed), "coremark", "A*B (Freivalds)");

	/* Reduce: one CRC step per row sum and per A*v entry, not per entry,
	 * so that the multiply stays the larger share of the part. */
	for (int i = 0; i < MAT_N; i++) {
		uint32_t row = 0;
		for (int j = 0; j < MAT_N; j++)
			row = row * 31u + (uint32_t)mat_c[i][j];
		crc = crc16_u32(row, crc);
		crc = crc16_u32((uint32_t)mat_cv[i], crc);
	}

	mat_add_const(mat_a, (int16_t)-c);
	bk_check(mat_fingerprint(mat_a) == print, "coremark", "A not restored");

	/* B drifts by one entry per call, so every product differs. */
	uint32_t r = bk_rand(&seed);
	mat_b[r % MAT_N][(r >> 8) % MAT_N] = (int16_t)((int32_t)((r >> 16) % 512u) - 256);
	return crc;
}

/* ---- state ---------------------------------------------------------------- */

enum { T_INT, T_FLOAT, T_SCI, T_INVALID, NTOKEN_CLASSES };
enum { CH_DIGIT, CH_SIGN, CH_POINT, CH_EXP, CH_SEP, CH_END, CH_OTHER };
enum {
	ST_START,     /* nothing yet */
	ST_SIGN,      /* + or - */
	ST_INT,       /* [sign] digits */
	ST_POINT,     /* [sign] '.' with no digit yet */
	ST_FRAC,      /* [sign] digits '.' digits*  or  [sign] '.' digits+ */
	ST_EXP,       /* mantissa 'e' */
	ST_EXP_SIGN,  /* mantissa 'e' sign */
	ST_EXP_DIGIT, /* mantissa 'e' [sign] digits */
	ST_BAD,       /* nothing can make the token valid any more */
	NSTATES
};

struct scan_result {
	uint32_t classes[NTOKEN_CLASSES];
	uint32_t transitions[NSTATES];
	uint32_t int_sum; /* sum of the integer tokens' values, mod 2^32 */
};

static int char_class(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return CH_DIGIT;
	switch (c) {
	case '+': case '-': return CH_SIGN;
	case '.': return CH_POINT;
	case 'e': case 'E': return CH_EXP;
	case ' ': case ',': case '\n': return CH_SEP;
	case 0: return CH_END;
	default: return CH_OTHER;
	}
}

static int next_state(int state, int ch)
{
	switch (state) {
	case ST_START:
		return ch == CH_DIGIT ? ST_INT : ch == CH_SIGN ? ST_SIGN
		     : ch == CH_POINT ? ST_POINT : ST_BAD;
	case ST_SIGN:
		return ch == CH_DIGIT ? ST_INT : ch == CH_POINT ? ST_POINT : ST_BAD;
	case ST_INT:
		return ch == CH_DIGIT ? ST_INT : ch == CH_POINT ? ST_FRAC
		     : ch == CH_EXP ? ST_EXP : ST_BAD;
	case ST_POINT:
		return ch == CH_DIGIT ? ST_FRAC : ST_BAD;
	case ST_FRAC:
		return ch == CH_DIGIT ? ST_FRAC : ch == CH_EXP ? ST_EXP : ST_BAD;
	case ST_EXP:
		return ch == CH_DIGIT ? ST_EXP_DIGIT : ch == CH_SIGN ? ST_EXP_SIGN : ST_BAD;
	case ST_EXP_SIGN:
	case ST_EXP_DIGIT:
		return ch == CH_DIGIT ? ST_EXP_DIGIT : ST_BAD;
	default:
		return ST_BAD;
	}
}

static int token_class(int state)
{
	switch (state) {
	case ST_INT: return T_INT;
	case ST_FRAC: return T_FLOAT;
	case ST_EXP_DIGIT: return T_SCI;
	default: return T_INVALID;
	}
}

/* Scan a NUL-terminated buffer of tokens separated by spaces, commas or
 * newlines (runs of separators make no empty tokens). */
static void scan(const uint8_t *p, struct scan_result *r)
{
	memset(r, 0, sizeof *r);
	int state = ST_START, in_token = 0, neg = 0;
	uint32_t value = 0;
	for (;; p++) {
		uint8_t c = *p;
		int ch = char_class(c);
		if (ch == CH_SEP || ch == CH_END) {
			if (in_token) {
				int cls = token_class(state);
				r->classes[cls]++;
				if (cls == T_INT)
					r->int_sum += neg ? 0u - value : value;
			}
			if (ch == CH_END)
				return;
			state = ST_START;
			in_token = neg = 0;
			value = 0;
			continue;
		}
		int next = next_state(state, ch);
		if (next == ST_INT)
			value = value * 10u + (uint32_t)(c - '0');
		else if (state == ST_START && ch == CH_SIGN)
			neg = c == '-';
		if (next != state)
			r->transitions[next]++;
		state = next;
		in_token = 1;
	}
}

static uint8_t text[TEXT_SIZE], text_work[TEXT_SIZE];
static size_t text_len;
static uint32_t gen_classes[NTOKEN_CLASSES], gen_int_sum;

static uint8_t *put_digits(uint8_t *p, uint32_t *seed, int min, int max, uint32_t *val)
{
	int n = min + (int)(bk_rand(seed) % (uint32_t)(max - min + 1));
	uint32_t v = 0;
	for (int i = 0; i < n; i++) {
		uint32_t d = bk_rand(seed) % 10u;
		v = v * 10u + d;
		*p++ = (uint8_t)('0' + d);
	}
	if (val)
		*val = v;
	return p;
}

static uint8_t *put_sign(uint8_t *p, uint32_t *seed, int *neg)
{
	uint32_t r = bk_rand(seed) % 3u;
	*neg = r == 1;
	if (r)
		*p++ = r == 1 ? '-' : '+';
	return p;
}

/* Emit one token of class cls; *ival gets an integer token's value. */
static uint8_t *put_token(uint8_t *p, uint32_t *seed, int cls, uint32_t *ival)
{
	static const char *const invalid[] = {
		"1.2.3", "e7", "+-2", "4e", "--", ".", "12x5", "0x1f", "3.e+", "-.e1", "1e2.5",
	};
	int neg;
	uint32_t v;
	switch (cls) {
	case T_INT:
		p = put_sign(p, seed, &neg);
		p = put_digits(p, seed, 1, 6, &v);
		*ival = neg ? 0u - v : v;
		break;
	case T_FLOAT:
	case T_SCI:
		p = put_sign(p, seed, &neg);
		if (bk_rand(seed) & 3) { /* digits '.' digits* */
			p = put_digits(p, seed, 1, 4, NULL);
			*p++ = '.';
			p = put_digits(p, seed, 0, 3, NULL);
		} else { /* '.' digits+ */
			*p++ = '.';
			p = put_digits(p, seed, 1, 4, NULL);
		}
		if (cls == T_SCI) {
			*p++ = (bk_rand(seed) & 1) ? 'e' : 'E';
			p = put_sign(p, seed, &neg);
			p = put_digits(p, seed, 1, 2, NULL);
		}
		break;
	default: {
		const char *s = invalid[bk_rand(seed) % (sizeof invalid / sizeof invalid[0])];
		while (*s)
			*p++ = (uint8_t)*s++;
		break;
	}
	}
	return p;
}

static void text_init(uint32_t *seed)
{
	uint8_t *p = text;
	for (int t = 0; t < TEXT_TOKENS; t++) {
		int cls = (int)(bk_rand(seed) % NTOKEN_CLASSES);
		uint32_t iv = 0;
		p = put_token(p, seed, cls, &iv);
		gen_classes[cls]++;
		if (cls == T_INT)
			gen_int_sum += iv;
		uint32_t s = bk_rand(seed) % 6u;
		*p++ = s < 4 ? ' ' : s < 5 ? ',' : '\n';
	}
	*p = 0;
	text_len = (size_t)(p - text);
}

static uint16_t fold_scan(const struct scan_result *r, uint16_t crc)
{
	for (int c = 0; c < NTOKEN_CLASSES; c++)
		crc = crc16_u16((uint16_t)r->classes[c], crc);
	for (int s = 0; s < NSTATES; s++)
		crc = crc16_u16((uint16_t)r->transitions[s], crc);
	return crc16_u32(r->int_sum, crc);
}

static uint16_t part_state(uint32_t arg)
{
	static const uint8_t subst[] = "0123456789+-.eE ,x";
	struct scan_result r;
	uint16_t crc = 0xffffu;

	scan(text, &r);
	int ok = r.int_sum == gen_int_sum;
	for (int c = 0; c < NTOKEN_CLASSES; c++)
		ok &= r.classes[c] == gen_classes[c];
	bk_check(ok, "coremark", "clean scan differs from the generated tokens");
	crc = fold_scan(&r, crc);

	/* Corrupt a copy at a stride and offset that depend on arg. */
	memcpy(text_work, text, text_len + 1);
	uint32_t stride = 3u + arg % 13u;
	for (uint32_t i = (arg >> 4) % stride; i < text_len; i += stride)
		text_work[i] = subst[(text_work[i] + (arg >> 8)) % (sizeof subst - 1)];
	scan(text_work, &r);
	return fold_scan(&r, crc);
}

/* ---- the work list -------------------------------------------------------- */

typedef uint16_t (*part_fn)(uint32_t arg);

/* The mix of one iteration: list and matrix twice, state three times, in an
 * order that alternates them so no part runs twice in a row. */
static const struct work {
	part_fn run;
	uint32_t salt;
} work_list[] = {
	{ part_list, 0x2545f491u },
	{ part_state, 0x9e3779b9u },
	{ part_matrix, 0x85ebca6bu },
	{ part_state, 0xc2b2ae35u },
	{ part_list, 0x27d4eb2fu },
	{ part_matrix, 0x165667b1u },
	{ part_state, 0xd3a2646cu },
};

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0x7de7d44eu },
		{ DEFAULT_ITERATIONS, 0x09534c6du },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x1b873593u, sum = 0;

	bk_check(crc16_buf((const uint8_t *)"123456789", 9, 0xffffu) == 0x29b1u,
		 "coremark", "CRC-16/CCITT-FALSE check value");

	/* Hand-classified vector: 3 ints (sum 38), 3 decimals, 3 scientific,
	 * 6 invalid. */
	static const char known[] =
		"42 -7 +3 3.5,.25 -6.\n1e9 -2.5E-3 .7e+1,, 1.2.3 e7 +- 4e x -.e1 ";
	struct scan_result r;
	scan((const uint8_t *)known, &r);
	bk_check(r.classes[T_INT] == 3 && r.classes[T_FLOAT] == 3 &&
		 r.classes[T_SCI] == 3 && r.classes[T_INVALID] == 6 &&
		 r.int_sum == 38u, "coremark", "hand-classified vector");

	list_init(&seed);
	mat_init(&seed);
	text_init(&seed);

	for (uint32_t it = 0; it < iters; it++) {
		uint16_t crc = 0xffffu;
		for (size_t w = 0; w < sizeof work_list / sizeof work_list[0]; w++) {
			uint32_t arg = (it * 0x01000193u) ^ work_list[w].salt;
			crc = crc16_u16(work_list[w].run(arg), crc);
		}
		sum = bk_mix(sum, crc);
	}

	/* The final state of every part: list values in idx order, A*B, the
	 * matrices, and a last clean scan. */
	uint16_t crc = 0xffffu;
	for (struct node *n = list_head; n; n = n->next)
		crc = crc16_u16((uint16_t)n->info->value, crc);
	sum = bk_mix(sum, crc);
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++)
			sum = bk_mix(sum, (uint32_t)mat_c[i][j]);
	sum = bk_mix(sum, mat_fingerprint(mat_a));
	sum = bk_mix(sum, mat_fingerprint(mat_b));
	scan(text, &r);
	sum = bk_mix(sum, fold_scan(&r, 0xffffu));
	return bk_finish("coremark", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
