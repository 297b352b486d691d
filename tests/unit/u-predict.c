/* u-predict.c: staging records, raw vs preprocessed input, JSON formatting. */
#include <stdlib.h>
#include <string.h>

#include "pml/buf.h"
#include "pml/err.h"
#include "pml/model.h"
#include "pml/nn.h"
#include "pml/predict.h"
#include "pml/transform.h"
#include "t.h"


static void
make_model(struct pml_model *m, int classes)
{
	struct pml_column *c;
	uint32_t dim[1] = { 3 };
	char *cls[2] = { "no", "yes \"quoted\"" };
	size_t hidden = 4;
	enum pml_act act = PML_ACT_TANH;

	pml_model_init(m);
	c = pml_schema_add(&m->input, "id", PML_TYPE_STR);
	c->role = PML_ROLE_ID;
	c = pml_schema_add(&m->input, "x", PML_TYPE_VEC);
	pml_column_set_vec(c, PML_ELEM_F32, 1, dim);
	c = pml_schema_add(&m->input, "y", classes ? PML_TYPE_INT : PML_TYPE_FLOAT);
	c->role = PML_ROLE_LABEL;
	if (classes)
		pml_column_set_classes(c, 2, cls);
	m->feature = strdup("x");
	m->label = strdup("y");
	if (classes) {
		m->n_class = 2;
		m->classes = calloc(2, sizeof(char *));
		m->classes[0] = strdup(cls[0]);
		m->classes[1] = strdup(cls[1]);
	}
	m->net = pml_net_mlp(3, &hidden, &act, 1, 0, classes ? 2 : 1,
			     classes ? PML_LOSS_SOFTMAX_CE : PML_LOSS_MSE);
	pml_net_init(m->net, PML_INIT_XAVIER, 9);
}

static void
set_rec(struct pml_value *v, const float *x, int64_t y)
{
	v[0].kind = PML_STR;
	v[0].u.s.ptr = "r";
	v[0].u.s.len = 1;
	v[1].kind = PML_VEC;
	v[1].u.s.ptr = (const char *)x;
	v[1].u.s.len = 12;
	v[2].kind = PML_INT;
	v[2].u.i = y;
}

