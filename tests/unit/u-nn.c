/* u-nn.c: gradient checks, learning XOR, blobs and a linear map, determinism, failures. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pml/err.h"
#include "pml/mat.h"
#include "pml/nn.h"
#include "pml/rng.h"
#include "t.h"

/* Loss at the current weights; the same rng seed each time gives the same dropout masks. */
static double
loss_at(struct pml_net *net, const struct pml_data *d, int train)
{
	struct pml_rng r;
	double loss = NAN;

	pml_rng_seed(&r, 99);
	pml_nn_gradient(net, d, train ? &r : NULL, &loss);
	return loss;
}

/* Compare backprop with central differences for every parameter. */
static void
grad_check(const char *what, struct pml_net *net, const struct pml_data *d, int train)
{
	float *g = malloc(net->n_param * sizeof(float));
	size_t i, bad = 0, worst_i = 0;
	double worst = 0, h = 1e-3;

	loss_at(net, d, train);
	memcpy(g, net->grad, net->n_param * sizeof(float));
	for (i = 0; i < net->n_param; i++) {
		float keep = net->param[i];
		double lp, lm, num, err;

		net->param[i] = keep + (float)h;
		lp = loss_at(net, d, train);
		net->param[i] = keep - (float)h;
		lm = loss_at(net, d, train);
		net->param[i] = keep;
		num = (lp - lm) / (((double)(keep + (float)h) - (double)(keep - (float)h)));
		err = fabs(num - g[i]) / (1e-3 + fabs(num));
		if (err > worst) {
			worst = err;
			worst_i = i;
		}
		if (err > 2e-2)
			bad++;
	}
	T_OK(bad == 0, "gradient check %s: %zu params, worst relative error %.3g at %zu", what,
	     net->n_param, worst, worst_i);
	free(g);
}

static void
make_data(struct pml_data *d, size_t n, size_t n_in, size_t k, int classes, uint64_t seed,
	  float **x, uint32_t **cls, float **y)
{
	struct pml_rng r;
	size_t i;

	pml_rng_seed(&r, seed);
	*x = malloc(n * n_in * sizeof(float));
	for (i = 0; i < n * n_in; i++)
		(*x)[i] = (float)pml_rng_normal(&r);
	*cls = NULL;
	*y = NULL;
	if (classes) {
		*cls = malloc(n * sizeof(uint32_t));
		for (i = 0; i < n; i++)
			(*cls)[i] = (uint32_t)pml_rng_below(&r, k);
	} else {
		*y = malloc(n * k * sizeof(float));
		for (i = 0; i < n * k; i++)
			(*y)[i] = (float)pml_rng_normal(&r);
	}
	d->n = n;
	d->n_in = n_in;
	d->x = *x;
	d->cls = *cls;
	d->y = *y;
}

static void
check_layers(const char *what, enum pml_act act, int dropout, enum pml_loss loss, int classes)
{
	struct pml_net *net = pml_net_new(4);
	struct pml_data d;
	float *x, *y;
	uint32_t *cls;

	pml_net_add_dense(net, 5);
	pml_net_add_act(net, act);
	if (dropout)
		pml_net_add_dropout(net, 0.3f);
	pml_net_add_dense(net, 3);
	pml_net_set_loss(net, loss);
	if (pml_net_finish(net) < 0) {
		T_OK(0, "%s: finish", what);
		return;
	}
	pml_net_init(net, PML_INIT_XAVIER, 5);
	/* non-zero biases so that every bias gradient is exercised */
	{
		size_t i;

		for (i = 0; i < net->n_param; i++)
			net->param[i] += 0.05f * ((float)(i % 7) - 3);
	}
	make_data(&d, 6, 4, 3, classes, 11, &x, &cls, &y);
	grad_check(what, net, &d, dropout);
	pml_net_free(net);
	free(x);
	free(cls);
	free(y);
}

static struct pml_net *
mlp1(size_t n_in, size_t hidden, enum pml_act act, size_t n_out, enum pml_loss loss, uint64_t seed)
{
	struct pml_net *net;

	if (hidden)
		net = pml_net_mlp(n_in, &hidden, &act, 1, 0, n_out, loss);
	else
		net = pml_net_mlp(n_in, NULL, NULL, 0, 0, n_out, loss);
	if (net)
		pml_net_init(net, PML_INIT_HE, seed);
	return net;
}

