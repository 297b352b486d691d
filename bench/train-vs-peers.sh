#!/bin/sh
# train-vs-peers.sh: pml-train, PyTorch and scikit-learn's MLPClassifier on
# Fashion-MNIST, in one run on the same machine: same network (784-100-10,
# ReLU, softmax + cross-entropy), Adam lr 1e-3, same epochs and threads.
# Prints seconds per epoch, test accuracy and peak memory of each, the ratios,
# and the GEMM floor (the sgemm calls of one epoch alone: "hot", every batch
# from one cached buffer, and "streamed", the batches read from the whole
# 60000-row matrix as a real epoch must). PyTorch runs twice: the fastest
# plain loop (index the whole tensor per batch) and the textbook DataLoader
# script; the ratio target is taken against the fastest.
#
#   bench/train-vs-peers.sh            10 epochs
#   EPOCHS=3 bench/train-vs-peers.sh   quicker
#
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, when the machine sets them, are unset
# for every contender alike (see the README): they pick an older kernel.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
D=/usr/share/datasets/fashion-mnist
EPOCHS=${EPOCHS:-10}
HIDDEN=${HIDDEN:-100}
THREADS=${THREADS:-1}
"$top/scripts/deps.sh" install-pkgs time python3-torch python3-sklearn python3-numpy dataset-fashion-mnist
make -s -C "$top" all >/dev/null
PATH="$top/bin:$PATH"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
export OPENBLAS_NUM_THREADS=$THREADS
w=$(mktemp -d "${TMPDIR:-/tmp}/pml-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT

peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{printf "%.0f", $1/1024}'; }

pml-collect -q --idx "$D/train-images-idx3-ubyte.gz" "$D/train-labels-idx1-ubyte.gz" \
	--classes fashion-mnist | pml-preprocess -q --scale 'image=factor:255' -o "$w/train.mp"
pml-collect -q --idx "$D/t10k-images-idx3-ubyte.gz" "$D/t10k-labels-idx1-ubyte.gz" \
	--classes fashion-mnist -o "$w/test.raw"

cc -O2 $(pkg-config --cflags openblas) "$top/bench/gemm-floor.c" -o "$w/gemm-floor" \
	$(pkg-config --libs openblas)
# the floor is measured before and after pml-train; the best of each counts
floor_run() { "$w/gemm-floor" 60000 64 784 $(echo "$HIDDEN" | tr , ' ') 10 >> "$w/floor.out"; }
floor_run

# seconds per epoch of a pml-train log: the mean over the epoch lines of
# records / (samples/s), the training loop of each epoch alone
pml_epoch_s() {
	awk -v n=60000 '/samples\/s/ { for (i = 2; i <= NF; i++) if ($i == "samples/s") { t += n / $(i - 1); k++ } }
		END { if (k) printf "%.4f", t / k }' "$1"
}

# pml: seconds per epoch from the last epoch line (training loop only)
/usr/bin/time -v pml-train --hidden "$HIDDEN" --optimizer adam --lr 0.001 --batch 64 --init he --alpha 0 \
	--epochs "$EPOCHS" --threads "$THREADS" -o "$w/m.pmm" "$w/train.mp" 2> "$w/pml.log"
pml_s=$(pml_epoch_s "$w/pml.log")
floor_run
floor=$(awk 'NR == 1 || $2 < b { b = $2 } END { print b }' "$w/floor.out")
floor_s=$(awk 'NR == 1 || $3 < b { b = $3 } END { print b }' "$w/floor.out")
pml_acc=$(pml-eval -q -m "$w/m.pmm" --json "$w/test.raw" | sed 's/.*"accuracy":\([0-9.]*\).*/\1/')
pml_mem=$(peak "$w/pml.log")

/usr/bin/time -v /usr/bin/python3 "$top/bench/peers.py" torch "$D" "$HIDDEN" "$EPOCHS" 64 0.001 1 2 \
	> "$w/torch.out" 2> "$w/torch.log"
torch_s=$(awk '{print $2}' "$w/torch.out"); torch_acc=$(awk '{print $3}' "$w/torch.out")
torch_mem=$(peak "$w/torch.log")

/usr/bin/time -v /usr/bin/python3 "$top/bench/peers.py" sklearn "$D" "$HIDDEN" "$EPOCHS" 200 0.001 1 1 \
	> "$w/sk.out" 2> "$w/sk.log"
sk_s=$(awk '{print $2}' "$w/sk.out"); sk_acc=$(awk '{print $3}' "$w/sk.out")
sk_mem=$(peak "$w/sk.log")

/usr/bin/time -v /usr/bin/python3 "$top/bench/peers.py" torch-dl "$D" "$HIDDEN" "$EPOCHS" 64 0.001 1 2 \
	> "$w/dl.out" 2> "$w/dl.log"
dl_s=$(awk '{print $2}' "$w/dl.out"); dl_acc=$(awk '{print $3}' "$w/dl.out")
dl_mem=$(peak "$w/dl.log")

# pml at scikit-learn's default batch of 200, for the like-for-like ratio
pml-train -q --hidden "$HIDDEN" --batch 200 --init he --alpha 0 --epochs "$EPOCHS" --threads "$THREADS" \
	--log "$w/pml200.log" -o "$w/m200.pmm" "$w/train.mp"
pml200_s=$(pml_epoch_s "$w/pml200.log")

printf '%-28s %10s %9s %9s\n' "contender ($EPOCHS epochs, $THREADS thread)" "s/epoch" accuracy "peak MiB"
printf '%-28s %10s %9s %9s\n' "pml-train batch 64" "$pml_s" "$pml_acc" "$pml_mem"
printf '%-28s %10s %9s %9s\n' "PyTorch batch 64 (1/2 thr)" "$torch_s" "$torch_acc" "$torch_mem"
printf '%-28s %10s %9s %9s\n' "PyTorch DataLoader script" "$dl_s" "$dl_acc" "$dl_mem"
printf '%-28s %10s %9s %9s\n' "pml-train batch 200" "$pml200_s" "" ""
printf '%-28s %10s %9s %9s\n' "scikit-learn batch 200" "$sk_s" "$sk_acc" "$sk_mem"
printf '%-28s %10s\n' "GEMM floor batch 64, hot" "$floor"
printf '%-28s %10s\n' "GEMM floor, streamed" "$floor_s"
r() { echo "$1 $2" | awk '{printf "%.2f", $1/$2}'; }
echo "ratios: PyTorch/pml $(r "$torch_s" "$pml_s")x (DataLoader script $(r "$dl_s" "$pml_s")x)," \
	"sklearn/pml(b200) $(r "$sk_s" "$pml200_s")x," \
	"pml/GEMM floor $(r "$pml_s" "$floor")x hot, $(r "$pml_s" "$floor_s")x streamed"
