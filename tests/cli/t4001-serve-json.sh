#!/bin/sh
# pml-serve-stdin, JSON lines: good records, every kind of bad record between them, edge cases.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"
tiny_model "$T/m.pmm"
check "a tiny model to serve" test -s "$T/m.pmm"

g1='{"id":"a","x":1,"y":1,"color":"red"}'
g2='{"id":"b","x":-1,"y":-1.5,"color":"blue","label":"neg"}'
g3='{"id":"c","x":0.5,"y":null,"color":"red"}'
printf '%s\n%s\n%s\n' "$g1" "$g2" "$g3" > "$T/good.jsonl"
expect "good records" 0 pml-serve-stdin -q "$T/m.pmm" < "$T/good.jsonl"
cp "$T/out" "$T/good.out"
check "one reply per record" test "$(wc -l < "$T/good.out")" = 3
check "replies name class, index and probabilities" \
	grep -qE '^\{"class":"(pos|neg)","index":[01],"probs":\[[0-9.e-]+,[0-9.e-]+\]\}$' "$T/good.out"
check "stderr quiet with -q" test ! -s "$T/err"

# bad records between good ones: the good ones are still answered, in order
{
	echo "$g1"
	echo '{"id":"e1","x":1,"y":'
	echo "$g2"
	echo '{"id":"e2","x":1,"color":"red"}'
	echo '{"id":"e3","x":"one","y":1,"color":"red"}'
	echo '{"id":"e4","x":1,"y":1,"color":"green"}'
	echo '[1,2,3]'
	echo ''
	printf '{"id":"e6","x":1,"y":1,"color":"\377"}\n'
	echo "$g3"
} > "$T/mixed.jsonl"
expect "mixed records" 0 pml-serve-stdin "$T/m.pmm" < "$T/mixed.jsonl"
cp "$T/out" "$T/mixed.out"
check "one reply per request (blank lines are not requests)" test "$(wc -l < "$T/mixed.out")" = 9
check "good 1 answered in place" test "$(sed -n 1p "$T/mixed.out")" = "$(sed -n 1p "$T/good.out")"
check "good 2 answered in place" test "$(sed -n 3p "$T/mixed.out")" = "$(sed -n 2p "$T/good.out")"
check "good 3 answered in place" test "$(sed -n 9p "$T/mixed.out")" = "$(sed -n 3p "$T/good.out")"
check "unparsable line" grep -qx '{"error":"record 2: invalid JSON at column 22: unexpected end of line"}' "$T/mixed.out"
check "missing column" grep -qx "{\"error\":\"record 4: column 'y': missing\"}" "$T/mixed.out"
check "wrong type" grep -qx "{\"error\":\"record 5: column 'x': expected float, got str\"}" "$T/mixed.out"
check "refused category" sh -c "sed -n 6p '$T/mixed.out' | grep -q 'record 6: .*green'"
check "not an object" grep -qx '{"error":"record 7: expected a JSON object, got array"}' "$T/mixed.out"
check "invalid UTF-8" grep -q '"record 8: invalid JSON at column .*: invalid UTF-8"' "$T/mixed.out"
check "stats line on exit" grep -q '^pml-serve-stdin: stats: requests 9, errors 6, latency p50 ' "$T/err"

# --id echoes the id column, also in error replies
expect "--id" 0 pml-serve-stdin -q --id id "$T/m.pmm" < "$T/mixed.jsonl"
check "--id on a prediction" sh -c "sed -n 1p '$T/out' | grep -q '^{\"id\":\"a\",\"class\":'"
check "--id on an error" grep -qx "{\"id\":\"e2\",\"error\":\"record 4: column 'y': missing\"}" "$T/out"
expect "--top-k 1" 0 pml-serve-stdin -q -k 1 "$T/m.pmm" < "$T/good.jsonl"
check "top-k replies" grep -qE '^\{"class":"(pos|neg)","index":[01],"top":\[\{"class":"(pos|neg)","index":[01],"p":[0-9.e-]+\}\]\}$' "$T/out"

# one record at a time through a pipe that stays open: each answered before the next is sent
mkfifo "$T/fifo"
( exec 3> "$T/fifo"; echo "$g1" >&3
  i=0; while [ ! -s "$T/slow.out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  echo "$g2" >&3 ) &
pml-serve-stdin -q "$T/m.pmm" < "$T/fifo" > "$T/slow.out"
rc=$?
wait
check "one at a time: exit 0" test "$rc" = 0
check "one at a time: both answered" test "$(head -2 "$T/good.out")" = "$(cat "$T/slow.out")"

# edge cases
expect "empty input" 0 pml-serve-stdin -q "$T/m.pmm" < /dev/null
check "empty input: no output" test ! -s "$T/out"
expect_err "stdin closed" 1 "stdin is closed" sh -c "pml-serve-stdin -q '$T/m.pmm' <&-"
printf '%s' "$g1" > "$T/nonl.jsonl"
expect "no final newline" 0 pml-serve-stdin -q "$T/m.pmm" < "$T/nonl.jsonl"
check "last line without newline answered" test "$(cat "$T/out")" = "$(head -1 "$T/good.out")"
printf '%s\r\n%s\r\n' "$g1" "$g2" > "$T/crlf.jsonl"
expect "CRLF lines" 0 pml-serve-stdin -q "$T/m.pmm" < "$T/crlf.jsonl"
check "CRLF: same answers" test "$(cat "$T/out")" = "$(head -2 "$T/good.out")"
{ echo "$g1"; head -c 100000 /dev/zero | tr '\0' 'x'; echo; echo "$g2"; } > "$T/long.jsonl"
expect "overlong line" 0 pml-serve-stdin -q --max-line 1000 "$T/m.pmm" < "$T/long.jsonl"
check "overlong line: error reply, then serving goes on" test "$(sed -n 2p "$T/out")" = \
	'{"error":"record 2: line longer than 1000 bytes"}' -a "$(sed -n 3p "$T/out")" = "$(sed -n 2p "$T/good.out")"
awk -v g="$g1" 'BEGIN { for (i = 0; i < 5000; i++) print g }' > "$T/bulk.jsonl"
expect "closed stdout ends quietly" 0 sh -c "pml-serve-stdin -q '$T/m.pmm' < '$T/bulk.jsonl' | head -1"
check "closed stdout: no message" test ! -s "$T/err"
expect_err "full disk" 1 "No space left" sh -c "pml-serve-stdin -q '$T/m.pmm' < '$T/good.jsonl' > /dev/full"

# options and the model
expect "help" 0 pml-serve-stdin --help
expect "version" 0 pml-serve-stdin --version
expect_err "no model" 2 "MODEL" pml-serve-stdin
expect_err "bad format" 2 "--format" pml-serve-stdin --format xml "$T/m.pmm"
expect_err "bad top-k" 2 "--top-k" pml-serve-stdin --top-k 0 "$T/m.pmm"
expect_err "missing model" 1 "nosuch.pmm" pml-serve-stdin "$T/nosuch.pmm"
head -c 300 "$T/m.pmm" > "$T/cut.pmm"
expect_err "truncated model" 1 "cut.pmm" pml-serve-stdin "$T/cut.pmm"
done_testing
