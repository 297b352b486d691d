/* u-stats: moments, quantiles, counters, fingerprint sets. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/rng.h"
#include "pml/stats.h"
#include "t.h"

static void
test_moments(void)
{
	struct pml_moments m;
	double xs[] = { 1, 2, 3, 6 };
	int i;

	pml_moments_init(&m);
	T_EQ_INT(m.n, 0, "empty count");
	T_OK(pml_moments_var(&m) == 0, "empty variance is 0");
	for (i = 0; i < 4; i++)
		pml_moments_add(&m, xs[i]);
	pml_moments_add(&m, NAN);
	pml_moments_add(&m, INFINITY);
	T_EQ_INT(m.n, 4, "non-finite values are skipped");
	T_OK(m.mean == 3, "mean of 1,2,3,6 is exactly 3");
	T_OK(pml_moments_var(&m) == 3.5, "population variance 14/4");
	T_OK(fabs(pml_moments_var_sample(&m) - 14.0 / 3) < 1e-15, "sample variance 14/3");
	T_OK(m.min == 1 && m.max == 6, "min and max");
	pml_moments_init(&m);
	for (i = 0; i < 1000; i++)
		pml_moments_add(&m, 1e9 + 7);
	T_OK(m.mean == 1e9 + 7 && pml_moments_var(&m) == 0, "constant column: variance exactly 0");
	pml_moments_init(&m);
	pml_moments_add(&m, 5);
	T_OK(pml_moments_var(&m) == 0 && m.mean == 5, "one value: variance 0");
}

static void
test_quantiles(void)
{
	struct pml_quantiles q;
	double v[] = { 1, 2, 3, 4 };
	int i;

	T_OK(pml_quantile_sorted(v, 4, 0.5) == 2.5, "median of 1..4 is 2.5");
	T_OK(pml_quantile_sorted(v, 4, 0.25) == 1.75, "q1 of 1..4 is 1.75 (type 7)");
	T_OK(pml_quantile_sorted(v, 4, 0) == 1 && pml_quantile_sorted(v, 4, 1) == 4, "ends");
	T_OK(isnan(pml_quantile_sorted(v, 0, 0.5)), "no values: NaN");
	pml_quantiles_init(&q, 0);
	T_OK(isnan(pml_quantiles_get(&q, 0.5)), "empty sketch: NaN");
	for (i = 9; i >= 0; i--)
		pml_quantiles_add(&q, i);
	T_OK(pml_quantiles_get(&q, 0.5) == 4.5, "median of 0..9 added backwards");
	T_OK(pml_quantiles_exact(&q), "exact below the cap");
	pml_quantiles_release(&q);
	pml_quantiles_init(&q, 1000);
	for (i = 0; i < 100000; i++)
		pml_quantiles_add(&q, i % 1000);
	T_OK(!pml_quantiles_exact(&q), "sampled above the cap");
	T_NEAR(pml_quantiles_get(&q, 0.5), 500, 60, "sampled median is close");
	pml_quantiles_release(&q);
}

static void
test_counter(void)
{
	struct pml_counter c;
	size_t *idx;
	int i;

	pml_counter_init(&c);
	T_EQ_INT(pml_counter_mode(&c), -1, "empty counter has no mode");
	pml_counter_add(&c, "b", 1);
	pml_counter_add(&c, "a", 1);
	pml_counter_add(&c, "b", 1);
	pml_counter_add(&c, "a", 1);
	pml_counter_add(&c, "ab", 2);
	T_EQ_INT(c.n, 3, "three keys");
	T_EQ_INT(pml_counter_mode(&c), 1, "tie broken by byte order: 'a'");
	T_EQ_INT(pml_counter_find(&c, "ab", 2), 2, "find");
	T_EQ_INT(pml_counter_find(&c, "zz", 2), -1, "find missing");
	idx = pml_counter_sorted(&c);
	T_OK(idx[0] == 1 && idx[1] == 2 && idx[2] == 0, "sorted: a, ab, b");
	free(idx);
	for (i = 0; i < 5000; i++) {
		char k[16];
		snprintf(k, sizeof(k), "k%d", i % 2500);
		pml_counter_add(&c, k, strlen(k));
	}
	T_EQ_INT(c.n, 2503, "many keys, rehashing");
	T_EQ_INT(c.count[pml_counter_find(&c, "k7", 2)], 2, "counts survive rehash");
	pml_counter_release(&c);
}

static void
test_fpset(void)
{
	struct pml_fpset s;
	uint64_t i;
	int fresh = 0;

	pml_fpset_init(&s);
	T_EQ_INT(pml_fpset_add(&s, 1, 2), 1, "new");
	T_EQ_INT(pml_fpset_add(&s, 1, 2), 0, "duplicate");
	T_EQ_INT(pml_fpset_add(&s, 0, 0), 1, "zero key works");
	T_EQ_INT(pml_fpset_add(&s, 0, 0), 0, "zero key duplicate");
	for (i = 0; i < 10000; i++)
		fresh += pml_fpset_add(&s, i * 7919, i);
	T_EQ_INT(fresh, 9999, "10000 adds, (0,0) seen before");
	pml_fpset_release(&s);
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
test_hist(void)
{
	uint64_t h[256] = { 0 };
	double v[997];
	struct pml_moments a, b;
	float f[997];
	struct pml_rng r;
	int i, ok = 1;
	double ps[] = { 0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1 };

	pml_rng_seed(&r, 3);
	pml_moments_init(&a);
	for (i = 0; i < 997; i++) {
		int x = (int)pml_rng_below(&r, 40) * 3;
		h[x]++;
		v[i] = x;
		f[i] = (float)x;
		pml_moments_add(&a, x);
	}
	qsort(v, 997, sizeof(*v), cmp_d);
	for (i = 0; i < 8; i++)
		if (pml_hist_quantile(h, 256, ps[i]) != pml_quantile_sorted(v, 997, ps[i]))
			ok = 0;
	T_OK(ok, "histogram quantiles equal the sorted-array quantiles");
	pml_moments_init(&b);
	pml_hist_moments(h, 256, &b);
	T_OK(b.n == 997 && fabs(b.mean - a.mean) < 1e-12 && fabs(pml_moments_var(&b) - pml_moments_var(&a)) < 1e-9 &&
	     b.min == a.min && b.max == a.max, "histogram moments equal Welford's");
	pml_moments_init(&b);
	pml_moments_add_f32(&b, f, 500);
	pml_moments_add_f32(&b, f + 500, 497);
	T_OK(b.n == 997 && fabs(b.mean - a.mean) < 1e-12 && fabs(pml_moments_var(&b) - pml_moments_var(&a)) < 1e-9,
	     "merged batches equal Welford's");
	memset(h, 0, sizeof(h));
	T_OK(isnan(pml_hist_quantile(h, 256, 0.5)), "empty histogram: NaN");
	h[7] = 1;
	T_OK(pml_hist_quantile(h, 256, 0.5) == 7 && pml_hist_quantile(h, 256, 1) == 7, "one value");
}

static void
test_fingerprint(void)
{
	uint64_t a1, b1, a2, b2;
	char buf[40] = "the quick brown fox jumps over the dog";

	pml_fingerprint(buf, 38, &a1, &b1);
	pml_fingerprint(buf, 38, &a2, &b2);
	T_OK(a1 == a2 && b1 == b2, "fingerprint is deterministic");
	buf[37] = 'G';
	pml_fingerprint(buf, 38, &a2, &b2);
	T_OK(a1 != a2 && b1 != b2, "one byte changes both halves");
	pml_fingerprint(buf, 37, &a2, &b2);
	pml_fingerprint("", 0, &a1, &b1);
	T_OK(a1 != a2, "length matters");
}

int
main(void)
{
	test_hist();
	test_fingerprint();
	test_moments();
	test_quantiles();
	test_counter();
	test_fpset();
	return t_done();
}
