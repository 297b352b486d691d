#!/bin/sh
# t3510-eval-gates: --min/--max gates, --baseline with --max-drop; a failed
# gate exits 3, names the metric on stderr, and the report is still written.
# Fixtures: model.pml has accuracy 4/6 and log-loss 2.0154 on test.mp;
# base.pml always says "ant" (accuracy 2/6, log-loss 1.2181).
. "$(dirname "$0")/lib.sh"

expect "fixtures written" 0 "$PML_TOP/build/tests/u-metrics" --fixtures "$T"
cd "$T" || exit 1

expect "min accuracy met" 0 pml-eval -m model.pml --min accuracy=0.6 --max log_loss=3 test.mp
check "gates listed as passed" grep -q "^  pass: min accuracy 0.6: 0.666667$" "$T/out"
check "no stderr when gates pass" test ! -s "$T/err"
expect "accuracy equal to the minimum passes" 0 pml-eval -m model.pml --min records=6 --max records=6 test.mp

expect "min accuracy missed: exit 3" 3 pml-eval -m model.pml --min accuracy=0.7 test.mp
check "one stderr line names the gate" test "$(cat "$T/err")" = \
	"pml-eval: gate failed: accuracy 0.666667 is below the minimum 0.7"
check "report written anyway" grep -q "^  FAIL: min accuracy 0.7: 0.666667$" "$T/out"

expect "max log_loss exceeded: exit 3" 3 pml-eval -m model.pml --max log_loss=2 test.mp
check "its reason" grep -q "gate failed: log_loss 2.0154 is above the maximum 2" "$T/err"

expect "two gates fail: two lines" 3 pml-eval -m model.pml --min macro_f1=0.9 --min recall:cat=0.6 \
	--min recall:ant=1 test.mp
check "two lines on stderr" test "$(wc -l < "$T/err")" = 2
check "per-class gate named" grep -q "gate failed: recall:cat 0.5 is below the minimum 0.6" "$T/err"

expect "top-k gate" 3 pml-eval -m model.pml -k 2 --min top_k_accuracy=0.9 test.mp
expect "JSON report with gates" 3 pml-eval -m model.pml --json --min accuracy=0.5 --max log_loss=1 test.mp
check "gates in JSON" grep -q '"gates":\[{"metric":"accuracy","kind":"min","limit":0.5,"value":0.6666666666666666,"baseline":null,"pass":true},{"metric":"log_loss","kind":"max","limit":1,"value":2.0154[0-9]*,"baseline":null,"pass":false}\]}$' "$T/out"

expect "regression gates pass" 0 pml-eval -m reg.pml --min r2=0.8 --max mse=0.5 reg.mp
expect "regression gate fails" 3 pml-eval -m reg.pml --max rmse=0.5 reg.mp

# Baseline comparison.
expect "no drop against a worse baseline" 0 pml-eval -m model.pml -b base.pml --max-drop accuracy=0 test.mp
check "baseline value in the report" grep -q "^  pass: max_drop accuracy 0: 0.666667 (baseline 0.333333)$" "$T/out"
expect "drop of 1/3 allowed" 0 pml-eval -m base.pml --baseline model.pml --max-drop accuracy=0.34 test.mp
expect "drop of 1/3 over 0.3: exit 3" 3 pml-eval -m base.pml --baseline model.pml --max-drop accuracy=0.3 test.mp
check "drop reason" test "$(cat "$T/err")" = \
	"pml-eval: gate failed: accuracy is 0.333333 against the baseline's 0.666667: worse by 0.333333, more than the allowed 0.3"
expect "log_loss rises by 0.797: exit 3" 3 pml-eval -m model.pml -b base.pml --max-drop log_loss=0.5 test.mp
expect "JSON with baseline" 0 pml-eval -m model.pml -b base.pml --json --max-drop macro_f1=0.1 test.mp
check "baseline in JSON gate" grep -q '"kind":"max_drop","limit":0.1,"value":0.6555555555555556,"baseline":0.1666666666666666[0-9]*,"pass":true' "$T/out"
expect_err "baseline of another task" 1 "do not do the same task" pml-eval -m model.pml -b reg.pml test.mp
expect_err "missing baseline file" 1 "nope.pml" pml-eval -m model.pml -b nope.pml --max-drop accuracy=0 test.mp

# Gate usage errors: exit 2 before any result.
expect_err "unknown metric" 2 "unknown metric 'speed'" pml-eval -m model.pml --min speed=1 test.mp
expect_err "not a number" 2 "'high' is not a number" pml-eval -m model.pml --min accuracy=high test.mp
expect_err "no '='" 2 "expected METRIC=VALUE" pml-eval -m model.pml --max log_loss test.mp
expect_err "negative drop" 2 "must be 0 or more" pml-eval -m model.pml -b base.pml --max-drop accuracy=-1 test.mp
expect_err "max-drop without baseline" 2 "needs --baseline" pml-eval -m model.pml --max-drop accuracy=0.1 test.mp
expect_err "regression metric on a classifier" 2 "does not apply" pml-eval -m model.pml --min r2=0.5 test.mp
expect_err "accuracy on a regression" 2 "does not apply" pml-eval -m reg.pml --min accuracy=0.5 reg.mp
expect_err "top_k_accuracy without -k" 2 "no --top-k" pml-eval -m model.pml --min top_k_accuracy=0.5 test.mp
expect_err "unknown class" 2 "no class has that name" pml-eval -m model.pml --min recall:dog=0.5 test.mp
check "usage error prints no report" test ! -s "$T/out"

done_testing
