/* pml-eval: evaluate a model on a labelled stream; report, predictions, gates, plot. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/metrics.h"
#include "pml/model.h"
#include "pml/plot.h"
#include "pml/predict.h"
#include "pml/source.h"
#include "pml/stream.h"

static const char usage[] =
	"usage: pml-eval -m MODEL [options] [FILE...]\n"
	"Evaluate MODEL on labelled records (raw as collected, or preprocessed) from\n"
	"FILEs or stdin, and print a report. Each input is a pml stream, CSV or JSON\n"
	"lines, told by its first bytes.\n"
	"\n"
	"  -m, --model MODEL        the model to evaluate (required)\n"
	"  -j, --json               the report as one JSON object (see pml-eval(1))\n"
	"  -o, --output FILE        write the report to FILE (atomically)\n"
	"  -p, --predictions FILE   write each record's prediction as a JSON line\n"
	"  -k, --top-k K            report top-K accuracy; predictions list the top K\n"
	"      --min METRIC=VALUE   gate: fail (exit 3) if METRIC < VALUE\n"
	"      --max METRIC=VALUE   gate: fail (exit 3) if METRIC > VALUE\n"
	"  -b, --baseline MODEL     evaluate MODEL on the same records too\n"
	"      --max-drop METRIC=D  gate: fail if METRIC is worse than the baseline's by more than D\n"
	"      --plot FILE.svg      write the confusion-matrix heatmap\n"
	"      --title TEXT         the heatmap's title (default \"confusion matrix\")\n"
	"      --batch N            records per forward pass (default 256)\n"
	"      --max-message N      refuse messages over N bytes (default 16777216)\n"
	"  -q, --quiet              no progress\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"METRIC: accuracy, macro_f1, weighted_f1, macro_precision, macro_recall,\n"
	"weighted_precision, weighted_recall, log_loss, top_k_accuracy,\n"
	"precision:CLASS, recall:CLASS, f1:CLASS, mse, rmse, mae, r2, records.\n";

struct where {
	const char *file;
	uint64_t rec;
};

struct eval {
	struct pml_model *model;
	struct pml_predictor *pred;
	struct pml_metrics m;
	const char *what;   /* "" or "baseline: " for messages */
};

struct run {
	struct eval ev[2];
	int n_ev;
	struct where *at;
	struct pml_out *preds;  /* NULL: none */
	struct pml_buf line;
	int top_k;
};

static void
gate_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pml_vreport("gate failed", fmt, ap);
	va_end(ap);
}

/* Score the staged records of every model; write the main model's predictions. */
static int
flush(struct run *r)
{
	size_t i, n_out;
	int e;

	for (e = 0; e < r->n_ev; e++) {
		struct eval *ev = &r->ev[e];
		size_t n = pml_predictor_count(ev->pred);
		if (pml_predictor_run(ev->pred) < 0)
			return -1;
		for (i = 0; i < n; i++) {
			const float *out = pml_predictor_output(ev->pred, i, &n_out);
			const char *lab = ev->model->label ? ev->model->label : "label";
			double y;
			int rc;

			if (!out)
				return pml_error("%s: record %llu: %s" PML_PREDICT_OVERFLOW, r->at[i].file,
						 (unsigned long long)r->at[i].rec, ev->what);

			if (!pml_predictor_label(ev->pred, i, &y))
				return pml_error("%s: record %llu, column '%s': %sno label to evaluate against",
						 r->at[i].file, (unsigned long long)r->at[i].rec, lab, ev->what);
			pml_err_capture(1);
			rc = pml_metrics_add_output(&ev->m, y, out, n_out);
			pml_err_capture(0);
			if (rc < 0)
				return pml_error("%s: record %llu: %s%s", r->at[i].file,
						 (unsigned long long)r->at[i].rec, ev->what, pml_err_last());
			if (e == 0 && r->preds) {
				pml_buf_reset(&r->line);
				pml_predict_format_json(&r->line, ev->model, out, n_out, r->top_k);
				pml_buf_addch(&r->line, '\n');
				pml_out_write(r->preds, r->line.buf, r->line.len);
			}
		}
		pml_predictor_reset(ev->pred);
	}
	return 0;
}

/*
 * Set up ev for model (loaded) on records of schema s: -1 with a message,
 * or -2 for a usage error (top-k that does not fit the model).
 */
