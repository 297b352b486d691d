/* mat.c: dense f32 kernels over OpenBLAS; the only includer of cblas.h. */
#include <cblas.h>

#if defined(__SSE__)
#include <xmmintrin.h>
#include <pmmintrin.h>
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

void
pml_mat_add_row(float *c, size_t m, size_t n, const float *bias)
{
	size_t i, j;

	for (i = 0; i < m; i++) {
		float *r = c + i * n;

		for (j = 0; j < n; j++)
			r[j] += bias[j];
	}
}

void
pml_mat_col_sum(const float *a, size_t m, size_t n, float beta, float *out)
{
	size_t i, j;

	for (j = 0; j < n; j++)
		out[j] = beta == 0 ? 0 : beta * out[j];
	for (i = 0; i < m; i++) {
		const float *r = a + i * n;

		for (j = 0; j < n; j++)
			out[j] += r[j];
	}
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
