/* source.c: one input file of any format pml-collect reads (see source.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "pml/alloc.h"
#include "pml/err.h"
#include "pml/idx.h"
#include "pml/source.h"

struct pml_source {
	const char *name;
	struct pml_csv *csv;
	struct pml_idx *idx;
	struct pml_svm *svm;
	struct pml_jsonl *js;
	struct pml_schema schema;      /* the reader's, with roles and classes */
	int label;                     /* label column checked against classes, or -1 */
	size_t n_class;
	uint64_t n_rec;
	/* schema_from: forced types, and where each of its columns is in the reader's */
	struct pml_csv_type *types;
	long *map;
	struct pml_value *vals;
};

void
pml_source_opts_init(struct pml_source_opts *o)
{
	memset(o, 0, sizeof(*o));
	pml_csv_opts_init(&o->csv);
}

enum pml_format
pml_format_detect(const char *path)
{
	static const struct { const char *ext; enum pml_format f; } tab[] = {
		{ ".csv", PML_FMT_CSV }, { ".tsv", PML_FMT_TSV }, { ".jsonl", PML_FMT_JSONL },
		{ ".json", PML_FMT_JSONL }, { ".ndjson", PML_FMT_JSONL }, { ".svm", PML_FMT_SVMLIGHT },
		{ ".libsvm", PML_FMT_SVMLIGHT }, { ".svmlight", PML_FMT_SVMLIGHT },
	};
	size_t n = path ? strlen(path) : 0, k, e;

	if (n > 3 && !strcmp(path + n - 3, ".gz"))
		n -= 3;
	for (k = 0; k < sizeof(tab) / sizeof(tab[0]); k++) {
		e = strlen(tab[k].ext);
		if (n > e && !strncasecmp(path + n - e, tab[k].ext, e))
			return tab[k].f;
	}
	return PML_FMT_NONE;
}

/* The first line of p[0..n): its length (without the newline). */
static size_t
first_line(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);

	return nl ? (size_t)(nl - p) : n;
}

/* "LABEL [qid:Q] IDX:VAL ... [# comment]": a number, then index:value tokens. */
static int
looks_svmlight(const char *p, size_t n)
{
	size_t i = 0, tok = 0;

	while (i < n) {
		size_t s = i, colon = 0;
		if (tok && p[i] == '#')
			break;
		if (tok == 1 && n - i > 4 && !memcmp(p + i, "qid:", 4)) {
			i += 4;
			colon = 3;
		}
		while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r') {
			if (p[i] == ':' && !colon)
				colon = i - s;
			else if (!strchr("0123456789+-.eE", p[i]))
				return 0;
			i++;
		}
		if (tok == 0 ? colon != 0 : (colon == 0 || colon == i - s - 1))
			return 0;
		tok++;
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
	}
	return tok >= 2;
}

enum pml_format
pml_format_sniff(const char *p, size_t n, int at_end)
{
	size_t i, len;
	unsigned char c;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			break;
	if (i == n)
		return PML_FMT_NONE;
	c = (unsigned char)p[i];
	/* a msgpack map (a stream header) or ext (a sync marker) */
	if ((c >= 0x80 && c <= 0x8f) || c == 0xde || c == 0xdf || (c >= 0xc7 && c <= 0xc9) ||
	    (c >= 0xd4 && c <= 0xd8))
		return PML_FMT_STREAM;
	if (c == '{')
		return PML_FMT_JSONL;
	len = first_line(p + i, n - i);
	if (memchr(p + i, '\0', len))
		return PML_FMT_STREAM;  /* binary: the stream reader judges it */
	if (i + len == n && !at_end)
		return PML_FMT_NONE;    /* the first line is not complete */
	if (memchr(p + i, '\t', len) && !memchr(p + i, ',', len))
		return PML_FMT_TSV;
	if (looks_svmlight(p + i, len))
		return PML_FMT_SVMLIGHT;
	return PML_FMT_CSV;
}

