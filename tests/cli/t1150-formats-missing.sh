#!/bin/sh
# Missing values, bools and bad text in CSV: pml-collect and pml-serve-stdin read a
# field with one rule (one list of missing spellings, one conversion).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"
tiny_model "$T/m.pmm"
check "a tiny model to serve" test -s "$T/m.pmm"

# NA and ? are missing for serving as for pml-collect: filled by the model's chain,
# the same reply as an empty field
printf 'id,x,y,color\ne,,1,red\nn,NA,1,red\nq,?,1,red\nN,NULL,1,red\n' > "$T/na.csv"
expect "NA and ? served" 0 pml-serve-stdin -q --id id "$T/m.pmm" < "$T/na.csv"
tail -n +2 "$T/out" | cut -d, -f2- > "$T/na.rows"
check "no error reply" sh -c "! grep -q 'expected' '$T/na.rows'"
check "NA, ? and NULL answered as the empty field" test "$(sort -u "$T/na.rows" | wc -l)" = 1
check "and predicted" grep -q "^[a-z]*,[01]," "$T/na.rows"

# batch: the same CSV through pml-collect | pml-eval -p gives the same classes
printf 'id,x,y,color,label\ne,,1,red,pos\nn,NA,1,red,pos\nq,?,1,red,pos\nN,NULL,1,red,pos\n' > "$T/na-l.csv"
pml-collect -q --label label --id id --type x=float --type y=float "$T/na-l.csv" > "$T/na.pml"
expect "batch evaluates" 0 pml-eval -q -m "$T/m.pmm" -p "$T/na.pred" "$T/na.pml"
check "batch and serving agree" test "$(sed 's/.*"index":\([0-9]*\).*/\1/' "$T/na.pred" | tr -d '\n')" = \
	"$(cut -d, -f2 "$T/na.rows" | tr -d '\n')"

# NUL bytes and invalid UTF-8: refused by serving as by pml-collect, naming the column
printf 'id,x,y,color\na,1,1,re\000d\nb,1,1,r\377d\nc,1,1,red\n' > "$T/bad.csv"
expect "bad text served" 0 pml-serve-stdin -q --id id "$T/m.pmm" < "$T/bad.csv"
check "NUL refused, column named" grep -q "record 1: column 'color': NUL byte" "$T/out"
check "invalid UTF-8 refused, column named" grep -q "record 2: column 'color': invalid UTF-8 at byte 2 of the field" "$T/out"
check "the good record after them" grep -q '^c,pos,1,' "$T/out"
expect_err "pml-collect refuses the same NUL" 1 "column 'color': NUL byte" pml-collect "$T/bad.csv"
printf 'id,x,y,color\nb,1,1,r\377d\n' > "$T/bad2.csv"
expect_err "pml-collect refuses the same UTF-8" 1 "column 'color': invalid UTF-8 at byte 2 of the field" pml-collect "$T/bad2.csv"

# bools: True/TRUE/true read by pml-collect; 1 in a bool column refused everywhere
printf 'b\ntrue\nTRUE\nFalse\n' > "$T/b.csv"
expect_out "bool spellings" "$(printf 'b\ntrue\ntrue\nfalse')" sh -c "pml-collect '$T/b.csv' | pml-cat --csv"
printf 'b\ntrue\n1\n' > "$T/b1.csv"
expect_err "1 in a bool column" 1 "'1' is not true or false" pml-collect --infer-rows 1 "$T/b1.csv"
done_testing
