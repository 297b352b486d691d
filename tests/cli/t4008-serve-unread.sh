#!/bin/sh
# A column the model's chain drops before reading it may be left out of a
# request (JSON, CSV, msgpack); a column the model reads may not.
. "$(dirname "$0")/lib.sh"
awk 'BEGIN { srand(3); print "customer,x,y,label"
	for (i = 1; i <= 200; i++) { x = rand(); y = rand()
		printf "c%d,%.4f,%.4f,%s\n", i, x, y, (x > y ? "up" : "down") } }' > "$T/d.csv"
pml-collect -q --label label -o "$T/raw.mp" "$T/d.csv"
pml-clean -q --drop customer -o "$T/c.mp" "$T/raw.mp"
pml-preprocess -q --scale '*=standard' -o "$T/p.mp" "$T/c.mp"
expect "train" 0 pml-train -q --hidden 8 --epochs 3 -o "$T/m" "$T/p.mp"
printf '{"x":0.9,"y":0.1}\n{"customer":"c7","x":0.1,"y":0.9}\n{"x":0.5}\n' > "$T/req.jsonl"
expect "JSON without the dropped column" 0 sh -c "pml-serve-stdin -q --format json '$T/m' < '$T/req.jsonl'"
check "three replies" test "$(wc -l < "$T/out")" = 3
check "first answered" sh -c "sed -n 1p '$T/out' | grep -q '\"class\":'"
check "second answered (column sent anyway)" sh -c "sed -n 2p '$T/out' | grep -q '\"class\":'"
check "a read column is still required" sh -c "sed -n 3p '$T/out' | grep -q \"column 'y': missing\""
printf 'x,y\n0.9,0.1\n0.2,0.8\n' > "$T/req.csv"
expect "CSV without the dropped column" 0 sh -c "pml-serve-stdin -q --format csv '$T/m' < '$T/req.csv'"
check "CSV: two answers without error" test "$(grep -c ',$' "$T/out")" = 2
pml-cat --head 3 "$T/raw.mp" | sed 's/"customer":"c[0-9]*",//' > "$T/req2.jsonl"
expect "raw records minus the dropped column" 0 sh -c "pml-serve-stdin -q --format json '$T/m' < '$T/req2.jsonl' > '$T/a'; ! grep -q error '$T/a'"
done_testing
