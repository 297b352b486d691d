/* serve.c: the request loop of pml-serve-stdin (see serve.h). */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/alloc.h"
#include "pml/cli.h"
#include "pml/csv.h"
#include "pml/err.h"
#include "pml/metrics.h"
#include "pml/mp.h"
#include "pml/nameidx.h"
#include "pml/predict.h"
#include "pml/serve.h"
#include "pml/source.h"
#include "pml/stream.h"

#define READ_CHUNK (256 * 1024)
#define MAX_HOLD 0.002     /* seconds a staged request may wait for more input */
#define FLOOD_READ (32 * 1024) /* a read this big means more input is on its way */

static volatile sig_atomic_t want_reload, want_stats, want_stop;
/* Self-pipe: a handler writes a byte, so a poll() that starts after the signal wakes too. */
static int sig_pipe[2] = { -1, -1 };

/* ---- statistics ---- */

void
pml_serve_stats_init(struct pml_serve_stats *st)
{
	memset(st, 0, sizeof(*st));
}

static size_t
hist_bucket(uint64_t v)
{
	int e;
	size_t b;

	if (v < 128)
		return (size_t)v;
	for (e = 63; !(v >> e); e--)
		;
	b = 128 + (size_t)(e - 7) * 64 + (size_t)((v >> (e - 6)) & 63);
	return b < PML_SERVE_HIST_N ? b : PML_SERVE_HIST_N - 1;
}

static double
hist_value(size_t b)
{
	size_t e, sub;

	if (b < 128)
		return (double)b;
	e = 7 + (b - 128) / 64;
	sub = (b - 128) % 64;
	return ldexp(64.0 + (double)sub + 0.5, (int)e - 6);
}

void
pml_serve_stats_add(struct pml_serve_stats *st, uint64_t ns, uint64_t n)
{
	st->hist[hist_bucket(ns)] += n;
}

double
pml_serve_stats_quantile(const struct pml_serve_stats *st, double q)
{
	uint64_t total = 0, want, seen = 0;
	size_t b;

	for (b = 0; b < PML_SERVE_HIST_N; b++)
		total += st->hist[b];
	if (!total)
		return 0;
	want = (uint64_t)ceil(q * (double)total);
	if (want < 1)
		want = 1;
	for (b = 0; b < PML_SERVE_HIST_N; b++) {
		seen += st->hist[b];
		if (seen >= want)
			return hist_value(b) * 1e-9;
	}
	return hist_value(PML_SERVE_HIST_N - 1) * 1e-9;
}

void
pml_serve_stats_format(const struct pml_serve_stats *st, struct pml_buf *b)
{
	pml_buf_addf(b, "requests %llu, errors %llu, latency p50 %.3f ms, p99 %.3f ms",
		     (unsigned long long)st->requests, (unsigned long long)st->errors,
		     pml_serve_stats_quantile(st, 0.5) * 1e3, pml_serve_stats_quantile(st, 0.99) * 1e3);
	if (st->reloads || st->reload_failures)
		pml_buf_addf(b, ", reloads %llu, failed reloads %llu", (unsigned long long)st->reloads,
			     (unsigned long long)st->reload_failures);
}

void
pml_serve_stats_report(const struct pml_serve_stats *st)
{
	struct pml_buf b = PML_BUF_INIT;

	pml_buf_addf(&b, "%s: stats: ", pml_progname);
	pml_serve_stats_format(st, &b);
	pml_buf_addch(&b, '\n');
	(void)pml_write_all(2, b.buf, b.len);
	pml_buf_release(&b);
}

/* ---- signals ---- */

static void
on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		want_reload = 1;
	else if (sig == SIGUSR1)
		want_stats = 1;
	else
		want_stop = 1;
	if (sig_pipe[1] >= 0)
		(void)!write(sig_pipe[1], "", 1);
	errno = saved;
}

void
pml_serve_catch_signals(void)
{
	struct sigaction sa;

	if (sig_pipe[0] < 0 && pipe(sig_pipe) == 0) {
		int k;
		for (k = 0; k < 2; k++) {
			/* never 0, 1 or 2, even when the standard ones were closed */
			int fd = fcntl(sig_pipe[k], F_DUPFD_CLOEXEC, 3);
			if (fd >= 0) {
				close(sig_pipe[k]);
				sig_pipe[k] = fd;
			}
			fcntl(sig_pipe[k], F_SETFL, fcntl(sig_pipe[k], F_GETFL) | O_NONBLOCK);
			fcntl(sig_pipe[k], F_SETFD, FD_CLOEXEC);
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;        /* no SA_RESTART: poll() wakes up with EINTR */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
pml_serve_format_parse(const char *s, enum pml_serve_format *f)
{
	if (!strcmp(s, "auto"))
		*f = PML_SERVE_AUTO;
	else if (!strcmp(s, "msgpack"))
		*f = PML_SERVE_MSGPACK;
	else if (!strcmp(s, "json"))
		*f = PML_SERVE_JSON;
	else if (!strcmp(s, "csv"))
		*f = PML_SERVE_CSV;
	else
		return -1;
	return 0;
}

/* ---- the server state ---- */

struct entry {
	uint64_t rec_no;
	int ok;                 /* 1: prediction row `row`; 0: error text */
	size_t row;
	size_t err_off, err_len;
	int has_id;
	struct pml_value id;    /* msgpack output: the id value (str bytes in ids) */
	size_t id_off, id_len;  /* json/csv: the id as text; msgpack: str bytes */
	size_t echo_off, echo_len;  /* echo: the request's bytes in srv.echo */
	int well_formed;        /* echo: the request can be written back (valid CSV row, JSON object, record) */
};

struct srv {
	struct pml_serve_engine *e;
	const struct pml_serve_opts *o;
	struct pml_out *out;
	struct pml_serve_stats *st;
	enum pml_serve_format fmt;
	size_t max_batch;
	int fd;
	char *buf;
	size_t pos, len, cap, scanned;
	uint64_t consumed;          /* input bytes before buf[0] */
	int eof;
	int skipping;               /* dropping an overlong line up to its newline */
	uint64_t rec_no;
	double last_read;
	size_t last_got;            /* bytes of the last read */
	/* the batch */
	struct entry *ent;
	size_t n_ent;
	double batch_t0;
	struct pml_buf errs, ids, reply, tmp;
	/* records */
	struct pml_value *vals;     /* one per input column */
	unsigned char **scratch;    /* vec bytes per input column (json, csv) */
	struct pml_buf *strs;       /* str values per input column (json) */
	unsigned char *seen;        /* json: columns seen in this object */
	struct pml_buf key;
	char *header_err;           /* csv/msgpack: every record fails with this */
	int have_header;
	/* csv */
	size_t n_field;
	long *field_of;             /* per input column: header field or -1 */
	long **elem_field;          /* per vec column: header field of each element */
	long id_field;
	int warned_id;
	struct pml_csv_fields f;     /* the fields of the last line */
	struct pml_csv_na *na;      /* missing-value spellings, as pml-collect's */
	/* msgpack */
	msgpack_zone zone;
	int after_trailer;
	size_t in_n_col;
	struct pml_schema in_schema;
	int out_started;
	struct pml_schema out_schema;
	struct pml_writer *w;
	struct pml_value *out_vals;
	float *top_p;
	size_t *top_i;
	/* echo (pml-predict) */
	struct pml_buf echo;        /* the batch's requests as they came */
	size_t cur_off, cur_len;    /* the request being parsed */
	char **pnames;              /* prediction column names: predicted, prob_CLASS... */
	size_t n_pname;
	int fatal;                  /* a fatal error was reported: stop */
	uint64_t n_warned;
	struct pml_nameidx names;        /* the engine's input columns by name (JSON keys) */
};

#define MAX_BAD_WARNINGS 10

static const char *
in_name(const struct srv *s)
{
	return s->o->name ? s->o->name : "stdin";
}

/* 1 if name is one of the prediction columns echo mode appends. */
static int
is_pred_name(const struct srv *s, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < s->n_pname; i++)
		if (strlen(s->pnames[i]) == len && !memcmp(s->pnames[i], name, len))
			return 1;
	return 0;
}

/* ---- replies ---- */

/* The k most probable classes, most probable first (ties: lower index first). */
static size_t
top_k(struct srv *s, const float *p, size_t n)
{
	size_t k = (size_t)s->o->top_k < n ? (size_t)s->o->top_k : n, i, j;

	for (i = 0; i < k; i++) {
		size_t best = n;
		for (j = 0; j < n; j++) {
			size_t t;
			int used = 0;
			for (t = 0; t < i; t++)
				if (s->top_i[t] == j)
					used = 1;
			if (!used && (best == n || p[j] > p[best]))
				best = j;
		}
		s->top_i[i] = best;
		s->top_p[i] = p[best];
	}
	return k;
}

/* Numbers as pml_predict_format_json() and pml-cat print them; empty if not finite. */
static void
csv_num(struct pml_buf *b, float v)
{
	pml_buf_add_num(b, v, 1);
}

static void
csv_field(struct pml_buf *b, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r')
			break;
	if (i == n) {
		pml_buf_add(b, p, n);
		return;
	}
	pml_buf_addch(b, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			pml_buf_addch(b, '"');
		pml_buf_addch(b, p[i]);
	}
	pml_buf_addch(b, '"');
}

/* Build the reply schema (csv header, msgpack stream header). */
static void
build_out_schema(struct srv *s, const struct pml_column *id_col)
{
	struct pml_schema *os = &s->out_schema;
	struct pml_column *c;
	size_t i;

	if (s->o->id) {
		if (id_col) {
			c = pml_schema_add(os, s->o->id, id_col->type == PML_TYPE_VEC ? PML_TYPE_STR : id_col->type);
		} else {
			c = pml_schema_add(os, s->o->id, PML_TYPE_STR);
		}
		c->role = PML_ROLE_ID;
	}
	if (s->e->n_class == 0) {
		pml_schema_add(os, "value", PML_TYPE_FLOAT);
	} else if (s->o->top_k > 0) {
		size_t k = (size_t)s->o->top_k < s->e->n_class ? (size_t)s->o->top_k : s->e->n_class;
		char name[64];
		pml_schema_add(os, "class", PML_TYPE_STR);
		pml_schema_add(os, "index", PML_TYPE_INT);
		for (i = 0; i < k; i++) {
			snprintf(name, sizeof(name), "top%zu_class", i + 1);
			pml_schema_add(os, name, PML_TYPE_STR);
			snprintf(name, sizeof(name), "top%zu_p", i + 1);
			pml_schema_add(os, name, PML_TYPE_FLOAT);
		}
	} else {
		uint32_t dim = (uint32_t)s->e->n_class;
		pml_schema_add(os, "class", PML_TYPE_STR);
		pml_schema_add(os, "index", PML_TYPE_INT);
		c = pml_schema_add(os, "probs", PML_TYPE_VEC);
		(void)pml_column_set_vec(c, PML_ELEM_F32, 1, &dim);
		pml_column_set_slots(c, s->e->n_class, s->e->classes);
	}
	pml_schema_add(os, "error", PML_TYPE_STR);
	s->out_vals = pml_xcalloc(os->n_col, sizeof(*s->out_vals));
}

static void
fatal(struct srv *s, const char *fmt, ...) PML_PRINTF(2, 3);

/* Report an error that ends the run (pml_serve_run() returns -1). */
static void
fatal(struct srv *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!s->fatal)
		pml_error("%s: %s", in_name(s), msg);
	s->fatal = 1;
}

/*
 * Echo, csv: the header line is the request's header (s->cur_*) with the
 * prediction columns appended; s->fields still holds its fields.
 */
static void
start_echo_csv(struct srv *s)
{
	struct pml_buf *prev = s->o->csv_header;
	const char *h = s->echo.buf + s->cur_off;
	size_t f, i, n = s->cur_len;

	if (n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3)) {
		h += 3;
		n -= 3;
	}
	if (s->header_err && s->o->bad == PML_SERVE_BAD_FAIL)
		return;         /* reported; nothing will be answered */
	for (f = 0; f < s->n_field; f++)
		if (is_pred_name(s, s->f.bytes.buf + s->f.off[f], s->f.len[f])) {
			fatal(s, "CSV header: column '%s' is in the input already; choose other names "
				 "with --prefix", s->f.bytes.buf + s->f.off[f]);
			return;
		}
	pml_buf_reset(&s->reply);
	pml_buf_add(&s->reply, h, n);
	for (i = 0; i < s->n_pname; i++) {
		pml_buf_addch(&s->reply, ',');
		csv_field(&s->reply, s->pnames[i], strlen(s->pnames[i]));
	}
	pml_buf_addch(&s->reply, '\n');
	if (prev && prev->len) {
		if (prev->len != s->reply.len || memcmp(prev->buf, s->reply.buf, prev->len))
			fatal(s, "CSV header differs from the first input's");
		return;
	}
	if (prev)
		pml_buf_add(prev, s->reply.buf, s->reply.len);
	pml_out_write(s->out, s->reply.buf, s->reply.len);
	s->cur_len = 0;     /* the header is no record to echo */
}

