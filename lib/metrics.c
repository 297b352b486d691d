/* metrics.c: streaming classification and regression metrics, gates, reports. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/metrics.h"

#define PROBA_TOL 1e-6
#define REPORT_DIGITS 4
#define CM_MAX_WIDTH 100

/* ---- accumulation ---- */

int
pml_metrics_init_class(struct pml_metrics *m, size_t n_class, const char *const *names,
		       int with_proba, size_t top_k)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->task = PML_METRICS_CLASSIFICATION;
	if (n_class == 0)
		return pml_error("metrics: no classes");
	if (n_class > PML_METRICS_MAX_CLASSES)
		return pml_error("%zu classes are too many for a confusion matrix (at most %d)", n_class,
				 PML_METRICS_MAX_CLASSES);
	if (top_k && !with_proba)
		return pml_error("metrics: top-k accuracy needs class probabilities");
	if (top_k > n_class)
		return pml_error("top-k %zu is more than the %zu classes", top_k, n_class);
	m->n_class = n_class;
	m->with_proba = with_proba ? 1 : 0;
	m->top_k = top_k;
	m->names = pml_xcalloc(n_class, sizeof(*m->names));
	for (i = 0; i < n_class; i++) {
		if (names && names[i]) {
			m->names[i] = pml_xstrdup(names[i]);
		} else {
			char tmp[32];
			snprintf(tmp, sizeof(tmp), "%zu", i);
			m->names[i] = pml_xstrdup(tmp);
		}
	}
	m->confusion = pml_xcalloc(n_class * n_class, sizeof(*m->confusion));
	m->per_class = pml_xcalloc(n_class, sizeof(*m->per_class));
	return 0;
}

void
pml_metrics_init_regression(struct pml_metrics *m)
{
	memset(m, 0, sizeof(*m));
	m->task = PML_METRICS_REGRESSION;
}

static void
clear_notes(struct pml_metrics *m)
{
	size_t i;

	for (i = 0; i < m->n_notes; i++)
		free(m->notes[i]);
	free(m->notes);
	m->notes = NULL;
	m->n_notes = 0;
}

void
pml_metrics_release(struct pml_metrics *m)
{
	size_t i;

	if (m->names)
		for (i = 0; i < m->n_class; i++)
			free(m->names[i]);
	free(m->names);
	free(m->confusion);
	free(m->per_class);
	clear_notes(m);
	memset(m, 0, sizeof(*m));
}

size_t
pml_metrics_argmax(const float *p, size_t n)
{
	size_t i, best = 0;

	for (i = 1; i < n; i++)
		if (p[i] > p[best] || (isnan(p[best]) && !isnan(p[i])))
			best = i;
	return best;
}

/*
 * Rank of the true class: classes with a higher probability, plus classes
 * with an equal one and a lower index. The true class is in the top k iff
 * its rank is below k.
 */
#define RANK_OF(p, n, t, rank) \
	do { \
		size_t r_i_; \
		(rank) = 0; \
		for (r_i_ = 0; r_i_ < (n); r_i_++) \
			if ((p)[r_i_] > (p)[t] || ((p)[r_i_] == (p)[t] && r_i_ < (t))) \
				(rank)++; \
	} while (0)

static int
check_indices(const struct pml_metrics *m, size_t truth, size_t pred, const void *proba)
{
	if (m->task != PML_METRICS_CLASSIFICATION)
		return pml_error("metrics: class added to a regression");
	if (truth >= m->n_class)
		return pml_error("true class index %zu outside the %zu known classes", truth, m->n_class);
	if (pred >= m->n_class)
		return pml_error("predicted class index %zu outside the %zu known classes", pred,
				 m->n_class);
	if (m->with_proba && !proba)
		return pml_error("metrics: record without probabilities");
	return 0;
}

static int
check_proba(double p, size_t k)
{
	if (!isfinite(p) || p < -PROBA_TOL || p > 1 + PROBA_TOL)
		return pml_error("probability %g of class %zu is not in [0, 1]", p, k);
	return 0;
}

