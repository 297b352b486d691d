#!/bin/sh
# 100,000 columns (the documented limit): the duplicate-name checks of the
# stream, CSV and serving headers are hashed (issue 12 #4). They were
# quadratic: pml-cat --count 14 s, pml-collect 20 s, pml-serve-stdin 16 s
# of CPU per msgpack header; now well under a second each (bench/wide-header.sh).
# `timeout 20` only catches the old behaviour; it is not a timing target.
. "$(dirname "$0")/lib.sh"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%sc%d", (i ? "," : ""), i; print ""
	for (i = 0; i < 100000; i++) printf "%s%d", (i ? "," : ""), i % 7; print "" }' > "$T/wide.csv"
expect "collect: a CSV of 100,000 columns" 0 timeout 20 pml-collect -q -o "$T/wide.mp" "$T/wide.csv"
expect_out "cat --count: a header of 100,000 columns" 1 timeout 20 pml-cat --count "$T/wide.mp"
expect_out "cat --schema lists 100,000 columns" 100000 sh -c "timeout 20 pml-cat --schema '$T/wide.mp' | grep -o '\"name\":\"c[0-9]*\"' | sort -u | wc -l"
printf 'a,b,y\n1.5,2.5,x\n3.5,4.5,z\n' > "$T/f.csv"
pml-collect -q --label y "$T/f.csv" | pml-preprocess -q | pml-train -q --epochs 1 --hidden 2 -o "$T/m.pml"
expect_err "serve: a msgpack header of 100,000 columns is answered" 0 "column 'a' missing" \
	timeout 20 pml-serve-stdin -q -f msgpack "$T/m.pml" < "$T/wide.mp"
# duplicates are still found, wherever they are
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%sc%d", (i ? "," : ""), (i == 99999 ? 17 : i); print ""
	for (i = 0; i < 100000; i++) printf "%s1", (i ? "," : ""); print "" }' > "$T/dup.csv"
expect_err "collect: the duplicate at column 100,000" 1 "duplicate column name 'c17' (columns 18 and 100000)" \
	timeout 20 pml-collect -q "$T/dup.csv"
printf 'x,y,x\n1,2,3\n' > "$T/dup3.csv"
expect_err "collect: a small duplicate" 1 "duplicate column name 'x' (columns 1 and 3)" pml-collect -q "$T/dup3.csv"
done_testing