/* Echo, msgpack: the reply schema is the request stream's with the prediction columns appended. */
static void
build_echo_schema(struct srv *s)
{
	struct pml_schema *os = &s->out_schema;
	size_t i;

	pml_schema_copy(os, &s->in_schema);
	for (i = 0; i < s->n_pname; i++) {
		if (pml_schema_find(os, s->pnames[i]) >= 0) {
			fatal(s, "stream header: column '%s' is in the input already; choose other names "
				 "with --prefix", s->pnames[i]);
			return;
		}
		pml_schema_add(os, s->pnames[i], i == 0 && s->e->n_class ? PML_TYPE_STR : PML_TYPE_FLOAT);
	}
	s->out_vals = pml_xcalloc(os->n_col, sizeof(*s->out_vals));
}

/* Start the reply stream: the csv header line or the msgpack stream header. */
static void
start_output(struct srv *s, const struct pml_column *id_col)
{
	size_t i;

	if (s->out_started)
		return;
	s->out_started = 1;
	if (s->fmt == PML_SERVE_JSON)
		return;
	if (s->fmt == PML_SERVE_MSGPACK && !s->o->force && pml_out_is_terminal(s->out)) {
		pml_error("%s", PML_TTY_REFUSAL);
		s->fatal = 1;
		return;
	}
	if (s->o->echo && s->fmt == PML_SERVE_CSV) {
		start_echo_csv(s);
		return;
	}
	if (s->o->echo) {
		build_echo_schema(s);
		if (s->fatal)
			return;
	} else {
		build_out_schema(s, id_col);
	}
	if (s->fmt == PML_SERVE_CSV) {
		pml_buf_reset(&s->reply);
		for (i = 0; i < s->out_schema.n_col; i++) {
			const struct pml_column *c = &s->out_schema.col[i];
			if (i)
				pml_buf_addch(&s->reply, ',');
			if (c->type == PML_TYPE_VEC) {
				/* the probabilities: one column per class, prob_CLASS */
				size_t k;
				for (k = 0; k < c->n_elem; k++) {
					pml_buf_reset(&s->tmp);
					pml_buf_addstr(&s->tmp, "prob_");
					pml_buf_addstr(&s->tmp, k < c->n_slot ? c->slots[k] : "");
					if (k)
						pml_buf_addch(&s->reply, ',');
					csv_field(&s->reply, s->tmp.buf, s->tmp.len);
				}
			} else {
				csv_field(&s->reply, c->name, strlen(c->name));
			}
		}
		pml_buf_addch(&s->reply, '\n');
		pml_out_write(s->out, s->reply.buf, s->reply.len);
	} else {
		struct pml_header h;
		pml_header_init(&h);
		pml_schema_copy(&h.schema, &s->out_schema);
		pml_header_add_provenance(&h, pml_cli_argc(), pml_cli_argv());
		s->w = pml_writer_new(s->out, &h);
		pml_header_release(&h);
	}
}

static void
reply_json(struct srv *s, const struct entry *en, const float *p, size_t n)
{
	struct pml_buf *b = &s->reply;

	pml_buf_reset(b);
	if (en->has_id) {
		pml_buf_addstr(b, "{\"id\":");
		pml_buf_add(b, s->ids.buf + en->id_off, en->id_len);
		pml_buf_addch(b, ',');
	}
	if (p) {
		pml_buf_reset(&s->tmp);
		s->e->format_json(s->e->ctx, &s->tmp, p, n, s->o->top_k);
		if (en->has_id && s->tmp.len > 1 && s->tmp.buf[0] == '{')
			pml_buf_add(b, s->tmp.buf + 1, s->tmp.len - 1);
		else
			pml_buf_add(b, s->tmp.buf, s->tmp.len);
	} else {
		if (!en->has_id)
			pml_buf_addch(b, '{');
		pml_buf_addstr(b, "\"error\":");
		pml_buf_add_json_str(b, s->errs.buf + en->err_off, en->err_len);
		pml_buf_addch(b, '}');
	}
	pml_buf_addch(b, '\n');
	pml_out_write(s->out, b->buf, b->len);
}

static void
reply_csv(struct srv *s, const struct entry *en, const float *p, size_t n)
{
	struct pml_buf *b = &s->reply;
	size_t i, k, nf;

	pml_buf_reset(b);
	if (s->o->id) {
		if (en->has_id)
			csv_field(b, s->ids.buf + en->id_off, en->id_len);
		pml_buf_addch(b, ',');
	}
	if (s->e->n_class == 0) {
		if (p)
			csv_num(b, p[0]);
		nf = 1;
	} else if (p) {
		size_t best = pml_metrics_argmax(p, n);
		csv_field(b, s->e->classes[best], strlen(s->e->classes[best]));
		pml_buf_addf(b, ",%zu", best);
		if (s->o->top_k > 0) {
			k = top_k(s, p, n);
			for (i = 0; i < k; i++) {
				pml_buf_addch(b, ',');
				csv_field(b, s->e->classes[s->top_i[i]], strlen(s->e->classes[s->top_i[i]]));
				pml_buf_addch(b, ',');
				csv_num(b, s->top_p[i]);
			}
		} else {
			for (i = 0; i < n; i++) {
				pml_buf_addch(b, ',');
				csv_num(b, p[i]);
			}
		}
		nf = 0;
	} else {
		k = s->o->top_k > 0 ? ((size_t)s->o->top_k < s->e->n_class ? (size_t)s->o->top_k : s->e->n_class)
				    : 0;
		nf = 2 + (s->o->top_k > 0 ? 2 * k : s->e->n_class);
	}
	/* empty fields of an error row (nf - 1 commas after the first) */
	for (i = 1; i < nf; i++)
		pml_buf_addch(b, ',');
	pml_buf_addch(b, ',');
	if (!p)
		csv_field(b, s->errs.buf + en->err_off, en->err_len);
	pml_buf_addch(b, '\n');
	pml_out_write(s->out, b->buf, b->len);
}

