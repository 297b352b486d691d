/* svmlight.c: libsvm/svmlight sparse text densified to f32 vectors. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/alloc.h"
#include "pml/csv.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/jsonl.h"
#include "pml/schema.h"
#include "pml/svmlight.h"

struct pml_svm {
	char *name;             /* for messages */
	char *path;             /* what we read: the file, or the spooled copy of stdin */
	char *tmp;
	struct pml_lines lines;
	uint32_t width;
	int int_label;
	struct pml_schema schema;
	unsigned char *vec;     /* width f32, little-endian */
	uint32_t *touched;
	size_t n_touched;
	struct pml_value vals[2];
};

struct entry_cb {
	struct pml_svm *s;
	int fill;
	uint32_t max_idx;
	int all_int;
	double label;
};

static void
put_f32le(unsigned char *p, float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	p[0] = (unsigned char)u;
	p[1] = (unsigned char)(u >> 8);
	p[2] = (unsigned char)(u >> 16);
	p[3] = (unsigned char)(u >> 24);
}

/* Parse one line: 1 a record, 0 nothing (blank or comment), -1 error. */
static int
parse_line(struct pml_svm *s, char *p, size_t n, struct entry_cb *cb)
{
	char *end, *hash, *tok, *colon;
	uint64_t line = s->lines.line;
	uint32_t last = 0;
	int64_t iv;
	double fv;
	int k;

	hash = memchr(p, '#', n);
	end = hash ? hash : p + n;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (p == end)
		return 0;
	*end = '\0';
	tok = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	k = pml_csv_number(tok, (size_t)(p - tok), &iv, &fv);
	if (!k)
		return pml_error("%s: line %llu: label '%.*s' is not a number", s->name,
				 (unsigned long long)line, (int)(p - tok) > 40 ? 40 : (int)(p - tok), tok);
	if (k != 1 && (fv < -9e18 || fv > 9e18 || fv != (double)(int64_t)fv))
		cb->all_int = 0;
	cb->label = fv;
	for (;;) {
		uint64_t idx = 0;
		char *q;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		tok = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		colon = memchr(tok, ':', (size_t)(p - tok));
		if (!colon)
			return pml_error("%s: line %llu: '%.*s' is not INDEX:VALUE", s->name,
					 (unsigned long long)line, (int)(p - tok) > 40 ? 40 : (int)(p - tok), tok);
		if (colon - tok == 3 && !memcmp(tok, "qid", 3))
			return pml_error("%s: line %llu: qid (query groups of ranking data) is not supported; "
					 "remove the qid:N tokens", s->name, (unsigned long long)line);
		for (q = tok; q < colon; q++) {
			if ((unsigned)(*q - '0') >= 10 || idx > PML_MAX_VEC_ELEMS)
				return pml_error("%s: line %llu: bad index '%.*s' (1-based, decimal)", s->name,
						 (unsigned long long)line, (int)(colon - tok) > 20 ? 20 : (int)(colon - tok), tok);
			idx = idx * 10 + (unsigned)(*q - '0');
		}
		if (q == tok || idx == 0 || idx > PML_MAX_VEC_ELEMS)
			return pml_error("%s: line %llu: bad index '%.*s' (1-based, at most %u)", s->name,
					 (unsigned long long)line, (int)(colon - tok) > 20 ? 20 : (int)(colon - tok),
					 tok, (unsigned)PML_MAX_VEC_ELEMS);
		if (idx <= last)
			return pml_error("%s: line %llu: index %llu after %u (indices must increase)", s->name,
					 (unsigned long long)line, (unsigned long long)idx, (unsigned)last);
		last = (uint32_t)idx;
		if (!pml_csv_number(colon + 1, (size_t)(p - colon - 1), &iv, &fv) || fv > FLT_MAX ||
		    fv < -FLT_MAX)
			return pml_error("%s: line %llu: index %llu: '%.*s' is not a finite float", s->name,
					 (unsigned long long)line, (unsigned long long)idx,
					 (int)(p - colon - 1) > 40 ? 40 : (int)(p - colon - 1), colon + 1);
		if (cb->fill) {
			if (idx > s->width)
				return pml_error("%s: line %llu: index %llu beyond the width %u", s->name,
						 (unsigned long long)line, (unsigned long long)idx, (unsigned)s->width);
			put_f32le(s->vec + 4 * (idx - 1), (float)fv);
			s->touched[s->n_touched++] = (uint32_t)(idx - 1);
		} else if (idx > cb->max_idx) {
			cb->max_idx = (uint32_t)idx;
		}
	}
	return 1;
}

