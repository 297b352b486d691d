/* transform-split.c: pml-split's record assignment and output. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/alloc.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/rng.h"
#include "pml/stats.h"
#include "pml/transform.h"
#include "transform-int.h"

struct outs {
	size_t n;
	struct pml_out out[PML_SPLIT_MAX_OUT];
	struct pml_writer *w[PML_SPLIT_MAX_OUT];
	int open[PML_SPLIT_MAX_OUT];
};

static int
outs_open(struct outs *o, const struct pml_split *sp, const struct pml_header *hin)
{
	struct pml_header h;
	size_t i;

	memset(o, 0, sizeof(*o));
	pml_header_init(&h);
	pml_header_copy(&h, hin);
	pml_header_add_provenance(&h, pml_cli_argc(), pml_cli_argv());
	for (i = 0; i < sp->n_out; i++) {
		if (pml_out_open(&o->out[i], sp->out[i]) < 0) {
			pml_header_release(&h);
			return -1;
		}
		o->open[i] = 1;
		o->n = i + 1;
		if (!(o->w[i] = pml_writer_new(&o->out[i], &h))) {
			pml_header_release(&h);
			return -1;
		}
	}
	pml_header_release(&h);
	return 0;
}

static int
outs_close(struct outs *o, int ok)
{
	size_t i;
	int rc = ok ? 0 : -1;

	for (i = 0; i < o->n; i++) {
		if (ok && pml_writer_finish(o->w[i], NULL, 0) < 0)
			rc = -1;
		pml_writer_free(o->w[i]);
	}
	/* write out every output before renaming any into place, so that a
	 * failed write leaves none of them committed */
	for (i = 0; rc == 0 && i < o->n; i++)
		if (pml_out_flush(&o->out[i]) < 0) {
			pml_out_close(&o->out[i]);
			o->open[i] = 0;
			rc = -1;
		}
	for (i = 0; i < o->n; i++) {
		if (rc == 0 && pml_out_close(&o->out[i]) < 0)
			rc = -1;
		else if (rc < 0 && o->open[i] && o->out[i].err)
			pml_out_close(&o->out[i]);    /* a failed write: say which */
		else if (rc < 0 && o->open[i])
			pml_out_abort(&o->out[i]);
	}
	return rc;
}

/* The set with the largest deficit if g more records arrive after k: ties go to the lower set. */
static size_t
pick(const double *ratio, size_t n_out, const uint64_t *have, uint64_t k, uint64_t g)
{
	size_t s, best = 0;
	double bd = -INFINITY;

	for (s = 0; s < n_out; s++) {
		double d;
		if (ratio[s] <= 0)
			continue;
		d = ratio[s] * (double)(k + g) - (double)have[s];
		if (d > bd + 1e-9) {
			bd = d;
			best = s;
		}
	}
	return best;
}

static void
report(const struct pml_split *sp, const uint64_t *count, uint64_t n)
{
	struct pml_buf b = PML_BUF_INIT;
	size_t s;

	if (!sp->verbose)
		return;
	pml_buf_addf(&b, "%s: %llu records:", pml_progname, (unsigned long long)n);
	for (s = 0; s < sp->n_out; s++)
		pml_buf_addf(&b, "%s %s %llu", s ? "," : "", sp->out[s] && strcmp(sp->out[s], "-") ?
			     sp->out[s] : "stdout", (unsigned long long)count[s]);
	pml_buf_addch(&b, '\n');
	if (write(2, b.buf, b.len) < 0) {
		/* nothing to do */
	}
	pml_buf_release(&b);
}

