#!/bin/sh
# pml-clean --dedup: exact duplicates and duplicates by key, keep the first,
# the dropped ones in a side file; apply time leaves duplicates alone.
. "$(dirname "$0")/lib.sh"
if ! command -v pml-collect >/dev/null 2>&1; then not_ok "pml-collect is not built"; done_testing; exit 1; fi

cat > "$T/a.csv" <<'X'
k,x,s
1,1,a
2,2,b
1,1,a
1,3,c
2,2,b
3,,
3,,
X
pml-collect "$T/a.csv" > "$T/a.mp"

expect_out "exact duplicates dropped, first kept, order kept" \
'{"k":1,"x":1,"s":"a"}
{"k":2,"x":2,"s":"b"}
{"k":1,"x":3,"s":"c"}
{"k":3,"x":null,"s":null}' \
	sh -c "pml-clean --dedup '$T/a.mp' | pml-cat"
expect_out "duplicates by key column" \
'{"k":1,"x":1,"s":"a"}
{"k":2,"x":2,"s":"b"}
{"k":3,"x":null,"s":null}' \
	sh -c "pml-clean --dedup=k '$T/a.mp' | pml-cat"
expect "dropped ones to a side file" 0 pml-clean --dedup=k --dropped "$T/d.mp" -o "$T/o.mp" "$T/a.mp"
expect_out "side file holds the 4 duplicates as they came in" \
'{"k":1,"x":1,"s":"a"}
{"k":1,"x":3,"s":"c"}
{"k":2,"x":2,"s":"b"}
{"k":3,"x":null,"s":null}' pml-cat "$T/d.mp"
expect_err "summary counts duplicates" 0 "7 records in, 4 out, 3 dropped (duplicate 3)" \
	pml-clean -v --dedup=k,s -o "$T/o2.mp" "$T/a.mp"
check "trailer carries the stats" grep -qa records_in "$T/o.mp"
expect_out "dedup after drop-missing" '3' \
	sh -c "pml-clean --drop-missing --dedup '$T/a.mp' | pml-cat --count"
expect_out "applying the chain does not dedup new data" '7' \
	sh -c "pml-clean --apply '$T/o.mp' '$T/a.mp' | pml-cat --count"
expect_err "--dropped needs --dedup" 2 "--dropped needs --dedup" pml-clean --dropped "$T/x" "$T/a.mp"
expect_err "unknown key column" 1 "no column 'zz'" pml-clean --dedup=zz "$T/a.mp"
done_testing
