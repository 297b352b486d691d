/*
 * transform-stage.c: the fitting stage driver shared by pml-clean and
 * pml-preprocess: buffer the input (spilling to a temporary file), run the
 * fitters, apply the chain, write the stream with its trailer stats.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/alloc.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/model.h"
#include "pml/mp.h"
#include "pml/rng.h"
#include "pml/source.h"
#include "pml/stats.h"
#include "pml/transform.h"
#include "transform-int.h"

/* ---- spool: length-prefixed records, in memory then in a temporary file ---- */

void
pml_spool_init(struct pml_spool *sp, size_t limit)
{
	memset(sp, 0, sizeof(*sp));
	sp->mem = (struct pml_buf)PML_BUF_INIT;
	sp->rec = (struct pml_buf)PML_BUF_INIT;
	if (!limit) {
		const char *e = getenv("PML_SPOOL_LIMIT");
		long l;
		limit = PML_SPOOL_LIMIT;
		if (e && pml_parse_long(e, &l) == 0 && l >= 0)
			limit = (size_t)l;
	}
	sp->limit = limit;
}

static int
spool_spill(struct pml_spool *sp)
{
	const char *dir = getenv("TMPDIR");
	struct pml_buf path = PML_BUF_INIT;
	int fd;

	pml_buf_addf(&path, "%s/pml-spool.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path.buf);
	if (fd < 0) {
		pml_error_errno("cannot create a temporary file in %s", dir && *dir ? dir : "/tmp");
		pml_buf_release(&path);
		return -1;
	}
	unlink(path.buf);
	pml_buf_release(&path);
	sp->f = fdopen(fd, "w+b");
	if (!sp->f) {
		close(fd);
		return pml_error_errno("temporary file");
	}
	sp->fbuf = pml_xmalloc(1 << 20);
	setvbuf(sp->f, sp->fbuf, _IOFBF, 1 << 20);
	if (sp->mem.len && fwrite(sp->mem.buf, 1, sp->mem.len, sp->f) != sp->mem.len)
		return pml_error_errno("writing the temporary file");
	pml_buf_release(&sp->mem);
	sp->spilled = 1;
	return 0;
}

int
pml_spool_add(struct pml_spool *sp, const void *p, size_t len)
{
	unsigned char h[4];

	if (len > UINT32_MAX)
		return pml_error("record too big to buffer");
	h[0] = (unsigned char)len;
	h[1] = (unsigned char)(len >> 8);
	h[2] = (unsigned char)(len >> 16);
	h[3] = (unsigned char)(len >> 24);
	if (!sp->f && sp->mem.len + len + 4 > sp->limit && spool_spill(sp) < 0)
		return -1;
	sp->n++;
	sp->bytes += len + 4;
	if (!sp->f) {
		pml_buf_add(&sp->mem, h, 4);
		pml_buf_add(&sp->mem, p, len);
		return 0;
	}
	if (fwrite(h, 1, 4, sp->f) != 4 || fwrite(p, 1, len, sp->f) != len)
		return pml_error_errno("writing the temporary file");
	return 0;
}

int
pml_spool_rewind(struct pml_spool *sp)
{
	sp->rpos = 0;
	if (sp->f && (fflush(sp->f) != 0 || fseek(sp->f, 0, SEEK_SET) != 0))
		return pml_error_errno("temporary file");
	return 0;
}

int
pml_spool_next(struct pml_spool *sp, const char **p, size_t *len)
{
	unsigned char h[4];
	size_t n;

	if (!sp->f) {
		if (sp->rpos >= sp->mem.len)
			return 0;
		memcpy(h, sp->mem.buf + sp->rpos, 4);
		n = h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16 | (size_t)h[3] << 24;
		*p = sp->mem.buf + sp->rpos + 4;
		*len = n;
		sp->rpos += 4 + n;
		return 1;
	}
	if (sp->rpos >= sp->bytes)
		return 0;
	if (fread(h, 1, 4, sp->f) != 4)
		return pml_error_errno("reading the temporary file");
	n = h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16 | (size_t)h[3] << 24;
	pml_buf_reset(&sp->rec);
	pml_buf_grow(&sp->rec, n);
	if (n && fread(sp->rec.buf, 1, n, sp->f) != n)
		return pml_error_errno("reading the temporary file");
	sp->rec.len = n;
	sp->rpos += 4 + n;
	*p = sp->rec.buf;
	*len = n;
	return 1;
}

void
pml_spool_release(struct pml_spool *sp)
{
	if (sp->f)
		fclose(sp->f);
	free(sp->fbuf);
	pml_buf_release(&sp->mem);
	pml_buf_release(&sp->rec);
	memset(sp, 0, sizeof(*sp));
}

/* ---- records encoded by pml_record_encode, back into values ---- */

static uint64_t
rd_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int
pml_record_decode(const void *buf, size_t len, const struct pml_schema *s, struct pml_value *v)
{
	const unsigned char *p = buf, *end = p + len;
	size_t n, i;

	if (p >= end)
		return -1;
	if ((*p & 0xf0) == 0x90) {
		n = *p & 0x0f;
		p++;
	} else if (*p == 0xdc && end - p >= 3) {
		n = (size_t)rd_be(p + 1, 2);
		p += 3;
	} else if (*p == 0xdd && end - p >= 5) {
		n = (size_t)rd_be(p + 1, 4);
		p += 5;
	} else {
		return -1;
	}
	if (n != s->n_col)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned b;
		uint64_t u = 0;
		size_t sl = 0;
		int is_str = 0, is_bin = 0;

		if (p >= end)
			return -1;
		b = *p++;
		if (b <= 0x7f) {
			v[i].kind = PML_INT;
			v[i].u.i = b;
		} else if (b >= 0xe0) {
			v[i].kind = PML_INT;
			v[i].u.i = (int8_t)b;
		} else if (b == 0xc0) {
			v[i].kind = PML_NIL;
		} else if (b == 0xc2 || b == 0xc3) {
			v[i].kind = PML_BOOL;
			v[i].u.b = b == 0xc3;
		} else if (b >= 0xa0 && b <= 0xbf) {
			sl = b & 0x1f;
			is_str = 1;
		} else {
			int w;
			switch (b) {
			case 0xcc: case 0xcd: case 0xce: case 0xcf:
				w = 1 << (b - 0xcc);
				if (end - p < w)
					return -1;
				u = rd_be(p, w);
				p += w;
				v[i].kind = PML_INT;
				v[i].u.i = (int64_t)u;
				break;
			case 0xd0: case 0xd1: case 0xd2: case 0xd3:
				w = 1 << (b - 0xd0);
				if (end - p < w)
					return -1;
				u = rd_be(p, w);
				p += w;
				v[i].kind = PML_INT;
				v[i].u.i = w == 1 ? (int8_t)u : w == 2 ? (int16_t)u : w == 4 ? (int32_t)u : (int64_t)u;
				break;
			case 0xca: {
				uint32_t x;
				float f;
				if (end - p < 4)
					return -1;
				x = (uint32_t)rd_be(p, 4);
				memcpy(&f, &x, 4);
				p += 4;
				v[i].kind = PML_FLOAT;
				v[i].u.f = f;
				break;
			}
			case 0xcb: {
				double d;
				if (end - p < 8)
					return -1;
				u = rd_be(p, 8);
				memcpy(&d, &u, 8);
				p += 8;
				v[i].kind = PML_FLOAT;
				v[i].u.f = d;
				break;
			}
			case 0xd9: case 0xda: case 0xdb:
				w = 1 << (b - 0xd9);
				if (end - p < w)
					return -1;
				sl = (size_t)rd_be(p, w);
				p += w;
				is_str = 1;
				break;
			case 0xc4: case 0xc5: case 0xc6:
				w = 1 << (b - 0xc4);
				if (end - p < w)
					return -1;
				sl = (size_t)rd_be(p, w);
				p += w;
				is_bin = 1;
				break;
			default:
				return -1;
			}
		}
		if (is_str || is_bin) {
			if ((size_t)(end - p) < sl)
				return -1;
			v[i].kind = is_str ? PML_STR : PML_VEC;
			v[i].u.s.ptr = (const char *)p;
			v[i].u.s.len = sl;
			p += sl;
		}
		if (v[i].kind == PML_INT && s->col[i].type == PML_TYPE_FLOAT) {
			double d = (double)v[i].u.i;
			v[i].kind = PML_FLOAT;
			v[i].u.f = d;
		}
	}
	return 0;
}

