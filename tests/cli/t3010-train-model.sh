#!/bin/sh
# pml-train: what goes into the model file, and damaged model files.
. "$(dirname "$0")/lib.sh"
gen() { "$PML_TOP/build/tests/u-model" --gen "$@"; }

gen blobs 200 1 "$T/train.pml"
gen blobs 60 2 "$T/val.pml"
gen chained 60 3 "$T/chained.pml"
gen reg 100 4 "$T/reg.pml"
gen intlabel 60 5 "$T/int.pml"

expect "train" 0 pml-train -q --hidden 6,5 --activation tanh --dropout 0.1 --epochs 3 \
	--val "$T/val.pml" -o "$T/m" "$T/train.pml"
expect "pml-cat shows the model" 0 pml-cat "$T/m"
json=$(cat "$T/out")
has() { case $json in *"$1"*) ok "$2";; *) not_ok "$2" "missing: $1" "got: $(printf %s "$json" | head -c 400)";; esac; }
has '"format":"pml-model","version":1' "format and version"
has '"input":[{"name":"id","type":"str","role":"id"},{"name":"x"' "input schema is the stream's"
has '"chain":[]' "empty chain"
has '"feature":"x","label":"y","classes":["a","b","c"]' "columns and classes"
has '{"type":"dense","n_in":4,"n_out":6},{"type":"tanh"},{"type":"dropout","rate":0.1' "layers"
has '"n_params":' "parameter count"
has '"command":"pml-train -q --hidden 6,5' "command line"
has '"seed":42,"threads":1,"blas_core":"' "seed, threads, BLAS core"
has '"hidden":[6,5],"activation":["tanh","tanh"]' "options"
has '"epochs_run":3' "epochs run"
has '"validation":{"records":60,"loss":' "validation metrics"
has '"data_fingerprint":"' "data fingerprint"
case $json in *'<bin'*) not_ok "no weights in the JSON";; *) ok "no weights in the JSON";; esac
fp1=$(printf %s "$json" | sed 's/.*"data_fingerprint":"\([0-9a-f]*\)".*/\1/')
expect "train again, other options" 0 pml-train -q --epochs 1 -o "$T/m2" "$T/train.pml"
run pml-cat "$T/m2"
fp2=$(sed 's/.*"data_fingerprint":"\([0-9a-f]*\)".*/\1/' "$T/out")
check "same data, same fingerprint" test "$fp1" = "$fp2" -a ${#fp1} = 16
run pml-cat "$T/m"
gen blobs 200 9 "$T/other.pml"
expect "train on other data" 0 pml-train -q --epochs 1 -o "$T/m3" "$T/other.pml"
run pml-cat "$T/m3"
fp3=$(sed 's/.*"data_fingerprint":"\([0-9a-f]*\)".*/\1/' "$T/out")
check "other data, other fingerprint" test "$fp1" != "$fp3"

expect "train on a stream with a chain" 0 pml-train -q --epochs 1 -o "$T/mc" "$T/chained.pml"
expect_out "model input is the chain's input" \
	'"input":[{"name":"id","type":"str","role":"id"},{"name":"x_raw","type":"str","role":"feature"},{"name":"y","type":"str","role":"label"}],"chain":[{"op":"test-step","column":"x_raw"}]' \
	sh -c "pml-cat '$T/mc' | grep -o '\"input\":.*\"chain\":\[[^]]*\]'"
expect "regression model" 0 pml-train -q --epochs 1 -o "$T/mr" "$T/reg.pml"
expect_out "regression: no classes, mse" '"classes":[],"net":{"n_in":3,"loss":"mse","n_out":1' \
	sh -c "pml-cat '$T/mr' | grep -o '\"classes\":\[\],\"net\":{\"n_in\":3,\"loss\":\"mse\",\"n_out\":1'"
expect "unnamed classes" 0 pml-train -q --epochs 1 -o "$T/mi" "$T/int.pml"
expect_out "unnamed classes are 0..K-1" '"classes":["0","1","2"]' \
	sh -c "pml-cat '$T/mi' | grep -o '\"classes\":\[\"0\",\"1\",\"2\"\]'"

size=$(wc -c < "$T/m")
head -c $((size - 1)) "$T/m" > "$T/cut"
expect_err "truncated model refused" 1 "truncated" pml-cat "$T/cut"
head -c $((size / 2)) "$T/m" > "$T/cut"
expect_err "half a model refused" 1 "truncated" pml-cat "$T/cut"
# change one byte in the middle of the weights
half=$((size / 2))
{ head -c $half "$T/m"; head -c $((half + 1)) "$T/m" | tail -c 1 | tr '\000-\377' '\001-\377\000'; tail -c +$((half + 2)) "$T/m"; } > "$T/flip"
check "changed copy has the same size" test "$(wc -c < "$T/flip")" = "$size"
expect_err "changed byte refused" 1 "checksum" pml-cat "$T/flip"
{ cat "$T/m"; printf x; } > "$T/long"
expect_err "byte after the end refused" 1 "corrupt" pml-cat "$T/long"
done_testing
