#!/bin/sh
# pml-eval and --apply take what pml-serve-stdin takes: a stream, CSV or JSON lines,
# told by the first bytes, read with the roles of the model's (or chain's) input.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"
tiny_model "$T/m.pmm"
awk 'BEGIN { srand(7); print "id,x,y,color,label"
	for (i = 0; i < 30; i++) { x = rand() * 4 - 2; y = rand() * 4 - 2; c = rand() < 0.5 ? "red" : "blue"
		printf "t%d,%.3f,%.3f,%s,%s\n", i, x, y, c, (x + y > 0) ? "pos" : "neg" } }' > "$T/test.csv"
pml-collect -q --label label --id id "$T/test.csv" > "$T/test.raw"
pml-cat --json "$T/test.raw" > "$T/test.jsonl"

expect "eval a stream" 0 pml-eval -j -m "$T/m.pmm" -p "$T/ref.pred" "$T/test.raw"
cp "$T/out" "$T/ref.json"
expect "eval CSV" 0 pml-eval -j -m "$T/m.pmm" -p "$T/csv.pred" "$T/test.csv"
check "CSV: the same report as the stream" cmp -s "$T/out" "$T/ref.json"
check "CSV: the same predictions" cmp -s "$T/csv.pred" "$T/ref.pred"
check "the label column gave the truth" grep -q '"records":30' "$T/out"
expect "eval CSV on stdin" 0 sh -c "pml-eval -j -m '$T/m.pmm' < '$T/test.csv'"
check "stdin: the same report" cmp -s "$T/out" "$T/ref.json"
expect "eval JSON lines" 0 pml-eval -j -m "$T/m.pmm" "$T/test.jsonl"
check "JSON lines: the same report" cmp -s "$T/out" "$T/ref.json"
expect "a stream and a CSV file together" 0 pml-eval -j -m "$T/m.pmm" "$T/test.raw" "$T/test.csv"
check "60 records" grep -q '"records":60' "$T/out"
expect "gzip CSV" 0 sh -c "gzip -c '$T/test.csv' | pml-eval -j -m '$T/m.pmm'"
check "gzip: the same report" cmp -s "$T/out" "$T/ref.json"
# a type the model cannot take goes through the model's schema check, naming the column
sed '2s/^t0,[^,]*,/t0,abc,/' "$T/test.csv" > "$T/bad.csv"
expect_err "a str column where the model takes float" 1 "column 'x'" pml-eval -m "$T/m.pmm" "$T/bad.csv"
expect_err "CSV errors name file and line" 1 "short.csv: line 3: 2 fields, expected 5" \
	sh -c "head -2 '$T/test.csv' > '$T/short.csv'; echo 1,2 >> '$T/short.csv'; pml-eval -m '$T/m.pmm' '$T/short.csv'"

# --apply: the chain of a stream or a model on CSV and JSON lines
pml-preprocess -q --apply "$T/prep.pml" "$T/test.raw" | pml-cat > "$T/apply.ref"
expect "preprocess --apply on CSV" 0 sh -c "pml-preprocess -q --apply '$T/prep.pml' '$T/test.csv' | pml-cat"
check "the same records as from the stream" cmp -s "$T/out" "$T/apply.ref"
expect "preprocess --apply on JSON lines from stdin" 0 sh -c "pml-preprocess -q --apply '$T/prep.pml' < '$T/test.jsonl' | pml-cat"
check "the same records" cmp -s "$T/out" "$T/apply.ref"
pml-clean -q --apply "$T/clean.pml" "$T/test.raw" | pml-cat > "$T/clean.ref"
expect "clean --apply on CSV" 0 sh -c "pml-clean -q --apply '$T/clean.pml' '$T/test.csv' | pml-cat"
check "the same records as from the stream" cmp -s "$T/out" "$T/clean.ref"
pml-preprocess -q --apply "$T/m.pmm" "$T/test.raw" | pml-cat > "$T/model.ref"
expect "--apply MODEL on CSV" 0 sh -c "pml-preprocess -q --apply '$T/m.pmm' '$T/test.csv' | pml-cat"
check "the same records" cmp -s "$T/out" "$T/model.ref"
# without --apply a stage still takes streams only
expect_err "preprocess without --apply refuses CSV" 1 "not a pml stream" pml-preprocess --scale '*=standard' "$T/test.csv"
done_testing
