/* mat.c: dense f32 kernels over OpenBLAS; the only includer of cblas.h. */
#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#if defined(__SSE__)
#include <xmmintrin.h>
#include <pmmintrin.h>
#include <string.h>
#endif

#include "pml/err.h"
#include "pml/mat.h"

/*
 * OpenBLAS is loaded with dlopen() at the first call that needs it, not
 * linked: linked, its constructor starts one thread per core when any tool
 * starts, and under a memory limit (ulimit -v) those threads retry a failed
 * allocation forever, so even `pml-cat --version` hung. Tools that do no
 * matrix product now never load it, and the others load it with the thread
 * count they chose (the user's OPENBLAS_NUM_THREADS when set, else
 * pml_mat_set_threads()'s, else 1).
 *
 * OpenBLAS also loops forever when it cannot map its work buffer, one per
 * thread, so the room for them is checked first: without it the tool ends
 * with an out-of-memory error instead of spinning.
 */
#ifndef PML_OPENBLAS
#define PML_OPENBLAS "libopenblas.so.0"
#endif
#define BLAS_BUFFER ((size_t)130 << 20)   /* OpenBLAS's per-thread buffer and its slack */

typedef void sgemm_fn(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, blasint,
		      blasint, blasint, float, const float *, blasint, const float *, blasint,
		      float, float *, blasint);

struct blas {
	sgemm_fn *sgemm;
	void (*set_threads)(int);
	int (*get_threads)(void);
	char *(*corename)(void);
};

static struct blas blas;
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static int blas_want = 1;   /* threads asked for before the load */

