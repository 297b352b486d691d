/*
 * transform.c: compile and apply the fitted chain (the step ops are
 * documented in pml-stream(5) and in transform.h).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/mp.h"
#include "pml/nameidx.h"
#include "pml/rng.h"
#include "pml/stats.h"
#include "pml/transform.h"

enum op {
	OP_SELECT, OP_DROP, OP_RENAME, OP_CAST, OP_ROLE, OP_NONFINITE, OP_DROP_MISSING,
	OP_DEDUP, OP_FENCES, OP_FILL, OP_SCALE, OP_ONEHOT, OP_LABEL, OP_TEXT, OP_ASSEMBLE,
	OP_DATE,
};

static const char *op_names[] = {
	"select", "drop", "rename", "cast", "role", "nonfinite", "drop_missing",
	"dedup", "fences", "fill", "scale", "onehot", "label", "text", "assemble",
	"date",
};

/* The int columns a date column becomes, as COL_<part>. */
static const char *const date_parts[] = { "year", "month", "dow", "doy" };
#define N_DATE_PARTS 4

enum { ACT_DROP, ACT_CLIP, ACT_FLAG };
enum { SC_AFFINE, SC_LOG1P };

struct step {
	enum op op;
	const struct pml_schema *in;
	struct pml_schema out;
	struct pml_value *v;
	int *src;               /* out column j copies input column src[j], or -1 */
	int col;                /* the input column the op works on */
	int ocol;               /* where its result goes in the output */
	int *cols;              /* column lists (nonfinite, drop_missing, assemble) */
	size_t n_cols;
	char *colname;
	/* params */
	int action;             /* fences: ACT_*; nonfinite: 1 = error */
	double lo, hi;
	int64_t ilo, ihi;
	enum pml_type to;
	struct pml_value fill;
	char *fill_str;
	int method;
	double sub, div, add;
	struct pml_counter vocab;
	long other;             /* index of "__other__" in vocab, or -1 */
	int unseen_error;
	size_t n_out;           /* vec elements produced */
	int bigrams, tf;
	uint64_t seed;
	float *fbuf;
	float *lut;             /* scale of a u8 vector: the result for each byte value */
	struct pml_buf sbuf;
	/* counts */
	uint64_t changed, dropped;
};

struct pml_chain {
	struct pml_schema input;
	enum pml_chain_mode mode;
	size_t n_step;
	struct step *step;
	char err[512];
	struct pml_buf key;
};

static int
fail(struct pml_chain *c, const char *fmt, ...) PML_PRINTF(2, 3);

