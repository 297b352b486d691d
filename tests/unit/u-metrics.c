/*
 * u-metrics.c: metrics against confusion matrices and sums computed by hand.
 * "u-metrics --fixtures DIR" writes hand-made models and streams into DIR
 * instead, for the pml-eval tests (tests/cli/t35*-eval-*.sh).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/metrics.h"
#include "pml/model.h"
#include "pml/nn.h"
#include "pml/stream.h"
#include "t.h"

#define EPS 1e-12

static int
has_note(const struct pml_metrics *m, const char *want)
{
	size_t i;

	for (i = 0; i < m->n_notes; i++)
		if (!strcmp(m->notes[i], want))
			return 1;
	return 0;
}

static double
get(const struct pml_metrics *m, const char *name)
{
	double v = -1;

	if (pml_metrics_get(m, name, &v) < 0)
		return NAN;
	return v;
}

/* 4 classes; fish never predicted, bird neither true nor predicted. */
static void
build_pets(struct pml_metrics *m)
{
	static const char *names[] = { "cat", "dog", "fish", "bird" };
	static const int rec[][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 1 }, { 1, 1 },
				      { 1, 1 }, { 1, 0 }, { 2, 0 }, { 2, 1 } };
	size_t i;

	pml_metrics_init_class(m, 4, names, 0, 0);
	for (i = 0; i < sizeof(rec) / sizeof(rec[0]); i++)
		pml_metrics_add_class(m, (size_t)rec[i][0], (size_t)rec[i][1], NULL);
	pml_metrics_finish(m);
}

static void
test_pets(void)
{
	struct pml_metrics m;
	static const uint64_t cm[16] = { 3, 1, 0, 0, 1, 2, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0 };
	size_t i;
	int same = 1;

	build_pets(&m);
	for (i = 0; i < 16; i++)
		if (m.confusion[i] != cm[i])
			same = 0;
	T_OK(same, "pets: confusion matrix as counted by hand");
	T_EQ_INT(m.n, 9, "pets: records");
	T_NEAR(m.accuracy, 5.0 / 9, EPS, "pets: accuracy 5/9");
	T_NEAR(m.per_class[0].precision, 0.6, EPS, "pets: precision cat 3/5");
	T_NEAR(m.per_class[1].precision, 0.5, EPS, "pets: precision dog 2/4");
	T_NEAR(m.per_class[2].precision, 0, 0, "pets: precision fish (never predicted) 0");
	T_NEAR(m.per_class[3].precision, 0, 0, "pets: precision bird 0");
	T_NEAR(m.per_class[0].recall, 0.75, EPS, "pets: recall cat 3/4");
	T_NEAR(m.per_class[1].recall, 2.0 / 3, EPS, "pets: recall dog 2/3");
	T_NEAR(m.per_class[2].recall, 0, 0, "pets: recall fish 0/2");
	T_NEAR(m.per_class[3].recall, 0, 0, "pets: recall bird (no true records) 0");
	T_NEAR(m.per_class[0].f1, 2.0 / 3, EPS, "pets: f1 cat 6/9");
	T_NEAR(m.per_class[1].f1, 4.0 / 7, EPS, "pets: f1 dog 4/7");
	T_NEAR(m.per_class[3].f1, 0, 0, "pets: f1 bird 0, not NaN");
	T_EQ_INT(m.per_class[2].support, 2, "pets: support fish");
	T_EQ_INT(m.per_class[3].support, 0, "pets: support bird");
	T_EQ_INT(m.per_class[0].predicted, 5, "pets: predicted cat");
	T_NEAR(m.macro.precision, 1.1 / 4, EPS, "pets: macro precision over all 4 classes");
	T_NEAR(m.macro.recall, (0.75 + 2.0 / 3) / 4, EPS, "pets: macro recall");
	T_NEAR(get(&m, "macro_f1"), 26.0 / 84, EPS, "pets: macro f1 26/84");
	T_NEAR(get(&m, "weighted_precision"), 3.9 / 9, EPS, "pets: weighted precision");
	T_NEAR(get(&m, "weighted_recall"), 5.0 / 9, EPS, "pets: weighted recall = accuracy");
	T_NEAR(get(&m, "weighted_f1"), 92.0 / 189, EPS, "pets: weighted f1 92/189");
	T_NEAR(get(&m, "recall:cat"), 0.75, EPS, "pets: metric recall:cat");
	T_NEAR(get(&m, "f1:dog"), 4.0 / 7, EPS, "pets: metric f1:dog");
	T_OK(isnan(get(&m, "f1:horse")), "pets: unknown class name not a metric");
	T_OK(isnan(get(&m, "log_loss")), "pets: no log_loss without probabilities");
	T_OK(isnan(get(&m, "mse")), "pets: mse does not apply");
	T_OK(has_note(&m, "precision is 0 for classes never predicted: fish, bird"),
	     "pets: note lists classes never predicted");
	T_OK(has_note(&m, "recall is 0 for classes with no true records: bird"),
	     "pets: note lists classes without true records");
	T_EQ_INT(m.n_notes, 2, "pets: two notes");
	pml_metrics_finish(&m);
	T_EQ_INT(m.n_notes, 2, "pets: finish twice keeps two notes");
	pml_metrics_release(&m);
}

