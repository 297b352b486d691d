#ifndef PML_LIMITS_H
#define PML_LIMITS_H
/*
 * The size limits of pml-stream(5), in one place: every reader refuses
 * what is over them and every writer refuses, before doing the work, to
 * write what a reader would refuse.
 *
 *   one message (a header, a record) is at most the message limit:
 *   PML_DEFAULT_MAX_MESSAGE bytes, or $PML_MAX_MESSAGE when set (a reader's
 *   --max-message overrides it for that reader only);
 *   a vec column has at most PML_MAX_VEC_ELEMS elements.
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PML_DEFAULT_MAX_MESSAGE (16u << 20)
#define PML_MAX_VEC_ELEMS (1u << 26)
#define PML_MAX_MESSAGE_ENV "PML_MAX_MESSAGE"
/* The largest message limit anyone may ask for (reader option or environment). */
#define PML_MAX_MESSAGE_CEILING ((size_t)1 << 31)

/*
 * The message limit: opt if not 0, else $PML_MAX_MESSAGE (bytes, 1024 up
 * to PML_MAX_MESSAGE_CEILING; another value is ignored with a warning
 * once), else PML_DEFAULT_MAX_MESSAGE.
 */
size_t pml_max_message(size_t opt);

struct pml_schema;

/*
 * The fewest bytes a record of schema s takes when msgpack-encoded (vec
 * columns at their full size, every other value at one byte).
 */
size_t pml_schema_min_record(const struct pml_schema *s);

/*
 * 0 if records of s can fit in max bytes, else -1 with the reason in why
 * (the column that makes it too big, and how to raise the limit).
 */
int pml_schema_check_limit(const struct pml_schema *s, size_t max, char *why, size_t why_len);

#ifdef __cplusplus
}
#endif

#endif
