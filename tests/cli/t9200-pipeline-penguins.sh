#!/bin/sh
# Palmer penguins raw data (quoted fields with commas, NA, strings, dates):
# collect -> split -> clean -> preprocess, every record accounted for.
# The CSV comes from Debian's r-cran-palmerpenguins (no R needed), extracted
# by scripts/deps.sh install-penguins (make check runs it), or $PML_PENGUINS_CSV.
. "$(dirname "$0")/lib.sh"
csv=
for f in "${PML_PENGUINS_CSV:-}" /usr/share/datasets/palmerpenguins/penguins_raw.csv \
	/usr/lib/R/site-library/palmerpenguins/extdata/penguins_raw.csv; do
	[ -n "$f" ] && [ -f "$f" ] && { csv=$f; break; }
done
if [ -z "$csv" ]; then
	not_ok "penguins_raw.csv is missing: run scripts/deps.sh install-penguins"
	done_testing
	exit 1
fi

expect "collect" 0 pml-collect --label Species --id "Sample Number" -o "$T/raw.mp" "$csv"
n=$(pml-cat --count "$T/raw.mp")
expect_out "344 penguins" 344 echo "$n"
expect "stratified split" 0 pml-split -v --stratify -r 0.7,0.15,0.15 -o "$T/tr.mp" -o "$T/va.mp" -o "$T/te.mp" "$T/raw.mp"
ntr=$(pml-cat --count "$T/tr.mp"); nva=$(pml-cat --count "$T/va.mp"); nte=$(pml-cat --count "$T/te.mp")
expect_out "split: every record in one set" "$n" echo $((ntr + nva + nte))

expect "clean: fit on train" 0 pml-clean -v --drop 'studyName,Region,Stage,Individual ID,Date Egg,Comments' \
	--drop-missing='Culmen Length (mm)' --dedup --outliers iqr --outlier-action clip \
	--fill '*=median' --fill Sex=mode --fill 'Clutch Completion=mode' -o "$T/trc.mp" "$T/tr.mp"
summary() { # IN OUT DROPPED from a -v line in $T/err
	sed -n 's/.*: \([0-9]*\) records in, \([0-9]*\) out, \([0-9]*\) dropped.*/\1 \2 \3/p' "$T/err" | head -1
}
set -- $(summary)
expect_out "clean train: in = out + dropped" "$ntr $(($2 + $3))" echo "$1 $1"
outtr=$2
for s in va te; do
	expect "clean: apply to $s" 0 pml-clean -v --apply "$T/trc.mp" -o "$T/${s}c.mp" "$T/$s.mp"
	set -- $(summary)
	expect_out "clean $s: in = out + dropped" "$1" echo $(($2 + $3))
done
expect "preprocess: fit on train" 0 pml-preprocess -v --scale '*=standard' -o "$T/trp.mp" "$T/trc.mp"
expect_out "preprocess keeps every cleaned training record" "$outtr" pml-cat --count "$T/trp.mp"
for s in va te; do
	expect "preprocess: apply to $s" 0 pml-preprocess --apply "$T/trp.mp" -o "$T/${s}p.mp" "$T/${s}c.mp"
	expect_out "preprocess $s keeps every record" "$(pml-cat --count "$T/${s}c.mp")" pml-cat --count "$T/${s}p.mp"
done
expect_out "raw test data through the whole chain gives the same records" same \
	sh -c "pml-preprocess --apply '$T/trp.mp' '$T/te.mp' | pml-cat > '$T/a' && pml-cat '$T/tep.mp' > '$T/b' && cmp -s '$T/a' '$T/b' && echo same"
expect_out "three classes, in byte order" '"classes":["Adelie Penguin (Pygoscelis adeliae)","Chinstrap penguin (Pygoscelis antarctica)","Gentoo penguin (Pygoscelis papua)"]' \
	sh -c "pml-cat -s '$T/trp.mp' | grep -o '\"classes\":\\[[^]]*\\]' | head -1"
done_testing
