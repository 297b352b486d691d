/* pml-collect: turn CSV, TSV, IDX, svmlight or JSON lines into a pml stream. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pml/alloc.h"
#include "pml/cli.h"
#include "pml/err.h"
#include "pml/idx.h"
#include "pml/io.h"
#include "pml/model.h"
#include "pml/stream.h"
#include "pml/source.h"

static const char usage[] =
	"usage: pml-collect [--csv|--tsv|--json|--svmlight] [options] [FILE...]\n"
	"       pml-collect --idx IMAGES LABELS [options]\n"
	"Read data files (or stdin) and write one pml stream to stdout.\n"
	"The format comes from the option, the name (.csv .tsv .jsonl .json .ndjson\n"
	".svm .libsvm .svmlight, each optionally .gz), or else the first bytes.\n"
	"\n"
	"  -o, --output FILE     write to FILE (atomically) instead of stdout\n"
	"      --force           write the stream even to a terminal\n"
	"      --label COL       role label (also --id COL, --weight COL)\n"
	"      --classes SPEC    class names of the int label: a,b,c or fashion-mnist or mnist\n"
	"      --classes-file F  class names, one per line\n"
	"      --infer-rows N    infer types from the first N rows (default 1000)\n"
	"      --type COL=TYPE   force a column's type: bool, int, float, str (repeatable)\n"
	"      --schema-from F   read columns, types and roles as in stream or model F\n"
	"CSV/TSV:\n"
	"  -d, --delimiter C     field delimiter (default , or tab for .tsv)\n"
	"      --no-header       no header row: columns are c1, c2, ...\n"
	"      --na LIST         missing-value spellings (default: empty,NA,NaN,nan,NULL,N/A,?)\n"
	"      --skip-bad-rows   skip rows with a wrong number of fields (counted)\n"
	"      --max-field N     refuse fields over N bytes (default 1048576)\n"
	"IDX:  --idx IMAGES LABELS, or --images FILE [--labels FILE]\n"
	"svmlight: --width N     vector width (default: the largest index)\n"
	"JSON: --no-flatten      refuse nested objects (default: a.b columns)\n"
	"      --ignore-extra    ignore keys not seen in the first rows\n"
	"  -q, --quiet           no progress\n"
	"  -v, --verbose         a summary of rows read on stderr\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n";

enum { O_CSV = 256, O_TSV, O_IDX, O_SVM, O_JSON, O_IMAGES, O_LABELS, O_NOHDR, O_INFER, O_TYPE, O_NA,
       O_SKIP, O_MAXF, O_WIDTH, O_NOFLAT, O_EXTRA, O_CLASSES, O_CLFILE, O_LABEL, O_ID, O_WEIGHT, O_FORCE,
       O_SCHEMA };

static struct {
	enum pml_format f;
	const char *images, *labels, *out, *classes, *classes_file, *schema_from;
	struct pml_source_opts src;
	int quiet, verbose, force;
} o;

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "classes", 1, NULL, O_CLASSES }, { "classes-file", 1, NULL, O_CLFILE },
		{ "csv", 0, NULL, O_CSV }, { "delimiter", 1, NULL, 'd' }, { "force", 0, NULL, O_FORCE },
		{ "help", 0, NULL, 'h' },
		{ "id", 1, NULL, O_ID }, { "idx", 0, NULL, O_IDX }, { "ignore-extra", 0, NULL, O_EXTRA },
		{ "images", 1, NULL, O_IMAGES }, { "infer-rows", 1, NULL, O_INFER },
		{ "json", 0, NULL, O_JSON }, { "label", 1, NULL, O_LABEL }, { "labels", 1, NULL, O_LABELS },
		{ "max-field", 1, NULL, O_MAXF }, { "na", 1, NULL, O_NA }, { "no-flatten", 0, NULL, O_NOFLAT },
		{ "no-header", 0, NULL, O_NOHDR }, { "output", 1, NULL, 'o' }, { "quiet", 0, NULL, 'q' },
		{ "schema-from", 1, NULL, O_SCHEMA },
		{ "skip-bad-rows", 0, NULL, O_SKIP }, { "svmlight", 0, NULL, O_SVM }, { "tsv", 0, NULL, O_TSV },
		{ "type", 1, NULL, O_TYPE }, { "verbose", 0, NULL, 'v' }, { "version", 0, NULL, 'V' },
		{ "weight", 1, NULL, O_WEIGHT }, { "width", 1, NULL, O_WIDTH }, { NULL, 0, NULL, 0 },
	};
	struct pml_csv_type *types = pml_xcalloc((size_t)argc, sizeof(*types));
	struct pml_header h;
	struct pml_schema first = PML_SCHEMA_INIT, from = PML_SCHEMA_INIT;
	struct pml_out out;
	struct pml_writer *w = NULL;
	struct pml_progress pg;
	struct pml_source *s;
	const struct pml_value *v;
	char *idx_in[2], *stdin_in[1] = { "-" };
	char **inputs, why[512];
	size_t n_type = 0;
	int c, n_in, i, step, rc = 0, status = PML_EXIT_FAIL;

	pml_cli_init(argc, argv);
	pml_source_opts_init(&o.src);
	while ((c = getopt_long(argc, argv, "d:ho:qvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!strcmp(optarg, "\\t") || !strcmp(optarg, "tab"))
				optarg = "\t";
			if (strlen(optarg) != 1 || strchr("\"\r\n", optarg[0]))
				pml_usage_error("--delimiter: one character other than a quote or newline");
			o.src.csv.delim = (unsigned char)optarg[0];
			break;
		case 'h': pml_cli_help(usage);
		case 'o': o.out = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'v': o.verbose = 1; break;
		case 'V': pml_cli_version();
		case O_CSV: case O_TSV: case O_IDX: case O_SVM: case O_JSON:
			if (o.f)
				pml_usage_error("give at most one of --csv, --tsv, --idx, --svmlight, --json");
			o.f = c == O_CSV ? PML_FMT_CSV : c == O_TSV ? PML_FMT_TSV : c == O_IDX ? PML_FMT_IDX
			      : c == O_SVM ? PML_FMT_SVMLIGHT : PML_FMT_JSONL;
			break;
		case O_IMAGES: o.images = optarg; break;
		case O_LABELS: o.labels = optarg; break;
		case O_NOHDR: o.src.csv.no_header = 1; break;
		case O_INFER: o.src.csv.infer_rows = (size_t)pml_opt_long("--infer-rows", optarg, 1, 100000000); break;
		case O_TYPE:
			if (pml_csv_type_parse(optarg, &types[n_type++], why, sizeof(why)) < 0)
				pml_usage_error("--type %s", why);
			break;
		case O_NA: o.src.csv.na = optarg; break;
		case O_SKIP: o.src.csv.skip_bad_rows = 1; break;
		case O_MAXF: o.src.csv.max_field = (size_t)pml_opt_long("--max-field", optarg, 1, 1L << 30); break;
		case O_WIDTH: o.src.svm.width = (uint32_t)pml_opt_long("--width", optarg, 1, PML_MAX_VEC_ELEMS); break;
		case O_NOFLAT: o.src.js.no_flatten = 1; break;
		case O_EXTRA: o.src.js.ignore_extra = 1; break;
		case O_CLASSES: o.classes = optarg; break;
		case O_CLFILE: o.classes_file = optarg; break;
		case O_LABEL: o.src.role[PML_ROLE_LABEL] = optarg; break;
		case O_ID: o.src.role[PML_ROLE_ID] = optarg; break;
		case O_WEIGHT: o.src.role[PML_ROLE_WEIGHT] = optarg; break;
		case O_FORCE: o.force = 1; break;
		case O_SCHEMA: o.schema_from = optarg; break;
		default: pml_usage_hint();
		}
	}
	pml_cli_binary_stdout(o.out, o.force);
	inputs = argv + optind;
	n_in = argc - optind;
	pml_cli_check_outputs((const char *const *)&o.out, 1, inputs, (size_t)n_in);
	o.src.csv.type = o.src.js.type = types;
	o.src.csv.n_type = o.src.js.n_type = n_type;
	o.src.js.infer_rows = o.src.csv.infer_rows;
	if (o.images || o.labels) {
		if (o.f && o.f != PML_FMT_IDX)
			pml_usage_error("--images and --labels are for IDX input");
		if (!o.images)
			pml_usage_error("--labels needs --images");
		if (n_in)
			pml_usage_error("--images FILE [--labels FILE] takes no other input files");
		o.f = PML_FMT_IDX;
		idx_in[0] = (char *)o.images;
		idx_in[1] = (char *)o.labels;
		inputs = idx_in;
		n_in = 2;
	} else if (o.f == PML_FMT_IDX && (n_in == 0 || n_in % 2))
		pml_usage_error("--idx takes pairs of files: IMAGES LABELS");
	if (o.classes && o.classes_file)
		pml_usage_error("give --classes or --classes-file, not both");
	if (o.schema_from && (o.classes || o.classes_file))
		pml_usage_error("--schema-from takes the class names from '%s': give no --classes",
				o.schema_from);
	if (o.schema_from && o.f == PML_FMT_IDX)
		pml_usage_error("--schema-from reads CSV, TSV and JSON lines only");
	step = o.f == PML_FMT_IDX ? 2 : 1;
	if (n_in == 0) {
		inputs = stdin_in;
		n_in = 1;
	}
	if ((o.classes && pml_classes_get(o.classes, &o.src.n_class, &o.src.classes) < 0) ||
	    (o.classes_file &&
	     pml_classes_read(o.classes_file, &o.src.n_class, &o.src.classes) < 0)) {
		free(types);
		return o.classes ? PML_EXIT_USAGE : PML_EXIT_FAIL;
	}

	if (o.schema_from) {
		if (pml_schema_load(o.schema_from, &from) < 0) {
			free(types);
			return PML_EXIT_FAIL;
		}
		/* --type, --label, ... may repeat what the schema says (a job's fixed options), not differ */
		if (pml_schema_agrees(&from, o.schema_from, types, n_type, o.src.role) < 0) {
			pml_schema_release(&from);
			free(types);
			return PML_EXIT_FAIL;
		}
		memset(o.src.role, 0, sizeof(o.src.role));
		o.src.csv.n_type = o.src.js.n_type = 0;
		o.src.schema_from = &from;
		o.src.schema_from_name = o.schema_from;
	}
	pml_header_init(&h);
	for (i = 0; i < n_in && rc >= 0; i += step) {
		/* NONE: the name does not tell; the first bytes do (pml_format_sniff) */
		enum pml_format f = o.f ? o.f : pml_format_detect(inputs[i]);

		s = pml_source_open(f, inputs[i], step == 2 ? inputs[i + 1] : NULL, &o.src);
		if (!s) {
			rc = -1;
			break;
		}
		if (!w) {
			pml_schema_copy(&h.schema, pml_source_schema(s));
			pml_schema_copy(&first, pml_source_schema(s));
			pml_header_add_provenance(&h, pml_cli_argc(), pml_cli_argv());
			if (pml_out_open(&out, o.out) < 0) {
				pml_source_free(s);
				rc = -1;
				break;
			}
			if (!(w = pml_writer_new(&out, &h))) {
				pml_out_abort(&out);
				pml_source_free(s);
				rc = -1;
				break;
			}
		} else if (!pml_schema_equal(&first, pml_source_schema(s), why, sizeof(why))) {
			rc = pml_error("%s: columns differ from %s's: %s", pml_source_name(s), inputs[0],
				       why);
		}
		pml_progress_init(&pg, pml_source_name(s), pml_source_size(inputs[i]), o.quiet);
		while (rc >= 0 && (rc = pml_source_next(s, &v)) > 0) {
			if (pml_writer_put(w, v) < 0) {
				rc = -1;
				break;
			}
			if ((pml_writer_count(w) & 1023) == 0)
				pml_progress_tick(&pg, pml_source_offset(s));
		}
		pml_progress_done(&pg);
		if (o.verbose && rc >= 0) {
			pml_source_summary(s, why, sizeof(why));
			fprintf(stderr, "%s: %s: %s\n", pml_progname, pml_source_name(s), why);
		}
		pml_source_free(s);
	}
	if (w) {
		if (rc >= 0 && !out.err)
			pml_writer_finish(w, NULL, 0);
		if (rc < 0 && !out.err)
			pml_out_abort(&out);
		else if (pml_out_close(&out) == 0 && rc >= 0)
			status = PML_EXIT_OK;
		pml_writer_free(w);
	}
	pml_header_release(&h);
	pml_schema_release(&first);
	pml_schema_release(&from);
	pml_classes_free(o.src.n_class, o.src.classes);
	free(types);
	return pml_cli_finish(status);
}