int
pml_format_peek(struct pml_in *in, enum pml_format *f)
{
	const char *p;
	ssize_t n = pml_in_peek(in, 64 * 1024, &p);

	if (n < 0)
		return -1;
	*f = pml_format_sniff(p, (size_t)n, 1);
	return 0;
}

static const struct pml_schema *
reader_schema(const struct pml_source *s)
{
	return s->csv ? pml_csv_schema(s->csv) : s->idx ? pml_idx_schema(s->idx)
	       : s->svm ? pml_svm_schema(s->svm) : pml_jsonl_schema(s->js);
}

int
pml_schema_agrees(const struct pml_schema *schema, const char *name, const struct pml_csv_type *type,
		  size_t n_type, const char *const *role)
{
	size_t t;
	int r, j;

	for (t = 0; t < n_type; t++) {
		if ((j = pml_schema_find(schema, type[t].col)) < 0)
			return pml_error("--type %s=%s: %s has no column '%s'", type[t].col,
					 pml_type_name(type[t].type), name, type[t].col);
		if (schema->col[j].type != type[t].type)
			return pml_error("--type %s=%s: in %s the column is %s", type[t].col,
					 pml_type_name(type[t].type), name, pml_type_name(schema->col[j].type));
	}
	for (r = PML_ROLE_LABEL; r <= PML_ROLE_WEIGHT; r++) {
		if (!role[r])
			continue;
		j = pml_schema_find(schema, role[r]);
		if (j < 0 || schema->col[j].role != (enum pml_role)r) {
			int k = pml_schema_find_role(schema, (enum pml_role)r);
			if (k < 0)
				return pml_error("--%s %s: %s has no %s column", pml_role_name((enum pml_role)r),
						 role[r], name, pml_role_name((enum pml_role)r));
			return pml_error("--%s %s: the %s column of %s is '%s'", pml_role_name((enum pml_role)r),
					 role[r], pml_role_name((enum pml_role)r), name, schema->col[k].name);
		}
	}
	return 0;
}

/* --schema-from: every scalar column's type, for the CSV and JSON readers. */
static int
schema_from_types(struct pml_source *s, enum pml_format f, const struct pml_source_opts *o,
		  struct pml_csv_opts *co, struct pml_jsonl_opts *jo)
{
	const struct pml_schema *want = o->schema_from;
	size_t j, n = 0;

	if (f != PML_FMT_CSV && f != PML_FMT_TSV && f != PML_FMT_JSONL)
		return pml_error("%s: --schema-from reads CSV, TSV and JSON lines only", s->name);
	s->types = pml_xcalloc(want->n_col + 1, sizeof(*s->types));
	for (j = 0; j < want->n_col; j++) {
		if (want->col[j].type == PML_TYPE_VEC) {
			if (f != PML_FMT_JSONL)
				return pml_error("%s: column '%s' of %s is a vector, which CSV cannot hold",
						 s->name, want->col[j].name, o->schema_from_name);
			continue;
		}
		s->types[n].col = want->col[j].name;
		s->types[n++].type = want->col[j].type;
	}
	co->type = jo->type = s->types;
	co->n_type = jo->n_type = n;
	co->type_missing_ok = jo->type_missing_ok = 1;  /* fit_schema_from() says what is missing */
	return 0;
}

/* --schema-from: the reader's columns by name, in the schema's order. */
static int
fit_schema_from(struct pml_source *s, const struct pml_source_opts *o)
{
	const struct pml_schema *want = o->schema_from;
	char owner[300], why[600];

	snprintf(owner, sizeof(owner), "the schema of %s", o->schema_from_name);
	s->map = pml_xcalloc(want->n_col + 1, sizeof(*s->map));
	if (pml_schema_conform(want, reader_schema(s), owner, 0, s->map, why, sizeof(why)) < 0)
		return pml_error("%s: %s", s->name, why);
	pml_schema_copy(&s->schema, want);
	s->vals = pml_xcalloc(want->n_col + 1, sizeof(*s->vals));
	s->label = pml_schema_find_role(want, PML_ROLE_LABEL);
	s->n_class = s->label >= 0 ? want->col[s->label].n_class : 0;
	if (!s->n_class)
		s->label = -1;
	return 0;
}

