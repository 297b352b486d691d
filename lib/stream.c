/* stream.c: the pml stream (pml-stream(5)): header, records, trailer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/csv.h"
#include "pml/err.h"
#include "pml/mp.h"
#include "pml/nameidx.h"
#include "pml/source.h"
#include "pml/stream.h"

#define READ_BLOCK (256 * 1024)

/* ---- rawlist and header ---- */

void
pml_rawlist_init(struct pml_rawlist *l)
{
	l->n = 0;
	pml_buf_init(&l->bytes, 0);
}

void
pml_rawlist_release(struct pml_rawlist *l)
{
	pml_buf_release(&l->bytes);
	l->n = 0;
}

void
pml_rawlist_copy(struct pml_rawlist *dst, const struct pml_rawlist *src)
{
	pml_rawlist_init(dst);
	dst->n = src->n;
	pml_buf_add(&dst->bytes, src->bytes.buf, src->bytes.len);
}

void
pml_rawlist_add(struct pml_rawlist *l, const void *obj, size_t len)
{
	pml_buf_add(&l->bytes, obj, len);
	l->n++;
}

void
pml_header_init(struct pml_header *h)
{
	pml_schema_init(&h->schema);
	pml_rawlist_init(&h->provenance);
	pml_rawlist_init(&h->chain);
	pml_schema_init(&h->chain_input);
}

void
pml_header_release(struct pml_header *h)
{
	pml_schema_release(&h->schema);
	pml_rawlist_release(&h->provenance);
	pml_rawlist_release(&h->chain);
	pml_schema_release(&h->chain_input);
}

void
pml_header_copy(struct pml_header *dst, const struct pml_header *src)
{
	pml_schema_copy(&dst->schema, &src->schema);
	pml_rawlist_copy(&dst->provenance, &src->provenance);
	pml_rawlist_copy(&dst->chain, &src->chain);
	pml_schema_copy(&dst->chain_input, &src->chain_input);
}

void
pml_header_add_provenance(struct pml_header *h, int argc, char **argv)
{
	struct pml_buf b = PML_BUF_INIT;
	msgpack_packer pk;
	int i;

	pml_mp_packer_init_buf(&pk, &b);
	msgpack_pack_map(&pk, 3);
	pml_mp_pack_cstr(&pk, "tool");
	pml_mp_pack_cstr(&pk, pml_progname);
	pml_mp_pack_cstr(&pk, "version");
	pml_mp_pack_cstr(&pk, PML_VERSION);
	pml_mp_pack_cstr(&pk, "args");
	msgpack_pack_array(&pk, argc > 1 ? (size_t)(argc - 1) : 0);
	for (i = 1; i < argc; i++)
		pml_mp_pack_cstr(&pk, argv[i]);
	pml_rawlist_add(&h->provenance, b.buf, b.len);
	pml_buf_release(&b);
}

void
pml_header_add_step(struct pml_header *h, const struct pml_schema *input, const void *step, size_t len)
{
	if (h->chain.n == 0) {
		pml_schema_release(&h->chain_input);
		pml_schema_copy(&h->chain_input, input);
	}
	pml_rawlist_add(&h->chain, step, len);
}

static void
pack_names(msgpack_packer *pk, size_t n, char **names)
{
	size_t i;

	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++)
		pml_mp_pack_cstr(pk, names[i]);
}

void
pml_schema_pack(const struct pml_schema *s, msgpack_packer *pk)
{
	size_t i;
	int d;

	msgpack_pack_array(pk, s->n_col);
	for (i = 0; i < s->n_col; i++) {
		const struct pml_column *c = &s->col[i];
		size_t n = 3 + (c->type == PML_TYPE_VEC ? 2 : 0) + (c->n_class ? 1 : 0) +
			   (c->n_slot ? 1 : 0);
		msgpack_pack_map(pk, n);
		pml_mp_pack_cstr(pk, "name");
		pml_mp_pack_cstr(pk, c->name);
		pml_mp_pack_cstr(pk, "type");
		pml_mp_pack_cstr(pk, pml_type_name(c->type));
		pml_mp_pack_cstr(pk, "role");
		pml_mp_pack_cstr(pk, pml_role_name(c->role));
		if (c->type == PML_TYPE_VEC) {
			pml_mp_pack_cstr(pk, "elem");
			pml_mp_pack_cstr(pk, pml_elem_name(c->elem));
			pml_mp_pack_cstr(pk, "shape");
			msgpack_pack_array(pk, (size_t)c->n_dim);
			for (d = 0; d < c->n_dim; d++)
				msgpack_pack_uint32(pk, c->dim[d]);
		}
		if (c->n_class) {
			pml_mp_pack_cstr(pk, "classes");
			pack_names(pk, c->n_class, c->classes);
		}
		if (c->n_slot) {
			pml_mp_pack_cstr(pk, "slots");
			pack_names(pk, c->n_slot, c->slots);
		}
	}
}

