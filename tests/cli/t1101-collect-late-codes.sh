#!/bin/sh
# t1101-collect-late-codes: a code with a leading zero ("007", "00.5") makes
# a column str when it is in the inference rows; after them it must not
# silently become the number 7 (issue 12 #13). The rule does not depend on
# where the value is: late, it is an error naming file, line and column;
# a column typed by --type reads it as a number wherever it is.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

{ echo a,b; i=1; while [ $i -le 1000 ]; do echo "$i,1.5"; i=$((i + 1)); done; echo 007,2.5; } > late.csv
expect_err "007 after row 1000 of an int column" 1 \
	"late.csv: line 1002, column 'a': '007' has a leading zero, a code: in the first 1000 rows it would have made the column str; use --type a=str" \
	pml-collect late.csv
check "nothing written" test ! -s "$T/out"
{ echo a,b; echo 007,1.5; i=1; while [ $i -le 1000 ]; do echo "$i,1.5"; i=$((i + 1)); done; } > early.csv
expect_out "in the first rows it makes the column str" '"a","str"' \
	sh -c "pml-collect early.csv | pml-cat -s | grep -o '\"name\":\"a\",\"type\":\"str\"' | sed 's/\"name\"://; s/\"type\"://; s/:/,/'"
{ echo a,b; i=1; while [ $i -le 1000 ]; do echo "$i,1.5"; i=$((i + 1)); done; echo 7,00.5; } > latef.csv
expect_err "00.5 after row 1000 of a float column" 1 "latef.csv: line 1002, column 'b': '00.5' has a leading zero" \
	pml-collect latef.csv
expect_err "-007 too" 1 "'-007' has a leading zero" sh -c "sed 's/^007,/-007,/' late.csv | pml-collect --csv -"
expect_out "--type a=int reads it as 7, late" '{"a":7,"b":2.5}' sh -c 'pml-collect --type a=int late.csv | pml-cat | tail -n 1'
expect_out "--type a=int reads it as 7, early" '{"a":7,"b":1.5}' sh -c 'pml-collect --type a=int early.csv | pml-cat | head -n 1'
expect_out "--type a=str keeps the code, late" '{"a":"007","b":2.5}' sh -c 'pml-collect --type a=str late.csv | pml-cat | tail -n 1'
expect_out "0 and 0.5 are no codes" '{"a":0,"b":0.5}' sh -c "{ sed '\$d' late.csv; echo 0,0.5; } | pml-collect --csv - | pml-cat | tail -n 1"
# issue 12: an int out of range says so
printf 'a\n1\n9223372036854775808\n' > big.csv
expect_err "2^63 in an int column: out of range" 1 "big.csv: line 3, column 'a': '9223372036854775808' is not an int: out of range" \
	pml-collect --type a=int big.csv
done_testing
