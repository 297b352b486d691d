#!/bin/sh
# pml-split by ratios: counts, ratio edge cases (0, 1, sums != 1), empty
# input, one record, determinism, complete output streams.
. "$(dirname "$0")/lib.sh"
if ! command -v pml-collect >/dev/null 2>&1; then not_ok "pml-collect is not built"; done_testing; exit 1; fi

{ echo id,x; i=1; while [ $i -le 10 ]; do echo "$i,$((i * 3 % 7))"; i=$((i + 1)); done; } > "$T/a.csv"
pml-collect --id id "$T/a.csv" > "$T/a.mp"
pml-cat "$T/a.mp" | sort > "$T/all"
n() { pml-cat --count "$1"; }

expect_err "three-way split, counts on stderr" 0 "10 records: $T/tr 8, $T/va 1, $T/te 1" \
	pml-split -v --ratios 0.8,0.1,0.1 -o "$T/tr" -o "$T/va" -o "$T/te" "$T/a.mp"
expect_out "every record lands in exactly one output" same \
	sh -c "pml-cat '$T/tr' '$T/va' '$T/te' | sort | cmp -s - '$T/all' && echo same"
expect_out "records keep their input order" same \
	sh -c "pml-cat '$T/tr' | sed 's/{\"id\":\\([0-9]*\\).*/\\1/' > '$T/ids' && sort -n -c '$T/ids' && echo same"
expect_out "outputs keep the input header, plus provenance" 'pml-collect pml-split' \
	sh -c "pml-cat -s '$T/va' | grep -o '\"tool\":\"[a-z-]*\"' | sed 's/.*:\"\\(.*\\)\"/\\1/' | tr '\n' ' ' | sed 's/ \$//'"
expect "same seed" 0 pml-split --ratios 0.5,0.5 -o "$T/s1" -o "$T/s2" "$T/a.mp"
expect "same seed again" 0 pml-split --ratios 0.5,0.5 -o "$T/s3" -o "$T/s4" "$T/a.mp"
check "same seed, same records" sh -c "pml-cat '$T/s1' > '$T/j1' && pml-cat '$T/s3' > '$T/j3' && cmp -s '$T/j1' '$T/j3'"
expect "another seed" 0 pml-split --seed 7 --ratios 0.5,0.5 -o "$T/s5" -o "$T/s6" "$T/a.mp"
check "another seed, another split" sh -c "pml-cat '$T/s5' > '$T/j5' && ! cmp -s '$T/j1' '$T/j5'"

expect_err "ratio 0: an empty but complete output" 0 "10 records: $T/z1 10, $T/z2 0" \
	pml-split -v --ratios 1,0 -o "$T/z1" -o "$T/z2" "$T/a.mp"
expect_out "the empty output is a valid stream" 0 n "$T/z2"
expect_err "ratio 1 in the middle" 0 "10 records: $T/y1 0, $T/y2 10, $T/y3 0" \
	pml-split -v --ratios 0,1,0 -o "$T/y1" -o "$T/y2" -o "$T/y3" "$T/a.mp"
expect_err "0.1+0.2+0.7 sums to 1 within 1e-9" 0 "10 records" \
	pml-split -v -r 0.1,0.2,0.7 -o "$T/w1" -o "$T/w2" -o "$T/w3" "$T/a.mp"
for bad in 0.5,0.6 0.5,0.4 1.5,-0.5 -0.1,1.1 nan,1 0.5,abc 1 0.2,0.2,0.2,0.4 0.5,,0.5; do
	expect_err "ratios $bad: usage error" 2 "--ratios" pml-split -r "$bad" -o "$T/b1" -o "$T/b2" -o "$T/b3" "$T/a.mp"
done
expect_err "fewer ratios than outputs" 2 "different number of ratios" \
	pml-split -r 0.5,0.5 -o "$T/b1" -o "$T/b2" -o "$T/b3" "$T/a.mp"
expect_err "one output" 2 "give 2 or 3 outputs" pml-split -o "$T/b1" "$T/a.mp"
expect_err "same output twice" 2 "given twice" pml-split -o "$T/b1" -o "$T/b1" "$T/a.mp"
check "no output written on a usage error" test ! -e "$T/b1"

head -1 "$T/a.csv" > "$T/e.csv"
pml-collect --type id=int --type x=int "$T/e.csv" > "$T/e.mp"
expect_err "empty input: two empty streams" 0 "0 records: $T/e1 0, $T/e2 0" \
	pml-split -v -o "$T/e1" -o "$T/e2" "$T/e.mp"
expect_out "empty outputs are valid" '0 0' sh -c "echo \$(pml-cat --count '$T/e1') \$(pml-cat --count '$T/e2')"
head -2 "$T/a.csv" > "$T/o.csv"
pml-collect "$T/o.csv" > "$T/o.mp"
expect_err "one record goes to the largest share" 0 "1 records: $T/o1 1, $T/o2 0, $T/o3 0" \
	pml-split -v -r 0.8,0.1,0.1 -o "$T/o1" -o "$T/o2" -o "$T/o3" "$T/o.mp"
expect_out "stdout as one output" '2' sh -c "pml-split -r 0.8,0.2 -o '$T/q1' -o - '$T/a.mp' | pml-cat --count"
expect_err "truncated input fails and leaves no output" 1 "" sh -c "head -c 60 '$T/a.mp' | pml-split -o '$T/t1' -o '$T/t2'"
check "no half-written outputs" test ! -e "$T/t1"
expect_err "an output in a missing folder" 1 "cannot create" pml-split -o "$T/ok1" -o "$T/no/such/dir" "$T/a.mp"
check "the other output is not left behind" test ! -e "$T/ok1"
expect_err "hash split: output in a missing folder" 1 "cannot create" pml-split --hash -o "$T/ok2" -o "$T/no/dir" "$T/a.mp"
expect_err "output to a full disk" 1 "" sh -c "pml-split -o - -o '$T/ok3' '$T/a.mp' > /dev/full"
done_testing
