/* jsonl.c: JSON lines through Jansson; flattening, inference, serving. */
#include <float.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/jsonl.h"
#include "pml/schema.h"

/* ---- lines ---- */

int
pml_lines_open(struct pml_lines *l, const char *path, size_t max)
{
	struct pml_in in;

	memset(l, 0, sizeof(*l));
	if (pml_in_open(&in, path) < 0)
		return -1;
	pml_lines_open_in(l, &in, max);
	return 0;
}

void
pml_lines_open_in(struct pml_lines *l, struct pml_in *in, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->in = *in;
	l->open = 1;
	l->max = max;
	l->cap = 256 * 1024;
	l->buf = pml_xmalloc(l->cap);
}

int
pml_lines_next(struct pml_lines *l, char **p, size_t *n)
{
	size_t scan = l->pos;

	for (;;) {
		char *nl = memchr(l->buf + scan, '\n', l->len - scan);
		if (nl || (l->eof && l->pos < l->len)) {
			char *s = l->buf + l->pos;
			size_t len = nl ? (size_t)(nl - s) : l->len - l->pos;
			l->pos += len + (nl ? 1 : 0);
			if (len && s[len - 1] == '\r')
				len--;
			if (len > l->max)
				return pml_error("%s: line %llu: longer than %zu bytes", l->in.name,
						 (unsigned long long)l->line + 1, l->max);
			s[len] = '\0';
			l->line++;
			*p = s;
			*n = len;
			return 1;
		}
		if (l->eof)
			return 0;
		if (l->pos > 0) {
			memmove(l->buf, l->buf + l->pos, l->len - l->pos);
			l->len -= l->pos;
			l->pos = 0;
		}
		scan = l->len;
		if (l->len + 1 >= l->cap) {
			if (l->cap > l->max + 2)
				return pml_error("%s: line %llu: longer than %zu bytes", l->in.name,
						 (unsigned long long)l->line + 1, l->max);
			l->cap *= 2;
			l->buf = pml_xrealloc(l->buf, l->cap);
		}
		{
			ssize_t r = pml_in_read(&l->in, l->buf + l->len, l->cap - l->len - 1);
			if (r < 0)
				return -1;
			if (r == 0) {
				l->eof = 1;
				/* room for the NUL of a last line without newline */
				l->buf[l->len] = '\0';
			}
			l->len += (size_t)r;
		}
	}
}

void
pml_lines_close(struct pml_lines *l)
{
	if (l->open)
		pml_in_close(&l->in);
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

/* ---- converting one object ---- */

struct conv {
	const struct pml_schema *s;
	struct pml_value *out;
	struct pml_buf *scratch;
	size_t *soff;           /* offset into scratch for str/vec values, or SIZE_MAX */
	char *seen;
	int no_flatten, ignore_extra;
	/* column lookup: open addressing over names */
	const int *slot;
	size_t n_slot;
	char *why;
	size_t why_len;
	const json_t *obj;      /* the object being converted (for messages) */
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int
lookup(const struct conv *c, const char *name)
{
	size_t k;

	if (!c->slot)
		return pml_schema_find(c->s, name);
	for (k = hash_str(name) & (c->n_slot - 1); c->slot[k] >= 0; k = (k + 1) & (c->n_slot - 1))
		if (!strcmp(c->s->col[c->slot[k]].name, name))
			return c->slot[k];
	return -1;
}

static int *
make_slots(const struct pml_schema *s, size_t *n_slot)
{
	size_t n = 16, k, j;
	int *slot;

	while (n < 2 * s->n_col + 1)
		n *= 2;
	slot = pml_xmallocarray(n, sizeof(*slot));
	for (k = 0; k < n; k++)
		slot[k] = -1;
	for (j = 0; j < s->n_col; j++) {
		for (k = hash_str(s->col[j].name) & (n - 1); slot[k] >= 0; k = (k + 1) & (n - 1))
			;
		slot[k] = (int)j;
	}
	*n_slot = n;
	return slot;
}

static const char *
json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a bool";
	default: return "null";
	}
}