static void
count_class(struct pml_metrics *m, size_t truth, size_t pred, double p_true, size_t rank)
{
	m->confusion[truth * m->n_class + pred]++;
	m->n++;
	if (m->with_proba) {
		double p = p_true;
		if (p < PML_METRICS_LOG_EPS)
			p = PML_METRICS_LOG_EPS;
		if (p > 1 - PML_METRICS_LOG_EPS)
			p = 1 - PML_METRICS_LOG_EPS;
		m->log_loss_sum += -log(p);
		if (m->top_k && rank < m->top_k)
			m->top_k_hits++;
	}
}

/*
 * The body of pml_metrics_add_class (float probabilities) and
 * pml_metrics_add_class_d (double), which differ only in that type.
 */
#define ADD_CLASS_BODY \
	size_t k, rank = 0; \
	if (check_indices(m, truth, pred, proba) < 0) \
		return -1; \
	if (!m->with_proba) \
		proba = NULL; \
	if (proba) { \
		for (k = 0; k < m->n_class; k++) \
			if (check_proba(proba[k], k) < 0) \
				return -1; \
		RANK_OF(proba, m->n_class, truth, rank); \
	} \
	count_class(m, truth, pred, proba ? proba[truth] : 1, rank); \
	return 0;

int
pml_metrics_add_class(struct pml_metrics *m, size_t truth, size_t pred, const float *proba)
{
	ADD_CLASS_BODY
}

int
pml_metrics_add_class_d(struct pml_metrics *m, size_t truth, size_t pred, const double *proba)
{
	ADD_CLASS_BODY
}

int
pml_metrics_add_value(struct pml_metrics *m, double truth, double pred)
{
	double d, e;

	if (m->task != PML_METRICS_REGRESSION)
		return pml_error("metrics: value added to a classification");
	if (!isfinite(truth))
		return pml_error("target value is not a finite number");
	if (!isfinite(pred))
		return pml_error("predicted value is not a finite number");
	e = pred - truth;
	m->sse += e * e;
	m->sae += fabs(e);
	m->n++;
	d = truth - m->y_mean;
	m->y_mean += d / (double)m->n;
	m->y_m2 += d * (truth - m->y_mean);
	return 0;
}

int
pml_metrics_add_output(struct pml_metrics *m, double label, const float *out, size_t n_out)
{
	if (m->task == PML_METRICS_REGRESSION) {
		if (n_out < 1)
			return pml_error("no predicted value");
		return pml_metrics_add_value(m, label, out[0]);
	}
	if (!(label >= 0 && label < (double)m->n_class && label == floor(label)))
		return pml_error("label %g outside the %zu classes", label, m->n_class);
	if (n_out != m->n_class)
		return pml_error("%zu outputs for %zu classes", n_out, m->n_class);
	return pml_metrics_add_class(m, (size_t)label, pml_metrics_argmax(out, n_out),
				     m->with_proba ? out : NULL);
}

/* ---- finishing ---- */

static double
ratio(uint64_t num, uint64_t den)
{
	return den ? (double)num / (double)den : 0.0;
}

static void
add_note(struct pml_metrics *m, struct pml_buf *b)
{
	m->notes = pml_xreallocarray(m->notes, m->n_notes + 1, sizeof(*m->notes));
	m->notes[m->n_notes++] = pml_buf_detach(b, NULL);
}

/* A note "PREFIX: a, b, c" over the classes where flag[c] is set; none if no flag. */
static void
class_note(struct pml_metrics *m, const char *prefix, const unsigned char *flag)
{
	struct pml_buf b = PML_BUF_INIT;
	size_t c, n = 0;

	for (c = 0; c < m->n_class; c++) {
		if (!flag[c])
			continue;
		pml_buf_addstr(&b, n++ ? ", " : prefix);
		pml_buf_addstr(&b, m->names[c]);
	}
	if (n)
		add_note(m, &b);
	pml_buf_release(&b);
}

