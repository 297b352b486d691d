/* pml-train: train a neural network on a pml stream and write a model file. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/mat.h"
#include "pml/model.h"
#include "pml/nn.h"
#include "pml/plot.h"

static const char usage[] =
	"usage: pml-train -o MODEL [options] [FILE...]\n"
	"Train a multi-layer perceptron on a pml stream (files, or stdin) and write\n"
	"a model file. An int label with classes trains a classifier, a float label\n"
	"a regression.\n"
	"\n"
	"  -o, --output MODEL     model file to write (required; atomic)\n"
	"      --features COL     vec column of features (default: first vec feature)\n"
	"      --label COL        label column (default: the column with role label)\n"
	"      --hidden LIST      hidden layer sizes, e.g. 256,128 (default 100; 0: none)\n"
	"      --activation LIST  relu|sigmoid|tanh|identity, one or one per layer (relu)\n"
	"      --dropout P        dropout after each hidden layer (default 0)\n"
	"      --loss L           ce (classes) or mse (default: by the label's type)\n"
	"      --init I           he or xavier (default xavier)\n"
	"      --optimizer O      sgd or adam (default adam)\n"
	"      --lr X             learning rate (default 0.001)\n"
	"      --momentum X       SGD momentum (default 0.9)\n"
	"      --nesterov         Nesterov momentum (SGD)\n"
	"      --alpha X          L2 penalty as scikit-learn's: alpha*w/batch rows added to the\n"
	"                         gradient (default 1e-4)\n"
	"      --weight-decay X   L2 weight decay: X*w added to the gradient (default 0)\n"
	"      --no-scale-label   regression: train on the raw label, not standardised\n"
	"      --schedule S       constant, step or cosine (default constant)\n"
	"      --step-epochs N    step schedule: epochs per step (default 10)\n"
	"      --step-gamma X     step schedule: factor per step (default 0.1)\n"
	"      --batch N          mini-batch size (default 200; at most the rows)\n"
	"      --max-epochs N     train until converged, at most N epochs (default 200)\n"
	"      --epochs N         train exactly N epochs (no tolerance stop unless --patience)\n"
	"      --tol X            tolerance of the stop (default 1e-4)\n"
	"      --patience N       stop when the loss has not improved by --tol for N epochs\n"
	"                         (default 10; 0: never); alias --n-iter-no-change\n"
	"      --val FILE         validation stream: the stop watches its loss, the best\n"
	"                         epoch is kept\n"
	"      --val-fraction F   hold out F of the training records as the validation set\n"
	"                         (stratified by class, drawn from --seed)\n"
	"      --seed N           seed for initialisation, shuffling, dropout (default 42)\n"
	"      --threads N        BLAS threads (default 1)\n"
	"      --preset NAME      fashion: 784-256-128 relu, dropout 0.2, cosine, 30 epochs\n"
	"      --log FILE         also write the epoch lines and the stop line to FILE\n"
	"      --log-json FILE    one JSON object per epoch, then one for the stop, to FILE\n"
	"      --plot FILE.svg    draw the learning curve (loss, accuracy per epoch)\n"
	"      --title TEXT       the --plot picture's title (default \"pml-train learning curve\")\n"
	"  -q, --quiet            no epoch lines, no stop line, no progress\n"
	"  -v, --verbose          also say the training settings in effect\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n";

enum { O_FEATURES = 256, O_TITLE, O_LABEL, O_HIDDEN, O_ACT, O_DROPOUT, O_LOSS, O_INIT, O_OPTIM, O_LR,
       O_MOMENTUM, O_NESTEROV, O_WD, O_SCHED, O_STEP_EPOCHS, O_STEP_GAMMA, O_BATCH, O_EPOCHS,
       O_VAL, O_PATIENCE, O_SEED, O_THREADS, O_PRESET, O_LOG, O_PLOT, O_ALPHA, O_MAX_EPOCHS,
       O_TOL, O_VAL_FRACTION, O_LOG_JSON, O_NO_SCALE_LABEL };

static const struct option longopts[] = {
	{ "activation", required_argument, NULL, O_ACT },
	{ "alpha", required_argument, NULL, O_ALPHA },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "dropout", required_argument, NULL, O_DROPOUT },
	{ "epochs", required_argument, NULL, O_EPOCHS },
	{ "features", required_argument, NULL, O_FEATURES },
	{ "help", no_argument, NULL, 'h' },
	{ "hidden", required_argument, NULL, O_HIDDEN },
	{ "init", required_argument, NULL, O_INIT },
	{ "label", required_argument, NULL, O_LABEL },
	{ "log", required_argument, NULL, O_LOG },
	{ "log-json", required_argument, NULL, O_LOG_JSON },
	{ "max-epochs", required_argument, NULL, O_MAX_EPOCHS },
	{ "n-iter-no-change", required_argument, NULL, O_PATIENCE },
	{ "plot", required_argument, NULL, O_PLOT },
	{ "loss", required_argument, NULL, O_LOSS },
	{ "lr", required_argument, NULL, O_LR },
	{ "momentum", required_argument, NULL, O_MOMENTUM },
	{ "nesterov", no_argument, NULL, O_NESTEROV },
	{ "optimizer", required_argument, NULL, O_OPTIM },
	{ "output", required_argument, NULL, 'o' },
	{ "patience", required_argument, NULL, O_PATIENCE },
	{ "no-scale-label", no_argument, NULL, O_NO_SCALE_LABEL },
	{ "preset", required_argument, NULL, O_PRESET },
	{ "quiet", no_argument, NULL, 'q' },
	{ "schedule", required_argument, NULL, O_SCHED },
	{ "seed", required_argument, NULL, O_SEED },
	{ "step-epochs", required_argument, NULL, O_STEP_EPOCHS },
	{ "step-gamma", required_argument, NULL, O_STEP_GAMMA },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "title", required_argument, NULL, O_TITLE },
	{ "tol", required_argument, NULL, O_TOL },
	{ "val", required_argument, NULL, O_VAL },
	{ "val-fraction", required_argument, NULL, O_VAL_FRACTION },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "weight-decay", required_argument, NULL, O_WD },
	{ NULL, 0, NULL, 0 },
};

#define MAX_HIDDEN 64

struct opts {
	const char *output, *features, *label, *val, *log, *log_json, *preset, *plot;
	double val_fraction;        /* 0: none */
	int epochs_given, max_epochs_given, patience_given;
	const char *title;          /* of the --plot picture */
	size_t hidden[MAX_HIDDEN], n_hidden;
	enum pml_act act[MAX_HIDDEN];
	size_t n_act;
	double dropout;
	int loss;                   /* -1: by the label's type */
	enum pml_init init;
	int threads, quiet, verbose;
	struct pml_train_opts t;
};

