/* u-stream.c: the stream reader and writer, framing limits, concatenation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/buf.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/mp.h"
#include "pml/stream.h"
#include "t.h"

static void
make_schema(struct pml_header *h, const char *labelname)
{
	struct pml_column *c;
	uint32_t dim[2] = { 2, 3 };
	char *classes[] = { "cat", "dog" };

	pml_header_init(h);
	pml_schema_add(&h->schema, "id", PML_TYPE_STR)->role = PML_ROLE_ID;
	pml_schema_add(&h->schema, "ok", PML_TYPE_BOOL);
	pml_schema_add(&h->schema, "n", PML_TYPE_INT);
	pml_schema_add(&h->schema, "x", PML_TYPE_FLOAT);
	c = pml_schema_add(&h->schema, "img", PML_TYPE_VEC);
	pml_column_set_vec(c, PML_ELEM_U8, 2, dim);
	c = pml_schema_add(&h->schema, "f", PML_TYPE_VEC);
	dim[0] = 3;
	pml_column_set_vec(c, PML_ELEM_F32, 1, dim);
	c = pml_schema_add(&h->schema, labelname, PML_TYPE_INT);
	c->role = PML_ROLE_LABEL;
	pml_column_set_classes(c, 2, classes);
}

static const unsigned char img[6] = { 0, 1, 2, 253, 254, 255 };
static const float fv[3] = { 0.5f, -1.25f, 3e10f };

static void
fill(struct pml_value *v, int i)
{
	memset(v, 0, 7 * sizeof(*v));
	v[0].kind = PML_STR;
	v[0].u.s.ptr = i ? "b,\"x\"" : "a";
	v[0].u.s.len = strlen(v[0].u.s.ptr);
	v[1].kind = i ? PML_NIL : PML_BOOL;
	v[1].u.b = 1;
	v[2].kind = PML_INT;
	v[2].u.i = i ? -9007199254740993LL : 7;
	v[3].kind = i ? PML_NIL : PML_FLOAT;
	v[3].u.f = 0.1;
	v[4].kind = PML_VEC;
	v[4].u.s.ptr = (const char *)img;
	v[4].u.s.len = 6;
	v[5].kind = i ? PML_NIL : PML_VEC;
	v[5].u.s.ptr = (const char *)fv;
	v[5].u.s.len = 12;
	v[6].kind = PML_INT;
	v[6].u.i = i;
}

/* Write a stream of n records to path. */
static void
write_stream(const char *path, int n, const char *labelname)
{
	struct pml_header h;
	struct pml_out out;
	struct pml_writer *w;
	struct pml_value v[7];
	int i;

	make_schema(&h, labelname);
	pml_header_add_provenance(&h, 0, NULL);
	pml_out_open(&out, path);
	w = pml_writer_new(&out, &h);
	for (i = 0; i < n; i++) {
		fill(v, i % 2);
		pml_writer_put(w, v);
	}
	pml_writer_finish(w, NULL, 0);
	pml_writer_free(w);
	pml_out_close(&out);
	pml_header_release(&h);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = malloc(1 << 20);

	*len = fread(p, 1, 1 << 20, f);
	fclose(f);
	return p;
}

static void
spit(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (n)
		fwrite(p, 1, n, f);
	fclose(f);
}

/* Read all records of path: count, or -1 on error. */
static long
read_all(const char *path)
{
	char *paths[1];
	struct pml_reader *r;
	const struct pml_value *v;
	long n = 0;
	int rc;

	paths[0] = (char *)path;
	r = pml_reader_open(1, paths, 0);
	if (!r)
		return -1;
	while ((rc = pml_reader_next(r, &v)) > 0)
		n++;
	pml_reader_free(r);
	return rc < 0 ? -1 : n;
}

