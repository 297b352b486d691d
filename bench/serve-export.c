/*
 * serve-export MODEL: print a pml model's classes, fitted chain and network
 * weights as one JSON object, so bench/serve_torch.py can run the same
 * network in PyTorch. A benchmark helper, not a tool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/buf.h"
#include "pml/err.h"
#include "pml/model.h"
#include "pml/mp.h"
#include "pml/nn.h"

static void
floats(struct pml_buf *b, const float *p, size_t n)
{
	size_t i;

	pml_buf_addch(b, '[');
	for (i = 0; i < n; i++)
		pml_buf_addf(b, "%s%.9g", i ? "," : "", (double)p[i]);
	pml_buf_addch(b, ']');
}

int
main(int argc, char **argv)
{
	struct pml_model m;
	struct pml_buf b = PML_BUF_INIT;
	msgpack_zone zone;
	const char *p;
	size_t i, off = 0;

	pml_set_progname(argv[0]);
	if (argc != 2) {
		fprintf(stderr, "usage: serve-export MODEL\n");
		return 2;
	}
	pml_model_init(&m);
	if (pml_model_load(&m, argv[1]) < 0)
		return 1;
	pml_buf_addstr(&b, "{\"classes\":[");
	for (i = 0; i < m.n_class; i++) {
		if (i)
			pml_buf_addch(&b, ',');
		pml_buf_add_json_str(&b, m.classes[i], strlen(m.classes[i]));
	}
	pml_buf_addstr(&b, "],\"chain\":[");
	msgpack_zone_init(&zone, 4096);
	p = m.chain.bytes.buf;
	for (i = 0; i < m.chain.n; i++) {
		size_t len;
		const char *why;
		msgpack_object o;
		if (pml_mp_frame(p + off, m.chain.bytes.len - off, m.chain.bytes.len, PML_MP_MAX_DEPTH, &len, &why) <= 0 ||
		    pml_mp_decode(p + off, len, &zone, &o) < 0)
			return 1;
		if (i)
			pml_buf_addch(&b, ',');
		pml_mp_to_json(&b, &o);
		off += len;
		msgpack_zone_clear(&zone);
	}
	pml_buf_addf(&b, "],\"loss\":\"%s\",\"layers\":[", pml_loss_name(m.net->loss));
	for (i = 0; i < m.net->n_layer; i++) {
		const struct pml_layer *l = &m.net->layer[i];
		if (i)
			pml_buf_addch(&b, ',');
		if (l->kind == PML_LAYER_DENSE) {
			float *w = malloc(l->n_in * l->n_out * sizeof(float));

			pml_dense_get_w(l, w);      /* n_out x n_in, as torch.nn.Linear keeps it */
			pml_buf_addf(&b, "{\"kind\":\"dense\",\"n_in\":%zu,\"n_out\":%zu,\"w\":", l->n_in, l->n_out);
			floats(&b, w, l->n_in * l->n_out);
			free(w);
			pml_buf_addstr(&b, ",\"b\":");
			floats(&b, l->b, l->n_out);
			pml_buf_addch(&b, '}');
		} else if (l->kind == PML_LAYER_ACT) {
			pml_buf_addf(&b, "{\"kind\":\"act\",\"act\":\"%s\"}", pml_act_name(l->act));
		} else {
			pml_buf_addstr(&b, "{\"kind\":\"dropout\"}");
		}
	}
	pml_buf_addstr(&b, "]}\n");
	fwrite(b.buf, 1, b.len, stdout);
	msgpack_zone_destroy(&zone);
	pml_buf_release(&b);
	pml_model_release(&m);
	return fflush(stdout) ? 1 : 0;
}
