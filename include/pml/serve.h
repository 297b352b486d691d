#ifndef PML_SERVE_H
#define PML_SERVE_H
/*
 * Serving (pml-serve-stdin): answer records read from a file descriptor,
 * one reply per request, in order, for as long as the input stays open.
 *
 *     struct pml_serve_engine e;
 *     if (pml_serve_engine_model(&e, "model.pmm", 1024) < 0) fail;   message printed
 *     pml_serve_catch_signals();          SIGHUP reload, SIGUSR1 stats, SIGINT/SIGTERM stop
 *     rc = pml_serve_run(&e, &opts, 0, &out, &stats);
 *     pml_serve_stats_report(&stats);     one stderr line
 *     e.free(&e);
 *
 * The loop waits for input (poll, woken by signals), then reads everything
 * already available, turns every complete request into a record of the
 * engine's input schema, predicts them in batches of at most max_batch,
 * writes the replies and flushes. A client sending one record at a time
 * gets its answer at once; a bulk client gets batch throughput.
 *
 * Input formats (replies come in the same family):
 *   msgpack  a pml stream (header map, record arrays, trailer map; streams may
 *            follow each other); replies are a pml stream with a trailer at
 *            the end. Bytes that break msgpack framing cannot be
 *            resynchronised: everything before them is answered, then
 *            pml_serve_run() fails.
 *   json     one JSON object per line, columns by name; blank lines are
 *            skipped. Replies are JSON lines (pml_predict_format_json).
 *   csv      a header line, then one record per line (quoted fields may not
 *            span lines); a vec column c is given as fields c[0], c[1], ...
 *            Replies are CSV with a header line.
 * A bad record (unparsable line, missing or mistyped column, a value the
 * model's chain refuses) gets an error reply naming the record number and
 * the reason, and serving goes on. JSON and CSV resynchronise at the next
 * newline; a line longer than max_line is answered with an error and
 * skipped up to its newline, so memory stays bounded.
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/buf.h"
#include "pml/io.h"
#include "pml/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pml_serve_format {
	PML_SERVE_AUTO = 0,     /* from the first byte: 0x80-0x8f, 0xde, 0xdf msgpack; '{' json; else csv */
	PML_SERVE_MSGPACK,
	PML_SERVE_JSON,
	PML_SERVE_CSV,
};

/*
 * What the loop predicts with. The model binding is pml_serve_engine_model();
 * tests plug in their own. Every callback gets ctx.
 */
struct pml_serve_engine {
	void *ctx;
	const struct pml_schema *input;   /* records are parsed against this schema */
	/* per input column: 1 if a record may leave it out (the model never
	 * reads it); NULL: only label, id and weight columns may be absent */
	const unsigned char *optional;
	size_t n_class;                   /* 0: regression, one value per record */
	char *const *classes;             /* n_class names */
	/* Stage one record; -1 with a reason ("column 'x': ...") in *why. */
	int (*add)(void *ctx, const struct pml_value *rec, const char **why);
	size_t (*count)(void *ctx);
	/* Predict the staged records; -1 with a reason in *why. */
	int (*run)(void *ctx, const char **why);
	/* Row i of the last run: class probabilities (n_class) or one value. */
	const float *(*output)(void *ctx, size_t i, size_t *n_out);
	void (*reset)(void *ctx);
	/* Append one prediction as a JSON object, no newline. */
	void (*format_json)(void *ctx, struct pml_buf *b, const float *out, size_t n_out, int top_k);
	/*
	 * Reload the model (SIGHUP), only between batches. 0: the engine now
	 * serves the new model (input, n_class and classes may point elsewhere
	 * but describe the same records and classes). -1: the old one keeps
	 * serving; the reason was reported. NULL: reloading is not supported.
	 */
	int (*reload)(struct pml_serve_engine *e);
	void (*free)(struct pml_serve_engine *e);
};

/*
 * Bind e to the model file at path (pml_model_load + pml_predictor in raw
 * mode: the model's fitted chain is applied to every record). reload
 * re-reads the same path and accepts the new model only if its input
 * schema and class names equal the old ones. 0, or -1 with a message.
 */
int pml_serve_engine_model(struct pml_serve_engine *e, const char *path, size_t max_batch);

/* What becomes of a bad record (one that gets an error instead of a prediction). */
enum pml_serve_bad {
	PML_SERVE_BAD_REPLY = 0, /* an error reply (echo: the record with empty predictions); go on */
	PML_SERVE_BAD_FAIL,      /* "NAME: record N: reason" on stderr; pml_serve_run() fails */
	PML_SERVE_BAD_SKIP,      /* no reply at all */
};