static void
pack_rawlist(msgpack_packer *pk, struct pml_buf *b, const struct pml_rawlist *l)
{
	msgpack_pack_array(pk, l->n);
	pml_buf_add(b, l->bytes.buf, l->bytes.len);
}

void
pml_header_encode(const struct pml_header *h, struct pml_buf *b)
{
	msgpack_packer pk;

	pml_mp_packer_init_buf(&pk, b);
	msgpack_pack_map(&pk, 6);
	pml_mp_pack_cstr(&pk, "format");
	pml_mp_pack_cstr(&pk, PML_STREAM_FORMAT);
	pml_mp_pack_cstr(&pk, "version");
	msgpack_pack_uint32(&pk, PML_STREAM_VERSION);
	pml_mp_pack_cstr(&pk, "columns");
	pml_schema_pack(&h->schema, &pk);
	pml_mp_pack_cstr(&pk, "provenance");
	pack_rawlist(&pk, b, &h->provenance);
	pml_mp_pack_cstr(&pk, "chain");
	pack_rawlist(&pk, b, &h->chain);
	pml_mp_pack_cstr(&pk, "chain_input");
	pml_schema_pack(&h->chain_input, &pk);
}

static int
unpack_names(const msgpack_object *o, size_t *n_out, char ***out, const char *where,
	     const char *col, const char *what)
{
	char **names;
	uint32_t i;

	if (o->type != MSGPACK_OBJECT_ARRAY)
		return pml_error("%s: column '%s': '%s' is not an array", where, col, what);
	names = pml_xcalloc(o->via.array.size ? o->via.array.size : 1, sizeof(*names));
	for (i = 0; i < o->via.array.size; i++) {
		names[i] = pml_mp_xstrdup(&o->via.array.ptr[i]);
		if (names[i] && !pml_utf8_valid(names[i], strlen(names[i]), NULL)) {
			free(names[i]);
			names[i] = NULL;
		}
		if (!names[i]) {
			while (i--)
				free(names[i]);
			free(names);
			return pml_error("%s: column '%s': '%s' must hold strings of valid UTF-8", where,
					 col, what);
		}
	}
	*n_out = o->via.array.size;
	*out = names;
	return 0;
}

int
pml_schema_unpack(struct pml_schema *s, const msgpack_object *arr, const char *where,
		  const char *field)
{
	struct pml_nameidx names;
	uint32_t i, d;

	pml_schema_init(s);
	pml_nameidx_init(&names);
	if (!arr || arr->type != MSGPACK_OBJECT_ARRAY)
		return pml_error("%s: %s is missing or not an array", where, field);
	if (arr->via.array.size > PML_MAX_COLUMNS)
		return pml_error("%s: %u columns is over the limit of %d", where, arr->via.array.size,
				 PML_MAX_COLUMNS);
	for (i = 0; i < arr->via.array.size; i++) {
		const msgpack_object *m = &arr->via.array.ptr[i], *o;
		struct pml_column *c;
		enum pml_type t;
		char *name, *str;

		name = pml_mp_xstrdup(pml_mp_get(m, "name"));
		if (!pml_column_name_valid(name)) {
			free(name);
			pml_error("%s: column %u has no name (a non-empty string of valid UTF-8)", where, i + 1);
			goto fail;
		}
		if (pml_nameidx_get(&names, name) >= 0) {
			pml_error("%s: column name '%s' appears twice", where, name);
			free(name);
			goto fail;
		}
		str = pml_mp_xstrdup(pml_mp_get(m, "type"));
		if (!str || pml_type_parse(str, &t) < 0) {
			pml_error("%s: column '%s': unknown type '%s'", where, name, str ? str : "");
			free(str);
			free(name);
			goto fail;
		}
		free(str);
		c = pml_schema_add(s, name, t);
		free(name);
		(void)pml_nameidx_put(&names, c->name, i);
		if ((o = pml_mp_get(m, "role"))) {
			str = pml_mp_xstrdup(o);
			if (!str || pml_role_parse(str, &c->role) < 0) {
				pml_error("%s: column '%s': unknown role '%s'", where, c->name, str ? str : "");
				free(str);
				goto fail;
			}
			free(str);
		}
		if (t == PML_TYPE_VEC) {
			enum pml_elem e;
			uint32_t dim[PML_MAX_DIMS];
			const msgpack_object *shape = pml_mp_get(m, "shape");
			str = pml_mp_xstrdup(pml_mp_get(m, "elem"));
			if (!str || pml_elem_parse(str, &e) < 0) {
				pml_error("%s: column '%s': unknown element type '%s'", where, c->name,
					  str ? str : "");
				free(str);
				goto fail;
			}
			free(str);
			if (!shape || shape->type != MSGPACK_OBJECT_ARRAY || shape->via.array.size < 1 ||
			    shape->via.array.size > PML_MAX_DIMS) {
				pml_error("%s: column '%s': bad shape", where, c->name);
				goto fail;
			}
			for (d = 0; d < shape->via.array.size; d++) {
				uint64_t v;
				if (pml_mp_u64(&shape->via.array.ptr[d], &v) < 0 || v == 0 || v > UINT32_MAX) {
					pml_error("%s: column '%s': bad shape", where, c->name);
					goto fail;
				}
				dim[d] = (uint32_t)v;
			}
			if (pml_column_set_vec(c, e, (int)shape->via.array.size, dim) < 0) {
				pml_error("%s: column '%s': shape has more than %u elements", where, c->name,
					  PML_MAX_VEC_ELEMS);
				goto fail;
			}
		}
		if ((o = pml_mp_get(m, "classes")) &&
		    unpack_names(o, &c->n_class, &c->classes, where, c->name, "classes") < 0)
			goto fail;
		if ((o = pml_mp_get(m, "slots"))) {
			if (unpack_names(o, &c->n_slot, &c->slots, where, c->name, "slots") < 0)
				goto fail;
			if (c->type != PML_TYPE_VEC || c->n_slot != c->n_elem) {
				pml_error("%s: column '%s': %zu slot names for %zu elements", where, c->name,
					  c->n_slot, c->n_elem);
				goto fail;
			}
		}
	}
	pml_nameidx_release(&names);
	return 0;
fail:
	pml_nameidx_release(&names);
	pml_schema_release(s);
	return -1;
}

