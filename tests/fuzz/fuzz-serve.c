/* fuzz-serve.c: libFuzzer target for the serving loop's request parsing (pml_serve_run). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/alloc.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/serve.h"
#include "fuzz.h"

/* A fake engine over x float, name str, img vec u8[3], label int (role label). */
static struct pml_schema in;
static float outs[PML_SERVE_MAX_BATCH][2];
static size_t n_staged;
static char *classes[] = { "neg", "pos" };

static int
f_add(void *ctx, const struct pml_value *r, const char **why)
{
	(void)ctx;
	if (r[1].kind == PML_STR && r[1].u.s.len == 3 && !memcmp(r[1].u.s.ptr, "bad", 3)) {
		*why = "column 'name': refused";
		return -1;
	}
	outs[n_staged][0] = r[0].kind == PML_FLOAT ? (float)r[0].u.f : 0;
	outs[n_staged][1] = r[2].kind == PML_VEC ? (float)(unsigned char)r[2].u.s.ptr[0] : 0;
	n_staged++;
	return 0;
}
static size_t f_count(void *ctx) { (void)ctx; return n_staged; }
static int f_run(void *ctx, const char **why) { (void)ctx; (void)why; return 0; }
static const float *f_output(void *ctx, size_t i, size_t *n) { (void)ctx; *n = 2; return outs[i]; }
static void f_reset(void *ctx) { (void)ctx; n_staged = 0; }
static void
f_json(void *ctx, struct pml_buf *b, const float *o, size_t n, int k)
{
	(void)ctx;
	(void)n;
	(void)k;
	pml_buf_addf(b, "{\"probs\":[%.9g,%.9g]}", (double)o[0], (double)o[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[256];
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	struct pml_serve_engine e;
	struct pml_serve_stats st;
	struct pml_out out;
	int fd;
	FILE *f;

	if (!in.n_col) {
		uint32_t dim = 3;
		pml_schema_add(&in, "x", PML_TYPE_FLOAT);
		pml_schema_add(&in, "name", PML_TYPE_STR);
		pml_column_set_vec(pml_schema_add(&in, "img", PML_TYPE_VEC), PML_ELEM_U8, 1, &dim);
		pml_schema_add(&in, "label", PML_TYPE_INT)->role = PML_ROLE_LABEL;
		fuzz_path(path, sizeof(path), "serve");
	}
	if (size < 1)
		return 0;
	/* first byte: format (low 2 bits), --id (bit 2), small batches and lines (bit 3), top-k (bit 4) */
	o.format = (enum pml_serve_format)(data[0] & 3);
	o.id = data[0] & 4 ? "id" : NULL;
	if (data[0] & 8) {
		o.max_batch = 3;
		o.max_line = 64;
		o.max_message = 4096;
	}
	o.top_k = data[0] & 16 ? 1 : 0;
	/* bits 5-6: pml-predict's echo mode, bad records kept (empty predictions) or skipped */
	if (data[0] & 32) {
		o.echo = 1;
		o.bad = data[0] & 64 ? PML_SERVE_BAD_SKIP : PML_SERVE_BAD_REPLY;
		o.force = 1;
	}
	f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	memset(&e, 0, sizeof(e));
	e.input = &in;
	e.n_class = 2;
	e.classes = classes;
	e.add = f_add;
	e.count = f_count;
	e.run = f_run;
	e.output = f_output;
	e.reset = f_reset;
	e.format_json = f_json;
	memset(&out, 0, sizeof(out));
	out.name = "null";
	out.fd = open("/dev/null", O_WRONLY);
	out.buf = pml_xmalloc(PML_OUT_BUFSIZE);
	fd = open(path, O_RDONLY);
	pml_serve_stats_init(&st);
	pml_err_capture(1);
	(void)pml_serve_run(&e, &o, fd, &out, &st);
	pml_err_capture(0);
	n_staged = 0;
	close(fd);
	close(out.fd);
	free(out.buf);
	return 0;
}
