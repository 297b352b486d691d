/* u-model.c: model file round trip, refusal of every kind of damaged file, training data. */
#include <fcntl.h>
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

/*
 * Refusals past the checksum. A test decodes a good model file, changes
 * one field of the document and writes it back with the checksum made
 * the way pml_model_save makes it: the last field, "crc32c", is 0xce and
 * 4 big-endian bytes holding the CRC-32C of every byte before those 4. So
 * the load gets past the checksum and reaches the check under test.
 */
struct doc {
	struct pml_buf file;        /* the bytes str and bin objects point into */
	msgpack_zone zone;
	msgpack_object root;
	msgpack_object *model, *net;
};

/* A map's value for key, writable; NULL if absent. */
static msgpack_object *
field(msgpack_object *map, const char *key)
{
	return (msgpack_object *)pml_mp_get(map, key);
}

static void
doc_open(struct doc *d, const char *path)
{
	pml_buf_init(&d->file, 0);
	slurp(path, &d->file);
	if (!msgpack_zone_init(&d->zone, 4096) ||
	    pml_mp_decode(d->file.buf, d->file.len, &d->zone, &d->root) < 0) {
		fprintf(stderr, "u-model: cannot decode %s\n", path);
		exit(1);
	}
	d->model = field(&d->root, "model");
	d->net = field(d->model, "net");
}

static void
doc_close(struct doc *d)
{
	msgpack_zone_destroy(&d->zone);
	pml_buf_release(&d->file);
}

/* The document as a model file, with a correct checksum. */
static void
doc_save(struct doc *d, const char *path)
{
	struct pml_buf b = PML_BUF_INIT;
	msgpack_object *crc = field(&d->root, "crc32c");
	msgpack_packer pk;
	uint32_t c;

	/* 0xffffffff packs as 0xce and 4 bytes, overwritten below */
	crc->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
	crc->via.u64 = 0xffffffff;
	pml_mp_packer_init_buf(&pk, &b);
	msgpack_pack_object(&pk, d->root);
	c = pml_crc32c(0, b.buf, b.len - 4);
	b.buf[b.len - 4] = (char)(c >> 24);
	b.buf[b.len - 3] = (char)(c >> 16);
	b.buf[b.len - 2] = (char)(c >> 8);
	b.buf[b.len - 1] = (char)c;
	write_bytes(path, b.buf, b.len);
	pml_buf_release(&b);
}

/* Layer i of the network, counted from 1 as the messages count. */
static msgpack_object *
layer(struct doc *d, size_t i)
{
	return &field(d->net, "layers")->via.array.ptr[i - 1];
}

static void
set_str(msgpack_object *o, const char *s, size_t n)
{
	o->type = MSGPACK_OBJECT_STR;
	o->via.str.ptr = s;
	o->via.str.size = (uint32_t)n;
}

static void
set_u64(msgpack_object *o, uint64_t v)
{
	o->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
	o->via.u64 = v;
}

static void
set_f64(msgpack_object *o, double v)
{
	o->type = MSGPACK_OBJECT_FLOAT64;
	o->via.f64 = v;
}

static void
set_nil(msgpack_object *o)
{
	o->type = MSGPACK_OBJECT_NIL;
}

/* Take key out of map (the entries after it move up). */
static void
drop(msgpack_object *map, const char *key)
{
	msgpack_object_kv *kv = map->via.map.ptr;
	uint32_t i, n = map->via.map.size;

	for (i = 0; i < n; i++)
		if (pml_mp_is_str(&kv[i].key, key))
			break;
	if (i == n) {
		fprintf(stderr, "u-model: no key '%s' to drop\n", key);
		exit(1);
	}
	memmove(&kv[i], &kv[i + 1], (n - i - 1) * sizeof(*kv));
	map->via.map.size--;
}

/* A copy of a bin in the zone, with the f32 at index i set to v. */
static void
poke_f32(struct doc *d, msgpack_object *bin, size_t i, float v)
{
	char *p = msgpack_zone_malloc(&d->zone, bin->via.bin.size);
	uint32_t u;

	memcpy(p, bin->via.bin.ptr, bin->via.bin.size);
	memcpy(&u, &v, 4);
	p[i * 4] = (char)u;   /* little-endian, as the file stores weights */
	p[i * 4 + 1] = (char)(u >> 8);
	p[i * 4 + 2] = (char)(u >> 16);
	p[i * 4 + 3] = (char)(u >> 24);
	bin->via.bin.ptr = p;
}

