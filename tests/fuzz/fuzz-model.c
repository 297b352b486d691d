/*
 * fuzz-model.c: libFuzzer target for the model loader (pml_model_load),
 * and for what the tools do next with a model that loads: its metadata as
 * JSON (pml-cat) and a predictor over its own input schema, fed one record
 * (pml-eval, pml-serve-stdin).
 *
 * A mutated file almost never keeps a valid CRC-32C, so the loader would
 * stop at the checksum. When the input ends like a model file (0xce and
 * four bytes), it is loaded once as it is and, if its checksum is wrong,
 * once more with the checksum made right, so that the parser behind the
 * check is fuzzed too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/buf.h"
#include "pml/err.h"
#include "pml/model.h"
#include "pml/mp.h"
#include "pml/predict.h"
#include "fuzz.h"

/* vec columns larger than this are not filled in for the sample record */
#define MAX_SAMPLE_BYTES ((size_t)1 << 20)

/*
 * One record of schema s: a plain value in every column but the label (nil),
 * vectors of zeros (*zeros, caller frees). NULL if a vector is too big.
 */
static struct pml_value *
sample_record(const struct pml_schema *s, unsigned char **zeros)
{
	struct pml_value *v;
	size_t i, most = 1;

	for (i = 0; i < s->n_col; i++) {
		const struct pml_column *c = &s->col[i];

		if (c->type != PML_TYPE_VEC)
			continue;
		if (c->n_elem > MAX_SAMPLE_BYTES / 4)
			return NULL;
		if (c->n_elem * pml_elem_size(c->elem) > most)
			most = c->n_elem * pml_elem_size(c->elem);
	}
	*zeros = calloc(1, most);
	v = calloc(s->n_col ? s->n_col : 1, sizeof(*v));
	if (!*zeros || !v) {
		free(*zeros);
		free(v);
		return NULL;
	}
	for (i = 0; i < s->n_col; i++) {
		const struct pml_column *c = &s->col[i];

		if (c->role == PML_ROLE_LABEL)
			continue;       /* nil: served records need no label */
		switch (c->type) {
		case PML_TYPE_BOOL:
			v[i].kind = PML_BOOL;
			v[i].u.b = 1;
			break;
		case PML_TYPE_INT:
			v[i].kind = PML_INT;
			v[i].u.i = 0;
			break;
		case PML_TYPE_FLOAT:
			v[i].kind = PML_FLOAT;
			v[i].u.f = 0.5;
			break;
		case PML_TYPE_STR:
			v[i].kind = PML_STR;
			v[i].u.s.ptr = "a";
			v[i].u.s.len = 1;
			break;
		case PML_TYPE_VEC:
			v[i].kind = PML_VEC;
			v[i].u.s.ptr = (const char *)*zeros;
			v[i].u.s.len = c->n_elem * pml_elem_size(c->elem);
			break;
		}
	}
	return v;
}

/* What pml-eval and pml-serve-stdin do with a model: predict one record. */
static void
predict_one(const struct pml_model *m)
{
	struct pml_predictor *p = pml_predictor_new(m, &m->input, 1);
	struct pml_buf b = PML_BUF_INIT;
	unsigned char *zeros = NULL;
	struct pml_value *rec;
	const float *out;
	size_t n_out;

	if (!p)
		return;
	rec = sample_record(&m->input, &zeros);
	if (rec && pml_predictor_add(p, rec) == 0 && pml_predictor_run(p) == 0) {
		out = pml_predictor_output(p, 0, &n_out);
		pml_predict_format_json(&b, m, out, n_out, m->n_class > 1 ? 2 : 0);
	}
	pml_buf_release(&b);
	free(rec);
	free(zeros);
	pml_predictor_free(p);
}

static void
load(const char *path)
{
	struct pml_model m;
	struct pml_buf b = PML_BUF_INIT;

	if (pml_model_load(&m, path) == 0) {
		pml_model_meta_json(&m, &b);
		predict_one(&m);
		pml_model_release(&m);
	}
	pml_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[256];
	unsigned char *fixed;
	uint32_t crc;

	if (fuzz_file(path, sizeof(path), "model", data, size) < 0)
		return 0;
	pml_err_capture(1);
	load(path);
	if (size < 5 || data[size - 5] != 0xce)
		return 0;
	crc = pml_crc32c(0, data, size - 4);
	fixed = malloc(size);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	fixed[size - 4] = (unsigned char)(crc >> 24);
	fixed[size - 3] = (unsigned char)(crc >> 16);
	fixed[size - 2] = (unsigned char)(crc >> 8);
	fixed[size - 1] = (unsigned char)crc;
	if (memcmp(fixed + size - 4, data + size - 4, 4) &&
	    fuzz_file(path, sizeof(path), "model", fixed, size) == 0)
		load(path);
	free(fixed);
	return 0;
}
