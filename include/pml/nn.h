#ifndef PML_NN_H
#define PML_NN_H
/*
 * Feed-forward networks trained by backpropagation.
 *
 * A network is a list of layers behind one small interface (struct
 * pml_layer_ops: name, n_params, init, forward, backward), so that new
 * layer kinds (convolution) fit without touching the training loop. Every
 * trainable parameter of the network lives in ONE flat float buffer
 * (net->param, n_param floats) and every gradient in ONE more (net->grad):
 * data-parallel training reduces net->grad with one call (see grad_hook).
 *
 *     struct pml_net *net = pml_net_new(784);
 *     pml_net_add_dense(net, 100); pml_net_add_act(net, PML_ACT_RELU);
 *     pml_net_add_dense(net, 10);
 *     pml_net_set_loss(net, PML_LOSS_SOFTMAX_CE);
 *     pml_net_finish(net);                   allocates param and grad
 *     pml_net_init(net, PML_INIT_HE, seed);
 *     pml_nn_train(net, &train, &val, &opts, &result);
 *     pml_net_predict(net, x, n, out);       probabilities or values
 *     pml_net_free(net);
 *
 * Data (struct pml_data) is one contiguous row-major f32 matrix of n rows
 * of n_in features, with class indices (classification) or n_out targets
 * per row (regression). Training never allocates or copies per sample: a
 * shuffled mini-batch is gathered into a preallocated batch buffer.
 *
 * Randomness (init, shuffling, dropout) comes only from the seeds given:
 * same data, options, seed and BLAS thread count -> same weights, byte for
 * byte.
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/buf.h"
#include "pml/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pml_act {
	PML_ACT_IDENTITY = 0,
	PML_ACT_RELU,
	PML_ACT_SIGMOID,
	PML_ACT_TANH,
};

enum pml_layer_kind {
	PML_LAYER_DENSE = 0,
	PML_LAYER_ACT,
	PML_LAYER_DROPOUT,
};

enum pml_loss {
	PML_LOSS_SOFTMAX_CE = 0,    /* classes: softmax output, cross-entropy */
	PML_LOSS_MSE,               /* values (or one-hot classes): linear output, mean squared error */
};

enum pml_init {
	PML_INIT_HE = 0,            /* normal(0, sqrt(2 / fan_in)) */
	PML_INIT_XAVIER,            /* uniform(+-sqrt(6 / (fan_in + fan_out))) */
};

enum pml_optim {
	PML_OPTIM_SGD = 0,          /* with momentum (0 = plain), optionally Nesterov */
	PML_OPTIM_ADAM,
};

enum pml_sched {
	PML_SCHED_CONSTANT = 0,
	PML_SCHED_STEP,             /* lr * gamma^(epoch / step_epochs) */
	PML_SCHED_COSINE,           /* lr * (1 + cos(pi * epoch / epochs)) / 2, per batch */
};

struct pml_layer;

/* What a layer kind does. x is n x n_in, y is n x n_out, row-major. */
struct pml_layer_ops {
	const char *name;
	/* Trainable parameters of this layer (a slice of net->param). */
	size_t (*n_params)(const struct pml_layer *l);
	void (*init)(struct pml_layer *l, enum pml_init how, struct pml_rng *r);
	/* train: 1 while training (dropout active). rng: for dropout. */
	void (*forward)(struct pml_layer *l, const float *x, float *y, size_t n, int train,
			struct pml_rng *rng);
	/*
	 * Given dy (dLoss/dy), add parameter gradients into l's slice of
	 * net->grad and write dx (dLoss/dx) unless dx is NULL (first layer).
	 */
	void (*backward)(struct pml_layer *l, const float *x, const float *y, const float *dy,
			 float *dx, size_t n);
};

struct pml_layer {
	const struct pml_layer_ops *ops;
	enum pml_layer_kind kind;
	size_t n_in, n_out;
	enum pml_act act;           /* PML_LAYER_ACT */
	float rate;                 /* PML_LAYER_DROPOUT: probability of dropping */
	size_t off;                 /* offset of the parameters in net->param */
	float *w, *b;               /* dense: w is n_in x n_out (w[i * n_out + o]), then b[n_out] */
	float *gw, *gb;             /* the same slices of net->grad */
	float *mask;                /* dropout: m_batch x n_out scale factors */
	size_t m_mask;
};

struct pml_net {
	size_t n_in, n_out;
	size_t n_layer, m_layer;
	struct pml_layer *layer;
	enum pml_loss loss;
	size_t n_param;
	float *param;               /* all parameters, one buffer */
	float *grad;                /* all gradients, same layout */
	int finished;
	/* Workspace for a batch of up to m_batch rows. */
	size_t m_batch;
	float **act;                /* act[0] = input view, act[i+1] = output of layer i */
	float **dact;
	float *in_buf;              /* m_batch x n_in: gathered batch */
	double *exps;               /* n_out: softmax terms of one row */
};