static void
test_roundtrip(void)
{
	char *paths[1] = { "rt.mp" };
	struct pml_reader *r;
	const struct pml_value *v;
	const struct pml_schema *s;
	float f[3];

	write_stream("rt.mp", 3, "label");
	r = pml_reader_open(1, paths, 0);
	T_OK(r != NULL, "open round-trip stream");
	if (!r)
		return;
	s = pml_reader_schema(r);
	T_EQ_INT(s->n_col, 7, "column count");
	T_EQ_STR(s->col[4].name, "img", "vec column name");
	T_EQ_INT(s->col[4].n_elem, 6, "vec elements");
	T_EQ_INT(s->col[4].dim[1], 3, "vec shape");
	T_EQ_INT(s->col[6].role, PML_ROLE_LABEL, "label role");
	T_EQ_INT(s->col[0].role, PML_ROLE_ID, "id role");
	T_EQ_STR(s->col[6].classes[1], "dog", "class names");
	T_EQ_INT(pml_reader_header(r)->provenance.n, 1, "provenance entry");
	T_EQ_INT(pml_reader_next(r, &v), 1, "first record");
	T_OK(v[0].kind == PML_STR && v[0].u.s.len == 1 && v[0].u.s.ptr[0] == 'a', "str value");
	T_OK(v[1].kind == PML_BOOL && v[1].u.b == 1, "bool value");
	T_OK(v[2].kind == PML_INT && v[2].u.i == 7, "int value");
	T_OK(v[3].kind == PML_FLOAT && v[3].u.f == 0.1, "float value exact");
	T_OK(v[4].kind == PML_VEC && !memcmp(v[4].u.s.ptr, img, 6), "u8 vector bytes");
	pml_vec_to_f32(&s->col[5], &v[5], f);
	T_OK(f[0] == 0.5f && f[1] == -1.25f && f[2] == 3e10f, "f32 vector values");
	T_EQ_INT(pml_reader_next(r, &v), 1, "second record");
	T_OK(v[1].kind == PML_NIL && v[3].kind == PML_NIL && v[5].kind == PML_NIL, "missing values");
	T_OK(v[2].u.i == -9007199254740993LL, "int64 exact");
	T_EQ_INT(pml_reader_record_no(r), 2, "record number");
	T_EQ_INT(pml_reader_next(r, &v), 1, "third record");
	T_EQ_INT(pml_reader_next(r, &v), 0, "clean end");
	T_EQ_INT(pml_reader_count(r), 3, "count");
	pml_reader_free(r);
}

static void
test_truncation(void)
{
	size_t len, i;
	char *all;
	int caught = 0;

	write_stream("t.mp", 4, "label");
	all = slurp("t.mp", &len);
	T_EQ_INT(read_all("t.mp"), 4, "whole stream reads");
	pml_err_capture(1);
	for (i = 0; i < len; i++) {
		spit("cut.mp", all, i);
		if (read_all("cut.mp") < 0)
			caught++;
	}
	pml_err_capture(0);
	T_EQ_INT(caught, len, "every proper prefix is refused");
	spit("cut.mp", all, len - 1);
	pml_err_capture(1);
	read_all("cut.mp");
	pml_err_capture(0);
	T_OK(strstr(pml_err_last(), "truncated") != NULL, "message says truncated: %s", pml_err_last());
	free(all);
}

static void
expect_refused(const char *what, const void *p, size_t n, const char *words)
{
	long got;

	spit("bad.mp", p, n);
	pml_err_capture(1);
	got = read_all("bad.mp");
	pml_err_capture(0);
	T_OK(got < 0 && strstr(pml_err_last(), words), "%s refused (%s)", what, pml_err_last());
}

/* The same, with the whole message. */
static void
expect_message(const char *what, const void *p, size_t n, const char *msg)
{
	long got;

	spit("bad.mp", p, n);
	pml_err_capture(1);
	pml_err_clear();
	got = read_all("bad.mp");
	pml_err_capture(0);
	T_OK(got < 0 && !strcmp(pml_err_last(), msg), "%s refused (%s)", what, pml_err_last());
}