/* ---- the driver ---- */

struct run {
	const struct pml_stage *st;
	struct pml_reader *r;
	const struct pml_header *hin;
	struct pml_rawlist steps;       /* this stage's new steps */
	size_t n_prefix;                /* steps applied while reading */
	struct pml_spool sp;
	struct pml_schema ss;           /* schema of the spooled records */
	int spooled;
	/* dedup */
	struct pml_fpset seen;
	int *key_idx;
	struct pml_schema key_schema;
	struct pml_value *key_vals;
	struct pml_buf kbuf;
	uint64_t n_dup;
	struct pml_out dout;
	struct pml_writer *dw;
	/* counts per step of steps */
	uint64_t *changed, *dropped;
	uint64_t n_in;
	struct pml_buf enc;
	struct pml_progress prog;
};

/* The chain of steps[from..to) over schema in. */
static struct pml_chain *
sub_chain(const struct pml_rawlist *steps, size_t from, size_t to, const struct pml_schema *in,
	  struct pml_rawlist *tmp)
{
	const char *p = steps->bytes.buf, *why;
	size_t i, n;

	pml_rawlist_init(tmp);
	for (i = 0; i < to; i++) {
		if (pml_mp_frame(p, steps->bytes.buf + steps->bytes.len - p,
				 steps->bytes.buf + steps->bytes.len - p, PML_MP_MAX_DEPTH, &n, &why) != 1)
			PML_BUG("bad step bytes");
		if (i >= from)
			pml_rawlist_add(tmp, p, n);
		p += n;
	}
	return pml_chain_new(tmp, in, PML_CHAIN_FILTER);
}

