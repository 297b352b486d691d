/* cli.c: what every tool's main() does the same way. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/io.h"

static struct pml_buf cmdline = PML_BUF_INIT;
static unsigned closed_fds;     /* bit fd: 0, 1 or 2 was closed at start */
static int saved_argc;
static char **saved_argv;

/*
 * Make sure descriptors 0, 1 and 2 are open, so that no file the tool opens
 * later gets one of them (a closed stdout would make `-o -` write into the
 * next temporary file). A closed one is opened on /dev/null in the other
 * direction: reading a closed stdin or writing a closed stdout then fails
 * with EBADF, reported as an error, instead of silently reading nothing or
 * writing nowhere. A closed stderr stays silent.
 */
static void
sanitize_fds(void)
{
	static const int modes[3] = { O_WRONLY, O_RDONLY, O_WRONLY };
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		closed_fds |= 1u << fd;
		if (open("/dev/null", modes[fd]) != fd)
			_exit(PML_EXIT_FAIL);   /* nothing else can be trusted */
	}
}

void
pml_cli_init(int argc, char **argv)
{
	int i;

	sanitize_fds();
	pml_out_defer();
	pml_set_progname(argc > 0 ? argv[0] : NULL);
	signal(SIGPIPE, SIG_DFL);
	/* over `ulimit -f`, write() fails with EFBIG and is reported; the
	 * default action would kill us silently, leaving temporary files */
	signal(SIGXFSZ, SIG_IGN);
	setlocale(LC_ALL, "C");
	/* A copy: getopt_long permutes argv, provenance wants the order typed. */
	saved_argc = argc;
	saved_argv = pml_xcalloc((size_t)argc + 1, sizeof(*saved_argv));
	for (i = 0; i < argc; i++)
		saved_argv[i] = argv[i];
	pml_buf_reset(&cmdline);
	pml_buf_addstr(&cmdline, pml_progname);
	for (i = 1; i < argc; i++) {
		pml_buf_addch(&cmdline, ' ');
		pml_buf_addstr(&cmdline, argv[i]);
	}
}

int
pml_cli_fd_was_closed(int fd)
{
	return fd >= 0 && fd < 3 && (closed_fds >> fd & 1);
}

/* Same file? By name, or for files that exist (not devices) by identity. */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	int ra, rb;

	if (!strcmp(a, b))
		return 1;
	ra = !strcmp(a, "-") ? fstat(STDOUT_FILENO, &sa) : stat(a, &sa);
	rb = !strcmp(b, "-") ? fstat(STDOUT_FILENO, &sb) : stat(b, &sb);
	return ra == 0 && rb == 0 && !S_ISCHR(sa.st_mode) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

void
pml_cli_check_outputs(const char *const *out, size_t n_out, char *const *in, size_t n_in)
{
	size_t i, j;

	for (i = 0; i < n_out; i++) {
		if (!out[i])
			continue;
		for (j = 0; j < i; j++)
			if (out[j] && same_file(out[i], out[j])) {
				if (!strcmp(out[i], "-") || !strcmp(out[j], "-"))
					pml_usage_error("only one output can be stdout ('%s' and '%s')",
							out[j], out[i]);
				pml_usage_error("output '%s' given twice%s%s%s", out[i],
						strcmp(out[i], out[j]) ? " (as '" : "",
						strcmp(out[i], out[j]) ? out[j] : "",
						strcmp(out[i], out[j]) ? "')" : "");
			}
		for (j = 0; j < n_in; j++)
			if (in[j] && strcmp(in[j], "-") && strcmp(out[i], "-") && same_file(out[i], in[j]))
				pml_usage_error("'%s' is both an input and an output", out[i]);
	}
}

const char *
pml_cli_cmdline(void)
{
	return cmdline.buf;
}

int
pml_cli_argc(void)
{
	return saved_argc;
}

char **
pml_cli_argv(void)
{
	return saved_argv;
}

int
pml_cli_finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE) {
			pml_out_commit(0);
			signal(SIGPIPE, SIG_DFL);
			raise(SIGPIPE);
		}
		pml_error_errno("write error on stdout");
		status = PML_EXIT_FAIL;
	}
	/* the files written are renamed into place only if the tool succeeded */
	if (pml_out_commit(status == PML_EXIT_OK || status == PML_EXIT_GATE) < 0)
		status = PML_EXIT_FAIL;
	return status;
}

