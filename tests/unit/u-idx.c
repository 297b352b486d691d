/* u-idx.c: IDX reader and class names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/err.h"
#include "pml/idx.h"
#include "t.h"

static void
put(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(p, 1, n, f);
	fclose(f);
}

#define ERR_HAS(w) (strstr(pml_err_last(), (w)) != NULL)

int
main(void)
{
	static const unsigned char img[] = { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3,
					     1, 2, 3, 4, 5, 6 };
	static const unsigned char lab[] = { 0, 0, 8, 1, 0, 0, 0, 2, 7, 9 };
	unsigned char bad[sizeof(img) + 1];
	struct pml_idx *x;
	const struct pml_value *v;
	const struct pml_schema *s;
	size_t n;
	char **names;

	put("u-idx-img", img, sizeof(img));
	put("u-idx-lab", lab, sizeof(lab));
	x = pml_idx_open("u-idx-img", "u-idx-lab");
	T_OK(x != NULL, "open");
	s = pml_idx_schema(x);
	T_OK(s->n_col == 2 && s->col[0].type == PML_TYPE_VEC && s->col[0].n_dim == 2 &&
	     s->col[0].dim[0] == 1 && s->col[0].dim[1] == 3 && s->col[1].role == PML_ROLE_LABEL,
	     "schema: image vec u8[1,3], label");
	T_EQ_INT(pml_idx_count(x), 2, "count");
	T_OK(pml_idx_next(x, &v) == 1 && v[0].u.s.len == 3 && !memcmp(v[0].u.s.ptr, "\1\2\3", 3) &&
	     v[1].u.i == 7, "first record");
	T_OK(pml_idx_next(x, &v) == 1 && !memcmp(v[0].u.s.ptr, "\4\5\6", 3) && v[1].u.i == 9,
	     "second record");
	T_EQ_INT(pml_idx_next(x, &v), 0, "end");
	T_EQ_INT(pml_idx_next(x, &v), 0, "end again");
	pml_idx_free(x);

	x = pml_idx_open("u-idx-img", NULL);
	T_OK(x && pml_idx_schema(x)->n_col == 1, "images without labels");
	pml_idx_free(x);

	pml_err_capture(1);
	memcpy(bad, img, sizeof(img));
	bad[2] = 0x0b;
	put("u-idx-bad", bad, sizeof(img));
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("0x0b is not supported"), "type byte");
	bad[2] = 8;
	bad[11] = 0;
	put("u-idx-bad", bad, sizeof(img));
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("dimension 2 is zero"), "zero dim: %s",
	     pml_err_last());
	memcpy(bad, img, sizeof(img));
	put("u-idx-bad", bad, sizeof(img) - 1);
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("1 byte short"), "short: %s", pml_err_last());
	bad[sizeof(img)] = 0;
	put("u-idx-bad", bad, sizeof(img) + 1);
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("1 byte too many"), "long: %s", pml_err_last());
	put("u-idx-bad", lab, sizeof(lab) - 1);
	T_OK(!pml_idx_open("u-idx-img", "u-idx-bad"), "labels short");
	bad[0] = 8;
	put("u-idx-bad", bad, sizeof(img));
	T_OK(!pml_idx_open("u-idx-bad", "u-idx-lab") && ERR_HAS("bad magic"), "magic");

	T_OK(pml_classes_get("fashion-mnist", &n, &names) == 0 && n == 10 &&
	     !strcmp(names[0], "T-shirt/top") && !strcmp(names[9], "Ankle boot"), "fashion-mnist preset");
	pml_classes_free(n, names);
	T_OK(pml_classes_get("cat,dog", &n, &names) == 0 && n == 2 && !strcmp(names[1], "dog"), "list");
	pml_classes_free(n, names);
	T_OK(pml_classes_get("cat,,dog", &n, &names) < 0 && ERR_HAS("empty class name"), "empty name");
	T_OK(pml_classes_get("a,a", &n, &names) < 0 && ERR_HAS("given twice"), "duplicate");
	put("u-idx-names", (const unsigned char *)"x\r\ny\n\nz", 7);
	T_OK(pml_classes_read("u-idx-names", &n, &names) == 0 && n == 3 && !strcmp(names[2], "z"),
	     "names file");
	pml_classes_free(n, names);
	pml_err_capture(0);
	unlink("u-idx-img");
	unlink("u-idx-lab");
	unlink("u-idx-bad");
	unlink("u-idx-names");
	return t_done();
}
