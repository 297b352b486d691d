#!/bin/sh
# pml-serve-stdin gives the same prediction bytes as pml-eval --predictions.
. "$(dirname "$0")/lib.sh"

if ! command -v pml-eval >/dev/null 2>&1; then
	not_ok "pml-eval is built"
	# a file is cut into batches from its start, as pml-eval --batch does
expect "pml-eval --batch 16" 0 pml-eval -q --batch 16 -m "$T/m.pmm" --predictions "$T/eval16.jsonl" "$T/raw.pml"
expect "serve -b 16 from a file" 0 pml-serve-stdin -q -b 16 "$T/m.pmm" < "$T/raw.jsonl"
check "batches of 16: byte-identical" cmp -s "$T/out" "$T/eval16.jsonl"
done_testing
	exit 1
fi
awk 'BEGIN { srand(5); print "id,x,y,color,label"
	for (i = 0; i < 150; i++) { x = rand() * 4 - 2; y = rand() * 4 - 2; c = rand() < 0.5 ? "red" : "blue"
		printf "r%d,%.3f,%.3f,%s,%s\n", i, x, y, c, (x + y > 0) ? "pos" : "neg" } }' > "$T/train.csv"
pml-collect -q --label label --id id "$T/train.csv" > "$T/raw.pml" &&
	pml-clean -q --fill '*=mean' "$T/raw.pml" > "$T/clean.pml" &&
	pml-preprocess -q --scale '*=standard' "$T/clean.pml" > "$T/prep.pml" &&
	pml-train -q --epochs 5 --hidden 6 -o "$T/m.pmm" "$T/prep.pml"
check "a tiny model" test -s "$T/m.pmm"
expect "pml-eval --predictions" 0 pml-eval -q -m "$T/m.pmm" --predictions "$T/eval.jsonl" "$T/raw.pml"
expect "serve the stream" 0 pml-serve-stdin -q "$T/m.pmm" < "$T/raw.pml"
pml-cat --json "$T/raw.pml" > "$T/raw.jsonl"
expect "serve the same records as JSON" 0 pml-serve-stdin -q "$T/m.pmm" < "$T/raw.jsonl"
check "JSON replies byte-identical to pml-eval's predictions" cmp -s "$T/out" "$T/eval.jsonl"
expect "pml-eval --top-k 1" 0 pml-eval -q -k 1 -m "$T/m.pmm" --predictions "$T/eval1.jsonl" "$T/raw.pml"
expect "serve with --top-k 1" 0 pml-serve-stdin -q -k 1 "$T/m.pmm" < "$T/raw.jsonl"
check "top-k replies byte-identical too" cmp -s "$T/out" "$T/eval1.jsonl"
# a file is cut into batches from its start, as pml-eval --batch does
expect "pml-eval --batch 16" 0 pml-eval -q --batch 16 -m "$T/m.pmm" --predictions "$T/eval16.jsonl" "$T/raw.pml"
expect "serve -b 16 from a file" 0 pml-serve-stdin -q -b 16 "$T/m.pmm" < "$T/raw.jsonl"
check "batches of 16: byte-identical" cmp -s "$T/out" "$T/eval16.jsonl"
done_testing
