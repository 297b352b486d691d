/* pml: the front end; `pml STAGE ARGS...` runs pml-STAGE like git runs git-foo. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pml/buf.h"
#include "pml/cli.h"
#include "pml/err.h"

static const char *const tools[][2] = {
	{ "collect", "read CSV, TSV, JSON lines, IDX or svmlight into a pml stream" },
	{ "clean", "fill or drop missing values, duplicates and outliers" },
	{ "preprocess", "scale, encode and assemble features (fitted on training data)" },
	{ "split", "split a stream into train/validation/test (shuffle, stratify, hash, k-fold)" },
	{ "train", "train a multi-layer perceptron; write a model file" },
	{ "eval", "evaluate a model on labelled data; quality gates" },
	{ "serve-stdin", "answer prediction requests on stdin for as long as it stays open" },
	{ "predict", "append a model's predictions to records (CSV, JSON lines or a stream)" },
	{ "cat", "show a stream or a model as JSON, CSV or a table; validate it" },
};

static const char usage[] =
	"usage: pml [--version] [--help] STAGE [ARGS...]\n"
	"       pml help [STAGE]\n"
	"Run the pml tool pml-STAGE with ARGS. Every stage reads and writes pml\n"
	"streams (pml-stream(5)); see pml(7).\n";

static void
list_tools(void)
{
	size_t i;

	fputs(usage, stdout);
	fputs("\nstages:\n", stdout);
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		printf("  %-12s %s\n", tools[i][0], tools[i][1]);
	fputs("\n'pml help STAGE' or 'pml STAGE --help' shows a stage's options;\n"
	      "'man pml-STAGE' its manual.\n", stdout);
}

static int
known(const char *stage)
{
	size_t i;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!strcmp(stage, tools[i][0]))
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct pml_buf prog = PML_BUF_INIT, path = PML_BUF_INIT;
	const char *stage, *slash;
	char **args;
	int i;

	pml_cli_init(argc, argv);
	if (argc < 2)
		pml_usage_error("no stage given; 'pml help' lists them");
	stage = argv[1];
	if (!strcmp(stage, "--help") || !strcmp(stage, "-h")) {
		list_tools();
		return pml_cli_finish(PML_EXIT_OK);
	}
	if (!strcmp(stage, "--version") || !strcmp(stage, "-V"))
		pml_cli_version();
	if (!strcmp(stage, "help")) {
		if (argc < 3) {
			list_tools();
			return pml_cli_finish(PML_EXIT_OK);
		}
		stage = argv[2];
		argv[2] = "--help";
		argv[1] = (char *)stage;
		argc = 3;
		argv++;
	} else {
		argv++;
	}
	if (!known(stage) || strchr(stage, '/'))
		pml_usage_error("'%s' is not a pml stage; 'pml help' lists them", stage);
	pml_buf_addf(&prog, "pml-%s", stage);
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args)
		pml_die("out of memory");
	args[0] = prog.buf;
	for (i = 1; i < argc && argv[i]; i++)
		args[i] = argv[i];
	/* First the folder this pml lives in, then PATH. */
	slash = strrchr(pml_cli_argv()[0], '/');
	if (slash) {
		pml_buf_add(&path, pml_cli_argv()[0], (size_t)(slash - pml_cli_argv()[0] + 1));
		pml_buf_addstr(&path, prog.buf);
		execv(path.buf, args);
	}
	execvp(prog.buf, args);
	pml_die("cannot run '%s': %s", prog.buf, strerror(errno));
}