/* Save the edited document as path, expect the load to fail with "path: want". */
static void
refused(struct doc *d, const char *path, const char *what, const char *want)
{
	struct pml_model l;
	char full[512];
	int rc;

	doc_save(d, path);
	doc_close(d);
	snprintf(full, sizeof(full), "%s: %s", path, want);
	pml_err_clear();
	rc = pml_model_load(&l, path);
	if (rc == 0)
		pml_model_release(&l);
	T_OK(rc < 0 && !strcmp(pml_err_last(), full), "%s refused: %s", what, pml_err_last());
}

/*
 * good: a model from make_model (4 inputs; layers dense 4->5, relu,
 * dropout 0.25, dense 5->3; loss ce; classes cat, dog, bird).
 */
static void
test_edits(const char *good, const char *bad)
{
	struct doc d;
	struct pml_model l;
	msgpack_object *o, *many;
	size_t i;

	pml_err_capture(1);
	doc_open(&d, good);
	doc_save(&d, bad);
	doc_close(&d);
	T_EQ_INT(pml_model_load(&l, bad), 0, "a re-encoded file with its checksum made again loads");
	pml_model_release(&l);

	/* the document and the model map */
	doc_open(&d, good);
	/* the root map must keep its 4 keys: they are the magic */
	set_str(&d.root.via.map.ptr[2].key, "mode1", 5);
	refused(&d, bad, "no 'model'", "'model' is missing or not a map");
	doc_open(&d, good);
	set_u64(d.model, 7);
	refused(&d, bad, "a 'model' that is a number", "'model' is missing or not a map");
	doc_open(&d, good);
	set_str(field(d.model, "input"), "x", 1);
	refused(&d, bad, "an 'input' that is a str", "'input' is missing or not an array");
	doc_open(&d, good);
	drop(d.model, "chain");
	refused(&d, bad, "no 'chain'", "'chain' is missing or not an array");
	doc_open(&d, good);
	drop(d.model, "feature");
	refused(&d, bad, "no 'feature'", "'feature' is missing");
	doc_open(&d, good);
	set_str(field(d.model, "feature"), "", 0);
	refused(&d, bad, "an empty 'feature'", "'feature' is missing");
	doc_open(&d, good);
	set_u64(field(d.model, "label"), 1);
	refused(&d, bad, "a 'label' that is a number", "'label' is not a string");
	doc_open(&d, good);
	set_str(field(d.model, "label"), "y\0z", 3);
	refused(&d, bad, "a 'label' with a NUL byte", "'label' is not a string");
	doc_open(&d, good);
	set_nil(field(d.model, "label"));
	doc_save(&d, bad);
	doc_close(&d);
	T_OK(pml_model_load(&l, bad) == 0 && !l.label, "a nil 'label' loads as no label");
	pml_model_release(&l);
	doc_open(&d, good);
	drop(d.model, "classes");
	refused(&d, bad, "no 'classes'", "'classes' is missing or not an array");
	doc_open(&d, good);
	set_u64(&field(d.model, "classes")->via.array.ptr[1], 2);
	refused(&d, bad, "a class name that is a number", "class 2 is not a string");
	doc_open(&d, good);
	field(d.model, "classes")->via.array.size = 2;
	refused(&d, bad, "fewer classes than outputs", "2 classes but the network has 3 outputs");
	doc_open(&d, good);
	field(d.model, "classes")->via.array.size = 0;
	refused(&d, bad, "no class names for ce", "a cross-entropy network without class names");

	/* the network map */
	doc_open(&d, good);
	drop(d.model, "net");
	refused(&d, bad, "no 'net'", "network: bad or missing 'n_in'");
	doc_open(&d, good);
	set_u64(field(d.net, "n_in"), 0);
	refused(&d, bad, "n_in 0", "network: bad or missing 'n_in'");
	doc_open(&d, good);
	set_u64(field(d.net, "n_in"), PML_MAX_VEC_ELEMS + 1);
	refused(&d, bad, "n_in over the vector limit", "network: bad or missing 'n_in'");
	doc_open(&d, good);
	set_str(field(d.net, "n_in"), "4", 1);
	refused(&d, bad, "n_in as a str", "network: bad or missing 'n_in'");
	doc_open(&d, good);
	set_str(field(d.net, "loss"), "hinge", 5);
	refused(&d, bad, "an unknown loss", "network: unknown loss 'hinge'");
	doc_open(&d, good);
	drop(d.net, "loss");
	refused(&d, bad, "no loss", "network: unknown loss ''");
	doc_open(&d, good);
	drop(d.net, "layers");
	refused(&d, bad, "no layers", "network: bad or missing 'layers'");
	doc_open(&d, good);
	field(d.net, "layers")->via.array.size = 0;
	refused(&d, bad, "an empty layer list", "network: bad or missing 'layers'");
	doc_open(&d, good);
	/* 1025 relu layers: one over the limit */
	o = field(d.net, "layers");
	many = msgpack_zone_malloc(&d.zone, 1025 * sizeof(*many));
	for (i = 0; i < 1025; i++)
		many[i] = o->via.array.ptr[1];
	o->via.array.ptr = many;
	o->via.array.size = 1025;
	refused(&d, bad, "1025 layers", "network: bad or missing 'layers'");

	/* dense layers: shapes against the bins */
	doc_open(&d, good);
	set_u64(field(layer(&d, 4), "n_in"), 4);
	refused(&d, bad, "a dense layer whose n_in is not the width before it",
		"network: layer 4: bad shape");
	doc_open(&d, good);
	set_u64(field(layer(&d, 4), "n_out"), 0);
	refused(&d, bad, "a dense layer with n_out 0", "network: layer 4: bad shape");
	doc_open(&d, good);
	drop(layer(&d, 1), "n_out");
	refused(&d, bad, "a dense layer without n_out", "network: layer 1: bad shape");
	doc_open(&d, good);
	drop(layer(&d, 1), "w");
	refused(&d, bad, "a dense layer without w", "network: layer 1: weights do not match 5 x 4");
	doc_open(&d, good);
	set_str(field(layer(&d, 1), "w"), "w", 1);
	refused(&d, bad, "weights as a str", "network: layer 1: weights do not match 5 x 4");
	doc_open(&d, good);
	field(layer(&d, 1), "w")->via.bin.size -= 4;
	refused(&d, bad, "weights one float short", "network: layer 1: weights do not match 5 x 4");
	doc_open(&d, good);
	drop(layer(&d, 4), "b");
	refused(&d, bad, "a dense layer without b", "network: layer 4: weights do not match 3 x 5");
	doc_open(&d, good);
	field(layer(&d, 4), "b")->via.bin.size += 4;
	refused(&d, bad, "biases one float long", "network: layer 4: weights do not match 3 x 5");
	doc_open(&d, good);
	poke_f32(&d, field(layer(&d, 1), "w"), 7, NAN);
	refused(&d, bad, "a NaN weight", "network: weight 7 is not finite");
	doc_open(&d, good);
	/* layer 1 holds 4 x 5 + 5 parameters, layer 4's weights 5 x 3 */
	poke_f32(&d, field(layer(&d, 4), "b"), 0, INFINITY);
	refused(&d, bad, "an infinite bias", "network: weight 40 is not finite");

	/* other layers: types and dropout rates */
	doc_open(&d, good);
	drop(layer(&d, 2), "type");
	refused(&d, bad, "a layer without a type", "network: layer 2 has no type");
	doc_open(&d, good);
	set_u64(field(layer(&d, 2), "type"), 1);
	refused(&d, bad, "a layer type that is a number", "network: layer 2 has no type");
	doc_open(&d, good);
	set_str(field(layer(&d, 2), "type"), "softmax", 7);
	refused(&d, bad, "an unknown layer type", "network: layer 2: unknown type 'softmax'");
	doc_open(&d, good);
	/* "dense" then a NUL: a dense layer to one check and not to the other */
	set_str(field(layer(&d, 2), "type"), "dense\0", 6);
	refused(&d, bad, "a layer type with a NUL byte", "network: layer 2: type holds a NUL byte");
	doc_open(&d, good);
	drop(layer(&d, 3), "rate");
	refused(&d, bad, "a dropout layer without a rate", "network: layer 3: bad dropout rate");
	doc_open(&d, good);
	set_f64(field(layer(&d, 3), "rate"), 1.0);
	refused(&d, bad, "a dropout rate of 1", "network: layer 3: dropout rate 1 is not in [0, 1)");
	doc_open(&d, good);
	set_f64(field(layer(&d, 3), "rate"), -0.5);
	refused(&d, bad, "a negative dropout rate",
		"network: layer 3: dropout rate -0.5 is not in [0, 1)");
	doc_open(&d, good);
	/* under 1 as a double, 1 once it is a float */
	set_f64(field(layer(&d, 3), "rate"), 0.99999999999);
	refused(&d, bad, "a dropout rate that rounds to 1",
		"network: layer 3: dropout rate 1 is not in [0, 1)");
	doc_open(&d, good);
	set_u64(field(layer(&d, 3), "rate"), 0);
	doc_save(&d, bad);
	doc_close(&d);
	T_OK(pml_model_load(&l, bad) == 0 && l.net->layer[2].rate == 0,
	     "an integer dropout rate 0 loads");
	pml_model_release(&l);
	pml_err_capture(0);
}

