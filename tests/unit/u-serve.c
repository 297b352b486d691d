/* u-serve.c: the serving loop with a fake engine, over temporary files. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/mp.h"
#include "pml/serve.h"
#include "pml/stream.h"
#include "t.h"

/* ---- a fake engine: p(pos) = sigmoid(x + sum(img) / 100) ---- */

static char *fake_classes[] = { "neg", "pos" };

struct fake {
	struct pml_schema in;
	float out[64][2];
	size_t n;
	char why[128];
};

static int
f_add(void *ctx, const struct pml_value *r, const char **why)
{
	struct fake *f = ctx;
	double score;
	size_t k;

	if (r[1].kind == PML_STR && r[1].u.s.len == 3 && !memcmp(r[1].u.s.ptr, "bad", 3)) {
		snprintf(f->why, sizeof(f->why), "column 'name': category 'bad' unseen at fit time");
		*why = f->why;
		return -1;
	}
	score = r[0].kind == PML_FLOAT ? r[0].u.f : 0;
	if (r[2].kind == PML_VEC)
		for (k = 0; k < 3; k++)
			score += (unsigned char)r[2].u.s.ptr[k] / 100.0;
	f->out[f->n][1] = (float)(1 / (1 + exp(-score)));
	f->out[f->n][0] = 1 - f->out[f->n][1];
	f->n++;
	return 0;
}

static size_t
f_count(void *ctx)
{
	return ((struct fake *)ctx)->n;
}

static int
f_run(void *ctx, const char **why)
{
	(void)ctx;
	(void)why;
	return 0;
}

static const float *
f_output(void *ctx, size_t i, size_t *n)
{
	*n = 2;
	return ((struct fake *)ctx)->out[i];
}

static void
f_reset(void *ctx)
{
	((struct fake *)ctx)->n = 0;
}

static void
f_json(void *ctx, struct pml_buf *b, const float *o, size_t n, int top_k)
{
	(void)ctx;
	(void)n;
	(void)top_k;
	pml_buf_addf(b, "{\"class\":\"%s\",\"index\":%d,\"probs\":[%.9g,%.9g]}", o[1] > o[0] ? "pos" : "neg",
		     o[1] > o[0], o[0], o[1]);
}

static void
fake_init(struct pml_serve_engine *e, struct fake *f)
{
	struct pml_column *c;
	uint32_t dim = 3;

	memset(f, 0, sizeof(*f));
	pml_schema_init(&f->in);
	pml_schema_add(&f->in, "x", PML_TYPE_FLOAT);
	pml_schema_add(&f->in, "name", PML_TYPE_STR);
	c = pml_schema_add(&f->in, "img", PML_TYPE_VEC);
	pml_column_set_vec(c, PML_ELEM_U8, 1, &dim);
	c = pml_schema_add(&f->in, "label", PML_TYPE_INT);
	c->role = PML_ROLE_LABEL;
	memset(e, 0, sizeof(*e));
	e->ctx = f;
	e->input = &f->in;
	e->n_class = 2;
	e->classes = fake_classes;
	e->add = f_add;
	e->count = f_count;
	e->run = f_run;
	e->output = f_output;
	e->reset = f_reset;
	e->format_json = f_json;
}

/* ---- running the loop over files ---- */

static char dir[] = "/tmp/u-serve.XXXXXX";

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct pml_buf b = PML_BUF_INIT;
	char tmp[4096];
	size_t n;

	if (!fp)
		return pml_xstrdup("");
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		pml_buf_add(&b, tmp, n);
	fclose(fp);
	return pml_buf_detach(&b, len);
}

/* Serve input[0..n) with opts; returns the reply bytes (free them); *rc the result. */
static char *
serve(const void *input, size_t n, const struct pml_serve_opts *o, int *rc, size_t *out_len,
      struct pml_serve_stats *st_out)
{
	struct pml_serve_engine e;
	struct fake f;
	struct pml_serve_stats st;
	struct pml_out out;
	char in_path[256], out_path[256];
	int fd;
	FILE *fp;

	snprintf(in_path, sizeof(in_path), "%s/in", dir);
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	fp = fopen(in_path, "wb");
	fwrite(input, 1, n, fp);
	fclose(fp);
	unlink(out_path);
	fake_init(&e, &f);
	pml_serve_stats_init(&st);
	fd = open(in_path, O_RDONLY);
	pml_out_open(&out, out_path);
	pml_err_capture(1);
	*rc = pml_serve_run(&e, o, fd, &out, &st);
	pml_err_capture(0);
	pml_out_close(&out);
	close(fd);
	pml_schema_release(&f.in);
	if (st_out)
		*st_out = st;
	return slurp(out_path, out_len);
}

