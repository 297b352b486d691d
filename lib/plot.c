/* plot.c: learning curves and confusion-matrix heatmaps as plain SVG. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/plot.h"

/* Class names are shown whole up to this many characters; the picture widens. */
#define NAME_MAX_CHARS 120
#define TITLE_MAX_CHARS 80
#define TITLE_SIZE 16.0
#define COLOR_TRAIN "#1f77b4"
#define COLOR_VAL "#ff7f0e"
#define COLOR_AXIS "#333333"
#define COLOR_GRID "#e5e5e5"
#define COLOR_KEPT "#555555"

/* ---- number and text formatting (locale-free) ---- */

/* Append v rounded to d decimals (0..9), without locale. */
static void
add_fixed(struct pml_buf *b, double v, int d)
{
	long long scale = 1, t;
	int i;

	if (!isfinite(v) || fabs(v) > 1e15) {
		pml_buf_addch(b, '0');
		return;
	}
	for (i = 0; i < d; i++)
		scale *= 10;
	t = llround(v * (double)scale);
	if (t < 0) {
		pml_buf_addch(b, '-');
		t = -t;
	}
	pml_buf_addf(b, "%lld", t / scale);
	if (d > 0) {
		char frac[16];
		long long f = t % scale;
		for (i = d - 1; i >= 0; i--) {
			frac[i] = (char)('0' + f % 10);
			f /= 10;
		}
		frac[d] = '\0';
		pml_buf_addch(b, '.');
		pml_buf_addstr(b, frac);
	}
}

/* A coordinate: one decimal, ".0" dropped. */
static void
add_coord(struct pml_buf *b, double v)
{
	long long t;

	if (!isfinite(v) || fabs(v) > 1e12)
		v = 0;
	t = llround(v * 10);
	if (t % 10 == 0)
		pml_buf_addf(b, "%lld", t / 10);
	else
		add_fixed(b, v, 1);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

/* Characters (code points, invalid bytes counted one each) in s. */
static size_t
text_chars(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, c = 0, l;

	while (i < n) {
		l = utf8_len(u + i, n - i);
		i += l ? l : 1;
		c++;
	}
	return c;
}

/*
 * Estimated width in pixels of s (its first max characters, 0: all) at font
 * size px in DejaVu Sans, a little generous: wide letters count a full em,
 * narrow ones a third, anything outside ASCII a full em (CJK is that wide).
 */
static double
text_width(const char *s, size_t max, double px)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u), i = 0, c = 0, l;
	double em = 0;

	while (i < n && (!max || c < max)) {
		l = utf8_len(u + i, n - i);
		if (l > 1 || u[i] >= 0x80)
			em += 1.0;
		else if (strchr("MWmw@%", u[i]))
			em += 1.0;
		else if (strchr("ijltfrI.,:;'|!()[] ", u[i]))
			em += 0.4;
		else if (u[i] >= 'A' && u[i] <= 'Z')
			em += 0.78;
		else
			em += 0.66;
		i += l ? l : 1;
		c++;
	}
	return em * px;
}

/* Append s as XML character data, at most max characters (0: no limit). */
static void
add_text(struct pml_buf *b, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u), i = 0, c = 0, l;
	int cut = max && text_chars((const char *)u) > max;

	while (i < n) {
		if (cut && c == max - 1) {
			pml_buf_addstr(b, "\xe2\x80\xa6");
			return;
		}
		l = utf8_len(u + i, n - i);
		if (!l || u[i] < 0x20 || u[i] == 0x7f) {
			pml_buf_addch(b, '?');
			l = l ? l : 1;
		} else if (u[i] == '&') {
			pml_buf_addstr(b, "&amp;");
		} else if (u[i] == '<') {
			pml_buf_addstr(b, "&lt;");
		} else if (u[i] == '>') {
			pml_buf_addstr(b, "&gt;");
		} else if (u[i] == '"') {
			pml_buf_addstr(b, "&quot;");
		} else if (u[i] == '\'') {
			pml_buf_addstr(b, "&apos;");
		} else {
			pml_buf_add(b, u + i, l);
		}
		i += l;
		c++;
	}
}