static int
setup(struct eval *ev, struct pml_model *model, const char *path, const struct pml_schema *s,
      size_t batch, size_t top_k)
{
	ev->model = model;
	if (top_k && !model->n_class) {
		pml_error("--top-k: '%s' is a regression model", path);
		return -2;
	}
	if (top_k > model->n_class) {
		pml_error("--top-k %zu: '%s' has only %zu classes", top_k, path, model->n_class);
		return -2;
	}
	pml_err_capture(1);
	ev->pred = pml_predictor_new(model, s, batch);
	pml_err_capture(0);
	if (!ev->pred)
		return pml_error("%s: records do not fit the model: %s", path, pml_err_last());
	if (!model->n_class) {
		pml_metrics_init_regression(&ev->m);
		return 0;
	}
	return pml_metrics_init_class(&ev->m, model->n_class, (const char *const *)model->classes, 1, top_k);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "baseline", required_argument, NULL, 'b' },
		{ "batch", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "max", required_argument, NULL, 'X' },
		{ "max-drop", required_argument, NULL, 'D' },
		{ "max-message", required_argument, NULL, 'M' },
		{ "min", required_argument, NULL, 'N' },
		{ "model", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "plot", required_argument, NULL, 'P' },
		{ "predictions", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "title", required_argument, NULL, 'T' },
		{ "top-k", required_argument, NULL, 'k' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *model_path = NULL, *base_path = NULL, *output = NULL, *pred_path = NULL, *plot = NULL;
	const char *title = NULL;
	size_t batch = 256, max_message = 0, top_k = 0;
	int json = 0, quiet = 0, c, rc = 0, failed = 0, e, status = PML_EXIT_FAIL;
	struct pml_gates gates = PML_GATES_INIT;
	struct pml_model model, base;
	struct pml_reader *rd = NULL;
	struct pml_source_opts text;
	struct pml_out out, preds;
	struct pml_buf b = PML_BUF_INIT;
	struct pml_progress prog;
	const struct pml_value *v;
	struct run r;

	pml_cli_init(argc, argv);
	while ((c = getopt_long(argc, argv, "b:hjk:m:o:p:qV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': if (base_path) pml_usage_error("-b given twice"); base_path = optarg; break;
		case 'B': batch = (size_t)pml_opt_long("--batch", optarg, 1, 65536); break;
		case 'D': rc = pml_gates_parse(&gates, PML_GATE_MAX_DROP, optarg); break;
		case 'h': pml_cli_help(usage);
		case 'j': json = 1; break;
		case 'k': top_k = (size_t)pml_opt_long("--top-k", optarg, 1, 1L << 20); break;
		case 'M': max_message = (size_t)pml_opt_long("--max-message", optarg, 1024, 1L << 34); break;
		case 'm': if (model_path) pml_usage_error("-m given twice"); model_path = optarg; break;
		case 'N': rc = pml_gates_parse(&gates, PML_GATE_MIN, optarg); break;
		case 'o': if (output) pml_usage_error("-o given twice"); output = optarg; break;
		case 'P': plot = optarg; break;
		case 'p': if (pred_path) pml_usage_error("-p given twice"); pred_path = optarg; break;
		case 'q': quiet = 1; break;
		case 'T': title = optarg; break;
		case 'V': pml_cli_version();
		case 'X': rc = pml_gates_parse(&gates, PML_GATE_MAX, optarg); break;
		default: pml_usage_hint();
		}
		if (rc < 0)
			pml_usage_hint();
	}
	if (!model_path)
		pml_usage_error("no model: give -m MODEL");
	if (title && !plot)
		pml_usage_error("--title names the --plot picture: give --plot FILE.svg too");
	if (pml_gates_need_baseline(&gates) && !base_path)
		pml_usage_error("--max-drop needs --baseline MODEL");

	{
		const char *outs[3] = { output, pred_path, plot }, *models[2] = { model_path, base_path };

		pml_cli_check_outputs(outs, 3, argv + optind, (size_t)(argc - optind));
		pml_cli_check_outputs(outs, 3, (char *const *)models, base_path ? 2 : 1);
	}
	memset(&r, 0, sizeof(r));
	r.top_k = (int)top_k;
	pml_buf_init(&r.line, 0);
	pml_model_init(&model);
	pml_model_init(&base);
	r.n_ev = base_path ? 2 : 1;
	r.ev[0].what = "";
	r.ev[1].what = "baseline: ";
	if (pml_model_load(&model, model_path) < 0 || (base_path && pml_model_load(&base, base_path) < 0))
		goto done;
	if (base_path && !model.n_class != !base.n_class) {
		pml_error("'%s' and the baseline '%s' do not do the same task", model_path, base_path);
		goto done;
	}
	/* CSV, JSON lines: read as pml-collect would, with the model's roles */
	pml_source_opts_init(&text);
	text.like = &model.input;
	if (!(rd = pml_reader_open_any(argc - optind, argv + optind, max_message, &text)))
		goto done;
	for (e = 0; e < r.n_ev; e++) {
		rc = setup(&r.ev[e], e ? &base : &model, e ? base_path : model_path, pml_reader_schema(rd),
			   batch, top_k);
		if (rc < 0) {
			if (rc == -2)
				status = PML_EXIT_USAGE;
			goto done;
		}
	}
	for (e = 0; e < r.n_ev; e++)
		if (pml_gates_check(&gates, &r.ev[e].m) < 0) {
			status = PML_EXIT_USAGE;
			goto done;
		}
	if (plot && !model.n_class) {
		pml_error("--plot draws a confusion matrix: '%s' is a regression model", model_path);
		status = PML_EXIT_USAGE;
		goto done;
	}
	if (pred_path && pml_out_open(&preds, pred_path) < 0)
		goto done;
	r.preds = pred_path ? &preds : NULL;
	r.at = pml_xcalloc(batch, sizeof(*r.at));

	pml_progress_init(&prog, "records", 0, quiet);
	while ((rc = pml_reader_next(rd, &v)) > 0) {
		size_t k = pml_predictor_count(r.ev[0].pred);
		r.at[k].file = pml_reader_file(rd);
		r.at[k].rec = pml_reader_record_no(rd);
		for (e = 0; e < r.n_ev && rc > 0; e++)
			if (pml_predictor_add(r.ev[e].pred, v) < 0)
				rc = pml_error("%s: record %llu: %s%s", r.at[k].file, (unsigned long long)r.at[k].rec,
					       r.ev[e].what, pml_predictor_error(r.ev[e].pred));
		if (rc < 0 || (k + 1 == batch && flush(&r) < 0))
			break;
		pml_progress_tick(&prog, pml_reader_count(rd));
	}
	pml_progress_done(&prog);
	if (rc < 0 || flush(&r) < 0) {
		if (r.preds)
			pml_out_abort(r.preds);
		goto done;
	}
	/* the predictions are committed only once the report is out */
	if (r.preds && pml_out_flush(r.preds) < 0) {
		pml_out_close(r.preds);
		goto done;
	}

	for (e = 0; e < r.n_ev; e++)
		pml_metrics_finish(&r.ev[e].m);
	pml_buf_reset(&b);
	failed = pml_gates_eval(&gates, &r.ev[0].m, base_path ? &r.ev[1].m : NULL, &b);
	if (failed < 0)
		goto done;
	if (gates.n && r.ev[0].m.n == 0) {
		/* nothing was measured: no gate can pass */
		pml_buf_addstr(&b, "no records to evaluate\n");
		failed = 1;
	}
	if (plot) {
		struct pml_buf svg = PML_BUF_INIT;
		pml_plot_confusion(&svg, title, model.n_class, (const char *const *)model.classes,
				   r.ev[0].m.confusion);
		rc = pml_plot_save(plot, &svg);
		pml_buf_release(&svg);
		if (rc < 0)
			goto done;
	}
	if (pml_out_open(&out, output) < 0)
		goto done;
	pml_buf_reset(&r.line);
	if (json)
		pml_metrics_json(&r.ev[0].m, &gates, &r.line);
	else
		pml_metrics_text(&r.ev[0].m, &gates, &r.line);
	pml_out_write(&out, r.line.buf, r.line.len);
	if (pml_out_close(&out) < 0)
		goto done;
	if (r.preds && pml_out_close(r.preds) < 0)
		goto done;
	if (failed) {
		char *line, *save = NULL;
		for (line = strtok_r(b.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			gate_report("%s", line);
	}
	status = failed ? PML_EXIT_GATE : PML_EXIT_OK;
done:
	if (r.preds)
		pml_out_abort(r.preds);
	for (e = 0; e < 2; e++) {
		if (r.ev[e].pred)
			pml_predictor_free(r.ev[e].pred);
		if (r.ev[e].m.task)
			pml_metrics_release(&r.ev[e].m);
	}
	pml_model_release(&model);
	pml_model_release(&base);
	if (rd)
		pml_reader_free(rd);
	pml_gates_release(&gates);
	pml_buf_release(&b);
	pml_buf_release(&r.line);
	free(r.at);
	return pml_cli_finish(status);
}
