#ifndef PML_SCHEMA_H
#define PML_SCHEMA_H
/*
 * Columns, types, roles and values: the shape of every record.
 *
 * Column types and how a value of each travels (pml-stream(5)):
 *     bool   msgpack bool
 *     int    msgpack int (signed 64-bit range)
 *     float  msgpack float 64 (a reader also takes float 32 and ints)
 *     str    msgpack str, UTF-8
 *     vec    msgpack bin of n_elem little-endian elements of type elem,
 *            shape dim[0..n_dim-1], n_elem = product of dims
 * Any value may be nil: missing.
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pml_type {
	PML_TYPE_BOOL = 1,
	PML_TYPE_INT,
	PML_TYPE_FLOAT,
	PML_TYPE_STR,
	PML_TYPE_VEC,
};

enum pml_elem {
	PML_ELEM_NONE = 0,
	PML_ELEM_U8,
	PML_ELEM_F32,
};

enum pml_role {
	PML_ROLE_FEATURE = 0,
	PML_ROLE_LABEL,
	PML_ROLE_ID,
	PML_ROLE_WEIGHT,
};

#define PML_MAX_DIMS 4
#define PML_MAX_COLUMNS 100000
/* Classes of a label: the one limit of pml-train, pml-eval, serving, models. */
#define PML_MAX_CLASSES 65536

struct pml_column {
	char *name;
	enum pml_type type;
	enum pml_role role;
	enum pml_elem elem;         /* vec only */
	int n_dim;                  /* vec only: 1..PML_MAX_DIMS */
	uint32_t dim[PML_MAX_DIMS];
	size_t n_elem;              /* vec only: product of dim */
	size_t n_class;             /* optional names of an int label's values 0..n_class-1 */
	char **classes;
	size_t n_slot;              /* optional names of a vec's elements (n_slot == n_elem) */
	char **slots;
};

struct pml_schema {
	size_t n_col;
	size_t m_col;
	struct pml_column *col;
};

#define PML_SCHEMA_INIT { 0, 0, NULL }

/* Values. For str and vec, ptr/len are borrowed (see the producer's contract). */
enum pml_kind {
	PML_NIL = 0,
	PML_BOOL,
	PML_INT,
	PML_FLOAT,
	PML_STR,
	PML_VEC,
};

struct pml_value {
	enum pml_kind kind;
	union {
		int b;
		int64_t i;
		double f;
		struct {
			const char *ptr;
			size_t len;     /* bytes: for vec, n_elem * element size */
		} s;
	} u;
};

const char *pml_type_name(enum pml_type t);      /* "bool", "int", ... */
int pml_type_parse(const char *s, enum pml_type *t);
const char *pml_elem_name(enum pml_elem e);      /* "u8", "f32" */
int pml_elem_parse(const char *s, enum pml_elem *e);
size_t pml_elem_size(enum pml_elem e);
const char *pml_role_name(enum pml_role r);      /* "feature", "label", "id", "weight" */
int pml_role_parse(const char *s, enum pml_role *r);
const char *pml_kind_name(enum pml_kind k);

void pml_schema_init(struct pml_schema *s);
void pml_schema_release(struct pml_schema *s);
void pml_schema_copy(struct pml_schema *dst, const struct pml_schema *src);
/*
 * The rule for a column name that every stream reader applies (a non-empty
 * string of valid UTF-8 without NUL bytes): writers check names with it before writing,
 * so they never write a stream the readers refuse. 1 if valid.
 */
int pml_column_name_valid(const char *name);
/* Append a column; name is copied. Returns the new column (valid until the next add). */
struct pml_column *pml_schema_add(struct pml_schema *s, const char *name, enum pml_type t);
/* Make c a vec column of elem with the given shape. 0, or -1 if too big. */
int pml_column_set_vec(struct pml_column *c, enum pml_elem elem, int n_dim, const uint32_t *dim);
void pml_column_set_classes(struct pml_column *c, size_t n, char *const *names);
void pml_column_set_slots(struct pml_column *c, size_t n, char *const *names);
void pml_column_copy(struct pml_column *dst, const struct pml_column *src);
/* A copy of n names (NULL when n == 0); free with pml_names_free(). */
char **pml_names_dup(size_t n, char *const *names);
/* Free n names and the array; names may be NULL. */
void pml_names_free(size_t n, char **names);
void pml_column_release(struct pml_column *c);
/* Index of the column named name, or -1. */
int pml_schema_find(const struct pml_schema *s, const char *name);
/*
 * Index of the column named name, or -1 after an error naming where (a
 * file; may be NULL) and opt (the option that named the column; may be
 * NULL), with a hint when a column has a near name:
 * "train.mp: --fill: no column 'zn'; did you mean 'ZN'?"
 * Every option that names a column looks it up here.
 */
