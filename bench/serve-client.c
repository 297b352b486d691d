/*
 * serve-client: drive a serving process over pipes, for bench/serve.sh.
 * A benchmark helper, not a tool.
 *
 *   serve-client latency json|msgpack FILE N -- CMD...
 *       Send N records one at a time (cycling through FILE: JSON lines, or a
 *       pml stream whose header is sent first), wait for each reply, and
 *       print "p50_us p99_us mean_us" of the reply latency seen by the client.
 *   serve-client load FILE N BAD_PERMILLE -- CMD...
 *       Stream N JSON records (FILE's lines cycled, each given "id":i first;
 *       BAD_PERMILLE per mille of them broken at random positions) as fast as
 *       the server takes them, read the replies, check that reply i carries
 *       id i and that exactly the broken ones are errors, and print
 *       "records seconds errors rss_kib_at_100000 rss_kib_at_end".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pml/buf.h"
#include "pml/mp.h"

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void
die(const char *m)
{
	fprintf(stderr, "serve-client: %s\n", m);
	exit(1);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct pml_buf b = PML_BUF_INIT;
	char tmp[65536];
	size_t n;

	if (!fp)
		die("cannot open the input file");
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		pml_buf_add(&b, tmp, n);
	fclose(fp);
	return pml_buf_detach(&b, len);
}

static pid_t
spawn(char **cmd, int *to, int *from)
{
	int a[2], b[2];
	pid_t pid;

	if (pipe(a) < 0 || pipe(b) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(a[0], 0);
		dup2(b[1], 1);
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(a[0]);
	close(b[1]);
	*to = a[1];
	*from = b[0];
	return pid;
}

static void
write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write to the server failed");
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Reply reader: a buffer and a framing rule. */
struct rd {
	int fd;
	char *buf;
	size_t pos, len, cap;
};

/* Next reply (a line, or a msgpack message): 1 with *p, *n; 0 at EOF. */
static int
rd_next(struct rd *r, int mp, const char **p, size_t *n)
{
	for (;;) {
		if (mp) {
			size_t ml;
			const char *why;
			int rc = pml_mp_frame(r->buf + r->pos, r->len - r->pos, 1u << 26, 16, &ml, &why);
			if (rc < 0)
				die("bad msgpack reply");
			if (rc > 0) {
				*p = r->buf + r->pos;
				*n = ml;
				r->pos += ml;
				return 1;
			}
		} else {
			char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
			if (nl) {
				*p = r->buf + r->pos;
				*n = (size_t)(nl - *p);
				r->pos += *n + 1;
				return 1;
			}
		}
		if (r->pos) {
			memmove(r->buf, r->buf + r->pos, r->len - r->pos);
			r->len -= r->pos;
			r->pos = 0;
		}
		if (r->cap - r->len < 65536) {
			r->cap = r->cap * 2 + 65536;
			r->buf = realloc(r->buf, r->cap);
			if (!r->buf)
				die("out of memory");
		}
		{
			ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				die("read from the server failed");
			if (got == 0)
				return 0;
			r->len += (size_t)got;
		}
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Split FILE into records: lines, or msgpack messages (the first is the header). */
static size_t
split(char *data, size_t len, int mp, const char ***rec, size_t **rlen)
{
	size_t n = 0, m = 0, off = 0;

	*rec = NULL;
	*rlen = NULL;
	while (off < len) {
		size_t l;
		if (mp) {
			const char *why;
			if (pml_mp_frame(data + off, len - off, len, 16, &l, &why) <= 0)
				die("bad pml stream file");
		} else {
			char *nl = memchr(data + off, '\n', len - off);
			l = nl ? (size_t)(nl - (data + off)) + 1 : len - off;
		}
		if (n == m) {
			m = m * 2 + 1024;
			*rec = realloc(*rec, m * sizeof(**rec));
			*rlen = realloc(*rlen, m * sizeof(**rlen));
		}
		(*rec)[n] = data + off;
		(*rlen)[n] = l;
		n++;
		off += l;
	}
	return n;
}

static int
latency(int mp, const char *file, long n, char **cmd)
{
	size_t len, n_rec, first = 0, last;
	char *data = slurp(file, &len);
	const char **rec;
	size_t *rlen;
	struct rd r = { 0 };
	const char *p;
	size_t pl;
	double *lat = malloc((size_t)n * sizeof(double)), sum = 0;
	int to, st;
	long i;
	pid_t pid;

	n_rec = split(data, len, mp, &rec, &rlen);
	last = n_rec;
	if (mp) {
		first = 1;
		/* drop a trailer map at the end: records are the arrays */
		while (last > 1 && (unsigned char)rec[last - 1][0] >= 0x80 && (unsigned char)rec[last - 1][0] <= 0x8f)
			last--;
	}
	if (last <= first)
		die("no records");
	pid = spawn(cmd, &to, &r.fd);
	if (mp) {
		write_all(to, rec[0], rlen[0]);
		if (rd_next(&r, 1, &p, &pl) <= 0)
			die("no reply header");
	}
	for (i = 0; i < n; i++) {
		size_t k = first + (size_t)i % (last - first);
		double t0 = now();
		write_all(to, rec[k], rlen[k]);
		if (rd_next(&r, mp, &p, &pl) <= 0)
			die("the server ended early");
		lat[i] = now() - t0;
		sum += lat[i];
	}
	close(to);
	waitpid(pid, &st, 0);
	qsort(lat, (size_t)n, sizeof(double), cmp_double);
	printf("%.1f %.1f %.1f\n", lat[(size_t)(0.5 * (double)(n - 1))] * 1e6,
	       lat[(size_t)(0.99 * (double)(n - 1))] * 1e6, sum / (double)n * 1e6);
	return 0;
}

static long
rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (!strncmp(line, "VmRSS:", 6))
			kib = strtol(line + 6, NULL, 10);
	fclose(fp);
	return kib;
}

/* xorshift: deterministic choice of the broken records */
static uint64_t rng_s = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	rng_s ^= rng_s << 13;
	rng_s ^= rng_s >> 7;
	rng_s ^= rng_s << 17;
	return rng_s;
}

