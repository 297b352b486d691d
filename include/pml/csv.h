#ifndef PML_CSV_H
#define PML_CSV_H
/*
 * CSV and TSV input (pml-collect), over libcsv in strict mode.
 *
 *     struct pml_csv_opts o;
 *     pml_csv_opts_init(&o);             defaults, then set fields
 *     struct pml_csv *c = pml_csv_open("a.csv", &o);
 *     if (!c) fail;                      message printed
 *     s = pml_csv_schema(c);
 *     while ((rc = pml_csv_next(c, &vals)) > 0)
 *         ... vals[0..s->n_col-1]; str values are borrowed, valid until
 *             the next call ...
 *     if (rc < 0) fail;                  message printed: file, line, column
 *     pml_csv_free(c);
 *
 * The file is read in blocks, plain or gzip (struct pml_in). A UTF-8 BOM
 * is dropped; lines end with LF, CRLF or a lone CR, mixed freely; blank
 * lines are skipped (they still count as lines in messages). Fields are
 * taken exactly as written: no spaces are trimmed. Quoting follows RFC
 * 4180; a quote inside an unquoted field, text after a closing quote or an
 * unterminated quote is an error naming the line.
 *
 * The first row names the columns unless no_header (then c1, c2, ...);
 * an empty name becomes cN, a duplicate name is an error. Every row must
 * have as many fields as the first, else it is an error naming the line,
 * or it is skipped and counted (skip_bad_rows).
 *
 * Types: the first infer_rows data rows are kept in memory and each
 * column becomes bool, int, float or str (an override wins):
 *   - missing spellings (na) are nil in every column;
 *   - bool: true/false (also True/False, TRUE/FALSE), never 1/0;
 *   - int: [+-]digits fitting in 64 bits; float: decimal with '.' and/or
 *     an exponent, finite; a number with a leading zero ("007", "00.5")
 *     is a code and makes the column str;
 *   - a value that looks like a number but is not a valid one (padded
 *     with spaces, inf, nan not listed as missing, hex, 1e999, "1,5") in
 *     an otherwise numeric column is an error: it would be read wrong
 *     either way;
 *   - a column with no value in those rows is str.
 * A later value that does not fit its column's type is an error naming
 * file, line and column and suggesting --type COL=str; so is a later code
 * with a leading zero in an inferred int or float column ("007" after the
 * inference rows is an error, never silently 7: in those rows it would
 * have made the column str). A column typed by --type reads "007" as 7
 * wherever it is. Numbers are parsed
 * without the locale. Strings must be valid UTF-8 without NUL bytes; a
 * field longer than max_field bytes is an error.
 *
 * After the inference rows of a regular file (not a pipe, whose reads
 * could block a stop after an error), a second thread reads and splits the rest
 * into batches of rows (4 batches of about 256 KiB at most) while the
 * caller's thread converts them; errors still come in input order.
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/buf.h"
#include "pml/io.h"
#include "pml/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PML_CSV_INFER_ROWS 1000
#define PML_CSV_MAX_FIELD ((size_t)1 << 20)
/* Missing-value spellings used when opts.na is NULL. */
#define PML_CSV_DEFAULT_NA ",NA,NaN,nan,NULL,N/A,?"

struct pml_csv_type {
	const char *col;
	enum pml_type type;     /* bool, int, float or str */
};

struct pml_csv_opts {
	int delim;              /* 0: tab for *.tsv and *.tsv.gz, ',' otherwise */
	int no_header;
	size_t infer_rows;      /* rows used for type inference */
	size_t max_field;       /* bytes */
	int skip_bad_rows;
	const char *na;         /* comma-separated missing spellings; "" is one empty spelling */
	size_t n_type;
	const struct pml_csv_type *type;
	int type_missing_ok;    /* a type for a column the file lacks is no error */
	int no_thread;          /* parse in the caller's thread (default: a reader thread) */
};

void pml_csv_opts_init(struct pml_csv_opts *o);
/*
 * Parse "COL=TYPE" into t (t->col points into s, which must stay alive).
 * 0, or -1 with a reason in why.
 */
int pml_csv_type_parse(char *s, struct pml_csv_type *t, char *why, size_t why_len);

struct pml_csv;