static void
reply_msgpack(struct srv *s, const struct entry *en, const float *p, size_t n)
{
	struct pml_value *v = s->out_vals;
	size_t j = 0, i, k;

	memset(v, 0, s->out_schema.n_col * sizeof(*v));
	if (s->o->id) {
		if (en->has_id) {
			v[0] = en->id;
			if (v[0].kind == PML_STR)
				v[0].u.s.ptr = s->ids.buf + en->id_off;
			if ((v[0].kind == PML_STR && s->out_schema.col[0].type != PML_TYPE_STR) ||
			    (v[0].kind == PML_INT && s->out_schema.col[0].type != PML_TYPE_INT) ||
			    (v[0].kind == PML_FLOAT && s->out_schema.col[0].type != PML_TYPE_FLOAT) ||
			    (v[0].kind == PML_BOOL && s->out_schema.col[0].type != PML_TYPE_BOOL))
				v[0].kind = PML_NIL;
		}
		j = 1;
	}
	if (p) {
		if (s->e->n_class == 0) {
			v[j].kind = PML_FLOAT;
			v[j].u.f = pml_f32_decimal(p[0]);   /* pml-cat prints it as the text replies do */
		} else {
			size_t best = pml_metrics_argmax(p, n);
			v[j].kind = PML_STR;
			v[j].u.s.ptr = s->e->classes[best];
			v[j].u.s.len = strlen(s->e->classes[best]);
			v[j + 1].kind = PML_INT;
			v[j + 1].u.i = (int64_t)best;
			if (s->o->top_k > 0) {
				k = top_k(s, p, n);
				for (i = 0; i < k; i++) {
					struct pml_value *c = &v[j + 2 + 2 * i];
					c->kind = PML_STR;
					c->u.s.ptr = s->e->classes[s->top_i[i]];
					c->u.s.len = strlen(c->u.s.ptr);
					c[1].kind = PML_FLOAT;
					c[1].u.f = pml_f32_decimal(s->top_p[i]);
				}
			} else {
				/* f32 little-endian: the host order on every platform we build for */
				v[j + 2].kind = PML_VEC;
				v[j + 2].u.s.ptr = (const char *)p;
				v[j + 2].u.s.len = n * 4;
			}
		}
	} else {
		struct pml_value *ev = &v[s->out_schema.n_col - 1];
		ev->kind = PML_STR;
		ev->u.s.ptr = s->errs.buf + en->err_off;
		ev->u.s.len = en->err_len;
	}
	if (pml_writer_put(s->w, v) < 0 && !s->out->err)
		PML_BUG("reply does not fit the reply schema");
}

/* Echo, csv and json: the prediction's fields (empty or null without p). */
static void
echo_preds_text(struct srv *s, const float *p, size_t n, int json)
{
	struct pml_buf *b = &s->reply;
	size_t i;

	for (i = 0; i < s->n_pname; i++) {
		if (json) {
			pml_buf_add_json_str(b, s->pnames[i], strlen(s->pnames[i]));
			pml_buf_addch(b, ':');
		}
		if (!p) {
			if (json)
				pml_buf_addstr(b, "null");
		} else if (i == 0 && s->e->n_class) {
			const char *c = s->e->classes[pml_metrics_argmax(p, n)];
			if (json)
				pml_buf_add_json_str(b, c, strlen(c));
			else
				csv_field(b, c, strlen(c));
		} else if (json && !isfinite(p[i ? i - 1 : 0])) {
			pml_buf_addstr(b, "null");
		} else {
			csv_num(b, p[i ? i - 1 : 0]);
		}
		if (i + 1 < s->n_pname)
			pml_buf_addch(b, ',');
	}
}

static void
echo_text(struct srv *s, const struct entry *en, const float *p, size_t n)
{
	struct pml_buf *b = &s->reply;
	const char *r = s->echo.buf + en->echo_off;
	size_t len = en->echo_len;

	pml_buf_reset(b);
	if (s->fmt == PML_SERVE_CSV) {
		pml_buf_add(b, r, len);
		pml_buf_addch(b, ',');
		echo_preds_text(s, p, n, 0);
	} else {
		/* a valid JSON object: insert the columns before its closing brace */
		size_t k;
		while (len && (r[len - 1] == ' ' || r[len - 1] == '\t' || r[len - 1] == '\r'))
			len--;
		pml_buf_add(b, r, len - 1);
		for (k = len - 1; k > 0 && (r[k - 1] == ' ' || r[k - 1] == '\t'); k--)
			;
		if (k > 0 && r[k - 1] != '{')
			pml_buf_addch(b, ',');
		echo_preds_text(s, p, n, 1);
		pml_buf_addch(b, '}');
	}
	pml_buf_addch(b, '\n');
	pml_out_write(s->out, b->buf, b->len);
}

static void
echo_msgpack(struct srv *s, const struct entry *en, const float *p, size_t n)
{
	const struct pml_schema *in = &s->in_schema;
	struct pml_value *v = s->out_vals;
	msgpack_object o;
	char why[128];
	size_t k, i;

	msgpack_zone_clear(&s->zone);
	if (pml_mp_decode(s->echo.buf + en->echo_off, en->echo_len, &s->zone, &o) < 0 ||
	    o.type != MSGPACK_OBJECT_ARRAY || o.via.array.size != in->n_col)
		PML_BUG("echoed record no longer decodes");
	for (k = 0; k < in->n_col; k++)
		if (pml_value_from_mp(&in->col[k], &o.via.array.ptr[k], &v[k], why, sizeof(why)) < 0)
			PML_BUG("echoed record no longer converts: %s", why);
	for (i = 0; i < s->n_pname; i++) {
		struct pml_value *x = &v[in->n_col + i];
		x->kind = PML_NIL;
		if (!p)
			continue;
		if (i == 0 && s->e->n_class) {
			const char *c = s->e->classes[pml_metrics_argmax(p, n)];
			x->kind = PML_STR;
			x->u.s.ptr = c;
			x->u.s.len = strlen(c);
		} else if (isfinite(p[i ? i - 1 : 0])) {
			x->kind = PML_FLOAT;
			x->u.f = pml_f32_decimal(p[i ? i - 1 : 0]);
		}
	}
	if (pml_writer_put(s->w, v) < 0 && !s->out->err)
		PML_BUG("echoed record does not fit the reply schema");
}

/*
 * A bad record, unless errors are replies: -1 stop (BAD_FAIL), 1 no reply
 * (BAD_SKIP, or echo of a request that cannot be written back), 0 reply
 * with empty predictions (echo, BAD_REPLY).
 */
static int
bad_record(struct srv *s, const struct entry *en)
{
	const char *msg = s->errs.buf + en->err_off;
	int len = (int)en->err_len, keep;

	if (s->o->bad == PML_SERVE_BAD_FAIL) {
		fatal(s, "%.*s", len, msg);
		return -1;
	}
	keep = s->o->bad == PML_SERVE_BAD_REPLY && en->well_formed && en->echo_len;
	if (!keep)
		s->st->skipped++;
	if (s->n_warned++ < MAX_BAD_WARNINGS)
		pml_warn("%s: %.*s (%s)", in_name(s), len, msg, keep ? "empty predictions" : "skipped");
	return keep ? 0 : 1;
}

/* Predict the batch, write its replies in order. 0, or -1 (a fatal error was reported). */
static int
emit_batch(struct srv *s)
{
	const char *why = NULL;
	int run_rc = 0;
	size_t i, n_err = 0;
	double now;

	if (!s->n_ent)
		return 0;
	if (s->e->count(s->e->ctx) > 0)
		run_rc = s->e->run(s->e->ctx, &why);
	if (!s->out_started)
		start_output(s, NULL);
	for (i = 0; i < s->n_ent && !s->fatal; i++) {
		struct entry *en = &s->ent[i];
		const float *p = NULL;
		size_t n = 0;

		if (en->ok && run_rc == 0)
			p = s->e->output(s->e->ctx, en->row, &n);
		if (!p) {
			if (en->ok) {
				en->err_off = s->errs.len;
				pml_buf_addf(&s->errs, "record %llu: prediction failed: %s",
					     (unsigned long long)en->rec_no,
					     run_rc == 0 ? PML_PREDICT_OVERFLOW : why ? why : "?");
				en->err_len = s->errs.len - en->err_off;
			}
			n_err++;
			if (s->o->echo || s->o->bad != PML_SERVE_BAD_REPLY) {
				int r = bad_record(s, en);
				if (r < 0)
					break;
				if (r > 0)
					continue;
			}
		}
		if (s->o->echo && s->fmt == PML_SERVE_MSGPACK)
			echo_msgpack(s, en, p, n);
		else if (s->o->echo)
			echo_text(s, en, p, n);
		else if (s->fmt == PML_SERVE_JSON)
			reply_json(s, en, p, n);
		else if (s->fmt == PML_SERVE_CSV)
			reply_csv(s, en, p, n);
		else
			reply_msgpack(s, en, p, n);
	}
	now = pml_now();
	s->st->requests += s->n_ent;
	s->st->errors += n_err;
	s->st->batches++;
	pml_serve_stats_add(s->st, (uint64_t)((now - s->batch_t0) * 1e9 + 0.5), s->n_ent);
	s->e->reset(s->e->ctx);
	s->n_ent = 0;
	pml_buf_reset(&s->errs);
	pml_buf_reset(&s->ids);
	pml_buf_reset(&s->echo);
	s->cur_len = 0;
	return s->fatal ? -1 : 0;
}

