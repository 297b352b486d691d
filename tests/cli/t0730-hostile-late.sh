#!/bin/sh
# Found by the reliability pass: numbers with leading blanks, a gate on no
# records, and a directory as pml-train's output (refused before training).
. "$(dirname "$0")/lib.sh"
cd "$T"
awk 'BEGIN { srand(2); print "x,y,label"
	for (i = 1; i <= 60; i++) { x = rand(); y = rand(); printf "%.3f,%.3f,%s\n", x, y, (x > y ? "a" : "b") } }' > d.csv
pml-collect -q --label label d.csv | pml-preprocess -q -o p.mp
expect_err "--epochs ' 3' is refused" 2 "'--epochs': ' 3' is not an integer" pml-train --epochs ' 3' -o m p.mp
expect_err "--seed ' 1' is refused" 2 "is not a non-negative integer" pml-train --seed ' 1' -o m p.mp
mkdir adir
expect_err "-o a directory is refused before training" 2 "is a directory" pml-train -q -o adir p.mp
check "no epoch was run" sh -c "! grep -q epoch '$T/err'"
expect "train" 0 pml-train -q --hidden 4 --epochs 2 -o m p.mp
printf 'x,y,label\n' > empty.csv
pml-collect -q --label label --type x=float --type y=float empty.csv > empty.raw
expect_out "empty input has no records" 0 pml-cat --count empty.raw
expect "no gate on no records: a report" 0 pml-eval -q -m m --json -o r.json p.mp
expect_err "a gate on no records fails" 3 "no records to evaluate" pml-eval -q -m m --max log_loss=10 -o r2.txt empty.raw
done_testing
