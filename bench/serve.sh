#!/bin/sh
# bench/serve.sh [EPOCHS]: pml-serve-stdin against a PyTorch serving loop, on the
# same Fashion-MNIST model and test records.
#   - bulk: records/s for pml (msgpack and JSON input) and PyTorch (JSON input)
#   - one record at a time: reply latency p50/p99 seen by the client
#   - 1,000,000 JSON records, 1% broken at random positions: every one answered
#     in order, and resident memory growth from the 100,000th to the last reply
# Targets: pml bulk >= 5x PyTorch; p99 < 1 ms one at a time; RSS growth < 1 MiB.
# Both sides use one BLAS thread (OPENBLAS_NUM_THREADS, torch.set_num_threads),
# so the figures compare the serving code, not the thread pools.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
epochs=${1:-3}
dir=$(mktemp -d "${TMPDIR:-/tmp}/pml-bench-serve.XXXXXX")
trap 'rm -rf "$dir"' EXIT
py=/usr/bin/python3
data=/usr/share/datasets/fashion-mnist
bin="$top/bin"
export OPENBLAS_NUM_THREADS=1 LC_ALL=C

[ -x "$bin/pml-serve-stdin" ] || make -C "$top" >/dev/null
[ -f "$data/t10k-images-idx3-ubyte.gz" ] || "$top/scripts/deps.sh" install-data
"$top/scripts/deps.sh" install-pkgs time python3-torch python3-numpy bc

# the helpers: a model exporter and a pipe client (bench tools, not pml tools)
cflags="-O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I$top/include $(pkg-config --cflags msgpack)"
libs="$top/lib/libpml.a $(pkg-config --libs openblas msgpack jansson zlib) -lcsv -lm -lpthread"
cc $cflags -o "$dir/serve-export" "$top/bench/serve-export.c" $libs
cc $cflags -o "$dir/serve-client" "$top/bench/serve-client.c" $libs

echo "== model: Fashion-MNIST 784-256-128-10, $epochs epochs"
"$bin/pml-collect" -q --idx "$data/train-images-idx3-ubyte.gz" "$data/train-labels-idx1-ubyte.gz" \
	--classes fashion-mnist > "$dir/train.pml"
"$bin/pml-collect" -q --idx "$data/t10k-images-idx3-ubyte.gz" "$data/t10k-labels-idx1-ubyte.gz" \
	--classes fashion-mnist > "$dir/test.pml"
"$bin/pml-preprocess" -q --scale 'image=factor:255' "$dir/train.pml" > "$dir/prep.pml"
"$bin/pml-train" -q --hidden 256,128 --epochs "$epochs" --threads 2 -o "$dir/fm.pmm" "$dir/prep.pml"
rm -f "$dir/train.pml" "$dir/prep.pml"
"$dir/serve-export" "$dir/fm.pmm" > "$dir/weights.json"
"$bin/pml-cat" --json "$dir/test.pml" > "$dir/test.jsonl"
# bulk input: the 10,000 test records 5 times
for i in 1 2 3 4 5; do cat "$dir/test.jsonl"; done > "$dir/bulk.jsonl"
for i in 1 2 3 4 5; do cat "$dir/test.pml"; done > "$dir/bulk.pml"
n_bulk=50000

echo "== same answers"
"$bin/pml-serve-stdin" -q "$dir/fm.pmm" < "$dir/test.jsonl" > "$dir/pml.out"
"$bin/pml-serve-stdin" -q "$dir/fm.pmm" < "$dir/test.pml" | "$bin/pml-cat" --csv |
	tail -n +2 | cut -d, -f1,2 > "$dir/pml-mp.classes"
"$py" "$top/bench/serve_torch.py" "$dir/weights.json" < "$dir/test.jsonl" > "$dir/torch.out"
sed 's/^{"class":\("[^"]*"\),"index":\([0-9]*\).*/\1,\2/' "$dir/pml.out" | tr -d '"' > "$dir/pml.classes"
sed 's/^{"class":"[^"]*","index":\([0-9]*\).*/\1/' "$dir/pml.out" > "$dir/pml.index"
sed 's/^{"class":"[^"]*","index":\([0-9]*\).*/\1/' "$dir/torch.out" > "$dir/torch.index"
echo "replies: pml $(wc -l < "$dir/pml.out"), torch $(wc -l < "$dir/torch.out")"
if cmp -s "$dir/pml.classes" "$dir/pml-mp.classes"; then echo "pml msgpack and JSON replies: same classes"
else echo "pml msgpack and JSON replies: DIFFERENT classes"; fi
echo "pml and torch agree on the class of $(paste -d' ' "$dir/pml.index" "$dir/torch.index" |
	awk '{ n++; if ($1 == $2) s++ } END { printf "%d of %d records", s, n }')"