static struct entry *
new_entry(struct srv *s)
{
	struct entry *en = &s->ent[s->n_ent];

	if (s->n_ent == 0)
		s->batch_t0 = s->last_read;
	memset(en, 0, sizeof(*en));
	en->rec_no = ++s->rec_no;
	en->echo_off = s->cur_off;
	en->echo_len = s->cur_len;
	s->cur_len = 0;
	return en;
}

static void
entry_error(struct srv *s, struct entry *en, const char *fmt, ...) PML_PRINTF(3, 4);

static void
entry_error(struct srv *s, struct entry *en, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	en->ok = 0;
	en->err_off = s->errs.len;
	pml_buf_addf(&s->errs, "record %llu: %s", (unsigned long long)en->rec_no, msg);
	en->err_len = s->errs.len - en->err_off;
	s->n_ent++;
}

/* vals are filled: stage the record. */
static void
entry_add(struct srv *s, struct entry *en)
{
	const struct pml_schema *in = s->e->input;
	const char *why = NULL;
	size_t j;

	en->well_formed = 1;
	/* a label sent along is checked for its type, never used: serving predicts it */
	for (j = 0; j < in->n_col; j++)
		if (in->col[j].role == PML_ROLE_LABEL)
			s->vals[j].kind = PML_NIL;
	if (s->e->add(s->e->ctx, s->vals, &why) < 0) {
		entry_error(s, en, "%s", why ? why : "refused by the model");
		return;
	}
	en->ok = 1;
	en->row = s->e->count(s->e->ctx) - 1;
	s->n_ent++;
}

static void
entry_id_text(struct srv *s, struct entry *en, const char *p, size_t n)
{
	en->has_id = 1;
	en->id_off = s->ids.len;
	pml_buf_add(&s->ids, p, n);
	en->id_len = n;
}

/*
 * A column is required unless it is the label, an id or a weight, or the
 * model's chain removes it before reading it.
 */
static int
required(const struct srv *s, size_t j)
{
	return s->e->input->col[j].role == PML_ROLE_FEATURE && !(s->e->optional && s->e->optional[j]);
}

static const char *
short_text(char *dst, size_t cap, const char *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 4 < cap; i++)
		dst[k++] = ((unsigned char)p[i] < 0x20) ? '?' : p[i];
	if (i < n) {
		dst[k++] = '.';
		dst[k++] = '.';
		dst[k++] = '.';
	}
	dst[k] = '\0';
	return dst;
}

/* ---- json lines ---- */

/*
 * A JSON parser for one object per line, written for speed: values of the
 * model's columns are converted while parsing (a vec's array straight into
 * its bytes), other keys are checked and skipped. RFC 8259 syntax, UTF-8
 * checked, duplicate keys refused, nesting at most JSON_MAX_DEPTH.
 */
#define JSON_MAX_DEPTH 64

struct jp {
	const char *start, *p, *end;
	char err[160];          /* syntax error */
};

static int
jp_fail(struct jp *j, const char *what)
{
	if (!j->err[0])
		snprintf(j->err, sizeof(j->err), "invalid JSON at column %zu: %s",
			 (size_t)(j->p - j->start) + 1, what);
	return -1;
}

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

/*
 * After an element of an array (close ']') or a member of an object (close
 * '}'): 1 past a ',' (another follows), 0 past the closing bracket, -1 on
 * anything else.
 */