static void
test_edge(void)
{
	struct pml_metrics m;
	static const char *one[] = { "only" };
	size_t i;
	int ok;

	/* empty input */
	pml_metrics_init_class(&m, 3, NULL, 1, 2);
	pml_metrics_finish(&m);
	T_OK(m.accuracy == 0 && m.macro.f1 == 0 && m.weighted.f1 == 0 && m.log_loss == 0 &&
	     m.top_k_accuracy == 0, "empty: every metric 0");
	T_OK(has_note(&m, "no records: every metric is 0") && m.n_notes == 1, "empty: one note");
	T_EQ_STR(m.names[2], "2", "empty: default class names");
	pml_metrics_release(&m);

	/* one class only */
	pml_metrics_init_class(&m, 1, one, 0, 0);
	for (i = 0; i < 5; i++)
		pml_metrics_add_class(&m, 0, 0, NULL);
	pml_metrics_finish(&m);
	T_OK(m.accuracy == 1 && m.macro.precision == 1 && m.macro.recall == 1 && m.macro.f1 == 1 &&
	     m.weighted.f1 == 1 && m.n_notes == 0, "one class: all 1, no note");
	pml_metrics_release(&m);

	/* perfect predictions */
	pml_metrics_init_class(&m, 3, NULL, 0, 0);
	for (i = 0; i < 30; i++)
		pml_metrics_add_class(&m, i % 3, i % 3, NULL);
	pml_metrics_finish(&m);
	ok = m.accuracy == 1 && m.n_notes == 0;
	for (i = 0; i < 3; i++)
		ok = ok && m.per_class[i].precision == 1 && m.per_class[i].recall == 1 &&
		     m.per_class[i].f1 == 1 && m.per_class[i].support == 10;
	T_OK(ok, "perfect: every figure 1");
	T_NEAR(m.macro.f1, 1, 0, "perfect: macro f1 exactly 1");

	/* bad indices */
	pml_err_capture(1);
	T_EQ_INT(pml_metrics_add_class(&m, 3, 0, NULL), -1, "true class out of range refused");
	T_EQ_STR(pml_err_last(), "true class index 3 outside the 3 known classes", "its message");
	T_EQ_INT(pml_metrics_add_class(&m, 0, 7, NULL), -1, "predicted class out of range refused");
	T_EQ_INT(pml_metrics_add_value(&m, 1, 1), -1, "value added to a classification refused");
	pml_err_capture(0);
	pml_metrics_finish(&m);
	T_EQ_INT(m.n, 30, "refused records are not counted");
	pml_metrics_release(&m);

	/* init errors */
	pml_err_capture(1);
	T_EQ_INT(pml_metrics_init_class(&m, 0, NULL, 0, 0), -1, "zero classes refused");
	pml_metrics_release(&m);
	T_EQ_INT(pml_metrics_init_class(&m, 3, NULL, 1, 4), -1, "top-k above the class count refused");
	T_EQ_STR(pml_err_last(), "top-k 4 is more than the 3 classes", "its message");
	pml_metrics_release(&m);
	T_EQ_INT(pml_metrics_init_class(&m, 3, NULL, 0, 2), -1, "top-k without probabilities refused");
	pml_metrics_release(&m);
	pml_err_capture(0);
}

