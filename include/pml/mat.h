#ifndef PML_MAT_H
#define PML_MAT_H
/*
 * Dense single-precision matrix kernels. lib/mat.c is the only file of pml
 * that includes cblas.h: everything above it sees row-major float arrays
 * with explicit dimensions and leading dimensions.
 *
 * Results are bit-identical run to run at a fixed thread count and CPU
 * kernel; 1 and 2 threads differ in the last bits (summation order).
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * C[m x n] = alpha * op(A) * op(B) + beta * C, row-major.
 * op(A) is m x k: A is m x k (lda >= k), or k x m if trans_a (lda >= m).
 * op(B) is k x n: B is k x n (ldb >= n), or n x k if trans_b (ldb >= k).
 * beta == 0 ignores the old contents of C (NaN included).
 */
void pml_mat_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
		  const float *a, size_t lda, const float *b, size_t ldb, float beta,
		  float *c, size_t ldc);
/* The same, computed naively in double: the reference for tests. */
void pml_mat_gemm_ref(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
		      const float *a, size_t lda, const float *b, size_t ldb, float beta,
		      float *c, size_t ldc);

/*
 * y = x w + b: a dense layer's forward pass, x is m x k, w is k x n (both
 * row-major, packed), y is m x n. Unlike sgemm, a
 * row's result does not depend on m or on the other rows (a fixed
 * summation order per row), so a record gets the same bits alone or in any
 * batch: pml-eval and pml-serve-stdin agree to the last digit whatever
 * batches they form. Used for inference; training keeps sgemm.
 */
void pml_mat_dense_rows(const float *x, size_t m, size_t k, const float *w, size_t n,
			const float *b, float *y);

/* c[i][j] += bias[j] for each of m rows of n columns (ldc == n). */
void pml_mat_add_row(float *c, size_t m, size_t n, const float *bias);
/* out[j] = beta * out[j] + sum over the m rows of a[i][j] (lda == n). */
void pml_mat_col_sum(const float *a, size_t m, size_t n, float beta, float *out);

/* BLAS threads: n >= 1. pml_mat_threads() gives the current count. */
void pml_mat_set_threads(int n);
int pml_mat_threads(void);
/* OpenBLAS's name for the CPU kernel in use ("Haswell", "Zen", ...). */
const char *pml_mat_corename(void);

/*
 * Flush denormals to zero (FTZ and DAZ in MXCSR) while training: Adam's
 * state decays into subnormals and costs ~8x without it. Returns the old
 * state for pml_mat_fpu_restore(). No-op without SSE.
 */
unsigned pml_mat_fpu_fast(void);
void pml_mat_fpu_restore(unsigned old);

#ifdef __cplusplus
}
#endif

#endif
