/* state: a character-driven state machine that scans a text buffer and
 * classifies each token (separated by spaces, commas or newlines) as an
 * integer ("-17"), a decimal number ("3.14", "-.5", "7."), a number in
 * scientific notation ("2.5E-3", "1e10") or invalid ("1.2.3", "e5", "12a"),
 * in the style of CoreMark's state kernel.  Each iteration scans the clean
 * buffer, then a copy corrupted at iteration-dependent positions, and
 * restores it.  Stresses data-dependent branches and a switch on the state.
 *
 * Property checks: a hand-classified test string gives the hand-counted
 * numbers of each class; every clean scan of the generated buffer finds
 * exactly the tokens the generator emitted, class by class, and the sum of
 * the integer tokens' values equals the generator's sum. */
#include "common.h"

#define TOKENS 600
#define BUFSIZE (TOKENS * 24 + 1)
#define DEFAULT_ITERATIONS 7000u

enum { C_INT, C_FLOAT, C_SCI, C_INVALID, NCLASSES };
enum {
	S_START,     /* nothing yet */
	S_SIGN,      /* + or - */
	S_INT,       /* [sign] digits */
	S_POINT,     /* [sign] '.' with no digit yet */
	S_FRAC,      /* [sign] digits '.' digits* or '.' digits+ */
	S_EXP,       /* mantissa 'e' */
	S_EXP_SIGN,  /* mantissa 'e' sign */
	S_EXP_DIGIT, /* mantissa 'e' [sign] digits */
	S_INVALID,
	NSTATES
};

struct scan_result {
	uint32_t classes[NCLASSES];
	uint32_t transitions[NSTATES];
	uint32_t int_sum; /* sum of integer tokens' values, mod 2^32 */
};

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static int is_sep(uint8_t c) { return c == ' ' || c == ',' || c == '\n'; }

static int final_class(int state)
{
	switch (state) {
	case S_INT: return C_INT;
	case S_FRAC: return C_FLOAT;
	case S_EXP_DIGIT: return C_SCI;
	default: return C_INVALID;
	}
}

/* Scan a NUL-terminated buffer. */
static void scan(const uint8_t *p, struct scan_result *r)
{
	memset(r, 0, sizeof *r);
	int state = S_START;
	int in_token = 0, neg = 0;
	uint32_t value = 0;
	for (;; p++) {
		uint8_t c = *p;
		if (c == 0 || is_sep(c)) {
			if (in_token) {
				int cls = final_class(state);
				r->classes[cls]++;
				if (cls == C_INT)
					r->int_sum += neg ? 0u - value : value;
			}
			if (c == 0)
				return;
			state = S_START;
			in_token = 0;
			neg = 0;
			value = 0;
			continue;
		}
		in_token = 1;
		int next = S_INVALID;
		switch (state) {
		case S_START:
			if (is_digit(c)) {
				next = S_INT;
				value = (uint32_t)(c - '0');
			} else if (c == '+' || c == '-') {
				next = S_SIGN;
				neg = c == '-';
			} else if (c == '.') {
				next = S_POINT;
			}
			break;
		case S_SIGN:
			if (is_digit(c)) {
				next = S_INT;
				value = (uint32_t)(c - '0');
			} else if (c == '.') {
				next = S_POINT;
			}
			break;
		case S_INT:
			if (is_digit(c)) {
				next = S_INT;
				value = value * 10u + (uint32_t)(c - '0');
			} else if (c == '.') {
				next = S_FRAC;
			} else if (c == 'e' || c == 'E') {
				next = S_EXP;
			}
			break;
		case S_POINT:
			if (is_digit(c))
				next = S_FRAC;
			break;
		case S_FRAC:
			if (is_digit(c))
				next = S_FRAC;
			else if (c == 'e' || c == 'E')
				next = S_EXP;
			break;
		case S_EXP:
			if (is_digit(c))
				next = S_EXP_DIGIT;
			else if (c == '+' || c == '-')
				next = S_EXP_SIGN;
			break;
		case S_EXP_SIGN:
		case S_EXP_DIGIT:
			if (is_digit(c))
				next = S_EXP_DIGIT;
			break;
		default:
			break;
		}
		if (next != state)
			r->transitions[next]++;
		state = next;
	}
}

static uint8_t *put_digits(uint8_t *p, uint32_t *seed, int min, int max, uint32_t *val)
{
	int n = min + (int)(bk_rand(seed) % (uint32_t)(max - min + 1));
	uint32_t v = 0;
	for (int i = 0; i < n; i++) {
		uint8_t d = (uint8_t)('0' + bk_rand(seed) % 10u);
		v = v * 10u + (uint32_t)(d - '0');
		*p++ = d;
	}
	if (val)
		*val = v;
	return p;
}

static uint8_t *put_sign(uint8_t *p, uint32_t *seed, int *neg)
{
	uint32_t r = bk_rand(seed) % 4u;
	*neg = r == 1;
	if (r == 1)
		*p++ = '-';
	else if (r == 2)
		*p++ = '+';
	return p;
}

