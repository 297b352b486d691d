/* u-idx.c: IDX reader and class names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "pml/buf.h"

#include "pml/err.h"
#include "pml/idx.h"
#include "t.h"

static void
put(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(p, 1, n, f);
	fclose(f);
}

/* p[0..n) gzip-compressed into path, then extra bytes as they are (n_extra may be 0). */
static void
put_gz(const char *path, const unsigned char *p, size_t n, const char *extra, size_t n_extra)
{
	gzFile g = gzopen(path, "wb");
	FILE *f;

	gzwrite(g, p, (unsigned)n);
	gzclose(g);
	if (n_extra) {
		f = fopen(path, "ab");
		fwrite(extra, 1, n_extra, f);
		fclose(f);
	}
}

#define ERR_HAS(w) (strstr(pml_err_last(), (w)) != NULL)
#define ERR_IS(w) (strcmp(pml_err_last(), (w)) == 0)

/* Open images (and labels), read every record: the records read, or -1 at an error. */
static long
read_all(const char *images, const char *labels)
{
	struct pml_idx *x = pml_idx_open(images, labels);
	const struct pml_value *v;
	long n = 0;
	int rc;

	if (!x)
		return -1;
	while ((rc = pml_idx_next(x, &v)) > 0)
		n++;
	pml_idx_free(x);
	return rc < 0 ? -1 : n;
}

/* Headers that are refused before any record: each message exactly. */
static void
test_bad_headers(void)
{
	static const unsigned char three[] = { 0, 0, 8 };
	static const unsigned char lab2d[] = { 0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1, 7 };
	static const unsigned char img0d[] = { 0, 0, 8, 0 };
	static const unsigned char img6d[] = { 0, 0, 8, 6, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
					       0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 };
	static const unsigned char cut[] = { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0 };
	/* 1 item of 1024 x 65537 bytes: over PML_MAX_VEC_ELEMS (2^26) */
	static const unsigned char big[] = { 0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 4, 0, 0, 1, 0, 1 };
	static const unsigned char lab3[] = { 0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3 };

	pml_err_capture(1);
	put("u-idx-bad", three, sizeof(three));
	T_OK(!pml_idx_open("u-idx-bad", NULL) &&
	     ERR_IS("u-idx-bad: not an IDX file: shorter than its 4-byte magic"), "3 bytes: %s",
	     pml_err_last());
	put("u-idx-bad", lab2d, sizeof(lab2d));
	T_OK(!pml_idx_open("u-idx-img", "u-idx-bad") &&
	     ERR_IS("u-idx-bad: a labels file must have 1 dimension, not 2"), "2-d labels: %s",
	     pml_err_last());
	put("u-idx-bad", img0d, sizeof(img0d));
	T_OK(!pml_idx_open("u-idx-bad", NULL) &&
	     ERR_IS("u-idx-bad: 0 dimensions; an images file has 1 to 5"), "0-d images: %s",
	     pml_err_last());
	put("u-idx-bad", img6d, sizeof(img6d));
	T_OK(!pml_idx_open("u-idx-bad", NULL) &&
	     ERR_IS("u-idx-bad: 6 dimensions; an images file has 1 to 5"), "6-d images: %s",
	     pml_err_last());
	put("u-idx-bad", cut, sizeof(cut));
	T_OK(!pml_idx_open("u-idx-bad", NULL) && ERR_IS("u-idx-bad: truncated IDX header"),
	     "header cut inside a dimension: %s", pml_err_last());
	put("u-idx-bad", big, sizeof(big));
	T_OK(!pml_idx_open("u-idx-bad", NULL) &&
	     ERR_IS("u-idx-bad: dimensions too large: one item would exceed 67108864 bytes"),
	     "item over the vector limit: %s", pml_err_last());
	put("u-idx-bad", lab3, sizeof(lab3));
	T_OK(!pml_idx_open("u-idx-img", "u-idx-bad") &&
	     ERR_IS("u-idx-img has 2 images but u-idx-bad has 3 labels"), "counts differ: %s",
	     pml_err_last());
	T_OK(!pml_idx_open("u-idx-missing", NULL) &&
	     ERR_IS("cannot open 'u-idx-missing': No such file or directory"), "missing file: %s",
	     pml_err_last());
	pml_err_capture(0);
}

