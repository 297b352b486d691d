#ifndef PML_MP_H
#define PML_MP_H
/*
 * msgpack helpers over msgpack-c.
 *
 * msgpack-c trusts declared lengths: an array header claiming 2^32
 * elements makes it allocate that many objects. pml_mp_frame() walks a
 * message first, checking every declared length against the bytes that
 * can follow and the nesting depth, so pml_mp_decode() only ever sees
 * messages whose size is known and bounded.
 */
#include <stddef.h>
#include <stdint.h>
#include <msgpack.h>
#include "pml/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PML_MP_MAX_DEPTH 16

/*
 * Find the end of the msgpack object starting at buf.
 * Returns 1 and sets *msg_len when a whole object is in buf[0..len);
 * 0 when more bytes are needed (and the object may still fit in max_len);
 * -1 when the bytes are not msgpack, nest deeper than max_depth, or the
 * object would exceed max_len bytes. *why gets a static reason.
 */
int pml_mp_frame(const void *buf, size_t len, size_t max_len, int max_depth,
		 size_t *msg_len, const char **why);

/*
 * Decode one framed message into obj; objects live in zone (msgpack_zone
 * of the caller; clear it between messages). str/bin point into buf.
 * Returns 0, or -1 if msgpack-c refuses it.
 */
int pml_mp_decode(const void *buf, size_t len, msgpack_zone *zone, msgpack_object *obj);

/* A packer that appends to a pml_buf. */
void pml_mp_packer_init_buf(msgpack_packer *pk, struct pml_buf *b);
void pml_mp_pack_cstr(msgpack_packer *pk, const char *s);
void pml_mp_pack_strn(msgpack_packer *pk, const char *s, size_t n);
void pml_mp_pack_bin(msgpack_packer *pk, const void *p, size_t n);

/* Map lookup by string key; NULL if absent or obj is not a map. */
const msgpack_object *pml_mp_get(const msgpack_object *map, const char *key);
/* Typed accessors: 0 ok, -1 wrong type or out of range. */
int pml_mp_str(const msgpack_object *o, const char **p, size_t *len);
char *pml_mp_xstrdup(const msgpack_object *o);   /* NULL if not a str */
int pml_mp_u64(const msgpack_object *o, uint64_t *v);
int pml_mp_i64(const msgpack_object *o, int64_t *v);
int pml_mp_double(const msgpack_object *o, double *v);  /* float or int */
int pml_mp_is_str(const msgpack_object *o, const char *s);
/* Re-encode an object as msgpack bytes appended to b. */
void pml_mp_pack_object(struct pml_buf *b, const msgpack_object *o);
/* Append the object as JSON text (bins as base64-free "<bin N bytes>"). */
void pml_mp_to_json(struct pml_buf *b, const msgpack_object *o);

/* "nil", "bool", "int", "float", "str", "bin", "array", "map", "ext". */
const char *pml_mp_kind_name(const msgpack_object *o);
/* 1 if the n bytes at p are a sync marker: an ext object of type 127. */
int pml_mp_is_sync_marker(const void *p, size_t n);

/* CRC-32C of bytes (for the model file's checksum). */
uint32_t pml_crc32c(uint32_t crc, const void *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif
