#ifndef PML_ERR_H
#define PML_ERR_H
/*
 * Errors, warnings and exit codes.
 *
 * Every message is one line on stderr, written with a single write(2):
 *     pml-train: error: train.mp: record 1834, column 'age': expected f32, got str
 * Library code reports with pml_error() (which returns -1, so a failing path
 * is one line: `return pml_error("...")`) and never exits; only cmd/ chooses
 * the exit status. pml_die() is for the tools and for out-of-memory.
 *
 * Capture mode (pml_err_capture(1)) keeps messages in a buffer instead of
 * printing them; pml-serve-stdin uses it to turn an error into a reply.
 */
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PML_EXIT_OK 0     /* success */
#define PML_EXIT_FAIL 1   /* data, runtime, I/O error, out of memory */
#define PML_EXIT_USAGE 2  /* bad options or arguments */
#define PML_EXIT_GATE 3   /* a quality gate failed (pml-eval) */

#if defined(__GNUC__)
#define PML_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PML_PRINTF(a, b)
#endif

/* A function that never returns, in C11 and in C++ (the headers serve both). */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define PML_NORETURN [[noreturn]]
#elif defined(__cplusplus) && defined(__GNUC__)
#define PML_NORETURN __attribute__((__noreturn__))
#elif defined(__cplusplus)
#define PML_NORETURN
#else
#define PML_NORETURN _Noreturn
#endif

/* The tool's name, "pml" until pml_set_progname() is called. */
extern const char *pml_progname;
void pml_set_progname(const char *argv0);

/* Report "PROG: error: MSG" and return -1. */
int pml_error(const char *fmt, ...) PML_PRINTF(1, 2);
/* Same, with ": strerror(errno)" appended (errno is read on entry). */
int pml_error_errno(const char *fmt, ...) PML_PRINTF(1, 2);
/* Report "PROG: warning: MSG". */
void pml_warn(const char *fmt, ...) PML_PRINTF(1, 2);
/* Report "PROG: error: MSG" and exit 1 (temporary files are removed). */
PML_NORETURN void pml_die(const char *fmt, ...) PML_PRINTF(1, 2);
/* Report "PROG: bug: MSG" and abort: for broken invariants only. */
PML_NORETURN void pml_bug(const char *file, int line, const char *fmt, ...) PML_PRINTF(3, 4);
#define PML_BUG(...) pml_bug(__FILE__, __LINE__, __VA_ARGS__)

/*
 * While capture is on, pml_error() and pml_warn() store the message (without
 * the "PROG: error: " prefix) instead of printing it. pml_err_last() returns
 * the last stored message ("" if none); it stays valid until the next error.
 */
void pml_err_capture(int on);
const char *pml_err_last(void);
void pml_err_clear(void);

/* Write one line "PROG: PREFIX: MSG\n" to stderr in a single write. */
void pml_vreport(const char *prefix, const char *fmt, va_list ap);

#ifdef __cplusplus
}
#endif

#endif
