/* u-source.c: format detection, roles, class names and summaries of one input file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/err.h"
#include "pml/source.h"
#include "t.h"

#define ERR_HAS(w) (strstr(pml_err_last(), (w)) != NULL)

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	fputs(text, f);
	fclose(f);
}

int
main(void)
{
	static const struct { const char *path; enum pml_format f; } det[] = {
		{ "a.csv", PML_FMT_CSV }, { "A.CSV.gz", PML_FMT_CSV }, { "b.tsv", PML_FMT_TSV },
		{ "c.jsonl", PML_FMT_JSONL }, { "c.json.gz", PML_FMT_JSONL }, { "c.ndjson", PML_FMT_JSONL },
		{ "d.svm", PML_FMT_SVMLIGHT }, { "d.libsvm", PML_FMT_SVMLIGHT },
		{ "d.svmlight.gz", PML_FMT_SVMLIGHT }, { "e.txt", PML_FMT_NONE }, { ".csv", PML_FMT_NONE },
		{ "csv", PML_FMT_NONE }, { "f.gz", PML_FMT_NONE }, { "-", PML_FMT_NONE },
	};
	struct pml_source_opts o;
	struct pml_source *s;
	const struct pml_schema *sch;
	const struct pml_value *v;
	char *classes[] = { "cat", "dog" }, line[200];
	size_t i;
	int rc;

	pml_err_capture(1);
	for (i = 0; i < sizeof(det) / sizeof(det[0]); i++)
		T_EQ_INT(pml_format_detect(det[i].path), det[i].f, det[i].path);
	T_EQ_INT(pml_format_detect(NULL), PML_FMT_NONE, "no name");

	put("u-src.csv", "x,y,k\n1,0,a\n2,1,b\n3,2,c\n");
	pml_source_opts_init(&o);
	o.role[PML_ROLE_LABEL] = "y";
	o.role[PML_ROLE_ID] = "k";
	o.n_class = 2;
	o.classes = classes;
	s = pml_source_open(PML_FMT_CSV, "u-src.csv", NULL, &o);
	T_OK(s != NULL, "open a CSV with roles and classes");
	sch = pml_source_schema(s);
	T_EQ_INT(sch->n_col, 3, "three columns");
	T_EQ_INT(sch->col[1].role, PML_ROLE_LABEL, "y is the label");
	T_EQ_INT(sch->col[2].role, PML_ROLE_ID, "k is the id");
	T_EQ_INT(sch->col[1].n_class, 2, "the label has the class names");
	T_EQ_STR(pml_source_name(s), "u-src.csv", "name is the path");
	T_EQ_INT(pml_source_next(s, &v), 1, "record 1");
	T_EQ_INT(v[0].u.i, 1, "x of record 1");
	T_EQ_INT(pml_source_next(s, &v), 1, "record 2");
	pml_err_clear();
	rc = pml_source_next(s, &v);
	T_EQ_INT(rc, -1, "label 2 with two class names");
	T_OK(ERR_HAS("u-src.csv: record 3: label 2 is beyond the 2 class names"),
	     "error names file and record: %s", pml_err_last());
	T_EQ_INT(pml_source_records(s), 3, "three records read");
	T_OK(pml_source_offset(s) > 0, "offset moved");
	pml_source_summary(s, line, sizeof(line));
	T_EQ_STR(line, "3 records, 4 lines, 0 bad rows skipped", "CSV summary");
	pml_source_free(s);

	pml_source_opts_init(&o);
	o.role[PML_ROLE_WEIGHT] = "nope";
	pml_err_clear();
	T_OK(pml_source_open(PML_FMT_CSV, "u-src.csv", NULL, &o) == NULL, "unknown role column");
	T_OK(ERR_HAS("u-src.csv: --weight: no column 'nope'"), "message: %s", pml_err_last());

	pml_source_opts_init(&o);
	o.role[PML_ROLE_LABEL] = "k";
	o.n_class = 2;
	o.classes = classes;
	pml_err_clear();
	T_OK(pml_source_open(PML_FMT_CSV, "u-src.csv", NULL, &o) == NULL, "classes on a str label");
	T_OK(ERR_HAS("class names need an int label column"), "message: %s", pml_err_last());

	put("u-src.tsv", "a\tb\n1\t2\n");
	pml_source_opts_init(&o);
	s = pml_source_open(PML_FMT_TSV, "u-src.tsv", NULL, &o);
	T_OK(s && pml_source_schema(s)->n_col == 2, "TSV splits at tabs by default");
	pml_source_free(s);

	put("u-src.svm", "1 1:0.5 3:2\n0 2:1\n");
	s = pml_source_open(PML_FMT_SVMLIGHT, "u-src.svm", NULL, &o);
	T_OK(s != NULL, "open svmlight");
	while ((rc = pml_source_next(s, &v)) > 0)
		;
	pml_source_summary(s, line, sizeof(line));
	T_EQ_STR(line, "2 records", "svmlight summary");
	pml_source_free(s);

	put("u-src.jsonl", "{\"a\":1}\n{\"a\":2}\n");
	s = pml_source_open(PML_FMT_JSONL, "u-src.jsonl", NULL, &o);
	T_OK(s && pml_source_next(s, &v) == 1 && v[0].u.i == 1, "JSON lines read");
	pml_source_free(s);

	pml_err_clear();
	T_OK(pml_source_open(PML_FMT_IDX, "u-src-missing", NULL, &o) == NULL, "missing IDX file");
	T_OK(ERR_HAS("u-src-missing"), "message names it: %s", pml_err_last());
	T_EQ_INT(pml_source_size("u-src.csv"), 24, "size of a plain file");
	T_EQ_INT(pml_source_size("-"), 0, "no size for stdin");
	T_EQ_INT(pml_source_size("x.csv.gz"), 0, "no size for gzip");
	T_EQ_INT(pml_source_size("."), 0, "no size for a directory");
	pml_source_free(NULL);

	/* the format from the first bytes */
	{
		static const struct { const char *p; size_t n; int end; enum pml_format f; } sn[] = {
			{ "\x83\xa6" "format", 8, 0, PML_FMT_STREAM },
			{ "\xd4\x7f\x00\x83", 4, 0, PML_FMT_STREAM },      /* a sync marker first */
			{ "\xc7\x01\x7f\x00", 4, 0, PML_FMT_STREAM },
			{ " \n{\"a\":1}", 9, 0, PML_FMT_JSONL },
			{ "a,b\n", 4, 0, PML_FMT_CSV },
			{ "a,b", 3, 0, PML_FMT_NONE },                     /* first line not complete */
			{ "a,b", 3, 1, PML_FMT_CSV },
			{ "a\tb\n", 4, 0, PML_FMT_TSV },
			{ "a\tb,c\n", 6, 0, PML_FMT_CSV },
			{ "1 1:0.5 3:2\n", 12, 0, PML_FMT_SVMLIGHT },
			{ "-1 qid:3 7:1e-3 # c\n", 20, 0, PML_FMT_SVMLIGHT },
			{ "1 2\n", 4, 0, PML_FMT_CSV },
			{ "x 1:2\n", 6, 0, PML_FMT_CSV },
			{ "\xef\xbb\xbf" "a,b\n", 7, 0, PML_FMT_CSV },
			{ " \r\n\t", 4, 1, PML_FMT_NONE },
			{ "", 0, 1, PML_FMT_NONE },
			{ "a\0b\n", 4, 1, PML_FMT_STREAM },               /* binary */
		};
		for (i = 0; i < sizeof(sn) / sizeof(sn[0]); i++)
			T_OK(pml_format_sniff(sn[i].p, sn[i].n, sn[i].end) == sn[i].f, "sniff %zu", i);
	}
	put("u-src.dat", "{\"a\":3}\n");
	s = pml_source_open(PML_FMT_NONE, "u-src.dat", NULL, &o);
	T_OK(s && pml_source_next(s, &v) == 1 && v[0].u.i == 3, "format NONE: JSON lines told by the bytes");
	T_EQ_INT(s ? pml_source_offset(s) : 0, 8, "peeked bytes counted once");
	pml_source_free(s);
	remove("u-src.dat");
	remove("u-src.csv");
	remove("u-src.tsv");
	remove("u-src.svm");
	remove("u-src.jsonl");
	return t_done();
}
