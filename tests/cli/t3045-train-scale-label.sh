#!/bin/sh
# A regression trains on its label standardised and the last layer is
# rescaled afterwards: predictions in the label's own units, a good fit on
# a label of large values with default options; --no-scale-label trains on
# the raw values.
. "$(dirname "$0")/lib.sh"

awk 'BEGIN { srand(3); print "a,b,y";
	for (i = 0; i < 300; i++) { a = rand() * 4 - 2; b = rand() * 4 - 2;
		printf "%.4f,%.4f,%.4f\n", a, b, 5000 + 800 * a - 300 * b * b }}' > "$T/r.csv"
head -241 "$T/r.csv" > "$T/train.csv"
{ head -1 "$T/r.csv"; tail -60 "$T/r.csv"; } > "$T/test.csv"
pml-collect -q --label y "$T/train.csv" | pml-preprocess -q --scale '*=standard' -o "$T/tr.mp"

r2() { pml-eval -m "$1" --json "$T/test.csv" | sed 's/.*"r2":\([-0-9.e]*\).*/\1/'; }

expect "default training" 0 pml-train -q -o "$T/s.pmm" "$T/tr.mp"
expect "--no-scale-label" 0 pml-train -q --no-scale-label -o "$T/u.pmm" "$T/tr.mp"
s=$(r2 "$T/s.pmm")
u=$(r2 "$T/u.pmm")
check "standardised label: R^2 $s above 0.95" awk -v r="$s" 'BEGIN { exit !(r > 0.95) }'
check "raw label: R^2 $u well below it" awk -v r="$u" -v s="$s" 'BEGIN { exit !(r < s - 0.2) }'
# predictions come out in the label's units: the mean prediction is near
# the mean label (about 4600), not near 0
expect_out "predictions in the label's units" 1 sh -c "pml-eval -m '$T/s.pmm' -p - '$T/test.csv' |
	grep '^{' | sed 's/.*\"value\":\([-0-9.e]*\).*/\1/' | awk '{ s += \$1; n++ } END { print (n == 60 && s / n > 4000 && s / n < 5500) }'"
# serving gives the same value as pml-eval
expect_out "serving agrees with pml-eval" 1 sh -c "
	a=\$(pml-eval -m '$T/s.pmm' -p - '$T/test.csv' | sed -n 1p)
	b=\$(sed -n 2p '$T/test.csv' | awk -F, '{ printf \"{\\\"a\\\":%s,\\\"b\\\":%s}\\n\", \$1, \$2 }' |
		pml-serve-stdin -q '$T/s.pmm')
	[ \"\$a\" = \"\$b\" ] && echo 1 || echo \"\$a vs \$b\""
# same data, options and seed: same model bytes
cp "$T/s.pmm" "$T/s1.pmm"
pml-train -q -o "$T/s.pmm" "$T/tr.mp"
check "same bytes twice" cmp -s "$T/s.pmm" "$T/s1.pmm"
# classes are not touched by it
expect_err "usage: --no-scale-label takes no value" 2 "" pml-train --no-scale-label=1 -o "$T/x.pmm" "$T/tr.mp"
done_testing