void
pml_cli_help(const char *usage)
{
	fputs(usage, stdout);
	exit(pml_cli_finish(PML_EXIT_OK));
}

void
pml_cli_version(void)
{
	printf("%s (pml) %s\n", pml_progname, PML_VERSION);
	exit(pml_cli_finish(PML_EXIT_OK));
}

void
pml_usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\ntry '%s --help'\n", pml_progname, msg, pml_progname);
	exit(PML_EXIT_USAGE);
}

void
pml_cli_binary_stdout(const char *path, int force)
{
	if (!force && (!path || !strcmp(path, "-")) && isatty(STDOUT_FILENO))
		pml_usage_error("%s", PML_TTY_REFUSAL);
}

void
pml_usage_hint(void)
{
	fprintf(stderr, "try '%s --help'\n", pml_progname);
	exit(PML_EXIT_USAGE);
}

int
pml_parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s)
		return -1;
	*out = v;
	return 0;
}

int
pml_parse_double(const char *s, double *out)
{
	char *end;
	double v;
	const char *p;

	if (!s || !*s)
		return -1;
	/* Decimal only: refuse hex floats, inf and nan spellings. */
	for (p = s; *p; p++)
		if (!strchr("0123456789+-.eE", *p))
			return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

long
pml_opt_long(const char *opt, const char *s, long min, long max)
{
	long v;

	if (pml_parse_long(s, &v) < 0)
		pml_usage_error("option '%s': '%s' is not an integer", opt, s);
	if (v < min || v > max)
		pml_usage_error("option '%s': %ld is out of range [%ld, %ld]", opt, v, min, max);
	return v;
}

double
pml_opt_double(const char *opt, const char *s, double min, double max)
{
	double v;

	if (pml_parse_double(s, &v) < 0)
		pml_usage_error("option '%s': '%s' is not a finite number", opt, s);
	if (v < min || v > max)
		pml_usage_error("option '%s': %g is out of range [%g, %g]", opt, v, min, max);
	return v;
}

uint64_t
pml_opt_u64(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		pml_usage_error("option '%s': '%s' is not a non-negative integer", opt, s ? s : "");
	v = strtoull(s, &end, 10);
	if (errno || *end)
		pml_usage_error("option '%s': '%s' is not a non-negative integer", opt, s);
	return (uint64_t)v;
}

double
pml_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void
pml_progress_init(struct pml_progress *p, const char *what, uint64_t total, int quiet)
{
	p->on = !quiet && isatty(STDERR_FILENO);
	p->what = what;
	p->total = total;
	p->last = 0;
}

void
pml_progress_tick(struct pml_progress *p, uint64_t done)
{
	double now;

	if (!p->on)
		return;
	now = pml_now();
	if (now - p->last < 0.1)
		return;
	p->last = now;
	if (p->total)
		fprintf(stderr, "\r%s: %s: %llu/%llu (%.0f%%)", pml_progname, p->what,
			(unsigned long long)done, (unsigned long long)p->total,
			100.0 * (double)done / (double)p->total);
	else
		fprintf(stderr, "\r%s: %s: %llu", pml_progname, p->what, (unsigned long long)done);
}

void
pml_progress_done(struct pml_progress *p)
{
	if (p->on && p->last > 0)
		fputs("\r\033[K", stderr);
	p->on = 0;
}

void
pml_cli_list_add(char ***list, size_t *n, const char *s, int split)
{
	const char *p = s;

	for (;;) {
		const char *c = split ? strchr(p, ',') : NULL;
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (!len)
			pml_usage_error("empty name in '%s'", s);
		*list = pml_xreallocarray(*list, *n + 1, sizeof(**list));
		(*list)[(*n)++] = pml_xmemdupz(p, len);
		if (!c)
			break;
		p = c + 1;
	}
}

void
pml_cli_list_free(char **list, size_t n)
{
	while (n)
		free(list[--n]);
	free(list);
}