/* <text x y [extra attributes]>s</text> */
static void
add_label(struct pml_buf *b, double x, double y, const char *attrs, const char *s, size_t max)
{
	pml_buf_addstr(b, "<text x=\"");
	add_coord(b, x);
	pml_buf_addstr(b, "\" y=\"");
	add_coord(b, y);
	pml_buf_addstr(b, "\"");
	if (attrs && *attrs) {
		pml_buf_addch(b, ' ');
		pml_buf_addstr(b, attrs);
	}
	pml_buf_addch(b, '>');
	add_text(b, s, max);
	pml_buf_addstr(b, "</text>\n");
}

static void
add_line(struct pml_buf *b, double x1, double y1, double x2, double y2, const char *attrs)
{
	pml_buf_addstr(b, "<line x1=\"");
	add_coord(b, x1);
	pml_buf_addstr(b, "\" y1=\"");
	add_coord(b, y1);
	pml_buf_addstr(b, "\" x2=\"");
	add_coord(b, x2);
	pml_buf_addstr(b, "\" y2=\"");
	add_coord(b, y2);
	pml_buf_addstr(b, "\" ");
	pml_buf_addstr(b, attrs);
	pml_buf_addstr(b, "/>\n");
}

static void
add_rect(struct pml_buf *b, double x, double y, double w, double h, const char *attrs)
{
	pml_buf_addstr(b, "<rect x=\"");
	add_coord(b, x);
	pml_buf_addstr(b, "\" y=\"");
	add_coord(b, y);
	pml_buf_addstr(b, "\" width=\"");
	add_coord(b, w);
	pml_buf_addstr(b, "\" height=\"");
	add_coord(b, h);
	pml_buf_addstr(b, "\" ");
	pml_buf_addstr(b, attrs);
	pml_buf_addstr(b, "/>\n");
}

static void
svg_open(struct pml_buf *b, int w, int h)
{
	pml_buf_addf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		     "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n"
		     "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		     w, h, w, h, w, h);
}

static void
svg_close(struct pml_buf *b)
{
	pml_buf_addstr(b, "</svg>\n");
}

/* The title centred on top of a picture W wide; a smaller font if it would not fit. */
static void
add_title(struct pml_buf *b, int W, const char *title)
{
	struct pml_buf a = PML_BUF_INIT;
	double w = 1.1 * text_width(title, TITLE_MAX_CHARS, TITLE_SIZE), size = TITLE_SIZE;

	if (w > W - 20)
		size = fmax(8, TITLE_SIZE * (W - 20) / w);
	pml_buf_addstr(&a, "text-anchor=\"middle\" font-size=\"");
	add_coord(&a, size);
	pml_buf_addstr(&a, "\" font-weight=\"bold\"");
	add_label(b, W / 2.0, 28, a.buf, title, TITLE_MAX_CHARS);
	pml_buf_release(&a);
}

/* ---- axes ---- */

struct axis {
	double lo, hi, step;
	int decimals;
};