int
main(void)
{
	struct pml_model m;
	struct pml_predictor *p;
	struct pml_value rec[3];
	float x[2][3] = { { 0.5f, -1, 2 }, { 1, 1, 1 } }, want[4];
	const float *out;
	size_t n_out;
	double y;
	struct pml_buf b = PML_BUF_INIT;

	make_model(&m, 1);
	p = pml_predictor_new(&m, &m.input, 4);
	T_OK(p != NULL, "predictor for the model's own input schema");
	T_EQ_INT(pml_predictor_is_raw(p), 1, "records of the input schema are raw");
	set_rec(rec, x[0], 1);
	T_EQ_INT(pml_predictor_add(p, rec), 0, "stage record 1");
	set_rec(rec, x[1], 0);
	rec[2].kind = PML_NIL;
	T_EQ_INT(pml_predictor_add(p, rec), 0, "stage record 2 (no label)");
	rec[1].kind = PML_NIL;
	T_EQ_INT(pml_predictor_add(p, rec), -1, "missing feature refused");
	T_OK(strstr(pml_predictor_error(p), "column 'x': missing") != NULL, "reason: %s",
	     pml_predictor_error(p));
	set_rec(rec, x[1], 5);
	T_EQ_INT(pml_predictor_add(p, rec), -1, "label out of range refused");
	T_EQ_INT(pml_predictor_count(p), 2, "two staged");
	T_EQ_INT(pml_predictor_run(p), 0, "run");
	pml_net_predict(m.net, &x[0][0], 2, want);
	out = pml_predictor_output(p, 1, &n_out);
	T_OK(n_out == 2 && !memcmp(out, want + 2, 2 * sizeof(float)), "outputs equal the network's");
	T_OK(pml_predictor_label(p, 0, &y) == 1 && y == 1, "label of record 1");
	T_EQ_INT(pml_predictor_label(p, 1, &y), 0, "record 2 has no label");
	pml_predictor_reset(p);
	T_EQ_INT(pml_predictor_count(p), 0, "reset");
	pml_predictor_free(p);

	{
		float pr[2] = { 0.25f, 0.75f };

		pml_predict_format_json(&b, &m, pr, 2, 0);
		T_EQ_STR(b.buf, "{\"class\":\"yes \\\"quoted\\\"\",\"index\":1,\"probs\":[0.25,0.75]}",
			 "JSON with probabilities");
		pml_buf_reset(&b);
		pml_predict_format_json(&b, &m, pr, 2, 1);
		T_EQ_STR(b.buf, "{\"class\":\"yes \\\"quoted\\\"\",\"index\":1,\"top\":[{\"class\":\"yes \\\"quoted\\\"\",\"index\":1,\"p\":0.75}]}",
			 "JSON with top 1");
		pml_buf_reset(&b);
		pr[0] = pr[1] = 0.5f;
		pml_predict_format_json(&b, &m, pr, 2, 2);
		T_OK(strstr(b.buf, "\"index\":0,\"top\":[{\"class\":\"no\",\"index\":0") != NULL,
		     "ties go to the lower index: %s", b.buf);
		pml_buf_reset(&b);
		pr[0] = 1.0f / 3;
		pml_predict_format_json(&b, &m, pr, 1, 0);
		T_OK(strstr(b.buf, "0.33333334") != NULL, "the shortest text that reads back to the float: %s", b.buf);
	}

	/* preprocessed records: another schema that holds the feature column */
	{
		struct pml_schema s = PML_SCHEMA_INIT;
		struct pml_column *c;
		uint32_t dim[1] = { 3 };
		struct pml_value v[2];

		c = pml_schema_add(&s, "x", PML_TYPE_VEC);
		pml_column_set_vec(c, PML_ELEM_F32, 1, dim);
		pml_schema_add(&s, "extra", PML_TYPE_FLOAT);
		p = pml_predictor_new(&m, &s, 1);
		T_OK(p && !pml_predictor_is_raw(p), "preprocessed records accepted");
		v[0].kind = PML_VEC;
		v[0].u.s.ptr = (const char *)x[0];
		v[0].u.s.len = 12;
		v[1].kind = PML_FLOAT;
		v[1].u.f = 1;
		T_EQ_INT(pml_predictor_add(p, v), 0, "stage");
		T_EQ_INT(pml_predictor_add(p, v), -1, "batch full");
		pml_predictor_run(p);
		out = pml_predictor_output(p, 0, &n_out);
		T_OK(!memcmp(out, want, 2 * sizeof(float)), "same outputs as raw");
		T_EQ_INT(pml_predictor_label(p, 0, &y), 0, "no label column");
		pml_predictor_free(p);
		pml_schema_release(&s);

		pml_err_capture(1);
		pml_schema_add(&s, "z", PML_TYPE_FLOAT);
		T_OK(pml_predictor_new(&m, &s, 1) == NULL && strstr(pml_err_last(), "'x'"),
		     "unrelated schema refused: %s", pml_err_last());
		pml_schema_release(&s);
		c = pml_schema_add(&s, "x", PML_TYPE_VEC);
		dim[0] = 4;
		pml_column_set_vec(c, PML_ELEM_U8, 1, dim);
		T_OK(pml_predictor_new(&m, &s, 1) == NULL && strstr(pml_err_last(), "3 elements"),
		     "wrong vec length refused: %s", pml_err_last());
		pml_err_capture(0);
		pml_schema_release(&s);
	}
	pml_model_release(&m);

	make_model(&m, 0);
	p = pml_predictor_new(&m, &m.input, 2);
	set_rec(rec, x[0], 0);
	rec[2].kind = PML_FLOAT;
	rec[2].u.f = 2.5;
	pml_predictor_add(p, rec);
	pml_predictor_run(p);
	out = pml_predictor_output(p, 0, &n_out);
	T_OK(n_out == 1 && pml_predictor_label(p, 0, &y) == 1 && y == 2.5, "regression output and label");
	pml_buf_reset(&b);
	pml_predict_format_json(&b, &m, out, n_out, 0);
	T_OK(!strncmp(b.buf, "{\"value\":", 9), "regression JSON: %s", b.buf);
	pml_predictor_free(p);
	pml_model_release(&m);
	pml_buf_release(&b);
	return t_done();
}
