/* nameidx.c: names to positions, by open addressing (linear probing). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/nameidx.h"
#include "pml/schema.h"

/* FNV-1a, 64 bits */
static uint64_t
hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void
pml_nameidx_init(struct pml_nameidx *x)
{
	memset(x, 0, sizeof(*x));
}

void
pml_nameidx_release(struct pml_nameidx *x)
{
	free(x->slot);
	pml_nameidx_init(x);
}

static struct pml_nameidx_slot *
find_slot(const struct pml_nameidx *x, const char *name)
{
	size_t i = (size_t)hash_name(name) & (x->cap - 1);

	while (x->slot[i].name && strcmp(x->slot[i].name, name))
		i = (i + 1) & (x->cap - 1);
	return &x->slot[i];
}

static void
grow(struct pml_nameidx *x)
{
	struct pml_nameidx old = *x;
	size_t i;

	x->cap = old.cap ? old.cap * 2 : 64;
	x->slot = pml_xcalloc(x->cap, sizeof(*x->slot));
	for (i = 0; i < old.cap; i++)
		if (old.slot[i].name)
			*find_slot(x, old.slot[i].name) = old.slot[i];
	free(old.slot);
}

long
pml_nameidx_put(struct pml_nameidx *x, const char *name, size_t idx)
{
	struct pml_nameidx_slot *sl;

	if ((x->n + 1) * 2 > x->cap)
		grow(x);
	sl = find_slot(x, name);
	if (sl->name)
		return (long)sl->idx;
	sl->name = name;
	sl->idx = idx;
	x->n++;
	return -1;
}

long
pml_nameidx_get(const struct pml_nameidx *x, const char *name)
{
	const struct pml_nameidx_slot *sl;

	if (!x->cap)
		return -1;
	sl = find_slot(x, name);
	return sl->name ? (long)sl->idx : -1;
}

void
pml_nameidx_schema(struct pml_nameidx *x, const struct pml_schema *s)
{
	size_t i;

	for (i = 0; i < s->n_col; i++)
		(void)pml_nameidx_put(x, s->col[i].name, i);
}