static int
unpack_rawlist(struct pml_rawlist *l, const msgpack_object *o, const char *where, const char *key)
{
	uint32_t i;

	pml_rawlist_init(l);
	if (!o)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return pml_error("%s: header '%s' is not an array", where, key);
	for (i = 0; i < o->via.array.size; i++) {
		size_t before = l->bytes.len;
		pml_mp_pack_object(&l->bytes, &o->via.array.ptr[i]);
		(void)before;
		l->n++;
	}
	return 0;
}

int
pml_header_decode(struct pml_header *h, const msgpack_object *map, const char *where)
{
	const msgpack_object *o;
	uint64_t version;

	pml_header_init(h);
	if (map->type != MSGPACK_OBJECT_MAP || !pml_mp_is_str(pml_mp_get(map, "format"), PML_STREAM_FORMAT))
		return pml_error("%s: not a pml stream (no header with format '%s')", where,
				 PML_STREAM_FORMAT);
	if (pml_mp_u64(pml_mp_get(map, "version"), &version) < 0)
		return pml_error("%s: stream header has no version", where);
	if (version > PML_STREAM_VERSION)
		return pml_error("%s: stream format version %llu is newer than this pml reads (%d); "
				 "upgrade pml", where, (unsigned long long)version, PML_STREAM_VERSION);
	if (pml_schema_unpack(&h->schema, pml_mp_get(map, "columns"), where, "header 'columns'") < 0)
		goto fail;
	if (unpack_rawlist(&h->provenance, pml_mp_get(map, "provenance"), where, "provenance") < 0 ||
	    unpack_rawlist(&h->chain, pml_mp_get(map, "chain"), where, "chain") < 0)
		goto fail;
	o = pml_mp_get(map, "chain_input");
	if (o && pml_schema_unpack(&h->chain_input, o, where, "header 'chain_input'") < 0)
		goto fail;
	return 0;
fail:
	pml_header_release(h);
	return -1;
}

/* ---- records ---- */

static void
pack_value(msgpack_packer *pk, const struct pml_value *v)
{
	switch (v->kind) {
	case PML_NIL: msgpack_pack_nil(pk); break;
	case PML_BOOL:
		if (v->u.b)
			msgpack_pack_true(pk);
		else
			msgpack_pack_false(pk);
		break;
	case PML_INT: msgpack_pack_int64(pk, v->u.i); break;
	case PML_FLOAT: msgpack_pack_double(pk, v->u.f); break;
	case PML_STR: pml_mp_pack_strn(pk, v->u.s.ptr, v->u.s.len); break;
	case PML_VEC: pml_mp_pack_bin(pk, v->u.s.ptr, v->u.s.len); break;
	}
}

void
pml_record_encode(struct pml_buf *b, const struct pml_schema *s, const struct pml_value *vals)
{
	msgpack_packer pk;
	size_t i;

	pml_mp_packer_init_buf(&pk, b);
	msgpack_pack_array(&pk, s->n_col);
	for (i = 0; i < s->n_col; i++)
		pack_value(&pk, &vals[i]);
}

/* ---- writer ---- */

struct pml_writer {
	struct pml_out *out;
	struct pml_schema schema;
	msgpack_packer pk;
	uint64_t count;
	size_t max_message;
	int finished;
};

static int
out_write(void *data, const char *p, size_t n)
{
	return pml_out_write(data, p, n);
}