static void
test_proba(void)
{
	struct pml_metrics m, m2;
	static const double p[][3] = { { 0.7, 0.2, 0.1 }, { 0.5, 0.3, 0.2 }, { 0, 0, 1 }, { 0, 1, 0 },
				       { 0.4, 0.4, 0.2 } };
	static const size_t truth[] = { 0, 1, 2, 0, 1 };
	static const float pf[3] = { 0.25f, 0.5f, 0.25f };
	static const float bad[3] = { NAN, 0.5f, 0.5f };
	static const float neg[3] = { -0.5f, 0.5f, 1.0f };
	double want;
	size_t i;

	pml_metrics_init_class(&m, 3, NULL, 1, 2);
	pml_metrics_init_class(&m2, 3, NULL, 1, 1);
	for (i = 0; i < 5; i++) {
		float f[3] = { (float)p[i][0], (float)p[i][1], (float)p[i][2] };
		size_t pred = pml_metrics_argmax(f, 3);
		pml_metrics_add_class_d(&m, truth[i], pred, p[i]);
		pml_metrics_add_class_d(&m2, truth[i], pred, p[i]);
	}
	pml_metrics_finish(&m);
	pml_metrics_finish(&m2);
	want = (-log(0.7) - log(0.3) - log(1 - 1e-15) - log(1e-15) - log(0.4)) / 5;
	T_NEAR(m.log_loss, want, 1e-12, "log-loss of known probabilities, clipped at 1e-15");
	T_NEAR(-log(1e-15), 34.538776394910684, 1e-9, "clip value ln(1e-15)");
	/* top-2: ranks 0, 1, 0, 1 (tie 0 = p[2], lower index first), 1 (tie with class 0) */
	T_NEAR(m.top_k_accuracy, 1.0, 0, "top-2 accuracy with ties broken by lower index");
	T_NEAR(m2.top_k_accuracy, 2.0 / 5, EPS, "top-1 accuracy");
	T_NEAR(m2.top_k_accuracy, m2.accuracy, 0, "top-1 accuracy equals accuracy of the argmax");
	T_NEAR(get(&m, "top_k_accuracy"), 1.0, 0, "metric top_k_accuracy");
	T_OK(!isnan(get(&m, "log_loss")), "metric log_loss available");

	/* rows of network output */
	pml_metrics_release(&m);
	pml_metrics_init_class(&m, 3, NULL, 1, 0);
	T_EQ_INT(pml_metrics_add_output(&m, 1, pf, 3), 0, "output row added");
	pml_err_capture(1);
	T_EQ_INT(pml_metrics_add_output(&m, 3, pf, 3), -1, "label 3 of 3 classes refused");
	T_EQ_STR(pml_err_last(), "label 3 outside the 3 classes", "its message");
	T_EQ_INT(pml_metrics_add_output(&m, 0.5, pf, 3), -1, "fractional label refused");
	T_EQ_INT(pml_metrics_add_output(&m, -1, pf, 3), -1, "negative label refused");
	T_EQ_INT(pml_metrics_add_output(&m, NAN, pf, 3), -1, "NaN label refused");
	T_EQ_INT(pml_metrics_add_output(&m, 1, pf, 2), -1, "wrong output width refused");
	pml_err_capture(0);
	pml_metrics_finish(&m);
	T_OK(m.n == 1 && m.confusion[1 * 3 + 1] == 1, "output row: argmax is the prediction");
	pml_metrics_release(&m);
	pml_metrics_init_regression(&m);
	T_EQ_INT(pml_metrics_add_output(&m, 2, pf, 1), 0, "regression output row");
	pml_metrics_finish(&m);
	T_NEAR(m.mae, 1.75, EPS, "regression output: first value is the prediction");
	pml_metrics_release(&m2);
	pml_err_capture(1);
	T_EQ_INT(pml_metrics_init_class(&m2, PML_METRICS_MAX_CLASSES + 1, NULL, 0, 0), -1,
		 "too many classes refused before allocating");
	pml_err_capture(0);
	pml_metrics_release(&m2);
	pml_metrics_init_class(&m2, 3, NULL, 1, 1);

	/* float interface and refusals */
	pml_metrics_release(&m);
	pml_metrics_init_class(&m, 3, NULL, 1, 0);
	T_EQ_INT(pml_metrics_add_class(&m, 1, pml_metrics_argmax(pf, 3), pf), 0, "float probabilities");
	pml_err_capture(1);
	T_EQ_INT(pml_metrics_add_class(&m, 1, 1, bad), -1, "NaN probability refused");
	T_EQ_INT(pml_metrics_add_class(&m, 1, 1, neg), -1, "negative probability refused");
	T_EQ_INT(pml_metrics_add_class(&m, 1, 1, NULL), -1, "missing probabilities refused");
	pml_err_capture(0);
	pml_metrics_finish(&m);
	T_EQ_INT(m.n, 1, "only the good record counted");
	T_NEAR(m.log_loss, -log(0.5), EPS, "float log-loss");
	T_EQ_INT(pml_metrics_argmax(bad, 3), 1, "argmax skips NaN, lowest index on ties");
	pml_metrics_release(&m);
	pml_metrics_release(&m2);
}

