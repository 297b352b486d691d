/* buf.c: growable NUL-terminated byte buffers. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/buf.h"

char pml_buf_empty[1];

void
pml_buf_init(struct pml_buf *b, size_t hint)
{
	b->buf = pml_buf_empty;
	b->len = 0;
	b->alloc = 0;
	if (hint)
		pml_buf_grow(b, hint);
}

void
pml_buf_release(struct pml_buf *b)
{
	if (b->alloc)
		free(b->buf);
	pml_buf_init(b, 0);
}

void
pml_buf_reset(struct pml_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

void
pml_buf_grow(struct pml_buf *b, size_t extra)
{
	size_t want, n;

	if (extra > SIZE_MAX - b->len - 1)
		pml_die("out of memory (buffer of %zu bytes)", b->len);
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return;
	n = b->alloc ? b->alloc : 64;
	while (n < want)
		n = n > SIZE_MAX / 2 ? want : n * 2;
	if (!b->alloc) {
		b->buf = pml_xmalloc(n);
		b->buf[0] = '\0';
	} else {
		b->buf = pml_xrealloc(b->buf, n);
	}
	b->alloc = n;
}

void
pml_buf_add(struct pml_buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	pml_buf_grow(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
pml_buf_addch(struct pml_buf *b, int c)
{
	pml_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void
pml_buf_addstr(struct pml_buf *b, const char *s)
{
	pml_buf_add(b, s, strlen(s));
}

void
pml_buf_addf(struct pml_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	pml_buf_grow(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		PML_BUG("vsnprintf failed");
	if ((size_t)n >= b->alloc - b->len) {
		pml_buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

size_t
pml_utf8_seq(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t k, j;

	if (n == 0 || p[0] == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		k = 1;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		k = 2;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		k = 3;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n <= k)
		return 0;
	for (j = 1; j <= k; j++) {
		if ((p[j] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[j] & 0x3f);
	}
	if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k + 1;
}

void
pml_buf_add_json_str(struct pml_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	pml_buf_grow(b, len + 2);
	pml_buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': pml_buf_add(b, "\\\"", 2); break;
		case '\\': pml_buf_add(b, "\\\\", 2); break;
		case '\n': pml_buf_add(b, "\\n", 2); break;
		case '\r': pml_buf_add(b, "\\r", 2); break;
		case '\t': pml_buf_add(b, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				pml_buf_add(b, u, 6);
			} else if (c < 0x80) {
				pml_buf_addch(b, c);
			} else {
				/* valid UTF-8 as it is; a byte that is not: U+FFFD, so the
				 * output stays JSON (readers refuse such strings before) */
				size_t k = pml_utf8_seq(s + i, len - i);
				if (k) {
					pml_buf_add(b, s + i, k);
					i += k - 1;
				} else {
					pml_buf_add(b, "\\ufffd", 6);
				}
			}
		}
	}
	pml_buf_addch(b, '"');
}

/* The shortest "%.Ng" text of v that reads back to v (as a float if f32) into tmp. */
static void
num_text(char *tmp, size_t cap, double v, int f32)
{
	int prec;

	if (v == 0) {
		snprintf(tmp, cap, "0");
		return;
	}
	/* integers as integers */
	if (v == floor(v) && fabs(v) < 1e17) {
		snprintf(tmp, cap, "%.0f", v);
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(tmp, cap, "%.*g", prec, v);
		if (f32 ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v)
			return;
	}
	snprintf(tmp, cap, "%.17g", v);
}

void
pml_buf_add_num(struct pml_buf *b, double v, int f32)
{
	char tmp[40];

	if (!isfinite(v))
		return;
	num_text(tmp, sizeof(tmp), v, f32);
	pml_buf_addstr(b, tmp);
}

void
pml_buf_add_json_num(struct pml_buf *b, double v)
{
	if (!isfinite(v))
		pml_buf_add(b, "null", 4);
	else
		pml_buf_add_num(b, v, 0);
}

double
pml_f32_decimal(float f)
{
	char tmp[40];

	if (!isfinite(f))
		return (double)f;
	num_text(tmp, sizeof(tmp), (double)f, 1);
	return strtod(tmp, NULL);
}

char *
pml_buf_detach(struct pml_buf *b, size_t *len)
{
	char *p;

	if (!b->alloc)
		pml_buf_grow(b, 0);
	p = b->buf;
	if (len)
		*len = b->len;
	pml_buf_init(b, 0);
	return p;
}
