/* predict.c: stage records, run the network, format predictions; shared by pml-eval and pml-serve-stdin. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/err.h"
#include "pml/nn.h"
#include "pml/predict.h"
#include "pml/transform.h"

struct pml_predictor {
	const struct pml_model *m;
	struct pml_chain *chain;        /* raw records with a non-empty chain */
	const struct pml_schema *post;  /* schema after the chain (or the incoming one) */
	struct pml_schema in;           /* copy of the incoming schema */
	long *map;                      /* raw records of another schema: the model's column j is in's map[j] */
	struct pml_value *conv;         /* such a record read as the model's input */
	int raw;
	int feat, label;                /* columns in post; label -1 if none */
	size_t n_in, n_out, max_batch, n;
	float *x, *out;
	double *y;
	unsigned char *has_y;
	unsigned char *overflow;        /* per row of the batch: an output not finite */
	struct pml_unscale unscale;     /* the chain's scaling of a regression label, undone */
	char err[512];
};

static int
set_err(struct pml_predictor *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* Find the feature and label columns in post; 0 or -1 with a message. */
static int
bind_columns(struct pml_predictor *p)
{
	const struct pml_model *m = p->m;
	const struct pml_column *c;
	int i = pml_schema_find(p->post, m->feature);

	if (i < 0)
		return pml_error("records have no feature column '%s'", m->feature);
	c = &p->post->col[i];
	if (c->type != PML_TYPE_VEC || c->n_elem != p->n_in)
		return pml_error("column '%s': expected a vec of %zu elements, the network's input",
				 m->feature, p->n_in);
	p->feat = i;
	p->label = m->label ? pml_schema_find(p->post, m->label) : -1;
	if (p->label >= 0) {
		const struct pml_column *l = &p->post->col[p->label];
		size_t k;

		if (m->n_class) {
			if (l->type != PML_TYPE_INT)
				return pml_error("label column '%s' is %s, the model predicts classes",
						 m->label, pml_type_name(l->type));
			if (l->n_class) {
				if (l->n_class != m->n_class)
					return pml_error("label column '%s' has %zu classes, the model %zu",
							 m->label, l->n_class, m->n_class);
				for (k = 0; k < l->n_class; k++)
					if (strcmp(l->classes[k], m->classes[k]))
						return pml_error("label column '%s': class %zu is '%s', the model's is '%s'",
								 m->label, k, l->classes[k], m->classes[k]);
			}
		} else if (l->type != PML_TYPE_FLOAT && l->type != PML_TYPE_INT) {
			return pml_error("label column '%s' is %s, the model predicts numbers", m->label,
					 pml_type_name(l->type));
		}
	}
	return 0;
}

/*
 * A regression label that the chain scaled: predictions and labels go back
 * to the label's own units, whether records come raw or transformed.
 */
static int
label_unscale(struct pml_predictor *p)
{
	const struct pml_model *m = p->m;
	struct pml_chain *c;
	int rc;

	if (m->n_class || !m->label || !m->chain.n)
		return 0;
	c = p->chain ? p->chain : pml_chain_new(&m->chain, &m->input, PML_CHAIN_SERVE);
	if (!c)
		return -1;
	rc = pml_chain_unscale(c, m->label, &p->unscale);
	if (c != p->chain)
		pml_chain_free(c);
	return rc;
}

struct pml_predictor *
pml_predictor_new(const struct pml_model *m, const struct pml_schema *s, size_t max_batch)
{
	struct pml_predictor *p;
	char why[256];

	if (!m->net)
		return pml_error("model has no network"), NULL;
	p = pml_xcalloc(1, sizeof(*p));
	p->m = m;
	p->n_in = m->net->n_in;
	p->n_out = m->net->n_out;
	p->max_batch = max_batch ? max_batch : 1;
	pml_schema_copy(&p->in, s);
	if (pml_schema_find(s, m->feature) < 0 && !pml_schema_equal(s, &m->input, why, sizeof(why))) {
		/* raw records of other types or order: read them as the model's input */
		p->map = pml_xcalloc(m->input.n_col + 1, sizeof(*p->map));
		if (pml_schema_conform(&m->input, s, "the model", 1, p->map, why, sizeof(why)) < 0) {
			pml_error("%s", why);
			goto fail;
		}
		p->conv = pml_xcalloc(m->input.n_col + 1, sizeof(*p->conv));
	}
	if (p->map || pml_schema_equal(s, &m->input, why, sizeof(why))) {
		p->raw = 1;
		if (m->chain.n) {
			p->chain = pml_chain_new(&m->chain, &m->input, PML_CHAIN_SERVE);
			if (!p->chain)
				goto fail;
			p->post = pml_chain_output(p->chain);
		} else {
			p->post = p->map ? &m->input : &p->in;
		}
	} else {
		int i = pml_schema_find(s, m->feature);

		if (i < 0) {
			pml_error("records fit neither the model's input (%s) nor have its feature column '%s'",
				  why, m->feature);
			goto fail;
		}
		p->post = &p->in;
	}
	if (bind_columns(p) < 0 || label_unscale(p) < 0)
		goto fail;
	p->x = pml_xmallocarray(p->max_batch, p->n_in * sizeof(float));
	p->out = pml_xmallocarray(p->max_batch, p->n_out * sizeof(float));
	p->y = pml_xmallocarray(p->max_batch, sizeof(double));
	p->has_y = pml_xcalloc(p->max_batch, 1);
	p->overflow = pml_xcalloc(p->max_batch, 1);
	/* touch the batch buffers now: a long-running server's resident memory
	 * then stays flat whatever batch sizes the traffic brings later */
	memset(p->x, 0, p->max_batch * p->n_in * sizeof(float));
	memset(p->out, 0, p->max_batch * p->n_out * sizeof(float));
	pml_net_reserve(m->net, p->max_batch < 256 ? p->max_batch : 256);
	return p;
fail:
	pml_predictor_free(p);
	return NULL;
}

int
pml_predictor_is_raw(const struct pml_predictor *p)
{
	return p->raw;
}

int
pml_predictor_add(struct pml_predictor *p, const struct pml_value *rec)
{
	const struct pml_value *v = rec;
	const struct pml_column *fc;
	float *x;
	size_t j;

	p->err[0] = 0;
	if (p->n >= p->max_batch)
		return set_err(p, "batch full (%zu records)", p->max_batch);
	if (p->map) {
		if (pml_record_conform(&p->m->input, p->map, rec, p->conv, p->err, sizeof(p->err)) < 0)
			return -1;
		rec = v = p->conv;
	}
	if (p->chain) {
		int rc = pml_chain_apply(p->chain, rec, &v);

		if (rc < 0)
			return set_err(p, "%s", pml_chain_error(p->chain));
		if (rc == 0)
			return set_err(p, "record dropped by the model's chain");
	}
	fc = &p->post->col[p->feat];
	if (v[p->feat].kind != PML_VEC)
		return set_err(p, "column '%s': %s", fc->name,
			       v[p->feat].kind == PML_NIL ? "missing value" : "expected a vec");
	if (v[p->feat].u.s.len != fc->n_elem * pml_elem_size(fc->elem))
		return set_err(p, "column '%s': vec of %zu bytes, expected %zu", fc->name,
			       v[p->feat].u.s.len, fc->n_elem * pml_elem_size(fc->elem));
	x = p->x + p->n * p->n_in;
	pml_vec_to_f32(fc, &v[p->feat], x);
	for (j = 0; j < p->n_in; j++)
		if (!isfinite(x[j]))
			return set_err(p, "column '%s': element %zu is not finite", fc->name, j);
	p->has_y[p->n] = 0;
	if (p->label >= 0 && v[p->label].kind != PML_NIL) {
		double y = pml_value_num(&v[p->label]);

		if (p->m->n_class && (!(y >= 0) || y >= (double)p->m->n_class || y != floor(y)))
			return set_err(p, "column '%s': class %g out of range (%zu classes)",
				       p->m->label, y, p->m->n_class);
		if (p->unscale.n)
			y = pml_unscale_apply(&p->unscale, y);
		if (!isfinite(y))
			return set_err(p, "column '%s': label is not a finite number", p->m->label);
		p->y[p->n] = y;
		p->has_y[p->n] = 1;
	}
	p->n++;
	return 0;
}

const char *
pml_predictor_error(const struct pml_predictor *p)
{
	return p->err;
}

size_t
pml_predictor_count(const struct pml_predictor *p)
{
	return p->n;
}

/*
 * A class model trained with --loss mse outputs scores (fitted to one-hot
 * targets), not probabilities: they can be negative or above 1. The softmax
 * of the scores keeps their order (the class is the same argmax training
 * counted as right) and gives numbers that sum to 1, so eval and serving
 * read them as for a ce model.
 */
static void
scores_to_probs(float *z, size_t k)
{
	double s = 0, m = z[0];
	size_t j;

	for (j = 1; j < k; j++)
		if (z[j] > m)
			m = z[j];
	for (j = 0; j < k; j++)
		s += exp((double)z[j] - m);
	for (j = 0; j < k; j++)
		z[j] = (float)(exp((double)z[j] - m) / s);
}

int
pml_predictor_run(struct pml_predictor *p)
{
	size_t i, j;

	if (p->n)
		pml_net_predict(p->m->net, p->x, p->n, p->out);
	/*
	 * Finite weights can still overflow float (3e38 * 2): one check here
	 * for pml-eval and pml-serve-stdin, never a null probability. Only the
	 * rows that overflow fail (pml_predictor_output() gives NULL for them).
	 */
	for (i = 0; i < p->n; i++) {
		p->overflow[i] = 0;
		for (j = 0; j < p->n_out; j++)
			if (!isfinite(p->out[i * p->n_out + j]))
				p->overflow[i] = 1;
	}
	if (p->m->n_class && p->m->net->loss == PML_LOSS_MSE)
		for (i = 0; i < p->n; i++)
			scores_to_probs(p->out + i * p->n_out, p->n_out);
	if (p->unscale.n)
		for (i = 0; i < p->n; i++)
			p->out[i * p->n_out] = (float)pml_unscale_apply(&p->unscale, p->out[i * p->n_out]);
	return 0;
}

const float *
pml_predictor_output(const struct pml_predictor *p, size_t i, size_t *n_out)
{
	*n_out = p->n_out;
	return p->overflow[i] ? NULL : p->out + i * p->n_out;
}

int
pml_predictor_label(const struct pml_predictor *p, size_t i, double *label)
{
	if (i >= p->n || !p->has_y[i])
		return 0;
	*label = p->y[i];
	return 1;
}

void
pml_predictor_reset(struct pml_predictor *p)
{
	p->n = 0;
}

void
pml_predictor_free(struct pml_predictor *p)
{
	if (!p)
		return;
	if (p->chain)
		pml_chain_free(p->chain);
	pml_schema_release(&p->in);
	free(p->map);
	free(p->conv);
	free(p->x);
	free(p->out);
	free(p->overflow);
	free(p->y);
	free(p->has_y);
	pml_unscale_release(&p->unscale);
	free(p);
}

/* A probability or value: the shortest text that reads back to the float (buf.h). */
static void
add_num(struct pml_buf *b, float v)
{
	if (isfinite(v))
		pml_buf_add_num(b, v, 1);
	else
		pml_buf_addstr(b, "null");
}

static void
add_class(struct pml_buf *b, const struct pml_model *m, size_t k)
{
	pml_buf_addstr(b, "\"class\":");
	pml_buf_add_json_str(b, m->classes[k], strlen(m->classes[k]));
	pml_buf_addf(b, ",\"index\":%zu", k);
}

void
pml_predict_format_json(struct pml_buf *b, const struct pml_model *m, const float *out,
			size_t n_out, int top_k)
{
	size_t j, best = 0;

	if (!m->n_class) {
		pml_buf_addstr(b, "{\"value\":");
		add_num(b, n_out ? out[0] : NAN);
		pml_buf_addch(b, '}');
		return;
	}
	for (j = 1; j < n_out; j++)
		if (out[j] > out[best])
			best = j;
	pml_buf_addch(b, '{');
	add_class(b, m, best);
	if (top_k > 0) {
		size_t k, n = (size_t)top_k < n_out ? (size_t)top_k : n_out;
		unsigned char *used = pml_xcalloc(n_out ? n_out : 1, 1);

		pml_buf_addstr(b, ",\"top\":[");
		for (k = 0; k < n; k++) {
			size_t pick = n_out;

			/* the largest unused; ties go to the lower index */
			for (j = 0; j < n_out; j++)
				if (!used[j] && (pick == n_out || out[j] > out[pick]))
					pick = j;
			used[pick] = 1;
			if (k)
				pml_buf_addch(b, ',');
			pml_buf_addch(b, '{');
			add_class(b, m, pick);
			pml_buf_addstr(b, ",\"p\":");
			add_num(b, out[pick]);
			pml_buf_addch(b, '}');
		}
		pml_buf_addch(b, ']');
		free(used);
	} else {
		pml_buf_addstr(b, ",\"probs\":[");
		for (j = 0; j < n_out; j++) {
			if (j)
				pml_buf_addch(b, ',');
			add_num(b, out[j]);
		}
		pml_buf_addch(b, ']');
	}
	pml_buf_addch(b, '}');
}
