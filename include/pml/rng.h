#ifndef PML_RNG_H
#define PML_RNG_H
/*
 * A seeded, deterministic random number generator (xoshiro256** seeded by
 * splitmix64). Never seeded from the clock: same seed, same numbers, on
 * every machine.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PML_DEFAULT_SEED 42

struct pml_rng {
	uint64_t s[4];
};

void pml_rng_seed(struct pml_rng *r, uint64_t seed);
uint64_t pml_rng_u64(struct pml_rng *r);
/* Uniform in [0, n), unbiased. n > 0. */
uint64_t pml_rng_below(struct pml_rng *r, uint64_t n);
/* Uniform double in [0, 1). */
double pml_rng_double(struct pml_rng *r);
/* Standard normal (Box-Muller, no cached second value). */
double pml_rng_normal(struct pml_rng *r);
/* Fisher-Yates shuffle of n indices. */
void pml_rng_shuffle_u32(struct pml_rng *r, uint32_t *a, size_t n);

/* 64-bit hash of bytes (FNV-1a folded through splitmix64): stable forever. */
uint64_t pml_hash64(const void *p, size_t n, uint64_t seed);

#ifdef __cplusplus
}
#endif

#endif
