#!/bin/sh
# pml-train --val-fraction: a stratified, seeded hold-out of the training
# records as the validation set, watched by the stop; not with --val.
. "$(dirname "$0")/lib.sh"
gen() { "$PML_TOP/build/tests/u-model" --gen "$@"; }

gen blobs 300 1 "$T/train.pml"
gen blobs 90 2 "$T/val.pml"
gen reg 200 5 "$T/reg.pml"
# 90 records of class a, 10 of class b: a stratified tenth holds out 9 and 1
awk 'BEGIN { srand(3); print "x1,x2,label"
	for (i = 1; i <= 100; i++) { c = (i % 10 == 0) ? "b" : "a"; o = (c == "b") ? 2 : 0
		printf "%.4f,%.4f,%s\n", rand() + o, rand() - o, c } }' > "$T/skew.csv"
pml-collect -q --label label "$T/skew.csv" | pml-preprocess -q -o "$T/skew.mp"

# the command line is in the model: repeat runs write to the same name
expect "--val-fraction 0.1 -v" 0 pml-train -v --val-fraction 0.1 --epochs 3 -o "$T/m" "$T/train.pml"
mv "$T/m" "$T/m1"
cp "$T/err" "$T/e1"
check "-v: 270 training and 30 held-out validation records" \
	grep -q '^pml-train: 270 training records, 30 validation records (held out); batch 200' "$T/e1"
check "validation metrics logged every epoch" test "$(grep -c '^epoch [1-3]/3 .* val_loss .* val_acc ' "$T/e1")" = 3
expect_out "the metadata counts the held-out records as validation" '"validation":{"records":30,' \
	sh -c "pml-cat '$T/m1' | grep -o '\"validation\":{\"records\":[0-9]*,'"
expect_out "... and the rest as training" '"train":{"records":270,' \
	sh -c "pml-cat '$T/m1' | grep -o '\"train\":{\"records\":[0-9]*,'"
expect "the same seed again" 0 pml-train -v --val-fraction 0.1 --epochs 3 -o "$T/m" "$T/train.pml"
mv "$T/m" "$T/m2"
check "same data, fraction and seed: same model bytes" cmp -s "$T/m1" "$T/m2"
expect "another seed" 0 pml-train -q --val-fraction 0.1 --epochs 3 --seed 9 -o "$T/m3" "$T/train.pml"
check "another seed: another model" sh -c "! cmp -s '$T/m1' '$T/m3'"

# the stop watches the held-out loss
expect "until converged with --val-fraction" 0 pml-train --val-fraction 0.2 --tol 100 --patience 2 \
	-o "$T/m5" "$T/train.pml"
check "the stop line says validation loss" \
	grep -q '^pml-train: stopped at epoch 3: validation loss did not improve by 100 for 2 epochs; kept epoch [1-3]$' "$T/err"

# stratified: every class gives its share
expect "--val-fraction on a skewed table" 0 pml-train -v --val-fraction 0.1 --epochs 1 -o "$T/s" "$T/skew.mp"
check "10 of 100 held out" grep -q '^pml-train: 90 training records, 10 validation records (held out)' "$T/err"
expect "regression" 0 pml-train -v --val-fraction 0.25 --epochs 2 -o "$T/r" "$T/reg.pml"
check "regression: 150 and 50" grep -q '^pml-train: 150 training records, 50 validation records (held out)' "$T/err"
check "regression: validation loss logged" grep -q '^epoch 2/2 .* val_loss ' "$T/err"

expect_err "with --val" 2 "give --val FILE or --val-fraction F, not both" \
	pml-train --val "$T/val.pml" --val-fraction 0.1 -o "$T/x" "$T/train.pml"
expect_err "--val-fraction 0" 2 "--val-fraction" pml-train --val-fraction 0 -o "$T/x" "$T/train.pml"
expect_err "--val-fraction 1.5" 2 "--val-fraction" pml-train --val-fraction 1.5 -o "$T/x" "$T/train.pml"
expect_err "--val-fraction abc" 2 "--val-fraction" pml-train --val-fraction abc -o "$T/x" "$T/train.pml"
expect_err "a fraction that holds out nothing" 1 "validation fraction 0.001 of 300 records leaves the validation set empty" \
	pml-train --val-fraction 0.001 -o "$T/x" "$T/train.pml"
expect_err "a fraction that leaves no training record" 1 "leaves the training set empty" \
	pml-train --val-fraction 0.999 -o "$T/x" "$T/train.pml"
check "no model written by the errors" test ! -e "$T/x"
done_testing
