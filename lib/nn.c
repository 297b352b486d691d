/* nn.c: layers, forward and backward passes, optimisers, the training loop. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/mat.h"
#include "pml/metrics.h"
#include "pml/nn.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

/* ---- names ---- */

static const char *const act_names[] = { "identity", "relu", "sigmoid", "tanh" };
static const char *const loss_names[] = { "ce", "mse" };
static const char *const init_names[] = { "he", "xavier" };
static const char *const optim_names[] = { "sgd", "adam" };
static const char *const sched_names[] = { "constant", "step", "cosine" };

static int
find_name(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

#define NAME_FUNCS(fn_name, fn_parse, type, names) \
	const char *fn_name(type v) \
	{ \
		return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?"; \
	} \
	int fn_parse(const char *s, type *v) \
	{ \
		int i = find_name(names, (int)(sizeof(names) / sizeof(names[0])), s); \
		if (i < 0) \
			return -1; \
		*v = (type)i; \
		return 0; \
	}

NAME_FUNCS(pml_act_name, pml_act_parse, enum pml_act, act_names)
NAME_FUNCS(pml_loss_name, pml_loss_parse, enum pml_loss, loss_names)
NAME_FUNCS(pml_init_name, pml_init_parse, enum pml_init, init_names)
NAME_FUNCS(pml_optim_name, pml_optim_parse, enum pml_optim, optim_names)
NAME_FUNCS(pml_sched_name, pml_sched_parse, enum pml_sched, sched_names)

/* ---- dense ---- */

static size_t
dense_n_params(const struct pml_layer *l)
{
	return l->n_out * l->n_in + l->n_out;
}

/* Weights are drawn output by output (the order of the model file). */
static void
dense_init(struct pml_layer *l, enum pml_init how, struct pml_rng *r)
{
	size_t o, i;
	double a = sqrt(6.0 / (double)(l->n_in + l->n_out)), sd = sqrt(2.0 / (double)l->n_in);

	for (o = 0; o < l->n_out; o++)
		for (i = 0; i < l->n_in; i++)
			l->w[i * l->n_out + o] = how == PML_INIT_XAVIER
				? (float)((2 * pml_rng_double(r) - 1) * a)
				: (float)(pml_rng_normal(r) * sd);
	memset(l->b, 0, l->n_out * sizeof(float));
}

void
pml_dense_get_w(const struct pml_layer *l, float *dst)
{
	size_t o, i;

	for (o = 0; o < l->n_out; o++)
		for (i = 0; i < l->n_in; i++)
			dst[o * l->n_in + i] = l->w[i * l->n_out + o];
}

void
pml_dense_set_w(struct pml_layer *l, const float *src)
{
	size_t o, i;

	for (o = 0; o < l->n_out; o++)
		for (i = 0; i < l->n_in; i++)
			l->w[i * l->n_out + o] = src[o * l->n_in + i];
}

static void
dense_forward(struct pml_layer *l, const float *x, float *y, size_t n, int train,
	      struct pml_rng *rng)
{
	(void)rng;
	/* y = x W + b (W is n_in x n_out): sgemm while training; for
	 * inference a kernel whose rows do not depend on the batch, so every
	 * batching agrees. */
	if (!train) {
		pml_mat_dense_rows(x, n, l->n_in, l->w, l->n_out, l->b, y);
		return;
	}
	pml_mat_gemm(0, 0, n, l->n_out, l->n_in, 1, x, l->n_in, l->w, l->n_out, 0, y, l->n_out);
	pml_mat_add_row(y, n, l->n_out, l->b);
}

static void
dense_backward(struct pml_layer *l, const float *x, const float *y, const float *dy,
	       float *dx, size_t n)
{
	(void)y;
	/* dW += x^T dy, db += column sums of dy, dx = dy W^T (the optimiser
	 * zeroes the gradients as it reads them: no separate clearing pass) */
	pml_mat_gemm(1, 0, l->n_in, l->n_out, n, 1, x, l->n_in, dy, l->n_out, 1, l->gw, l->n_out);
	pml_mat_col_sum(dy, n, l->n_out, 1, l->gb);
	if (dx)
		pml_mat_gemm(0, 1, n, l->n_in, l->n_out, 1, dy, l->n_out, l->w, l->n_out, 0, dx,
			     l->n_in);
}

static const struct pml_layer_ops dense_ops = {
	"dense", dense_n_params, dense_init, dense_forward, dense_backward,
};

/* ---- activations ---- */

static size_t
no_params(const struct pml_layer *l)
{
	(void)l;
	return 0;
}

static void
no_init(struct pml_layer *l, enum pml_init how, struct pml_rng *r)
{
	(void)l;
	(void)how;
	(void)r;
}

static void
act_forward(struct pml_layer *l, const float *x, float *y, size_t n, int train,
	    struct pml_rng *rng)
{
	size_t i, m = n * l->n_out;

	(void)train;
	(void)rng;
	switch (l->act) {
	case PML_ACT_IDENTITY:
		memcpy(y, x, m * sizeof(float));
		break;
	case PML_ACT_RELU:
		i = 0;
#if defined(__SSE2__)
		for (; i + 4 <= m; i += 4)
			_mm_storeu_ps(y + i, _mm_max_ps(_mm_loadu_ps(x + i), _mm_setzero_ps()));
#endif
		for (; i < m; i++)
			y[i] = x[i] > 0 ? x[i] : 0;
		break;
	case PML_ACT_SIGMOID:
		for (i = 0; i < m; i++)
			y[i] = 1 / (1 + expf(-x[i]));
		break;
	case PML_ACT_TANH:
		for (i = 0; i < m; i++)
			y[i] = tanhf(x[i]);
		break;
	}
}

static void
act_backward(struct pml_layer *l, const float *x, const float *y, const float *dy, float *dx,
	     size_t n)
{
	size_t i, m = n * l->n_out;

	(void)x;
	if (!dx)
		return;
	switch (l->act) {
	case PML_ACT_IDENTITY:
		memcpy(dx, dy, m * sizeof(float));
		break;
	case PML_ACT_RELU:
		i = 0;
#if defined(__SSE2__)
		for (; i + 4 <= m; i += 4) {
			__m128 pos = _mm_cmpgt_ps(_mm_loadu_ps(y + i), _mm_setzero_ps());

			_mm_storeu_ps(dx + i, _mm_and_ps(pos, _mm_loadu_ps(dy + i)));
		}
#endif
		for (; i < m; i++)
			dx[i] = y[i] > 0 ? dy[i] : 0;
		break;
	case PML_ACT_SIGMOID:
		for (i = 0; i < m; i++)
			dx[i] = dy[i] * y[i] * (1 - y[i]);
		break;
	case PML_ACT_TANH:
		for (i = 0; i < m; i++)
			dx[i] = dy[i] * (1 - y[i] * y[i]);
		break;
	}
}

static const struct pml_layer_ops act_ops[] = {
	{ "identity", no_params, no_init, act_forward, act_backward },
	{ "relu", no_params, no_init, act_forward, act_backward },
	{ "sigmoid", no_params, no_init, act_forward, act_backward },
	{ "tanh", no_params, no_init, act_forward, act_backward },
};

/* ---- dropout (inverted: scaled at training time, identity at inference) ---- */

static void
dropout_forward(struct pml_layer *l, const float *x, float *y, size_t n, int train,
		struct pml_rng *rng)
{
	size_t i, m = n * l->n_out;
	float keep = 1 / (1 - l->rate);
	/* drop when a 24-bit uniform integer falls below rate * 2^24 */
	uint32_t cut = (uint32_t)((double)l->rate * 16777216.0);

	if (!train || l->rate <= 0) {
		memcpy(y, x, m * sizeof(float));
		return;
	}
	for (i = 0; i < m; i++) {
		uint32_t u = (uint32_t)(pml_rng_u64(rng) >> 40);

		l->mask[i] = u < cut ? 0 : keep;
		y[i] = x[i] * l->mask[i];
	}
}

static void
dropout_backward(struct pml_layer *l, const float *x, const float *y, const float *dy,
		 float *dx, size_t n)
{
	size_t i, m = n * l->n_out;

	(void)x;
	(void)y;
	if (!dx)
		return;
	if (l->rate <= 0) {
		memcpy(dx, dy, m * sizeof(float));
		return;
	}
	for (i = 0; i < m; i++)
		dx[i] = dy[i] * l->mask[i];
}

static const struct pml_layer_ops dropout_ops = {
	"dropout", no_params, no_init, dropout_forward, dropout_backward,
};

const struct pml_layer_ops *
pml_layer_ops_find(const char *name)
{
	size_t i;

	if (!strcmp(name, dense_ops.name))
		return &dense_ops;
	if (!strcmp(name, dropout_ops.name))
		return &dropout_ops;
	for (i = 0; i < sizeof(act_ops) / sizeof(act_ops[0]); i++)
		if (!strcmp(name, act_ops[i].name))
			return &act_ops[i];
	return NULL;
}

/* ---- building a network ---- */

struct pml_net *
pml_net_new(size_t n_in)
{
	struct pml_net *net = pml_xcalloc(1, sizeof(*net));

	net->n_in = n_in;
	net->n_out = n_in;
	return net;
}

static struct pml_layer *
add_layer(struct pml_net *net, const struct pml_layer_ops *ops, enum pml_layer_kind kind,
	  size_t n_out)
{
	struct pml_layer *l;

	if (net->finished) {
		pml_error("network already finished: cannot add a '%s' layer", ops->name);
		return NULL;
	}
	PML_ALLOC_GROW(net->layer, net->n_layer + 1, net->m_layer);
	l = &net->layer[net->n_layer++];
	memset(l, 0, sizeof(*l));
	l->ops = ops;
	l->kind = kind;
	l->n_in = net->n_out;
	l->n_out = n_out;
	net->n_out = n_out;
	return l;
}

int
pml_net_add_dense(struct pml_net *net, size_t n_out)
{
	if (n_out < 1 || n_out > (1u << 24) || net->n_out > (1u << 24) ||
	    (double)n_out * (double)net->n_out > (double)(1u << 30))
		return pml_error("dense layer %zu -> %zu: size out of range", net->n_out, n_out);
	return add_layer(net, &dense_ops, PML_LAYER_DENSE, n_out) ? 0 : -1;
}

int
pml_net_add_act(struct pml_net *net, enum pml_act act)
{
	struct pml_layer *l;

	if ((unsigned)act > PML_ACT_TANH)
		return pml_error("unknown activation %d", (int)act);
	l = add_layer(net, &act_ops[act], PML_LAYER_ACT, net->n_out);
	if (!l)
		return -1;
	l->act = act;
	return 0;
}

int
pml_net_add_dropout(struct pml_net *net, float rate)
{
	struct pml_layer *l;

	if (!(rate >= 0 && rate < 1))
		return pml_error("dropout rate %g: must be in [0, 1)", (double)rate);
	l = add_layer(net, &dropout_ops, PML_LAYER_DROPOUT, net->n_out);
	if (!l)
		return -1;
	l->rate = rate;
	return 0;
}

void
pml_net_set_loss(struct pml_net *net, enum pml_loss loss)
{
	net->loss = loss;
}

int
pml_net_finish(struct pml_net *net)
{
	size_t i, off = 0;

	if (net->finished)
		return 0;
	if (!net->n_in)
		return pml_error("network has no inputs");
	if (!net->n_layer)
		return pml_error("network has no layers");
	if (net->loss == PML_LOSS_SOFTMAX_CE && net->n_out < 2)
		return pml_error("softmax cross-entropy needs at least 2 outputs, got %zu", net->n_out);
	for (i = 0; i < net->n_layer; i++) {
		struct pml_layer *l = &net->layer[i];

		l->off = off;
		off += l->ops->n_params(l);
	}
	net->n_param = off;
	net->param = pml_xcalloc(off ? off : 1, sizeof(float));
	net->grad = pml_xcalloc(off ? off : 1, sizeof(float));
	for (i = 0; i < net->n_layer; i++) {
		struct pml_layer *l = &net->layer[i];

		if (l->kind == PML_LAYER_DENSE) {
			l->w = net->param + l->off;
			l->b = l->w + l->n_out * l->n_in;
			l->gw = net->grad + l->off;
			l->gb = l->gw + l->n_out * l->n_in;
		}
	}
	net->exps = pml_xmallocarray(net->n_out, sizeof(double));
	net->act = pml_xcalloc(net->n_layer + 1, sizeof(float *));
	net->dact = pml_xcalloc(net->n_layer + 1, sizeof(float *));
	net->finished = 1;
	return 0;
}

void
pml_net_init(struct pml_net *net, enum pml_init how, uint64_t seed)
{
	struct pml_rng r;
	size_t i;

	pml_rng_seed(&r, seed);
	for (i = 0; i < net->n_layer; i++)
		net->layer[i].ops->init(&net->layer[i], how, &r);
}

void
pml_net_reserve(struct pml_net *net, size_t n)
{
	size_t i;

	if (n <= net->m_batch)
		return;
	for (i = 0; i < net->n_layer; i++) {
		struct pml_layer *l = &net->layer[i];

		free(net->act[i + 1]);
		free(net->dact[i + 1]);
		/* act[i+1]: output of layer i; dact[i+1]: dLoss/d(output of layer i) */
		/* zeroed, so the pages are resident from the start (a server's
		 * memory does not grow when its first big batch comes) */
		net->act[i + 1] = pml_xmallocarray(n, l->n_out * sizeof(float));
		net->dact[i + 1] = pml_xmallocarray(n, l->n_out * sizeof(float));
		memset(net->act[i + 1], 0, n * l->n_out * sizeof(float));
		memset(net->dact[i + 1], 0, n * l->n_out * sizeof(float));
		if (l->kind == PML_LAYER_DROPOUT) {
			free(l->mask);
			l->mask = pml_xmallocarray(n, l->n_out * sizeof(float));
			l->m_mask = n;
		}
	}
	free(net->in_buf);
	net->in_buf = pml_xmallocarray(n, net->n_in * sizeof(float));
	net->m_batch = n;
}

void
pml_net_free(struct pml_net *net)
{
	size_t i;

	if (!net)
		return;
	for (i = 0; i < net->n_layer; i++)
		free(net->layer[i].mask);
	if (net->act)
		for (i = 0; i <= net->n_layer; i++) {
			if (i > 0)
				free(net->act[i]);
			free(net->dact[i]);
		}
	free(net->act);
	free(net->dact);
	free(net->in_buf);
	free(net->exps);
	free(net->layer);
	free(net->param);
	free(net->grad);
	free(net);
}

struct pml_net *
pml_net_mlp(size_t n_in, const size_t *hidden, const enum pml_act *act, size_t n_hidden,
	    float dropout, size_t n_out, enum pml_loss loss)
{
	struct pml_net *net = pml_net_new(n_in);
	size_t i;

	for (i = 0; i < n_hidden; i++) {
		if (pml_net_add_dense(net, hidden[i]) < 0 || pml_net_add_act(net, act[i]) < 0 ||
		    (dropout > 0 && pml_net_add_dropout(net, dropout) < 0))
			goto fail;
	}
	if (pml_net_add_dense(net, n_out) < 0)
		goto fail;
	pml_net_set_loss(net, loss);
	if (pml_net_finish(net) < 0)
		goto fail;
	return net;
fail:
	pml_net_free(net);
	return NULL;
}

/* ---- passes ---- */

/* Forward n rows of x through every layer; returns the output (logits or values). */
static const float *
forward(struct pml_net *net, const float *x, size_t n, int train, struct pml_rng *rng)
{
	size_t i;
	const float *in = x;

	for (i = 0; i < net->n_layer; i++) {
		net->layer[i].ops->forward(&net->layer[i], in, net->act[i + 1], n, train, rng);
		in = net->act[i + 1];
	}
	return in;
}

static void
backward(struct pml_net *net, const float *x, size_t n)
{
	size_t i = net->n_layer;

	while (i-- > 0) {
		struct pml_layer *l = &net->layer[i];
		const float *in = i ? net->act[i] : x;

		l->ops->backward(l, in, net->act[i + 1], net->dact[i + 1], i ? net->dact[i] : NULL, n);
		if (i == 0)
			break;
	}
}

static void
softmax_rows(float *p, const float *z, size_t n, size_t k)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const float *zr = z + i * k;
		float *pr = p + i * k;
		float m = zr[0], s = 0;

		for (j = 1; j < k; j++)
			if (zr[j] > m)
				m = zr[j];
		for (j = 0; j < k; j++) {
			pr[j] = expf(zr[j] - m);
			s += pr[j];
		}
		for (j = 0; j < k; j++)
			pr[j] /= s;
	}
}