struct pml_writer *
pml_writer_new(struct pml_out *out, const struct pml_header *h)
{
	struct pml_writer *w;
	struct pml_buf b = PML_BUF_INIT;
	size_t max = pml_max_message(0);
	char why[400];

	/* Refuse what every reader would refuse, before any record is made. */
	if (pml_schema_check_limit(&h->schema, max, why, sizeof(why)) < 0)
		return pml_error("%s: cannot write this stream: %s", out->name, why), NULL;
	pml_header_encode(h, &b);
	if (b.len > max) {
		pml_error("%s: cannot write this stream: its header takes %zu bytes, over the %zu-byte "
			  "message limit (set %s to raise it, for writers and readers)", out->name,
			  b.len, max, PML_MAX_MESSAGE_ENV);
		pml_buf_release(&b);
		return NULL;
	}
	w = pml_xcalloc(1, sizeof(*w));
	w->out = out;
	w->max_message = max;
	pml_schema_copy(&w->schema, &h->schema);
	msgpack_packer_init(&w->pk, out, out_write);
	pml_out_write(out, b.buf, b.len);
	pml_buf_release(&b);
	return w;
}

/* 0 if v may go into column i of the next record, else -1 with a message. */
static int
check_value(const struct pml_writer *w, size_t i, const struct pml_value *v)
{
	const struct pml_column *c = &w->schema.col[i];
	unsigned long long rec = (unsigned long long)w->count + 1;
	size_t want;
	int fits;

	switch (v->kind) {
	case PML_NIL: return 0;
	case PML_BOOL: fits = c->type == PML_TYPE_BOOL; break;
	case PML_INT: fits = c->type == PML_TYPE_INT; break;
	case PML_FLOAT: fits = c->type == PML_TYPE_FLOAT; break;
	case PML_STR: fits = c->type == PML_TYPE_STR; break;
	case PML_VEC: fits = c->type == PML_TYPE_VEC; break;
	default: fits = 0; break;
	}
	if (!fits)
		return pml_error("%s: record %llu, column '%s': cannot write a %s value into a %s column",
				 w->out->name, rec, c->name, pml_kind_name(v->kind),
				 pml_type_name(c->type));
	if (v->kind == PML_FLOAT && !isfinite(v->u.f))
		return pml_error("%s: record %llu, column '%s': float value %g is not finite",
				 w->out->name, rec, c->name, v->u.f);
	want = c->n_elem * pml_elem_size(c->elem);
	if (v->kind == PML_VEC && v->u.s.len != want)
		return pml_error("%s: record %llu, column '%s': vec value of %zu bytes, the column "
				 "takes %zu (%zu x %s)", w->out->name, rec, c->name, v->u.s.len, want,
				 c->n_elem, pml_elem_name(c->elem));
	return 0;
}

/* The most bytes a record takes encoded (a str at its longest header). */
static size_t
record_size(const struct pml_writer *w, const struct pml_value *vals)
{
	size_t i, n = 5;

	for (i = 0; i < w->schema.n_col; i++)
		n += vals[i].kind == PML_STR || vals[i].kind == PML_VEC ? vals[i].u.s.len + 5 : 9;
	return n;
}

static int
too_big(const struct pml_writer *w, size_t n)
{
	return pml_error("%s: record %llu takes %zu bytes, over the %zu-byte message limit that "
			 "every reader applies (set %s to raise it)", w->out->name,
			 (unsigned long long)w->count + 1, n, w->max_message, PML_MAX_MESSAGE_ENV);
}

int
pml_writer_put(struct pml_writer *w, const struct pml_value *vals)
{
	size_t i, n;

	for (i = 0; i < w->schema.n_col; i++)
		if (check_value(w, i, &vals[i]) < 0)
			return -1;
	if ((n = record_size(w, vals)) > w->max_message) {
		/* an estimate from above: count exactly before refusing */
		struct pml_buf b = PML_BUF_INIT;
		pml_record_encode(&b, &w->schema, vals);
		n = b.len;
		pml_buf_release(&b);
		if (n > w->max_message)
			return too_big(w, n);
	}
	msgpack_pack_array(&w->pk, w->schema.n_col);
	for (i = 0; i < w->schema.n_col; i++)
		pack_value(&w->pk, &vals[i]);
	w->count++;
	return w->out->err ? -1 : 0;
}

int
pml_writer_put_raw(struct pml_writer *w, const void *p, size_t len)
{
	if (len > w->max_message)
		return too_big(w, len);
	pml_out_write(w->out, p, len);
	w->count++;
	return w->out->err ? -1 : 0;
}

int
pml_writer_finish(struct pml_writer *w, const void *stats, size_t stats_len)
{
	msgpack_pack_map(&w->pk, stats && stats_len ? 2 : 1);
	pml_mp_pack_cstr(&w->pk, "records");
	msgpack_pack_uint64(&w->pk, w->count);
	if (stats && stats_len) {
		pml_mp_pack_cstr(&w->pk, "stats");
		pml_out_write(w->out, stats, stats_len);
	}
	w->finished = 1;
	return w->out->err ? -1 : 0;
}

