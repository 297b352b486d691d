/* pml-preprocess: scale, encode, hash text, assemble one f32 "features" vector. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/stream.h"
#include "pml/transform.h"

static const char usage[] =
	"usage: pml-preprocess [options] [FILE...]\n"
	"Turn a clean pml stream into what pml-train reads: one f32 vector column of\n"
	"features, the label (as a class index) and any id column. What is learned\n"
	"(scaling statistics, vocabularies, class names) goes into the output header.\n"
	"\n"
	"  -o, --output FILE      write to FILE (atomically) instead of stdout\n"
	"      --force            write the stream even to a terminal\n"
	"      --apply FILE       apply FILE's fitted chain, learn nothing\n"
	"      --scale COL=HOW    minmax[:A,B] (default [0,1]), standard, robust,\n"
	"                         factor:F (divide by F) or log1p; COL '*' means every\n"
	"                         numeric or vector feature column; a vector is scaled\n"
	"                         as a whole\n"
	"      --onehot COLS      one-hot encode these columns (default: every str and\n"
	"                         bool feature column that is not --text)\n"
	"      --unseen POLICY    categories unseen at fit time: zeros (default) or error\n"
	"      --min-count N      categories seen fewer than N times become __other__\n"
	"      --max-categories N keep the N most frequent categories of a column, the\n"
	"                         rest and unseen ones become __other__ (default 100,\n"
	"                         0: keep all)\n"
	"      --label COL        the label column (default: the column with role label)\n"
	"      --date COLS        ISO date columns (YYYY-MM-DD...) become int features\n"
	"                         COL_year, COL_month, COL_dow (0 Monday) and COL_doy\n"
	"      --text COLS        hash these str columns' words into vectors\n"
	"      --text-slots N     slots per text column (default 1024)\n"
	"      --bigrams          also hash word pairs\n"
	"      --tf               term frequency (count / tokens) instead of counts\n"
	"      --text-seed N      hash seed (default 0)\n"
	"      --features NAME    name of the assembled vector (default features)\n"
	"      --no-assemble      keep the columns apart\n"
	"      --max-message N    refuse messages over N bytes (default 16777216)\n"
	"  -v, --verbose          summary on stderr\n"
	"  -q, --quiet            no progress\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n";

enum {
	O_APPLY = 256, O_FORCE, O_BIGRAMS, O_DATE, O_FEATURES, O_LABEL, O_MAX_CATEGORIES, O_MAX_MESSAGE,
	O_MIN_COUNT, O_NO_ASSEMBLE,
	O_ONEHOT, O_SCALE, O_TEXT, O_TEXT_SEED, O_TEXT_SLOTS, O_TF, O_UNSEEN,
};

static const struct option longopts[] = {
	{ "apply", required_argument, NULL, O_APPLY },
	{ "force", no_argument, NULL, O_FORCE },
	{ "bigrams", no_argument, NULL, O_BIGRAMS },
	{ "date", required_argument, NULL, O_DATE },
	{ "features", required_argument, NULL, O_FEATURES },
	{ "help", no_argument, NULL, 'h' },
	{ "label", required_argument, NULL, O_LABEL },
	{ "max-categories", required_argument, NULL, O_MAX_CATEGORIES },
	{ "max-message", required_argument, NULL, O_MAX_MESSAGE },
	{ "min-count", required_argument, NULL, O_MIN_COUNT },
	{ "no-assemble", no_argument, NULL, O_NO_ASSEMBLE },
	{ "onehot", required_argument, NULL, O_ONEHOT },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "scale", required_argument, NULL, O_SCALE },
	{ "text", required_argument, NULL, O_TEXT },
	{ "text-seed", required_argument, NULL, O_TEXT_SEED },
	{ "text-slots", required_argument, NULL, O_TEXT_SLOTS },
	{ "tf", no_argument, NULL, O_TF },
	{ "unseen", required_argument, NULL, O_UNSEEN },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct pml_prep_opts o;
	struct pml_stage st;
	struct pml_fitter fit[PML_MAX_FITTERS];
	char why[300];
	int c, fitting = 0, force = 0, rc;

	pml_cli_init(argc, argv);
	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	o.text_slots = 1024;
	o.max_categories = 100;
	o.features = "features";
	while ((c = getopt_long(argc, argv, "hqvVo:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': pml_cli_help(usage);
		case 'o': if (st.output) pml_usage_error("-o given twice"); st.output = optarg; break;
		case 'q': st.quiet = 1; break;
		case O_FORCE: force = 1; break;
		case 'v': st.verbose = 1; break;
		case 'V': pml_cli_version();
		case O_APPLY: if (st.apply) pml_usage_error("--apply given twice"); st.apply = optarg; break;
		case O_BIGRAMS: o.bigrams = 1; fitting = 1; break;
		case O_DATE: pml_cli_list_add(&o.date, &o.n_date, optarg, 1); fitting = 1; break;
		case O_FEATURES: o.features = optarg; fitting = 1; break;
		case O_LABEL: o.label = optarg; fitting = 1; break;
		case O_MAX_CATEGORIES:
			o.max_categories = (size_t)pml_opt_long("--max-categories", optarg, 0, 1L << 24);
			fitting = 1;
			break;
		case O_MAX_MESSAGE:
			st.max_message = (size_t)pml_opt_long("--max-message", optarg, 1024, 1L << 31);
			break;
		case O_MIN_COUNT:
			o.min_count = (uint64_t)pml_opt_long("--min-count", optarg, 1, 1L << 40);
			fitting = 1;
			break;
		case O_NO_ASSEMBLE: o.no_assemble = 1; fitting = 1; break;
		case O_ONEHOT: pml_cli_list_add(&o.onehot, &o.n_onehot, optarg, 1); fitting = 1; break;
		case O_SCALE: pml_cli_list_add(&o.scale, &o.n_scale, optarg, 0); fitting = 1; break;
		case O_TEXT: pml_cli_list_add(&o.text, &o.n_text, optarg, 1); fitting = 1; break;
		case O_TEXT_SEED: o.text_seed = pml_opt_u64("--text-seed", optarg); fitting = 1; break;
		case O_TEXT_SLOTS:
			o.text_slots = (size_t)pml_opt_long("--text-slots", optarg, 1, 1L << 24);
			fitting = 1;
			break;
		case O_TF: o.tf = 1; fitting = 1; break;
		case O_UNSEEN:
			if (!strcmp(optarg, "error"))
				o.unseen_error = 1;
			else if (strcmp(optarg, "zeros"))
				pml_usage_error("--unseen: expected zeros or error, not '%s'", optarg);
			fitting = 1;
			break;
		default: pml_usage_hint();
		}
	}
	if (st.apply && fitting)
		pml_usage_error("--apply learns nothing: it takes no preprocessing options");
	if (pml_prep_check(&o, why, sizeof(why)) < 0)
		pml_usage_error("%s", why);
	pml_cli_binary_stdout(st.output, force);
	st.n_path = argc - optind;
	st.paths = argv + optind;
	o.where = st.n_path && strcmp(st.paths[0], "-") ? st.paths[0] : "stdin";
	pml_cli_check_outputs(&st.output, 1, st.paths, st.n_path);
	pml_cli_check_outputs(&st.output, 1, (char *const *)&st.apply, st.apply ? 1 : 0);
	st.fit = fit;
	st.n_fit = st.apply ? 0 : pml_prep_fitters(&o, fit);
	rc = pml_stage_run(&st);
	pml_fitters_free(fit, st.n_fit);
	pml_cli_list_free(o.scale, o.n_scale);
	pml_cli_list_free(o.onehot, o.n_onehot);
	pml_cli_list_free(o.text, o.n_text);
	pml_cli_list_free(o.date, o.n_date);
	return pml_cli_finish(rc < 0 ? PML_EXIT_FAIL : PML_EXIT_OK);
}
