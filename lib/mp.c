/* mp.c: msgpack framing with limits, and helpers over msgpack-c. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/err.h"
#include "pml/mp.h"

static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/*
 * Walk one object. A stack holds how many objects each open container
 * still expects. Every declared count and length is checked against the
 * bytes max_len allows before we look further.
 */
int
pml_mp_frame(const void *buf, size_t len, size_t max_len, int max_depth, size_t *msg_len,
	     const char **why)
{
	const unsigned char *p = buf;
	uint64_t stack[PML_MP_MAX_DEPTH + 2];
	int depth = 0;
	size_t pos = 0;

	if (max_depth > PML_MP_MAX_DEPTH)
		max_depth = PML_MP_MAX_DEPTH;
	*why = "";
	for (;;) {
		unsigned b;
		size_t head = 1;       /* bytes of the type header */
		uint64_t payload = 0;  /* bytes after the header */
		uint64_t children = 0; /* objects inside (array, map) */
		int container = 0;

		if (pos >= len)
			goto more;
		b = p[pos];
		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
			/* fixint, nil, bool */
		} else if (b <= 0x8f) {
			container = 1;
			children = 2 * (uint64_t)(b & 0x0f);
		} else if (b <= 0x9f) {
			container = 1;
			children = b & 0x0f;
		} else if (b <= 0xbf) {
			payload = b & 0x1f;
		} else {
			int n = 0;
			switch (b) {
			case 0xc1: *why = "reserved byte 0xc1"; return -1;
			case 0xc4: case 0xd9: n = 1; break;
			case 0xc5: case 0xda: n = 2; break;
			case 0xc6: case 0xdb: n = 4; break;
			case 0xc7: n = 1; payload = 1; break;
			case 0xc8: n = 2; payload = 1; break;
			case 0xc9: n = 4; payload = 1; break;
			case 0xca: payload = 4; break;
			case 0xcb: payload = 8; break;
			case 0xcc: case 0xd0: payload = 1; break;
			case 0xcd: case 0xd1: payload = 2; break;
			case 0xce: case 0xd2: payload = 4; break;
			case 0xcf: case 0xd3: payload = 8; break;
			case 0xd4: payload = 2; break;
			case 0xd5: payload = 3; break;
			case 0xd6: payload = 5; break;
			case 0xd7: payload = 9; break;
			case 0xd8: payload = 17; break;
			case 0xdc: n = 2; container = 1; break;
			case 0xdd: n = 4; container = 1; break;
			case 0xde: n = 2; container = 2; break;
			case 0xdf: n = 4; container = 2; break;
			}
			if (n) {
				uint64_t v;
				if (pos + 1 + (size_t)n > len)
					goto more;
				v = be(p + pos + 1, n);
				head = 1 + (size_t)n;
				if (container == 1)
					children = v;
				else if (container == 2)
					children = 2 * v;
				else
					payload += v;
			}
		}
		if (container) {
			/* Each child takes at least one byte. */
			if (children > max_len || pos + head + children > max_len) {
				*why = "declared length exceeds the message size limit";
				return -1;
			}
		} else if (payload > max_len || pos + head + payload > max_len) {
			*why = "declared length exceeds the message size limit";
			return -1;
		}
		if (pos + head + payload > len)
			goto more;
		pos += head + (size_t)payload;
		if (container && children > 0) {
			if (depth >= max_depth) {
				*why = "nesting too deep";
				return -1;
			}
			stack[depth++] = children;
			continue;
		}
		/* One object finished: close every container it completes. */
		for (;;) {
			if (depth == 0) {
				*msg_len = pos;
				return 1;
			}
			if (--stack[depth - 1] > 0)
				break;
			depth--;
		}
	}
more:
	if (len >= max_len) {
		*why = "message exceeds the size limit";
		return -1;
	}
	return 0;
}

int
pml_mp_decode(const void *buf, size_t len, msgpack_zone *zone, msgpack_object *obj)
{
	size_t off = 0;
	msgpack_unpack_return r;

	r = msgpack_unpack(buf, len, &off, zone, obj);
	if (r == MSGPACK_UNPACK_SUCCESS || r == MSGPACK_UNPACK_EXTRA_BYTES)
		return 0;
	/* pml_mp_frame() capped the depth below msgpack's 32, so this is malloc */
	if (r == MSGPACK_UNPACK_NOMEM_ERROR)
		pml_die("out of memory");
	return -1;
}

static int
buf_write(void *data, const char *p, size_t n)
{
	pml_buf_add(data, p, n);
	return 0;
}

void
pml_mp_packer_init_buf(msgpack_packer *pk, struct pml_buf *b)
{
	msgpack_packer_init(pk, b, buf_write);
}

