#!/bin/sh
# One rule tells the input format from the first bytes (pml_format_sniff):
# pml-collect without a format option or a telling name, and pml-serve-stdin.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"

printf 'a,b\n1,x\n2,y\n' > "$T/c.txt"
expect_out "CSV on stdin" "$(printf 'a,b\n1,x\n2,y')" sh -c "pml-collect < '$T/c.txt' | pml-cat --csv"
expect_out "CSV in a file with another name" "$(printf 'a,b\n1,x\n2,y')" sh -c "pml-collect '$T/c.txt' | pml-cat --csv"
expect_out "gzip CSV on stdin" "$(printf 'a,b\n1,x\n2,y')" sh -c "gzip -c '$T/c.txt' | pml-collect | pml-cat --csv"
expect_out "TSV on stdin" "$(printf 'a,b\n1,x y')" sh -c "printf 'a\tb\n1\tx y\n' | pml-collect | pml-cat --csv"
expect_out "JSON lines on stdin" "$(printf 'a,b\n1,x')" sh -c "printf '\n{\"a\":1,\"b\":\"x\"}\n' | pml-collect | pml-cat --csv"
expect_out "svmlight on stdin" "$(printf 'label,x[0],x[1]\n1,0,2.5\n0,1,0')" sh -c "printf '1 2:2.5\n0 1:1\n' | pml-collect | pml-cat --csv"
expect_out "an explicit option still wins" "$(printf 'a\tb\n1\tx')" sh -c "printf 'a\tb\n1\tx\n' | pml-collect --csv | pml-cat --csv | tr ',' ' '"
expect_err "a stream is refused by name" 1 "stdin: binary data, such as a pml stream" sh -c "pml-collect < '$T/c.txt' | pml-collect"
expect_err "empty stdin" 1 "stdin: empty file" sh -c "pml-collect < /dev/null"

# pml-serve-stdin: a stream that starts with a sync marker (ext 127) is a stream
tiny_model "$T/m.pmm"
printf 'id,x,y,color\na,1,1,red\n' | pml-collect --id id > "$T/req.pml"
expect "stream served" 0 sh -c "pml-serve-stdin -q '$T/m.pmm' < '$T/req.pml' | pml-cat --csv"
cp "$T/out" "$T/plain.out"
{ printf '\324\177\000'; cat "$T/req.pml"; } > "$T/sync.pml"
expect "a leading sync marker: read as a stream" 0 sh -c "pml-serve-stdin -q '$T/m.pmm' < '$T/sync.pml' | pml-cat --csv"
check "same replies as without the marker" cmp -s "$T/out" "$T/plain.out"
check "and predictions" grep -q '^[a-z]*,[01],' "$T/plain.out"
done_testing
