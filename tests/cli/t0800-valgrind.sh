#!/bin/sh
# valgrind --leak-check=full on a small run of every tool, on success and on
# error paths: no leak (definite, indirect or possible), no memory error.
# Skipped when valgrind is missing, and in a sanitizer build: valgrind cannot
# run an ASan binary (ASan refuses valgrind's preloaded malloc, and past that
# check cannot map its shadow memory). There ASan and LeakSanitizer do this
# test's work on every tool run of every test: a memory error or a leak at
# exit is a report, and lib.sh makes any report a failed check
# (abort_on_error=1). That covers more than the runs below, including the
# out-of-memory paths of t0850 and the full disks of t0810.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"
cd "$T"
if grep -q fsanitize "$PML_TOP/build/flags" 2> /dev/null; then
	ok "# SKIP sanitizer build: ASan and LeakSanitizer check every run instead"; done_testing; exit 0
fi
if ! command -v valgrind > /dev/null; then
	ok "# SKIP no valgrind"; done_testing; exit 0
fi
V="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
printf '{"x":1,"y":"a"}\n{"x":2.5,"y":"b"}\n' > j.jsonl
printf '1 1:0.5 3:2\n0 2:1\n' > s.svm
VIN=/dev/null    # stdin of the runs
vg() { # NAME WANT-STATUS CMD...
	_nm=$1 _want=$2; shift 2
	rc=0; $V "$@" < "$VIN" > out 2> err || rc=$?
	if [ $rc = "$_want" ]; then ok "valgrind: $_nm"
	else not_ok "valgrind: $_nm" "exit $rc, want $_want" "$(grep -m5 '==' err)"; fi
}
vg "collect csv" 0 pml-collect --label y --id id a.csv
vg "collect jsonl" 0 pml-collect --label y j.jsonl
vg "collect svmlight" 0 pml-collect s.svm
vg "cat --table" 0 pml-cat --table a.mp
vg "cat a model" 0 pml-cat m.pml
vg "clean fill, dedup, outliers" 0 pml-clean --fill x=mean --dedup --outliers iqr a.mp
vg "clean --apply" 0 pml-clean --apply c.mp a.mp
vg "preprocess" 0 pml-preprocess --scale w=standard -o pp.mp c.mp
vg "preprocess --apply a model" 0 pml-preprocess --apply m.pml a.mp
vg "split stratified folds" 0 pml-split --stratify --folds 3 --fold 1 -o s1 -o s2 p.mp
vg "train with --val" 0 pml-train -q --epochs 2 --hidden 4 --val te.mp -o m2.pml tr.mp
vg "eval -p --plot" 0 pml-eval -m m.pml -p p.jsonl --plot x.svg te.mp
vg "eval raw records" 0 pml-eval -m m.pml a.mp
if [ -x "$PML_TOP/bin/pml-serve-stdin" ]; then
	VIN=a.mp; vg "serve-stdin" 0 pml-serve-stdin m.pml; VIN=/dev/null
fi
vg "predict csv" 0 pml-predict -m m.pml a.csv
vg "predict a stream" 0 pml-predict -m m.pml -o pr.mp a.mp
vg "predict --bad skip" 0 pml-predict -m m.pml --bad skip j.jsonl
vg "error: predict a bad record" 1 pml-predict -m m.pml j.jsonl
vg "error: missing input" 1 pml-clean nope.mp
head -c 300 p.mp > cut.mp
vg "error: truncated stream" 1 pml-preprocess cut.mp
vg "error: output in a missing folder" 1 pml-eval -m m.pml -o no/x te.mp
vg "error: full disk" 1 pml-split -o /dev/full -o s2 p.mp
done_testing