uint64_t
pml_writer_count(const struct pml_writer *w)
{
	return w->count;
}

void
pml_writer_free(struct pml_writer *w)
{
	if (!w)
		return;
	pml_schema_release(&w->schema);
	free(w);
}

/* ---- reader ---- */

enum rstate { EXPECT_HEADER, IN_RECORDS, AFTER_TRAILER };

struct pml_reader {
	int n_path;
	char *const *paths;
	int cur;                /* index of the open file */
	struct pml_in in;
	int in_open;
	size_t max_message;
	char *buf;
	size_t pos, len, cap;
	msgpack_zone zone;
	struct pml_header header;
	int have_header;
	enum rstate state;
	int n_stream;           /* streams seen in this file */
	struct pml_value *vals;
	uint64_t rec_no;        /* records of the current file */
	uint64_t stream_count;  /* records of the current stream */
	uint64_t count;         /* records overall */
	uint64_t msg_offset;    /* file offset of the current message */
	const char *raw;
	size_t raw_len;
	struct pml_buf stats;
	char where[512];
	/* pml_reader_conform(): the input's own schema, and where each of header.schema's columns is */
	struct pml_schema own;
	long *map;
	/* text inputs (pml_reader_open_any) */
	const struct pml_source_opts *text;     /* NULL: streams only */
	struct pml_source *src;                 /* the current file, when text */
	const struct pml_value *out;            /* the record delivered */
	struct pml_buf rawrec;                  /* a text record, encoded */
};

static const char *
cur_name(const struct pml_reader *r)
{
	return r->in.name ? r->in.name : "stdin";
}

/* After a cut-short or empty stdin, the usual cause is the stage before. */
static const char *
pipe_hint(const struct pml_reader *r)
{
	return strcmp(cur_name(r), "stdin") ? "" : " (if stdin is a pipe: did the command before it fail?)";
}

static int text_header(struct pml_reader *r);

static int
open_next(struct pml_reader *r)
{
	const char *path;

	if (r->in_open) {
		pml_in_close(&r->in);
		r->in_open = 0;
	}
	pml_source_free(r->src);
	r->src = NULL;
	r->cur++;
	if (r->cur >= (r->n_path ? r->n_path : 1))
		return 0;
	path = r->n_path ? r->paths[r->cur] : "-";
	if (pml_in_open(&r->in, path) < 0)
		return -1;
	r->in_open = 1;
	r->pos = r->len = 0;
	r->rec_no = 0;
	r->n_stream = 0;
	r->msg_offset = 0;
	r->state = EXPECT_HEADER;
	if (r->text) {
		enum pml_format f;
		if (pml_format_peek(&r->in, &f) < 0)
			return -1;
		if (f != PML_FMT_STREAM && f != PML_FMT_NONE) {
			/* CSV, TSV, JSON lines or svmlight: read as pml-collect would */
			struct pml_in in = r->in;
			r->in_open = 0;
			r->src = pml_source_open_in(f, &in, path, r->text);
			if (!r->src)
				return -1;
			if (text_header(r) < 0)
				return -1;
		}
	}
	return 1;
}

/*
 * Frame the next message of the current file. 1 with *p, *n; 0 at a clean
 * end of the file (no bytes left); -1 on error.
 */
static int
next_message(struct pml_reader *r, const char **p, size_t *n)
{
	const char *why;
	size_t msg_len;
	ssize_t got;
	int rc;

	for (;;) {
		/* no buffer before the first read: nothing to frame yet (and no
		 * arithmetic on a null pointer) */
		rc = !r->buf ? 0 : pml_mp_frame(r->buf + r->pos, r->len - r->pos, r->max_message,
						PML_MP_MAX_DEPTH, &msg_len, &why);
		if (rc > 0) {
			*p = r->buf + r->pos;
			*n = msg_len;
			r->msg_offset = r->in.offset - (r->len - r->pos);
			r->pos += msg_len;
			return 1;
		}
		if (rc < 0 && strstr(why, "size limit"))
			return pml_error("%s: byte offset %llu (after record %llu): a message over the "
					 "%zu-byte message limit (%s raises it for every tool, "
					 "--max-message for one reader)", cur_name(r),
					 (unsigned long long)(r->in.offset - (r->len - r->pos)),
					 (unsigned long long)r->rec_no, r->max_message, PML_MAX_MESSAGE_ENV);
		if (rc < 0)
			return pml_error("%s: byte offset %llu (after record %llu): corrupt stream: %s",
					 cur_name(r),
					 (unsigned long long)(r->in.offset - (r->len - r->pos)),
					 (unsigned long long)r->rec_no, why);
		/* Need more bytes: compact, grow, read. */
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, r->len - r->pos);
			r->len -= r->pos;
			r->pos = 0;
		}
		if (r->cap - r->len < READ_BLOCK) {
			r->cap = r->len + READ_BLOCK;
			r->buf = pml_xrealloc(r->buf, r->cap);
		}
		got = pml_in_read(&r->in, r->buf + r->len, r->cap - r->len);
		if (got < 0)
			return -1;
		if (got == 0) {
			if (r->len == 0)
				return 0;
			return pml_error("%s: truncated stream: input ends inside a message "
					 "(%zu bytes after record %llu)%s",
					 cur_name(r), r->len, (unsigned long long)r->rec_no, pipe_hint(r));
		}
		r->len += (size_t)got;
	}
}

