#ifndef PML_SOURCE_H
#define PML_SOURCE_H
/*
 * One data file of any input format pml-collect reads, behind one face:
 * CSV, TSV, IDX (an images file and its labels), svmlight, JSON lines.
 *
 *     struct pml_source_opts o;
 *     pml_source_opts_init(&o);            then set fields
 *     enum pml_format f = pml_format_detect("a.csv.gz");     PML_FMT_CSV
 *     struct pml_source *s = pml_source_open(f, "a.csv.gz", NULL, &o);
 *     if (!s) fail;                        message printed
 *     sch = pml_source_schema(s);          roles and class names applied
 *     while ((rc = pml_source_next(s, &vals)) > 0) ...   borrowed until next call
 *     if (rc < 0) fail;                    message printed: file, record
 *     pml_source_free(s);
 *
 * Roles (o.role[PML_ROLE_LABEL] etc.) move a role to the named column,
 * and class names (o.n_class, o.classes, borrowed) go on the int label
 * column; a label outside the class names is an error naming the record.
 * A source reads one file and knows nothing of the others, so a sharded
 * job can give each worker its own files.
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/csv.h"
#include "pml/io.h"
#include "pml/jsonl.h"
#include "pml/schema.h"
#include "pml/svmlight.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pml_format {
	PML_FMT_NONE, PML_FMT_CSV, PML_FMT_TSV, PML_FMT_IDX, PML_FMT_SVMLIGHT, PML_FMT_JSONL,
	PML_FMT_STREAM,         /* a pml stream (msgpack) */
};

struct pml_source_opts {
	struct pml_csv_opts csv;       /* delim 0: ',' for CSV, tab for TSV */
	struct pml_svm_opts svm;
	struct pml_jsonl_opts js;
	const char *role[PML_ROLE_WEIGHT + 1];   /* column names; NULL: as read */
	size_t n_class;                /* class names of the int label, or 0 */
	char **classes;
	/*
	 * Read data exactly as data of this schema was (borrowed; CSV, TSV
	 * and JSON lines): its columns' types replace inference, its roles
	 * and class names are taken, columns are matched by name and come out
	 * in its order (a label, id or weight column may be absent: nil);
	 * a column it does not have is an error, and so is a value that does
	 * not convert (naming file, line and column). Not with role, classes
	 * or type overrides (pml_schema_agrees() checks those against it).
	 */
	const struct pml_schema *schema_from;
	const char *schema_from_name;  /* for messages: the file it came from */
	/* roles and class names of same-named columns from this schema (a
	 * model's input: pml-eval, --apply); options above still win; borrowed */
	const struct pml_schema *like;
};

struct pml_source;

/*
 * Whether type overrides and role columns (as in pml_source_opts, NULL
 * for none) say what schema (from the file named name) says already:
 * 0, or -1 with a message naming the option and the file.
 */
int pml_schema_agrees(const struct pml_schema *schema, const char *name, const struct pml_csv_type *type,
		      size_t n_type, const char *const *role);

void pml_source_opts_init(struct pml_source_opts *o);
/* The format a file name tells (.csv .tsv .jsonl .json .ndjson .svm .libsvm
 * .svmlight, case-insensitive, optionally .gz), or PML_FMT_NONE. */
enum pml_format pml_format_detect(const char *path);
/*
 * The format the first bytes of an input tell, the one rule of every tool
 * that takes more than one (pml-collect without a format option or a
 * telling name, pml-eval, --apply, pml-serve-stdin): a msgpack map or ext
 * (a stream header, or a sync marker) is a stream, and so is binary
 * data (a NUL byte in the first line: left to the stream reader to
 * refuse); '{' is JSON lines;
 * otherwise a first line with tabs and no comma is TSV, "LABEL IDX:VAL
 * ..." is svmlight, anything else CSV. Leading blank space is skipped.
 * PML_FMT_NONE: nothing but blank space, or a first line not complete
 * yet while more may come (at_end: p[0..n) is all there is).
 */
enum pml_format pml_format_sniff(const char *p, size_t n, int at_end);
/* pml_format_sniff on the first bytes of in, left unread (pml_in_peek): 0, or -1 (printed). */
int pml_format_peek(struct pml_in *in, enum pml_format *f);
/*
 * path NULL or "-" is stdin; labels is the IDX labels file (may be NULL).
 * f PML_FMT_NONE: the format from the first bytes (pml_format_peek); a pml
 * stream is refused.
 */
struct pml_source *pml_source_open(enum pml_format f, const char *path, const char *labels,
				   const struct pml_source_opts *o);
/* The same on an open input of format f (CSV, TSV, JSON lines, svmlight); takes over in. */
struct pml_source *pml_source_open_in(enum pml_format f, struct pml_in *in, const char *path,
				      const struct pml_source_opts *o);
const struct pml_schema *pml_source_schema(const struct pml_source *s);
/* 1 and *vals, 0 at the end, -1 on error (printed). */
int pml_source_next(struct pml_source *s, const struct pml_value **vals);
const char *pml_source_name(const struct pml_source *s);   /* the path, or "stdin" */
uint64_t pml_source_records(const struct pml_source *s);
uint64_t pml_source_offset(const struct pml_source *s);    /* input bytes read so far */
/* Bytes a progress bar can count to: the size of a plain regular file, else 0. */
uint64_t pml_source_size(const char *path);
/* One line for -v: "N records" (CSV: "N records, L lines, B bad rows skipped"). */
void pml_source_summary(const struct pml_source *s, char *buf, size_t len);
void pml_source_free(struct pml_source *s);
#ifdef __cplusplus
}
#endif

#endif
