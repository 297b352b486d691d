#!/bin/sh
# Invalid UTF-8 in a stream's strings: refused by the stream reader as the CSV and JSON
# readers refuse it, so pml-cat --json and serving replies never carry it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"

printf 's,n\naZd,1\nok,2\n' | pml-collect --csv > "$T/good.pml"
tr 'Z' '\377' < "$T/good.pml" > "$T/bad.pml"
check "the bad stream differs" sh -c "! cmp -s '$T/good.pml' '$T/bad.pml'"
expect_err "pml-cat --json refuses it" 1 "bad.pml: record 1, column 's': invalid UTF-8 at byte 2 of the string" \
	pml-cat --json "$T/bad.pml"
check "and prints no record" test ! -s "$T/out"
expect_err "pml-cat --csv too" 1 "invalid UTF-8 at byte 2 of the string" pml-cat --csv "$T/bad.pml"
tr 'Z' '\000' < "$T/good.pml" > "$T/nul.pml"
expect_err "a NUL byte in a string" 1 "column 's': NUL byte at byte 2 of the string" pml-cat --json "$T/nul.pml"

# serving: a msgpack request with such a string gets an error reply naming the column
tiny_model "$T/m.pmm"
printf 'id,x,y,color\na,1.5,1.5,rZd\nb,1.5,1.5,red\n' | pml-collect --csv --id id > "$T/req.pml"
tr 'Z' '\377' < "$T/req.pml" > "$T/badreq.pml"
expect "served" 0 sh -c "pml-serve-stdin -q --id id '$T/m.pmm' < '$T/badreq.pml' | pml-cat --json"
check "error reply names the column" grep -q "record 1: column 'color': invalid UTF-8 at byte 2 of the string" "$T/out"
check "the next record is answered" grep -q '"id":"b","class"' "$T/out"
done_testing
