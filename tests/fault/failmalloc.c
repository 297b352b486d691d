/*
 * failmalloc.c: an LD_PRELOAD shim that makes allocation fail, for the
 * fault-injection tests (t0850, tests/torture.sh).
 *
 *   FAILMALLOC_N=N       the Nth allocation made after main() starts, and
 *                        every later one, fails (malloc, calloc, realloc,
 *                        posix_memalign, aligned_alloc return NULL, ENOMEM)
 *   FAILMALLOC_COUNT=F   at exit, write the number of allocations made
 *                        after main() started to file F (to size a sweep)
 *
 * Allocations made before main() (the dynamic loader, library constructors
 * such as OpenBLAS's) are never failed: they are not ours to handle.
 * Counting starts when __libc_start_main calls our wrapper of main.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static atomic_ulong calls;
static unsigned long fail_at;     /* 0: never */
static int armed;

static int
should_fail(void)
{
	unsigned long n;

	if (!armed)
		return 0;
	n = atomic_fetch_add(&calls, 1) + 1;
	if (fail_at && n >= fail_at) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *
malloc(size_t n)
{
	return should_fail() ? NULL : __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __libc_realloc(p, n);
}

int
posix_memalign(void **p, size_t align, size_t n)
{
	if (should_fail())
		return ENOMEM;
	*p = __libc_memalign(align, n);
	return *p ? 0 : ENOMEM;
}

void *
aligned_alloc(size_t align, size_t n)
{
	return should_fail() ? NULL : __libc_memalign(align, n);
}

static void
report(void)
{
	const char *f = getenv("FAILMALLOC_COUNT");
	char line[32];
	int fd, len;

	if (!f)
		return;
	armed = 0;
	fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	len = snprintf(line, sizeof(line), "%lu\n", (unsigned long)atomic_load(&calls));
	if (write(fd, line, (size_t)len) < 0)
		len = 0;
	close(fd);
}

typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int
wrap_main(int argc, char **argv, char **envp)
{
	const char *s = getenv("FAILMALLOC_N");

	fail_at = s ? strtoul(s, NULL, 10) : 0;
	atexit(report);
	armed = 1;
	return real_main(argc, argv, envp);
}

int
__libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
	void (*rtld_fini)(void), void *stack_end)
{
	int (*real)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void), void *);

	*(void **)&real = dlsym(RTLD_NEXT, "__libc_start_main");
	real_main = main;
	return real(wrap_main, argc, argv, init, fini, rtld_fini, stack_end);
}
