#!/bin/sh
# pml-train --plot marks the kept epoch: a dotted vertical line and "kept N"
# in each panel.
. "$(dirname "$0")/lib.sh"
gen() { "$PML_TOP/build/tests/u-model" --gen "$@"; }
gen blobs 300 1 "$T/train.pml"
gen blobs 90 2 "$T/val.pml"
gen reg 200 5 "$T/reg.pml"

expect "classes, --val, 8 epochs" 0 pml-train --epochs 8 --val "$T/val.pml" --plot "$T/c.svg" -o "$T/m" "$T/train.pml"
kept=$(sed -n 's/^pml-train: stopped at .*; kept epoch \([0-9]*\).*/\1/p' "$T/err")
check "a kept epoch was said ($kept)" test -n "$kept"
check "two panels, two kept-epoch lines" test "$(grep -c 'class="kept"' "$T/c.svg")" = 2
check "labelled with the kept epoch" test "$(grep -c ">kept $kept<" "$T/c.svg")" = 2
expect "the tolerance stop, no validation" 0 pml-train -q --tol 100 --patience 3 --plot "$T/t.svg" -o "$T/m2" "$T/train.pml"
check "kept epoch 4 of 4 marked" test "$(grep -c '>kept 4<' "$T/t.svg")" = 2
# the mark is at the kept epoch's x: the same x as that epoch's point on the curve
expect "regression, 5 epochs" 0 pml-train -q --epochs 5 --plot "$T/r.svg" -o "$T/m3" "$T/reg.pml"
check "one panel, one mark" sh -c "test \"\$(grep -c 'class=\"kept\"' '$T/r.svg')\" = 1 && grep -q '>kept 5<' '$T/r.svg'"
x=$(grep 'class="kept"' "$T/r.svg" | sed 's/.*x1="\([0-9.]*\)".*/\1/')
check "the mark's x is the last point's x ($x)" grep -q "<circle cx=\"$x\"" "$T/r.svg"
done_testing