static void
test_json(void)
{
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	struct pml_serve_stats st;
	const char *in =
		"{\"x\":0,\"name\":\"a\",\"img\":[0,0,0]}\n"
		"{\"x\":0,\"name\":\n"
		"\n"
		"{\"name\":\"a\",\"img\":[0,0,0]}\n"
		"{\"x\":\"zero\",\"name\":\"a\",\"img\":[0,0,0]}\n"
		"{\"x\":1,\"name\":\"bad\",\"img\":[0,0,0]}\n"
		"{\"x\":1,\"name\":\"a\",\"img\":[0,0,300]}\n"
		"[1,2]\n"
		"{\"x\":-2,\"name\":\"b\",\"img\":[0,0,0],\"id\":\"r8\"}";
	const char *want =
		"{\"class\":\"neg\",\"index\":0,\"probs\":[0.5,0.5]}\n"
		"{\"error\":\"record 2: invalid JSON at column 15: unexpected end of line\"}\n"
		"{\"error\":\"record 3: column 'x': missing\"}\n"
		"{\"error\":\"record 4: column 'x': expected float, got str\"}\n"
		"{\"error\":\"record 5: column 'name': category 'bad' unseen at fit time\"}\n"
		"{\"error\":\"record 6: column 'img': element 2: expected an integer 0..255\"}\n"
		"{\"error\":\"record 7: expected a JSON object, got array\"}\n"
		"{\"id\":\"r8\",\"class\":\"neg\",\"index\":0,\"probs\":[0.880797088,0.119202919]}\n";
	char *got;
	size_t n;
	int rc;

	o.id = "id";
	got = serve(in, strlen(in), &o, &rc, &n, &st);
	T_EQ_INT(rc, 0, "json: served to the end");
	T_EQ_STR(got, want, "json: one reply per request, in order, errors named");
	T_EQ_INT(st.requests, 8, "json: 8 requests counted");
	T_EQ_INT(st.errors, 6, "json: 6 errors counted");
	free(got);
}

static void
test_json_cases(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "{\"x\":1,\"name\":\"a\\u00e9\\ud83d\\ude00\\n\",\"img\":[1,2,3],\"o\":{\"a\":[1,{\"b\":null}]},\"label\":null}",
		  "{\"class\":\"pos\",\"index\":1,\"probs\":[0.257309437,0.742690563]}" },
		{ " { \"x\" : 1.5e0 , \"name\" : \"a\" , \"img\" : [ 1 , 2 , 3 ] } ",
		  "{\"class\":\"pos\",\"index\":1,\"probs\":[0.173646629,0.826353371]}" },
		{ "{\"x\":1,\"x\":2,\"name\":\"a\",\"img\":[1,2,3]}",
		  "{\"error\":\"record 1: invalid JSON at column 12: duplicate key\"}" },
		{ "{\"x\":1,\"name\":\"a\",\"img\":[1,2,3]} x",
		  "{\"error\":\"record 1: invalid JSON at column 34: unexpected text after the object\"}" },
		{ "{\"x\":1,\"name\":\"\xff\",\"img\":[1,2,3]}",
		  "{\"error\":\"record 1: invalid JSON at column 16: invalid UTF-8\"}" },
		{ "{\"x\":01,\"name\":\"a\",\"img\":[1,2,3]}",
		  "{\"error\":\"record 1: invalid JSON at column 7: expected ',' or '}'\"}" },
		{ "{\"x\":1,\"name\":\"a\",\"img\":[1,2.5,3]}",
		  "{\"error\":\"record 1: column 'img': element 1: expected an integer 0..255\"}" },
		{ "{\"x\":1,\"name\":\"a\",\"img\":[1,2]}",
		  "{\"error\":\"record 1: column 'img': 2 elements, expected 3\"}" },
		{ "{\"x\":1,\"name\":\"a\",\"img\":[1,2,3,4]}",
		  "{\"error\":\"record 1: column 'img': 4 elements, expected 3\"}" },
		{ "{\"x\":1e999,\"name\":\"a\",\"img\":[1,2,3]}",
		  "{\"error\":\"record 1: column 'x': value is not finite (inf)\"}" },
		{ "{\"x\":true,\"name\":\"a\",\"img\":[1,2,3],\"label\":\"q\"}",
		  "{\"error\":\"record 1: column 'x': expected float, got bool\"}" },
		{ "{\"x\":1,\"name\":\"a\",\"img\":[1,2,3],\"label\":1.5}",
		  "{\"error\":\"record 1: column 'label': expected int, got 1.5: not a whole number\"}" },
		{ "{\"x\":1,\"name\":\"a\",\"img\":[1,2,3],\"label\":[}",
		  "{\"error\":\"record 1: invalid JSON at column 42: unexpected token\"}" },
		{ "{\"x\":1,\"name\":\"a\\ud800\",\"img\":[1,2,3]}",
		  "{\"error\":\"record 1: invalid JSON at column 23: unpaired surrogate in a \\\\u escape\"}" },
		{ "\"just a string\"",
		  "{\"error\":\"record 1: expected a JSON object, got str\"}" },
		{ "{\"x\":null,\"name\":null,\"img\":null}",
		  "{\"class\":\"neg\",\"index\":0,\"probs\":[0.5,0.5]}" },
	};
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	size_t i, n;
	int rc;

	o.format = PML_SERVE_JSON;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got, want[512];
		got = serve(cases[i].in, strlen(cases[i].in), &o, &rc, &n, NULL);
		snprintf(want, sizeof(want), "%s\n", cases[i].want);
		T_OK(!strcmp(got, want), "json case %zu (got %s)", i + 1, got);
		free(got);
	}
}

