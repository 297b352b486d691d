#ifndef PML_JSONL_H
#define PML_JSONL_H
/*
 * JSON lines: one object per line, parsed with Jansson (strict UTF-8, no
 * duplicate keys, no NUL in strings, nesting at most PML_JSONL_MAX_DEPTH).
 *
 * Columns come from keys: a nested object's members become "outer.inner"
 * columns (or, with no_flatten, a nested object is an error); an array of
 * numbers becomes a vec f32 column whose length must be the same on every
 * line; null is a missing value and so is an absent key. Types are
 * inferred over the first infer_rows lines, in the order keys first
 * appear: bool, int, float (ints and floats mixed), str, vec; keys seen
 * only with null are str. An override (struct pml_csv_type) forces a
 * type; forcing str turns numbers and bools into their JSON text. A later
 * value that does not fit is an error naming the line and key; a key not
 * seen in the first lines is an error unless ignore_extra. Blank lines
 * are skipped. Lines are at most max_line bytes (default 16 MiB).
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/buf.h"
#include "pml/csv.h"
#include "pml/io.h"
#include "pml/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PML_JSONL_MAX_DEPTH 32
#define PML_JSONL_MAX_LINE ((size_t)16 << 20)

struct pml_jsonl_opts {
	size_t infer_rows;      /* 0: PML_CSV_INFER_ROWS */
	int no_flatten;
	int ignore_extra;
	size_t max_line;        /* 0: PML_JSONL_MAX_LINE */
	size_t n_type;
	const struct pml_csv_type *type;
	int type_missing_ok;    /* a type for a key the file lacks is no error */
};

struct pml_jsonl;

struct pml_jsonl *pml_jsonl_open(const char *path, const struct pml_jsonl_opts *o);
/* The same on an open input (path names it in messages); takes over in, closed on failure. */
struct pml_jsonl *pml_jsonl_open_in(struct pml_in *in, const char *path,
				    const struct pml_jsonl_opts *o);
const struct pml_schema *pml_jsonl_schema(const struct pml_jsonl *j);
/* 1 and *vals (borrowed until the next call), 0 at the end, -1 on error (printed). */
int pml_jsonl_next(struct pml_jsonl *j, const struct pml_value **vals);
uint64_t pml_jsonl_line(const struct pml_jsonl *j);
uint64_t pml_jsonl_offset(const struct pml_jsonl *j);
void pml_jsonl_free(struct pml_jsonl *j);

/*
 * One JSON object (a request line) against a known schema, by column
 * name: nested objects match dotted names, vec columns take an array of
 * n_elem numbers, an int column takes an integral number, a float column
 * any number, a str column a string, bool true/false; null is missing.
 * Keys not in the schema are ignored. Values borrow from scratch (reset
 * first). Returns 0, or -1 with a reason in why (bad JSON, not an object,
 * a column absent, a value of the wrong type); prints nothing.
 */
int pml_jsonl_parse_record(const struct pml_schema *s, const char *line, size_t len,
			   struct pml_value *out, struct pml_buf *scratch, char *why, size_t why_len);

/*
 * Lines of a file (plain or gzip; "-" is stdin), for JSON lines and
 * svmlight. Each line comes without its \n or \r\n, NUL-terminated in
 * place (borrowed until the next call). A line over max bytes is an error.
 */
struct pml_lines {
	struct pml_in in;
	int open, eof;
	char *buf;
	size_t len, pos, cap, max;
	uint64_t line;          /* number of the line last returned */
};

int pml_lines_open(struct pml_lines *l, const char *path, size_t max);
/* The same on an open input: takes it over. */
void pml_lines_open_in(struct pml_lines *l, struct pml_in *in, size_t max);
/* 1 and the line, 0 at the end, -1 on error (printed). */
int pml_lines_next(struct pml_lines *l, char **p, size_t *n);
void pml_lines_close(struct pml_lines *l);

#ifdef __cplusplus
}
#endif

#endif
