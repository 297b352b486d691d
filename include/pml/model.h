#ifndef PML_MODEL_H
#define PML_MODEL_H
/*
 * The model file (pml-model(5)): one msgpack document holding the input
 * schema, the fitted chain, the network and training metadata, with a
 * CRC-32C checksum. Loading refuses corrupt, truncated, bit-flipped,
 * wrong-magic and newer-version files with a clear message, and checks
 * every size against the file size before allocating. Saving is atomic
 * (temporary file, fsync, rename): a failed or killed save leaves the old
 * file in place.
 *
 * (Contract written first by the lead; implemented in lib/model.c.)
 */
#include <stddef.h>
#include "pml/buf.h"
#include "pml/schema.h"
#include "pml/stream.h"
#include "pml/nn.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PML_MODEL_FORMAT "pml-model"
#define PML_MODEL_VERSION 1

struct pml_net;

struct pml_model {
	struct pml_schema input;   /* records as the model takes them (the chain's input) */
	struct pml_rawlist chain;  /* fitted steps, from the training stream's header */
	char *feature;             /* the vec column (in the chain's output) fed to the network */
	char *label;               /* the label column in the chain's output, NULL if none */
	size_t n_class;            /* 0: regression */
	char **classes;
	struct pml_net *net;
	struct pml_buf meta;       /* msgpack map: training metadata */
};

void pml_model_init(struct pml_model *m);
void pml_model_release(struct pml_model *m);
/* 0, or -1 with a message naming the file and what is wrong. */
int pml_model_load(struct pml_model *m, const char *path);
/* Atomic save. 0, or -1 with a message. */
int pml_model_save(const struct pml_model *m, const char *path);
/* The model's metadata (not the weights) as one JSON object. */
void pml_model_meta_json(const struct pml_model *m, struct pml_buf *b);
/* The same metadata as an aligned "path  value" table for people. */
void pml_model_meta_table(const struct pml_model *m, struct pml_buf *b);
/* 1 if the first bytes p[0..n) look like a model file (for pml-cat). */
int pml_model_sniff(const void *p, size_t n);

/*
 * Training data read from streams into one contiguous f32 matrix (the
 * whole set in memory: pml-train's job needs it). The feature column is a
 * vec (u8 or f32, values used as they are: scaling is pml-preprocess's
 * job); the label column an int (classes: named by the column's
 * "classes", else "0".."K-1") or a float (regression).
 */
struct pml_dataset {
	struct pml_data d;          /* views of x and cls or y below */
	float *x;
	uint32_t *cls;
	float *y;
	size_t m_row;
	struct pml_header header;   /* of the first stream */
	char *feature, *label;      /* column names */
	size_t n_class;             /* 0: regression */
	char **classes;
};

/*
 * Read every record of paths (none: stdin). feature/label name the
 * columns (NULL: the first vec column with role feature, the column with
 * role label). With like (the training set), the columns and classes must
 * match like's. 0, or -1 with a message naming file, record and column.
 */
int pml_dataset_read(struct pml_dataset *ds, int n_path, char *const *paths, const char *feature,
		     const char *label, const struct pml_dataset *like);
void pml_dataset_release(struct pml_dataset *ds);
/*
 * A regression label that the stream's chain scaled is trained on as it is
 * and unscaled for every prediction (see pml_chain_unscale); a label the
 * chain changed beyond undoing (clipped) is refused. 0, or -1 with a message.
 */
int pml_dataset_check_label(const struct pml_dataset *ds);
/* pml_hash64 over the feature matrix and the labels. */
uint64_t pml_dataset_fingerprint(const struct pml_dataset *ds);

/* What pml-train records in the model's metadata. */
struct pml_train_meta {
	const char *command;
	uint64_t seed;
	int threads;
	const char *preset;         /* NULL if none */
	const struct pml_train_opts *opts;
	const struct pml_train_result *res;
	enum pml_init init;
	const size_t *hidden;
	const enum pml_act *act;
	size_t n_hidden;
	double dropout;
	const struct pml_dataset *train, *val;  /* val may be NULL */
};

/*
 * Fill a model from a trained network and its data: input schema (the
 * chain's input if the stream carries a chain, else the stream's schema),
 * chain, columns, classes, and metadata. Takes ownership of net.
 */
void pml_model_from_training(struct pml_model *m, struct pml_net *net,
			     const struct pml_train_meta *tm);

/*
 * The raw columns data must have to be read as path's data was (for
 * pml-collect --schema-from): a model's input, or a stream's columns
 * (the input of its fitted chain when it has one). Into out (initialised
 * here). 0, or -1 with a message naming path.
 */
int pml_schema_load(const char *path, struct pml_schema *out);
/*
 * The header of a stream file, or a model file's chain and input (as
 * chain and chain_input) into h (initialised by the caller): what
 * --apply and --schema-from read. 0, or -1 with a message naming path.
 */
int pml_header_load(const char *path, struct pml_header *h);

#ifdef __cplusplus
}
#endif

#endif
