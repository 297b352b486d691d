/*
 * u-plot.c: the SVG pictures are well-formed, escaped and deterministic.
 * "u-plot --write DIR" writes sample pictures into DIR instead (used by
 * tests/cli/t3900-plot-render.sh, which renders them in a browser).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/buf.h"
#include "pml/plot.h"
#include "t.h"

static const char *fashion[] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
				 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
static const double tl[] = { 0.92, 0.61, 0.52, 0.47, 0.44, 0.41, 0.39, 0.37 };
static const double vl[] = { 0.70, 0.55, 0.50, 0.48, 0.47, 0.46, 0.46, 0.47 };
static const double ta[] = { 0.68, 0.78, 0.82, 0.84, 0.85, 0.86, 0.865, 0.87 };
static const double va[] = { 0.74, 0.80, 0.82, 0.83, 0.835, 0.84, 0.84, 0.838 };

static void
fashion_counts(uint64_t *c)
{
	size_t t, p;

	for (t = 0; t < 10; t++)
		for (p = 0; p < 10; p++)
			c[t * 10 + p] = t == p ? 800 + 17 * t : (t * 7 + p * 3) % 23;
}

/*
 * Crude well-formedness: tags nest and balance, attribute quotes pair up,
 * no raw '&' outside an entity, no control bytes but '\n', valid UTF-8.
 */
static int
well_formed(const char *s, char *why, size_t n_why)
{
	char stack[64][32];
	int depth = 0, seen_root = 0;
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; u[i]; i++) {
		if (u[i] < 0x20 && u[i] != '\n') {
			snprintf(why, n_why, "control byte at %zu", i);
			return 0;
		}
		if (u[i] >= 0x80) {
			size_t len = u[i] >= 0xf0 ? 4 : u[i] >= 0xe0 ? 3 : u[i] >= 0xc2 ? 2 : 0, k;
			if (!len) {
				snprintf(why, n_why, "bad UTF-8 at %zu", i);
				return 0;
			}
			for (k = 1; k < len; k++)
				if ((u[i + k] & 0xc0) != 0x80) {
					snprintf(why, n_why, "bad UTF-8 at %zu", i);
					return 0;
				}
			i += len - 1;
			continue;
		}
		if (u[i] == '&') {
			if (strncmp(s + i, "&amp;", 5) && strncmp(s + i, "&lt;", 4) && strncmp(s + i, "&gt;", 4) &&
			    strncmp(s + i, "&quot;", 6) && strncmp(s + i, "&apos;", 6)) {
				snprintf(why, n_why, "raw '&' at %zu", i);
				return 0;
			}
			continue;
		}
		if (u[i] == '>') {
			snprintf(why, n_why, "stray '>' at %zu", i);
			return 0;
		}
		if (u[i] != '<')
			continue;
		{
			const char *end = s + i + 1;
			int quotes = 0;
			size_t len;

			while (*end && (*end != '>' || quotes % 2)) {
				if (*end == '"')
					quotes++;
				if (*end == '<' && !(quotes % 2)) {
					snprintf(why, n_why, "'<' inside a tag at %zu", (size_t)(end - s));
					return 0;
				}
				end++;
			}
			if (!*end) {
				snprintf(why, n_why, "unclosed tag at %zu", i);
				return 0;
			}
			if (s[i + 1] == '?') {
				i = (size_t)(end - s);
				continue;
			}
			if (s[i + 1] == '/') {
				len = strcspn(s + i + 2, " >");
				if (!depth || strlen(stack[depth - 1]) != len || strncmp(stack[depth - 1], s + i + 2, len)) {
					snprintf(why, n_why, "unbalanced close tag at %zu", i);
					return 0;
				}
				depth--;
			} else if (end[-1] != '/') {
				len = strcspn(s + i + 1, " />");
				if (depth == 64 || len >= 32) {
					snprintf(why, n_why, "too deep at %zu", i);
					return 0;
				}
				if (!depth && seen_root++) {
					snprintf(why, n_why, "second root at %zu", i);
					return 0;
				}
				memcpy(stack[depth], s + i + 1, len);
				stack[depth++][len] = '\0';
			}
			i = (size_t)(end - s);
		}
	}
	if (depth) {
		snprintf(why, n_why, "%d tags left open", depth);
		return 0;
	}
	return seen_root == 1;
}

