#!/bin/sh
# pml-train --log-json: one JSON object per epoch, then one for the stop.
. "$(dirname "$0")/lib.sh"
gen() { "$PML_TOP/build/tests/u-model" --gen "$@"; }
PY=/usr/bin/python3

gen blobs 300 1 "$T/train.pml"
gen blobs 90 2 "$T/val.pml"
gen reg 200 5 "$T/reg.pml"

expect "classes with --val" 0 pml-train --epochs 4 --val "$T/val.pml" --log-json "$T/c.jsonl" -o "$T/m" "$T/train.pml"
cp "$T/err" "$T/e"
check "5 lines: 4 epochs and the stop" test "$(wc -l < "$T/c.jsonl")" = 5
expect_out "epoch objects: keys, in order" \
"epoch epochs train_loss train_accuracy val_loss val_accuracy lr seconds samples_per_s best
epoch epochs train_loss train_accuracy val_loss val_accuracy lr seconds samples_per_s best
epoch epochs train_loss train_accuracy val_loss val_accuracy lr seconds samples_per_s best
epoch epochs train_loss train_accuracy val_loss val_accuracy lr seconds samples_per_s best
stop epochs_run kept_epoch message" \
	$PY -c 'import json, sys
for l in open(sys.argv[1]): print(" ".join(json.loads(l)))' "$T/c.jsonl"
expect_out "epoch objects: epochs 1..4 of 4, lr 0.001, best is a boolean" "1/4 2/4 3/4 4/4 ok" \
	$PY -c 'import json, sys
o = [json.loads(l) for l in open(sys.argv[1])][:4]
assert all(e["lr"] == 0.001 and isinstance(e["best"], bool) and e["seconds"] >= 0 and e["samples_per_s"] > 0 for e in o)
assert all(0 <= e["train_accuracy"] <= 1 and 0 <= e["val_accuracy"] <= 1 for e in o)
print(" ".join("%d/%d" % (e["epoch"], e["epochs"]) for e in o), "ok")' "$T/c.jsonl"
expect_out "epoch objects match the epoch lines (losses to 4 decimals)" \
	"$(grep '^epoch' "$T/e" | awk '{ print $4, $8 }')" \
	$PY -c 'import json, sys
for l in list(open(sys.argv[1]))[:4]:
    e = json.loads(l); print("%.4f %.4f" % (e["train_loss"], e["val_loss"]))' "$T/c.jsonl"
expect_out "the best flags match the stars" \
	"$(grep '^epoch' "$T/e" | awk '{ print ($NF == "*") ? "True" : "False" }')" \
	$PY -c 'import json, sys
for l in list(open(sys.argv[1]))[:4]: print(json.loads(l)["best"])' "$T/c.jsonl"
expect_out "the stop object: reason, epochs, kept epoch, the stop line" \
	"epochs 4 $(grep '^epoch .*\*$' "$T/e" | tail -1 | sed 's|^epoch \([0-9]*\)/.*|\1|') $(sed -n 's/^pml-train: \(stopped at epoch.*\)/\1/p' "$T/e")" \
	$PY -c 'import json, sys
s = json.loads(list(open(sys.argv[1]))[-1]); print(s["stop"], s["epochs_run"], s["kept_epoch"], s["message"])' "$T/c.jsonl"

expect "regression without validation, until converged" 0 pml-train -q --tol 100 --patience 2 \
	--log-json "$T/r.jsonl" -o "$T/r" "$T/reg.pml"
expect_out "regression: no accuracy, no validation keys" \
"epoch epochs train_loss lr seconds samples_per_s
epoch epochs train_loss lr seconds samples_per_s
epoch epochs train_loss lr seconds samples_per_s
stop epochs_run kept_epoch message" \
	$PY -c 'import json, sys
for l in open(sys.argv[1]): print(" ".join(json.loads(l)))' "$T/r.jsonl"
expect_out "regression: the stop object" \
	"no_improvement 3 3 stopped at epoch 3: training loss did not improve by 100 for 2 epochs; kept epoch 3" \
	$PY -c 'import json, sys
s = json.loads(list(open(sys.argv[1]))[-1]); print(s["stop"], s["epochs_run"], s["kept_epoch"], s["message"])' "$T/r.jsonl"
check "-q silences stderr, not the JSON log" test ! -s "$T/err"

expect "--log and --log-json together" 0 pml-train -q --epochs 2 --log "$T/l.txt" --log-json "$T/l.jsonl" -o "$T/m2" "$T/train.pml"
check "both written" sh -c "test \"\$(wc -l < '$T/l.txt')\" = 3 && test \"\$(wc -l < '$T/l.jsonl')\" = 3"
expect_err "an unwritable JSON log" 1 "$T/no/dir/l.jsonl: cannot open log file" \
	pml-train -q --epochs 1 --log-json "$T/no/dir/l.jsonl" -o "$T/m3" "$T/train.pml"
check "no model after the failed log" test ! -e "$T/m3"
done_testing