static void
test_json_long_line(void)
{
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	struct pml_buf in = PML_BUF_INIT;
	char *got;
	size_t n, i;
	int rc;

	o.max_line = 64;
	pml_buf_addstr(&in, "{\"x\":1,\"name\":\"a\",\"img\":[1,2,3]}\n{\"x\":");
	for (i = 0; i < 100000; i++)
		pml_buf_addch(&in, '1');
	pml_buf_addstr(&in, ",\"name\":\"a\",\"img\":[1,2,3]}\n{\"x\":2,\"name\":\"a\",\"img\":[1,2,3]}\n");
	got = serve(in.buf, in.len, &o, &rc, &n, NULL);
	T_EQ_INT(rc, 0, "long line: served to the end");
	T_EQ_STR(got,
		 "{\"class\":\"pos\",\"index\":1,\"probs\":[0.257309437,0.742690563]}\n"
		 "{\"error\":\"record 2: line longer than 64 bytes\"}\n"
		 "{\"class\":\"pos\",\"index\":1,\"probs\":[0.113045812,0.886954188]}\n",
		 "long line: error reply, then the next line is served");
	free(got);
	pml_buf_release(&in);
}

static void
test_csv(void)
{
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	const char *in =
		"\xef\xbb\xbfimg[2],id,x,img[0],name,img[1],extra\r\n"
		"0,a,0,0,\"a\",0,zz\r\n"
		"0,b,0,0,a,0\n"
		"0,c,1e999,0,a,0,z\n"
		"0,\"d,1\",1,0,bad,0,z\n"
		"0,e,1,0,\"a\"x,0,z\n"
		"1,f,-1,,a,0,z\n"
		"0,g,-2,0,\"say \"\"hi\"\"\",0,z\n";
	const char *want =
		"id,class,index,prob_neg,prob_pos,error\n"
		"a,neg,0,0.5,0.5,\n"
		"b,,,,,\"record 2: 6 fields, the header has 7\"\n"
		"c,,,,,\"record 3: column 'x': expected float, got '1e999'\"\n"
		"\"d,1\",,,,,record 4: column 'name': category 'bad' unseen at fit time\n"
		",,,,,record 5: invalid CSV: text after a closing quote\n"
		"f,,,,,record 6: column 'img': 1 of 3 elements missing\n"
		"g,neg,0,0.8807971,0.11920292,\n";
	char *got;
	size_t n;
	int rc;

	o.id = "id";
	o.format = PML_SERVE_CSV;
	got = serve(in, strlen(in), &o, &rc, &n, NULL);
	T_EQ_INT(rc, 0, "csv: served to the end");
	T_EQ_STR(got, want, "csv: header, replies in order, errors in the last column");
	free(got);

	in = "x,name\n1,a\n";
	got = serve(in, strlen(in), &o, &rc, &n, NULL);
	T_EQ_STR(got, "id,class,index,prob_neg,prob_pos,error\n,,,,,record 1: CSV header: column 'img[0]' missing\n",
		 "csv: a header without a required column fails every record");
	free(got);
}

