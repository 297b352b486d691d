#ifndef PML_NAMEIDX_H
#define PML_NAMEIDX_H
/*
 * A hash index of names to their position, for the checks and look-ups
 * over a header's columns that were linear per name, so quadratic per
 * header (100,000 columns took 14 s to check for duplicates).
 *
 *     struct pml_nameidx x;
 *     pml_nameidx_init(&x);
 *     for each column i: if ((j = pml_nameidx_put(&x, name[i], i)) >= 0) duplicate of j
 *     ... pml_nameidx_get(&x, name) ...
 *     pml_nameidx_release(&x);
 *
 * Names are borrowed: they must outlive the index (column names of a
 * schema do: each is its own allocation).
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pml_schema;

struct pml_nameidx {
	struct pml_nameidx_slot {
		const char *name;   /* NULL: empty */
		size_t idx;
	} *slot;
	size_t cap, n;          /* cap: 0 or a power of two */
};

void pml_nameidx_init(struct pml_nameidx *x);
void pml_nameidx_release(struct pml_nameidx *x);
/* Add name at idx: -1 if new, else the index it already has (not added). */
long pml_nameidx_put(struct pml_nameidx *x, const char *name, size_t idx);
/* The index of name, or -1. */
long pml_nameidx_get(const struct pml_nameidx *x, const char *name);
/* Index every column of s by name (a duplicate keeps its first index). */
void pml_nameidx_schema(struct pml_nameidx *x, const struct pml_schema *s);

#ifdef __cplusplus
}
#endif

#endif