/*
 * Loss of the output z (n x k) against the targets; if dz, write the
 * gradient of the batch's mean loss. *sum_loss gets the summed loss,
 * *n_right the number of correct argmax predictions (classes).
 */
static void
loss_grad(const struct pml_net *net, const float *z, size_t n, const uint32_t *cls,
	  const float *y, float *dz, double *sum_loss, size_t *n_right)
{
	size_t i, j, k = net->n_out;
	double total = 0, *ex = net->exps;
	size_t right = 0;

	for (i = 0; i < n; i++) {
		const float *zr = z + i * k;

		if (cls && pml_metrics_argmax(zr, k) == cls[i])
			right++;
		if (net->loss == PML_LOSS_SOFTMAX_CE) {
			float m = zr[0];
			double s = 0;

			for (j = 1; j < k; j++)
				if (zr[j] > m)
					m = zr[j];
			for (j = 0; j < k; j++) {
				ex[j] = exp((double)zr[j] - m);
				s += ex[j];
			}
			total += log(s) - ((double)zr[cls[i]] - m);
			if (dz) {
				float *d = dz + i * k;
				float inv = 1.0f / (float)n;

				for (j = 0; j < k; j++)
					d[j] = (float)(ex[j] / s) * inv;
				d[cls[i]] -= inv;
			}
		} else {
			double e2 = 0;
			float scale = 2.0f / ((float)n * (float)k);

			for (j = 0; j < k; j++) {
				float t = cls ? (cls[i] == j ? 1.0f : 0.0f) : y[i * k + j];
				float e = zr[j] - t;

				e2 += (double)e * e;
				if (dz)
					dz[i * k + j] = scale * e;
			}
			total += e2 / (double)k;
		}
	}
	*sum_loss += total;
	*n_right += right;
}

