/* render.c: records as JSON, CSV and table cells. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/err.h"
#include "pml/mp.h"
#include "pml/render.h"

void
pml_render_f32(struct pml_buf *b, float f)
{
	if (!isfinite(f))
		pml_buf_addstr(b, "null");
	else
		pml_buf_add_num(b, f, 1);
}

static void
render_vec_json(struct pml_buf *b, const struct pml_column *c, const struct pml_value *v)
{
	const unsigned char *p = (const unsigned char *)v->u.s.ptr;
	size_t i;

	pml_buf_grow(b, c->n_elem * 4 + 2);
	pml_buf_addch(b, '[');
	for (i = 0; i < c->n_elem; i++) {
		if (i)
			pml_buf_addch(b, ',');
		if (c->elem == PML_ELEM_U8) {
			pml_buf_addf(b, "%u", p[i]);
		} else {
			float f;
			memcpy(&f, p + 4 * i, 4);
			pml_render_f32(b, f);
		}
	}
	pml_buf_addch(b, ']');
}

static void
render_scalar(struct pml_buf *b, const struct pml_value *v)
{
	switch (v->kind) {
	case PML_NIL: pml_buf_addstr(b, "null"); break;
	case PML_BOOL: pml_buf_addstr(b, v->u.b ? "true" : "false"); break;
	case PML_INT: pml_buf_addf(b, "%lld", (long long)v->u.i); break;
	case PML_FLOAT: pml_buf_add_json_num(b, v->u.f); break;
	default: break;
	}
}

void
pml_render_json(struct pml_buf *b, const struct pml_schema *s, const struct pml_value *v)
{
	size_t i;

	pml_buf_addch(b, '{');
	for (i = 0; i < s->n_col; i++) {
		if (i)
			pml_buf_addch(b, ',');
		pml_buf_add_json_str(b, s->col[i].name, strlen(s->col[i].name));
		pml_buf_addch(b, ':');
		if (v[i].kind == PML_STR)
			pml_buf_add_json_str(b, v[i].u.s.ptr, v[i].u.s.len);
		else if (v[i].kind == PML_VEC)
			render_vec_json(b, &s->col[i], &v[i]);
		else
			render_scalar(b, &v[i]);
	}
	pml_buf_addch(b, '}');
}

static void
csv_field(struct pml_buf *b, const char *p, size_t n, char delim)
{
	size_t i;
	int quote = n == 0 ? 0 : (p[0] == ' ' || p[n - 1] == ' ');

	for (i = 0; i < n && !quote; i++)
		if (p[i] == delim || p[i] == '"' || p[i] == '\n' || p[i] == '\r')
			quote = 1;
	if (!quote) {
		pml_buf_add(b, p, n);
		return;
	}
	pml_buf_addch(b, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			pml_buf_addch(b, '"');
		pml_buf_addch(b, p[i]);
	}
	pml_buf_addch(b, '"');
}

void
pml_render_csv_header(struct pml_buf *b, const struct pml_schema *s, char delim)
{
	struct pml_buf name = PML_BUF_INIT;
	size_t i, k;

	for (i = 0; i < s->n_col; i++) {
		const struct pml_column *c = &s->col[i];
		if (i)
			pml_buf_addch(b, delim);
		if (c->type != PML_TYPE_VEC) {
			csv_field(b, c->name, strlen(c->name), delim);
			continue;
		}
		for (k = 0; k < c->n_elem; k++) {
			if (k)
				pml_buf_addch(b, delim);
			pml_buf_reset(&name);
			pml_buf_addf(&name, "%s[%zu]", c->name, k);
			csv_field(b, name.buf, name.len, delim);
		}
	}
	pml_buf_addch(b, '\n');
	pml_buf_release(&name);
}

void
pml_render_csv(struct pml_buf *b, const struct pml_schema *s, const struct pml_value *v, char delim)
{
	size_t i, k;

	for (i = 0; i < s->n_col; i++) {
		const struct pml_column *c = &s->col[i];
		if (i)
			pml_buf_addch(b, delim);
		switch (v[i].kind) {
		case PML_NIL:
			for (k = 1; c->type == PML_TYPE_VEC && k < c->n_elem; k++)
				pml_buf_addch(b, delim);
			break;
		case PML_STR: csv_field(b, v[i].u.s.ptr, v[i].u.s.len, delim); break;
		case PML_VEC: {
			const unsigned char *p = (const unsigned char *)v[i].u.s.ptr;
			for (k = 0; k < c->n_elem; k++) {
				if (k)
					pml_buf_addch(b, delim);
				if (c->elem == PML_ELEM_U8) {
					pml_buf_addf(b, "%u", p[k]);
				} else {
					float f;
					memcpy(&f, p + 4 * k, 4);
					pml_render_f32(b, f);
				}
			}
			break;
		}
		default: render_scalar(b, &v[i]); break;
		}
	}
	pml_buf_addch(b, '\n');
}

void
pml_render_cell(struct pml_buf *b, const struct pml_column *c, const struct pml_value *v)
{
	switch (v->kind) {
	case PML_NIL: pml_buf_addstr(b, "NA"); break;
	case PML_STR: pml_buf_add(b, v->u.s.ptr, v->u.s.len); break;
	case PML_VEC: pml_buf_addf(b, "<%zu x %s>", c->n_elem, pml_elem_name(c->elem)); break;
	default: render_scalar(b, v); break;
	}
}

void
pml_render_header_json(struct pml_buf *b, const struct pml_header *h)
{
	struct pml_buf raw = PML_BUF_INIT;
	msgpack_zone zone;
	msgpack_object o;

	pml_header_encode(h, &raw);
	if (!msgpack_zone_init(&zone, 4096))
		pml_die("out of memory");
	if (pml_mp_decode(raw.buf, raw.len, &zone, &o) == 0)
		pml_mp_to_json(b, &o);
	msgpack_zone_destroy(&zone);
	pml_buf_release(&raw);
}

/* ---- a msgpack tree (a model's metadata) as a table for people ---- */

