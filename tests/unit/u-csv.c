/* u-csv.c: CSV reader, number parsing, type inference, errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/buf.h"
#include "pml/csv.h"
#include "pml/err.h"
#include "t.h"

static char path[64];

static void
put(const char *data, size_t len)
{
	FILE *f;

	snprintf(path, sizeof(path), "u-csv-%d.csv", (int)getpid());
	f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
}

/*
 * Read all of data with o; return the record count (or -1 on error) and
 * render the values as text into out: "v,v;v,v;" (nil as "-").
 */
static long
slurp(const char *data, size_t len, const struct pml_csv_opts *o, struct pml_buf *out)
{
	struct pml_csv *c;
	const struct pml_value *v;
	long n = 0;
	int rc;

	put(data, len);
	pml_err_clear();
	pml_buf_reset(out);
	c = pml_csv_open(path, o);
	if (!c)
		return -1;
	while ((rc = pml_csv_next(c, &v)) > 0) {
		const struct pml_schema *s = pml_csv_schema(c);
		for (size_t j = 0; j < s->n_col; j++) {
			if (j)
				pml_buf_addch(out, ',');
			switch (v[j].kind) {
			case PML_NIL: pml_buf_addch(out, '-'); break;
			case PML_BOOL: pml_buf_addstr(out, v[j].u.b ? "T" : "F"); break;
			case PML_INT: pml_buf_addf(out, "%lld", (long long)v[j].u.i); break;
			case PML_FLOAT: pml_buf_addf(out, "%.17g", v[j].u.f); break;
			case PML_STR: pml_buf_addf(out, "<%.*s>", (int)v[j].u.s.len, v[j].u.s.ptr); break;
			default: pml_buf_addch(out, '?');
			}
		}
		pml_buf_addch(out, ';');
		n++;
	}
	pml_csv_free(c);
	return rc < 0 ? -1 : n;
}

static const char *
types(const char *data, const struct pml_csv_opts *o)
{
	static char buf[256];
	struct pml_csv *c;
	const struct pml_schema *s;

	put(data, strlen(data));
	buf[0] = '\0';
	c = pml_csv_open(path, o);
	if (!c)
		return "error";
	s = pml_csv_schema(c);
	for (size_t j = 0; j < s->n_col; j++) {
		size_t l = strlen(buf);
		snprintf(buf + l, sizeof(buf) - l, "%s%s:%s", j ? " " : "", s->col[j].name,
			 pml_type_name(s->col[j].type));
	}
	pml_csv_free(c);
	return buf;
}

#define SL(s) s, sizeof(s) - 1
#define ERR_HAS(words) (strstr(pml_err_last(), (words)) != NULL)