void
pml_net_predict(struct pml_net *net, const float *x, size_t n, float *out)
{
	size_t start, k = net->n_out;

	if (net->m_batch < 256)
		pml_net_reserve(net, 256);
	for (start = 0; start < n; start += net->m_batch) {
		size_t bs = n - start < net->m_batch ? n - start : net->m_batch;
		const float *z = forward(net, x + start * net->n_in, bs, 0, NULL);

		if (net->loss == PML_LOSS_SOFTMAX_CE)
			softmax_rows(out + start * k, z, bs, k);
		else
			memcpy(out + start * k, z, bs * k * sizeof(float));
	}
}

static int
check_data(const struct pml_net *net, const struct pml_data *d, const char *what)
{
	size_t i;

	if (d->n_in != net->n_in)
		return pml_error("%s data has %zu features, the network takes %zu", what, d->n_in,
				 net->n_in);
	if (net->loss == PML_LOSS_SOFTMAX_CE && !d->cls)
		return pml_error("%s data: cross-entropy needs class labels", what);
	if (!d->cls && !d->y)
		return pml_error("%s data has no targets", what);
	if (d->cls)
		for (i = 0; i < d->n; i++)
			if (d->cls[i] >= net->n_out)
				return pml_error("%s data: row %zu: class %u out of range (%zu outputs)",
						 what, i + 1, (unsigned)d->cls[i], net->n_out);
	return 0;
}