/* Append each key path of obj that flattens to name, one per line, as "a":{"b":...}}. */
static void
find_keys(json_t *obj, const char *name, struct pml_buf *out, struct pml_buf *pre, int depth)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t kl = strlen(key), mark = pre->len;
		int k;

		if (strncmp(name, key, kl))
			continue;
		pml_buf_add_json_str(pre, key, kl);
		pml_buf_addch(pre, ':');
		if (!name[kl] && !json_is_object(v)) {
			pml_buf_add(out, pre->buf, pre->len);
			pml_buf_addstr(out, "...");
			for (k = 1; k < depth; k++)
				pml_buf_addch(out, '}');
			pml_buf_addch(out, '\n');
		} else if (name[kl] == '.' && json_is_object(v) && depth < PML_JSONL_MAX_DEPTH) {
			pml_buf_addch(pre, '{');
			find_keys(v, name + kl + 1, out, pre, depth + 1);
		}
		pre->len = mark;
	}
}

/*
 * Two keys of one object flatten to the same column ({"a.b":1,"a":{"b":2}}):
 * refuse, naming both spellings, rather than keep one value.
 */
static void
spellings(struct conv *c, const char *name)
{
	struct pml_buf path = PML_BUF_INIT, out = PML_BUF_INIT;
	char *a, *b;

	if (c->obj)
		find_keys((json_t *)c->obj, name, &out, &path, 1);
	pml_buf_addch(&out, '\0');
	a = out.buf;
	b = strchr(a, '\n');
	if (b) {
		*b++ = '\0';
		if (strchr(b, '\n'))
			*strchr(b, '\n') = '\0';
	}
	if (b && *a && *b)
		snprintf(c->why, c->why_len, "column '%s' comes from two keys, {%s} and {%s} "
			 "(nested keys are joined with '.'); rename one, or use --no-flatten", name, a, b);
	else
		snprintf(c->why, c->why_len, "column '%s' comes from two keys (nested keys are joined "
			 "with '.'); rename one, or use --no-flatten", name);
	pml_buf_release(&path);
	pml_buf_release(&out);
}

static int
leaf(struct conv *c, const char *name, json_t *v)
{
	const struct pml_column *col;
	struct pml_value *o;
	int j = lookup(c, name);

	if (j < 0) {
		if (c->ignore_extra)
			return 0;
		snprintf(c->why, c->why_len, "key '%s' is not a column (seen in the first rows; "
			 "--ignore-extra skips such keys)", name);
		return -1;
	}
	col = &c->s->col[j];
	o = &c->out[j];
	if (c->seen[j]) {
		spellings(c, name);
		return -1;
	}
	c->seen[j] = 1;
	c->soff[j] = SIZE_MAX;
	if (json_is_null(v)) {
		o->kind = PML_NIL;
		return 0;
	}
	switch (col->type) {
	case PML_TYPE_BOOL:
		if (!json_is_boolean(v))
			goto bad;
		o->kind = PML_BOOL;
		o->u.b = json_is_true(v);
		return 0;
	case PML_TYPE_INT:
		if (!json_is_integer(v))
			goto bad;
		o->kind = PML_INT;
		o->u.i = json_integer_value(v);
		return 0;
	case PML_TYPE_FLOAT:
		if (!json_is_number(v))
			goto bad;
		o->kind = PML_FLOAT;
		o->u.f = json_number_value(v);
		return 0;
	case PML_TYPE_STR:
		o->kind = PML_STR;
		if (json_is_string(v)) {
			o->u.s.ptr = json_string_value(v);
			o->u.s.len = json_string_length(v);
			return 0;
		}
		if (json_is_object(v) || json_is_array(v))
			goto bad;
		c->soff[j] = c->scratch->len;
		if (json_is_integer(v))
			pml_buf_addf(c->scratch, "%" PRId64, (int64_t)json_integer_value(v));
		else if (json_is_real(v))
			pml_buf_add_json_num(c->scratch, json_real_value(v));
		else
			pml_buf_addstr(c->scratch, json_is_true(v) ? "true" : "false");
		o->u.s.len = c->scratch->len - c->soff[j];
		return 0;
	case PML_TYPE_VEC: {
		size_t k, n = json_array_size(v);
		if (!json_is_array(v))
			goto bad;
		if (n != col->n_elem) {
			snprintf(c->why, c->why_len, "column '%s': an array of %zu numbers, expected %zu",
				 name, n, col->n_elem);
			return -1;
		}
		c->soff[j] = c->scratch->len;
		pml_buf_grow(c->scratch, 4 * n);
		for (k = 0; k < n; k++) {
			json_t *e = json_array_get(v, k);
			double d;
			float f;
			uint32_t u;
			unsigned char b[4];
			if (!json_is_number(e)) {
				snprintf(c->why, c->why_len, "column '%s': element %zu is %s, not a number",
					 name, k, json_kind(e));
				return -1;
			}
			d = json_number_value(e);
			if (d > FLT_MAX || d < -FLT_MAX) {
				snprintf(c->why, c->why_len, "column '%s': element %zu is beyond float range",
					 name, k);
				return -1;
			}
			f = (float)d;
			memcpy(&u, &f, 4);
			b[0] = (unsigned char)u;
			b[1] = (unsigned char)(u >> 8);
			b[2] = (unsigned char)(u >> 16);
			b[3] = (unsigned char)(u >> 24);
			pml_buf_add(c->scratch, b, 4);
		}
		o->kind = PML_VEC;
		o->u.s.len = 4 * n;
		return 0;
	}
	}
bad:
	snprintf(c->why, c->why_len, "column '%s': %s, expected %s (use --type %s=... to change the "
		 "column's type)", name, json_kind(v), pml_type_name(col->type), name);
	return -1;
}

