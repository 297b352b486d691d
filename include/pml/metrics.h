#ifndef PML_METRICS_H
#define PML_METRICS_H
/*
 * Evaluation metrics, accumulated record by record, and quality gates.
 *
 *     struct pml_metrics m;
 *     pml_metrics_init_class(&m, n_class, names, 1, 3);   with probabilities, top-3
 *     for each record:
 *         pml_metrics_add_class(&m, truth, pred, proba);
 *     pml_metrics_finish(&m);
 *     pml_metrics_text(&m, &gates, &buf);                 or pml_metrics_json()
 *     pml_metrics_release(&m);
 *
 * Memory does not grow with the number of records: a classification keeps
 * the K x K confusion matrix and a few sums, a regression a few sums.
 *
 * Classification (K classes, index 0..K-1, names given at init):
 *   confusion[t * K + p]   records of true class t predicted as p (uint64)
 *   accuracy               trace / records
 *   precision_c            tp / (tp + fp), recall_c = tp / (tp + fn)
 *   f1_c                   2 tp / (2 tp + fp + fn) (the harmonic mean of
 *                          precision and recall where both are defined)
 *   support_c              true records of class c
 *   macro avg              unweighted mean over all K classes, also the
 *                          classes absent from the data (as scikit-learn
 *                          with labels= given)
 *   weighted avg           mean weighted by support
 *   log_loss               mean of -ln(clip(p_true, 1e-15, 1 - 1e-15)), the
 *                          probability given to the true class (no row
 *                          renormalisation)
 *   top_k_accuracy         share of records whose true class is among the k
 *                          most probable; ties are broken by the lower class
 *                          index, the same rule as pml_metrics_argmax(), so
 *                          top-1 accuracy equals accuracy when the
 *                          prediction is the argmax
 * A ratio whose denominator is zero (a class never predicted, a class with
 * no true records, no records at all) is 0, never NaN and never above 1,
 * and pml_metrics_finish() records a note naming the classes concerned.
 *
 * Regression (one output):
 *   mse, rmse, mae         the usual means over records
 *   r2                     1 - SS_res / SS_tot; for a constant target
 *                          (SS_tot = 0, also a single record) it is 1 if the
 *                          predictions are perfect and 0 otherwise, like
 *                          scikit-learn's r2_score(force_finite=True)
 *   The mean of the target is kept with Welford's update, so SS_tot is
 *   exact enough for long streams. No records: every metric 0, with a note.
 *
 * Metric names (for gates and pml_metrics_get): accuracy, log_loss,
 * top_k_accuracy, macro_precision, macro_recall, macro_f1,
 * weighted_precision, weighted_recall, weighted_f1, precision:CLASS,
 * recall:CLASS, f1:CLASS (CLASS a class name); mse, rmse, mae, r2;
 * records (both kinds).
 */
#include <stddef.h>
#include <stdint.h>

#include "pml/buf.h"
#include "pml/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pml_metrics_task {
	PML_METRICS_CLASSIFICATION = 1,
	PML_METRICS_REGRESSION = 2,
};

#define PML_METRICS_LOG_EPS 1e-15
#define PML_METRICS_MAX_CLASSES PML_MAX_CLASSES   /* the confusion matrix takes K * K * 8 bytes */

/* Derived per-class figures, filled by pml_metrics_finish(). */
struct pml_class_stats {
	double precision, recall, f1;
	uint64_t support;     /* true records of the class */
	uint64_t predicted;   /* records predicted as the class */
};

struct pml_metrics {
	enum pml_metrics_task task;
	uint64_t n;             /* records added */

	/* classification */
	size_t n_class;
	char **names;           /* n_class copies, owned */
	uint64_t *confusion;    /* n_class * n_class, row = true, column = predicted */
	int with_proba;         /* records come with probabilities */
	size_t top_k;           /* 0: no top-k accuracy */
	uint64_t top_k_hits;
	double log_loss_sum;

	/* regression */
	double y_mean, y_m2;    /* Welford mean and sum of squared deviations */
	double sse, sae;        /* sums of squared and absolute errors */

	/* results of pml_metrics_finish() */
	struct pml_class_stats *per_class;
	double accuracy, log_loss, top_k_accuracy;
	struct pml_class_stats macro, weighted; /* support = records */
	double mse, rmse, mae, r2;
	char **notes;           /* zero-division and other remarks, owned */
	size_t n_notes;
};

/*
 * Start a classification over 1 <= n_class <= PML_METRICS_MAX_CLASSES classes named names[0..n_class-1]
 * (copied; NULL gives "0", "1", ...). with_proba: every record will come
 * with probabilities (needed for log_loss and top-k). top_k: 0 for none,
 * else 1..n_class and with_proba set. 0, or -1 with a message.
 */
int pml_metrics_init_class(struct pml_metrics *m, size_t n_class, const char *const *names,
			   int with_proba, size_t top_k);
/* Start a regression. */
void pml_metrics_init_regression(struct pml_metrics *m);
void pml_metrics_release(struct pml_metrics *m);

/*
 * Add one classified record: true class truth, predicted class pred, and
 * proba (n_class values) when with_proba, else NULL. -1 with a message if an
 * index is out of range, proba is missing or a probability is not finite or
 * outside [0, 1] by more than 1e-6; the record is then not counted. The
 * message names no file: the caller checks labels first where it can.
 */