static void
test_regression(void)
{
	struct pml_metrics m;
	static const double y[] = { 1, 2, 3, 4 }, yh[] = { 1.5, 2, 2, 5 };
	size_t i;

	pml_metrics_init_regression(&m);
	for (i = 0; i < 4; i++)
		pml_metrics_add_value(&m, y[i], yh[i]);
	pml_metrics_finish(&m);
	T_NEAR(m.mse, 0.5625, EPS, "mse 2.25/4");
	T_NEAR(m.rmse, 0.75, EPS, "rmse");
	T_NEAR(m.mae, 0.625, EPS, "mae 2.5/4");
	T_NEAR(m.r2, 0.55, EPS, "r2 1 - 2.25/5");
	T_NEAR(get(&m, "r2"), 0.55, EPS, "metric r2");
	T_OK(isnan(get(&m, "accuracy")), "accuracy does not apply to a regression");
	T_EQ_INT(m.n_notes, 0, "no note");
	pml_err_capture(1);
	T_EQ_INT(pml_metrics_add_value(&m, NAN, 1), -1, "NaN target refused");
	T_EQ_INT(pml_metrics_add_value(&m, 1, INFINITY), -1, "infinite prediction refused");
	pml_err_capture(0);
	pml_metrics_release(&m);

	pml_metrics_init_regression(&m);
	pml_metrics_add_value(&m, 3, 3);
	pml_metrics_add_value(&m, 3, 3);
	pml_metrics_finish(&m);
	T_NEAR(m.r2, 1, 0, "constant target, perfect: r2 1");
	T_EQ_INT(m.n_notes, 1, "constant target: a note");
	pml_metrics_add_value(&m, 3, 4);
	pml_metrics_finish(&m);
	T_NEAR(m.r2, 0, 0, "constant target, imperfect: r2 0");
	T_NEAR(m.mse, 1.0 / 3, EPS, "constant target: mse");
	pml_metrics_release(&m);

	pml_metrics_init_regression(&m);
	pml_metrics_finish(&m);
	T_OK(m.mse == 0 && m.rmse == 0 && m.mae == 0 && m.r2 == 0, "empty regression: all 0");
	T_OK(has_note(&m, "no records: every metric is 0"), "empty regression: note");
	pml_metrics_release(&m);

	/* Welford keeps SS_tot exact for a large offset */
	pml_metrics_init_regression(&m);
	for (i = 0; i < 4; i++)
		pml_metrics_add_value(&m, 1e9 + y[i], 1e9 + yh[i]);
	pml_metrics_finish(&m);
	T_NEAR(m.r2, 0.55, 1e-9, "r2 with a large offset");
	pml_metrics_release(&m);
}