static void
test_xor(void)
{
	static const float x[] = { 0, 0, 0, 1, 1, 0, 1, 1 };
	static const uint32_t cls[] = { 0, 1, 1, 0 };
	struct pml_data d = { 4, 2, x, cls, NULL };
	struct pml_train_opts o;
	struct pml_train_result res;
	struct pml_net *net = mlp1(2, 8, PML_ACT_TANH, 2, PML_LOSS_SOFTMAX_CE, 1);
	float p[8];
	double loss, acc;

	pml_train_opts_init(&o);
	o.lr = 0.05;
	o.batch = 4;
	o.epochs = 300;
	T_EQ_INT(pml_nn_train(net, &d, NULL, &o, &res), 0, "XOR trains");
	pml_nn_evaluate(net, &d, &loss, &acc);
	T_OK(acc == 1.0 && loss < 0.05, "XOR learnt: accuracy %g, loss %g", acc, loss);
	pml_net_predict(net, x, 4, p);
	T_OK(fabsf(p[0] + p[1] - 1) < 1e-6f && p[0] > 0.9f && p[3] > 0.9f, "XOR probabilities %g %g",
	     (double)p[0], (double)p[3]);
	pml_net_free(net);
}

/* 3 well separated blobs in 10 dimensions. */
static void
blobs(size_t n, float **x, uint32_t **cls, uint64_t seed)
{
	struct pml_rng r;
	size_t i, j;

	pml_rng_seed(&r, seed);
	*x = malloc(n * 10 * sizeof(float));
	*cls = malloc(n * sizeof(uint32_t));
	for (i = 0; i < n; i++) {
		uint32_t c = (uint32_t)(i % 3);

		(*cls)[i] = c;
		for (j = 0; j < 10; j++)
			(*x)[i * 10 + j] = (float)(pml_rng_normal(&r) * 0.5 + (j % 3 == c ? 2.0 : 0.0));
	}
}

static void
test_blobs(enum pml_optim optim, int nesterov, enum pml_sched sched, const char *what)
{
	float *x, *vx;
	uint32_t *cls, *vcls;
	struct pml_data d, v;
	struct pml_train_opts o;
	struct pml_train_result res;
	struct pml_net *net = mlp1(10, 16, PML_ACT_RELU, 3, PML_LOSS_SOFTMAX_CE, 3);
	double loss, acc;

	blobs(600, &x, &cls, 1);
	blobs(300, &vx, &vcls, 2);
	d = (struct pml_data){ 600, 10, x, cls, NULL };
	v = (struct pml_data){ 300, 10, vx, vcls, NULL };
	pml_train_opts_init(&o);
	o.optim = optim;
	o.nesterov = nesterov;
	o.sched = sched;
	o.step_epochs = 5;
	o.step_gamma = 0.5;
	o.lr = optim == PML_OPTIM_SGD ? 0.05 : 0.01;
	o.batch = 32;
	o.epochs = 20;
	T_EQ_INT(pml_nn_train(net, &d, &v, &o, &res), 0, what);
	pml_nn_evaluate(net, &v, &loss, &acc);
	T_OK(acc >= 0.99, "%s: validation accuracy %g", what, acc);
	T_OK(res.best_epoch >= 1 && loss == res.val_loss, "%s: best weights kept (epoch %zu, loss %g == %g)",
	     what, res.best_epoch, loss, res.val_loss);
	pml_net_free(net);
	free(x);
	free(cls);
	free(vx);
	free(vcls);
}