static int
walk(struct conv *c, struct pml_buf *path, json_t *obj, int depth)
{
	const char *key;
	json_t *v;
	size_t base = path->len;

	if (depth > PML_JSONL_MAX_DEPTH) {
		snprintf(c->why, c->why_len, "objects nested deeper than %d", PML_JSONL_MAX_DEPTH);
		return -1;
	}
	json_object_foreach(obj, key, v) {
		path->len = base;
		path->buf[base] = '\0';
		if (base)
			pml_buf_addch(path, '.');
		pml_buf_addstr(path, key);
		if (json_is_object(v)) {
			if (c->no_flatten) {
				snprintf(c->why, c->why_len, "key '%s' holds an object (--no-flatten)", path->buf);
				return -1;
			}
			if (walk(c, path, v, depth + 1) < 0)
				return -1;
		} else if (leaf(c, path->buf, v) < 0) {
			return -1;
		}
	}
	path->len = base;
	path->buf[base] = '\0';
	return 0;
}

/* Fill c->out from obj; missing keys are nil (or an error if strict). */
static int
convert(struct conv *c, json_t *obj, int strict)
{
	struct pml_buf path = PML_BUF_INIT;
	size_t j;
	int rc;

	pml_buf_reset(c->scratch);
	memset(c->seen, 0, c->s->n_col);
	for (j = 0; j < c->s->n_col; j++) {
		c->out[j].kind = PML_NIL;
		c->soff[j] = SIZE_MAX;
	}
	c->obj = obj;
	rc = walk(c, &path, obj, 1);
	c->obj = NULL;
	pml_buf_release(&path);
	if (rc < 0)
		return -1;
	for (j = 0; j < c->s->n_col; j++) {
		if (strict && !c->seen[j]) {
			snprintf(c->why, c->why_len, "column '%s' is missing", c->s->col[j].name);
			return -1;
		}
		if (c->soff[j] != SIZE_MAX)
			c->out[j].u.s.ptr = c->scratch->buf + c->soff[j];
	}
	return 0;
}

static json_t *
load(const char *p, size_t n, char *why, size_t why_len)
{
	json_error_t e;
	json_t *v = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);

	if (!v) {
		/* Jansson leaves no position or text when it runs out of memory */
		if (e.column < 0 || !e.text[0])
			snprintf(why, why_len, "%s", e.text[0] ? e.text : "out of memory");
		else
			snprintf(why, why_len, "column %d: %s", e.column, e.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		snprintf(why, why_len, "%s, not an object (JSON lines: one object per line)",
			 json_kind(v));
		json_decref(v);
		return NULL;
	}
	return v;
}

