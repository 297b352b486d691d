#ifndef PML_TRANSFORM_H
#define PML_TRANSFORM_H
/*
 * The fitted chain: the ordered steps that pml-clean and pml-preprocess
 * learned from training data, carried in the stream header (struct
 * pml_header: chain, chain_input) and stored in the model. Applying a chain
 * learns nothing: validation, test and live records get exactly the
 * training parameters.
 *
 * Each step is one msgpack map {"op": NAME, ...parameters}; the ops and
 * their parameters are documented in pml-stream(5).
 *
 *     struct pml_chain *c = pml_chain_new(&h->chain, &h->chain_input, PML_CHAIN_SERVE);
 *     out_schema = pml_chain_output(c);
 *     rc = pml_chain_apply(c, in_values, &out_values);
 */
#include "pml/schema.h"
#include "pml/stream.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pml_chain_mode {
	/* pml-clean/pml-preprocess --apply: filter steps drop records (rc 0). */
	PML_CHAIN_FILTER = 0,
	/*
	 * pml-eval and pml-serve-stdin: a record is never dropped silently; a
	 * record that a filter step would drop is an error for that record.
	 */
	PML_CHAIN_SERVE,
};

struct pml_chain;

/*
 * Compile steps (a rawlist of step maps) that start from records of the
 * schema input. An empty list is the identity. NULL with a message if a
 * step is unknown, malformed, or does not fit its input.
 */
struct pml_chain *pml_chain_new(const struct pml_rawlist *steps, const struct pml_schema *input,
				enum pml_chain_mode mode);
const struct pml_schema *pml_chain_input(const struct pml_chain *c);
const struct pml_schema *pml_chain_output(const struct pml_chain *c);
/*
 * Apply the chain to one record of the input schema. Returns 1 with *out
 * (valid until the next call), 0 if a filter step dropped it (FILTER mode),
 * -1 on a bad record: nothing is printed; pml_chain_error() gives the
 * reason, naming the column ("column 'x': category 'y' unseen at fit time"),
 * and the caller adds the file and record.
 */
int pml_chain_apply(struct pml_chain *c, const struct pml_value *in, const struct pml_value **out);
/* The reason for the last -1 of pml_chain_apply(). */
const char *pml_chain_error(const struct pml_chain *c);
void pml_chain_free(struct pml_chain *c);
/*
 * unread[k] = 1 for each input column k that the chain removes (by leading
 * select/drop steps) before any step looks at a value: a live record may
 * leave it out. unread has one byte per input column.
 */
void pml_chain_unread(const struct pml_chain *c, unsigned char *unread);

/*
 * Per-step information and counts since pml_chain_new(): values changed
 * (filled, clipped, flagged, set missing, unseen categories) and records
 * dropped by filter steps.
 */
size_t pml_chain_n_step(const struct pml_chain *c);
const char *pml_chain_step_op(const struct pml_chain *c, size_t i);
/* The column a single-column step works on, or NULL. */
const char *pml_chain_step_column(const struct pml_chain *c, size_t i);
/* For "fences" steps: 0 drop, 1 clip, 2 flag; -1 for other ops. */
int pml_chain_step_action(const struct pml_chain *c, size_t i);
void pml_chain_step_counts(const struct pml_chain *c, size_t i, uint64_t *changed, uint64_t *dropped);

/*
 * Undoing what the chain did to one column's values (a scaled regression
 * label): the scale steps on it, last first. Predictions and labels go
 * back through pml_unscale_apply() so that every number a user sees is in
 * the label's original units.
 */
struct pml_unscale_step {
	int log1p;                  /* y = log1p(x): x = expm1(y) */
	double sub, div, add;       /* y = (x - sub) / div + add */
};

struct pml_unscale {
	size_t n;
	struct pml_unscale_step *step;
};

/*
 * Fill u (initialised here) with the scale steps the chain applied to its
 * output column col (n 0: none). -1 with a message if a step changed the
 * column's values in a way that cannot be undone (clipped at fences).
 */
int pml_chain_unscale(const struct pml_chain *c, const char *col, struct pml_unscale *u);
double pml_unscale_apply(const struct pml_unscale *u, double y);
void pml_unscale_release(struct pml_unscale *u);

/* A value as a key string (categories, class names): str bytes, ints in decimal. */
void pml_transform_key(struct pml_buf *b, const struct pml_value *v);

/*
 * The steps of full's chain that data (a stream header) has not had yet:
 * data's chain must be a prefix of full's, and both must start from the
 * same columns (or data must have no chain and full's chain_input must be
 * data's schema). 0 with rest filled (rest is initialised here), or -1
 * with a message naming where.
 */
int pml_chain_remaining(const struct pml_header *full, const struct pml_header *data,
			struct pml_rawlist *rest, const char *where);

/*
 * Fitting stages (pml-clean, pml-preprocess). A stage is a list of
 * fitters, run in order; each one appends steps to the chain. A fitter
 * that needs statistics gets one pass over the records as transformed by
 * the steps before it; the input is buffered for that (in memory up to
 * spool_limit bytes, then in an unlinked temporary file in $TMPDIR).
 * Fitters that need no data before the first one that does run while the
 * input streams in, and duplicates are dropped at that point.
 */