static void
finish_class(struct pml_metrics *m)
{
	size_t K = m->n_class, t, p;
	uint64_t trace = 0;
	unsigned char *no_pred, *no_true;
	double w_p = 0, w_r = 0, w_f = 0;

	no_pred = pml_xcalloc(K, 1);
	no_true = pml_xcalloc(K, 1);
	for (t = 0; t < K; t++) {
		m->per_class[t].support = 0;
		m->per_class[t].predicted = 0;
	}
	for (t = 0; t < K; t++) {
		for (p = 0; p < K; p++) {
			uint64_t c = m->confusion[t * K + p];
			m->per_class[t].support += c;
			m->per_class[p].predicted += c;
		}
		trace += m->confusion[t * K + t];
	}
	memset(&m->macro, 0, sizeof(m->macro));
	memset(&m->weighted, 0, sizeof(m->weighted));
	for (t = 0; t < K; t++) {
		struct pml_class_stats *s = &m->per_class[t];
		uint64_t tp = m->confusion[t * K + t];
		uint64_t fp = s->predicted - tp, fn = s->support - tp;
		s->precision = ratio(tp, s->predicted);
		s->recall = ratio(tp, s->support);
		s->f1 = ratio(2 * tp, 2 * tp + fp + fn);
		no_pred[t] = s->predicted == 0;
		no_true[t] = s->support == 0;
		m->macro.precision += s->precision;
		m->macro.recall += s->recall;
		m->macro.f1 += s->f1;
		w_p += s->precision * (double)s->support;
		w_r += s->recall * (double)s->support;
		w_f += s->f1 * (double)s->support;
	}
	m->macro.precision /= (double)K;
	m->macro.recall /= (double)K;
	m->macro.f1 /= (double)K;
	m->macro.support = m->weighted.support = m->n;
	if (m->n) {
		m->weighted.precision = w_p / (double)m->n;
		m->weighted.recall = w_r / (double)m->n;
		m->weighted.f1 = w_f / (double)m->n;
	}
	m->accuracy = ratio(trace, m->n);
	m->log_loss = m->with_proba && m->n ? m->log_loss_sum / (double)m->n : 0.0;
	m->top_k_accuracy = ratio(m->top_k_hits, m->n);
	if (m->n) {
		class_note(m, "precision is 0 for classes never predicted: ", no_pred);
		class_note(m, "recall is 0 for classes with no true records: ", no_true);
	}
	free(no_pred);
	free(no_true);
}

static void
finish_regression(struct pml_metrics *m)
{
	double n = (double)m->n;

	m->mse = m->rmse = m->mae = m->r2 = 0;
	if (!m->n)
		return;
	m->mse = m->sse / n;
	m->rmse = sqrt(m->mse);
	m->mae = m->sae / n;
	if (m->y_m2 > 0) {
		m->r2 = 1 - m->sse / m->y_m2;
	} else {
		struct pml_buf b = PML_BUF_INIT;
		m->r2 = m->sse == 0 ? 1.0 : 0.0;
		pml_buf_addstr(&b, "r2 is defined as 1 for perfect predictions of a constant target, else 0");
		add_note(m, &b);
	}
}

void
pml_metrics_finish(struct pml_metrics *m)
{
	clear_notes(m);
	if (!m->n) {
		struct pml_buf b = PML_BUF_INIT;
		pml_buf_addstr(&b, "no records: every metric is 0");
		add_note(m, &b);
	}
	if (m->task == PML_METRICS_CLASSIFICATION)
		finish_class(m);
	else
		finish_regression(m);
}

/* ---- metric names ---- */

static const char *const class_names_tbl[] = {
	"accuracy", "log_loss", "top_k_accuracy", "macro_precision", "macro_recall", "macro_f1",
	"weighted_precision", "weighted_recall", "weighted_f1", NULL
};
static const char *const regr_names_tbl[] = { "mse", "rmse", "mae", "r2", NULL };
static const char *const lower_better[] = { "log_loss", "mse", "rmse", "mae", NULL };
static const char *const per_class_prefix[] = { "precision:", "recall:", "f1:", NULL };

static int
in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (!strcmp(*l, s))
			return 1;
	return 0;
}