int
pml_value_from_mp(const struct pml_column *c, const msgpack_object *o, struct pml_value *v,
		  char *why, size_t why_len)
{
	struct pml_value in;
	char tb[64];

	/* the common case first: the value has the column's own type */
	if (c->type == PML_TYPE_FLOAT && (o->type == MSGPACK_OBJECT_FLOAT64 || o->type == MSGPACK_OBJECT_FLOAT32) &&
	    isfinite(o->via.f64)) {
		v->kind = PML_FLOAT;
		v->u.f = o->via.f64;
		return 0;
	}
	if (c->type == PML_TYPE_STR && o->type == MSGPACK_OBJECT_STR) {
		size_t k;

		/* the rule of every text reader: JSON and CSV output stay valid */
		if (!pml_utf8_valid(o->via.str.ptr, o->via.str.size, &k)) {
			snprintf(why, why_len, "%s at byte %zu of the string",
				 o->via.str.ptr[k] ? "invalid UTF-8" : "NUL byte", k + 1);
			return -1;
		}
		v->kind = PML_STR;
		v->u.s.ptr = o->via.str.ptr;
		v->u.s.len = o->via.str.size;
		return 0;
	}
	if (c->type == PML_TYPE_INT && (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER ||
					 o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) && pml_mp_i64(o, &v->u.i) == 0) {
		v->kind = PML_INT;
		return 0;
	}
	/* else the value as it is, then the one rule for reading it as c's type */
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		v->kind = PML_NIL;
		return 0;
	case MSGPACK_OBJECT_BOOLEAN:
		in.kind = PML_BOOL;
		in.u.b = o->via.boolean;
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		if (pml_mp_i64(o, &in.u.i) < 0) {
			snprintf(why, why_len, "integer out of range");
			return -1;
		}
		in.kind = PML_INT;
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		in.kind = PML_FLOAT;
		in.u.f = o->via.f64;
		break;
	case MSGPACK_OBJECT_STR:
		in.kind = PML_STR;
		in.u.s.ptr = o->via.str.ptr;
		in.u.s.len = o->via.str.size;
		break;
	case MSGPACK_OBJECT_BIN:
		in.kind = PML_VEC;
		in.u.s.ptr = o->via.bin.ptr;
		in.u.s.len = o->via.bin.size;
		break;
	default:
		snprintf(why, why_len, "expected %s, got %s", pml_column_type_str(c, tb, sizeof(tb)),
			 pml_mp_kind_name(o));
		return -1;
	}
	return pml_value_conform(c, &in, v, why, why_len);
}

static int
convert_record(struct pml_reader *r, const msgpack_object *arr)
{
	const struct pml_schema *s = &r->header.schema;
	size_t n_in = r->map ? r->own.n_col : s->n_col;
	char why[128];
	uint32_t i;

	if (arr->via.array.size != n_in)
		return pml_error("%s: record %llu: %u values for %zu columns", cur_name(r),
				 (unsigned long long)r->rec_no, arr->via.array.size, n_in);
	for (i = 0; i < s->n_col; i++) {
		long k = r->map ? r->map[i] : (long)i;
		static const msgpack_object nil = { MSGPACK_OBJECT_NIL, { 0 } };

		if (pml_value_from_mp(&s->col[i], k >= 0 ? &arr->via.array.ptr[k] : &nil, &r->vals[i],
				      why, sizeof(why)) < 0)
			return pml_error("%s: record %llu, column '%s': %s", cur_name(r),
					 (unsigned long long)r->rec_no, s->col[i].name, why);
	}
	return 0;
}

/*
 * Streams concatenate only if their fitted chains are the same steps from
 * the same columns: records scaled with other statistics would otherwise
 * train under the first stream's chain. 1 if equal, else 0 with why.
 */