static void
test_gates(void)
{
	struct pml_gates g = PML_GATES_INIT;
	struct pml_metrics m, base;
	struct pml_buf why = PML_BUF_INIT;
	static const char *names[] = { "a", "b" };
	size_t i;

	pml_err_capture(1);
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MIN, "accuracy=0.5"), 0, "parse --min accuracy=0.5");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MIN, "macro_f1=0.65"), 0, "parse --min macro_f1=0.65");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MAX, "records=100"), 0, "parse --max records=100");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MIN, "recall:a=0.75"), 0, "parse per-class metric");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MIN, "accuracy"), -1, "no '=' refused");
	T_EQ_STR(pml_err_last(), "--min 'accuracy': expected METRIC=VALUE", "its message");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MIN, "=0.5"), -1, "empty metric refused");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MAX, "speed=3"), -1, "unknown metric refused");
	T_OK(strstr(pml_err_last(), "unknown metric 'speed'") != NULL, "its message names the metric");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MIN, "accuracy=high"), -1, "non-number refused");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MIN, "accuracy=nan"), -1, "NaN refused");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MIN, "accuracy="), -1, "empty value refused");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MAX_DROP, "accuracy=-0.1"), -1, "negative drop refused");
	T_EQ_INT(pml_gates_parse(&g, PML_GATE_MIN, "f1:=0.5"), -1, "per-class metric without class refused");
	pml_err_capture(0);
	T_EQ_INT(g.n, 4, "four gates kept");
	T_EQ_INT(pml_gates_need_baseline(&g), 0, "no baseline needed yet");

	/* a: 3 of 4 right, b: 1 of 2 right */
	pml_metrics_init_class(&m, 2, names, 0, 0);
	pml_metrics_add_class(&m, 0, 0, NULL);
	pml_metrics_add_class(&m, 0, 0, NULL);
	pml_metrics_add_class(&m, 0, 0, NULL);
	pml_metrics_add_class(&m, 0, 1, NULL);
	pml_metrics_add_class(&m, 1, 1, NULL);
	pml_metrics_add_class(&m, 1, 0, NULL);
	pml_metrics_finish(&m);
	T_EQ_INT(pml_gates_check(&g, &m), 0, "gates apply");
	T_EQ_INT(pml_gates_eval(&g, &m, NULL, &why), 1, "one gate fails: macro_f1 0.625 < 0.65");
	T_EQ_STR(why.buf, "macro_f1 0.625 is below the minimum 0.65\n", "reason line");
	T_OK(g.v[0].pass && !g.v[1].pass && g.v[2].pass && g.v[3].pass, "pass flags");
	T_NEAR(g.v[1].actual, 0.625, EPS, "actual value kept");

	/* baseline: 9 of 10 right vs 22 of 25 */
	pml_gates_release(&g);
	pml_buf_reset(&why);
	pml_metrics_release(&m);
	pml_metrics_init_class(&m, 2, names, 0, 0);
	pml_metrics_init_class(&base, 2, names, 0, 0);
	for (i = 0; i < 10; i++)
		pml_metrics_add_class(&base, i % 2, i == 0 ? 1 - i % 2 : i % 2, NULL);
	for (i = 0; i < 25; i++)
		pml_metrics_add_class(&m, i % 2, i < 3 ? 1 - i % 2 : i % 2, NULL);
	pml_metrics_finish(&m);
	pml_metrics_finish(&base);
	T_NEAR(base.accuracy, 0.9, 0, "baseline accuracy 0.9");
	T_NEAR(m.accuracy, 0.88, 0, "model accuracy 0.88");
	pml_gates_parse(&g, PML_GATE_MAX_DROP, "accuracy=0.02");
	pml_gates_parse(&g, PML_GATE_MAX_DROP, "weighted_recall=0.019");
	T_EQ_INT(pml_gates_need_baseline(&g), 1, "baseline needed");
	T_EQ_INT(pml_gates_eval(&g, &m, &base, &why), 1, "drop 0.02 allowed (rounding), 0.019 not");
	T_EQ_STR(why.buf, "weighted_recall is 0.88 against the baseline's 0.9: worse by 0.02, more than "
		 "the allowed 0.019\n", "drop reason");
	T_NEAR(g.v[0].baseline, 0.9, 0, "baseline value kept");
	pml_err_capture(1);
	T_EQ_INT(pml_gates_eval(&g, &m, NULL, NULL), -1, "drop gate without baseline is an error");
	pml_err_capture(0);
	pml_gates_release(&g);

	/* lower is better: log_loss, mse */
	T_OK(pml_metrics_higher_better("accuracy") && pml_metrics_higher_better("r2") &&
	     !pml_metrics_higher_better("log_loss") && !pml_metrics_higher_better("mse"), "directions");
	pml_gates_parse(&g, PML_GATE_MAX, "log_loss=1");
	pml_err_capture(1);
	T_EQ_INT(pml_gates_check(&g, &m), -1, "log_loss gate without probabilities refused");
	T_EQ_STR(pml_err_last(), "--max log_loss: metric does not apply: there are no class probabilities",
		 "its message");
	pml_gates_release(&g);
	pml_gates_parse(&g, PML_GATE_MIN, "r2=0.5");
	T_EQ_INT(pml_gates_check(&g, &m), -1, "regression gate on a classification refused");
	pml_gates_release(&g);
	pml_gates_parse(&g, PML_GATE_MIN, "recall:zebra=0.5");
	T_EQ_INT(pml_gates_check(&g, &m), -1, "gate on an unknown class refused");
	pml_err_capture(0);
	pml_gates_release(&g);
	pml_metrics_release(&base);
	pml_metrics_release(&m);

	/* regression: mse grows from 1 to 2.5: max-drop mse=1.4 fails, 1.5 passes */
	pml_metrics_init_regression(&m);
	pml_metrics_init_regression(&base);
	pml_metrics_add_value(&base, 0, 1);
	pml_metrics_add_value(&base, 2, 1);
	pml_metrics_add_value(&m, 0, 1);
	pml_metrics_add_value(&m, 2, 0);
	pml_metrics_finish(&m);
	pml_metrics_finish(&base);
	pml_gates_parse(&g, PML_GATE_MAX_DROP, "mse=1.4");
	pml_gates_parse(&g, PML_GATE_MAX_DROP, "mse=1.5");
	pml_gates_parse(&g, PML_GATE_MAX, "rmse=1.6");
	T_EQ_INT(pml_gates_check(&g, &m), 0, "regression gates apply");
	T_EQ_INT(pml_gates_eval(&g, &m, &base, NULL), 1, "mse worse by 1.5: one gate fails");
	T_OK(!g.v[0].pass && g.v[1].pass && g.v[2].pass, "pass flags for lower-is-better");
	pml_gates_release(&g);
	pml_metrics_release(&base);
	pml_metrics_release(&m);
	pml_buf_release(&why);
}

