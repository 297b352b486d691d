/* pml-clean: missing values, duplicates, outliers, columns; the fitted steps go into the header. */
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
	"usage: pml-clean [options] [FILE...]\n"
	"Clean a pml stream; what is learned (fill values, fences) is written into\n"
	"the output header as fitted steps, so --apply can repeat it on other data.\n"
	"\n"
	"  -o, --output FILE          write to FILE (atomically) instead of stdout\n"
	"      --force                write the stream even to a terminal\n"
	"      --apply FILE           apply FILE's fitted chain, learn nothing\n"
	"      --keep COLS            keep only these columns (comma list), in this order\n"
	"      --drop COLS            drop these columns\n"
	"      --rename OLD=NEW       rename a column (repeatable)\n"
	"      --cast COL=TYPE        convert a column to bool, int, float or str\n"
	"      --nonfinite ACTION     NaN/Inf in float data: missing (default) or error\n"
	"      --drop-missing[=COLS]  drop records with a missing value (in COLS)\n"
	"      --dedup[=COLS]         drop duplicate records (same COLS), keep the first\n"
	"      --dropped FILE         write the duplicates to FILE\n"
	"      --outliers METHOD      zscore or iqr fences per numeric feature column\n"
	"      --threshold K          fence width: K sd (default 3) or K IQR (default 1.5)\n"
	"      --outlier-columns COLS only these columns\n"
	"      --outlier-action ACT   drop (default), clip, or flag (adds COL_outlier)\n"
	"      --fill COL=HOW         fill missing values: mean, median, mode or\n"
	"                             value:TEXT; COL '*' means every feature column\n"
	"      --max-message N        refuse messages over N bytes (default 16777216)\n"
	"  -v, --verbose              summary of records in, out, dropped, changed\n"
	"  -q, --quiet                no progress\n"
	"  -h, --help                 show this help\n"
	"  -V, --version              show the version\n";

enum {
	O_APPLY = 256, O_FORCE, O_CAST, O_DEDUP, O_DROP, O_DROP_MISSING, O_DROPPED, O_FILL, O_KEEP,
	O_MAX_MESSAGE, O_NONFINITE, O_OUTLIER_ACTION, O_OUTLIER_COLUMNS, O_OUTLIERS, O_RENAME,
	O_THRESHOLD,
};

