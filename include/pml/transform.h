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

#endif
