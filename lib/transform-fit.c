/*
 * transform-fit.c: the fitters of pml-clean and pml-preprocess. Each one
 * looks at the columns it gets, learns what it needs from one pass over
 * the training records, and writes its steps (see pml-stream(5)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/mp.h"
#include "pml/stats.h"
#include "pml/transform.h"

/* Every fitter state starts with this, so pml_fitters_free can release it. */
struct base {
	void (*release)(void *arg);
};

/* ---- packing steps ---- */

struct sb {
	struct pml_buf b;
	msgpack_packer pk;
};

static void
sb_begin(struct sb *s, const char *op, size_t n_keys)
{
	s->b = (struct pml_buf)PML_BUF_INIT;
	pml_mp_packer_init_buf(&s->pk, &s->b);
	msgpack_pack_map(&s->pk, n_keys + 1);
	pml_mp_pack_cstr(&s->pk, "op");
	pml_mp_pack_cstr(&s->pk, op);
}

static void
sb_str(struct sb *s, const char *k, const char *v)
{
	pml_mp_pack_cstr(&s->pk, k);
	pml_mp_pack_cstr(&s->pk, v);
}

static void
sb_num(struct sb *s, const char *k, double v)
{
	pml_mp_pack_cstr(&s->pk, k);
	msgpack_pack_double(&s->pk, v);
}

static void
sb_uint(struct sb *s, const char *k, uint64_t v)
{
	pml_mp_pack_cstr(&s->pk, k);
	msgpack_pack_uint64(&s->pk, v);
}

static void
sb_names(struct sb *s, const char *k, size_t n, char *const *names)
{
	size_t i;

	pml_mp_pack_cstr(&s->pk, k);
	msgpack_pack_array(&s->pk, n);
	for (i = 0; i < n; i++)
		pml_mp_pack_cstr(&s->pk, names[i]);
}

static void
sb_end(struct sb *s, struct pml_rawlist *steps)
{
	pml_rawlist_add(steps, s->b.buf, s->b.len);
	pml_buf_release(&s->b);
}

static void
drop_step(struct pml_rawlist *steps, const char *col)
{
	struct sb s;
	char *names[1];

	names[0] = (char *)col;
	sb_begin(&s, "drop", 1);
	sb_names(&s, "columns", 1, names);
	sb_end(&s, steps);
}

/* Split "A=B" at the first '='; 0, or -1 if there is none or A or B is empty. */
static int
split_eq(const char *spec, char **a, const char **b)
{
	const char *eq = strchr(spec, '=');

	if (!eq || eq == spec || !eq[1])
		return -1;
	*a = pml_xmemdupz(spec, (size_t)(eq - spec));
	*b = eq + 1;
	return 0;
}

static int
is_numeric(enum pml_type t)
{
	return t == PML_TYPE_INT || t == PML_TYPE_FLOAT;
}

/* Parse text as a value of type t into the packer. 0 or -1. */
static int
pack_typed(msgpack_packer *pk, enum pml_type t, const char *text)
{
	long l;
	double d;

	switch (t) {
	case PML_TYPE_INT:
		if (pml_parse_long(text, &l) < 0)
			return -1;
		msgpack_pack_int64(pk, l);
		return 0;
	case PML_TYPE_FLOAT:
		if (pml_parse_double(text, &d) < 0)
			return -1;
		msgpack_pack_double(pk, d);
		return 0;
	case PML_TYPE_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "1"))
			msgpack_pack_true(pk);
		else if (!strcmp(text, "false") || !strcmp(text, "0"))
			msgpack_pack_false(pk);
		else
			return -1;
		return 0;
	case PML_TYPE_STR:
		pml_mp_pack_cstr(pk, text);
		return 0;
	default:
		return -1;
	}
}

static int
check_typed(enum pml_type t, const char *text)
{
	struct pml_buf b = PML_BUF_INIT;
	msgpack_packer pk;
	int rc;

	pml_mp_packer_init_buf(&pk, &b);
	rc = pack_typed(&pk, t, text);
	pml_buf_release(&b);
	return rc;
}

/* ==== pml-clean ==== */

struct cols_fit {
	struct base base;
	const struct pml_clean_opts *o;
};

static int
cols_begin(void *arg, const struct pml_schema *s)
{
	(void)arg;
	(void)s;
	return 0;
}

/* The column edits: name an unknown column with its option and a hint now, not as a chain step. */
static int
names_begin(void *arg, const struct pml_schema *s)
{
	const struct pml_clean_opts *o = ((struct cols_fit *)arg)->o;
	size_t i, k;
	int renamed;

	for (i = 0; i < o->n_keep; i++)
		if (pml_schema_lookup(s, o->keep[i], o->where, "--keep") < 0)
			return -1;
	for (i = 0; i < o->n_drop; i++)
		if (pml_schema_lookup(s, o->drop[i], o->where, "--drop") < 0)
			return -1;
	for (i = 0; i < o->n_rename; i++) {
		char *from;
		const char *to;
		int c;
		split_eq(o->rename[i], &from, &to);
		c = pml_schema_lookup(s, from, o->where, "--rename");
		free(from);
		if (c < 0)
			return -1;
	}
	for (i = 0; i < o->n_cast; i++) {
		char *col;
		const char *type;
		split_eq(o->cast[i], &col, &type);
		for (renamed = 0, k = 0; k < o->n_rename && !renamed; k++) {
			const char *eq = strchr(o->rename[k], '=');
			renamed = eq && !strcmp(eq + 1, col);
		}
		k = renamed || pml_schema_lookup(s, col, o->where, "--cast") >= 0;
		free(col);
		if (!k)
			return -1;
	}
	return 0;
}

