#ifndef PML_ALLOC_H
#define PML_ALLOC_H
/*
 * Allocation that never returns NULL: on failure it reports
 * "out of memory" and exits 1 (pml_die, so temporary files are removed).
 * Array forms check n * size for overflow.
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void *pml_xmalloc(size_t size);
void *pml_xcalloc(size_t n, size_t size);
void *pml_xrealloc(void *p, size_t size);
void *pml_xmallocarray(size_t n, size_t size);
void *pml_xreallocarray(void *p, size_t n, size_t size);
char *pml_xstrdup(const char *s);
char *pml_xmemdupz(const void *p, size_t len); /* copy plus a NUL */

/* Grow *p (of *alloc elements of size sz) to hold at least n elements. */
#define PML_ALLOC_GROW(p, n, alloc) \
	do { \
		if ((n) > (alloc)) { \
			size_t pml_g_ = (alloc) ? (alloc) : 8; \
			while (pml_g_ < (n)) \
				pml_g_ = pml_g_ + pml_g_ / 2 + 8; \
			(p) = pml_xreallocarray((p), pml_g_, sizeof(*(p))); \
			(alloc) = pml_g_; \
		} \
	} while (0)

#ifdef __cplusplus
}
#endif

#endif
