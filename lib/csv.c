/* csv.c: CSV/TSV input over libcsv (strict), with type inference. */
#include <csv.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/csv.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/nameidx.h"
#include "pml/schema.h"

#define BLOCK (64 * 1024)
#define ROW_MAX_MIN ((size_t)16 << 20)

/* ---- numbers and text ---- */

static const double pow10_tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* strtod on a bounded copy (the C locale is set by pml_cli_init). */
static int
slow_double(const char *s, size_t n, double *f)
{
	char tmp[512];
	char *end;

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*f = strtod(tmp, &end);
	if (end != tmp + n)
		return -1;
	return isfinite(*f) ? 0 : -1;
}

int
pml_csv_number(const char *s, size_t n, int64_t *i, double *f)
{
	const char *p = s, *end = s + n, *ds;
	uint64_t m = 0;
	int neg = 0, sig = 0, inexact = 0, is_float = 0;
	long exp10 = 0, e = 0;
	size_t n_int, n_frac = 0;

	if (p < end && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
	}
	ds = p;
	while (p < end && (unsigned)(*p - '0') < 10) {
		unsigned d = (unsigned)(*p - '0');
		if (sig < 19) {
			m = m * 10 + d;
			if (m)
				sig++;
		} else {
			exp10++;
			inexact |= d != 0;
		}
		p++;
	}
	n_int = (size_t)(p - ds);
	if (p < end && *p == '.') {
		const char *fs = ++p;
		is_float = 1;
		while (p < end && (unsigned)(*p - '0') < 10) {
			unsigned d = (unsigned)(*p - '0');
			if (sig < 19) {
				m = m * 10 + d;
				if (m)
					sig++;
				exp10--;
			} else {
				inexact |= d != 0;
			}
			p++;
		}
		n_frac = (size_t)(p - fs);
	}
	if (n_int + n_frac == 0)
		return 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;
		const char *es;
		is_float = 1;
		p++;
		if (p < end && (*p == '-' || *p == '+')) {
			eneg = *p == '-';
			p++;
		}
		es = p;
		while (p < end && (unsigned)(*p - '0') < 10) {
			if (e < 100000)
				e = e * 10 + (*p - '0');
			p++;
		}
		if (p == es)
			return 0;
		if (eneg)
			e = -e;
	}
	if (p != end)
		return 0;
	if (!is_float) {
		if (!inexact && exp10 == 0 && m <= (uint64_t)INT64_MAX + (uint64_t)neg) {
			*i = neg ? (int64_t)(0 - m) : (int64_t)m;
			*f = (double)*i;
			return 1;
		}
		/* too big for int64: a float */
	}
	exp10 += e;
	if (!inexact && m <= ((uint64_t)1 << 53) && exp10 >= -22 && exp10 <= 22) {
		double v = (double)m;
		v = exp10 < 0 ? v / pow10_tab[-exp10] : v * pow10_tab[exp10];
		*f = neg ? -v : v;
		return 2;
	}
	if (slow_double(s, n, f) < 0)
		return 0;
	return 2;
}

