#ifndef PML_CLI_H
#define PML_CLI_H
/*
 * What every tool's main() does the same way.
 *
 *     int main(int argc, char **argv)
 *     {
 *         pml_cli_init(argc, argv);      fds 0-2, progname, SIGPIPE, C locale
 *         ... getopt_long; --help: pml_cli_help(usage); --version: pml_cli_version()
 *         ... work ...
 *         return pml_cli_finish(status); checks that stdout was written
 *     }
 */
#include <stddef.h>
#include <stdint.h>
#include "pml/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * First call of every main. Among others, it makes sure fds 0, 1 and 2
 * are open: a closed one is opened on /dev/null the wrong way round, so
 * that no file opened later takes its number (a closed stdout made `-o -`
 * write into the next temporary file), and reading a closed stdin or
 * writing a closed stdout fails (EBADF) and is reported.
 */
void pml_cli_init(int argc, char **argv);
/* Was fd 0, 1 or 2 closed when the tool started? */
int pml_cli_fd_was_closed(int fd);

/*
 * Refuse (usage error, exit 2) an output named twice, by name or as the
 * same existing file (a link, another spelling; devices such as /dev/null
 * excepted), two outputs on stdout ("-" and /dev/stdout), and an output
 * that is one of the named inputs. NULL outputs (not given) and "-" inputs
 * are skipped. Every tool calls it with all its outputs and inputs.
 */
void pml_cli_check_outputs(const char *const *out, size_t n_out, char *const *in, size_t n_in);
/* Flush and check stdout; a write error turns status into 1. */
int pml_cli_finish(int status);

/* Print usage text to stdout, exit 0. */
PML_NORETURN void pml_cli_help(const char *usage);
/* Print "PROG (pml) VERSION", exit 0. */
PML_NORETURN void pml_cli_version(void);
/* "PROG: MSG" then "try 'PROG --help'" on stderr; exit 2. */
PML_NORETURN void pml_usage_error(const char *fmt, ...) PML_PRINTF(1, 2);
/* For getopt's '?' case: getopt already printed the reason. */
PML_NORETURN void pml_usage_hint(void);

/*
 * A tool about to write a binary stream to path (NULL or "-": stdout):
 * unless force, a usage error (exit 2) if that is a terminal, with
 * PML_TTY_REFUSAL (io.h). Call it before any I/O.
 */
void pml_cli_binary_stdout(const char *path, int force);

/*
 * Strict number parsing for options: the whole string must be a number in
 * [min, max] (finite for doubles). On failure they print a usage error
 * naming the option and exit 2.
 */
long pml_opt_long(const char *opt, const char *s, long min, long max);
double pml_opt_double(const char *opt, const char *s, double min, double max);
uint64_t pml_opt_u64(const char *opt, const char *s);
/* Non-exiting forms: 0 ok, -1 bad (no message). */
int pml_parse_long(const char *s, long *out);
int pml_parse_double(const char *s, double *out);

/*
 * Option values that name columns: append s to *list (one item, or each
 * item of a comma list when split); an empty item is a usage error.
 * pml_cli_list_free() frees n items and the array.
 */
void pml_cli_list_add(char ***list, size_t *n, const char *s, int split);
void pml_cli_list_free(char **list, size_t n);

/*
 * The command line as one string, for provenance and model metadata, and
 * the arguments in the order they were typed (getopt does not reorder them).
 */
const char *pml_cli_cmdline(void);
int pml_cli_argc(void);
char **pml_cli_argv(void);

/*
 * Progress on stderr, only when stderr is a terminal and not quiet.
 * pml_progress_tick() is cheap; it redraws at most 10 times a second.
 */
struct pml_progress {
	int on;
	const char *what;
	uint64_t total;     /* 0 if unknown */
	double last;
};
void pml_progress_init(struct pml_progress *p, const char *what, uint64_t total, int quiet);
void pml_progress_tick(struct pml_progress *p, uint64_t done);
void pml_progress_done(struct pml_progress *p);

/* Monotonic seconds. */
double pml_now(void);

#ifdef __cplusplus
}
#endif

#endif
