/* u-jsonl.c: JSON lines reader, flattening, inference, request parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/buf.h"
#include "pml/err.h"
#include "pml/jsonl.h"
#include "t.h"

#define ERR_HAS(w) (strstr(pml_err_last(), (w)) != NULL)

static void
put(const char *s)
{
	FILE *f = fopen("u-jsonl.jsonl", "wb");
	fputs(s, f);
	fclose(f);
}

/* Open, read everything; -1 on error, else the number of records. */
static long
count(const char *data, const struct pml_jsonl_opts *o)
{
	struct pml_jsonl *j;
	const struct pml_value *v;
	long n = 0;
	int rc;

	put(data);
	pml_err_clear();
	if (!(j = pml_jsonl_open("u-jsonl.jsonl", o)))
		return -1;
	while ((rc = pml_jsonl_next(j, &v)) > 0)
		n++;
	pml_jsonl_free(j);
	return rc < 0 ? -1 : n;
}

int
main(void)
{
	struct pml_jsonl_opts o;
	struct pml_jsonl *j;
	const struct pml_schema *s;
	const struct pml_value *v;
	struct pml_csv_type ty = { "a", PML_TYPE_STR };
	struct pml_schema rs = PML_SCHEMA_INIT;
	struct pml_value rv[4];
	struct pml_buf b = PML_BUF_INIT;
	char why[256];
	uint32_t two = 2;
	float f[2];

	memset(&o, 0, sizeof(o));
	put("{\"a\":1,\"b\":{\"c\":\"x\",\"d\":[1,2.5]},\"e\":true}\n\n{\"a\":2.5,\"b\":{\"d\":[3,4]}}\r\n");
	j = pml_jsonl_open("u-jsonl.jsonl", &o);
	T_OK(j != NULL, "open");
	s = pml_jsonl_schema(j);
	T_OK(s->n_col == 4 && !strcmp(s->col[1].name, "b.c") && s->col[0].type == PML_TYPE_FLOAT &&
	     s->col[2].type == PML_TYPE_VEC && s->col[2].n_elem == 2 && s->col[3].type == PML_TYPE_BOOL,
	     "flattened schema in key order");
	T_OK(pml_jsonl_next(j, &v) == 1 && v[0].kind == PML_FLOAT && v[0].u.f == 1 && v[1].kind == PML_STR &&
	     v[1].u.s.len == 1 && v[2].u.s.len == 8 && v[3].u.b == 1, "first record");
	memcpy(f, v[2].u.s.ptr, 8);
	T_OK(f[0] == 1 && f[1] == 2.5f, "vec values");
	T_OK(pml_jsonl_next(j, &v) == 1 && v[1].kind == PML_NIL && v[3].kind == PML_NIL &&
	     pml_jsonl_line(j) == 3, "absent keys are nil, blank line counted");
	T_EQ_INT(pml_jsonl_next(j, &v), 0, "end");
	pml_jsonl_free(j);

	pml_err_capture(1);
	T_OK(count("{\"a\":1}\n{\"a\":1,\"z\":2}\n", &o) == 2, "new key inside the first rows is a column");
	o.infer_rows = 1;
	T_OK(count("{\"a\":1}\n{\"a\":1,\"z\":2}\n", &o) < 0 && ERR_HAS("line 2, key 'z' is not a column"),
	     "unknown key: %s", pml_err_last());
	o.ignore_extra = 1;
	T_EQ_INT(count("{\"a\":1}\n{\"a\":1,\"z\":2}\n", &o), 2, "--ignore-extra");
	o.ignore_extra = 0;
	T_OK(count("{\"a\":1}\n{\"a\":\"x\"}\n", &o) < 0 && ERR_HAS("line 2, column 'a': a string, expected int"),
	     "late misfit: %s", pml_err_last());
	o.infer_rows = 0;
	T_OK(count("{\"a\":1}\n{\"a\":\"x\"}\n", &o) < 0 && ERR_HAS("mixed types"), "mixed: %s", pml_err_last());
	o.type = &ty;
	o.n_type = 1;
	T_EQ_INT(count("{\"a\":1}\n{\"a\":\"x\"}\n{\"a\":true}\n", &o), 3, "--type a=str");
	o.n_type = 0;
	T_OK(count("{\"a\":[1,2]}\n{\"a\":[1]}\n", &o) < 0 && ERR_HAS("an array of 1, but 2"), "vec length: %s",
	     pml_err_last());
	T_OK(count("{\"a\":[1,\"x\"]}\n", &o) < 0 && ERR_HAS("numbers only"), "array of strings");
	T_OK(count("{\"a\":1}\n[1]\n", &o) < 0 && ERR_HAS("line 2, an array, not an object"), "not an object: %s",
	     pml_err_last());
	T_OK(count("{\"a\":1,\"a\":2}\n", &o) < 0 && ERR_HAS("line 1, column"), "duplicate key: %s", pml_err_last());
	T_OK(count("{\"a\":\"\\u0000\"}\n", &o) < 0, "NUL in a string refused");
	T_OK(count("{\"a\":\"\xff\"}\n", &o) < 0 && ERR_HAS("line 1"), "invalid UTF-8: %s", pml_err_last());
	T_OK(count("{\"a\":1}\n{\"a\":2\n", &o) < 0 && ERR_HAS("line 2"), "truncated JSON: %s", pml_err_last());
	T_OK(count("{\"a\":1e999}\n", &o) < 0, "1e999 refused");
	o.no_flatten = 1;
	T_OK(count("{\"a\":{\"b\":1}}\n", &o) < 0 && ERR_HAS("--no-flatten"), "--no-flatten");
	o.no_flatten = 0;
	{
		struct pml_buf deep = PML_BUF_INIT;
		for (int k = 0; k < 40; k++)
			pml_buf_addstr(&deep, "{\"a\":");
		pml_buf_addstr(&deep, "1");
		for (int k = 0; k < 40; k++)
			pml_buf_addch(&deep, '}');
		pml_buf_addch(&deep, '\n');
		T_OK(count(deep.buf, &o) < 0 && ERR_HAS("nested deeper"), "depth limit: %s", pml_err_last());
		pml_buf_release(&deep);
	}
	T_OK(count("", &o) < 0 && ERR_HAS("no columns"), "empty file");
	pml_err_capture(0);

	/* requests against a known schema */
	pml_schema_add(&rs, "x", PML_TYPE_FLOAT);
	pml_schema_add(&rs, "n", PML_TYPE_INT);
	pml_schema_add(&rs, "p.name", PML_TYPE_STR);
	pml_column_set_vec(pml_schema_add(&rs, "v", PML_TYPE_VEC), PML_ELEM_F32, 1, &two);
#define REQ(s) pml_jsonl_parse_record(&rs, s, strlen(s), rv, &b, why, sizeof(why))
	T_OK(REQ("{\"x\":1,\"n\":2,\"p\":{\"name\":\"bob\"},\"v\":[0.5,1],\"extra\":0}") == 0 &&
	     rv[0].u.f == 1 && rv[1].u.i == 2 && rv[2].u.s.len == 3 && !memcmp(rv[2].u.s.ptr, "bob", 3) &&
	     rv[3].u.s.len == 8, "request ok");
	T_OK(REQ("{\"x\":null,\"n\":2,\"p.name\":\"a\",\"v\":[0,0]}") == 0 && rv[0].kind == PML_NIL,
	     "null is missing, dotted key matches");
	T_OK(REQ("{\"x\":1,\"n\":2,\"v\":[0,0]}") < 0 && strstr(why, "column 'p.name' is missing"),
	     "absent column: %s", why);
	T_OK(REQ("{\"x\":1,\"n\":2.5,\"p.name\":\"a\",\"v\":[0,0]}") < 0 && strstr(why, "column 'n'"),
	     "wrong type: %s", why);
	T_OK(REQ("{\"x\":1,\"n\":2,\"p.name\":\"a\",\"v\":[0]}") < 0 && strstr(why, "expected 2"),
	     "vec length: %s", why);
	T_OK(REQ("{\"x\":1,") < 0 && strstr(why, "column"), "bad JSON: %s", why);
	T_OK(REQ("42") < 0 && strstr(why, "not an object"), "not an object");
	pml_buf_release(&b);
	pml_schema_release(&rs);
	unlink("u-jsonl.jsonl");
	return t_done();
}
