/* idx.c: IDX (MNIST family) images and labels, zipped into records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/csv.h"
#include "pml/err.h"
#include "pml/idx.h"
#include "pml/io.h"
#include "pml/rng.h"
#include "pml/schema.h"

struct idx_file {
	struct pml_in in;
	int open;
	int n_dim;
	uint32_t dim[PML_MAX_DIMS + 1];
	uint64_t item;          /* bytes per item */
};

struct pml_idx {
	struct idx_file img, lab;
	int has_labels;
	uint64_t n, done;
	int ended;
	struct pml_schema schema;
	unsigned char *buf;
	struct pml_value vals[2];
};

static int
read_header(struct idx_file *f, const char *path, int labels)
{
	unsigned char h[4], d[4];
	uint64_t prod = 1, total;
	struct stat st;
	int i;

	if (pml_in_open(&f->in, path) < 0)
		return -1;
	f->open = 1;
	if (pml_in_read_exact(&f->in, h, 4) != 1)
		return pml_error("%s: not an IDX file: shorter than its 4-byte magic", f->in.name);
	if (h[0] != 0 || h[1] != 0)
		return pml_error("%s: not an IDX file: bad magic %02x %02x %02x %02x", f->in.name,
				 h[0], h[1], h[2], h[3]);
	if (h[2] != 0x08)
		return pml_error("%s: IDX element type 0x%02x is not supported (only 0x08, unsigned byte)",
				 f->in.name, h[2]);
	if (labels && h[3] != 1)
		return pml_error("%s: a labels file must have 1 dimension, not %d", f->in.name, h[3]);
	if (!labels && (h[3] < 1 || h[3] > PML_MAX_DIMS + 1))
		return pml_error("%s: %d dimensions; an images file has 1 to %d", f->in.name, h[3],
				 PML_MAX_DIMS + 1);
	f->n_dim = h[3];
	for (i = 0; i < f->n_dim; i++) {
		if (pml_in_read_exact(&f->in, d, 4) != 1)
			return pml_error("%s: truncated IDX header", f->in.name);
		f->dim[i] = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
		if (f->dim[i] == 0 && i > 0)
			return pml_error("%s: dimension %d is zero", f->in.name, i + 1);
		if (i > 0) {
			if (prod > UINT64_MAX / f->dim[i] || prod * f->dim[i] > PML_MAX_VEC_ELEMS)
				return pml_error("%s: dimensions too large: one item would exceed %u bytes",
						 f->in.name, (unsigned)PML_MAX_VEC_ELEMS);
			prod *= f->dim[i];
		}
	}
	f->item = prod;
	if (f->dim[0] && prod > UINT64_MAX / f->dim[0])
		return pml_error("%s: dimensions overflow", f->in.name);
	total = prod * f->dim[0];
	/* A plain regular file: check its size now. */
	if (f->in.gzip == 0 && fstat(f->in.fd, &st) == 0 && S_ISREG(st.st_mode)) {
		uint64_t want = 4 + 4 * (uint64_t)f->n_dim + total;
		uint64_t have = (uint64_t)st.st_size;
		if (have != want)
			return pml_error("%s: data is %llu bytes, the dimensions say %llu (%llu byte%s %s)",
					 f->in.name, (unsigned long long)(have - 4 - 4 * f->n_dim),
					 (unsigned long long)total,
					 (unsigned long long)(have > want ? have - want : want - have),
					 (have > want ? have - want : want - have) == 1 ? "" : "s",
					 have > want ? "too many" : "short");
	}
	return 0;
}

