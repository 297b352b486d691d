#!/bin/sh
# Records sent one at a time get the same bytes as pml-eval --predictions
# (the inference kernel does not depend on batch composition).
. "$(dirname "$0")/lib.sh"
awk 'BEGIN { srand(11); print "a,b,c,label"
	for (i = 1; i <= 400; i++) { a = rand(); b = rand(); c = rand() * 3
		printf "%.4f,%.4f,%.3f,%s\n", a, b, c, (a + b * c > 1.2 ? "yes" : "no") } }' > "$T/d.csv"
pml-collect -q --label label -o "$T/raw.mp" "$T/d.csv"
pml-preprocess -q --scale '*=standard' -o "$T/p.mp" "$T/raw.mp"
expect "train" 0 pml-train -q --hidden 32,16 --epochs 5 -o "$T/m" "$T/p.mp"
expect "eval predictions, batch 256" 0 pml-eval -q -m "$T/m" -p "$T/eval.jsonl" -o /dev/null "$T/raw.mp"
expect "eval predictions, batch 1" 0 pml-eval -q -m "$T/m" --batch 1 -p "$T/eval1.jsonl" -o /dev/null "$T/raw.mp"
check "eval: batch 1 and 256 give the same bytes" cmp -s "$T/eval.jsonl" "$T/eval1.jsonl"
pml-cat --head 25 "$T/raw.mp" > "$T/req.jsonl"
head -25 "$T/eval.jsonl" > "$T/want.jsonl"
expect "serve one record at a time" 0 sh -c "while IFS= read -r l; do printf '%s\n' \"\$l\"; sleep 0.02; done \
	< '$T/req.jsonl' | pml-serve-stdin -q --format json '$T/m' > '$T/got.jsonl'"
check "trickled replies are byte-identical to pml-eval's" cmp -s "$T/got.jsonl" "$T/want.jsonl"
expect "serve in bulk" 0 sh -c "pml-serve-stdin -q --format json --batch 7 '$T/m' < '$T/req.jsonl' > '$T/bulk.jsonl'"
check "bulk replies in batches of 7 are identical too" cmp -s "$T/bulk.jsonl" "$T/want.jsonl"
done_testing
