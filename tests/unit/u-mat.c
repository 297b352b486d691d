/* u-mat.c: sgemm against the reference kernel, row helpers, threads, FTZ. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pml/mat.h"
#include "pml/rng.h"
#include "t.h"

static void
fill(float *a, size_t n, struct pml_rng *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = (float)(pml_rng_double(r) * 2 - 1);
}

static double
max_diff(const float *a, const float *b, size_t n)
{
	double d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (fabs((double)a[i] - b[i]) > d || isnan(a[i]) || isnan(b[i]))
			d = isnan(a[i]) || isnan(b[i]) ? INFINITY : fabs((double)a[i] - b[i]);
	return d;
}

static void
check_gemm(int ta, int tb, size_t m, size_t n, size_t k, float alpha, float beta, int pad,
	   struct pml_rng *r)
{
	size_t lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
	size_t ra = ta ? k : m, rb = tb ? n : k;
	float *a = calloc(ra * lda + 1, sizeof(float)), *b = calloc(rb * ldb + 1, sizeof(float));
	float *c1 = calloc(m * ldc + 1, sizeof(float)), *c2 = calloc(m * ldc + 1, sizeof(float));
	size_t i;

	fill(a, ra * lda, r);
	fill(b, rb * ldb, r);
	if (beta == 0) {
		for (i = 0; i < m * ldc; i++)
			c1[i] = c2[i] = NAN;    /* must be ignored */
	} else {
		fill(c1, m * ldc, r);
		memcpy(c2, c1, m * ldc * sizeof(float));
	}
	pml_mat_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c1, ldc);
	pml_mat_gemm_ref(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c2, ldc);
	/* compare the m x n block only (padding columns untouched by both) */
	{
		double d = 0;

		for (i = 0; i < m; i++) {
			double di = max_diff(c1 + i * ldc, c2 + i * ldc, n);

			if (di > d)
				d = di;
		}
		T_OK(d <= 1e-5 * (double)(k + 1), "sgemm ta=%d tb=%d %zux%zux%zu alpha=%g beta=%g pad=%d: max diff %g",
		     ta, tb, m, n, k, (double)alpha, (double)beta, pad, d);
	}
	free(a);
	free(b);
	free(c1);
	free(c2);
}

/* pml_mat_dense_rows: the sums in input order, exactly (vector blocks and
 * scalar tail alike), right within float tolerance, and a row's bits do
 * not depend on the batch it is computed in. */
static void
check_dense_rows(struct pml_rng *r, size_t n)
{
	enum { M = 13, K = 37, NMAX = 40 };
	float x[M * K], w[K * NMAX], b[NMAX], y[M * NMAX], one[3 * NMAX], ref[M * NMAX];
	size_t i, j, kk;
	int same = 1, exact = 1;
	double worst = 0;

	for (i = 0; i < M * K; i++)
		x[i] = (float)(pml_rng_double(r) * 2 - 1);
	for (i = 0; i < K * n; i++)
		w[i] = (float)(pml_rng_double(r) * 2 - 1);
	for (i = 0; i < n; i++)
		b[i] = (float)(pml_rng_double(r) - 0.5);
	pml_mat_dense_rows(x, M, K, w, n, b, y);
	for (i = 0; i < M; i++)
		for (j = 0; j < n; j++) {
			float t = 0;

			for (kk = 0; kk < K; kk++)
				t += x[i * K + kk] * w[kk * n + j];
			exact &= y[i * n + j] == t + b[j];
		}
	T_OK(exact, "dense rows, %zu outputs: the scalar sums in input order, bit for bit", n);
	pml_mat_gemm_ref(0, 0, M, n, K, 1, x, K, w, n, 0, ref, n);
	for (i = 0; i < M * n; i++) {
		double d = fabs((double)y[i] - (ref[i] + b[i % n]));
		if (d > worst)
			worst = d;
	}
	T_OK(worst < 1e-5, "dense rows, %zu outputs, match the reference (worst %.3g)", n, worst);
	for (i = 0; i < M; i++) {
		pml_mat_dense_rows(x + i * K, 1, K, w, n, b, one);
		if (memcmp(one, y + i * n, n * sizeof(float)))
			same = 0;
	}
	T_OK(same, "each row alone gives the same bits as in the batch of %d", M);
	pml_mat_dense_rows(x + 5 * K, 3, K, w, n, NULL, one);
	T_OK(fabs(one[0] + b[0] - y[5 * n]) < 1e-6, "no bias (NULL)");
}

