#!/bin/sh
# A model of 99,999 named input columns (issue 12 #4's limit): the chain's
# steps find their columns by hash and mark them in one pass, so building
# and serving it takes seconds; a scan per column made preprocessing take
# 21 s and pml-serve-stdin 43 s before its first reply (quadratic). The
# time-outs are hang guards, generous for loaded machines and sanitizers.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - "$T" <<'PY'
import json, sys
n = 99999
with open(sys.argv[1] + "/w.csv", "w") as f:
    f.write(",".join("c%d" % i for i in range(n)) + ",y\n")
    for r in range(4):
        f.write(",".join(str((i * 7 + r) % 5 + 0.5) for i in range(n)) + ",%d\n" % (r % 2))
with open(sys.argv[1] + "/req.json", "w") as f:
    f.write(json.dumps({"c%d" % i: 1.5 for i in reversed(range(n))}) + "\n")
    f.write("{}\n")
PY
expect "collect and preprocess 99,999 columns" 0 timeout 25 sh -c \
	"pml-collect -q --label y '$T/w.csv' | pml-preprocess -q -o '$T/w.mp'"
expect "train on them" 0 timeout 25 pml-train -q --epochs 1 --hidden 0 -o "$T/w.pmm" "$T/w.mp"
expect_out "serve a record of 99,999 keys in any order, and a record missing them" \
	'{"class":"1","index":1,"probs":[0,1]}
{"error":"record 2: column '"'"'c0'"'"': missing"}' \
	timeout 25 sh -c "pml-serve-stdin -q '$T/w.pmm' < '$T/req.json' | sed 's/\"probs\":\[[^]]*\]/\"probs\":[0,1]/'"
done_testing