/* One dimension: each item is one byte, a vec u8[1]. */
static void
test_one_dim(void)
{
	static const unsigned char img[] = { 0, 0, 8, 1, 0, 0, 0, 3, 5, 6, 7 };
	const struct pml_schema *s;
	const struct pml_value *v;
	struct pml_idx *x;
	int sum = 0;

	put("u-idx-1d", img, sizeof(img));
	x = pml_idx_open("u-idx-1d", NULL);
	T_OK(x != NULL, "1-d images open");
	if (!x)
		return;
	s = pml_idx_schema(x);
	T_OK(s->n_col == 1 && s->col[0].n_dim == 1 && s->col[0].dim[0] == 1 && s->col[0].n_elem == 1,
	     "1-d images: vec u8[1]");
	while (pml_idx_next(x, &v) > 0)
		sum = sum * 10 + (unsigned char)v[0].u.s.ptr[0];
	T_EQ_INT(sum, 567, "1-d images: the bytes 5, 6, 7 in order");
	T_EQ_INT(pml_idx_offset(x), sizeof(img), "offset: every byte of the file delivered");
	pml_idx_free(x);
	unlink("u-idx-1d");
}

/*
 * gzip files (img, lab: the 2-item files of main): the size is only known
 * at the end, so short and long data show there.
 */
static void
test_gzip(const unsigned char *img, size_t n_img, const unsigned char *lab, size_t n_lab)
{
	struct pml_idx *x;
	const struct pml_value *v;
	unsigned char more[64];

	if (n_lab >= sizeof(more))
		return;
	put_gz("u-idx-img.gz", img, n_img, NULL, 0);
	put_gz("u-idx-lab.gz", lab, n_lab, NULL, 0);
	x = pml_idx_open("u-idx-img.gz", "u-idx-lab.gz");
	T_OK(x && pml_idx_next(x, &v) == 1 && !memcmp(v[0].u.s.ptr, "\1\2\3", 3) && v[1].u.i == 7 &&
	     pml_idx_next(x, &v) == 1 && v[1].u.i == 9 && pml_idx_next(x, &v) == 0,
	     "gzip images and labels read");
	T_EQ_INT(x ? pml_idx_offset(x) : 0, n_img, "gzip: offset counts uncompressed bytes");
	pml_idx_free(x);

	pml_err_capture(1);
	put_gz("u-idx-bad.gz", img, n_img - 1, NULL, 0);
	T_OK(read_all("u-idx-bad.gz", "u-idx-lab.gz") < 0 &&
	     ERR_IS("u-idx-bad.gz: truncated: image 2 of 2 is missing or short"),
	     "gzip images one byte short: %s", pml_err_last());
	put_gz("u-idx-bad.gz", lab, n_lab - 1, NULL, 0);
	T_OK(read_all("u-idx-img.gz", "u-idx-bad.gz") < 0 &&
	     ERR_IS("u-idx-bad.gz: truncated: label 2 of 2 is missing"),
	     "gzip labels one short: %s", pml_err_last());
	memcpy(more, lab, n_lab);
	more[n_lab] = 4;
	put_gz("u-idx-bad.gz", more, n_lab + 1, NULL, 0);
	T_OK(read_all("u-idx-img.gz", "u-idx-bad.gz") < 0 &&
	     ERR_IS("u-idx-bad.gz: bytes after the 2 items the dimensions declare"),
	     "gzip labels one too many: %s", pml_err_last());
	/* a second gzip member that is corrupt: the error shows when the end is checked */
	put_gz("u-idx-bad.gz", img, n_img, "\x1f\x8bjunk", 6);
	T_OK(read_all("u-idx-bad.gz", NULL) < 0 &&
	     ERR_IS("u-idx-bad.gz: corrupt gzip data (unknown compression method)"),
	     "gzip images, then a corrupt member: %s", pml_err_last());
	pml_err_capture(0);
	unlink("u-idx-img.gz");
	unlink("u-idx-lab.gz");
	unlink("u-idx-bad.gz");
}