static int
load(const char *file, long n, long permille, char **cmd)
{
	size_t len, n_rec;
	char *data = slurp(file, &len);
	const char **rec;
	size_t *rlen;
	unsigned char *bad = calloc((size_t)n, 1);
	struct rd r = { 0 };
	int to, ctl[2], st;
	long i, n_bad = 0, errors = 0, rss100k = -1, rss_end;
	pid_t pid, wpid;
	double t0, secs;

	n_rec = split(data, len, 0, &rec, &rlen);
	for (i = 0; i < n; i++)
		if ((long)(rng() % 1000) < permille) {
			bad[i] = 1;
			n_bad++;
		}
	if (pipe(ctl) < 0)
		die("pipe");
	fcntl(ctl[0], F_SETFD, FD_CLOEXEC);     /* the server must not hold the control pipe */
	fcntl(ctl[1], F_SETFD, FD_CLOEXEC);
	t0 = now();
	pid = spawn(cmd, &to, &r.fd);
	wpid = fork();
	if (wpid == 0) {
		/* the writer: all records, then wait for the reader before closing */
		struct pml_buf b = PML_BUF_INIT;
		char c;
		close(r.fd);
		close(ctl[1]);
		for (i = 0; i < n; i++) {
			size_t k = (size_t)i % n_rec;
			pml_buf_addf(&b, "{\"id\":%ld,", i);
			if (bad[i])
				pml_buf_addstr(&b, i % 2 ? "\"image\":\"oops\"}\n" : "\"image\":[1,2,\n");
			else
				pml_buf_add(&b, rec[k] + 1, rlen[k] - 1);
			if (b.len > 1 << 20 || i + 1 == n) {
				write_all(to, b.buf, b.len);
				pml_buf_reset(&b);
			}
		}
		(void)!read(ctl[0], &c, 1);
		close(to);
		_exit(0);
	}
	close(to);
	close(ctl[0]);
	for (i = 0; i < n; i++) {
		const char *p;
		size_t pl;
		char want[48];
		int is_err;
		if (rd_next(&r, 0, &p, &pl) <= 0) {
			fprintf(stderr, "serve-client: only %ld replies of %ld\n", i, n);
			return 1;
		}
		snprintf(want, sizeof(want), "{\"id\":%ld,", i);
		if (pl < strlen(want) || memcmp(p, want, strlen(want))) {
			fprintf(stderr, "serve-client: reply %ld out of order: %.60s\n", i, p);
			return 1;
		}
		is_err = pl > strlen(want) + 8 && !memcmp(p + strlen(want), "\"error\":", 8);
		if (is_err != bad[i]) {
			fprintf(stderr, "serve-client: reply %ld: %s\n", i, is_err ? "unexpected error" : "missing error");
			return 1;
		}
		errors += is_err;
		if ((i + 1) % 100000 == 0) {
			long kib = rss_kib(pid);

			if (i + 1 == 100000)
				rss100k = kib;
			fprintf(stderr, "serve-client: reply %ld: VmRSS %ld KiB\n", i + 1, kib);
		}
	}
	rss_end = rss_kib(pid);
	secs = now() - t0;
	close(ctl[1]);
	waitpid(wpid, &st, 0);
	waitpid(pid, &st, 0);
	printf("%ld %.3f %ld %ld %ld\n", n, secs, errors, rss100k, rss_end);
	return errors == n_bad ? 0 : 1;
}

int
main(int argc, char **argv)
{
	int k;

	signal(SIGPIPE, SIG_IGN);
	for (k = 1; k < argc && strcmp(argv[k], "--"); k++)
		;
	if (k >= argc - 1)
		die("usage: serve-client latency json|msgpack FILE N -- CMD... | load FILE N PERMILLE -- CMD...");
	if (!strcmp(argv[1], "latency") && k == 5)
		return latency(!strcmp(argv[2], "msgpack"), argv[3], strtol(argv[4], NULL, 10), argv + k + 1);
	if (!strcmp(argv[1], "load") && k == 5)
		return load(argv[2], strtol(argv[3], NULL, 10), strtol(argv[4], NULL, 10), argv + k + 1);
	die("bad arguments");
	return 2;
}