const char *pml_act_name(enum pml_act a);
int pml_act_parse(const char *s, enum pml_act *a);
const char *pml_loss_name(enum pml_loss l);
int pml_loss_parse(const char *s, enum pml_loss *l);
const char *pml_init_name(enum pml_init i);
int pml_init_parse(const char *s, enum pml_init *i);
const char *pml_optim_name(enum pml_optim o);
int pml_optim_parse(const char *s, enum pml_optim *o);
const char *pml_sched_name(enum pml_sched s);
int pml_sched_parse(const char *s, enum pml_sched *sc);

/* The op table of a layer kind by its name ("dense", "relu", ...), or NULL. */
const struct pml_layer_ops *pml_layer_ops_find(const char *name);
/*
 * A dense layer's weights in the order of the model file, output by output
 * (n_out x n_in, dst[o * n_in + i]), and back. The layer keeps them input
 * by input (n_in x n_out), the orientation sgemm runs fastest on here.
 */
void pml_dense_get_w(const struct pml_layer *l, float *dst);
void pml_dense_set_w(struct pml_layer *l, const float *src);

struct pml_net *pml_net_new(size_t n_in);
/* Add layers (before pml_net_finish). 0, or -1 with a message. */
int pml_net_add_dense(struct pml_net *net, size_t n_out);
int pml_net_add_act(struct pml_net *net, enum pml_act act);
int pml_net_add_dropout(struct pml_net *net, float rate);
void pml_net_set_loss(struct pml_net *net, enum pml_loss loss);
/* Lay out net->param and net->grad (zeroed). 0, or -1 with a message. */
int pml_net_finish(struct pml_net *net);
/* Initialise the weights (He or Xavier) from seed; biases 0. */
void pml_net_init(struct pml_net *net, enum pml_init how, uint64_t seed);
void pml_net_free(struct pml_net *net);
/* Make the workspace hold batches of n rows. */
void pml_net_reserve(struct pml_net *net, size_t n);

/*
 * Build an MLP: n_in, hidden layers hidden[0..n_hidden-1] each followed by
 * act[i] and, if dropout > 0, a dropout layer; then a dense layer of n_out;
 * and the loss. Returns a finished net or NULL with a message.
 */
struct pml_net *pml_net_mlp(size_t n_in, const size_t *hidden, const enum pml_act *act,
			    size_t n_hidden, float dropout, size_t n_out, enum pml_loss loss);

/*
 * Forward pass in inference mode over n rows of x (n x n_in), in chunks of
 * the workspace: out (n x n_out) gets probabilities (softmax output) or
 * values. Dropout is off.
 */
void pml_net_predict(struct pml_net *net, const float *x, size_t n, float *out);

/* Training and evaluation data: borrowed, never copied. */
struct pml_data {
	size_t n;                   /* rows */
	size_t n_in;                /* features per row */
	const float *x;             /* n x n_in */
	const uint32_t *cls;        /* classification: class per row (< net->n_out) */
	const float *y;             /* regression: n x n_out targets */
};

/* Mean loss and accuracy (NAN for regression) of net over d. 0 or -1. */
int pml_nn_evaluate(struct pml_net *net, const struct pml_data *d, double *loss, double *acc);

/*
 * The mean loss over all rows of d and its gradient in net->grad (one
 * batch, for gradient checks and custom loops). rng non-NULL: training
 * mode (dropout draws from rng); NULL: inference mode. 0 or -1.
 */
int pml_nn_gradient(struct pml_net *net, const struct pml_data *d, struct pml_rng *rng,
		    double *loss);

/* One line of the training log. */
struct pml_epoch_info {
	size_t epoch;               /* 1-based */
	size_t epochs;
	double lr;                  /* at the end of the epoch */
	double train_loss, train_acc;   /* running means over the epoch's batches (acc NAN: regression) */
	double val_loss, val_acc;   /* NAN without a validation set */
	double samples_per_s;
	double elapsed;             /* seconds since training started */
	int best;                   /* 1 if this epoch is the best so far on validation */
};

/*
 * The same as one JSON object, without a newline (pml-train --log-json):
 * {"epoch":3,"epochs":10,"train_loss":0.3622,"train_accuracy":0.8703,
 *  "val_loss":...,"val_accuracy":...,"lr":0.001,"seconds":1.1,
 *  "samples_per_s":192058,"best":true}; accuracies only for classes,
 * val_ keys and "best" only with a validation set.
 */
void pml_epoch_json(const struct pml_epoch_info *e, struct pml_buf *b);

/*
 * The log line of an epoch, without a newline:
 * "epoch 3/10  loss 0.3622  acc 0.8703  val_loss ...  val_acc ...  lr 0.001  192058 samples/s  1.1s  *"
 * (accuracies only for classes, val_ only with a validation set, * on the best epoch).
 */
void pml_epoch_format(const struct pml_epoch_info *e, char *buf, size_t len);