static const char pets_text[] =
	"              precision    recall  f1-score   support\n"
	"\n"
	"         cat     0.6000    0.7500    0.6667         4\n"
	"         dog     0.5000    0.6667    0.5714         3\n"
	"        fish     0.0000    0.0000    0.0000         2\n"
	"        bird     0.0000    0.0000    0.0000         0\n"
	"\n"
	"    accuracy                         0.5556         9\n"
	"   macro avg     0.2750    0.3542    0.3095         9\n"
	"weighted avg     0.4333    0.5556    0.4868         9\n"
	"\n"
	"confusion matrix (rows: true class, columns: predicted class)\n"
	"      cat  dog fish bird\n"
	"cat     3    1    0    0\n"
	"dog     1    2    0    0\n"
	"fish    1    1    0    0\n"
	"bird    0    0    0    0\n"
	"\n"
	"notes\n"
	"  precision is 0 for classes never predicted: fish, bird\n"
	"  recall is 0 for classes with no true records: bird\n"
	"\n"
	"gates\n"
	"  pass: min accuracy 0.5: 0.555556\n"
	"  FAIL: max records 8: 9\n";

static const char pets_json[] =
	"{\"task\":\"classification\",\"records\":9,\"classes\":[\"cat\",\"dog\",\"fish\",\"bird\"],"
	"\"accuracy\":0.5555555555555556,\"log_loss\":null,\"top_k\":null,\"top_k_accuracy\":null,"
	"\"per_class\":[{\"class\":\"cat\",\"precision\":0.6,\"recall\":0.75,\"f1\":0.6666666666666666,"
	"\"support\":4,\"predicted\":5},{\"class\":\"dog\",\"precision\":0.5,\"recall\":0.6666666666666666,"
	"\"f1\":0.5714285714285714,\"support\":3,\"predicted\":4},{\"class\":\"fish\",\"precision\":0,"
	"\"recall\":0,\"f1\":0,\"support\":2,\"predicted\":0},{\"class\":\"bird\",\"precision\":0,"
	"\"recall\":0,\"f1\":0,\"support\":0,\"predicted\":0}],"
	"\"macro_avg\":{\"precision\":0.275,\"recall\":0.35416666666666663,\"f1\":0.30952380952380953,"
	"\"support\":9},\"weighted_avg\":{\"precision\":0.43333333333333335,"
	"\"recall\":0.5555555555555556,\"f1\":0.48677248677248675,\"support\":9},"
	"\"confusion_matrix\":[[3,1,0,0],[1,2,0,0],[1,1,0,0],[0,0,0,0]],"
	"\"notes\":[\"precision is 0 for classes never predicted: fish, bird\","
	"\"recall is 0 for classes with no true records: bird\"],"
	"\"gates\":[{\"metric\":\"accuracy\",\"kind\":\"min\",\"limit\":0.5,\"value\":0.5555555555555556,"
	"\"baseline\":null,\"pass\":true},{\"metric\":\"records\",\"kind\":\"max\",\"limit\":8,\"value\":9,"
	"\"baseline\":null,\"pass\":false}]}\n";

