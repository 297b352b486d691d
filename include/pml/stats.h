#ifndef PML_STATS_H
#define PML_STATS_H
/*
 * Statistics that the fitting stages learn from: running moments
 * (Welford), quantiles, and counts of distinct keys (mode, vocabularies,
 * class names, groups).
 *
 *     struct pml_moments m;
 *     pml_moments_init(&m);
 *     for each x: pml_moments_add(&m, x);
 *     mean = m.mean; sd = sqrt(pml_moments_var(&m));
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Count, mean, variance (Welford's update), min and max of finite values. */
struct pml_moments {
	uint64_t n;
	double mean;
	double m2;      /* sum of squared deviations from the mean */
	double min, max;
};

void pml_moments_init(struct pml_moments *m);
void pml_moments_add(struct pml_moments *m, double x);
/*
 * Merge the moments of another batch (n values with mean, m2, min, max)
 * into m (Chan et al.'s pairwise update).
 */
void pml_moments_merge(struct pml_moments *m, uint64_t n, double mean, double m2, double min,
		       double max);
/* Add n values at once: two passes over them, then a merge. */
void pml_moments_add_f32(struct pml_moments *m, const float *v, size_t n);
/* Population variance (divides by n; 0 when n < 2). */
double pml_moments_var(const struct pml_moments *m);
/* Sample variance (divides by n - 1; 0 when n < 2). */
double pml_moments_var_sample(const struct pml_moments *m);

/*
 * Quantiles. Values are kept exactly up to cap (PML_QUANTILE_CAP when 0);
 * beyond that a uniform sample of cap values is kept (reservoir sampling
 * with a fixed seed: same input, same estimate). Quantiles interpolate
 * linearly between order statistics (numpy's default, R's type 7).
 */
#define PML_QUANTILE_CAP (1u << 22)

struct pml_quantiles {
	double *v;
	size_t n, m, cap;
	uint64_t seen;
	int sorted;
	struct pml_rng rng;
};

void pml_quantiles_init(struct pml_quantiles *q, size_t cap);
void pml_quantiles_add(struct pml_quantiles *q, double x);
/* The q-quantile, q in [0,1]; NAN when no value was added. */
double pml_quantiles_get(struct pml_quantiles *q, double p);
/* 1 if every value seen is kept (the quantiles are exact). */
int pml_quantiles_exact(const struct pml_quantiles *q);
void pml_quantiles_release(struct pml_quantiles *q);

/*
 * Values 0..n_bin-1 given by their counts (a histogram of u8 data): the
 * exact p-quantile (same interpolation), and the moments.
 */
double pml_hist_quantile(const uint64_t *count, size_t n_bin, double p);
void pml_hist_moments(const uint64_t *count, size_t n_bin, struct pml_moments *m);

/* The p-quantile of n sorted values (linear interpolation); NAN if n == 0. */
double pml_quantile_sorted(const double *v, size_t n, double p);

/*
 * Counts of distinct byte strings, in order of first appearance.
 * Keys are copied. Index i is stable once returned.
 */
struct pml_counter {
	size_t n, m;            /* keys */
	char **key;             /* NUL-terminated copies */
	size_t *len;
	uint64_t *count;
	size_t n_slot;          /* hash table of n_slot (power of 2) indices + 1, 0 = empty */
	uint32_t *slot;
};

void pml_counter_init(struct pml_counter *c);
/* Add one occurrence of key; returns its index. */
size_t pml_counter_add(struct pml_counter *c, const void *key, size_t len);
/* Index of key, or -1. */
long pml_counter_find(const struct pml_counter *c, const void *key, size_t len);
/*
 * The index of the most frequent key; ties go to the key first in byte
 * order. -1 if empty.
 */
long pml_counter_mode(const struct pml_counter *c);
/* Indices 0..n-1 sorted by key in byte order (memcmp, shorter first); caller frees. */
size_t *pml_counter_sorted(const struct pml_counter *c);
void pml_counter_release(struct pml_counter *c);

/* A 128-bit fingerprint of bytes (8 bytes at a time; not cryptographic). */
void pml_fingerprint(const void *p, size_t n, uint64_t *a, uint64_t *b);

/*
 * A set of 128-bit fingerprints (dedup keys). pml_fpset_add returns 1 if
 * the fingerprint is new, 0 if it was already there.
 */
struct pml_fpset {
	size_t n, n_slot;
	uint64_t *slot;         /* pairs; (0,0) is empty, so keys are forced non-zero */
};

void pml_fpset_init(struct pml_fpset *s);
int pml_fpset_add(struct pml_fpset *s, uint64_t a, uint64_t b);
void pml_fpset_release(struct pml_fpset *s);

#ifdef __cplusplus
}
#endif

#endif
