#!/bin/sh
# Hostile model files and data edge cases (TESTPLAN "Model files", "Data edge
# cases"), and the locale: cases not already in t3000/t3010/t3530/t1500/t2000/t2010.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"
cd "$T"

# model files: wrong magic, newer or zero version, every prefix, bit flips
cp m.pml magic.pml; printf 'X' | dd of=magic.pml bs=1 seek=5 conv=notrunc 2>/dev/null
expect_err "eval: wrong magic" 1 "magic.pml: not a pml model file (bad magic)" pml-eval -m magic.pml te.mp
expect_err "preprocess --apply: wrong magic" 1 "magic.pml: not a pml stream" pml-preprocess --apply magic.pml c.mp
# byte 26 is the version right after the fixed prefix
cp m.pml v2.pml; printf '\002' | dd of=v2.pml bs=1 seek=26 conv=notrunc 2>/dev/null
expect_err "eval: newer version" 1 "v2.pml: model format version 2 is newer than this pml supports (1); upgrade pml" pml-eval -m v2.pml te.mp
expect_err "cat: newer version" 1 "model format version 2 is newer" pml-cat v2.pml
cp m.pml v0.pml; printf '\000' | dd of=v0.pml bs=1 seek=26 conv=notrunc 2>/dev/null
expect_err "eval: version 0" 1 "unknown model format version 0" pml-eval -m v0.pml te.mp
expect_err "eval: /dev/null as the model" 1 "/dev/null: not a regular file" pml-eval -m /dev/null te.mp
expect_err "eval -b: missing baseline" 1 "nope.pml" pml-eval -m m.pml -b nope.pml te.mp
size=$(wc -c < m.pml)
bad=0 i=1
while [ $i -lt "$size" ]; do
	head -c $i m.pml > cut.pml
	pml-eval -m cut.pml te.mp > /dev/null 2> err; rc=$?
	[ $rc = 1 ] && grep -q 'cut.pml' err || { bad=$((bad + 1)); echo "# prefix $i: exit $rc: $(cat err)"; }
	i=$((i + ${PREFIX_STEP:-7}))
done
check "every ${PREFIX_STEP:-7}th prefix of the model refused with exit 1, naming it" test $bad = 0
bad=0 i=0
while [ $i -lt "$size" ]; do
	cp m.pml flip.pml
	b=$(od -An -tu1 -j $i -N1 m.pml | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ (1 << (i % 8)))))" | dd of=flip.pml bs=1 seek=$i conv=notrunc 2>/dev/null
	pml-eval -m flip.pml te.mp > /dev/null 2> err; rc=$?
	[ $rc = 1 ] || { bad=$((bad + 1)); echo "# bit flip at $i: exit $rc: $(cat err)"; }
	i=$((i + ${FLIP_STEP:-11}))
done
check "a bit flipped at every ${FLIP_STEP:-11}th byte: refused" test $bad = 0

# dimensions that do not match the model
"$PML_TOP/build/tests/u-model" --gen wide 20 7 wide.mp
expect_err "eval: records of another shape" 1 "records do not fit the model" pml-eval -m m.pml wide.mp
expect_err "preprocess --apply with a model of other columns" 1 "" pml-preprocess --apply m.pml wide.mp

# data: zero records with a schema, one record, one class
pml-split -r 1,0 -o /dev/null -o z.mp a.mp
pml-split -r 1,0 -o /dev/null -o zp.mp p.mp
expect_out "clean: 0 records in, 0 out" 0 sh -c "pml-clean -q --outliers iqr --dedup z.mp | pml-cat --count"
expect_out "preprocess: 0 records in, 0 out" 0 sh -c "pml-preprocess z.mp | pml-cat --count"
expect_err "train: 0 records" 1 "zp.mp: no records" pml-train -o m0 zp.mp
check "train: no model from 0 records" test ! -e m0
expect "eval: 0 records" 0 pml-eval -m m.pml zp.mp
check "eval: 0 records noted in the report" grep -q "no records" out
expect_err "eval: 0 records fail a --min gate" 3 "gate failed" pml-eval -m m.pml --min accuracy=0.5 zp.mp
pml-cat --head 1 --csv te.mp > /dev/null
pml-split -r 1,0 -o /dev/null -o one0.mp te.mp
expect_out "eval: one raw record" 1 sh -c "head -2 a.csv > one.csv && pml-collect --label y --id id one.csv | pml-eval -j -m m.pml | grep -o '\"records\":[0-9]*' | cut -d: -f2"
awk -F, 'NR == 1 || $5 == "yes"' a.csv > yes.csv
pml-collect --label y --id id -o yes.mp yes.csv
expect "eval: one class only in the data" 0 pml-eval -m m.pml yes.mp
expect "split --stratify: one class only" 0 pml-split --stratify -o y1 -o y2 yes.mp
expect_out "split --stratify: one class, nothing lost" 30 sh -c "pml-cat y1 y2 | wc -l | tr -d ' '"
# all-missing and constant columns in preprocess
printf 'x,k,e,y\n1,5,,a\n2,5,,b\n3,5,,a\n' > am.csv
pml-collect --label y --type e=float -o am.mp am.csv
expect_err "preprocess: an all-missing column is an error naming it" 1 "column 'e': missing value" pml-preprocess am.mp
expect_err "eval: another schema" 1 "records do not fit the model" pml-eval -m m.pml am.mp
expect_out "clean drops it, preprocess scales the constant k to 0" '{"features":[-1.2247449,0],"y":0}' \
	sh -c "pml-clean -q --fill '*=mean' am.mp 2>/dev/null | pml-preprocess --scale '*=standard' | pml-cat --head 1"
# a diverging run: the old model is kept byte for byte
"$PML_TOP/build/tests/u-model" --gen blobs 300 1 blobs.mp
pml-train -q --epochs 1 -o bm.pml blobs.mp && cp bm.pml old.pml
expect_err "train: loss becomes NaN" 1 "diverged" pml-train -q --optimizer sgd --lr 100 --batch 64 --epochs 5 -o bm.pml blobs.mp
check "the old model is byte-identical" cmp -s old.pml bm.pml
check "no temporary file left" test -z "$(ls -A | grep '^\.bm\.pml')"

# the locale: every tool sets LC_ALL=C itself; de_DE.UTF-8 is not installed
# here, so this also runs LC_NUMERIC=de_DE (a no-op unless it exists)
for tool in "pml-collect --label y --id id a.csv" "pml-clean --fill x=mean a.mp" "pml-preprocess --scale w=standard c.mp" \
	"pml-split -o - -o /dev/null p.mp" "pml-cat --csv p.mp" "pml-eval -m m.pml te.mp"; do
	$tool > c.out 2>/dev/null
	LC_ALL=de_DE.UTF-8 $tool > de.out 2>/dev/null
	LC_ALL= LANG= LC_NUMERIC=de_DE $tool > de2.out 2>/dev/null
	check "locale: same bytes from ${tool%% *}" sh -c "cmp -s c.out de.out && cmp -s c.out de2.out"
done
mkdir de
pml-train -q --epochs 2 --hidden 4 -o l.pml tr.mp
(cd de && cp ../tr.mp . && LC_ALL=de_DE.UTF-8 pml-train -q --epochs 2 --hidden 4 -o l.pml tr.mp)
check "locale: same model bytes" cmp -s l.pml de/l.pml
done_testing