int
pml_nn_evaluate(struct pml_net *net, const struct pml_data *d, double *loss, double *acc)
{
	size_t start, right = 0;
	double sum = 0;

	if (check_data(net, d, "evaluation") < 0)
		return -1;
	if (net->m_batch < 256)
		pml_net_reserve(net, 256);
	for (start = 0; start < d->n; start += net->m_batch) {
		size_t bs = d->n - start < net->m_batch ? d->n - start : net->m_batch;
		const float *z = forward(net, d->x + start * net->n_in, bs, 0, NULL);

		loss_grad(net, z, bs, d->cls ? d->cls + start : NULL,
			  d->y ? d->y + start * net->n_out : NULL, NULL, &sum, &right);
	}
	*loss = d->n ? sum / (double)d->n : NAN;
	*acc = d->cls && d->n ? (double)right / (double)d->n : NAN;
	return 0;
}

int
pml_nn_gradient(struct pml_net *net, const struct pml_data *d, struct pml_rng *rng,
		double *loss)
{
	size_t right = 0;
	double sum = 0;
	const float *z;

	if (check_data(net, d, "gradient") < 0)
		return -1;
	if (!d->n)
		return pml_error("no records");
	pml_net_reserve(net, d->n);
	memset(net->grad, 0, net->n_param * sizeof(float));
	z = forward(net, d->x, d->n, rng != NULL, rng);
	loss_grad(net, z, d->n, d->cls, d->y, net->dact[net->n_layer], &sum, &right);
	backward(net, d->x, d->n);
	*loss = sum / (double)d->n;
	return 0;
}

void
pml_epoch_format(const struct pml_epoch_info *e, char *buf, size_t len)
{
	size_t n;

#define ADD(...) \
	do { \
		n = strlen(buf); \
		snprintf(buf + n, len - n, __VA_ARGS__); \
	} while (0)
	if (!len)
		return;
	snprintf(buf, len, "epoch %zu/%zu  loss %.*f", e->epoch, e->epochs,
		 e->train_loss < 1e4 ? 4 : 0, e->train_loss);
	if (!isnan(e->train_acc))
		ADD("  acc %.4f", e->train_acc);
	if (!isnan(e->val_loss))
		ADD("  val_loss %.4f", e->val_loss);
	if (!isnan(e->val_acc))
		ADD("  val_acc %.4f", e->val_acc);
	ADD("  lr %.3g  %.0f samples/s  %.1fs%s", e->lr, e->samples_per_s, e->elapsed,
	    e->best ? "  *" : "");
#undef ADD
}

/* A learning rate is a float while training: its shortest text as a float (0.001, not 0.0010000000474974513). */
static void
add_json_float(struct pml_buf *b, double v)
{
	char tmp[32];
	int prec;

	if (!isfinite(v) || v == 0 || (double)(float)v != v) {
		pml_buf_add_json_num(b, v);
		return;
	}
	for (prec = 1; prec < 9; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtof(tmp, NULL) == (float)v)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
	pml_buf_addstr(b, tmp);
}

void
pml_epoch_json(const struct pml_epoch_info *e, struct pml_buf *b)
{
	pml_buf_addf(b, "{\"epoch\":%zu,\"epochs\":%zu,\"train_loss\":", e->epoch, e->epochs);
	pml_buf_add_json_num(b, e->train_loss);
	if (!isnan(e->train_acc)) {
		pml_buf_addstr(b, ",\"train_accuracy\":");
		pml_buf_add_json_num(b, e->train_acc);
	}
	if (!isnan(e->val_loss)) {
		pml_buf_addstr(b, ",\"val_loss\":");
		pml_buf_add_json_num(b, e->val_loss);
	}
	if (!isnan(e->val_acc)) {
		pml_buf_addstr(b, ",\"val_accuracy\":");
		pml_buf_add_json_num(b, e->val_acc);
	}
	pml_buf_addstr(b, ",\"lr\":");
	add_json_float(b, e->lr);
	pml_buf_addstr(b, ",\"seconds\":");
	pml_buf_add_json_num(b, floor(e->elapsed * 1e6 + 0.5) / 1e6);
	pml_buf_addstr(b, ",\"samples_per_s\":");
	pml_buf_add_json_num(b, floor(e->samples_per_s + 0.5));
	if (!isnan(e->val_loss))
		pml_buf_addstr(b, e->best ? ",\"best\":true" : ",\"best\":false");
	pml_buf_addch(b, '}');
}

static const char *const stop_names[] = { "epochs", "max_epochs", "no_improvement", "callback" };

const char *
pml_stop_name(enum pml_stop s)
{
	return (unsigned)s < sizeof(stop_names) / sizeof(stop_names[0]) ? stop_names[s] : "?";
}

/* A tolerance as people write it: 1e-4 rather than 0.0001, 0.5 as it is. */
static void
format_tol(double v, char *buf, size_t len)
{
	char e[32], *p, *q;

	snprintf(buf, len, "%g", v);
	snprintf(e, sizeof(e), "%.6e", v);      /* "1.000000e-04" */
	p = strchr(e, 'e');
	if (!p)
		return;
	q = p;
	while (q > e && q[-1] == '0')
		q--;
	if (q > e && q[-1] == '.')
		q--;
	/* mantissa e[0..q), then 'e', the sign if negative, the exponent without leading zeros */
	{
		char out[32];
		const char *x = p + 1;
		int neg = *x == '-';
		size_t m = (size_t)(q - e);

		if (*x == '+' || *x == '-')
			x++;
		while (*x == '0' && x[1])
			x++;
		snprintf(out, sizeof(out), "%.*se%s%s", (int)m, e, neg ? "-" : "", x);
		if (strlen(out) < strlen(buf))
			snprintf(buf, len, "%s", out);
	}
}

