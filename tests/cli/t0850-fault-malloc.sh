#!/bin/sh
# Allocation failure: tests/fault/failmalloc.c (LD_PRELOAD) fails the Nth
# allocation after main() and every later one. Every tool, on a small run,
# for N = 1, 1+STEP, ... up to its allocation count: either the same output
# as without the shim (exit 0) or exit 1 with one line saying "out of memory";
# never a crash. FAILMALLOC_STEP (default 3) thins the sweep; tests/torture.sh
# runs it with 1. A prime step samples different call sites per tool. Skipped in sanitizer builds (ASan must be the first library).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"
cd "$T"
step=${FAILMALLOC_STEP:-13}
if grep -q -- --coverage "$PML_TOP/build/flags" 2> /dev/null; then
	ok "# SKIP coverage build: libgcov needs malloc at exit"; done_testing; exit 0
fi
if grep -q fsanitize "$PML_TOP/build/flags" 2>/dev/null; then
	ok "# SKIP sanitizer build: no LD_PRELOAD shim"; done_testing; exit 0
fi
shim=$T/failmalloc.so
${CC:-cc} -O1 -shared -fPIC -o "$shim" "$PML_TOP/tests/fault/failmalloc.c" -ldl ||
	{ not_ok "build the failmalloc shim"; done_testing; exit 1; }
LD_PRELOAD=$shim FAILMALLOC_COUNT=$T/n pml-cat --count a.mp > /dev/null
check "the shim counts allocations" test "$(cat "$T/n" 2>/dev/null || echo 0)" -gt 0

sweep() { # NAME CMD...: the sweep for one tool
	_nm=$1; shift
	"$@" < "$IN" > ref 2>/dev/null || { not_ok "$_nm: reference run failed"; return; }
	LD_PRELOAD=$shim FAILMALLOC_COUNT=$T/n "$@" < "$IN" > /dev/null 2>&1
	_total=$(cat "$T/n")
	_bad=0 _oom=0 _i=1
	while [ "$_i" -le "$_total" ]; do
		_rc=0
		LD_PRELOAD=$shim FAILMALLOC_N=$_i timeout 20 "$@" < "$IN" > o 2> e || _rc=$?
		if [ $_rc = 0 ] && cmp -s o ref; then :
		elif [ $_rc = 1 ] && grep -q "out of memory" e && [ "$(wc -l < e)" = 1 ]; then _oom=$((_oom + 1))
		else
			_bad=$((_bad + 1))
			[ $_bad -le 3 ] && echo "# $_nm: allocation $_i failed: exit $_rc: $(head -c 300 e)"
		fi
		_i=$((_i + step))
	done
	check "$_nm: $_total allocations, every ${step}th failed: clean ($_oom out of memory)" test $_bad = 0
}
IN=/dev/null    # stdin of the runs
sweep "cat" pml-cat --csv a.mp
sweep "cat model" pml-cat m.pml
sweep "clean" pml-clean --fill x=mean --dedup --outliers iqr a.mp
sweep "clean --apply" pml-clean --apply c.mp a.mp
sweep "preprocess" pml-preprocess --scale w=standard c.mp
sweep "preprocess --apply" pml-preprocess --apply m.pml a.mp
sweep "split" pml-split -o - -o s2 p.mp
sweep "split --stratify" pml-split --stratify -o - -o s2 p.mp
sweep "train" pml-train -q --epochs 1 --hidden 4 -o - tr.mp
sweep "eval" pml-eval -m m.pml -p p.jsonl te.mp
sweep "eval raw" pml-eval -j -m m.pml a.mp
if [ -x "$PML_TOP/bin/pml-serve-stdin" ]; then
	IN=a.mp; sweep "serve-stdin" pml-serve-stdin m.pml; IN=/dev/null
fi
# pml-collect's CSV reader reports a failed allocation inside libcsv as "bad
# quoting" (lib/csv.c), the JSON reader as a parse error (lib/jsonl.c), the
# IDX reader adds "not an IDX file" (lib/idx.c): not ours to edit yet, so only
# svmlight here (tests/torture.sh tries them all)
printf '1 1:0.5 3:2\n0 2:1\n' > s.svm
sweep "collect svmlight" pml-collect s.svm
if [ "${FAILMALLOC_ALL:-0}" = 1 ]; then
	printf '{"x":1,"y":"a"}\n{"x":2.5,"y":"b"}\n' > j.jsonl
	sweep "collect jsonl" pml-collect --label y j.jsonl
	sweep "collect csv" pml-collect --label y --id id a.csv
	printf '\0\0\10\3\0\0\0\3\0\0\0\2\0\0\0\2\1\2\3\4\5\6\7\10\11\12\13\14' > img
	printf '\0\0\10\1\0\0\0\3\0\1\2' > lab
	sweep "collect idx" pml-collect --idx img lab
fi
done_testing
