/* pml-cat: show a pml stream as JSON lines, CSV or a table; validate it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pml/buf.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/model.h"
#include "pml/mp.h"
#include "pml/render.h"
#include "pml/stream.h"

static const char usage[] =
	"usage: pml-cat [options] [FILE...]\n"
	"Show pml streams (files, or stdin) as text; the exit status says whether\n"
	"every input is a complete, well-formed stream.\n"
	"\n"
	"  -j, --json           JSON lines, one object per record (default)\n"
	"  -c, --csv            CSV with a header line (vectors expand to name[i])\n"
	"      --tsv            like --csv with tabs\n"
	"  -t, --table          an aligned table for people\n"
	"  -s, --schema         print the header (columns, provenance, chain) as JSON\n"
	"  -n, --head N         stop after N records\n"
	"      --count          print the number of records\n"
	"      --trailer        print the last trailer (record count, stats) as JSON\n"
	"  -o, --output FILE    write to FILE (atomically) instead of stdout\n"
	"      --max-message N  refuse messages over N bytes (default 16777216)\n"
	"  -q, --quiet          no progress\n"
	"  -h, --help           show this help\n"
	"  -V, --version        show the version\n";

enum mode { M_JSON, M_CSV, M_TSV, M_TABLE, M_SCHEMA, M_COUNT, M_TRAILER };

#define TABLE_ROWS 1000

/*
 * A single regular file that is a model: print its metadata as JSON or as a
 * table; refuse names an option that shows streams only (a usage error).
 * -1 if not a model.
 */
