#ifndef PML_BUF_H
#define PML_BUF_H
/*
 * struct pml_buf: a growable byte buffer, always NUL-terminated.
 *
 *     struct pml_buf b = PML_BUF_INIT;
 *     pml_buf_addf(&b, "%d", 42);
 *     ... use b.buf, b.len ...
 *     pml_buf_release(&b);
 *
 * Any call that adds may move b.buf; never keep a pointer into it across one.
 */
#include <stddef.h>
#include "pml/err.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pml_buf {
	char *buf;    /* NUL-terminated; points to a static "" until first growth */
	size_t len;
	size_t alloc;
};

extern char pml_buf_empty[];
#define PML_BUF_INIT { pml_buf_empty, 0, 0 }

void pml_buf_init(struct pml_buf *b, size_t hint);
void pml_buf_release(struct pml_buf *b);
void pml_buf_reset(struct pml_buf *b);                    /* len = 0, keeps memory */
void pml_buf_grow(struct pml_buf *b, size_t extra);       /* room for extra more bytes */
void pml_buf_add(struct pml_buf *b, const void *p, size_t n);
void pml_buf_addch(struct pml_buf *b, int c);
void pml_buf_addstr(struct pml_buf *b, const char *s);
void pml_buf_addf(struct pml_buf *b, const char *fmt, ...) PML_PRINTF(2, 3);
/*
 * Length of the valid UTF-8 sequence at s[0..n) (1 for ASCII), or 0 for a
 * NUL, a stray or overlong byte, a surrogate or a truncated sequence.
 */
size_t pml_utf8_seq(const char *s, size_t n);
/*
 * Append s as a JSON string literal (quotes and escapes included); a byte
 * that is not valid UTF-8 becomes \ufffd, so the output is always JSON.
 */
void pml_buf_add_json_str(struct pml_buf *b, const char *s, size_t len);
/*
 * Numbers as text, one convention for every tool (pml-cat, pml-eval
 * --predictions, pml-serve-stdin and pml-predict replies): 0 as "0",
 * integral values below 1e17 as integers, else the fewest "%.Ng" digits that
 * read back to the same value, as a float (f32) or as a double. C locale.
 * pml_buf_add_num appends nothing for a value that is not finite;
 * pml_buf_add_json_num appends null.
 */
void pml_buf_add_num(struct pml_buf *b, double v, int f32);
void pml_buf_add_json_num(struct pml_buf *b, double v);
/*
 * The double nearest the text pml_buf_add_num(f, 1) prints: a float stored
 * in a double column prints back as the same text (for f32 predictions
 * written to a stream's float column).
 */
double pml_f32_decimal(float f);
/* Hand the buffer to the caller (free() it); b is reset to empty. */
char *pml_buf_detach(struct pml_buf *b, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
