/* fuzz-csv.c: libFuzzer target for the CSV reader and the one-line parser. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/buf.h"
#include "pml/csv.h"
#include "pml/err.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[256];
	struct pml_csv_opts o;
	struct pml_csv *c;
	const struct pml_value *v;
	unsigned flags = size ? data[0] : 0;

	if (fuzz_file(path, sizeof(path), "csv", data + 1, size > 1 ? size - 1 : 0) < 0)
		return 0;
	pml_err_capture(1);
	pml_csv_opts_init(&o);
	o.infer_rows = 1 + (flags & 3);
	o.no_header = (flags >> 2) & 1;
	o.skip_bad_rows = (flags >> 3) & 1;
	o.no_thread = (flags >> 4) & 1;
	o.max_field = (flags >> 5) & 1 ? 16 : 0;
	o.delim = (flags >> 6) & 1 ? ';' : ',';
	c = pml_csv_open(path, &o);
	if (c) {
		const struct pml_schema *s = pml_csv_schema(c);
		struct pml_value *out = calloc(s->n_col ? s->n_col : 1, sizeof(*out));
		struct pml_csv_fields f = PML_CSV_FIELDS_INIT;
		struct pml_csv_na *na = pml_csv_na_new(NULL);
		char why[256];
		while (pml_csv_next(c, &v) > 0)
			;
		/* the same bytes as one served line against the inferred schema */
		if (size > 1)
			(void)pml_csv_parse_line(s, (const char *)data + 1, size - 1, o.delim, na, out,
						 &f, why, sizeof(why));
		pml_csv_fields_release(&f);
		pml_csv_na_free(na);
		free(out);
		pml_csv_free(c);
	}
	return 0;
}