/* A regression model: f32[4] x, dense 4->5, relu, dense 5->1, mse; no label, classes or meta. */
static void
make_reg_model(struct pml_model *m)
{
	struct pml_column *c;
	uint32_t dim[1] = { 4 };
	size_t hidden = 5;
	enum pml_act act = PML_ACT_RELU;

	pml_model_init(m);
	c = pml_schema_add(&m->input, "x", PML_TYPE_VEC);
	pml_column_set_vec(c, PML_ELEM_F32, 1, dim);
	m->feature = strdup("x");
	m->net = pml_net_mlp(4, &hidden, &act, 1, 0, 1, PML_LOSS_MSE);
	pml_net_init(m->net, PML_INIT_HE, 5);
}

/* Other model shapes, the size limit, and saves that are refused. */
static void
test_shapes(const char *dir)
{
	char path[256], big[256], missing[256], want[300];
	struct pml_model m, l;
	struct pml_buf json = PML_BUF_INIT, step = PML_BUF_INIT;
	msgpack_packer pk;
	struct doc d;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/shape.pmlm", dir);
	make_reg_model(&m);
	T_EQ_INT(pml_model_save(&m, path), 0, "regression model saved");
	T_OK(pml_model_load(&l, path) == 0 && !l.label && !l.n_class &&
	     l.meta.len == 1 && (unsigned char)l.meta.buf[0] == 0x80 &&
	     l.net->n_out == 1 && l.net->loss == PML_LOSS_MSE,
	     "regression model without label or classes loads, its meta an empty map");
	pml_model_meta_json(&l, &json);
	T_OK(strstr(json.buf, "\"label\":null") && strstr(json.buf, "\"classes\":[]") &&
	     strstr(json.buf, "\"meta\":{}"), "its JSON: %.300s", json.buf);
	pml_model_release(&l);
	pml_err_capture(1);
	doc_open(&d, path);
	set_str(field(d.net, "loss"), "ce", 2);
	refused(&d, path, "cross-entropy over one output",
		"network: loss 'ce' needs 2 or more outputs, the last layer has 1");
	pml_err_capture(0);
	pml_model_release(&m);

	/* a chain: the feature column comes out of it, not out of the input */
	make_model(&m, 4);
	pml_schema_release(&m.input);
	pml_schema_init(&m.input);
	pml_schema_add(&m.input, "raw", PML_TYPE_STR);
	pml_mp_packer_init_buf(&pk, &step);
	msgpack_pack_map(&pk, 1);
	pml_mp_pack_cstr(&pk, "op");
	pml_mp_pack_cstr(&pk, "test-step");
	pml_rawlist_add(&m.chain, step.buf, step.len);
	T_EQ_INT(pml_model_save(&m, path), 0, "model with a chain saved");
	T_OK(pml_model_load(&l, path) == 0 && l.chain.n == 1 && l.chain.bytes.len == step.len &&
	     !memcmp(l.chain.bytes.buf, step.buf, step.len) && l.input.n_col == 1,
	     "its chain and input round trip; the feature is not looked for in the input");
	pml_model_release(&l);
	pml_model_release(&m);

	pml_err_capture(1);
	pml_err_clear();
	make_model(&m, 4);
	pml_net_free(m.net);
	m.net = NULL;
	T_OK(pml_model_save(&m, path) < 0 && !strncmp(pml_err_last(), path, strlen(path)) &&
	     !strcmp(pml_err_last() + strlen(path), ": model has no network or no feature column"),
	     "a model without a network is not saved: %s", pml_err_last());
	pml_model_release(&m);
	make_model(&m, 4);
	snprintf(missing, sizeof(missing), "%s/no/such/dir/m.pmlm", dir);
	pml_err_clear();
	snprintf(want, sizeof(want), "cannot create '%s': ", missing);
	T_OK(pml_model_save(&m, missing) < 0 && !strncmp(pml_err_last(), want, strlen(want)),
	     "a model is not saved into a missing directory: %s", pml_err_last());
	pml_model_release(&m);

	/* over 2 GiB, refused from its size (a sparse file: no disk used) */
	snprintf(big, sizeof(big), "%s/big.pmlm", dir);
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rc = fd >= 0 ? ftruncate(fd, ((off_t)1 << 31) + 1) : -1;
	if (fd >= 0)
		close(fd);
	pml_err_clear();
	T_OK(rc == 0 && pml_model_load(&l, big) < 0 && !strncmp(pml_err_last(), big, strlen(big)) &&
	     !strcmp(pml_err_last() + strlen(big), ": model file of 2147483649 bytes is over the limit"),
	     "a model file over 2 GiB refused before reading: %s", pml_err_last());
	pml_err_capture(0);
	unlink(big);
	unlink(path);
	pml_buf_release(&json);
	pml_buf_release(&step);
}

