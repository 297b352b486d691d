/* pml-predict: records in, the same records out with the model's predictions appended. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/cli.h"
#include "pml/err.h"
#include "pml/io.h"
#include "pml/serve.h"

static const char usage[] =
	"usage: pml-predict -m MODEL [options] [FILE...]\n"
	"Read records from FILEs or stdin (CSV with a header line, JSON lines or a\n"
	"pml stream, told apart by the first bytes) and write each record back, in\n"
	"the same format, with the predictions of MODEL appended: 'predicted' (the\n"
	"class, or the value of a regression model) and 'prob_CLASS' per class.\n"
	"\n"
	"  -m, --model MODEL    the model (required)\n"
	"  -o, --output FILE    write to FILE (atomically) instead of stdout\n"
	"  -f, --format FMT     input: auto (default), csv, json or msgpack\n"
	"  -p, --prefix P       name the appended columns Ppredicted, Pprob_CLASS\n"
	"      --bad ACTION     a bad record: fail (default: exit 1 naming it), skip\n"
	"                       (left out), keep (written with empty predictions)\n"
	"  -b, --batch N        records per prediction batch (default 1024)\n"
	"      --max-line N     longest JSON or CSV line in bytes (default 16777216)\n"
	"      --max-message N  longest msgpack message in bytes (default 16777216)\n"
	"      --force          write a binary stream even to a terminal\n"
	"  -q, --quiet          no count of skipped or kept bad records\n"
	"  -h, --help           show this help\n"
	"  -V, --version        show the version\n";

enum { O_BAD = 256, O_FORCE, O_MAX_LINE, O_MAX_MESSAGE };

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bad", required_argument, NULL, O_BAD },
		{ "batch", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, O_FORCE },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "max-line", required_argument, NULL, O_MAX_LINE },
		{ "max-message", required_argument, NULL, O_MAX_MESSAGE },
		{ "model", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct pml_serve_opts o = PML_SERVE_OPTS_INIT;
	const char *model = NULL, *output = NULL;
	struct pml_out out;
	uint64_t n_bad = 0, n_skipped = 0;
	int c, quiet = 0, status = PML_EXIT_OK;

	pml_cli_init(argc, argv);
	o.bad = PML_SERVE_BAD_FAIL;
	while ((c = getopt_long(argc, argv, "b:f:hm:o:p:qV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o.max_batch = (size_t)pml_opt_long("--batch", optarg, 1, 65536); break;
		case 'f':
			if (pml_serve_format_parse(optarg, &o.format) < 0)
				pml_usage_error("--format: '%s' is not auto, msgpack, json or csv", optarg);
			break;
		case 'h': pml_cli_help(usage);
		case 'm': if (model) pml_usage_error("-m given twice"); model = optarg; break;
		case 'o': if (output) pml_usage_error("-o given twice"); output = optarg; break;
		case 'p': o.prefix = optarg; break;
		case 'q': quiet = 1; break;
		case 'V': pml_cli_version();
		case O_BAD:
			if (!strcmp(optarg, "fail"))
				o.bad = PML_SERVE_BAD_FAIL;
			else if (!strcmp(optarg, "skip"))
				o.bad = PML_SERVE_BAD_SKIP;
			else if (!strcmp(optarg, "keep"))
				o.bad = PML_SERVE_BAD_REPLY;
			else
				pml_usage_error("--bad: '%s' is not fail, skip or keep", optarg);
			break;
		case O_FORCE: o.force = 1; break;
		case O_MAX_LINE: o.max_line = (size_t)pml_opt_long("--max-line", optarg, 16, 1L << 31); break;
		case O_MAX_MESSAGE:
			o.max_message = (size_t)pml_opt_long("--max-message", optarg, 1024, 1L << 31);
			break;
		default: pml_usage_hint();
		}
	}
	if (!model)
		pml_usage_error("no model: give -m MODEL");
	if (output)
		o.force = 1;    /* -o: the user chose where the bytes go */
	if (pml_out_open(&out, output) < 0)
		return pml_cli_finish(PML_EXIT_FAIL);
	if (pml_predict_files(model, argv + optind, (size_t)(argc - optind), &o, &out, &n_bad, &n_skipped) < 0) {
		if (out.err)
			(void)pml_out_close(&out);      /* reports the write error */
		else
			pml_out_abort(&out);
		return pml_cli_finish(PML_EXIT_FAIL);
	}
	if (pml_out_close(&out) < 0)
		status = PML_EXIT_FAIL;
	if (n_skipped && !quiet)
		pml_warn("%llu bad records skipped", (unsigned long long)n_skipped);
	if (n_bad > n_skipped && !quiet)
		pml_warn("%llu bad records kept with empty predictions", (unsigned long long)(n_bad - n_skipped));
	return pml_cli_finish(status);
}