static void
test_bad(void)
{
	size_t len;
	char *all = slurp("rt.mp", &len);
	struct pml_buf b = PML_BUF_INIT;
	unsigned char huge_arr[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
	unsigned char huge_bin[] = { 0xc6, 0xff, 0xff, 0xff, 0xf0, 1, 2 };
	unsigned char deep[40];
	size_t hlen;
	const char *why;
	int i;

	expect_refused("empty input", "", 0, "empty input");
	/* header length: frame the first message */
	pml_mp_frame(all, len, 1 << 24, 16, &hlen, &why);
	pml_buf_add(&b, all, hlen);
	pml_buf_addch(&b, (char)0xc1);
	expect_refused("reserved byte 0xc1", b.buf, b.len, "0xc1");
	pml_buf_reset(&b);
	pml_buf_add(&b, all, hlen);
	pml_buf_add(&b, huge_arr, sizeof(huge_arr));
	expect_refused("array claiming 4G elements", b.buf, b.len, "limit");
	pml_buf_reset(&b);
	pml_buf_add(&b, all, hlen);
	pml_buf_add(&b, huge_bin, sizeof(huge_bin));
	expect_refused("bin claiming 4 GiB", b.buf, b.len, "limit");
	for (i = 0; i < 40; i++)
		deep[i] = 0x91;
	pml_buf_reset(&b);
	pml_buf_add(&b, all, hlen);
	pml_buf_add(&b, deep, sizeof(deep));
	expect_refused("deep nesting", b.buf, b.len, "nesting");
	pml_buf_reset(&b);
	pml_buf_add(&b, all, len);
	pml_buf_addch(&b, 0x01);
	expect_refused("garbage after trailer", b.buf, b.len, "after the trailer");
	/* a record of the wrong length: replace the trailer by [1] */
	pml_buf_reset(&b);
	pml_buf_add(&b, all, hlen);
	pml_buf_add(&b, "\x91\x01", 2);
	expect_refused("record with 1 value", b.buf, b.len, "1 values for 7 columns");
	/* not a stream at all */
	expect_refused("a JSON file", "{\"a\":1}\n", 8, "");
	/* trailer with a wrong count */
	pml_buf_reset(&b);
	pml_buf_add(&b, all, hlen);
	pml_buf_add(&b, "\x81\xa7records\x05", 10);
	expect_refused("trailer count mismatch", b.buf, b.len, "trailer says 5");
	pml_buf_release(&b);
	free(all);
}

static void
test_types(void)
{
	struct pml_header h;
	struct pml_buf b = PML_BUF_INIT;
	msgpack_packer pk;

	/* a stream whose header says int, and records carry a str / a NaN float */
	pml_header_init(&h);
	pml_schema_add(&h.schema, "a", PML_TYPE_INT);
	pml_schema_add(&h.schema, "x", PML_TYPE_FLOAT);
	pml_header_encode(&h, &b);
	pml_mp_packer_init_buf(&pk, &b);
	msgpack_pack_array(&pk, 2);
	pml_mp_pack_cstr(&pk, "seven");
	msgpack_pack_double(&pk, 1.0);
	expect_refused("str in an int column", b.buf, b.len, "record 1, column 'a': expected int, got str");
	pml_buf_reset(&b);
	pml_header_encode(&h, &b);
	msgpack_pack_array(&pk, 2);
	msgpack_pack_int(&pk, 1);
	msgpack_pack_double(&pk, 0.0 / 0.0);
	expect_refused("NaN float", b.buf, b.len, "column 'x': value is not finite");
	pml_buf_release(&b);
	pml_header_release(&h);
}

static void
test_concat(void)
{
	size_t la, lb;
	char *a, *bb;
	struct pml_buf b = PML_BUF_INIT;
	char *paths[2] = { "a.mp", "b.mp" };
	struct pml_reader *r;
	const struct pml_value *v;
	long n = 0;
	int rc = 0;
	unsigned char sync[] = { 0xd6, 0x7f, 'P', 'M', 'L', 'S' };

	write_stream("a.mp", 2, "label");
	write_stream("b.mp", 3, "label");
	a = slurp("a.mp", &la);
	bb = slurp("b.mp", &lb);
	pml_buf_add(&b, a, la);
	pml_buf_add(&b, sync, sizeof(sync));
	pml_buf_add(&b, bb, lb);
	spit("ab.mp", b.buf, b.len);
	T_EQ_INT(read_all("ab.mp"), 5, "two concatenated streams with a sync marker read as one");
	r = pml_reader_open(2, paths, 0);
	while (r && (rc = pml_reader_next(r, &v)) > 0)
		n++;
	T_EQ_INT(n, 5, "two files read as one");
	pml_reader_free(r);
	write_stream("c.mp", 1, "kind");
	paths[1] = "c.mp";
	pml_err_capture(1);
	r = pml_reader_open(2, paths, 0);
	n = 0;
	while (r && (rc = pml_reader_next(r, &v)) > 0)
		n++;
	pml_err_capture(0);
	T_OK(rc < 0 && strstr(pml_err_last(), "schema differs"), "different schema refused: %s",
	     pml_err_last());
	pml_reader_free(r);
	pml_buf_release(&b);
	free(a);
	free(bb);
}

static void
test_frame(void)
{
	const char *why;
	size_t n;
	unsigned char m[] = { 0x92, 0x01, 0xa2, 'h', 'i' };

	T_EQ_INT(pml_mp_frame(m, 5, 1024, 16, &n, &why), 1, "frame complete");
	T_EQ_INT(n, 5, "frame length");
	T_EQ_INT(pml_mp_frame(m, 4, 1024, 16, &n, &why), 0, "frame needs more");
	T_EQ_INT(pml_mp_frame(m, 5, 4, 16, &n, &why), -1, "frame over limit");
	T_EQ_INT(pml_crc32c(0, "123456789", 9), 0xe3069283, "crc32c check value");
}

/* A header whose single column map is given as raw packing steps. */
enum hk { H_OK, H_NO_COLUMNS, H_NO_NAME, H_DUP, H_TYPE, H_ROLE, H_ELEM, H_SHAPE, H_SHAPE0,
	  H_HUGE, H_CLASSES, H_CLASSES_INT, H_CLASSES_MIXED, H_SLOTS, H_SLOTS_STR, H_NEWER,
	  H_NO_VERSION, H_CHAIN, H_CHAIN_INPUT, H_CHAIN_INPUT_STR };

static void
pack_header(struct pml_buf *b, enum hk k)
{
	msgpack_packer pk;
	int n_col = k == H_DUP ? 2 : 1, i;

	pml_mp_packer_init_buf(&pk, b);
	msgpack_pack_map(&pk, k == H_NO_VERSION ? 2 : k == H_CHAIN || k == H_CHAIN_INPUT ||
			      k == H_CHAIN_INPUT_STR ? 4 : 3);
	pml_mp_pack_cstr(&pk, "format");
	pml_mp_pack_cstr(&pk, "pml-stream");
	if (k != H_NO_VERSION) {
		pml_mp_pack_cstr(&pk, "version");
		msgpack_pack_uint32(&pk, k == H_NEWER ? 9 : 1);
	}
	if (k == H_CHAIN) {
		pml_mp_pack_cstr(&pk, "chain");
		msgpack_pack_int(&pk, 5);
	}
	if (k == H_CHAIN_INPUT) {
		/* the chain's input schema: one column without a name */
		pml_mp_pack_cstr(&pk, "chain_input");
		msgpack_pack_array(&pk, 1);
		msgpack_pack_map(&pk, 1);
		pml_mp_pack_cstr(&pk, "type");
		pml_mp_pack_cstr(&pk, "int");
	}
	if (k == H_CHAIN_INPUT_STR) {
		pml_mp_pack_cstr(&pk, "chain_input");
		pml_mp_pack_cstr(&pk, "a");
	}
	pml_mp_pack_cstr(&pk, "columns");
	if (k == H_NO_COLUMNS) {
		pml_mp_pack_cstr(&pk, "none");
		return;
	}
	msgpack_pack_array(&pk, n_col);
	for (i = 0; i < n_col; i++) {
		int vec = k == H_ELEM || k == H_SHAPE || k == H_SHAPE0 || k == H_HUGE || k == H_SLOTS ||
			  k == H_SLOTS_STR;
		int classes = k == H_CLASSES || k == H_CLASSES_INT || k == H_CLASSES_MIXED;
		msgpack_pack_map(&pk, (k == H_NO_NAME ? 1 : 2) + (vec ? 2 : 0) + (k == H_ROLE) +
				 (classes || k == H_SLOTS || k == H_SLOTS_STR));
		if (k != H_NO_NAME) {
			pml_mp_pack_cstr(&pk, "name");
			pml_mp_pack_cstr(&pk, "a");
		}
		pml_mp_pack_cstr(&pk, "type");
		pml_mp_pack_cstr(&pk, k == H_TYPE ? "complex" : vec ? "vec" : "int");
		if (k == H_ROLE) {
			pml_mp_pack_cstr(&pk, "role");
			pml_mp_pack_cstr(&pk, "boss");
		}
		if (vec) {
			pml_mp_pack_cstr(&pk, "elem");
			pml_mp_pack_cstr(&pk, k == H_ELEM ? "f64" : "u8");
			pml_mp_pack_cstr(&pk, "shape");
			if (k == H_SHAPE) {
				pml_mp_pack_cstr(&pk, "2x2");
			} else {
				msgpack_pack_array(&pk, 2);
				msgpack_pack_uint32(&pk, k == H_SHAPE0 ? 0 : k == H_HUGE ? 65536 : 2);
				msgpack_pack_uint32(&pk, k == H_HUGE ? 65536 : 2);
			}
		}
		if (classes) {
			pml_mp_pack_cstr(&pk, "classes");
			if (k == H_CLASSES) {
				pml_mp_pack_cstr(&pk, "x");
			} else if (k == H_CLASSES_INT) {
				msgpack_pack_array(&pk, 1);
				msgpack_pack_int(&pk, 3);
			} else {
				/* two names, then a number: the names read so far are freed */
				msgpack_pack_array(&pk, 3);
				pml_mp_pack_cstr(&pk, "cat");
				pml_mp_pack_cstr(&pk, "dog");
				msgpack_pack_int(&pk, 3);
			}
		}
		if (k == H_SLOTS) {
			pml_mp_pack_cstr(&pk, "slots");
			msgpack_pack_array(&pk, 1);
			pml_mp_pack_cstr(&pk, "s");
		}
		if (k == H_SLOTS_STR) {
			pml_mp_pack_cstr(&pk, "slots");
			pml_mp_pack_cstr(&pk, "s0,s1,s2,s3");
		}
	}
}

static void
test_headers(void)
{
	static const struct {
		enum hk k;
		const char *words;
	} bad[] = {
		{ H_NO_COLUMNS, "'columns' is missing or not an array" },
		{ H_NO_NAME, "column 1 has no name" },
		{ H_DUP, "column name 'a' appears twice" },
		{ H_TYPE, "unknown type 'complex'" },
		{ H_ROLE, "unknown role 'boss'" },
		{ H_ELEM, "unknown element type 'f64'" },
		{ H_SHAPE, "bad shape" },
		{ H_SHAPE0, "bad shape" },
		{ H_HUGE, "shape has more than" },
		{ H_CLASSES, "'classes' is not an array" },
		{ H_CLASSES_INT, "'classes' must hold strings" },
		{ H_CLASSES_MIXED, "bad.mp: column 'a': 'classes' must hold strings" },
		{ H_SLOTS, "1 slot names for 4 elements" },
		{ H_SLOTS_STR, "bad.mp: column 'a': 'slots' is not an array" },
		{ H_NEWER, "version 9 is newer" },
		{ H_NO_VERSION, "no version" },
		{ H_CHAIN, "'chain' is not an array" },
		{ H_CHAIN_INPUT, "bad.mp: column 1 has no name" },
	};
	struct pml_buf b = PML_BUF_INIT;
	msgpack_packer pk;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pml_buf_reset(&b);
		pack_header(&b, bad[i].k);
		expect_refused("bad header", b.buf, b.len, bad[i].words);
	}
	pml_buf_reset(&b);
	pack_header(&b, H_NO_COLUMNS);
	expect_message("a header whose 'columns' is a str", b.buf, b.len,
		       "bad.mp: header 'columns' is missing or not an array");
	pml_buf_reset(&b);
	pack_header(&b, H_CHAIN_INPUT_STR);
	expect_message("a header whose 'chain_input' is a str", b.buf, b.len,
		       "bad.mp: header 'chain_input' is missing or not an array");
	/* good header, then records of the wrong kinds */
	pml_buf_reset(&b);
	pack_header(&b, H_OK);
	pml_mp_packer_init_buf(&pk, &b);
	msgpack_pack_array(&pk, 1);
	msgpack_pack_uint64(&pk, UINT64_MAX);
	expect_refused("int beyond int64", b.buf, b.len, "integer out of range");
	pml_buf_reset(&b);
	pack_header(&b, H_OK);
	pml_mp_pack_cstr(&pk, "stray");
	expect_refused("a str between records", b.buf, b.len, "expected a record, got str");
	pml_buf_reset(&b);
	pack_header(&b, H_OK);
	msgpack_pack_array(&pk, 1);
	msgpack_pack_true(&pk);
	expect_refused("bool in an int column", b.buf, b.len, "expected int, got bool");
	pml_buf_reset(&b);
	pack_header(&b, H_OK);
	msgpack_pack_map(&pk, 1);
	pml_mp_pack_cstr(&pk, "x");
	msgpack_pack_int(&pk, 1);
	expect_refused("a map that is not a trailer", b.buf, b.len, "not a trailer");
	pml_buf_release(&b);
}