static int
count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s++;
	}
	return n;
}

static void
check_svg(const char *what, const struct pml_buf *b)
{
	char why[128] = "not one root";

	T_OK(!strncmp(b->buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44), "%s: starts with <svg", what);
	T_OK(b->len > 7 && !strcmp(b->buf + b->len - 7, "</svg>\n"), "%s: ends with </svg>", what);
	T_OK(well_formed(b->buf, why, sizeof(why)), "%s: well-formed (%s)", what, why);
	T_OK(!strstr(b->buf, "nan") && !strstr(b->buf, "inf"), "%s: no nan/inf coordinates", what);
}

static void
test_learning_curve(void)
{
	struct pml_learning_curve lc = { 8, tl, vl, ta, va };
	struct pml_buf a = PML_BUF_INIT, b = PML_BUF_INIT;
	double gap[8];
	size_t i;

	pml_plot_learning_curve(&a, "fashion <mlp> & co", &lc);
	check_svg("learning curve", &a);
	T_OK(strstr(a.buf, ">fashion &lt;mlp&gt; &amp; co</text>") != NULL, "title escaped");
	T_OK(strstr(a.buf, ">loss</text>") && strstr(a.buf, ">accuracy</text>") && strstr(a.buf, ">epoch</text>"),
	     "panel and axis labels");
	T_OK(strstr(a.buf, ">train</text>") && strstr(a.buf, ">validation</text>"), "legend");
	T_EQ_INT(count(a.buf, "<polyline"), 4, "four lines");
	T_EQ_INT(count(a.buf, "<circle"), 32, "a dot per point");
	pml_plot_learning_curve(&b, "fashion <mlp> & co", &lc);
	T_OK(a.len == b.len && !memcmp(a.buf, b.buf, a.len), "learning curve: same bytes twice");

	/* loss only (regression), with a gap */
	for (i = 0; i < 8; i++)
		gap[i] = i == 3 ? NAN : tl[i];
	lc.train_loss = gap;
	lc.train_acc = lc.val_acc = NULL;
	pml_buf_reset(&a);
	pml_plot_learning_curve(&a, NULL, &lc);
	check_svg("loss only", &a);
	T_OK(!strstr(a.buf, ">accuracy</text>"), "loss only: no accuracy panel");
	T_EQ_INT(count(a.buf, "<polyline"), 3, "gap splits the train line");

	/* one epoch, zero epochs, constant values */
	lc.n_epoch = 1;
	lc.train_loss = tl;
	lc.train_acc = ta;
	pml_buf_reset(&a);
	pml_plot_learning_curve(&a, "", &lc);
	check_svg("one epoch", &a);
	lc.n_epoch = 0;
	pml_buf_reset(&a);
	pml_plot_learning_curve(&a, "", &lc);
	check_svg("zero epochs", &a);
	T_OK(strstr(a.buf, ">no epochs</text>") != NULL, "zero epochs: says so");
	for (i = 0; i < 8; i++)
		gap[i] = 1e300;
	lc.n_epoch = 8;
	lc.train_loss = lc.val_loss = gap;
	pml_buf_reset(&a);
	pml_plot_learning_curve(&a, "huge", &lc);
	check_svg("huge constant values", &a);
	pml_buf_release(&a);
	pml_buf_release(&b);
}

