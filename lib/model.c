/*
 * model.c: the model file, pml-model(5).
 *
 * The file is one msgpack map with four keys in this order:
 *     {"format": "pml-model", "version": 1, "model": {...}, "crc32c": u32}
 * The crc32c value is always written as 0xce and 4 big-endian bytes, the
 * last 5 bytes of the file, and is the CRC-32C of every byte before those
 * 4. The fixed prefix doubles as the magic number.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pml/alloc.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/mat.h"
#include "pml/model.h"
#include "pml/mp.h"
#include "pml/nn.h"
#include "pml/render.h"
#include "pml/transform.h"

/* fixmap(4), "format", "pml-model", "version": the magic, then the version fixint */
static const unsigned char magic[] = "\x84\xa6" "format" "\xa9" "pml-model" "\xa7" "version";
#define MAGIC_LEN (sizeof(magic) - 1)
#define MODEL_MAX_FILE ((size_t)1 << 31)
#define MODEL_MAX_LAYERS 1024

void
pml_model_init(struct pml_model *m)
{
	memset(m, 0, sizeof(*m));
	pml_schema_init(&m->input);
	pml_rawlist_init(&m->chain);
	pml_buf_init(&m->meta, 0);
}

void
pml_model_release(struct pml_model *m)
{
	pml_schema_release(&m->input);
	pml_rawlist_release(&m->chain);
	free(m->feature);
	free(m->label);
	pml_names_free(m->n_class, m->classes);
	pml_net_free(m->net);
	pml_buf_release(&m->meta);
	pml_model_init(m);
}

int
pml_model_sniff(const void *p, size_t n)
{
	return n >= MAGIC_LEN && !memcmp(p, magic, MAGIC_LEN);
}

static int
host_is_le(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 1;
}

static void
pack_f32le(msgpack_packer *pk, const float *v, size_t n)
{
	size_t i;

	msgpack_pack_bin(pk, n * 4);
	if (host_is_le()) {
		msgpack_pack_bin_body(pk, v, n * 4);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char b[4], t;

		memcpy(b, &v[i], 4);
		t = b[0], b[0] = b[3], b[3] = t;
		t = b[1], b[1] = b[2], b[2] = t;
		msgpack_pack_bin_body(pk, b, 4);
	}
}

static void
unpack_f32le(float *dst, const char *src, size_t n)
{
	size_t i;

	memcpy(dst, src, n * 4);
	if (host_is_le())
		return;
	for (i = 0; i < n; i++) {
		unsigned char *b = (unsigned char *)&dst[i], t;

		t = b[0], b[0] = b[3], b[3] = t;
		t = b[1], b[1] = b[2], b[2] = t;
	}
}

/* A dense layer's weights in the file's order (output by output). */
static void
pack_dense_w(msgpack_packer *pk, const struct pml_layer *l)
{
	float *t = pml_xmallocarray(l->n_out, l->n_in * sizeof(float));

	pml_dense_get_w(l, t);
	pack_f32le(pk, t, l->n_out * l->n_in);
	free(t);
}

/*
 * A dense layer's weights (file order, output by output) and biases; -1 if
 * one is not finite, *bad its index among all the network's parameters in
 * file order.
 */
static int
unpack_dense(struct pml_layer *l, const char *w, const char *b, size_t *bad)
{
	size_t j, nw = l->n_out * l->n_in;
	float *t = pml_xmallocarray(l->n_out, l->n_in * sizeof(float));
	int rc = 0;

	unpack_f32le(t, w, nw);
	unpack_f32le(l->b, b, l->n_out);
	for (j = 0; j < nw + l->n_out && !rc; j++)
		if (!isfinite(j < nw ? t[j] : l->b[j - nw])) {
			*bad = l->off + j;
			rc = -1;
		}
	pml_dense_set_w(l, t);
	free(t);
	return rc;
}
/* The network: {"n_in", "loss", "layers": [{"type", ...}]}; weights only if with_weights. */
static void
pack_net(msgpack_packer *pk, const struct pml_net *net, int with_weights)
{
	size_t i;

	msgpack_pack_map(pk, with_weights ? 3 : 5);
	pml_mp_pack_cstr(pk, "n_in");
	msgpack_pack_uint64(pk, net->n_in);
	pml_mp_pack_cstr(pk, "loss");
	pml_mp_pack_cstr(pk, pml_loss_name(net->loss));
	if (!with_weights) {
		pml_mp_pack_cstr(pk, "n_out");
		msgpack_pack_uint64(pk, net->n_out);
		pml_mp_pack_cstr(pk, "n_params");
		msgpack_pack_uint64(pk, net->n_param);
	}
	pml_mp_pack_cstr(pk, "layers");
	msgpack_pack_array(pk, net->n_layer);
	for (i = 0; i < net->n_layer; i++) {
		const struct pml_layer *l = &net->layer[i];

		switch (l->kind) {
		case PML_LAYER_DENSE:
			msgpack_pack_map(pk, 3 + (with_weights ? 2 : 0));
			pml_mp_pack_cstr(pk, "type");
			pml_mp_pack_cstr(pk, l->ops->name);
			pml_mp_pack_cstr(pk, "n_in");
			msgpack_pack_uint64(pk, l->n_in);
			pml_mp_pack_cstr(pk, "n_out");
			msgpack_pack_uint64(pk, l->n_out);
			if (with_weights) {
				pml_mp_pack_cstr(pk, "w");
				pack_dense_w(pk, l);
				pml_mp_pack_cstr(pk, "b");
				pack_f32le(pk, l->b, l->n_out);
			}
			break;
		case PML_LAYER_DROPOUT:
			msgpack_pack_map(pk, 2);
			pml_mp_pack_cstr(pk, "type");
			pml_mp_pack_cstr(pk, l->ops->name);
			pml_mp_pack_cstr(pk, "rate");
			msgpack_pack_double(pk, (double)l->rate);
			break;
		default:
			msgpack_pack_map(pk, 1);
			pml_mp_pack_cstr(pk, "type");
			pml_mp_pack_cstr(pk, l->ops->name);
			break;
		}
	}
}