static int
fail(struct pml_chain *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- value helpers ---- */

/* The value as a key string (categories, labels, dedup keys). */
void
pml_transform_key(struct pml_buf *b, const struct pml_value *v)
{
	char tmp[40];

	pml_buf_reset(b);
	switch (v->kind) {
	case PML_STR:
	case PML_VEC:
		pml_buf_add(b, v->u.s.ptr, v->u.s.len);
		break;
	case PML_INT:
		snprintf(tmp, sizeof(tmp), "%lld", (long long)v->u.i);
		pml_buf_addstr(b, tmp);
		break;
	case PML_FLOAT:
		pml_buf_add_json_num(b, v->u.f);
		break;
	case PML_BOOL:
		pml_buf_addstr(b, v->u.b ? "true" : "false");
		break;
	case PML_NIL:
		break;
	}
}

static int
is_num_type(enum pml_type t)
{
	return t == PML_TYPE_INT || t == PML_TYPE_FLOAT || t == PML_TYPE_BOOL;
}

/* ---- step parameters from msgpack ---- */

struct ctx {
	struct pml_chain *c;
	const msgpack_object *m;
	size_t i;
};

static int
perr(struct ctx *x, const char *fmt, ...) PML_PRINTF(2, 3);

static int
perr(struct ctx *x, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pml_error("chain step %zu: %s", x->i + 1, msg);
}

static int
no_column(struct ctx *x, const struct pml_schema *in, const char *name)
{
	const char *near = pml_schema_suggest(in, name);

	return perr(x, "no column '%s' in the input%s%s%s", name, near ? "; did you mean '" : "",
		    near ? near : "", near ? "'?" : "");
}

static char *
get_str(struct ctx *x, const char *key, int required)
{
	const msgpack_object *o = pml_mp_get(x->m, key);
	char *s;

	if (!o) {
		if (required)
			perr(x, "'%s' missing", key);
		return NULL;
	}
	s = pml_mp_xstrdup(o);
	if (!s)
		perr(x, "'%s' is not a string", key);
	return s;
}

static int
get_num(struct ctx *x, const char *key, double *v, int required)
{
	const msgpack_object *o = pml_mp_get(x->m, key);

	if (!o) {
		if (required)
			return perr(x, "'%s' missing", key);
		return 0;
	}
	if (pml_mp_double(o, v) < 0 || !isfinite(*v))
		return perr(x, "'%s' is not a finite number", key);
	return 0;
}

static int
get_bool(struct ctx *x, const char *key, int *v)
{
	const msgpack_object *o = pml_mp_get(x->m, key);

	if (!o)
		return 0;
	if (o->type != MSGPACK_OBJECT_BOOLEAN)
		return perr(x, "'%s' is not a bool", key);
	*v = o->via.boolean;
	return 0;
}

/* Find column name (from key) in the input; -1 with a message. */
static int
get_col(struct ctx *x, const struct pml_schema *in, const char *key, char **name)
{
	char *s = get_str(x, key, 1);
	int i;

	if (!s)
		return -1;
	i = pml_schema_find(in, s);
	if (i < 0) {
		no_column(x, in, s);
		free(s);
		return -1;
	}
	if (name)
		*name = s;
	else
		free(s);
	return i;
}

static int
get_cols(struct ctx *x, const struct pml_schema *in, const char *key, int **cols, size_t *n)
{
	const msgpack_object *o = pml_mp_get(x->m, key);
	struct pml_nameidx names;       /* many columns: hashed, not a scan each */
	int hashed, rc = 0;
	uint32_t k;

	*cols = NULL;
	*n = 0;
	if (!o || o->type != MSGPACK_OBJECT_ARRAY)
		return perr(x, "'%s' missing or not an array", key);
	*cols = pml_xcalloc(o->via.array.size + 1, sizeof(**cols));
	hashed = o->via.array.size > 16 && in->n_col > 16;
	if (hashed) {
		pml_nameidx_init(&names);
		pml_nameidx_schema(&names, in);
	}
	for (k = 0; k < o->via.array.size; k++) {
		char *s = pml_mp_xstrdup(&o->via.array.ptr[k]);
		int j;
		if (!s) {
			rc = perr(x, "'%s' holds a non-string", key);
			break;
		}
		j = hashed ? (int)pml_nameidx_get(&names, s) : pml_schema_find(in, s);
		if (j < 0) {
			no_column(x, in, s);
			free(s);
			rc = -1;
			break;
		}
		free(s);
		(*cols)[(*n)++] = j;
	}
	if (hashed)
		pml_nameidx_release(&names);
	return rc;
}

/* Append a copy of column src to s. */
static void
add_copy(struct pml_schema *s, const struct pml_column *src)
{
	struct pml_column *c = pml_schema_add(s, "", PML_TYPE_INT);

	pml_column_release(c);
	pml_column_copy(c, src);
}

static void
copy_schema_map(struct step *s, const struct pml_schema *in)
{
	size_t j;

	pml_schema_copy(&s->out, in);
	s->src = pml_xcalloc(in->n_col + 2, sizeof(*s->src));
	for (j = 0; j < in->n_col; j++)
		s->src[j] = (int)j;
}

static void
set_vec_f32(struct pml_column *c, size_t n)
{
	uint32_t d = (uint32_t)n;

	if (pml_column_set_vec(c, PML_ELEM_F32, 1, &d) < 0)
		PML_BUG("vector of %zu elements", n);
}

static int
compile_cats(struct ctx *x, struct step *s, const char *key)
{
	const msgpack_object *o = pml_mp_get(x->m, key);
	uint32_t k;

	pml_counter_init(&s->vocab);
	s->other = -1;
	if (!o || o->type != MSGPACK_OBJECT_ARRAY)
		return perr(x, "'%s' missing or not an array", key);
	for (k = 0; k < o->via.array.size; k++) {
		const char *p;
		size_t len;
		if (pml_mp_str(&o->via.array.ptr[k], &p, &len) < 0)
			return perr(x, "'%s' holds a non-string", key);
		if (pml_counter_find(&s->vocab, p, len) >= 0)
			return perr(x, "'%s' repeats '%.*s'", key, (int)len, p);
		pml_counter_add(&s->vocab, p, len);
	}
	return 0;
}

static char *
slot_name(const char *col, const char *sep, const char *what, size_t wlen)
{
	struct pml_buf b = PML_BUF_INIT;

	pml_buf_addstr(&b, col);
	pml_buf_addstr(&b, sep);
	pml_buf_add(&b, what, wlen);
	return pml_buf_detach(&b, NULL);
}

static void
set_slots(struct pml_column *c, char **names, size_t n)
{
	size_t i;

	pml_column_set_slots(c, n, names);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Slot names of a vec column: its own, or name[i,j,...] from its shape. */
static char *
vec_slot(const struct pml_column *c, size_t e)
{
	struct pml_buf b = PML_BUF_INIT;
	size_t idx[PML_MAX_DIMS], r = e;
	int d;

	if (c->n_slot == c->n_elem && c->slots)
		return pml_xstrdup(c->slots[e]);
	for (d = c->n_dim - 1; d >= 0; d--) {
		idx[d] = r % c->dim[d];
		r /= c->dim[d];
	}
	pml_buf_addstr(&b, c->name);
	pml_buf_addch(&b, '[');
	for (d = 0; d < c->n_dim; d++)
		pml_buf_addf(&b, "%s%zu", d ? "," : "", idx[d]);
	pml_buf_addch(&b, ']');
	return pml_buf_detach(&b, NULL);
}

static double scale1(const struct step *s, double x);

/* Decimal digits of all of 0..n-1 together. */
static size_t
digits_upto(size_t n)
{
	size_t total = 0, lo = 1, d = 1;

	if (n)
		total = 1;          /* "0" */
	for (; lo < n; lo *= 10, d++) {
		size_t hi = lo * 10 < n ? lo * 10 : n;
		total += (hi - lo) * d;
		if (lo > (size_t)-1 / 10)
			break;
	}
	return total;
}

/* Header bytes of a column's slot names once it is assembled (at least). */
static size_t
slot_bytes(const struct pml_column *c)
{
	size_t n = 0, i;
	int d;

	if (c->type != PML_TYPE_VEC)
		return strlen(c->name) + 1;
	if (c->slots && c->n_slot == c->n_elem) {
		for (i = 0; i < c->n_slot; i++)
			n += strlen(c->slots[i]) + 1;
		return n;
	}
	/* name[i,j]: the name, brackets, commas and each index's digits */
	n = c->n_elem * (strlen(c->name) + 1 + (size_t)c->n_dim + 1);
	for (d = 0; d < c->n_dim; d++)
		n += digits_upto(c->dim[d]) * (c->n_elem / c->dim[d]);
	return n;
}

/*
 * A vector step's output must fit the message limit that every stream
 * reader applies: its record (n_elem f32 values) and its slot names in the
 * header (names bytes). Checked before the names are made.
 */
static int
check_vec_size(struct ctx *x, const char *col, size_t n_elem, size_t names)
{
	size_t max = pml_max_message(0);

	if (n_elem * sizeof(float) + 5 > max)
		return perr(x, "column '%s': a vector of %zu f32 takes %zu bytes per record, over the "
			    "%zu-byte message limit (set %s to raise it, for writers and readers)",
			    col, n_elem, n_elem * sizeof(float), max, PML_MAX_MESSAGE_ENV);
	if (names > max)
		return perr(x, "column '%s': the names of its %zu values take %zu bytes of the header, "
			    "over the %zu-byte message limit (set %s to raise it, for writers and readers)",
			    col, n_elem, names, max, PML_MAX_MESSAGE_ENV);
	return 0;
}

/*
 * One mark per input column for the n columns cols lists (a step's
 * column list): "is column j listed?" in O(1), instead of a scan of the
 * list per column (quadratic on wide tables). *dup: the first position
 * k whose column was listed before it, or -1.
 */
static unsigned char *
col_marks(const struct pml_schema *in, const int *cols, size_t n, long *dup)
{
	unsigned char *mark = pml_xcalloc(in->n_col + 1, 1);
	size_t k;

	*dup = -1;
	for (k = 0; k < n; k++) {
		if (mark[cols[k]] && *dup < 0)
			*dup = (long)k;
		mark[cols[k]] = 1;
	}
	return mark;
}

static int
compile_step(struct pml_chain *c, struct step *s, const msgpack_object *m, size_t i,
	     const struct pml_schema *in)
{
	struct ctx x = { c, m, i };
	const msgpack_object *op = pml_mp_get(m, "op");
	char *str = NULL;
	size_t k;
	int o;

	s->in = in;
	s->col = s->ocol = -1;
	s->other = -1;
	s->sbuf = (struct pml_buf)PML_BUF_INIT;
	if (m->type != MSGPACK_OBJECT_MAP || !op || op->type != MSGPACK_OBJECT_STR)
		return perr(&x, "not a map with an \"op\"");
	for (o = 0; o <= OP_DATE; o++)
		if (pml_mp_is_str(op, op_names[o]))
			break;
	if (o > OP_DATE)
		return perr(&x, "unknown op '%.*s'", (int)op->via.str.size, op->via.str.ptr);
	s->op = (enum op)o;
	switch (s->op) {
	case OP_SELECT:
		if (get_cols(&x, in, "columns", &s->cols, &s->n_cols) < 0)
			return -1;
		{
			long dup;
			free(col_marks(in, s->cols, s->n_cols, &dup));
			if (dup >= 0)
				return perr(&x, "column '%s' selected twice", in->col[s->cols[dup]].name);
		}
		s->src = pml_xcalloc(s->n_cols + 1, sizeof(*s->src));
		for (k = 0; k < s->n_cols; k++) {
			add_copy(&s->out, &in->col[s->cols[k]]);
			s->src[k] = s->cols[k];
		}
		break;
	case OP_DROP: {
		size_t j, n = 0;
		if (get_cols(&x, in, "columns", &s->cols, &s->n_cols) < 0)
			return -1;
		s->src = pml_xcalloc(in->n_col + 1, sizeof(*s->src));
		{
			long dup;
			unsigned char *dropped = col_marks(in, s->cols, s->n_cols, &dup);
			for (j = 0; j < in->n_col; j++) {
				if (dropped[j])
					continue;
				add_copy(&s->out, &in->col[j]);
				s->src[n++] = (int)j;
			}
			free(dropped);
		}
		break;
	}
	case OP_RENAME:
		if ((s->col = get_col(&x, in, "from", NULL)) < 0 || !(str = get_str(&x, "to", 1)))
			return -1;
		if (!*str || pml_schema_find(in, str) >= 0) {
			perr(&x, "cannot rename '%s' to '%s': %s", in->col[s->col].name, str,
			     *str ? "the name is taken" : "empty name");
			free(str);
			return -1;
		}
		copy_schema_map(s, in);
		free(s->out.col[s->col].name);
		s->out.col[s->col].name = str;
		break;
	case OP_CAST: {
		struct pml_column *oc;
		if ((s->col = get_col(&x, in, "column", NULL)) < 0 || !(str = get_str(&x, "type", 1)))
			return -1;
		if (pml_type_parse(str, &s->to) < 0 || s->to == PML_TYPE_VEC) {
			perr(&x, "cannot cast to '%s'", str);
			free(str);
			return -1;
		}
		free(str);
		if (in->col[s->col].type == PML_TYPE_VEC)
			return perr(&x, "column '%s' is a vec: it cannot be cast", in->col[s->col].name);
		copy_schema_map(s, in);
		oc = &s->out.col[s->col];
		oc->type = s->to;
		if (s->to != PML_TYPE_INT)
			pml_column_set_classes(oc, 0, NULL);
		break;
	}
	case OP_ROLE: {
		enum pml_role r;
		if ((s->col = get_col(&x, in, "column", NULL)) < 0 || !(str = get_str(&x, "role", 1)))
			return -1;
		if (pml_role_parse(str, &r) < 0) {
			perr(&x, "unknown role '%s'", str);
			free(str);
			return -1;
		}
		free(str);
		copy_schema_map(s, in);
		s->out.col[s->col].role = r;
		break;
	}
	case OP_NONFINITE:
		if (get_cols(&x, in, "columns", &s->cols, &s->n_cols) < 0)
			return -1;
		if ((str = get_str(&x, "action", 0))) {
			if (strcmp(str, "missing") && strcmp(str, "error")) {
				perr(&x, "action must be missing or error, not '%s'", str);
				free(str);
				return -1;
			}
			s->action = !strcmp(str, "error");
			free(str);
		}
		for (k = 0; k < s->n_cols; k++) {
			const struct pml_column *ic = &in->col[s->cols[k]];
			if (ic->type != PML_TYPE_FLOAT && !(ic->type == PML_TYPE_VEC && ic->elem == PML_ELEM_F32))
				return perr(&x, "column '%s' is not float or vec f32", ic->name);
		}
		copy_schema_map(s, in);
		break;
	case OP_DROP_MISSING:
	case OP_DEDUP:
		if (get_cols(&x, in, "columns", &s->cols, &s->n_cols) < 0)
			return -1;
		copy_schema_map(s, in);
		break;
	case OP_FENCES: {
		const struct pml_column *ic;
		if ((s->col = get_col(&x, in, "column", NULL)) < 0 || !(str = get_str(&x, "action", 1)))
			return -1;
		ic = &in->col[s->col];
		s->action = !strcmp(str, "drop") ? ACT_DROP : !strcmp(str, "clip") ? ACT_CLIP :
			    !strcmp(str, "flag") ? ACT_FLAG : -1;
		if (s->action < 0) {
			perr(&x, "action must be drop, clip or flag, not '%s'", str);
			free(str);
			return -1;
		}
		free(str);
		if (get_num(&x, "lo", &s->lo, 1) < 0 || get_num(&x, "hi", &s->hi, 1) < 0)
			return -1;
		if (!(s->lo <= s->hi))
			return perr(&x, "lo > hi");
		if (ic->type != PML_TYPE_INT && ic->type != PML_TYPE_FLOAT)
			return perr(&x, "column '%s' is not numeric", ic->name);
		s->ilo = s->lo < -9.2e18 ? INT64_MIN : (int64_t)ceil(s->lo);
		s->ihi = s->hi > 9.2e18 ? INT64_MAX : (int64_t)floor(s->hi);
		copy_schema_map(s, in);
		s->ocol = s->col;
		if (s->action == ACT_FLAG) {
			struct pml_schema t = PML_SCHEMA_INIT;
			size_t j, n = 0;
			if (!(str = get_str(&x, "flag", 1)))
				return -1;
			if (pml_schema_find(in, str) >= 0) {
				perr(&x, "flag column '%s' exists already", str);
				free(str);
				return -1;
			}
			/* Insert the bool column right after the column it flags. */
			for (j = 0; j < in->n_col; j++) {
				add_copy(&t, &in->col[j]);
				s->src[n++] = (int)j;
				if ((int)j == s->col) {
					pml_schema_add(&t, str, PML_TYPE_BOOL);
					s->ocol = (int)n;
					s->src[n++] = -1;
				}
			}
			free(str);
			pml_schema_release(&s->out);
			s->out = t;
		}
		break;
	}
	case OP_FILL: {
		const struct pml_column *ic;
		const msgpack_object *v = pml_mp_get(m, "value");
		if ((s->col = get_col(&x, in, "column", NULL)) < 0)
			return -1;
		ic = &in->col[s->col];
		if (!v || v->type == MSGPACK_OBJECT_NIL)
			return perr(&x, "'value' missing");
		switch (ic->type) {
		case PML_TYPE_BOOL:
			if (v->type != MSGPACK_OBJECT_BOOLEAN)
				return perr(&x, "value for bool column '%s' is not a bool", ic->name);
			s->fill.kind = PML_BOOL;
			s->fill.u.b = v->via.boolean;
			break;
		case PML_TYPE_INT:
			s->fill.kind = PML_INT;
			if (pml_mp_i64(v, &s->fill.u.i) < 0)
				return perr(&x, "value for int column '%s' is not an int", ic->name);
			break;
		case PML_TYPE_FLOAT:
			s->fill.kind = PML_FLOAT;
			if (pml_mp_double(v, &s->fill.u.f) < 0 || !isfinite(s->fill.u.f))
				return perr(&x, "value for float column '%s' is not a number", ic->name);
			break;
		case PML_TYPE_STR:
			if (!(s->fill_str = pml_mp_xstrdup(v)))
				return perr(&x, "value for str column '%s' is not a string", ic->name);
			s->fill.kind = PML_STR;
			s->fill.u.s.ptr = s->fill_str;
			s->fill.u.s.len = strlen(s->fill_str);
			break;
		default:
			return perr(&x, "column '%s' is a vec: fill applies to scalar columns", ic->name);
		}
		copy_schema_map(s, in);
		break;
	}
	case OP_SCALE: {
		const struct pml_column *ic;
		struct pml_column *oc;
		if ((s->col = get_col(&x, in, "column", NULL)) < 0 || !(str = get_str(&x, "method", 1)))
			return -1;
		ic = &in->col[s->col];
		s->method = !strcmp(str, "log1p") ? SC_LOG1P : SC_AFFINE;
		free(str);
		s->sub = 0;
		s->div = 1;
		s->add = 0;
		if (s->method == SC_AFFINE &&
		    (get_num(&x, "sub", &s->sub, 1) < 0 || get_num(&x, "div", &s->div, 1) < 0 ||
		     get_num(&x, "add", &s->add, 0) < 0))
			return -1;
		if (s->div == 0)
			return perr(&x, "'div' is 0");
		if (!is_num_type(ic->type) && ic->type != PML_TYPE_VEC)
			return perr(&x, "column '%s' is not numeric", ic->name);
		copy_schema_map(s, in);
		oc = &s->out.col[s->col];
		if (ic->type == PML_TYPE_VEC) {
			if (check_vec_size(&x, ic->name, ic->n_elem, 0) < 0)
				return -1;
			oc->elem = PML_ELEM_F32;
			s->n_out = ic->n_elem;
			s->fbuf = pml_xmallocarray(s->n_out, sizeof(float));
			if (ic->elem == PML_ELEM_U8) {
				s->lut = pml_xmallocarray(256, sizeof(float));
				for (k = 0; k < 256; k++)
					s->lut[k] = (float)scale1(s, (double)k);
			}
		} else {
			oc->type = PML_TYPE_FLOAT;
			pml_column_set_classes(oc, 0, NULL);
		}
		break;
	}
	case OP_ONEHOT:
	case OP_LABEL: {
		const struct pml_column *ic;
		struct pml_column *oc;
		if ((s->col = get_col(&x, in, "column", NULL)) < 0)
			return -1;
		ic = &in->col[s->col];
		if (ic->type == PML_TYPE_VEC || ic->type == PML_TYPE_FLOAT)
			return perr(&x, "column '%s' is %s: %s needs str, int or bool", ic->name,
				    pml_type_name(ic->type), op_names[s->op]);
		if (compile_cats(&x, s, s->op == OP_LABEL ? "classes" : "categories") < 0)
			return -1;
		copy_schema_map(s, in);
		oc = &s->out.col[s->col];
		if (s->op == OP_LABEL) {
			oc->type = PML_TYPE_INT;
			oc->role = PML_ROLE_LABEL;
			pml_column_set_classes(oc, s->vocab.n, s->vocab.key);
			break;
		}
		if ((str = get_str(&x, "unseen", 0))) {
			if (strcmp(str, "zeros") && strcmp(str, "error")) {
				perr(&x, "unseen must be zeros or error, not '%s'", str);
				free(str);
				return -1;
			}
			s->unseen_error = !strcmp(str, "error");
			free(str);
		}
		s->other = pml_counter_find(&s->vocab, "__other__", 9);
		s->n_out = s->vocab.n;
		if (!s->n_out) {
			/* Nothing was seen at fit time: the column goes away. */
			size_t j, n = 0;
			struct pml_schema t = PML_SCHEMA_INIT;
			for (j = 0; j < in->n_col; j++) {
				if ((int)j == s->col)
					continue;
				add_copy(&t, &in->col[j]);
				s->src[n++] = (int)j;
			}
			pml_schema_release(&s->out);
			s->out = t;
			break;
		}
		{
			char **names;
			size_t nb = 0;
			for (k = 0; k < s->n_out; k++)
				nb += strlen(ic->name) + 2 + s->vocab.len[k];
			if (check_vec_size(&x, ic->name, s->n_out, nb) < 0)
				return -1;
			names = pml_xmallocarray(s->n_out, sizeof(*names));
			pml_column_set_classes(oc, 0, NULL);
			set_vec_f32(oc, s->n_out);
			for (k = 0; k < s->n_out; k++)
				names[k] = slot_name(ic->name, "=", s->vocab.key[k], s->vocab.len[k]);
			set_slots(oc, names, s->n_out);
			s->fbuf = pml_xcalloc(s->n_out, sizeof(float));
		}
		break;
	}
	case OP_TEXT: {
		const struct pml_column *ic;
		double n, seed = 0;
		char **names;
		if ((s->col = get_col(&x, in, "column", NULL)) < 0 || get_num(&x, "slots", &n, 1) < 0 ||
		    get_num(&x, "seed", &seed, 0) < 0 || get_bool(&x, "bigrams", &s->bigrams) < 0)
			return -1;
		ic = &in->col[s->col];
		if (ic->type != PML_TYPE_STR)
			return perr(&x, "column '%s' is not str", ic->name);
		if (n < 1 || n > (1 << 24) || n != floor(n))
			return perr(&x, "'slots' must be an integer in 1..%d", 1 << 24);
		if (seed < 0 || seed != floor(seed))
			return perr(&x, "'seed' must be a non-negative integer");
		if ((str = get_str(&x, "weight", 0))) {
			if (strcmp(str, "count") && strcmp(str, "tf")) {
				perr(&x, "weight must be count or tf, not '%s'", str);
				free(str);
				return -1;
			}
			s->tf = !strcmp(str, "tf");
			free(str);
		}
		s->seed = (uint64_t)seed;
		s->n_out = (size_t)n;
		if (check_vec_size(&x, ic->name, s->n_out,
				   s->n_out * (strlen(ic->name) + 2) + digits_upto(s->n_out)) < 0)
			return -1;
		copy_schema_map(s, in);
		set_vec_f32(&s->out.col[s->col], s->n_out);
		names = pml_xmallocarray(s->n_out, sizeof(*names));
		for (k = 0; k < s->n_out; k++) {
			char t[24];
			snprintf(t, sizeof(t), "%zu", k);
			names[k] = slot_name(ic->name, "#", t, strlen(t));
		}
		set_slots(&s->out.col[s->col], names, s->n_out);
		s->fbuf = pml_xcalloc(s->n_out, sizeof(float));
		break;
	}
	case OP_ASSEMBLE: {
		char **names;
		size_t j, n = 0, e, total = 0;
		struct pml_column *oc;
		if (get_cols(&x, in, "columns", &s->cols, &s->n_cols) < 0 || !(str = get_str(&x, "name", 1)))
			return -1;
		{
			long dup;
			free(col_marks(in, s->cols, s->n_cols, &dup));
			/* the first column listed twice, unless a str column comes before it */
			for (k = 0; k < s->n_cols && (dup < 0 || k < (size_t)dup); k++)
				if (in->col[s->cols[k]].type == PML_TYPE_STR)
					break;
			if (dup >= 0 && k == (size_t)dup) {
				free(str);
				return perr(&x, "column '%s' listed twice", in->col[s->cols[dup]].name);
			}
		}
		for (k = 0; k < s->n_cols; k++) {
			const struct pml_column *ic = &in->col[s->cols[k]];
			if (ic->type == PML_TYPE_STR) {
				free(str);
				return perr(&x, "column '%s' is str: one-hot encode, hash or drop it first", ic->name);
			}
			total += ic->type == PML_TYPE_VEC ? ic->n_elem : 1;
		}
		if (!total || total > PML_MAX_VEC_ELEMS) {
			free(str);
			return perr(&x, "%s feature values to assemble", total ? "too many" : "no");
		}
		{
			size_t nb = 0;
			for (k = 0; k < s->n_cols; k++)
				nb += slot_bytes(&in->col[s->cols[k]]);
			if (check_vec_size(&x, str, total, nb) < 0) {
				free(str);
				return -1;
			}
		}
		s->src = pml_xcalloc(in->n_col + 2, sizeof(*s->src));
		oc = pml_schema_add(&s->out, str, PML_TYPE_VEC);
		s->ocol = 0;
		s->src[n++] = -1;
		set_vec_f32(oc, total);
		names = pml_xmallocarray(total, sizeof(*names));
		for (k = 0, e = 0; k < s->n_cols; k++) {
			const struct pml_column *ic = &in->col[s->cols[k]];
			size_t q;
			if (ic->type != PML_TYPE_VEC)
				names[e++] = pml_xstrdup(ic->name);
			else
				for (q = 0; q < ic->n_elem; q++)
					names[e++] = vec_slot(ic, q);
		}
		set_slots(oc, names, total);
		{
		long dup;
		unsigned char *used = col_marks(in, s->cols, s->n_cols, &dup);
		for (j = 0; j < in->n_col; j++) {
			if (used[j])
				continue;
			if (!strcmp(in->col[j].name, str)) {
				free(used);
				free(str);
				return perr(&x, "column '%s' exists already", in->col[j].name);
			}
			add_copy(&s->out, &in->col[j]);
			s->src[n++] = (int)j;
		}
		free(used);
		}
		free(str);
		s->n_out = total;
		s->fbuf = pml_xmallocarray(total, sizeof(float));
		break;
	}
	case OP_DATE: {
		struct pml_schema t = PML_SCHEMA_INIT;
		size_t j, n = 0;
		if ((s->col = get_col(&x, in, "column", NULL)) < 0)
			return -1;
		if (in->col[s->col].type != PML_TYPE_STR)
			return perr(&x, "column '%s' is %s: a date is read from a str column",
				    in->col[s->col].name, pml_type_name(in->col[s->col].type));
		/* The date column's place gets COL_year, COL_month, COL_dow, COL_doy. */
		s->src = pml_xcalloc(in->n_col + N_DATE_PARTS + 1, sizeof(*s->src));
		for (j = 0; j < in->n_col; j++) {
			if ((int)j != s->col) {
				add_copy(&t, &in->col[j]);
				s->src[n++] = (int)j;
				continue;
			}
			s->ocol = (int)n;
			for (k = 0; k < N_DATE_PARTS; k++) {
				char *name = slot_name(in->col[j].name, "_", date_parts[k],
						       strlen(date_parts[k]));
				if (pml_schema_find(in, name) >= 0) {
					perr(&x, "column '%s' exists already", name);
					free(name);
					pml_schema_release(&t);
					return -1;
				}
				pml_schema_add(&t, name, PML_TYPE_INT)->role = in->col[j].role;
				free(name);
				s->src[n++] = -1;
			}
		}
		s->out = t;
		break;
	}
	}
	s->v = pml_xcalloc(s->out.n_col + 1, sizeof(*s->v));
	if (s->col >= 0)
		s->colname = pml_xstrdup(in->col[s->col].name);
	return 0;
}


static void
step_release(struct step *s)
{
	pml_schema_release(&s->out);
	free(s->v);
	free(s->src);
	free(s->cols);
	free(s->colname);
	free(s->fill_str);
	pml_counter_release(&s->vocab);
	free(s->fbuf);
	free(s->lut);
	pml_buf_release(&s->sbuf);
}

struct pml_chain *
pml_chain_new(const struct pml_rawlist *steps, const struct pml_schema *input, enum pml_chain_mode mode)
{
	struct pml_chain *c = pml_xcalloc(1, sizeof(*c));
	const char *p = steps ? steps->bytes.buf : NULL;
	size_t left = steps ? steps->bytes.len : 0, i;
	msgpack_zone zone;

	pml_schema_copy(&c->input, input);
	c->mode = mode;
	c->key = (struct pml_buf)PML_BUF_INIT;
	if (!steps || !steps->n)
		return c;
	c->step = pml_xcalloc(steps->n, sizeof(*c->step));
	if (!msgpack_zone_init(&zone, 4096))
		pml_die("out of memory");
	for (i = 0; i < steps->n; i++) {
		const struct pml_schema *in = i ? &c->step[i - 1].out : &c->input;
		msgpack_object obj;
		size_t len;
		const char *why;
		if (pml_mp_frame(p, left, left, PML_MP_MAX_DEPTH, &len, &why) != 1 ||
		    pml_mp_decode(p, len, &zone, &obj) < 0) {
			pml_error("chain step %zu: malformed", i + 1);
			goto fail;
		}
		c->n_step = i + 1;
		if (compile_step(c, &c->step[i], &obj, i, in) < 0)
			goto fail;
		msgpack_zone_clear(&zone);
		p += len;
		left -= len;
	}
	msgpack_zone_destroy(&zone);
	return c;
fail:
	msgpack_zone_destroy(&zone);
	pml_chain_free(c);
	return NULL;
}

const struct pml_schema *
pml_chain_input(const struct pml_chain *c)
{
	return &c->input;
}

const struct pml_schema *
pml_chain_output(const struct pml_chain *c)
{
	return c->n_step ? &c->step[c->n_step - 1].out : &c->input;
}

const char *
pml_chain_error(const struct pml_chain *c)
{
	return c->err;
}

void
pml_chain_free(struct pml_chain *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_step; i++)
		step_release(&c->step[i]);
	free(c->step);
	pml_schema_release(&c->input);
	pml_buf_release(&c->key);
	free(c);
}

size_t
pml_chain_n_step(const struct pml_chain *c)
{
	return c->n_step;
}

const char *
pml_chain_step_op(const struct pml_chain *c, size_t i)
{
	return op_names[c->step[i].op];
}

const char *
pml_chain_step_column(const struct pml_chain *c, size_t i)
{
	return c->step[i].colname;
}

int
pml_chain_step_action(const struct pml_chain *c, size_t i)
{
	return c->step[i].op == OP_FENCES ? c->step[i].action : -1;
}

void
pml_chain_step_counts(const struct pml_chain *c, size_t i, uint64_t *changed, uint64_t *dropped)
{
	*changed = c->step[i].changed;
	*dropped = c->step[i].dropped;
}

/* ---- apply ---- */

static int
parse_bool(const char *p, size_t n, int *b)
{
	if ((n == 4 && !memcmp(p, "true", 4)) || (n == 1 && *p == '1'))
		*b = 1;
	else if ((n == 5 && !memcmp(p, "false", 5)) || (n == 1 && *p == '0'))
		*b = 0;
	else
		return -1;
	return 0;
}

static int
apply_cast(struct pml_chain *c, struct step *s, const struct pml_value *in, struct pml_value *out)
{
	const char *cname = s->colname;
	char tmp[64];

	if (in->kind == PML_NIL) {
		out->kind = PML_NIL;
		return 0;
	}
	switch (s->to) {
	case PML_TYPE_STR:
		if (in->kind == PML_STR) {
			*out = *in;
			return 0;
		}
		pml_transform_key(&s->sbuf, in);
		out->kind = PML_STR;
		out->u.s.ptr = s->sbuf.buf;
		out->u.s.len = s->sbuf.len;
		return 0;
	case PML_TYPE_FLOAT:
		out->kind = PML_FLOAT;
		if (in->kind == PML_STR) {
			if (in->u.s.len >= sizeof(tmp) || (memcpy(tmp, in->u.s.ptr, in->u.s.len),
			    tmp[in->u.s.len] = 0, pml_parse_double(tmp, &out->u.f) < 0))
				return fail(c, "column '%s': cannot cast '%.*s' to float", cname,
					    (int)(in->u.s.len > 40 ? 40 : in->u.s.len), in->u.s.ptr);
		} else {
			out->u.f = pml_value_num(in);
		}
		return 0;
	case PML_TYPE_INT: {
		long l;
		out->kind = PML_INT;
		if (in->kind == PML_STR) {
			if (in->u.s.len >= sizeof(tmp) || (memcpy(tmp, in->u.s.ptr, in->u.s.len),
			    tmp[in->u.s.len] = 0, pml_parse_long(tmp, &l) < 0))
				return fail(c, "column '%s': cannot cast '%.*s' to int", cname,
					    (int)(in->u.s.len > 40 ? 40 : in->u.s.len), in->u.s.ptr);
			out->u.i = l;
		} else if (in->kind == PML_FLOAT) {
			if (in->u.f != floor(in->u.f) || fabs(in->u.f) > 9e15)
				return fail(c, "column '%s': cannot cast %.17g to int", cname, in->u.f);
			out->u.i = (int64_t)in->u.f;
		} else {
			out->u.i = (int64_t)pml_value_num(in);
		}
		return 0;
	}
	case PML_TYPE_BOOL:
		out->kind = PML_BOOL;
		if (in->kind == PML_STR) {
			if (parse_bool(in->u.s.ptr, in->u.s.len, &out->u.b) < 0)
				return fail(c, "column '%s': cannot cast '%.*s' to bool", cname,
					    (int)(in->u.s.len > 40 ? 40 : in->u.s.len), in->u.s.ptr);
		} else {
			out->u.b = pml_value_num(in) != 0;
		}
		return 0;
	default:
		return fail(c, "column '%s': bad cast", cname);
	}
}

static double
scale1(const struct step *s, double x)
{
	if (s->method == SC_LOG1P)
		return log1p(x);
	return (x - s->sub) / s->div + s->add;
}

static int
apply_scale(struct pml_chain *c, struct step *s, const struct pml_value *in, struct pml_value *out)
{
	const struct pml_column *ic = &s->in->col[s->col];
	size_t i;

	if (in->kind == PML_NIL) {
		out->kind = PML_NIL;
		return 0;
	}
	if (ic->type != PML_TYPE_VEC) {
		double x = pml_value_num(in);
		if (s->method == SC_LOG1P && !(x > -1))
			return fail(c, "column '%s': log1p of %.17g", s->colname, x);
		out->kind = PML_FLOAT;
		out->u.f = scale1(s, x);
		if (!isfinite(out->u.f))
			return fail(c, "column '%s': scaling %.17g overflows", s->colname, x);
		return 0;
	}
	if (s->lut) {
		const unsigned char *p = (const unsigned char *)in->u.s.ptr;
		for (i = 0; i < s->n_out; i++)
			s->fbuf[i] = s->lut[p[i]];
		out->kind = PML_VEC;
		out->u.s.ptr = (const char *)s->fbuf;
		out->u.s.len = s->n_out * sizeof(float);
		return 0;
	}
	pml_vec_to_f32(ic, in, s->fbuf);
	for (i = 0; i < s->n_out; i++) {
		double x = s->fbuf[i];
		if (s->method == SC_LOG1P && !(x > -1))
			return fail(c, "column '%s': log1p of %.9g at element %zu", s->colname, x, i);
		s->fbuf[i] = (float)scale1(s, x);
	}
	out->kind = PML_VEC;
	out->u.s.ptr = (const char *)s->fbuf;
	out->u.s.len = s->n_out * sizeof(float);
	return 0;
}

static int
is_word_byte(unsigned char ch)
{
	return ch >= 0x80 || isalnum(ch);
}

static void
text_add(struct step *s, const char *tok, size_t len)
{
	s->fbuf[pml_hash64(tok, len, s->seed) % s->n_out] += 1.0f;
}

static void
apply_text(struct step *s, const struct pml_value *in, struct pml_value *out)
{
	const char *p;
	size_t i, n, prev_at = 0, prev_len = 0, n_tok = 0;
	int have_prev = 0;

	memset(s->fbuf, 0, s->n_out * sizeof(float));
	out->kind = PML_VEC;
	out->u.s.ptr = (const char *)s->fbuf;
	out->u.s.len = s->n_out * sizeof(float);
	if (in->kind != PML_STR)
		return;
	p = in->u.s.ptr;
	n = in->u.s.len;
	/* Lower-cased copy; tokens are runs of letters, digits and non-ASCII bytes. */
	pml_buf_reset(&s->sbuf);
	for (i = 0; i < n; i++)
		pml_buf_addch(&s->sbuf, tolower((unsigned char)p[i]));
	pml_buf_addch(&s->sbuf, ' ');
	p = s->sbuf.buf;
	i = 0;
	while (i < n) {
		size_t start;
		if (!is_word_byte((unsigned char)p[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < n && is_word_byte((unsigned char)p[i]))
			i++;
		text_add(s, p + start, i - start);
		n_tok++;
		if (s->bigrams && have_prev) {
			/* "w1 w2" built in the buffer's tail */
			size_t mark = s->sbuf.len;
			pml_buf_grow(&s->sbuf, prev_len + 1 + (i - start));
			pml_buf_add(&s->sbuf, s->sbuf.buf + prev_at, prev_len);
			pml_buf_addch(&s->sbuf, ' ');
			pml_buf_add(&s->sbuf, s->sbuf.buf + start, i - start);
			p = s->sbuf.buf;
			text_add(s, p + mark, s->sbuf.len - mark);
			s->sbuf.len = mark;
			n_tok++;
		}
		prev_at = start;
		prev_len = i - start;
		have_prev = 1;
	}
	if (s->tf && n_tok)
		for (i = 0; i < s->n_out; i++)
			s->fbuf[i] /= (float)n_tok;
}

static int
apply_assemble(struct pml_chain *c, struct step *s, const struct pml_value *in, struct pml_value *out)
{
	size_t k, e = 0;

	for (k = 0; k < s->n_cols; k++) {
		const struct pml_column *ic = &s->in->col[s->cols[k]];
		const struct pml_value *v = &in[s->cols[k]];
		if (v->kind == PML_NIL)
			return fail(c, "column '%s': missing value (fill or drop it with pml-clean)", ic->name);
		if (ic->type == PML_TYPE_VEC) {
			if (ic->elem == PML_ELEM_F32)
				memcpy(s->fbuf + e, v->u.s.ptr, ic->n_elem * sizeof(float));
			else
				pml_vec_to_f32(ic, v, s->fbuf + e);
			e += ic->n_elem;
		} else {
			s->fbuf[e++] = (float)pml_value_num(v);
		}
	}
	out->kind = PML_VEC;
	out->u.s.ptr = (const char *)s->fbuf;
	out->u.s.len = s->n_out * sizeof(float);
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * An ISO 8601 date, YYYY-MM-DD, alone or followed by a time ('T' or ' '
 * and anything): year, month, day of week (0 Monday .. 6 Sunday) and day
 * of year (1 .. 366). 0, or -1 if it is not one.
 */
static int
parse_iso_date(const char *p, size_t n, int64_t part[N_DATE_PARTS])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y = 0, m, d;
	size_t i;
	int64_t days;

	if (n < 10 || p[4] != '-' || p[7] != '-' || (n > 10 && p[10] != 'T' && p[10] != ' '))
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (p[i] < '0' || p[i] > '9'))
			return -1;
	for (i = 0; i < 4; i++)
		y = y * 10 + (p[i] - '0');
	m = (p[5] - '0') * 10 + (p[6] - '0');
	d = (p[8] - '0') * 10 + (p[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && is_leap(y)))
		return -1;
	days = days_from_civil(y, (int)m, (int)d);
	part[0] = y;
	part[1] = m;
	part[2] = ((days % 7) + 7 + 3) % 7;     /* 1970-01-01 was a Thursday */
	part[3] = days - days_from_civil(y, 1, 1) + 1;
	return 0;
}

static int
apply_date(struct pml_chain *c, struct step *s, const struct pml_value *in, struct pml_value *out)
{
	int64_t part[N_DATE_PARTS];
	size_t k;

	if (in->kind == PML_NIL) {
		for (k = 0; k < N_DATE_PARTS; k++)
			out[k].kind = PML_NIL;
		return 0;
	}
	if (parse_iso_date(in->u.s.ptr, in->u.s.len, part) < 0)
		return fail(c, "column '%s': '%.*s' is not an ISO date (YYYY-MM-DD)", s->colname,
			    (int)(in->u.s.len > 40 ? 40 : in->u.s.len), in->u.s.ptr);
	for (k = 0; k < N_DATE_PARTS; k++) {
		out[k].kind = PML_INT;
		out[k].u.i = part[k];
	}
	return 0;
}

static int
vec_nonfinite(const struct pml_column *ic, const struct pml_value *v)
{
	size_t i;
	float f;

	for (i = 0; i < ic->n_elem; i++) {
		memcpy(&f, v->u.s.ptr + i * sizeof(float), sizeof(float));
		if (!isfinite(f))
			return 1;
	}
	return 0;
}

/* 1 keep, 0 drop (filter), -1 error. */
static int
apply_step(struct pml_chain *c, struct step *s, const struct pml_value *in)
{
	struct pml_value *out = s->v;
	size_t j, k;

	if (s->src)
		for (j = 0; j < s->out.n_col; j++)
			if (s->src[j] >= 0)
				out[j] = in[s->src[j]];
	switch (s->op) {
	case OP_SELECT: case OP_DROP: case OP_RENAME: case OP_ROLE: case OP_DEDUP:
		return 1;
	case OP_CAST:
		return apply_cast(c, s, &in[s->col], &out[s->col]) < 0 ? -1 : 1;
	case OP_NONFINITE:
		for (k = 0; k < s->n_cols; k++) {
			int col = s->cols[k];
			const struct pml_column *ic = &s->in->col[col];
			int bad;
			if (in[col].kind == PML_NIL)
				continue;
			bad = ic->type == PML_TYPE_VEC ? vec_nonfinite(ic, &in[col]) : !isfinite(in[col].u.f);
			if (!bad)
				continue;
			if (s->action)
				return fail(c, "column '%s': not a finite number", ic->name);
			out[col].kind = PML_NIL;
			s->changed++;
		}
		return 1;
	case OP_DROP_MISSING:
		for (k = 0; k < s->n_cols; k++)
			if (in[s->cols[k]].kind == PML_NIL) {
				if (c->mode == PML_CHAIN_SERVE)
					return fail(c, "column '%s': missing value (the chain drops such records)",
						    s->in->col[s->cols[k]].name);
				s->dropped++;
				return 0;
			}
		return 1;
	case OP_FENCES: {
		const struct pml_value *v = &in[s->col];
		double x = pml_value_num(v);
		int outside = v->kind != PML_NIL && (x < s->lo || x > s->hi);
		if (s->action == ACT_FLAG) {
			out[s->ocol].kind = PML_BOOL;
			out[s->ocol].u.b = outside;
			s->changed += outside;
			return 1;
		}
		if (!outside)
			return 1;
		if (s->action == ACT_DROP) {
			if (c->mode == PML_CHAIN_SERVE)
				return fail(c, "column '%s': %.17g outside the fitted fences [%.17g, %.17g]"
					    " (the chain drops such records)", s->colname, x, s->lo, s->hi);
			s->dropped++;
			return 0;
		}
		s->changed++;
		if (v->kind == PML_INT)
			out[s->col].u.i = x < s->lo ? s->ilo : s->ihi;
		else
			out[s->col].u.f = x < s->lo ? s->lo : s->hi;
		return 1;
	}
	case OP_FILL:
		if (in[s->col].kind == PML_NIL) {
			out[s->col] = s->fill;
			s->changed++;
		}
		return 1;
	case OP_SCALE:
		return apply_scale(c, s, &in[s->col], &out[s->col]) < 0 ? -1 : 1;
	case OP_ONEHOT: {
		long idx;
		if (!s->n_out)
			return 1;
		memset(s->fbuf, 0, s->n_out * sizeof(float));
		out[s->col].kind = PML_VEC;
		out[s->col].u.s.ptr = (const char *)s->fbuf;
		out[s->col].u.s.len = s->n_out * sizeof(float);
		if (in[s->col].kind == PML_NIL)
			return 1;
		pml_transform_key(&c->key, &in[s->col]);
		idx = pml_counter_find(&s->vocab, c->key.buf, c->key.len);
		if (idx < 0)
			idx = s->other;
		if (idx < 0) {
			if (s->unseen_error)
				return fail(c, "column '%s': category '%.*s' unseen at fit time", s->colname,
					    (int)(c->key.len > 60 ? 60 : c->key.len), c->key.buf);
			s->changed++;
			return 1;
		}
		s->fbuf[idx] = 1.0f;
		return 1;
	}
	case OP_LABEL: {
		long idx;
		if (in[s->col].kind == PML_NIL) {
			out[s->col].kind = PML_NIL;
			return 1;
		}
		pml_transform_key(&c->key, &in[s->col]);
		idx = pml_counter_find(&s->vocab, c->key.buf, c->key.len);
		if (idx < 0)
			return fail(c, "column '%s': label '%.*s' unseen at fit time", s->colname,
				    (int)(c->key.len > 60 ? 60 : c->key.len), c->key.buf);
		out[s->col].kind = PML_INT;
		out[s->col].u.i = idx;
		return 1;
	}
	case OP_TEXT:
		apply_text(s, &in[s->col], &out[s->col]);
		return 1;
	case OP_ASSEMBLE:
		return apply_assemble(c, s, in, &out[0]) < 0 ? -1 : 1;
	case OP_DATE:
		return apply_date(c, s, &in[s->col], &out[s->ocol]) < 0 ? -1 : 1;
	}
	return 1;
}

int
pml_chain_apply(struct pml_chain *c, const struct pml_value *in, const struct pml_value **out)
{
	const struct pml_value *cur = in;
	size_t i;

	c->err[0] = 0;
	for (i = 0; i < c->n_step; i++) {
		int rc = apply_step(c, &c->step[i], cur);
		if (rc <= 0)
			return rc;
		cur = c->step[i].v;
	}
	*out = cur;
	return 1;
}

/* Split a rawlist into its objects: offsets of each object in l->bytes. */
static int
rawlist_offsets(const struct pml_rawlist *l, size_t *off, size_t *len)
{
	size_t pos = 0, i, n;
	const char *why;

	for (i = 0; i < l->n; i++) {
		if (pml_mp_frame(l->bytes.buf + pos, l->bytes.len - pos, l->bytes.len - pos,
				 PML_MP_MAX_DEPTH, &n, &why) != 1)
			return -1;
		off[i] = pos;
		len[i] = n;
		pos += n;
	}
	return 0;
}

int
pml_chain_remaining(const struct pml_header *full, const struct pml_header *data,
		    struct pml_rawlist *rest, const char *where)
{
	size_t *fo, *fl, *doff, *dl, i;
	char why[300];
	int rc = -1;

	pml_rawlist_init(rest);
	if (data->chain.n > full->chain.n)
		return pml_error("%s: its chain has %zu steps, the input has had %zu already: "
				 "not a chain for this input", where, full->chain.n, data->chain.n);
	if (data->chain.n == 0) {
		if (full->chain.n && !pml_schema_equal(&full->chain_input, &data->schema, why, sizeof(why)))
			return pml_error("%s: the chain does not start from the input's columns: %s",
					 where, why);
	} else if (!pml_schema_equal(&full->chain_input, &data->chain_input, why, sizeof(why))) {
		return pml_error("%s: the chain starts from other columns than the input's: %s", where, why);
	}
	fo = pml_xcalloc(full->chain.n + 1, sizeof(*fo));
	fl = pml_xcalloc(full->chain.n + 1, sizeof(*fl));
	doff = pml_xcalloc(data->chain.n + 1, sizeof(*doff));
	dl = pml_xcalloc(data->chain.n + 1, sizeof(*dl));
	if (rawlist_offsets(&full->chain, fo, fl) < 0 || rawlist_offsets(&data->chain, doff, dl) < 0) {
		pml_error("%s: malformed chain", where);
		goto out;
	}
	for (i = 0; i < data->chain.n; i++)
		if (fl[i] != dl[i] || memcmp(full->chain.bytes.buf + fo[i], data->chain.bytes.buf + doff[i], fl[i])) {
			pml_error("%s: step %zu of its chain differs from the input's: not fitted on the "
				  "same data", where, i + 1);
			goto out;
		}
	for (; i < full->chain.n; i++)
		pml_rawlist_add(rest, full->chain.bytes.buf + fo[i], fl[i]);
	rc = 0;
out:
	free(fo);
	free(fl);
	free(doff);
	free(dl);
	return rc;
}

void
pml_chain_unread(const struct pml_chain *c, unsigned char *unread)
{
	size_t n = c->input.n_col, i, j, n_live = n;
	int *origin = pml_xcalloc(n + 1, sizeof(*origin)), *next;

	for (j = 0; j < n; j++)
		origin[j] = (int)j;
	for (i = 0; i < c->n_step; i++) {
		const struct step *s = &c->step[i];
		if (s->op != OP_SELECT && s->op != OP_DROP)
			break;
		next = pml_xcalloc(s->out.n_col + 1, sizeof(*next));
		for (j = 0; j < s->out.n_col; j++)
			next[j] = origin[s->src[j]];
		free(origin);
		origin = next;
		n_live = s->out.n_col;
	}
	memset(unread, 1, n);
	for (j = 0; j < n_live; j++)
		unread[origin[j]] = 0;
	free(origin);
}

int
pml_chain_unscale(const struct pml_chain *c, const char *col, struct pml_unscale *u)
{
	int j = pml_schema_find(pml_chain_output(c), col);
	size_t i;

	u->n = 0;
	u->step = NULL;
	if (j < 0)
		return 0;
	/* Walk back from the output: the last step is undone first. */
	for (i = c->n_step; i-- > 0;) {
		const struct step *s = &c->step[i];
		int from = s->src ? s->src[j] : j;
		if (from < 0)
			break;
		if (s->op == OP_FENCES && s->col == from && s->action == ACT_CLIP) {
			pml_unscale_release(u);
			return pml_error("label column '%s' is clipped at fences [%g, %g] by the chain "
					 "(step %zu): predictions could not go beyond them; drop outlier "
					 "labels instead (--outlier-action drop)", col, s->lo, s->hi, i + 1);
		}
		if (s->op == OP_SCALE && s->col == from) {
			struct pml_unscale_step *us;
			u->step = pml_xreallocarray(u->step, u->n + 1, sizeof(*u->step));
			us = &u->step[u->n++];
			us->log1p = s->method == SC_LOG1P;
			us->sub = s->sub;
			us->div = s->div;
			us->add = s->add;
		}
		j = from;
	}
	return 0;
}

double
pml_unscale_apply(const struct pml_unscale *u, double y)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		const struct pml_unscale_step *s = &u->step[i];
		y = s->log1p ? expm1(y) : (y - s->add) * s->div + s->sub;
	}
	return y;
}

void
pml_unscale_release(struct pml_unscale *u)
{
	free(u->step);
	u->step = NULL;
	u->n = 0;
}