struct log_ctx {
	int quiet;
	FILE *log, *json;
	struct pml_buf line;
	struct pml_curve curve;
	struct pml_progress prog;
	char what[48];
};

static size_t
parse_list(const char *opt, const char *s, size_t *sizes, enum pml_act *acts)
{
	char *copy = pml_xstrdup(s ? s : ""), *tok, *save = NULL;
	size_t n = 0, i, item = 1;

	/* strtok_r would skip an empty item: 4,,4 is not 4,4 */
	for (i = 0; s && s[i]; i++) {
		if (s[i] != ',')
			continue;
		if (i == 0 || s[i - 1] == ',')
			pml_usage_error("%s: empty item %zu in '%s'", opt, item, s);
		if (!s[i + 1])
			pml_usage_error("%s: empty item %zu in '%s'", opt, item + 1, s);
		item++;
	}

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == MAX_HIDDEN)
			pml_usage_error("%s: at most %d layers", opt, MAX_HIDDEN);
		if (sizes)
			sizes[n] = (size_t)pml_opt_long(opt, tok, 0, 1 << 20);
		else if (pml_act_parse(tok, &acts[n]) < 0)
			pml_usage_error("%s: unknown activation '%s'", opt, tok);
		n++;
	}
	free(copy);
	if (!n)
		pml_usage_error("%s: empty list", opt);
	return n;
}