static struct pml_chain *
chain_range(struct run *u, size_t from, size_t to, const struct pml_schema *in)
{
	struct pml_rawlist tmp;
	struct pml_chain *c = sub_chain(&u->steps, from, to, in, &tmp);

	pml_rawlist_release(&tmp);
	return c;
}

static void
count_chain(struct run *u, const struct pml_chain *c, size_t first)
{
	size_t i;

	for (i = 0; i < pml_chain_n_step(c); i++) {
		uint64_t ch, dr;
		pml_chain_step_counts(c, i, &ch, &dr);
		u->changed[first + i] += ch;
		u->dropped[first + i] += dr;
	}
}

static int
dedup_setup(struct run *u, const struct pml_schema *s)
{
	size_t k;

	pml_fpset_init(&u->seen);
	pml_schema_init(&u->key_schema);
	u->kbuf = (struct pml_buf)PML_BUF_INIT;
	if (!u->st->n_dedup_cols)
		return 0;
	u->key_idx = pml_xcalloc(u->st->n_dedup_cols, sizeof(*u->key_idx));
	u->key_vals = pml_xcalloc(u->st->n_dedup_cols, sizeof(*u->key_vals));
	for (k = 0; k < u->st->n_dedup_cols; k++) {
		int j = pml_schema_lookup(s, u->st->dedup_cols[k], pml_reader_file(u->r), "--dedup");
		if (j < 0)
			return -1;
		u->key_idx[k] = j;
		{
			struct pml_column *kcol = pml_schema_add(&u->key_schema, "k", PML_TYPE_INT);
			pml_column_release(kcol);
			pml_column_copy(kcol, &s->col[j]);
		}
	}
	return 0;
}

