#!/bin/sh
# bench/collect-csv.sh [MB]: pml-collect against pandas.read_csv on one
# numeric CSV (default ~200 MB), generated in $TMPDIR and removed after.
# Prints rows/s of each, the ratio (target: pml >= 1.5x pandas) and peak
# resident memory, then checks that pml's memory stays flat in input size.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
mb=${1:-200}
dir=$(mktemp -d "${TMPDIR:-/tmp}/pml-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
py=/usr/bin/python3
collect="$top/bin/pml-collect"
[ -x "$collect" ] || make -C "$top" >/dev/null
if ! "$py" -c 'import pandas' 2>/dev/null; then
	"$top/scripts/deps.sh" install-pkgs python3-pandas
fi

# gen FILE ROWS: 10 columns: an id, 3 ints, 6 floats with 6 decimals
gen() {
	awk -v n="$2" 'BEGIN {
		srand(42)
		print "id,a,b,c,x1,x2,x3,x4,x5,x6"
		for (i = 1; i <= n; i++)
			printf "%d,%d,%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", i, int(rand() * 1000),
				int(rand() * 100000) - 50000, int(rand() * 10), rand() * 100, rand() - 0.5,
				rand() * 1e4, rand(), rand() * 3, rand() * -20
	}' > "$1"
}
rows=$((mb * 1000000 / 79))
echo "generating $rows rows (~${mb} MB) in $dir"
gen "$dir/big.csv" "$rows"
size=$(wc -c < "$dir/big.csv")
echo "file: $size bytes, $rows rows"

# peak RSS in KiB and wall seconds of a command, via /usr/bin/time -v
measure() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v "$@" 2> "$dir/time" > /dev/null
		rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$dir/time")
		secs=$(awk -F': ' '/Elapsed \(wall/ { n = split($2, t, ":"); s = 0;
			for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$dir/time")
	else
		start=$(date +%s.%N)
		"$@" > /dev/null
		secs=$(echo "$(date +%s.%N) - $start" | bc)
		rss=unknown
	fi
}

cat "$dir/big.csv" > /dev/null  # warm the page cache for both
measure "$collect" "$dir/big.csv"
pml_s=$secs pml_rss=$rss
measure "$py" -c 'import sys, pandas; df = pandas.read_csv(sys.argv[1]); print(len(df))' "$dir/big.csv"
pd_s=$secs pd_rss=$rss

awk -v r="$rows" -v a="$pml_s" -v b="$pd_s" -v ra="$pml_rss" -v rb="$pd_rss" -v sz="$size" 'BEGIN {
	printf "pml-collect:     %6.2f s  %10.0f rows/s  %6.1f MB/s  peak RSS %7.1f MiB\n", a, r / a, sz / a / 1e6, ra / 1024
	printf "pandas.read_csv: %6.2f s  %10.0f rows/s  %6.1f MB/s  peak RSS %7.1f MiB\n", b, r / b, sz / b / 1e6, rb / 1024
	printf "ratio: pml is %.2fx pandas (target >= 1.5x)\n", b / a
}'

# memory flat in input size: a tenth of the file must peak at about the same RSS
head -n $((rows / 10)) "$dir/big.csv" > "$dir/small.csv"
measure "$collect" "$dir/small.csv"
echo "pml-collect peak RSS: $((rss / 1024)) MiB on $((rows / 10)) rows, $((pml_rss / 1024)) MiB on $rows rows"