static void
no_add(void *arg, const struct pml_value *v)
{
	(void)arg;
	(void)v;
}

static int
cols_end(void *arg, const struct pml_schema *s, struct pml_rawlist *steps)
{
	struct cols_fit *f = arg;
	const struct pml_clean_opts *o = f->o;
	struct sb b;
	size_t i;

	(void)s;
	if (o->n_keep) {
		sb_begin(&b, "select", 1);
		sb_names(&b, "columns", o->n_keep, o->keep);
		sb_end(&b, steps);
	}
	if (o->n_drop) {
		sb_begin(&b, "drop", 1);
		sb_names(&b, "columns", o->n_drop, o->drop);
		sb_end(&b, steps);
	}
	for (i = 0; i < o->n_rename; i++) {
		char *from;
		const char *to;
		split_eq(o->rename[i], &from, &to);
		sb_begin(&b, "rename", 2);
		sb_str(&b, "from", from);
		sb_str(&b, "to", to);
		sb_end(&b, steps);
		free(from);
	}
	for (i = 0; i < o->n_cast; i++) {
		char *col;
		const char *type;
		split_eq(o->cast[i], &col, &type);
		sb_begin(&b, "cast", 2);
		sb_str(&b, "column", col);
		sb_str(&b, "type", type);
		sb_end(&b, steps);
		free(col);
	}
	return 0;
}

struct nf_fit {
	struct base base;
	const struct pml_clean_opts *o;
	char **names;
	size_t n;
};

static void
nf_release(void *arg)
{
	struct nf_fit *f = arg;

	free(f->names);
}

static int
nf_begin(void *arg, const struct pml_schema *s)
{
	struct nf_fit *f = arg;
	size_t j;

	free(f->names);
	f->names = pml_xcalloc(s->n_col + 1, sizeof(*f->names));
	f->n = 0;
	for (j = 0; j < s->n_col; j++)
		if (s->col[j].type == PML_TYPE_FLOAT ||
		    (s->col[j].type == PML_TYPE_VEC && s->col[j].elem == PML_ELEM_F32))
			f->names[f->n++] = s->col[j].name;
	return 0;
}

static int
nf_end(void *arg, const struct pml_schema *s, struct pml_rawlist *steps)
{
	struct nf_fit *f = arg;
	struct sb b;

	(void)s;
	if (!f->n)
		return 0;
	sb_begin(&b, "nonfinite", 2);
	sb_names(&b, "columns", f->n, f->names);
	sb_str(&b, "action", f->o->nonfinite_error ? "error" : "missing");
	sb_end(&b, steps);
	return 0;
}

static int
dm_end(void *arg, const struct pml_schema *s, struct pml_rawlist *steps)
{
	struct cols_fit *f = arg;
	struct sb b;
	size_t j;

	sb_begin(&b, "drop_missing", 1);
	if (f->o->n_dm) {
		sb_names(&b, "columns", f->o->n_dm, f->o->dm_cols);
	} else {
		pml_mp_pack_cstr(&b.pk, "columns");
		msgpack_pack_array(&b.pk, s->n_col);
		for (j = 0; j < s->n_col; j++)
			pml_mp_pack_cstr(&b.pk, s->col[j].name);
	}
	sb_end(&b, steps);
	return 0;
}

/* A per-column accumulator. */
struct target {
	int col;
	char *name;
	enum pml_type type;
	int how;                /* fill: FILL_*; scale: SC_*; outliers: method */
	const char *text;       /* fill value:TEXT; scale args */
	double a, b;            /* minmax range, factor */
	struct pml_moments m;
	struct pml_quantiles q;
	struct pml_counter cnt;
	int use_m, use_q, use_c;
	uint64_t *hist;         /* u8 vectors: counts of each byte value (exact statistics) */
	float *fbuf;
	uint64_t n_missing;
	const struct pml_column *column;
};

enum { FILL_MEAN, FILL_MEDIAN, FILL_MODE, FILL_VALUE };

struct tfit {
	struct base base;
	const struct pml_clean_opts *co;
	const struct pml_prep_opts *po;
	struct target *t;
	size_t n_t;
	/* preprocess */
	int label_col;
	int label_role_step;
	char *old_label;        /* a former label column that becomes a feature */
	struct target label;
	int have_label_classes;
	struct target *oh;
	size_t n_oh;
	struct pml_schema s;
};

static void
targets_free(struct target *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].name);
		free(t[i].hist);
		free(t[i].fbuf);
		pml_quantiles_release(&t[i].q);
		pml_counter_release(&t[i].cnt);
	}
	free(t);
}

static void
tfit_release(void *arg)
{
	struct tfit *f = arg;

	targets_free(f->t, f->n_t);
	targets_free(f->oh, f->n_oh);
	free(f->label.name);
	f->label.name = NULL;
	free(f->old_label);
	f->old_label = NULL;
	pml_counter_release(&f->label.cnt);
	pml_schema_release(&f->s);
	f->t = f->oh = NULL;
	f->n_t = f->n_oh = 0;
}