struct pml_train_opts {
	enum pml_optim optim;
	double lr;
	double momentum;            /* SGD */
	int nesterov;               /* SGD */
	double beta1, beta2, eps;   /* Adam */
	double weight_decay;        /* L2 on weights (not biases): weight_decay * w added to the gradient */
	double alpha;               /* L2 as scikit-learn's MLP: alpha * w / (rows in the batch) added too */
	enum pml_sched sched;
	size_t step_epochs;         /* PML_SCHED_STEP */
	double step_gamma;
	size_t batch;               /* rows per batch; a smaller training set is one batch */
	size_t epochs;              /* the most epochs to train */
	/*
	 * The tolerance stop: stop when the watched loss (validation loss with
	 * val, else training loss) has not fallen below its lowest value so far
	 * minus tol for patience epochs in a row. patience 0: never, train
	 * exactly epochs.
	 */
	size_t patience;
	double tol;
	uint64_t seed;              /* shuffling and dropout */
	/*
	 * Regression: train on the targets standardised over the training
	 * rows (mean 0, variance 1 per output; the same transform for val),
	 * then rescale the last dense layer so that the network predicts in
	 * the targets' own units. Losses seen while training (epoch info,
	 * result) are in the standardised units. Ignored for classes.
	 */
	int scale_target;
	/* Called after each epoch; a non-zero return stops training (not an error). */
	int (*on_epoch)(const struct pml_epoch_info *info, void *ctx);
	/* Called after each batch with rows done in the epoch (for a progress bar). */
	void (*on_batch)(size_t done, size_t total, void *ctx);
	/* Called with the batch gradients before each update (e.g. an allreduce). */
	void (*grad_hook)(float *grad, size_t n, void *ctx);
	void *ctx;
};

/*
 * The defaults of training, the one place they are set (pml-train's
 * defaults are these), close to scikit-learn's MLP: batch min(200, rows),
 * L2 alpha 1e-4, at most 200 epochs, stop when the loss has not improved
 * by 1e-4 for 10 epochs, Xavier initialisation.
 */
#define PML_DEFAULT_BATCH 200
#define PML_DEFAULT_ALPHA 1e-4
#define PML_DEFAULT_MAX_EPOCHS 200
#define PML_DEFAULT_PATIENCE 10
#define PML_DEFAULT_TOL 1e-4
/*
 * Weight initialisation of pml-train: Xavier uniform, as scikit-learn's MLP
 * (on 7 small tables it closed most of the gap to scikit-learn's scores
 * that He normal left, e.g. R^2 0.748 -> 0.815 against 0.836).
 */
#define PML_DEFAULT_INIT PML_INIT_XAVIER

/* Defaults: Adam, lr 1e-3, betas 0.9/0.999, eps 1e-8, and the PML_DEFAULT_ values. */
void pml_train_opts_init(struct pml_train_opts *o);

/* Why training stopped. */
enum pml_stop {
	PML_STOP_EPOCHS = 0,        /* patience 0: ran the epochs asked */
	PML_STOP_MAX_EPOCHS,        /* ran the most epochs before the loss stopped improving */
	PML_STOP_NO_IMPROVEMENT,    /* the tolerance stop */
	PML_STOP_CALLBACK,          /* on_epoch returned non-zero */
};
/* "epochs", "max_epochs", "no_improvement", "callback" */
const char *pml_stop_name(enum pml_stop s);

struct pml_train_result {
	size_t epochs_run;
	size_t best_epoch;          /* 0 without val */
	size_t kept_epoch;          /* whose weights the net has: best_epoch with val, else the last */
	enum pml_stop stop;
	int watched_val;            /* 1 if the stop watched validation loss */
	double train_loss, train_acc;   /* of the last epoch */
	double val_loss, val_acc;   /* of the best epoch (NAN without val) */
	double seconds;
};

/*
 * Why training stopped, one line without a newline:
 * "stopped at epoch 87: validation loss did not improve by 1e-4 for 10
 * epochs; kept epoch 77".
 */
void pml_stop_format(const struct pml_train_opts *o, const struct pml_train_result *res,
		     char *buf, size_t len);

/*
 * Hold out a fraction frac (0 < frac < 1) of n rows for validation, in
 * place: the rows of x (n x n_in), cls or y (n x k) are reordered so the
 * kept rows come first and the held-out ones last, each in their original
 * order. With cls and n_class > 0 the split is stratified: each class
 * gives its share (largest remainders, so round(frac * n) rows in all).
 * Which rows go is drawn from seed alone. Sets *n_val; 0, or -1 with a
 * message when either part would be empty.
 */
int pml_data_holdout(float *x, uint32_t *cls, float *y, size_t n, size_t n_in, size_t k,
		     size_t n_class, double frac, uint64_t seed, size_t *n_val);

/*
 * Train net on train (val may be NULL), for at most o->epochs epochs, with
 * the tolerance stop of o->patience and o->tol. With val, the weights of
 * the epoch with the lowest validation loss are kept at the end. Returns 0, or -1
 * with a message (e.g. the loss became NaN or infinite: the weights are
 * then garbage and the caller must not save them).
 */
int pml_nn_train(struct pml_net *net, const struct pml_data *train, const struct pml_data *val,
		 const struct pml_train_opts *o, struct pml_train_result *res);

#ifdef __cplusplus
}
#endif

#endif