/* Index of the per-class prefix of name (0 precision, 1 recall, 2 f1), or -1. */
static int
per_class_kind(const char *name, const char **cls)
{
	int i;

	for (i = 0; per_class_prefix[i]; i++) {
		size_t l = strlen(per_class_prefix[i]);
		if (!strncmp(name, per_class_prefix[i], l) && name[l]) {
			*cls = name + l;
			return i;
		}
	}
	return -1;
}

int
pml_metrics_name_known(const char *name)
{
	const char *cls;

	return in_list(class_names_tbl, name) || in_list(regr_names_tbl, name) ||
	       !strcmp(name, "records") || per_class_kind(name, &cls) >= 0;
}

int
pml_metrics_higher_better(const char *name)
{
	return !in_list(lower_better, name);
}

int
pml_metrics_get(const struct pml_metrics *m, const char *name, double *v)
{
	const char *cls;
	int kind;
	size_t c;

	if (!strcmp(name, "records")) {
		*v = (double)m->n;
		return 0;
	}
	if (m->task == PML_METRICS_REGRESSION) {
		if (!strcmp(name, "mse")) *v = m->mse;
		else if (!strcmp(name, "rmse")) *v = m->rmse;
		else if (!strcmp(name, "mae")) *v = m->mae;
		else if (!strcmp(name, "r2")) *v = m->r2;
		else return -1;
		return 0;
	}
	if (!strcmp(name, "accuracy")) *v = m->accuracy;
	else if (!strcmp(name, "log_loss") && m->with_proba) *v = m->log_loss;
	else if (!strcmp(name, "top_k_accuracy") && m->top_k) *v = m->top_k_accuracy;
	else if (!strcmp(name, "macro_precision")) *v = m->macro.precision;
	else if (!strcmp(name, "macro_recall")) *v = m->macro.recall;
	else if (!strcmp(name, "macro_f1")) *v = m->macro.f1;
	else if (!strcmp(name, "weighted_precision")) *v = m->weighted.precision;
	else if (!strcmp(name, "weighted_recall")) *v = m->weighted.recall;
	else if (!strcmp(name, "weighted_f1")) *v = m->weighted.f1;
	else if ((kind = per_class_kind(name, &cls)) >= 0) {
		for (c = 0; c < m->n_class; c++)
			if (!strcmp(m->names[c], cls))
				break;
		if (c == m->n_class)
			return -1;
		*v = kind == 0 ? m->per_class[c].precision
		     : kind == 1 ? m->per_class[c].recall : m->per_class[c].f1;
	} else
		return -1;
	return 0;
}

/* ---- gates ---- */

static const char *
gate_kind_name(enum pml_gate_kind k)
{
	return k == PML_GATE_MIN ? "min" : k == PML_GATE_MAX ? "max" : "max_drop";
}

int
pml_gates_parse(struct pml_gates *g, enum pml_gate_kind kind, const char *arg)
{
	const char *eq = strrchr(arg, '=');
	const char *opt = kind == PML_GATE_MIN ? "--min" : kind == PML_GATE_MAX ? "--max" : "--max-drop";
	struct pml_gate *gt;
	char *name;
	double v;

	if (!eq || eq == arg)
		return pml_error("%s '%s': expected METRIC=VALUE", opt, arg);
	name = pml_xmemdupz(arg, (size_t)(eq - arg));
	if (!pml_metrics_name_known(name)) {
		pml_error("%s '%s': unknown metric '%s' (accuracy, macro_f1, weighted_f1, log_loss, "
			  "top_k_accuracy, mse, rmse, mae, r2, precision:CLASS ...)", opt, arg, name);
		free(name);
		return -1;
	}
	if (pml_parse_double(eq + 1, &v) < 0 || !isfinite(v)) {
		free(name);
		return pml_error("%s '%s': '%s' is not a number", opt, arg, eq + 1);
	}
	if (kind == PML_GATE_MAX_DROP && v < 0) {
		free(name);
		return pml_error("%s '%s': the allowed drop must be 0 or more", opt, arg);
	}
	PML_ALLOC_GROW(g->v, g->n + 1, g->m_v);
	gt = &g->v[g->n++];
	memset(gt, 0, sizeof(*gt));
	gt->kind = kind;
	gt->metric = name;
	gt->value = v;
	gt->baseline = NAN;
	return 0;
}

