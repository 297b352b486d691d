/* pml-collect: turn CSV, TSV, IDX, svmlight or JSON lines into a pml stream. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pml/alloc.h"
#include "pml/cli.h"
#include "pml/csv.h"
#include "pml/err.h"
#include "pml/idx.h"
#include "pml/io.h"
#include "pml/jsonl.h"
#include "pml/stream.h"
#include "pml/svmlight.h"

static const char usage[] =
	"usage: pml-collect [--csv|--tsv|--json|--svmlight] [options] [FILE...]\n"
	"       pml-collect --idx IMAGES LABELS [options]\n"
	"Read data files (or stdin) and write one pml stream to stdout.\n"
	"The format comes from the option or the name: .csv .tsv .jsonl .json .ndjson\n"
	".svm .libsvm .svmlight, each optionally .gz.\n"
	"\n"
	"  -o, --output FILE     write to FILE (atomically) instead of stdout\n"
	"      --label COL       role label (also --id COL, --weight COL)\n"
	"      --classes SPEC    class names of the int label: a,b,c or fashion-mnist or mnist\n"
	"      --classes-file F  class names, one per line\n"
	"      --infer-rows N    infer types from the first N rows (default 1000)\n"
	"      --type COL=TYPE   force a column's type: bool, int, float, str (repeatable)\n"
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

enum fmt { F_NONE, F_CSV, F_TSV, F_IDX, F_SVM, F_JSON };
enum { O_CSV = 256, O_TSV, O_IDX, O_SVM, O_JSON, O_IMAGES, O_LABELS, O_NOHDR, O_INFER, O_TYPE, O_NA,
       O_SKIP, O_MAXF, O_WIDTH, O_NOFLAT, O_EXTRA, O_CLASSES, O_CLFILE, O_LABEL, O_ID, O_WEIGHT };

struct src {
	enum fmt f;
	const char *name;
	struct pml_csv *csv;
	struct pml_idx *idx;
	struct pml_svm *svm;
	struct pml_jsonl *js;
};

static struct {
	enum fmt f;
	const char *images, *labels, *out, *classes, *classes_file, *role[4];
	struct pml_csv_opts csv;
	struct pml_svm_opts svm;
	struct pml_jsonl_opts js;
	int quiet, verbose;
} o;

static enum fmt
detect(const char *path)
{
	static const struct { const char *ext; enum fmt f; } tab[] = {
		{ ".csv", F_CSV }, { ".tsv", F_TSV }, { ".jsonl", F_JSON }, { ".json", F_JSON },
		{ ".ndjson", F_JSON }, { ".svm", F_SVM }, { ".libsvm", F_SVM }, { ".svmlight", F_SVM },
	};
	size_t n = strlen(path), k, e;

	if (n > 3 && !strcmp(path + n - 3, ".gz"))
		n -= 3;
	for (k = 0; k < sizeof(tab) / sizeof(tab[0]); k++) {
		e = strlen(tab[k].ext);
		if (n > e && !strncasecmp(path + n - e, tab[k].ext, e))
			return tab[k].f;
	}
	return F_NONE;
}

static int
src_open(struct src *s, enum fmt f, const char *path, const char *labels)
{
	struct pml_csv_opts co = o.csv;

	memset(s, 0, sizeof(*s));
	s->f = f;
	s->name = path && strcmp(path, "-") ? path : "stdin";
	if (!co.delim)
		co.delim = f == F_TSV ? '\t' : ',';
	switch (f) {
	case F_CSV: case F_TSV: s->csv = pml_csv_open(path, &co); return s->csv ? 0 : -1;
	case F_IDX: s->idx = pml_idx_open(path, labels); return s->idx ? 0 : -1;
	case F_SVM: s->svm = pml_svm_open(path, &o.svm); return s->svm ? 0 : -1;
	default: s->js = pml_jsonl_open(path, &o.js); return s->js ? 0 : -1;
	}
}

static const struct pml_schema *
src_schema(struct src *s)
{
	return s->csv ? pml_csv_schema(s->csv) : s->idx ? pml_idx_schema(s->idx)
	       : s->svm ? pml_svm_schema(s->svm) : pml_jsonl_schema(s->js);
}

static int
src_next(struct src *s, const struct pml_value **v)
{
	return s->csv ? pml_csv_next(s->csv, v) : s->idx ? pml_idx_next(s->idx, v)
	       : s->svm ? pml_svm_next(s->svm, v) : pml_jsonl_next(s->js, v);
}

static uint64_t
src_offset(struct src *s)
{
	return s->csv ? pml_csv_offset(s->csv) : s->idx ? pml_idx_offset(s->idx)
	       : s->svm ? pml_svm_offset(s->svm) : pml_jsonl_offset(s->js);
}

static void
src_close(struct src *s)
{
	pml_csv_free(s->csv);
	pml_idx_free(s->idx);
	pml_svm_free(s->svm);
	pml_jsonl_free(s->js);
	memset(s, 0, sizeof(*s));
}

/* Roles and class names on a copy of the source's schema. */
static int
shape_schema(struct pml_schema *dst, const struct pml_schema *src, const char *name,
	     size_t n_class, char **classes)
{
	int r, j;

	pml_schema_copy(dst, src);
	for (r = PML_ROLE_LABEL; r <= PML_ROLE_WEIGHT; r++) {
		if (!o.role[r])
			continue;
		if ((j = pml_schema_find(dst, o.role[r])) < 0)
			return pml_error("%s: no column '%s' (--%s)", name, o.role[r],
					 pml_role_name((enum pml_role)r));
		for (size_t k = 0; k < dst->n_col; k++)
			if (dst->col[k].role == (enum pml_role)r)
				dst->col[k].role = PML_ROLE_FEATURE;
		dst->col[j].role = (enum pml_role)r;
	}
	if (n_class) {
		j = pml_schema_find_role(dst, PML_ROLE_LABEL);
		if (j < 0 || dst->col[j].type != PML_TYPE_INT)
			return pml_error("%s: class names need an int label column (--label COL)", name);
		pml_column_set_classes(&dst->col[j], n_class, classes);
	}
	return 0;
}