static void
preset(struct opts *o, const char *name)
{
	if (strcmp(name, "fashion"))
		pml_usage_error("--preset: unknown preset '%s' (known: fashion)", name);
	o->preset = name;
	o->hidden[0] = 256, o->hidden[1] = 128, o->n_hidden = 2;
	o->act[0] = PML_ACT_RELU, o->n_act = 1;
	o->dropout = 0.2;
	o->init = PML_INIT_HE;
	o->t.optim = PML_OPTIM_ADAM;
	o->t.lr = 2e-3;
	o->t.batch = 128;
	o->t.epochs = 30;
	o->t.patience = 0;          /* exactly 30 epochs: the cosine schedule runs over them */
	o->t.alpha = 0;
	o->t.sched = PML_SCHED_COSINE;
}

static int
on_epoch(const struct pml_epoch_info *e, void *ctx)
{
	struct log_ctx *c = ctx;
	char line[256];

	pml_progress_done(&c->prog);
	pml_epoch_format(e, line, sizeof(line));
	if (!c->quiet)
		fprintf(stderr, "%s\n", line);
	if (c->log)
		fprintf(c->log, "%s\n", line), fflush(c->log);
	if (c->json) {
		pml_buf_reset(&c->line);
		pml_epoch_json(e, &c->line);
		fprintf(c->json, "%s\n", c->line.buf);
		fflush(c->json);
	}
	pml_curve_add(&c->curve, e->train_loss, e->train_acc, e->val_loss, e->val_acc);
	snprintf(c->what, sizeof(c->what), "epoch %zu/%zu", e->epoch + 1, e->epochs);
	pml_progress_init(&c->prog, c->what, 0, c->quiet);
	return 0;
}

static void
on_batch(size_t done, size_t total, void *ctx)
{
	struct log_ctx *c = ctx;

	c->prog.total = total;
	pml_progress_tick(&c->prog, done);
}

/*
 * --val-fraction: the last rows of train become the validation set (held
 * shares train's buffers: only held->d is set, for the model's metadata).
 */
static int
hold_out(const struct opts *o, struct pml_dataset *train, struct pml_dataset *held)
{
	size_t n_val;

	if (pml_data_holdout(train->x, train->cls, train->y, train->d.n, train->d.n_in, 1,
			     train->n_class, o->val_fraction, o->t.seed, &n_val) < 0)
		return -1;
	memset(held, 0, sizeof(*held));
	held->d = train->d;
	held->d.n = n_val;
	train->d.n -= n_val;
	held->d.x = train->x + train->d.n * train->d.n_in;
	if (train->cls)
		held->d.cls = train->cls + train->d.n;
	if (train->y)
		held->d.y = train->y + train->d.n;
	return 0;
}

/* -v: the settings in effect, defaults included. */
static void
say_settings(const struct opts *o, const struct pml_dataset *train, const struct pml_data *vd)
{
	const struct pml_train_opts *t = &o->t;
	size_t batch = t->batch < train->d.n ? t->batch : train->d.n;

	fprintf(stderr, "pml-train: %zu training records, %zu validation records%s; batch %zu, "
		"%s %s lr %g, alpha %g, weight decay %g; ", train->d.n, vd ? vd->n : 0,
		o->val_fraction > 0 ? " (held out)" : "", batch, pml_optim_name(t->optim),
		pml_sched_name(t->sched), t->lr, t->alpha, t->weight_decay);
	if (t->patience)
		fprintf(stderr, "at most %zu epochs, stop when the %s loss has not improved by %g "
			"for %zu epochs\n", t->epochs, vd ? "validation" : "training", t->tol,
			t->patience);
	else
		fprintf(stderr, "exactly %zu epochs\n", t->epochs);
}