int
pml_gates_need_baseline(const struct pml_gates *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->v[i].kind == PML_GATE_MAX_DROP)
			return 1;
	return 0;
}

/* Why metric name does not apply to m, or NULL if it does. */
static const char *
not_applicable(const struct pml_metrics *m, const char *name)
{
	const char *cls;
	size_t c;

	if (!strcmp(name, "records"))
		return NULL;
	if (m->task == PML_METRICS_REGRESSION)
		return in_list(regr_names_tbl, name) ? NULL : "it is a classification metric and the model does regression";
	if (in_list(regr_names_tbl, name))
		return "it is a regression metric and the model classifies";
	if (!strcmp(name, "log_loss") && !m->with_proba)
		return "there are no class probabilities";
	if (!strcmp(name, "top_k_accuracy") && !m->top_k)
		return "no --top-k was given";
	if (per_class_kind(name, &cls) >= 0) {
		for (c = 0; c < m->n_class; c++)
			if (!strcmp(m->names[c], cls))
				return NULL;
		return "no class has that name";
	}
	return NULL;
}

int
pml_gates_check(const struct pml_gates *g, const struct pml_metrics *m)
{
	size_t i;
	const char *why;

	for (i = 0; i < g->n; i++)
		if ((why = not_applicable(m, g->v[i].metric)))
			return pml_error("--%s %s: metric does not apply: %s", g->v[i].kind == PML_GATE_MAX_DROP
					 ? "max-drop" : gate_kind_name(g->v[i].kind), g->v[i].metric, why);
	return 0;
}

int
pml_gates_eval(struct pml_gates *g, const struct pml_metrics *m, const struct pml_metrics *baseline,
	       struct pml_buf *reasons)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < g->n; i++) {
		struct pml_gate *gt = &g->v[i];
		double worse;

		if (pml_metrics_get(m, gt->metric, &gt->actual) < 0)
			return pml_error("gate on '%s': metric not available", gt->metric);
		gt->baseline = NAN;
		switch (gt->kind) {
		case PML_GATE_MIN:
			gt->pass = gt->actual >= gt->value;
			if (!gt->pass && reasons)
				pml_buf_addf(reasons, "%s %.6g is below the minimum %.6g\n", gt->metric,
					     gt->actual, gt->value);
			break;
		case PML_GATE_MAX:
			gt->pass = gt->actual <= gt->value;
			if (!gt->pass && reasons)
				pml_buf_addf(reasons, "%s %.6g is above the maximum %.6g\n", gt->metric,
					     gt->actual, gt->value);
			break;
		case PML_GATE_MAX_DROP:
			if (!baseline || pml_metrics_get(baseline, gt->metric, &gt->baseline) < 0)
				return pml_error("gate on '%s': baseline metric not available", gt->metric);
			worse = pml_metrics_higher_better(gt->metric) ? gt->baseline - gt->actual
								      : gt->actual - gt->baseline;
			/* allow rounding: 0.9 - 0.88 is 0.020000000000000018 */
			gt->pass = worse <= gt->value + 1e-9 * fmax(1.0, fabs(gt->baseline));
			if (!gt->pass && reasons)
				pml_buf_addf(reasons, "%s is %.6g against the baseline's %.6g: worse by %.6g, "
					     "more than the allowed %.6g\n", gt->metric, gt->actual,
					     gt->baseline, worse, gt->value);
			break;
		}
		if (!gt->pass)
			failed++;
	}
	return failed;
}

void
pml_gates_release(struct pml_gates *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->v[i].metric);
	free(g->v);
	g->v = NULL;
	g->n = g->m_v = 0;
}

/* ---- text report ---- */

/* Display width of a name (UTF-8 continuation bytes do not count). */
static size_t
disp_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Append s right-aligned in width w, control characters as '?'. */
static void
add_name(struct pml_buf *b, const char *s, size_t w, int left)
{
	size_t dw = disp_width(s), pad = dw < w ? w - dw : 0, i;

	if (!left)
		for (i = 0; i < pad; i++)
			pml_buf_addch(b, ' ');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		pml_buf_addch(b, c < 0x20 || c == 0x7f ? '?' : c);
	}
	if (left)
		for (i = 0; i < pad; i++)
			pml_buf_addch(b, ' ');
}