void
pml_stop_format(const struct pml_train_opts *o, const struct pml_train_result *res,
		char *buf, size_t len)
{
	char tol[32], kept[64];
	const char *what = res->watched_val ? "validation loss" : "training loss";

	format_tol(o->tol, tol, sizeof(tol));
	snprintf(kept, sizeof(kept), "kept epoch %zu%s", res->kept_epoch,
		 res->best_epoch && res->stop != PML_STOP_NO_IMPROVEMENT ? " (lowest validation loss)" : "");
	switch (res->stop) {
	case PML_STOP_NO_IMPROVEMENT:
		snprintf(buf, len, "stopped at epoch %zu: %s did not improve by %s for %zu epoch%s; %s",
			 res->epochs_run, what, tol, o->patience, o->patience == 1 ? "" : "s", kept);
		break;
	case PML_STOP_MAX_EPOCHS:
		snprintf(buf, len, "stopped at epoch %zu: the maximum number of epochs, with the %s "
			 "still improving by %s within %zu epoch%s (not converged); %s",
			 res->epochs_run, what, tol, o->patience, o->patience == 1 ? "" : "s", kept);
		break;
	case PML_STOP_CALLBACK:
		snprintf(buf, len, "stopped at epoch %zu on request; %s", res->epochs_run, kept);
		break;
	default:
		snprintf(buf, len, "stopped at epoch %zu: the %zu epoch%s asked; %s", res->epochs_run,
			 o->epochs, o->epochs == 1 ? "" : "s", kept);
		break;
	}
}

/* ---- held-out validation rows ---- */

static void
move_rows(float *x, uint32_t *cls, float *y, size_t n_in, size_t k, size_t to, size_t from)
{
	if (to == from)
		return;
	memcpy(x + to * n_in, x + from * n_in, n_in * sizeof(float));
	if (cls)
		cls[to] = cls[from];
	if (y)
		memcpy(y + to * k, y + from * k, k * sizeof(float));
}

int
pml_data_holdout(float *x, uint32_t *cls, float *y, size_t n, size_t n_in, size_t k,
		 size_t n_class, double frac, uint64_t seed, size_t *n_val)
{
	struct pml_rng rng;
	uint32_t *order, *pos;
	size_t *count, *take, *start, groups, g, i, total, given;
	unsigned char *held;
	float *vx, *vy = NULL;
	uint32_t *vc = NULL;
	size_t nv, nt;

	*n_val = 0;
	if (!(frac > 0 && frac < 1))
		return pml_error("validation fraction %g: must be between 0 and 1", frac);
	if (n > UINT32_MAX)
		return pml_error("too many records (%zu)", n);
	groups = cls && n_class ? n_class : 1;
	for (i = 0; cls && n_class && i < n; i++)
		if (cls[i] >= n_class)
			return pml_error("record %zu: class %u out of range", i + 1, (unsigned)cls[i]);
	total = (size_t)floor(frac * (double)n + 0.5);
	if (total == 0 || total >= n)
		return pml_error("validation fraction %g of %zu records leaves %s empty", frac, n,
				 total == 0 ? "the validation set" : "the training set");
	count = pml_xcalloc(groups, sizeof(*count));
	take = pml_xcalloc(groups, sizeof(*take));
	start = pml_xcalloc(groups + 1, sizeof(*start));
	for (i = 0; i < n; i++)
		count[groups > 1 ? cls[i] : 0]++;
	/* each group's share, floor first, then the largest remainders (lowest group on ties) */
	given = 0;
	for (g = 0; g < groups; g++) {
		take[g] = (size_t)floor(frac * (double)count[g]);
		given += take[g];
	}
	while (given < total) {
		size_t best = groups;
		double best_r = -1;

		for (g = 0; g < groups; g++) {
			double r = frac * (double)count[g] - (double)take[g];

			if (take[g] < count[g] && r > best_r)
				best_r = r, best = g;
		}
		if (best == groups)
			break;
		take[best]++;
		given++;
	}
	/* rows grouped by class in original order, each group shuffled, its first take[g] held out */
	for (g = 0; g < groups; g++)
		start[g + 1] = start[g] + count[g];
	order = pml_xmallocarray(n, sizeof(*order));
	pos = pml_xcalloc(groups, sizeof(*pos));
	for (i = 0; i < n; i++) {
		g = groups > 1 ? cls[i] : 0;
		order[start[g] + pos[g]++] = (uint32_t)i;
	}
	pml_rng_seed(&rng, seed ^ 0x686f6c646f7574ULL);     /* "holdout": not the shuffling stream */
	held = pml_xcalloc(n, 1);
	for (g = 0; g < groups; g++) {
		pml_rng_shuffle_u32(&rng, order + start[g], count[g]);
		for (i = 0; i < take[g]; i++)
			held[order[start[g] + i]] = 1;
	}
	/* held-out rows aside, kept rows forward, held-out rows at the end */
	nv = given;
	vx = pml_xmallocarray(nv, n_in * sizeof(float));
	if (cls)
		vc = pml_xmallocarray(nv, sizeof(*vc));
	if (y)
		vy = pml_xmallocarray(nv, k * sizeof(float));
	for (i = 0, nt = 0, nv = 0; i < n; i++) {
		if (held[i]) {
			memcpy(vx + nv * n_in, x + i * n_in, n_in * sizeof(float));
			if (vc)
				vc[nv] = cls[i];
			if (vy)
				memcpy(vy + nv * k, y + i * k, k * sizeof(float));
			nv++;
		} else {
			move_rows(x, cls, y, n_in, k, nt++, i);
		}
	}
	memcpy(x + nt * n_in, vx, nv * n_in * sizeof(float));
	if (vc)
		memcpy(cls + nt, vc, nv * sizeof(*vc));
	if (vy)
		memcpy(y + nt * k, vy, nv * k * sizeof(float));
	*n_val = nv;
	free(vx);
	free(vc);
	free(vy);
	free(held);
	free(pos);
	free(order);
	free(start);
	free(take);
	free(count);
	return 0;
}

/* ---- optimisers ---- */

