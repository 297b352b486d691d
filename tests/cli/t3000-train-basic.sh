#!/bin/sh
# pml-train: options, training runs, determinism, and failures that keep the old model.
. "$(dirname "$0")/lib.sh"
gen() { "$PML_TOP/build/tests/u-model" --gen "$@"; }

gen blobs 300 1 "$T/train.pml"
gen blobs 90 2 "$T/val.pml"
gen blobs-u8 200 3 "$T/u8.pml"
gen intlabel 120 4 "$T/int.pml"
gen reg 400 5 "$T/reg.pml"
gen nan 50 6 "$T/nan.pml"
gen wide 50 7 "$T/wide.pml"
gen float-x 50 8 "$T/floatx.pml"
gen oneclass 20 9 "$T/one.pml"
gen blobs 1 10 "$T/single.pml"

expect "help" 0 pml-train --help
check "help names -o" grep -q -- "--output MODEL" "$T/out"
expect "version" 0 pml-train --version
expect_err "no -o" 2 "give -o MODEL" pml-train "$T/train.pml"
expect "unknown option" 2 pml-train --bogus -o "$T/m" "$T/train.pml"
expect_err "lr 0" 2 "--lr" pml-train --lr 0 -o "$T/m" "$T/train.pml"
expect_err "lr NaN" 2 "--lr" pml-train --lr nan -o "$T/m" "$T/train.pml"
expect_err "lr 1e9" 2 "--lr" pml-train --lr 1e9 -o "$T/m" "$T/train.pml"
expect_err "epochs 0" 2 "--epochs" pml-train --epochs 0 -o "$T/m" "$T/train.pml"
expect_err "threads 0" 2 "--threads" pml-train --threads 0 -o "$T/m" "$T/train.pml"
expect_err "batch 1.5" 2 "--batch" pml-train --batch 1.5 -o "$T/m" "$T/train.pml"
expect_err "dropout 1" 2 "--dropout" pml-train --dropout 1 -o "$T/m" "$T/train.pml"
expect_err "unknown activation" 2 "gelu" pml-train --activation gelu -o "$T/m" "$T/train.pml"
expect_err "activation count" 2 "--activation" pml-train --hidden 8,4,2 --activation relu,tanh -o "$T/m" "$T/train.pml"
expect_err "layer of 0 units" 2 "0 units" pml-train --hidden 8,0 -o "$T/m" "$T/train.pml"
expect_err "--epochs and --max-epochs" 2 "not both" pml-train --epochs 3 --max-epochs 9 -o "$T/m" "$T/train.pml"
expect_err "--val and --val-fraction" 2 "not both" pml-train --val "$T/val.pml" --val-fraction 0.1 -o "$T/m" "$T/train.pml"
expect_err "--val-fraction 1" 2 "--val-fraction" pml-train --val-fraction 1 -o "$T/m" "$T/train.pml"
expect_err "--tol -1" 2 "--tol" pml-train --tol -1 -o "$T/m" "$T/train.pml"
expect_err "--alpha nan" 2 "--alpha" pml-train --alpha nan -o "$T/m" "$T/train.pml"
expect_err "unknown preset" 2 "preset" pml-train --preset mnist -o "$T/m" "$T/train.pml"
expect_err "ce on a float label" 2 "float" pml-train --loss ce -o "$T/m" "$T/reg.pml"
check "nothing written by usage errors" test ! -e "$T/m"

# the command line is in the model: repeat runs write to the same name
expect "train blobs" 0 pml-train --epochs 4 --hidden 8 -o "$T/m" "$T/train.pml"
mv "$T/m" "$T/m1"
check "one log line per epoch on stderr" test "$(grep -c '^epoch [1-4]/4  loss' "$T/err")" = 4
check "model file has the magic" sh -c "head -c 20 '$T/m1' | grep -q pml-model"
expect "same seed again" 0 pml-train --epochs 4 --hidden 8 -o "$T/m" "$T/train.pml"
mv "$T/m" "$T/m2"
check "same data, options, seed: same model bytes" cmp -s "$T/m1" "$T/m2"
expect "stdin input" 0 sh -c "pml-train --epochs 4 --hidden 8 -o '$T/m3' < '$T/train.pml'"
check "stdin gives the same weights" test "$(wc -c < "$T/m3")" -gt 1000
expect "another seed" 0 pml-train --seed 7 --epochs 4 --hidden 8 -o "$T/m4" "$T/train.pml"
check "another seed: another model" sh -c "! cmp -s '$T/m1' '$T/m4'"
LC_ALL=de_DE.UTF-8 expect "German locale" 0 pml-train --epochs 4 --hidden 8 -o "$T/m" "$T/train.pml"
mv "$T/m" "$T/m5"
check "locale does not change the bytes" cmp -s "$T/m1" "$T/m5"

