#!/bin/sh
# t3500-eval-report: pml-eval's report on a hand-made model and data, as
# text and JSON; predictions; input from stdin and concatenated streams.
# Fixtures (u-metrics --fixtures): model.pml classifies x (vec f32[2]) into
# ant, bee, cat with logits 4 * (x0, x1, -x0 - x1); test.mp holds 6 records,
# 4 predicted right; reg.pml predicts 2 x + 1.
. "$(dirname "$0")/lib.sh"

expect "fixtures written" 0 "$PML_TOP/build/tests/u-metrics" --fixtures "$T"
cd "$T" || exit 1

expect_out "text report" "$(cat <<'R'
              precision    recall  f1-score   support

         ant     0.6667    1.0000    0.8000         2
         bee     0.5000    0.5000    0.5000         2
         cat     1.0000    0.5000    0.6667         2

    accuracy                         0.6667         6
   macro avg     0.7222    0.6667    0.6556         6
weighted avg     0.7222    0.6667    0.6556         6

log-loss        2.0154
top-2 accuracy  0.8333

confusion matrix (rows: true class, columns: predicted class)
    ant bee cat
ant   2   0   0
bee   1   1   0
cat   0   1   1
R
)" pml-eval -m model.pml --top-k 2 test.mp
check "nothing on stderr" test ! -s "$T/err"
cp "$T/out" report.txt

expect_out "same report under LC_ALL=de_DE.UTF-8" "$(cat report.txt)" env LC_ALL=de_DE.UTF-8 pml-eval -m model.pml -k 2 test.mp
expect_out "same report from stdin" "$(cat report.txt)" sh -c 'pml-eval -m model.pml -k 2 < test.mp'
expect_out "same report with --batch 1" "$(cat report.txt)" pml-eval -m model.pml -k 2 --batch 1 test.mp
expect_out "same report with --batch 4 (a partial last batch)" "$(cat report.txt)" \
	pml-eval -m model.pml -k 2 --batch 4 test.mp

run pml-eval -m model.pml test.mp test.mp
check "two files: 12 records" grep -q "^    accuracy                         0.6667        12$" "$T/out"
run sh -c 'cat test.mp test.mp | pml-eval -m model.pml'
check "concatenated streams: 12 records" grep -q "^ant   4   0   0$" "$T/out"

expect_out "regression report" "$(cat <<'R'
records  3
mse      0.333333
rmse     0.57735
mae      0.333333
r2       0.884615
R
)" pml-eval -m reg.pml reg.mp

expect_out "regression JSON" \
	'{"task":"regression","records":3,"mse":0.3333333333333333,"rmse":0.5773502691896257,"mae":0.3333333333333333,"r2":0.8846153846153846,"notes":[],"gates":[]}' \
	pml-eval -m reg.pml --json reg.mp

# JSON schema: keys, order and values (log_loss to 1e-6: it comes from f32).
expect "JSON report" 0 pml-eval -m model.pml --json -k 2 test.mp
cp "$T/out" report.json
cat > check.py <<'PY'
import json, sys
line = open(sys.argv[1]).read()
assert line.endswith('}\n') and line.count('\n') == 1, 'one line'
r = json.loads(line)
assert list(r) == ['task', 'records', 'classes', 'accuracy', 'log_loss', 'top_k', 'top_k_accuracy',
                   'per_class', 'macro_avg', 'weighted_avg', 'confusion_matrix', 'notes', 'gates'], list(r)
assert r['task'] == 'classification' and r['records'] == 6
assert r['classes'] == ['ant', 'bee', 'cat']
assert r['accuracy'] == 4 / 6 and r['top_k'] == 2 and r['top_k_accuracy'] == 5 / 6
assert abs(r['log_loss'] - 2.0154015) < 1e-6, r['log_loss']
assert [list(c) for c in r['per_class']] == [['class', 'precision', 'recall', 'f1', 'support', 'predicted']] * 3
assert [c['predicted'] for c in r['per_class']] == [3, 2, 1]
assert r['per_class'][2] == {'class': 'cat', 'precision': 1, 'recall': 0.5, 'f1': 2 / 3, 'support': 2, 'predicted': 1}
assert list(r['macro_avg']) == ['precision', 'recall', 'f1', 'support'] and r['macro_avg']['support'] == 6
assert abs(r['macro_avg']['f1'] - (0.8 + 0.5 + 2 / 3) / 3) < 1e-15
assert r['confusion_matrix'] == [[2, 0, 0], [1, 1, 0], [0, 1, 1]]
assert r['notes'] == [] and r['gates'] == []
PY
check "JSON schema and values" /usr/bin/python3 check.py report.json

expect "empty stream" 0 pml-eval -m model.pml --json empty.mp
check "empty: zeros and a note" grep -q '"records":0,.*"accuracy":0,.*"notes":\["no records: every metric is 0"\]' "$T/out"

# Predictions: one JSON line per record, in order, the predictor's format.
expect "predictions" 0 pml-eval -m model.pml -p preds.jsonl test.mp
check "six prediction lines" test "$(wc -l < preds.jsonl)" = 6
check "predicted classes in order" test "$(sed 's/^{"class":"\([a-z]*\)".*/\1/' preds.jsonl | tr '\n' ' ')" = \
	"ant ant bee ant cat bee "
check "probabilities listed" grep -q '^{"class":"ant","index":0,"probs":\[0\.98169' preds.jsonl
check "report still on stdout" grep -q "^weighted avg     0.7222" "$T/out"
expect "predictions with top-k" 0 pml-eval -m model.pml -k 2 -p top.jsonl test.mp
check "top-k predictions" grep -q '^{"class":"ant","index":0,"top":\[{"class":"ant","index":0,"p":0\.98169[0-9]*},{"class":"bee","index":1,"p":0\.0179[0-9]*}\]}$' top.jsonl
expect "regression predictions" 0 pml-eval -m reg.pml -p reg.jsonl reg.mp
check "regression values" test "$(cat reg.jsonl | tr '\n' ' ')" = '{"value":1} {"value":3} {"value":5} '

# Outputs: -o writes the file (atomically), nothing on stdout.
expect "report to a file" 0 pml-eval -m model.pml -k 2 -o rep.txt test.mp
check "stdout empty with -o" test ! -s "$T/out"
check "file holds the report" cmp -s rep.txt report.txt
expect_err "write error on stdout" 1 "write error" sh -c 'pml-eval -m model.pml test.mp > /dev/full'
expect_err "predictions to a missing folder" 1 "no/such/dir" pml-eval -m model.pml -p no/such/dir/p.jsonl test.mp
check "no output left behind" test ! -e no

# Plot: the heatmap names the classes and shows the counts.
expect "plot" 0 pml-eval -m model.pml --plot cm.svg test.mp
check "plot is SVG" grep -q '^<svg ' cm.svg
check "plot names classes" sh -c 'grep -q ">ant</text>" cm.svg && grep -q ">cat</text>" cm.svg'
check "plot ends" sh -c 'tail -1 cm.svg | grep -q "^</svg>$"'

done_testing
