#!/bin/sh
# pipelines/retrain.sh, three rounds on small generated CSV data, with a
# running pml-serve-stdin fed through a FIFO:
#   1 good data deploys a first model;
#   2 bad data (labels flipped) fails the gate: the served model stays
#     byte-identical and the batch goes to rejected/;
#   3 good data passes, the model is promoted, pml-serve-stdin gets SIGHUP and
#     answers with the new model; no request is dropped.
. "$(dirname "$0")/lib.sh"
RETRAIN=$PML_TOP/pipelines/retrain.sh
S=$T/state
spid=
trap 'exec 8>&- 2>/dev/null; [ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$T"' EXIT

# gen N SEED [flip]: id,x1,x2,y with y = pos when x1 + x2 > 0 (flip: inverted)
gen() {
	awk -v n="$1" -v s="$2" -v flip="${3:-0}" 'BEGIN { srand(s); print "id,x1,x2,y"
		for (i = 0; i < n; i++) { x1 = rand() * 2 - 1; x2 = rand() * 2 - 1
			y = (x1 + x2 > 0) != (flip == 1) ? "pos" : "neg"
			printf "s%d-%d,%.4f,%.4f,%s\n", s, i, x1, x2, y } }'
}
retrain() {
	"$RETRAIN" -q -d "$S" --collect '--label y --id id' --key id --salt t9300 \
		--train '--hidden 8 --epochs 30 --lr 0.05 --batch 16 --seed 1' \
		--min accuracy=0.8 --max-drop accuracy=0.05 "$@"
}
# wait_lines FILE N: until FILE has N lines, at most ~20 s
lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }
wait_lines() {
	_i=0
	while [ "$(lines "$1")" -lt "$2" ] && [ $_i -lt 200 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	[ "$(lines "$1")" -ge "$2" ]
}

expect "--help" 0 "$RETRAIN" --help
expect "bad option: usage error" 2 "$RETRAIN" --no-such-option
expect "empty inbox, no model: nothing to do" 0 retrain
check "nothing to do is logged" grep -q 'nothing to do' "$S/retrain.log"

# round 1: a first model
gen 400 1 > "$S/inbox/.a.csv" && mv "$S/inbox/.a.csv" "$S/inbox/a.csv"
expect "round 1: deploys a model" 0 retrain
check "round 1: model in place" test -s "$S/model.pmm"
check "round 1: inbox file done" test -f "$S/done/a.csv" -a ! -f "$S/inbox/a.csv"
expect_out "round 1: 400 records accumulated" 400 pml-cat --count "$S/data.mp"
expect_out "round 1: one promoted line" 1 grep -c 'promoted' "$S/retrain.log"
cp "$S/model.pmm" "$T/model1.pmm"

# the server, as a co-process reading a FIFO kept open on fd 8
mkfifo "$T/req"
pml-serve-stdin --format json --id id "$S/model.pmm" < "$T/req" > "$T/replies" 2> "$T/serve.err" &
spid=$!
echo "$spid" > "$S/serve.pid"
exec 8> "$T/req"
sent=0
ask() { # ask ID X1 X2: one request
	printf '{"id":"%s","x1":%s,"x2":%s}\n' "$1" "$2" "$3" >&8
	sent=$((sent + 1))
}
for i in 1 2 3 4 5; do ask "before$i" 0.$i -0.0$i; done
check "served 5 requests with model 1" wait_lines "$T/replies" 5
ask probe 0.05 -0.02
check "probe answered" wait_lines "$T/replies" 6
printf '{"id":"probe","x1":0.05,"x2":-0.02}\n' > "$T/probe.json"
pml-serve-stdin -q --format json --id id "$T/model1.pmm" < "$T/probe.json" > "$T/probe1"
check "probe answered by model 1" sh -c "tail -n 1 '$T/replies' | cmp -s - '$T/probe1'"

# round 2: bad data (labels flipped, more rows than the good ones) fails the gate
gen 800 2 1 > "$S/inbox/b.csv"
expect "round 2: bad data fails the gate (exit 3)" 3 retrain
check "round 2: served model byte-identical" cmp -s "$T/model1.pmm" "$S/model.pmm"
check "round 2: batch moved to rejected/" test -f "$S/rejected/b.csv" -a ! -f "$S/inbox/b.csv"
expect_out "round 2: accumulated data unchanged" 400 pml-cat --count "$S/data.mp"
check "round 2: gate failure logged" grep -q 'gate failed' "$S/retrain.log"
ask during 0.2 0.2
check "server still answers" wait_lines "$T/replies" 7

# an unreadable file moves to rejected/ with a log line naming it, so it
# cannot block later runs (issue 12 #9); alone, nothing is trained: exit 1
printf 'id,x1,x2,y\ns9-1,"unterminated\n' > "$S/inbox/broken.csv"
expect "an unreadable file alone: exit 1" 1 retrain
check "unreadable file: moved to rejected/" test -f "$S/rejected/broken.csv" -a ! -f "$S/inbox/broken.csv"
check "unreadable file: model untouched" cmp -s "$T/model1.pmm" "$S/model.pmm"
check "unreadable file: logged by its inbox name" grep -q "rejected $S/inbox/broken.csv: $S/inbox/broken.csv: line 2" "$S/retrain.log"
check "unreadable file: nothing to train on" grep -q 'nothing to train on: every new file was rejected' "$S/retrain.log"

# overlapping runs: while the lock is held, a run only logs and exits 0
gen 50 4 > "$S/inbox/c.csv"
flock "$S/.lock" sh -c "'$RETRAIN' -q -d '$S' --collect '--label y --id id'" 8>&-
check "a run during another run is skipped" test "$?" = 0
check "skip logged" grep -q 'skipped: another run holds' "$S/retrain.log"
check "skipped run left the inbox alone" test -f "$S/inbox/c.csv"
rm -f "$S/inbox/c.csv"

# round 3: good data is promoted, the server reloads on SIGHUP
gen 400 3 > "$S/inbox/d.csv"
expect "round 3: good data promoted" 0 retrain
check "round 3: a new model" sh -c "! cmp -s '$T/model1.pmm' '$S/model.pmm'"
check "round 3: old model kept as .prev" cmp -s "$T/model1.pmm" "$S/model.pmm.prev"
expect_out "round 3: 800 records accumulated" 800 pml-cat --count "$S/data.mp"
check "round 3: SIGHUP logged" grep -q "SIGHUP sent to pml-serve-stdin $spid" "$S/retrain.log"
pml-serve-stdin -q --format json --id id "$S/model.pmm" < "$T/probe.json" > "$T/probe2"
check "the two models answer the probe differently" sh -c "! cmp -s '$T/probe1' '$T/probe2'"
# the reload happens between batches: ask until the new model answers
i=0 got=
while [ $i -lt 100 ]; do
	ask probe 0.05 -0.02
	wait_lines "$T/replies" "$sent" || break
	if tail -n 1 "$T/replies" | cmp -s - "$T/probe2"; then got=1; break; fi
	i=$((i + 1)); sleep 0.1
done
check "server answers with the new model after SIGHUP" test -n "$got"
for i in 1 2 3; do ask "after$i" -0.$i 0.0$i; done
exec 8>&-
i=0; while kill -0 "$spid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "server exits when its input closes" sh -c "! kill -0 $spid 2>/dev/null"
wait "$spid"; src=$?; spid=
check "server exit status 0" test "$src" = 0
expect_out "no request dropped: $sent requests, $sent replies" "$sent" sh -c "wc -l < '$T/replies' | tr -d ' '"
expect_out "replies in request order" "$(printf 'before1\nbefore2\nbefore3\nbefore4\nbefore5\nprobe\nduring')" \
	sh -c "head -n 7 '$T/replies' | sed 's/^{\"id\":\"\\([a-z0-9]*\\)\".*/\\1/'"
expect_out "no reply is an error" 0 sh -c "grep -c '\"error\"' '$T/replies' || true"
sed "s|^|# |" "$S/retrain.log"
expect_out "one log line per run, and one per rejected file" 7 sh -c "wc -l < '$S/retrain.log' | tr -d ' '"
# IDX: an images file waits for its labels file, then the pair is collected
S2=$T/idx
mkdir -p "$S2/inbox"
idx() { # idx NAME: 40 tiny 28x28 images and their labels
	{ printf '\000\000\010\003\000\000\000\050\000\000\000\034\000\000\000\034'
	  awk 'BEGIN { for (n = 0; n < 40; n++) for (p = 0; p < 784; p++) printf "%c", 1 + (n * 31 + p * (n % 10 + 1)) % 127 }'
	} | gzip -n > "$S2/$1-images-idx3-ubyte.gz"
	{ printf '\000\000\010\001\000\000\000\050'
	  awk 'BEGIN { for (n = 0; n < 40; n++) printf "%c", 48 + n % 10 }' | tr '0-9' '\000-\011'
	} | gzip -n > "$S2/$1-labels-idx1-ubyte.gz"
}
idx b1
mv "$S2/b1-images-idx3-ubyte.gz" "$S2/inbox/"
r2() { "$RETRAIN" -q -d "$S2" --collect '--classes fashion-mnist' --preprocess "--scale 'image=factor:255'" \
	--train '--hidden 8 --epochs 3' --min accuracy=0 "$@"; }
expect "IDX images without labels: nothing to do" 0 r2
check "IDX: the wait is logged on the run's line" grep -q 'nothing to do.*1 IDX images file(s) wait for their labels' "$S2/retrain.log"
mv "$S2/b1-labels-idx1-ubyte.gz" "$S2/inbox/"
expect "IDX pair: collected and promoted" 0 r2
expect_out "IDX: 40 images accumulated" 40 pml-cat --count "$S2/data.mp"
check "IDX: both files done" test -f "$S2/done/b1-images-idx3-ubyte.gz" -a -f "$S2/done/b1-labels-idx1-ubyte.gz"
expect_out "IDX: one line per run" 2 sh -c "wc -l < '$S2/retrain.log' | tr -d ' '"
done_testing
