#!/bin/sh
# pml-collect on CSV: line ends, quoting, types, missing values, and every
# bad CSV input of TESTPLAN.md with its exit status and message.
. "$(dirname "$0")/lib.sh"

# cc FILE [OPTIONS]: collect then show as JSON lines
cc() { pml-collect "$@" > "$T/s.mp" && pml-cat "$T/s.mp"; }
# ct FILE [OPTIONS]: the column types, "name:type ..."
ct() {
	pml-collect "$@" > "$T/s.mp" && pml-cat --schema "$T/s.mp" |
		sed 's/"provenance".*//' | grep -o '"name":"[^"]*","type":"[^"]*"' |
		sed 's/"name":"\([^"]*\)","type":"\([^"]*\)"/\1:\2/' | tr '\n' ' '
}

printf 'a,b,c\n1,2.5,x\n2,3,y\n' > "$T/basic.csv"
expect_out "basic CSV" '{"a":1,"b":2.5,"c":"x"}
{"a":2,"b":3,"c":"y"}' cc "$T/basic.csv"
expect_out "types inferred" "a:int b:float c:str " ct "$T/basic.csv"

# empty file, header only, no final newline
: > "$T/empty.csv"
expect_err "empty file" 1 "empty.csv: empty file: no header row" pml-collect "$T/empty.csv"
printf 'a,b\n' > "$T/hdr.csv"
expect_out "header only: no records" "" cc "$T/hdr.csv"
expect_out "header only: str columns" "a:str b:str " ct "$T/hdr.csv"
expect_out "header only: count 0" "0" sh -c "pml-collect '$T/hdr.csv' | pml-cat --count"
printf 'a,b\n1,2\n3,4' > "$T/nonl.csv"
expect_out "no final newline" '{"a":1,"b":2}
{"a":3,"b":4}' cc "$T/nonl.csv"
printf 'a,b' > "$T/hdrnonl.csv"
expect_out "header only without newline" "a:str b:str " ct "$T/hdrnonl.csv"

# BOM, CRLF, lone CR, mixed
printf '\357\273\277a,b\n1,2\n' > "$T/bom.csv"
expect_out "BOM stripped" '{"a":1,"b":2}' cc "$T/bom.csv"
printf 'a,b\r\n1,2\r\n3,4\r\n' > "$T/crlf.csv"
expect_out "CRLF" '{"a":1,"b":2}
{"a":3,"b":4}' cc "$T/crlf.csv"
printf 'a,b\r1,2\r3,4\r' > "$T/cr.csv"
expect_out "lone CR" '{"a":1,"b":2}
{"a":3,"b":4}' cc "$T/cr.csv"
printf 'a,b\n1,2\r\n3,4\r5,6\n' > "$T/mixed.csv"
expect_out "mixed line ends" '{"a":1,"b":2}
{"a":3,"b":4}
{"a":5,"b":6}' cc "$T/mixed.csv"
printf 'a,b\r\n1,2\r\n\r\n3,x"y\r\n' > "$T/crlfbad.csv"
expect_err "line numbers count CRLF once and blank lines" 1 "crlfbad.csv: line 4: bad quoting" \
	pml-collect "$T/crlfbad.csv"

# quoting
printf 'a,b\n"x,y","two\nlines"\n"say ""hi""",z\n' > "$T/quote.csv"
expect_out "quoted delimiter, newline, doubled quote" '{"a":"x,y","b":"two\nlines"}
{"a":"say \"hi\"","b":"z"}' cc "$T/quote.csv"
printf 'a,b\n1,2\n3,ab"c\n' > "$T/stray.csv"
expect_err "stray quote" 1 "stray.csv: line 3: bad quoting" pml-collect "$T/stray.csv"
printf 'a,b\n1,2\n3,"abc\n4,5\n' > "$T/unterm.csv"
expect_err "unterminated quote at end of file" 1 "unterm.csv: line 3: bad quoting" pml-collect "$T/unterm.csv"
printf 'a,b\n"x"y,2\n' > "$T/after.csv"
expect_err "text after a closing quote" 1 "after.csv: line 2: bad quoting" pml-collect "$T/after.csv"
printf 'a,b\n"multi\nline",1\n2,x"\n' > "$T/mline.csv"
expect_err "line numbers after a multi-line field" 1 "mline.csv: line 4: bad quoting" pml-collect "$T/mline.csv"

# short, long, trailing-delimiter rows
printf 'a,b,c\n1,2,3\n4,5\n' > "$T/short.csv"
expect_err "short row" 1 "short.csv: line 3: 2 fields, expected 3" pml-collect "$T/short.csv"
printf 'a,b,c\n1,2,3\n4,5,6,7\n' > "$T/long.csv"
expect_err "long row" 1 "long.csv: line 3: 4 fields, expected 3" pml-collect "$T/long.csv"
printf 'a,b,c\n1,2,3,\n' > "$T/trail.csv"
expect_err "trailing delimiter" 1 "line 2: 4 fields, expected 3 (a trailing delimiter" pml-collect "$T/trail.csv"
printf 'a,b\n1,2\n3\n4,5,6\n7,8\n' > "$T/ragged.csv"
expect_out "--skip-bad-rows" '{"a":1,"b":2}
{"a":7,"b":8}' cc --skip-bad-rows "$T/ragged.csv"
expect_err "--skip-bad-rows -v counts" 0 "2 records, 5 lines, 2 bad rows skipped" \
	pml-collect -v --skip-bad-rows "$T/ragged.csv"

