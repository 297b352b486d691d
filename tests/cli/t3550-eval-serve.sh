#!/bin/sh
# t3550-eval-serve: pml-eval --predictions and pml-serve-stdin give the same
# bytes for the same records (they share the predictor and its formatter),
# for a hand-made model and for raw records through a fitted chain.
. "$(dirname "$0")/lib.sh"
if ! [ -x "$PML_TOP/bin/pml-serve-stdin" ]; then
	ok "# SKIP pml-serve-stdin not built"
	done_testing
	exit 0
fi
cd "$T" || exit 1
expect "fixtures written" 0 "$PML_TOP/build/tests/u-metrics" --fixtures "$T"

expect "eval predictions" 0 pml-eval -m model.pml -p eval.jsonl test.mp
expect "records as JSON lines" 0 pml-cat -o test.jsonl test.mp
run sh -c 'pml-serve-stdin -q -f json model.pml < test.jsonl > serve.jsonl'
check "serve answers" test "$rc" = 0
check "same bytes as pml-serve-stdin" cmp -s eval.jsonl serve.jsonl

expect "eval top-2 predictions" 0 pml-eval -m model.pml -k 2 -p eval2.jsonl test.mp
run sh -c 'pml-serve-stdin -q -f json -k 2 model.pml < test.jsonl > serve2.jsonl'
check "top-2: same bytes" cmp -s eval2.jsonl serve2.jsonl

expect "regression predictions" 0 pml-eval -m reg.pml -p evalr.jsonl reg.mp
run sh -c 'pml-cat reg.mp | pml-serve-stdin -q -f json reg.pml > server.jsonl'
check "regression: same bytes" cmp -s evalr.jsonl server.jsonl

# Raw records as collected, through the model's chain.
if [ -x "$PML_TOP/bin/pml-collect" ] && [ -x "$PML_TOP/bin/pml-preprocess" ] && [ -x "$PML_TOP/bin/pml-train" ]; then
	awk 'BEGIN { srand(5); print "id,color,size,label"
		for (i = 1; i <= 200; i++) {
			c = rand() < 0.5 ? "red" : "blue"; s = rand() * 10
			printf "r%d,%s,%.3f,%s\n", i, (i % 13 ? c : ""), s, (s + (c == "red" ? 3 : 0) > 6) ? "big" : "small"
		} }' > d.csv
	expect "collect" 0 pml-collect -q --label label --id id -o raw.mp d.csv
	expect "preprocess" 0 pml-preprocess -q --scale '*=standard' -o pre.mp raw.mp
	expect "train" 0 pml-train -q --hidden 8 --epochs 3 -o m.pml pre.mp
	expect "eval raw" 0 pml-eval -m m.pml -p evalraw.jsonl raw.mp
	expect "raw records as JSON" 0 pml-cat -o raw.jsonl raw.mp
	run sh -c 'pml-serve-stdin -q -f json m.pml < raw.jsonl > serveraw.jsonl'
	check "raw records: same bytes as pml-serve-stdin" cmp -s evalraw.jsonl serveraw.jsonl
	check "200 predictions" test "$(wc -l < evalraw.jsonl)" = 200
else
	ok "# SKIP pml-collect, pml-preprocess or pml-train not built"
fi

done_testing
