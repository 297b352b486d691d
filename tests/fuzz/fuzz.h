/* fuzz.h: what the libFuzzer targets share. */
#ifndef PML_FUZZ_H
#define PML_FUZZ_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Fill in path (of len bytes) with this process's scratch file
 * $TMPDIR/pml-fuzz-NAME.PID ($TMPDIR: /tmp if unset, empty or too long),
 * so that parallel jobs and test runs keep their files apart.
 */
static void
fuzz_path(char *path, size_t len, const char *name)
{
	const char *dir = getenv("TMPDIR");
	int n = -1;

	if (dir && *dir)
		n = snprintf(path, len, "%s/pml-fuzz-%s.%d", dir, name, (int)getpid());
	if (n < 0 || (size_t)n >= len)
		snprintf(path, len, "/tmp/pml-fuzz-%s.%d", name, (int)getpid());
}

/*
 * Write n bytes to the scratch file for name (see fuzz_path; path is
 * filled in) so the readers see a real file. 0, or -1 if it cannot be
 * written.
 */
static int
fuzz_file(char *path, size_t len, const char *name, const uint8_t *p, size_t n)
{
	FILE *f;

	fuzz_path(path, len, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	if (n)
		fwrite(p, 1, n, f);
	return fclose(f) == 0 ? 0 : -1;
}
#endif