static int
spool_stdin(struct pml_svm *s, struct pml_in *given)
{
	struct pml_in in;
	struct pml_buf t = PML_BUF_INIT;
	const char *dir = getenv("TMPDIR");
	char blk[65536];
	ssize_t r;
	int fd, rc = -1;

	pml_buf_addf(&t, "%s/pml-collect-svm.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(t.buf);
	if (fd < 0) {
		pml_error_errno("cannot create a temporary file in '%s'", dir && *dir ? dir : "/tmp");
		pml_buf_release(&t);
		return -1;
	}
	pml_tmp_register(t.buf);
	s->tmp = pml_buf_detach(&t, NULL);
	if (given) {
		in = *given;
	} else if (pml_in_open(&in, "-") < 0) {
		close(fd);
		return -1;
	}
	while ((r = pml_in_read(&in, blk, sizeof(blk))) > 0)
		if (pml_write_all(fd, blk, (size_t)r) < 0) {
			pml_error_errno("cannot write '%s'", s->tmp);
			goto out;
		}
	if (r == 0)
		rc = 0;
out:
	if (!given)
		pml_in_close(&in);
	if (close(fd) < 0 && rc == 0)
		rc = pml_error_errno("cannot write '%s'", s->tmp);
	return rc;
}

struct pml_svm *
pml_svm_open(const char *path, const struct pml_svm_opts *o)
{
	return pml_svm_open_in(NULL, path, o);
}

struct pml_svm *
pml_svm_open_in(struct pml_in *in, const char *path, const struct pml_svm_opts *o)
{
	struct pml_svm *s = pml_xcalloc(1, sizeof(*s));
	struct entry_cb cb = { s, 0, 0, 1, 0 };
	struct pml_column *c;
	char *p;
	size_t n;
	int rc;
	uint32_t w;

	s->name = pml_xstrdup(path && strcmp(path, "-") ? path : "stdin");
	if (!path || !strcmp(path, "-")) {
		rc = spool_stdin(s, in);
		if (in)
			pml_in_close(in);
		if (rc < 0)
			goto fail;
		s->path = pml_xstrdup(s->tmp);
	} else {
		if (in)
			pml_in_close(in);  /* read by name, in two passes */
		s->path = pml_xstrdup(path);
	}
	/* pass 1: width and label type */
	if (pml_lines_open(&s->lines, s->path, PML_JSONL_MAX_LINE) < 0)
		goto fail;
	while ((rc = pml_lines_next(&s->lines, &p, &n)) > 0)
		if (parse_line(s, p, n, &cb) < 0)
			goto fail;
	if (rc < 0)
		goto fail;
	pml_lines_close(&s->lines);
	if (o->width && cb.max_idx > o->width) {
		pml_error("%s: index %u beyond --width %u", s->name, (unsigned)cb.max_idx, (unsigned)o->width);
		goto fail;
	}
	w = o->width ? o->width : cb.max_idx;
	if (!w) {
		pml_error("%s: no features: cannot infer the width (give --width)", s->name);
		goto fail;
	}
	s->width = w;
	s->int_label = cb.all_int;
	c = pml_schema_add(&s->schema, "label", s->int_label ? PML_TYPE_INT : PML_TYPE_FLOAT);
	c->role = PML_ROLE_LABEL;
	c = pml_schema_add(&s->schema, "x", PML_TYPE_VEC);
	if (pml_column_set_vec(c, PML_ELEM_F32, 1, &w) < 0) {
		pml_error("%s: width %u too large", s->name, (unsigned)w);
		goto fail;
	}
	s->vec = pml_xcalloc(w, 4);
	s->touched = pml_xmallocarray(w, sizeof(*s->touched));
	/* pass 2 reads again */
	if (pml_lines_open(&s->lines, s->path, PML_JSONL_MAX_LINE) < 0)
		goto fail;
	return s;
fail:
	pml_svm_free(s);
	return NULL;
}

const struct pml_schema *
pml_svm_schema(const struct pml_svm *s)
{
	return &s->schema;
}

int
pml_svm_next(struct pml_svm *s, const struct pml_value **vals)
{
	struct entry_cb cb = { s, 1, 0, 1, 0 };
	char *p;
	size_t n;
	int rc;

	for (;;) {
		for (size_t k = 0; k < s->n_touched; k++)
			memset(s->vec + 4 * (size_t)s->touched[k], 0, 4);
		s->n_touched = 0;
		rc = pml_lines_next(&s->lines, &p, &n);
		if (rc <= 0)
			return rc;
		rc = parse_line(s, p, n, &cb);
		if (rc < 0)
			return -1;
		if (rc > 0)
			break;
	}
	if (s->int_label) {
		s->vals[0].kind = PML_INT;
		s->vals[0].u.i = (int64_t)cb.label;
	} else {
		s->vals[0].kind = PML_FLOAT;
		s->vals[0].u.f = cb.label;
	}
	s->vals[1].kind = PML_VEC;
	s->vals[1].u.s.ptr = (const char *)s->vec;
	s->vals[1].u.s.len = (size_t)s->width * 4;
	*vals = s->vals;
	return 1;
}

uint64_t
pml_svm_line(const struct pml_svm *s)
{
	return s->lines.line;
}

uint64_t
pml_svm_offset(const struct pml_svm *s)
{
	return s->lines.in.offset;
}

void
pml_svm_free(struct pml_svm *s)
{
	if (!s)
		return;
	pml_lines_close(&s->lines);
	if (s->tmp) {
		unlink(s->tmp);
		pml_tmp_forget(s->tmp);
		free(s->tmp);
	}
	pml_schema_release(&s->schema);
	free(s->vec);
	free(s->touched);
	free(s->path);
	free(s->name);
	free(s);
}