static int
chains_equal(const struct pml_header *a, const struct pml_header *b, char *why, size_t why_len)
{
	char sw[200];

	if (a->chain.n != b->chain.n) {
		snprintf(why, why_len, "its fitted chain has %zu step%s, the first input's %zu",
			 b->chain.n, b->chain.n == 1 ? "" : "s", a->chain.n);
		return 0;
	}
	if (a->chain.bytes.len != b->chain.bytes.len ||
	    (a->chain.bytes.len && memcmp(a->chain.bytes.buf, b->chain.bytes.buf, a->chain.bytes.len))) {
		snprintf(why, why_len, "its fitted chain differs from the first input's (fitted on "
			 "other data or with other options; refit, or use --apply with one chain)");
		return 0;
	}
	if (a->chain.n && !pml_schema_equal(&a->chain_input, &b->chain_input, sw, sizeof(sw))) {
		snprintf(why, why_len, "its fitted chain starts from other columns: %s", sw);
		return 0;
	}
	return 1;
}

static int
use_header(struct pml_reader *r, struct pml_header h)
{
	char why[400];

	if (pml_schema_check_limit(&h.schema, r->max_message, why, sizeof(why)) < 0) {
		pml_header_release(&h);
		return pml_error("%s: %s", cur_name(r), why);
	}
	if (!r->have_header) {
		r->header = h;
		r->have_header = 1;
		r->vals = pml_xcalloc(h.schema.n_col ? h.schema.n_col : 1, sizeof(*r->vals));
	} else {
		const char *what = "schema differs from the first input's: ";
		int same = pml_schema_equal(r->map ? &r->own : &r->header.schema, &h.schema, why, sizeof(why));
		if (same && !chains_equal(&r->header, &h, why, sizeof(why))) {
			what = "cannot concatenate: ";
			same = 0;
		}
		if (!same) {
			pml_header_release(&h);
			if (r->n_stream == 1)
				return pml_error("%s: %s%s", cur_name(r), what, why);
			return pml_error("%s: stream %d: %s%s", cur_name(r), r->n_stream, what, why);
		}
		pml_header_release(&h);
	}
	r->state = IN_RECORDS;
	r->stream_count = 0;
	return 0;
}

static int
take_header(struct pml_reader *r, const msgpack_object *o)
{
	struct pml_header h;

	r->n_stream++;
	snprintf(r->where, sizeof(r->where), "%s", cur_name(r));
	if (pml_header_decode(&h, o, r->where) < 0)
		return -1;
	return use_header(r, h);
}

/* A text file's columns as a header: no provenance, no chain. */
static int
text_header(struct pml_reader *r)
{
	struct pml_header h;

	r->n_stream++;
	pml_header_init(&h);
	pml_schema_copy(&h.schema, pml_source_schema(r->src));
	return use_header(r, h);
}

/* The next record of a text file: 1, 0 at its end, -1 on error. */
static int
text_next(struct pml_reader *r)
{
	int rc = pml_source_next(r->src, &r->out);

	if (rc <= 0)
		return rc;
	r->rec_no++;
	r->count++;
	pml_buf_reset(&r->rawrec);
	pml_record_encode(&r->rawrec, &r->header.schema, r->out);
	r->raw = r->rawrec.buf;
	r->raw_len = r->rawrec.len;
	return 1;
}

/* Read messages until a record (1), the end of all input (0) or an error (-1). */
static int
advance(struct pml_reader *r)
{
	const char *p;
	size_t n;
	msgpack_object o;
	int rc;

	for (;;) {
		if (r->src) {
			rc = text_next(r);
			if (rc != 0)
				return rc;
			rc = open_next(r);
			if (rc <= 0)
				return rc;
			continue;
		}
		rc = next_message(r, &p, &n);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if (r->state == IN_RECORDS)
				return pml_error("%s: truncated stream: no trailer after record %llu%s",
						 cur_name(r), (unsigned long long)r->rec_no, pipe_hint(r));
			if (r->state == EXPECT_HEADER)
				return pml_error("%s: empty input: no stream header%s", cur_name(r), pipe_hint(r));
			rc = open_next(r);
			if (rc <= 0)
				return rc;
			continue;
		}
		if (pml_mp_is_sync_marker(p, n))
			continue;
		msgpack_zone_clear(&r->zone);
		if (pml_mp_decode(p, n, &r->zone, &o) < 0)
			return pml_error("%s: byte offset %llu: corrupt message", cur_name(r),
					 (unsigned long long)r->msg_offset);
		if (r->state == EXPECT_HEADER || (r->state == AFTER_TRAILER && o.type == MSGPACK_OBJECT_MAP &&
						  pml_mp_get(&o, "format"))) {
			if (take_header(r, &o) < 0)
				return -1;
			continue;
		}
		if (r->state == AFTER_TRAILER)
			return pml_error("%s: byte offset %llu: unexpected data after the trailer",
					 cur_name(r), (unsigned long long)r->msg_offset);
		if (o.type == MSGPACK_OBJECT_ARRAY) {
			r->rec_no++;
			r->stream_count++;
			r->count++;
			if (convert_record(r, &o) < 0)
				return -1;
			r->out = r->vals;
			r->raw = p;
			r->raw_len = n;
			return 1;
		}
		if (o.type == MSGPACK_OBJECT_MAP) {
			uint64_t want;
			const msgpack_object *st;
			if (pml_mp_u64(pml_mp_get(&o, "records"), &want) < 0)
				return pml_error("%s: byte offset %llu: a map that is not a trailer "
						 "(no 'records')", cur_name(r),
						 (unsigned long long)r->msg_offset);
			if (want != r->stream_count)
				return pml_error("%s: trailer says %llu records but the stream had %llu",
						 cur_name(r), (unsigned long long)want,
						 (unsigned long long)r->stream_count);
			pml_buf_reset(&r->stats);
			if ((st = pml_mp_get(&o, "stats")))
				pml_mp_pack_object(&r->stats, st);
			r->state = AFTER_TRAILER;
			continue;
		}
		return pml_error("%s: byte offset %llu (after record %llu): expected a record, got %s",
				 cur_name(r), (unsigned long long)r->msg_offset,
				 (unsigned long long)r->rec_no, pml_mp_kind_name(&o));
	}
}

