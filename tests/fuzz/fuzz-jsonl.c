/* fuzz-jsonl.c: libFuzzer target for the JSON lines reader and request parser. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pml/buf.h"
#include "pml/err.h"
#include "pml/jsonl.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[256];
	struct pml_jsonl_opts o = { 0 };
	struct pml_jsonl *j;
	const struct pml_value *v;
	unsigned flags = size ? data[0] : 0;

	if (fuzz_file(path, sizeof(path), "jsonl", data + 1, size > 1 ? size - 1 : 0) < 0)
		return 0;
	pml_err_capture(1);
	o.infer_rows = 1 + (flags & 3);
	o.no_flatten = (flags >> 2) & 1;
	o.ignore_extra = (flags >> 3) & 1;
	j = pml_jsonl_open(path, &o);
	if (j) {
		const struct pml_schema *s = pml_jsonl_schema(j);
		struct pml_value *out = calloc(s->n_col ? s->n_col : 1, sizeof(*out));
		struct pml_buf b = PML_BUF_INIT;
		char why[256];
		while (pml_jsonl_next(j, &v) > 0)
			;
		if (size > 1)
			(void)pml_jsonl_parse_record(s, (const char *)data + 1, size - 1, out, &b, why,
						     sizeof(why));
		pml_buf_release(&b);
		free(out);
		pml_jsonl_free(j);
	}
	return 0;
}
