/* u-svmlight.c: sparse text densified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/err.h"
#include "pml/svmlight.h"
#include "t.h"

#define ERR_HAS(w) (strstr(pml_err_last(), (w)) != NULL)

static struct pml_svm *
open_str(const char *s, uint32_t width)
{
	struct pml_svm_opts o = { width };
	FILE *f = fopen("u-svm.svm", "wb");

	fputs(s, f);
	fclose(f);
	pml_err_clear();
	return pml_svm_open("u-svm.svm", &o);
}

static long
count(const char *s, uint32_t width)
{
	struct pml_svm *x = open_str(s, width);
	const struct pml_value *v;
	long n = 0;
	int rc;

	if (!x)
		return -1;
	while ((rc = pml_svm_next(x, &v)) > 0)
		n++;
	pml_svm_free(x);
	return rc < 0 ? -1 : n;
}

int
main(void)
{
	struct pml_svm *x;
	const struct pml_schema *s;
	const struct pml_value *v;
	float f[4];

	x = open_str("1 1:0.5 3:2 # comment\n# only a comment\n\n-1 2:1\r\n0 4:-1e-2", 0);
	T_OK(x != NULL, "open");
	s = pml_svm_schema(x);
	T_OK(s->n_col == 2 && s->col[0].type == PML_TYPE_INT && s->col[0].role == PML_ROLE_LABEL &&
	     s->col[1].n_elem == 4, "schema: int label, x f32[4]");
	T_OK(pml_svm_next(x, &v) == 1 && v[0].u.i == 1, "first label");
	memcpy(f, v[1].u.s.ptr, 16);
	T_OK(f[0] == 0.5f && f[1] == 0 && f[2] == 2 && f[3] == 0, "first vector");
	T_OK(pml_svm_next(x, &v) == 1 && v[0].u.i == -1, "second label");
	memcpy(f, v[1].u.s.ptr, 16);
	T_OK(f[0] == 0 && f[1] == 1 && f[2] == 0 && f[3] == 0, "second vector zeroed between records");
	T_OK(pml_svm_next(x, &v) == 1 && pml_svm_line(x) == 5, "third at line 5");
	T_EQ_INT(pml_svm_next(x, &v), 0, "end");
	pml_svm_free(x);

	x = open_str("0.5 1:1\n1 1:2\n", 10);
	T_OK(x && pml_svm_schema(x)->col[0].type == PML_TYPE_FLOAT &&
	     pml_svm_schema(x)->col[1].n_elem == 10, "float label, --width 10");
	pml_svm_free(x);

	pml_err_capture(1);
	T_OK(count("1 1:1 5:1\n", 3) < 0 && ERR_HAS("index 5 beyond --width 3"), "width too small");
	T_OK(count("1 qid:2 1:1\n", 0) < 0 && ERR_HAS("qid"), "qid refused");
	T_OK(count("1 0:1\n", 0) < 0 && ERR_HAS("bad index"), "index 0");
	T_OK(count("1 3:1 2:1\n", 0) < 0 && ERR_HAS("indices must increase"), "decreasing");
	T_OK(count("1 2:1 2:1\n", 0) < 0 && ERR_HAS("indices must increase"), "duplicate index");
	T_OK(count("1 1:nan\n", 0) < 0 && ERR_HAS("not a finite float"), "nan value");
	T_OK(count("1 1:1e39\n", 0) < 0 && ERR_HAS("not a finite float"), "beyond float");
	T_OK(count("x 1:1\n", 0) < 0 && ERR_HAS("line 1: label 'x'"), "bad label");
	T_OK(count("1 1:1\n2 junk\n", 0) < 0 && ERR_HAS("line 2: 'junk' is not INDEX:VALUE"), "junk");
	T_OK(count("", 0) < 0 && ERR_HAS("cannot infer the width"), "empty without --width");
	T_EQ_INT(count("", 3), 0, "empty with --width");
	pml_err_capture(0);
	unlink("u-svm.svm");
	return t_done();
}
