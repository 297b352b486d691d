/* u-transform: compile and apply chain steps on hand-made records. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/err.h"
#include "pml/mp.h"
#include "pml/rng.h"
#include "pml/stream.h"
#include "pml/transform.h"
#include "../../lib/transform-int.h"
#include "t.h"

/* Steps are written in a tiny notation: a JSON-ish list packed by hand. */
static struct pml_buf sb;
static msgpack_packer pk;

static void
beg(const char *op, size_t n)
{
	pml_buf_reset(&sb);
	pml_mp_packer_init_buf(&pk, &sb);
	msgpack_pack_map(&pk, n + 1);
	pml_mp_pack_cstr(&pk, "op");
	pml_mp_pack_cstr(&pk, op);
}

static void
kstr(const char *k, const char *v)
{
	pml_mp_pack_cstr(&pk, k);
	pml_mp_pack_cstr(&pk, v);
}

static void
knum(const char *k, double v)
{
	pml_mp_pack_cstr(&pk, k);
	msgpack_pack_double(&pk, v);
}

static void
klist(const char *k, int n, ...)
{
	va_list ap;
	int i;

	pml_mp_pack_cstr(&pk, k);
	msgpack_pack_array(&pk, (size_t)n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		pml_mp_pack_cstr(&pk, va_arg(ap, const char *));
	va_end(ap);
}

static void
end(struct pml_rawlist *l)
{
	pml_rawlist_add(l, sb.buf, sb.len);
}

static void
schema(struct pml_schema *s)
{
	uint32_t d[2] = { 2, 2 };

	pml_schema_init(s);
	pml_schema_add(s, "id", PML_TYPE_INT)->role = PML_ROLE_ID;
	pml_schema_add(s, "x", PML_TYPE_FLOAT);
	pml_schema_add(s, "n", PML_TYPE_INT);
	pml_schema_add(s, "cat", PML_TYPE_STR);
	pml_schema_add(s, "y", PML_TYPE_STR)->role = PML_ROLE_LABEL;
	pml_column_set_vec(pml_schema_add(s, "v", PML_TYPE_VEC), PML_ELEM_U8, 2, d);
}

static const unsigned char pix[4] = { 0, 51, 255, 102 };

static void
record(struct pml_value *v, double x, int64_t n, const char *cat, const char *y)
{
	memset(v, 0, 6 * sizeof(*v));
	v[0].kind = PML_INT;
	v[0].u.i = 7;
	if (!isnan(x)) {
		v[1].kind = PML_FLOAT;
		v[1].u.f = x;
	}
	v[2].kind = PML_INT;
	v[2].u.i = n;
	if (cat) {
		v[3].kind = PML_STR;
		v[3].u.s.ptr = cat;
		v[3].u.s.len = strlen(cat);
	}
	if (y) {
		v[4].kind = PML_STR;
		v[4].u.s.ptr = y;
		v[4].u.s.len = strlen(y);
	}
	v[5].kind = PML_VEC;
	v[5].u.s.ptr = (const char *)pix;
	v[5].u.s.len = 4;
}

static float
f32at(const struct pml_value *v, size_t i)
{
	float f;

	memcpy(&f, v->u.s.ptr + i * 4, 4);
	return f;
}

static void
test_full_chain(void)
{
	struct pml_schema s;
	struct pml_rawlist l;
	struct pml_chain *c;
	struct pml_value in[6];
	const struct pml_value *out;
	const struct pml_schema *os;
	const struct pml_column *fc;
	int rc;

	schema(&s);
	pml_rawlist_init(&l);
	beg("fill", 2); kstr("column", "x"); knum("value", 2.5); end(&l);
	beg("fences", 4); kstr("column", "n"); kstr("action", "clip"); knum("lo", 0.5); knum("hi", 10); end(&l);
	beg("scale", 4); kstr("column", "x"); kstr("method", "standard"); knum("sub", 3); knum("div", 2); end(&l);
	beg("onehot", 3); kstr("column", "cat"); klist("categories", 2, "a", "b"); kstr("unseen", "zeros"); end(&l);
	beg("label", 2); kstr("column", "y"); klist("classes", 2, "no", "yes"); end(&l);
	beg("scale", 4); kstr("column", "v"); kstr("method", "factor"); knum("sub", 0); knum("div", 255); end(&l);
	beg("assemble", 2); klist("columns", 4, "x", "n", "cat", "v"); kstr("name", "features"); end(&l);
	c = pml_chain_new(&l, &s, PML_CHAIN_SERVE);
	T_OK(c != NULL, "chain of 7 steps compiles");
	if (!c)
		return;
	os = pml_chain_output(c);
	T_EQ_INT(os->n_col, 3, "output: features, id, y");
	fc = &os->col[0];
	T_EQ_STR(fc->name, "features", "first column is features");
	T_OK(fc->type == PML_TYPE_VEC && fc->elem == PML_ELEM_F32 && fc->n_elem == 8, "features is f32[8]");
	T_OK(fc->n_slot == 8, "8 slot names");
	if (fc->n_slot == 8) {
		T_EQ_STR(fc->slots[0], "x", "slot 0");
		T_EQ_STR(fc->slots[2], "cat=a", "slot 2");
		T_EQ_STR(fc->slots[3], "cat=b", "slot 3");
		T_EQ_STR(fc->slots[5], "v[0,1]", "slot 5");
		T_EQ_STR(fc->slots[7], "v[1,1]", "slot 7");
	}
	T_EQ_STR(os->col[1].name, "id", "id passes through");
	T_OK(os->col[2].role == PML_ROLE_LABEL && os->col[2].type == PML_TYPE_INT && os->col[2].n_class == 2,
	     "label is int with 2 classes");
	record(in, NAN, -4, "b", "yes");
	rc = pml_chain_apply(c, in, &out);
	T_EQ_INT(rc, 1, "apply");
	if (rc == 1) {
		T_OK(f32at(&out[0], 0) == (float)((2.5 - 3) / 2.0), "x filled 2.5 then (2.5-3)/2");
		T_OK(f32at(&out[0], 1) == 1, "n -4 clipped to ceil(0.5) = 1");
		T_OK(f32at(&out[0], 2) == 0 && f32at(&out[0], 3) == 1, "cat b one-hot");
		T_OK(f32at(&out[0], 4) == 0 && f32at(&out[0], 5) == (float)(51 / 255.0) &&
		     f32at(&out[0], 6) == 1, "pixels / 255");
		T_OK(out[1].kind == PML_INT && out[1].u.i == 7, "id 7");
		T_OK(out[2].kind == PML_INT && out[2].u.i == 1, "label yes -> 1");
	}
	record(in, 7, 50, "zzz", "no");
	rc = pml_chain_apply(c, in, &out);
	T_EQ_INT(rc, 1, "unseen category with zeros policy");
	if (rc == 1) {
		T_OK(f32at(&out[0], 0) == 2, "x (7-3)/2 = 2");
		T_OK(f32at(&out[0], 1) == 10, "n 50 clipped to 10");
		T_OK(f32at(&out[0], 2) == 0 && f32at(&out[0], 3) == 0, "unseen: all zeros");
	}
	{
		uint64_t ch, dr;
		pml_chain_step_counts(c, 3, &ch, &dr);
		T_EQ_INT(ch, 1, "one unseen counted");
		pml_chain_step_counts(c, 0, &ch, &dr);
		T_EQ_INT(ch, 1, "one fill counted");
	}
	record(in, 1, 1, "a", "maybe");
	rc = pml_chain_apply(c, in, &out);
	T_EQ_INT(rc, -1, "unseen label is an error");
	T_EQ_STR(pml_chain_error(c), "column 'y': label 'maybe' unseen at fit time", "label error names column");
	pml_chain_free(c);
	pml_rawlist_release(&l);
	pml_schema_release(&s);
}

static void
test_filters(void)
{
	struct pml_schema s;
	struct pml_rawlist l;
	struct pml_chain *f, *v;
	struct pml_value in[6];
	const struct pml_value *out;

	schema(&s);
	pml_rawlist_init(&l);
	beg("drop_missing", 1); klist("columns", 1, "x"); end(&l);
	beg("fences", 4); kstr("column", "n"); kstr("action", "drop"); knum("lo", 0); knum("hi", 10); end(&l);
	beg("dedup", 1); klist("columns", 0); end(&l);
	f = pml_chain_new(&l, &s, PML_CHAIN_FILTER);
	v = pml_chain_new(&l, &s, PML_CHAIN_SERVE);
	T_OK(f && v, "filter chains compile");
	if (!f || !v)
		return;
	record(in, NAN, 3, "a", "no");
	T_EQ_INT(pml_chain_apply(f, in, &out), 0, "filter mode drops a missing x");
	T_EQ_INT(pml_chain_apply(v, in, &out), -1, "serve mode: error instead");
	T_EQ_STR(pml_chain_error(v), "column 'x': missing value (the chain drops such records)", "serve message");
	record(in, 1, 11, "a", "no");
	T_EQ_INT(pml_chain_apply(f, in, &out), 0, "filter mode drops an outlier");
	T_EQ_INT(pml_chain_apply(v, in, &out), -1, "serve mode: outlier is an error");
	T_OK(strstr(pml_chain_error(v), "column 'n': 11 outside the fitted fences") != NULL, "fence message");
	record(in, 1, 10, "a", "no");
	T_EQ_INT(pml_chain_apply(f, in, &out), 1, "value on the fence is kept");
	T_EQ_INT(pml_chain_apply(f, in, &out), 1, "dedup is identity at apply time");
	pml_chain_free(f);
	pml_chain_free(v);
	pml_rawlist_release(&l);
	pml_schema_release(&s);
}

static void
test_onehot_other_and_error(void)
{
	struct pml_schema s;
	struct pml_rawlist l, l2;
	struct pml_chain *c;
	struct pml_value in[6];
	const struct pml_value *out;

	schema(&s);
	pml_rawlist_init(&l);
	beg("onehot", 3); kstr("column", "cat"); klist("categories", 2, "a", "__other__"); kstr("unseen", "error"); end(&l);
	c = pml_chain_new(&l, &s, PML_CHAIN_SERVE);
	T_OK(c != NULL, "onehot with __other__");
	record(in, 1, 1, "rare", "no");
	T_EQ_INT(pml_chain_apply(c, in, &out), 1, "anything else goes to __other__");
	T_OK(f32at(&out[3], 0) == 0 && f32at(&out[3], 1) == 1, "__other__ slot set");
	record(in, 1, 1, NULL, "no");
	T_EQ_INT(pml_chain_apply(c, in, &out), 1, "missing category");
	T_OK(f32at(&out[3], 0) == 0 && f32at(&out[3], 1) == 0, "missing: all zeros");
	pml_chain_free(c);
	pml_rawlist_init(&l2);
	beg("onehot", 3); kstr("column", "cat"); klist("categories", 1, "a"); kstr("unseen", "error"); end(&l2);
	c = pml_chain_new(&l2, &s, PML_CHAIN_FILTER);
	record(in, 1, 1, "b", "no");
	T_EQ_INT(pml_chain_apply(c, in, &out), -1, "unseen with error policy");
	T_EQ_STR(pml_chain_error(c), "column 'cat': category 'b' unseen at fit time", "unseen message");
	pml_chain_free(c);
	pml_rawlist_release(&l2);
	pml_rawlist_init(&l2);
	beg("onehot", 3); kstr("column", "cat"); klist("categories", 0); kstr("unseen", "zeros"); end(&l2);
	c = pml_chain_new(&l2, &s, PML_CHAIN_FILTER);
	T_OK(c && pml_chain_output(c)->n_col == 5, "no categories at fit time: the column goes away");
	pml_chain_free(c);
	pml_rawlist_release(&l);
	pml_rawlist_release(&l2);
	pml_schema_release(&s);
}

static void
test_text(void)
{
	struct pml_schema s;
	struct pml_rawlist l;
	struct pml_chain *c;
	struct pml_value in[6];
	const struct pml_value *out;
	float sum = 0, mx = 0;
	size_t i;

	schema(&s);
	pml_rawlist_init(&l);
	beg("text", 4); kstr("column", "cat"); knum("slots", 16); pml_mp_pack_cstr(&pk, "bigrams");
	msgpack_pack_true(&pk); kstr("weight", "count"); end(&l);
	c = pml_chain_new(&l, &s, PML_CHAIN_SERVE);
	T_OK(c != NULL, "text step compiles");
	if (!c)
		return;
	T_EQ_STR(pml_chain_output(c)->col[3].slots[15], "cat#15", "slot names");
	record(in, 1, 1, "Hello, hello WORLD!", "no");
	T_EQ_INT(pml_chain_apply(c, in, &out), 1, "hash text");
	for (i = 0; i < 16; i++) {
		float f = f32at(&out[3], i);
		sum += f;
		if (f > mx)
			mx = f;
	}
	T_OK(sum == 5, "3 words + 2 bigrams (got %g)", sum);
	T_OK(mx >= 2, "'hello' twice in one slot");
	T_OK(f32at(&out[3], pml_hash64("hello", 5, 0) % 16) >= 2, "slot of 'hello' is hash64 mod slots");
	record(in, 1, 1, NULL, "no");
	T_EQ_INT(pml_chain_apply(c, in, &out), 1, "missing text");
	for (i = 0, sum = 0; i < 16; i++)
		sum += f32at(&out[3], i);
	T_OK(sum == 0, "missing text: zeros");
	pml_chain_free(c);
	pml_rawlist_release(&l);
	pml_schema_release(&s);
}

static void
test_columns_and_cast(void)
{
	struct pml_schema s;
	struct pml_rawlist l;
	struct pml_chain *c;
	struct pml_value in[6];
	const struct pml_value *out;
	const struct pml_schema *os;

	schema(&s);
	pml_rawlist_init(&l);
	beg("select", 1); klist("columns", 3, "cat", "x", "n"); end(&l);
	beg("rename", 2); kstr("from", "cat"); kstr("to", "num"); end(&l);
	beg("cast", 2); kstr("column", "num"); kstr("type", "float"); end(&l);
	beg("drop", 1); klist("columns", 1, "x"); end(&l);
	beg("cast", 2); kstr("column", "n"); kstr("type", "str"); end(&l);
	c = pml_chain_new(&l, &s, PML_CHAIN_FILTER);
	T_OK(c != NULL, "select, rename, cast, drop compile");
	if (!c)
		return;
	os = pml_chain_output(c);
	T_OK(os->n_col == 2 && !strcmp(os->col[0].name, "num") && os->col[0].type == PML_TYPE_FLOAT &&
	     !strcmp(os->col[1].name, "n") && os->col[1].type == PML_TYPE_STR, "output columns num:float, n:str");
	record(in, 1, -12, " 2.5", "no");
	T_EQ_INT(pml_chain_apply(c, in, &out), -1, "' 2.5' does not cast strictly");
	T_EQ_STR(pml_chain_error(c), "column 'num': cannot cast ' 2.5' to float", "cast message");
	record(in, 1, -12, "2.5e1", "no");
	T_EQ_INT(pml_chain_apply(c, in, &out), 1, "cast");
	T_OK(out[0].kind == PML_FLOAT && out[0].u.f == 25, "2.5e1 -> 25");
	T_OK(out[1].kind == PML_STR && out[1].u.s.len == 3 && !memcmp(out[1].u.s.ptr, "-12", 3), "-12 -> '-12'");
	pml_chain_free(c);
	pml_rawlist_release(&l);
	pml_schema_release(&s);
}

static void
test_bad_steps(void)
{
	struct pml_schema s;
	struct pml_rawlist l;
	struct pml_chain *c;

	schema(&s);
	pml_err_capture(1);
	pml_rawlist_init(&l);
	beg("frobnicate", 0); end(&l);
	c = pml_chain_new(&l, &s, PML_CHAIN_FILTER);
	T_OK(!c && strstr(pml_err_last(), "unknown op 'frobnicate'"), "unknown op refused");
	pml_rawlist_release(&l);
	pml_rawlist_init(&l);
	beg("fill", 2); kstr("column", "nope"); knum("value", 1); end(&l);
	c = pml_chain_new(&l, &s, PML_CHAIN_FILTER);
	T_OK(!c && strstr(pml_err_last(), "no column 'nope'"), "unknown column refused");
	pml_rawlist_release(&l);
	pml_rawlist_init(&l);
	beg("fill", 2); kstr("column", "cat"); knum("value", 1); end(&l);
	c = pml_chain_new(&l, &s, PML_CHAIN_FILTER);
	T_OK(!c && strstr(pml_err_last(), "not a string"), "fill value of the wrong type refused");
	pml_rawlist_release(&l);
	pml_rawlist_init(&l);
	beg("assemble", 2); klist("columns", 2, "x", "cat"); kstr("name", "features"); end(&l);
	c = pml_chain_new(&l, &s, PML_CHAIN_FILTER);
	T_OK(!c && strstr(pml_err_last(), "column 'cat' is str"), "assembling a str column refused");
	pml_rawlist_release(&l);
	pml_rawlist_init(&l);
	beg("scale", 4); kstr("column", "x"); kstr("method", "standard"); knum("sub", 0); knum("div", 0); end(&l);
	c = pml_chain_new(&l, &s, PML_CHAIN_FILTER);
	T_OK(!c && strstr(pml_err_last(), "'div' is 0"), "a zero divisor is refused");
	pml_rawlist_release(&l);
	pml_err_capture(0);
	c = pml_chain_new(NULL, &s, PML_CHAIN_SERVE);
	T_OK(c && pml_chain_output(c)->n_col == 6, "empty chain is the identity");
	pml_chain_free(c);
	pml_schema_release(&s);
}

static void
test_remaining(void)
{
	struct pml_header full, data;
	struct pml_rawlist rest;

	pml_header_init(&full);
	pml_header_init(&data);
	schema(&full.chain_input);
	schema(&data.schema);
	beg("fill", 2); kstr("column", "x"); knum("value", 1); end(&full.chain);
	beg("fill", 2); kstr("column", "n"); knum("value", 2); end(&full.chain);
	T_EQ_INT(pml_chain_remaining(&full, &data, &rest, "f"), 0, "raw data: every step remains");
	T_EQ_INT(rest.n, 2, "two steps");
	pml_rawlist_release(&rest);
	beg("fill", 2); kstr("column", "x"); knum("value", 1); end(&data.chain);
	pml_schema_copy(&data.chain_input, &full.chain_input);
	T_EQ_INT(pml_chain_remaining(&full, &data, &rest, "f"), 0, "data had step 1");
	T_EQ_INT(rest.n, 1, "one step remains");
	pml_rawlist_release(&rest);
	pml_rawlist_release(&data.chain);
	pml_rawlist_init(&data.chain);
	beg("fill", 2); kstr("column", "x"); knum("value", 9); end(&data.chain);
	pml_err_capture(1);
	T_EQ_INT(pml_chain_remaining(&full, &data, &rest, "f"), -1, "a different first step is refused");
	T_OK(strstr(pml_err_last(), "step 1 of its chain differs") != NULL, "message says which step");
	pml_err_capture(0);
	pml_rawlist_release(&rest);
	pml_header_release(&full);
	pml_header_release(&data);
}

static void
test_spool(void)
{
	struct pml_spool sp;
	struct pml_schema s;
	struct pml_value in[6], back[6];
	struct pml_buf b = PML_BUF_INIT;
	const char *p;
	size_t len;
	int i, ok = 1, n = 0;

	schema(&s);
	pml_spool_init(&sp, 100);
	for (i = 0; i < 50; i++) {
		record(in, i * 0.5, i - 25, i % 2 ? "odd" : NULL, "y");
		pml_buf_reset(&b);
		pml_record_encode(&b, &s, in);
		pml_spool_add(&sp, b.buf, b.len);
	}
	T_OK(sp.spilled, "spilled past 100 bytes");
	pml_spool_rewind(&sp);
	while (pml_spool_next(&sp, &p, &len) == 1) {
		if (pml_record_decode(p, len, &s, back) < 0 || back[1].u.f != n * 0.5 ||
		    back[2].u.i != n - 25 || (n % 2 ? back[3].kind != PML_STR : back[3].kind != PML_NIL) ||
		    back[5].kind != PML_VEC || back[5].u.s.len != 4)
			ok = 0;
		n++;
	}
	T_OK(ok && n == 50, "50 records read back from the temporary file (%d)", n);
	pml_spool_release(&sp);
	pml_buf_release(&b);
	pml_schema_release(&s);
}

static void
test_nonfinite(void)
{
	struct pml_schema s;
	struct pml_rawlist l, l2;
	struct pml_chain *c, *e;
	struct pml_value in[2];
	const struct pml_value *out;
	float v[3] = { 1, NAN, 2 };
	uint32_t d = 3;

	pml_schema_init(&s);
	pml_schema_add(&s, "x", PML_TYPE_FLOAT);
	pml_column_set_vec(pml_schema_add(&s, "v", PML_TYPE_VEC), PML_ELEM_F32, 1, &d);
	pml_rawlist_init(&l);
	beg("nonfinite", 2); klist("columns", 2, "x", "v"); kstr("action", "missing"); end(&l);
	pml_rawlist_init(&l2);
	beg("nonfinite", 2); klist("columns", 1, "v"); kstr("action", "error"); end(&l2);
	c = pml_chain_new(&l, &s, PML_CHAIN_SERVE);
	e = pml_chain_new(&l2, &s, PML_CHAIN_SERVE);
	T_OK(c && e, "nonfinite steps compile");
	if (!c || !e)
		return;
	in[0].kind = PML_FLOAT;
	in[0].u.f = INFINITY;
	in[1].kind = PML_VEC;
	in[1].u.s.ptr = (const char *)v;
	in[1].u.s.len = sizeof(v);
	T_EQ_INT(pml_chain_apply(c, in, &out), 1, "apply");
	T_OK(out[0].kind == PML_NIL && out[1].kind == PML_NIL, "inf and a vector with a NaN become missing");
	T_EQ_INT(pml_chain_apply(e, in, &out), -1, "action error");
	T_EQ_STR(pml_chain_error(e), "column 'v': not a finite number", "nonfinite message");
	v[1] = 3;
	in[0].u.f = 1;
	T_EQ_INT(pml_chain_apply(c, in, &out), 1, "finite values pass");
	T_OK(out[0].kind == PML_FLOAT && out[1].kind == PML_VEC, "unchanged");
	pml_chain_free(c);
	pml_chain_free(e);
	pml_rawlist_release(&l);
	pml_rawlist_release(&l2);
	pml_schema_release(&s);
}

int
main(void)
{
	test_nonfinite();
	test_full_chain();
	test_filters();
	test_onehot_other_and_error();
	test_text();
	test_columns_and_cast();
	test_bad_steps();
	test_remaining();
	test_spool();
	pml_buf_release(&sb);
	return t_done();
}