int
pml_jsonl_parse_record(const struct pml_schema *s, const char *line, size_t len,
		       struct pml_value *out, struct pml_buf *scratch, char *why, size_t why_len)
{
	struct conv c;
	json_t *obj;
	int rc;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.out = out;
	c.scratch = scratch;
	c.ignore_extra = 1;
	c.why = why;
	c.why_len = why_len;
	obj = load(line, len, why, why_len);
	if (!obj)
		return -1;
	c.soff = pml_xmallocarray(s->n_col ? s->n_col : 1, sizeof(*c.soff));
	c.seen = pml_xmalloc(s->n_col ? s->n_col : 1);
	rc = convert(&c, obj, 1);
	/* strings borrowed from obj must outlive it: copy them into scratch */
	if (rc == 0) {
		size_t j, *off = c.soff;
		for (j = 0; j < s->n_col; j++)
			if (out[j].kind == PML_STR && off[j] == SIZE_MAX) {
				off[j] = scratch->len;
				pml_buf_add(scratch, out[j].u.s.ptr, out[j].u.s.len);
			}
		for (j = 0; j < s->n_col; j++)
			if (off[j] != SIZE_MAX)
				out[j].u.s.ptr = scratch->buf + off[j];
	}
	free(c.soff);
	free(c.seen);
	json_decref(obj);
	return rc;
}

/* ---- the reader ---- */

struct key {
	char *name;
	int b, i, f, s, vec, obj_null;
	size_t vec_len;
	int vec_bad;
	uint64_t line_num, line_str, line_bool, line_vec;
};

struct pml_jsonl {
	char *name;
	struct pml_lines lines;
	struct pml_jsonl_opts o;
	struct pml_schema schema;
	json_t **buf_obj;
	uint64_t *buf_line;
	size_t n_buf, i_buf;
	json_t *cur;
	uint64_t cur_line;
	struct conv c;
	int *slot;
	struct pml_buf scratch;
	struct pml_value *vals;
	size_t *soff;
	char *seen;
	struct key *keys;
	size_t n_key, m_key;
};

static struct key *
key_get(struct pml_jsonl *j, const char *name)
{
	for (size_t k = 0; k < j->n_key; k++)
		if (!strcmp(j->keys[k].name, name))
			return &j->keys[k];
	PML_ALLOC_GROW(j->keys, j->n_key + 1, j->m_key);
	memset(&j->keys[j->n_key], 0, sizeof(j->keys[0]));
	j->keys[j->n_key].name = pml_xstrdup(name);
	return &j->keys[j->n_key++];
}

static int
scan(struct pml_jsonl *j, struct pml_buf *path, json_t *obj, int depth, uint64_t line)
{
	const char *k;
	json_t *v;
	size_t base = path->len;

	if (depth > PML_JSONL_MAX_DEPTH)
		return pml_error("%s: line %llu: objects nested deeper than %d", j->name,
				 (unsigned long long)line, PML_JSONL_MAX_DEPTH);
	json_object_foreach(obj, k, v) {
		struct key *ky;
		path->len = base;
		path->buf[base] = '\0';
		if (base)
			pml_buf_addch(path, '.');
		pml_buf_addstr(path, k);
		if (json_is_object(v)) {
			if (j->o.no_flatten)
				return pml_error("%s: line %llu: key '%s' holds an object (--no-flatten)",
						 j->name, (unsigned long long)line, path->buf);
			if (scan(j, path, v, depth + 1, line) < 0)
				return -1;
			continue;
		}
		ky = key_get(j, path->buf);
		if (!pml_column_name_valid(ky->name))
			return pml_error("%s: line %llu: an empty key \"\" cannot name a column "
					 "(pml streams need column names)", j->name, (unsigned long long)line);
		switch (json_typeof(v)) {
		case JSON_TRUE: case JSON_FALSE: ky->b = 1; ky->line_bool = line; break;
		case JSON_INTEGER: ky->i = 1; ky->line_num = line; break;
		case JSON_REAL: ky->f = 1; ky->line_num = line; break;
		case JSON_STRING: ky->s = 1; ky->line_str = line; break;
		case JSON_ARRAY:
			if (ky->vec && ky->vec_len != json_array_size(v))
				return pml_error("%s: line %llu: key '%s': an array of %zu, but %zu on line %llu",
						 j->name, (unsigned long long)line, path->buf,
						 json_array_size(v), ky->vec_len, (unsigned long long)ky->line_vec);
			if (json_array_size(v) == 0)
				return pml_error("%s: line %llu: key '%s': an empty array", j->name,
						 (unsigned long long)line, path->buf);
			for (size_t e = 0; e < json_array_size(v); e++)
				if (!json_is_number(json_array_get(v, e)))
					return pml_error("%s: line %llu: key '%s': arrays must hold numbers only",
							 j->name, (unsigned long long)line, path->buf);
			ky->vec = 1;
			ky->vec_len = json_array_size(v);
			ky->line_vec = line;
			break;
		default: break;
		}
	}
	path->len = base;
	path->buf[base] = '\0';
	return 0;
}

