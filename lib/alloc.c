/* alloc.c: allocation that dies cleanly instead of returning NULL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/err.h"

static _Noreturn void
oom(size_t n)
{
	pml_die("out of memory (allocating %zu bytes)", n);
}

void *
pml_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

void *
pml_xcalloc(size_t n, size_t size)
{
	void *p;

	if (!n || !size)
		n = size = 1;
	p = calloc(n, size);
	if (!p)
		oom(n * size);
	return p;
}

void *
pml_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		oom(size);
	return q;
}

void *
pml_xmallocarray(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		pml_die("out of memory (array of %zu x %zu bytes overflows)", n, size);
	return pml_xmalloc(n * size);
}

void *
pml_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		pml_die("out of memory (array of %zu x %zu bytes overflows)", n, size);
	return pml_xrealloc(p, n * size);
}

char *
pml_xstrdup(const char *s)
{
	return pml_xmemdupz(s, strlen(s));
}

char *
pml_xmemdupz(const void *p, size_t len)
{
	char *s;

	if (len == SIZE_MAX)
		oom(len);
	s = pml_xmalloc(len + 1);
	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}