/* Class names: presets, lists and files, and every refusal. */
static void
test_classes(void)
{
	size_t n;
	char **names;

	T_OK(pml_classes_get("mnist", &n, &names) == 0 && n == 10 && !strcmp(names[0], "0") &&
	     !strcmp(names[9], "9"), "mnist preset: the digits");
	pml_classes_free(n, names);
	pml_err_capture(1);
	T_OK(pml_classes_get("ok,\xff", &n, &names) < 0 && n == 0 && names == NULL &&
	     ERR_IS("--classes: class 2: invalid UTF-8"), "invalid UTF-8 refused: %s", pml_err_last());
	put("u-idx-names", (const unsigned char *)"", 0);
	T_OK(pml_classes_read("u-idx-names", &n, &names) < 0 && ERR_IS("u-idx-names: no class names"),
	     "empty names file: %s", pml_err_last());
	put("u-idx-names", (const unsigned char *)"\n\r\n\n", 4);
	T_OK(pml_classes_read("u-idx-names", &n, &names) < 0 && ERR_IS("u-idx-names: no class names"),
	     "blank lines only: %s", pml_err_last());
	put("u-idx-names", (const unsigned char *)"a\nb\0c\n", 6);
	T_OK(pml_classes_read("u-idx-names", &n, &names) < 0 &&
	     ERR_IS("u-idx-names: NUL byte in class names file"), "NUL byte: %s", pml_err_last());
	put("u-idx-names", (const unsigned char *)"a\nb\na\n", 6);
	T_OK(pml_classes_read("u-idx-names", &n, &names) < 0 && n == 0 && names == NULL &&
	     ERR_IS("u-idx-names: class name 'a' given twice"), "duplicate in a file: %s",
	     pml_err_last());
	T_OK(pml_classes_read("u-idx-missing", &n, &names) < 0 &&
	     ERR_IS("cannot open 'u-idx-missing': No such file or directory"), "missing names file: %s",
	     pml_err_last());
	T_OK(pml_classes_read("/dev/zero", &n, &names) < 0 &&
	     ERR_IS("/dev/zero: class names file over 16 MiB"), "endless names file: %s",
	     pml_err_last());
	put_gz("u-idx-names.gz", (const unsigned char *)"a\nb\n", 4, "junk", 4);
	T_OK(pml_classes_read("u-idx-names.gz", &n, &names) < 0 &&
	     ERR_IS("u-idx-names.gz: trailing garbage after gzip data"), "read error: %s",
	     pml_err_last());
	put_gz("u-idx-names.gz", (const unsigned char *)"cat\ndog", 7, NULL, 0);
	pml_err_capture(0);
	T_OK(pml_classes_read("u-idx-names.gz", &n, &names) == 0 && n == 2 &&
	     !strcmp(names[1], "dog"), "gzip names file, no final newline");
	pml_classes_free(n, names);
	unlink("u-idx-names.gz");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * names c1..cN joined by sep, then extra. The duplicate check once
 * compared every name with every name before it: 65537 names took about
 * 2e9 comparisons (seconds). The limit is checked first and duplicates
 * are found by hashing (milliseconds); 30 s, far under the quadratic
 * time, leaves room for a loaded shared machine and a
 * sanitizer build.
 */
static void
many_names(struct pml_buf *b, size_t n, char sep, const char *extra)
{
	size_t k;

	pml_buf_reset(b);
	for (k = 1; k <= n; k++) {
		char one[32];

		snprintf(one, sizeof(one), "%sc%zu", k > 1 ? (sep == ',' ? "," : "\n") : "", k);
		pml_buf_addstr(b, one);
	}
	pml_buf_addstr(b, extra);
}

static void
test_many_classes(void)
{
	struct pml_buf b = PML_BUF_INIT;
	size_t n;
	char **names;
	double t;

	many_names(&b, 65536, ',', "");
	t = now();
	T_OK(pml_classes_get(b.buf, &n, &names) == 0 && n == 65536 && !strcmp(names[65535], "c65536"),
	     "65536 class names taken");
	pml_classes_free(n, names);
	pml_err_capture(1);
	many_names(&b, 65535, ',', ",c1");
	T_OK(pml_classes_get(b.buf, &n, &names) < 0 && n == 0 && !names &&
	     ERR_IS("--classes: class name 'c1' given twice"),
	     "the first name again as name 65536: %s", pml_err_last());
	many_names(&b, 65537, ',', "");
	T_OK(pml_classes_get(b.buf, &n, &names) < 0 && n == 0 && !names &&
	     ERR_IS("--classes: more than 65536 class names"), "65537 class names: %s",
	     pml_err_last());
	many_names(&b, 70000, '\n', "\n");
	put("u-idx-names", (const unsigned char *)b.buf, b.len);
	T_OK(pml_classes_read("u-idx-names", &n, &names) < 0 &&
	     ERR_IS("u-idx-names: more than 65536 class names"), "70000 names in a file: %s",
	     pml_err_last());
	many_names(&b, 60000, '\n', "\nc59999\n");
	put("u-idx-names", (const unsigned char *)b.buf, b.len);
	T_OK(pml_classes_read("u-idx-names", &n, &names) < 0 &&
	     ERR_IS("u-idx-names: class name 'c59999' given twice"), "a late duplicate in a file: %s",
	     pml_err_last());
	pml_err_capture(0);
	t = now() - t;
	T_OK(t < 30, "five lists of 60000 to 70000 names checked in %.3f s", t);
	pml_buf_release(&b);
}

int
main(void)
{
	static const unsigned char img[] = { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3,
					     1, 2, 3, 4, 5, 6 };
	static const unsigned char lab[] = { 0, 0, 8, 1, 0, 0, 0, 2, 7, 9 };
	unsigned char bad[sizeof(img) + 1];
	struct pml_idx *x;
	const struct pml_value *v;
	const struct pml_schema *s;
	size_t n;
	char **names;

	put("u-idx-img", img, sizeof(img));
	put("u-idx-lab", lab, sizeof(lab));
	x = pml_idx_open("u-idx-img", "u-idx-lab");
	T_OK(x != NULL, "open");
	s = pml_idx_schema(x);
	T_OK(s->n_col == 2 && s->col[0].type == PML_TYPE_VEC && s->col[0].n_dim == 2 &&
	     s->col[0].dim[0] == 1 && s->col[0].dim[1] == 3 && s->col[1].role == PML_ROLE_LABEL,
	     "schema: image vec u8[1,3], label");
	T_EQ_INT(pml_idx_count(x), 2, "count");
	T_OK(pml_idx_next(x, &v) == 1 && v[0].u.s.len == 3 && !memcmp(v[0].u.s.ptr, "\1\2\3", 3) &&
	     v[1].u.i == 7, "first record");
	T_OK(pml_idx_next(x, &v) == 1 && !memcmp(v[0].u.s.ptr, "\4\5\6", 3) && v[1].u.i == 9,
	     "second record");
	T_EQ_INT(pml_idx_next(x, &v), 0, "end");
	T_EQ_INT(pml_idx_next(x, &v), 0, "end again");
	pml_idx_free(x);

	x = pml_idx_open("u-idx-img", NULL);
	T_OK(x && pml_idx_schema(x)->n_col == 1, "images without labels");
	pml_idx_free(x);

	pml_err_capture(1);
	memcpy(bad, img, sizeof(img));
	bad[2] = 0x0b;
	put("u-idx-bad", bad, sizeof(img));
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("0x0b is not supported"), "type byte");
	bad[2] = 8;
	bad[11] = 0;
	put("u-idx-bad", bad, sizeof(img));
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("dimension 2 is zero"), "zero dim: %s",
	     pml_err_last());
	memcpy(bad, img, sizeof(img));
	put("u-idx-bad", bad, sizeof(img) - 1);
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("1 byte short"), "short: %s", pml_err_last());
	bad[sizeof(img)] = 0;
	put("u-idx-bad", bad, sizeof(img) + 1);
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("1 byte too many"), "long: %s", pml_err_last());
	put("u-idx-bad", lab, sizeof(lab) - 1);
	T_OK(!pml_idx_open("u-idx-img", "u-idx-bad"), "labels short");
	bad[0] = 8;
	put("u-idx-bad", bad, sizeof(img));
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("bad magic"), "magic");

	T_OK(pml_classes_get("fashion-mnist", &n, &names) == 0 && n == 10 &&
	     !strcmp(names[0], "T-shirt/top") && !strcmp(names[9], "Ankle boot"), "fashion-mnist preset");
	pml_classes_free(n, names);
	T_OK(pml_classes_get("cat,dog", &n, &names) == 0 && n == 2 && !strcmp(names[1], "dog"), "list");
	pml_classes_free(n, names);
	T_OK(pml_classes_get("cat,,dog", &n, &names) < 0 && ERR_HAS("empty class name"), "empty name");
	T_OK(pml_classes_get("a,a", &n, &names) < 0 && ERR_HAS("given twice"), "duplicate");
	put("u-idx-names", (const unsigned char *)"x\r\ny\n\nz", 7);
	T_OK(pml_classes_read("u-idx-names", &n, &names) == 0 && n == 3 && !strcmp(names[2], "z"),
	     "names file");
	pml_classes_free(n, names);
	pml_err_capture(0);
	test_bad_headers();
	test_one_dim();
	test_gzip(img, sizeof(img), lab, sizeof(lab));
	test_classes();
	test_many_classes();
	unlink("u-idx-img");
	unlink("u-idx-lab");
	unlink("u-idx-bad");
	unlink("u-idx-names");
	return t_done();
}
