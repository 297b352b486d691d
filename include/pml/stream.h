#ifndef PML_STREAM_H
#define PML_STREAM_H
/*
 * The pml stream (pml-stream(5)): a header map, records as arrays, a
 * trailer map; repeated when streams are concatenated.
 *
 * Header:  {"format": "pml-stream", "version": 1,
 *           "columns": [{"name", "type", "role", ["elem", "shape"],
 *                        ["classes"], ["slots"]}, ...],
 *           "provenance": [{"tool", "version", "args"}, ...],
 *           "chain": [step, ...],             fitted state, see transform.h
 *           "chain_input": [column, ...]}     the columns the chain starts from
 * Record:  [v1, v2, ...]                      one value per column, nil = missing
 * Trailer: {"records": N, "stats": {...}}
 * ext 127 objects between messages are sync markers and are skipped.
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/buf.h"
#include "pml/io.h"
#include "pml/limits.h"
#include "pml/schema.h"
#include <msgpack.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PML_STREAM_FORMAT "pml-stream"
#define PML_STREAM_VERSION 1
#define PML_SYNC_EXT_TYPE 127

/* n msgpack objects packed back to back: carried through without decoding. */
struct pml_rawlist {
	size_t n;
	struct pml_buf bytes;
};

struct pml_header {
	struct pml_schema schema;
	struct pml_rawlist provenance;  /* maps {"tool","version","args"} */
	struct pml_rawlist chain;       /* fitted steps */
	struct pml_schema chain_input;  /* n_col == 0 when the chain is empty */
};

void pml_rawlist_init(struct pml_rawlist *l);
void pml_rawlist_release(struct pml_rawlist *l);
void pml_rawlist_copy(struct pml_rawlist *dst, const struct pml_rawlist *src);
/* Append one msgpack object (bytes of exactly one object). */
void pml_rawlist_add(struct pml_rawlist *l, const void *obj, size_t len);

void pml_header_init(struct pml_header *h);
void pml_header_release(struct pml_header *h);
void pml_header_copy(struct pml_header *dst, const struct pml_header *src);
/* Append {"tool": progname, "version", "args": argv[1..]} to provenance. */
void pml_header_add_provenance(struct pml_header *h, int argc, char **argv);
/*
 * Append a fitted step (one msgpack map) to the chain. If the chain was
 * empty, chain_input becomes a copy of input (the columns the step reads).
 */
void pml_header_add_step(struct pml_header *h, const struct pml_schema *input,
			 const void *step, size_t len);
/* Encode the header map into b (appends). */
void pml_header_encode(const struct pml_header *h, struct pml_buf *b);
/* Decode a header map. 0, or -1 with a message prefixed by where. */
int pml_header_decode(struct pml_header *h, const msgpack_object *map, const char *where);
/*
 * One msgpack value of column c as a pml value (str and vec borrowed from
 * o): nil in any column, else the column's type by pml_value_conform()'s
 * rule (an int for a float column, a whole float for an int column, ...),
 * finite floats and f32 elements. 0, or -1 with the reason, without the column's name, in why
 * ("expected float, got str", "vector of 2 bytes, expected 3", ...).
 */
int pml_value_from_mp(const struct pml_column *c, const msgpack_object *o, struct pml_value *v,
		      char *why, size_t why_len);
/*
 * Encode / decode a schema as the "columns" array (used by the model file).
 * field names the array in messages ("header 'columns'", "'input'"); 0, or
 * -1 with a message prefixed by where.
 */
void pml_schema_pack(const struct pml_schema *s, msgpack_packer *pk);
int pml_schema_unpack(struct pml_schema *s, const msgpack_object *arr, const char *where,
		      const char *field);