static uint64_t
file_size(const char *path)
{
	struct stat st;
	size_t n = path ? strlen(path) : 0;

	if (!path || !strcmp(path, "-") || (n > 3 && !strcmp(path + n - 3, ".gz")) ||
	    stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "classes", 1, NULL, O_CLASSES }, { "classes-file", 1, NULL, O_CLFILE },
		{ "csv", 0, NULL, O_CSV }, { "delimiter", 1, NULL, 'd' }, { "help", 0, NULL, 'h' },
		{ "id", 1, NULL, O_ID }, { "idx", 0, NULL, O_IDX }, { "ignore-extra", 0, NULL, O_EXTRA },
		{ "images", 1, NULL, O_IMAGES }, { "infer-rows", 1, NULL, O_INFER },
		{ "json", 0, NULL, O_JSON }, { "label", 1, NULL, O_LABEL }, { "labels", 1, NULL, O_LABELS },
		{ "max-field", 1, NULL, O_MAXF }, { "na", 1, NULL, O_NA }, { "no-flatten", 0, NULL, O_NOFLAT },
		{ "no-header", 0, NULL, O_NOHDR }, { "output", 1, NULL, 'o' }, { "quiet", 0, NULL, 'q' },
		{ "skip-bad-rows", 0, NULL, O_SKIP }, { "svmlight", 0, NULL, O_SVM }, { "tsv", 0, NULL, O_TSV },
		{ "type", 1, NULL, O_TYPE }, { "verbose", 0, NULL, 'v' }, { "version", 0, NULL, 'V' },
		{ "weight", 1, NULL, O_WEIGHT }, { "width", 1, NULL, O_WIDTH }, { NULL, 0, NULL, 0 },
	};
	struct pml_csv_type *types = pml_xcalloc((size_t)argc, sizeof(*types));
	struct pml_header h;
	struct pml_schema first = PML_SCHEMA_INIT, cur = PML_SCHEMA_INIT;
	struct pml_out out;
	struct pml_writer *w = NULL;
	struct pml_progress pg;
	struct src s;
	const struct pml_value *v;
	char *idx_in[2], *stdin_in[1] = { "-" };
	char **inputs, **classes = NULL, why[512];
	size_t n_class = 0, n_type = 0;
	uint64_t before = 0;
	int c, n_in, i, step, rc = 0, label = -1, status = PML_EXIT_FAIL;

	pml_cli_init(argc, argv);
	pml_csv_opts_init(&o.csv);
	while ((c = getopt_long(argc, argv, "d:ho:qvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!strcmp(optarg, "\\t") || !strcmp(optarg, "tab"))
				optarg = "\t";
			if (strlen(optarg) != 1 || strchr("\"\r\n", optarg[0]))
				pml_usage_error("--delimiter: one character other than a quote or newline");
			o.csv.delim = (unsigned char)optarg[0];
			break;
		case 'h': pml_cli_help(usage);
		case 'o': o.out = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'v': o.verbose = 1; break;
		case 'V': pml_cli_version();
		case O_CSV: case O_TSV: case O_IDX: case O_SVM: case O_JSON:
			if (o.f)
				pml_usage_error("give at most one of --csv, --tsv, --idx, --svmlight, --json");
			o.f = c == O_CSV ? F_CSV : c == O_TSV ? F_TSV : c == O_IDX ? F_IDX : c == O_SVM ? F_SVM : F_JSON;
			break;
		case O_IMAGES: o.images = optarg; break;
		case O_LABELS: o.labels = optarg; break;
		case O_NOHDR: o.csv.no_header = 1; break;
		case O_INFER: o.csv.infer_rows = (size_t)pml_opt_long("--infer-rows", optarg, 1, 100000000); break;
		case O_TYPE:
			if (pml_csv_type_parse(optarg, &types[n_type++], why, sizeof(why)) < 0)
				pml_usage_error("--type %s", why);
			break;
		case O_NA: o.csv.na = optarg; break;
		case O_SKIP: o.csv.skip_bad_rows = 1; break;
		case O_MAXF: o.csv.max_field = (size_t)pml_opt_long("--max-field", optarg, 1, 1L << 30); break;
		case O_WIDTH: o.svm.width = (uint32_t)pml_opt_long("--width", optarg, 1, PML_MAX_VEC_ELEMS); break;
		case O_NOFLAT: o.js.no_flatten = 1; break;
		case O_EXTRA: o.js.ignore_extra = 1; break;
		case O_CLASSES: o.classes = optarg; break;
		case O_CLFILE: o.classes_file = optarg; break;
		case O_LABEL: o.role[PML_ROLE_LABEL] = optarg; break;
		case O_ID: o.role[PML_ROLE_ID] = optarg; break;
		case O_WEIGHT: o.role[PML_ROLE_WEIGHT] = optarg; break;
		default: pml_usage_hint();
		}
	}
	inputs = argv + optind;
	n_in = argc - optind;
	o.csv.type = o.js.type = types;
	o.csv.n_type = o.js.n_type = n_type;
	o.js.infer_rows = o.csv.infer_rows;
	if (o.images || o.labels) {
		if (o.f && o.f != F_IDX)
			pml_usage_error("--images and --labels are for IDX input");
		if (!o.images)
			pml_usage_error("--labels needs --images");
		if (n_in)
			pml_usage_error("--images FILE [--labels FILE] takes no other input files");
		o.f = F_IDX;
		idx_in[0] = (char *)o.images;
		idx_in[1] = (char *)o.labels;
		inputs = idx_in;
		n_in = 2;
	} else if (o.f == F_IDX && (n_in == 0 || n_in % 2))
		pml_usage_error("--idx takes pairs of files: IMAGES LABELS");
	if (o.classes && o.classes_file)
		pml_usage_error("give --classes or --classes-file, not both");
	step = o.f == F_IDX ? 2 : 1;
	if (n_in == 0) {
		inputs = stdin_in;
		n_in = 1;
	}
	for (i = 0; i < n_in && o.f != F_IDX; i++)
		if (!o.f && detect(inputs[i]) == F_NONE)
			pml_usage_error("cannot tell the format of '%s' from its name; use --csv, --tsv, "
					"--json, --svmlight or --idx", inputs[i]);
	if ((o.classes && pml_classes_get(o.classes, &n_class, &classes) < 0) ||
	    (o.classes_file && pml_classes_read(o.classes_file, &n_class, &classes) < 0)) {
		free(types);
		return o.classes ? PML_EXIT_USAGE : PML_EXIT_FAIL;
	}

	pml_header_init(&h);
	for (i = 0; i < n_in && rc >= 0; i += step) {
		enum fmt f = o.f ? o.f : detect(inputs[i]);
		const char *lab = step == 2 ? inputs[i + 1] : NULL;

		if (src_open(&s, f, inputs[i], lab) < 0) {
			rc = -1;
			break;
		}
		pml_schema_release(&cur);
		if (shape_schema(&cur, src_schema(&s), s.name, n_class, classes) < 0) {
			rc = -1;
		} else if (!w) {
			pml_schema_copy(&h.schema, &cur);
			pml_schema_copy(&first, &cur);
			pml_header_add_provenance(&h, pml_cli_argc(), pml_cli_argv());
			label = n_class ? pml_schema_find_role(&first, PML_ROLE_LABEL) : -1;
			if (pml_out_open(&out, o.out) < 0) {
				src_close(&s);
				rc = -1;
				break;
			}
			w = pml_writer_new(&out, &h);
		} else if (!pml_schema_equal(&first, &cur, why, sizeof(why))) {
			rc = pml_error("%s: columns differ from %s's: %s", s.name, inputs[0], why);
		}
		before = w ? pml_writer_count(w) : 0;
		pml_progress_init(&pg, s.name, file_size(inputs[i]), o.quiet);
		while (rc >= 0 && (rc = src_next(&s, &v)) > 0) {
			if (label >= 0 && v[label].kind == PML_INT &&
			    (v[label].u.i < 0 || (uint64_t)v[label].u.i >= n_class)) {
				rc = pml_error("%s: record %llu: label %lld is beyond the %zu class names", s.name,
					       (unsigned long long)pml_writer_count(w) + 1,
					       (long long)v[label].u.i, n_class);
				break;
			}
			if (pml_writer_put(w, v) < 0) {
				rc = -1;
				break;
			}
			if ((pml_writer_count(w) & 1023) == 0)
				pml_progress_tick(&pg, src_offset(&s));
		}
		pml_progress_done(&pg);
		if (o.verbose && rc >= 0 && s.csv)
			fprintf(stderr, "%s: %s: %llu records, %llu lines, %llu bad rows skipped\n",
				pml_progname, s.name, (unsigned long long)pml_csv_records(s.csv),
				(unsigned long long)pml_csv_lines(s.csv),
				(unsigned long long)pml_csv_skipped(s.csv));
		else if (o.verbose && rc >= 0)
			fprintf(stderr, "%s: %s: %llu records\n", pml_progname, s.name,
				(unsigned long long)(pml_writer_count(w) - before));
		src_close(&s);
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
	pml_schema_release(&cur);
	pml_classes_free(n_class, classes);
	free(types);
	return pml_cli_finish(status);
}