void
pml_train_opts_init(struct pml_train_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->optim = PML_OPTIM_ADAM;
	o->lr = 1e-3;
	o->momentum = 0.9;
	o->beta1 = 0.9;
	o->beta2 = 0.999;
	o->eps = 1e-8;
	o->sched = PML_SCHED_CONSTANT;
	o->step_epochs = 10;
	o->step_gamma = 0.1;
	o->batch = PML_DEFAULT_BATCH;
	o->alpha = PML_DEFAULT_ALPHA;
	o->epochs = PML_DEFAULT_MAX_EPOCHS;
	o->patience = PML_DEFAULT_PATIENCE;
	o->tol = PML_DEFAULT_TOL;
	o->seed = PML_DEFAULT_SEED;
}

struct optim {
	float *m, *v;               /* Adam moments, or SGD velocity in m */
	uint64_t t;
	float step, eps;            /* Adam's bias-corrected step and epsilon for step t */
};

/*
 * The rows of the next batch, fetched into the caches a few at a time
 * while the optimiser runs: the update waits on its divider, not on
 * memory, so the fetches overlap it. Asking for all rows at once would
 * stall on the memory system's queue instead.
 */
struct ahead {
	const float *x;
	size_t n_in;
	const uint32_t *idx;        /* rows of the next batch */
	size_t n, done;
};

static void
ahead_until(struct ahead *a, size_t rows)
{
	size_t c, bytes = a->n_in * sizeof(float);

	for (; a->done < rows && a->done < a->n; a->done++) {
		const char *r = (const char *)(a->x + (size_t)a->idx[a->done] * a->n_in);

		for (c = 0; c < bytes; c += 64)
			__builtin_prefetch(r + c, 0, 1);
	}
}

/*
 * Fused Adam: moments and weights in one pass. The SSE and AVX paths do
 * the same IEEE operations per element as the scalar loop (no FMA), so
 * every path gives the same bits.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX_PATH 1
__attribute__((target("avx"))) static size_t
adam_avx(float *p, float *g, float *m, float *v, size_t n, float b1, float b2, float step,
	 float eps, float decay)
{
	__m256 vb1 = _mm256_set1_ps(b1), vb1c = _mm256_set1_ps(1 - b1);
	__m256 vb2 = _mm256_set1_ps(b2), vb2c = _mm256_set1_ps(1 - b2);
	__m256 vstep = _mm256_set1_ps(step), veps = _mm256_set1_ps(eps);
	__m256 vdecay = _mm256_set1_ps(decay);
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		__m256 pi = _mm256_loadu_ps(p + i);
		__m256 gi = _mm256_add_ps(_mm256_loadu_ps(g + i), _mm256_mul_ps(vdecay, pi));

		_mm256_storeu_ps(g + i, _mm256_setzero_ps());
		__m256 mi = _mm256_add_ps(_mm256_mul_ps(vb1, _mm256_loadu_ps(m + i)),
					  _mm256_mul_ps(vb1c, gi));
		__m256 vi = _mm256_add_ps(_mm256_mul_ps(vb2, _mm256_loadu_ps(v + i)),
					  _mm256_mul_ps(_mm256_mul_ps(vb2c, gi), gi));

		_mm256_storeu_ps(m + i, mi);
		_mm256_storeu_ps(v + i, vi);
		pi = _mm256_sub_ps(pi, _mm256_div_ps(_mm256_mul_ps(vstep, mi),
						     _mm256_add_ps(_mm256_sqrt_ps(vi), veps)));
		_mm256_storeu_ps(p + i, pi);
	}
	return i;
}
#endif

static void
adam(float *p, float *g, float *m, float *v, size_t n, float b1, float b2, float step,
     float eps, float decay)
{
	size_t i = 0;

#if defined(HAVE_AVX_PATH)
	static int has_avx = -1;

	if (has_avx < 0) {
		__builtin_cpu_init();
		has_avx = __builtin_cpu_supports("avx") ? 1 : 0;
	}
	if (has_avx)
		i = adam_avx(p, g, m, v, n, b1, b2, step, eps, decay);
#endif
#if defined(__SSE2__)
	{
		__m128 vb1 = _mm_set1_ps(b1), vb1c = _mm_set1_ps(1 - b1);
		__m128 vb2 = _mm_set1_ps(b2), vb2c = _mm_set1_ps(1 - b2);
		__m128 vstep = _mm_set1_ps(step), veps = _mm_set1_ps(eps);
		__m128 vdecay = _mm_set1_ps(decay);

		for (; i + 4 <= n; i += 4) {
			__m128 pi = _mm_loadu_ps(p + i);
			__m128 gi = _mm_add_ps(_mm_loadu_ps(g + i), _mm_mul_ps(vdecay, pi));

			_mm_storeu_ps(g + i, _mm_setzero_ps());
			__m128 mi = _mm_add_ps(_mm_mul_ps(vb1, _mm_loadu_ps(m + i)), _mm_mul_ps(vb1c, gi));
			__m128 vi = _mm_add_ps(_mm_mul_ps(vb2, _mm_loadu_ps(v + i)),
					       _mm_mul_ps(_mm_mul_ps(vb2c, gi), gi));

			_mm_storeu_ps(m + i, mi);
			_mm_storeu_ps(v + i, vi);
			pi = _mm_sub_ps(pi, _mm_div_ps(_mm_mul_ps(vstep, mi),
						       _mm_add_ps(_mm_sqrt_ps(vi), veps)));
			_mm_storeu_ps(p + i, pi);
		}
	}
#endif
	for (; i < n; i++) {
		float gi = g[i] + decay * p[i];

		g[i] = 0;
		m[i] = b1 * m[i] + (1 - b1) * gi;
		v[i] = b2 * v[i] + (1 - b2) * gi * gi;
		p[i] -= step * m[i] / (sqrtf(v[i]) + eps);
	}
}

/* One update of the n parameters p from gradients g, which it leaves zeroed
 * for the next batch to add into; decay applies L2. */
static void
update(const struct pml_train_opts *o, struct optim *st, float *p, float *g, size_t off,
       size_t n, float lr, float decay)
{
	size_t i;
	float *m = st->m + off, *v = st->v ? st->v + off : NULL;

	if (o->optim == PML_OPTIM_ADAM) {
		adam(p, g, m, v, n, (float)o->beta1, (float)o->beta2, st->step, st->eps, decay);
	} else {
		float mu = (float)o->momentum;

		if (mu == 0) {
			for (i = 0; i < n; i++) {
				p[i] -= lr * (g[i] + decay * p[i]);
				g[i] = 0;
			}
		} else if (o->nesterov) {
			for (i = 0; i < n; i++) {
				float gi = g[i] + decay * p[i];

				g[i] = 0;
				m[i] = mu * m[i] + gi;
				p[i] -= lr * (gi + mu * m[i]);
			}
		} else {
			for (i = 0; i < n; i++) {
				float gi = g[i] + decay * p[i];

				g[i] = 0;
				m[i] = mu * m[i] + gi;
				p[i] -= lr * m[i];
			}
		}
	}
}