int
pml_utf8_valid(const char *s, size_t n, size_t *bad)
{
	size_t i = 0, k;

	while (i < n) {
		if ((unsigned char)s[i] - 1u < 0x7f) {
			i++;
			continue;
		}
		if (!(k = pml_utf8_seq(s + i, n - i))) {
			if (bad)
				*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

/* Field classes for inference. */
enum fclass { FC_INT, FC_FLOAT, FC_BOOL, FC_CODE, FC_SUSPECT, FC_STR };

/* true/false in three cases, and PostgreSQL's t/f (psql --csv prints booleans so). */
static int
is_bool(const char *s, size_t n, int *b)
{
	if (n == 1 && (s[0] == 't' || s[0] == 'f')) {
		*b = s[0] == 't';
		return 1;
	}
	if (n == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "True", 4) || !memcmp(s, "TRUE", 4))) {
		*b = 1;
		return 1;
	}
	if (n == 5 && (!memcmp(s, "false", 5) || !memcmp(s, "False", 5) || !memcmp(s, "FALSE", 5))) {
		*b = 0;
		return 1;
	}
	return 0;
}

/* Something a reader would take for a number but we refuse. */
static int
looks_numeric(const char *s, size_t n)
{
	char tmp[128];
	char *end;
	size_t a = 0, b = n, j;
	int digits = 0;

	while (a < b && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	if (a == b || b - a >= sizeof(tmp))
		return 0;
	memcpy(tmp, s + a, b - a);
	tmp[b - a] = '\0';
	/* decimal comma or thousands separators: 1,5 or 1,000.25 */
	for (j = 0; tmp[j]; j++) {
		if ((unsigned)(tmp[j] - '0') < 10)
			digits++;
		else if (!strchr("+-,.", tmp[j]))
			break;
	}
	if (!tmp[j] && digits && strchr(tmp, ','))
		return 1;
	(void)strtod(tmp, &end);
	return end != tmp && *end == '\0';
}

static enum fclass
classify(const char *s, size_t n, int64_t *i, double *f, int *b)
{
	const char *d = s;
	int r;

	r = pml_csv_number(s, n, i, f);
	if (r) {
		if (*d == '-' || *d == '+')
			d++;
		if (d[0] == '0' && d + 1 < s + n && (unsigned)(d[1] - '0') < 10)
			return FC_CODE;
		return r == 1 ? FC_INT : FC_FLOAT;
	}
	if (is_bool(s, n, b))
		return FC_BOOL;
	if (looks_numeric(s, n))
		return FC_SUSPECT;
	return FC_STR;
}

/* Quote a value for a message: at most 40 bytes. */
static const char *
show(const char *s, size_t n, char *buf, size_t len)
{
	size_t i, k = 0;

	for (i = 0; i < n && i < 40 && k + 4 < len; i++) {
		/* control bytes and bytes that are not UTF-8 as '?': messages stay text */
		size_t q = pml_utf8_seq(s + i, n - i);
		if (q > 1 && k + q + 4 < len) {
			memcpy(buf + k, s + i, q);
			k += q;
			i += q - 1;
		} else {
			buf[k++] = q != 1 || (unsigned char)s[i] < 0x20 ? '?' : s[i];
		}
	}
	if (i < n && k + 3 < len) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = '\0';
	return buf;
}

/* ---- missing spellings ---- */

struct pml_csv_na {
	char **w;
	size_t *len;
	size_t n;
	int empty;
	unsigned char first[256];
};

struct pml_csv_na *
pml_csv_na_new(const char *spec)
{
	struct pml_csv_na *na = pml_xcalloc(1, sizeof(*na));
	const char *p = spec ? spec : PML_CSV_DEFAULT_NA;

	for (;;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == 0) {
			na->empty = 1;
		} else {
			na->w = pml_xreallocarray(na->w, na->n + 1, sizeof(*na->w));
			na->len = pml_xreallocarray(na->len, na->n + 1, sizeof(*na->len));
			na->w[na->n] = pml_xmemdupz(p, l);
			na->len[na->n] = l;
			na->first[(unsigned char)p[0]] = 1;
			na->n++;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return na;
}

void
pml_csv_na_free(struct pml_csv_na *na)
{
	if (!na)
		return;
	for (size_t i = 0; i < na->n; i++)
		free(na->w[i]);
	free(na->w);
	free(na->len);
	free(na);
}

int
pml_csv_na_match(const struct pml_csv_na *na, const char *s, size_t n)
{
	if (n == 0)
		return na->empty;
	if (!na->first[(unsigned char)s[0]])
		return 0;
	for (size_t i = 0; i < na->n; i++)
		if (na->len[i] == n && !memcmp(na->w[i], s, n))
			return 1;
	return 0;
}

/*
 * The one rule for a CSV field against a column's type, used by the file
 * reader after inference and by pml-serve-stdin's requests.
 */
int
pml_csv_value(const struct pml_column *c, const char *s, size_t n, const struct pml_csv_na *na,
	      struct pml_value *v, char *why, size_t why_len)
{
	char vb[64], tb[64];
	int64_t iv;
	double fv;
	size_t bad;
	int b;

	if (pml_csv_na_match(na, s, n)) {
		v->kind = PML_NIL;
		return 0;
	}
	switch (c->type) {
	case PML_TYPE_INT:
		if (pml_csv_number(s, n, &iv, &fv) != 1)
			break;
		v->kind = PML_INT;
		v->u.i = iv;
		return 0;
	case PML_TYPE_FLOAT:
		if (!pml_csv_number(s, n, &iv, &fv))
			break;
		v->kind = PML_FLOAT;
		v->u.f = fv;
		return 0;
	case PML_TYPE_BOOL:
		if (!is_bool(s, n, &b))
			break;
		v->kind = PML_BOOL;
		v->u.b = b;
		return 0;
	case PML_TYPE_STR:
		if (!pml_utf8_valid(s, n, &bad)) {
			snprintf(why, why_len, "%s at byte %zu of the field",
				 s[bad] ? "invalid UTF-8" : "NUL byte", bad + 1);
			return -2;
		}
		v->kind = PML_STR;
		v->u.s.ptr = s;
		v->u.s.len = n;
		return 0;
	default:
		snprintf(why, why_len, "a %s column cannot come from one CSV field",
			 pml_column_type_str(c, tb, sizeof(tb)));
		return -2;
	}
	snprintf(why, why_len, "expected %s, got '%s'", pml_column_type_str(c, tb, sizeof(tb)),
		 show(s, n, vb, sizeof(vb)));
	return -1;
}

/* ---- rows ---- */

struct row {
	struct pml_buf bytes;   /* fields, each followed by a NUL */
	size_t *off;            /* n + 1 offsets: field j is [off[j], off[j+1] - 1) */
	size_t n, m;
	uint64_t line;
};

static void
row_reset(struct row *r)
{
	pml_buf_reset(&r->bytes);
	r->n = 0;
	PML_ALLOC_GROW(r->off, 1, r->m);
	r->off[0] = 0;
}

static void
row_release(struct row *r)
{
	pml_buf_release(&r->bytes);
	free(r->off);
	memset(r, 0, sizeof(*r));
}

static void
row_move(struct row *dst, struct row *src)
{
	*dst = *src;
	memset(src, 0, sizeof(*src));
	src->bytes = (struct pml_buf)PML_BUF_INIT;
}

static inline const char *
row_field(const struct row *r, size_t j, size_t *len)
{
	*len = r->off[j + 1] - r->off[j] - 1;
	return r->bytes.buf + r->off[j];
}

/* ---- the reader ---- */

#define N_BATCH 4
#define BATCH_BYTES (256 * 1024)

/* Rows parsed by the reader thread; row k's fields are off[first[k]..first[k]+n[k]]. */
struct batch {
	struct pml_buf bytes;
	size_t *off, n_off, m_off;
	size_t *first, *n, m_row;
	uint64_t *line;
	size_t n_row;
	uint64_t offset, lines, skipped;
	int end, err;
	char msg[1024];
};

struct colinfo {
	int seen_int, seen_float, seen_bool, seen_str;
	uint64_t suspect_line;
	char suspect[64];
};

struct pml_csv {
	char *path;
	struct pml_in in;
	int in_open;
	struct csv_parser p;
	int p_init;
	char *blk;
	size_t blk_len, blk_pos;
	int in_eof, fini_done, started, pending_cr;
	uint64_t line;          /* line of the next byte */
	uint64_t row_start;
	int mid_row;
	struct row cur;
	int row_done;
	int cb_err;             /* a callback failed; message printed */
	int nul_seen;           /* the current row's bytes hold a NUL */
	size_t max_field, row_max;
	int delim;
	int skip_bad;
	struct pml_csv_na *na;
	size_t n_col;           /* 0 until the first row */
	struct pml_schema schema;
	unsigned char *forced;  /* per column: type from --type, not inferred */
	size_t infer_rows;
	struct row *buf_rows;
	size_t n_buf, i_buf;
	struct pml_value *vals;
	uint64_t last_line, n_rec, n_skip;
	/* reader thread: it parses rows into batches, pml_csv_next converts them */
	int threaded, in_thread, stop;
	char tmsg[1024];
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *ring[N_BATCH];    /* full batches, in order */
	size_t r_head, r_count;
	struct batch *spare[N_BATCH];   /* empty batches */
	size_t n_spare;
	struct batch *cons;
	size_t cons_i;
	struct row view;
	uint64_t offset_seen, lines_seen, skip_seen;
};

static void start_thread(struct pml_csv *c);
static void stop_thread(struct pml_csv *c);

/*
 * Report an error of the reading side. In the reader thread the message is
 * kept and printed by pml_csv_next() after the rows before it.
 */
static int
rerr(struct pml_csv *c, const char *fmt, ...) PML_PRINTF(2, 3);
static int
rerr(struct pml_csv *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->in_thread) {
		if (!c->tmsg[0])
			memcpy(c->tmsg, msg, sizeof(msg));
		return -1;
	}
	return pml_error("%s", msg);
}

static const char *
colname(const struct pml_csv *c, size_t j, char *buf, size_t len)
{
	if (j < c->schema.n_col)
		return c->schema.col[j].name;
	snprintf(buf, len, "c%zu", j + 1);
	return buf;
}

static void
cb_field(void *s, size_t len, void *data)
{
	struct pml_csv *c = data;
	struct row *r = &c->cur;
	char nb[32];

	if (c->cb_err)
		return;
	if (len > c->max_field) {
		c->cb_err = rerr(c, "%s: line %llu, column '%s': field over %zu bytes (see --max-field)",
				      c->path, (unsigned long long)c->row_start,
				      colname(c, r->n, nb, sizeof(nb)), c->max_field);
		return;
	}
	if (r->n >= PML_MAX_COLUMNS) {
		c->cb_err = rerr(c, "%s: line %llu: more than %d fields", c->path,
				      (unsigned long long)c->row_start, PML_MAX_COLUMNS);
		return;
	}
	if (r->bytes.len + len > c->row_max) {
		c->cb_err = rerr(c, "%s: line %llu: row over %zu bytes", c->path,
				      (unsigned long long)c->row_start, c->row_max);
		return;
	}
	if (c->nul_seen && len && memchr(s, '\0', len)) {
		c->cb_err = rerr(c, "%s: line %llu, column '%s': NUL byte in field", c->path,
				      (unsigned long long)c->row_start, colname(c, r->n, nb, sizeof(nb)));
		return;
	}
	pml_buf_grow(&r->bytes, len + 1);
	memcpy(r->bytes.buf + r->bytes.len, s, len);
	r->bytes.len += len;
	r->bytes.buf[r->bytes.len++] = '\0';
	r->n++;
	PML_ALLOC_GROW(r->off, r->n + 1, r->m);
	r->off[r->n] = r->bytes.len;
}

static void
cb_row(int term, void *data)
{
	struct pml_csv *c = data;

	(void)term;
	if (c->cb_err)
		return;
	c->cur.line = c->row_start;
	c->row_done = 1;
}

static int
fill(struct pml_csv *c)
{
	ssize_t r;

	c->blk_pos = 0;
	c->blk_len = 0;
	while (c->blk_len < BLOCK) {
		r = pml_in_read(&c->in, c->blk + c->blk_len, BLOCK - c->blk_len);
		if (r < 0)
			return -1;
		if (r == 0) {
			c->in_eof = 1;
			break;
		}
		c->blk_len += (size_t)r;
		if (c->started)
			break;
		if (c->blk_len >= 3)
			break;
	}
	if (!c->started) {
		c->started = 1;
		if (c->blk_len >= 3 && !memcmp(c->blk, "\xef\xbb\xbf", 3))
			c->blk_pos = 3;
	}
	return 0;
}

static int
quote_error(struct pml_csv *c, uint64_t line)
{
	/* libcsv fails the same way when its buffer cannot grow */
	if (csv_error(&c->p) == CSV_ENOMEM)
		return rerr(c, "%s: line %llu: out of memory", c->path, (unsigned long long)line);
	if (csv_error(&c->p) == CSV_ETOOBIG)
		return rerr(c, "%s: line %llu: field too big", c->path, (unsigned long long)line);
	return rerr(c, "%s: line %llu: bad quoting (a quote inside an unquoted field, "
			 "text after a closing quote, or an unterminated quote)",
			 c->path, (unsigned long long)line);
}

/* The next raw row into c->cur: 1, 0 at the end, -1 on error. */
static int
read_row(struct pml_csv *c)
{
	row_reset(&c->cur);
	c->row_done = 0;
	for (;;) {
		size_t start, e, len;
		int nl = 0;

		if (c->blk_pos == c->blk_len) {
			if (c->in_eof) {
				if (c->fini_done)
					return 0;
				c->fini_done = 1;
				if (!c->mid_row)
					c->row_start = c->line;
				if (csv_fini(&c->p, cb_field, cb_row, c) != 0)
					return quote_error(c, c->row_start);
				if (c->cb_err)
					return -1;
				if (c->row_done) {
					c->line++;  /* the last line had no newline */
					return 1;
				}
				return 0;
			}
			if (fill(c) < 0)
				return -1;
			continue;
		}
		start = c->blk_pos;
		if (c->pending_cr) {
			c->pending_cr = 0;
			if (c->blk[start] == '\n') {
				e = start + 1;
				goto feed;
			}
		}
		{
			const char *nlp = memchr(c->blk + start, '\n', c->blk_len - start);
			const char *crp;
			e = nlp ? (size_t)(nlp - c->blk) : c->blk_len;
			crp = memchr(c->blk + start, '\r', e - start);
			if (crp)
				e = (size_t)(crp - c->blk);
		}
		if (e < c->blk_len) {
			nl = 1;
			if (c->blk[e] == '\r') {
				if (e + 1 < c->blk_len) {
					if (c->blk[e + 1] == '\n')
						e++;
				} else {
					c->pending_cr = 1;
				}
			}
			e++;
		}
feed:
		len = e - start;
		if (!c->mid_row) {
			c->row_start = c->line;
			c->nul_seen = 0;
		}
		if (memchr(c->blk + start, '\0', len))
			c->nul_seen = 1;
		if (csv_parse(&c->p, c->blk + start, len, cb_field, cb_row, c) != len) {
			if (c->cb_err)
				return -1;
			return quote_error(c, c->line);
		}
		if (c->cb_err)
			return -1;
		c->blk_pos = e;
		if (c->p.entry_pos > c->max_field) {
			char nb[32];
			return rerr(c, "%s: line %llu, column '%s': field over %zu bytes (see --max-field)",
					 c->path, (unsigned long long)c->row_start,
					 colname(c, c->cur.n, nb, sizeof(nb)), c->max_field);
		}
		c->line += (uint64_t)nl;
		c->mid_row = c->p.pstate != 0;
		if (c->row_done)
			return 1;
	}
}

/* A row of the right width: 1, 0 at the end, -1 on error. */
static int
read_good_row(struct pml_csv *c)
{
	int rc;

	for (;;) {
		rc = read_row(c);
		if (rc <= 0)
			return rc;
		if (c->cur.n == c->n_col)
			return 1;
		if (c->skip_bad) {
			c->n_skip++;
			continue;
		}
		return rerr(c, "%s: line %llu: %zu field%s, expected %zu%s", c->path,
				 (unsigned long long)c->cur.line, c->cur.n, c->cur.n == 1 ? "" : "s",
				 c->n_col,
				 c->cur.n > c->n_col ? " (a trailing delimiter or an unquoted delimiter?); "
						       "--skip-bad-rows skips such rows"
						     : "; --skip-bad-rows skips such rows");
	}
}

static int
make_header(struct pml_csv *c, const struct pml_csv_opts *o)
{
	struct pml_nameidx names;
	char nb[32];
	size_t j;
	long k;

	pml_nameidx_init(&names);
	c->n_col = c->cur.n;
	for (j = 0; j < c->n_col; j++) {
		size_t len;
		const char *name = row_field(&c->cur, j, &len);
		size_t bad;

		if (o->no_header || len == 0) {
			snprintf(nb, sizeof(nb), "c%zu", j + 1);
			name = nb;
		} else if (!pml_utf8_valid(name, len, &bad)) {
			pml_nameidx_release(&names);
			return pml_error("%s: line %llu: column %zu: invalid UTF-8 in the header",
					 c->path, (unsigned long long)c->cur.line, j + 1);
		}
		if ((k = pml_nameidx_get(&names, name)) >= 0) {
			pml_nameidx_release(&names);
			return pml_error("%s: line %llu: duplicate column name '%s' (columns %ld and %zu)",
					 c->path, (unsigned long long)c->cur.line, name, k + 1, j + 1);
		}
		(void)pml_nameidx_put(&names, pml_schema_add(&c->schema, name, PML_TYPE_STR)->name, j);
	}
	pml_nameidx_release(&names);
	return 0;
}

static void
infer_row(struct pml_csv *c, struct colinfo *ci, const struct row *r)
{
	for (size_t j = 0; j < c->n_col; j++) {
		size_t len;
		const char *s = row_field(r, j, &len);
		int64_t iv;
		double fv;
		int b;

		if (ci[j].seen_str || pml_csv_na_match(c->na, s, len))
			continue;
		switch (classify(s, len, &iv, &fv, &b)) {
		case FC_INT: ci[j].seen_int = 1; break;
		case FC_FLOAT: ci[j].seen_float = 1; break;
		case FC_BOOL: ci[j].seen_bool = 1; break;
		case FC_SUSPECT:
			if (!ci[j].suspect_line) {
				ci[j].suspect_line = r->line;
				show(s, len, ci[j].suspect, sizeof(ci[j].suspect));
			}
			break;
		default: ci[j].seen_str = 1; break;
		}
	}
}

static int
infer(struct pml_csv *c, const struct pml_csv_opts *o)
{
	struct colinfo *ci = pml_xcalloc(c->n_col ? c->n_col : 1, sizeof(*ci));
	size_t m_buf = c->n_buf, j, t;
	int rc = 0;

	c->forced = pml_xcalloc(c->n_col ? c->n_col : 1, 1);

	for (j = 0; j < c->n_buf; j++)
		infer_row(c, ci, &c->buf_rows[j]);
	while (c->n_buf < c->infer_rows) {
		rc = read_good_row(c);
		if (rc <= 0)
			break;
		infer_row(c, ci, &c->cur);
		PML_ALLOC_GROW(c->buf_rows, c->n_buf + 1, m_buf);
		row_move(&c->buf_rows[c->n_buf++], &c->cur);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	for (j = 0; j < c->n_col; j++) {
		struct pml_column *col = &c->schema.col[j];
		int forced = 0;

		for (t = 0; t < o->n_type; t++)
			if (!strcmp(o->type[t].col, col->name)) {
				col->type = o->type[t].type;
				forced = 1;
			}
		c->forced[j] = (unsigned char)forced;
		if (forced)
			continue;
		if (ci[j].seen_str) {
			col->type = PML_TYPE_STR;
		} else if (ci[j].suspect_line) {
			rc = pml_error("%s: line %llu, column '%s': '%s' is not a valid number "
				       "(no spaces, inf, nan, hex or decimal commas); use --type %s=str "
				       "to keep the column as text, or --na to mark such values missing",
				       c->path, (unsigned long long)ci[j].suspect_line, col->name,
				       ci[j].suspect, col->name);
			goto out;
		} else if (ci[j].seen_bool) {
			col->type = (ci[j].seen_int || ci[j].seen_float) ? PML_TYPE_STR : PML_TYPE_BOOL;
		} else if (ci[j].seen_float) {
			col->type = PML_TYPE_FLOAT;
		} else if (ci[j].seen_int) {
			col->type = PML_TYPE_INT;
		} else {
			col->type = PML_TYPE_STR;
		}
	}
	for (t = 0; t < o->n_type; t++)
		if (!o->type_missing_ok && pml_schema_lookup(&c->schema, o->type[t].col, c->path, "--type") < 0) {
			rc = -1;
			goto out;
		}
out:
	free(ci);
	return rc;
}

void
pml_csv_opts_init(struct pml_csv_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->infer_rows = PML_CSV_INFER_ROWS;
	o->max_field = PML_CSV_MAX_FIELD;
}

int
pml_csv_type_parse(char *s, struct pml_csv_type *t, char *why, size_t why_len)
{
	char *eq = strrchr(s, '=');

	if (!eq || eq == s) {
		snprintf(why, why_len, "'%s': expected COLUMN=TYPE", s);
		return -1;
	}
	*eq = '\0';
	if (pml_type_parse(eq + 1, &t->type) < 0 || t->type == PML_TYPE_VEC) {
		snprintf(why, why_len, "'%s': type must be bool, int, float or str", eq + 1);
		*eq = '=';
		return -1;
	}
	t->col = s;
	return 0;
}

/* libcsv trims spaces by default; we keep fields exactly as written. */
static int
no_space(unsigned char ch)
{
	(void)ch;
	return 0;
}

static int
ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

struct pml_csv *
pml_csv_open(const char *path, const struct pml_csv_opts *o)
{
	struct pml_in in;

	if (pml_in_open(&in, path) < 0)
		return NULL;
	return pml_csv_open_in(&in, path, o);
}

struct pml_csv *
pml_csv_open_in(struct pml_in *in, const char *path, const struct pml_csv_opts *o)
{
	struct pml_csv *c = pml_xcalloc(1, sizeof(*c));
	int rc;

	c->path = pml_xstrdup(path && strcmp(path, "-") ? path : "stdin");
	c->in = *in;
	c->in_open = 1;
	c->delim = o->delim;
	if (!c->delim)
		c->delim = path && (ends_with(path, ".tsv") || ends_with(path, ".tsv.gz") ||
				    ends_with(path, ".TSV")) ? '\t' : ',';
	c->max_field = o->max_field ? o->max_field : PML_CSV_MAX_FIELD;
	c->row_max = c->max_field * 2 > ROW_MAX_MIN ? c->max_field * 2 : ROW_MAX_MIN;
	c->infer_rows = o->infer_rows ? o->infer_rows : PML_CSV_INFER_ROWS;
	c->skip_bad = o->skip_bad_rows;
	c->line = 1;
	c->na = pml_csv_na_new(o->na);
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		pml_die("out of memory");
	c->p_init = 1;
	csv_set_delim(&c->p, (unsigned char)c->delim);
	csv_set_space_func(&c->p, no_space);
	csv_set_blk_size(&c->p, 4096);
	c->blk = pml_xmalloc(BLOCK);

	rc = read_row(c);
	if (rc < 0)
		goto fail;
	if (rc == 0) {
		pml_error("%s: empty file: no %s", c->path, o->no_header ? "rows" : "header row");
		goto fail;
	}
	if (make_header(c, o) < 0)
		goto fail;
	if (o->no_header) {
		/* the first row is data */
		c->buf_rows = pml_xcalloc(1, sizeof(*c->buf_rows));
		row_move(&c->buf_rows[0], &c->cur);
		c->n_buf = 1;
	}
	if (infer(c, o) < 0)
		goto fail;
	c->vals = pml_xcalloc(c->n_col, sizeof(*c->vals));
	if (!o->no_thread)
		start_thread(c);
	return c;
fail:
	pml_csv_free(c);
	return NULL;
}

const struct pml_schema *
pml_csv_schema(const struct pml_csv *c)
{
	return &c->schema;
}

static int
type_error(struct pml_csv *c, uint64_t line, size_t j, const char *s, size_t n, const char *what)
{
	char vb[64];
	const char *name = c->schema.col[j].name;
	int64_t iv;
	double fv;

	if (c->forced && c->forced[j])
		return pml_error("%s: line %llu, column '%s': '%s' is not %s (the column's type is given, "
				 "by --type or --schema-from)", c->path, (unsigned long long)line, name,
				 show(s, n, vb, sizeof(vb)), what);
	if (c->schema.col[j].type == PML_TYPE_INT && pml_csv_number(s, n, &iv, &fv) == 2)
		return pml_error("%s: line %llu, column '%s': '%s' is not %s (the column's type comes from "
				 "the first %zu rows); use --type %s=float, or a larger --infer-rows",
				 c->path, (unsigned long long)line, name, show(s, n, vb, sizeof(vb)), what,
				 c->infer_rows, name);
	return pml_error("%s: line %llu, column '%s': '%s' is not %s (the column's type comes from "
			 "the first %zu rows or --type); use --type %s=str to keep it as text",
			 c->path, (unsigned long long)line, name, show(s, n, vb, sizeof(vb)), what,
			 c->infer_rows, name);
}

/*
 * An inferred number column after the inference rows: a value that would
 * have made the column str there (a code with a leading zero, "007",
 * "00.5") is an error, never silently the number 7: the type rule does not
 * depend on where the value is. A column typed by --type takes it.
 */
static int
code_check(struct pml_csv *c, uint64_t line, size_t j, const char *s, size_t n)
{
	const char *d = s;
	char vb[64];
	const char *name = c->schema.col[j].name;

	if (c->forced[j])
		return 0;
	if (n && (*d == '-' || *d == '+'))
		d++;
	if (d + 1 >= s + n || d[0] != '0' || (unsigned)(d[1] - '0') >= 10)
		return 0;
	return pml_error("%s: line %llu, column '%s': '%s' has a leading zero, a code: in the first %zu "
			 "rows it would have made the column str; use --type %s=str to keep such codes "
			 "as text, or --type %s=%s to read them as numbers",
			 c->path, (unsigned long long)line, name, show(s, n, vb, sizeof(vb)), c->infer_rows,
			 name, name, pml_type_name(c->schema.col[j].type));
}

static int
convert(struct pml_csv *c, const struct row *r)
{
	const struct pml_column *col = c->schema.col;
	char why[128];

	for (size_t j = 0; j < c->n_col; j++) {
		size_t len;
		const char *s = row_field(r, j, &len);
		int rc = pml_csv_value(&col[j], s, len, c->na, &c->vals[j], why, sizeof(why));

		if (rc == -1) {
			int64_t iv;
			double fv;
			int k = col[j].type == PML_TYPE_INT ? pml_csv_number(s, len, &iv, &fv) : 0;

			return type_error(c, r->line, j, s, len,
					  col[j].type == PML_TYPE_INT ?
					  (k == 2 && !memchr(s, '.', len) && !memchr(s, 'e', len) &&
					   !memchr(s, 'E', len) ? "an int: out of range" : "an int") :
					  col[j].type == PML_TYPE_FLOAT ? "a finite number" : "true or false");
		}
		if (rc < 0)
			return pml_error("%s: line %llu, column '%s': %s", c->path,
					 (unsigned long long)r->line, col[j].name, why);
		if ((col[j].type == PML_TYPE_INT || col[j].type == PML_TYPE_FLOAT) &&
		    c->vals[j].kind != PML_NIL && code_check(c, r->line, j, s, len) < 0)
			return -1;
	}
	return 0;
}

static void
batch_add(struct batch *b, const struct row *r)
{
	size_t base = b->bytes.len, j;

	if (b->n_row + 1 > b->m_row) {
		b->m_row = b->m_row ? 2 * b->m_row : 256;
		b->first = pml_xreallocarray(b->first, b->m_row, sizeof(*b->first));
		b->n = pml_xreallocarray(b->n, b->m_row, sizeof(*b->n));
		b->line = pml_xreallocarray(b->line, b->m_row, sizeof(*b->line));
	}
	PML_ALLOC_GROW(b->off, b->n_off + r->n + 1, b->m_off);
	b->first[b->n_row] = b->n_off;
	b->n[b->n_row] = r->n;
	b->line[b->n_row] = r->line;
	b->n_row++;
	for (j = 0; j <= r->n; j++)
		b->off[b->n_off++] = base + r->off[j];
	pml_buf_add(&b->bytes, r->bytes.buf, r->bytes.len);
}

static void
batch_free(struct batch *b)
{
	if (!b)
		return;
	pml_buf_release(&b->bytes);
	free(b->off);
	free(b->first);
	free(b->n);
	free(b->line);
	free(b);
}

static void *
reader_thread(void *arg)
{
	struct pml_csv *c = arg;
	struct batch *b;
	int rc, done = 0;

	while (!done) {
		pthread_mutex_lock(&c->mu);
		while (!c->n_spare && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop) {
			pthread_mutex_unlock(&c->mu);
			break;
		}
		b = c->spare[--c->n_spare];
		pthread_mutex_unlock(&c->mu);

		pml_buf_reset(&b->bytes);
		b->n_off = b->n_row = 0;
		b->end = b->err = 0;
		while (b->bytes.len < BATCH_BYTES && b->n_row < 4096) {
			rc = read_good_row(c);
			if (rc < 0) {
				b->err = 1;
				snprintf(b->msg, sizeof(b->msg), "%s", c->tmsg[0] ? c->tmsg : "read error");
				break;
			}
			if (rc == 0) {
				b->end = 1;
				break;
			}
			batch_add(b, &c->cur);
		}
		b->offset = c->in.offset;
		b->lines = c->line - 1;
		b->skipped = c->n_skip;
		done = b->end || b->err;

		pthread_mutex_lock(&c->mu);
		c->ring[(c->r_head + c->r_count) % N_BATCH] = b;
		c->r_count++;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
	return NULL;
}

static void
start_thread(struct pml_csv *c)
{
	size_t k;

	struct stat st;

	if (c->fini_done)
		return;  /* everything was read during inference */
	/*
	 * Only for regular files: a read from a pipe may block for ever, and
	 * after an error the reader thread must be able to stop.
	 */
	if (fstat(c->in.fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	for (k = 0; k < N_BATCH; k++) {
		c->spare[k] = pml_xcalloc(1, sizeof(struct batch));
		c->spare[k]->bytes = (struct pml_buf)PML_BUF_INIT;
	}
	c->n_spare = N_BATCH;
	c->in_thread = 1;
	if (pthread_create(&c->th, NULL, reader_thread, c) != 0) {
		for (k = 0; k < N_BATCH; k++)
			batch_free(c->spare[k]);
		c->n_spare = 0;
		c->in_thread = 0;
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		return;  /* read in this thread instead */
	}
	c->threaded = 1;
}

static void
stop_thread(struct pml_csv *c)
{
	size_t k;

	if (!c->threaded)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	c->threaded = 0;
	c->in_thread = 0;
	batch_free(c->cons);
	c->cons = NULL;
	for (k = 0; k < c->r_count; k++)
		batch_free(c->ring[(c->r_head + k) % N_BATCH]);
	c->r_count = 0;
	for (k = 0; k < c->n_spare; k++)
		batch_free(c->spare[k]);
	c->n_spare = 0;
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
}

/* The next row from the reader thread: 1, 0 at the end, -1 on error (printed). */
static int
next_threaded(struct pml_csv *c, const struct row **r)
{
	struct batch *b;

	for (;;) {
		b = c->cons;
		if (b && c->cons_i < b->n_row) {
			size_t k = c->cons_i++;
			c->view.bytes.buf = b->bytes.buf;
			c->view.off = b->off + b->first[k];
			c->view.n = b->n[k];
			c->view.line = b->line[k];
			*r = &c->view;
			return 1;
		}
		if (b) {
			if (b->err) {
				pml_error("%s", b->msg);
				return -1;
			}
			if (b->end)
				return 0;
			pthread_mutex_lock(&c->mu);
			c->spare[c->n_spare++] = b;
			c->cons = NULL;
			pthread_cond_broadcast(&c->cv);
			pthread_mutex_unlock(&c->mu);
		}
		pthread_mutex_lock(&c->mu);
		while (!c->r_count)
			pthread_cond_wait(&c->cv, &c->mu);
		c->cons = c->ring[c->r_head];
		c->r_head = (c->r_head + 1) % N_BATCH;
		c->r_count--;
		pthread_mutex_unlock(&c->mu);
		c->cons_i = 0;
		c->offset_seen = c->cons->offset;
		c->lines_seen = c->cons->lines;
		c->skip_seen = c->cons->skipped;
	}
}

int
pml_csv_next(struct pml_csv *c, const struct pml_value **vals)
{
	const struct row *r;
	int rc;

	if (c->i_buf < c->n_buf) {
		r = &c->buf_rows[c->i_buf++];
	} else {
		if (c->buf_rows) {
			for (size_t k = 0; k < c->n_buf; k++)
				row_release(&c->buf_rows[k]);
			free(c->buf_rows);
			c->buf_rows = NULL;
			c->n_buf = c->i_buf = 0;
		}
		if (c->threaded || c->in_thread) {
			rc = next_threaded(c, &r);
		} else {
			rc = read_good_row(c);
			r = &c->cur;
		}
		if (rc <= 0)
			return rc;
	}
	if (convert(c, r) < 0)
		return -1;
	c->last_line = r->line;
	c->n_rec++;
	*vals = c->vals;
	return 1;
}

uint64_t
pml_csv_line(const struct pml_csv *c)
{
	return c->last_line;
}

uint64_t
pml_csv_records(const struct pml_csv *c)
{
	return c->n_rec;
}

uint64_t
pml_csv_skipped(const struct pml_csv *c)
{
	return c->threaded ? c->skip_seen : c->n_skip;
}

uint64_t
pml_csv_lines(const struct pml_csv *c)
{
	return c->threaded ? c->lines_seen : c->line - 1;
}

uint64_t
pml_csv_offset(const struct pml_csv *c)
{
	return c->threaded ? c->offset_seen : c->in.offset;
}

void
pml_csv_free(struct pml_csv *c)
{
	if (!c)
		return;
	stop_thread(c);
	if (c->in_open)
		pml_in_close(&c->in);
	if (c->p_init)
		csv_free(&c->p);
	for (size_t k = 0; k < c->n_buf; k++)
		row_release(&c->buf_rows[k]);
	free(c->buf_rows);
	row_release(&c->cur);
	pml_csv_na_free(c->na);
	pml_schema_release(&c->schema);
	free(c->forced);
	free(c->vals);
	free(c->blk);
	free(c->path);
	free(c);
}

/* ---- one line ---- */

void
pml_csv_fields_release(struct pml_csv_fields *f)
{
	pml_buf_release(&f->bytes);
	free(f->off);
	free(f->len);
	memset(f, 0, sizeof(*f));
}

int
pml_csv_split_line(struct pml_csv_fields *f, const char *p, size_t n, int delim, const char **why)
{
	size_t i = 0, nf = 0;

	if (!delim)
		delim = ',';
	pml_buf_reset(&f->bytes);
	pml_buf_grow(&f->bytes, n + 1);
	for (;;) {
		size_t off = f->bytes.len;
		if (i < n && p[i] == '"') {
			i++;
			for (;;) {
				const char *q = memchr(p + i, '"', n - i);
				if (!q) {
					*why = "unterminated quoted field";
					return -1;
				}
				pml_buf_add(&f->bytes, p + i, (size_t)(q - (p + i)));
				i = (size_t)(q - p) + 1;
				if (i < n && p[i] == '"') {
					pml_buf_addch(&f->bytes, '"');
					i++;
					continue;
				}
				break;
			}
			if (i < n && p[i] != delim) {
				*why = "text after a closing quote";
				return -1;
			}
		} else {
			const char *q = memchr(p + i, delim, n - i);
			size_t end = q ? (size_t)(q - p) : n;
			if (memchr(p + i, '"', end - i)) {
				*why = "stray quote inside an unquoted field";
				return -1;
			}
			pml_buf_add(&f->bytes, p + i, end - i);
			i = end;
		}
		if (nf >= PML_MAX_COLUMNS) {
			*why = "too many fields";
			return -1;
		}
		if (nf >= f->m) {
			f->m = f->m ? 2 * f->m : 64;
			f->off = pml_xreallocarray(f->off, f->m, sizeof(*f->off));
			f->len = pml_xreallocarray(f->len, f->m, sizeof(*f->len));
		}
		f->off[nf] = off;
		f->len[nf] = f->bytes.len - off;
		pml_buf_addch(&f->bytes, '\0');
		nf++;
		if (i >= n)
			break;
		i++;    /* the delimiter */
	}
	f->n = nf;
	return 0;
}

int
pml_csv_parse_line(const struct pml_schema *s, const char *line, size_t len, int delim,
		   const struct pml_csv_na *na, struct pml_value *out, struct pml_csv_fields *f,
		   char *why, size_t why_len)
{
	const char *reason;
	char msg[128];
	size_t j;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (memchr(line, '\n', len) || memchr(line, '\r', len)) {
		snprintf(why, why_len, "line break inside the record");
		return -1;
	}
	if (pml_csv_split_line(f, line, len, delim, &reason) < 0) {
		snprintf(why, why_len, "invalid CSV: %s", reason);
		return -1;
	}
	if (f->n != s->n_col) {
		snprintf(why, why_len, "%zu field%s, expected %zu", f->n, f->n == 1 ? "" : "s", s->n_col);
		return -1;
	}
	for (j = 0; j < s->n_col; j++)
		if (pml_csv_value(&s->col[j], f->bytes.buf + f->off[j], f->len[j], na, &out[j], msg,
				  sizeof(msg)) < 0) {
			snprintf(why, why_len, "column '%s': %s", s->col[j].name, msg);
			return -1;
		}
	return 0;
}
