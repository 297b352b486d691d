#!/bin/sh
# pml-train --plot: the learning curve as SVG, with and without validation.
. "$(dirname "$0")/lib.sh"
awk 'BEGIN { srand(5); print "x,y,label"
	for (i = 1; i <= 200; i++) { x = rand(); y = rand(); printf "%.4f,%.4f,%s\n", x, y, (x + y > 1 ? "hi" : "lo") } }' > "$T/d.csv"
pml-collect -q --label label "$T/d.csv" | pml-preprocess -q -o "$T/p.mp"
pml-split -q --ratios 0.75,0.25 -o "$T/tr.mp" -o "$T/va.mp" "$T/p.mp"
expect "train with --plot" 0 pml-train -q --hidden 8 --epochs 5 --plot "$T/c.svg" -o "$T/m" "$T/tr.mp"
check "svg written" grep -q '^<svg' "$T/c.svg"
check "svg has the title" grep -q 'pml-train learning curve' "$T/c.svg"
check "svg has a loss panel" grep -q '>loss<' "$T/c.svg"
check "svg has an accuracy panel" grep -q '>accuracy<' "$T/c.svg"
check "svg is closed" sh -c "tail -c 20 '$T/c.svg' | grep -q '</svg>'"
expect "train with --val and --plot" 0 pml-train -q --hidden 8 --epochs 5 --val "$T/va.mp" \
	--plot "$T/v.svg" -o "$T/m2" "$T/tr.mp"
check "validation curve drawn (dashed)" grep -q 'stroke-dasharray' "$T/v.svg"
expect "same run, same picture" 0 pml-train -q --hidden 8 --epochs 5 --val "$T/va.mp" \
	--plot "$T/v2.svg" -o "$T/m3" "$T/tr.mp"
check "plot bytes are deterministic" cmp -s "$T/v.svg" "$T/v2.svg"
expect_err "plot into a missing folder fails" 1 "$T/nope/c.svg" \
	pml-train -q --hidden 8 --epochs 2 --plot "$T/nope/c.svg" -o "$T/m4" "$T/tr.mp"
done_testing
