#ifndef PML_IDX_H
#define PML_IDX_H
/*
 * IDX files (the MNIST family), plain or gzip-compressed.
 *
 * An IDX file is a 4-byte magic (0, 0, element type, number of
 * dimensions), the dimensions as big-endian 32-bit numbers, then the data.
 * Only element type 0x08 (unsigned byte) is supported. The images file
 * has 2 or more dimensions: the first is the number of items, the others
 * (at most PML_MAX_DIMS) the shape of one item; the labels file has one.
 *
 *     struct pml_idx *x = pml_idx_open("train-images-idx3-ubyte.gz",
 *                                      "train-labels-idx1-ubyte.gz");
 *     s = pml_idx_schema(x);     "image" vec u8[28,28], "label" int (role label)
 *     while ((rc = pml_idx_next(x, &vals)) > 0) ...   vals borrowed until next call
 *     pml_idx_free(x);
 *
 * Images and labels are zipped item by item. Errors (each naming the
 * file): bad magic, another element type, a zero dimension, dimensions
 * whose product overflows, item counts that differ between the files,
 * data shorter or longer than the dimensions say. For a plain file the
 * size is checked before the first record; for a gzip file, at the end.
 * labels may be NULL: then there is no label column.
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pml_idx;

struct pml_idx *pml_idx_open(const char *images, const char *labels);
const struct pml_schema *pml_idx_schema(const struct pml_idx *x);
/* Number of items the files declare. */
uint64_t pml_idx_count(const struct pml_idx *x);
/* 1 and *vals, 0 at the end, -1 on error (printed). */
int pml_idx_next(struct pml_idx *x, const struct pml_value **vals);
uint64_t pml_idx_offset(const struct pml_idx *x);  /* image bytes read so far */
void pml_idx_free(struct pml_idx *x);

/*
 * Class names for an int label column.
 * pml_classes_get: spec is a preset name ("fashion-mnist", "mnist": the
 * digits 0..9) or a comma-separated list; pml_classes_read: one name per
 * line of a file (blank lines and a final newline ignored; CRLF ok).
 * Names must be non-empty, valid UTF-8 and distinct, 65536 at most. 0, or
 * -1 with a message. Free with pml_classes_free.
 */
int pml_classes_get(const char *spec, size_t *n, char ***names);
int pml_classes_read(const char *path, size_t *n, char ***names);
void pml_classes_free(size_t n, char **names);

#ifdef __cplusplus
}
#endif

#endif