/*
 * Roles and class names of the columns that like (a model's input, a
 * stream's schema) also has, so records read from text are taken as that
 * schema's. Types stay as inferred: a record's type is judged against the
 * model's later (the predictor's schema check).
 */
static void
follow(struct pml_schema *dst, const struct pml_schema *like)
{
	size_t k;

	for (k = 0; k < dst->n_col; k++) {
		struct pml_column *c = &dst->col[k];
		int j = pml_schema_find(like, c->name);

		if (j < 0)
			continue;
		c->role = like->col[j].role;
		if (like->col[j].n_class && c->type == PML_TYPE_INT && like->col[j].type == PML_TYPE_INT)
			pml_column_set_classes(c, like->col[j].n_class, like->col[j].classes);
	}
}

/* Roles and class names on a copy of the reader's schema. */
static int
shape_schema(struct pml_source *s, const struct pml_source_opts *o)
{
	struct pml_schema *dst = &s->schema;
	int r, j;
	size_t k;

	if (o->schema_from)
		return fit_schema_from(s, o);

	pml_schema_copy(dst, reader_schema(s));
	if (o->like)
		follow(dst, o->like);
	for (r = PML_ROLE_LABEL; r <= PML_ROLE_WEIGHT; r++) {
		if (!o->role[r])
			continue;
		if ((j = pml_schema_find(dst, o->role[r])) < 0) {
			char opt[16];
			snprintf(opt, sizeof(opt), "--%s", pml_role_name((enum pml_role)r));
			return pml_schema_lookup(dst, o->role[r], s->name, opt);
		}
		for (k = 0; k < dst->n_col; k++)
			if (dst->col[k].role == (enum pml_role)r)
				dst->col[k].role = PML_ROLE_FEATURE;
		dst->col[j].role = (enum pml_role)r;
	}
	if (o->n_class) {
		j = pml_schema_find_role(dst, PML_ROLE_LABEL);
		if (j < 0 || dst->col[j].type != PML_TYPE_INT)
			return pml_error("%s: class names need an int label column (--label COL)",
					 s->name);
		pml_column_set_classes(&dst->col[j], o->n_class, o->classes);
		s->label = j;
		s->n_class = o->n_class;
	}
	return 0;
}

struct pml_source *
pml_source_open_in(enum pml_format f, struct pml_in *in, const char *path,
		   const struct pml_source_opts *o)
{
	struct pml_source *s = pml_xcalloc(1, sizeof(*s));
	struct pml_csv_opts co = o->csv;
	struct pml_jsonl_opts jo = o->js;
	int ok;

	s->name = path && strcmp(path, "-") ? path : "stdin";
	s->label = -1;
	if (!co.delim)
		co.delim = f == PML_FMT_TSV ? '\t' : ',';
	if (o->schema_from && schema_from_types(s, f, o, &co, &jo) < 0) {
		pml_in_close(in);
		pml_source_free(s);
		return NULL;
	}
	switch (f) {
	case PML_FMT_CSV:
	case PML_FMT_TSV:
		ok = (s->csv = pml_csv_open_in(in, path, &co)) != NULL;
		break;
	case PML_FMT_SVMLIGHT:
		ok = (s->svm = pml_svm_open_in(in, path, &o->svm)) != NULL;
		break;
	case PML_FMT_JSONL:
		ok = (s->js = pml_jsonl_open_in(in, path, &jo)) != NULL;
		break;
	default:
		pml_in_close(in);
		ok = 0;
		pml_error("%s: not a format read from an open input", s->name);
		break;
	}
	if (!ok) {
		pml_source_free(s);
		return NULL;
	}
	if (shape_schema(s, o) < 0) {
		pml_source_free(s);
		return NULL;
	}
	return s;
}