struct pml_fitter {
	/* s: the columns the fitter's steps read. 1 needs a pass, 0 not, -1 error (printed). */
	int (*begin)(void *arg, const struct pml_schema *s);
	/* One record of s (only if begin returned 1). */
	void (*add)(void *arg, const struct pml_value *v);
	/* Append the fitted steps to steps. 0, or -1 with a message. */
	int (*end)(void *arg, const struct pml_schema *s, struct pml_rawlist *steps);
	void *arg;
};

#define PML_SPOOL_LIMIT (64u << 20)

struct pml_stage {
	int n_path;
	char *const *paths;         /* inputs (none: stdin) */
	size_t max_message;
	const char *output;         /* NULL or "-": stdout */
	const char *dropped;        /* duplicates go here (a stream), or NULL */
	const char *apply;          /* apply this stream's chain instead of fitting */
	int dedup;
	char **dedup_cols;          /* key columns; none: the whole record */
	size_t n_dedup_cols;
	struct pml_fitter *fit;
	size_t n_fit;
	size_t spool_limit;         /* 0: $PML_SPOOL_LIMIT or PML_SPOOL_LIMIT */
	int verbose;
	int quiet;
};

/* Run the stage: read, fit, apply, write with trailer stats. 0 or -1 (printed). */
int pml_stage_run(const struct pml_stage *st);

/* pml-clean's fitters, from its options (strings are borrowed). */
struct pml_clean_opts {
	char **keep; size_t n_keep;         /* keep only these columns, in this order */
	char **drop; size_t n_drop;
	char **rename; size_t n_rename;     /* "OLD=NEW" */
	char **cast; size_t n_cast;         /* "COL=TYPE" */
	int nonfinite_error;
	int drop_missing;
	char **dm_cols; size_t n_dm;        /* none: every column */
	int outliers;                       /* 0 none, 1 zscore, 2 iqr */
	double k;                           /* fence width; 0: 3 (zscore) or 1.5 (iqr) */
	int outlier_action;                 /* 0 drop, 1 clip, 2 flag */
	char **out_cols; size_t n_out_cols; /* none: every int/float feature column */
	char **fill; size_t n_fill;         /* "COL=mean|median|mode|value:TEXT", COL may be '*' */
	const char *where;                  /* the input's name, for messages (NULL: none) */
};

/* pml-preprocess's options. */
struct pml_prep_opts {
	char **scale; size_t n_scale;       /* "COL=minmax[:A,B]|standard|robust|factor:F|log1p" */
	char **onehot; size_t n_onehot;     /* none: every str/bool feature column */
	int unseen_error;
	uint64_t min_count;                 /* rarer categories group into "__other__" */
	size_t max_categories;              /* keep the most frequent; 0: all */
	char **date; size_t n_date;         /* ISO date str columns: year, month, dow, doy */
	const char *label;                  /* NULL: the column with role label */
	char **text; size_t n_text;
	size_t text_slots;
	int bigrams, tf;
	uint64_t text_seed;
	int no_assemble;
	const char *features;               /* name of the assembled column */
	const char *where;                  /* the input's name, for messages (NULL: none) */
};

/*
 * Check the option strings (0, or -1 with the reason in why) and make the
 * fitters (at most PML_MAX_FITTERS) into fit; returns how many. The state
 * lives until pml_fitters_free().
 */
#define PML_MAX_FITTERS 8
int pml_clean_check(const struct pml_clean_opts *o, char *why, size_t why_len);
size_t pml_clean_fitters(const struct pml_clean_opts *o, struct pml_fitter *fit);
int pml_prep_check(const struct pml_prep_opts *o, char *why, size_t why_len);
size_t pml_prep_fitters(const struct pml_prep_opts *o, struct pml_fitter *fit);
void pml_fitters_free(struct pml_fitter *fit, size_t n);

/*
 * pml-split: records go to 2 or 3 outputs (each a complete stream with the
 * input header). Sets are filled so that after k records set s holds
 * within one record of ratio[s] * k: shuffled (seeded), stratified by
 * label, by groups, or by k-fold; these buffer the input (spool). The
 * hash mode streams: a record's set depends only on its key (or whole
 * record) and the salt.
 */
enum pml_split_mode {
	PML_SPLIT_SHUFFLE = 0,
	PML_SPLIT_HASH,
};

#define PML_SPLIT_MAX_OUT 3

struct pml_split {
	int n_path;
	char *const *paths;
	size_t max_message;
	size_t n_out;
	const char *out[PML_SPLIT_MAX_OUT];
	double ratio[PML_SPLIT_MAX_OUT];
	enum pml_split_mode mode;
	uint64_t seed;
	int stratify;
	const char *label;          /* NULL: the column with role label */
	const char *group;          /* group column, or NULL */
	const char *key;            /* hash mode: key column, NULL = whole record */
	const char *salt;
	long folds, fold;           /* k-fold when folds > 0: fold 1..folds is the test set */
	size_t spool_limit;
	int verbose;
	int quiet;
};

int pml_split_run(const struct pml_split *sp);

#ifdef __cplusplus
}
#endif

#endif