static int
cat_model(const char *path, const char *output, int table, const char *refuse)
{
	unsigned char head[64];
	struct pml_in in;
	struct pml_model m;
	struct pml_out out;
	struct pml_buf b = PML_BUF_INIT;
	ssize_t n;
	int rc;
	struct stat st;

	/* Only a regular file can be sniffed and then read again. */
	if (!strcmp(path, "-") || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	pml_err_capture(1);
	rc = pml_in_open(&in, path);
	n = rc < 0 ? -1 : pml_in_read(&in, head, sizeof(head));
	if (rc == 0)
		pml_in_close(&in);
	pml_err_capture(0);
	if (rc < 0)
		return -1;
	if (n <= 0 || !pml_model_sniff(head, (size_t)n))
		return -1;
	if (refuse)
		pml_usage_error("%s is a model (pml-model(5)), not a stream: %s is for streams; "
				"a model shows as JSON (the default) or --table", path, refuse);
	pml_model_init(&m);
	if (pml_model_load(&m, path) < 0)
		return PML_EXIT_FAIL;
	if (table) {
		pml_model_meta_table(&m, &b);
	} else {
		pml_model_meta_json(&m, &b);
		pml_buf_addch(&b, '\n');
	}
	pml_model_release(&m);
	if (pml_out_open(&out, output) < 0) {
		pml_buf_release(&b);
		return PML_EXIT_FAIL;
	}
	pml_out_write(&out, b.buf, b.len);
	pml_buf_release(&b);
	return pml_out_close(&out) < 0 ? PML_EXIT_FAIL : PML_EXIT_OK;
}

struct table {
	const struct pml_schema *s;
	struct pml_buf *cells;    /* rows * n_col */
	size_t n_row;
	int header_done;
};

static int
is_num(const struct pml_column *c)
{
	return c->type == PML_TYPE_INT || c->type == PML_TYPE_FLOAT;
}

/* One cell: numbers right-aligned, text left-aligned, no trailing blanks. */
static void
add_cell(struct pml_buf *line, size_t j, size_t n_col, size_t w, int num, const char *p, size_t len)
{
	size_t pad = w > len ? w - len : 0;

	if (j)
		pml_buf_add(line, "  ", 2);
	if (num)
		pml_buf_addf(line, "%*s", (int)pad, "");
	pml_buf_add(line, p, len);
	if (!num && j + 1 < n_col)
		pml_buf_addf(line, "%*s", (int)pad, "");
}

static void
table_flush(struct table *t, struct pml_out *out)
{
	size_t n_col = t->s->n_col, i, j, *w;
	struct pml_buf line = PML_BUF_INIT;

	w = calloc(n_col ? n_col : 1, sizeof(*w));
	if (!w)
		pml_die("out of memory");
	for (j = 0; j < n_col; j++) {
		w[j] = strlen(t->s->col[j].name);
		for (i = 0; i < t->n_row; i++)
			if (t->cells[i * n_col + j].len > w[j])
				w[j] = t->cells[i * n_col + j].len;
	}
	if (!t->header_done) {
		for (j = 0; j < n_col; j++)
			add_cell(&line, j, n_col, w[j], is_num(&t->s->col[j]), t->s->col[j].name,
				 strlen(t->s->col[j].name));
		pml_buf_addch(&line, '\n');
		t->header_done = 1;
	}
	for (i = 0; i < t->n_row; i++) {
		for (j = 0; j < n_col; j++) {
			struct pml_buf *c = &t->cells[i * n_col + j];
			add_cell(&line, j, n_col, w[j], is_num(&t->s->col[j]), c->buf, c->len);
			pml_buf_reset(c);
		}
		pml_buf_addch(&line, '\n');
	}
	pml_out_write(out, line.buf, line.len);
	pml_buf_release(&line);
	free(w);
	t->n_row = 0;
}

static void
render_trailer(struct pml_buf *b, const struct pml_reader *r, uint64_t n)
{
	const struct pml_buf *st = pml_reader_trailer_stats(r);
	msgpack_zone zone;
	msgpack_object o;

	pml_buf_addf(b, "{\"records\":%llu", (unsigned long long)n);
	msgpack_zone_init(&zone, 1024);
	if (st->len && pml_mp_decode(st->buf, st->len, &zone, &o) == 0) {
		pml_buf_addstr(b, ",\"stats\":");
		pml_mp_to_json(b, &o);
	}
	msgpack_zone_destroy(&zone);
	pml_buf_addstr(b, "}\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", no_argument, NULL, 'C' },
		{ "csv", no_argument, NULL, 'c' },
		{ "head", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "max-message", required_argument, NULL, 'M' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "schema", no_argument, NULL, 's' },
		{ "table", no_argument, NULL, 't' },
		{ "trailer", no_argument, NULL, 'R' },
		{ "tsv", no_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum mode mode = M_JSON;
	const char *output = NULL, *mode_opt = NULL;
	long head = -1;
	size_t max_message = 0;
	int quiet = 0, c, rc, status = PML_EXIT_OK;
	struct pml_reader *r;
	struct pml_out out;
	struct pml_buf b = PML_BUF_INIT;
	struct pml_progress prog;
	struct table tab = { 0 };
	const struct pml_schema *s;
	const struct pml_value *v;
	uint64_t n = 0;

	pml_cli_init(argc, argv);
	while ((c = getopt_long(argc, argv, "cChjn:o:qstV", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': mode = M_COUNT; mode_opt = "--count"; break;
		case 'c': mode = M_CSV; mode_opt = "--csv"; break;
		case 'h': pml_cli_help(usage);
		case 'j': mode = M_JSON; break;
		case 'M': max_message = (size_t)pml_opt_long("--max-message", optarg, 1024, 1L << 34); break;
		case 'n': head = pml_opt_long("--head", optarg, 0, 1L << 62); break;
		case 'o': if (output) pml_usage_error("-o given twice"); output = optarg; break;
		case 'q': quiet = 1; break;
		case 'R': mode = M_TRAILER; mode_opt = "--trailer"; break;
		case 's': mode = M_SCHEMA; mode_opt = "--schema"; break;
		case 't': mode = M_TABLE; break;
		case 'T': mode = M_TSV; mode_opt = "--tsv"; break;
		case 'V': pml_cli_version();
		default: pml_usage_hint();
		}
	}
	pml_cli_check_outputs(&output, 1, argv + optind, (size_t)(argc - optind));
	if (argc - optind == 1 && (rc = cat_model(argv[optind], output, mode == M_TABLE,
			head >= 0 ? "--head" : mode == M_JSON || mode == M_TABLE ? NULL : mode_opt)) >= 0)
		return pml_cli_finish(rc);
	r = pml_reader_open(argc - optind, argv + optind, max_message);
	if (!r)
		return PML_EXIT_FAIL;
	if (pml_out_open(&out, output) < 0) {
		pml_reader_free(r);
		return PML_EXIT_FAIL;
	}
	s = pml_reader_schema(r);
	pml_progress_init(&prog, "records", 0, quiet);
	if (mode == M_SCHEMA) {
		pml_render_header_json(&b, pml_reader_header(r));
		pml_buf_addch(&b, '\n');
		pml_out_write(&out, b.buf, b.len);
		pml_buf_reset(&b);
	} else if (mode == M_CSV || mode == M_TSV) {
		pml_render_csv_header(&b, s, mode == M_CSV ? ',' : '\t');
	} else if (mode == M_TABLE) {
		size_t i;
		tab.s = s;
		tab.cells = calloc(TABLE_ROWS * (s->n_col ? s->n_col : 1), sizeof(*tab.cells));
		if (!tab.cells)
			pml_die("out of memory");
		for (i = 0; i < TABLE_ROWS * s->n_col; i++)
			pml_buf_init(&tab.cells[i], 0);
	}
	while (head < 0 || n < (uint64_t)head) {
		rc = pml_reader_next(r, &v);
		if (rc < 0) {
			status = PML_EXIT_FAIL;
			break;
		}
		if (rc == 0)
			break;
		n++;
		switch (mode) {
		case M_JSON:
			pml_render_json(&b, s, v);
			pml_buf_addch(&b, '\n');
			break;
		case M_CSV: pml_render_csv(&b, s, v, ','); break;
		case M_TSV: pml_render_csv(&b, s, v, '\t'); break;
		case M_TABLE: {
			size_t j;
			for (j = 0; j < s->n_col; j++)
				pml_render_cell(&tab.cells[tab.n_row * s->n_col + j], &s->col[j], &v[j]);
			if (++tab.n_row == TABLE_ROWS)
				table_flush(&tab, &out);
			break;
		}
		default: break;
		}
		if (b.len >= 64 * 1024) {
			pml_out_write(&out, b.buf, b.len);
			pml_buf_reset(&b);
		}
		pml_progress_tick(&prog, n);
	}
	pml_progress_done(&prog);
	if (mode == M_TABLE) {
		size_t i;
		if (status == PML_EXIT_OK)
			table_flush(&tab, &out);
		for (i = 0; i < TABLE_ROWS * s->n_col; i++)
			pml_buf_release(&tab.cells[i]);
		free(tab.cells);
	}
	if (mode == M_COUNT && status == PML_EXIT_OK)
		pml_buf_addf(&b, "%llu\n", (unsigned long long)n);
	if (mode == M_TRAILER && status == PML_EXIT_OK)
		render_trailer(&b, r, n);
	if (status == PML_EXIT_OK)
		pml_out_write(&out, b.buf, b.len);
	pml_buf_release(&b);
	pml_reader_free(r);
	if (status != PML_EXIT_OK && !out.is_stdout)
		pml_out_abort(&out);
	else if (pml_out_close(&out) < 0)
		status = PML_EXIT_FAIL;
	return pml_cli_finish(status);
}
