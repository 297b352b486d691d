/*
 * gemm-floor.c: the time of the cblas_sgemm calls of one training epoch of a
 * dense MLP alone (forward and backward, no activations, no optimiser): the
 * floor that any MLP trainer on this BLAS can reach. Prints two figures:
 * "hot", every batch read from one buffer that stays in cache (the floor as
 * the issue defines it), and "streamed", the batches read in turn from an
 * N_SAMPLES-row input matrix, as a real epoch must read every row once.
 * usage: gemm-floor N_SAMPLES BATCH SIZES...   e.g. 60000 64 784 100 10
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static float *
randm(size_t n)
{
	float *p = malloc(n * sizeof(float));
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
	return p;
}

int
main(int argc, char **argv)
{
	int n, batch, n_layer, l, b, rep, best_rep = 3, streamed;
	int sz[16];
	float *w[16], *dw[16], *a[16], *d[16], *x, *batch0;
	double t0, best[2] = { 1e30, 1e30 };

	if (argc < 5 || argc - 3 > 16)
		return 2;
	n = atoi(argv[1]);
	batch = atoi(argv[2]);
	n_layer = argc - 4;
	for (l = 0; l <= n_layer; l++)
		sz[l] = atoi(argv[3 + l]);
	for (l = 0; l < n_layer; l++) {
		w[l] = randm((size_t)sz[l] * sz[l + 1]);
		dw[l] = randm((size_t)sz[l] * sz[l + 1]);
	}
	for (l = 0; l <= n_layer; l++) {
		a[l] = randm((size_t)batch * sz[l]);
		d[l] = randm((size_t)batch * sz[l]);
	}
	x = randm((size_t)n * sz[0]);
	batch0 = a[0];
	for (rep = 0; rep < 2 * best_rep; rep++) {
		streamed = rep % 2;
		t0 = now();
		for (b = 0; b < n; b += batch) {
			int m = n - b < batch ? n - b : batch;

			a[0] = streamed ? x + (size_t)b * sz[0] : batch0;
			for (l = 0; l < n_layer; l++)
				cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, sz[l + 1], sz[l],
					    1.0f, a[l], sz[l], w[l], sz[l + 1], 0.0f, a[l + 1], sz[l + 1]);
			for (l = n_layer - 1; l >= 0; l--) {
				cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, sz[l], sz[l + 1], m,
					    1.0f, a[l], sz[l], d[l + 1], sz[l + 1], 0.0f, dw[l], sz[l + 1]);
				if (l > 0)
					cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, sz[l], sz[l + 1],
						    1.0f, d[l + 1], sz[l + 1], w[l], sz[l + 1], 0.0f, d[l], sz[l]);
			}
		}
		t0 = now() - t0;
		if (t0 < best[streamed])
			best[streamed] = t0;
	}
	printf("gemm-floor %.4f %.4f\n", best[0], best[1]);
	return 0;
}