static void
text_row(struct pml_buf *b, const char *name, size_t w, const struct pml_class_stats *s, uint64_t support)
{
	add_name(b, name, w, 0);
	pml_buf_addf(b, "  %9.*f %9.*f %9.*f %9llu\n", REPORT_DIGITS, s->precision, REPORT_DIGITS,
		     s->recall, REPORT_DIGITS, s->f1, (unsigned long long)support);
}

static size_t
u64_width(uint64_t v)
{
	size_t w = 1;

	while (v >= 10) {
		v /= 10;
		w++;
	}
	return w;
}

static void
text_confusion(const struct pml_metrics *m, struct pml_buf *b)
{
	size_t K = m->n_class, i, t, p, name_w = 0, cell_w = 1, idx_w;
	int by_index;

	for (i = 0; i < K * K; i++)
		if (u64_width(m->confusion[i]) > cell_w)
			cell_w = u64_width(m->confusion[i]);
	for (t = 0; t < K; t++)
		if (disp_width(m->names[t]) > name_w)
			name_w = disp_width(m->names[t]);
	idx_w = u64_width(K - 1);
	by_index = name_w + K * ((name_w > cell_w ? name_w : cell_w) + 1) > CM_MAX_WIDTH;
	if (by_index) {
		if (idx_w > cell_w)
			cell_w = idx_w;
		if (cell_w < 3)
			cell_w = 3;
		name_w += idx_w + 1;
	} else if (name_w > cell_w) {
		cell_w = name_w;
	}
	pml_buf_addstr(b, "confusion matrix (rows: true class, columns: predicted class)\n");
	add_name(b, "", name_w, 1);
	for (p = 0; p < K; p++) {
		pml_buf_addch(b, ' ');
		if (by_index)
			pml_buf_addf(b, "%*zu", (int)cell_w, p);
		else
			add_name(b, m->names[p], cell_w, 0);
	}
	pml_buf_addch(b, '\n');
	for (t = 0; t < K; t++) {
		if (by_index) {
			struct pml_buf nb = PML_BUF_INIT;
			pml_buf_addf(&nb, "%*zu %s", (int)idx_w, t, m->names[t]);
			add_name(b, nb.buf, name_w, 1);
			pml_buf_release(&nb);
		} else {
			add_name(b, m->names[t], name_w, 1);
		}
		for (p = 0; p < K; p++)
			pml_buf_addf(b, " %*llu", (int)cell_w, (unsigned long long)m->confusion[t * K + p]);
		pml_buf_addch(b, '\n');
	}
}

static void
text_gates(const struct pml_gates *g, struct pml_buf *b)
{
	size_t i;

	if (!g || !g->n)
		return;
	pml_buf_addstr(b, "\ngates\n");
	for (i = 0; i < g->n; i++) {
		const struct pml_gate *gt = &g->v[i];
		pml_buf_addf(b, "  %s: %s %s %.6g: %.6g", gt->pass ? "pass" : "FAIL", gate_kind_name(gt->kind),
			     gt->metric, gt->value, gt->actual);
		if (gt->kind == PML_GATE_MAX_DROP)
			pml_buf_addf(b, " (baseline %.6g)", gt->baseline);
		pml_buf_addch(b, '\n');
	}
}

static void
text_notes(const struct pml_metrics *m, struct pml_buf *b)
{
	size_t i;

	if (!m->n_notes)
		return;
	pml_buf_addstr(b, "\nnotes\n");
	for (i = 0; i < m->n_notes; i++) {
		pml_buf_addstr(b, "  ");
		add_name(b, m->notes[i], 0, 1);
		pml_buf_addch(b, '\n');
	}
}