# a huge field: 2 MB against a 1 MB cap (and the default cap)
awk 'BEGIN { printf "a\n\""; for (i = 0; i < 32768; i++) printf "%064d", 0; printf "\"\n" }' > "$T/huge.csv"
expect_err "field over --max-field" 1 "huge.csv: line 2, column 'a': field over 1048576 bytes" \
	pml-collect --max-field 1048576 "$T/huge.csv"
expect_err "field over the default cap" 1 "field over 1048576 bytes (see --max-field)" pml-collect "$T/huge.csv"
expect "a raised --max-field accepts it" 0 pml-collect --max-field 4000000 "$T/huge.csv"
awk 'BEGIN { printf "a\n"; for (i = 0; i < 32768; i++) printf "%064d", 0; printf "\n" }' > "$T/hugeu.csv"
expect_err "unquoted huge field" 1 "field over 1000 bytes" pml-collect --max-field 1000 "$T/hugeu.csv"

# NUL inside a number
printf 'a,b\n1,2\n3,4\0005\n' > "$T/nul.csv"
expect_err "NUL inside a number" 1 "nul.csv: line 3, column 'b': NUL byte in field" pml-collect "$T/nul.csv"

# numbers a reader would take wrongly
for v in nan inf -inf Infinity 0x1p3 1e999 '"1,5"' ' 5' '5 '; do
	printf 'x\n1\n%s\n' "$v" > "$T/num.csv"
	case $v in nan) continue ;; esac
	expect_err "number '$v' refused" 1 "line 3, column 'x':" pml-collect "$T/num.csv"
done
printf 'x\n1\n1e999\n' > "$T/num.csv"
expect_err "1e999 message names the value and --type" 1 "'1e999' is not a valid number" pml-collect "$T/num.csv"
expect_err "1e999 message suggests --type" 1 "use --type x=str" pml-collect "$T/num.csv"
expect_out "--type x=str keeps 1e999 as text" '{"x":"1"}
{"x":"1e999"}' cc --type x=str "$T/num.csv"
printf 'x\n1\nnan\n2.5\n' > "$T/nan.csv"
expect_out "nan is a missing spelling" '{"x":1}
{"x":null}
{"x":2.5}' cc "$T/nan.csv"
printf 'x\n1\n1.5\n-25e-1\n+4\n.5\n' > "$T/good.csv"
expect_out "valid numbers" '{"x":1}
{"x":1.5}
{"x":-2.5}
{"x":4}
{"x":0.5}' cc "$T/good.csv"
printf 'x\nabc\ninf\n' > "$T/text.csv"
expect_out "inf in a text column is text" '{"x":"abc"}
{"x":"inf"}' cc "$T/text.csv"

# a later value that does not fit the inferred type
{ echo n; seq 1 50; echo 3.5; } > "$T/late.csv"
expect_err "late misfit names line, column, --type" 1 "late.csv: line 52, column 'n': '3.5' is not an int" \
	pml-collect --infer-rows 10 "$T/late.csv"
expect_err "late misfit suggests --type n=float" 1 "use --type n=float, or a larger --infer-rows" pml-collect --infer-rows 10 "$T/late.csv"
expect "--type n=float fixes it" 0 pml-collect --infer-rows 10 --type n=float "$T/late.csv"
expect_err "--type on a missing column" 1 "late.csv: --type: no column 'zz'" pml-collect --type zz=int "$T/late.csv"
expect_err "--type with a bad type" 2 "type must be bool, int, float or str" pml-collect --type n=vec "$T/late.csv"

# invalid UTF-8
printf 'a,b\n1,ok\n2,caf\351\n' > "$T/latin1.csv"
expect_err "invalid UTF-8" 1 "latin1.csv: line 3, column 'b': invalid UTF-8" pml-collect "$T/latin1.csv"
printf 'caf\351,b\n1,2\n' > "$T/latin1h.csv"
expect_err "invalid UTF-8 in the header" 1 "invalid UTF-8 in the header" pml-collect "$T/latin1h.csv"
printf 'a\n\344\270\255\346\226\207\n' > "$T/utf8.csv"
expect_out "valid UTF-8 passes" '{"a":"中文"}' cc "$T/utf8.csv"

# 10,000 columns
awk 'BEGIN { for (r = 0; r < 3; r++) { for (i = 1; i <= 10000; i++) printf "%s%s", (i > 1 ? "," : ""), (r ? i * r : "c" i); printf "\n" } }' > "$T/wide.csv"
expect_out "10,000 columns" "2" sh -c "pml-collect '$T/wide.csv' | pml-cat --count"
expect_out "10,000 columns: last value" "20000" sh -c "pml-collect '$T/wide.csv' | pml-cat --csv | tail -1 | awk -F, '{print \$NF}'"

