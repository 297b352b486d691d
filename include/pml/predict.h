#ifndef PML_PREDICT_H
#define PML_PREDICT_H
/*
 * Predictions shared by pml-eval and pml-serve-stdin, so both give the
 * same bytes for the same record.
 *
 *     p = pml_predictor_new(model, schema_of_incoming_records, 256);
 *     for each record: if (pml_predictor_add(p, vals) < 0) reason = pml_predictor_error(p);
 *     pml_predictor_run(p);                 one sgemm pass per layer
 *     for i < pml_predictor_count(p): out = pml_predictor_output(p, i, &n_out);
 *         pml_predict_format_json(&buf, model, out, n_out, top_k);
 *     pml_predictor_reset(p);
 *
 * Incoming records are either raw (their schema equals the model's input:
 * the model's fitted chain is applied, PML_CHAIN_SERVE mode) or already
 * transformed (they hold the model's feature column).
 *
 * (Contract written first by the lead; implemented in lib/predict.c.)
 */
#include <stddef.h>
#include "pml/buf.h"
#include "pml/model.h"
#include "pml/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pml_predictor;

/* NULL with a message if records of schema s can be neither. */
struct pml_predictor *pml_predictor_new(const struct pml_model *m, const struct pml_schema *s,
					size_t max_batch);
/* 1 if records are transformed by the model's chain, 0 if used as they are. */
int pml_predictor_is_raw(const struct pml_predictor *p);
/*
 * Stage one record (values of the schema given to _new). 0 ok; -1 for a
 * bad record (nothing printed; pml_predictor_error() names column and
 * reason) — the record is not staged. The batch holds at most max_batch.
 */
int pml_predictor_add(struct pml_predictor *p, const struct pml_value *rec);
const char *pml_predictor_error(const struct pml_predictor *p);
size_t pml_predictor_count(const struct pml_predictor *p);
/* Forward pass over the staged records. 0, or -1 with a message. */
int pml_predictor_run(struct pml_predictor *p);
/* The message for a row whose output is not finite. */
#define PML_PREDICT_OVERFLOW "the model's output is not finite (the network overflows float)"
/*
 * Row i: n_out floats: class probabilities (n_class), or one regression
 * value; NULL if the row's output is not finite (PML_PREDICT_OVERFLOW:
 * finite weights overflowed float on this record).
 */
const float *pml_predictor_output(const struct pml_predictor *p, size_t i, size_t *n_out);
/* Row i's true label: 1 and *label (class index or value), 0 if the record had none. */
int pml_predictor_label(const struct pml_predictor *p, size_t i, double *label);
void pml_predictor_reset(struct pml_predictor *p);
void pml_predictor_free(struct pml_predictor *p);

/*
 * Append one prediction as a JSON object without a newline:
 *   classes:    {"class":"Coat","index":4,"probs":[p0,...]}   (numbers: pml_buf_add_num, f32)
 *   top_k > 0:  {"class":"Coat","index":4,"top":[{"class":"Coat","index":4,"p":0.9},...]}
 *   regression: {"value":1.5}
 */
void pml_predict_format_json(struct pml_buf *b, const struct pml_model *m, const float *out,
			     size_t n_out, int top_k);

#ifdef __cplusplus
}
#endif

#endif