static int
run_hash(const struct pml_split *sp, struct pml_reader *r, struct outs *o)
{
	const struct pml_schema *s = pml_reader_schema(r);
	const struct pml_value *v;
	uint64_t seed, count[PML_SPLIT_MAX_OUT] = { 0 }, n = 0;
	struct pml_buf key = PML_BUF_INIT;
	int kc = -1, rc;

	seed = pml_hash64(sp->salt ? sp->salt : "", sp->salt ? strlen(sp->salt) : 0, 0x73706c6974ULL);
	if (sp->key && (kc = pml_schema_lookup(s, sp->key, pml_reader_file(r), "--key")) < 0)
		return -1;
	while ((rc = pml_reader_next(r, &v)) > 0) {
		const void *p;
		size_t len, set = 0;
		double x, cum = 0;
		uint64_t h;
		p = pml_reader_raw(r, &len);
		if (kc >= 0) {
			pml_transform_key(&key, &v[kc]);
			h = pml_hash64(key.buf, key.len, seed);
		} else {
			h = pml_hash64(p, len, seed);
		}
		x = (double)(h >> 11) * 0x1.0p-53;
		for (set = 0; set + 1 < sp->n_out; set++) {
			cum += sp->ratio[set];
			if (sp->ratio[set] > 0 && x < cum)
				break;
		}
		while (sp->ratio[set] <= 0 && set > 0)
			set--;
		if (pml_writer_put_raw(o->w[set], p, len) < 0) {
			rc = -1;
			break;
		}
		count[set]++;
		n++;
	}
	pml_buf_release(&key);
	if (rc == 0)
		report(sp, count, n);
	return rc;
}

