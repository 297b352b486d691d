/* fuzz-svmlight.c: libFuzzer target for the svmlight reader. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "pml/err.h"
#include "pml/svmlight.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[256];
	struct pml_svm_opts o = { 0 };
	struct pml_svm *s;
	const struct pml_value *v;

	if (fuzz_file(path, sizeof(path), "svm", data + 1, size > 1 ? size - 1 : 0) < 0)
		return 0;
	pml_err_capture(1);
	o.width = size && (data[0] & 1) ? 1 + data[0] / 2 : 0;
	s = pml_svm_open(path, &o);
	if (s) {
		while (pml_svm_next(s, &v) > 0)
			;
		pml_svm_free(s);
	}
	return 0;
}