void
pml_metrics_text(const struct pml_metrics *m, const struct pml_gates *gates, struct pml_buf *b)
{
	size_t w = strlen("weighted avg"), c;

	if (m->task == PML_METRICS_REGRESSION) {
		pml_buf_addf(b, "records  %llu\n", (unsigned long long)m->n);
		pml_buf_addf(b, "mse      %.6g\n", m->mse);
		pml_buf_addf(b, "rmse     %.6g\n", m->rmse);
		pml_buf_addf(b, "mae      %.6g\n", m->mae);
		pml_buf_addf(b, "r2       %.6g\n", m->r2);
		text_notes(m, b);
		text_gates(gates, b);
		return;
	}
	for (c = 0; c < m->n_class; c++)
		if (disp_width(m->names[c]) > w)
			w = disp_width(m->names[c]);
	add_name(b, "", w, 0);
	pml_buf_addf(b, "  %9s %9s %9s %9s\n\n", "precision", "recall", "f1-score", "support");
	for (c = 0; c < m->n_class; c++)
		text_row(b, m->names[c], w, &m->per_class[c], m->per_class[c].support);
	pml_buf_addch(b, '\n');
	add_name(b, "accuracy", w, 0);
	pml_buf_addf(b, "  %9s %9s %9.*f %9llu\n", "", "", REPORT_DIGITS, m->accuracy,
		     (unsigned long long)m->n);
	text_row(b, "macro avg", w, &m->macro, m->n);
	text_row(b, "weighted avg", w, &m->weighted, m->n);
	pml_buf_addch(b, '\n');
	if (m->with_proba)
		pml_buf_addf(b, "log-loss        %.*f\n", REPORT_DIGITS, m->log_loss);
	if (m->top_k)
		pml_buf_addf(b, "top-%zu accuracy  %.*f\n", m->top_k, REPORT_DIGITS, m->top_k_accuracy);
	if (m->with_proba || m->top_k)
		pml_buf_addch(b, '\n');
	text_confusion(m, b);
	text_notes(m, b);
	text_gates(gates, b);
}

/* ---- JSON ---- */

static void
json_key(struct pml_buf *b, const char *k)
{
	pml_buf_add_json_str(b, k, strlen(k));
	pml_buf_addch(b, ':');
}

static void
json_u64(struct pml_buf *b, uint64_t v)
{
	pml_buf_addf(b, "%llu", (unsigned long long)v);
}

static void
json_stats(struct pml_buf *b, const struct pml_class_stats *s, uint64_t support)
{
	json_key(b, "precision");
	pml_buf_add_json_num(b, s->precision);
	pml_buf_addch(b, ',');
	json_key(b, "recall");
	pml_buf_add_json_num(b, s->recall);
	pml_buf_addch(b, ',');
	json_key(b, "f1");
	pml_buf_add_json_num(b, s->f1);
	pml_buf_addch(b, ',');
	json_key(b, "support");
	json_u64(b, support);
}

static void
json_tail(const struct pml_metrics *m, const struct pml_gates *g, struct pml_buf *b)
{
	size_t i;

	json_key(b, "notes");
	pml_buf_addch(b, '[');
	for (i = 0; i < m->n_notes; i++) {
		if (i)
			pml_buf_addch(b, ',');
		pml_buf_add_json_str(b, m->notes[i], strlen(m->notes[i]));
	}
	pml_buf_addstr(b, "],");
	json_key(b, "gates");
	pml_buf_addch(b, '[');
	for (i = 0; g && i < g->n; i++) {
		const struct pml_gate *gt = &g->v[i];
		if (i)
			pml_buf_addch(b, ',');
		pml_buf_addch(b, '{');
		json_key(b, "metric");
		pml_buf_add_json_str(b, gt->metric, strlen(gt->metric));
		pml_buf_addch(b, ',');
		json_key(b, "kind");
		pml_buf_add_json_str(b, gate_kind_name(gt->kind), strlen(gate_kind_name(gt->kind)));
		pml_buf_addch(b, ',');
		json_key(b, "limit");
		pml_buf_add_json_num(b, gt->value);
		pml_buf_addch(b, ',');
		json_key(b, "value");
		pml_buf_add_json_num(b, gt->actual);
		pml_buf_addch(b, ',');
		json_key(b, "baseline");
		pml_buf_add_json_num(b, gt->kind == PML_GATE_MAX_DROP ? gt->baseline : NAN);
		pml_buf_addch(b, ',');
		json_key(b, "pass");
		pml_buf_addstr(b, gt->pass ? "true" : "false");
		pml_buf_addch(b, '}');
	}
	pml_buf_addstr(b, "]}\n");
}