static struct target *
add_target(struct target **t, size_t *n, const struct pml_schema *s, int col)
{
	struct target *x;

	*t = pml_xreallocarray(*t, *n + 1, sizeof(**t));
	x = &(*t)[(*n)++];
	memset(x, 0, sizeof(*x));
	x->col = col;
	x->name = pml_xstrdup(s->col[col].name);
	x->type = s->col[col].type;
	pml_moments_init(&x->m);
	pml_quantiles_init(&x->q, 0);
	pml_counter_init(&x->cnt);
	return x;
}

static int
has_target(const struct target *t, size_t n, int col)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].col == col)
			return 1;
	return 0;
}

static struct pml_buf keybuf = PML_BUF_INIT;

static void
target_add(struct target *x, const struct pml_value *v, const struct pml_column *c)
{
	if (v->kind == PML_NIL) {
		x->n_missing++;
		return;
	}
	if (v->kind == PML_VEC) {
		const unsigned char *p = (const unsigned char *)v->u.s.ptr;
		size_t i;
		if (c->elem == PML_ELEM_U8) {
			if (!x->hist)
				x->hist = pml_xcalloc(256, sizeof(*x->hist));
			for (i = 0; i < c->n_elem; i++)
				x->hist[p[i]]++;
			return;
		}
		if (!x->fbuf)
			x->fbuf = pml_xmallocarray(c->n_elem, sizeof(float));
		memcpy(x->fbuf, p, c->n_elem * sizeof(float));
		if (x->use_m)
			pml_moments_add_f32(&x->m, x->fbuf, c->n_elem);
		if (x->use_q)
			for (i = 0; i < c->n_elem; i++)
				pml_quantiles_add(&x->q, x->fbuf[i]);
		return;
	}
	if (x->use_m)
		pml_moments_add(&x->m, pml_value_num(v));
	if (x->use_q)
		pml_quantiles_add(&x->q, pml_value_num(v));
	if (x->use_c) {
		pml_transform_key(&keybuf, v);
		pml_counter_add(&x->cnt, keybuf.buf, keybuf.len);
	}
}

static void
tfit_add(void *arg, const struct pml_value *v)
{
	struct tfit *f = arg;
	size_t i;

	for (i = 0; i < f->n_t; i++)
		target_add(&f->t[i], &v[f->t[i].col], &f->s.col[f->t[i].col]);
	for (i = 0; i < f->n_oh; i++)
		target_add(&f->oh[i], &v[f->oh[i].col], &f->s.col[f->oh[i].col]);
	if (f->have_label_classes)
		target_add(&f->label, &v[f->label.col], &f->s.col[f->label.col]);
}

/* -- outliers -- */

static int
out_begin(void *arg, const struct pml_schema *s)
{
	struct tfit *f = arg;
	const struct pml_clean_opts *o = f->co;
	size_t j;

	tfit_release(f);
	pml_schema_copy(&f->s, s);
	if (o->n_out_cols) {
		for (j = 0; j < o->n_out_cols; j++) {
			int c = pml_schema_lookup(s, o->out_cols[j], o->where, "--outlier-columns");
			if (c < 0)
				return -1;
			if (!is_numeric(s->col[c].type))
				return pml_error("--outlier-columns: column '%s' is %s, not numeric",
						 o->out_cols[j], pml_type_name(s->col[c].type));
			if (s->col[c].role == PML_ROLE_LABEL && o->outlier_action == 1)
				return pml_error("--outlier-action clip: column '%s' is the label: clipped "
						 "labels cannot be undone for predictions; drop them instead",
						 o->out_cols[j]);
			if (!has_target(f->t, f->n_t, c))
				add_target(&f->t, &f->n_t, s, c);
		}
	} else {
		for (j = 0; j < s->n_col; j++)
			if (is_numeric(s->col[j].type) && s->col[j].role == PML_ROLE_FEATURE)
				add_target(&f->t, &f->n_t, s, (int)j);
	}
	for (j = 0; j < f->n_t; j++) {
		f->t[j].use_m = o->outliers == 1;
		f->t[j].use_q = o->outliers == 2;
	}
	return f->n_t > 0;
}

static int
out_end(void *arg, const struct pml_schema *s, struct pml_rawlist *steps)
{
	struct tfit *f = arg;
	const struct pml_clean_opts *o = f->co;
	static const char *actions[] = { "drop", "clip", "flag" };
	double k = o->k > 0 ? o->k : o->outliers == 1 ? 3.0 : 1.5;
	size_t i;

	(void)s;
	for (i = 0; i < f->n_t; i++) {
		struct target *x = &f->t[i];
		double lo, hi;
		struct sb b;
		uint64_t n = o->outliers == 1 ? x->m.n : x->q.seen;
		if (!n)
			continue;
		if (o->outliers == 1) {
			double sd = sqrt(pml_moments_var(&x->m));
			lo = x->m.mean - k * sd;
			hi = x->m.mean + k * sd;
		} else {
			double q1 = pml_quantiles_get(&x->q, 0.25), q3 = pml_quantiles_get(&x->q, 0.75);
			lo = q1 - k * (q3 - q1);
			hi = q3 + k * (q3 - q1);
		}
		sb_begin(&b, "fences", o->outlier_action == 2 ? 8 : 7);
		sb_str(&b, "column", x->name);
		sb_str(&b, "action", actions[o->outlier_action]);
		sb_num(&b, "lo", lo);
		sb_num(&b, "hi", hi);
		sb_str(&b, "method", o->outliers == 1 ? "zscore" : "iqr");
		sb_num(&b, "k", k);
		sb_uint(&b, "n", n);
		if (o->outlier_action == 2) {
			struct pml_buf fl = PML_BUF_INIT;
			pml_buf_addf(&fl, "%s_outlier", x->name);
			sb_str(&b, "flag", fl.buf);
			pml_buf_release(&fl);
		}
		sb_end(&b, steps);
	}
	return 0;
}

