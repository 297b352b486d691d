#!/bin/sh
# An int label that is a quantity (prices, counts) is refused with the way
# to a regression, instead of a classifier of max + 1 classes; real class
# ids still train. And the hints a new user meets on the way there.
. "$(dirname "$0")/lib.sh"

printf 'x,price\n1,150000\n2,230000\n3,310000\n4,95000\n' > "$T/p.csv"
pml-collect -q --label price "$T/p.csv" | pml-preprocess -q > "$T/p.mp"
expect_err "an int label running up to 310000 for 4 records: refused" 1 \
	"label column 'price' is an int without class names whose values run up to 310000, so it would make 310001 classes for 4 records; if it is a quantity, train a regression: read it as float (pml-collect --type price=float)" \
	pml-train -q --epochs 1 -o "$T/p.pmm" "$T/p.mp"
check "no model written" test ! -e "$T/p.pmm"
pml-collect -q --label price --type price=float "$T/p.csv" | pml-preprocess -q > "$T/pf.mp"
expect "the same label read as float trains a regression" 0 \
	pml-train -q --epochs 1 -o "$T/pf.pmm" "$T/pf.mp"
expect_out "... with no classes" '"classes":[]' sh -c "pml-cat '$T/pf.pmm' | grep -o '\"classes\":\[[^]]*\]'"

# 150 class ids, every one seen: a classifier, as asked
awk 'BEGIN { print "x,y"; for (i = 0; i < 300; i++) printf "%d.5,%d\n", i % 7, i % 150 }' > "$T/c.csv"
pml-collect -q --label y "$T/c.csv" | pml-preprocess -q > "$T/c.mp"
expect "150 class ids, all seen: trains" 0 pml-train -q --epochs 1 -o "$T/c.pmm" "$T/c.mp"
# 150 ids of which 20 are seen: a quantity
awk 'BEGIN { print "x,y"; for (i = 0; i < 300; i++) printf "%d.5,%d\n", i % 7, (i % 20) * 7 + 10 }' > "$T/q.csv"
pml-collect -q --label y "$T/q.csv" | pml-preprocess -q > "$T/q.mp"
expect_err "143 ids of which 20 are seen: refused" 1 "would make 144 classes for 300 records" \
	pml-train -q --epochs 1 -o "$T/q.pmm" "$T/q.mp"

# a float after the inference rows of an int column: the hint is float
awk 'BEGIN { print "a,y"; for (i = 0; i < 1005; i++) printf "%s,%d\n", i < 1002 ? i : "0.4", i % 2 }' > "$T/late.csv"
expect_err "a fraction late in an int column: use --type a=float" 1 \
	"line 1004, column 'a': '0.4' is not an int (the column's type comes from the first 1000 rows); use --type a=float, or a larger --infer-rows" \
	pml-collect -q --label y -o "$T/late.mp" "$T/late.csv"
expect "... which works" 0 pml-collect -q --label y --type a=float -o "$T/late.mp" "$T/late.csv"

# the stage after a failed one says where to look
expect_err "an empty stdin: did the command before fail?" 1 \
	"stdin: empty input: no stream header (if stdin is a pipe: did the command before it fail?)" \
	sh -c "false | pml-cat --count"
expect_err "a named empty file: no pipe hint" 1 "empty.mp: empty input: no stream header" \
	sh -c ": > '$T/empty.mp'; pml-cat --count '$T/empty.mp'"
expect_out "... and only the plain message" 0 \
	sh -c "pml-cat --count '$T/empty.mp' 2>&1 | grep -c 'did the command' || true"
done_testing
