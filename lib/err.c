/* err.c: one-line error reporting and capture mode. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/err.h"
#include "pml/io.h"

const char *pml_progname = "pml";

static int capture;
static char last[1024];

void
pml_set_progname(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	pml_progname = slash ? slash + 1 : argv0;
}

void
pml_err_capture(int on)
{
	capture = on;
	if (on)
		last[0] = '\0';
}

const char *
pml_err_last(void)
{
	return last;
}

void
pml_err_clear(void)
{
	last[0] = '\0';
}

/* Replace control characters so one message stays one line. */
static void
sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void
emit(const char *prefix, const char *msg)
{
	char line[1200];
	int n;

	if (capture) {
		snprintf(last, sizeof(last), "%s", msg);
		return;
	}
	n = snprintf(line, sizeof(line), "%s: %s%s%s\n", pml_progname,
		     prefix ? prefix : "", prefix ? ": " : "", msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	(void)pml_write_all(STDERR_FILENO, line, (size_t)n);
}

void
pml_vreport(const char *prefix, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	sanitize(msg);
	emit(prefix, msg);
}

int
pml_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pml_vreport("error", fmt, ap);
	va_end(ap);
	return -1;
}

int
pml_error_errno(const char *fmt, ...)
{
	char msg[1024];
	int e = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(e));
	sanitize(msg);
	emit("error", msg);
	errno = e;
	return -1;
}

void
pml_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pml_vreport("warning", fmt, ap);
	va_end(ap);
}

void
pml_die(const char *fmt, ...)
{
	va_list ap;

	capture = 0;
	va_start(ap, fmt);
	pml_vreport("error", fmt, ap);
	va_end(ap);
	exit(PML_EXIT_FAIL);
}

void
pml_bug(const char *file, int line, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	capture = 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: bug: %s:%d: %s\n", pml_progname, file, line, msg);
	abort();
}