struct row {
	int x_nil, y_nil;
	long long y;
};

/*
 * A stream with x f32[4] and, if label, y int with n_class names (none if
 * 0), one record per row.
 */
static void
small_stream(const char *path, int label, size_t n_class, char **classes, const struct row *rows,
	     size_t n)
{
	struct pml_header h;
	struct pml_out out;
	struct pml_writer *w;
	struct pml_column *c;
	uint32_t dim[1] = { 4 };
	float x[4] = { 1, 2, 3, 4 };
	size_t i;

	pml_header_init(&h);
	c = pml_schema_add(&h.schema, "x", PML_TYPE_VEC);
	pml_column_set_vec(c, PML_ELEM_F32, 1, dim);
	if (label) {
		c = pml_schema_add(&h.schema, "y", PML_TYPE_INT);
		c->role = PML_ROLE_LABEL;
		if (n_class)
			pml_column_set_classes(c, n_class, classes);
	}
	pml_out_open(&out, path);
	w = pml_writer_new(&out, &h);
	for (i = 0; i < n; i++) {
		struct pml_value v[2];

		memset(v, 0, sizeof(v));
		v[0].kind = rows[i].x_nil ? PML_NIL : PML_VEC;
		v[0].u.s.ptr = (const char *)x;
		v[0].u.s.len = sizeof(x);
		v[1].kind = rows[i].y_nil ? PML_NIL : PML_INT;
		v[1].u.i = rows[i].y;
		pml_writer_put(w, v);
	}
	pml_writer_finish(w, NULL, 0);
	pml_writer_free(w);
	pml_out_close(&out);
	pml_header_release(&h);
}