static int
read_obj(struct pml_jsonl *j, json_t **obj, uint64_t *line)
{
	char why[512];
	char *p;
	size_t n;
	int rc;

	for (;;) {
		rc = pml_lines_next(&j->lines, &p, &n);
		if (rc <= 0)
			return rc;
		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n == 0)
			continue;
		*line = j->lines.line;
		*obj = load(p, n, why, sizeof(why));
		if (!*obj)
			return pml_error("%s: line %llu, %s", j->name, (unsigned long long)*line, why);
		return 1;
	}
}

static int
decide(struct pml_jsonl *j)
{
	for (size_t k = 0; k < j->n_key; k++) {
		struct key *ky = &j->keys[k];
		struct pml_column *c;
		enum pml_type t = PML_TYPE_STR;
		int forced = 0, kinds = (ky->b != 0) + (ky->i || ky->f) + (ky->s != 0) + (ky->vec != 0);

		for (size_t t2 = 0; t2 < j->o.n_type; t2++)
			if (!strcmp(j->o.type[t2].col, ky->name)) {
				t = j->o.type[t2].type;
				forced = 1;
			}
		if (!forced && kinds > 1) {
			char m[256] = "";
			size_t l;
			if (ky->b)
				snprintf(m, sizeof(m), ", a bool on line %llu", (unsigned long long)ky->line_bool);
			if (ky->i || ky->f)
				l = strlen(m), snprintf(m + l, sizeof(m) - l, ", a number on line %llu",
							  (unsigned long long)ky->line_num);
			if (ky->s)
				l = strlen(m), snprintf(m + l, sizeof(m) - l, ", a string on line %llu",
							  (unsigned long long)ky->line_str);
			if (ky->vec)
				l = strlen(m), snprintf(m + l, sizeof(m) - l, ", an array on line %llu",
							  (unsigned long long)ky->line_vec);
			return pml_error("%s: key '%s': mixed types (%s); use --type %s=str to keep it "
					 "as text", j->name, ky->name, m + 2, ky->name);
		}
		if (!forced)
			t = ky->vec ? PML_TYPE_VEC : ky->b ? PML_TYPE_BOOL : ky->f ? PML_TYPE_FLOAT
			    : ky->i ? PML_TYPE_INT : PML_TYPE_STR;
		if (forced && ky->vec)
			return pml_error("%s: --type %s: an array column cannot change type", j->name, ky->name);
		c = pml_schema_add(&j->schema, ky->name, t);
		if (t == PML_TYPE_VEC) {
			uint32_t d = (uint32_t)ky->vec_len;
			if (ky->vec_len > PML_MAX_VEC_ELEMS || pml_column_set_vec(c, PML_ELEM_F32, 1, &d) < 0)
				return pml_error("%s: key '%s': array too long", j->name, ky->name);
		}
	}
	for (size_t t2 = 0; t2 < j->o.n_type; t2++)
		if (!j->o.type_missing_ok && pml_schema_lookup(&j->schema, j->o.type[t2].col, j->name, "--type") < 0)
			return -1;
	if (j->schema.n_col == 0)
		return pml_error("%s: no keys in the first %zu lines: no columns", j->name, j->o.infer_rows);
	return 0;
}

struct pml_jsonl *
pml_jsonl_open(const char *path, const struct pml_jsonl_opts *o)
{
	struct pml_in in;

	if (pml_in_open(&in, path) < 0)
		return NULL;
	return pml_jsonl_open_in(&in, path, o);
}