void
pml_mp_pack_strn(msgpack_packer *pk, const char *s, size_t n)
{
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

void
pml_mp_pack_cstr(msgpack_packer *pk, const char *s)
{
	pml_mp_pack_strn(pk, s, strlen(s));
}

void
pml_mp_pack_bin(msgpack_packer *pk, const void *p, size_t n)
{
	msgpack_pack_bin(pk, n);
	msgpack_pack_bin_body(pk, p, n);
}

const msgpack_object *
pml_mp_get(const msgpack_object *map, const char *key)
{
	size_t klen = strlen(key);
	uint32_t i;

	if (!map || map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (i = 0; i < map->via.map.size; i++) {
		const msgpack_object *k = &map->via.map.ptr[i].key;
		if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen &&
		    !memcmp(k->via.str.ptr, key, klen))
			return &map->via.map.ptr[i].val;
	}
	return NULL;
}

int
pml_mp_str(const msgpack_object *o, const char **p, size_t *len)
{
	if (!o || o->type != MSGPACK_OBJECT_STR)
		return -1;
	*p = o->via.str.ptr;
	*len = o->via.str.size;
	return 0;
}

char *
pml_mp_xstrdup(const msgpack_object *o)
{
	if (!o || o->type != MSGPACK_OBJECT_STR)
		return NULL;
	if (memchr(o->via.str.ptr, '\0', o->via.str.size))
		return NULL;
	return pml_xmemdupz(o->via.str.ptr, o->via.str.size);
}

int
pml_mp_is_str(const msgpack_object *o, const char *s)
{
	size_t n = strlen(s);

	return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
	       !memcmp(o->via.str.ptr, s, n);
}

int
pml_mp_u64(const msgpack_object *o, uint64_t *v)
{
	if (!o || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return -1;
	*v = o->via.u64;
	return 0;
}

int
pml_mp_i64(const msgpack_object *o, int64_t *v)
{
	if (!o)
		return -1;
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
		if (o->via.u64 > INT64_MAX)
			return -1;
		*v = (int64_t)o->via.u64;
		return 0;
	}
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
		*v = o->via.i64;
		return 0;
	}
	return -1;
}

int
pml_mp_double(const msgpack_object *o, double *v)
{
	if (!o)
		return -1;
	switch (o->type) {
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		*v = o->via.f64;
		return 0;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		*v = (double)o->via.u64;
		return 0;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		*v = (double)o->via.i64;
		return 0;
	default:
		return -1;
	}
}

void
pml_mp_pack_object(struct pml_buf *b, const msgpack_object *o)
{
	msgpack_packer pk;

	pml_mp_packer_init_buf(&pk, b);
	msgpack_pack_object(&pk, *o);
}

void
pml_mp_to_json(struct pml_buf *b, const msgpack_object *o)
{
	uint32_t i;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL: pml_buf_addstr(b, "null"); break;
	case MSGPACK_OBJECT_BOOLEAN: pml_buf_addstr(b, o->via.boolean ? "true" : "false"); break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		pml_buf_addf(b, "%llu", (unsigned long long)o->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		pml_buf_addf(b, "%lld", (long long)o->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
		pml_buf_add_json_num(b, (double)(float)o->via.f64);
		break;
	case MSGPACK_OBJECT_FLOAT64: pml_buf_add_json_num(b, o->via.f64); break;
	case MSGPACK_OBJECT_STR: pml_buf_add_json_str(b, o->via.str.ptr, o->via.str.size); break;
	case MSGPACK_OBJECT_BIN: pml_buf_addf(b, "\"<bin %u bytes>\"", o->via.bin.size); break;
	case MSGPACK_OBJECT_EXT:
		pml_buf_addf(b, "\"<ext %d, %u bytes>\"", o->via.ext.type, o->via.ext.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		pml_buf_addch(b, '[');
		for (i = 0; i < o->via.array.size; i++) {
			if (i)
				pml_buf_addch(b, ',');
			pml_mp_to_json(b, &o->via.array.ptr[i]);
		}
		pml_buf_addch(b, ']');
		break;
	case MSGPACK_OBJECT_MAP:
		pml_buf_addch(b, '{');
		for (i = 0; i < o->via.map.size; i++) {
			const msgpack_object *k = &o->via.map.ptr[i].key;
			if (i)
				pml_buf_addch(b, ',');
			if (k->type == MSGPACK_OBJECT_STR) {
				pml_mp_to_json(b, k);
			} else {
				struct pml_buf t = PML_BUF_INIT;
				pml_mp_to_json(&t, k);
				pml_buf_add_json_str(b, t.buf, t.len);
				pml_buf_release(&t);
			}
			pml_buf_addch(b, ':');
			pml_mp_to_json(b, &o->via.map.ptr[i].val);
		}
		pml_buf_addch(b, '}');
		break;
	}
}

uint32_t
pml_crc32c(uint32_t crc, const void *p, size_t n)
{
	static uint32_t table[256];
	static int ready;
	const unsigned char *c = p;
	size_t i;

	if (!ready) {
		uint32_t k, v;
		int j;
		for (k = 0; k < 256; k++) {
			v = k;
			for (j = 0; j < 8; j++)
				v = v & 1 ? (v >> 1) ^ 0x82f63b78u : v >> 1;
			table[k] = v;
		}
		ready = 1;
	}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = table[(crc ^ c[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

const char *
pml_mp_kind_name(const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_NIL: return "nil";
	case MSGPACK_OBJECT_BOOLEAN: return "bool";
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER: return "int";
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64: return "float";
	case MSGPACK_OBJECT_STR: return "str";
	case MSGPACK_OBJECT_BIN: return "bin";
	case MSGPACK_OBJECT_ARRAY: return "array";
	case MSGPACK_OBJECT_MAP: return "map";
	case MSGPACK_OBJECT_EXT: return "ext";
	}
	return "?";
}

int
pml_mp_is_sync_marker(const void *buf, size_t n)
{
	const unsigned char *p = buf;

	/* fixext 1/2/4/8/16, or ext 8/16/32, with type 127 */
	if (n >= 2 && p[0] >= 0xd4 && p[0] <= 0xd8)
		return (signed char)p[1] == 127;
	if (n >= 3 && p[0] == 0xc7)
		return (signed char)p[2] == 127;
	if (n >= 4 && p[0] == 0xc8)
		return (signed char)p[3] == 127;
	if (n >= 6 && p[0] == 0xc9)
		return (signed char)p[5] == 127;
	return 0;
}