/* Open path ("-": stdin), read the header and infer types. NULL on error (printed). */
struct pml_csv *pml_csv_open(const char *path, const struct pml_csv_opts *o);
/* The same on an open input (path names it in messages); takes over in, closed on failure. */
struct pml_csv *pml_csv_open_in(struct pml_in *in, const char *path, const struct pml_csv_opts *o);
const struct pml_schema *pml_csv_schema(const struct pml_csv *c);
/* 1 and *vals, 0 at the end, -1 on error (printed). */
int pml_csv_next(struct pml_csv *c, const struct pml_value **vals);
/* Line (1-based) where the last record started. */
uint64_t pml_csv_line(const struct pml_csv *c);
uint64_t pml_csv_records(const struct pml_csv *c);  /* records delivered */
uint64_t pml_csv_skipped(const struct pml_csv *c);  /* bad rows skipped */
uint64_t pml_csv_lines(const struct pml_csv *c);    /* lines read so far */
uint64_t pml_csv_offset(const struct pml_csv *c);   /* input bytes read so far */
void pml_csv_free(struct pml_csv *c);

/*
 * Missing-value spellings: one list (PML_CSV_DEFAULT_NA unless --na) for
 * pml-collect and pml-serve-stdin. spec NULL: the defaults.
 */
struct pml_csv_na;
struct pml_csv_na *pml_csv_na_new(const char *spec);
void pml_csv_na_free(struct pml_csv_na *na);
int pml_csv_na_match(const struct pml_csv_na *na, const char *s, size_t n);

/*
 * One CSV field s[0..n) as a value of column c: the one rule pml-collect
 * applies after inference and pml-serve-stdin applies to requests. A
 * missing spelling is nil in any column; int: [+-]digits fitting int64;
 * float: a strict finite decimal (pml_csv_number); bool: true/false,
 * True/False, TRUE/FALSE (not 1/0: a column with both is str when
 * inferred); str: valid UTF-8 without NUL bytes (borrowed from s).
 * Returns 0; -1 for a value of the wrong type (why: "expected float, got
 * 'x'"); -2 for bad text (why: "invalid UTF-8 at byte 3 of the field",
 * "NUL byte at byte 1 of the field"). Without the column's name.
 */
int pml_csv_value(const struct pml_column *c, const char *s, size_t n, const struct pml_csv_na *na,
		  struct pml_value *v, char *why, size_t why_len);

/* The fields of one line: field k is bytes.buf[off[k]], len[k] bytes, NUL-terminated. */
struct pml_csv_fields {
	struct pml_buf bytes;
	size_t *off, *len;
	size_t n, m;
};
#define PML_CSV_FIELDS_INIT { PML_BUF_INIT, NULL, NULL, 0, 0 }
void pml_csv_fields_release(struct pml_csv_fields *f);
/*
 * Split one line (no line break) into fields with the file reader's
 * quoting rules (RFC 4180, nothing trimmed; a quote inside an unquoted
 * field, text after a closing quote, or an unterminated quote is an
 * error). delim 0 is ','. 0, or -1 with a reason in *why.
 */
int pml_csv_split_line(struct pml_csv_fields *f, const char *p, size_t n, int delim,
		       const char **why);
/*
 * One CSV line (a record; may end in \n or \r\n) against a known schema
 * of bool/int/float/str columns in order: pml_csv_split_line, then
 * pml_csv_value per field. Values borrow from f. 0, or -1 with a reason in
 * why; prints nothing.
 */
int pml_csv_parse_line(const struct pml_schema *s, const char *line, size_t len, int delim,
		       const struct pml_csv_na *na, struct pml_value *out,
		       struct pml_csv_fields *f, char *why, size_t why_len);

/*
 * Strict number: the whole of s[0..n) must be [+-]digits[.digits][e[+-]digits]
 * (at least one digit, no spaces, no hex, no inf/nan), finite.
 * Returns 1 for an int that fits int64 (*i and *f set), 2 for a float
 * (*f set), 0 otherwise. Locale-independent.
 */
int pml_csv_number(const char *s, size_t n, int64_t *i, double *f);

/* 1 if s[0..n) is valid UTF-8 without NUL bytes; else 0 and *bad = offset. */
int pml_utf8_valid(const char *s, size_t n, size_t *bad);

#ifdef __cplusplus
}
#endif

#endif