void
pml_metrics_json(const struct pml_metrics *m, const struct pml_gates *gates, struct pml_buf *b)
{
	size_t K = m->n_class, c, p;

	pml_buf_addch(b, '{');
	json_key(b, "task");
	if (m->task == PML_METRICS_REGRESSION) {
		pml_buf_addstr(b, "\"regression\",");
		json_key(b, "records");
		json_u64(b, m->n);
		pml_buf_addch(b, ',');
		json_key(b, "mse");
		pml_buf_add_json_num(b, m->mse);
		pml_buf_addch(b, ',');
		json_key(b, "rmse");
		pml_buf_add_json_num(b, m->rmse);
		pml_buf_addch(b, ',');
		json_key(b, "mae");
		pml_buf_add_json_num(b, m->mae);
		pml_buf_addch(b, ',');
		json_key(b, "r2");
		pml_buf_add_json_num(b, m->r2);
		pml_buf_addch(b, ',');
		json_tail(m, gates, b);
		return;
	}
	pml_buf_addstr(b, "\"classification\",");
	json_key(b, "records");
	json_u64(b, m->n);
	pml_buf_addch(b, ',');
	json_key(b, "classes");
	pml_buf_addch(b, '[');
	for (c = 0; c < K; c++) {
		if (c)
			pml_buf_addch(b, ',');
		pml_buf_add_json_str(b, m->names[c], strlen(m->names[c]));
	}
	pml_buf_addstr(b, "],");
	json_key(b, "accuracy");
	pml_buf_add_json_num(b, m->accuracy);
	pml_buf_addch(b, ',');
	json_key(b, "log_loss");
	pml_buf_add_json_num(b, m->with_proba ? m->log_loss : NAN);
	pml_buf_addch(b, ',');
	json_key(b, "top_k");
	if (m->top_k)
		pml_buf_addf(b, "%zu", m->top_k);
	else
		pml_buf_addstr(b, "null");
	pml_buf_addch(b, ',');
	json_key(b, "top_k_accuracy");
	pml_buf_add_json_num(b, m->top_k ? m->top_k_accuracy : NAN);
	pml_buf_addch(b, ',');
	json_key(b, "per_class");
	pml_buf_addch(b, '[');
	for (c = 0; c < K; c++) {
		if (c)
			pml_buf_addch(b, ',');
		pml_buf_addch(b, '{');
		json_key(b, "class");
		pml_buf_add_json_str(b, m->names[c], strlen(m->names[c]));
		pml_buf_addch(b, ',');
		json_stats(b, &m->per_class[c], m->per_class[c].support);
		pml_buf_addch(b, ',');
		json_key(b, "predicted");
		json_u64(b, m->per_class[c].predicted);
		pml_buf_addch(b, '}');
	}
	pml_buf_addstr(b, "],");
	json_key(b, "macro_avg");
	pml_buf_addch(b, '{');
	json_stats(b, &m->macro, m->n);
	pml_buf_addstr(b, "},");
	json_key(b, "weighted_avg");
	pml_buf_addch(b, '{');
	json_stats(b, &m->weighted, m->n);
	pml_buf_addstr(b, "},");
	json_key(b, "confusion_matrix");
	pml_buf_addch(b, '[');
	for (c = 0; c < K; c++) {
		if (c)
			pml_buf_addch(b, ',');
		pml_buf_addch(b, '[');
		for (p = 0; p < K; p++) {
			if (p)
				pml_buf_addch(b, ',');
			json_u64(b, m->confusion[c * K + p]);
		}
		pml_buf_addch(b, ']');
	}
	pml_buf_addstr(b, "],");
	json_tail(m, gates, b);
}
