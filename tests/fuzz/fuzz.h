/* fuzz.h: what the libFuzzer targets share. */
#ifndef PML_FUZZ_H
#define PML_FUZZ_H
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Write n bytes to this process's file /tmp/pml-fuzz-NAME.PID (path, of
 * len bytes, is filled in) so the readers see a real file. 0, or -1 if it
 * cannot be written.
 */
static int
fuzz_file(char *path, size_t len, const char *name, const uint8_t *p, size_t n)
{
	FILE *f;

	snprintf(path, len, "/tmp/pml-fuzz-%s.%d", name, (int)getpid());
	f = fopen(path, "wb");
	if (!f)
		return -1;
	if (n)
		fwrite(p, 1, n, f);
	return fclose(f) == 0 ? 0 : -1;
}
#endif