struct pml_reader *
pml_reader_open(int n_path, char *const *paths, size_t max_message)
{
	return pml_reader_open_any(n_path, paths, max_message, NULL);
}

struct pml_reader *
pml_reader_open_any(int n_path, char *const *paths, size_t max_message,
		    const struct pml_source_opts *text)
{
	struct pml_reader *r = pml_xcalloc(1, sizeof(*r));
	const char *p;
	size_t n;
	msgpack_object o;
	int rc;

	r->text = text;
	pml_buf_init(&r->rawrec, 0);
	r->n_path = n_path;
	r->paths = paths;
	r->cur = -1;
	r->max_message = pml_max_message(max_message);
	if (!msgpack_zone_init(&r->zone, 4096))
		pml_die("out of memory");
	pml_buf_init(&r->stats, 0);
	if (open_next(r) <= 0)
		goto fail;
	if (r->src)
		return r;
	/* Read the first header now, so pml_reader_header() works at once. */
	do {
		rc = next_message(r, &p, &n);
		if (rc < 0)
			goto fail;
		if (rc == 0) {
			pml_error("%s: empty input: no stream header%s", cur_name(r), pipe_hint(r));
			goto fail;
		}
	} while (pml_mp_is_sync_marker(p, n));
	if (pml_mp_decode(p, n, &r->zone, &o) < 0) {
		pml_error("%s: corrupt stream header", cur_name(r));
		goto fail;
	}
	if (take_header(r, &o) < 0)
		goto fail;
	return r;
fail:
	pml_reader_free(r);
	return NULL;
}

const struct pml_header *
pml_reader_header(const struct pml_reader *r)
{
	return &r->header;
}

const struct pml_schema *
pml_reader_schema(const struct pml_reader *r)
{
	return &r->header.schema;
}

int
pml_reader_next(struct pml_reader *r, const struct pml_value **vals)
{
	int rc = advance(r);

	*vals = rc > 0 ? r->out : NULL;
	return rc;
}

const char *
pml_reader_file(const struct pml_reader *r)
{
	return cur_name(r);
}

uint64_t
pml_reader_record_no(const struct pml_reader *r)
{
	return r->rec_no;
}

uint64_t
pml_reader_count(const struct pml_reader *r)
{
	return r->count;
}

const void *
pml_reader_raw(const struct pml_reader *r, size_t *len)
{
	*len = r->raw_len;
	return r->raw;
}

const struct pml_buf *
pml_reader_trailer_stats(const struct pml_reader *r)
{
	return &r->stats;
}

void
pml_reader_free(struct pml_reader *r)
{
	if (!r)
		return;
	if (r->in_open)
		pml_in_close(&r->in);
	pml_source_free(r->src);
	pml_buf_release(&r->rawrec);
	if (r->have_header)
		pml_header_release(&r->header);
	msgpack_zone_destroy(&r->zone);
	pml_buf_release(&r->stats);
	free(r->vals);
	free(r->buf);
	pml_schema_release(&r->own);
	free(r->map);
	free(r);
}

int
pml_reader_conform(struct pml_reader *r, const struct pml_schema *want, const char *owner, int extra_ok)
{
	long *map = pml_xcalloc(want->n_col + 1, sizeof(*map));
	char why[512];

	if (r->map || r->count)
		PML_BUG("pml_reader_conform: called twice or after the first record");
	if (pml_schema_conform(want, &r->header.schema, owner, extra_ok, map, why, sizeof(why)) < 0) {
		free(map);
		return pml_error("%s: %s", cur_name(r), why);
	}
	r->map = map;
	r->own = r->header.schema;
	pml_schema_init(&r->header.schema);
	pml_schema_copy(&r->header.schema, want);
	free(r->vals);
	r->vals = pml_xcalloc(want->n_col + 1, sizeof(*r->vals));
	return 0;
}
