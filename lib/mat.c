/* mat.c: dense f32 kernels over OpenBLAS; the only includer of cblas.h. */
#include <cblas.h>

#if defined(__SSE__)
#include <xmmintrin.h>
#include <pmmintrin.h>
#include <string.h>
#endif

#include "pml/mat.h"

void
pml_mat_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
	     const float *a, size_t lda, const float *b, size_t ldb, float beta,
	     float *c, size_t ldc)
{
	size_t i;

	if (!m || !n)
		return;
	if (!k) {
		for (i = 0; i < m; i++) {
			size_t j;

			for (j = 0; j < n; j++)
				c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
		}
		return;
	}
	cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
		    trans_b ? CblasTrans : CblasNoTrans, (blasint)m, (blasint)n, (blasint)k,
		    alpha, a, (blasint)lda, b, (blasint)ldb, beta, c, (blasint)ldc);
}

void
pml_mat_gemm_ref(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
		 const float *a, size_t lda, const float *b, size_t ldb, float beta,
		 float *c, size_t ldc)
{
	size_t i, j, p;

	for (i = 0; i < m; i++) {
		for (j = 0; j < n; j++) {
			double s = 0;

			for (p = 0; p < k; p++) {
				double x = trans_a ? a[p * lda + i] : a[i * lda + p];
				double y = trans_b ? b[j * ldb + p] : b[p * ldb + j];

				s += x * y;
			}
			s *= alpha;
			if (beta != 0)
				s += (double)beta * c[i * ldc + j];
			c[i * ldc + j] = (float)s;
		}
	}
}

/*
 * Deterministic dense rows: y[r][j] = ((0 + x[r][0] w[0][j]) + x[r][1] w[1][j])
 * + ... + b[j], the terms added in input order. Vectors run over outputs
 * j, each lane doing exactly the scalar sequence, so the vector blocks,
 * the scalar tail, an AVX and an SSE build and any batch all give the same
 * bits for a row. Four rows share each load of w. Plain multiply and add
 * (no FMA contraction in ISO C mode).
 */
typedef float v8f __attribute__((vector_size(32)));

#define DENSE_ROWS_BODY \
	size_t i, j, kk, r; \
	for (i = 0; i < m; i += 4) { \
		size_t nr = m - i < 4 ? m - i : 4; \
		for (j = 0; j + 16 <= n; j += 16) { \
			v8f s[4][2] = { { { 0 } } }, w0, w1; \
			for (kk = 0; kk < k; kk++) { \
				memcpy(&w0, w + kk * n + j, sizeof(w0)); \
				memcpy(&w1, w + kk * n + j + 8, sizeof(w1)); \
				for (r = 0; r < nr; r++) { \
					float xv = x[(i + r) * k + kk]; \
					s[r][0] += xv * w0; \
					s[r][1] += xv * w1; \
				} \
			} \
			for (r = 0; r < nr; r++) \
				for (size_t q = 0; q < 16; q++) \
					y[(i + r) * n + j + q] = s[r][q / 8][q % 8] + (b ? b[j + q] : 0.0f); \
		} \
		for (; j + 8 <= n; j += 8) { \
			v8f s[4] = { { 0 } }, w0; \
			for (kk = 0; kk < k; kk++) { \
				memcpy(&w0, w + kk * n + j, sizeof(w0)); \
				for (r = 0; r < nr; r++) \
					s[r] += x[(i + r) * k + kk] * w0; \
			} \
			for (r = 0; r < nr; r++) \
				for (size_t q = 0; q < 8; q++) \
					y[(i + r) * n + j + q] = s[r][q] + (b ? b[j + q] : 0.0f); \
		} \
		for (; j < n; j++) \
			for (r = 0; r < nr; r++) { \
				float t = 0; \
				for (kk = 0; kk < k; kk++) \
					t += x[(i + r) * k + kk] * w[kk * n + j]; \
				y[(i + r) * n + j] = t + (b ? b[j] : 0.0f); \
			} \
	}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
__attribute__((target("avx")))
static void
dense_rows_avx(const float *x, size_t m, size_t k, const float *w, size_t n, const float *b, float *y)
{
	DENSE_ROWS_BODY
}
#endif

static void
dense_rows_generic(const float *x, size_t m, size_t k, const float *w, size_t n, const float *b,
		   float *y)
{
	DENSE_ROWS_BODY
}

void
pml_mat_dense_rows(const float *x, size_t m, size_t k, const float *w, size_t n, const float *b,
		   float *y)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
	if (__builtin_cpu_supports("avx")) {
		dense_rows_avx(x, m, k, w, n, b, y);
		return;
	}
#endif
	dense_rows_generic(x, m, k, w, n, b, y);
}

/* c[i][j] += v[j] for n columns; the same IEEE additions in every path. */
static void
add_vec(float *c, const float *v, size_t n)
{
	size_t j = 0;

#if defined(__SSE2__)
	for (; j + 4 <= n; j += 4)
		_mm_storeu_ps(c + j, _mm_add_ps(_mm_loadu_ps(c + j), _mm_loadu_ps(v + j)));
#endif
	for (; j < n; j++)
		c[j] += v[j];
}

void
pml_mat_add_row(float *c, size_t m, size_t n, const float *bias)
{
	size_t i;

	for (i = 0; i < m; i++)
		add_vec(c + i * n, bias, n);
}

void
pml_mat_col_sum(const float *a, size_t m, size_t n, float beta, float *out)
{
	size_t i, j;

	for (j = 0; j < n; j++)
		out[j] = beta == 0 ? 0 : beta * out[j];
	for (i = 0; i < m; i++)
		add_vec(out, a + i * n, n);
}

void
pml_mat_set_threads(int n)
{
	if (n < 1)
		n = 1;
	openblas_set_num_threads(n);
}

int
pml_mat_threads(void)
{
	return openblas_get_num_threads();
}

const char *
pml_mat_corename(void)
{
	const char *s = openblas_get_corename();

	return s ? s : "unknown";
}

unsigned
pml_mat_fpu_fast(void)
{
#if defined(__SSE__)
	unsigned old = _mm_getcsr();

	_MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
	_MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
	return old;
#else
	return 0;
#endif
}

void
pml_mat_fpu_restore(unsigned old)
{
#if defined(__SSE__)
	_mm_setcsr(old);
#else
	(void)old;
#endif
}
