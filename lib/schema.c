/* schema.c: columns, types, roles, values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pml/alloc.h"
#include "pml/err.h"
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

/*
 * Edit distance of a[0..na) and b[0..nb) counting a swap of two
 * neighbours as one edit (optimal string alignment), or max + 1 once it
 * must exceed max. rows holds 3 * (nb + 1) entries.
 */
static size_t
edit_distance(const char *a, size_t na, const char *b, size_t nb, size_t max, size_t *rows)
{
	size_t *pp = rows, *p = rows + nb + 1, *r = rows + 2 * (nb + 1), *t, i, j;

	if ((na > nb ? na - nb : nb - na) > max)
		return max + 1;
	for (j = 0; j <= nb; j++)
		p[j] = j;
	for (i = 1; i <= na; i++) {
		size_t best;

		r[0] = best = i;
		for (j = 1; j <= nb; j++) {
			size_t d = p[j - 1] + (a[i - 1] != b[j - 1]);

			if (p[j] + 1 < d)
				d = p[j] + 1;
			if (r[j - 1] + 1 < d)
				d = r[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			r[j] = d;
			if (d < best)
				best = d;
		}
		if (best > max)
			return max + 1;
		t = pp;
		pp = p;
		p = r;
		r = t;
	}
	return p[nb];
}

#define SUGGEST_MAX_LEN 256

const char *
pml_schema_suggest(const struct pml_schema *s, const char *name)
{
	size_t n = strlen(name), i, best_d, max, rows[3 * (SUGGEST_MAX_LEN + 1)];
	const char *best = NULL;

	for (i = 0; i < s->n_col; i++)
		if (!strcasecmp(s->col[i].name, name))
			return s->col[i].name;
	if (n > SUGGEST_MAX_LEN)
		return NULL;
	max = n / 3 > 1 ? n / 3 : 1;
	best_d = max + 1;
	for (i = 0; i < s->n_col; i++) {
		size_t m = strlen(s->col[i].name), d;

		if (m > SUGGEST_MAX_LEN)
			continue;
		d = edit_distance(name, n, s->col[i].name, m, best_d - 1 < max ? best_d - 1 : max, rows);
		if (d < best_d) {
			best_d = d;
			best = s->col[i].name;
		}
	}
	return best;
}

int
pml_schema_lookup(const struct pml_schema *s, const char *name, const char *where, const char *opt)
{
	int i = pml_schema_find(s, name);
	const char *near;

	if (i >= 0)
		return i;
	near = pml_schema_suggest(s, name);
	pml_error("%s%s%s%sno column '%s'%s%s%s", where ? where : "", where ? ": " : "", opt ? opt : "",
		  opt ? ": " : "", name, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
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

/* "2.5", "-7", "true", "a str" for messages. */
static const char *
value_str(const struct pml_value *v, char *buf, size_t len)
{
	switch (v->kind) {
	case PML_BOOL: snprintf(buf, len, "%s", v->u.b ? "true" : "false"); break;
	case PML_INT: snprintf(buf, len, "%lld", (long long)v->u.i); break;
	case PML_FLOAT: snprintf(buf, len, "%.15g", v->u.f); break;
	default: snprintf(buf, len, "%s", pml_kind_name(v->kind)); break;
	}
	return buf;
}

/* 2^63 as a double: int64 holds [-2^63, 2^63). */
#define I64_LIMIT 9223372036854775808.0

int
pml_value_conform(const struct pml_column *c, const struct pml_value *in, struct pml_value *out,
		  char *why, size_t why_len)
{
	char tb[64], vb[64];
	struct pml_value v = *in;
	size_t k;

	if (v.kind == PML_NIL) {
		*out = v;
		return 0;
	}
	switch (c->type) {
	case PML_TYPE_BOOL:
		if (v.kind == PML_INT || v.kind == PML_FLOAT) {
			double d = pml_value_num(&v);
			if (d != 0 && d != 1) {
				snprintf(why, why_len, "expected bool, got %s: not 0 or 1", value_str(&v, vb, sizeof(vb)));
				return -1;
			}
			v.kind = PML_BOOL;
			v.u.b = d == 1;
		}
		if (v.kind != PML_BOOL)
			goto mismatch;
		break;
	case PML_TYPE_INT:
		if (v.kind == PML_FLOAT) {
			double d = v.u.f;
			if (!(d >= -I64_LIMIT && d < I64_LIMIT)) {
				snprintf(why, why_len, "expected int, got %s: out of range", value_str(&v, vb, sizeof(vb)));
				return -1;
			}
			if (d != floor(d)) {
				snprintf(why, why_len, "expected int, got %s: not a whole number",
					 value_str(&v, vb, sizeof(vb)));
				return -1;
			}
			v.kind = PML_INT;
			v.u.i = (int64_t)d;
		}
		if (v.kind != PML_INT)
			goto mismatch;
		break;
	case PML_TYPE_FLOAT:
		if (v.kind == PML_INT) {
			double d = (double)v.u.i;
			/* exact unless the int needs more than 53 bits */
			if (d >= I64_LIMIT || (int64_t)d != v.u.i) {
				snprintf(why, why_len, "expected float, got %s: no exact float",
					 value_str(&v, vb, sizeof(vb)));
				return -1;
			}
			v.kind = PML_FLOAT;
			v.u.f = d;
		}
		if (v.kind != PML_FLOAT)
			goto mismatch;
		if (!isfinite(v.u.f)) {
			snprintf(why, why_len, "value is not finite (%s)", isnan(v.u.f) ? "nan" : "inf");
			return -1;
		}
		break;
	case PML_TYPE_STR:
		if (v.kind != PML_STR)
			goto mismatch;
		break;
	case PML_TYPE_VEC:
		if (v.kind != PML_VEC)
			goto mismatch;
		if (v.u.s.len != c->n_elem * pml_elem_size(c->elem)) {
			snprintf(why, why_len, "vector of %zu bytes, expected %zu", v.u.s.len,
				 c->n_elem * pml_elem_size(c->elem));
			return -1;
		}
		if (c->elem == PML_ELEM_F32)
			for (k = 0; k < c->n_elem; k++) {
				float f;

				memcpy(&f, v.u.s.ptr + 4 * k, 4);
				if (!isfinite(f)) {
					snprintf(why, why_len, "element %zu is not finite", k);
					return -1;
				}
			}
		break;
	}
	*out = v;
	return 0;
mismatch:
	if (v.kind != PML_INT && v.kind != PML_FLOAT)
		snprintf(why, why_len, "expected %s, got %s", pml_column_type_str(c, tb, sizeof(tb)),
			 pml_kind_name(v.kind));
	else
		snprintf(why, why_len, "expected %s, got %s %s", pml_column_type_str(c, tb, sizeof(tb)),
			 pml_kind_name(v.kind), value_str(&v, vb, sizeof(vb)));
	return -1;
}

int
pml_column_conform(const struct pml_column *want, const struct pml_column *have, const char *owner,
		   char *why, size_t why_len)
{
	char tw[64], th[64];
	int ok;

	pml_column_type_str(want, tw, sizeof(tw));
	pml_column_type_str(have, th, sizeof(th));
	/*
	 * Scalars are judged value by value (a str column may hold only
	 * missing values; a float column only whole numbers), so only a
	 * vector's shape is refused here.
	 */
	if (want->type == PML_TYPE_VEC || have->type == PML_TYPE_VEC)
		ok = !strcmp(tw, th);
	else
		ok = 1;
	if (!ok) {
		snprintf(why, why_len, "column '%s': %s expects %s, the records have %s", want->name, owner,
			 tw, th);
		return -1;
	}
	if (want->n_class && have->n_class &&
	    !names_equal(want->n_class, want->classes, have->n_class, have->classes)) {
		snprintf(why, why_len, "column '%s': %s has other class names than the records", want->name,
			 owner);
		return -1;
	}
	return 0;
}

int
pml_schema_conform(const struct pml_schema *want, const struct pml_schema *have, const char *owner,
		   int extra_ok, long *map, char *why, size_t why_len)
{
	size_t j, n_found = 0;

	for (j = 0; j < want->n_col; j++) {
		const struct pml_column *c = &want->col[j];
		int k = j < have->n_col && !strcmp(have->col[j].name, c->name) ? (int)j
			: pml_schema_find(have, c->name);

		map[j] = k;
		if (k < 0) {
			if (c->role != PML_ROLE_FEATURE)
				continue;
			snprintf(why, why_len, "column '%s': %s expects it, the records have no such column",
				 c->name, owner);
			return -1;
		}
		n_found++;
		if (pml_column_conform(c, &have->col[k], owner, why, why_len) < 0)
			return -1;
	}
	if (!extra_ok && n_found < have->n_col)
		for (j = 0; j < have->n_col; j++)
			if (pml_schema_find(want, have->col[j].name) < 0) {
				snprintf(why, why_len, "column '%s': the records have it, %s does not know it",
					 have->col[j].name, owner);
				return -1;
			}
	return 0;
}

int
pml_record_conform(const struct pml_schema *want, const long *map, const struct pml_value *vals,
		   struct pml_value *out, char *why, size_t why_len)
{
	char msg[160];
	size_t j;

	for (j = 0; j < want->n_col; j++) {
		if (map[j] < 0) {
			out[j].kind = PML_NIL;
			continue;
		}
		if (pml_value_conform(&want->col[j], &vals[map[j]], &out[j], msg, sizeof(msg)) < 0) {
			snprintf(why, why_len, "column '%s': %s", want->col[j].name, msg);
			return -1;
		}
	}
	return 0;
}