/* 1 new, 0 duplicate. */
static int
dedup_check(struct run *u, const struct pml_schema *s, const struct pml_value *v)
{
	size_t k;

	pml_buf_reset(&u->kbuf);
	if (!u->st->n_dedup_cols) {
		pml_record_encode(&u->kbuf, s, v);
	} else {
		for (k = 0; k < u->st->n_dedup_cols; k++)
			u->key_vals[k] = v[u->key_idx[k]];
		pml_record_encode(&u->kbuf, &u->key_schema, u->key_vals);
	}
	{
		uint64_t a, b;
		pml_fingerprint(u->kbuf.buf, u->kbuf.len, &a, &b);
		return pml_fpset_add(&u->seen, a, b);
	}
}

static void
dedup_step(struct pml_rawlist *steps, const struct pml_stage *st)
{
	struct pml_buf b = PML_BUF_INIT;
	msgpack_packer pk;
	size_t k;

	pml_mp_packer_init_buf(&pk, &b);
	msgpack_pack_map(&pk, 2);
	pml_mp_pack_cstr(&pk, "op");
	pml_mp_pack_cstr(&pk, "dedup");
	pml_mp_pack_cstr(&pk, "columns");
	msgpack_pack_array(&pk, st->n_dedup_cols);
	for (k = 0; k < st->n_dedup_cols; k++)
		pml_mp_pack_cstr(&pk, st->dedup_cols[k]);
	pml_rawlist_add(steps, b.buf, b.len);
	pml_buf_release(&b);
}

/* --dedup's key columns must be in s, the columns the dedup step will see. */
static int
dedup_cols_check(struct run *u, const struct pml_schema *s)
{
	size_t k;

	for (k = 0; k < u->st->n_dedup_cols; k++)
		if (pml_schema_lookup(s, u->st->dedup_cols[k], pml_reader_file(u->r), "--dedup") < 0)
			return -1;
	return 0;
}

static int
rec_fail(struct run *u, struct pml_chain *c, const char *where_file, uint64_t no)
{
	(void)u;
	if (where_file)
		return pml_error("%s: record %llu, %s", where_file, (unsigned long long)no, pml_chain_error(c));
	return pml_error("buffered record %llu: %s", (unsigned long long)no, pml_chain_error(c));
}

/*
 * Pass 0: read the input through the prefix chain, drop duplicates, and
 * either spool the records (sp != NULL) or write them (w).
 */
static int
read_input(struct run *u, struct pml_chain *c, struct pml_writer *w)
{
	const struct pml_value *in, *out;
	const struct pml_schema *os = pml_chain_output(c);
	int rc;

	pml_progress_init(&u->prog, "records read", 0, u->st->quiet);
	while ((rc = pml_reader_next(u->r, &in)) > 0) {
		u->n_in++;
		pml_progress_tick(&u->prog, u->n_in);
		rc = pml_chain_apply(c, in, &out);
		if (rc < 0)
			return rec_fail(u, c, pml_reader_file(u->r), pml_reader_record_no(u->r));
		if (rc == 0)
			continue;
		if (u->st->dedup && !dedup_check(u, os, out)) {
			u->n_dup++;
			if (u->dw) {
				const void *raw;
				size_t len;
				raw = pml_reader_raw(u->r, &len);
				pml_writer_put_raw(u->dw, raw, len);
			}
			continue;
		}
		if (w) {
			if (pml_writer_put(w, out) < 0)
				return -1;

		} else {
			pml_buf_reset(&u->enc);
			pml_record_encode(&u->enc, os, out);
			if (pml_spool_add(&u->sp, u->enc.buf, u->enc.len) < 0)
				return -1;
		}
	}
	pml_progress_done(&u->prog);
	return rc;
}

