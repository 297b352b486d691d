#!/bin/sh
# pml-split: stratified (a class with one record), group-aware, k-fold, and
# the hash split that keeps old records in their sets when data is appended.
. "$(dirname "$0")/lib.sh"
if ! command -v pml-collect >/dev/null 2>&1; then not_ok "pml-collect is not built"; done_testing; exit 1; fi

{ echo id,g,label; i=1; while [ $i -le 40 ]; do
	c=a; [ $((i % 4)) = 0 ] && c=b; [ $i = 17 ] && c=solo
	echo "$i,g$((i % 6)),$c"; i=$((i + 1)); done; } > "$T/a.csv"
pml-collect --id id --label label "$T/a.csv" > "$T/a.mp"
pml-cat "$T/a.mp" | sort > "$T/all"
cnt() { pml-cat "$1" | grep -c "\"label\":\"$2\"" || true; }

expect "stratified split with a one-record class" 0 \
	pml-split --stratify -r 0.5,0.5 -o "$T/s1" -o "$T/s2" "$T/a.mp"
expect_out "class proportions kept (a 29 -> 15/14, b 10 -> 5/5)" '15 14 5 5' \
	echo "$(cnt "$T/s1" a) $(cnt "$T/s2" a) $(cnt "$T/s1" b) $(cnt "$T/s2" b)"
expect_out "the one-record class is in exactly one set" '1' \
	echo "$(( $(cnt "$T/s1" solo) + $(cnt "$T/s2" solo) ))"
expect_out "stratified, three ways: union is the input" same \
	sh -c "pml-split --stratify -r 0.6,0.2,0.2 -o '$T/t1' -o '$T/t2' -o '$T/t3' '$T/a.mp' && pml-cat '$T/t1' '$T/t2' '$T/t3' | sort | cmp -s - '$T/all' && echo same"
expect_err "stratify needs a label" 1 "no column has role label" sh -c "pml-collect '$T/a.csv' | pml-split --stratify -o '$T/x1' -o '$T/x2'"

expect "group split" 0 pml-split --group g -r 0.7,0.3 -o "$T/g1" -o "$T/g2" "$T/a.mp"
expect_out "no group in both sets" '' sh -c "
	pml-cat '$T/g1' | grep -o '\"g\":\"g[0-9]\"' | sort -u > '$T/gg1'
	pml-cat '$T/g2' | grep -o '\"g\":\"g[0-9]\"' | sort -u > '$T/gg2'
	comm -12 '$T/gg1' '$T/gg2'"
expect_out "group split: union is the input" same \
	sh -c "pml-cat '$T/g1' '$T/g2' | sort | cmp -s - '$T/all' && echo same"

: > "$T/folds"
for i in 1 2 3 4; do
	expect "fold $i of 4" 0 pml-split --folds 4 --fold $i -o "$T/k$i.train" -o "$T/k$i.test" "$T/a.mp"
	pml-cat "$T/k$i.test" >> "$T/folds"
done
expect_out "test folds are disjoint and cover the input" same \
	sh -c "sort '$T/folds' | cmp -s - '$T/all' && echo same"
expect_out "fold sizes 10 each; train is the rest" '10 30' \
	sh -c "echo \$(pml-cat --count '$T/k2.test') \$(pml-cat --count '$T/k2.train')"
expect_out "train of fold 2 = the other folds" same \
	sh -c "pml-cat '$T/k1.test' '$T/k3.test' '$T/k4.test' | sort > '$T/o' && pml-cat '$T/k2.train' | sort | cmp -s - '$T/o' && echo same"
expect "stratified k-fold" 0 pml-split --stratify --folds 5 --fold 1 -o "$T/sk1" -o "$T/sk2" "$T/a.mp"
expect_out "stratified k-fold keeps b at 2 per fold" 2 cnt "$T/sk2" b
expect "group k-fold" 0 pml-split --group g --folds 3 --fold 2 -o "$T/gk1" -o "$T/gk2" "$T/a.mp"
expect_out "group k-fold: no group on both sides" '' sh -c "
	pml-cat '$T/gk1' | grep -o '\"g\":\"g[0-9]\"' | sort -u > '$T/h1'
	pml-cat '$T/gk2' | grep -o '\"g\":\"g[0-9]\"' | sort -u > '$T/h2'
	comm -12 '$T/h1' '$T/h2'"
expect_err "--fold beyond --folds" 2 "there are 3 folds" pml-split --folds 3 --fold 4 -o "$T/x1" -o "$T/x2" "$T/a.mp"
expect_err "--folds with --ratios" 2 "no --ratios" pml-split --folds 3 --fold 1 -r 0.5,0.5 -o "$T/x1" -o "$T/x2" "$T/a.mp"
expect_err "--folds with 3 outputs" 2 "train and test" pml-split --folds 3 --fold 1 -o "$T/x1" -o "$T/x2" -o "$T/x3" "$T/a.mp"
expect_err "--folds 1" 2 "--folds" pml-split --folds 1 --fold 1 -o "$T/x1" -o "$T/x2" "$T/a.mp"

# Hash split: split N, append M, split again: old records keep their sets.
{ echo id,g,label; i=41; while [ $i -le 70 ]; do echo "$i,g$((i % 6)),a"; i=$((i + 1)); done; } > "$T/b.csv"
pml-collect --id id --label label "$T/b.csv" > "$T/b.mp"
for mode in "--key id" ""; do
	expect "hash split ($mode) of the first 40" 0 pml-split --hash $mode --salt s1 -r 0.6,0.2,0.2 -o "$T/h1" -o "$T/h2" -o "$T/h3" "$T/a.mp"
	expect "hash split ($mode) of 70 after appending" 0 sh -c "cat '$T/a.mp' '$T/b.mp' | pml-split --hash $mode --salt s1 -r 0.6,0.2,0.2 -o '$T/H1' -o '$T/H2' -o '$T/H3'"
	for s in 1 2 3; do
		pml-cat "$T/h$s" | sort > "$T/old$s"
		pml-cat "$T/H$s" | sort > "$T/new$s"
		check "hash ($mode): set $s keeps its old records" sh -c "[ -z \"\$(comm -23 '$T/old$s' '$T/new$s')\" ]"
	done
	expect_out "hash ($mode): all 70 placed" 70 sh -c "pml-cat '$T/H1' '$T/H2' '$T/H3' | wc -l | tr -d ' '"
done
expect "another salt" 0 pml-split --hash --key id --salt s2 -r 0.6,0.2,0.2 -o "$T/s1h" -o "$T/s2h" -o "$T/s3h" "$T/a.mp"
pml-cat "$T/s1h" | sort > "$T/salt2"
check "another salt, another split" sh -c "! cmp -s '$T/salt2' '$T/old1'"
expect_err "hash: ratio 0 gets nothing" 0 "40 records: $T/r1 40, $T/r2 0" \
	pml-split -v --hash -r 1,0 -o "$T/r1" -o "$T/r2" "$T/a.mp"
expect_err "--salt needs --hash" 2 "need --hash" pml-split --salt x -o "$T/x1" -o "$T/x2" "$T/a.mp"
expect_err "--hash with --stratify" 2 "cannot be combined" pml-split --hash --stratify -o "$T/x1" -o "$T/x2" "$T/a.mp"
expect_err "unknown key column" 1 "no column 'zz'" pml-split --hash --key zz -o "$T/x1" -o "$T/x2" "$T/a.mp"
done_testing