/* Update n parameters from off in chunks, fetching next rows in between. */
static void
update_chunked(struct pml_net *net, const struct pml_train_opts *o, struct optim *st,
	       size_t off, size_t n, float lr, float decay, struct ahead *a)
{
	enum { CHUNK = 2048 };
	size_t i, c;

	for (i = 0; i < n; i += c) {
		c = n - i < CHUNK ? n - i : CHUNK;
		update(o, st, net->param + off + i, net->grad + off + i, off + i, c, lr, decay);
		if (a)
			ahead_until(a, a->n * (off + i + c) / net->n_param);
	}
}

/* One update of every parameter; bs: rows in the batch (for alpha). */
static void
step_all(struct pml_net *net, const struct pml_train_opts *o, struct optim *st, float lr,
	 size_t bs, struct ahead *a)
{
	size_t i;
	float wd = (float)(o->weight_decay + o->alpha / (double)bs);

	st->t++;
	if (o->optim == PML_OPTIM_ADAM) {
		double c1 = 1 - pow(o->beta1, (double)st->t), c2 = 1 - pow(o->beta2, (double)st->t);

		st->step = (float)(lr * sqrt(c2) / c1);
		st->eps = (float)(o->eps * sqrt(c2));
	}
	for (i = 0; i < net->n_layer; i++) {
		struct pml_layer *l = &net->layer[i];
		size_t np = l->ops->n_params(l);

		if (!np)
			continue;
		if (l->kind == PML_LAYER_DENSE) {
			size_t nw = l->n_out * l->n_in;

			update_chunked(net, o, st, l->off, nw, lr, wd, a);
			update_chunked(net, o, st, l->off + nw, np - nw, lr, 0, a);
		} else {
			update_chunked(net, o, st, l->off, np, lr, 0, a);
		}
	}
	if (a)
		ahead_until(a, a->n);
}

static double
sched_lr(const struct pml_train_opts *o, size_t epoch0, size_t batch_i, size_t n_batch)
{
	switch (o->sched) {
	case PML_SCHED_STEP:
		return o->lr * pow(o->step_gamma, (double)(epoch0 / (o->step_epochs ? o->step_epochs : 1)));
	case PML_SCHED_COSINE: {
		double t = ((double)epoch0 + (double)batch_i / (double)n_batch) / (double)o->epochs;

		return o->lr * 0.5 * (1 + cos(3.14159265358979323846 * t));
	}
	default:
		return o->lr;
	}
}

static int
check_opts(const struct pml_train_opts *o)
{
	if (!(o->lr > 0) || !isfinite(o->lr))
		return pml_error("learning rate %g: must be positive and finite", o->lr);
	if (!o->batch)
		return pml_error("batch size must be at least 1");
	if (!o->epochs)
		return pml_error("epochs must be at least 1");
	if (!(o->momentum >= 0 && o->momentum < 1))
		return pml_error("momentum %g: must be in [0, 1)", o->momentum);
	if (!(o->beta1 >= 0 && o->beta1 < 1) || !(o->beta2 >= 0 && o->beta2 < 1) || !(o->eps > 0))
		return pml_error("adam parameters out of range");
	if (!(o->weight_decay >= 0) || !isfinite(o->weight_decay))
		return pml_error("weight decay %g: must be >= 0", o->weight_decay);
	if (!(o->alpha >= 0) || !isfinite(o->alpha))
		return pml_error("alpha %g: must be >= 0", o->alpha);
	if (!(o->tol >= 0) || !isfinite(o->tol))
		return pml_error("tolerance %g: must be >= 0", o->tol);
	return 0;
}

static int train_run(struct pml_net *net, const struct pml_data *train, const struct pml_data *val,
		     const struct pml_train_opts *o, struct pml_train_result *res);

/* Rows of y (n x k) standardised with mean and sd into a new buffer. */
static float *
standardise(const float *y, size_t n, size_t k, const double *mean, const double *sd)
{
	float *out = pml_xmallocarray(n ? n : 1, k * sizeof(float));
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++)
			out[i * k + j] = (float)((y[i * k + j] - mean[j]) / sd[j]);
	return out;
}

int
pml_nn_train(struct pml_net *net, const struct pml_data *train, const struct pml_data *val,
	     const struct pml_train_opts *o, struct pml_train_result *res)
{
	struct pml_data t2, v2;
	struct pml_layer *last = NULL;
	double *mean, *sd;
	float *ty, *vy = NULL;
	size_t i, j, k = net->n_out, n = train->n;
	int rc;

	if (!o->scale_target || train->cls || !train->y || !n || !net->finished)
		return train_run(net, train, val, o, res);
	for (i = net->n_layer; i-- > 0;)
		if (net->layer[i].kind == PML_LAYER_DENSE) {
			last = &net->layer[i];
			break;
		}
	if (!last || last->n_out != k)
		return train_run(net, train, val, o, res);
	/* mean and standard deviation per output, in two passes (doubles) */
	mean = pml_xcalloc(k, sizeof(double));
	sd = pml_xcalloc(k, sizeof(double));
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++)
			mean[j] += train->y[i * k + j];
	for (j = 0; j < k; j++)
		mean[j] /= (double)n;
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++) {
			double d = train->y[i * k + j] - mean[j];
			sd[j] += d * d;
		}
	for (j = 0; j < k; j++) {
		sd[j] = sqrt(sd[j] / (double)n);
		if (!(sd[j] > 0) || !isfinite(sd[j]))
			sd[j] = 1;      /* a constant target: shift only */
	}
	ty = standardise(train->y, n, k, mean, sd);
	t2 = *train;
	t2.y = ty;
	if (val && val->y) {
		vy = standardise(val->y, val->n, k, mean, sd);
		v2 = *val;
		v2.y = vy;
	}
	rc = train_run(net, &t2, val ? (vy ? &v2 : val) : NULL, o, res);
	if (rc == 0) {
		/* y = sd * (x W + b) + mean: fold into W and b */
		for (i = 0; i < last->n_in; i++)
			for (j = 0; j < k; j++)
				last->w[i * k + j] = (float)(last->w[i * k + j] * sd[j]);
		for (j = 0; j < k; j++)
			last->b[j] = (float)(last->b[j] * sd[j] + mean[j]);
	}
	free(ty);
	free(vy);
	free(mean);
	free(sd);
	return rc;
}

