#!/bin/sh
# pml-serve-stdin over TCP on loopback with socat, one server process per connection.
. "$(dirname "$0")/lib.sh"

if ! command -v socat >/dev/null 2>&1; then
	not_ok "socat is installed (Debian package socat, scripts/deps.sh)"
	done_testing
	exit 1
fi
. "$(dirname "$0")/t40-fixtures.inc"
pml-collect -q --label label --id id "$T/train.csv" > "$T/raw.pml" &&
	pml-preprocess -q --scale '*=standard' "$T/raw.pml" > "$T/prep.pml" &&
	pml-train -q --epochs 5 --hidden 4 -o "$T/m.pmm" "$T/prep.pml"
check "a tiny model to serve" test -s "$T/m.pmm"
pml-cat --json "$T/raw.pml" | head -20 > "$T/req.jsonl"
pml-serve-stdin -q --id id "$T/m.pmm" < "$T/req.jsonl" > "$T/want.out"

# a free port on 127.0.0.1: try a few
port=$((20000 + $$ % 20000))
for try in 1 2 3 4 5 6 7 8; do
	socat TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork EXEC:"pml-serve-stdin -q --id id $T/m.pmm" \
		2> "$T/socat.err" &
	spid=$!
	i=0
	while [ $i -lt 50 ] && kill -0 $spid 2>/dev/null && ! socat -u OPEN:/dev/null TCP:127.0.0.1:$port 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 $spid 2>/dev/null && break
	port=$((port + 1))
done
check "socat listens on 127.0.0.1:$port" kill -0 $spid
socat -t 10 - TCP:127.0.0.1:$port < "$T/req.jsonl" > "$T/got1.out" 2> "$T/client.err" &
c1=$!
socat -t 10 - TCP:127.0.0.1:$port < "$T/req.jsonl" > "$T/got2.out" 2>> "$T/client.err"
wait $c1
check "over TCP: the same replies as on a pipe" cmp -s "$T/got1.out" "$T/want.out"
check "two connections at once, one server each" cmp -s "$T/got2.out" "$T/want.out"
kill $spid 2>/dev/null
wait $spid 2>/dev/null
done_testing