static void
pack_rec(struct pml_buf *b, const struct pml_schema *s, double x, const char *name, const char *img)
{
	struct pml_value v[4];

	memset(v, 0, sizeof(v));
	v[0].kind = PML_STR;
	v[0].u.s.ptr = name;
	v[0].u.s.len = strlen(name);
	v[1].kind = PML_FLOAT;
	v[1].u.f = x;
	v[2].kind = PML_VEC;
	v[2].u.s.ptr = img;
	v[2].u.s.len = 3;
	v[3].kind = PML_INT;
	v[3].u.i = (int64_t)x;
	pml_record_encode(b, s, v);
}

static void
test_msgpack(void)
{
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	struct pml_header h;
	struct pml_buf in = PML_BUF_INIT;
	struct pml_column *c;
	struct pml_reader *r;
	const struct pml_value *v;
	uint32_t dim = 3;
	char *got, path[256];
	size_t n, cut;
	int rc;
	msgpack_packer pk;

	pml_header_init(&h);
	pml_schema_add(&h.schema, "name", PML_TYPE_STR);
	pml_schema_add(&h.schema, "x", PML_TYPE_FLOAT);
	c = pml_schema_add(&h.schema, "img", PML_TYPE_VEC);
	pml_column_set_vec(c, PML_ELEM_U8, 1, &dim);
	c = pml_schema_add(&h.schema, "rid", PML_TYPE_INT);
	c->role = PML_ROLE_ID;
	pml_header_encode(&h, &in);
	pack_rec(&in, &h.schema, 0, "a", "\0\0\0");
	pack_rec(&in, &h.schema, 1, "bad", "\0\0\0");
	pml_mp_packer_init_buf(&pk, &in);
	msgpack_pack_array(&pk, 2);             /* wrong length */
	msgpack_pack_nil(&pk);
	msgpack_pack_nil(&pk);
	msgpack_pack_array(&pk, 4);             /* wrong type */
	pml_mp_pack_cstr(&pk, "a");
	pml_mp_pack_cstr(&pk, "1.5");
	msgpack_pack_nil(&pk);
	msgpack_pack_int(&pk, 4);
	pack_rec(&in, &h.schema, -2, "b", "\0\0\0");
	msgpack_pack_map(&pk, 1);               /* trailer */
	pml_mp_pack_cstr(&pk, "records");
	msgpack_pack_int(&pk, 5);
	cut = in.len;
	pml_header_encode(&h, &in);             /* a second stream */
	pack_rec(&in, &h.schema, 3, "c", "\0\0\0");

	o.id = "rid";
	got = serve(in.buf, in.len, &o, &rc, &n, NULL);
	free(got);
	T_EQ_INT(rc, 0, "msgpack: served to the end");
	snprintf(path, sizeof(path), "%s/out", dir);
	{
		char *paths[1] = { path };
		pml_err_capture(1);
		r = pml_reader_open(1, paths, 0);
		pml_err_capture(0);
	}
	T_OK(r != NULL, "msgpack: replies are a pml stream (%s)", pml_err_last());
	if (r) {
		const struct pml_schema *s = pml_reader_schema(r);
		T_EQ_INT(s->n_col, 5, "msgpack: reply columns rid, class, index, probs, error");
		T_EQ_INT(pml_reader_next(r, &v), 1, "msgpack: reply 1");
		T_OK(v[0].kind == PML_INT && v[0].u.i == 0 && v[2].u.i == 0 && v[3].kind == PML_VEC &&
		     v[4].kind == PML_NIL, "msgpack: reply 1 is a prediction with its id");
		T_EQ_INT(pml_reader_next(r, &v), 1, "msgpack: reply 2");
		T_OK(v[4].kind == PML_STR && v[4].u.s.len > 9 && !memcmp(v[4].u.s.ptr, "record 2:", 9) &&
		     v[0].u.i == 1, "msgpack: reply 2 is the refused category");
		T_EQ_INT(pml_reader_next(r, &v), 1, "msgpack: reply 3");
		T_OK(v[4].kind == PML_STR && !strncmp(v[4].u.s.ptr, "record 3: 2 values for 4 columns", v[4].u.s.len),
		     "msgpack: reply 3 names the wrong length");
		T_EQ_INT(pml_reader_next(r, &v), 1, "msgpack: reply 4");
		T_OK(v[4].kind == PML_STR &&
		     !strncmp(v[4].u.s.ptr, "record 4: column 'x': expected float, got str", v[4].u.s.len),
		     "msgpack: reply 4 names the wrong type");
		T_EQ_INT(pml_reader_next(r, &v), 1, "msgpack: reply 5");
		T_EQ_INT(pml_reader_next(r, &v), 1, "msgpack: reply 6 (second stream)");
		T_OK(v[0].u.i == 3 && v[2].u.i == 1, "msgpack: reply 6 is class 1");
		T_EQ_INT(pml_reader_next(r, &v), 0, "msgpack: replies end with a trailer");
		pml_reader_free(r);
	}

	/* framing error after two messages: those are answered, then -1 */
	in.len = cut;
	pml_buf_addch(&in, (char)0xc1);
	pack_rec(&in, &h.schema, 3, "c", "\0\0\0");
	got = serve(in.buf, in.len, &o, &rc, &n, NULL);
	T_EQ_INT(rc, -1, "msgpack: corrupt bytes end serving");
	T_OK(strstr(pml_err_last(), "cannot resynchronise") != NULL, "msgpack: the message says why (%s)",
	     pml_err_last());
	{
		char *paths[1] = { path };
		int k = 0;
		pml_err_capture(1);
		r = pml_reader_open(1, paths, 0);
		while (r && pml_reader_next(r, &v) > 0)
			k++;
		pml_err_capture(0);
		T_EQ_INT(k, 5, "msgpack: the 5 records before the corrupt bytes were answered");
		pml_reader_free(r);
	}
	free(got);

	/* truncated message at the end */
	in.len = cut - 3;
	got = serve(in.buf, in.len, &o, &rc, &n, NULL);
	T_EQ_INT(rc, -1, "msgpack: input ending inside a message is an error");
	free(got);
	pml_header_release(&h);
	pml_buf_release(&in);
}