static void
test_vec_kinds(void)
{
	struct pml_header h;
	struct pml_buf b = PML_BUF_INIT;
	msgpack_packer pk;
	uint32_t dim[1] = { 3 };
	unsigned char three[3] = { 1, 2, 3 };

	pml_header_init(&h);
	pml_column_set_vec(pml_schema_add(&h.schema, "v", PML_TYPE_VEC), PML_ELEM_U8, 1, dim);
	pml_schema_add(&h.schema, "s", PML_TYPE_STR);
	pml_schema_add(&h.schema, "f", PML_TYPE_FLOAT);
	pml_schema_add(&h.schema, "b", PML_TYPE_BOOL);
	pml_header_encode(&h, &b);
	pml_mp_packer_init_buf(&pk, &b);
	msgpack_pack_array(&pk, 4);
	pml_mp_pack_bin(&pk, three, 2);
	msgpack_pack_nil(&pk);
	msgpack_pack_nil(&pk);
	msgpack_pack_nil(&pk);
	expect_refused("vector of the wrong length", b.buf, b.len, "vector of 2 bytes, expected 3");
	pml_buf_reset(&b);
	pml_header_encode(&h, &b);
	msgpack_pack_array(&pk, 4);
	pml_mp_pack_bin(&pk, three, 3);
	msgpack_pack_int(&pk, 1);
	msgpack_pack_nil(&pk);
	msgpack_pack_nil(&pk);
	expect_refused("int in a str column", b.buf, b.len, "column 's': expected str, got int");
	pml_buf_reset(&b);
	pml_header_encode(&h, &b);
	msgpack_pack_array(&pk, 4);
	pml_mp_pack_cstr(&pk, "x");
	msgpack_pack_nil(&pk);
	msgpack_pack_nil(&pk);
	msgpack_pack_nil(&pk);
	expect_refused("str in a vec column", b.buf, b.len, "column 'v': expected vec u8[3], got str");
	pml_buf_reset(&b);
	pml_header_encode(&h, &b);
	msgpack_pack_array(&pk, 4);
	pml_mp_pack_bin(&pk, three, 3);
	pml_mp_pack_cstr(&pk, "x");
	pml_mp_pack_cstr(&pk, "y");
	msgpack_pack_nil(&pk);
	expect_refused("str in a float column", b.buf, b.len, "column 'f': expected float, got str");
	pml_buf_reset(&b);
	pml_header_encode(&h, &b);
	msgpack_pack_array(&pk, 4);
	pml_mp_pack_bin(&pk, three, 3);
	pml_mp_pack_cstr(&pk, "x");
	msgpack_pack_int(&pk, 2);
	msgpack_pack_int(&pk, 2);
	expect_refused("int 2 in a bool column", b.buf, b.len, "column 'b': expected bool, got 2: not 0 or 1");
	pml_buf_release(&b);
	pml_header_release(&h);
}

