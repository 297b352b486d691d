#ifndef PML_TRANSFORM_INT_H
#define PML_TRANSFORM_INT_H
/* Private to lib/transform*.c and pml-split: the record spool and helpers. */
#include <stdio.h>
#include "pml/buf.h"
#include "pml/schema.h"

/*
 * Records buffered in order: in memory up to limit bytes, then in an
 * unlinked temporary file in $TMPDIR (gone when the process ends).
 */
struct pml_spool {
	struct pml_buf mem;
	FILE *f;
	char *fbuf;
	size_t limit;
	uint64_t n, bytes, rpos;
	struct pml_buf rec;
	int spilled;
};

/* limit 0: $PML_SPOOL_LIMIT, else PML_SPOOL_LIMIT. */
void pml_spool_init(struct pml_spool *sp, size_t limit);
int pml_spool_add(struct pml_spool *sp, const void *p, size_t len);
int pml_spool_rewind(struct pml_spool *sp);
/* 1 with the next record (valid until the next call), 0 at end, -1 error. */
int pml_spool_next(struct pml_spool *sp, const char **p, size_t *len);
void pml_spool_release(struct pml_spool *sp);

/* Decode a record written by pml_record_encode for schema s. 0 or -1. */
int pml_record_decode(const void *buf, size_t len, const struct pml_schema *s, struct pml_value *v);

#endif
