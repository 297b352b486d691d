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
#define PML_MAX_VEC_ELEMS (1u << 26)

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
 * Vectors: convert a vec value of column c into n_elem floats at dst.
 * The bytes are little-endian and unaligned; this copies.
 */
void pml_vec_to_f32(const struct pml_column *c, const struct pml_value *v, float *dst);
/* A value as double (bool, int, float); NAN for nil and others. */
double pml_value_num(const struct pml_value *v);

#endif