static int
jp_next(struct jp *j, char close)
{
	jp_ws(j);
	if (j->p < j->end && *j->p == ',') {
		j->p++;
		return 1;
	}
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	return jp_fail(j, close == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
}

static const char *
jp_kind(const struct jp *j)
{
	if (j->p >= j->end)
		return "nothing";
	switch (*j->p) {
	case '"': return "str";
	case '[': return "array";
	case '{': return "object";
	case 't':
	case 'f': return "bool";
	case 'n': return "null";
	default: return "number";
	}
}

static int
jp_lit(struct jp *j, const char *lit, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return jp_fail(j, "unexpected token");
	j->p += n;
	return 0;
}

static void
utf8_put(struct pml_buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		pml_buf_addch(b, (int)cp);
	} else if (cp < 0x800) {
		pml_buf_addch(b, (int)(0xc0 | (cp >> 6)));
		pml_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		pml_buf_addch(b, (int)(0xe0 | (cp >> 12)));
		pml_buf_addch(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		pml_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		pml_buf_addch(b, (int)(0xf0 | (cp >> 18)));
		pml_buf_addch(b, (int)(0x80 | ((cp >> 12) & 0x3f)));
		pml_buf_addch(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		pml_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/* Length of a valid UTF-8 sequence at p (its first byte >= 0x80), or 0. */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n, k;
	unsigned long cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static int
hex4(const char *p, unsigned long *v)
{
	int k;

	*v = 0;
	for (k = 0; k < 4; k++) {
		int c = p[k], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = (*v << 4) | (unsigned long)d;
	}
	return 0;
}

/* A string at p (on its quote); unescaped into out (reset first) if out is not NULL. */
static int
jp_string(struct jp *j, struct pml_buf *out)
{
	const char *run;

	if (out)
		pml_buf_reset(out);
	j->p++;
	for (;;) {
		run = j->p;
		while (j->p < j->end && *j->p != '"' && *j->p != '\\' && (unsigned char)*j->p >= 0x20 &&
		       (unsigned char)*j->p < 0x80)
			j->p++;
		if (out && j->p > run)
			pml_buf_add(out, run, (size_t)(j->p - run));
		if (j->p >= j->end)
			return jp_fail(j, "unterminated string");
		if (*j->p == '"') {
			j->p++;
			return 0;
		}
		if ((unsigned char)*j->p < 0x20)
			return jp_fail(j, "control character in a string");
		if ((unsigned char)*j->p >= 0x80) {
			size_t n = utf8_len((const unsigned char *)j->p, (const unsigned char *)j->end);
			if (!n)
				return jp_fail(j, "invalid UTF-8");
			if (out)
				pml_buf_add(out, j->p, n);
			j->p += n;
			continue;
		}
		/* an escape */
		if (j->end - j->p < 2)
			return jp_fail(j, "unterminated string");
		j->p++;
		switch (*j->p) {
		case '"': case '\\': case '/':
			if (out)
				pml_buf_addch(out, *j->p);
			j->p++;
			break;
		case 'b': if (out) pml_buf_addch(out, '\b'); j->p++; break;
		case 'f': if (out) pml_buf_addch(out, '\f'); j->p++; break;
		case 'n': if (out) pml_buf_addch(out, '\n'); j->p++; break;
		case 'r': if (out) pml_buf_addch(out, '\r'); j->p++; break;
		case 't': if (out) pml_buf_addch(out, '\t'); j->p++; break;
		case 'u': {
			unsigned long cp, lo;
			if (j->end - j->p < 5 || hex4(j->p + 1, &cp) < 0)
				return jp_fail(j, "bad \\u escape");
			j->p += 5;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || hex4(j->p + 2, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return jp_fail(j, "unpaired surrogate in a \\u escape");
				j->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return jp_fail(j, "unpaired surrogate in a \\u escape");
			}
			if (out)
				utf8_put(out, cp);
			break;
		}
		default:
			return jp_fail(j, "bad escape in a string");
		}
	}
}

/*
 * A number at p. *is_int tells whether it had no fraction and no exponent;
 * *i holds it then if it fits (else *is_int = 0); *d always holds it.
 */
static int
jp_number(struct jp *j, int *is_int, int64_t *i, double *d)
{
	const char *s = j->p;
	char tmp[128];
	int neg = 0, nd = 0;
	uint64_t v = 0;

	*is_int = 1;
	if (j->p < j->end && *j->p == '-') {
		neg = 1;
		j->p++;
	}
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return jp_fail(j, "unexpected token");
	if (*j->p == '0') {
		j->p++;
		nd = 1;
	} else {
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
			if (nd < 18)
				v = v * 10 + (uint64_t)(*j->p - '0');
			nd++;
			j->p++;
		}
	}
	if (j->p < j->end && *j->p == '.') {
		*is_int = 0;
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return jp_fail(j, "bad number");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		*is_int = 0;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return jp_fail(j, "bad number");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (*is_int && nd <= 18) {
		*i = neg ? -(int64_t)v : (int64_t)v;
		*d = (double)*i;
		return 0;
	}
	if ((size_t)(j->p - s) >= sizeof(tmp))
		return jp_fail(j, "number too long");
	memcpy(tmp, s, (size_t)(j->p - s));
	tmp[j->p - s] = '\0';
	*d = strtod(tmp, NULL);
	if (*is_int) {
		/* 19+ digits: exact only within int64 */
		char *end;
		long long ll;
		errno = 0;
		ll = strtoll(tmp, &end, 10);
		if (errno)
			*is_int = 0;
		else
			*i = ll;
	}
	return 0;
}

static int
jp_skip(struct jp *j, int depth)
{
	int is_int, rc;
	int64_t i;
	double d;

	if (depth > JSON_MAX_DEPTH)
		return jp_fail(j, "nested too deep");
	jp_ws(j);
	if (j->p >= j->end)
		return jp_fail(j, "unexpected end of line");
	switch (*j->p) {
	case '"': return jp_string(j, NULL);
	case 't': return jp_lit(j, "true", 4);
	case 'f': return jp_lit(j, "false", 5);
	case 'n': return jp_lit(j, "null", 4);
	case '[':
		j->p++;
		jp_ws(j);
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return 0;
		}
		for (;;) {
			if (jp_skip(j, depth + 1) < 0)
				return -1;
			if ((rc = jp_next(j, ']')) <= 0)
				return rc;
		}
	case '{':
		j->p++;
		jp_ws(j);
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return 0;
		}
		for (;;) {
			jp_ws(j);
			if (j->p >= j->end || *j->p != '"')
				return jp_fail(j, "expected a key");
			if (jp_string(j, NULL) < 0)
				return -1;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return jp_fail(j, "expected ':'");
			j->p++;
			if (jp_skip(j, depth + 1) < 0)
				return -1;
			if ((rc = jp_next(j, '}')) <= 0)
				return rc;
		}
	default:
		return jp_number(j, &is_int, &i, &d);
	}
}

/*
 * The value at p for input column k. 0 ok; -1 syntax error (j->err);
 * 1 a value of the wrong kind (why set; p is back at the value's start).
 */
static int
jp_column(struct srv *s, struct jp *j, size_t k, char *why, size_t why_len)
{
	const struct pml_column *c = &s->e->input->col[k];
	struct pml_value *v = &s->vals[k];
	const char *at = j->p;
	char tb[64];
	int is_int, more;
	int64_t i;
	double d;

	if (j->p >= j->end)
		return jp_fail(j, "unexpected end of line");
	if (*j->p == 'n') {
		v->kind = PML_NIL;
		return jp_lit(j, "null", 4);
	}
	switch (c->type) {
	case PML_TYPE_BOOL:
	case PML_TYPE_INT:
	case PML_TYPE_FLOAT: {
		/* the value as sent, then the rule every reader uses (pml_value_conform) */
		struct pml_value in;
		char msg[160];

		if (*j->p == 't' || *j->p == 'f') {
			in.kind = PML_BOOL;
			in.u.b = *j->p == 't';
			if (jp_lit(j, in.u.b ? "true" : "false", in.u.b ? 4 : 5) < 0)
				return -1;
		} else if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
			if (jp_number(j, &is_int, &i, &d) < 0)
				return -1;
			in.kind = is_int ? PML_INT : PML_FLOAT;
			if (is_int)
				in.u.i = i;
			else
				in.u.f = d;
		} else {
			goto mismatch;
		}
		if (pml_value_conform(c, &in, v, msg, sizeof(msg)) < 0) {
			snprintf(why, why_len, "column '%s': %s", c->name, msg);
			return 1;
		}
		return 0;
	}
	case PML_TYPE_STR:
		if (*j->p != '"')
			goto mismatch;
		if (jp_string(j, &s->strs[k]) < 0)
			return -1;
		v->kind = PML_STR;
		v->u.s.ptr = s->strs[k].buf;
		v->u.s.len = s->strs[k].len;
		return 0;
	case PML_TYPE_VEC: {
		unsigned char *dst = s->scratch[k];
		size_t n = 0;
		if (*j->p != '[')
			goto mismatch;
		j->p++;
		jp_ws(j);
		if (j->p < j->end && *j->p == ']') {
			j->p++;
		} else {
			for (;;) {
				jp_ws(j);
				if (j->p >= j->end)
					return jp_fail(j, "unexpected end of line");
				if (c->elem == PML_ELEM_U8 && *j->p >= '0' && *j->p <= '9' && n < c->n_elem) {
					/* fast path: a plain integer of up to 3 digits */
					const char *q = j->p;
					unsigned x = (unsigned)(*q++ - '0');
					if (x)
						while (q < j->end && *q >= '0' && *q <= '9' && x < 1000)
							x = x * 10 + (unsigned)(*q++ - '0');
					if (x <= 255 && (q >= j->end || ((*q < '0' || *q > '9') && *q != '.' &&
									*q != 'e' && *q != 'E'))) {
						dst[n++] = (unsigned char)x;
						j->p = q;
						if (q < j->end && *q == ',') {
							j->p++;
							continue;
						}
						goto sep;
					}
				}
				if (*j->p != '-' && (*j->p < '0' || *j->p > '9')) {
					if (jp_skip(j, 1) < 0)
						return -1;
					snprintf(why, why_len, "column '%s': element %zu: expected a number",
						 c->name, n);
					j->p = at;
					return 1;
				}
				if (jp_number(j, &is_int, &i, &d) < 0)
					return -1;
				if (n < c->n_elem) {
					if (c->elem == PML_ELEM_U8) {
						if (!is_int || i < 0 || i > 255) {
							snprintf(why, why_len, "column '%s': element %zu: expected "
								 "an integer 0..255", c->name, n);
							j->p = at;
							return 1;
						}
						dst[n] = (unsigned char)i;
					} else {
						float f;
						if (!isfinite(d) || fabs(d) > FLT_MAX) {
							snprintf(why, why_len, "column '%s': element %zu: expected "
								 "a finite number", c->name, n);
							j->p = at;
							return 1;
						}
						f = (float)d;
						memcpy(dst + 4 * n, &f, 4);
					}
				}
				n++;
sep:
				if ((more = jp_next(j, ']')) < 0)
					return -1;
				if (!more)
					break;
			}
		}
		if (n != c->n_elem) {
			snprintf(why, why_len, "column '%s': %zu elements, expected %zu", c->name, n, c->n_elem);
			j->p = at;
			return 1;
		}
		v->kind = PML_VEC;
		v->u.s.ptr = (const char *)dst;
		v->u.s.len = c->n_elem * pml_elem_size(c->elem);
		return 0;
	}
	}
mismatch:
	snprintf(why, why_len, "column '%s': expected %s, got %s", c->name,
		 pml_column_type_str(c, tb, sizeof(tb)), jp_kind(j));
	return 1;
}

static void
json_line(struct srv *s, const char *p, size_t n)
{
	const struct pml_schema *in = s->e->input;
	struct entry *en = new_entry(s);
	struct jp j;
	char why[512], first[512];
	size_t k;
	int bad = 0, clash = 0;

	j.start = j.p = p;
	j.end = p + n;
	j.err[0] = '\0';
	first[0] = '\0';
	memset(s->seen, 0, in->n_col);
	jp_ws(&j);
	if (j.p >= j.end || *j.p != '{') {
		if (j.p < j.end && jp_skip(&j, 0) == 0) {
			jp_ws(&j);
			if (j.p == j.end) {
				j.p = j.start;
				jp_ws(&j);
				entry_error(s, en, "expected a JSON object, got %s", jp_kind(&j));
				return;
			}
			jp_fail(&j, "unexpected text after the value");
		}
		jp_fail(&j, "expected a JSON object");
		entry_error(s, en, "%s", j.err);
		return;
	}
	j.p++;
	jp_ws(&j);
	if (j.p < j.end && *j.p == '}') {
		j.p++;
	} else {
		for (;;) {
			const char *vstart;
			int ci = -1, rc;
			jp_ws(&j);
			if (j.p >= j.end || *j.p != '"') {
				jp_fail(&j, "expected a key");
				goto syntax;
			}
			if (jp_string(&j, &s->key) < 0)
				goto syntax;
			jp_ws(&j);
			if (j.p >= j.end || *j.p != ':') {
				jp_fail(&j, "expected ':'");
				goto syntax;
			}
			j.p++;
			jp_ws(&j);
			vstart = j.p;
			if (strlen(s->key.buf) == s->key.len)
				ci = (int)pml_nameidx_get(&s->names, s->key.buf);
			if (s->n_pname && is_pred_name(s, s->key.buf, s->key.len) && !clash) {
				/* first: the name clash is the reason given */
				snprintf(first, sizeof(first), "column '%s' is in the record already; choose "
					 "other names with --prefix", s->key.buf);
				bad = clash = 1;
			}
			if (ci >= 0) {
				if (s->seen[ci]) {
					jp_fail(&j, "duplicate key");
					goto syntax;
				}
				s->seen[ci] = 1;
				rc = jp_column(s, &j, (size_t)ci, why, sizeof(why));
				if (rc < 0)
					goto syntax;
				if (rc > 0) {
					if (!bad)
						snprintf(first, sizeof(first), "%s", why);
					bad = 1;
					j.p = vstart;
					if (jp_skip(&j, 1) < 0)
						goto syntax;
				}
			} else if (jp_skip(&j, 1) < 0) {
				goto syntax;
			}
			if (s->o->id && !strcmp(s->key.buf, s->o->id) && !en->has_id)
				entry_id_text(s, en, vstart, (size_t)(j.p - vstart));
			if ((rc = jp_next(&j, '}')) < 0)
				goto syntax;
			if (!rc)
				break;
		}
	}
	jp_ws(&j);
	if (j.p != j.end) {
		jp_fail(&j, "unexpected text after the object");
		goto syntax;
	}
	en->well_formed = !clash;       /* written back, it would hold the key twice */
	if (bad) {
		entry_error(s, en, "%s", first);
		return;
	}
	for (k = 0; k < in->n_col; k++)
		if (!s->seen[k]) {
			if (required(s, k)) {
				entry_error(s, en, "column '%s': missing", in->col[k].name);
				return;
			}
			s->vals[k].kind = PML_NIL;
		}
	entry_add(s, en);
	return;
syntax:
	entry_error(s, en, "%s", j.err);
}

/* ---- csv lines ---- */

static void
set_header_err(struct srv *s, const char *fmt, ...) PML_PRINTF(2, 3);

static void
set_header_err(struct srv *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (s->header_err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->header_err = pml_xstrdup(msg);
	if (s->o->echo)
		pml_error("%s: %s", in_name(s), msg);
	else
		pml_error("%s", msg);
}

static void
csv_header(struct srv *s, const char *p, size_t n)
{
	const struct pml_schema *in = s->e->input;
	const char *why;
	size_t f, j, k, n_head;
	char **names;

	s->have_header = 1;
	if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
		p += 3;
		n -= 3;
	}
	if (pml_csv_split_line(&s->f, p, n, ',', &why) < 0) {
		set_header_err(s, "CSV header: %s", why);
		return;
	}
	n_head = s->n_field = s->f.n;
	for (j = 0; j < in->n_col; j++) {
		s->field_of[j] = -1;
		if (s->elem_field[j])
			for (k = 0; k < in->col[j].n_elem; k++)
				s->elem_field[j][k] = -1;
	}
	s->id_field = -1;
	names = pml_xcalloc(n_head, sizeof(*names));
	for (f = 0; f < n_head; f++)
		names[f] = s->f.bytes.buf + s->f.off[f];
	for (f = 0; f < n_head; f++) {
		const char *name = names[f], *br;
		int ci;

		if (s->o->id && !strcmp(name, s->o->id))
			s->id_field = (long)f;
		if ((ci = pml_schema_find(in, name)) >= 0 && in->col[ci].type != PML_TYPE_VEC) {
			if (s->field_of[ci] >= 0)
				set_header_err(s, "CSV header: column '%s' appears twice", name);
			s->field_of[ci] = (long)f;
			continue;
		}
		br = strchr(name, '[');
		if (br && br > name && name[strlen(name) - 1] == ']') {
			char base[256];
			char *end;
			unsigned long idx;
			size_t bl = (size_t)(br - name);
			if (bl >= sizeof(base))
				continue;
			memcpy(base, name, bl);
			base[bl] = '\0';
			ci = pml_schema_find(in, base);
			if (ci < 0 || in->col[ci].type != PML_TYPE_VEC)
				continue;
			errno = 0;
			idx = strtoul(br + 1, &end, 10);
			if (errno || end == br + 1 || *end != ']' || end[1] || idx >= in->col[ci].n_elem)
				continue;
			if (s->elem_field[ci][idx] >= 0)
				set_header_err(s, "CSV header: column '%s' appears twice", name);
			s->elem_field[ci][idx] = (long)f;
		}
	}
	for (j = 0; j < in->n_col; j++) {
		const struct pml_column *c = &in->col[j];
		if (c->type == PML_TYPE_VEC) {
			size_t have = 0;
			for (k = 0; k < c->n_elem; k++)
				have += s->elem_field[j][k] >= 0;
			if (have == 0 && !required(s, j))
				continue;
			for (k = 0; k < c->n_elem; k++)
				if (s->elem_field[j][k] < 0) {
					set_header_err(s, "CSV header: column '%s[%zu]' missing", c->name, k);
					break;
				}
		} else if (s->field_of[j] < 0 && required(s, j)) {
			set_header_err(s, "CSV header: column '%s' missing", c->name);
		}
	}
	if (s->o->id && s->id_field < 0 && !s->warned_id) {
		s->warned_id = 1;
		pml_warn("CSV header has no id column '%s'", s->o->id);
	}
	free(names);
	s->n_field = n_head;
	start_output(s, NULL);
}

static int
csv_value(struct srv *s, size_t j, const char *t, size_t n, char *why, size_t why_len)
{
	const struct pml_column *c = &s->e->input->col[j];
	char msg[128];

	int rc = pml_csv_value(c, t, n, s->na, &s->vals[j], msg, sizeof(msg));

	if (rc == 0)
		return 0;
	if (rc == -1 && (c->type == PML_TYPE_BOOL || c->type == PML_TYPE_INT || c->type == PML_TYPE_FLOAT)) {
		/* not of the column's own spelling: the value as sent, then the
		 * rule every reader uses (pml_value_conform), e.g. 3.0 for an int */
		struct pml_value in;
		char cm[160];
		int64_t iv;
		double fv;
		int k = pml_csv_number(t, n, &iv, &fv);

		if (k == 1) {
			in.kind = PML_INT;
			in.u.i = iv;
		} else if (k == 2) {
			in.kind = PML_FLOAT;
			in.u.f = fv;
		} else {
			goto bad;
		}
		if (pml_value_conform(c, &in, &s->vals[j], cm, sizeof(cm)) == 0)
			return 0;
		snprintf(why, why_len, "column '%s': %s", c->name, cm);
		return -1;
	}
bad:
	snprintf(why, why_len, "column '%s': %s", c->name, msg);
	return -1;
}

static int
csv_vec(struct srv *s, size_t j, char *why, size_t why_len)
{
	const struct pml_column *c = &s->e->input->col[j];
	unsigned char *dst = s->scratch[j];
	size_t k, n_missing = 0;
	char sh[48];

	for (k = 0; k < c->n_elem; k++) {
		long f = s->elem_field[j][k];
		const char *t;
		size_t n;
		double d;
		int64_t i;

		if (f < 0)
			return -1;
		t = s->f.bytes.buf + s->f.off[f];
		n = s->f.len[f];
		if (pml_csv_na_match(s->na, t, n)) {
			n_missing++;
			continue;
		}
		if (c->elem == PML_ELEM_U8) {
			if (pml_csv_number(t, n, &i, &d) != 1 || i < 0 || i > 255) {
				snprintf(why, why_len, "column '%s[%zu]': expected an integer 0..255, got '%s'",
					 c->name, k, short_text(sh, sizeof(sh), t, n));
				return -1;
			}
			dst[k] = (unsigned char)i;
		} else {
			float x;
			if (!pml_csv_number(t, n, &i, &d) || fabs(d) > FLT_MAX) {
				snprintf(why, why_len, "column '%s[%zu]': expected a finite number, got '%s'",
					 c->name, k, short_text(sh, sizeof(sh), t, n));
				return -1;
			}
			x = (float)d;
			memcpy(dst + 4 * k, &x, 4);
		}
	}
	if (n_missing == c->n_elem) {
		s->vals[j].kind = PML_NIL;
		return 0;
	}
	if (n_missing) {
		snprintf(why, why_len, "column '%s': %zu of %zu elements missing", c->name, n_missing,
			 c->n_elem);
		return -1;
	}
	s->vals[j].kind = PML_VEC;
	s->vals[j].u.s.ptr = (const char *)dst;
	s->vals[j].u.s.len = c->n_elem * pml_elem_size(c->elem);
	return 0;
}

static void
csv_line(struct srv *s, const char *p, size_t n)
{
	const struct pml_schema *in = s->e->input;
	struct entry *en;
	const char *why;
	size_t j, n_head = s->n_field;
	char msg[512];

	if (!s->have_header) {
		csv_header(s, p, n);
		/* keep the header's field count: csv_split of records overwrites n_field */
		s->in_n_col = s->n_field;
		return;
	}
	n_head = s->in_n_col;
	en = new_entry(s);
	if (s->header_err) {
		entry_error(s, en, "%s", s->header_err);
		return;
	}
	if (pml_csv_split_line(&s->f, p, n, ',', &why) < 0) {
		entry_error(s, en, "invalid CSV: %s", why);
		return;
	}
	if (s->id_field >= 0 && (size_t)s->id_field < s->f.n)
		entry_id_text(s, en, s->f.bytes.buf + s->f.off[s->id_field], s->f.len[s->id_field]);
	if (s->f.n != n_head) {
		entry_error(s, en, "%zu fields, the header has %zu", s->f.n, n_head);
		return;
	}
	if (memchr(p, '\0', n)) {
		/* refused in any field, as pml-collect does */
		size_t f;
		for (f = 0; f < s->f.n; f++)
			if (memchr(s->f.bytes.buf + s->f.off[f], '\0', s->f.len[f]))
				break;
		for (j = 0; j < in->n_col; j++)
			if (s->field_of[j] == (long)f)
				break;
		if (j < in->n_col)
			entry_error(s, en, "column '%s': NUL byte in field", in->col[j].name);
		else
			entry_error(s, en, "field %zu: NUL byte in field", f + 1);
		return;
	}
	en->well_formed = 1;
	for (j = 0; j < in->n_col; j++) {
		const struct pml_column *c = &in->col[j];
		if (c->type == PML_TYPE_VEC) {
			if (s->elem_field[j][0] < 0) {
				s->vals[j].kind = PML_NIL;
				continue;
			}
			if (csv_vec(s, j, msg, sizeof(msg)) < 0) {
				entry_error(s, en, "%s", msg);
				return;
			}
		} else if (s->field_of[j] < 0) {
			s->vals[j].kind = PML_NIL;
		} else {
			long f = s->field_of[j];
			if (csv_value(s, j, s->f.bytes.buf + s->f.off[f], s->f.len[f], msg, sizeof(msg)) < 0) {
				entry_error(s, en, "%s", msg);
				return;
			}
		}
	}
	entry_add(s, en);
}

/* ---- msgpack stream ---- */

static int
mp_header(struct srv *s, const msgpack_object *o)
{
	const struct pml_schema *in = s->e->input;
	struct pml_header h;
	size_t j;
	char why[256];

	if (pml_header_decode(&h, o, in_name(s)) < 0)
		return -1;
	if (s->o->echo && s->out_started && !pml_schema_equal(&h.schema, &s->in_schema, why, sizeof(why))) {
		pml_header_release(&h);
		fatal(s, "stream header: the columns differ from the first header's");
		return -1;
	}
	free(s->header_err);
	s->header_err = NULL;
	pml_schema_release(&s->in_schema);
	pml_schema_copy(&s->in_schema, &h.schema);
	pml_header_release(&h);
	s->in_n_col = s->in_schema.n_col;
	s->id_field = s->o->id ? pml_schema_find(&s->in_schema, s->o->id) : -1;
	for (j = 0; j < in->n_col; j++) {
		const struct pml_column *c = &in->col[j];
		int k = pml_schema_find(&s->in_schema, c->name);
		s->field_of[j] = k;
		if (k < 0) {
			if (required(s, j))
				set_header_err(s, "stream header: column '%s' missing", c->name);
			continue;
		}
		if (pml_column_conform(c, &s->in_schema.col[k], "the model", why, sizeof(why)) < 0)
			set_header_err(s, "stream header: %s", why);
	}
	if (s->o->id && s->id_field < 0 && !s->warned_id) {
		s->warned_id = 1;
		pml_warn("stream has no id column '%s'", s->o->id);
	}
	s->have_header = 1;
	s->after_trailer = 0;
	if (!s->out_started) {
		int mi = s->o->id ? pml_schema_find(in, s->o->id) : -1;
		start_output(s, mi >= 0 ? &in->col[mi] : s->id_field >= 0 ? &s->in_schema.col[s->id_field] : NULL);
	}
	return 0;
}

static int
mp_value(struct srv *s, size_t j, const msgpack_object *o, char *why, size_t why_len)
{
	const struct pml_column *c = &s->e->input->col[j];
	char msg[128];

	if (pml_value_from_mp(c, o, &s->vals[j], msg, sizeof(msg)) == 0)
		return 0;
	snprintf(why, why_len, "column '%s': %s", c->name, msg);
	return -1;
}

static void
mp_id(struct srv *s, struct entry *en, const msgpack_object *o)
{
	en->has_id = 1;
	switch (o->type) {
	case MSGPACK_OBJECT_BOOLEAN:
		en->id.kind = PML_BOOL;
		en->id.u.b = o->via.boolean;
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		if (pml_mp_i64(o, &en->id.u.i) == 0)
			en->id.kind = PML_INT;
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		en->id.kind = PML_FLOAT;
		en->id.u.f = o->via.f64;
		break;
	case MSGPACK_OBJECT_STR:
		en->id.kind = PML_STR;
		en->id_off = s->ids.len;
		en->id_len = o->via.str.size;
		en->id.u.s.len = o->via.str.size;
		pml_buf_add(&s->ids, o->via.str.ptr, o->via.str.size);
		break;
	default:
		en->has_id = 0;
		break;
	}
}

static void
mp_record(struct srv *s, const msgpack_object *arr)
{
	const struct pml_schema *in = s->e->input;
	struct entry *en = new_entry(s);
	char why[512];
	size_t j;

	if (arr->type != MSGPACK_OBJECT_ARRAY) {
		entry_error(s, en, "expected a record (array), got %s", pml_mp_kind_name(arr));
		return;
	}
	if (arr->via.array.size != s->in_n_col) {
		entry_error(s, en, "%u values for %zu columns", arr->via.array.size, s->in_n_col);
		return;
	}
	if (s->id_field >= 0)
		mp_id(s, en, &arr->via.array.ptr[s->id_field]);
	if (s->header_err) {
		entry_error(s, en, "%s", s->header_err);
		return;
	}
	if (s->o->echo) {
		/* the whole record is written back: every value must fit its column */
		struct pml_value tmp;
		for (j = 0; j < s->in_n_col; j++)
			if (pml_value_from_mp(&s->in_schema.col[j], &arr->via.array.ptr[j], &tmp, why,
					      sizeof(why)) < 0) {
				char msg[600];
				snprintf(msg, sizeof(msg), "column '%s': %s", s->in_schema.col[j].name, why);
				entry_error(s, en, "%s", msg);
				return;
			}
		en->well_formed = 1;
	}
	for (j = 0; j < in->n_col; j++) {
		long k = s->field_of[j];
		if (k < 0) {
			s->vals[j].kind = PML_NIL;
			continue;
		}
		if (mp_value(s, j, &arr->via.array.ptr[k], why, sizeof(why)) < 0) {
			entry_error(s, en, "%s", why);
			return;
		}
	}
	entry_add(s, en);
}

/* One framed message. 0, or -1 (fatal, message printed). */
static int
mp_message(struct srv *s, const char *p, size_t n, uint64_t at)
{
	msgpack_object o;

	if (pml_mp_is_sync_marker(p, n))
		return 0;
	msgpack_zone_clear(&s->zone);
	if (pml_mp_decode(p, n, &s->zone, &o) < 0)
		return pml_error("%s: byte offset %llu: corrupt message", in_name(s), (unsigned long long)at);
	if (o.type == MSGPACK_OBJECT_MAP && pml_mp_get(&o, "format"))
		return mp_header(s, &o);
	if (!s->have_header)
		return pml_error("%s: byte offset %llu: expected a stream header, got %s",
				 in_name(s), (unsigned long long)at, pml_mp_kind_name(&o));
	if (o.type == MSGPACK_OBJECT_MAP && pml_mp_get(&o, "records")) {
		s->after_trailer = 1;
		return 0;
	}
	if (s->after_trailer)
		return pml_error("%s: byte offset %llu: %s after a trailer, expected a stream header",
				 in_name(s), (unsigned long long)at, pml_mp_kind_name(&o));
	if (s->o->echo) {
		s->cur_off = s->echo.len;
		s->cur_len = n;
		pml_buf_add(&s->echo, p, n);
	}
	mp_record(s, &o);
	return 0;
}

/* ---- framing ---- */

/*
 * The input format from the first bytes, by the rule pml-collect and
 * pml-eval use (pml_format_sniff): a stream (msgpack, also when it starts
 * with a sync marker), JSON lines, else CSV. AUTO: not known yet.
 */
static enum pml_serve_format
detect(const char *p, size_t n, int at_end)
{
	switch (pml_format_sniff(p, n, at_end || n >= 64 * 1024)) {
	case PML_FMT_NONE:
		return PML_SERVE_AUTO;
	case PML_FMT_STREAM:
		return PML_SERVE_MSGPACK;
	case PML_FMT_JSONL:
		return PML_SERVE_JSON;
	default:
		return PML_SERVE_CSV;
	}
}

static void
line(struct srv *s, const char *p, size_t n)
{
	size_t k;

	if (n && p[n - 1] == '\r')
		n--;
	for (k = 0; k < n; k++)
		if (p[k] != ' ' && p[k] != '\t')
			break;
	if (k == n)
		return;         /* blank lines are not requests */
	if (s->o->echo) {
		s->cur_off = s->echo.len;
		s->cur_len = n;
		pml_buf_add(&s->echo, p, n);
	}
	if (s->fmt == PML_SERVE_JSON)
		json_line(s, p, n);
	else
		csv_line(s, p, n);
}

/*
 * Take every complete request from the buffer; a full batch is answered
 * on the way. 0, or -1 on a fatal error.
 */
static int
take_requests(struct srv *s)
{
	if (s->fmt == PML_SERVE_AUTO) {
		s->fmt = s->o->format != PML_SERVE_AUTO ? s->o->format
			 : detect(s->buf + s->pos, s->len - s->pos, s->eof);
		if (s->fmt == PML_SERVE_AUTO) {
			if (!s->eof)
				return 0;
			s->fmt = PML_SERVE_JSON;
		}
	}
	s->st->format = s->fmt;
	for (;;) {
		if (s->fatal)
			return -1;
		if (s->o->echo && s->header_err && s->o->bad == PML_SERVE_BAD_FAIL)
			return -1;      /* reported: no record can be answered */
		if (s->n_ent >= s->max_batch && emit_batch(s) < 0)
			return -1;
		if (s->fmt == PML_SERVE_MSGPACK) {
			size_t mlen;
			const char *why;
			int rc = pml_mp_frame(s->buf + s->pos, s->len - s->pos, s->o->max_message,
					      PML_MP_MAX_DEPTH, &mlen, &why);
			if (rc == 0) {
				if (s->eof && s->len > s->pos)
					return pml_error("%s: truncated stream: input ends inside a message "
							 "(%zu bytes after record %llu)", in_name(s), s->len - s->pos,
							 (unsigned long long)s->rec_no);
				return 0;
			}
			if (rc < 0)
				return pml_error("%s: byte offset %llu (after record %llu): corrupt stream: "
						 "%s; cannot resynchronise", in_name(s),
						 (unsigned long long)(s->consumed + s->pos),
						 (unsigned long long)s->rec_no, why);
			s->pos += mlen;
			if (mp_message(s, s->buf + s->pos - mlen, mlen, s->consumed + s->pos - mlen) < 0)
				return -1;
		} else {
			char *nl = memchr(s->buf + s->scanned, '\n', s->len - s->scanned);
			if (!nl) {
				s->scanned = s->len;
				if (s->skipping) {
					s->pos = s->scanned = s->len;
					return 0;
				}
				if (s->len - s->pos > s->o->max_line) {
					struct entry *en = new_entry(s);
					entry_error(s, en, "line longer than %zu bytes", s->o->max_line);
					s->skipping = 1;
					s->pos = s->scanned = s->len;
					return 0;
				}
				if (s->eof && s->len > s->pos) {
					line(s, s->buf + s->pos, s->len - s->pos);
					s->pos = s->scanned = s->len;
				}
				return 0;
			}
			{
				size_t start = s->pos, n = (size_t)(nl - (s->buf + s->pos));
				s->pos = s->scanned = (size_t)(nl - s->buf) + 1;
				if (s->skipping) {
					s->skipping = 0;
					continue;
				}
				if (n > s->o->max_line) {
					struct entry *en = new_entry(s);
					entry_error(s, en, "line longer than %zu bytes", s->o->max_line);
					continue;
				}
				line(s, s->buf + start, n);
			}
		}
	}
}

/* Read once. 1 data, 0 end of input, 2 interrupted or nothing yet, -1 error. */
static int
fill(struct srv *s)
{
	ssize_t got;

	if (s->pos > 0) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->consumed += s->pos;
		s->len -= s->pos;
		s->scanned -= s->pos;
		s->pos = 0;
	}
	if (s->cap - s->len < READ_CHUNK / 4) {
		s->cap = s->len + READ_CHUNK;
		s->buf = pml_xrealloc(s->buf, s->cap);
	}
	got = read(s->fd, s->buf + s->len, s->cap - s->len);
	if (got < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 2;
		return pml_error_errno("%s: read error", in_name(s));
	}
	s->last_read = pml_now();
	s->last_got = (size_t)(got > 0 ? got : 0);
	if (got == 0) {
		s->eof = 1;
		return 0;
	}
	s->len += (size_t)got;
	return 1;
}

