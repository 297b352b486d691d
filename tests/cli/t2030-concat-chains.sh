#!/bin/sh
# Streams concatenate only when their fitted chains are equal too: records
# scaled with other statistics must not train under the first stream's chain.
. "$(dirname "$0")/lib.sh"

printf 'x,y\n1,a\n2,b\n3,a\n4,b\n' > "$T/a.csv"
printf 'x,y\n10,a\n20,b\n30,a\n40,b\n' > "$T/b.csv"
pml-collect --label y "$T/a.csv" > "$T/a.mp"
pml-collect --label y "$T/b.csv" > "$T/b.mp"
pml-preprocess --scale x=minmax "$T/a.mp" > "$T/am.mp"
pml-preprocess --scale x=standard "$T/b.mp" > "$T/bs.mp"
pml-preprocess --scale x=minmax "$T/b.mp" > "$T/bm.mp"
pml-preprocess --apply "$T/am.mp" "$T/b.mp" > "$T/ba.mp"

expect_err "cat of min-max and standardised streams: pml-train refuses" 1 "fitted chain differs" \
	sh -c "cat '$T/am.mp' '$T/bs.mp' | pml-train -q --epochs 1 -o '$T/m.model'"
check "no model written" test ! -e "$T/m.model"
expect_err "same op fitted on other data: refused too" 1 "cannot concatenate" \
	sh -c "cat '$T/am.mp' '$T/bm.mp' | pml-cat --count"
expect_err "two files as operands: same rule" 1 "bs.mp: cannot concatenate" \
	pml-cat --count "$T/am.mp" "$T/bs.mp"
pml-clean --fill x=mean "$T/a.mp" > "$T/af.mp"
expect_err "a chained stream after an unchained one" 1 "fitted chain has 1 step, the first input's 0" \
	pml-cat --count "$T/a.mp" "$T/af.mp"
expect_out "the same chain applied with --apply concatenates" 8 \
	sh -c "cat '$T/am.mp' '$T/ba.mp' | pml-cat --count"
expect_out "streams without a chain still concatenate" 8 pml-cat --count "$T/a.mp" "$T/b.mp"
done_testing
