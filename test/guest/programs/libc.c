/* picolibc exercise: formatted output, the allocator, sorting and searching,
 * string and conversion functions, ctype, and 64-bit arithmetic (which goes
 * through libgcc helpers on rv32). Every section prints what it computed and
 * checks it against the expected value; a failing check prints
 * "FAIL <section>: ..." and the program exits with the section's code. */
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The truncation and overflow below are deliberate. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="
#pragma GCC diagnostic ignored "-Wstringop-truncation"

static int failures;
static int first_fail_code;

static void fail(int code, const char *what, const char *got, const char *want)
{
	printf("FAIL %s: got \"%s\" want \"%s\"\n", what, got, want);
	if (!failures)
		first_fail_code = code;
	failures++;
}

/* Format into a buffer, compare with the expected text, print it. */
#define CHECKF(code, want, ...)                                           \
	do {                                                              \
		char buf_[256];                                           \
		snprintf(buf_, sizeof buf_, __VA_ARGS__);                 \
		if (strcmp(buf_, (want)) != 0)                            \
			fail((code), #__VA_ARGS__, buf_, (want));         \
		else                                                      \
			printf("fmt [%s]\n", buf_);                       \
	} while (0)

#define CHECK(code, cond)                                                 \
	do {                                                              \
		if (!(cond))                                              \
			fail((code), #cond, "false", "true");             \
	} while (0)

static void test_printf(void)
{
	CHECKF(10, "42 -42 42", "%d %i %u", 42, -42, 42u);
	CHECKF(10, "4294967295 -2147483648 2147483647", "%u %d %d", UINT_MAX, INT_MIN, INT_MAX);
	CHECKF(10, "ff FF 377 0xff 0XFF 0377", "%x %X %o %#x %#X %#o", 255, 255, 255, 255, 255, 255);
	CHECKF(10, "deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	CHECKF(10, "[    7] [7    ] [00007] [   -7] [-7   ] [-0007]", "[%5d] [%-5d] [%05d] [%5d] [%-5d] [%05d]", 7, 7, 7, -7, -7, -7);
	CHECKF(10, "[+7] [ 7] [+0] [-1]", "[%+d] [% d] [%+d] [%+d]", 7, 7, 0, -1);
	CHECKF(10, "[00042] [  00042] [-00042]", "[%.5d] [%7.5d] [%.5d]", 42, 42, -42);
	CHECKF(10, "[A] [  A] [A  ] [%]", "[%c] [%3c] [%-3c] [%%]", 'A', 'A', 'A');
	CHECKF(10, "[hello] [   hello] [hello   ] [hel] [     hel]", "[%s] [%8s] [%-8s] [%.3s] [%8.3s]", "hello", "hello", "hello", "hello", "hello");
	CHECKF(10, "[  abc] [abc  ]", "[%*s] [%-*s]", 5, "abc", 5, "abc");
	CHECKF(10, "[(null)]", "[%.6s]", "(null)");
	CHECKF(11, "9223372036854775807 -9223372036854775808", "%lld %lld", (long long)LLONG_MAX, (long long)LLONG_MIN);
	CHECKF(11, "18446744073709551615 ffffffffffffffff", "%llu %llx", ULLONG_MAX, ULLONG_MAX);
	CHECKF(11, "123456789abcdef0 -1234567890123", "%llx %lld", 0x123456789abcdef0ull, -1234567890123ll);
	CHECKF(11, "[  0000000000001234]", "[%18.16llx]", 0x1234ull);
	CHECKF(12, "-1 65535 255 -128", "%ld %hu %hhu %hhd", -1L, (unsigned short)65535, (unsigned char)255, (signed char)-128);
	CHECKF(12, "3.141593 3.14 2.718282e+00 0.5 1e+10 -0.001", "%f %.2f %e %g %g %g", 3.14159265, 3.14159265, 2.718281828, 0.5, 1e10, -0.001);
	CHECKF(12, "[   1.50] [1.50   ] [001.50]", "[%7.2f] [%-7.2f] [%06.2f]", 1.5, 1.5, 1.5);

	/* snprintf truncation: the return value is the untruncated length. */
	char small[8];
	int n = snprintf(small, sizeof small, "%s-%d", "truncate", 12345);
	printf("snprintf returned %d, kept \"%s\"\n", n, small);
	CHECK(13, n == 14 && strcmp(small, "truncat") == 0);
	n = snprintf(small, 1, "abc");
	CHECK(13, n == 3 && small[0] == '\0');
	n = snprintf(NULL, 0, "%d", -123456);
	CHECK(13, n == 7);
	printf("snprintf: ok\n");
}

/* A cheap deterministic generator for the stress tests. */
static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

#define NSLOTS 512

static void test_malloc(void)
{
	static unsigned char *slot[NSLOTS];
	static size_t size[NSLOTS];
	static unsigned char tag[NSLOTS];
	unsigned long ops = 0, total = 0;
	int bad = 0;

	for (int round = 0; round < 6000; round++) {
		int i = (int)(rng() % NSLOTS);
		if (slot[i]) {
			for (size_t k = 0; k < size[i]; k++)
				if (slot[i][k] != (unsigned char)(tag[i] + k))
					bad = 1;
			if (rng() % 3 == 0) {
				/* realloc keeps the prefix */
				size_t ns = 1 + rng() % 3000;
				unsigned char *p = realloc(slot[i], ns);
				if (!p) {
					bad = 2;
					break;
				}
				size_t keep = ns < size[i] ? ns : size[i];
				for (size_t k = 0; k < keep; k++)
					if (p[k] != (unsigned char)(tag[i] + k))
						bad = 3;
				for (size_t k = 0; k < ns; k++)
					p[k] = (unsigned char)(tag[i] + k);
				slot[i] = p;
				size[i] = ns;
				total += ns;
			} else {
				free(slot[i]);
				slot[i] = NULL;
			}
		} else {
			size_t ns = (rng() % 8 == 0) ? 1 + rng() % 20000 : 1 + rng() % 200;
			unsigned char *p;
			if (rng() % 4 == 0) {
				p = calloc(ns, 1);
				if (p)
					for (size_t k = 0; k < ns; k++)
						if (p[k] != 0)
							bad = 4;
			} else {
				p = malloc(ns);
			}
			if (!p) {
				bad = 5;
				break;
			}
			if (((uintptr_t)p & 7) != 0)
				bad = 6;
			tag[i] = (unsigned char)rng();
			for (size_t k = 0; k < ns; k++)
				p[k] = (unsigned char)(tag[i] + k);
			slot[i] = p;
			size[i] = ns;
			total += ns;
		}
		ops++;
	}
	for (int i = 0; i < NSLOTS; i++) {
		if (!slot[i])
			continue;
		for (size_t k = 0; k < size[i]; k++)
			if (slot[i][k] != (unsigned char)(tag[i] + k))
				bad = 7;
		free(slot[i]);
	}
	/* calloc overflow must fail */
	void *ov = calloc(0x10000, 0x10001);
	if (ov)
		bad = 8;
	printf("malloc stress: %lu ops, %lu bytes, check %d\n", ops, total, bad);
	CHECK(20, bad == 0);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_sort(void)
{
	int v[64];
	for (int i = 0; i < 64; i++)
		v[i] = (int)(rng() % 1000) - 500;
	qsort(v, 64, sizeof v[0], cmp_int);
	int sorted = 1;
	long sum = 0;
	for (int i = 0; i < 64; i++) {
		sum += v[i] * (i + 1);
		if (i && v[i - 1] > v[i])
			sorted = 0;
	}
	printf("qsort ints: sorted=%d min=%d max=%d weighted=%ld\n", sorted, v[0], v[63], sum);
	CHECK(30, sorted);

	int key = v[37];
	int *hit = bsearch(&key, v, 64, sizeof v[0], cmp_int);
	CHECK(31, hit && *hit == key);
	key = 1000;
	CHECK(31, bsearch(&key, v, 64, sizeof v[0], cmp_int) == NULL);

	const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "date", "apricot", "kiwi" };
	qsort(words, 8, sizeof words[0], cmp_str);
	printf("qsort strings:");
	for (int i = 0; i < 8; i++)
		printf(" %s", words[i]);
	printf("\n");
	CHECK(30, strcmp(words[0], "apple") == 0 && strcmp(words[1], "apricot") == 0 && strcmp(words[7], "pear") == 0);
	const char *k = "fig";
	const char **w = bsearch(&k, words, 8, sizeof words[0], cmp_str);
	CHECK(31, w && w - words == 5);
	printf("bsearch: ok\n");
}

static void test_strings(void)
{
	char a[64], b[64];
	CHECK(40, strlen("") == 0 && strlen("hello") == 5);
	CHECK(40, strcmp("abc", "abc") == 0 && strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0);
	CHECK(40, strcmp("\xff", "a") > 0); /* compared as unsigned char */
	CHECK(40, strncmp("abcdef", "abcxyz", 3) == 0 && strncmp("abcdef", "abcxyz", 4) < 0);
	strcpy(a, "hello");
	strcat(a, ", world");
	CHECK(41, strcmp(a, "hello, world") == 0);
	memset(b, 'x', sizeof b);
	strncpy(b, "abc", 6);
	CHECK(41, memcmp(b, "abc\0\0\0x", 7) == 0);
	strncpy(b, "abcdefgh", 4);
	CHECK(41, memcmp(b, "abcd\0\0x", 7) == 0);
	CHECK(42, strchr(a, 'o') == a + 4 && strrchr(a, 'o') == a + 8 && strchr(a, 'z') == NULL);
	CHECK(42, strchr(a, '\0') == a + 12);
	CHECK(42, strstr(a, "world") == a + 7 && strstr(a, "worlds") == NULL && strstr(a, "") == a);
	printf("strcpy/strcat: \"%s\"\n", a);

	char text[] = "  alpha, beta,,gamma ;delta  ";
	char out[64] = "";
	int ntok = 0;
	for (char *t = strtok(text, " ,;"); t; t = strtok(NULL, " ,;")) {
		if (ntok++)
			strcat(out, "|");
		strcat(out, t);
	}
	printf("strtok: %d tokens %s\n", ntok, out);
	CHECK(43, ntok == 4 && strcmp(out, "alpha|beta|gamma|delta") == 0);

	char m[32];
	for (int i = 0; i < 32; i++)
		m[i] = (char)('A' + i % 26);
	memmove(m + 4, m, 16); /* overlapping, forward */
	CHECK(44, memcmp(m, "ABCDABCDEFGHIJKLMNOPUVWXYZ", 26) == 0);
	memmove(m, m + 6, 10); /* overlapping, backward */
	CHECK(44, memcmp(m, "CDEFGHIJKLGHIJKLMNOP", 20) == 0);
	memcpy(b, "0123456789", 11);
	CHECK(44, strcmp(b, "0123456789") == 0);
	memset(b + 2, '-', 5);
	CHECK(44, strcmp(b, "01-----789") == 0);
	CHECK(44, memcmp("abc", "abd", 3) < 0 && memcmp("abc", "abd", 2) == 0 && memcmp("\x80", "\x01", 1) > 0);
	/* unaligned and longer copies */
	static char big1[300], big2[300];
	for (int i = 0; i < 300; i++)
		big1[i] = (char)(i * 7);
	for (int off = 0; off < 8; off++) {
		memset(big2, 0, sizeof big2);
		memcpy(big2 + off, big1 + 3, 250);
		if (memcmp(big2 + off, big1 + 3, 250) != 0 || big2[off + 250] != 0)
			fail(44, "unaligned memcpy", "mismatch", "equal");
	}
	printf("memmove/memcpy/memset/memcmp: ok\n");
}

static void test_conv(void)
{
	char *end;
	long l;
	unsigned long ul;

	l = strtol("  -12345xyz", &end, 10);
	CHECK(50, l == -12345 && strcmp(end, "xyz") == 0);
	CHECK(50, strtol("ff", NULL, 16) == 255 && strtol("0x1F", NULL, 16) == 31 && strtol("0x1F", NULL, 0) == 31);
	CHECK(50, strtol("0777", NULL, 0) == 511 && strtol("777", NULL, 8) == 511 && strtol("101101", NULL, 2) == 45);
	CHECK(50, strtol("zz", NULL, 36) == 1295 && strtol("+42", NULL, 10) == 42);
	errno = 0;
	l = strtol("2147483647", NULL, 10);
	CHECK(51, l == LONG_MAX && errno == 0);
	errno = 0;
	l = strtol("2147483648", NULL, 10);
	CHECK(51, l == LONG_MAX && errno == ERANGE);
	errno = 0;
	l = strtol("-2147483649", NULL, 10);
	CHECK(51, l == LONG_MIN && errno == ERANGE);
	errno = 0;
	ul = strtoul("4294967295", NULL, 10);
	CHECK(51, ul == 4294967295ul && errno == 0);
	errno = 0;
	ul = strtoul("4294967296", NULL, 10);
	CHECK(51, ul == ULONG_MAX && errno == ERANGE);
	CHECK(51, strtoul("-1", NULL, 10) == ULONG_MAX);
	CHECK(51, strtoul("deadBEEF", NULL, 16) == 0xdeadbeeful);
	l = strtol("abc", &end, 10);
	CHECK(50, l == 0 && strcmp(end, "abc") == 0);
	CHECK(52, strtoll("-9223372036854775808", NULL, 10) == LLONG_MIN);
	CHECK(52, strtoull("123456789abcdef", NULL, 16) == 0x123456789abcdefull);
	CHECK(53, atoi("  314abc") == 314 && atoi("-7") == -7 && atol("100000") == 100000L);
	printf("strtol/strtoul/atoi: ok\n");

	CHECK(54, abs(-5) == 5 && abs(5) == 5 && labs(-70000L) == 70000L && llabs(-5000000000ll) == 5000000000ll);
	div_t d = div(-17, 5);
	ldiv_t ld = ldiv(17L, -5L);
	printf("div(-17,5)={%d,%d} ldiv(17,-5)={%ld,%ld}\n", d.quot, d.rem, ld.quot, ld.rem);
	CHECK(54, d.quot == -3 && d.rem == -2 && ld.quot == -3 && ld.rem == 2);

	char s[] = "Hello, World 42!";
	int alpha = 0, digit = 0, space = 0, punct = 0, upper = 0, lower = 0;
	for (char *p = s; *p; p++) {
		alpha += isalpha((unsigned char)*p) != 0;
		digit += isdigit((unsigned char)*p) != 0;
		space += isspace((unsigned char)*p) != 0;
		punct += ispunct((unsigned char)*p) != 0;
		upper += isupper((unsigned char)*p) != 0;
		lower += islower((unsigned char)*p) != 0;
	}
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	printf("ctype: alpha=%d digit=%d space=%d punct=%d upper=%d lower=%d %s\n", alpha, digit, space, punct, upper, lower, s);
	CHECK(55, alpha == 10 && digit == 2 && space == 2 && punct == 2 && upper == 2 && lower == 8);
	CHECK(55, strcmp(s, "HELLO, WORLD 42!") == 0 && tolower('Q') == 'q' && tolower('1') == '1');
	CHECK(55, isxdigit('f') && isxdigit('F') && !isxdigit('g') && isalnum('z') && !isalnum('_'));
}

/* volatile so that the compiler cannot fold the 64-bit operations. */
static volatile uint64_t va = 0x0123456789abcdefull, vb = 0xfedcba987ull, vz = 1000000007ull;
static volatile int64_t vs = -0x0123456789abcdefll;
static volatile int vshift = 37;

static void test_64bit(void)
{
	uint64_t a = va, b = vb, z = vz;
	int64_t s = vs;
	uint64_t mul = a * b;
	uint64_t q = a / b, r = a % b;
	uint64_t qz = a / z, rz = a % z;
	int64_t sq = s / 12345, sr = s % 12345;
	uint64_t shl = a << vshift, shr = a >> vshift;
	int64_t sar = s >> vshift;
	printf("u64 mul %llx\n", (unsigned long long)mul);
	printf("u64 div %llu rem %llu\n", (unsigned long long)q, (unsigned long long)r);
	printf("u64 div %llu rem %llu (by 1e9+7)\n", (unsigned long long)qz, (unsigned long long)rz);
	printf("s64 div %lld rem %lld\n", (long long)sq, (long long)sr);
	printf("shifts %llx %llx %llx\n", (unsigned long long)shl, (unsigned long long)shr, (unsigned long long)sar);
	CHECK(60, mul == 0xd70a3d5f94116009ull);
	CHECK(60, q * b + r == a && r < b);
	CHECK(60, qz * z + rz == a && rz < z);
	CHECK(60, sq * 12345 + sr == s && sr <= 0 && sr > -12345);
	CHECK(61, shl == 0x3579bde000000000ull && shr == 0x91a2bull && sar == (int64_t)0xfffffffffff6e5d4ull);
	/* a 64-bit loop: sum of squares mod a prime, against the closed form */
	uint64_t acc = 0;
	for (uint64_t i = 1; i <= 2000; i++)
		acc = (acc + i * i * i * 1000003ull) % 0xffffffffbull;
	uint64_t n = 2000, closed = (n * (n + 1) / 2) * (n * (n + 1) / 2);
	closed = ((closed % 0xffffffffbull) * 1000003ull) % 0xffffffffbull;
	printf("u64 cube sum mod p %llu\n", (unsigned long long)acc);
	CHECK(62, acc == closed);
}

int main(void)
{
	test_printf();
	test_malloc();
	test_sort();
	test_strings();
	test_conv();
	test_64bit();
	if (failures) {
		printf("%d failures\n", failures);
		return first_fail_code;
	}
	printf("libc: all ok\n");
	return 0;
}