static uint8_t *put_float(uint8_t *p, uint32_t *seed)
{
	int neg;
	p = put_sign(p, seed, &neg);
	switch (bk_rand(seed) % 3u) {
	case 0: /* d+.d+ */
		p = put_digits(p, seed, 1, 5, NULL);
		*p++ = '.';
		p = put_digits(p, seed, 1, 5, NULL);
		break;
	case 1: /* d+. */
		p = put_digits(p, seed, 1, 5, NULL);
		*p++ = '.';
		break;
	default: /* .d+ */
		*p++ = '.';
		p = put_digits(p, seed, 1, 5, NULL);
		break;
	}
	return p;
}

/* Emit one token of class cls; *ival gets an integer token's value. */
static uint8_t *put_token(uint8_t *p, uint32_t *seed, int cls, uint32_t *ival)
{
	int neg;
	uint32_t v;
	static const char *const bad[] = {
		"e5", "--1", "abc", "1e", "1e+", ".", "+", "-", "+.", "0x1F", "..5",
		"1.2.3", "12a", "1e5.5", "+-3", "E-2", "1.5e", "7e-", "-.e3", "x",
	};
	switch (cls) {
	case C_INT:
		p = put_sign(p, seed, &neg);
		p = put_digits(p, seed, 1, 9, &v);
		*ival = neg ? 0u - v : v;
		break;
	case C_FLOAT:
		p = put_float(p, seed);
		break;
	case C_SCI:
		if (bk_rand(seed) & 1) {
			p = put_sign(p, seed, &neg);
			p = put_digits(p, seed, 1, 4, NULL);
		} else {
			p = put_float(p, seed);
		}
		*p++ = (bk_rand(seed) & 1) ? 'e' : 'E';
		p = put_sign(p, seed, &neg);
		p = put_digits(p, seed, 1, 3, NULL);
		break;
	default:
		switch (bk_rand(seed) % 3u) {
		case 0: { /* fixed malformed token */
			const char *s = bad[bk_rand(seed) % (sizeof bad / sizeof bad[0])];
			while (*s)
				*p++ = (uint8_t)*s++;
			break;
		}
		case 1: /* valid number followed by a letter */
			p = put_token(p, seed, (int)(bk_rand(seed) % 3u), &v);
			*p++ = (uint8_t)('a' + bk_rand(seed) % 26u);
			break;
		default: /* decimal number with a second point */
			p = put_digits(p, seed, 1, 3, NULL);
			*p++ = '.';
			p = put_digits(p, seed, 0, 3, NULL);
			*p++ = '.';
			p = put_digits(p, seed, 0, 3, NULL);
			break;
		}
		break;
	}
	return p;
}

static uint8_t text[BUFSIZE], work[BUFSIZE];

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0x0314ed9au },
		{ DEFAULT_ITERATIONS, 0x0550400cu },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x66334873u, sum = 0;
	struct scan_result r;

	/* Hand-classified vector: 3 ints, 3 decimals, 3 scientific, 9 invalid. */
	static const char known[] =
		"0 -17 +42 3.14,-.5 7.\n1e10 -2.5E-3 .5e+7,,abc 1.2.3 e5 -- 1e + . 12a 0x1F ";
	scan((const uint8_t *)known, &r);
	bk_check(r.classes[C_INT] == 3 && r.classes[C_FLOAT] == 3 &&
		 r.classes[C_SCI] == 3 && r.classes[C_INVALID] == 9 &&
		 r.int_sum == 25u, "state", "hand-classified vector");

	/* Generate the buffer, remembering what was emitted. */
	uint32_t gen[NCLASSES] = { 0 }, gen_int_sum = 0;
	uint8_t *p = text;
	for (int t = 0; t < TOKENS; t++) {
		int cls = (int)(bk_rand(&seed) % NCLASSES);
		uint32_t iv = 0;
		p = put_token(p, &seed, cls, &iv);
		gen[cls]++;
		if (cls == C_INT)
			gen_int_sum += iv;
		uint32_t s = bk_rand(&seed) % 8u;
		*p++ = s < 5 ? ' ' : s < 7 ? ',' : '\n';
	}
	*p = 0;
	size_t len = (size_t)(p - text);

	static const uint8_t subst[] = "0123456789.+-eE ,x";
	for (uint32_t it = 0; it < iters; it++) {
		scan(text, &r);
		int ok = r.int_sum == gen_int_sum;
		for (int c = 0; c < NCLASSES; c++)
			ok &= r.classes[c] == gen[c];
		bk_check(ok, "state", "clean scan differs from generated tokens");
		for (int s = 0; s < NSTATES; s++)
			sum = bk_mix(sum, r.transitions[s]);

		/* Corrupt a copy at a stride that depends on the iteration. */
		memcpy(work, text, len + 1);
		uint32_t stride = 7u + it % 29u;
		for (uint32_t i = it % stride; i < len; i += stride)
			work[i] = subst[(work[i] + it) % (sizeof subst - 1)];
		scan(work, &r);
		for (int c = 0; c < NCLASSES; c++)
			sum = bk_mix(sum, r.classes[c]);
		for (int s = 0; s < NSTATES; s++)
			sum = bk_mix(sum, r.transitions[s]);
		sum = bk_mix(sum, r.int_sum);
	}
	return bk_finish("state", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