static void
test_empty(void)
{
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	char *got;
	size_t n;
	int rc;

	got = serve("", 0, &o, &rc, &n, NULL);
	T_OK(rc == 0 && n == 0, "empty input: no reply, success");
	free(got);
	got = serve("\n\n", 2, &o, &rc, &n, NULL);
	T_OK(rc == 0 && n == 0, "blank lines: no reply, success");
	free(got);
	o.format = PML_SERVE_CSV;
	got = serve("x,name,img[0],img[1],img[2]\n", 28, &o, &rc, &n, NULL);
	T_EQ_STR(got, "class,index,prob_neg,prob_pos,error\n", "csv header only: the reply header only");
	free(got);
}

static void
test_batches(void)
{
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	struct pml_buf in = PML_BUF_INIT;
	struct pml_serve_stats st;
	char *got, *p;
	size_t n, i, lines = 0;
	int rc, in_order = 1;

	o.max_batch = 7;
	o.id = "i";
	for (i = 0; i < 100; i++)
		pml_buf_addf(&in, i % 10 == 3 ? "{\"i\":%zu}\n" : "{\"i\":%zu,\"x\":1,\"name\":\"a\",\"img\":[0,0,0]}\n", i);
	got = serve(in.buf, in.len, &o, &rc, &n, &st);
	for (p = got; *p; p = strchr(p, '\n') + 1) {
		char want[32];
		snprintf(want, sizeof(want), "{\"id\":%zu,", lines);
		if (strncmp(p, want, strlen(want)))
			in_order = 0;
		lines++;
	}
	T_EQ_INT(lines, 100, "batches of 7: 100 replies");
	T_OK(in_order, "batches of 7: replies in order");
	T_EQ_INT(st.errors, 10, "batches of 7: 10 errors");
	free(got);
	pml_buf_release(&in);
}

static void
test_stats(void)
{
	struct pml_serve_stats st;
	struct pml_buf b = PML_BUF_INIT;

	pml_serve_stats_init(&st);
	T_EQ_INT(pml_serve_stats_quantile(&st, 0.5) == 0, 1, "stats: no requests, p50 0");
	pml_serve_stats_add(&st, 100000, 98);      /* 0.1 ms */
	pml_serve_stats_add(&st, 5000000, 2);      /* 5 ms */
	T_NEAR(pml_serve_stats_quantile(&st, 0.5), 1e-4, 2e-6, "stats: p50 within 2%");
	T_NEAR(pml_serve_stats_quantile(&st, 0.99), 5e-3, 1e-4, "stats: p99 within 2%");
	pml_serve_stats_add(&st, UINT64_MAX, 1);
	T_OK(pml_serve_stats_quantile(&st, 1) > 3600, "stats: huge values land in the last bucket");
	st.requests = 3;
	pml_serve_stats_format(&st, &b);
	T_OK(!strncmp(b.buf, "requests 3, errors 0, latency p50 0.100 ms", 42), "stats: line (%s)", b.buf);
	pml_buf_release(&b);
}