static void
test_regression(size_t hidden, const char *what)
{
	size_t n = 500, i, j;
	float *x = malloc(n * 5 * sizeof(float)), *y = malloc(n * 2 * sizeof(float));
	float *p = malloc(n * 2 * sizeof(float));
	struct pml_rng r;
	struct pml_data d;
	struct pml_train_opts o;
	struct pml_train_result res;
	struct pml_net *net = mlp1(5, hidden, PML_ACT_TANH, 2, PML_LOSS_MSE, 4);
	double ss_res = 0, ss_tot = 0, mean[2] = { 0, 0 };

	pml_rng_seed(&r, 8);
	for (i = 0; i < n; i++) {
		for (j = 0; j < 5; j++)
			x[i * 5 + j] = (float)pml_rng_normal(&r);
		y[i * 2] = (float)(1.5 * x[i * 5] - 2 * x[i * 5 + 1] + 0.5 * x[i * 5 + 4] + 3 +
				   0.05 * pml_rng_normal(&r));
		y[i * 2 + 1] = (float)(-x[i * 5 + 2] + x[i * 5 + 3] - 1 + 0.05 * pml_rng_normal(&r));
		mean[0] += y[i * 2] / (double)n;
		mean[1] += y[i * 2 + 1] / (double)n;
	}
	d = (struct pml_data){ n, 5, x, NULL, y };
	pml_train_opts_init(&o);
	o.lr = 0.02;
	o.batch = 16;
	o.epochs = 60;
	T_EQ_INT(pml_nn_train(net, &d, NULL, &o, &res), 0, what);
	pml_net_predict(net, x, n, p);
	for (i = 0; i < n * 2; i++) {
		ss_res += ((double)p[i] - y[i]) * ((double)p[i] - y[i]);
		ss_tot += ((double)y[i] - mean[i % 2]) * ((double)y[i] - mean[i % 2]);
	}
	T_OK(1 - ss_res / ss_tot > 0.99, "%s: R^2 = %.5f", what, 1 - ss_res / ss_tot);
	T_OK(isnan(res.train_acc), "%s: no accuracy for regression", what);
	pml_net_free(net);
	free(x);
	free(y);
	free(p);
}

static struct pml_net *
train_blobs(uint64_t seed, float dropout, double wd)
{
	size_t h[2] = { 12, 8 };
	enum pml_act a[2] = { PML_ACT_RELU, PML_ACT_SIGMOID };
	struct pml_net *net = pml_net_mlp(10, h, a, 2, dropout, 3, PML_LOSS_SOFTMAX_CE);
	float *x;
	uint32_t *cls;
	struct pml_data d;
	struct pml_train_opts o;
	struct pml_train_result res;

	pml_net_init(net, PML_INIT_HE, seed);
	blobs(200, &x, &cls, 5);
	d = (struct pml_data){ 200, 10, x, cls, NULL };
	pml_train_opts_init(&o);
	o.seed = seed;
	o.epochs = 3;
	o.batch = 17;
	o.weight_decay = wd;
	o.sched = PML_SCHED_COSINE;
	pml_nn_train(net, &d, NULL, &o, &res);
	free(x);
	free(cls);
	return net;
}

