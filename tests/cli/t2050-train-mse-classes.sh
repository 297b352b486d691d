#!/bin/sh
# --loss mse on a class label: the network fits one-hot targets and outputs
# scores; pml-eval and pml-serve-stdin turn them into probabilities with a
# softmax (same argmax), so the model can be evaluated and gated.
. "$(dirname "$0")/lib.sh"

awk 'BEGIN { print "a,b,c"; for (i = 0; i < 90; i++) { a = (i * 37 % 90) / 90; b = (i * 11 % 90) / 90;
	c = (a > b) ? "hi" : ((a + b > 0.8) ? "mid" : "lo"); printf "%g,%g,%s\n", a, b, c } }' > "$T/k.csv"
pml-collect --label c "$T/k.csv" > "$T/k.mp"
pml-preprocess --scale '*=standard' "$T/k.mp" > "$T/kp.mp"
expect "train with --loss mse on classes" 0 pml-train -q --loss mse --epochs 200 -o "$T/m.pmm" "$T/kp.mp"
expect "pml-eval evaluates it and an accuracy gate passes" 0 \
	pml-eval -m "$T/m.pmm" --min accuracy=0.8 -o "$T/report" "$T/k.mp"
check "the report has a log-loss" grep -q 'log-loss' "$T/report"
pml-eval -m "$T/m.pmm" -p "$T/pred.jsonl" -o /dev/null "$T/k.mp"
check "every prediction's probs are in [0, 1] and sum to 1" awk -F'[][]' '{
	n = split($2, p, ","); s = 0; for (i = 1; i <= n; i++) { if (p[i] < 0 || p[i] > 1) bad = 1; s += p[i] }
	if (s < 0.999 || s > 1.001) bad = 1 } END { exit bad || NR != 90 }' "$T/pred.jsonl"
check "the class is the most probable one" awk -F'"index":|,"probs":\\[|]' '{
	n = split($3, p, ","); best = 0; for (i = 2; i <= n; i++) if (p[i] > p[best + 1]) best = i - 1
	if (best != $2) bad = 1 } END { exit bad }' "$T/pred.jsonl"
pml-eval -m "$T/m.pmm" -p "$T/one.jsonl" -o /dev/null "$T/k.mp"
head -1 "$T/one.jsonl" > "$T/first"
expect_out "pml-serve-stdin replies what pml-eval predicts" "$(cat "$T/first")" \
	sh -c "sed -n 2p '$T/k.csv' | awk -F, '{ printf \"{\\\"a\\\":%s,\\\"b\\\":%s}\\n\", \$1, \$2 }' |
		pml-serve-stdin -q '$T/m.pmm'"
done_testing