static void
test_numbers(void)
{
	static const struct {
		const char *s;
		int kind;
		double f;
	} cases[] = {
		{ "0", 1, 0 }, { "-12", 1, -12 }, { "+7", 1, 7 },
		{ "9223372036854775807", 1, 9223372036854775807.0 },
		{ "-9223372036854775808", 1, -9223372036854775808.0 },
		{ "9223372036854775808", 2, 9223372036854775808.0 },
		{ "1.5", 2, 1.5 }, { ".5", 2, 0.5 }, { "5.", 2, 5 }, { "1e3", 2, 1000 },
		{ "1E-2", 2, 0.01 }, { "-0.0001234", 2, -0.0001234 },
		{ "3.14159265358979323846264", 2, 3.14159265358979323846264 },
		{ "1e308", 2, 1e308 }, { "4.9e-324", 2, 4.9e-324 },
		{ "123456789012345678901234567890", 2, 123456789012345678901234567890.0 },
		{ "0.1", 2, 0.1 }, { "2.2250738585072014e-308", 2, 2.2250738585072014e-308 },
		{ "", 0, 0 }, { "-", 0, 0 }, { ".", 0, 0 }, { "1e", 0, 0 }, { "e5", 0, 0 },
		{ "nan", 0, 0 }, { "inf", 0, 0 }, { "-inf", 0, 0 }, { "0x1p3", 0, 0 },
		{ "1e999", 0, 0 }, { "1,5", 0, 0 }, { " 5", 0, 0 }, { "5 ", 0, 0 },
		{ "1.2.3", 0, 0 }, { "--1", 0, 0 }, { "1e+", 0, 0 },
	};
	char what[80];

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int64_t i = 0;
		double f = 0;
		int r = pml_csv_number(cases[k].s, strlen(cases[k].s), &i, &f);
		snprintf(what, sizeof(what), "number '%s'", cases[k].s);
		T_OK(r == cases[k].kind && (r == 0 || f == cases[k].f), "%s (kind %d, %.17g)", what, r, f);
	}
	{
		/* the fast path agrees with strtod on many decimal strings */
		unsigned x = 12345;
		int bad = 0;
		char s[64];
		for (int k = 0; k < 100000; k++) {
			int64_t i;
			double f;
			x = x * 1103515245u + 12345u;
			snprintf(s, sizeof(s), "%u.%0*u%s", x % 100000, (int)(x % 7) + 1, (x >> 8) % 1000000,
				 (x & 16) ? "e-3" : "");
			if (pml_csv_number(s, strlen(s), &i, &f) != 2 || f != strtod(s, NULL))
				bad++;
		}
		T_EQ_INT(bad, 0, "fast float parse equals strtod on 100000 strings");
	}
	{
		char nul[] = "12\0003";
		int64_t i;
		double f;
		T_EQ_INT(pml_csv_number(nul, 4, &i, &f), 0, "NUL inside a number is not a number");
	}
}

static void
test_utf8(void)
{
	size_t bad = 99;

	T_OK(pml_utf8_valid("h\xc3\xa9llo \xe4\xb8\xad \xf0\x9f\x98\x80", 15, &bad), "valid UTF-8");
	T_OK(!pml_utf8_valid("ab\xff", 3, &bad) && bad == 2, "0xff invalid at 2");
	T_OK(!pml_utf8_valid("\xc0\xaf", 2, &bad), "overlong invalid");
	T_OK(!pml_utf8_valid("\xed\xa0\x80", 3, &bad), "surrogate invalid");
	T_OK(!pml_utf8_valid("\xe4\xb8", 2, &bad), "truncated sequence invalid");
	T_OK(!pml_utf8_valid("a\0b", 3, &bad) && bad == 1, "NUL invalid");
}