static void
pack_names(msgpack_packer *pk, size_t n, char *const *names)
{
	size_t i;

	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++)
		pml_mp_pack_cstr(pk, names[i]);
}

/* The "model" map; with_weights 0 gives the summary used for JSON. */
static int
pack_model(struct pml_buf *b, const struct pml_model *m, int with_weights)
{
	msgpack_packer pk;

	pml_mp_packer_init_buf(&pk, b);
	msgpack_pack_map(&pk, 7);
	pml_mp_pack_cstr(&pk, "input");
	pml_schema_pack(&m->input, &pk);
	pml_mp_pack_cstr(&pk, "chain");
	msgpack_pack_array(&pk, m->chain.n);
	pml_buf_add(b, m->chain.bytes.buf, m->chain.bytes.len);
	pml_mp_pack_cstr(&pk, "feature");
	pml_mp_pack_cstr(&pk, m->feature ? m->feature : "");
	pml_mp_pack_cstr(&pk, "label");
	if (m->label)
		pml_mp_pack_cstr(&pk, m->label);
	else
		msgpack_pack_nil(&pk);
	pml_mp_pack_cstr(&pk, "classes");
	pack_names(&pk, m->n_class, m->classes);
	pml_mp_pack_cstr(&pk, "net");
	pack_net(&pk, m->net, with_weights);
	pml_mp_pack_cstr(&pk, "meta");
	if (m->meta.len)
		pml_buf_add(b, m->meta.buf, m->meta.len);
	else
		msgpack_pack_map(&pk, 0);
	return 0;
}

int
pml_model_save(const struct pml_model *m, const char *path)
{
	struct pml_buf b = PML_BUF_INIT;
	struct pml_out out;
	msgpack_packer pk;
	unsigned char tail[5];
	uint32_t crc;
	int rc;

	if (!m->net || !m->feature)
		return pml_error("%s: model has no network or no feature column", path);
	pml_buf_add(&b, magic, MAGIC_LEN);
	pml_mp_packer_init_buf(&pk, &b);
	msgpack_pack_uint32(&pk, PML_MODEL_VERSION);
	pml_mp_pack_cstr(&pk, "model");
	pack_model(&b, m, 1);
	pml_mp_pack_cstr(&pk, "crc32c");
	pml_buf_addch(&b, 0xce);
	crc = pml_crc32c(0, b.buf, b.len);
	tail[0] = (unsigned char)(crc >> 24);
	tail[1] = (unsigned char)(crc >> 16);
	tail[2] = (unsigned char)(crc >> 8);
	tail[3] = (unsigned char)crc;
	pml_buf_add(&b, tail, 4);
	if (pml_out_open(&out, path) < 0) {
		pml_buf_release(&b);
		return -1;
	}
	pml_out_write(&out, b.buf, b.len);
	rc = pml_out_close(&out);
	pml_buf_release(&b);
	return rc;
}

