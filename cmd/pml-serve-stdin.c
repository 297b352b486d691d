/* pml-serve-stdin: load a model once, answer records read on stdin until it closes. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/cli.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/limits.h"
#include "pml/serve.h"

static const char usage[] =
	"usage: pml-serve-stdin [options] MODEL\n"
	"Load MODEL once and answer the records read on stdin, one reply per\n"
	"record, in order, until stdin closes. SIGHUP reloads MODEL; SIGUSR1\n"
	"prints statistics on stderr.\n"
	"\n"
	"  -f, --format FMT     input: auto (default: from the first byte), msgpack\n"
	"                       (a pml stream), json (JSON lines) or csv (header line\n"
	"                       first); replies come in the same family\n"
	"  -i, --id COL         echo column COL of each record in its reply\n"
	"  -k, --top-k K        only the K most probable classes\n"
	"  -b, --batch N        records per prediction batch (default 1024)\n"
	"      --max-line N     longest JSON or CSV line in bytes (default 16777216)\n"
	"      --max-message N  longest msgpack message in bytes (default 16777216)\n"
	"      --force          write a msgpack reply stream even to a terminal\n"
	"  -q, --quiet          no statistics line at exit\n"
	"  -h, --help           show this help\n"
	"  -V, --version        show the version\n";

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "id", required_argument, NULL, 'i' },
		{ "max-line", required_argument, NULL, 'L' },
		{ "max-message", required_argument, NULL, 'M' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "top-k", required_argument, NULL, 'k' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	struct pml_serve_engine e;
	struct pml_serve_stats st;
	struct pml_out out;
	int c, quiet = 0, status = PML_EXIT_OK;

	pml_cli_init(argc, argv);
	o.max_message = pml_max_message(0);   /* $PML_MAX_MESSAGE, as every stream reader */
	while ((c = getopt_long(argc, argv, "b:f:hi:k:qV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o.max_batch = (size_t)pml_opt_long("--batch", optarg, 1, 65536); break;
		case 'f':
			if (pml_serve_format_parse(optarg, &o.format) < 0)
				pml_usage_error("--format: '%s' is not auto, msgpack, json or csv", optarg);
			break;
		case 'h': pml_cli_help(usage);
		case 'F': o.force = 1; break;
		case 'i': o.id = optarg; break;
		case 'k': o.top_k = (int)pml_opt_long("--top-k", optarg, 1, 1000000); break;
		case 'L': o.max_line = (size_t)pml_opt_long("--max-line", optarg, 16, 1L << 31); break;
		case 'M': o.max_message = (size_t)pml_opt_long("--max-message", optarg, 1024, 1L << 31); break;
		case 'q': quiet = 1; break;
		case 'V': pml_cli_version();
		default: pml_usage_hint();
		}
	}
	if (argc - optind != 1)
		pml_usage_error(argc - optind ? "one MODEL only" : "no MODEL given");
	if (pml_cli_fd_was_closed(0)) {
		pml_error("stdin is closed: nothing to serve");
		return pml_cli_finish(PML_EXIT_FAIL);
	}
	/* before the load, which can take a while: a SIGHUP or SIGUSR1 then
	 * must not kill the server (they are acted on once it serves) */
	pml_serve_catch_signals();
	if (pml_serve_engine_model(&e, argv[optind], o.max_batch) < 0)
		return PML_EXIT_FAIL;
	if (pml_out_open(&out, NULL) < 0) {
		e.free(&e);
		return PML_EXIT_FAIL;
	}
	pml_serve_stats_init(&st);
	if (pml_serve_run(&e, &o, 0, &out, &st) < 0)
		status = PML_EXIT_FAIL;
	if (pml_out_close(&out) < 0)
		status = PML_EXIT_FAIL;
	if (!quiet)
		pml_serve_stats_report(&st);
	e.free(&e);
	return pml_cli_finish(status);
}