/* The tolerance stop, the kept epoch and the stop line. */
static void
test_stop(void)
{
	float *x, *vx;
	uint32_t *cls, *vcls;
	struct pml_data d, v;
	struct pml_train_opts o;
	struct pml_train_result res;
	struct pml_net *net = mlp1(10, 8, PML_ACT_RELU, 3, PML_LOSS_SOFTMAX_CE, 5);
	char line[256];

	blobs(90, &x, &cls, 1);
	blobs(30, &vx, &vcls, 2);
	d = (struct pml_data){ 90, 10, x, cls, NULL };
	v = (struct pml_data){ 30, 10, vx, vcls, NULL };
	pml_train_opts_init(&o);
	T_OK(o.epochs == 200 && o.patience == 10 && o.tol == 1e-4 && o.batch == 200 && o.alpha == 1e-4,
	     "defaults: 200 epochs, patience 10, tol 1e-4, batch 200, alpha 1e-4");

	/* no epoch improves by 100: stop after patience epochs */
	o.tol = 100;
	o.patience = 3;
	T_OK(pml_nn_train(net, &d, NULL, &o, &res) == 0 && res.epochs_run == 4 &&
	     res.stop == PML_STOP_NO_IMPROVEMENT && res.kept_epoch == 4 && !res.watched_val,
	     "tolerance stop on the training loss (ran %zu, kept %zu)", res.epochs_run, res.kept_epoch);
	pml_stop_format(&o, &res, line, sizeof(line));
	T_EQ_STR(line, "stopped at epoch 4: training loss did not improve by 100 for 3 epochs; kept epoch 4",
		 "stop line, training loss");
	T_EQ_STR(pml_stop_name(res.stop), "no_improvement", "stop name");

	o.patience = 1;
	T_OK(pml_nn_train(net, &d, &v, &o, &res) == 0 && res.epochs_run == 2 && res.watched_val &&
	     res.kept_epoch == res.best_epoch && res.best_epoch >= 1,
	     "tolerance stop on the validation loss (ran %zu, kept %zu)", res.epochs_run, res.kept_epoch);
	pml_stop_format(&o, &res, line, sizeof(line));
	T_OK(!strncmp(line, "stopped at epoch 2: validation loss did not improve by 100 for 1 epoch; kept epoch ",
		      strlen("stopped at epoch 2: validation loss did not improve by 100 for 1 epoch; kept epoch ")),
	     "stop line, validation loss: %s", line);

	/* patience 0: exactly the epochs */
	o.patience = 0;
	o.epochs = 5;
	T_OK(pml_nn_train(net, &d, NULL, &o, &res) == 0 && res.epochs_run == 5 && res.stop == PML_STOP_EPOCHS,
	     "patience 0 runs every epoch");
	pml_stop_format(&o, &res, line, sizeof(line));
	T_EQ_STR(line, "stopped at epoch 5: the 5 epochs asked; kept epoch 5", "stop line, epochs asked");

	/* 3 epochs of a falling loss: the most epochs, not converged */
	o.patience = 10;
	o.tol = 1e-4;
	o.epochs = 3;
	T_OK(pml_nn_train(net, &d, NULL, &o, &res) == 0 && res.epochs_run == 3 && res.stop == PML_STOP_MAX_EPOCHS,
	     "the most epochs before converging");
	pml_stop_format(&o, &res, line, sizeof(line));
	T_EQ_STR(line, "stopped at epoch 3: the maximum number of epochs, with the training loss still "
		 "improving by 1e-4 within 10 epochs (not converged); kept epoch 3", "stop line, not converged");

	o.tol = -1;
	pml_err_capture(1);
	T_EQ_INT(pml_nn_train(net, &d, NULL, &o, &res), -1, "negative tolerance refused");
	o.tol = 0;
	o.alpha = NAN;
	T_EQ_INT(pml_nn_train(net, &d, NULL, &o, &res), -1, "alpha NaN refused");
	pml_err_capture(0);
	pml_net_free(net);
	free(x);
	free(cls);
	free(vx);
	free(vcls);
}

/* --alpha a with batches of b rows is weight decay a / b. */
static void
test_alpha(void)
{
	float *x;
	uint32_t *cls;
	struct pml_data d;
	struct pml_train_opts o;
	struct pml_train_result res;
	struct pml_net *n1 = mlp1(10, 8, PML_ACT_RELU, 3, PML_LOSS_SOFTMAX_CE, 5);
	struct pml_net *n2 = mlp1(10, 8, PML_ACT_RELU, 3, PML_LOSS_SOFTMAX_CE, 5);

	blobs(90, &x, &cls, 1);
	d = (struct pml_data){ 90, 10, x, cls, NULL };
	pml_train_opts_init(&o);
	o.epochs = 3;
	o.patience = 0;
	o.batch = 30;
	o.alpha = 0.75;
	o.weight_decay = 0;
	pml_nn_train(n1, &d, NULL, &o, &res);
	o.alpha = 0;
	o.weight_decay = 0.025;
	pml_nn_train(n2, &d, NULL, &o, &res);
	T_OK(!memcmp(n1->param, n2->param, n1->n_param * sizeof(float)),
	     "alpha 0.75 with batches of 30 gives the weights of weight decay 0.025");
	pml_net_free(n1);
	pml_net_free(n2);
	free(x);
	free(cls);
}