# leading-zero codes stay strings
printf 'zip,n\n01234,1\n10001,2\n' > "$T/zip.csv"
expect_out "leading-zero codes are strings" '{"zip":"01234","n":1}
{"zip":"10001","n":2}' cc "$T/zip.csv"
printf 'z\n0\n-0\n0.5\n' > "$T/zero.csv"
expect_out "a lone zero is a number" "z:float " ct "$T/zero.csv"

# missing-value spellings
printf 'a,b\n1,x\n,NA\nNaN,NULL\nN/A,?\n' > "$T/na.csv"
expect_out "missing spellings" '{"a":1,"b":"x"}
{"a":null,"b":null}
{"a":null,"b":null}
{"a":null,"b":null}' cc "$T/na.csv"
printf 'a\n1\n-999\n' > "$T/na2.csv"
expect_out "--na LIST" '{"a":1}
{"a":null}' cc --na=-999 "$T/na2.csv"
printf 'a\n1\nNA\n' > "$T/na3.csv"
expect_err "--na without NA: NA is not a number" 1 "'NA' is not" pml-collect --infer-rows 1 --na '' "$T/na3.csv"

# booleans
printf 'f\ntrue\nFalse\n\n' > "$T/bool.csv"
expect_out "bool column" '{"f":true}
{"f":false}' cc "$T/bool.csv"

# header options, delimiter, TSV
printf '1,x\n2,y\n' > "$T/nohdr.csv"
expect_out "--no-header" '{"c1":1,"c2":"x"}
{"c1":2,"c2":"y"}' cc --no-header "$T/nohdr.csv"
printf 'a,a\n1,2\n' > "$T/dup.csv"
expect_err "duplicate column names" 1 "duplicate column name 'a'" pml-collect "$T/dup.csv"
printf 'a;b\n1;x,y\n' > "$T/semi.csv"
expect_out "--delimiter ;" '{"a":1,"b":"x,y"}' cc -d ';' "$T/semi.csv"
printf 'a\tb\n1\tx,y\n' > "$T/t.tsv"
expect_out ".tsv uses tabs" '{"a":1,"b":"x,y"}' cc "$T/t.tsv"
gzip -c "$T/t.tsv" > "$T/t2.tsv.gz"
expect_out ".tsv.gz uses tabs" '{"a":1,"b":"x,y"}' cc "$T/t2.tsv.gz"
gzip -c "$T/basic.csv" > "$T/basic.csv.gz"
expect_out "gzip input" '{"a":1,"b":2.5,"c":"x"}
{"a":2,"b":3,"c":"y"}' cc "$T/basic.csv.gz"
expect_out "stdin with --csv" '{"a":1,"b":2.5,"c":"x"}
{"a":2,"b":3,"c":"y"}' sh -c "pml-collect --csv < '$T/basic.csv' | pml-cat"
expect_out "stdin without a format: told by the first bytes" '{"a":1,"b":2.5,"c":"x"}
{"a":2,"b":3,"c":"y"}' sh -c "pml-collect < '$T/basic.csv' | pml-cat"

# errors found by the reader thread, after the inference rows
{ echo a,b; seq 1 5000 | sed 's/$/,x/'; echo '1,x"y'; } > "$T/lateq.csv"
expect_err "late stray quote" 1 "lateq.csv: line 5002: bad quoting" pml-collect --infer-rows 1 "$T/lateq.csv"
{ echo a,b; seq 1 5000 | sed 's/$/,x/'; echo '1'; } > "$T/lates.csv"
expect_err "late short row" 1 "lates.csv: line 5002: 1 field, expected 2" pml-collect --infer-rows 1 "$T/lates.csv"
{ echo a,b; seq 1 5000 | sed 's/$/,x/'; printf '1,\000\n'; } > "$T/latenul.csv"
expect_err "late NUL" 1 "latenul.csv: line 5002, column 'b': NUL byte in field" pml-collect --infer-rows 1 "$T/latenul.csv"
{ echo a,b; seq 1 5000 | sed 's/$/,x/'; echo '1,x'; echo '2'; echo '3,y'; } > "$T/lateskip.csv"
expect_err "late --skip-bad-rows counts" 0 "5002 records, 5004 lines, 1 bad rows skipped" \
	pml-collect -v --skip-bad-rows --infer-rows 1 "$T/lateskip.csv"
expect_out "late rows all there" "5002" sh -c "pml-collect --skip-bad-rows --infer-rows 1 '$T/lateskip.csv' | pml-cat --count"

# LC_ALL must not change anything
pml-collect "$T/basic.csv" > "$T/c.mp"
LC_ALL=de_DE.UTF-8 pml-collect "$T/basic.csv" > "$T/de.mp" 2>/dev/null
check "LC_ALL=de_DE.UTF-8: same bytes" cmp -s "$T/c.mp" "$T/de.mp"
pml-collect "$T/basic.csv" > "$T/c2.mp"
check "same input, same bytes" cmp -s "$T/c.mp" "$T/c2.mp"

done_testing
