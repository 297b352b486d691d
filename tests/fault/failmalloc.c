/*
 * failmalloc.c: an LD_PRELOAD shim that makes allocation fail, for the
 * fault-injection tests (t0850, tests/torture.sh).
 *
 *   FAILMALLOC_N=N       the Nth allocation made after main() starts, and
 *                        every later one, fails (malloc, calloc, realloc,
 *                        reallocarray, posix_memalign, aligned_alloc,
 *                        memalign return NULL, ENOMEM)
 *   FAILMALLOC_COUNT=F   at exit, write the number of allocations made
 *                        after main() started to file F (to size a sweep)
 *
 * Allocations made before main() (the dynamic loader, library constructors)
 * are never failed: they are not ours to handle. Counting starts when
 * __libc_start_main calls our wrapper of main. For the same reason the
 * allocations made inside dlopen() are neither failed nor counted: pml
 * loads OpenBLAS there (lib/mat.c), and its constructors (libgfortran's
 * recurses until the stack overflows on a failed malloc) were run before
 * main when it was linked.
 *
 * The allocations that do not fail go to the next allocator in the lookup
 * order, found with dlsym(RTLD_NEXT): glibc's in a normal build, and in a
 * sanitizer build (gcc links libasan.so dynamically) AddressSanitizer's, so
 * that every block the program gets is still a checked ASan block and
 * LeakSanitizer still sees it. There the shim must be loaded before libasan,
 * which ASan refuses unless ASAN_OPTIONS has verify_asan_link_order=0.
 * free() is wrapped too, for one reason: dlsym may allocate while we look
 * the allocator up (older glibc calls calloc for its error state); those few
 * requests are served from a static arena, and free() must not hand such a
 * block to the real allocator.
 *
 * Build it without -fsanitize, with frame pointers, so that ASan's fast
 * unwinder gets past this file in its reports:
 *   cc -O1 -g -fno-omit-frame-pointer -shared -fPIC -o failmalloc.so failmalloc.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void (*next_free)(void *);
static int (*next_posix_memalign)(void **, size_t, size_t);
static void *(*next_memalign)(size_t, size_t);

static atomic_ulong calls;
static unsigned long fail_at;     /* 0: never */
static int armed;

/* The arena for requests made while dlsym runs: bump allocation, never freed. */
static alignas(max_align_t) unsigned char arena[4096];
static size_t arena_used;
static int resolving;

static int
in_arena(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof(arena);
}

/* A block from the arena; its size is kept just before it, for realloc. */
static void *
arena_alloc(size_t n)
{
	const size_t a = alignof(max_align_t);
	size_t need;
	unsigned char *p;

	if (n > sizeof(arena))
		return NULL;
	need = (a + n + a - 1) / a * a;
	if (need > sizeof(arena) - arena_used)
		return NULL;
	p = arena + arena_used + a;
	memcpy(p - sizeof(size_t), &n, sizeof(size_t));
	arena_used += need;
	memset(p, 0, n);
	return p;
}

static size_t
arena_size(const void *p)
{
	size_t n;

	memcpy(&n, (const unsigned char *)p - sizeof(size_t), sizeof(size_t));
	return n;
}

static void
resolve(void)
{
	if (next_malloc || resolving)
		return;
	resolving = 1;
	*(void **)&next_calloc = dlsym(RTLD_NEXT, "calloc");
	*(void **)&next_realloc = dlsym(RTLD_NEXT, "realloc");
	*(void **)&next_free = dlsym(RTLD_NEXT, "free");
	*(void **)&next_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	*(void **)&next_memalign = dlsym(RTLD_NEXT, "memalign");
	*(void **)&next_malloc = dlsym(RTLD_NEXT, "malloc");
	resolving = 0;
	if (!next_malloc || !next_calloc || !next_realloc || !next_free || !next_posix_memalign ||
	    !next_memalign) {
		static const char msg[] = "failmalloc: cannot find the real allocator\n";
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			_exit(127);
		_exit(127);
	}
}

/* Resolve the allocator before main(), while there is only one thread. */
__attribute__((constructor)) static void
init(void)
{
	resolve();
}

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
	resolve();
	if (!next_malloc)
		return arena_alloc(n);
	return should_fail() ? NULL : next_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	resolve();
	if (!next_calloc)
		return size && n > SIZE_MAX / size ? NULL : arena_alloc(n * size);
	return should_fail() ? NULL : next_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	void *q;

	resolve();
	if (p && in_arena(p)) {
		/* rare: move the block out of the arena */
		q = malloc(n);
		if (q)
			memcpy(q, p, arena_size(p) < n ? arena_size(p) : n);
		return q;
	}
	if (!next_realloc)
		return p ? NULL : arena_alloc(n);
	return should_fail() ? NULL : next_realloc(p, n);
}

void *
reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
}

void
free(void *p)
{
	if (!p || in_arena(p))
		return;
	resolve();
	next_free(p);
}

int
posix_memalign(void **p, size_t align, size_t n)
{
	resolve();
	if (should_fail())
		return ENOMEM;
	return next_posix_memalign(p, align, n);
}

void *
memalign(size_t align, size_t n)
{
	resolve();
	return should_fail() ? NULL : next_memalign(align, n);
}

void *
aligned_alloc(size_t align, size_t n)
{
	return memalign(align, n);
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

void *
dlopen(const char *file, int mode)
{
	static void *(*real)(const char *, int);
	int was = armed;
	void *h;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "dlopen");
	armed = 0;
	h = real(file, mode);
	armed = was;
	return h;
}

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
__libc_start_main(main_fn main, int argc, char **argv, void (*init_fn)(void), void (*fini)(void),
	void (*rtld_fini)(void), void *stack_end)
{
	int (*real)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void), void *);

	*(void **)&real = dlsym(RTLD_NEXT, "__libc_start_main");
	real_main = main;
	return real(wrap_main, argc, argv, init_fn, fini, rtld_fini, stack_end);
}