/* 1 if fd has data (or end of input) waiting; 0 if a read would block; 2 interrupted. */
static int
readable(int fd, int timeout)
{
	struct pollfd pf[2];
	int rc;

	pf[0].fd = fd;
	pf[0].events = POLLIN;
	pf[0].revents = 0;
	pf[1].fd = sig_pipe[0];     /* ignored by poll() when -1 */
	pf[1].events = POLLIN;
	pf[1].revents = 0;
	rc = poll(pf, 2, timeout);
	if (rc < 0)
		return errno == EINTR ? 2 : 1;    /* let read() report other errors */
	if (pf[1].revents & POLLIN) {
		char drain[64];
		while (read(sig_pipe[0], drain, sizeof(drain)) > 0)
			;
		return 2;
	}
	return rc > 0 && (pf[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL));
}

static void
between_batches(struct srv *s)
{
	if (want_reload) {
		want_reload = 0;
		if (!s->e->reload) {
			pml_warn("SIGHUP: this engine cannot reload");
		} else if (s->e->reload(s->e) == 0) {
			s->st->reloads++;
			/* the names now live in the new model */
			pml_nameidx_release(&s->names);
			pml_nameidx_init(&s->names);
			pml_nameidx_schema(&s->names, s->e->input);
		} else {
			s->st->reload_failures++;
		}
	}
	if (want_stats) {
		want_stats = 0;
		pml_serve_stats_report(s->st);
	}
}

