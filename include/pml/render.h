#ifndef PML_RENDER_H
#define PML_RENDER_H
/*
 * Records as text for people and other tools: JSON objects, CSV rows, an
 * aligned table. Used by pml-cat; numbers print in the C locale, floats in
 * their shortest exact form, so the same record gives the same text.
 */
#include "pml/buf.h"
#include "pml/schema.h"
#include "pml/stream.h"

#ifdef __cplusplus
extern "C" {
#endif

/* {"col": value, ...}; vec as an array of numbers; nil as null. No newline. */
void pml_render_json(struct pml_buf *b, const struct pml_schema *s, const struct pml_value *v);
/* CSV header line (vec columns expand to name[0], name[1], ...) and rows. */
void pml_render_csv_header(struct pml_buf *b, const struct pml_schema *s, char delim);
void pml_render_csv(struct pml_buf *b, const struct pml_schema *s, const struct pml_value *v, char delim);
/* One value as a short table cell: vec as "<784 x u8>". */
void pml_render_cell(struct pml_buf *b, const struct pml_column *c, const struct pml_value *v);
/* A float as the shortest text that reads back to the same float. */
void pml_render_f32(struct pml_buf *b, float f);
/* The whole header as a JSON object. */
void pml_render_header_json(struct pml_buf *b, const struct pml_header *h);
/*
 * A msgpack tree as an aligned table for people, one line per leaf:
 * "path  value", the path dotted through maps and indexed through arrays of
 * maps ("model.input[0].name"), an array of scalars on one line ("x, z").
 */
void pml_render_tree_table(struct pml_buf *b, const msgpack_object *o);

#ifdef __cplusplus
}
#endif

#endif