/* Why training stopped: on stderr (unless -q), in --log and --log-json. */
static void
say_stop(const struct opts *o, struct log_ctx *lc, const struct pml_train_result *res)
{
	char line[256];

	pml_stop_format(&o->t, res, line, sizeof(line));
	if (!o->quiet)
		fprintf(stderr, "pml-train: %s\n", line);
	if (lc->log)
		fprintf(lc->log, "%s\n", line);
	if (lc->json) {
		pml_buf_reset(&lc->line);
		pml_buf_addf(&lc->line, "{\"stop\":\"%s\",\"epochs_run\":%zu,\"kept_epoch\":%zu,"
			     "\"message\":", pml_stop_name(res->stop), res->epochs_run, res->kept_epoch);
		pml_buf_add_json_str(&lc->line, line, strlen(line));
		pml_buf_addch(&lc->line, '}');
		fprintf(lc->json, "%s\n", lc->line.buf);
	}
}

static void
release_data(struct pml_dataset *train, struct pml_dataset *val)
{
	pml_dataset_release(train);
	if (val)
		pml_dataset_release(val);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct log_ctx lc;
	struct pml_dataset train, val, held;
	const struct pml_data *vd;
	const struct pml_buf empty = PML_BUF_INIT;
	struct pml_train_result res;
	struct pml_train_meta tm;
	struct pml_model model;
	struct pml_net *net;
	enum pml_loss loss;
	size_t i;
	struct stat st;
	int c, rc;

	pml_cli_init(argc, argv);
	memset(&o, 0, sizeof(o));
	pml_train_opts_init(&o.t);
	o.t.scale_target = 1;
	o.hidden[0] = 100, o.n_hidden = 1;
	o.act[0] = PML_ACT_RELU, o.n_act = 1;
	o.loss = -1;
	o.init = PML_DEFAULT_INIT;
	o.threads = 1;
	/* a preset sets defaults first; other options override it wherever they stand */
	for (i = 1; i < (size_t)argc && strcmp(argv[i], "--"); i++) {
		if (!strncmp(argv[i], "--preset=", 9))
			preset(&o, argv[i] + 9);
		else if (!strcmp(argv[i], "--preset") && i + 1 < (size_t)argc)
			preset(&o, argv[++i]);
	}
	while ((c = getopt_long(argc, argv, "hqvVo:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': pml_cli_help(usage);
		case 'o': if (o.output) pml_usage_error("-o given twice"); o.output = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'v': o.verbose = 1; break;
		case O_ALPHA: o.t.alpha = pml_opt_double("--alpha", optarg, 0, 100); break;
		case 'V': pml_cli_version();
		case O_ACT: o.n_act = parse_list("--activation", optarg, NULL, o.act); break;
		case O_BATCH: o.t.batch = (size_t)pml_opt_long("--batch", optarg, 1, 1 << 20); break;
		case O_DROPOUT: o.dropout = pml_opt_double("--dropout", optarg, 0, 0.99); break;
		case O_EPOCHS:
			o.t.epochs = (size_t)pml_opt_long("--epochs", optarg, 1, 1000000);
			o.epochs_given = 1;
			break;
		case O_MAX_EPOCHS:
			o.t.epochs = (size_t)pml_opt_long("--max-epochs", optarg, 1, 1000000);
			o.max_epochs_given = 1;
			break;
		case O_FEATURES: o.features = optarg; break;
		case O_HIDDEN:
			o.n_hidden = parse_list("--hidden", optarg, o.hidden, NULL);
			if (o.n_hidden == 1 && o.hidden[0] == 0)
				o.n_hidden = 0;
			for (i = 0; i < o.n_hidden; i++)
				if (!o.hidden[i])
					pml_usage_error("--hidden: a layer of 0 units");
			break;
		case O_INIT:
			if (pml_init_parse(optarg, &o.init) < 0)
				pml_usage_error("--init: expected he or xavier, got '%s'", optarg);
			break;
		case O_LABEL: o.label = optarg; break;
		case O_LOG: o.log = optarg; break;
		case O_LOG_JSON: o.log_json = optarg; break;
		case O_PLOT: o.plot = optarg; break;
		case O_TITLE: o.title = optarg; break;
		case O_LOSS:
			if (pml_loss_parse(optarg, &loss) < 0)
				pml_usage_error("--loss: expected ce or mse, got '%s'", optarg);
			o.loss = (int)loss;
			break;
		case O_LR: o.t.lr = pml_opt_double("--lr", optarg, 1e-12, 100); break;
		case O_MOMENTUM: o.t.momentum = pml_opt_double("--momentum", optarg, 0, 0.999999); break;
		case O_NESTEROV: o.t.nesterov = 1; break;
		case O_OPTIM:
			if (pml_optim_parse(optarg, &o.t.optim) < 0)
				pml_usage_error("--optimizer: expected sgd or adam, got '%s'", optarg);
			break;
		case O_PATIENCE:
			o.t.patience = (size_t)pml_opt_long("--patience", optarg, 0, 1000000);
			o.patience_given = 1;
			break;
		case O_PRESET: break;   /* applied above */
		case O_SCHED:
			if (pml_sched_parse(optarg, &o.t.sched) < 0)
				pml_usage_error("--schedule: expected constant, step or cosine, got '%s'", optarg);
			break;
		case O_SEED: o.t.seed = pml_opt_u64("--seed", optarg); break;
		case O_STEP_EPOCHS: o.t.step_epochs = (size_t)pml_opt_long("--step-epochs", optarg, 1, 1000000); break;
		case O_STEP_GAMMA: o.t.step_gamma = pml_opt_double("--step-gamma", optarg, 1e-9, 1); break;
		case O_THREADS: o.threads = (int)pml_opt_long("--threads", optarg, 1, 256); break;
		case O_TOL: o.t.tol = pml_opt_double("--tol", optarg, 0, 1e9); break;
		case O_NO_SCALE_LABEL: o.t.scale_target = 0; break;
		case O_VAL: o.val = optarg; break;
		case O_VAL_FRACTION:
			o.val_fraction = pml_opt_double("--val-fraction", optarg, 0, 1);
			if (o.val_fraction <= 0 || o.val_fraction >= 1)
				pml_usage_error("--val-fraction: %s is not between 0 and 1", optarg);
			break;
		case O_WD: o.t.weight_decay = pml_opt_double("--weight-decay", optarg, 0, 100); break;
		default: pml_usage_hint();
		}
	}
	if (!o.output)
		pml_usage_error("no output: give -o MODEL");
	if (o.title && !o.plot)
		pml_usage_error("--title names the --plot picture: give --plot FILE.svg too");
	if (stat(o.output, &st) == 0 && S_ISDIR(st.st_mode))
		pml_usage_error("-o %s: is a directory; give a model file name", o.output);
	if (o.n_act != 1 && o.n_act != o.n_hidden)
		pml_usage_error("--activation: %zu given for %zu hidden layers", o.n_act, o.n_hidden);
	if (o.epochs_given && o.max_epochs_given)
		pml_usage_error("give --epochs N (exactly N) or --max-epochs N (at most N), not both");
	if (o.val && o.val_fraction > 0)
		pml_usage_error("give --val FILE or --val-fraction F, not both");
	/* --epochs N means exactly N; --max-epochs N keeps the tolerance stop, also after a preset */
	if (!o.patience_given && o.epochs_given)
		o.t.patience = 0;
	else if (!o.patience_given && o.max_epochs_given)
		o.t.patience = PML_DEFAULT_PATIENCE;
	for (i = o.n_act; i < o.n_hidden; i++)
		o.act[i] = o.act[0];
	{
		const char *outs[3] = { o.output, o.plot, o.log };

		pml_cli_check_outputs(outs, 3, argv + optind, (size_t)(argc - optind));
		pml_cli_check_outputs(outs, 3, (char *const *)&o.val, o.val ? 1 : 0);
	}

	pml_mat_set_threads(o.threads);
	if (pml_dataset_read(&train, argc - optind, argv + optind, o.features, o.label, NULL) < 0)
		return pml_cli_finish(PML_EXIT_FAIL);
	if (o.val && pml_dataset_read(&val, 1, (char **)&o.val, NULL, NULL, &train) < 0) {
		pml_dataset_release(&train);
		return pml_cli_finish(PML_EXIT_FAIL);
	}
	if (pml_dataset_check_label(&train) < 0) {
		release_data(&train, o.val ? &val : NULL);
		return pml_cli_finish(PML_EXIT_FAIL);
	}
	if (train.n_class == 1)
		pml_die("label column '%s' has a single class ('%s'): nothing to learn", train.label,
			train.classes[0]);
	if (o.val_fraction > 0 && hold_out(&o, &train, &held) < 0) {
		pml_dataset_release(&train);
		return pml_cli_finish(PML_EXIT_FAIL);
	}
	vd = o.val ? &val.d : o.val_fraction > 0 ? &held.d : NULL;
	loss = o.loss >= 0 ? (enum pml_loss)o.loss : train.n_class ? PML_LOSS_SOFTMAX_CE : PML_LOSS_MSE;
	if (loss == PML_LOSS_SOFTMAX_CE && !train.n_class)
		pml_usage_error("--loss ce needs an int label (classes); '%s' is a float", train.label);
	net = pml_net_mlp(train.d.n_in, o.hidden, o.act, o.n_hidden, (float)o.dropout,
			  train.n_class ? train.n_class : 1, loss);
	if (!net) {
		release_data(&train, o.val ? &val : NULL);
		return pml_cli_finish(PML_EXIT_FAIL);
	}
	pml_net_init(net, o.init, o.t.seed);

	memset(&lc, 0, sizeof(lc));
	lc.line = empty;
	lc.quiet = o.quiet;
	if (o.log && !(lc.log = fopen(o.log, "w")))
		pml_die("%s: cannot open log file", o.log);
	if (o.log_json && !(lc.json = fopen(o.log_json, "w")))
		pml_die("%s: cannot open log file", o.log_json);
	if (o.verbose)
		say_settings(&o, &train, vd);
	snprintf(lc.what, sizeof(lc.what), "epoch 1/%zu", o.t.epochs);
	pml_progress_init(&lc.prog, lc.what, 0, o.quiet);
	o.t.on_epoch = on_epoch;
	o.t.on_batch = on_batch;
	o.t.ctx = &lc;
	rc = pml_nn_train(net, &train.d, vd, &o.t, &res);
	pml_progress_done(&lc.prog);
	if (rc == 0)
		say_stop(&o, &lc, &res);
	if (lc.log && (ferror(lc.log) | fclose(lc.log)))
		rc = pml_error("%s: error writing the log", o.log);
	if (lc.json && (ferror(lc.json) | fclose(lc.json)))
		rc = pml_error("%s: error writing the log", o.log_json);
	pml_buf_release(&lc.line);
	if (rc < 0) {
		pml_net_free(net);
		pml_curve_release(&lc.curve);
		release_data(&train, o.val ? &val : NULL);
		pml_error("%s not written", o.output);
		return pml_cli_finish(PML_EXIT_FAIL);
	}

	memset(&tm, 0, sizeof(tm));
	tm.command = pml_cli_cmdline();
	tm.seed = o.t.seed;
	tm.threads = o.threads;
	tm.preset = o.preset;
	tm.opts = &o.t;
	tm.res = &res;
	tm.init = o.init;
	tm.hidden = o.hidden;
	tm.act = o.act;
	tm.n_hidden = o.n_hidden;
	tm.dropout = o.dropout;
	tm.train = &train;
	tm.val = o.val ? &val : o.val_fraction > 0 ? &held : NULL;
	pml_model_from_training(&model, net, &tm);
	rc = pml_model_save(&model, o.output);
	lc.curve.kept = res.kept_epoch;
	if (rc == 0 && o.plot && pml_curve_save_svg(&lc.curve, o.title ? o.title : "pml-train learning curve", o.plot) < 0)
		rc = -1;
	pml_curve_release(&lc.curve);
	pml_model_release(&model);
	release_data(&train, o.val ? &val : NULL);
	return pml_cli_finish(rc < 0 ? PML_EXIT_FAIL : PML_EXIT_OK);
}
