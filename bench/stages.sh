#!/bin/sh
# bench/stages.sh: records/s and peak memory of pml-clean, pml-preprocess and
# pml-split next to pml-cat on the 60000-record Fashion-MNIST training set,
# at 1x and 10x the records (streams concatenate: cat the file 10 times).
#   bench/stages.sh [DATASET_DIR]     (default /usr/share/datasets/fashion-mnist)
# Needs pml-collect and GNU time (/usr/bin/time). Writes into a temp dir.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/bin:$PATH"
export LC_ALL=C OPENBLAS_NUM_THREADS=1
data=${1:-/usr/share/datasets/fashion-mnist}
command -v pml-collect >/dev/null || { echo "bench: pml-collect not built" >&2; exit 1; }
"$top/scripts/deps.sh" install-pkgs time || exit 1
w=$(mktemp -d "${TMPDIR:-/tmp}/pml-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT
pml-collect -q --idx "$data/train-images-idx3-ubyte.gz" "$data/train-labels-idx1-ubyte.gz" \
	--classes fashion-mnist -o "$w/x1.mp"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$w/x1.mp"; done > "$w/x10.mp"

# run LABEL SCALE CMD: time CMD (input $IN, output to /dev/null or $w), print a row.
run() {
	label=$1 scale=$2; shift 2
	n=$((60000 * scale))
	/usr/bin/time -f '%e %M' -o "$w/t" sh -c "$*" > /dev/null
	set -- $(tail -1 "$w/t")
	awk -v l="$label" -v s="${scale}x" -v n="$n" -v t="$1" -v m="$2" \
		'BEGIN { printf "%-44s %4s %9.2f s %11.0f rec/s %8.1f MiB\n", l, s, t, (t > 0 ? n / t : 0), m / 1024 }'
}

echo "stage (Fashion-MNIST train, $(wc -c < "$w/x1.mp") bytes per 60000 records)   time  throughput  peak RSS"
for scale in 1 10; do
	IN=$w/x$scale.mp
	run "pml-cat > /dev/null (JSON lines)" $scale "pml-cat '$IN'"
	run "pml-cat --count (read and check only)" $scale "pml-cat --count '$IN'"
	run "pml-clean --drop-missing (streams)" $scale "pml-clean --drop-missing '$IN'"
	run "pml-clean --dedup (keeps keys)" $scale "pml-clean --dedup '$IN'"
	run "pml-preprocess --scale image=factor:255" $scale "pml-preprocess --scale image=factor:255 '$IN'"
	run "pml-preprocess --scale image=standard" $scale "pml-preprocess --scale image=standard '$IN'"
	run "pml-split -r 0.8,0.1,0.1 (shuffled)" $scale "pml-split -r 0.8,0.1,0.1 -o '$w/a' -o '$w/b' -o '$w/c' '$IN'"
	run "pml-split --stratify -r 0.8,0.2" $scale "pml-split --stratify -r 0.8,0.2 -o '$w/a' -o '$w/b' '$IN'"
	run "pml-split --hash -r 0.8,0.2 (streams)" $scale "pml-split --hash -r 0.8,0.2 -o '$w/a' -o '$w/b' '$IN'"
done