/* pml_dataset_read(path) with feature, label and like; 1 if refused with "path: want". */
static int
ds_refused(const char *path, const char *feature, const char *label,
	   const struct pml_dataset *like, const char *want)
{
	struct pml_dataset ds;
	char *paths[1] = { (char *)path };
	char full[512];

	snprintf(full, sizeof(full), "%s: %s", path, want);
	pml_err_clear();
	if (pml_dataset_read(&ds, 1, paths, feature, label, like) == 0) {
		pml_dataset_release(&ds);
		return 0;
	}
	if (strcmp(pml_err_last(), full))
		printf("# got: %s\n# want: %s\n", pml_err_last(), full);
	return !strcmp(pml_err_last(), full);
}

static void
test_dataset(const char *dir)
{
	char tr_p[256], va_p[256], p[256], fd_path[64], *paths[1];
	char *abc[3] = { "a", "b", "c" }, *abx[3] = { "a", "b", "x" }, *bac[3] = { "b", "a", "c" };
	struct pml_dataset tr, va, ds;
	struct row rows[3];
	struct pml_buf b = PML_BUF_INIT;
	size_t i, ok;
	int fds[2];
	ssize_t got;

	memset(rows, 0, sizeof(rows));
	snprintf(tr_p, sizeof(tr_p), "%s/tr.mp", dir);
	snprintf(va_p, sizeof(va_p), "%s/va.mp", dir);
	snprintf(p, sizeof(p), "%s/ds.mp", dir);
	gen("blobs", 50, 1, tr_p);
	gen("blobs", 20, 2, va_p);
	paths[0] = tr_p;
	T_EQ_INT(pml_dataset_read(&tr, 1, paths, NULL, NULL, NULL), 0, "blobs read");
	for (i = 0, ok = 1; i < tr.d.n; i++)
		ok &= tr.cls[i] < 3;
	T_OK(tr.d.n == 50 && tr.d.n_in == 4 && tr.n_class == 3 && !strcmp(tr.classes[2], "c") &&
	     !strcmp(tr.feature, "x") && !strcmp(tr.label, "y") && !tr.y && ok,
	     "50 records of f32[4] with classes a, b, c");
	paths[0] = va_p;
	T_OK(pml_dataset_read(&va, 1, paths, NULL, NULL, &tr) == 0 && va.d.n == 20,
	     "validation data like the training data");
	T_OK(pml_dataset_fingerprint(&tr) == pml_dataset_fingerprint(&tr) &&
	     pml_dataset_fingerprint(&tr) != pml_dataset_fingerprint(&va), "fingerprints");

	gen("reg", 30, 3, p);
	paths[0] = p;
	T_OK(pml_dataset_read(&ds, 1, paths, NULL, NULL, NULL) == 0 && ds.d.n == 30 &&
	     ds.d.n_in == 3 && ds.y && !ds.cls && !ds.n_class, "regression data: float labels");
	pml_dataset_release(&ds);
	gen("blobs-u8", 10, 4, p);
	T_OK(pml_dataset_read(&ds, 1, paths, NULL, NULL, NULL) == 0 && ds.d.n == 10 &&
	     ds.x[0] == (float)(unsigned char)ds.x[0], "u8 vectors read as floats");
	pml_dataset_release(&ds);
	gen("intlabel", 30, 5, p);
	T_OK(pml_dataset_read(&ds, 1, paths, NULL, NULL, NULL) == 0 && ds.n_class == 3 &&
	     !strcmp(ds.classes[0], "0") && !strcmp(ds.classes[2], "2"),
	     "unnamed classes become \"0\"..\"2\"");
	pml_dataset_release(&va);
	T_OK(pml_dataset_read(&va, 1, paths, NULL, NULL, &ds) == 0 && va.n_class == 3,
	     "unnamed classes like the training data's");
	pml_dataset_release(&va);
	pml_dataset_release(&ds);

	pml_err_capture(1);
	gen("wide", 5, 6, p);
	T_OK(ds_refused(p, NULL, NULL, &tr, "columns 'x' and 'y' do not match the training data's"),
	     "another vector size than the training data's: %s", pml_err_last());
	gen("reg", 5, 6, p);
	T_OK(ds_refused(p, "nope", NULL, NULL, "--features: no column 'nope'"),
	     "a feature column that is not there: %s", pml_err_last());
	gen("float-x", 5, 6, p);
	T_OK(ds_refused(p, NULL, NULL, NULL, "no vec feature column: name one with --features"),
	     "no vec column: %s", pml_err_last());
	T_OK(ds_refused(p, "x", NULL, NULL, "column 'x' is float, features must be a vec"),
	     "a float feature column: %s", pml_err_last());
	gen("blobs", 5, 6, p);
	T_OK(ds_refused(p, NULL, "id", NULL,
			"label column 'id' is str: int (classes) or float (regression) expected"),
	     "a str label column: %s", pml_err_last());
	gen("blobs", 0, 6, p);
	T_OK(ds_refused(p, NULL, NULL, NULL, "no records"), "no records: %s", pml_err_last());

	small_stream(p, 0, 0, NULL, rows, 0);
	T_OK(ds_refused(p, NULL, NULL, NULL, "no label column: name one with --label"),
	     "no label column: %s", pml_err_last());
	small_stream(p, 1, 3, abx, rows, 1);
	T_OK(ds_refused(p, NULL, NULL, &tr,
			"label column 'y': classes differ from the training data's ('x' is not one of the training data's)"),
	     "other class names than the training data's: %s", pml_err_last());
	small_stream(p, 1, 3, bac, rows, 1);
	T_OK(ds_refused(p, NULL, NULL, &tr,
			"label column 'y': classes differ from the training data's (the same classes in another order: "
			"class 1 is 'b' here, 'a' in the training data)"),
	     "the training data's classes in another order: %s", pml_err_last());
	small_stream(p, 1, 2, abc, rows, 1);
	T_OK(ds_refused(p, NULL, NULL, &tr,
			"label column 'y': classes differ from the training data's (2 vs 3)"),
	     "fewer classes than the training data: %s", pml_err_last());
	rows[1].x_nil = 1;
	small_stream(p, 1, 3, abc, rows, 2);
	T_OK(ds_refused(p, NULL, NULL, NULL, "record 2, column 'x': missing value"),
	     "a nil feature: %s", pml_err_last());
	rows[1].x_nil = 0;
	rows[2].y_nil = 1;
	small_stream(p, 1, 3, abc, rows, 3);
	T_OK(ds_refused(p, NULL, NULL, NULL, "record 3, column 'y': missing value"),
	     "a nil label: %s", pml_err_last());
	rows[2].y_nil = 0;
	rows[0].y = 3;
	small_stream(p, 1, 3, abc, rows, 1);
	T_OK(ds_refused(p, NULL, NULL, NULL, "record 1, column 'y': class 3 out of range"),
	     "a class past the names: %s", pml_err_last());
	rows[0].y = -1;
	small_stream(p, 1, 0, NULL, rows, 1);
	T_OK(ds_refused(p, NULL, NULL, NULL, "record 1, column 'y': class -1 out of range"),
	     "a negative class: %s", pml_err_last());
	rows[0].y = 3;
	small_stream(p, 1, 0, NULL, rows, 1);
	gen("intlabel", 10, 5, va_p);
	paths[0] = va_p;
	pml_dataset_read(&va, 1, paths, NULL, NULL, NULL);
	T_OK(ds_refused(p, NULL, NULL, &va, "record 1, column 'y': class 3 out of range"),
	     "a class past the training data's unnamed classes: %s", pml_err_last());
	pml_dataset_release(&va);
	rows[0].y = 1000000;
	small_stream(p, 1, 0, NULL, rows, 1);
	T_OK(ds_refused(p, NULL, NULL, NULL, "label column 'y' is an int without class names whose values run up to 1000000, so it would make 1000001 classes for 1 records; if it is a quantity, train a regression: read it as float (pml-collect --type y=float)"),
	     "a million and one unnamed classes: %s", pml_err_last());

	/*
	 * From a pipe no file size bounds the rows: the matrix starts at 1024
	 * rows and doubles. The whole stream must fit in the pipe's buffer.
	 */
	gen("blobs", 1100, 7, p);
	slurp(p, &b);
	if (pipe(fds) == 0) {
		fcntl(fds[1], F_SETFL, O_NONBLOCK);
		got = write(fds[1], b.buf, b.len);
		close(fds[1]);
		snprintf(fd_path, sizeof(fd_path), "/dev/fd/%d", fds[0]);
		paths[0] = fd_path;
		if (got == (ssize_t)b.len)
			T_OK(pml_dataset_read(&ds, 1, paths, NULL, NULL, NULL) == 0 && ds.d.n == 1100 &&
			     ds.m_row == 2048, "1100 records from a pipe: %zu rows allocated", ds.m_row);
		else
			T_OK(1, "# SKIP the pipe holds %zd of %zu bytes", got, b.len);
		close(fds[0]);
		pml_dataset_release(&ds);
	}
	pml_buf_reset(&b);

	/* a stream cut short: the reader's message */
	slurp(tr_p, &b);
	write_bytes(p, b.buf, b.len - 3);
	paths[0] = p;
	pml_err_clear();
	T_OK(pml_dataset_read(&ds, 1, paths, NULL, NULL, NULL) < 0 && strstr(pml_err_last(), p),
	     "a truncated stream: %s", pml_err_last());
	snprintf(p, sizeof(p), "%s/none.mp", dir);
	pml_err_clear();
	T_OK(pml_dataset_read(&ds, 1, paths, NULL, NULL, NULL) < 0 && strstr(pml_err_last(), p),
	     "a missing file: %s", pml_err_last());
	pml_err_capture(0);

	pml_dataset_release(&tr);
	pml_buf_release(&b);
	unlink(tr_p);
	unlink(va_p);
	snprintf(p, sizeof(p), "%s/ds.mp", dir);
	unlink(p);
}

