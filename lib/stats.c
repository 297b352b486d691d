/* stats.c: moments, quantiles, counters and fingerprint sets. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/stats.h"

void
pml_moments_init(struct pml_moments *m)
{
	m->n = 0;
	m->mean = m->m2 = 0.0;
	m->min = INFINITY;
	m->max = -INFINITY;
}

void
pml_moments_add(struct pml_moments *m, double x)
{
	double d;

	if (!isfinite(x))
		return;
	m->n++;
	d = x - m->mean;
	m->mean += d / (double)m->n;
	m->m2 += d * (x - m->mean);
	if (x < m->min)
		m->min = x;
	if (x > m->max)
		m->max = x;
}

void
pml_moments_merge(struct pml_moments *m, uint64_t n, double mean, double m2, double min, double max)
{
	double d, tot;

	if (!n)
		return;
	if (!m->n) {
		m->n = n;
		m->mean = mean;
		m->m2 = m2;
		m->min = min;
		m->max = max;
		return;
	}
	tot = (double)m->n + (double)n;
	d = mean - m->mean;
	m->mean += d * (double)n / tot;
	m->m2 += m2 + d * d * (double)m->n * (double)n / tot;
	m->n += n;
	if (min < m->min)
		m->min = min;
	if (max > m->max)
		m->max = max;
}

void
pml_moments_add_f32(struct pml_moments *m, const float *v, size_t n)
{
	double sum = 0, m2 = 0, mean, mn = INFINITY, mx = -INFINITY;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (isfinite(v[i])) {
			sum += v[i];
			k++;
			if (v[i] < mn)
				mn = v[i];
			if (v[i] > mx)
				mx = v[i];
		}
	if (!k)
		return;
	mean = sum / (double)k;
	for (i = 0; i < n; i++)
		if (isfinite(v[i]))
			m2 += ((double)v[i] - mean) * ((double)v[i] - mean);
	pml_moments_merge(m, k, mean, m2, mn, mx);
}

double
pml_hist_quantile(const uint64_t *count, size_t n_bin, double p)
{
	uint64_t n = 0, cum = 0, lo_rank;
	double h, f, lo = NAN, hi = NAN;
	size_t v;

	for (v = 0; v < n_bin; v++)
		n += count[v];
	if (!n)
		return NAN;
	if (p < 0)
		p = 0;
	if (p > 1)
		p = 1;
	h = p * (double)(n - 1);
	f = floor(h);
	lo_rank = (uint64_t)f;
	for (v = 0; v < n_bin; v++) {
		if (!count[v])
			continue;
		if (isnan(lo) && lo_rank < cum + count[v])
			lo = (double)v;
		if (lo_rank + 1 < cum + count[v] || (lo_rank + 1 >= n && !isnan(lo))) {
			hi = (double)v;
			break;
		}
		cum += count[v];
	}
	if (isnan(hi))
		hi = lo;
	return lo + (h - f) * (hi - lo);
}

void
pml_hist_moments(const uint64_t *count, size_t n_bin, struct pml_moments *m)
{
	double sum = 0, m2 = 0, mean, mn = INFINITY, mx = -INFINITY;
	uint64_t n = 0;
	size_t v;

	for (v = 0; v < n_bin; v++)
		if (count[v]) {
			n += count[v];
			sum += (double)v * (double)count[v];
			if (v < mn)
				mn = (double)v;
			mx = (double)v;
		}
	if (!n)
		return;
	mean = sum / (double)n;
	for (v = 0; v < n_bin; v++)
		if (count[v])
			m2 += (double)count[v] * ((double)v - mean) * ((double)v - mean);
	pml_moments_merge(m, n, mean, m2, mn, mx);
}

double
pml_moments_var(const struct pml_moments *m)
{
	return m->n < 2 ? 0.0 : m->m2 / (double)m->n;
}

double
pml_moments_var_sample(const struct pml_moments *m)
{
	return m->n < 2 ? 0.0 : m->m2 / (double)(m->n - 1);
}

void
pml_quantiles_init(struct pml_quantiles *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	q->cap = cap ? cap : PML_QUANTILE_CAP;
	pml_rng_seed(&q->rng, 0x5eed5eedULL);
}

void
pml_quantiles_add(struct pml_quantiles *q, double x)
{
	if (!isfinite(x))
		return;
	q->seen++;
	q->sorted = 0;
	if (q->n < q->cap) {
		PML_ALLOC_GROW(q->v, q->n + 1, q->m);
		q->v[q->n++] = x;
		return;
	}
	{
		uint64_t j = pml_rng_below(&q->rng, q->seen);
		if (j < q->cap)
			q->v[j] = x;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
pml_quantile_sorted(const double *v, size_t n, double p)
{
	double h, f;
	size_t i;

	if (!n)
		return NAN;
	if (p <= 0)
		return v[0];
	if (p >= 1)
		return v[n - 1];
	h = p * (double)(n - 1);
	f = floor(h);
	i = (size_t)f;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - f) * (v[i + 1] - v[i]);
}

double
pml_quantiles_get(struct pml_quantiles *q, double p)
{
	if (!q->sorted) {
		if (q->n)
			qsort(q->v, q->n, sizeof(*q->v), cmp_double);
		q->sorted = 1;
	}
	return pml_quantile_sorted(q->v, q->n, p);
}

int
pml_quantiles_exact(const struct pml_quantiles *q)
{
	return q->seen == q->n;
}

void
pml_quantiles_release(struct pml_quantiles *q)
{
	free(q->v);
	memset(q, 0, sizeof(*q));
}

void
pml_counter_init(struct pml_counter *c)
{
	memset(c, 0, sizeof(*c));
}

static uint64_t
hash_bytes(const void *p, size_t n)
{
	return pml_hash64(p, n, 0x636f756e74ULL);
}

static void
counter_rehash(struct pml_counter *c)
{
	size_t i, ns = c->n_slot ? c->n_slot * 2 : 64;

	free(c->slot);
	c->slot = pml_xcalloc(ns, sizeof(*c->slot));
	c->n_slot = ns;
	for (i = 0; i < c->n; i++) {
		size_t h = (size_t)hash_bytes(c->key[i], c->len[i]) & (ns - 1);
		while (c->slot[h])
			h = (h + 1) & (ns - 1);
		c->slot[h] = (uint32_t)(i + 1);
	}
}

long
pml_counter_find(const struct pml_counter *c, const void *key, size_t len)
{
	size_t h;

	if (!c->n_slot)
		return -1;
	h = (size_t)hash_bytes(key, len) & (c->n_slot - 1);
	while (c->slot[h]) {
		size_t i = c->slot[h] - 1;
		if (c->len[i] == len && !memcmp(c->key[i], key, len))
			return (long)i;
		h = (h + 1) & (c->n_slot - 1);
	}
	return -1;
}

size_t
pml_counter_add(struct pml_counter *c, const void *key, size_t len)
{
	long f = pml_counter_find(c, key, len);
	size_t i, h;

	if (f >= 0) {
		c->count[f]++;
		return (size_t)f;
	}
	if ((c->n + 1) * 2 > c->n_slot)
		counter_rehash(c);
	if (c->n + 1 > c->m) {
		size_t m = c->m;
		PML_ALLOC_GROW(c->key, c->n + 1, m);
		c->len = pml_xreallocarray(c->len, m, sizeof(*c->len));
		c->count = pml_xreallocarray(c->count, m, sizeof(*c->count));
		c->m = m;
	}
	i = c->n++;
	c->key[i] = pml_xmemdupz(key, len);
	c->len[i] = len;
	c->count[i] = 1;
	h = (size_t)hash_bytes(key, len) & (c->n_slot - 1);
	while (c->slot[h])
		h = (h + 1) & (c->n_slot - 1);
	c->slot[h] = (uint32_t)(i + 1);
	return i;
}

static int
key_cmp(const struct pml_counter *c, size_t a, size_t b)
{
	size_t n = c->len[a] < c->len[b] ? c->len[a] : c->len[b];
	int r = memcmp(c->key[a], c->key[b], n);

	if (r)
		return r;
	return c->len[a] < c->len[b] ? -1 : c->len[a] > c->len[b];
}

long
pml_counter_mode(const struct pml_counter *c)
{
	long best = -1;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (best < 0 || c->count[i] > c->count[best] ||
		    (c->count[i] == c->count[best] && key_cmp(c, i, (size_t)best) < 0))
			best = (long)i;
	return best;
}

static const struct pml_counter *sort_ctx;

static int
cmp_idx(const void *a, const void *b)
{
	return key_cmp(sort_ctx, *(const size_t *)a, *(const size_t *)b);
}

size_t *
pml_counter_sorted(const struct pml_counter *c)
{
	size_t *idx = pml_xmallocarray(c->n ? c->n : 1, sizeof(*idx));
	size_t i;

	for (i = 0; i < c->n; i++)
		idx[i] = i;
	sort_ctx = c;
	if (c->n)
		qsort(idx, c->n, sizeof(*idx), cmp_idx);
	sort_ctx = NULL;
	return idx;
}

void
pml_counter_release(struct pml_counter *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->key[i]);
	free(c->key);
	free(c->len);
	free(c->count);
	free(c->slot);
	memset(c, 0, sizeof(*c));
}

static uint64_t
fmix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

void
pml_fingerprint(const void *p, size_t n, uint64_t *a, uint64_t *b)
{
	const unsigned char *c = p;
	uint64_t h1 = 0x9e3779b97f4a7c15ULL ^ n, h2 = 0x6a09e667f3bcc909ULL + n, k;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&k, c + i, 8);
		h1 = (h1 ^ (k * 0x87c37b91114253d5ULL)) * 0x4cf5ad432745937fULL;
		h1 = (h1 << 31) | (h1 >> 33);
		h2 = (h2 + k) * 0x9e3779b97f4a7c15ULL;
		h2 ^= h2 >> 29;
	}
	k = 0;
	memcpy(&k, c + i, n - i);
	h1 = (h1 ^ (k * 0x87c37b91114253d5ULL)) * 0x4cf5ad432745937fULL;
	h2 = (h2 + k) * 0x9e3779b97f4a7c15ULL;
	*a = fmix(h1 ^ fmix(h2));
	*b = fmix(h2 + h1);
}

void
pml_fpset_init(struct pml_fpset *s)
{
	memset(s, 0, sizeof(*s));
}

static void
fp_insert(uint64_t *slot, size_t ns, uint64_t a, uint64_t b)
{
	size_t h = (size_t)(a ^ (b >> 7)) & (ns - 1);

	while (slot[2 * h] || slot[2 * h + 1])
		h = (h + 1) & (ns - 1);
	slot[2 * h] = a;
	slot[2 * h + 1] = b;
}

int
pml_fpset_add(struct pml_fpset *s, uint64_t a, uint64_t b)
{
	size_t h;

	if (!a && !b)
		b = 1;
	if ((s->n + 1) * 2 > s->n_slot) {
		size_t i, ns = s->n_slot ? s->n_slot * 2 : 1024;
		uint64_t *n = pml_xcalloc(ns * 2, sizeof(*n));
		for (i = 0; i < s->n_slot; i++)
			if (s->slot[2 * i] || s->slot[2 * i + 1])
				fp_insert(n, ns, s->slot[2 * i], s->slot[2 * i + 1]);
		free(s->slot);
		s->slot = n;
		s->n_slot = ns;
	}
	h = (size_t)(a ^ (b >> 7)) & (s->n_slot - 1);
	while (s->slot[2 * h] || s->slot[2 * h + 1]) {
		if (s->slot[2 * h] == a && s->slot[2 * h + 1] == b)
			return 0;
		h = (h + 1) & (s->n_slot - 1);
	}
	s->slot[2 * h] = a;
	s->slot[2 * h + 1] = b;
	s->n++;
	return 1;
}

void
pml_fpset_release(struct pml_fpset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}