static void
test_confusion(void)
{
	uint64_t c[100];
	struct pml_buf a = PML_BUF_INIT, b = PML_BUF_INIT;
	static const char *odd[] = { "a&b", "<x>", "tab\there", "bad\xff\xfeutf8", "\xe2\x82\xac euro",
				     "a very long class name that goes on and on" };
	uint64_t z[36] = { 0 };
	size_t i;

	fashion_counts(c);
	pml_plot_confusion(&a, "Fashion-MNIST test", 10, fashion, c);
	check_svg("confusion", &a);
	for (i = 0; i < 10; i++)
		T_EQ_INT(count(a.buf, fashion[i]), 2, fashion[i]);
	T_OK(strstr(a.buf, ">953</text>") != NULL, "count of the last diagonal cell");
	T_OK(strstr(a.buf, ">predicted class</text>") && strstr(a.buf, ">true class</text>"), "axis titles");
	T_OK(strstr(a.buf, ">share of true class</text>") != NULL, "colour scale");
	pml_plot_confusion(&b, "Fashion-MNIST test", 10, fashion, c);
	T_OK(a.len == b.len && !memcmp(a.buf, b.buf, a.len), "confusion: same bytes twice");

	for (i = 0; i < 36; i++)
		z[i] = i % 7 == 0 ? 1000000000000ULL : 0;
	pml_buf_reset(&a);
	pml_plot_confusion(&a, NULL, 6, odd, z);
	check_svg("odd names", &a);
	T_OK(strstr(a.buf, ">a&amp;b<") && strstr(a.buf, ">&lt;x&gt;<") && strstr(a.buf, ">tab?here<") &&
	     strstr(a.buf, ">bad??utf8<") && strstr(a.buf, ">\xe2\x82\xac euro<"), "names escaped");
	T_EQ_INT(count(a.buf, ">a very long class name that goes on and on<"), 2, "a long name shown whole");
	{
		/* a name over 120 characters is cut to 119 and an ellipsis; the picture widens for it */
		char huge[131], want[124];
		const char *two[2];
		int w_small, w_big;
		memset(huge, 'W', 130);
		huge[130] = '\0';
		two[0] = "a";
		two[1] = huge;
		want[0] = '>';
		memset(want + 1, 'W', 119);
		memcpy(want + 120, "\xe2\x80\xa6", 3);
		want[123] = '\0';
		sscanf(strstr(a.buf, "width=\""), "width=\"%d", &w_small);
		pml_buf_reset(&a);
		pml_plot_confusion(&a, NULL, 2, two, z);
		check_svg("huge name", &a);
		T_EQ_INT(count(a.buf, want), 2, "a name over 120 characters cut");
		sscanf(strstr(a.buf, "width=\""), "width=\"%d", &w_big);
		T_OK(w_big > w_small + 500, "the picture widens for long names");
	}
	pml_buf_reset(&a);
	pml_plot_confusion(&a, NULL, 1, NULL, z);
	check_svg("one class", &a);
	pml_buf_reset(&a);
	pml_plot_confusion(&a, NULL, 0, NULL, z);
	check_svg("no class", &a);
	pml_buf_release(&a);
	pml_buf_release(&b);
}

static void
test_save(void)
{
	struct pml_buf a = PML_BUF_INIT;
	char path[] = "u-plot-test.svg", got[64];
	FILE *f;
	size_t n;

	pml_buf_addstr(&a, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
	T_EQ_INT(pml_plot_save(path, &a), 0, "save");
	f = fopen(path, "rb");
	n = f ? fread(got, 1, sizeof(got), f) : 0;
	if (f)
		fclose(f);
	T_OK(n == a.len && !memcmp(got, a.buf, n), "saved bytes");
	remove(path);
	pml_buf_release(&a);
}

static int
write_samples(const char *dir)
{
	struct pml_learning_curve lc = { 8, tl, vl, ta, va };
	struct pml_buf b = PML_BUF_INIT, path = PML_BUF_INIT;
	uint64_t c[100];
	int rc = 0;

	fashion_counts(c);
	pml_plot_learning_curve(&b, "learning curve", &lc);
	pml_buf_addf(&path, "%s/curve.svg", dir);
	rc |= pml_plot_save(path.buf, &b);
	pml_buf_reset(&b);
	pml_buf_reset(&path);
	pml_plot_confusion(&b, "confusion matrix", 10, fashion, c);
	pml_buf_addf(&path, "%s/confusion.svg", dir);
	rc |= pml_plot_save(path.buf, &b);
	pml_buf_release(&b);
	pml_buf_release(&path);
	return rc ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write"))
		return write_samples(argv[2]);
	test_learning_curve();
	test_confusion();
	test_save();
	return t_done();
}