expect "quiet" 0 pml-train -q --epochs 2 -o "$T/q" "$T/train.pml"
check "quiet: stderr empty" test ! -s "$T/err"
expect "log file" 0 pml-train -q --epochs 3 --log "$T/log.txt" -o "$T/q" "$T/train.pml"
check "log file has 3 lines" test "$(grep -c '^epoch' "$T/log.txt")" = 3
expect "validation and patience" 0 pml-train --epochs 50 --patience 2 --val "$T/val.pml" -o "$T/v" "$T/train.pml"
check "validation metrics logged" grep -q "val_acc" "$T/err"
expect "every option" 0 pml-train -q --hidden 16,8 --activation tanh,sigmoid --dropout 0.1 --init xavier \
	--optimizer sgd --lr 0.05 --momentum 0.8 --nesterov --weight-decay 1e-4 --schedule step \
	--step-epochs 2 --step-gamma 0.5 --batch 7 --epochs 3 --threads 2 -o "$T/all" "$T/train.pml"
expect "cosine schedule, no hidden layer" 0 pml-train -q --hidden 0 --schedule cosine --epochs 5 -o "$T/nh" "$T/train.pml"
expect "preset with an override" 0 pml-train -q --preset fashion --epochs 1 -o "$T/pre" "$T/train.pml"
expect "u8 features" 0 pml-train -q --epochs 2 -o "$T/u8m" "$T/u8.pml"
expect "int label without class names" 0 pml-train -q --epochs 2 -o "$T/intm" "$T/int.pml"
expect "regression" 0 pml-train --epochs 40 --batch 64 --hidden 0 --lr 0.05 -o "$T/regm" "$T/reg.pml"
check "regression loss goes down" sh -c "grep '^epoch' '$T/err' | tail -1 | awk '{ exit !(\$4 < 0.05) }'"
expect "named columns" 0 pml-train -q --features x --label y --epochs 1 -o "$T/named" "$T/train.pml"
expect_err "unknown feature column" 1 "no column 'nope'" pml-train --features nope -o "$T/x" "$T/train.pml"
expect_err "feature column not a vec" 1 "no vec feature" pml-train -o "$T/x" "$T/floatx.pml"
expect_err "a single class" 1 "single class ('0')" pml-train -o "$T/x" "$T/one.pml"
expect "a single record" 0 pml-train -q --epochs 2 -o "$T/single" "$T/single.pml"
expect_err "label column is not a label" 1 "label column 'id'" pml-train --label id -o "$T/x" "$T/train.pml"

cp "$T/m1" "$T/keep"
expect_err "diverging run fails" 1 "diverged" pml-train --optimizer sgd --lr 100 --batch 64 --epochs 5 -o "$T/keep" "$T/train.pml"
check "diverging run keeps the old model" cmp -s "$T/m1" "$T/keep"
check "no temporary file left" test -z "$(ls -A "$T" | grep '^\.keep')"
expect_err "NaN feature" 1 "record 5, column 'x': element 1 is not finite" pml-train -o "$T/keep" "$T/nan.pml"
expect_err "validation of another shape" 1 "do not match" pml-train --val "$T/wide.pml" -o "$T/keep" "$T/train.pml"
expect_err "missing input" 1 "nope.pml" pml-train -o "$T/keep" "$T/nope.pml"
expect_err "empty input" 1 "empty" pml-train -o "$T/keep" /dev/null
head -c 200 "$T/train.pml" > "$T/cut.pml"
expect_err "truncated input" 1 "truncated" pml-train -o "$T/keep" "$T/cut.pml"
expect_err "directory as input" 1 "" pml-train -o "$T/keep" "$T"
check "old model still intact" cmp -s "$T/m1" "$T/keep"
expect "output folder missing" 1 pml-train -q --epochs 1 -o "$T/no/such/dir/m" "$T/train.pml"
cp "$T/train.pml" "$T/-lead dash.pml"
expect "file name with a dash and a space" 0 pml-train -q --epochs 1 -o "$T/dash model" -- "$T/-lead dash.pml"
done_testing