/*
 * Reader over one or more files read one after the other ("-" is stdin;
 * no paths at all means stdin). Every file holds one or more whole streams;
 * all must have the same schema as the first.
 *
 *     struct pml_reader *r = pml_reader_open(n, paths, 0);
 *     if (!r) fail;                     message printed
 *     h = pml_reader_header(r);         first stream's header
 *     while ((rc = pml_reader_next(r, &vals)) > 0)
 *         ... vals[0..n_col-1], valid until the next call ...
 *     if (rc < 0) fail;                 message printed: file, record, column
 *     pml_reader_free(r);
 *
 * Every record is checked against the schema: its length, each value's
 * type (an int in a float column is converted, a vec's bin length must be
 * n_elem * element size, a float must be finite). End of input without a
 * trailer, garbage after a trailer, a record count that disagrees with the
 * trailer, or a message over max_message bytes are errors.
 */
struct pml_reader;

struct pml_reader *pml_reader_open(int n_path, char *const *paths, size_t max_message);
/*
 * The same, and a file that is not a stream (told by its first bytes,
 * pml_format_sniff: CSV, TSV, JSON lines, svmlight) is read as pml-collect
 * reads it with text's options (text->like: roles and class names of a
 * model's input), its columns standing for a header without a chain. Its
 * records are numbered like a stream's; messages of the text reader name
 * file and line. For pml-eval and --apply.
 */
struct pml_source_opts;
struct pml_reader *pml_reader_open_any(int n_path, char *const *paths, size_t max_message,
				       const struct pml_source_opts *text);
const struct pml_header *pml_reader_header(const struct pml_reader *r);
const struct pml_schema *pml_reader_schema(const struct pml_reader *r);
int pml_reader_next(struct pml_reader *r, const struct pml_value **vals);
/* Where the last record came from: file name and its 1-based number in that file. */
const char *pml_reader_file(const struct pml_reader *r);
uint64_t pml_reader_record_no(const struct pml_reader *r);
/* Records delivered so far, over all files. */
uint64_t pml_reader_count(const struct pml_reader *r);
/* The msgpack bytes of the last record (borrowed, valid until the next call). */
const void *pml_reader_raw(const struct pml_reader *r, size_t *len);
/* The "stats" map of the last trailer seen, as msgpack bytes (may be empty). */
const struct pml_buf *pml_reader_trailer_stats(const struct pml_reader *r);
void pml_reader_free(struct pml_reader *r);
/*
 * Read the records as want (a model's or a fitted chain's input) instead
 * of their own schema: columns matched by name, each value converted by
 * pml_value_conform()'s rule (pml_schema_conform(); owner and extra_ok
 * as there). Call before the first record; afterwards the header's schema
 * is a copy of want and every record has want's columns, while further
 * streams must still have the first one's own schema, and
 * pml_reader_raw() gives the bytes as they were. 0, or -1 with a message
 * naming the file.
 */
int pml_reader_conform(struct pml_reader *r, const struct pml_schema *want, const char *owner, int extra_ok);

/*
 * Writer. pml_writer_new() writes the header at once. Records must match
 * the header's schema (kind per column or nil; checked, -1 on mismatch).
 * pml_writer_finish() writes the trailer; stats may be NULL or one msgpack
 * map. Write errors are sticky in out and reported by pml_out_close().
 */
struct pml_writer;

struct pml_writer *pml_writer_new(struct pml_out *out, const struct pml_header *h);
int pml_writer_put(struct pml_writer *w, const struct pml_value *vals);
/* A record already msgpack-encoded for this schema (e.g. from pml_reader_raw). */
int pml_writer_put_raw(struct pml_writer *w, const void *p, size_t len);
int pml_writer_finish(struct pml_writer *w, const void *stats, size_t stats_len);
uint64_t pml_writer_count(const struct pml_writer *w);
void pml_writer_free(struct pml_writer *w);

/* Encode one record as a msgpack array into b (appends). */
void pml_record_encode(struct pml_buf *b, const struct pml_schema *s, const struct pml_value *vals);

#ifdef __cplusplus
}
#endif

#endif