/* The stratified, seeded hold-out. */
static void
test_holdout(void)
{
	enum { N = 200, IN = 3 };
	float x[N * IN], x2[N * IN], y[N];
	uint32_t cls[N], cls2[N], per[3] = { 0, 0, 0 };
	size_t i, nv = 0, nv2 = 0, ordered = 1, held_ok = 1;

	/* 150 of class 0, 40 of class 1, 10 of class 2; x[i][0] = i names the row */
	for (i = 0; i < N; i++) {
		cls[i] = i < 150 ? 0 : i < 190 ? 1 : 2;
		x[i * IN] = (float)i, x[i * IN + 1] = (float)cls[i], x[i * IN + 2] = -(float)i;
	}
	memcpy(x2, x, sizeof(x));
	memcpy(cls2, cls, sizeof(cls));
	T_OK(pml_data_holdout(x, cls, NULL, N, IN, 1, 3, 0.1, 42, &nv) == 0 && nv == 20,
	     "a tenth of 200 held out (%zu)", nv);
	for (i = 0; i < N; i++) {
		if (x[i * IN + 1] != (float)cls[i] || x[i * IN + 2] != -x[i * IN])
			held_ok = 0;
		if (i >= N - nv)
			per[cls[i]]++;
		if (i && i != N - nv && x[i * IN] <= x[(i - 1) * IN])
			ordered = 0;
	}
	T_OK(held_ok, "rows move whole, with their class");
	T_OK(per[0] == 15 && per[1] == 4 && per[2] == 1, "stratified: 15, 4 and 1 held out (%u, %u, %u)",
	     (unsigned)per[0], (unsigned)per[1], (unsigned)per[2]);
	T_OK(ordered, "both parts keep their original order");
	pml_data_holdout(x2, cls2, NULL, N, IN, 1, 3, 0.1, 42, &nv2);
	T_OK(nv2 == nv && !memcmp(x, x2, sizeof(x)), "same seed, same hold-out");
	for (i = 0; i < N; i++)
		x2[i * IN] = (float)i, cls2[i] = i < 150 ? 0 : i < 190 ? 1 : 2;
	pml_data_holdout(x2, cls2, NULL, N, IN, 1, 3, 0.1, 7, &nv2);
	T_OK(memcmp(x, x2, sizeof(x)) != 0, "another seed, another hold-out");

	/* regression: values move with their rows; largest remainders round to round(f * n) */
	for (i = 0; i < N; i++)
		x[i * IN] = (float)i, x[i * IN + 1] = 0, x[i * IN + 2] = 0, y[i] = 2 * (float)i;
	T_OK(pml_data_holdout(x, NULL, y, N, IN, 1, 0, 0.333, 1, &nv) == 0 && nv == 67, "regression: 67 of 200");
	for (i = 0, held_ok = 1; i < N; i++)
		if (y[i] != 2 * x[i * IN])
			held_ok = 0;
	T_OK(held_ok, "regression targets move with their rows");

	pml_err_capture(1);
	T_EQ_INT(pml_data_holdout(x, NULL, y, 5, IN, 1, 0, 0.05, 1, &nv), -1, "nothing held out: refused");
	T_OK(strstr(pml_err_last(), "leaves the validation set empty") != NULL, "message: %s", pml_err_last());
	T_EQ_INT(pml_data_holdout(x, NULL, y, 5, IN, 1, 0, 0.95, 1, &nv), -1, "nothing left: refused");
	T_EQ_INT(pml_data_holdout(x, NULL, y, 5, IN, 1, 0, 1.0, 1, &nv), -1, "fraction 1 refused");
	pml_err_capture(0);
}

static void
test_epoch_json(void)
{
	struct pml_epoch_info e;
	struct pml_buf b = PML_BUF_INIT;

	memset(&e, 0, sizeof(e));
	e.epoch = 3, e.epochs = 10, e.train_loss = 0.5, e.train_acc = 0.875;
	e.val_loss = NAN, e.val_acc = NAN, e.lr = (float)0.001, e.samples_per_s = 192058.4;
	e.elapsed = 1.25;
	pml_epoch_json(&e, &b);
	T_EQ_STR(b.buf, "{\"epoch\":3,\"epochs\":10,\"train_loss\":0.5,\"train_accuracy\":0.875,\"lr\":0.001,"
		 "\"seconds\":1.25,\"samples_per_s\":192058}", "epoch JSON without validation");
	pml_buf_reset(&b);
	e.train_acc = NAN, e.val_loss = 0.25, e.best = 1;
	pml_epoch_json(&e, &b);
	T_EQ_STR(b.buf, "{\"epoch\":3,\"epochs\":10,\"train_loss\":0.5,\"val_loss\":0.25,\"lr\":0.001,"
		 "\"seconds\":1.25,\"samples_per_s\":192058,\"best\":true}", "epoch JSON, regression with validation");
	pml_buf_release(&b);
}