struct pml_idx *
pml_idx_open(const char *images, const char *labels)
{
	struct pml_idx *x = pml_xcalloc(1, sizeof(*x));
	struct pml_column *c;

	if (read_header(&x->img, images, 0) < 0)
		goto fail;
	x->n = x->img.dim[0];
	if (labels) {
		x->has_labels = 1;
		if (read_header(&x->lab, labels, 1) < 0)
			goto fail;
		if (x->lab.dim[0] != x->img.dim[0]) {
			pml_error("%s has %u images but %s has %u labels", x->img.in.name,
				  (unsigned)x->img.dim[0], x->lab.in.name, (unsigned)x->lab.dim[0]);
			goto fail;
		}
	}
	c = pml_schema_add(&x->schema, "image", PML_TYPE_VEC);
	if (x->img.n_dim == 1) {
		uint32_t one = 1;
		pml_column_set_vec(c, PML_ELEM_U8, 1, &one);
	} else if (pml_column_set_vec(c, PML_ELEM_U8, x->img.n_dim - 1, x->img.dim + 1) < 0) {
		pml_error("%s: image shape not supported", x->img.in.name);
		goto fail;
	}
	if (labels) {
		c = pml_schema_add(&x->schema, "label", PML_TYPE_INT);
		c->role = PML_ROLE_LABEL;
	}
	x->buf = pml_xmalloc(x->img.item ? x->img.item : 1);
	return x;
fail:
	pml_idx_free(x);
	return NULL;
}

const struct pml_schema *
pml_idx_schema(const struct pml_idx *x)
{
	return &x->schema;
}

uint64_t
pml_idx_count(const struct pml_idx *x)
{
	return x->n;
}

static int
check_end(struct idx_file *f, uint64_t n)
{
	unsigned char b;
	ssize_t r = pml_in_read(&f->in, &b, 1);

	if (r < 0)
		return -1;
	if (r > 0)
		return pml_error("%s: bytes after the %llu items the dimensions declare", f->in.name,
				 (unsigned long long)n);
	return 0;
}

int
pml_idx_next(struct pml_idx *x, const struct pml_value **vals)
{
	unsigned char lab;

	if (x->done == x->n) {
		if (x->ended)
			return 0;
		if (check_end(&x->img, x->n) < 0 || (x->has_labels && check_end(&x->lab, x->n) < 0))
			return -1;
		x->ended = 1;
		return 0;
	}
	if (pml_in_read_exact(&x->img.in, x->buf, x->img.item) != 1)
		return pml_error("%s: truncated: image %llu of %llu is missing or short", x->img.in.name,
				 (unsigned long long)x->done + 1, (unsigned long long)x->n);
	if (x->has_labels && pml_in_read_exact(&x->lab.in, &lab, 1) != 1)
		return pml_error("%s: truncated: label %llu of %llu is missing", x->lab.in.name,
				 (unsigned long long)x->done + 1, (unsigned long long)x->n);
	x->done++;
	x->vals[0].kind = PML_VEC;
	x->vals[0].u.s.ptr = (const char *)x->buf;
	x->vals[0].u.s.len = x->img.item;
	x->vals[1].kind = PML_INT;
	x->vals[1].u.i = lab;
	*vals = x->vals;
	return 1;
}

uint64_t
pml_idx_offset(const struct pml_idx *x)
{
	return x->img.in.offset;
}

void
pml_idx_free(struct pml_idx *x)
{
	if (!x)
		return;
	if (x->img.open)
		pml_in_close(&x->img.in);
	if (x->lab.open)
		pml_in_close(&x->lab.in);
	pml_schema_release(&x->schema);
	free(x->buf);
	free(x);
}

/* ---- class names ---- */

static const char *const fashion[] = {
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};
static const char *const digits[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };

#define MAX_CLASSES 65536

/*
 * Class names as they are added. slot is an open-addressing hash table of
 * name indexes plus 1 (0: empty), n_slot a power of 2 at least twice n,
 * so a duplicate is found without comparing every pair of names.
 */
struct name_set {
	size_t n, m;
	char **names;
	uint32_t *slot;
	size_t n_slot;
};

static size_t
name_slot(const struct name_set *set, const char *s, size_t len)
{
	return (size_t)pml_hash64(s, len, 0) & (set->n_slot - 1);
}

static void
name_set_grow(struct name_set *set)
{
	size_t k, h;

	free(set->slot);
	set->n_slot = set->n_slot ? set->n_slot * 2 : 64;
	set->slot = pml_xcalloc(set->n_slot, sizeof(*set->slot));
	for (k = 0; k < set->n; k++) {
		h = name_slot(set, set->names[k], strlen(set->names[k]));
		while (set->slot[h])
			h = (h + 1) & (set->n_slot - 1);
		set->slot[h] = (uint32_t)k + 1;
	}
}