static void
test_render(void)
{
	struct pml_metrics m;
	struct pml_gates g = PML_GATES_INIT;
	struct pml_buf b = PML_BUF_INIT;
	static const char *long_names[] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
					    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
	size_t i;

	build_pets(&m);
	pml_gates_parse(&g, PML_GATE_MIN, "accuracy=0.5");
	pml_gates_parse(&g, PML_GATE_MAX, "records=8");
	T_EQ_INT(pml_gates_eval(&g, &m, NULL, NULL), 1, "render: one gate fails");
	pml_metrics_text(&m, &g, &b);
	T_EQ_STR(b.buf, pets_text, "text report, exact");
	pml_buf_reset(&b);
	pml_metrics_json(&m, &g, &b);
	T_EQ_STR(b.buf, pets_json, "JSON report, exact");
	pml_gates_release(&g);
	pml_metrics_release(&m);

	/* ten long names: columns headed by index */
	pml_metrics_init_class(&m, 10, long_names, 1, 3);
	for (i = 0; i < 20; i++) {
		float p[10] = { 0 };
		p[(i * 7) % 10] = 1;
		pml_metrics_add_class(&m, i % 10, (i * 7) % 10, p);
	}
	pml_metrics_finish(&m);
	pml_buf_reset(&b);
	pml_metrics_text(&m, NULL, &b);
	T_OK(strstr(b.buf, "\n                0   1   2   3   4   5   6   7   8   9\n") != NULL,
	     "wide names: columns headed by index");
	T_OK(strstr(b.buf, "\n0 T-shirt/top   2   0   0   0   0   0   0   0   0   0\n") != NULL,
	     "wide names: rows carry index and name");
	T_OK(strstr(b.buf, "\nlog-loss        ") != NULL && strstr(b.buf, "\ntop-3 accuracy  ") != NULL,
	     "log-loss and top-k lines");
	pml_buf_reset(&b);
	pml_metrics_json(&m, NULL, &b);
	T_OK(strstr(b.buf, "\"top_k\":3,") != NULL && strstr(b.buf, "\"gates\":[]}\n") != NULL,
	     "JSON top_k and empty gates");
	pml_metrics_release(&m);

	/* regression report */
	pml_metrics_init_regression(&m);
	pml_metrics_add_value(&m, 1, 2);
	pml_metrics_add_value(&m, 3, 3);
	pml_metrics_finish(&m);
	pml_buf_reset(&b);
	pml_metrics_text(&m, NULL, &b);
	T_EQ_STR(b.buf, "records  2\nmse      0.5\nrmse     0.707107\nmae      0.5\nr2       0.5\n",
		 "regression text report");
	pml_buf_reset(&b);
	pml_metrics_json(&m, NULL, &b);
	T_EQ_STR(b.buf, "{\"task\":\"regression\",\"records\":2,\"mse\":0.5,\"rmse\":0.7071067811865476,"
		 "\"mae\":0.5,\"r2\":0.5,\"notes\":[],\"gates\":[]}\n", "regression JSON");
	pml_metrics_release(&m);

	/* control characters in a name */
	{
		static const char *odd[] = { "a\tb", "q\"x" };
		pml_metrics_init_class(&m, 2, odd, 0, 0);
		pml_metrics_add_class(&m, 0, 1, NULL);
		pml_metrics_finish(&m);
		pml_buf_reset(&b);
		pml_metrics_text(&m, NULL, &b);
		T_OK(strchr(b.buf, '\t') == NULL && strstr(b.buf, "a?b") != NULL, "text: tab shown as '?'");
		pml_buf_reset(&b);
		pml_metrics_json(&m, NULL, &b);
		T_OK(strstr(b.buf, "[\"a\\tb\",\"q\\\"x\"]") != NULL, "JSON: names escaped");
		pml_metrics_release(&m);
	}
	pml_buf_release(&b);
}

/* ---- fixtures for the pml-eval tests ---- */

/*
 * A linear softmax model over x (vec f32[2]) to the classes ant, bee, cat:
 * logits = scale * (x0, x1, -x0 - x1) + bias. Or, with n_class 0, a
 * regression y = 2 x + 1 over x (vec f32[1]).
 */
static int
fixture_model(const char *path, size_t n_class, float scale, const float *bias)
{
	static char *cls[] = { "ant", "bee", "cat" };
	struct pml_model m;
	struct pml_column *c;
	uint32_t dim[1];
	struct pml_layer *l;
	size_t j;
	int rc;

	pml_model_init(&m);
	c = pml_schema_add(&m.input, "id", PML_TYPE_STR);
	c->role = PML_ROLE_ID;
	c = pml_schema_add(&m.input, "x", PML_TYPE_VEC);
	dim[0] = n_class ? 2 : 1;
	pml_column_set_vec(c, PML_ELEM_F32, 1, dim);
	c = pml_schema_add(&m.input, "y", n_class ? PML_TYPE_INT : PML_TYPE_FLOAT);
	c->role = PML_ROLE_LABEL;
	if (n_class)
		pml_column_set_classes(c, n_class, cls);
	m.feature = pml_xstrdup("x");
	m.label = pml_xstrdup("y");
	m.n_class = n_class;
	if (n_class) {
		m.classes = pml_xcalloc(n_class, sizeof(char *));
		for (j = 0; j < n_class; j++)
			m.classes[j] = pml_xstrdup(cls[j]);
	}
	m.net = pml_net_mlp(dim[0], NULL, NULL, 0, 0, n_class ? n_class : 1,
			    n_class ? PML_LOSS_SOFTMAX_CE : PML_LOSS_MSE);
	if (!m.net)
		return -1;
	l = &m.net->layer[0];
	if (n_class) {
		/* output by output: ant = x0, bee = x1, cat = -x0 - x1 */
		static const float w[] = { 1, 0, 0, 1, -1, -1 };
		float sw[6];

		for (j = 0; j < 6; j++)
			sw[j] = scale * w[j];
		pml_dense_set_w(l, sw);
		for (j = 0; j < 3; j++)
			l->b[j] = bias[j];
	} else {
		l->w[0] = 2;
		l->b[0] = 1;
	}
	rc = pml_model_save(&m, path);
	pml_model_release(&m);
	return rc;
}

