#!/bin/sh
# pml(7): progress (redrawn in place) only on a terminal; what a tool
# reports by design (pml-train's epoch lines, -v summaries) goes to stderr
# whatever it is, and -q silences both. The docs say what the tools do.
. "$(dirname "$0")/lib.sh"
printf 'a,b,y\n1,2,x\n3,4,z\n5,6,x\n2,2,z\n4,1,x\n' > "$T/d.csv"
pml-collect -q --label y "$T/d.csv" | pml-preprocess -q --scale '*=standard' -o "$T/p.mp"
expect "train, stderr a file" 0 pml-train --epochs 2 --hidden 4 -o "$T/m.pmm" "$T/p.mp"
cp "$T/err" "$T/train.err"
expect_out "epoch lines on a stderr that is no terminal" 2 grep -c '^epoch [12]/2 ' "$T/train.err"
check "no progress redrawn in place (no CR) when stderr is no terminal" sh -c "! grep -q \"\$(printf '\\r')\" '$T/train.err'"
expect "train -q" 0 pml-train -q --epochs 2 --hidden 4 -o "$T/m.pmm" "$T/p.mp"
check "-q: nothing on stderr" test ! -s "$T/err"
expect "clean -v, stderr a file" 0 pml-clean -v --fill '*=median' -o "$T/c.mp" "$T/p.mp"
check "-v summary on a stderr that is no terminal" grep -q 'records in' "$T/err"
check "no progress from pml-clean either" sh -c "! grep -q \"\$(printf '\\r')\" '$T/err'"
# the docs say so
check "pml(7): progress only on a terminal" sh -c "grep -A1 '^Progress' '$PML_TOP/man/pml.7' | grep -q 'only when standard'"
check "pml(7): the epoch lines go to stderr whatever it is" grep -q 'the epoch lines of$' "$PML_TOP/man/pml.7"
check "pml-train(1): one line per epoch on standard error" grep -q '^One line per epoch is written to standard error' "$PML_TOP/man/pml-train.1"
done_testing