static double
nice_step(double raw)
{
	double mag, f;

	if (!(raw > 0) || !isfinite(raw))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

/* A "nice" axis covering [lo, hi] with about 5 ticks; clamp to [0, 1] for unit data. */
static void
axis_fit(struct axis *a, double lo, double hi, int unit)
{
	double pad;
	int nonneg = lo >= 0;

	if (!isfinite(lo) || !isfinite(hi) || lo > hi) {
		lo = 0;
		hi = 1;
	}
	if (hi - lo < 1e-12 * fmax(1, fabs(hi))) {
		pad = fmax(fabs(hi) * 0.1, 0.05);
	} else {
		pad = (hi - lo) * 0.05;
	}
	lo -= pad;
	hi += pad;
	a->step = nice_step((hi - lo) / 5);
	a->lo = floor(lo / a->step) * a->step;
	a->hi = ceil(hi / a->step) * a->step;
	if (nonneg && a->lo < 0)
		a->lo = 0;
	if (unit && a->hi > 1)
		a->hi = 1;
	a->decimals = a->step >= 1 ? 0 : (int)ceil(-log10(a->step) - 1e-9);
	if (a->decimals > 9)
		a->decimals = 9;
}

struct panel {
	double x, y, w, h;      /* plot area in pixels */
	double xlo, xhi;
	struct axis ya;
};

static double
px(const struct panel *p, double e)
{
	return p->x + (e - p->xlo) / (p->xhi - p->xlo) * p->w;
}

static double
py(const struct panel *p, double v)
{
	return p->y + p->h - (v - p->ya.lo) / (p->ya.hi - p->ya.lo) * p->h;
}

static void
draw_axes(struct pml_buf *b, const struct panel *p, const char *name, size_t n_epoch)
{
	struct pml_buf lab = PML_BUF_INIT;
	double v, xstep;
	long k, nsteps;
	size_t e;

	/* horizontal grid and y ticks */
	nsteps = lround((p->ya.hi - p->ya.lo) / p->ya.step);
	for (k = 0; k <= nsteps && k <= 100; k++) {
		v = p->ya.lo + (double)k * p->ya.step;
		if (v > p->ya.hi + 1e-9 * p->ya.step)
			break;
		add_line(b, p->x, py(p, v), p->x + p->w, py(p, v), "stroke=\"" COLOR_GRID "\"");
		add_line(b, p->x - 5, py(p, v), p->x, py(p, v), "stroke=\"" COLOR_AXIS "\"");
		pml_buf_reset(&lab);
		add_fixed(&lab, v, p->ya.decimals);
		add_label(b, p->x - 8, py(p, v) + 4, "text-anchor=\"end\"", lab.buf, 0);
	}
	/* x ticks: epoch 1, then multiples of a nice step */
	xstep = nice_step((double)(n_epoch ? n_epoch : 1) / 8);
	if (xstep < 1)
		xstep = 1;
	for (e = 1; e <= n_epoch; e++) {
		if (e != 1 && fmod((double)e, xstep) != 0)
			continue;
		if (e != 1 && (double)e - 1 < xstep / 2 && xstep > 1)
			continue;
		add_line(b, px(p, (double)e), p->y + p->h, px(p, (double)e), p->y + p->h + 5,
			 "stroke=\"" COLOR_AXIS "\"");
		pml_buf_reset(&lab);
		pml_buf_addf(&lab, "%zu", e);
		add_label(b, px(p, (double)e), p->y + p->h + 18, "text-anchor=\"middle\"", lab.buf, 0);
	}
	/* frame and axis labels */
	add_rect(b, p->x, p->y, p->w, p->h, "fill=\"none\" stroke=\"" COLOR_AXIS "\"");
	add_label(b, p->x + p->w / 2, p->y + p->h + 36, "text-anchor=\"middle\"", "epoch", 0);
	pml_buf_reset(&lab);
	pml_buf_addstr(&lab, "text-anchor=\"middle\" transform=\"rotate(-90 ");
	add_coord(&lab, p->x - 48);
	pml_buf_addch(&lab, ' ');
	add_coord(&lab, p->y + p->h / 2);
	pml_buf_addstr(&lab, ")\"");
	add_label(b, p->x - 48, p->y + p->h / 2, lab.buf, name, 0);
	add_label(b, p->x + p->w / 2, p->y - 8, "text-anchor=\"middle\" font-weight=\"bold\"", name, 0);
	pml_buf_release(&lab);
}

/* One series as polylines (split at gaps) and, for short series, dots. */
static void
draw_series(struct pml_buf *b, const struct panel *p, const double *y, size_t n, const char *color,
	    int dashed)
{
	size_t i, run = 0;

	if (!y)
		return;
	for (i = 0; i <= n; i++) {
		int ok = i < n && isfinite(y[i]);
		if (ok) {
			if (!run++) {
				pml_buf_addf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
					     color, dashed ? " stroke-dasharray=\"6 4\"" : "");
			} else {
				pml_buf_addch(b, ' ');
			}
			add_coord(b, px(p, (double)(i + 1)));
			pml_buf_addch(b, ',');
			add_coord(b, py(p, y[i]));
		} else if (run) {
			pml_buf_addstr(b, "\"/>\n");
			run = 0;
		}
	}
	if (n > 60)
		return;
	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]))
			continue;
		pml_buf_addstr(b, "<circle cx=\"");
		add_coord(b, px(p, (double)(i + 1)));
		pml_buf_addstr(b, "\" cy=\"");
		add_coord(b, py(p, y[i]));
		pml_buf_addf(b, "\" r=\"3\" fill=\"%s\"/>\n", color);
	}
}

