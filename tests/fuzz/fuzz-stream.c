/* fuzz-stream.c: libFuzzer target for the stream reader (pml_reader_*). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pml/err.h"
#include "pml/stream.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[256];
	char *paths[1];
	struct pml_reader *r;
	const struct pml_value *v;

	if (fuzz_file(path, sizeof(path), "stream", data, size) < 0)
		return 0;
	pml_err_capture(1);
	paths[0] = path;
	r = pml_reader_open(1, paths, 1 << 20);
	if (r) {
		while (pml_reader_next(r, &v) > 0)
			;
		pml_reader_free(r);
	}
	return 0;
}