static int
add_name(struct name_set *set, const char *s, size_t len, const char *where)
{
	size_t bad, h;
	uint32_t k;

	if (set->n >= MAX_CLASSES)
		return pml_error("%s: more than %d class names", where, MAX_CLASSES);
	if (len == 0)
		return pml_error("%s: empty class name (number %zu)", where, set->n + 1);
	if (!pml_utf8_valid(s, len, &bad))
		return pml_error("%s: class %zu: invalid UTF-8", where, set->n + 1);
	if (2 * (set->n + 1) > set->n_slot)
		name_set_grow(set);
	for (h = name_slot(set, s, len); (k = set->slot[h]); h = (h + 1) & (set->n_slot - 1))
		if (strlen(set->names[k - 1]) == len && !memcmp(set->names[k - 1], s, len))
			return pml_error("%s: class name '%.*s' given twice", where, (int)len, s);
	PML_ALLOC_GROW(set->names, set->n + 1, set->m);
	set->names[set->n++] = pml_xmemdupz(s, len);
	set->slot[h] = (uint32_t)set->n;
	return 0;
}

/* Hand the names over (rc 0) or free them (rc -1); the table goes either way. */
static int
name_set_finish(struct name_set *set, int rc, size_t *n, char ***names)
{
	free(set->slot);
	if (rc < 0) {
		pml_classes_free(set->n, set->names);
		*n = 0;
		*names = NULL;
		return -1;
	}
	*n = set->n;
	*names = set->names;
	return 0;
}

int
pml_classes_get(const char *spec, size_t *n, char ***names)
{
	struct name_set set = { 0 };
	const char *const *preset = NULL;
	size_t k;

	*n = 0;
	*names = NULL;
	if (!strcmp(spec, "fashion-mnist"))
		preset = fashion;
	else if (!strcmp(spec, "mnist"))
		preset = digits;
	if (preset) {
		for (k = 0; k < 10; k++)
			add_name(&set, preset[k], strlen(preset[k]), spec);
		return name_set_finish(&set, 0, n, names);
	}
	for (const char *p = spec;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (add_name(&set, p, len, "--classes") < 0)
			return name_set_finish(&set, -1, n, names);
		if (!e)
			break;
		p = e + 1;
	}
	return name_set_finish(&set, 0, n, names);
}

int
pml_classes_read(const char *path, size_t *n, char ***names)
{
	struct name_set set = { 0 };
	struct pml_in in;
	struct pml_buf b = PML_BUF_INIT;
	char blk[4096];
	ssize_t r;
	const char *p, *end;
	int rc = -1;

	*n = 0;
	*names = NULL;
	if (pml_in_open(&in, path) < 0)
		return -1;
	while ((r = pml_in_read(&in, blk, sizeof(blk))) > 0) {
		if (b.len + (size_t)r > (16u << 20)) {
			pml_error("%s: class names file over 16 MiB", in.name);
			goto out;
		}
		pml_buf_add(&b, blk, (size_t)r);
	}
	if (r < 0)
		goto out;
	if (memchr(b.buf, '\0', b.len)) {
		pml_error("%s: NUL byte in class names file", in.name);
		goto out;
	}
	for (p = b.buf, end = b.buf + b.len; p < end;) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t len = e ? (size_t)(e - p) : (size_t)(end - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len && add_name(&set, p, len, in.name) < 0)
			goto out;
		p += (e ? (size_t)(e - p) + 1 : len);
		if (!e)
			break;
	}
	if (set.n == 0) {
		pml_error("%s: no class names", in.name);
		goto out;
	}
	rc = 0;
out:
	rc = name_set_finish(&set, rc, n, names);
	pml_buf_release(&b);
	pml_in_close(&in);
	return rc;
}

void
pml_classes_free(size_t n, char **names)
{
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
}