static void
test_read(void)
{
	struct pml_csv_opts o;
	struct pml_buf out = PML_BUF_INIT;
	struct pml_csv_type ty[1];
	long n;

	pml_csv_opts_init(&o);
	T_EQ_STR(types("a,b,c,d,e\n1,1.5,x,true,007\n2,2,y,false,010\n", &o),
		 "a:int b:float c:str d:bool e:str", "inferred types");
	n = slurp(SL("a,b,c,d,e\n1,1.5,x,true,007\n-2,2,y,false,010\n"), &o, &out);
	T_EQ_INT(n, 2, "two records");
	T_EQ_STR(out.buf, "1,1.5,<x>,T,<007>;-2,2,<y>,F,<010>;", "values");

	n = slurp(SL("\xef\xbb\xbfid,v\r\n1,2\r\n3,4"), &o, &out);
	T_EQ_INT(n, 2, "BOM, CRLF, no final newline");
	T_EQ_STR(types("\xef\xbb\xbfid,v\r\n1,2\r\n", &o), "id:int v:int", "BOM stripped from first name");
	n = slurp(SL("a,b\r1,2\r3,4\r"), &o, &out);
	T_OK(n == 2 && !strcmp(out.buf, "1,2;3,4;"), "lone CR line ends");
	n = slurp(SL("a,b\n1,2\r\n3,4\r5,6\n"), &o, &out);
	T_OK(n == 3 && !strcmp(out.buf, "1,2;3,4;5,6;"), "mixed line ends");
	n = slurp(SL("a,b\n\"x,y\",\"line\nbreak\"\n\"q\"\"q\",z\n"), &o, &out);
	T_OK(n == 2 && !strcmp(out.buf, "<x,y>,<line\nbreak>;<q\"q>,<z>;"), "quoted commas, newlines, quotes");

	n = slurp(SL("a,b\n1,2\n\n3,4\n"), &o, &out);
	T_EQ_INT(n, 2, "blank line skipped");

	n = slurp(SL("a,b\n1,NA\nNaN,2\n,?\nNULL,N/A\n"), &o, &out);
	T_OK(n == 4 && !strcmp(out.buf, "1,-;-,2;-,-;-,-;"), "missing spellings -> nil (%s)", out.buf);
	o.na = "-1,missing";
	n = slurp(SL("a\n5\n-1\nmissing\n"), &o, &out);
	T_OK(n == 3 && !strcmp(out.buf, "5;-;-;"), "--na list (%s)", out.buf);
	n = slurp(SL("a\n5\n\n"), &o, &out);
	o.na = NULL;

	/* errors */
	pml_err_capture(1);
	n = slurp(SL(""), &o, &out);
	T_OK(n < 0 && ERR_HAS("empty file"), "empty file: %s", pml_err_last());
	n = slurp(SL("a,b\n"), &o, &out);
	T_EQ_INT(n, 0, "header only: no records");
	T_EQ_STR(types("a,b\n", &o), "a:str b:str", "header only: str columns");
	n = slurp(SL("a,b\n1,2\n3\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("line 3: 1 field, expected 2"), "short row: %s", pml_err_last());
	n = slurp(SL("a,b\n1,2\n3,4,\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("line 3: 3 fields, expected 2") && ERR_HAS("trailing delimiter"),
	     "trailing delimiter: %s", pml_err_last());
	o.skip_bad_rows = 1;
	{
		struct pml_csv *c;
		const struct pml_value *v;
		put("a,b\n1,2\n3\n4,5,6\n7,8\n", 20);
		c = pml_csv_open(path, &o);
		n = 0;
		while (c && pml_csv_next(c, &v) > 0)
			n++;
		T_OK(c && n == 2 && pml_csv_skipped(c) == 2, "skip-bad-rows counts 2");
		T_EQ_INT(c ? pml_csv_lines(c) : 0, 5, "5 lines");
		pml_csv_free(c);
	}
	o.skip_bad_rows = 0;
	n = slurp(SL("a,b\n1,x\"y\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("line 2: bad quoting"), "stray quote: %s", pml_err_last());
	n = slurp(SL("a,b\n1,2\n3,\"open\n4,5\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("line 3: bad quoting"), "unterminated quote: %s", pml_err_last());
	n = slurp(SL("a,b\n1,2\n\"x\"y,2\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("line 3: bad quoting"), "text after closing quote: %s", pml_err_last());
	n = slurp(SL("a,b\n1,2\n3,4\x00" "5\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("line 3, column 'b': NUL byte"), "NUL in number: %s", pml_err_last());
	n = slurp(SL("a,b\n1,x\n2,\xff\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("line 3, column 'b': invalid UTF-8"), "invalid UTF-8: %s", pml_err_last());
	n = slurp(SL("a\n1\ninf\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("line 3, column 'a': 'inf' is not a valid number") && ERR_HAS("--type a=str"),
	     "inf: %s", pml_err_last());
	n = slurp(SL("a\n1\n 5\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("' 5' is not a valid number"), "padded: %s", pml_err_last());
	n = slurp(SL("a\n1\n\"1,5\"\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("'1,5' is not a valid number"), "decimal comma: %s", pml_err_last());
	n = slurp(SL("a\n1\n1e999\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("'1e999'"), "1e999: %s", pml_err_last());
	n = slurp(SL("a\n1\n0x1p3\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("'0x1p3'"), "hex: %s", pml_err_last());
	n = slurp(SL("a\n1\nnan\n"), &o, &out);
	T_OK(n == 2 && !strcmp(out.buf, "1;-;"), "nan is missing by default");
	n = slurp(SL("a\nx\ninf\n"), &o, &out);
	T_OK(n == 2 && !strcmp(out.buf, "<x>;<inf>;"), "inf in a text column is text");

	o.infer_rows = 2;
	n = slurp(SL("a,b\n1,x\n2,y\n3.5,z\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("line 4, column 'a': '3.5' is not an int") && ERR_HAS("--type a=float, or a larger --infer-rows"),
	     "late misfit: %s", pml_err_last());
	{
		char spec[] = "a=float";
		char why[128];
		T_OK(pml_csv_type_parse(spec, &ty[0], why, sizeof(why)) == 0, "type spec parses");
		o.type = ty;
		o.n_type = 1;
		n = slurp(SL("a,b\n1,x\n2,y\n3.5,z\n"), &o, &out);
		T_OK(n == 3 && !strcmp(out.buf, "1,<x>;2,<y>;3.5,<z>;"), "--type a=float (%s)", out.buf);
		ty[0].col = "zz";
		n = slurp(SL("a,b\n1,x\n"), &o, &out);
		T_OK(n < 0 && ERR_HAS("--type: no column 'zz'"), "unknown --type column: %s", pml_err_last());
		o.n_type = 0;
	}
	o.infer_rows = 0;

	o.no_header = 1;
	T_EQ_STR(types("1,x\n2,y\n", &o), "c1:int c2:str", "--no-header names");
	n = slurp(SL("1,x\n2,y\n"), &o, &out);
	T_OK(n == 2 && !strcmp(out.buf, "1,<x>;2,<y>;"), "--no-header keeps the first row");
	o.no_header = 0;

	n = slurp(SL("a,a\n1,2\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("duplicate column name 'a'"), "duplicate names: %s", pml_err_last());
	T_EQ_STR(types(",b\n1,2\n", &o), "c1:int b:int", "empty header name becomes c1");

	{
		/* a 3 MB field against a 1 MB cap, no newline for the parser to stop at */
		size_t big = 3u << 20;
		char *d = malloc(big + 16);
		memcpy(d, "a\n\"", 3);
		memset(d + 3, 'x', big);
		memcpy(d + 3 + big, "\"\n", 2);
		o.max_field = 1u << 20;
		n = slurp(d, big + 5, &o, &out);
		T_OK(n < 0 && ERR_HAS("field over 1048576 bytes"), "field cap: %s", pml_err_last());
		free(d);
		o.max_field = 0;
	}
	{
		/* 10,000 columns */
		struct pml_buf d = PML_BUF_INIT;
		for (int k = 0; k < 10000; k++)
			pml_buf_addf(&d, "%sc%d", k ? "," : "", k);
		pml_buf_addch(&d, '\n');
		for (int r = 0; r < 3; r++) {
			for (int k = 0; k < 10000; k++)
				pml_buf_addf(&d, "%s%d", k ? "," : "", k + r);
			pml_buf_addch(&d, '\n');
		}
		n = slurp(d.buf, d.len, &o, &out);
		T_EQ_INT(n, 3, "10,000 columns");
		pml_buf_release(&d);
	}
	o.delim = '\t';
	n = slurp(SL("a\tb\n1\tx,y\n"), &o, &out);
	T_OK(n == 1 && !strcmp(out.buf, "1,<x,y>;"), "tab delimiter (%s)", out.buf);
	n = slurp(SL("a\tb\n1\t2,5\n"), &o, &out);
	T_OK(n < 0 && ERR_HAS("'2,5' is not a valid number"), "decimal comma in TSV: %s", pml_err_last());
	o.delim = 0;
	pml_err_capture(0);
	pml_buf_release(&out);
	unlink(path);
}

/* The reader thread gives the same records and errors, in order, as reading inline. */
static void
test_thread(void)
{
	struct pml_csv_opts o;
	struct pml_buf d = PML_BUF_INIT, a = PML_BUF_INIT, b = PML_BUF_INIT;
	long na, nb;
	int k;

	pml_csv_opts_init(&o);
	o.infer_rows = 5;
	pml_buf_addstr(&d, "id,x,s\n");
	for (k = 0; k < 60000; k++)
		pml_buf_addf(&d, "%d,%d.%d,\"s%d\nline\"\r\n%s", k, k, k % 7, k, k % 1000 ? "" : "\n");
	o.no_thread = 1;
	na = slurp(d.buf, d.len, &o, &a);
	o.no_thread = 0;
	nb = slurp(d.buf, d.len, &o, &b);
	T_OK(na == 60000 && nb == 60000 && a.len == b.len && !memcmp(a.buf, b.buf, a.len),
	     "threaded read equals inline read over many batches (%ld, %ld)", na, nb);

	pml_err_capture(1);
	pml_buf_addstr(&d, "1,2,x\"y\n");
	nb = slurp(d.buf, d.len, &o, &b);
	T_OK(nb < 0 && ERR_HAS("line 120062: bad quoting"), "late quote error from the thread: %s",
	     pml_err_last());
	pml_buf_reset(&d);
	pml_buf_addstr(&d, "id,x\n");
	for (k = 0; k < 50000; k++)
		pml_buf_addf(&d, "%d,%s\n", k, k == 30000 ? "oops" : "1");
	pml_buf_addstr(&d, "1\n");
	nb = slurp(d.buf, d.len, &o, &b);
	T_OK(nb < 0 && ERR_HAS("line 30002, column 'x': 'oops'"), "an earlier conversion error comes first: %s",
	     pml_err_last());
	o.skip_bad_rows = 1;
	{
		struct pml_csv *c;
		const struct pml_value *v;
		long n = 0;
		put(d.buf, d.len);
		c = pml_csv_open(path, &o);
		while (c && pml_csv_next(c, &v) > 0)
			n++;
		T_OK(c && n == 30000, "rows before the error are delivered (%ld)", n);
		pml_csv_free(c);
		pml_buf_reset(&d);
		pml_buf_addstr(&d, "id,x\n");
		for (k = 0; k < 50000; k++)
			pml_buf_addf(&d, "%d,1%s\n", k, k % 10000 ? "" : ",2");
		put(d.buf, d.len);
		c = pml_csv_open(path, &o);
		n = 0;
		while (c && pml_csv_next(c, &v) > 0)
			n++;
		T_OK(c && n == 49995 && pml_csv_skipped(c) == 5 && pml_csv_lines(c) == 50001,
		     "skipped rows and lines counted through the thread");
		pml_csv_free(c);
	}
	pml_err_capture(0);
	pml_buf_release(&a);
	pml_buf_release(&b);
	pml_buf_release(&d);
	unlink(path);
}

/* One field against a column's type: the rule of pml-collect and serving. */
static void
test_value(void)
{
	struct pml_schema s = PML_SCHEMA_INIT;
	struct pml_csv_na *na = pml_csv_na_new(NULL), *mine = pml_csv_na_new("-,");
	struct pml_value v;
	char why[128];

	pml_schema_add(&s, "b", PML_TYPE_BOOL);
	pml_schema_add(&s, "f", PML_TYPE_FLOAT);
	pml_schema_add(&s, "t", PML_TYPE_STR);
	T_OK(pml_csv_value(&s.col[0], "TRUE", 4, na, &v, why, sizeof(why)) == 0 && v.kind == PML_BOOL &&
	     v.u.b == 1, "bool: TRUE");
	T_OK(pml_csv_value(&s.col[0], "False", 5, na, &v, why, sizeof(why)) == 0 && v.u.b == 0, "bool: False");
	T_OK(pml_csv_value(&s.col[0], "1", 1, na, &v, why, sizeof(why)) == -1 &&
	     !strcmp(why, "expected bool, got '1'"), "bool: 1 refused: %s", why);
	T_OK(pml_csv_value(&s.col[1], "NA", 2, na, &v, why, sizeof(why)) == 0 && v.kind == PML_NIL,
	     "float: NA missing");
	T_OK(pml_csv_value(&s.col[1], "?", 1, na, &v, why, sizeof(why)) == 0 && v.kind == PML_NIL,
	     "float: ? missing");
	T_OK(pml_csv_value(&s.col[1], "NA", 2, mine, &v, why, sizeof(why)) == -1,
	     "float: NA not missing with another list");
	T_OK(pml_csv_value(&s.col[1], "-", 1, mine, &v, why, sizeof(why)) == 0 && v.kind == PML_NIL,
	     "float: own spelling missing");
	T_OK(pml_csv_value(&s.col[2], "a\0b", 3, na, &v, why, sizeof(why)) == -2 &&
	     !strcmp(why, "NUL byte at byte 2 of the field"), "str: NUL: %s", why);
	T_OK(pml_csv_value(&s.col[2], "a\xff", 2, na, &v, why, sizeof(why)) == -2 &&
	     !strcmp(why, "invalid UTF-8 at byte 2 of the field"), "str: UTF-8: %s", why);
	pml_csv_na_free(na);
	pml_csv_na_free(mine);
	pml_schema_release(&s);
	{
		/* JSON output stays JSON: bytes that are not UTF-8 become U+FFFD */
		struct pml_buf j = PML_BUF_INIT;
		pml_buf_add_json_str(&j, "a\xff\xc3\xa9\xe2\x82", 6);
		pml_buf_addch(&j, '\0');
		T_EQ_STR(j.buf, "\"a\\ufffd\xc3\xa9\\ufffd\\ufffd\"", "json string: invalid bytes replaced");
		pml_buf_release(&j);
		T_EQ_INT(pml_utf8_seq("\xf0\x9f\x98\x80", 4), 4, "utf8 seq: 4 bytes");
		T_EQ_INT(pml_utf8_seq("\xed\xa0\x80", 3), 0, "utf8 seq: surrogate");
		T_EQ_INT(pml_utf8_seq("\xc0\xaf", 2), 0, "utf8 seq: overlong");
	}
}

static void
test_line(void)
{
	struct pml_schema s = PML_SCHEMA_INIT;
	struct pml_value v[3];
	struct pml_csv_fields b = PML_CSV_FIELDS_INIT;
	struct pml_csv_na *na = pml_csv_na_new(NULL);
	char why[256];

	pml_schema_add(&s, "x", PML_TYPE_FLOAT);
	pml_schema_add(&s, "n", PML_TYPE_INT);
	pml_schema_add(&s, "name", PML_TYPE_STR);
	T_OK(pml_csv_parse_line(&s, "1.5,2,\"a,b\"\n", 12, ',', na, v, &b, why, sizeof(why)) == 0 &&
	     v[0].kind == PML_FLOAT && v[0].u.f == 1.5 && v[1].u.i == 2 && v[2].u.s.len == 3 &&
	     !memcmp(v[2].u.s.ptr, "a,b", 3), "parse_line ok");
	T_OK(pml_csv_parse_line(&s, "NA,,x", 5, ',', na, v, &b, why, sizeof(why)) == 0 &&
	     v[0].kind == PML_NIL && v[1].kind == PML_NIL, "parse_line missing");
	T_OK(pml_csv_parse_line(&s, "1,2", 3, ',', na, v, &b, why, sizeof(why)) < 0 &&
	     strstr(why, "2 fields, expected 3"), "parse_line short: %s", why);
	T_OK(pml_csv_parse_line(&s, "1,x,y", 5, ',', na, v, &b, why, sizeof(why)) < 0 &&
	     strstr(why, "column 'n': expected int, got 'x'"), "parse_line bad int: %s", why);
	T_OK(pml_csv_parse_line(&s, "1,2,\"y", 6, ',', na, v, &b, why, sizeof(why)) < 0 &&
	     strstr(why, "unterminated quoted field"), "parse_line bad quote: %s", why);
	pml_csv_fields_release(&b);
	pml_csv_na_free(na);
	test_value();
	pml_schema_release(&s);
}

int
main(void)
{
	test_numbers();
	test_utf8();
	test_read();
	test_thread();
	test_line();
	return t_done();
}