static void
range_of(const double *y, size_t n, double *lo, double *hi)
{
	size_t i;

	if (!y)
		return;
	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]))
			continue;
		if (y[i] < *lo)
			*lo = y[i];
		if (y[i] > *hi)
			*hi = y[i];
	}
}

/* The kept epoch: a dotted vertical line across the panel, labelled at its top. */
static void
draw_kept(struct pml_buf *b, const struct panel *p, size_t kept, size_t n)
{
	char lab[40];
	double x;

	if (!kept || kept > n)
		return;
	x = px(p, (double)kept);
	add_line(b, x, p->y, x, p->y + p->h,
		 "stroke=\"" COLOR_KEPT "\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\" class=\"kept\"");
	snprintf(lab, sizeof(lab), "kept %zu", kept);
	add_label(b, x + (x > p->x + p->w / 2 ? -4 : 4), p->y + 14,
		  x > p->x + p->w / 2 ? "text-anchor=\"end\" fill=\"" COLOR_KEPT "\"" :
					"fill=\"" COLOR_KEPT "\"", lab, 0);
}

static void
draw_panel(struct pml_buf *b, double x0, double w, const char *name, const double *train, const double *val,
	   size_t n, int unit, size_t kept)
{
	struct panel p;
	double lo = INFINITY, hi = -INFINITY;

	p.x = x0 + 70;
	p.y = 70;
	p.w = w - 70 - 20;
	p.h = 260;
	p.xlo = n > 1 ? 1 : 0.5;
	p.xhi = n > 1 ? (double)n : 1.5;
	range_of(train, n, &lo, &hi);
	range_of(val, n, &lo, &hi);
	if (lo > hi) {
		lo = 0;
		hi = 1;
	}
	axis_fit(&p.ya, lo, hi, unit && lo >= 0 && hi <= 1);
	draw_axes(b, &p, name, n);
	draw_series(b, &p, train, n, COLOR_TRAIN, 0);
	draw_series(b, &p, val, n, COLOR_VAL, 1);
	draw_kept(b, &p, kept, n);
	if (!n)
		add_label(b, p.x + p.w / 2, p.y + p.h / 2, "text-anchor=\"middle\" fill=\"#888888\"",
			  "no epochs", 0);
}

void
pml_plot_learning_curve(struct pml_buf *b, const char *title, const struct pml_learning_curve *lc)
{
	const int W = 800, H = 420;
	int acc = lc->train_acc || lc->val_acc;
	double pw = acc ? W / 2.0 : W;

	svg_open(b, W, H);
	add_title(b, W, title && *title ? title : "learning curve");
	draw_panel(b, 0, pw, "loss", lc->train_loss, lc->val_loss, lc->n_epoch, 0, lc->kept);
	if (acc)
		draw_panel(b, pw, pw, "accuracy", lc->train_acc, lc->val_acc, lc->n_epoch, 1, lc->kept);
	/* legend */
	add_line(b, W / 2.0 - 150, H - 22, W / 2.0 - 120, H - 22,
		 "stroke=\"" COLOR_TRAIN "\" stroke-width=\"2\"");
	add_label(b, W / 2.0 - 112, H - 18, "", "train", 0);
	add_line(b, W / 2.0 + 10, H - 22, W / 2.0 + 40, H - 22,
		 "stroke=\"" COLOR_VAL "\" stroke-width=\"2\" stroke-dasharray=\"6 4\"");
	add_label(b, W / 2.0 + 48, H - 18, "", "validation", 0);
	svg_close(b);
}

/* ---- confusion matrix ---- */

/* White to dark blue (#08306b) by f in [0, 1]. */
static void
add_heat_color(struct pml_buf *b, double f)
{
	int r, g, bl;

	if (!(f >= 0))
		f = 0;
	if (f > 1)
		f = 1;
	r = (int)lround(255 - f * (255 - 8));
	g = (int)lround(255 - f * (255 - 48));
	bl = (int)lround(255 - f * (255 - 107));
	pml_buf_addf(b, "#%02x%02x%02x", r, g, bl);
}