struct pml_jsonl *
pml_jsonl_open_in(struct pml_in *in, const char *path, const struct pml_jsonl_opts *o)
{
	struct pml_jsonl *j = pml_xcalloc(1, sizeof(*j));
	struct pml_buf kp = PML_BUF_INIT;
	size_t m = 0;
	json_t *obj;
	uint64_t line;
	int rc = 0;

	j->name = pml_xstrdup(path && strcmp(path, "-") ? path : "stdin");
	j->o = *o;
	if (!j->o.infer_rows)
		j->o.infer_rows = PML_CSV_INFER_ROWS;
	if (!j->o.max_line)
		j->o.max_line = PML_JSONL_MAX_LINE;
	j->scratch = (struct pml_buf)PML_BUF_INIT;
	pml_lines_open_in(&j->lines, in, j->o.max_line);
	while (j->n_buf < j->o.infer_rows && (rc = read_obj(j, &obj, &line)) > 0) {
		PML_ALLOC_GROW(j->buf_obj, j->n_buf + 1, m);
		j->buf_line = pml_xreallocarray(j->buf_line, m, sizeof(*j->buf_line));
		j->buf_obj[j->n_buf] = obj;
		j->buf_line[j->n_buf++] = line;
		if (scan(j, &kp, obj, 1, line) < 0)
			goto fail;
	}
	if (j->n_buf < j->o.infer_rows && rc < 0)
		goto fail;
	if (decide(j) < 0)
		goto fail;
	pml_buf_release(&kp);
	j->vals = pml_xcalloc(j->schema.n_col, sizeof(*j->vals));
	j->soff = pml_xcalloc(j->schema.n_col, sizeof(*j->soff));
	j->seen = pml_xcalloc(j->schema.n_col, 1);
	j->slot = make_slots(&j->schema, &j->c.n_slot);
	j->c.s = &j->schema;
	j->c.out = j->vals;
	j->c.scratch = &j->scratch;
	j->c.soff = j->soff;
	j->c.seen = j->seen;
	j->c.no_flatten = j->o.no_flatten;
	j->c.ignore_extra = j->o.ignore_extra;
	j->c.slot = j->slot;
	return j;
fail:
	pml_buf_release(&kp);
	pml_jsonl_free(j);
	return NULL;
}

const struct pml_schema *
pml_jsonl_schema(const struct pml_jsonl *j)
{
	return &j->schema;
}

int
pml_jsonl_next(struct pml_jsonl *j, const struct pml_value **vals)
{
	char why[512];
	int rc;

	if (j->cur) {
		json_decref(j->cur);
		j->cur = NULL;
	}
	if (j->i_buf < j->n_buf) {
		j->cur = j->buf_obj[j->i_buf];
		j->buf_obj[j->i_buf] = NULL;
		j->cur_line = j->buf_line[j->i_buf++];
	} else {
		rc = read_obj(j, &j->cur, &j->cur_line);
		if (rc <= 0) {
			j->cur = NULL;
			return rc;
		}
	}
	j->c.why = why;
	j->c.why_len = sizeof(why);
	if (convert(&j->c, j->cur, 0) < 0)
		return pml_error("%s: line %llu, %s", j->name, (unsigned long long)j->cur_line, why);
	*vals = j->vals;
	return 1;
}

uint64_t
pml_jsonl_line(const struct pml_jsonl *j)
{
	return j->cur_line;
}

uint64_t
pml_jsonl_offset(const struct pml_jsonl *j)
{
	return j->lines.in.offset;
}

void
pml_jsonl_free(struct pml_jsonl *j)
{
	if (!j)
		return;
	pml_lines_close(&j->lines);
	for (size_t k = j->i_buf; k < j->n_buf; k++)
		json_decref(j->buf_obj[k]);
	free(j->buf_obj);
	free(j->buf_line);
	if (j->cur)
		json_decref(j->cur);
	for (size_t k = 0; k < j->n_key; k++)
		free(j->keys[k].name);
	free(j->keys);
	pml_schema_release(&j->schema);
	pml_buf_release(&j->scratch);
	free(j->vals);
	free(j->soff);
	free(j->seen);
	free(j->slot);
	free(j->name);
	free(j);
}