/* A header with more columns than PML_MAX_COLUMNS is refused before any column is read. */
static void
test_too_many_columns(void)
{
	struct pml_buf b = PML_BUF_INIT;
	msgpack_packer pk;
	uint32_t i;

	pml_mp_packer_init_buf(&pk, &b);
	msgpack_pack_map(&pk, 3);
	pml_mp_pack_cstr(&pk, "format");
	pml_mp_pack_cstr(&pk, "pml-stream");
	pml_mp_pack_cstr(&pk, "version");
	msgpack_pack_uint32(&pk, 1);
	pml_mp_pack_cstr(&pk, "columns");
	msgpack_pack_array(&pk, PML_MAX_COLUMNS + 1);
	for (i = 0; i < PML_MAX_COLUMNS + 1; i++)
		msgpack_pack_nil(&pk);
	expect_refused("100001 columns", b.buf, b.len, "bad.mp: 100001 columns is over the limit of 100000");
	pml_buf_release(&b);
}

/* The writer checks each value against its column before writing anything. */
static void
test_writer_refuses(void)
{
	struct pml_header h;
	struct pml_out out;
	struct pml_writer *w;
	struct pml_value v[3];
	uint32_t dim[1] = { 2 };
	float x[2] = { 1, 2 };
	int rc;

	pml_header_init(&h);
	pml_schema_add(&h.schema, "n", PML_TYPE_INT);
	pml_schema_add(&h.schema, "x", PML_TYPE_FLOAT);
	pml_column_set_vec(pml_schema_add(&h.schema, "v", PML_TYPE_VEC), PML_ELEM_F32, 1, dim);
	pml_out_open(&out, "w.mp");
	w = pml_writer_new(&out, &h);
	memset(v, 0, sizeof(v));
	v[0].kind = PML_STR;
	v[0].u.s.ptr = "7";
	v[0].u.s.len = 1;
	pml_err_capture(1);
	rc = pml_writer_put(w, v);
	T_OK(rc < 0 && !strcmp(pml_err_last(),
			       "w.mp: record 1, column 'n': cannot write a str value into a int column"),
	     "writer: str into an int column refused: %s", pml_err_last());
	v[0].kind = PML_INT;
	v[0].u.i = 7;
	v[1].kind = PML_FLOAT;
	v[1].u.f = INFINITY;
	v[2].kind = PML_VEC;
	v[2].u.s.ptr = (const char *)x;
	v[2].u.s.len = sizeof(x);
	rc = pml_writer_put(w, v);
	T_OK(rc < 0 && !strcmp(pml_err_last(),
			       "w.mp: record 1, column 'x': float value inf is not finite"),
	     "writer: an infinite float refused: %s", pml_err_last());
	v[1].u.f = -INFINITY;
	rc = pml_writer_put(w, v);
	T_OK(rc < 0 && !strcmp(pml_err_last(),
			       "w.mp: record 1, column 'x': float value -inf is not finite"),
	     "writer: a negative infinite float refused: %s", pml_err_last());
	v[1].u.f = -2.5;
	v[2].u.s.len = 4;
	rc = pml_writer_put(w, v);
	T_OK(rc < 0 && !strcmp(pml_err_last(), "w.mp: record 1, column 'v': vec value of 4 bytes, "
			       "the column takes 8 (2 x f32)"),
	     "writer: a vec of the wrong size refused: %s", pml_err_last());
	pml_err_capture(0);
	v[2].u.s.len = sizeof(x);
	T_EQ_INT(pml_writer_put(w, v), 0, "writer: a good record after refused ones");
	pml_err_capture(1);
	v[1].u.f = NAN;
	rc = pml_writer_put(w, v);
	T_OK(rc < 0 && !strcmp(pml_err_last(),
			       "w.mp: record 2, column 'x': float value nan is not finite"),
	     "writer: a NaN refused, in record 2: %s", pml_err_last());
	pml_err_capture(0);
	T_EQ_INT(pml_writer_count(w), 1, "writer: refused records are not counted");
	pml_writer_finish(w, NULL, 0);
	pml_writer_free(w);
	T_EQ_INT(pml_out_close(&out), 0, "writer: output closed");
	T_EQ_INT(read_all("w.mp"), 1, "the stream holds the one good record");
	pml_header_release(&h);
	unlink("w.mp");
}

/* An empty file after a complete stream: named, with nothing lost silently. */
static void
test_empty_second_file(void)
{
	char *paths[2] = { "rt.mp", "empty.mp" };
	struct pml_reader *r;
	const struct pml_value *v;
	long n = 0;
	int rc = 0;

	spit("empty.mp", "", 0);
	pml_err_capture(1);
	r = pml_reader_open(2, paths, 0);
	while (r && (rc = pml_reader_next(r, &v)) > 0)
		n++;
	pml_err_capture(0);
	T_OK(r && n == 3 && rc < 0 && !strcmp(pml_err_last(), "empty.mp: empty input: no stream header"),
	     "an empty second file is refused after the first one's 3 records: %s", pml_err_last());
	pml_reader_free(r);
	unlink("empty.mp");
}

int
main(void)
{
	test_frame();
	test_roundtrip();
	test_truncation();
	test_bad();
	test_types();
	test_concat();
	test_headers();
	test_vec_kinds();
	test_too_many_columns();
	test_writer_refuses();
	test_empty_second_file();
	return t_done();
}