/* Is there address space for n OpenBLAS buffers? Dies if not. */
static void
blas_room(int n)
{
	size_t need = (size_t)n * BLAS_BUFFER;
	void *p = mmap(NULL, need, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		pml_die("out of memory: OpenBLAS needs %zu MiB of address space for %d thread%s"
			" (ulimit -v?)", need >> 20, n, n == 1 ? "" : "s");
	munmap(p, need);
}

static void *
blas_sym(void *h, const char *name)
{
	void *f = dlsym(h, name);

	if (!f)
		pml_die("cannot load OpenBLAS: %s has no %s", PML_OPENBLAS, name);
	return f;
}

static void
blas_load(void)
{
	const char *env = getenv("OPENBLAS_NUM_THREADS");
	int user = env && *env ? atoi(env) : 0;
	void *h;

	/* Load with one thread unless the user says otherwise; before the load,
	 * the room for the library itself is a generous guess. */
	if (!user)
		setenv("OPENBLAS_NUM_THREADS", "1", 1);
	else if (user > 1)
		blas_room(user + 1);
	h = dlopen(PML_OPENBLAS, RTLD_NOW | RTLD_LOCAL);
	if (!user)
		unsetenv("OPENBLAS_NUM_THREADS");
	if (!h)
		pml_die("cannot load OpenBLAS: %s", dlerror());
	/* dlsym returns void *; POSIX guarantees it converts to a function pointer */
	*(void **)&blas.sgemm = blas_sym(h, "cblas_sgemm");
	*(void **)&blas.set_threads = blas_sym(h, "openblas_set_num_threads");
	*(void **)&blas.get_threads = blas_sym(h, "openblas_get_num_threads");
	*(void **)&blas.corename = blas_sym(h, "openblas_get_corename");
	if (!user) {
		blas_room(blas_want);
		if (blas_want > 1)
			blas.set_threads(blas_want);
	}
}

static const struct blas *
blas_get(void)
{
	pthread_once(&blas_once, blas_load);
	return &blas;
}

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
	blas_get()->sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
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

/* y[j..j+8) of one row: the sums plus the biases (or + 0, as the tail does) */
#define DENSE_PUT(yr, sv, j) \
	do { \
		v8f bv_ = { 0 }; \
		if (b) \
			memcpy(&bv_, b + (j), sizeof(bv_)); \
		sv += bv_; \
		memcpy((yr) + (j), &sv, sizeof(sv)); \
	} while (0)

/*
 * Blocks of four rows (each load of w serves all four) and sixteen outputs
 * (two vectors), the accumulators in named variables so they stay in
 * registers; then blocks of eight outputs, the scalar tail, and the rows
 * left over one at a time, in the same per-output order.
 */
#define DENSE_ROWS_BODY \
	size_t i = 0, j, kk; \
	for (; i + 4 <= m; i += 4) { \
		const float *x0 = x + i * k, *x1 = x0 + k, *x2 = x1 + k, *x3 = x2 + k; \
		float *y0 = y + i * n, *y1 = y0 + n, *y2 = y1 + n, *y3 = y2 + n; \
		for (j = 0; j + 16 <= n; j += 16) { \
			v8f a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 }; \
			v8f c0 = { 0 }, c1 = { 0 }, c2 = { 0 }, c3 = { 0 }, wa, wc; \
			for (kk = 0; kk < k; kk++) { \
				memcpy(&wa, w + kk * n + j, sizeof(wa)); \
				memcpy(&wc, w + kk * n + j + 8, sizeof(wc)); \
				a0 += x0[kk] * wa; c0 += x0[kk] * wc; \
				a1 += x1[kk] * wa; c1 += x1[kk] * wc; \
				a2 += x2[kk] * wa; c2 += x2[kk] * wc; \
				a3 += x3[kk] * wa; c3 += x3[kk] * wc; \
			} \
			DENSE_PUT(y0, a0, j); DENSE_PUT(y0, c0, j + 8); \
			DENSE_PUT(y1, a1, j); DENSE_PUT(y1, c1, j + 8); \
			DENSE_PUT(y2, a2, j); DENSE_PUT(y2, c2, j + 8); \
			DENSE_PUT(y3, a3, j); DENSE_PUT(y3, c3, j + 8); \
		} \
		for (; j + 8 <= n; j += 8) { \
			v8f a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 }, wa; \
			for (kk = 0; kk < k; kk++) { \
				memcpy(&wa, w + kk * n + j, sizeof(wa)); \
				a0 += x0[kk] * wa; \
				a1 += x1[kk] * wa; \
				a2 += x2[kk] * wa; \
				a3 += x3[kk] * wa; \
			} \
			DENSE_PUT(y0, a0, j); \
			DENSE_PUT(y1, a1, j); \
			DENSE_PUT(y2, a2, j); \
			DENSE_PUT(y3, a3, j); \
		} \
		for (; j < n; j++) { \
			float t0 = 0, t1 = 0, t2 = 0, t3 = 0, bj = b ? b[j] : 0.0f; \
			for (kk = 0; kk < k; kk++) { \
				float wj = w[kk * n + j]; \
				t0 += x0[kk] * wj; \
				t1 += x1[kk] * wj; \
				t2 += x2[kk] * wj; \
				t3 += x3[kk] * wj; \
			} \
			y0[j] = t0 + bj; \
			y1[j] = t1 + bj; \
			y2[j] = t2 + bj; \
			y3[j] = t3 + bj; \
		} \
	} \
	for (; i < m; i++) { \
		const float *x0 = x + i * k; \
		float *y0 = y + i * n; \
		for (j = 0; j + 8 <= n; j += 8) { \
			v8f a0 = { 0 }, wa; \
			for (kk = 0; kk < k; kk++) { \
				memcpy(&wa, w + kk * n + j, sizeof(wa)); \
				a0 += x0[kk] * wa; \
			} \
			DENSE_PUT(y0, a0, j); \
		} \
		for (; j < n; j++) { \
			float t0 = 0; \
			for (kk = 0; kk < k; kk++) \
				t0 += x0[kk] * w[kk * n + j]; \
			y0[j] = t0 + (b ? b[j] : 0.0f); \
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
	if (!blas.sgemm) {
		blas_want = n;   /* the load starts this many */
		return;
	}
	if (n > blas.get_threads())
		blas_room(n);
	blas.set_threads(n);
}

int
pml_mat_threads(void)
{
	return blas_get()->get_threads();
}

const char *
pml_mat_corename(void)
{
	const char *s = blas_get()->corename();

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
