/* serve-model.c: the serving engine bound to a model file (pml_model + pml_predictor). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/alloc.h"
#include "pml/err.h"
#include "pml/model.h"
#include "pml/predict.h"
#include "pml/serve.h"
#include "pml/transform.h"

struct mctx {
	char *path;
	size_t max_batch;
	struct pml_model *m;
	struct pml_predictor *p;
	unsigned char *optional;  /* input columns the chain never reads */
};

static int
m_add(void *ctx, const struct pml_value *rec, const char **why)
{
	struct mctx *c = ctx;

	if (pml_predictor_add(c->p, rec) < 0) {
		*why = pml_predictor_error(c->p);
		return -1;
	}
	return 0;
}

static size_t
m_count(void *ctx)
{
	return pml_predictor_count(((struct mctx *)ctx)->p);
}

static int
m_run(void *ctx, const char **why)
{
	struct mctx *c = ctx;
	int rc;

	pml_err_capture(1);
	rc = pml_predictor_run(c->p);
	pml_err_capture(0);
	*why = pml_err_last();
	return rc;
}

static const float *
m_output(void *ctx, size_t i, size_t *n_out)
{
	return pml_predictor_output(((struct mctx *)ctx)->p, i, n_out);
}

static void
m_reset(void *ctx)
{
	pml_predictor_reset(((struct mctx *)ctx)->p);
}

static void
m_format_json(void *ctx, struct pml_buf *b, const float *out, size_t n_out, int top_k)
{
	pml_predict_format_json(b, ((struct mctx *)ctx)->m, out, n_out, top_k);
}

/* Load path into a new model and predictor. 0, or -1 with a message. */
static int
load(struct mctx *c, struct pml_model **mp, struct pml_predictor **pp)
{
	struct pml_model *m = pml_xcalloc(1, sizeof(*m));

	pml_model_init(m);
	if (pml_model_load(m, c->path) < 0)
		goto fail;
	*pp = pml_predictor_new(m, &m->input, c->max_batch);
	if (!*pp)
		goto fail;
	*mp = m;
	return 0;
fail:
	pml_model_release(m);
	free(m);
	return -1;
}

static void
engine_bind(struct pml_serve_engine *e, struct mctx *c)
{
	struct pml_chain *ch;

	e->input = &c->m->input;
	e->n_class = c->m->n_class;
	e->classes = c->m->classes;
	free(c->optional);
	c->optional = pml_xcalloc(c->m->input.n_col + 1, 1);
	pml_err_capture(1);
	ch = pml_chain_new(&c->m->chain, &c->m->input, PML_CHAIN_SERVE);
	pml_err_capture(0);
	if (ch) {
		pml_chain_unread(ch, c->optional);
		pml_chain_free(ch);
	}
	e->optional = c->optional;
}

static int
same_classes(const struct pml_model *a, const struct pml_model *b)
{
	size_t i;

	if (a->n_class != b->n_class)
		return 0;
	for (i = 0; i < a->n_class; i++)
		if (strcmp(a->classes[i], b->classes[i]))
			return 0;
	return 1;
}

static int
m_reload(struct pml_serve_engine *e)
{
	struct mctx *c = e->ctx;
	struct pml_model *m;
	struct pml_predictor *p;
	char why[256];

	if (load(c, &m, &p) < 0)
		return pml_error("%s: reload failed; the old model keeps serving", c->path);
	if (!pml_schema_equal(&c->m->input, &m->input, why, sizeof(why)) || !same_classes(c->m, m)) {
		if (same_classes(c->m, m))
			pml_error("%s: the new model takes other input (%s); the old model keeps serving",
				  c->path, why);
		else
			pml_error("%s: the new model has other classes; the old model keeps serving", c->path);
		pml_predictor_free(p);
		pml_model_release(m);
		free(m);
		return -1;
	}
	pml_predictor_free(c->p);
	pml_model_release(c->m);
	free(c->m);
	c->m = m;
	c->p = p;
	engine_bind(e, c);
	return 0;
}

static void
m_free(struct pml_serve_engine *e)
{
	struct mctx *c;

	if (!e || !e->ctx)
		return;
	c = e->ctx;
	pml_predictor_free(c->p);
	pml_model_release(c->m);
	free(c->m);
	free(c->path);
	free(c->optional);
	free(c);
	e->ctx = NULL;
}

int
pml_serve_engine_model(struct pml_serve_engine *e, const char *path, size_t max_batch)
{
	struct mctx *c = pml_xcalloc(1, sizeof(*c));

	memset(e, 0, sizeof(*e));
	c->path = pml_xstrdup(path);
	c->max_batch = max_batch ? max_batch : PML_SERVE_MAX_BATCH;
	if (load(c, &c->m, &c->p) < 0) {
		free(c->path);
		free(c);
		return -1;
	}
	e->ctx = c;
	engine_bind(e, c);
	e->add = m_add;
	e->count = m_count;
	e->run = m_run;
	e->output = m_output;
	e->reset = m_reset;
	e->format_json = m_format_json;
	e->reload = m_reload;
	e->free = m_free;
	return 0;
}

int
pml_predict_files(const char *model_path, char *const *files, size_t n_files,
		  const struct pml_serve_opts *o, struct pml_out *out, uint64_t *n_bad,
		  uint64_t *n_skipped)
{
	static char *const std_in[] = { NULL };
	struct pml_serve_opts fo = *o;
	struct pml_serve_engine e;
	struct pml_serve_stats st;
	struct pml_buf header = PML_BUF_INIT;
	size_t i;
	int rc = 0;

	*n_bad = *n_skipped = 0;
	if (pml_serve_engine_model(&e, model_path, o->max_batch) < 0)
		return -1;
	if (!n_files) {
		files = std_in;
		n_files = 1;
	}
	fo.echo = 1;
	fo.csv_header = &header;
	for (i = 0; i < n_files && rc == 0; i++) {
		const char *path = files[i];
		int fd = 0;

		if (path && strcmp(path, "-")) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				rc = pml_error_errno("cannot open '%s'", path);
				break;
			}
		}
		fo.name = fd ? path : "stdin";
		pml_serve_stats_init(&st);
		rc = pml_serve_run(&e, &fo, fd, out, &st);
		*n_bad += st.errors;
		*n_skipped += st.skipped;
		/* the next inputs are read as this one was */
		if (fo.format == PML_SERVE_AUTO && st.requests + st.errors)
			fo.format = st.format;
		if (fd)
			close(fd);
	}
	pml_buf_release(&header);
	e.free(&e);
	return rc;
}