static int
read_file(const char *path, struct pml_buf *b)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	size_t got = 0;

	if (fd < 0)
		return pml_error_errno("%s", path);
	if (fstat(fd, &st) < 0) {
		pml_error_errno("%s", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		pml_error("%s: not a regular file", path);
		goto fail;
	}
	if ((uint64_t)st.st_size > MODEL_MAX_FILE) {
		pml_error("%s: model file of %lld bytes is over the limit", path, (long long)st.st_size);
		goto fail;
	}
	pml_buf_grow(b, (size_t)st.st_size);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b->buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			pml_error_errno("%s", path);
			goto fail;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got) {
		b->len = got;
		b->buf[got] = 0;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

static int
get_size(const msgpack_object *o, size_t max, size_t *v)
{
	uint64_t u;

	if (pml_mp_u64(o, &u) < 0 || u > max)
		return -1;
	*v = (size_t)u;
	return 0;
}

/*
 * Check layer i (from 0) whose input is *width wide, and set *width to its
 * output: a known type, a dense layer's shape against its bins, a dropout
 * rate in [0, 1). So load_net's second pass, whose pml_net_add_* messages
 * name no file, fails only on nn.c's limits for a dense layer (over 2^24
 * wide: a file of 64 MiB or more).
 */
static int
check_layer(const msgpack_object *l, size_t i, size_t *width, const char *path)
{
	const msgpack_object *t = pml_mp_get(l, "type"), *w, *b;
	const char *p;
	size_t n, li, lo;
	enum pml_act act;
	double rate;
	char *s;
	int rc = 0;

	if (pml_mp_str(t, &p, &n) < 0)
		return pml_error("%s: network: layer %zu has no type", path, i + 1);
	if (memchr(p, '\0', n))
		return pml_error("%s: network: layer %zu: type holds a NUL byte", path, i + 1);
	if (pml_mp_is_str(t, "dense")) {
		if (get_size(pml_mp_get(l, "n_in"), PML_MAX_VEC_ELEMS, &li) < 0 ||
		    get_size(pml_mp_get(l, "n_out"), PML_MAX_VEC_ELEMS, &lo) < 0 || li != *width || !lo)
			return pml_error("%s: network: layer %zu: bad shape", path, i + 1);
		w = pml_mp_get(l, "w");
		b = pml_mp_get(l, "b");
		if (!w || w->type != MSGPACK_OBJECT_BIN || !b || b->type != MSGPACK_OBJECT_BIN ||
		    (uint64_t)w->via.bin.size != (uint64_t)li * lo * 4 ||
		    (uint64_t)b->via.bin.size != (uint64_t)lo * 4)
			return pml_error("%s: network: layer %zu: weights do not match %zu x %zu", path,
					 i + 1, lo, li);
		*width = lo;
		return 0;
	}
	if (pml_mp_is_str(t, "dropout")) {
		if (pml_mp_double(pml_mp_get(l, "rate"), &rate) < 0)
			return pml_error("%s: network: layer %zu: bad dropout rate", path, i + 1);
		/* the network keeps a float: under 1 as a double may be 1 as a float */
		if (!(rate >= 0 && rate < 1) || (float)rate >= 1)
			return pml_error("%s: network: layer %zu: dropout rate %g is not in [0, 1)", path,
					 i + 1, rate);
		return 0;
	}
	s = pml_xmemdupz(p, n);
	if (pml_act_parse(s, &act) < 0)
		rc = pml_error("%s: network: layer %zu: unknown type '%s'", path, i + 1, s);
	free(s);
	return rc;
}

/* Build the network from its map, checking every size against the bins first. */
static int
load_net(struct pml_model *m, const msgpack_object *o, const char *path)
{
	const msgpack_object *layers = pml_mp_get(o, "layers");
	struct pml_net *net;
	size_t n_in, width, i, bad = 0;
	enum pml_loss loss;
	char *s;

	if (get_size(pml_mp_get(o, "n_in"), PML_MAX_VEC_ELEMS, &n_in) < 0 || !n_in)
		return pml_error("%s: network: bad or missing 'n_in'", path);
	s = pml_mp_xstrdup(pml_mp_get(o, "loss"));
	if (!s || pml_loss_parse(s, &loss) < 0) {
		pml_error("%s: network: unknown loss '%s'", path, s ? s : "");
		free(s);
		return -1;
	}
	free(s);
	if (!layers || layers->type != MSGPACK_OBJECT_ARRAY || !layers->via.array.size ||
	    layers->via.array.size > MODEL_MAX_LAYERS)
		return pml_error("%s: network: bad or missing 'layers'", path);
	/* first pass: types, shapes, bin sizes and rates, nothing allocated */
	width = n_in;
	for (i = 0; i < layers->via.array.size; i++)
		if (check_layer(&layers->via.array.ptr[i], i, &width, path) < 0)
			return -1;
	if (loss == PML_LOSS_SOFTMAX_CE && width < 2)
		return pml_error("%s: network: loss '%s' needs 2 or more outputs, the last layer has %zu",
				 path, pml_loss_name(loss), width);
	net = pml_net_new(n_in);
	for (i = 0; i < layers->via.array.size; i++) {
		const msgpack_object *l = &layers->via.array.ptr[i];
		const msgpack_object *t = pml_mp_get(l, "type");
		enum pml_act act;
		double rate = 0;
		int rc;

		/* what check_layer() let through: a size over nn.c's limits can still fail */
		if (pml_mp_is_str(t, "dense")) {
			rc = pml_net_add_dense(net, (size_t)pml_mp_get(l, "n_out")->via.u64);
		} else if (pml_mp_is_str(t, "dropout")) {
			pml_mp_double(pml_mp_get(l, "rate"), &rate);
			rc = pml_net_add_dropout(net, (float)rate);
		} else {
			s = pml_xmemdupz(t->via.str.ptr, t->via.str.size);
			if (pml_act_parse(s, &act) < 0)
				PML_BUG("layer type '%s' passed check_layer()", s);
			free(s);
			rc = pml_net_add_act(net, act);
		}
		if (rc < 0)
			goto fail;
	}
	pml_net_set_loss(net, loss);
	if (pml_net_finish(net) < 0)
		goto fail;
	for (i = 0; i < layers->via.array.size; i++) {
		struct pml_layer *ly = &net->layer[i];
		const msgpack_object *l = &layers->via.array.ptr[i];

		if (ly->kind != PML_LAYER_DENSE)
			continue;
		if (unpack_dense(ly, pml_mp_get(l, "w")->via.bin.ptr, pml_mp_get(l, "b")->via.bin.ptr,
				 &bad) < 0) {
			pml_error("%s: network: weight %zu is not finite", path, bad);
			goto fail;
		}
	}
	m->net = net;
	return 0;
fail:
	pml_net_free(net);
	return -1;
}

static int
load_model(struct pml_model *m, const msgpack_object *o, const char *path)
{
	const msgpack_object *x;
	uint32_t i;

	if (!o || o->type != MSGPACK_OBJECT_MAP)
		return pml_error("%s: 'model' is missing or not a map", path);
	if (pml_schema_unpack(&m->input, pml_mp_get(o, "input"), path, "'input'") < 0)
		return -1;
	x = pml_mp_get(o, "chain");
	if (!x || x->type != MSGPACK_OBJECT_ARRAY)
		return pml_error("%s: 'chain' is missing or not an array", path);
	for (i = 0; i < x->via.array.size; i++) {
		struct pml_buf one = PML_BUF_INIT;

		pml_mp_pack_object(&one, &x->via.array.ptr[i]);
		pml_rawlist_add(&m->chain, one.buf, one.len);
		pml_buf_release(&one);
	}
	m->feature = pml_mp_xstrdup(pml_mp_get(o, "feature"));
	if (!m->feature || !*m->feature)
		return pml_error("%s: 'feature' is missing", path);
	/* nil: no label; a str holding a NUL is no name either */
	x = pml_mp_get(o, "label");
	if (x && x->type != MSGPACK_OBJECT_NIL && !(m->label = pml_mp_xstrdup(x)))
		return pml_error("%s: 'label' is not a string", path);
	x = pml_mp_get(o, "classes");
	if (!x || x->type != MSGPACK_OBJECT_ARRAY)
		return pml_error("%s: 'classes' is missing or not an array", path);
	m->classes = pml_xcalloc(x->via.array.size + 1, sizeof(char *));
	for (i = 0; i < x->via.array.size; i++) {
		m->classes[i] = pml_mp_xstrdup(&x->via.array.ptr[i]);
		if (!m->classes[i])
			return pml_error("%s: class %u is not a string", path, i + 1);
		m->n_class = i + 1;
	}
	if (m->n_class > PML_MAX_CLASSES)
		return pml_error("%s: %zu classes is over the limit of %d", path, m->n_class,
				 PML_MAX_CLASSES);
	if (load_net(m, pml_mp_get(o, "net"), path) < 0)
		return -1;
	if (m->n_class && m->n_class != m->net->n_out)
		return pml_error("%s: %zu classes but the network has %zu outputs", path, m->n_class,
				 m->net->n_out);
	if (!m->n_class && m->net->loss == PML_LOSS_SOFTMAX_CE)
		return pml_error("%s: a cross-entropy network without class names", path);
	if (!m->chain.n) {
		int c = pml_schema_find(&m->input, m->feature);

		if (c < 0 || m->input.col[c].type != PML_TYPE_VEC ||
		    m->input.col[c].n_elem != m->net->n_in)
			return pml_error("%s: feature column '%s' does not match the network's %zu inputs",
					 path, m->feature, m->net->n_in);
	}
	x = pml_mp_get(o, "meta");
	if (x && x->type == MSGPACK_OBJECT_MAP)
		pml_mp_pack_object(&m->meta, x);
	return 0;
}

int
pml_model_load(struct pml_model *m, const char *path)
{
	struct pml_buf b = PML_BUF_INIT;
	msgpack_zone zone;
	msgpack_object obj;
	const unsigned char *p;
	size_t len, msg_len;
	const char *why;
	uint32_t crc, want;
	int rc = -1, fr;

	pml_model_init(m);
	if (read_file(path, &b) < 0)
		return -1;
	p = (const unsigned char *)b.buf;
	len = b.len;
	if (!len) {
		pml_buf_release(&b);
		return pml_error("%s: empty file, not a pml model", path);
	}
	if (!pml_model_sniff(p, len)) {
		pml_buf_release(&b);
		return pml_error("%s: not a pml model file (bad magic)", path);
	}
	if (len <= MAGIC_LEN || p[MAGIC_LEN] > 0x7f) {
		pml_buf_release(&b);
		return pml_error("%s: truncated or corrupt model file (bad version)", path);
	}
	if (p[MAGIC_LEN] > PML_MODEL_VERSION) {
		unsigned ver = p[MAGIC_LEN];

		pml_buf_release(&b);
		return pml_error("%s: model format version %u is newer than this pml supports (%d); "
				 "upgrade pml", path, ver, PML_MODEL_VERSION);
	}
	if (p[MAGIC_LEN] < 1) {
		pml_buf_release(&b);
		return pml_error("%s: unknown model format version 0", path);
	}
	/* frame against the largest legal file: a length beyond the end means truncated */
	fr = pml_mp_frame(p, len, MODEL_MAX_FILE, PML_MP_MAX_DEPTH, &msg_len, &why);
	if (fr == 0) {
		pml_buf_release(&b);
		return pml_error("%s: truncated model file", path);
	}
	if (fr < 0 || msg_len != len || len < MAGIC_LEN + 5 || p[len - 5] != 0xce) {
		pml_buf_release(&b);
		return pml_error("%s: corrupt model file%s%s", path, fr < 0 ? ": " : "",
				 fr < 0 ? why : (msg_len != len ? ": bytes after the end" : ""));
	}
	want = (uint32_t)p[len - 4] << 24 | (uint32_t)p[len - 3] << 16 | (uint32_t)p[len - 2] << 8 |
	       p[len - 1];
	crc = pml_crc32c(0, p, len - 4);
	if (crc != want) {
		pml_buf_release(&b);
		return pml_error("%s: corrupt model file: checksum mismatch (%08x, expected %08x)", path,
				 crc, want);
	}
	if (!msgpack_zone_init(&zone, 4096))
		pml_die("out of memory");
	if (pml_mp_decode(p, len, &zone, &obj) < 0 || obj.type != MSGPACK_OBJECT_MAP) {
		pml_error("%s: corrupt model file: undecodable", path);
	} else if (load_model(m, pml_mp_get(&obj, "model"), path) == 0) {
		rc = 0;
	}
	msgpack_zone_destroy(&zone);
	pml_buf_release(&b);
	if (rc < 0)
		pml_model_release(m);
	return rc;
}

static void
meta_render(const struct pml_model *m, struct pml_buf *out, int table)
{
	struct pml_buf b = PML_BUF_INIT;
	msgpack_packer pk;
	msgpack_zone zone;
	msgpack_object obj;

	pml_mp_packer_init_buf(&pk, &b);
	msgpack_pack_map(&pk, 3);
	pml_mp_pack_cstr(&pk, "format");
	pml_mp_pack_cstr(&pk, PML_MODEL_FORMAT);
	pml_mp_pack_cstr(&pk, "version");
	msgpack_pack_uint32(&pk, PML_MODEL_VERSION);
	pml_mp_pack_cstr(&pk, "model");
	pack_model(&b, m, 0);
	if (!msgpack_zone_init(&zone, 4096))
		pml_die("out of memory");
	if (pml_mp_decode(b.buf, b.len, &zone, &obj) != 0)
		pml_buf_addstr(out, "null");
	else if (table)
		pml_render_tree_table(out, &obj);
	else
		pml_mp_to_json(out, &obj);
	msgpack_zone_destroy(&zone);
	pml_buf_release(&b);
}

void
pml_model_meta_json(const struct pml_model *m, struct pml_buf *out)
{
	meta_render(m, out, 0);
}

void
pml_model_meta_table(const struct pml_model *m, struct pml_buf *out)
{
	meta_render(m, out, 1);
}

/* ---- training data ---- */

static int
pick_column(const struct pml_schema *s, const char *name, enum pml_role role, int vec,
	    const char *what, const char *src)
{
	size_t i;
	int c;

	if (name) {
		char opt[64];

		snprintf(opt, sizeof(opt), "--%s", what);
		return pml_schema_lookup(s, name, src, opt);
	}
	for (i = 0, c = -1; i < s->n_col; i++) {
		if (s->col[i].role != role || (vec && s->col[i].type != PML_TYPE_VEC))
			continue;
		if (c < 0 && vec)
			return (int)i;  /* the first vec feature, as documented */
		if (c >= 0)
			return pml_error("%s: two label columns, '%s' and '%s': name one with --%s", src,
					 s->col[c].name, s->col[i].name, what);
		c = (int)i;
	}
	if (c >= 0)
		return c;
	return pml_error("%s: no %s column: name one with --%s", src,
			 vec ? "vec feature" : "label", what);
}

/*
 * An int label without class names makes classes 0..max. When that is far
 * more classes than the data has values (prices, counts, years), the label
 * is a quantity read as int, and a classifier of max + 1 outputs is never
 * what was meant: over the class limit, or over 100 classes with fewer
 * than half of them seen.
 */
static int
int_label_is_quantity(const uint32_t *cls, size_t n, size_t kk)
{
	unsigned char *seen;
	size_t i, distinct = 0;

	if (kk > PML_MAX_CLASSES)
		return 2 * n < kk;      /* fewer records than half the classes */
	if (kk <= 100)
		return 0;
	seen = pml_xcalloc(kk, 1);
	for (i = 0; i < n; i++) {
		distinct += !seen[cls[i]];
		seen[cls[i]] = 1;
	}
	free(seen);
	return 2 * distinct < kk;
}

/*
 * Ask for transparent huge pages on the training matrix: fewer page faults
 * while it fills, and far fewer TLB misses when shuffled batches gather its
 * rows every epoch. A hint only; nothing changes where THP is off.
 */
static void
advise_huge(void *p, size_t len)
{
#if defined(MADV_HUGEPAGE)
	uintptr_t a = ((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
	uintptr_t e = ((uintptr_t)p + len) & ~(uintptr_t)((2u << 20) - 1);

	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

/*
 * Regular files bound the number of records (each holds at least one
 * vector of vec_bytes): allocate that at once instead of growing by
 * realloc, which copies the matrix when it cannot remap it. Untouched
 * pages cost no memory. 1024 for stdin, pipes or compressed files that
 * turn out bigger (the loop then doubles).
 */
static size_t
rows_bound(int n_path, char *const *paths, size_t vec_bytes)
{
	struct stat st;
	uint64_t total = 0;
	int i;

	if (!n_path || !vec_bytes)
		return 1024;
	for (i = 0; i < n_path; i++) {
		if (!strcmp(paths[i], "-") || stat(paths[i], &st) < 0 || !S_ISREG(st.st_mode))
			return 1024;
		total += (uint64_t)st.st_size;
	}
	total = total / vec_bytes + 1;
	return total < 1024 ? 1024 : total > ((uint64_t)1 << 32) ? 1024 : (size_t)total;
}

/* Why the classes of lc and like differ, for a message: the count, the
 * order of the same classes, or the first class that is not the same. */
static void
class_diff(const struct pml_column *lc, const struct pml_dataset *like, char *why, size_t len)
{
	size_t k, j;

	if (lc->n_class != like->n_class) {
		snprintf(why, len, "%zu vs %zu", lc->n_class, like->n_class);
		return;
	}
	for (k = 0; k < lc->n_class && lc->n_class <= 4096; k++) {   /* quadratic: bounded */
		for (j = 0; j < like->n_class && strcmp(lc->classes[k], like->classes[j]); j++)
			;
		if (j == like->n_class) {
			snprintf(why, len, "'%s' is not one of the training data's", lc->classes[k]);
			return;
		}
	}
	for (k = 0; k < lc->n_class && !strcmp(lc->classes[k], like->classes[k]); k++)
		;
	snprintf(why, len, "%s: class %zu is '%s' here, '%s' in the training data",
		 lc->n_class <= 4096 ? "the same classes in another order" : "not the same",
		 k + 1, lc->classes[k], like->classes[k]);
}

int
pml_dataset_read(struct pml_dataset *ds, int n_path, char *const *paths, const char *feature,
		 const char *label, const struct pml_dataset *like)
{
	struct pml_reader *r;
	const struct pml_schema *s;
	const struct pml_column *fc, *lc;
	const struct pml_value *v;
	const char *src = n_path ? paths[0] : "stdin";
	size_t d, k, n = 0, first_cap;
	int64_t max_cls = -1;
	int f, l, rc;

	memset(ds, 0, sizeof(*ds));
	pml_header_init(&ds->header);
	r = pml_reader_open(n_path, paths, 0);
	if (!r)
		return -1;
	s = pml_reader_schema(r);
	pml_header_copy(&ds->header, pml_reader_header(r));
	if (like) {
		feature = like->feature;
		label = like->label;
	}
	if ((f = pick_column(s, feature, PML_ROLE_FEATURE, 1, "features", src)) < 0 ||
	    (l = pick_column(s, label, PML_ROLE_LABEL, 0, "label", src)) < 0)
		goto fail;
	fc = &s->col[f];
	lc = &s->col[l];
	if (fc->type != PML_TYPE_VEC) {
		pml_error("%s: column '%s' is %s, features must be a vec", src, fc->name,
			  pml_type_name(fc->type));
		goto fail;
	}
	if (lc->type != PML_TYPE_INT && lc->type != PML_TYPE_FLOAT) {
		pml_error("%s: label column '%s' is %s: int (classes) or float (regression) expected",
			  src, lc->name, pml_type_name(lc->type));
		goto fail;
	}
	d = fc->n_elem;
	ds->feature = pml_xstrdup(fc->name);
	ds->label = pml_xstrdup(lc->name);
	if (like) {
		if (d != like->d.n_in || (lc->type == PML_TYPE_INT) != (like->n_class > 0)) {
			pml_error("%s: columns '%s' and '%s' do not match the training data's", src,
				  fc->name, lc->name);
			goto fail;
		}
		if (lc->n_class) {
			char why[128];

			for (k = 0; k < lc->n_class && k < like->n_class; k++)
				if (strcmp(lc->classes[k], like->classes[k]))
					break;
			if (lc->n_class != like->n_class || k < lc->n_class) {
				class_diff(lc, like, why, sizeof(why));
				pml_error("%s: label column '%s': classes differ from the training data's (%s)",
					  src, lc->name, why);
				goto fail;
			}
		}
	}
	if (lc->type == PML_TYPE_INT && lc->n_class > PML_MAX_CLASSES) {
		pml_error("%s: label column '%s': %zu classes is over the limit of %d", src, lc->name,
			  lc->n_class, PML_MAX_CLASSES);
		goto fail;
	}
	if (lc->type == PML_TYPE_INT && lc->n_class) {
		ds->n_class = lc->n_class;
		ds->classes = pml_names_dup(lc->n_class, lc->classes);
	}
	first_cap = rows_bound(n_path, paths, d * pml_elem_size(fc->elem));
	while ((rc = pml_reader_next(r, &v)) > 0) {
		float *x;

		if (n == ds->m_row) {
			size_t m = ds->m_row ? ds->m_row * 2 : first_cap;

			ds->x = pml_xreallocarray(ds->x, m, d * sizeof(float));
			advise_huge(ds->x, m * d * sizeof(float));
			if (lc->type == PML_TYPE_INT)
				ds->cls = pml_xreallocarray(ds->cls, m, sizeof(uint32_t));
			else
				ds->y = pml_xreallocarray(ds->y, m, sizeof(float));
			ds->m_row = m;
		}
		if (v[f].kind != PML_VEC || v[l].kind == PML_NIL) {
			pml_error("%s: record %llu, column '%s': missing value", pml_reader_file(r),
				  (unsigned long long)pml_reader_record_no(r),
				  v[f].kind != PML_VEC ? fc->name : lc->name);
			goto fail;
		}
		/* the reader has checked that f32 elements are finite */
		x = ds->x + n * d;
		pml_vec_to_f32(fc, &v[f], x);
		if (lc->type == PML_TYPE_INT) {
			int64_t c = v[l].u.i;
			size_t lim = like ? like->n_class : ds->n_class;

			if (c < 0 || c > (int64_t)UINT32_MAX - 1 || (lim && (uint64_t)c >= lim)) {
				pml_error("%s: record %llu, column '%s': class %lld out of range",
					  pml_reader_file(r), (unsigned long long)pml_reader_record_no(r),
					  lc->name, (long long)c);
				goto fail;
			}
			if (c > max_cls)
				max_cls = c;
			ds->cls[n] = (uint32_t)c;
		} else {
			ds->y[n] = (float)v[l].u.f;
		}
		n++;
	}
	if (rc < 0)
		goto fail;
	if (!n) {
		pml_error("%s: no records", src);
		goto fail;
	}
	if (lc->type == PML_TYPE_INT && !ds->n_class) {
		/* unnamed classes: "0".."K-1" (the training set's K for validation) */
		size_t kk = like ? like->n_class : (size_t)max_cls + 1;

		if (!like && int_label_is_quantity(ds->cls, n, kk)) {
			pml_error("%s: label column '%s' is an int without class names whose values run "
				  "up to %lld, so it would make %zu classes for %zu records; if it is a "
				  "quantity, train a regression: read it as float (pml-collect --type %s=float)",
				  src, lc->name, (long long)max_cls, kk, n, lc->name);
			goto fail;
		}
		if (kk > PML_MAX_CLASSES) {
			pml_error("%s: label column '%s': %zu classes is over the limit of %d", src,
				  lc->name, kk, PML_MAX_CLASSES);
			goto fail;
		}
		ds->n_class = kk;
		ds->classes = pml_xcalloc(kk + 1, sizeof(char *));
		for (k = 0; k < kk; k++) {
			char num[32];

			snprintf(num, sizeof(num), "%zu", k);
			ds->classes[k] = pml_xstrdup(num);
		}
	}
	pml_reader_free(r);
	ds->d.n = n;
	ds->d.n_in = d;
	ds->d.x = ds->x;
	ds->d.cls = ds->cls;
	ds->d.y = ds->y;
	return 0;
fail:
	pml_reader_free(r);
	pml_dataset_release(ds);
	return -1;
}

void
pml_dataset_release(struct pml_dataset *ds)
{
	free(ds->x);
	free(ds->cls);
	free(ds->y);
	free(ds->feature);
	free(ds->label);
	pml_names_free(ds->n_class, ds->classes);
	pml_header_release(&ds->header);
	memset(ds, 0, sizeof(*ds));
	pml_header_init(&ds->header);
}

int
pml_dataset_check_label(const struct pml_dataset *ds)
{
	struct pml_chain *c;
	struct pml_unscale u;
	int rc;

	if (ds->n_class || !ds->label || !ds->header.chain.n)
		return 0;
	c = pml_chain_new(&ds->header.chain, &ds->header.chain_input, PML_CHAIN_FILTER);
	if (!c)
		return -1;
	rc = pml_chain_unscale(c, ds->label, &u);
	pml_unscale_release(&u);
	pml_chain_free(c);
	return rc;
}

uint64_t
pml_dataset_fingerprint(const struct pml_dataset *ds)
{
	uint64_t h = pml_hash64(ds->x, ds->d.n * ds->d.n_in * sizeof(float), 0);

	if (ds->cls)
		h = pml_hash64(ds->cls, ds->d.n * sizeof(uint32_t), h);
	if (ds->y)
		h = pml_hash64(ds->y, ds->d.n * sizeof(float), h);
	return h;
}

/* ---- metadata ---- */

static void
kv_str(msgpack_packer *pk, const char *k, const char *v)
{
	pml_mp_pack_cstr(pk, k);
	pml_mp_pack_cstr(pk, v);
}

static void
kv_u64(msgpack_packer *pk, const char *k, uint64_t v)
{
	pml_mp_pack_cstr(pk, k);
	msgpack_pack_uint64(pk, v);
}

static void
kv_num(msgpack_packer *pk, const char *k, double v)
{
	pml_mp_pack_cstr(pk, k);
	if (isfinite(v))
		msgpack_pack_double(pk, v);
	else
		msgpack_pack_nil(pk);
}

void
pml_model_from_training(struct pml_model *m, struct pml_net *net, const struct pml_train_meta *tm)
{
	const struct pml_dataset *tr = tm->train;
	const struct pml_train_opts *o = tm->opts;
	const struct pml_train_result *res = tm->res;
	msgpack_packer pk;
	char hex[17];
	size_t i;

	pml_model_init(m);
	if (tr->header.chain.n)
		pml_schema_copy(&m->input, &tr->header.chain_input);
	else
		pml_schema_copy(&m->input, &tr->header.schema);
	pml_rawlist_copy(&m->chain, &tr->header.chain);
	m->feature = pml_xstrdup(tr->feature);
	m->label = pml_xstrdup(tr->label);
	if (net->loss == PML_LOSS_SOFTMAX_CE || tr->n_class) {
		m->n_class = tr->n_class;
		m->classes = pml_names_dup(tr->n_class, tr->classes);
	}
	m->net = net;

	pml_mp_packer_init_buf(&pk, &m->meta);
	msgpack_pack_map(&pk, 15);
	kv_str(&pk, "tool", "pml-train");
	kv_str(&pk, "tool_version", PML_VERSION);
	kv_str(&pk, "command", tm->command ? tm->command : "");
	kv_u64(&pk, "seed", tm->seed);
	kv_u64(&pk, "threads", (uint64_t)tm->threads);
	kv_str(&pk, "blas_core", pml_mat_corename());
	pml_mp_pack_cstr(&pk, "options");
	msgpack_pack_map(&pk, 19);
	pml_mp_pack_cstr(&pk, "preset");
	if (tm->preset)
		pml_mp_pack_cstr(&pk, tm->preset);
	else
		msgpack_pack_nil(&pk);
	pml_mp_pack_cstr(&pk, "hidden");
	msgpack_pack_array(&pk, tm->n_hidden);
	for (i = 0; i < tm->n_hidden; i++)
		msgpack_pack_uint64(&pk, tm->hidden[i]);
	pml_mp_pack_cstr(&pk, "activation");
	msgpack_pack_array(&pk, tm->n_hidden);
	for (i = 0; i < tm->n_hidden; i++)
		pml_mp_pack_cstr(&pk, pml_act_name(tm->act[i]));
	kv_num(&pk, "dropout", tm->dropout);
	kv_str(&pk, "loss", pml_loss_name(net->loss));
	kv_str(&pk, "init", pml_init_name(tm->init));
	kv_str(&pk, "optimizer", pml_optim_name(o->optim));
	kv_num(&pk, "lr", o->lr);
	kv_num(&pk, "momentum", o->momentum);
	pml_mp_pack_cstr(&pk, "nesterov");
	if (o->nesterov)
		msgpack_pack_true(&pk);
	else
		msgpack_pack_false(&pk);
	kv_num(&pk, "weight_decay", o->weight_decay);
	kv_num(&pk, "alpha", o->alpha);
	kv_str(&pk, "schedule", pml_sched_name(o->sched));
	kv_u64(&pk, "step_epochs", o->step_epochs);
	kv_num(&pk, "step_gamma", o->step_gamma);
	kv_u64(&pk, "batch", o->batch);
	kv_u64(&pk, "epochs", o->epochs);
	kv_u64(&pk, "patience", o->patience);
	kv_num(&pk, "tol", o->tol);
	kv_u64(&pk, "epochs_run", res->epochs_run);
	kv_u64(&pk, "best_epoch", res->best_epoch);
	kv_u64(&pk, "kept_epoch", res->kept_epoch);
	kv_str(&pk, "stop", pml_stop_name(res->stop));
	pml_mp_pack_cstr(&pk, "train");
	msgpack_pack_map(&pk, 3);
	kv_u64(&pk, "records", tr->d.n);
	kv_num(&pk, "loss", res->train_loss);
	kv_num(&pk, "accuracy", res->train_acc);
	pml_mp_pack_cstr(&pk, "validation");
	if (tm->val) {
		msgpack_pack_map(&pk, 3);
		kv_u64(&pk, "records", tm->val->d.n);
		kv_num(&pk, "loss", res->val_loss);
		kv_num(&pk, "accuracy", res->val_acc);
	} else {
		msgpack_pack_nil(&pk);
	}
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)pml_dataset_fingerprint(tr));
	kv_str(&pk, "data_fingerprint", hex);
	pml_mp_pack_cstr(&pk, "provenance");
	msgpack_pack_array(&pk, tr->header.provenance.n);
	pml_buf_add(&m->meta, tr->header.provenance.bytes.buf, tr->header.provenance.bytes.len);
}

int
pml_header_load(const char *path, struct pml_header *h)
{
	unsigned char head[64];
	size_t n = 0;
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : NULL;
	char *paths[1];
	struct pml_reader *r;

	if (f) {
		n = fread(head, 1, sizeof(head), f);
		fclose(f);
	}
	if (pml_model_sniff(head, n)) {
		struct pml_model m;

		pml_model_init(&m);
		if (pml_model_load(&m, path) < 0) {
			pml_model_release(&m);
			return -1;
		}
		pml_rawlist_copy(&h->chain, &m.chain);
		pml_schema_copy(&h->chain_input, &m.input);
		pml_model_release(&m);
		return 0;
	}
	paths[0] = (char *)path;
	if (!(r = pml_reader_open(1, paths, 0)))
		return -1;
	pml_header_copy(h, pml_reader_header(r));
	pml_reader_free(r);
	return 0;
}

int
pml_schema_load(const char *path, struct pml_schema *out)
{
	struct pml_header h;
	int rc;

	pml_schema_init(out);
	pml_header_init(&h);
	rc = pml_header_load(path, &h);
	if (rc == 0)
		pml_schema_copy(out, h.chain_input.n_col ? &h.chain_input : &h.schema);
	pml_header_release(&h);
	return rc;
}