/* Records (id, x, y) of the fixture models' schema; y < -100: missing. */
static int
fixture_stream(const char *path, size_t n_class, const float *x, const double *y, size_t n)
{
	static char *cls[] = { "ant", "bee", "cat" };
	struct pml_header h;
	struct pml_column *c;
	struct pml_writer *w;
	struct pml_out out;
	uint32_t dim[1];
	size_t i, d = n_class ? 2 : 1;
	char id[16];
	int rc;

	pml_header_init(&h);
	c = pml_schema_add(&h.schema, "id", PML_TYPE_STR);
	c->role = PML_ROLE_ID;
	c = pml_schema_add(&h.schema, "x", PML_TYPE_VEC);
	dim[0] = (uint32_t)d;
	pml_column_set_vec(c, PML_ELEM_F32, 1, dim);
	c = pml_schema_add(&h.schema, "y", n_class ? PML_TYPE_INT : PML_TYPE_FLOAT);
	c->role = PML_ROLE_LABEL;
	if (n_class)
		pml_column_set_classes(c, n_class, cls);
	if (pml_out_open(&out, path) < 0)
		return -1;
	w = pml_writer_new(&out, &h);
	for (i = 0; i < n; i++) {
		struct pml_value v[3];
		unsigned char xb[8];
		size_t k;

		snprintf(id, sizeof(id), "r%zu", i + 1);
		v[0].kind = PML_STR;
		v[0].u.s.ptr = id;
		v[0].u.s.len = strlen(id);
		for (k = 0; k < d; k++) {
			float f = x[i * d + k];
			uint32_t bits;
			memcpy(&bits, &f, 4);
			xb[4 * k] = (unsigned char)bits;
			xb[4 * k + 1] = (unsigned char)(bits >> 8);
			xb[4 * k + 2] = (unsigned char)(bits >> 16);
			xb[4 * k + 3] = (unsigned char)(bits >> 24);
		}
		v[1].kind = PML_VEC;
		v[1].u.s.ptr = (const char *)xb;
		v[1].u.s.len = 4 * d;
		if (y[i] < -100) {
			v[2].kind = PML_NIL;
		} else if (n_class) {
			v[2].kind = PML_INT;
			v[2].u.i = (int64_t)y[i];
		} else {
			v[2].kind = PML_FLOAT;
			v[2].u.f = y[i];
		}
		if (pml_writer_put(w, v) < 0) {
			pml_writer_free(w);
			pml_out_abort(&out);
			return -1;
		}
	}
	pml_writer_finish(w, NULL, 0);
	pml_writer_free(w);
	rc = pml_out_close(&out);
	pml_header_release(&h);
	return rc;
}

static int
write_fixtures(const char *dir)
{
	/* ant ant bee bee(as ant) cat cat(as bee) */
	static const float x[] = { 1, 0, 1, 0, 0, 1, 1, 0, -1, -1, 0, 1 };
	static const double y[] = { 0, 0, 1, 1, 2, 2 };
	static const double y_bad[] = { 0, 5 };
	static const double y_nil[] = { 0, -1000 };
	static const float xr[] = { 0, 1, 2 };
	static const double yr[] = { 1, 2, 5 };
	static const float zero[3] = { 0, 0, 0 }, ant[3] = { 1, 0, 0 };
	struct pml_buf p = PML_BUF_INIT;
	int rc = 0;

#define FIX(name, call) \
	do { \
		pml_buf_reset(&p); \
		pml_buf_addf(&p, "%s/%s", dir, name); \
		rc |= call; \
	} while (0)
	FIX("model.pml", fixture_model(p.buf, 3, 4, zero));
	FIX("base.pml", fixture_model(p.buf, 3, 0, ant));   /* always ant, p = 0.576 */
	FIX("reg.pml", fixture_model(p.buf, 0, 0, NULL));
	FIX("test.mp", fixture_stream(p.buf, 3, x, y, 6));
	FIX("empty.mp", fixture_stream(p.buf, 3, x, y, 0));
	FIX("badlabel.mp", fixture_stream(p.buf, 3, x, y_bad, 2));
	FIX("nolabel.mp", fixture_stream(p.buf, 3, x, y_nil, 2));
	FIX("reg.mp", fixture_stream(p.buf, 0, xr, yr, 3));
#undef FIX
	pml_buf_release(&p);
	return rc ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--fixtures"))
		return write_fixtures(argv[2]);
	test_pets();
	test_edge();
	test_proba();
	test_regression();
	test_gates();
	test_render();
	return t_done();
}
