#!/bin/sh
# pml-serve-stdin, CSV lines: header first, columns by name, bad records between good ones.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"
tiny_model "$T/m.pmm"
check "a tiny model to serve" test -s "$T/m.pmm"

# the same records as JSON and as CSV (columns in another order) give the same predictions
printf '%s\n' '{"x":1,"y":1,"color":"red"}' '{"x":-1,"y":-1.5,"color":"blue"}' > "$T/good.jsonl"
expect "json reference" 0 pml-serve-stdin -q "$T/m.pmm" < "$T/good.jsonl"
sed 's/.*"probs":\[\([^]]*\)\].*/\1/' "$T/out" > "$T/probs.ref"
printf 'color,y,id,x\nred,1,a,1\nblue,-1.5,b,-1\n' > "$T/good.csv"
expect "good records" 0 pml-serve-stdin -q --id id "$T/m.pmm" < "$T/good.csv"
cp "$T/out" "$T/good.out"
check "reply header" test "$(head -1 "$T/good.out")" = "id,class,index,prob_neg,prob_pos,error"
check "two replies" test "$(wc -l < "$T/good.out")" = 3
check "ids echoed" test "$(tail -n +2 "$T/good.out" | cut -d, -f1 | tr '\n' ' ')" = "a b "
check "same probabilities as the JSON replies" test "$(tail -n +2 "$T/good.out" | cut -d, -f4,5)" = "$(cat "$T/probs.ref")"
check "error column empty on predictions" test "$(tail -n +2 "$T/good.out" | cut -d, -f6 | tr -d '\n')" = ""

{
	echo 'color,y,id,x'
	echo 'red,1,a,1'
	echo 'red,1,e1'
	echo 'red,one,e2,1'
	echo 'green,1,e3,1'
	echo 'red,"1,e4,1'
	echo 'red,,e5,1'
	echo 'blue,-1.5,b,-1'
} > "$T/mixed.csv"
expect "mixed records" 0 pml-serve-stdin -q --id id "$T/m.pmm" < "$T/mixed.csv"
cp "$T/out" "$T/mixed.out"
check "one reply per record plus the header" test "$(wc -l < "$T/mixed.out")" = 8
check "good 1 in place" test "$(sed -n 2p "$T/mixed.out")" = "$(sed -n 2p "$T/good.out")"
check "good 2 in place" test "$(sed -n 8p "$T/mixed.out")" = "$(sed -n 3p "$T/good.out")"
check "short row" grep -qx 'e1,,,,,"record 2: 3 fields, the header has 4"' "$T/mixed.out"
check "wrong type" grep -qx "e2,,,,,\"record 3: column 'y': expected float, got 'one'\"" "$T/mixed.out"
check "refused category" sh -c "sed -n 5p '$T/mixed.out' | grep -q '^e3,,,,,.*record 4: .*green'"
check "unterminated quote" grep -qx ',,,,,record 5: invalid CSV: unterminated quoted field' "$T/mixed.out"
check "a missing value is filled by the model's chain" sh -c "sed -n 7p '$T/mixed.out' | grep -q '^e5,pos,1,'"

printf 'color,id,x\nred,a,1\nblue,b,2\n' > "$T/nocol.csv"
expect_err "header without a needed column" 0 "column 'y' missing" pml-serve-stdin -q "$T/m.pmm" < "$T/nocol.csv"
check "every record gets the header's error" test "$(grep -c "CSV header: column 'y' missing" "$T/out")" = 2

# pml-cat --csv output is served as it is
pml-cat --csv "$T/raw.pml" > "$T/raw.csv"
expect "pml-cat --csv as input" 0 pml-serve-stdin -q --format csv "$T/m.pmm" < "$T/raw.csv"
check "one reply per record" test "$(wc -l < "$T/out")" = 121
head -1 "$T/train.csv" > "$T/hdr.csv"
expect "header only" 0 pml-serve-stdin -q "$T/m.pmm" < "$T/hdr.csv"
check "header only: the reply header only" test "$(cat "$T/out")" = "class,index,prob_neg,prob_pos,error"
expect "empty input" 0 pml-serve-stdin -q --format csv "$T/m.pmm" < /dev/null
check "empty input: no output" test ! -s "$T/out"
done_testing
