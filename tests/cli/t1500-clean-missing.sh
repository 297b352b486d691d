#!/bin/sh
# pml-clean: missing values (drop, fill by mean/median/mode/value), all-missing
# columns, empty input, one record, the summary.
. "$(dirname "$0")/lib.sh"
if ! command -v pml-collect >/dev/null 2>&1; then not_ok "pml-collect is not built"; done_testing; exit 1; fi

cat > "$T/a.csv" <<'X'
id,x,n,cat,empty,label
1,1.0,10,a,,yes
2,,,b,,no
3,2.0,30,a,,yes
4,6.0,40,,,no
X
pml-collect --label label --id id "$T/a.csv" > "$T/a.mp"

expect_out "fill mean (float), median (int), mode (str)" \
'{"id":1,"x":1,"n":10,"cat":"a","empty":null,"label":"yes"}
{"id":2,"x":3,"n":30,"cat":"b","empty":null,"label":"no"}
{"id":3,"x":2,"n":30,"cat":"a","empty":null,"label":"yes"}
{"id":4,"x":6,"n":40,"cat":"a","empty":null,"label":"no"}' \
	sh -c "pml-clean --fill x=mean --fill n=median --fill cat=mode '$T/a.mp' | pml-cat"

expect_out "fill with a constant per column" \
'{"id":2,"x":-1,"n":0,"cat":"b","empty":null,"label":"no"}
{"id":4,"x":6,"n":40,"cat":"none","empty":null,"label":"no"}' \
	sh -c "pml-clean --fill x=value:-1 --fill n=value:0 --fill cat=value:none '$T/a.mp' | pml-cat | sed -n '2p;4p'"

expect_out "fill '*=median' fills numeric feature columns only" \
'{"id":2,"x":2,"n":30,"cat":"b","empty":null,"label":"no"}
{"id":4,"x":6,"n":40,"cat":null,"empty":null,"label":"no"}' \
	sh -c "pml-clean --fill '*=median' '$T/a.mp' | pml-cat | sed -n '2p;4p'"
expect_out "fill '*=mode' drops the all-missing column" \
'{"id":4,"x":6,"n":40,"cat":"a","label":"no"}' \
	sh -c "pml-clean --fill '*=mode' '$T/a.mp' 2>/dev/null | pml-cat | sed -n 4p"
expect_err "all-missing column: warned" 0 "column 'empty': every value is missing" \
	pml-clean --fill 'empty=mode' -o "$T/e.mp" "$T/a.mp"

expect_out "drop-missing on named columns" '1 3 4' \
	sh -c "pml-clean --drop-missing=x '$T/a.mp' | pml-cat | sed 's/^{\"id\":\\([0-9]\\).*/\\1/' | tr '\n' ' ' | sed 's/ \$//'"
expect_out "drop-missing on all columns drops every record here" '' \
	sh -c "pml-clean --drop-missing '$T/a.mp' | pml-cat"

expect_err "summary with -v" 0 "4 records in, 3 out, 1 dropped (missing 1); changed: filled 1" \
	pml-clean -v --drop-missing=x --fill n=mean --fill cat=mode -o "$T/s.mp" "$T/a.mp"
expect_err "summary names the step" 0 "step 4 fill 'cat': 1 changed, 0 dropped" \
	pml-clean -v --drop-missing=x --fill n=mean --fill cat=mode -o "$T/s.mp" "$T/a.mp"

expect_err "fill mean on a str column is refused" 1 "--fill: mean does not fit column 'cat' (str)" \
	pml-clean --fill cat=mean "$T/a.mp"
expect_err "bad fill spec is a usage error" 2 "expected COL=mean|median|mode|value:TEXT" \
	pml-clean --fill x=average "$T/a.mp"
expect_err "unknown column" 1 "no column 'nope'" pml-clean --fill nope=mean "$T/a.mp"

printf 'id,x\n' > "$T/h.csv"
pml-collect --type x=float "$T/h.csv" > "$T/h.mp"
expect_out "empty input: empty output" '0' sh -c "pml-clean --fill x=mean '$T/h.mp' | pml-cat --count"
expect_err "empty input: a warning, not a failure" 0 "column 'x': every value is missing" \
	pml-clean --fill x=mean -o "$T/h2.mp" "$T/h.mp"

printf 'x,y\n5,\n' > "$T/one.csv"
pml-collect --type y=float "$T/one.csv" > "$T/one.mp"
expect_out "one record" '{"x":5}' sh -c "pml-clean -q --fill '*=mean' '$T/one.mp' 2>/dev/null | pml-cat"
done_testing
