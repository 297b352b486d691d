/* limits.c: the message limit shared by every stream reader and writer (see limits.h). */
#include <stdio.h>
#include <stdlib.h>

#include "pml/err.h"
#include "pml/limits.h"
#include "pml/schema.h"

size_t
pml_max_message(size_t opt)
{
	const char *e;
	char *end;
	unsigned long long v;

	if (opt)
		return opt;
	e = getenv(PML_MAX_MESSAGE_ENV);
	if (!e || !*e)
		return PML_DEFAULT_MAX_MESSAGE;
	v = strtoull(e, &end, 10);
	if (*end || *e == '-' || v < 1024 || v > PML_MAX_MESSAGE_CEILING) {
		pml_warn("%s='%s' is not a byte count in 1024..%zu: using %u", PML_MAX_MESSAGE_ENV,
			 e, (size_t)PML_MAX_MESSAGE_CEILING, PML_DEFAULT_MAX_MESSAGE);
		return PML_DEFAULT_MAX_MESSAGE;
	}
	return (size_t)v;
}

/* msgpack bytes of a bin of n bytes: its header and the bytes. */
static size_t
bin_size(size_t n)
{
	return n + (n < 256 ? 2 : n < 65536 ? 3 : 5);
}

size_t
pml_schema_min_record(const struct pml_schema *s)
{
	size_t i, n = 5;

	for (i = 0; i < s->n_col; i++) {
		const struct pml_column *c = &s->col[i];
		n += c->type == PML_TYPE_VEC ? bin_size(c->n_elem * pml_elem_size(c->elem)) : 1;
	}
	return n;
}

int
pml_schema_check_limit(const struct pml_schema *s, size_t max, char *why, size_t why_len)
{
	size_t need = pml_schema_min_record(s), i, big = 0;
	int at = -1;

	if (need <= max)
		return 0;
	for (i = 0; i < s->n_col; i++) {
		const struct pml_column *c = &s->col[i];
		size_t b = c->type == PML_TYPE_VEC ? c->n_elem * pml_elem_size(c->elem) : 0;
		if (b > big) {
			big = b;
			at = (int)i;
		}
	}
	if (at >= 0)
		snprintf(why, why_len, "a record takes at least %zu bytes (column '%s': %zu x %s), over "
			 "the %zu-byte message limit (%s raises it for every tool, --max-message for "
			 "one reader)",
			 need, s->col[at].name, s->col[at].n_elem, pml_elem_name(s->col[at].elem), max,
			 PML_MAX_MESSAGE_ENV);
	else
		snprintf(why, why_len, "a record takes at least %zu bytes, over the %zu-byte message "
			 "limit (%s raises it for every tool)", need, max, PML_MAX_MESSAGE_ENV);
	return -1;
}