static void
srv_init(struct srv *s, struct pml_serve_engine *e, const struct pml_serve_opts *o, int fd,
	 struct pml_out *out, struct pml_serve_stats *st)
{
	const struct pml_schema *in = e->input;
	size_t j, n = in->n_col ? in->n_col : 1;

	memset(s, 0, sizeof(*s));
	s->e = e;
	s->o = o;
	s->fd = fd;
	s->out = out;
	s->st = st;
	s->fmt = PML_SERVE_AUTO;
	s->max_batch = o->max_batch ? o->max_batch : PML_SERVE_MAX_BATCH;
	s->ent = pml_xcalloc(s->max_batch, sizeof(*s->ent));
	s->vals = pml_xcalloc(n, sizeof(*s->vals));
	s->scratch = pml_xcalloc(n, sizeof(*s->scratch));
	s->strs = pml_xcalloc(n, sizeof(*s->strs));
	s->seen = pml_xcalloc(n, 1);
	pml_nameidx_init(&s->names);
	pml_nameidx_schema(&s->names, e->input);
	for (j = 0; j < n; j++)
		pml_buf_init(&s->strs[j], 0);
	pml_buf_init(&s->key, 0);
	s->field_of = pml_xcalloc(n, sizeof(*s->field_of));
	s->elem_field = pml_xcalloc(n, sizeof(*s->elem_field));
	for (j = 0; j < in->n_col; j++)
		if (in->col[j].type == PML_TYPE_VEC) {
			s->scratch[j] = pml_xmalloc(in->col[j].n_elem * 4 + 1);
			s->elem_field[j] = pml_xcalloc(in->col[j].n_elem, sizeof(long));
		}
	s->id_field = -1;
	pml_buf_init(&s->errs, 0);
	pml_buf_init(&s->ids, 0);
	pml_buf_init(&s->reply, 0);
	pml_buf_init(&s->tmp, 0);
	s->f = (struct pml_csv_fields)PML_CSV_FIELDS_INIT;
	s->na = pml_csv_na_new(NULL);
	msgpack_zone_init(&s->zone, 4096);
	pml_schema_init(&s->in_schema);
	pml_schema_init(&s->out_schema);
	s->top_p = pml_xcalloc(e->n_class + 1, sizeof(*s->top_p));
	s->top_i = pml_xcalloc(e->n_class + 1, sizeof(*s->top_i));
	pml_buf_init(&s->echo, 0);
	if (o->echo) {
		const char *pre = o->prefix ? o->prefix : "";
		struct pml_buf name = PML_BUF_INIT;
		s->n_pname = 1 + e->n_class;
		s->pnames = pml_xcalloc(s->n_pname, sizeof(*s->pnames));
		for (j = 0; j < s->n_pname; j++) {
			pml_buf_addf(&name, "%s%s%s", pre, j ? "prob_" : "predicted", j ? e->classes[j - 1] : "");
			s->pnames[j] = pml_buf_detach(&name, NULL);
		}
	}
}

