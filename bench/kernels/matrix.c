/* matrix: multiply-accumulate on int16 matrices with int32 results, in the
 * style of CoreMark's matrix kernel: add a constant, matrix-vector product,
 * matrix-matrix product, and a product whose partial results are bit-field
 * extracted before accumulating.  Stresses the multiplier (mul), sign-
 * extending 16-bit loads and regular nested loops.
 *
 * Property checks: every product C = A*B is re-verified by a different
 * method (Freivalds: A*(B*x) == C*x in 64-bit arithmetic, for a fresh
 * random vector x each time), and every matrix-vector product is
 * re-verified through the column sums of A
 * (sum_i (A v)_i == sum_j v_j * sum_i A_ij). */
#include "common.h"

#define N 40
#define DEFAULT_ITERATIONS 1800u

static int16_t A[N][N], B[N][N];
static int32_t C[N][N];
static uint32_t acc[N][N];
static int16_t vec[N];
static int32_t mv[N];

/* Keep entries in [-2048, 2047] so that int32 sums cannot overflow. */
static int16_t clamp12(int32_t v)
{
	return (int16_t)(((v + 2048) & 4095) - 2048);
}

static void mat_add_const(int16_t m[N][N], int32_t c)
{
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			m[i][j] = clamp12(m[i][j] + c);
}

static void mat_mul_vect(int32_t out[N], int16_t m[N][N], const int16_t v[N])
{
	for (int i = 0; i < N; i++) {
		int32_t s = 0;
		for (int j = 0; j < N; j++)
			s += (int32_t)m[i][j] * v[j];
		out[i] = s;
	}
}

static void mat_mul(int32_t out[N][N], int16_t a[N][N], int16_t b[N][N])
{
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			int32_t s = 0;
			for (int k = 0; k < N; k++)
				s += (int32_t)a[i][k] * b[k][j];
			out[i][j] = s;
		}
}

/* Like CoreMark's bitextract variant: accumulate bit fields of products. */
static void mat_mul_bitextract(uint32_t out[N][N], int16_t a[N][N], int16_t b[N][N])
{
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			uint32_t s = 0;
			for (int k = 0; k < N; k++) {
				uint32_t p = (uint32_t)((int32_t)a[i][k] * b[k][j]);
				s += ((p >> 2) & 0xfu) * ((p >> 5) & 0x7fu);
			}
			out[i][j] += s;
		}
}

/* Freivalds' check with exact 64-bit arithmetic. */
static int verify_product(int16_t a[N][N], int16_t b[N][N], int32_t c[N][N],
			  uint32_t *seed)
{
	int64_t x[N], y[N];
	for (int i = 0; i < N; i++)
		x[i] = (int64_t)(bk_rand(seed) % 2001u) - 1000;
	for (int i = 0; i < N; i++) {
		int64_t s = 0;
		for (int j = 0; j < N; j++)
			s += b[i][j] * x[j];
		y[i] = s;
	}
	for (int i = 0; i < N; i++) {
		int64_t abx = 0, cx = 0;
		for (int j = 0; j < N; j++) {
			abx += a[i][j] * y[j];
			cx += c[i][j] * x[j];
		}
		if (abx != cx)
			return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0x2d054185u },
		{ DEFAULT_ITERATIONS, 0x4deb46ceu },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x327b23c6u, vseed = 0x643c9869u, sum = 0;

	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			A[i][j] = clamp12((int32_t)(bk_rand(&seed) & 0xfff));
			B[i][j] = clamp12((int32_t)(bk_rand(&seed) & 0xfff));
			acc[i][j] = 0;
		}

	for (uint32_t it = 0; it < iters; it++) {
		for (int j = 0; j < N; j++)
			vec[j] = clamp12((int32_t)(bk_rand(&seed) & 0xfff));

		mat_add_const(A, (int32_t)(it % 97u) - 48);
		mat_mul_vect(mv, A, vec);
		/* Re-verify mv: sum_i mv[i] == sum_j vec[j] * (column sum j of A). */
		int64_t lhs = 0, rhs = 0;
		for (int i = 0; i < N; i++)
			lhs += mv[i];
		for (int j = 0; j < N; j++) {
			int64_t col = 0;
			for (int i = 0; i < N; i++)
				col += A[i][j];
			rhs += col * vec[j];
		}
		bk_check(lhs == rhs, "matrix", "matrix-vector product");
		for (int i = 0; i < N; i++)
			sum = bk_mix(sum, (uint32_t)mv[i]);

		mat_mul(C, A, B);
		bk_check(verify_product(A, B, C, &vseed), "matrix", "A*B (Freivalds)");
		uint32_t csum = 0;
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				csum = csum * 31u + (uint32_t)C[i][j];
		sum = bk_mix(sum, csum);

		mat_mul_bitextract(acc, A, B);
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				acc[i][j] = acc[i][j] * 3u + (uint32_t)C[i][j];

		/* Swap roles: B drifts too so every iteration differs. */
		mat_add_const(B, (int32_t)(it % 5u) - 2);
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			sum = bk_mix(sum, acc[i][j]);
	return bk_finish("matrix", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
