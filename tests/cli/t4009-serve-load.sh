#!/bin/sh
# pml-serve-stdin under load (a short sample of bench/serve.sh's 1,000,000):
# 100,000 JSON records with 1% broken at random positions, every one
# answered in order, errors exactly where the broken records are, and peak
# resident memory the same for 20,000 and 100,000 records (within 1 MiB;
# not in sanitizer builds, whose allocator keeps freed memory on purpose).
. "$(dirname "$0")/lib.sh"

awk 'BEGIN { srand(5); print "x,y,label"
	for (i = 0; i < 200; i++) { x = rand() * 4 - 2; y = rand() * 4 - 2
		printf "%.3f,%.3f,%s\n", x, y, (x - y > 0) ? "pos" : "neg" } }' > "$T/train.csv"
pml-collect -q --label label "$T/train.csv" | pml-preprocess -q --scale '*=standard' |
	pml-train -q --epochs 3 --hidden 8 -o "$T/m.pmm"
check "a small model to serve" test -s "$T/m.pmm"

# gen N FILE: records id 0..N-1; about 1% broken (truncated JSON or a string
# for a number), their ids listed in FILE.bad
gen() {
	awk -v n="$1" -v bad="$2.bad" 'BEGIN { srand(11)
		for (i = 0; i < n; i++) {
			if (rand() < 0.01) {
				print i > bad
				if (i % 2) printf "{\"id\":%d,\"x\":\"oops\",\"y\":1}\n", i
				else printf "{\"id\":%d,\"x\":1,\"y\":\n", i
			} else
				printf "{\"id\":%d,\"x\":%.3f,\"y\":%.3f}\n", i, (i % 97) / 25 - 2, (i % 89) / 22 - 2
		} }' > "$2"
}
gen 100000 "$T/big.jsonl"
gen 20000 "$T/small.jsonl"
n_bad=$(wc -l < "$T/big.jsonl.bad")
check "about 1% of the records are broken ($n_bad)" test "$n_bad" -gt 800 -a "$n_bad" -lt 1200

pml-serve-stdin -q --id id "$T/m.pmm" < "$T/big.jsonl" > "$T/big.out" 2> "$T/big.err"
check "the server ends well after 100,000 records" test $? = 0
check "one reply per record" test "$(wc -l < "$T/big.out")" = 100000
awk -v badf="$T/big.jsonl.bad" 'BEGIN { while ((getline b < badf) > 0) bad[b] = 1 }
	{ want = "{\"id\":" (NR - 1) ","
	  if (substr($0, 1, length(want)) != want) { print "reply " NR " out of order: " $0; exit 1 }
	  is_err = index($0, "\"error\":") > 0
	  if (is_err != ((NR - 1) in bad)) { print "reply " NR ": " (is_err ? "unexpected error" : "no error") ": " $0; exit 1 }
	  if (!is_err && $0 !~ /"class":"(pos|neg)"/) { print "reply " NR " has no class: " $0; exit 1 } }
	END { if (NR != 100000) print "only " NR " replies" }' \
	"$T/big.out" > "$T/order.txt"
check "replies in order, errors exactly at the broken records" test $? = 0 -a ! -s "$T/order.txt"
[ -s "$T/order.txt" ] && head -3 "$T/order.txt"
check "nothing on stderr with -q" test ! -s "$T/big.err"

if grep -q fsanitize "$PML_TOP/build/flags" 2> /dev/null; then
	ok "# SKIP peak memory in a sanitizer build"
elif ! command -v python3 > /dev/null; then
	ok "# SKIP no python3 to read the peak memory"
else
	peak() { # FILE: peak resident KiB of pml-serve-stdin on FILE
		python3 - "$1" "$T/m.pmm" <<'PY'
import resource, subprocess, sys
with open(sys.argv[1], "rb") as f:
    subprocess.run(["pml-serve-stdin", "-q", "--id", "id", sys.argv[2]], stdin=f,
                   stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
	}
	small=$(peak "$T/small.jsonl") big=$(peak "$T/big.jsonl")
	check "peak memory: 20,000 records $small KiB, 100,000 records $big KiB (growth < 1024 KiB)" \
		test -n "$small" -a -n "$big" -a $((big - small)) -lt 1024
fi
done_testing
