#!/bin/sh
# pml-clean: columns (keep, drop, rename, cast); --apply repeats the fitted
# steps on other data with the training statistics, learning nothing.
. "$(dirname "$0")/lib.sh"
if ! command -v pml-collect >/dev/null 2>&1; then not_ok "pml-collect is not built"; done_testing; exit 1; fi

printf 'id,x,code,note\n1,1.5,007,a\n2,,010,b\n3,4.5,020,c\n' > "$T/train.csv"
printf 'id,x,code,note\n8,,101,z\n9,101,5,y\n' > "$T/test.csv"
pml-collect --id id --type code=str "$T/train.csv" > "$T/train.mp"
pml-collect --id id --type code=str --type x=float "$T/test.csv" > "$T/test.mp"

expect_out "keep, rename, cast" \
'{"num":7,"x":1.5}
{"num":10,"x":null}
{"num":20,"x":4.5}' \
	sh -c "pml-clean --keep code,x --rename code=num --cast num=int '$T/train.mp' | pml-cat"
expect_out "drop" '{"id":1,"x":1.5}' \
	sh -c "pml-clean --drop code,note '$T/train.mp' | pml-cat | head -1"

# Train: x mean (1.5 + 4.5) / 2 = 3. Test has its own mean 101: it must not leak.
expect "fit on train" 0 pml-clean --drop note --cast code=float --fill x=mean -o "$T/clean.mp" "$T/train.mp"
expect_out "apply to test: x filled with train's mean 3" \
'{"id":8,"x":3,"code":101}
{"id":9,"x":101,"code":5}' sh -c "pml-clean --apply '$T/clean.mp' '$T/test.mp' | pml-cat"
expect_out "the header keeps the whole chain (4 steps) and its input" '4 4' \
	sh -c "pml-clean --apply '$T/clean.mp' '$T/test.mp' | pml-cat -s | sed 's/.*\"chain\":\\[\\(.*\\)\\],\"chain_input\":\\[\\(.*\\)\\]}/\\1|\\2/' | awk -F'|' '{print gsub(/\"op\"/, \"\", \$1), gsub(/\"name\"/, \"\", \$2)}'"
expect_out "applying to the already cleaned stream is a no-op" '3' \
	sh -c "pml-clean --apply '$T/clean.mp' '$T/clean.mp' | pml-cat --count"
printf 'a,b\n1,2\n' > "$T/other.csv"
pml-collect "$T/other.csv" > "$T/other.mp"
expect_err "a chain for other columns is refused" 1 "other.mp: column 'x': the chain expects it, the records have no such column" \
	pml-clean --apply "$T/clean.mp" "$T/other.mp"
expect_err "--apply takes no fitting options" 2 "--apply learns nothing" \
	pml-clean --apply "$T/clean.mp" --fill x=mean "$T/test.mp"
expect_err "a bad cast fails with file, record and column" 1 "record 1, column 'note': cannot cast 'z' to float" \
	pml-clean --cast note=float "$T/test.mp"
expect_err "rename to a taken name" 1 "the name is taken" pml-clean --rename x=id "$T/train.mp"
expect_err "bad rename spec" 2 "expected OLD=NEW" pml-clean --rename x "$T/train.mp"
expect_err "bad cast type" 2 "expected COL=bool|int|float|str" pml-clean --cast x=vec "$T/train.mp"
expect_err "missing input" 1 "nope.mp" pml-clean "$T/nope.mp"
expect_err "unknown option" 2 "try 'pml-clean --help'" pml-clean --frob
expect "--help" 0 pml-clean --help
expect_err "write error" 1 "" sh -c "pml-clean '$T/train.mp' > /dev/full"
expect_out "deterministic bytes" "same" sh -c "pml-clean --fill x=median '$T/train.mp' > '$T/1' && pml-clean --fill x=median '$T/train.mp' > '$T/2' && cmp -s '$T/1' '$T/2' && echo same"
done_testing
