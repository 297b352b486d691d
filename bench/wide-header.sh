#!/bin/sh
# Headers of 100,000 columns (the documented limit): CPU seconds of
# pml-collect, pml-cat --count and pml-serve-stdin's msgpack header.
# Issue 12 #4, before the hashed name checks (user s, 2 cores shared):
# collect ~20, cat --count 14.2, serve-stdin 16.4; after: 0.19, 0.16, 0.14.
top=$(cd "$(dirname "$0")/.." && pwd); PATH=$top/bin:$PATH
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%sc%d", (i ? "," : ""), i; print ""
	for (i = 0; i < 100000; i++) printf "%s%d", (i ? "," : ""), i % 7; print "" }' > "$T/wide.csv"
printf 'a,b,y\n1.5,2.5,x\n3.5,4.5,z\n' | pml-collect -q --csv --label y | pml-preprocess -q |
	pml-train -q --epochs 1 --hidden 2 -o "$T/m.pml"
t() { /usr/bin/time -f "%U s user  %e s real  $1" sh -c "$2" > /dev/null; }
t "pml-collect" "pml-collect -q -o '$T/wide.mp' '$T/wide.csv'"
t "pml-cat --count" "pml-cat --count '$T/wide.mp'"
t "pml-serve-stdin (msgpack header)" "pml-serve-stdin -q -f msgpack '$T/m.pml' < '$T/wide.mp' 2>/dev/null"