int
main(void)
{
	struct pml_rng r;
	int ta, tb;
	float c[6] = { 1, 2, 3, 4, 5, 6 }, bias[3] = { 10, 20, 30 }, s[3] = { 1, 1, 1 };

	pml_rng_seed(&r, 7);
	check_dense_rows(&r, 9);
	check_dense_rows(&r, 40);
	check_dense_rows(&r, 3);
	pml_mat_set_threads(1);
	T_EQ_INT(pml_mat_threads(), 1, "one BLAS thread");
	T_OK(pml_mat_corename() && *pml_mat_corename(), "core name '%s'", pml_mat_corename());
	for (ta = 0; ta < 2; ta++)
		for (tb = 0; tb < 2; tb++) {
			check_gemm(ta, tb, 7, 5, 3, 1, 0, 0, &r);
			check_gemm(ta, tb, 64, 100, 784, 1, 0, 0, &r);
			check_gemm(ta, tb, 33, 17, 65, 0.5f, 1, 3, &r);
			check_gemm(ta, tb, 1, 1, 1, -2, 0.25f, 1, &r);
		}
	check_gemm(0, 0, 4, 4, 0, 1, 0, 0, &r);
	check_gemm(0, 0, 4, 4, 0, 1, 0.5f, 0, &r);

	pml_mat_add_row(c, 2, 3, bias);
	T_OK(c[0] == 11 && c[2] == 33 && c[3] == 14 && c[5] == 36, "add_row adds the bias to each row");
	pml_mat_col_sum(c, 2, 3, 0, s);
	T_OK(s[0] == 25 && s[1] == 47 && s[2] == 69, "col_sum with beta 0 replaces");
	pml_mat_col_sum(c, 2, 3, 1, s);
	T_OK(s[0] == 50 && s[1] == 94 && s[2] == 138, "col_sum with beta 1 accumulates");
	{
		/* 5 x 11: the vector body and the scalar tail give the scalar sums' bits */
		float a[55], want[11], got[11], row[11], b11[11];
		int i, j, same = 1;

		for (i = 0; i < 55; i++)
			a[i] = (float)pml_rng_double(&r) * 3 - 1;
		for (j = 0; j < 11; j++) {
			b11[j] = (float)pml_rng_double(&r);
			want[j] = 0;
			for (i = 0; i < 5; i++)
				want[j] += a[i * 11 + j];
		}
		pml_mat_col_sum(a, 5, 11, 0, got);
		for (j = 0; j < 11; j++)
			same &= want[j] == got[j];
		T_OK(same, "col_sum over 11 columns: exactly the scalar sums");
		memcpy(row, a, sizeof(row));
		pml_mat_add_row(a, 5, 11, b11);
		for (j = 0, same = 1; j < 11; j++)
			same &= a[j] == row[j] + b11[j];
		T_OK(same, "add_row over 11 columns: exactly the scalar sums");
	}

	pml_mat_set_threads(2);
	T_OK(pml_mat_threads() >= 1, "threads set to 2 (got %d)", pml_mat_threads());
	check_gemm(0, 1, 128, 96, 200, 1, 0, 0, &r);
	pml_mat_set_threads(1);

	{
		volatile float tiny = 1e-38f, scale = 1e-3f, out;
		unsigned old = pml_mat_fpu_fast();

		out = tiny * scale;
#if defined(__SSE__)
		T_OK(out == 0, "flush-to-zero on: subnormal result is 0 (got %g)", (double)out);
#else
		T_OK(1, "no SSE: FTZ is a no-op");
#endif
		pml_mat_fpu_restore(old);
		out = tiny * scale;
		T_OK(out != 0, "FTZ restored: subnormal result kept (got %g)", (double)out);
	}
	return t_done();
}
