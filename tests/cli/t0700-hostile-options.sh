#!/bin/sh
# Hostile options (TESTPLAN "Options"): ratios, lr, epochs, threads out of
# range, duplicated flags, names with spaces or a leading dash. Cases already
# covered elsewhere (t2500 ratios list, t3000 lr/epochs/threads) are not repeated.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"

# ratios: a single 0 or 1 share is fine (t2500); these are not
for r in 0,0 1,1 1.5,-0.5 -0.1,1.1 nan,nan inf,0 0x1p-1,0x1p-1 '0.5, 0.5'; do
	expect_err "split --ratios '$r'" 2 "--ratios" pml-split -r "$r" -o "$T/s1" -o "$T/s2" "$T/p.mp"
done
check "no output left by usage errors" test ! -e "$T/s1" -a ! -e "$T/s2"
expect_err "split --seed nan" 2 "'--seed': 'nan'" pml-split --seed nan -o "$T/s1" -o "$T/s2" "$T/p.mp"
expect_err "split --folds 0" 2 "'--folds': 0 is out of range" pml-split --folds 0 --fold 1 -o "$T/s1" -o "$T/s2" "$T/p.mp"
expect_err "split --fold 0" 2 "--fold" pml-split --folds 3 --fold 0 -o "$T/s1" -o "$T/s2" "$T/p.mp"

# train numbers
expect_err "train --lr -1" 2 "--lr" pml-train --lr -1 -o "$T/m" "$T/tr.mp"
expect_err "train --lr inf" 2 "--lr" pml-train --lr inf -o "$T/m" "$T/tr.mp"
expect_err "train --lr 1,5 (comma decimal)" 2 "--lr" pml-train --lr 1,5 -o "$T/m" "$T/tr.mp"
expect_err "train --epochs -1" 2 "'--epochs': -1 is out of range" pml-train --epochs -1 -o "$T/m" "$T/tr.mp"
expect_err "train --epochs 2^64" 2 "'--epochs': '99999999999999999999' is not an integer" \
	pml-train --epochs 99999999999999999999 -o "$T/m" "$T/tr.mp"
expect_err "train --epochs '3 ' (padded)" 2 "--epochs" pml-train --epochs '3 ' -o "$T/m" "$T/tr.mp"
expect_err "train --threads -3" 2 "'--threads': -3 is out of range" pml-train --threads -3 -o "$T/m" "$T/tr.mp"
expect_err "train --threads 100000" 2 "--threads" pml-train --threads 100000 -o "$T/m" "$T/tr.mp"
expect_err "train --batch 0" 2 "'--batch': 0 is out of range" pml-train --batch 0 -o "$T/m" "$T/tr.mp"
expect_err "train --momentum nan" 2 "'--momentum': 'nan' is not a finite number" pml-train --momentum nan -o "$T/m" "$T/tr.mp"
expect_err "train --dropout nan" 2 "--dropout" pml-train --dropout nan -o "$T/m" "$T/tr.mp"
expect_err "train --weight-decay -1" 2 "--weight-decay" pml-train --weight-decay -1 -o "$T/m" "$T/tr.mp"
expect_err "train --hidden of 10^8 units" 2 "--hidden" pml-train --hidden 100000000,100000000 -o "$T/m" "$T/tr.mp"
expect_err "train --seed -1" 2 "--seed" pml-train --seed -1 -o "$T/m" "$T/tr.mp"
check "no model left by usage errors" test ! -e "$T/m"
expect_err "clean --threshold nan" 2 "'--threshold': 'nan' is not a finite number" pml-clean --outliers zscore --threshold nan "$T/a.mp"
expect_err "clean --threshold 1e999" 2 "--threshold" pml-clean --outliers zscore --threshold 1e999 "$T/a.mp"
expect_err "preprocess --min-count 0" 2 "--min-count" pml-preprocess --min-count 0 "$T/c.mp"
expect_err "preprocess --text-slots 0" 2 "--text-slots" pml-preprocess --text cat --text-slots 0 "$T/c.mp"
for t in cat clean preprocess split eval; do
	expect_err "$t --max-message 0" 2 "--max-message" pml-$t --max-message 0 -m "$T/m.pml" -o "$T/x1" -o "$T/x2" "$T/p.mp"
done
expect_err "eval --min accuracy=nan" 2 "'nan' is not a number" pml-eval -m "$T/m.pml" --min accuracy=nan "$T/te.mp"
expect_err "eval --batch 0" 2 "--batch" pml-eval -m "$T/m.pml" --batch 0 "$T/te.mp"

# duplicated flags: a second output or model is a usage error (like sort -o a -o b);
# a repeated value option takes the last value, as getopt tools do
expect_err "clean -o twice" 2 "-o given twice" pml-clean -o "$T/o1" -o "$T/o2" "$T/a.mp"
expect_err "preprocess -o twice" 2 "-o given twice" pml-preprocess -o "$T/o1" -o "$T/o2" "$T/c.mp"
expect_err "train -o twice" 2 "-o given twice" pml-train -o "$T/o1" -o "$T/o2" "$T/tr.mp"
expect_err "eval -m twice" 2 "-m given twice" pml-eval -m "$T/m.pml" -m "$T/m.pml" "$T/te.mp"
expect_err "eval -o twice" 2 "-o given twice" pml-eval -m "$T/m.pml" -o "$T/o1" -o "$T/o2" "$T/te.mp"
expect_err "eval -p twice" 2 "-p given twice" pml-eval -m "$T/m.pml" -p "$T/o1" -p "$T/o2" "$T/te.mp"
expect_err "cat -o twice" 2 "-o given twice" pml-cat -o "$T/o1" -o "$T/o2" "$T/a.mp"
expect_err "clean --apply twice" 2 "--apply given twice" pml-clean --apply "$T/c.mp" --apply "$T/c.mp" "$T/a.mp"
check "nothing written by duplicated -o" test ! -e "$T/o1" -a ! -e "$T/o2"
expect_err "train --epochs 9 --epochs 1: the last wins" 0 "epoch 1/1 " pml-train --epochs 9 --epochs 1 --hidden 4 -o "$T/e1" "$T/tr.mp"
expect_err "unknown flag after the files" 2 "try 'pml-split --help'" pml-split "$T/p.mp" -o "$T/x1" -o "$T/x2" --bogus

# names with spaces and a leading dash
mkdir -p "$T/d i r"
cp "$T/a.mp" "$T/d i r/-a b.mp"
cd "$T/d i r"
expect "clean: input and output names with a space and a leading dash" 0 pml-clean --fill x=mean -o "-c d.mp" -- "-a b.mp"
check "same records as by plain names" sh -c "pml-cat '$T/c.mp' > '$T/j1' && pml-cat -- '-c d.mp' | cmp -s - '$T/j1'"
expect "preprocess with a dash name" 0 pml-preprocess -o ./-p.mp -- "-c d.mp"
expect "split with dash names" 0 pml-split -r 0.8,0.2 -o "-t r" -o "-t e" -- ./-p.mp
expect "train with a dash model name" 0 pml-train -q --epochs 1 --hidden 4 -o "-m 1" -- "-t r"
expect "eval with a dash model name" 0 pml-eval -m "-m 1" -o "-r e" -- "-t e"
expect_out "cat with a dash name" 12 pml-cat --count -- "-t e"
expect_err "a dash name without -- is an option" 2 "" pml-cat --count "-t e"
cd "$T"
done_testing
