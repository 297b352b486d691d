/* schema.c: columns, types, roles, values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/csv.h"
#include "pml/schema.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "pml assumes a little-endian host (vectors travel as little-endian bins)"
#endif

static const char *type_names[] = { "", "bool", "int", "float", "str", "vec" };
static const char *elem_names[] = { "", "u8", "f32" };
static const char *role_names[] = { "feature", "label", "id", "weight" };
static const char *kind_names[] = { "nil", "bool", "int", "float", "str", "vec" };

const char *
pml_type_name(enum pml_type t)
{
	return t >= PML_TYPE_BOOL && t <= PML_TYPE_VEC ? type_names[t] : "?";
}

int
pml_type_parse(const char *s, enum pml_type *t)
{
	int i;

	for (i = PML_TYPE_BOOL; i <= PML_TYPE_VEC; i++)
		if (!strcmp(s, type_names[i])) {
			*t = (enum pml_type)i;
			return 0;
		}
	return -1;
}

const char *
pml_elem_name(enum pml_elem e)
{
	return e == PML_ELEM_U8 || e == PML_ELEM_F32 ? elem_names[e] : "?";
}

int
pml_elem_parse(const char *s, enum pml_elem *e)
{
	if (!strcmp(s, "u8"))
		*e = PML_ELEM_U8;
	else if (!strcmp(s, "f32"))
		*e = PML_ELEM_F32;
	else
		return -1;
	return 0;
}

size_t
pml_elem_size(enum pml_elem e)
{
	return e == PML_ELEM_U8 ? 1 : e == PML_ELEM_F32 ? 4 : 0;
}

const char *
pml_role_name(enum pml_role r)
{
	return r <= PML_ROLE_WEIGHT ? role_names[r] : "?";
}

int
pml_role_parse(const char *s, enum pml_role *r)
{
	int i;

	for (i = 0; i <= PML_ROLE_WEIGHT; i++)
		if (!strcmp(s, role_names[i])) {
			*r = (enum pml_role)i;
			return 0;
		}
	return -1;
}

const char *
pml_kind_name(enum pml_kind k)
{
	return k <= PML_VEC ? kind_names[k] : "?";
}

void
pml_schema_init(struct pml_schema *s)
{
	s->n_col = s->m_col = 0;
	s->col = NULL;
}

void
pml_names_free(size_t n, char **names)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void
pml_column_release(struct pml_column *c)
{
	free(c->name);
	pml_names_free(c->n_class, c->classes);
	pml_names_free(c->n_slot, c->slots);
	memset(c, 0, sizeof(*c));
}

void
pml_schema_release(struct pml_schema *s)
{
	size_t i;

	for (i = 0; i < s->n_col; i++)
		pml_column_release(&s->col[i]);
	free(s->col);
	pml_schema_init(s);
}

char **
pml_names_dup(size_t n, char *const *names)
{
	char **d;
	size_t i;

	if (!n)
		return NULL;
	d = pml_xmallocarray(n, sizeof(*d));
	for (i = 0; i < n; i++)
		d[i] = pml_xstrdup(names[i]);
	return d;
}

void
pml_column_copy(struct pml_column *dst, const struct pml_column *src)
{
	*dst = *src;
	dst->name = pml_xstrdup(src->name);
	dst->classes = pml_names_dup(src->n_class, src->classes);
	dst->slots = pml_names_dup(src->n_slot, src->slots);
}

void
pml_schema_copy(struct pml_schema *dst, const struct pml_schema *src)
{
	size_t i;

	pml_schema_init(dst);
	if (!src->n_col)
		return;
	dst->col = pml_xcalloc(src->n_col, sizeof(*dst->col));
	dst->n_col = dst->m_col = src->n_col;
	for (i = 0; i < src->n_col; i++)
		pml_column_copy(&dst->col[i], &src->col[i]);
}

int
pml_column_name_valid(const char *name)
{
	return name && *name && pml_utf8_valid(name, strlen(name), NULL);
}

struct pml_column *
pml_schema_add(struct pml_schema *s, const char *name, enum pml_type t)
{
	struct pml_column *c;

	PML_ALLOC_GROW(s->col, s->n_col + 1, s->m_col);
	c = &s->col[s->n_col++];
	memset(c, 0, sizeof(*c));
	c->name = pml_xstrdup(name);
	c->type = t;
	c->role = PML_ROLE_FEATURE;
	return c;
}

int
pml_column_set_vec(struct pml_column *c, enum pml_elem elem, int n_dim, const uint32_t *dim)
{
	size_t n = 1;
	int i;

	if (n_dim < 1 || n_dim > PML_MAX_DIMS)
		return -1;
	for (i = 0; i < n_dim; i++) {
		if (dim[i] == 0 || n > PML_MAX_VEC_ELEMS / dim[i])
			return -1;
		n *= dim[i];
	}
	c->type = PML_TYPE_VEC;
	c->elem = elem;
	c->n_dim = n_dim;
	memset(c->dim, 0, sizeof(c->dim));
	for (i = 0; i < n_dim; i++)
		c->dim[i] = dim[i];
	c->n_elem = n;
	return 0;
}

void
pml_column_set_classes(struct pml_column *c, size_t n, char *const *names)
{
	pml_names_free(c->n_class, c->classes);
	c->classes = pml_names_dup(n, names);
	c->n_class = n;
}

void
pml_column_set_slots(struct pml_column *c, size_t n, char *const *names)
{
	pml_names_free(c->n_slot, c->slots);
	c->slots = pml_names_dup(n, names);
	c->n_slot = n;
}

int
pml_schema_find(const struct pml_schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_col; i++)
		if (!strcmp(s->col[i].name, name))
			return (int)i;
	return -1;
}

int
pml_schema_find_role(const struct pml_schema *s, enum pml_role r)
{
	size_t i;

	for (i = 0; i < s->n_col; i++)
		if (s->col[i].role == r)
			return (int)i;
	return -1;
}

const char *
pml_column_type_str(const struct pml_column *c, char *buf, size_t len)
{
	size_t n;
	int i;

	if (c->type != PML_TYPE_VEC) {
		snprintf(buf, len, "%s", pml_type_name(c->type));
		return buf;
	}
	snprintf(buf, len, "vec %s[", pml_elem_name(c->elem));
	for (i = 0; i < c->n_dim; i++) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%u", i ? "," : "", (unsigned)c->dim[i]);
	}
	n = strlen(buf);
	snprintf(buf + n, len - n, "]");
	return buf;
}

static int
names_equal(size_t na, char **a, size_t nb, char **b)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return 0;
	return 1;
}

int
pml_schema_equal(const struct pml_schema *a, const struct pml_schema *b, char *why, size_t why_len)
{
	char ta[64], tb[64];
	size_t i;

	if (a->n_col != b->n_col) {
		snprintf(why, why_len, "%zu columns instead of %zu", b->n_col, a->n_col);
		return 0;
	}
	for (i = 0; i < a->n_col; i++) {
		const struct pml_column *x = &a->col[i], *y = &b->col[i];
		if (strcmp(x->name, y->name)) {
			snprintf(why, why_len, "column %zu is '%s' instead of '%s'", i + 1, y->name, x->name);
			return 0;
		}
		pml_column_type_str(x, ta, sizeof(ta));
		pml_column_type_str(y, tb, sizeof(tb));
		if (strcmp(ta, tb)) {
			snprintf(why, why_len, "column '%s' is %s instead of %s", x->name, tb, ta);
			return 0;
		}
		if (x->role != y->role) {
			snprintf(why, why_len, "column '%s' has role %s instead of %s", x->name,
				 pml_role_name(y->role), pml_role_name(x->role));
			return 0;
		}
		if (!names_equal(x->n_class, x->classes, y->n_class, y->classes)) {
			snprintf(why, why_len, "column '%s' has different class names", x->name);
			return 0;
		}
		if (!names_equal(x->n_slot, x->slots, y->n_slot, y->slots)) {
			snprintf(why, why_len, "column '%s' has different slot names", x->name);
			return 0;
		}
	}
	return 1;
}

void
pml_vec_to_f32(const struct pml_column *c, const struct pml_value *v, float *dst)
{
	const unsigned char *p = (const unsigned char *)v->u.s.ptr;
	size_t i, n = c->n_elem;

	if (v->kind != PML_VEC) {
		for (i = 0; i < n; i++)
			dst[i] = NAN;
		return;
	}
	if (c->elem == PML_ELEM_U8) {
		for (i = 0; i < n; i++)
			dst[i] = (float)p[i];
	} else {
		memcpy(dst, p, n * sizeof(float));
	}
}

double
pml_value_num(const struct pml_value *v)
{
	switch (v->kind) {
	case PML_BOOL: return v->u.b ? 1.0 : 0.0;
	case PML_INT: return (double)v->u.i;
	case PML_FLOAT: return v->u.f;
	default: return NAN;
	}
}
