/* rng.c: xoshiro256** seeded by splitmix64; stable hashing. */
#include <math.h>
#include <string.h>

#include "pml/rng.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
pml_rng_seed(struct pml_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t
pml_rng_u64(struct pml_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t
pml_rng_below(struct pml_rng *r, uint64_t n)
{
	uint64_t x, limit;

	if (n <= 1)
		return 0;
	limit = UINT64_MAX - UINT64_MAX % n;
	do
		x = pml_rng_u64(r);
	while (x >= limit);
	return x % n;
}

double
pml_rng_double(struct pml_rng *r)
{
	return (double)(pml_rng_u64(r) >> 11) * 0x1.0p-53;
}

double
pml_rng_normal(struct pml_rng *r)
{
	double u1, u2;

	do
		u1 = pml_rng_double(r);
	while (u1 <= 0);
	u2 = pml_rng_double(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
}

void
pml_rng_shuffle_u32(struct pml_rng *r, uint32_t *a, size_t n)
{
	size_t i, j;
	uint32_t t;

	for (i = n; i > 1; i--) {
		j = (size_t)pml_rng_below(r, i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

uint64_t
pml_hash64(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *c = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed ^ ((uint64_t)n * 0x9e3779b97f4a7c15ULL);
	uint64_t w;
	size_t i = 0;

	/* Eight bytes at a time (read as little-endian), then the tail. */
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, c + i, 8);
		h = rotl(h ^ (w * 0xc2b2ae3d27d4eb4fULL), 31) * 0x9e3779b97f4a7c15ULL;
	}
	for (; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return splitmix64(&h);
}