/* Pass over the spool through chain c (from schema in): feed f, or write to w. */
static int
spool_pass(struct run *u, struct pml_chain *c, const struct pml_schema *in, struct pml_fitter *f,
	   struct pml_writer *w)
{
	struct pml_value *v = pml_xcalloc(in->n_col + 1, sizeof(*v));
	const struct pml_value *out;
	const char *p;
	size_t len;
	uint64_t no = 0;
	int rc;

	if (pml_spool_rewind(&u->sp) < 0) {
		free(v);
		return -1;
	}
	pml_progress_init(&u->prog, f ? "fitting" : "writing", u->sp.n, u->st->quiet);
	while ((rc = pml_spool_next(&u->sp, &p, &len)) > 0) {
		no++;
		pml_progress_tick(&u->prog, no);
		if (pml_record_decode(p, len, in, v) < 0) {
			rc = pml_error("buffered record %llu: corrupt", (unsigned long long)no);
			break;
		}
		rc = pml_chain_apply(c, v, &out);
		if (rc < 0) {
			rc = rec_fail(u, c, NULL, no);
			break;
		}
		if (rc == 0)
			continue;
		if (f)
			f->add(f->arg, out);
		else if (pml_writer_put(w, out) < 0) {
			rc = -1;
			break;
		}
	}
	pml_progress_done(&u->prog);
	free(v);
	return rc;
}

static const char *
reason(const char *op, int action, int dropped)
{
	if (!strcmp(op, "drop_missing"))
		return "missing";
	if (!strcmp(op, "dedup"))
		return "duplicate";
	if (!strcmp(op, "fences"))
		return dropped ? "outlier" : action == 1 ? "clipped" : "flagged";
	if (!strcmp(op, "fill"))
		return "filled";
	if (!strcmp(op, "nonfinite"))
		return "nonfinite";
	if (!strcmp(op, "onehot"))
		return "unseen";
	return op;
}

static void
say(const char *fmt, ...) PML_PRINTF(1, 2);

