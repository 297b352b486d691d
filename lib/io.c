/* io.c: block input (plain or gzip), buffered output, atomic files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "pml/alloc.h"
#include "pml/buf.h"
#include "pml/err.h"
#include "pml/io.h"

#define MAX_IO_SIZE (8 * 1024 * 1024)

static void fsync_dir(const char *path);

/* Temporary files to remove at exit or on a fatal signal. */
#define MAX_TMP 16
static char *tmp_paths[MAX_TMP];
static volatile sig_atomic_t tmp_installed;

static void
tmp_cleanup(void)
{
	int i;

	for (i = 0; i < MAX_TMP; i++)
		if (tmp_paths[i])
			unlink(tmp_paths[i]);
}

static void
tmp_signal(int sig)
{
	tmp_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int tmp_sigs[] = { SIGINT, SIGHUP, SIGTERM, SIGQUIT };

/* Install the cleanup handlers, except for signals ignored on entry (nohup,
 * a background job's SIGINT): those stay ignored. */
static void
tmp_install(void)
{
	struct sigaction sa, old;
	size_t i;

	if (tmp_installed)
		return;
	tmp_installed = 1;
	atexit(tmp_cleanup);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tmp_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(tmp_sigs) / sizeof(tmp_sigs[0]); i++)
		sigaddset(&sa.sa_mask, tmp_sigs[i]);
	for (i = 0; i < sizeof(tmp_sigs) / sizeof(tmp_sigs[0]); i++)
		if (sigaction(tmp_sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(tmp_sigs[i], &sa, NULL);
}

/* Block the cleanup signals (block = 1) or restore the mask in *old. */
static void
tmp_block(int block, sigset_t *old)
{
	sigset_t set;
	size_t i;

	if (!block) {
		pthread_sigmask(SIG_SETMASK, old, NULL);
		return;
	}
	sigemptyset(&set);
	for (i = 0; i < sizeof(tmp_sigs) / sizeof(tmp_sigs[0]); i++)
		sigaddset(&set, tmp_sigs[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

void
pml_tmp_register(const char *path)
{
	int i;

	tmp_install();
	for (i = 0; i < MAX_TMP; i++)
		if (!tmp_paths[i]) {
			tmp_paths[i] = pml_xstrdup(path);
			return;
		}
	pml_die("too many temporary files open");
}

void
pml_tmp_forget(const char *path)
{
	int i;

	for (i = 0; i < MAX_TMP; i++)
		if (tmp_paths[i] && !strcmp(tmp_paths[i], path)) {
			char *p = tmp_paths[i];
			tmp_paths[i] = NULL;
			free(p);
			return;
		}
}

/*
 * Deferred commits: once pml_out_defer() was called (every tool, through
 * pml_cli_init()), pml_out_close() of an atomic file stops short of the
 * rename and queues it; pml_out_commit() renames them all at the end if
 * the tool succeeded, else removes them. A tool that fails thus leaves
 * none of its outputs, not the ones closed before the failure.
 */
static int defer_on;
static char *pend_tmp[MAX_TMP], *pend_path[MAX_TMP];
static int n_pend;

void
pml_out_defer(void)
{
	defer_on = 1;
}

static void
pend_drop(int i)
{
	pml_tmp_forget(pend_tmp[i]);
	free(pend_tmp[i]);
	free(pend_path[i]);
	pend_tmp[i] = pend_path[i] = NULL;
}

int
pml_out_commit(int ok)
{
	int i, rc = 0;

	for (i = 0; i < n_pend; i++) {
		if (ok && rc == 0) {
			if (rename(pend_tmp[i], pend_path[i]) < 0)
				rc = pml_error_errno("cannot rename into '%s'", pend_path[i]);
			else
				fsync_dir(pend_path[i]);
		}
		if (!ok || rc < 0)
			unlink(pend_tmp[i]);
		pend_drop(i);
	}
	n_pend = 0;
	return rc;
}

/* A write that failed with EPIPE: end quietly as if killed by SIGPIPE. */
static void
check_pipe(int err)
{
	if (err == EPIPE) {
		tmp_cleanup();  /* the death by SIGPIPE runs no atexit handler */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		_exit(141);
	}
}

int
pml_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n > MAX_IO_SIZE ? MAX_IO_SIZE : n);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ---- input ---- */

#define IN_RAW_SIZE (128 * 1024)

int
pml_in_open(struct pml_in *in, const char *path)
{
	struct stat st;
	int fd;

	memset(in, 0, sizeof(*in));
	if (!path || !strcmp(path, "-")) {
		in->name = "stdin";
		fd = dup(STDIN_FILENO);
		if (fd < 0)
			return pml_error_errno("stdin");
	} else {
		in->name = path;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return pml_error_errno("cannot open '%s'", path);
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			return pml_error("cannot read '%s': Is a directory", path);
		}
	}
	in->fd = fd;
	in->gzip = -1;  /* not known until the first bytes arrive */
	return 0;
}

/* One read(2) into the raw buffer (which must be empty or consumed). */
static ssize_t
fill_raw(struct pml_in *in)
{
	ssize_t r;

	if (!in->raw)
		in->raw = pml_xmalloc(IN_RAW_SIZE);
	if (in->raw_pos > 0 && in->raw_pos < in->raw_len)
		memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
	in->raw_len -= in->raw_pos;
	in->raw_pos = 0;
	do
		r = read(in->fd, in->raw + in->raw_len, IN_RAW_SIZE - in->raw_len);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return pml_error_errno("%s: read error", in->name);
	if (r == 0)
		in->raw_eof = 1;
	in->raw_len += (size_t)r;
	return r;
}

static ssize_t
read_gzip(struct pml_in *in, void *buf, size_t n)
{
	z_stream *zs = in->zs;
	int rc;

	if (!zs) {
		zs = pml_xcalloc(1, sizeof(*zs));
		if (inflateInit2(zs, 15 + 16) != Z_OK) {
			free(zs);
			return pml_error("%s: cannot start gzip decompression", in->name);
		}
		in->zs = zs;
	}
	if (n > UINT_MAX)
		n = UINT_MAX;
	zs->next_out = buf;
	zs->avail_out = (unsigned)n;
	while (zs->avail_out == n) {
		if (in->raw_pos == in->raw_len) {
			if (in->raw_eof)
				return pml_error("%s: truncated gzip data (unexpected end of file)", in->name);
			in->raw_pos = in->raw_len = 0;
			if (fill_raw(in) < 0)
				return -1;
			continue;
		}
		zs->next_in = in->raw + in->raw_pos;
		zs->avail_in = (unsigned)(in->raw_len - in->raw_pos);
		rc = inflate(zs, Z_NO_FLUSH);
		in->raw_pos = in->raw_len - zs->avail_in;
		if (rc == Z_STREAM_END) {
			/* Another gzip member may follow; anything else is an error. */
			if (in->raw_pos == in->raw_len && !in->raw_eof) {
				in->raw_pos = in->raw_len = 0;
				if (fill_raw(in) < 0)
					return -1;
			}
			if (in->raw_pos == in->raw_len) {
				in->eof = 1;
				break;
			}
			if (in->raw_len - in->raw_pos < 2 && !in->raw_eof && fill_raw(in) < 0)
				return -1;
			if (in->raw_len - in->raw_pos < 2 || in->raw[in->raw_pos] != 0x1f ||
			    in->raw[in->raw_pos + 1] != 0x8b)
				return pml_error("%s: trailing garbage after gzip data", in->name);
			inflateReset(zs);
			continue;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return pml_error("%s: corrupt gzip data (%s)", in->name,
					 zs->msg ? zs->msg : "inflate error");
	}
	return (ssize_t)(n - zs->avail_out);
}

static ssize_t
read_any(struct pml_in *in, void *buf, size_t n)
{
	ssize_t r;

	if (in->eof || !n)
		return 0;
	if (in->gzip < 0) {
		/* Sniff the gzip magic; a 1-byte first read needs a second look. */
		do {
			if (fill_raw(in) < 0)
				return -1;
		} while (in->raw_len < 2 && !in->raw_eof);
		in->gzip = in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b;
	}
	if (in->gzip) {
		r = read_gzip(in, buf, n);
	} else if (in->raw_pos < in->raw_len) {
		r = (ssize_t)(in->raw_len - in->raw_pos);
		if ((size_t)r > n)
			r = (ssize_t)n;
		memcpy(buf, in->raw + in->raw_pos, (size_t)r);
		in->raw_pos += (size_t)r;
	} else {
		do
			r = read(in->fd, buf, n > MAX_IO_SIZE ? MAX_IO_SIZE : n);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return pml_error_errno("%s: read error", in->name);
	}
	if (r == 0)
		in->eof = 1;
	if (r > 0)
		in->offset += (uint64_t)r;
	return r;
}

ssize_t
pml_in_read(struct pml_in *in, void *buf, size_t n)
{
	size_t k;

	if (in->peek_pos == in->peek_len)
		return read_any(in, buf, n);
	k = in->peek_len - in->peek_pos;
	if (k > n)
		k = n;
	memcpy(buf, in->peek + in->peek_pos, k);
	in->peek_pos += k;
	in->offset += k;
	return (ssize_t)k;
}

ssize_t
pml_in_peek(struct pml_in *in, size_t want, const char **p)
{
	size_t scanned = in->peek_pos;

	if (in->peek_pos > 0) {
		memmove(in->peek, in->peek + in->peek_pos, in->peek_len - in->peek_pos);
		in->peek_len -= in->peek_pos;
		in->peek_pos = 0;
		scanned = 0;
	}
	if (in->m_peek < want) {
		in->peek = pml_xrealloc(in->peek, want);
		in->m_peek = want;
	}
	while (in->peek_len < want && !memchr(in->peek + scanned, '\n', in->peek_len - scanned)) {
		ssize_t r = read_any(in, in->peek + in->peek_len, want - in->peek_len);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		scanned = in->peek_len;
		in->peek_len += (size_t)r;
		in->offset -= (uint64_t)r;     /* counted again when read */
	}
	*p = in->peek;
	return (ssize_t)in->peek_len;
}

int
pml_in_read_exact(struct pml_in *in, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pml_in_read(in, (char *)buf + got, n - got);
		if (r < 0)
			return -1;
		if (r == 0)
			return got == 0 ? 0 : -1;
		got += (size_t)r;
	}
	return 1;
}

void
pml_in_close(struct pml_in *in)
{
	if (in->zs) {
		inflateEnd(in->zs);
		free(in->zs);
		in->zs = NULL;
	}
	free(in->raw);
	in->raw = NULL;
	free(in->peek);
	in->peek = NULL;
	in->peek_pos = in->peek_len = in->m_peek = 0;
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
}

/* ---- output ---- */

int
pml_out_is_terminal(const struct pml_out *o)
{
	return o->is_stdout && isatty(o->fd);
}

int
pml_out_open(struct pml_out *o, const char *path)
{
	struct pml_buf tmp = PML_BUF_INIT;
	const char *slash, *base;
	char *real = NULL;
	struct stat st;
	sigset_t sigs;
	mode_t mask;
	int fd;

	memset(o, 0, sizeof(*o));
	o->buf = pml_xmalloc(PML_OUT_BUFSIZE);
	if (!path || !strcmp(path, "-")) {
		o->name = "stdout";
		o->fd = STDOUT_FILENO;
		o->is_stdout = 1;
		return 0;
	}
	/*
	 * A device, FIFO or other non-regular file (/dev/full, /dev/stdout) is
	 * written in place: renaming a temporary file over it would replace it.
	 * A symlink to a regular file is written atomically at its target.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			free(o->buf);
			o->buf = NULL;
			return pml_error_errno("cannot write '%s'", path);
		}
		o->fd = fd;
		o->is_stdout = 0;
		o->direct = 1;
		o->path = pml_xstrdup(path);
		o->name = o->path;
		return 0;
	}
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (real = realpath(path, NULL)))
		path = real;
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	if (!*base) {
		free(o->buf);
		o->buf = NULL;
		free(real);
		return pml_error("cannot write '%s': not a file name", path);
	}
	if (slash)
		pml_buf_add(&tmp, path, (size_t)(base - path));
	pml_buf_addf(&tmp, ".%s.XXXXXX", base);
	/* a signal between mkstemp() and pml_tmp_register() would leave the
	 * file behind: hold the signals until it is registered */
	tmp_install();
	tmp_block(1, &sigs);
	fd = mkstemp(tmp.buf);
	if (fd >= 0)
		pml_tmp_register(tmp.buf);
	tmp_block(0, &sigs);
	if (fd < 0) {
		pml_error_errno("cannot create '%s'", path);
		pml_buf_release(&tmp);
		free(o->buf);
		o->buf = NULL;
		free(real);
		return -1;
	}
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	o->fd = fd;
	o->path = pml_xstrdup(path);
	o->tmp = pml_buf_detach(&tmp, NULL);
	o->name = o->path;
	free(real);
	return 0;
}

static int
out_drain(struct pml_out *o)
{
	if (o->err || !o->len) {
		o->len = 0;
		return o->err ? -1 : 0;
	}
	if (pml_write_all(o->fd, o->buf, o->len) < 0) {
		o->err = errno;
		check_pipe(o->err);
	}
	o->len = 0;
	return o->err ? -1 : 0;
}

int
pml_out_write(struct pml_out *o, const void *p, size_t n)
{
	if (o->err)
		return -1;
	o->written += n;
	if (o->len + n > PML_OUT_BUFSIZE) {
		if (out_drain(o) < 0)
			return -1;
		if (n >= PML_OUT_BUFSIZE) {
			if (pml_write_all(o->fd, p, n) < 0) {
				o->err = errno;
				check_pipe(o->err);
				return -1;
			}
			return 0;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

int
pml_out_printf(struct pml_out *o, const char *fmt, ...)
{
	char small[512];
	struct pml_buf big = PML_BUF_INIT;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return pml_out_write(o, small, (size_t)n);
	pml_buf_grow(&big, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(big.buf, big.alloc, fmt, ap);
	va_end(ap);
	rc = pml_out_write(o, big.buf, (size_t)n);
	pml_buf_release(&big);
	return rc;
}

int
pml_out_flush(struct pml_out *o)
{
	return out_drain(o);
}

static void
fsync_dir(const char *path)
{
	char *dir = pml_xstrdup(path);
	char *slash = strrchr(dir, '/');
	int fd;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
pml_out_close(struct pml_out *o)
{
	int rc = 0;

	if (!o->buf)
		return 0;
	out_drain(o);
	if (o->direct) {
		if (close(o->fd) < 0 && !o->err)
			o->err = errno;
		if (o->err) {
			errno = o->err;
			rc = pml_error_errno("cannot write '%s'", o->path);
		}
		free(o->path);
		o->path = NULL;
	} else if (o->is_stdout) {
		if (o->err) {
			errno = o->err;
			rc = pml_error_errno("write error on stdout");
		}
	} else {
		if (!o->err && fsync(o->fd) < 0 && errno != EINVAL)
			o->err = errno;
		if (close(o->fd) < 0 && !o->err)
			o->err = errno;
		if (o->err) {
			errno = o->err;
			rc = pml_error_errno("cannot write '%s'", o->path);
			unlink(o->tmp);
		} else if (defer_on && n_pend < MAX_TMP) {
			/* renamed by pml_out_commit(); stays registered for cleanup */
			pend_tmp[n_pend] = o->tmp;
			pend_path[n_pend++] = o->path;
			o->tmp = o->path = NULL;
		} else if (rename(o->tmp, o->path) < 0) {
			rc = pml_error_errno("cannot rename into '%s'", o->path);
			unlink(o->tmp);
		} else {
			fsync_dir(o->path);
		}
		if (o->tmp)
			pml_tmp_forget(o->tmp);
		free(o->tmp);
		free(o->path);
		o->tmp = o->path = NULL;
	}
	free(o->buf);
	o->buf = NULL;
	return rc;
}

void
pml_out_abort(struct pml_out *o)
{
	if (!o->buf)
		return;
	if (o->direct) {
		close(o->fd);
		free(o->path);
		o->path = NULL;
	} else if (!o->is_stdout) {
		close(o->fd);
		unlink(o->tmp);
		pml_tmp_forget(o->tmp);
		free(o->tmp);
		free(o->path);
		o->tmp = o->path = NULL;
	}
	free(o->buf);
	o->buf = NULL;
}