if [ -x "$bin/pml-eval" ]; then
	if "$bin/pml-eval" -q -m "$dir/fm.pmm" --predictions "$dir/eval.out" "$dir/test.pml" >/dev/null 2>&1 &&
	   cmp -s "$dir/eval.out" "$dir/pml.out"; then
		echo "pml-serve-stdin replies byte-identical to pml-eval --predictions: yes"
	else
		sed 's/^{"class":"[^"]*","index":\([0-9]*\).*/\1/' "$dir/eval.out" > "$dir/eval.index"
		echo "pml-serve-stdin replies byte-identical to pml-eval --predictions: NO;" \
			"classes $(cmp -s "$dir/eval.index" "$dir/pml.index" && echo identical || echo DIFFERENT)," \
			"$(paste -d' ' "$dir/eval.out" "$dir/pml.out" | awk '$1 != $2' | wc -l) of 10000 lines" \
			"differ in probability digits (batch-dependent sgemm rounding)"
	fi
	"$bin/pml-eval" -q --batch 10000 -m "$dir/fm.pmm" --predictions "$dir/eval1.out" "$dir/test.pml" >/dev/null 2>&1 || true
	"$bin/pml-serve-stdin" -q -f json -b 10000 "$dir/fm.pmm" < "$dir/test.jsonl" > "$dir/pml1.out"
	if cmp -s "$dir/eval1.out" "$dir/pml1.out"; then
		echo "in one batch of 10000 on both sides: byte-identical"
	else
		echo "in one batch of 10000 on both sides: NOT byte-identical"
	fi
else
	echo "pml-eval not built: byte-identity with pml-eval --predictions not checked"
fi

# wall seconds and CPU seconds of a command with stdin from $1
timed() {
	_in=$1; shift
	/usr/bin/time -f '%e %U %S' -o "$dir/time" "$@" < "$_in" > /dev/null 2>> "$dir/stderr"
	read -r wall user sys < "$dir/time"
	cpu=$(echo "$user + $sys" | bc)
}
rate() { echo "$1 / $2" | bc; }

echo "== bulk: $n_bulk records, 1 BLAS thread"
cat "$dir/bulk.jsonl" "$dir/bulk.pml" > /dev/null
timed "$dir/bulk.pml" "$bin/pml-serve-stdin" -q "$dir/fm.pmm"
pml_mp=$(rate $n_bulk "$wall"); pml_mp_cpu=$(rate $n_bulk "$cpu")
timed "$dir/bulk.jsonl" "$bin/pml-serve-stdin" -q "$dir/fm.pmm"
pml_js=$(rate $n_bulk "$wall"); pml_js_cpu=$(rate $n_bulk "$cpu")
timed "$dir/bulk.jsonl" "$py" "$top/bench/serve_torch.py" "$dir/weights.json"
torch_js=$(rate $n_bulk "$wall"); torch_js_cpu=$(rate $n_bulk "$cpu")
printf '%-28s %12s %14s\n' "" "records/s" "records/cpu-s"
printf '%-28s %12s %14s\n' "pml-serve-stdin msgpack" "$pml_mp" "$pml_mp_cpu"
printf '%-28s %12s %14s\n' "pml-serve-stdin JSON" "$pml_js" "$pml_js_cpu"
printf '%-28s %12s %14s\n' "PyTorch loop JSON" "$torch_js" "$torch_js_cpu"
echo "pml JSON / PyTorch JSON: $(echo "scale=1; $pml_js / $torch_js" | bc)x wall," \
	"$(echo "scale=1; $pml_js_cpu / $torch_js_cpu" | bc)x cpu (target >= 5x)"

echo "== one record at a time: reply latency seen by the client, 3000 requests (microseconds)"
echo "load average now: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine shows in p99)"
printf '%-28s %8s %8s %8s\n' "" "p50" "p99" "mean"
set -- $("$dir/serve-client" latency msgpack "$dir/test.pml" 3000 -- "$bin/pml-serve-stdin" -q "$dir/fm.pmm")
printf '%-28s %8s %8s %8s\n' "pml-serve-stdin msgpack" "$1" "$2" "$3"
mp_p99=$2
set -- $("$dir/serve-client" latency json "$dir/test.jsonl" 3000 -- "$bin/pml-serve-stdin" -q "$dir/fm.pmm")
printf '%-28s %8s %8s %8s\n' "pml-serve-stdin JSON" "$1" "$2" "$3"
js_p99=$2
set -- $("$dir/serve-client" latency json "$dir/test.jsonl" 3000 -- "$py" "$top/bench/serve_torch.py" "$dir/weights.json")
printf '%-28s %8s %8s %8s\n' "PyTorch loop JSON" "$1" "$2" "$3"
echo "p99 under 1 ms: msgpack $(echo "$mp_p99 < 1000" | bc | sed 's/1/yes/;s/0/NO/'), JSON $(echo "$js_p99 < 1000" | bc | sed 's/1/yes/;s/0/NO/')"

echo "== load: 1,000,000 JSON records, 1% broken at random positions, ids checked in order"
if set -- $("$dir/serve-client" load "$dir/test.jsonl" 1000000 10 -- "$bin/pml-serve-stdin" -q --id id "$dir/fm.pmm"); then
	echo "records $1 in $2 s ($(echo "$1 / $2" | bc) records/s), error replies $3, all in order"
	echo "VmRSS at reply 100,000: $4 KiB; at reply 1,000,000: $5 KiB; growth $(($5 - $4)) KiB (target < 1024)"
else
	echo "load: FAILED"
fi