struct pml_source *
pml_source_open(enum pml_format f, const char *path, const char *labels,
		const struct pml_source_opts *o)
{
	struct pml_source *s;
	struct pml_in in;

	if (f != PML_FMT_IDX && pml_in_open(&in, path) < 0)
		return NULL;
	if (f == PML_FMT_NONE) {
		/* the format from the first bytes, as pml-serve-stdin and pml-eval tell it */
		if (pml_format_peek(&in, &f) < 0 || f == PML_FMT_STREAM) {
			if (f == PML_FMT_STREAM)
				pml_error("%s: binary data, such as a pml stream (already collected); "
					  "pml-collect reads CSV, TSV, JSON lines, svmlight and IDX",
					  path && strcmp(path, "-") ? path : "stdin");
			pml_in_close(&in);
			return NULL;
		}
		if (f == PML_FMT_NONE)
			f = PML_FMT_CSV;        /* empty: the CSV reader says so */
	}
	if (f != PML_FMT_IDX)
		return pml_source_open_in(f, &in, path, o);
	s = pml_xcalloc(1, sizeof(*s));
	s->name = path && strcmp(path, "-") ? path : "stdin";
	s->label = -1;
	if (!(s->idx = pml_idx_open(path, labels))) {
		free(s);
		return NULL;
	}
	if (shape_schema(s, o) < 0) {
		pml_source_free(s);
		return NULL;
	}
	return s;
}

const struct pml_schema *
pml_source_schema(const struct pml_source *s)
{
	return &s->schema;
}

int
pml_source_next(struct pml_source *s, const struct pml_value **vals)
{
	const struct pml_value *v;
	int rc = s->csv ? pml_csv_next(s->csv, vals) : s->idx ? pml_idx_next(s->idx, vals)
		 : s->svm ? pml_svm_next(s->svm, vals) : pml_jsonl_next(s->js, vals);

	if (rc <= 0)
		return rc;
	s->n_rec++;
	if (s->map) {
		char why[256];

		if (pml_record_conform(&s->schema, s->map, *vals, s->vals, why, sizeof(why)) < 0)
			return pml_error("%s: record %llu, %s", s->name, (unsigned long long)s->n_rec, why);
		*vals = s->vals;
	}
	v = *vals;
	if (s->label >= 0 && v[s->label].kind == PML_INT &&
	    (v[s->label].u.i < 0 || (uint64_t)v[s->label].u.i >= s->n_class))
		return pml_error("%s: record %llu: label %lld is beyond the %zu class names", s->name,
				 (unsigned long long)s->n_rec, (long long)v[s->label].u.i, s->n_class);
	return 1;
}

const char *
pml_source_name(const struct pml_source *s)
{
	return s->name;
}

uint64_t
pml_source_records(const struct pml_source *s)
{
	return s->n_rec;
}

uint64_t
pml_source_offset(const struct pml_source *s)
{
	return s->csv ? pml_csv_offset(s->csv) : s->idx ? pml_idx_offset(s->idx)
	       : s->svm ? pml_svm_offset(s->svm) : pml_jsonl_offset(s->js);
}

uint64_t
pml_source_size(const char *path)
{
	struct stat st;
	size_t n = path ? strlen(path) : 0;

	if (!path || !strcmp(path, "-") || (n > 3 && !strcmp(path + n - 3, ".gz")) ||
	    stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

void
pml_source_summary(const struct pml_source *s, char *buf, size_t len)
{
	if (s->csv)
		snprintf(buf, len, "%llu records, %llu lines, %llu bad rows skipped",
			 (unsigned long long)pml_csv_records(s->csv),
			 (unsigned long long)pml_csv_lines(s->csv),
			 (unsigned long long)pml_csv_skipped(s->csv));
	else
		snprintf(buf, len, "%llu records", (unsigned long long)s->n_rec);
}

void
pml_source_free(struct pml_source *s)
{
	if (!s)
		return;
	pml_csv_free(s->csv);
	pml_idx_free(s->idx);
	pml_svm_free(s->svm);
	pml_jsonl_free(s->js);
	pml_schema_release(&s->schema);
	free(s->types);
	free(s->map);
	free(s->vals);
	free(s);
}