int pml_metrics_add_class(struct pml_metrics *m, size_t truth, size_t pred, const float *proba);
/* Same with double probabilities. */
int pml_metrics_add_class_d(struct pml_metrics *m, size_t truth, size_t pred, const double *proba);
/* Add one regression record; -1 with a message if a value is not finite. */
int pml_metrics_add_value(struct pml_metrics *m, double truth, double pred);

/*
 * Add one row of a network's output: for a classification, out holds the
 * n_out == n_class probabilities, the prediction is their argmax and label
 * must be a class index (an integral number in [0, n_class)); for a
 * regression, out[0] is the predicted value. -1 with a message (naming no
 * file) if the label or an output is bad.
 */
int pml_metrics_add_output(struct pml_metrics *m, double label, const float *out, size_t n_out);

/* Index of the largest of p[0..n-1], the lowest index on ties (NaN never wins). */
size_t pml_metrics_argmax(const float *p, size_t n);

/* Compute the derived figures and notes; may be called again after more adds. */
void pml_metrics_finish(struct pml_metrics *m);

/*
 * Value of a metric by name after pml_metrics_finish(): 0 and *v, or -1
 * (no message) if the name is unknown or does not apply (log_loss without
 * probabilities, mse of a classification, a class name not in the model).
 */
int pml_metrics_get(const struct pml_metrics *m, const char *name, double *v);
/* 1 if the name is a known metric name of either task (CLASS not checked). */
int pml_metrics_name_known(const char *name);
/* 1 if higher values are better (accuracy, f1, r2...), 0 for log_loss, mse, rmse, mae. */
int pml_metrics_higher_better(const char *name);

/* ---- quality gates ---- */

enum pml_gate_kind {
	PML_GATE_MIN = 1,       /* --min METRIC=VALUE: fail if metric < VALUE */
	PML_GATE_MAX,           /* --max METRIC=VALUE: fail if metric > VALUE */
	PML_GATE_MAX_DROP,      /* --max-drop METRIC=DELTA: fail if the metric is worse
				   than the baseline's by more than DELTA (worse: lower
				   for accuracy-like metrics, higher for losses) */
};

struct pml_gate {
	enum pml_gate_kind kind;
	char *metric;
	double value;
	/* filled by pml_gates_eval() */
	double actual, baseline;
	int pass;
};

struct pml_gates {
	struct pml_gate *v;
	size_t n, m_v;
};

#define PML_GATES_INIT { NULL, 0, 0 }

/*
 * Parse "METRIC=VALUE" (split at the last '=') and append a gate. The
 * metric must be a known name, VALUE a finite number (DELTA >= 0 for
 * MAX_DROP). 0, or -1 with a message (the cmd makes it a usage error).
 */
int pml_gates_parse(struct pml_gates *g, enum pml_gate_kind kind, const char *arg);
/* 1 if some gate needs a baseline. */
int pml_gates_need_baseline(const struct pml_gates *g);
/*
 * Check that every gate's metric applies to m (after init, before the data
 * is read): 0, or -1 with a message naming the gate.
 */
int pml_gates_check(const struct pml_gates *g, const struct pml_metrics *m);
/*
 * Evaluate every gate on finished metrics (and a finished baseline, may be
 * NULL when no MAX_DROP gate). Appends one line per failed gate to reasons
 * (may be NULL), e.g. "accuracy 0.81 is below the minimum 0.9". Returns
 * the number of failed gates, or -1 with a message if a metric is missing.
 */
int pml_gates_eval(struct pml_gates *g, const struct pml_metrics *m, const struct pml_metrics *baseline,
		   struct pml_buf *reasons);
void pml_gates_release(struct pml_gates *g);

/* ---- reports ---- */

/*
 * The readable report. Classification: a table like scikit-learn's
 * classification_report (4 digits), then records, log-loss and top-k
 * accuracy where available, the confusion matrix with class names (rows:
 * true, columns: predicted; columns headed by index when names make it too
 * wide), notes, and gates. Regression: records, mse, rmse, mae, r2, notes,
 * gates. gates may be NULL. Control characters in names print as '?'.
 */
void pml_metrics_text(const struct pml_metrics *m, const struct pml_gates *gates, struct pml_buf *out);

/*
 * One JSON object on one line, then "\n". Keys always in this order, every
 * key always present (null where a figure does not apply):
 *   classification:
 *     {"task":"classification","records":N,"classes":[NAME...],
 *      "accuracy":X,"log_loss":X|null,"top_k":K|null,"top_k_accuracy":X|null,
 *      "per_class":[{"class":NAME,"precision":X,"recall":X,"f1":X,"support":N,
 *                    "predicted":N}...],
 *      "macro_avg":{"precision":X,"recall":X,"f1":X,"support":N},
 *      "weighted_avg":{"precision":X,"recall":X,"f1":X,"support":N},
 *      "confusion_matrix":[[N...]...],"notes":[STR...],"gates":[GATE...]}
 *   regression:
 *     {"task":"regression","records":N,"mse":X,"rmse":X,"mae":X,"r2":X,
 *      "notes":[STR...],"gates":[GATE...]}
 *   GATE: {"metric":NAME,"kind":"min"|"max"|"max_drop","limit":X,
 *          "value":X,"baseline":X|null,"pass":true|false}
 * Numbers use pml_buf_add_json_num() (shortest exact form).
 */
void pml_metrics_json(const struct pml_metrics *m, const struct pml_gates *gates, struct pml_buf *out);

#ifdef __cplusplus
}
#endif

#endif
