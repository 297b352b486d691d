#ifndef PML_SVMLIGHT_H
#define PML_SVMLIGHT_H
/*
 * libsvm / svmlight sparse text, densified.
 *
 * One record per line: "LABEL IDX:VAL IDX:VAL ... [# comment]". Indices
 * are 1-based and strictly increasing; values are decimal numbers (finite,
 * within float range). Blank lines and lines holding only a comment are
 * skipped. A "qid:N" token (ranking data) is refused with a message: pml
 * has no use for query groups and dropping them silently would change
 * the task.
 *
 * Records: "label" (int if every label is integral, else float; role
 * label) and "x", a vec f32 of width elements, zero where a line has no
 * entry. The width is opts.width, or the largest index in the input. To
 * know it (and the label type) before the header is written, the input is
 * read twice: a named file (plain or gzip) is simply reopened, stdin is
 * first copied to a temporary file in $TMPDIR (removed at exit). Memory
 * stays flat: one line at a time, lines up to 16 MiB.
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/io.h"
#include "pml/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pml_svm_opts {
	uint32_t width;     /* 0: infer */
};

struct pml_svm;

struct pml_svm *pml_svm_open(const char *path, const struct pml_svm_opts *o);
/* The same on an open input (NULL: open path); takes over in and closes it. */
struct pml_svm *pml_svm_open_in(struct pml_in *in, const char *path, const struct pml_svm_opts *o);
const struct pml_schema *pml_svm_schema(const struct pml_svm *s);
/* 1 and *vals (borrowed until the next call), 0 at the end, -1 on error (printed). */
int pml_svm_next(struct pml_svm *s, const struct pml_value **vals);
uint64_t pml_svm_line(const struct pml_svm *s);
uint64_t pml_svm_offset(const struct pml_svm *s);
void pml_svm_free(struct pml_svm *s);

#ifdef __cplusplus
}
#endif

#endif
