#!/bin/sh
# pml-collect: options, several inputs, pipes, full disks, odd files.
. "$(dirname "$0")/lib.sh"

printf 'a,b\n1,x\n2,y\n' > "$T/one.csv"
printf 'a,b\n3,z\n' > "$T/two.csv"
printf 'a,b\n1.5,z\n' > "$T/float.csv"

expect_out "two inputs make one stream" "3" sh -c "pml-collect '$T/one.csv' '$T/two.csv' | pml-cat --count"
expect_err "inputs whose columns differ" 1 "float.csv: columns differ from" pml-collect "$T/one.csv" "$T/float.csv"
expect_err "-v summary" 0 "one.csv: 2 records, 3 lines, 0 bad rows skipped" pml-collect -v "$T/one.csv"
expect "quiet success" 0 pml-collect "$T/one.csv"
check "no stderr on success" test ! -s "$T/err"
expect_out "-o FILE" "2" sh -c "pml-collect -o '$T/o.mp' '$T/one.csv' && pml-cat --count '$T/o.mp'"
expect_err "-o in a missing folder" 1 "cannot create" pml-collect -o "$T/no/such/o.mp" "$T/one.csv"
expect_err "output to a full disk" 1 "No space left on device" sh -c "pml-collect '$T/one.csv' > /dev/full"

# a closed pipe ends the tool quietly
awk 'BEGIN { print "a,b,c"; for (i = 0; i < 300000; i++) print i "," i * 2 "," i % 7 }' > "$T/big.csv"
rc_file="$T/rc"
( pml-collect "$T/big.csv" 2> "$T/pipe.err"; echo $? > "$rc_file" ) | head -c 100 > /dev/null
check "| head -c 100: status 0 or 141" grep -qE '^(0|141)$' "$rc_file"
check "| head -c 100: no message" test ! -s "$T/pipe.err"

# usage errors
expect_err "unknown option" 2 "try 'pml-collect --help'" pml-collect --bogus "$T/one.csv"
expect_err "two formats" 2 "at most one of" pml-collect --csv --json "$T/one.csv"
expect_err "unknown extension: told by the first bytes" 1 "cannot open '$T/data.xyz'" pml-collect "$T/data.xyz"
expect_err "--infer-rows 0" 2 "--infer-rows" pml-collect --infer-rows 0 "$T/one.csv"
expect_err "--max-field abc" 2 "--max-field" pml-collect --max-field abc "$T/one.csv"
expect_err "--delimiter of two characters" 2 "--delimiter" pml-collect -d ';;' "$T/one.csv"
expect_err "--classes and --classes-file" 2 "not both" pml-collect --classes a --classes-file x "$T/one.csv"
expect_out "--help on stdout" "usage: pml-collect [--csv|--tsv|--json|--svmlight] [options] [FILE...]" \
	sh -c "pml-collect --help | head -1"
expect_out "--version" "pml-collect (pml) " sh -c "pml-collect --version | sed 's/[0-9.]*\$//'"

# odd inputs
expect_err "missing file" 1 "cannot open" pml-collect "$T/missing.csv"
mkdir "$T/dir.csv"
expect_err "a directory" 1 "Is a directory" pml-collect "$T/dir.csv"
expect_err "/dev/null" 1 "empty file" pml-collect --csv /dev/null
expect_err "/dev/zero as CSV" 1 "field over" pml-collect --csv --max-field 65536 /dev/zero
expect_err "/dev/zero as JSON" 1 "longer than" pml-collect --json /dev/zero
cp "$T/one.csv" "$T/with space.csv"
expect_out "a name with a space" "2" sh -c "pml-collect '$T/with space.csv' | pml-cat --count"
cp "$T/one.csv" "$T/-dash.csv"
expect_out "a name with a leading dash after --" "2" sh -c "cd '$T' && pml-collect -- -dash.csv | pml-cat --count"
mkfifo "$T/fifo.csv"
cat "$T/one.csv" > "$T/fifo.csv" &
expect_out "a FIFO" "2" sh -c "pml-collect '$T/fifo.csv' | pml-cat --count"
wait

done_testing