static void
say(const char *fmt, ...)
{
	struct pml_buf b = PML_BUF_INIT;
	char tmp[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	pml_buf_addf(&b, "%s: %s\n", pml_progname, tmp);
	if (write(2, b.buf, b.len) < 0) {
		/* nothing to do */
	}
	pml_buf_release(&b);
}

/* Trailer stats and the -v summary. c: a chain of all new steps (names, actions). */
static void
make_stats(struct run *u, const struct pml_chain *c, uint64_t n_out, struct pml_buf *b)
{
	const char *rs[32];
	uint64_t rn[32], dsum = 0;
	int rd[32], nr = 0, i;
	size_t k, n = pml_chain_n_step(c);
	msgpack_packer pk;
	struct pml_buf line = PML_BUF_INIT;

	if (u->st->dedup)
		for (k = 0; k < n; k++)
			if (!strcmp(pml_chain_step_op(c, k), "dedup"))
				u->dropped[k] = u->n_dup;
	for (k = 0; k < n; k++) {
		const char *op = pml_chain_step_op(c, k);
		int pass;
		for (pass = 0; pass < 2; pass++) {
			uint64_t cnt = pass ? u->dropped[k] : u->changed[k];
			const char *r;
			if (!cnt && !(pass && (!strcmp(op, "drop_missing") || !strcmp(op, "dedup") ||
					       (!strcmp(op, "fences") && pml_chain_step_action(c, k) == 0))) &&
			    !(!pass && (!strcmp(op, "fill") || !strcmp(op, "onehot") ||
					(!strcmp(op, "fences") && pml_chain_step_action(c, k) > 0))))
				continue;
			r = reason(op, pml_chain_step_action(c, k), pass);
			for (i = 0; i < nr; i++)
				if (rd[i] == pass && !strcmp(rs[i], r))
					break;
			if (i == nr) {
				if (nr == 32)
					continue;
				rs[nr] = r;
				rd[nr] = pass;
				rn[nr++] = 0;
			}
			rn[i] += cnt;
			if (pass)
				dsum += cnt;
		}
	}
	pml_mp_packer_init_buf(&pk, b);
	msgpack_pack_map(&pk, 5);
	pml_mp_pack_cstr(&pk, "records_in");
	msgpack_pack_uint64(&pk, u->n_in);
	pml_mp_pack_cstr(&pk, "records_out");
	msgpack_pack_uint64(&pk, n_out);
	for (int pass = 1; pass >= 0; pass--) {
		int m = 0;
		pml_mp_pack_cstr(&pk, pass ? "dropped" : "changed");
		for (i = 0; i < nr; i++)
			m += rd[i] == pass;
		msgpack_pack_map(&pk, (size_t)m);
		for (i = 0; i < nr; i++)
			if (rd[i] == pass) {
				pml_mp_pack_cstr(&pk, rs[i]);
				msgpack_pack_uint64(&pk, rn[i]);
			}
	}
	pml_mp_pack_cstr(&pk, "steps");
	msgpack_pack_array(&pk, n);
	for (k = 0; k < n; k++) {
		const char *col = pml_chain_step_column(c, k);
		msgpack_pack_map(&pk, col ? 4 : 3);
		pml_mp_pack_cstr(&pk, "op");
		pml_mp_pack_cstr(&pk, pml_chain_step_op(c, k));
		if (col) {
			pml_mp_pack_cstr(&pk, "column");
			pml_mp_pack_cstr(&pk, col);
		}
		pml_mp_pack_cstr(&pk, "changed");
		msgpack_pack_uint64(&pk, u->changed[k]);
		pml_mp_pack_cstr(&pk, "dropped");
		msgpack_pack_uint64(&pk, u->dropped[k]);
	}
	if (!u->st->verbose)
		return;
	pml_buf_addf(&line, "%llu records in, %llu out, %llu dropped", (unsigned long long)u->n_in,
		     (unsigned long long)n_out, (unsigned long long)dsum);
	for (int pass = 1; pass >= 0; pass--) {
		int first = 1;
		for (i = 0; i < nr; i++)
			if (rd[i] == pass) {
				pml_buf_addf(&line, "%s%s %llu", first ? (pass ? " (" : "; changed: ") : ", ",
					     rs[i], (unsigned long long)rn[i]);
				first = 0;
			}
		if (pass && !first)
			pml_buf_addch(&line, ')');
	}
	say("%s", line.buf);
	pml_buf_release(&line);
	for (k = 0; k < n; k++) {
		const char *col = pml_chain_step_column(c, k);
		if (!u->changed[k] && !u->dropped[k])
			continue;
		say("step %zu %s%s%s%s: %llu changed, %llu dropped", k + 1, pml_chain_step_op(c, k),
		    col ? " '" : "", col ? col : "", col ? "'" : "", (unsigned long long)u->changed[k],
		    (unsigned long long)u->dropped[k]);
	}
}

static int
finish_output(struct run *u, struct pml_out *out, struct pml_writer *w, const struct pml_chain *all)
{
	struct pml_buf stats = PML_BUF_INIT;
	int rc = 0;

	make_stats(u, all, pml_writer_count(w), &stats);
	if (pml_writer_finish(w, stats.buf, stats.len) < 0)
		rc = -1;
	pml_buf_release(&stats);
	if (pml_out_close(out) < 0)
		rc = -1;
	if (u->dw) {
		pml_writer_finish(u->dw, NULL, 0);
		if (pml_out_close(&u->dout) < 0)
			rc = -1;
	}
	return rc;
}


/*
 * Raw records whose columns differ from the chain's input only in types
 * that convert without loss (or in order) are read as the chain's input.
 */
static int
conform_apply(struct run *u, const struct pml_header *ha)
{
	char why[256];

	if (u->hin->chain.n || !ha->chain.n || pml_schema_equal(&ha->chain_input, &u->hin->schema, why, sizeof(why)))
		return 0;
	return pml_reader_conform(u->r, &ha->chain_input, "the chain", 0);
}

int
pml_stage_run(const struct pml_stage *st)
{
	struct run u;
	struct pml_header hout;
	struct pml_out out;
	struct pml_writer *w = NULL;
	struct pml_chain *c = NULL, *all = NULL;
	struct pml_header ha;           /* --apply: the chain's stream or model */
	const struct pml_schema *sin;
	size_t f, n_all;
	int rc = -1, streaming = 1;
	const char *why;

	memset(&u, 0, sizeof(u));
	u.st = st;
	u.enc = (struct pml_buf)PML_BUF_INIT;
	pml_rawlist_init(&u.steps);
	pml_header_init(&hout);
	pml_spool_init(&u.sp, st->spool_limit);
	pml_header_init(&ha);
	if (st->apply) {
		/* inputs may be CSV or JSON lines, read with the chain's roles */
		struct pml_source_opts text;
		if (pml_header_load(st->apply, &ha) < 0)
			goto out;
		pml_source_opts_init(&text);
		text.like = ha.chain_input.n_col ? &ha.chain_input : &ha.schema;
		u.r = pml_reader_open_any(st->n_path, st->paths, st->max_message, &text);
	} else {
		u.r = pml_reader_open(st->n_path, st->paths, st->max_message);
	}
	if (!u.r)
		goto out;
	u.hin = pml_reader_header(u.r);
	sin = &u.hin->schema;
	if (st->apply) {
		if (conform_apply(&u, &ha) < 0 ||
		    pml_chain_remaining(&ha, u.hin, &u.steps, st->apply) < 0)
			goto out;
		u.n_prefix = u.steps.n;
	} else {
		for (f = 0; f < st->n_fit; f++) {
			struct pml_fitter *ft = &st->fit[f];
			int need;
			pml_chain_free(c);
			c = chain_range(&u, u.n_prefix, u.steps.n, u.spooled ? &u.ss : sin);
			if (!c)
				goto out;
			need = ft->begin(ft->arg, pml_chain_output(c));
			if (need < 0)
				goto out;
			if (need && !u.spooled) {
				/* The first fitter that needs data: read the input now. */
				if (st->dedup && dedup_cols_check(&u, pml_chain_output(c)) < 0)
					goto out;
				pml_chain_free(c);
				if (st->dedup)
					dedup_step(&u.steps, st);
				u.n_prefix = u.steps.n;
				c = chain_range(&u, 0, u.n_prefix, sin);
				if (!c)
					goto out;
				u.changed = pml_xcalloc(u.steps.n + 1, sizeof(uint64_t));
				u.dropped = pml_xcalloc(u.steps.n + 1, sizeof(uint64_t));
				if (st->dedup && dedup_setup(&u, pml_chain_output(c)) < 0)
					goto out;
				if (st->dropped) {
					if (pml_out_open(&u.dout, st->dropped) < 0)
						goto out;
					u.dw = pml_writer_new(&u.dout, u.hin);
					if (!u.dw) {
						pml_out_abort(&u.dout);
						goto out;
					}
				}
				if (read_input(&u, c, NULL) < 0)
					goto out;
				count_chain(&u, c, 0);
				pml_schema_copy(&u.ss, pml_chain_output(c));
				u.spooled = 1;
				streaming = 0;
				pml_chain_free(c);
				c = chain_range(&u, u.n_prefix, u.steps.n, &u.ss);
				if (!c)
					goto out;
			}
			if (need && spool_pass(&u, c, &u.ss, ft, NULL) < 0)
				goto out;
			if (ft->end(ft->arg, pml_chain_output(c), &u.steps) < 0)
				goto out;
		}
		if (!u.spooled && st->dedup) {
			pml_chain_free(c);
			c = chain_range(&u, 0, u.steps.n, sin);
			if (!c || dedup_cols_check(&u, pml_chain_output(c)) < 0)
				goto out;
			dedup_step(&u.steps, st);
		}
	}
	(void)why;
	/* The whole new chain, for the output schema and the summary. */
	pml_chain_free(c);
	c = NULL;
	all = chain_range(&u, 0, u.steps.n, sin);
	if (!all)
		goto out;
	n_all = u.steps.n;
	u.changed = pml_xreallocarray(u.changed, n_all + 1, sizeof(uint64_t));
	u.dropped = pml_xreallocarray(u.dropped, n_all + 1, sizeof(uint64_t));
	if (streaming) {
		memset(u.changed, 0, (n_all + 1) * sizeof(uint64_t));
		memset(u.dropped, 0, (n_all + 1) * sizeof(uint64_t));
	} else {
		for (f = u.n_prefix; f <= n_all; f++)
			u.changed[f] = u.dropped[f] = 0;
	}
	pml_header_copy(&hout, u.hin);
	{
		const char *p = u.steps.bytes.buf;
		size_t i, n;
		for (i = 0; i < u.steps.n; i++) {
			pml_mp_frame(p, u.steps.bytes.buf + u.steps.bytes.len - p,
				     u.steps.bytes.buf + u.steps.bytes.len - p, PML_MP_MAX_DEPTH, &n, &why);
			pml_header_add_step(&hout, sin, p, n);
			p += n;
		}
	}
	pml_schema_release(&hout.schema);
	pml_schema_copy(&hout.schema, pml_chain_output(all));
	pml_header_add_provenance(&hout, pml_cli_argc(), pml_cli_argv());
	if (pml_out_open(&out, st->output) < 0)
		goto out;
	w = pml_writer_new(&out, &hout);
	if (!w)
		goto abort;
	if (streaming) {
		if (st->dedup && dedup_setup(&u, pml_chain_output(all)) < 0)
			goto abort;
		if (st->dropped) {
			if (pml_out_open(&u.dout, st->dropped) < 0)
				goto abort;
			u.dw = pml_writer_new(&u.dout, u.hin);
			if (!u.dw) {
				pml_out_abort(&u.dout);
				goto abort;
			}
		}
		if (read_input(&u, all, w) < 0)
			goto abort;
		count_chain(&u, all, 0);
	} else {
		c = chain_range(&u, u.n_prefix, n_all, &u.ss);
		if (!c || spool_pass(&u, c, &u.ss, NULL, w) < 0)
			goto abort;
		count_chain(&u, c, u.n_prefix);
	}
	if (st->verbose && u.sp.spilled)
		say("buffered %llu records (%llu bytes) in a temporary file",
		    (unsigned long long)u.sp.n, (unsigned long long)u.sp.bytes);
	rc = finish_output(&u, &out, w, all);
	goto out;
abort:
	/* a failed write is reported by pml_out_close(), which also cleans up */
	if (out.err)
		pml_out_close(&out);
	else
		pml_out_abort(&out);
	if (u.dw && u.dout.err)
		pml_out_close(&u.dout);
	else if (u.dw)
		pml_out_abort(&u.dout);
out:
	if (rc < 0 && u.dw && !w)
		pml_out_abort(&u.dout);
	pml_writer_free(w);
	pml_writer_free(u.dw);
	pml_chain_free(c);
	pml_chain_free(all);
	pml_header_release(&hout);
	pml_header_release(&ha);
	pml_rawlist_release(&u.steps);
	pml_spool_release(&u.sp);
	pml_schema_release(&u.ss);
	pml_fpset_release(&u.seen);
	pml_schema_release(&u.key_schema);
	free(u.key_idx);
	free(u.key_vals);
	pml_buf_release(&u.kbuf);
	pml_buf_release(&u.enc);
	free(u.changed);
	free(u.dropped);
	if (u.r)
		pml_reader_free(u.r);
	return rc;
}
