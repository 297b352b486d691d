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
/* 1 if the first bytes p[0..n) look like a model file (for pml-cat). */
int pml_model_sniff(const void *p, size_t n);

#endif