static int
train_run(struct pml_net *net, const struct pml_data *train, const struct pml_data *val,
	  const struct pml_train_opts *o, struct pml_train_result *res)
{
	struct pml_rng rng;
	struct optim st = { NULL, NULL, 0, 0, 0 };
	struct ahead ahead;
	uint32_t *idx = NULL, *bcls = NULL;
	float *by = NULL, *best = NULL;
	size_t i, epoch, n = train->n, k = net->n_out, n_batch, since = 0;
	double best_loss = INFINITY, watch_best = INFINITY, t0 = pml_now();
	unsigned fpu;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	res->val_loss = res->val_acc = NAN;
	res->watched_val = val != NULL;
	res->stop = o->patience ? PML_STOP_MAX_EPOCHS : PML_STOP_EPOCHS;
	if (!net->finished)
		return pml_error("network not finished");
	if (check_opts(o) < 0 || check_data(net, train, "training") < 0 ||
	    (val && check_data(net, val, "validation") < 0))
		return -1;
	if (!n)
		return pml_error("no training records");
	if (n > UINT32_MAX)
		return pml_error("too many training records (%zu)", n);

	fpu = pml_mat_fpu_fast();
	memset(net->grad, 0, net->n_param * sizeof(float));
	pml_rng_seed(&rng, o->seed);
	pml_net_reserve(net, o->batch < 256 ? 256 : o->batch);
	idx = pml_xmallocarray(n, sizeof(*idx));
	for (i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	if (train->cls)
		bcls = pml_xmallocarray(o->batch, sizeof(*bcls));
	else
		by = pml_xmallocarray(o->batch, k * sizeof(float));
	st.m = pml_xcalloc(net->n_param ? net->n_param : 1, sizeof(float));
	if (o->optim == PML_OPTIM_ADAM)
		st.v = pml_xcalloc(net->n_param ? net->n_param : 1, sizeof(float));
	if (val)
		best = pml_xmallocarray(net->n_param ? net->n_param : 1, sizeof(float));
	n_batch = (n + o->batch - 1) / o->batch;

	for (epoch = 0; epoch < o->epochs; epoch++) {
		struct pml_epoch_info info;
		double sum_loss = 0, te = pml_now();
		size_t right = 0, b;
		float lr = (float)o->lr;

		pml_rng_shuffle_u32(&rng, idx, n);
		for (b = 0; b < n_batch; b++) {
			size_t start = b * o->batch;
			size_t bs = n - start < o->batch ? n - start : o->batch;
			double before = sum_loss;
			const float *z;

			/* gather the shuffled rows into the batch buffer */
			for (i = 0; i < bs; i++) {
				size_t r = idx[start + i];

				memcpy(net->in_buf + i * net->n_in, train->x + r * net->n_in,
				       net->n_in * sizeof(float));
				if (bcls)
					bcls[i] = train->cls[r];
				else
					memcpy(by + i * k, train->y + r * k, k * sizeof(float));
			}
			z = forward(net, net->in_buf, bs, 1, &rng);
			loss_grad(net, z, bs, bcls, by, net->dact[net->n_layer], &sum_loss, &right);
			if (!isfinite(sum_loss - before)) {
				pml_error("training diverged: loss is %s at epoch %zu, batch %zu "
					  "(try a smaller --lr)",
					  isnan(sum_loss - before) ? "NaN" : "infinite", epoch + 1, b + 1);
				goto out;
			}
			backward(net, net->in_buf, bs);
			if (o->grad_hook)
				o->grad_hook(net->grad, net->n_param, o->ctx);
			lr = (float)sched_lr(o, epoch, b, n_batch);
			ahead.x = train->x;
			ahead.n_in = net->n_in;
			ahead.idx = idx + start + bs;
			ahead.n = n - start - bs < o->batch ? n - start - bs : o->batch;
			ahead.done = 0;
			step_all(net, o, &st, lr, bs, &ahead);
			if (o->on_batch)
				o->on_batch(start + bs, n, o->ctx);
		}
		memset(&info, 0, sizeof(info));
		info.epoch = epoch + 1;
		info.epochs = o->epochs;
		info.lr = lr;
		info.train_loss = sum_loss / (double)n;
		info.train_acc = train->cls ? (double)right / (double)n : NAN;
		info.samples_per_s = (double)n / (pml_now() - te);
		info.val_loss = info.val_acc = NAN;
		if (val) {
			if (pml_nn_evaluate(net, val, &info.val_loss, &info.val_acc) < 0)
				goto out;
			if (!isfinite(info.val_loss)) {
				pml_error("training diverged: validation loss is not finite at epoch %zu",
					  epoch + 1);
				goto out;
			}
			if (info.val_loss < best_loss) {
				best_loss = info.val_loss;
				memcpy(best, net->param, net->n_param * sizeof(float));
				res->best_epoch = epoch + 1;
				res->val_loss = info.val_loss;
				res->val_acc = info.val_acc;
				info.best = 1;
			}
		}
		/* the tolerance stop: no fall below the lowest loss so far minus tol */
		{
			double watched = val ? info.val_loss : info.train_loss;

			since = watched < watch_best - o->tol ? 0 : since + 1;
			if (watched < watch_best)
				watch_best = watched;
		}
		info.elapsed = pml_now() - t0;
		res->epochs_run = epoch + 1;
		res->train_loss = info.train_loss;
		res->train_acc = info.train_acc;
		if (o->on_epoch && o->on_epoch(&info, o->ctx)) {
			res->stop = PML_STOP_CALLBACK;
			break;
		}
		if (o->patience && since >= o->patience) {
			res->stop = PML_STOP_NO_IMPROVEMENT;
			break;
		}
	}
	if (val && res->best_epoch)
		memcpy(net->param, best, net->n_param * sizeof(float));
	res->kept_epoch = val && res->best_epoch ? res->best_epoch : res->epochs_run;
	rc = 0;
out:
	res->seconds = pml_now() - t0;
	pml_mat_fpu_restore(fpu);
	free(idx);
	free(bcls);
	free(by);
	free(best);
	free(st.m);
	free(st.v);
	return rc;
}
