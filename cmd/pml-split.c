/* pml-split: split a stream into training, validation and test streams. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/cli.h"
#include "pml/err.h"
#include "pml/rng.h"
#include "pml/transform.h"

static const char usage[] =
	"usage: pml-split --ratios R1,R2[,R3] -o FILE -o FILE [-o FILE] [options] [FILE...]\n"
	"       pml-split --folds K --fold I -o TRAIN -o TEST [options] [FILE...]\n"
	"Split a pml stream into 2 or 3 streams (training, validation, test), each\n"
	"with the input's header. Records keep their input order in each output.\n"
	"\n"
	"  -o, --output FILE    an output, in the order of the ratios (2 or 3 times)\n"
	"  -r, --ratios LIST    share of each output, each in [0,1], summing to 1\n"
	"                       (default 0.8,0.2 or 0.8,0.1,0.1)\n"
	"  -s, --seed N         shuffle seed (default 42)\n"
	"      --stratify       keep the label's class proportions in every output\n"
	"      --label COL      the class column for --stratify (default: role label)\n"
	"      --group COL      records with the same COL value go to the same output\n"
	"      --folds K        k-fold: outputs are train and test of fold --fold I\n"
	"      --fold I         which fold is the test set, 1..K\n"
	"      --hash           split by a hash of --key (or the whole record) and\n"
	"                       --salt: streaming, and a record keeps its output when\n"
	"                       more data is appended later\n"
	"      --key COL        the column to hash (default: the whole record)\n"
	"      --salt TEXT      changes the hash split (default empty)\n"
	"      --max-message N  refuse messages over N bytes (default 16777216)\n"
	"      --force          write a stream even to a terminal (-o -)\n"
	"  -v, --verbose        counts per output on stderr\n"
	"  -q, --quiet          no progress\n"
	"  -h, --help           show this help\n"
	"  -V, --version        show the version\n";

enum { O_FOLD = 256, O_FORCE, O_FOLDS, O_GROUP, O_HASH, O_KEY, O_LABEL, O_MAX_MESSAGE, O_SALT, O_STRATIFY };

static const struct option longopts[] = {
	{ "fold", required_argument, NULL, O_FOLD },
	{ "folds", required_argument, NULL, O_FOLDS },
	{ "force", no_argument, NULL, O_FORCE },
	{ "group", required_argument, NULL, O_GROUP },
	{ "hash", no_argument, NULL, O_HASH },
	{ "help", no_argument, NULL, 'h' },
	{ "key", required_argument, NULL, O_KEY },
	{ "label", required_argument, NULL, O_LABEL },
	{ "max-message", required_argument, NULL, O_MAX_MESSAGE },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "ratios", required_argument, NULL, 'r' },
	{ "salt", required_argument, NULL, O_SALT },
	{ "seed", required_argument, NULL, 's' },
	{ "stratify", no_argument, NULL, O_STRATIFY },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Parse "a,b[,c]" into r; returns how many. Exits 2 on a bad list. */
static size_t
parse_ratios(const char *s, double *r)
{
	char buf[256], *p, *save = NULL;
	size_t n = 0;
	double sum = 0;

	if (strlen(s) >= sizeof(buf))
		pml_usage_error("--ratios: too long");
	strcpy(buf, s);
	if (!*s || *s == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		pml_usage_error("--ratios: empty ratio in '%s'", s);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (n == PML_SPLIT_MAX_OUT)
			pml_usage_error("--ratios: at most %d outputs", PML_SPLIT_MAX_OUT);
		if (pml_parse_double(p, &r[n]) < 0 || !(r[n] >= 0 && r[n] <= 1))
			pml_usage_error("--ratios: '%s' is not a number in [0,1]", p);
		sum += r[n++];
	}
	if (n < 2)
		pml_usage_error("--ratios: give 2 or 3 ratios");
	if (fabs(sum - 1) > 1e-9)
		pml_usage_error("--ratios: they sum to %.17g, not 1", sum);
	return n;
}

int
main(int argc, char **argv)
{
	struct pml_split sp;
	const char *ratios = NULL;
	int c, force = 0, rc;

	pml_cli_init(argc, argv);
	memset(&sp, 0, sizeof(sp));
	sp.seed = PML_DEFAULT_SEED;
	while ((c = getopt_long(argc, argv, "hqvVo:r:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': pml_cli_help(usage);
		case 'o':
			if (sp.n_out == PML_SPLIT_MAX_OUT)
				pml_usage_error("at most %d outputs", PML_SPLIT_MAX_OUT);
			sp.out[sp.n_out++] = optarg;
			break;
		case 'q': sp.quiet = 1; break;
		case 'r': ratios = optarg; break;
		case 's': sp.seed = pml_opt_u64("--seed", optarg); break;
		case 'v': sp.verbose = 1; break;
		case 'V': pml_cli_version();
		case O_FOLD: sp.fold = pml_opt_long("--fold", optarg, 1, 1024); break;
		case O_FOLDS: sp.folds = pml_opt_long("--folds", optarg, 2, 1024); break;
		case O_GROUP: sp.group = optarg; break;
		case O_HASH: sp.mode = PML_SPLIT_HASH; break;
		case O_KEY: sp.key = optarg; break;
		case O_LABEL: sp.label = optarg; break;
		case O_MAX_MESSAGE:
			sp.max_message = (size_t)pml_opt_long("--max-message", optarg, 1024, 1L << 31);
			break;
		case O_SALT: sp.salt = optarg; break;
		case O_STRATIFY: sp.stratify = 1; break;
		case O_FORCE: force = 1; break;
		default: pml_usage_hint();
		}
	}
	if (sp.n_out < 2)
		pml_usage_error("give 2 or 3 outputs with -o");
	pml_cli_check_outputs(sp.out, sp.n_out, argv + optind, (size_t)(argc - optind));
	for (size_t i = 0; i < sp.n_out; i++)
		if (!strcmp(sp.out[i], "-"))
			pml_cli_binary_stdout("-", force);
	if (sp.folds || sp.fold) {
		if (!sp.folds || !sp.fold)
			pml_usage_error("--folds and --fold go together");
		if (sp.fold > sp.folds)
			pml_usage_error("--fold %ld: there are %ld folds", sp.fold, sp.folds);
		if (ratios || sp.mode == PML_SPLIT_HASH)
			pml_usage_error("--folds takes no --ratios or --hash");
		if (sp.n_out != 2)
			pml_usage_error("--folds writes 2 outputs: train and test");
	} else if (ratios) {
		if (parse_ratios(ratios, sp.ratio) != sp.n_out)
			pml_usage_error("%zu outputs but a different number of ratios", sp.n_out);
	} else {
		sp.ratio[0] = 0.8;
		sp.ratio[1] = sp.n_out == 2 ? 0.2 : 0.1;
		sp.ratio[2] = 0.1;
	}
	if (sp.group && sp.stratify)
		pml_usage_error("--group and --stratify cannot be combined");
	if (sp.mode == PML_SPLIT_HASH && (sp.group || sp.stratify))
		pml_usage_error("--hash cannot be combined with --group or --stratify");
	if (sp.mode != PML_SPLIT_HASH && (sp.key || sp.salt))
		pml_usage_error("--key and --salt need --hash");
	if (sp.label && !sp.stratify)
		pml_usage_error("--label needs --stratify");
	sp.n_path = argc - optind;
	sp.paths = argv + optind;
	rc = pml_split_run(&sp);
	return pml_cli_finish(rc < 0 ? PML_EXIT_FAIL : PML_EXIT_OK);
}