struct pml_serve_opts {
	enum pml_serve_format format;
	const char *id;          /* column echoed in every reply, or NULL */
	int top_k;               /* 0: all probabilities */
	size_t max_batch;        /* records per prediction batch (<= the engine's) */
	size_t max_line;         /* longest JSON/CSV line (bytes) */
	size_t max_message;      /* longest msgpack message (bytes) */
	int force;               /* write a msgpack reply stream to a terminal anyway */
	/*
	 * pml-predict: each reply is the request record as it came (the CSV
	 * line, the JSON object, the stream record) with prediction columns
	 * appended: PREFIX "predicted" (the class, or the value of a
	 * regression), then PREFIX "prob_" CLASS per class. A record or header
	 * that already has a column of one of these names is refused.
	 */
	int echo;
	const char *prefix;      /* echo: "" if NULL */
	enum pml_serve_bad bad;  /* BAD_REPLY, or (echo) BAD_FAIL / BAD_SKIP */
	const char *name;        /* the input in messages; NULL: "stdin" */
	/*
	 * echo, csv, several inputs one after the other: the header line
	 * written so far (empty before the first). A later input's header
	 * must be the same; it is not written again.
	 */
	struct pml_buf *csv_header;
};

#define PML_SERVE_MAX_BATCH 1024
#define PML_SERVE_MAX_LINE (16u << 20)
#define PML_SERVE_OPTS_INIT { PML_SERVE_AUTO, NULL, 0, PML_SERVE_MAX_BATCH, PML_SERVE_MAX_LINE, 16u << 20, \
			      0, 0, NULL, PML_SERVE_BAD_REPLY, NULL, NULL }

/* Latency histogram: 1 ns resolution below 128 ns, then 64 buckets per octave (~1.6%). */
#define PML_SERVE_HIST_N (128 + 64 * 40)

struct pml_serve_stats {
	uint64_t requests;       /* replies written (predictions and errors) */
	uint64_t errors;         /* error replies (bad records, skipped ones too) */
	uint64_t skipped;        /* bad records that got no reply (BAD_SKIP; echo: not writable back) */
	enum pml_serve_format format;  /* the input's, once detected */
	uint64_t batches;
	uint64_t reloads, reload_failures;
	uint64_t hist[PML_SERVE_HIST_N];   /* per request: ns from the read to the reply */
};

void pml_serve_stats_init(struct pml_serve_stats *st);
void pml_serve_stats_add(struct pml_serve_stats *st, uint64_t ns, uint64_t n);
/* The q-quantile (0..1) of the latencies, in seconds; 0 if none. */
double pml_serve_stats_quantile(const struct pml_serve_stats *st, double q);
/* "requests N, errors E, latency p50 X ms, p99 Y ms" into b (appends). */
void pml_serve_stats_format(const struct pml_serve_stats *st, struct pml_buf *b);
/* One stderr line "PROG: stats: ...". */
void pml_serve_stats_report(const struct pml_serve_stats *st);

/*
 * Install handlers (without SA_RESTART, so a waiting read wakes up):
 * SIGHUP asks for a reload, SIGUSR1 for a stats line, SIGINT and SIGTERM
 * for a stop after the requests already read are answered.
 */
void pml_serve_catch_signals(void);

/*
 * Serve requests from in_fd until end of input (0) or a stop signal (0).
 * -1 with a message on a read error, a msgpack framing error, a write error
 * on out, or an input that can not be served at all (e.g. a msgpack record
 * before any header). Replies go to out, flushed after each batch of
 * available input. st is updated as requests are answered. in_fd is never
 * closed; out is flushed, not closed.
 */
int pml_serve_run(struct pml_serve_engine *e, const struct pml_serve_opts *o, int in_fd,
		  struct pml_out *out, struct pml_serve_stats *st);

/*
 * pml-predict: the model at model_path answers the records of each file in
 * turn (NULL or "-": stdin) in echo mode (o->echo is implied), replies to
 * out. All files must be of the format of the first. Bad records as o->bad
 * says; their number in *n_bad, those left out of the output in *n_skipped
 * (with BAD_REPLY, a request that is not a valid CSV row, JSON object or
 * record cannot be written back with empty predictions). 0, or -1 with a
 * message.
 */
int pml_predict_files(const char *model_path, char *const *files, size_t n_files,
		      const struct pml_serve_opts *o, struct pml_out *out, uint64_t *n_bad,
		      uint64_t *n_skipped);

/* Parse "msgpack", "json", "csv" or "auto". 0, or -1. */
int pml_serve_format_parse(const char *s, enum pml_serve_format *f);

#ifdef __cplusplus
}
#endif

#endif
