#!/bin/sh
# pml-serve-stdin, pml streams: replies as a pml stream; bad records; framing errors end serving.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"
tiny_model "$T/m.pmm"
check "a tiny model to serve" test -s "$T/m.pmm"

# the stream pml-collect wrote, as it is
expect "a pml stream" 0 pml-serve-stdin -q --id id "$T/m.pmm" < "$T/raw.pml"
cp "$T/out" "$T/raw.out"
expect "replies are a complete pml stream" 0 pml-cat --csv "$T/raw.out"
check "one reply per record" test "$(wc -l < "$T/out")" = 121
check "reply columns" test "$(head -1 "$T/out")" = "id,class,index,probs[0],probs[1],error"
check "ids echoed in order" test "$(sed -n '2p;121p' "$T/out" | cut -d, -f1 | tr '\n' ' ')" = "r0 r119 "
pml-cat --json "$T/raw.pml" > "$T/raw.jsonl"
pml-serve-stdin -q "$T/m.pmm" < "$T/raw.jsonl" | sed 's/{"class":"\([a-z]*\)","index":\([0-9]\).*/\1,\2/' > "$T/json.classes"
check "same classes as the JSON replies" test "$(tail -n +2 "$T/out" | cut -d, -f2,3)" = "$(cat "$T/json.classes")"
pml-serve-stdin -q --id id "$T/m.pmm" < "$T/raw.pml" > "$T/raw.out2" 2>/dev/null
check "same input, same reply bytes" cmp -s "$T/raw.out" "$T/raw.out2"

# bad records between good ones: streams follow each other, each with its header
printf 'id,x,y,color\ng1,1,1,red\ng2,-1,-1.5,blue\n' > "$T/s1.csv"
printf 'id,x,y,color\ne1,one,1,red\n' > "$T/s2.csv"
printf 'id,x,color\ne2,1,red\n' > "$T/s3.csv"
printf 'id,x,y,color\ne3,1,1,green\n' > "$T/s4.csv"
printf 'id,x,y,color\ng3,0.5,,red\n' > "$T/s5.csv"
for i in 1 2 3 4 5; do pml-collect -q --id id "$T/s$i.csv" > "$T/s$i.pml"; done
cat "$T/s1.pml" "$T/s2.pml" "$T/s3.pml" "$T/s4.pml" "$T/s5.pml" > "$T/mixed.pml"
expect "mixed streams" 0 pml-serve-stdin -q --id id "$T/m.pmm" < "$T/mixed.pml"
pml-cat --csv "$T/out" > "$T/mixed.csv"
check "one reply per record" test "$(wc -l < "$T/mixed.csv")" = 7
check "good ones answered in order" test "$(grep -c ',,$' "$T/mixed.csv")" = 0 -a \
	"$(sed -n '2p;3p;7p' "$T/mixed.csv" | cut -d, -f1,6 | tr '\n' ' ')" = "g1, g2, g3, "
check "wrong type" grep -q "^e1,.*record 3: column 'x': expected float, got str" "$T/mixed.csv"
check "missing column" grep -q "^e2,.*record 4: stream header: column 'y' missing" "$T/mixed.csv"
check "refused category" grep -q "^e3,.*record 5: .*green" "$T/mixed.csv"

# bytes that break the framing: everything before is answered, then exit 1
{ cat "$T/s1.pml"; printf '\301'; cat "$T/s5.pml"; } > "$T/corrupt.pml"
expect_err "corrupt bytes: exit 1" 1 "cannot resynchronise" pml-serve-stdin -q --id id "$T/m.pmm" < "$T/corrupt.pml"
check "corrupt bytes: records before them answered" sh -c "grep -q g1 '$T/out' && grep -q g2 '$T/out' && ! grep -q g3 '$T/out'"
check "corrupt bytes: no trailer in the replies" sh -c "! pml-cat '$T/out' >/dev/null 2>&1"
head -c $(($(wc -c < "$T/s1.pml") - 3)) "$T/s1.pml" > "$T/cut.pml"
expect_err "input ends inside a message" 1 "truncated" pml-serve-stdin -q "$T/m.pmm" < "$T/cut.pml"
printf '\223\001\002\003' > "$T/nohdr.pml"
expect_err "a record before any header" 1 "expected a stream header" pml-serve-stdin -q --format msgpack "$T/m.pmm" < "$T/nohdr.pml"
expect "empty input" 0 pml-serve-stdin -q --format msgpack "$T/m.pmm" < /dev/null
check "empty input: no output" test ! -s "$T/out"
done_testing