struct tree_rows {
	struct pml_buf text;  /* "path\0value\0" per row */
	size_t n_row, width;  /* rows, widest path */
};

static int
is_scalar(const msgpack_object *o)
{
	return o->type != MSGPACK_OBJECT_ARRAY && o->type != MSGPACK_OBJECT_MAP;
}

/* A scalar as a cell: strings as they are (control characters as '?'), numbers as in JSON. */
static void
tree_cell(struct pml_buf *b, const msgpack_object *o)
{
	uint32_t i;

	if (o->type != MSGPACK_OBJECT_STR) {
		pml_mp_to_json(b, o);
		return;
	}
	for (i = 0; i < o->via.str.size; i++) {
		unsigned char c = (unsigned char)o->via.str.ptr[i];
		pml_buf_addch(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
}

static void
tree_walk(struct tree_rows *t, struct pml_buf *path, const msgpack_object *o)
{
	size_t mark = path->len;
	uint32_t i;

	if (o->type == MSGPACK_OBJECT_MAP && o->via.map.size) {
		for (i = 0; i < o->via.map.size; i++) {
			if (path->len)
				pml_buf_addch(path, '.');
			tree_cell(path, &o->via.map.ptr[i].key);
			tree_walk(t, path, &o->via.map.ptr[i].val);
			path->len = mark;
			path->buf[mark] = '\0';
		}
		return;
	}
	if (o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size) {
		for (i = 0; i < o->via.array.size && is_scalar(&o->via.array.ptr[i]); i++)
			;
		if (i < o->via.array.size) {
			/* objects inside: one path per element, name[i] */
			for (i = 0; i < o->via.array.size; i++) {
				pml_buf_addf(path, "[%u]", i);
				tree_walk(t, path, &o->via.array.ptr[i]);
				path->len = mark;
				path->buf[mark] = '\0';
			}
			return;
		}
	}
	/* a leaf: a scalar, an empty map or array, or scalars on one line */
	if (path->len > t->width)
		t->width = path->len;
	pml_buf_add(&t->text, path->buf, path->len);
	pml_buf_addch(&t->text, '\0');
	if (o->type == MSGPACK_OBJECT_ARRAY) {
		if (!o->via.array.size)
			pml_buf_addstr(&t->text, "[]");
		for (i = 0; i < o->via.array.size; i++) {
			if (i)
				pml_buf_addstr(&t->text, ", ");
			tree_cell(&t->text, &o->via.array.ptr[i]);
		}
	} else if (o->type == MSGPACK_OBJECT_MAP) {
		pml_buf_addstr(&t->text, "{}");
	} else {
		tree_cell(&t->text, o);
	}
	pml_buf_addch(&t->text, '\0');
	t->n_row++;
}

void
pml_render_tree_table(struct pml_buf *b, const msgpack_object *o)
{
	struct tree_rows t = { PML_BUF_INIT, 0, 0 };
	struct pml_buf path;
	const char *p;
	size_t i;

	pml_buf_init(&path, 64); /* owned memory: tree_walk cuts the path back in place */
	tree_walk(&t, &path, o);
	p = t.text.buf;
	for (i = 0; i < t.n_row; i++) {
		const char *val = p + strlen(p) + 1;
		pml_buf_addf(b, "%-*s  %s\n", (int)t.width, p, val);
		p = val + strlen(val) + 1;
	}
	pml_buf_release(&path);
	pml_buf_release(&t.text);
}
