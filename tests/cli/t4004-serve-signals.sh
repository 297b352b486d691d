#!/bin/sh
# pml-serve-stdin: SIGHUP reloads the model (good, corrupt, other input), SIGUSR1 stats, SIGTERM.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/t40-fixtures.inc"
pml-collect -q --label label --id id "$T/train.csv" > "$T/raw.pml" &&
	pml-clean -q --fill '*=mean' "$T/raw.pml" > "$T/clean.pml" &&
	pml-preprocess -q --scale '*=standard' "$T/clean.pml" > "$T/prep.pml" &&
	pml-train -q --epochs 5 --hidden 4 -o "$T/m1.pmm" "$T/prep.pml" &&
	pml-train -q --epochs 5 --hidden 4 --seed 7 -o "$T/m2.pmm" "$T/prep.pml"
cut -d, -f1-3,5 "$T/train.csv" | pml-collect -q --csv --label label --id id > "$T/raw3.pml" &&
	pml-preprocess -q --scale '*=standard' "$T/raw3.pml" > "$T/prep3.pml" &&
	pml-train -q --epochs 2 --hidden 4 -o "$T/other.pmm" "$T/prep3.pml"
check "three models" test -s "$T/m1.pmm" -a -s "$T/m2.pmm" -a -s "$T/other.pmm"

rec() { echo "{\"id\":\"$1\",\"x\":0.3,\"y\":-0.2,\"color\":\"red\"}"; }
want1=$(rec q | pml-serve-stdin -q "$T/m1.pmm")
want2=$(rec q | pml-serve-stdin -q "$T/m2.pmm")
check "the two models answer differently" test "$want1" != "$want2"

# wait (at most 10 s) until file $2 holds text $1
wait_for() {
	_i=0
	while ! grep -q -- "$1" "$2" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	grep -q -- "$1" "$2"
}
ask() { # id: send a record, wait for its reply, print the reply without the id
	rec "$1" >&3
	wait_for "\"$1\"" "$T/live.out" && grep "\"$1\"" "$T/live.out" | sed 's/"id":"[^"]*",//'
}
deploy() { cp "$1" "$T/live.tmp" && mv "$T/live.tmp" "$T/live.pmm"; }
signal() { kill -HUP "$pid"; kill -USR1 "$pid"; wait_for "$1" "$T/live.err"; }

cp "$T/m1.pmm" "$T/live.pmm"
mkfifo "$T/in"
pml-serve-stdin --id id "$T/live.pmm" < "$T/in" > "$T/live.out" 2> "$T/live.err" &
pid=$!
exec 3> "$T/in"
check "first model serves" test "$(ask a)" = "$want1"
deploy "$T/m2.pmm"
check "SIGHUP with a good model: reloaded" signal "reloads 1, failed reloads 0"
check "the new model serves" test "$(ask b)" = "$want2"
head -c 500 "$T/m1.pmm" > "$T/bad.pmm"
deploy "$T/bad.pmm"
check "SIGHUP with a corrupt model: refused" signal "reloads 1, failed reloads 1"
check "corrupt model: the error is logged" grep -q "live.pmm: reload failed; the old model keeps serving" "$T/live.err"
check "corrupt model: the old one keeps serving" test "$(ask c)" = "$want2"
deploy "$T/other.pmm"
check "SIGHUP with a model for other input: refused" signal "reloads 1, failed reloads 2"
check "other input: the error is logged" grep -q "the new model takes other input" "$T/live.err"
check "other input: the old one keeps serving" test "$(ask d)" = "$want2"
exec 3>&-
wait "$pid"
rc=$?
check "clean end at EOF" test "$rc" = 0
check "stats line at exit" sh -c "tail -1 '$T/live.err' | grep -q '^pml-serve-stdin: stats: requests 4, errors 0, latency p50 .* ms, p99 .* ms, reloads 1, failed reloads 2$'"

# SIGTERM: the requests already read are answered, then a clean end
cp "$T/m1.pmm" "$T/live.pmm"
: > "$T/live.out"
pml-serve-stdin --id id "$T/live.pmm" < "$T/in" > "$T/live.out" 2> "$T/live.err" &
pid=$!
exec 3> "$T/in"
check "served before SIGTERM" test "$(ask e)" = "$want1"
kill -TERM "$pid"
wait "$pid"
rc=$?
exec 3>&-
check "SIGTERM: exit 0" test "$rc" = 0
check "SIGTERM: stats line" grep -q "stats: requests 1, errors 0" "$T/live.err"
done_testing