int
pml_split_run(const struct pml_split *sp)
{
	struct pml_reader *r;
	struct outs o;
	struct pml_spool spool;
	struct pml_counter keys;
	struct pml_buf key = PML_BUF_INIT;
	struct pml_rng rng;
	struct pml_progress prog;
	const struct pml_schema *s;
	const struct pml_value *v;
	uint32_t *unit = NULL, *perm = NULL;
	uint8_t *assign = NULL;
	uint64_t n = 0, m_unit = 0, count[PML_SPLIT_MAX_OUT] = { 0 };
	size_t nu, i;
	int kc = -1, rc = -1;

	r = pml_reader_open(sp->n_path, sp->paths, sp->max_message);
	if (!r)
		return -1;
	s = pml_reader_schema(r);
	if (sp->mode == PML_SPLIT_HASH) {
		if (outs_open(&o, sp, pml_reader_header(r)) < 0) {
			outs_close(&o, 0);
			pml_reader_free(r);
			return -1;
		}
		rc = run_hash(sp, r, &o);
		rc = outs_close(&o, rc == 0);
		pml_reader_free(r);
		return rc;
	}
	if (sp->group) {
		if ((kc = pml_schema_lookup(s, sp->group, pml_reader_file(r), "--group")) < 0) {
			pml_reader_free(r);
			return -1;
		}
	} else if (sp->stratify) {
		kc = sp->label ? pml_schema_lookup(s, sp->label, pml_reader_file(r), "--stratify")
		     : pml_schema_find_role(s, PML_ROLE_LABEL);
		if (kc < 0) {
			if (!sp->label)
				pml_error("--stratify: %s: no column has role label (name one with --label)",
					  pml_reader_file(r));
			pml_reader_free(r);
			return -1;
		}
		/*
		 * Report before freeing the reader: the column name and the
		 * file name live in it.
		 */
		if (s->col[kc].type == PML_TYPE_VEC || s->col[kc].type == PML_TYPE_FLOAT) {
			pml_error("--stratify: %s: label '%s' is %s, not a class (stratify by classes: "
				  "int, bool or string labels)", pml_reader_file(r), s->col[kc].name,
				  pml_type_name(s->col[kc].type));
			pml_reader_free(r);
			return -1;
		}
	}
	pml_spool_init(&spool, sp->spool_limit);
	pml_counter_init(&keys);
	/* Pass 1: buffer the records and note each one's unit (group or class). */
	pml_progress_init(&prog, "records read", 0, sp->quiet);
	while ((rc = pml_reader_next(r, &v)) > 0) {
		pml_progress_tick(&prog, n + 1);
		const void *p;
		size_t len;
		p = pml_reader_raw(r, &len);
		if (pml_spool_add(&spool, p, len) < 0) {
			rc = -1;
			break;
		}
		if (kc >= 0) {
			if (n >= m_unit) {
				m_unit = m_unit ? m_unit * 2 : 1024;
				unit = pml_xreallocarray(unit, m_unit, sizeof(*unit));
			}
			/* A missing key is a unit of its own kind: "" with a nil marker. */
			pml_transform_key(&key, &v[kc]);
			if (v[kc].kind == PML_NIL)
				pml_buf_add(&key, "\0nil", 4);
			unit[n] = (uint32_t)pml_counter_add(&keys, key.buf, key.len);
		}
		n++;
	}
	pml_progress_done(&prog);
	if (rc < 0)
		goto out;
	if (n > UINT32_MAX) {
		rc = pml_error("more than %u records: use the hash split", UINT32_MAX);
		goto out;
	}
	/* Units: groups or classes (in byte order of their key), else records. */
	pml_rng_seed(&rng, sp->seed);
	assign = pml_xcalloc(n ? n : 1, 1);
	if (kc >= 0 && sp->group) {
		uint64_t have[PML_SPLIT_MAX_OUT] = { 0 }, k = 0, fold_n[1024];
		size_t *order = pml_counter_sorted(&keys);
		uint32_t *gset = pml_xcalloc(keys.n + 1, sizeof(*gset));
		nu = keys.n;
		perm = pml_xcalloc(nu + 1, sizeof(*perm));
		for (i = 0; i < nu; i++)
			perm[i] = (uint32_t)order[i];
		pml_rng_shuffle_u32(&rng, perm, nu);
		memset(fold_n, 0, sizeof(fold_n));
		for (i = 0; i < nu; i++) {
			uint64_t g = keys.count[perm[i]];
			size_t set;
			if (sp->folds > 0) {
				size_t f, best = 0;
				for (f = 1; f < (size_t)sp->folds; f++)
					if (fold_n[f] < fold_n[best])
						best = f;
				fold_n[best] += g;
				set = best + 1 == (size_t)sp->fold ? 1 : 0;
			} else {
				set = pick(sp->ratio, sp->n_out, have, k, g);
			}
			have[set] += g;
			k += g;
			gset[perm[i]] = (uint32_t)set;
		}
		for (i = 0; i < n; i++)
			assign[i] = (uint8_t)gset[unit[i]];
		free(order);
		free(gset);
	} else {
		/* Records in a random order; stratified: class by class (byte order). */
		uint64_t have[PML_SPLIT_MAX_OUT] = { 0 };
		perm = pml_xcalloc(n + 1, sizeof(*perm));
		for (i = 0; i < n; i++)
			perm[i] = (uint32_t)i;
		pml_rng_shuffle_u32(&rng, perm, n);
		if (kc >= 0) {
			/* Stable counting sort of the shuffled records by class rank. */
			size_t *order = pml_counter_sorted(&keys);
			uint64_t *start = pml_xcalloc(keys.n + 1, sizeof(*start));
			uint32_t *rank = pml_xcalloc(keys.n + 1, sizeof(*rank));
			uint32_t *sorted = pml_xcalloc(n + 1, sizeof(*sorted));
			for (i = 0; i < keys.n; i++)
				rank[order[i]] = (uint32_t)i;
			for (i = 0; i < keys.n; i++)
				start[i + 1] = start[i] + keys.count[order[i]];
			for (i = 0; i < n; i++)
				sorted[start[rank[unit[perm[i]]]]++] = perm[i];
			free(perm);
			perm = sorted;
			free(order);
			free(start);
			free(rank);
		}
		for (i = 0; i < n; i++) {
			size_t set;
			if (sp->folds > 0)
				set = (long)(i % (size_t)sp->folds) + 1 == sp->fold ? 1 : 0;
			else
				set = pick(sp->ratio, sp->n_out, have, i, 1);
			have[set]++;
			assign[perm[i]] = (uint8_t)set;
		}
	}
	/* Pass 2: write each record to its set, in input order. */
	if (outs_open(&o, sp, pml_reader_header(r)) < 0 || pml_spool_rewind(&spool) < 0) {
		outs_close(&o, 0);
		rc = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *p;
		size_t len;
		if (pml_spool_next(&spool, &p, &len) != 1) {
			pml_error("buffered record %zu: cannot read it back", i + 1);
			break;
		}
		if (pml_writer_put_raw(o.w[assign[i]], p, len) < 0)
			break;
		count[assign[i]]++;
	}
	rc = outs_close(&o, i == n) < 0 ? -1 : 0;
	if (rc == 0)
		report(sp, count, n);
out:
	free(unit);
	free(perm);
	free(assign);
	pml_buf_release(&key);
	pml_counter_release(&keys);
	pml_spool_release(&spool);
	pml_reader_free(r);
	return rc;
}