/* The JSON from "meta" on, for messages. */
static const char *
meta_part(const struct pml_buf *json)
{
	const char *p = strstr(json->buf, "\"meta\"");

	return p ? p : json->buf;
}

/* A model filled from training data and results, saved and loaded back. */
static void
test_from_training(const char *dir)
{
	char tr_p[256], p[256], *paths[1];
	struct pml_dataset tr, va;
	struct pml_train_opts o;
	struct pml_train_result res;
	struct pml_train_meta tm;
	struct pml_model m, l;
	struct pml_buf json = PML_BUF_INIT;
	size_t hidden = 5;
	enum pml_act act = PML_ACT_TANH;
	char fp[40];

	snprintf(tr_p, sizeof(tr_p), "%s/tr.mp", dir);
	snprintf(p, sizeof(p), "%s/trained.pmlm", dir);
	paths[0] = tr_p;
	gen("blobs", 40, 11, tr_p);
	pml_dataset_read(&tr, 1, paths, NULL, NULL, NULL);
	gen("blobs", 10, 12, tr_p);
	pml_dataset_read(&va, 1, paths, NULL, NULL, &tr);

	pml_train_opts_init(&o);
	memset(&res, 0, sizeof(res));
	res.epochs_run = 3;
	res.train_loss = 0.5;
	res.train_acc = 0.75;
	res.val_loss = NAN;
	res.val_acc = NAN;
	memset(&tm, 0, sizeof(tm));
	tm.command = "pml-train -o trained.pmlm";
	tm.seed = 7;
	tm.threads = 1;
	tm.opts = &o;
	tm.res = &res;
	tm.init = PML_INIT_XAVIER;
	tm.hidden = &hidden;
	tm.act = &act;
	tm.n_hidden = 1;
	tm.train = &tr;
	pml_model_from_training(&m, pml_net_mlp(4, &hidden, &act, 1, 0, 3, PML_LOSS_SOFTMAX_CE), &tm);
	T_EQ_INT(pml_model_save(&m, p), 0, "a model from training saved");
	T_OK(pml_model_load(&l, p) == 0 && l.n_class == 3 && !strcmp(l.classes[1], "b") &&
	     !strcmp(l.label, "y") && !l.chain.n && l.input.n_col == 3,
	     "and loaded: classes, label and the stream's schema as input");
	pml_model_meta_json(&l, &json);
	snprintf(fp, sizeof(fp), "\"data_fingerprint\":\"%016llx\"",
		 (unsigned long long)pml_dataset_fingerprint(&tr));
	T_OK(strstr(json.buf, "\"tool\":\"pml-train\"") && strstr(json.buf, "\"seed\":7") &&
	     strstr(json.buf, "\"preset\":null") && strstr(json.buf, "\"activation\":[\"tanh\"]") &&
	     strstr(json.buf, "\"nesterov\":false") && strstr(json.buf, "\"validation\":null") &&
	     strstr(json.buf, "\"train\":{\"records\":40,") && strstr(json.buf, fp),
	     "its metadata: %.400s", meta_part(&json));
	pml_model_release(&l);
	pml_model_release(&m);

	/* with validation data, a preset, no command; a NaN becomes null */
	pml_buf_reset(&json);
	o.nesterov = 1;
	res.best_epoch = 2;
	res.val_loss = 0.25;
	tm.command = NULL;
	tm.preset = "small";
	tm.val = &va;
	pml_model_from_training(&m, pml_net_mlp(4, &hidden, &act, 1, 0, 3, PML_LOSS_SOFTMAX_CE), &tm);
	pml_model_meta_json(&m, &json);
	T_OK(strstr(json.buf, "\"command\":\"\"") && strstr(json.buf, "\"preset\":\"small\"") &&
	     strstr(json.buf, "\"nesterov\":true") &&
	     strstr(json.buf, "\"validation\":{\"records\":10,\"loss\":0.25,\"accuracy\":null}"),
	     "metadata with validation data: %.400s", meta_part(&json));
	pml_model_release(&m);
	pml_dataset_release(&va);
	pml_dataset_release(&tr);

	/* a chained stream: the chain's input; then a regression model */
	gen("chained", 20, 13, tr_p);
	pml_dataset_read(&tr, 1, paths, NULL, NULL, NULL);
	tm.val = NULL;
	tm.train = &tr;
	pml_model_from_training(&m, pml_net_mlp(4, &hidden, &act, 1, 0, 3, PML_LOSS_SOFTMAX_CE), &tm);
	T_OK(pml_model_save(&m, p) == 0 && pml_model_load(&l, p) == 0 && l.chain.n == 1 &&
	     l.input.n_col == 3 && !strcmp(l.input.col[1].name, "x_raw"),
	     "a chained stream: the model's input is the chain's input");
	pml_model_release(&l);
	pml_model_release(&m);
	pml_dataset_release(&tr);
	gen("reg", 20, 14, tr_p);
	pml_dataset_read(&tr, 1, paths, NULL, NULL, NULL);
	tm.train = &tr;
	pml_model_from_training(&m, pml_net_mlp(3, &hidden, &act, 1, 0, 1, PML_LOSS_MSE), &tm);
	T_OK(pml_model_save(&m, p) == 0 && pml_model_load(&l, p) == 0 && !l.n_class &&
	     l.net->loss == PML_LOSS_MSE, "a regression model from training");
	pml_model_release(&l);
	pml_model_release(&m);
	pml_dataset_release(&tr);
	pml_buf_release(&json);
	unlink(tr_p);
	unlink(p);
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
	test_edits(path, bad);
	test_shapes(dir);
	test_dataset(dir);
	test_from_training(dir);

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
