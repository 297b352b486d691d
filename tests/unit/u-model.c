/* u-model.c: model file round trip, and refusal of every kind of damaged file. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/buf.h"
#include "pml/err.h"
#include "pml/model.h"
#include "pml/mp.h"
#include "pml/nn.h"
#include "pml/rng.h"
#include "pml/stream.h"
#include "t.h"

static void
make_model(struct pml_model *m, size_t n_elem)
{
	struct pml_column *c;
	uint32_t dim[1];
	char *cls[3] = { "cat", "dog", "bird" };
	msgpack_packer pk;
	size_t hidden = 5;
	enum pml_act act = PML_ACT_RELU;

	pml_model_init(m);
	dim[0] = (uint32_t)n_elem;
	c = pml_schema_add(&m->input, "x", PML_TYPE_VEC);
	pml_column_set_vec(c, PML_ELEM_F32, 1, dim);
	c = pml_schema_add(&m->input, "y", PML_TYPE_INT);
	c->role = PML_ROLE_LABEL;
	pml_column_set_classes(c, 3, cls);
	m->feature = strdup("x");
	m->label = strdup("y");
	m->n_class = 3;
	m->classes = calloc(3, sizeof(char *));
	m->classes[0] = strdup("cat");
	m->classes[1] = strdup("dog");
	m->classes[2] = strdup("bird");
	m->net = pml_net_mlp(4, &hidden, &act, 1, 0.25f, 3, PML_LOSS_SOFTMAX_CE);
	pml_net_init(m->net, PML_INIT_HE, 3);
	pml_mp_packer_init_buf(&pk, &m->meta);
	msgpack_pack_map(&pk, 2);
	pml_mp_pack_cstr(&pk, "seed");
	msgpack_pack_uint64(&pk, 42);
	pml_mp_pack_cstr(&pk, "command");
	pml_mp_pack_cstr(&pk, "pml-train -o m.pmlm");
}

static int
write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (n)
		fwrite(p, 1, n, f);
	return fclose(f);
}

static int
slurp(const char *path, struct pml_buf *b)
{
	FILE *f = fopen(path, "rb");
	char tmp[4096];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		pml_buf_add(b, tmp, n);
	fclose(f);
	return 0;
}

/*
 * Test-data generator for the command-line tests (tests/cli/t3*-train-*.sh):
 *     u-model --gen KIND N SEED FILE
 * KIND: blobs (f32[4] x, int y with classes a b c, str id), blobs-u8,
 * intlabel (int y without class names), reg (f32[3] x, float y = linear),
 * nan (blobs with a NaN feature in record 5), wide (blobs with another
 * shape: f32[5]), float-x (a float column, no vec), chained (blobs whose
 * header carries a made-up fitted chain), oneclass (int label, always 0).
 */