static const struct option longopts[] = {
	{ "apply", required_argument, NULL, O_APPLY },
	{ "force", no_argument, NULL, O_FORCE },
	{ "cast", required_argument, NULL, O_CAST },
	{ "dedup", optional_argument, NULL, O_DEDUP },
	{ "drop", required_argument, NULL, O_DROP },
	{ "drop-missing", optional_argument, NULL, O_DROP_MISSING },
	{ "dropped", required_argument, NULL, O_DROPPED },
	{ "fill", required_argument, NULL, O_FILL },
	{ "help", no_argument, NULL, 'h' },
	{ "keep", required_argument, NULL, O_KEEP },
	{ "max-message", required_argument, NULL, O_MAX_MESSAGE },
	{ "nonfinite", required_argument, NULL, O_NONFINITE },
	{ "outlier-action", required_argument, NULL, O_OUTLIER_ACTION },
	{ "outlier-columns", required_argument, NULL, O_OUTLIER_COLUMNS },
	{ "outliers", required_argument, NULL, O_OUTLIERS },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rename", required_argument, NULL, O_RENAME },
	{ "threshold", required_argument, NULL, O_THRESHOLD },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Column lists: an empty option value is refused before its items. */
static void
push(char ***list, size_t *n, const char *s, int split)
{
	if (!*s)
		pml_usage_error("empty column list");
	pml_cli_list_add(list, n, s, split);
}

int
main(int argc, char **argv)
{
	struct pml_clean_opts o;
	struct pml_stage st;
	struct pml_fitter fit[PML_MAX_FITTERS];
	char why[300];
	int c, fitting = 0, force = 0, rc;

	pml_cli_init(argc, argv);
	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	while ((c = getopt_long(argc, argv, "hqvVo:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': pml_cli_help(usage);
		case 'o': if (st.output) pml_usage_error("-o given twice"); st.output = optarg; break;
		case 'q': st.quiet = 1; break;
		case O_FORCE: force = 1; break;
		case 'v': st.verbose = 1; break;
		case 'V': pml_cli_version();
		case O_APPLY: if (st.apply) pml_usage_error("--apply given twice"); st.apply = optarg; break;
		case O_CAST: push(&o.cast, &o.n_cast, optarg, 0); fitting = 1; break;
		case O_DEDUP:
			st.dedup = 1;
			if (optarg)
				push(&st.dedup_cols, &st.n_dedup_cols, optarg, 1);
			fitting = 1;
			break;
		case O_DROP: push(&o.drop, &o.n_drop, optarg, 1); fitting = 1; break;
		case O_DROP_MISSING:
			o.drop_missing = 1;
			if (optarg)
				push(&o.dm_cols, &o.n_dm, optarg, 1);
			fitting = 1;
			break;
		case O_DROPPED: st.dropped = optarg; break;
		case O_FILL: push(&o.fill, &o.n_fill, optarg, 0); fitting = 1; break;
		case O_KEEP: push(&o.keep, &o.n_keep, optarg, 1); fitting = 1; break;
		case O_MAX_MESSAGE:
			st.max_message = (size_t)pml_opt_long("--max-message", optarg, 1024, 1L << 31);
			break;
		case O_NONFINITE:
			if (!strcmp(optarg, "error"))
				o.nonfinite_error = 1;
			else if (strcmp(optarg, "missing"))
				pml_usage_error("--nonfinite: expected missing or error, not '%s'", optarg);
			fitting = 1;
			break;
		case O_OUTLIER_ACTION:
			if (!strcmp(optarg, "drop"))
				o.outlier_action = 0;
			else if (!strcmp(optarg, "clip"))
				o.outlier_action = 1;
			else if (!strcmp(optarg, "flag"))
				o.outlier_action = 2;
			else
				pml_usage_error("--outlier-action: expected drop, clip or flag, not '%s'", optarg);
			break;
		case O_OUTLIER_COLUMNS: push(&o.out_cols, &o.n_out_cols, optarg, 1); break;
		case O_OUTLIERS:
			if (!strcmp(optarg, "zscore"))
				o.outliers = 1;
			else if (!strcmp(optarg, "iqr"))
				o.outliers = 2;
			else
				pml_usage_error("--outliers: expected zscore or iqr, not '%s'", optarg);
			fitting = 1;
			break;
		case O_RENAME: push(&o.rename, &o.n_rename, optarg, 0); fitting = 1; break;
		case O_THRESHOLD: o.k = pml_opt_double("--threshold", optarg, 1e-9, 1e9); break;
		default: pml_usage_hint();
		}
	}
	if (st.apply && fitting)
		pml_usage_error("--apply learns nothing: it takes no cleaning options");
	if ((o.n_out_cols || o.k || o.outlier_action) && !o.outliers)
		pml_usage_error("--threshold, --outlier-columns and --outlier-action need --outliers");
	if (st.dropped && !st.dedup)
		pml_usage_error("--dropped needs --dedup");
	if (pml_clean_check(&o, why, sizeof(why)) < 0)
		pml_usage_error("%s", why);
	pml_cli_binary_stdout(st.output, force);
	st.n_path = argc - optind;
	st.paths = argv + optind;
	o.where = st.n_path && strcmp(st.paths[0], "-") ? st.paths[0] : "stdin";
	{
		const char *outs[2] = { st.output, st.dropped };

		pml_cli_check_outputs(outs, 2, st.paths, st.n_path);
		pml_cli_check_outputs(outs, 2, (char *const *)&st.apply, st.apply ? 1 : 0);
	}
	st.fit = fit;
	st.n_fit = st.apply ? 0 : pml_clean_fitters(&o, fit);
	rc = pml_stage_run(&st);
	pml_fitters_free(fit, st.n_fit);
	pml_cli_list_free(o.keep, o.n_keep);
	pml_cli_list_free(o.drop, o.n_drop);
	pml_cli_list_free(o.rename, o.n_rename);
	pml_cli_list_free(o.cast, o.n_cast);
	pml_cli_list_free(o.dm_cols, o.n_dm);
	pml_cli_list_free(o.out_cols, o.n_out_cols);
	pml_cli_list_free(o.fill, o.n_fill);
	pml_cli_list_free(st.dedup_cols, st.n_dedup_cols);
	return pml_cli_finish(rc < 0 ? PML_EXIT_FAIL : PML_EXIT_OK);
}