static size_t
digits_u64(uint64_t v)
{
	size_t d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

void
pml_plot_confusion(struct pml_buf *b, const char *title, size_t K, const char *const *names,
		   const uint64_t *counts)
{
	struct pml_buf a = PML_BUF_INIT, nb = PML_BUF_INIT;
	size_t t, p, max_digits = 1;
	double cell, left, top, gw, label_h, font, cfont, name_w = 7;
	int W, H, i;
	uint64_t *row_total;

	row_total = pml_xcalloc(K ? K : 1, sizeof(*row_total));
	for (t = 0; t < K; t++) {
		const char *nm = names ? names[t] : NULL;
		pml_buf_reset(&nb);
		if (nm)
			pml_buf_addstr(&nb, nm);
		else
			pml_buf_addf(&nb, "%zu", t);
		name_w = fmax(name_w, text_width(nb.buf, NAME_MAX_CHARS, 12));
		for (p = 0; p < K; p++) {
			row_total[t] += counts[t * K + p];
			if (digits_u64(counts[t * K + p]) > max_digits)
				max_digits = digits_u64(counts[t * K + p]);
		}
	}
	cell = K ? floor(480.0 / (double)K) : 40;
	if (cell > 48)
		cell = 48;
	if (cell < 14)
		cell = 14;
	font = 12;
	if (!title || !*title)
		title = "confusion matrix";
	/* room for the longest name on the left, and slanted (-40 degrees: sin 0.643) below */
	left = 44 + name_w;
	top = 60;
	gw = cell * (double)K;
	label_h = 30 + 0.65 * name_w;
	W = (int)ceil(left + gw + 110);
	H = (int)ceil(top + gw + label_h + 30);
	if (W < 360)
		W = 360;
	W = (int)fmax(W, ceil(1.1 * text_width(title, TITLE_MAX_CHARS, TITLE_SIZE) + 40));
	cfont = fmin(13, fmin(cell * 0.45, cell * 0.95 / (0.62 * (double)max_digits)));
	svg_open(b, W, H);
	add_title(b, W, title);
	/* cells */
	for (t = 0; t < K; t++) {
		for (p = 0; p < K; p++) {
			uint64_t c = counts[t * K + p];
			double f = row_total[t] ? (double)c / (double)row_total[t] : 0;
			pml_buf_reset(&a);
			pml_buf_addstr(&a, "fill=\"");
			add_heat_color(&a, f);
			pml_buf_addstr(&a, "\" stroke=\"#ffffff\" stroke-width=\"0.5\"");
			add_rect(b, left + cell * (double)p, top + cell * (double)t, cell, cell, a.buf);
			if (cfont >= 5) {
				pml_buf_reset(&a);
				pml_buf_addstr(&a, "text-anchor=\"middle\" font-size=\"");
				add_coord(&a, cfont);
				pml_buf_addstr(&a, f > 0.5 ? "\" fill=\"#ffffff\"" : "\" fill=\"#000000\"");
				pml_buf_reset(&nb);
				pml_buf_addf(&nb, "%llu", (unsigned long long)c);
				add_label(b, left + cell * ((double)p + 0.5), top + cell * ((double)t + 0.5) + cfont * 0.35,
					  a.buf, nb.buf, 0);
			}
		}
	}
	add_rect(b, left, top, gw, gw, "fill=\"none\" stroke=\"" COLOR_AXIS "\"");
	/* class names: rows on the left, columns below (slanted) */
	for (t = 0; t < K; t++) {
		const char *nm = names ? names[t] : NULL;
		double y = top + cell * ((double)t + 0.5) + font * 0.35;
		double x = left + cell * ((double)t + 0.5);
		pml_buf_reset(&nb);
		if (nm)
			pml_buf_addstr(&nb, nm);
		else
			pml_buf_addf(&nb, "%zu", t);
		add_label(b, left - 6, y, "text-anchor=\"end\"", nb.buf, NAME_MAX_CHARS);
		pml_buf_reset(&a);
		pml_buf_addstr(&a, "text-anchor=\"end\" transform=\"rotate(-40 ");
		add_coord(&a, x);
		pml_buf_addch(&a, ' ');
		add_coord(&a, top + gw + 14);
		pml_buf_addstr(&a, ")\"");
		add_label(b, x, top + gw + 14, a.buf, nb.buf, NAME_MAX_CHARS);
	}
	/* axis titles */
	add_label(b, left + gw / 2, H - 10.0, "text-anchor=\"middle\" font-weight=\"bold\"", "predicted class", 0);
	pml_buf_reset(&a);
	pml_buf_addstr(&a, "text-anchor=\"middle\" font-weight=\"bold\" transform=\"rotate(-90 16 ");
	add_coord(&a, top + gw / 2);
	pml_buf_addstr(&a, ")\"");
	add_label(b, 16, top + gw / 2, a.buf, "true class", 0);
	/* colour scale: 10 steps from 1 (top) to 0 (bottom) */
	{
		double sx = left + gw + 24, sh = fmax(gw, 100), sy = top;
		for (i = 0; i < 10; i++) {
			pml_buf_reset(&a);
			pml_buf_addstr(&a, "fill=\"");
			add_heat_color(&a, 1 - (i + 0.5) / 10.0);
			pml_buf_addstr(&a, "\"");
			add_rect(b, sx, sy + sh * i / 10.0, 14, sh / 10.0 + 0.5, a.buf);
		}
		add_rect(b, sx, sy, 14, sh, "fill=\"none\" stroke=\"" COLOR_AXIS "\"");
		add_label(b, sx + 18, sy + 4, "", "1", 0);
		add_label(b, sx + 18, sy + sh / 2 + 4, "", "0.5", 0);
		add_label(b, sx + 18, sy + sh + 4, "", "0", 0);
		pml_buf_reset(&a);
		pml_buf_addstr(&a, "text-anchor=\"middle\" font-size=\"10\" transform=\"rotate(90 ");
		add_coord(&a, sx + 56);
		pml_buf_addch(&a, ' ');
		add_coord(&a, sy + sh / 2);
		pml_buf_addstr(&a, ")\"");
		add_label(b, sx + 56, sy + sh / 2, a.buf, "share of true class", 0);
	}
	svg_close(b);
	free(row_total);
	pml_buf_release(&a);
	pml_buf_release(&nb);
}

int
pml_plot_save(const char *path, const struct pml_buf *svg)
{
	struct pml_out o;

	if (pml_out_open(&o, path) < 0)
		return -1;
	pml_out_write(&o, svg->buf, svg->len);
	return pml_out_close(&o);
}

void
pml_curve_add(struct pml_curve *c, double train_loss, double train_acc, double val_loss, double val_acc)
{
	if (c->n == c->m) {
		c->m = c->m ? 2 * c->m : 16;
		c->train_loss = pml_xreallocarray(c->train_loss, c->m, sizeof(double));
		c->val_loss = pml_xreallocarray(c->val_loss, c->m, sizeof(double));
		c->train_acc = pml_xreallocarray(c->train_acc, c->m, sizeof(double));
		c->val_acc = pml_xreallocarray(c->val_acc, c->m, sizeof(double));
	}
	c->train_loss[c->n] = train_loss;
	c->train_acc[c->n] = train_acc;
	c->val_loss[c->n] = val_loss;
	c->val_acc[c->n] = val_acc;
	c->n++;
}

static int
any_finite(const double *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (isfinite(v[i]))
			return 1;
	return 0;
}

int
pml_curve_save_svg(const struct pml_curve *c, const char *title, const char *path)
{
	struct pml_learning_curve lc;
	struct pml_buf svg = PML_BUF_INIT;
	int rc;

	memset(&lc, 0, sizeof(lc));
	lc.n_epoch = c->n;
	lc.train_loss = c->train_loss;
	lc.val_loss = any_finite(c->val_loss, c->n) ? c->val_loss : NULL;
	lc.train_acc = any_finite(c->train_acc, c->n) ? c->train_acc : NULL;
	lc.val_acc = lc.train_acc && any_finite(c->val_acc, c->n) ? c->val_acc : NULL;
	lc.kept = c->kept;
	pml_plot_learning_curve(&svg, title, &lc);
	rc = pml_plot_save(path, &svg);
	pml_buf_release(&svg);
	return rc;
}

void
pml_curve_release(struct pml_curve *c)
{
	free(c->train_loss);
	free(c->val_loss);
	free(c->train_acc);
	free(c->val_acc);
	memset(c, 0, sizeof(*c));
}