static int
stop_at_2(const struct pml_epoch_info *e, void *ctx)
{
	(*(size_t *)ctx)++;
	return e->epoch >= 2;
}

int
main(void)
{
	enum pml_act a;
	enum pml_loss l;
	enum pml_sched sc;

	pml_mat_set_threads(1);
	T_OK(pml_act_parse("tanh", &a) == 0 && a == PML_ACT_TANH && !strcmp(pml_act_name(a), "tanh"),
	     "activation names");
	T_OK(pml_act_parse("gelu", &a) < 0, "unknown activation refused");
	T_OK(pml_loss_parse("mse", &l) == 0 && l == PML_LOSS_MSE, "loss names");
	T_OK(pml_sched_parse("cosine", &sc) == 0 && sc == PML_SCHED_COSINE, "schedule names");
	T_OK(pml_layer_ops_find("dense") && pml_layer_ops_find("relu") &&
	     pml_layer_ops_find("dropout") && !pml_layer_ops_find("conv"), "layer op tables by name");

	{
		struct pml_epoch_info e;
		char line[256];

		memset(&e, 0, sizeof(e));
		e.epoch = 3, e.epochs = 10, e.train_loss = 0.36221, e.train_acc = 0.87031;
		e.val_loss = NAN, e.val_acc = NAN, e.lr = 0.001, e.samples_per_s = 192058.4;
		e.elapsed = 1.12;
		pml_epoch_format(&e, line, sizeof(line));
		T_EQ_STR(line, "epoch 3/10  loss 0.3622  acc 0.8703  lr 0.001  192058 samples/s  1.1s",
			 "epoch line without validation");
		e.val_loss = 0.4, e.val_acc = 0.85, e.best = 1, e.train_acc = NAN;
		pml_epoch_format(&e, line, sizeof(line));
		T_EQ_STR(line, "epoch 3/10  loss 0.3622  val_loss 0.4000  val_acc 0.8500  lr 0.001  192058 samples/s  1.1s  *",
			 "epoch line with validation, best");
		pml_epoch_format(&e, line, 12);
		T_EQ_STR(line, "epoch 3/10 ", "epoch line cut to the buffer");
	}

	check_layers("identity + softmax CE", PML_ACT_IDENTITY, 0, PML_LOSS_SOFTMAX_CE, 1);
	check_layers("relu + softmax CE", PML_ACT_RELU, 0, PML_LOSS_SOFTMAX_CE, 1);
	check_layers("sigmoid + softmax CE", PML_ACT_SIGMOID, 0, PML_LOSS_SOFTMAX_CE, 1);
	check_layers("tanh + MSE regression", PML_ACT_TANH, 0, PML_LOSS_MSE, 0);
	check_layers("sigmoid + MSE one-hot classes", PML_ACT_SIGMOID, 0, PML_LOSS_MSE, 1);
	check_layers("relu + dropout + softmax CE", PML_ACT_RELU, 1, PML_LOSS_SOFTMAX_CE, 1);
	check_layers("tanh + dropout + MSE", PML_ACT_TANH, 1, PML_LOSS_MSE, 0);

	test_stop();
	test_alpha();
	test_holdout();
	test_epoch_json();
	test_xor();
	test_blobs(PML_OPTIM_ADAM, 0, PML_SCHED_CONSTANT, "blobs adam constant");
	test_blobs(PML_OPTIM_SGD, 0, PML_SCHED_STEP, "blobs sgd momentum step");
	test_blobs(PML_OPTIM_SGD, 1, PML_SCHED_COSINE, "blobs sgd nesterov cosine");
	test_regression(0, "linear regression, no hidden layer");
	test_regression(16, "regression through a tanh layer");

	{
		struct pml_net *n1 = train_blobs(7, 0.2f, 1e-4), *n2 = train_blobs(7, 0.2f, 1e-4);
		struct pml_net *n3 = train_blobs(8, 0.2f, 1e-4);

		T_OK(n1->n_param == n2->n_param &&
		     !memcmp(n1->param, n2->param, n1->n_param * sizeof(float)),
		     "same seed: same weights, byte for byte");
		T_OK(memcmp(n1->param, n3->param, n1->n_param * sizeof(float)) != 0,
		     "another seed: other weights");
		pml_net_free(n1);
		pml_net_free(n2);
		pml_net_free(n3);
	}
	{
		struct pml_net *n1 = train_blobs(7, 0, 0), *n2 = train_blobs(7, 0, 0.5);
		double s1 = 0, s2 = 0;
		size_t i, nw = n1->layer[0].n_in * n1->layer[0].n_out;

		for (i = 0; i < nw; i++) {
			s1 += (double)n1->layer[0].w[i] * n1->layer[0].w[i];
			s2 += (double)n2->layer[0].w[i] * n2->layer[0].w[i];
		}
		T_OK(s2 < s1, "weight decay shrinks the weights (%g < %g)", s2, s1);
		pml_net_free(n1);
		pml_net_free(n2);
	}
	{
		float *x, *vx;
		uint32_t *cls, *vcls;
		struct pml_data d, v;
		struct pml_train_opts o;
		struct pml_train_result res;
		struct pml_net *net = mlp1(10, 8, PML_ACT_RELU, 3, PML_LOSS_SOFTMAX_CE, 2);
		size_t calls = 0;

		blobs(90, &x, &cls, 1);
		blobs(30, &vx, &vcls, 2);
		d = (struct pml_data){ 90, 10, x, cls, NULL };
		v = (struct pml_data){ 30, 10, vx, vcls, NULL };
		pml_train_opts_init(&o);
		o.epochs = 10;
		o.on_epoch = stop_at_2;
		o.ctx = &calls;
		T_OK(pml_nn_train(net, &d, &v, &o, &res) == 0 && res.epochs_run == 2 && calls == 2,
		     "callback stops training (epochs run %zu)", res.epochs_run);

		/* validation labels that disagree with training: val loss soon rises */
		{
			size_t i;

			for (i = 0; i < 30; i++)
				vcls[i] = (uint32_t)((i * 7 + i / 3) % 3);
		}
		o.on_epoch = NULL;
		o.epochs = 200;
		o.lr = 0.05;
		o.patience = 2;
		T_OK(pml_nn_train(net, &d, &v, &o, &res) == 0 && res.epochs_run < 200 &&
		     res.epochs_run >= res.best_epoch + 2,
		     "early stopping with patience 2 (ran %zu, best %zu)", res.epochs_run, res.best_epoch);

		o.patience = 0;
		o.epochs = 3;
		o.optim = PML_OPTIM_SGD;
		o.lr = 1e30;
		pml_err_capture(1);
		T_EQ_INT(pml_nn_train(net, &d, NULL, &o, &res), -1, "exploding training fails");
		T_OK(strstr(pml_err_last(), "diverged") != NULL, "message: %s", pml_err_last());
		cls[3] = 7;
		o.lr = 0.01;
		T_EQ_INT(pml_nn_train(net, &d, NULL, &o, &res), -1, "class out of range refused");
		T_OK(strstr(pml_err_last(), "out of range") != NULL, "message: %s", pml_err_last());
		cls[3] = 0;
		x[5] = NAN;
		T_EQ_INT(pml_nn_train(net, &d, NULL, &o, &res), -1, "NaN input: loss NaN detected");
		o.lr = 0;
		T_EQ_INT(pml_nn_train(net, &d, NULL, &o, &res), -1, "lr 0 refused");
		o.lr = 0.01;
		o.batch = 0;
		T_EQ_INT(pml_nn_train(net, &d, NULL, &o, &res), -1, "batch 0 refused");
		pml_err_capture(0);
		pml_net_free(net);
		free(x);
		free(cls);
		free(vx);
		free(vcls);
	}
	{
		struct pml_net *net = pml_net_new(3);

		pml_err_capture(1);
		T_EQ_INT(pml_net_add_dropout(net, 1.0f), -1, "dropout 1 refused");
		T_EQ_INT(pml_net_add_dense(net, 0), -1, "dense of 0 units refused");
		pml_net_add_dense(net, 1);
		T_EQ_INT(pml_net_finish(net), -1, "softmax with one output refused");
		pml_err_capture(0);
		pml_net_free(net);
	}
	return t_done();
}