static int
gen(const char *kind, long n, uint64_t seed, const char *path)
{
	struct pml_header h;
	struct pml_out out;
	struct pml_writer *w;
	struct pml_column *c;
	struct pml_rng r;
	char *cls[3] = { "a", "b", "c" };
	int u8 = !strcmp(kind, "blobs-u8"), reg = !strcmp(kind, "reg");
	uint32_t dim[1] = { reg ? 3 : !strcmp(kind, "wide") ? 5 : 4 };
	long i;
	int rc;

	pml_rng_seed(&r, seed);
	pml_header_init(&h);
	c = pml_schema_add(&h.schema, "id", PML_TYPE_STR);
	c->role = PML_ROLE_ID;
	if (!strcmp(kind, "float-x")) {
		pml_schema_add(&h.schema, "x", PML_TYPE_FLOAT);
	} else {
		c = pml_schema_add(&h.schema, "x", PML_TYPE_VEC);
		pml_column_set_vec(c, u8 ? PML_ELEM_U8 : PML_ELEM_F32, 1, dim);
	}
	c = pml_schema_add(&h.schema, "y", reg ? PML_TYPE_FLOAT : PML_TYPE_INT);
	c->role = PML_ROLE_LABEL;
	if (!reg && strcmp(kind, "intlabel") && strcmp(kind, "oneclass"))
		pml_column_set_classes(c, 3, cls);
	if (!strcmp(kind, "chained")) {
		/* a made-up fitted step: pml-train copies the chain without running it */
		struct pml_schema raw = PML_SCHEMA_INIT;
		struct pml_buf step = PML_BUF_INIT;
		msgpack_packer pk;

		pml_schema_add(&raw, "id", PML_TYPE_STR)->role = PML_ROLE_ID;
		pml_schema_add(&raw, "x_raw", PML_TYPE_STR);
		pml_schema_add(&raw, "y", PML_TYPE_STR)->role = PML_ROLE_LABEL;
		pml_mp_packer_init_buf(&pk, &step);
		msgpack_pack_map(&pk, 2);
		pml_mp_pack_cstr(&pk, "op");
		pml_mp_pack_cstr(&pk, "test-step");
		pml_mp_pack_cstr(&pk, "column");
		pml_mp_pack_cstr(&pk, "x_raw");
		pml_header_add_step(&h, &raw, step.buf, step.len);
		pml_buf_release(&step);
		pml_schema_release(&raw);
	}
	if (pml_out_open(&out, path) < 0)
		return 1;
	w = pml_writer_new(&out, &h);
	for (i = 0; i < n; i++) {
		struct pml_value v[3];
		float x[5];
		unsigned char xb[5];
		char id[32];
		uint32_t k = (uint32_t)pml_rng_below(&r, 3), j;

		if (!strcmp(kind, "oneclass"))
			k = 0;
		double y = 0;

		for (j = 0; j < dim[0]; j++) {
			double g = pml_rng_normal(&r) * 0.4;

			x[j] = (float)(reg ? pml_rng_normal(&r) : g + (j % 3 == k ? 2.0 : 0.0));
			xb[j] = (unsigned char)(x[j] * 40 + 60);
		}
		if (reg)
			y = 2 * x[0] - x[1] + 0.5 * x[2] + 1 + 0.01 * pml_rng_normal(&r);
		if (!strcmp(kind, "nan") && i == 4)
			x[1] = NAN;
		snprintf(id, sizeof(id), "r%ld", i + 1);
		v[0].kind = PML_STR;
		v[0].u.s.ptr = id;
		v[0].u.s.len = strlen(id);
		if (!strcmp(kind, "float-x")) {
			v[1].kind = PML_FLOAT;
			v[1].u.f = x[0];
		} else {
			v[1].kind = PML_VEC;
			v[1].u.s.ptr = u8 ? (const char *)xb : (const char *)x;
			v[1].u.s.len = dim[0] * (u8 ? 1 : 4);
		}
		if (reg) {
			v[2].kind = PML_FLOAT;
			v[2].u.f = y;
		} else {
			v[2].kind = PML_INT;
			v[2].u.i = k;
		}
		pml_writer_put(w, v);
	}
	pml_writer_finish(w, NULL, 0);
	pml_writer_free(w);
	rc = pml_out_close(&out);
	pml_header_release(&h);
	return rc < 0;
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/u-model.XXXXXX", path[256], bad[256];
	struct pml_model m, l;
	struct pml_buf file = PML_BUF_INIT, again = PML_BUF_INIT, json = PML_BUF_INIT;
	size_t i, n_refused, n_total;
	int bit;

	if (argc == 6 && !strcmp(argv[1], "--gen"))
		return gen(argv[2], atol(argv[3]), (uint64_t)atoll(argv[4]), argv[5]);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/m.pmlm", dir);
	snprintf(bad, sizeof(bad), "%s/bad.pmlm", dir);

	make_model(&m, 4);
	T_EQ_INT(pml_model_save(&m, path), 0, "save");
	T_EQ_INT(pml_model_load(&l, path), 0, "load");
	T_OK(l.net && l.net->n_param == m.net->n_param &&
	     !memcmp(l.net->param, m.net->param, m.net->n_param * sizeof(float)),
	     "weights round trip byte for byte");
	T_OK(l.net && l.net->n_layer == 4 && l.net->layer[2].kind == PML_LAYER_DROPOUT &&
	     l.net->layer[2].rate == 0.25f && l.net->layer[1].act == PML_ACT_RELU,
	     "layers round trip");
	T_EQ_STR(l.feature, "x", "feature column");
	T_EQ_STR(l.label, "y", "label column");
	T_OK(l.n_class == 3 && !strcmp(l.classes[2], "bird"), "class names");
	T_OK(l.input.n_col == 2 && l.input.col[0].n_elem == 4, "input schema");
	T_OK(l.meta.len == m.meta.len && !memcmp(l.meta.buf, m.meta.buf, m.meta.len), "metadata kept");
	slurp(path, &file);
	T_OK(pml_model_sniff(file.buf, file.len), "sniff recognises a model");
	T_OK(!pml_model_sniff("\x83\xa6" "format", 8), "sniff refuses a stream");
	snprintf(bad, sizeof(bad), "%s/again.pmlm", dir);
	pml_model_save(&l, bad);
	slurp(bad, &again);
	T_OK(file.len == again.len && !memcmp(file.buf, again.buf, file.len),
	     "load then save gives the same bytes");
	snprintf(bad, sizeof(bad), "%s/bad.pmlm", dir);
	pml_model_meta_json(&l, &json);
	T_OK(strstr(json.buf, "\"format\":\"pml-model\"") && strstr(json.buf, "\"seed\":42") &&
	     strstr(json.buf, "\"classes\":[\"cat\",\"dog\",\"bird\"]") && strstr(json.buf, "\"n_params\":43") &&
	     !strstr(json.buf, "<bin"), "metadata as JSON without weights: %.200s", json.buf);
	pml_model_release(&l);

	pml_err_capture(1);
	T_EQ_INT(pml_model_load(&l, "/nonexistent/m.pmlm"), -1, "missing file refused");
	write_bytes(bad, "", 0);
	T_OK(pml_model_load(&l, bad) < 0 && strstr(pml_err_last(), "empty"), "empty file: %s", pml_err_last());
	T_OK(pml_model_load(&l, dir) < 0, "directory refused: %s", pml_err_last());
	write_bytes(bad, "\x83\xa6" "format\xaapml-stream", 18);
	T_OK(pml_model_load(&l, bad) < 0 && strstr(pml_err_last(), "magic"), "wrong magic: %s", pml_err_last());

	/* newer version */
	{
		struct pml_buf v = PML_BUF_INIT;

		pml_buf_add(&v, file.buf, file.len);
		v.buf[26] = 2;
		write_bytes(bad, v.buf, v.len);
		T_OK(pml_model_load(&l, bad) < 0 && strstr(pml_err_last(), "newer"), "newer version: %s",
		     pml_err_last());
		pml_buf_release(&v);
	}

	/* every truncation */
	n_refused = 0;
	for (i = 0; i < file.len; i++) {
		write_bytes(bad, file.buf, i);
		if (pml_model_load(&l, bad) < 0)
			n_refused++;
		else
			pml_model_release(&l);
	}
	T_EQ_INT(n_refused, file.len, "every truncated prefix refused");
	write_bytes(bad, file.buf, file.len / 2);
	pml_model_load(&l, bad);
	T_OK(strstr(pml_err_last(), "truncated") != NULL, "truncation message: %s", pml_err_last());

	/* a flipped bit in every byte (every bit of the first 64 bytes) */
	n_refused = n_total = 0;
	for (i = 0; i < file.len; i++)
		for (bit = 0; bit < 8; bit++) {
			if (i >= 64 && bit != (int)(i % 8))
				continue;
			file.buf[i] ^= (char)(1 << bit);
			write_bytes(bad, file.buf, file.len);
			file.buf[i] ^= (char)(1 << bit);
			n_total++;
			if (pml_model_load(&l, bad) < 0)
				n_refused++;
			else
				pml_model_release(&l);
		}
	T_OK(n_refused == n_total, "every flipped bit refused (%zu of %zu files)", n_refused, n_total);

	/* bytes after the end */
	{
		struct pml_buf v = PML_BUF_INIT;

		pml_buf_add(&v, file.buf, file.len);
		pml_buf_addch(&v, 0);
		write_bytes(bad, v.buf, v.len);
		T_OK(pml_model_load(&l, bad) < 0, "garbage after the end: %s", pml_err_last());
		pml_buf_release(&v);
	}
	/* a bin claiming 4 GiB, refused before any allocation */
	{
		struct pml_buf v = PML_BUF_INIT;

		pml_buf_add(&v, file.buf, 27);
		pml_buf_add(&v, "\xa5model\xc6\xff\xff\xff\xf0", 11);
		write_bytes(bad, v.buf, v.len);
		T_OK(pml_model_load(&l, bad) < 0 && strstr(pml_err_last(), "corrupt"), "absurd size: %s",
		     pml_err_last());
		pml_buf_release(&v);
	}
	/* a well-formed file whose input does not fit the network */
	pml_model_release(&m);
	make_model(&m, 5);
	pml_model_save(&m, bad);
	T_OK(pml_model_load(&l, bad) < 0 && strstr(pml_err_last(), "does not match"),
	     "dimension mismatch: %s", pml_err_last());
	pml_err_capture(0);

	pml_model_release(&m);
	pml_buf_release(&file);
	pml_buf_release(&again);
	pml_buf_release(&json);
	unlink(path);
	unlink(bad);
	snprintf(bad, sizeof(bad), "%s/again.pmlm", dir);
	unlink(bad);
	rmdir(dir);
	return t_done();
}
