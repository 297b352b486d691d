#ifndef PML_IO_H
#define PML_IO_H
/*
 * Input and output.
 *
 * struct pml_in reads a file, stdin ("-" or NULL), or a gzip-compressed
 * file (detected by its magic bytes, so .gz is optional) in big blocks.
 *
 * struct pml_out writes through a 128 KiB buffer with a sticky error: the
 * first failure is kept, later writes are dropped, and pml_out_close()
 * reports it once and returns -1. A path other than "-" is written
 * atomically: to a temporary file ".NAME.XXXXXX" in the same folder, which
 * pml_out_close() fsyncs and renames over NAME; a failure, pml_die(), or a
 * SIGINT/SIGHUP/SIGTERM removes the temporary file, so NAME is either the
 * old file or the complete new one. A NAME that exists and is not a regular
 * file (a device such as /dev/full, a FIFO, /dev/stdout) is written in
 * place; a symlink to a regular file is replaced at its target.
 *
 * A write to a closed pipe raises SIGPIPE (quiet end of the tool), whether
 * or not the parent left SIGPIPE ignored.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pml_in {
	const char *name;   /* for messages: the path, or "stdin" */
	int fd;
	int eof;
	uint64_t offset;    /* bytes delivered so far (uncompressed) */
	/* private */
	int gzip;           /* input starts with the gzip magic */
	void *zs;           /* z_stream while inflating */
	unsigned char *raw; /* bytes read but not yet delivered or inflated */
	size_t raw_pos, raw_len;
	int raw_eof;
	char *peek;         /* bytes peeked at, delivered before any other */
	size_t peek_pos, peek_len, m_peek;
};

/* Open path ("-" or NULL: stdin). Returns 0, or -1 with a message. */
int pml_in_open(struct pml_in *in, const char *path);
/*
 * Read up to n bytes; returns bytes read, 0 at end, -1 with a message.
 * Plain input is read with one read(2) call at a time, so a pipe's bytes
 * are seen as soon as they arrive.
 */
ssize_t pml_in_read(struct pml_in *in, void *buf, size_t n);
/*
 * Look at the first bytes without consuming them: reads until the first
 * line is complete, want bytes are there, or the end; *p points to all the
 * bytes peeked so far (valid until the next call). Returns their number
 * (0 for empty input), or -1 with a message.
 */
ssize_t pml_in_peek(struct pml_in *in, size_t want, const char **p);
/* Read exactly n bytes: 1 ok, 0 clean end before any byte, -1 error or short. */
int pml_in_read_exact(struct pml_in *in, void *buf, size_t n);
void pml_in_close(struct pml_in *in);

#define PML_OUT_BUFSIZE (128 * 1024)

struct pml_out {
	const char *name;   /* for messages: the path, or "stdout" */
	int fd;
	char *buf;
	size_t len;
	int err;            /* first errno seen, 0 if none */
	int is_stdout;
	int direct;         /* a device or FIFO, written in place */
	char *path;         /* final path of an atomic file */
	char *tmp;          /* temporary path while open */
	uint64_t written;   /* bytes accepted so far */
};

/* Open path for writing ("-" or NULL: stdout). 0, or -1 with a message. */
int pml_out_open(struct pml_out *o, const char *path);
/* Buffered write: 0, or -1 once an error is sticky (reported at close). */
int pml_out_write(struct pml_out *o, const void *p, size_t n);
int pml_out_printf(struct pml_out *o, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Write out the buffer now (pml-serve-stdin after each batch). */
int pml_out_flush(struct pml_out *o);
/* Flush and finish; for a file: fsync, close, rename into place. */
int pml_out_close(struct pml_out *o);
/* Give up: remove the temporary file, keep the old one. */
void pml_out_abort(struct pml_out *o);

/*
 * Binary streams are not for terminals (as gzip refuses): tools that write
 * a pml stream to stdout refuse a terminal unless -o or --force, with this
 * message (pml_cli_binary_stdout() before any I/O; pml-serve-stdin and
 * pml-predict, whose output format follows the input, with
 * pml_out_is_terminal() once they know it).
 */
#define PML_TTY_REFUSAL "refusing to write a binary stream to a terminal; use -o FILE, a pipe, or --force"
/* 1 if o is stdout and stdout is a terminal. */
int pml_out_is_terminal(const struct pml_out *o);

/*
 * All or none of a tool's outputs. After pml_out_defer() (pml_cli_init()
 * calls it), pml_out_close() of an atomic file writes, fsyncs and closes
 * the temporary file but leaves the rename to pml_out_commit(ok), which
 * renames every file so closed (ok) or removes them all (!ok); it returns
 * -1 with a message if a rename failed (the later ones are then removed).
 * pml_cli_finish() commits when the status is 0 or 3. Without
 * pml_out_defer() (library users, unit tests) each close renames at once.
 */
void pml_out_defer(void);
int pml_out_commit(int ok);

/* write(2) all of p, retrying on EINTR and short writes. 0 or -1 (errno). */
int pml_write_all(int fd, const void *p, size_t n);

/* Temporary files removed at exit and on fatal signals unless forgotten. */
void pml_tmp_register(const char *path);
void pml_tmp_forget(const char *path);

#ifdef __cplusplus
}
#endif

#endif