int pml_schema_lookup(const struct pml_schema *s, const char *name, const char *where, const char *opt);
/*
 * The column name nearest to name, for a "did you mean" hint: the same
 * name in another case, else the one fewest edits away (at most a third
 * of its length, and 1 for short names), the first on a tie; or NULL.
 */
const char *pml_schema_suggest(const struct pml_schema *s, const char *name);
/* Index of the first column with role r, or -1. */
int pml_schema_find_role(const struct pml_schema *s, enum pml_role r);
/*
 * 1 if a and b describe the same records (names, types, roles, shapes,
 * class names); 0 otherwise, with the first difference in why.
 */
int pml_schema_equal(const struct pml_schema *a, const struct pml_schema *b, char *why, size_t why_len);
/* "vec u8[28,28]", "int", ... into buf. */
const char *pml_column_type_str(const struct pml_column *c, char *buf, size_t len);

/*
 * Reading records as another schema: one rule for pml-eval, --apply and
 * pml-serve-stdin (and for a stream's own records). A value is read as
 * column c's type when it converts without loss:
 *     int   <- a float holding a whole number within int64
 *     float <- an int a double holds exactly (every |i| <= 2^53)
 *     bool  <- an int or float 0 or 1 (a bool is no number: never the reverse)
 *     str   <- str only (a number's text may have been "007": lost)
 *     vec   <- a vec of the same element type and n_elem only
 * nil is nil in every column. Anything else is refused.
 *
 * pml_value_conform: in read as column c into *out (out may be in).
 * 0, or -1 with a reason in why ("expected int, got 2.5: not a whole number").
 */
int pml_value_conform(const struct pml_column *c, const struct pml_value *in, struct pml_value *out,
		      char *why, size_t why_len);
/*
 * Whether values of column have can be read as column want. Scalar
 * columns are judged value by value by the rule above (a str column of
 * missing values only fits a float column; a float column fits an int one
 * as long as its values are whole), so this refuses only a vec of another
 * element type or shape, a vec for a scalar and the reverse, and other
 * class names: 0, or -1 with "column 'img': OWNER expects vec u8[28,28],
 * the records have float" in why. owner names what wants the column:
 * "the model", "the chain".
 */
int pml_column_conform(const struct pml_column *want, const struct pml_column *have, const char *owner,
		       char *why, size_t why_len);
/*
 * Map the columns of records of schema have onto want, by name: map[j]
 * is have's column for want's column j, or -1 when have lacks it (allowed
 * for label, id and weight columns only: read as nil). Columns of have
 * that want does not name are ignored when extra_ok, else refused. Each
 * mapped column must pass pml_column_conform. 0, or -1 with a reason.
 * map has want->n_col entries.
 */
int pml_schema_conform(const struct pml_schema *want, const struct pml_schema *have, const char *owner,
		       int extra_ok, long *map, char *why, size_t why_len);
/*
 * One record of have (vals) as a record of want (out, want->n_col values;
 * str and vec values still borrow from vals). 0, or -1 with
 * "column 'ZN': expected int, got 2.5: not a whole number" in why.
 */
int pml_record_conform(const struct pml_schema *want, const long *map, const struct pml_value *vals,
		       struct pml_value *out, char *why, size_t why_len);

/*
 * Vectors: convert a vec value of column c into n_elem floats at dst.
 * The bytes are little-endian and unaligned; this copies.
 */
void pml_vec_to_f32(const struct pml_column *c, const struct pml_value *v, float *dst);
/* A value as double (bool, int, float); NAN for nil and others. */
double pml_value_num(const struct pml_value *v);

#ifdef __cplusplus
}
#endif

#endif
