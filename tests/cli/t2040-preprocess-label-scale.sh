#!/bin/sh
# A regression label scaled by pml-preprocess: the model trains on the
# scaled label, and every prediction and metric (pml-eval's report and
# --predictions, pml-serve-stdin's replies) is in the label's own units.
# A label clipped at fences cannot be undone: refused.
. "$(dirname "$0")/lib.sh"

# y = 1000 + 100 x - 50 z: far from 0, so scaled units cannot pass for original ones
awk 'BEGIN { print "x,z,y"; for (i = 0; i < 60; i++) { x = (i * 37 % 60) / 60; z = (i * 11 % 60) / 60;
	printf "%g,%g,%g\n", x, z, 1000 + 100 * x - 50 * z } }' > "$T/d.csv"
pml-collect --label y "$T/d.csv" > "$T/d.mp"
expect "--scale on the label is accepted" 0 \
	pml-preprocess --scale x=standard --scale z=standard --scale y=standard -o "$T/s.mp" "$T/d.mp"
expect "train on the standardised label" 0 pml-train -q --epochs 300 -o "$T/m.pmm" "$T/s.mp"

pml-eval -j -m "$T/m.pmm" "$T/d.mp" > "$T/raw.json"
pml-eval -j -m "$T/m.pmm" "$T/s.mp" > "$T/tr.json"
check "raw and preprocessed records give the same report" cmp -s "$T/raw.json" "$T/tr.json"
# label sd ~33: an rmse in standardised units would be ~0.05, in original units ~1-5
check "pml-eval's rmse is in original units" awk -F'"rmse":' '{ split($2, a, ","); exit !(a[1] > 0.5 && a[1] < 10) }' "$T/raw.json"
check "r2 near 1" awk -F'"r2":' '{ split($2, a, ","); exit !(a[1] > 0.95) }' "$T/raw.json"

pml-eval -m "$T/m.pmm" -p "$T/pred.jsonl" -o /dev/null "$T/d.mp"
check "--predictions in original units (every value in [950, 1120])" awk -F'[:}]' \
	'{ if (!($2 > 950 && $2 < 1120)) bad = 1 } END { exit bad || NR != 60 }' "$T/pred.jsonl"
printf 'x,z,y\n0.5,0.5,1025.5\n' > "$T/one.csv"
pml-collect --label y "$T/one.csv" > "$T/one.mp"
pml-eval -m "$T/m.pmm" -p "$T/one.jsonl" -o /dev/null "$T/one.mp"
expect_out "pml-serve-stdin replies what pml-eval predicts" "$(cat "$T/one.jsonl")" \
	sh -c "echo '{\"x\":0.5,\"z\":0.5}' | pml-serve-stdin -q '$T/m.pmm'"

# The same table with a label near 0: scaled or not, the same quality (r2 within 0.05).
awk 'BEGIN { print "x,z,y"; for (i = 0; i < 60; i++) { x = (i * 37 % 60) / 60; z = (i * 11 % 60) / 60;
	printf "%g,%g,%g\n", x, z, 2 * x - z } }' > "$T/e.csv"
pml-collect --label y "$T/e.csv" > "$T/e.mp"
pml-preprocess --scale x=standard --scale z=standard --scale y=standard "$T/e.mp" > "$T/es.mp"
pml-preprocess --scale x=standard --scale z=standard "$T/e.mp" > "$T/en.mp"
pml-train -q --epochs 300 -o "$T/es.pmm" "$T/es.mp"
pml-train -q --epochs 300 -o "$T/en.pmm" "$T/en.mp"
r2s=$(pml-eval -j -m "$T/es.pmm" "$T/e.mp" | sed 's/.*"r2":\([^,]*\),.*/\1/')
r2n=$(pml-eval -j -m "$T/en.pmm" "$T/e.mp" | sed 's/.*"r2":\([^,]*\),.*/\1/')
check "r2 scaled label ($r2s) and unscaled ($r2n): both > 0.9, within 0.05" \
	awk -v a="$r2s" -v b="$r2n" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0.9 && b > 0.9 && d < 0.05) }'
rmses=$(pml-eval -j -m "$T/es.pmm" "$T/e.mp" | sed 's/.*"rmse":\([^,]*\),.*/\1/')
check "rmse of the scaled-label model on the label's scale (sd ~0.7): $rmses < 0.15" \
	awk -v a="$rmses" 'BEGIN { exit !(a < 0.15) }'

# log1p is undone by expm1: labels 0..3 are 0..1.39 in log1p units
awk 'BEGIN { print "x,z,y"; for (i = 0; i < 60; i++) { x = (i * 37 % 60) / 60; z = (i * 11 % 60) / 60;
	printf "%g,%g,%g\n", x, z, 1 + 2 * x - z } }' > "$T/g.csv"
pml-collect --label y "$T/g.csv" > "$T/g.mp"
pml-preprocess --scale x=standard --scale z=standard --scale y=log1p "$T/g.mp" > "$T/l.mp"
pml-train -q --epochs 300 -o "$T/l.pmm" "$T/l.mp"
check "log1p label: rmse in original units < 0.5 (labels 0..3)" sh -c "pml-eval -j -m '$T/l.pmm' '$T/g.mp' |
	sed 's/.*\"rmse\":\([^,]*\),.*/\1/' | awk '{ exit !(\$1 < 0.5) }'"
check "log1p label: a reply for x=1, z=0 (label 3) is above 2.5, not in log units" sh -c \
	"echo '{\"x\":1,\"z\":0}' | pml-serve-stdin -q '$T/l.pmm' | awk -F'[:}]' '{ exit !(\$2 > 2.5 && \$2 < 3.5) }'"

expect_err "pml-clean refuses to clip the label" 1 "clipped labels cannot be undone" \
	pml-clean --outliers zscore --outlier-columns y --outlier-action clip "$T/d.mp"
pml-clean --outliers zscore --outlier-columns z --outlier-action clip "$T/d.mp" > "$T/c.mp"
pml-preprocess --label z --scale x=standard "$T/c.mp" > "$T/cz.mp"
expect_err "pml-train refuses a label the chain clipped" 1 "label column 'z' is clipped at fences" \
	pml-train -q --epochs 1 -o "$T/c.pmm" "$T/cz.mp"
done_testing