/* -- fill -- */

static int
fill_how(const char *h, const char **text)
{
	*text = NULL;
	if (!strcmp(h, "mean"))
		return FILL_MEAN;
	if (!strcmp(h, "median"))
		return FILL_MEDIAN;
	if (!strcmp(h, "mode") || !strcmp(h, "most-frequent"))
		return FILL_MODE;
	if (!strncmp(h, "value:", 6)) {
		*text = h + 6;
		return FILL_VALUE;
	}
	return -1;
}

static int
fill_fits(int how, const char *text, enum pml_type t)
{
	if (t == PML_TYPE_VEC)
		return 0;
	if (how == FILL_MEAN || how == FILL_MEDIAN)
		return is_numeric(t);
	if (how == FILL_VALUE)
		return check_typed(t, text) == 0;
	return 1;
}

static int
fill_begin(void *arg, const struct pml_schema *s)
{
	struct tfit *f = arg;
	const struct pml_clean_opts *o = f->co;
	size_t i, j;
	int pass;

	tfit_release(f);
	pml_schema_copy(&f->s, s);
	/* Named columns first, then '*' for the rest. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < o->n_fill; i++) {
			char *col;
			const char *h, *text;
			int how;
			split_eq(o->fill[i], &col, &h);
			how = fill_how(h, &text);
			if ((pass == 0) != (strcmp(col, "*") != 0)) {
				free(col);
				continue;
			}
			if (pass == 0) {
				int c = pml_schema_lookup(s, col, o->where, "--fill");
				struct target *x;
				if (c < 0) {
					free(col);
					return -1;
				}
				if (!fill_fits(how, text, s->col[c].type)) {
					pml_error("--fill: %s does not fit column '%s' (%s)", h, col,
						  pml_type_name(s->col[c].type));
					free(col);
					return -1;
				}
				free(col);
				if (has_target(f->t, f->n_t, c))
					continue;
				x = add_target(&f->t, &f->n_t, s, c);
				x->how = how;
				x->text = text;
				continue;
			}
			free(col);
			for (j = 0; j < s->n_col; j++) {
				struct target *x;
				if (s->col[j].role != PML_ROLE_FEATURE || has_target(f->t, f->n_t, (int)j) ||
				    !fill_fits(how, text, s->col[j].type))
					continue;
				x = add_target(&f->t, &f->n_t, s, (int)j);
				x->how = how;
				x->text = text;
			}
		}
	for (i = 0; i < f->n_t; i++) {
		f->t[i].use_m = f->t[i].how == FILL_MEAN;
		f->t[i].use_q = f->t[i].how == FILL_MEDIAN;
		f->t[i].use_c = f->t[i].how == FILL_MODE;
	}
	for (i = 0; i < f->n_t; i++)
		if (f->t[i].how != FILL_VALUE)
			return 1;
	return 0;
}

static const char *fill_names[] = { "mean", "median", "mode", "value" };

static int
fill_end(void *arg, const struct pml_schema *s, struct pml_rawlist *steps)
{
	struct tfit *f = arg;
	size_t i;

	(void)s;
	for (i = 0; i < f->n_t; i++) {
		struct target *x = &f->t[i];
		uint64_t n = x->how == FILL_MEAN ? x->m.n : x->how == FILL_MEDIAN ? x->q.seen : x->cnt.n;
		struct sb b;
		if (x->how != FILL_VALUE && !n) {
			pml_warn("column '%s': every value is missing, nothing to learn a fill value from: "
				 "the column is dropped", x->name);
			drop_step(steps, x->name);
			continue;
		}
		sb_begin(&b, "fill", 3);
		sb_str(&b, "column", x->name);
		sb_str(&b, "how", fill_names[x->how]);
		pml_mp_pack_cstr(&b.pk, "value");
		if (x->how == FILL_MEAN || x->how == FILL_MEDIAN) {
			double v = x->how == FILL_MEAN ? x->m.mean : pml_quantiles_get(&x->q, 0.5);
			if (x->type == PML_TYPE_INT)
				msgpack_pack_int64(&b.pk, (int64_t)llround(v));
			else
				msgpack_pack_double(&b.pk, v);
		} else if (x->how == FILL_MODE) {
			long m = pml_counter_mode(&x->cnt);
			if (pack_typed(&b.pk, x->type, x->cnt.key[m]) < 0)
				PML_BUG("mode '%s' does not parse back", x->cnt.key[m]);
		} else if (pack_typed(&b.pk, x->type, x->text) < 0) {
			PML_BUG("fill value '%s'", x->text);
		}
		sb_end(&b, steps);
	}
	return 0;
}

int
pml_clean_check(const struct pml_clean_opts *o, char *why, size_t why_len)
{
	size_t i;

	for (i = 0; i < o->n_rename; i++) {
		char *a;
		const char *b;
		if (split_eq(o->rename[i], &a, &b) < 0) {
			snprintf(why, why_len, "--rename '%s': expected OLD=NEW", o->rename[i]);
			return -1;
		}
		free(a);
	}
	for (i = 0; i < o->n_cast; i++) {
		char *a;
		const char *b;
		enum pml_type t;
		if (split_eq(o->cast[i], &a, &b) < 0)
			a = NULL;
		if (!a || pml_type_parse(b, &t) < 0 || t == PML_TYPE_VEC) {
			free(a);
			snprintf(why, why_len, "--cast '%s': expected COL=bool|int|float|str", o->cast[i]);
			return -1;
		}
		free(a);
	}
	for (i = 0; i < o->n_fill; i++) {
		char *a;
		const char *b, *text;
		if (split_eq(o->fill[i], &a, &b) < 0)
			a = NULL;
		if (!a || fill_how(b, &text) < 0) {
			free(a);
			snprintf(why, why_len, "--fill '%s': expected COL=mean|median|mode|value:TEXT",
				 o->fill[i]);
			return -1;
		}
		free(a);
	}
	if (o->k < 0 || !isfinite(o->k)) {
		snprintf(why, why_len, "the outlier threshold must be positive");
		return -1;
	}
	return 0;
}

static struct cols_fit *
new_cols(const struct pml_clean_opts *o)
{
	struct cols_fit *f = pml_xcalloc(1, sizeof(*f));

	f->o = o;
	return f;
}

static struct tfit *
new_tfit(const struct pml_clean_opts *co, const struct pml_prep_opts *po)
{
	struct tfit *f = pml_xcalloc(1, sizeof(*f));

	f->base.release = tfit_release;
	f->co = co;
	f->po = po;
	f->label_col = -1;
	pml_counter_init(&f->label.cnt);
	return f;
}

size_t
pml_clean_fitters(const struct pml_clean_opts *o, struct pml_fitter *fit)
{
	size_t n = 0;
	struct nf_fit *nf;

	fit[n++] = (struct pml_fitter){ names_begin, no_add, cols_end, new_cols(o) };
	nf = pml_xcalloc(1, sizeof(*nf));
	nf->base.release = nf_release;
	nf->o = o;
	fit[n++] = (struct pml_fitter){ nf_begin, no_add, nf_end, nf };
	if (o->drop_missing)
		fit[n++] = (struct pml_fitter){ cols_begin, no_add, dm_end, new_cols(o) };
	if (o->outliers)
		fit[n++] = (struct pml_fitter){ out_begin, tfit_add, out_end, new_tfit(o, NULL) };
	if (o->n_fill)
		fit[n++] = (struct pml_fitter){ fill_begin, tfit_add, fill_end, new_tfit(o, NULL) };
	return n;
}

void
pml_fitters_free(struct pml_fitter *fit, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct base *b = fit[i].arg;
		if (b && b->release)
			b->release(b);
		free(b);
	}
}

/* ==== pml-preprocess ==== */

enum { SC_MINMAX, SC_STANDARD, SC_ROBUST, SC_FACTOR, SC_LOG1P };
static const char *sc_names[] = { "minmax", "standard", "robust", "factor", "log1p" };

/* Parse a scale method; fills a, b (minmax range) or a (factor). */
static int
scale_how(const char *h, double *a, double *b)
{
	*a = 0;
	*b = 1;
	if (!strcmp(h, "minmax"))
		return SC_MINMAX;
	if (!strncmp(h, "minmax:", 7)) {
		char tmp[128];
		char *comma;
		snprintf(tmp, sizeof(tmp), "%s", h + 7);
		comma = strchr(tmp, ',');
		if (!comma)
			return -1;
		*comma = 0;
		if (pml_parse_double(tmp, a) < 0 || pml_parse_double(comma + 1, b) < 0 || !(*a < *b))
			return -1;
		return SC_MINMAX;
	}
	if (!strcmp(h, "standard"))
		return SC_STANDARD;
	if (!strcmp(h, "robust"))
		return SC_ROBUST;
	if (!strcmp(h, "log1p"))
		return SC_LOG1P;
	if (!strncmp(h, "factor:", 7)) {
		if (pml_parse_double(h + 7, a) < 0 || *a == 0)
			return -1;
		return SC_FACTOR;
	}
	return -1;
}

int
pml_prep_check(const struct pml_prep_opts *o, char *why, size_t why_len)
{
	size_t i;

	for (i = 0; i < o->n_scale; i++) {
		char *col;
		const char *h;
		double a, b;
		if (split_eq(o->scale[i], &col, &h) < 0)
			col = NULL;
		if (!col || scale_how(h, &a, &b) < 0) {
			free(col);
			snprintf(why, why_len, "--scale '%s': expected COL=minmax[:A,B]|standard|robust|"
				 "factor:F|log1p (A < B, F not 0)", o->scale[i]);
			return -1;
		}
		free(col);
	}
	if (o->text_slots < 1 || o->text_slots > (1u << 24)) {
		snprintf(why, why_len, "--text-slots must be in 1..%u", 1u << 24);
		return -1;
	}
	if (!o->features || !*o->features) {
		snprintf(why, why_len, "--features needs a name");
		return -1;
	}
	return 0;
}

static int
in_list(char **list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

static int
prep_begin(void *arg, const struct pml_schema *s)
{
	struct tfit *f = arg;
	const struct pml_prep_opts *o = f->po;
	size_t i, j;
	int need = 0, pass;

	tfit_release(f);
	pml_schema_copy(&f->s, s);
	f->label_col = -1;
	f->label_role_step = 0;
	f->have_label_classes = 0;
	memset(&f->label, 0, sizeof(f->label));
	pml_counter_init(&f->label.cnt);
	if (o->label) {
		f->label_col = pml_schema_lookup(s, o->label, o->where, "--label");
		if (f->label_col < 0)
			return -1;
		f->label_role_step = s->col[f->label_col].role != PML_ROLE_LABEL;
		for (j = 0; j < s->n_col; j++)
			if ((int)j != f->label_col && s->col[j].role == PML_ROLE_LABEL)
				f->old_label = pml_xstrdup(s->col[j].name);
	} else {
		f->label_col = pml_schema_find_role(s, PML_ROLE_LABEL);
	}
	if (f->label_col >= 0) {
		enum pml_type t = s->col[f->label_col].type;
		f->label.col = f->label_col;
		f->label.name = pml_xstrdup(s->col[f->label_col].name);
		if (t == PML_TYPE_VEC)
			return pml_error("label column '%s' is a vec", f->label.name);
		if (t == PML_TYPE_STR || t == PML_TYPE_BOOL) {
			f->have_label_classes = 1;
			f->label.use_c = 1;
			need = 1;
		}
	}
	for (i = 0; i < o->n_text; i++) {
		int c = pml_schema_lookup(s, o->text[i], o->where, "--text");
		if (c < 0)
			return -1;
		if (s->col[c].type != PML_TYPE_STR)
			return pml_error("--text: column '%s' is %s, not str", o->text[i],
					 pml_type_name(s->col[c].type));
	}
	if (o->n_onehot) {
		for (i = 0; i < o->n_onehot; i++) {
			int c = pml_schema_lookup(s, o->onehot[i], o->where, "--onehot");
			if (c < 0)
				return -1;
			if (s->col[c].type == PML_TYPE_VEC || s->col[c].type == PML_TYPE_FLOAT)
				return pml_error("--onehot: column '%s' is %s: one-hot needs str, int or bool",
						 o->onehot[i], pml_type_name(s->col[c].type));
			if (c != f->label_col && !has_target(f->oh, f->n_oh, c))
				add_target(&f->oh, &f->n_oh, s, c)->use_c = 1;
		}
	} else {
		for (j = 0; j < s->n_col; j++)
			if ((s->col[j].type == PML_TYPE_STR || s->col[j].type == PML_TYPE_BOOL) &&
			    s->col[j].role == PML_ROLE_FEATURE && (int)j != f->label_col &&
			    !in_list(o->text, o->n_text, s->col[j].name))
				add_target(&f->oh, &f->n_oh, s, (int)j)->use_c = 1;
	}
	if (f->n_oh)
		need = 1;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < o->n_scale; i++) {
			char *col;
			const char *h;
			double a, b;
			int how, star;
			split_eq(o->scale[i], &col, &h);
			how = scale_how(h, &a, &b);
			star = !strcmp(col, "*");
			if (star != pass) {
				free(col);
				continue;
			}
			for (j = 0; j < s->n_col; j++) {
				const struct pml_column *c = &s->col[j];
				struct target *x;
				int ok = is_numeric(c->type) || c->type == PML_TYPE_VEC;
				if (star ? (c->role != PML_ROLE_FEATURE || !ok || (int)j == f->label_col ||
					    has_target(f->oh, f->n_oh, (int)j)) : strcmp(c->name, col))
					continue;
				if (!star && !ok) {
					pml_error("--scale: column '%s' is %s, not numeric", col,
						  pml_type_name(c->type));
					free(col);
					return -1;
				}
				if (has_target(f->t, f->n_t, (int)j))
					continue;
				x = add_target(&f->t, &f->n_t, s, (int)j);
				x->how = how;
				x->a = a;
				x->b = b;
				x->use_m = how == SC_MINMAX || how == SC_STANDARD;
				x->use_q = how == SC_ROBUST;
				x->column = c;
				if (x->use_m || x->use_q)
					need = 1;
			}
			if (!star && pml_schema_lookup(s, col, o->where, "--scale") < 0) {
				free(col);
				return -1;
			}
			free(col);
		}
	return need;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct rank {
	uint64_t count;
	size_t pos;             /* in byte order */
};

/* More frequent first; equal counts in byte order. */
static int
cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * Pack c's keys in byte order: those seen at least min_count times and,
 * if max_keep > 0, only the max_keep most frequent of them (ties in byte
 * order); the others become one "__other__" key. *n_rare counts them.
 */
static void
pack_sorted_keys(struct sb *b, const char *key, const struct pml_counter *c, uint64_t min_count,
		 size_t max_keep, uint64_t *n_rare)
{
	size_t *idx = pml_counter_sorted(c), i, n = 0;
	unsigned char *keep = pml_xcalloc(c->n + 1, 1);

	*n_rare = 0;
	for (i = 0; i < c->n; i++) {
		keep[i] = c->count[idx[i]] >= min_count;
		n += keep[i];
	}
	if (max_keep && n > max_keep) {
		struct rank *r = pml_xmallocarray(n, sizeof(*r));
		size_t k = 0;
		for (i = 0; i < c->n; i++)
			if (keep[i])
				r[k++] = (struct rank){ c->count[idx[i]], i };
		qsort(r, n, sizeof(*r), cmp_rank);
		for (k = max_keep; k < n; k++)
			keep[r[k].pos] = 0;
		free(r);
		n = max_keep;
	}
	*n_rare = c->n - n;
	pml_mp_pack_cstr(&b->pk, key);
	msgpack_pack_array(&b->pk, n + (*n_rare ? 1 : 0));
	for (i = 0; i < c->n; i++)
		if (keep[i])
			pml_mp_pack_strn(&b->pk, c->key[idx[i]], c->len[idx[i]]);
	if (*n_rare)
		pml_mp_pack_cstr(&b->pk, "__other__");
	free(keep);
	free(idx);
}

/*
 * A str column with nearly as many distinct values as records is rarely a
 * category: an id, free text or a date. Say so once, at fit time.
 */
static void
warn_wide_category(const struct target *x, size_t max_keep)
{
	uint64_t rows = x->n_missing, i;

	for (i = 0; i < x->cnt.n; i++)
		rows += x->cnt.count[i];
	if (x->cnt.n < 20 || (double)x->cnt.n <= 0.5 * (double)rows)
		return;
	if (max_keep && x->cnt.n > max_keep)
		pml_warn("column '%s': %zu distinct values in %llu records: an id, free text or a "
			 "date, not a category? one-hot keeps the %zu most frequent, the rest go to "
			 "__other__ (--max-categories); drop it (pml-clean --drop %s), hash it (--text %s) "
			 "or, for dates, expand it (--date %s)", x->name, x->cnt.n,
			 (unsigned long long)rows, max_keep, x->name, x->name, x->name);
	else
		pml_warn("column '%s': %zu distinct values in %llu records: an id, free text or a "
			 "date, not a category? one-hot makes a feature of each; drop it (pml-clean "
			 "--drop %s), hash it (--text %s) or, for dates, expand it (--date %s)", x->name,
			 x->cnt.n, (unsigned long long)rows, x->name, x->name, x->name);
}

/* A quantile of a target: exact from the histogram of a u8 vector, else the sketch. */
static double
tq(struct target *x, double p)
{
	return x->hist ? pml_hist_quantile(x->hist, 256, p) : pml_quantiles_get(&x->q, p);
}

static int
prep_end(void *arg, const struct pml_schema *s, struct pml_rawlist *steps)
{
	struct tfit *f = arg;
	const struct pml_prep_opts *o = f->po;
	struct sb b;
	size_t i;
	uint64_t rare;

	(void)s;
	(void)cmp_str;
	if (f->old_label) {
		sb_begin(&b, "role", 2);
		sb_str(&b, "column", f->old_label);
		sb_str(&b, "role", "feature");
		sb_end(&b, steps);
	}
	if (f->label_col >= 0 && f->label_role_step) {
		sb_begin(&b, "role", 2);
		sb_str(&b, "column", f->label.name);
		sb_str(&b, "role", "label");
		sb_end(&b, steps);
	}
	if (f->have_label_classes) {
		sb_begin(&b, "label", 2);
		sb_str(&b, "column", f->label.name);
		pack_sorted_keys(&b, "classes", &f->label.cnt, 0, 0, &rare);
		sb_end(&b, steps);
	}
	for (i = 0; i < f->n_t; i++) {
		struct target *x = &f->t[i];
		double sub = 0, div = 1, add = 0;
		int extra = 0;
		if (x->hist) {
			/* u8 vector: exact statistics from the histogram */
			uint64_t k;
			pml_hist_moments(x->hist, 256, &x->m);
			for (k = 0; k < 256; k++)
				x->q.seen += x->hist[k];
		}
		if (x->how == SC_LOG1P) {
			sb_begin(&b, "scale", 2);
			sb_str(&b, "column", x->name);
			sb_str(&b, "method", "log1p");
			sb_end(&b, steps);
			continue;
		}
		switch (x->how) {
		case SC_MINMAX:
			add = x->a;
			if (x->m.n) {
				sub = x->m.min;
				if (x->m.max > x->m.min)
					div = (x->m.max - x->m.min) / (x->b - x->a);
			}
			extra = 3;
			break;
		case SC_STANDARD:
			sub = x->m.mean;
			div = sqrt(pml_moments_var(&x->m));
			if (!(div > 0))
				div = 1;
			extra = 3;
			break;
		case SC_ROBUST:
			if (x->q.seen) {
				double q1 = tq(x, 0.25), q3 = tq(x, 0.75);
				sub = tq(x, 0.5);
				div = q3 - q1 > 0 ? q3 - q1 : 1;
			}
			extra = 4;
			break;
		case SC_FACTOR:
			div = x->a;
			break;
		}
		sb_begin(&b, "scale", 5 + (size_t)extra);
		sb_str(&b, "column", x->name);
		sb_str(&b, "method", sc_names[x->how]);
		sb_num(&b, "sub", sub);
		sb_num(&b, "div", div);
		sb_num(&b, "add", add);
		switch (x->how) {
		case SC_MINMAX:
			sb_num(&b, "min", x->m.n ? x->m.min : 0);
			sb_num(&b, "max", x->m.n ? x->m.max : 0);
			sb_uint(&b, "n", x->m.n);
			break;
		case SC_STANDARD:
			sb_num(&b, "mean", x->m.mean);
			sb_num(&b, "sd", sqrt(pml_moments_var(&x->m)));
			sb_uint(&b, "n", x->m.n);
			break;
		case SC_ROBUST:
			sb_num(&b, "median", x->q.seen ? tq(x, 0.5) : 0);
			sb_num(&b, "iqr", x->q.seen ? tq(x, 0.75) - tq(x, 0.25) : 0);
			sb_uint(&b, "n", x->q.seen);
			pml_mp_pack_cstr(&b.pk, "exact");
			if (x->hist || pml_quantiles_exact(&x->q))
				msgpack_pack_true(&b.pk);
			else
				msgpack_pack_false(&b.pk);
			break;
		}
		sb_end(&b, steps);
	}
	for (i = 0; i < f->n_oh; i++) {
		struct target *x = &f->oh[i];
		if (x->type == PML_TYPE_STR)
			warn_wide_category(x, o->max_categories);
		sb_begin(&b, "onehot", 3);
		sb_str(&b, "column", x->name);
		pack_sorted_keys(&b, "categories", &x->cnt, o->min_count > 1 ? o->min_count : 0,
				 o->max_categories, &rare);
		sb_str(&b, "unseen", o->unseen_error ? "error" : "zeros");
		sb_end(&b, steps);
	}
	for (i = 0; i < o->n_text; i++) {
		sb_begin(&b, "text", 5);
		sb_str(&b, "column", o->text[i]);
		sb_uint(&b, "slots", o->text_slots);
		pml_mp_pack_cstr(&b.pk, "bigrams");
		if (o->bigrams)
			msgpack_pack_true(&b.pk);
		else
			msgpack_pack_false(&b.pk);
		sb_str(&b, "weight", o->tf ? "tf" : "count");
		sb_uint(&b, "seed", o->text_seed);
		sb_end(&b, steps);
	}
	return 0;
}

struct asm_fit {
	struct base base;
	const struct pml_prep_opts *o;
};

static int
asm_end(void *arg, const struct pml_schema *s, struct pml_rawlist *steps)
{
	struct asm_fit *f = arg;
	struct sb b;
	size_t j, n = 0;

	for (j = 0; j < s->n_col; j++)
		n += s->col[j].role == PML_ROLE_FEATURE;
	if (!n)
		return pml_error("no feature columns to assemble");
	sb_begin(&b, "assemble", 2);
	pml_mp_pack_cstr(&b.pk, "columns");
	msgpack_pack_array(&b.pk, n);
	for (j = 0; j < s->n_col; j++)
		if (s->col[j].role == PML_ROLE_FEATURE)
			pml_mp_pack_cstr(&b.pk, s->col[j].name);
	sb_str(&b, "name", f->o->features);
	sb_end(&b, steps);
	return 0;
}

/* -- dates: a str column becomes COL_year, COL_month, COL_dow, COL_doy (nothing to learn) -- */

struct date_fit {
	struct base base;
	const struct pml_prep_opts *o;
};

static int
date_begin(void *arg, const struct pml_schema *s)
{
	struct date_fit *f = arg;
	size_t i;

	for (i = 0; i < f->o->n_date; i++) {
		int c = pml_schema_find(s, f->o->date[i]);
		if (c < 0)
			return pml_error("--date: no column '%s'", f->o->date[i]);
		if (s->col[c].type != PML_TYPE_STR)
			return pml_error("--date: column '%s' is %s, not str", f->o->date[i],
					 pml_type_name(s->col[c].type));
	}
	return 0;
}

static int
date_end(void *arg, const struct pml_schema *s, struct pml_rawlist *steps)
{
	struct date_fit *f = arg;
	struct sb b;
	size_t i;

	(void)s;
	for (i = 0; i < f->o->n_date; i++) {
		sb_begin(&b, "date", 1);
		sb_str(&b, "column", f->o->date[i]);
		sb_end(&b, steps);
	}
	return 0;
}

size_t
pml_prep_fitters(const struct pml_prep_opts *o, struct pml_fitter *fit)
{
	size_t n = 0;

	if (o->n_date) {
		struct date_fit *d = pml_xcalloc(1, sizeof(*d));
		d->o = o;
		fit[n++] = (struct pml_fitter){ date_begin, no_add, date_end, d };
	}
	fit[n++] = (struct pml_fitter){ prep_begin, tfit_add, prep_end, new_tfit(NULL, o) };
	if (!o->no_assemble) {
		struct asm_fit *a = pml_xcalloc(1, sizeof(*a));
		a->o = o;
		fit[n++] = (struct pml_fitter){ cols_begin, no_add, asm_end, a };
	}
	return n;
}
