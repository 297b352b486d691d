#!/bin/sh
# pml-split --stratify on a label that is not a class (a float, a vector):
# a one-line error naming the file and the column, exit 1, no crash, no
# output file left behind (it once read the column name from a freed reader).
. "$(dirname "$0")/lib.sh"
printf 'x,price\n1,0.5\n2,1.5\n3,0.25\n4,2.75\n' > "$T/f.csv"
pml-collect -q --label price -o "$T/f.mp" "$T/f.csv"
expect_err "float label: not a class" 1 "$T/f.mp: label 'price' is float, not a class" \
	pml-split --stratify -r 0.5,0.5 -o "$T/a" -o "$T/b" "$T/f.mp"
check "float label: one line on stderr" test "$(wc -l < "$T/err")" -eq 1
check "float label: no output file" test ! -e "$T/a" -a ! -e "$T/b"
expect_err "float label on stdin: named stdin" 1 "stdin: label 'price' is float, not a class" \
	sh -c "pml-split --stratify -r 0.5,0.5 -o '$T/a' -o '$T/b' < '$T/f.mp'"
expect_err "--label names a float column" 1 "label 'price' is float, not a class" \
	pml-split --stratify --label price --folds 2 --fold 1 -o "$T/a" -o "$T/b" "$T/f.mp"
expect_err "--label names no column: file named" 1 "$T/f.mp: --stratify: no column 'prize'; did you mean 'price'?" \
	pml-split --stratify --label prize -o "$T/a" -o "$T/b" "$T/f.mp"
# a vector column (pml-preprocess assembles the features into one)
pml-preprocess -q --scale '*=standard' -o "$T/v.mp" "$T/f.mp"
expect_err "vector column: not a class" 1 "$T/v.mp: label 'features' is vec, not a class" \
	pml-split --stratify --label features -o "$T/a" -o "$T/b" "$T/v.mp"
# an int label still stratifies
expect "int label: stratified" 0 pml-split --stratify --label x -r 0.5,0.5 -o "$T/a" -o "$T/b" "$T/f.mp"
expect_out "int label: every record kept" 4 sh -c "pml-cat '$T/a' '$T/b' | wc -l | tr -d ' '"
done_testing