/* Echo mode (pml-predict): the requests written back with the predictions appended. */
static void
test_echo(void)
{
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	struct pml_serve_stats st;
	const char *csv =
		"\xef\xbb\xbfx,name,img[0],img[1],img[2],id\r\n"
		"0,a,0,0,0,r1\r\n"
		"0,bad,0,0,0,r2\n"
		"0,a,0,0\n"
		"0,\"a,b\",0,0,0,r4";
	const char *json =
		"{\"x\":0,\"name\":\"a\",\"img\":[0,0,0]}\n"
		"{ \"x\":0,\"name\":\"bad\",\"img\":[0,0,0] }\n"
		"{\"x\":0,\"name\":\"a\",\"img\":[0,0,0],\"prob_pos\":1}\n"
		"{}\n";
	char *got;
	size_t n;
	int rc;

	o.echo = 1;
	o.prefix = "";
	got = serve(csv, strlen(csv), &o, &rc, &n, &st);
	T_EQ_STR(got, "x,name,img[0],img[1],img[2],id,predicted,prob_neg,prob_pos\n"
		 "0,a,0,0,0,r1,neg,0.5,0.5\n"
		 "0,bad,0,0,0,r2,,,\n"
		 "0,\"a,b\",0,0,0,r4,neg,0.5,0.5\n",
		 "echo csv: header and rows as they came, bad ones kept empty, a broken one skipped");
	T_OK(rc == 0 && st.errors == 2 && st.skipped == 1, "echo csv: 2 bad, 1 skipped (rc %d)", rc);
	free(got);
	o.bad = PML_SERVE_BAD_SKIP;
	got = serve(csv, strlen(csv), &o, &rc, &n, &st);
	T_OK(rc == 0 && st.skipped == 2 && strstr(got, "r2") == NULL && strstr(got, "r4") != NULL,
	     "echo csv, skip: bad records left out");
	free(got);
	o.bad = PML_SERVE_BAD_FAIL;
	got = serve(csv, strlen(csv), &o, &rc, &n, &st);
	T_OK(rc == -1 && strstr(got, "r1,neg") != NULL && strstr(got, "r2") == NULL,
	     "echo csv, fail: stops at the first bad record, the ones before written");
	T_OK(strstr(pml_err_last(), "stdin: record 2: column 'name'") != NULL, "echo csv, fail: names it (%s)",
	     pml_err_last());
	free(got);

	o.bad = PML_SERVE_BAD_REPLY;
	o.prefix = "p_";
	got = serve(json, strlen(json), &o, &rc, &n, &st);
	T_EQ_STR(got, "{\"x\":0,\"name\":\"a\",\"img\":[0,0,0],\"p_predicted\":\"neg\",\"p_prob_neg\":0.5,\"p_prob_pos\":0.5}\n"
		 "{ \"x\":0,\"name\":\"bad\",\"img\":[0,0,0] ,\"p_predicted\":null,\"p_prob_neg\":null,\"p_prob_pos\":null}\n"
		 "{\"x\":0,\"name\":\"a\",\"img\":[0,0,0],\"prob_pos\":1,\"p_predicted\":\"neg\",\"p_prob_neg\":0.5,\"p_prob_pos\":0.5}\n"
		 "{\"p_predicted\":null,\"p_prob_neg\":null,\"p_prob_pos\":null}\n",
		 "echo json: keys added before the closing brace, prefixed");
	free(got);
	o.prefix = NULL;
	got = serve(json, strlen(json), &o, &rc, &n, &st);
	T_OK(rc == 0 && strstr(got, "\"prob_pos\":1") == NULL && st.skipped == 1,
	     "echo json: a record with a key of a new column is not written back");
	free(got);
}

int
main(void)
{
	char path[256];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_json();
	test_json_cases();
	test_json_long_line();
	test_csv();
	test_msgpack();
	test_empty();
	test_batches();
	test_stats();
	test_echo();
	snprintf(path, sizeof(path), "%s/in", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/out", dir);
	unlink(path);
	rmdir(dir);
	return t_done();
}
