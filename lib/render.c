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
