#!/bin/sh
# pml-train in a pipeline: CSV -> pml-collect -> pml-preprocess -> pml-train.
. "$(dirname "$0")/lib.sh"
if ! [ -x "$PML_TOP/bin/pml-collect" ] || ! [ -x "$PML_TOP/bin/pml-preprocess" ]; then
	not_ok "missing: pml-collect or pml-preprocess not built"
	done_testing
	exit 1
fi
awk 'BEGIN { srand(3); print "id,color,size,weight,label"
	for (i = 1; i <= 300; i++) {
		c = rand() < 0.5 ? "red" : (rand() < 0.5 ? "green" : "blue")
		s = rand() * 10; w = rand() * 100
		printf "r%d,%s,%.3f,%.2f,%s\n", i, c, s, w, (s * 10 + (c == "red" ? 30 : 0) > w) ? "cat" : "dog"
	} }' > "$T/d.csv"
expect "collect" 0 pml-collect -q --label label --id id -o "$T/raw.pml" "$T/d.csv"
expect "preprocess" 0 pml-preprocess -q --scale '*=standard' -o "$T/pre.pml" "$T/raw.pml"
expect "train on the preprocessed stream" 0 pml-train -q --hidden 16 --epochs 40 -o "$T/m" "$T/pre.pml"
expect "pipe all the way" 0 sh -c "pml-collect -q --label label --id id '$T/d.csv' |
	pml-preprocess -q --scale '*=standard' | pml-train -q --hidden 16 --epochs 40 -o '$T/m2'"
run pml-cat "$T/m"
check "model input is the raw CSV's columns" \
	grep -q '"input":\[{"name":"id","type":"str","role":"id"},{"name":"color","type":"str"' "$T/out"
check "model holds the fitted chain" grep -q '"chain":\[{"op":' "$T/out"
check "classes from the label" grep -q '"classes":\["cat","dog"\]' "$T/out"
check "training accuracy recorded" grep -q '"train":{"records":300,' "$T/out"
done_testing
