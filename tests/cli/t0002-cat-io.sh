#!/bin/sh
# pml-cat: formats, validation, and the output rules every tool shares
# (atomic -o, devices written in place, symlinks kept, closed pipes, full disks).
. "$(dirname "$0")/lib.sh"
printf 'id,x,name,ok\n1,0.5,"a, b",true\n2,,c,false\n3,100,"q""t",\n' > "$T/d.csv"
pml-collect -q --id id -o "$T/d.mp" "$T/d.csv"

expect_out "JSON lines" '{"id":1,"x":0.5,"name":"a, b","ok":true}
{"id":2,"x":null,"name":"c","ok":false}
{"id":3,"x":100,"name":"q\"t","ok":null}' pml-cat "$T/d.mp"
expect_out "CSV" 'id,x,name,ok
1,0.5,"a, b",true
2,,c,false
3,100,"q""t",' pml-cat --csv "$T/d.mp"
expect_out "table" 'id    x  name  ok
 1  0.5  a, b  true
 2   NA  c     false
 3  100  q"t   NA' pml-cat --table "$T/d.mp"
expect_out "count" 3 pml-cat --count "$T/d.mp"
expect_out "head" '{"id":1,"x":0.5,"name":"a, b","ok":true}' pml-cat --head 1 "$T/d.mp"
expect_out "trailer" '{"records":3}' pml-cat --trailer "$T/d.mp"
expect "schema" 0 pml-cat --schema "$T/d.mp"
check "schema names the format" grep -q '^{"format":"pml-stream","version":1,"columns":\[{"name":"id","type":"int","role":"id"}' "$T/out"
expect_out "two files read as one" 6 pml-cat --count "$T/d.mp" "$T/d.mp"
expect_out "concatenated on stdin" 6 sh -c "cat '$T/d.mp' '$T/d.mp' | pml-cat --count"
expect_out "stdin as -" 3 sh -c "pml-cat --count - < '$T/d.mp'"

# validation
head -c 60 "$T/d.mp" > "$T/cut.mp"
expect_err "truncated stream" 1 "truncated stream" pml-cat --count "$T/cut.mp"
expect_err "empty input" 1 "empty input" pml-cat --count /dev/null
expect_err "missing file" 1 "cannot open '$T/nope'" pml-cat "$T/nope"
expect_err "a directory" 1 "Is a directory" pml-cat "$T"
printf 'a,b\n1,2\n' > "$T/o.csv"
pml-collect -q -o "$T/o.mp" "$T/o.csv"
expect_err "different schemas refused" 1 "schema differs from the first input's" pml-cat "$T/d.mp" "$T/o.mp"
expect_err "not a stream" 1 "not a pml stream" pml-cat "$T/d.csv"
expect_err "bad --head" 2 "'--head': 'x' is not an integer" pml-cat --head x "$T/d.mp"

# gzip input, detected by its magic bytes
gzip -c "$T/d.mp" > "$T/d.mp.gz"
expect_out "gzip stream" 3 pml-cat --count "$T/d.mp.gz"
expect_out "gzip on stdin" 3 sh -c "pml-cat --count < '$T/d.mp.gz'"
cat "$T/d.mp.gz" "$T/d.mp.gz" > "$T/two.gz"
expect_out "two gzip members" 6 pml-cat --count "$T/two.gz"
head -c 40 "$T/d.mp.gz" > "$T/cut.gz"
expect_err "truncated gzip" 1 "truncated gzip data" pml-cat --count "$T/cut.gz"
{ cat "$T/d.mp.gz"; echo junk; } > "$T/junk.gz"
expect_err "garbage after gzip" 1 "trailing garbage after gzip data" pml-cat --count "$T/junk.gz"
# a pipe's records are seen before the writer closes it
mkfifo "$T/fifo"
( cat "$T/d.mp"; sleep 3 ) > "$T/fifo" &
expect_out "records pass a pipe at once" '{"id":1,"x":0.5,"name":"a, b","ok":true}' \
	timeout 2 pml-cat --head 1 "$T/fifo"
wait

# output files
expect "-o writes a file" 0 pml-cat -o "$T/out.jsonl" "$T/d.mp"
check "file has 3 lines" test "$(wc -l < "$T/out.jsonl")" = 3
cp "$T/out.jsonl" "$T/before"
expect_err "a failed run keeps the old file" 1 "truncated" pml-cat -o "$T/out.jsonl" "$T/cut.mp"
check "old file intact" cmp -s "$T/before" "$T/out.jsonl"
check "no temporary file left" test -z "$(ls -A "$T" | grep '^\.out')"
expect_err "output in a missing folder" 1 "cannot create '$T/no/such.jsonl'" pml-cat -o "$T/no/such.jsonl" "$T/d.mp"
expect_err "full disk through stdout" 1 "write error on stdout: No space left on device" sh -c "pml-cat '$T/d.mp' > /dev/full"
expect_err "full disk through -o" 1 "No space left on device" pml-cat -o /dev/full "$T/d.mp"
check "/dev/full is still a device" test -c /dev/full
echo old > "$T/target"
ln -s "$T/target" "$T/link"
expect "-o through a symlink" 0 pml-cat --count -o "$T/link" "$T/d.mp"
check "symlink kept" test -L "$T/link"
check "target written" test "$(cat "$T/target")" = 3
# a closed pipe ends pml-cat quietly
awk 'BEGIN { print "a,b"; for (i = 0; i < 200000; i++) print i "," i * 2 }' > "$T/big.csv"
pml-collect -q -o "$T/big.mp" "$T/big.csv"
expect "closed pipe" 0 sh -c "pml-cat '$T/big.mp' | head -1 > /dev/null"
check "closed pipe is quiet" test ! -s "$T/err"
done_testing
