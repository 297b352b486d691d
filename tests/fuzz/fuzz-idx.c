/* fuzz-idx.c: libFuzzer target for the IDX reader (input split into two files). */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "pml/err.h"
#include "pml/idx.h"
#include "fuzz.h"

static int
put(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (n)
		fwrite(p, 1, n, f);
	fclose(f);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char img[256], lab[256];
	struct pml_idx *x;
	const struct pml_value *v;
	size_t cut;

	if (!img[0]) {
		fuzz_path(img, sizeof(img), "idx-img");
		fuzz_path(lab, sizeof(lab), "idx-lab");
	}
	if (size < 1)
		return 0;
	cut = 1 + (size - 1) * data[0] / 255;
	if (put(img, data + 1, cut - 1) < 0 || put(lab, data + cut, size - cut) < 0)
		return 0;
	pml_err_capture(1);
	x = pml_idx_open(img, lab);
	if (x) {
		while (pml_idx_next(x, &v) > 0)
			;
		pml_idx_free(x);
	}
	return 0;
}