static void
srv_release(struct srv *s)
{
	size_t j;

	for (j = 0; j < s->e->input->n_col; j++) {
		free(s->scratch[j]);
		free(s->elem_field[j]);
		pml_buf_release(&s->strs[j]);
	}
	free(s->strs);
	free(s->seen);
	pml_nameidx_release(&s->names);
	pml_buf_release(&s->key);
	free(s->scratch);
	free(s->elem_field);
	free(s->field_of);
	free(s->vals);
	free(s->ent);
	free(s->buf);
	free(s->header_err);
	free(s->out_vals);
	free(s->top_p);
	free(s->top_i);
	pml_buf_release(&s->echo);
	pml_cli_list_free(s->pnames, s->n_pname);
	pml_buf_release(&s->errs);
	pml_buf_release(&s->ids);
	pml_buf_release(&s->reply);
	pml_buf_release(&s->tmp);
	pml_csv_fields_release(&s->f);
	pml_csv_na_free(s->na);
	msgpack_zone_destroy(&s->zone);
	pml_schema_release(&s->in_schema);
	pml_schema_release(&s->out_schema);
	pml_writer_free(s->w);
}

int
pml_serve_run(struct pml_serve_engine *e, const struct pml_serve_opts *o, int in_fd,
	      struct pml_out *out, struct pml_serve_stats *st)
{
	struct srv s;
	int rc = 0, r;

	srv_init(&s, e, o, in_fd, out, st);
	while (!want_stop && !s.eof) {
		between_batches(&s);
		if (want_stop)
			break;
		r = readable(in_fd, -1);
		if (r == 2 || r == 0)
			continue;
		r = fill(&s);
		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 2)
			continue;
		/* Take what is there, and whatever else arrives without waiting. */
		for (;;) {
			if (take_requests(&s) < 0) {
				rc = -1;
				break;
			}
			/*
			 * A steady trickle of small reads must not hold replies back:
			 * answer within MAX_HOLD. A flood (big reads: the client is
			 * ahead) fills whole batches, as pml-eval forms them.
			 */
			if (s.eof || want_stop || want_reload || want_stats ||
			    (s.n_ent && s.last_got < FLOOD_READ && pml_now() - s.batch_t0 > MAX_HOLD) ||
			    readable(in_fd, 0) != 1)
				break;
			r = fill(&s);
			if (r < 0) {
				rc = -1;
				break;
			}
		}
		if (emit_batch(&s) < 0)
			rc = -1;
		if (pml_out_flush(out) < 0 || out->err) {
			rc = -1;
			break;
		}
		if (rc < 0)
			break;
	}
	if (rc == 0 && (s.fatal || (o->echo && s.header_err && o->bad == PML_SERVE_BAD_FAIL)))
		rc = -1;
	if (rc == 0 && emit_batch(&s) < 0)
		rc = -1;
	if (rc == 0) {
		if (s.w)
			pml_writer_finish(s.w, NULL, 0);
	}
	if (pml_out_flush(out) < 0 || out->err)
		rc = -1;
	srv_release(&s);
	return rc;
}
