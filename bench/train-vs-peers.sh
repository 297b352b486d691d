#!/bin/sh
# train-vs-peers.sh: pml-train, PyTorch and scikit-learn's MLPClassifier on
# Fashion-MNIST, in one run on the same machine: same network (784-100-10,
# ReLU, softmax + cross-entropy), Adam lr 1e-3, same epochs and threads.
# Prints seconds per epoch, test accuracy and peak memory of each, the ratios,
# and the GEMM floor (the sgemm calls of one epoch alone).
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
floor=$("$w/gemm-floor" 60000 64 784 "$(echo "$HIDDEN" | tr , ' ')" 10 | awk '{print $2}')

# pml: seconds per epoch from the last epoch line (training loop only)
/usr/bin/time -v pml-train --hidden "$HIDDEN" --optimizer adam --lr 0.001 --batch 64 \
	--epochs "$EPOCHS" --threads "$THREADS" -o "$w/m.pmm" "$w/train.mp" 2> "$w/pml.log"
pml_s=$(grep '^epoch [0-9]' "$w/pml.log" | tail -1 | sed 's/.* \([0-9.]*\)s.*/\1/')
pml_s=$(echo "$pml_s $EPOCHS" | awk '{printf "%.4f", $1/$2}')
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

# pml at scikit-learn's default batch of 200, for the like-for-like ratio
pml-train -q --hidden "$HIDDEN" --batch 200 --epochs "$EPOCHS" --threads "$THREADS" \
	--log "$w/pml200.log" -o "$w/m200.pmm" "$w/train.mp"
pml200_s=$(tail -1 "$w/pml200.log" | sed 's/.* \([0-9.]*\)s.*/\1/' | awk -v e="$EPOCHS" '{printf "%.4f", $1/e}')

printf '%-28s %10s %9s %9s\n' "contender ($EPOCHS epochs, $THREADS thread)" "s/epoch" accuracy "peak MiB"
printf '%-28s %10s %9s %9s\n' "pml-train batch 64" "$pml_s" "$pml_acc" "$pml_mem"
printf '%-28s %10s %9s %9s\n' "PyTorch batch 64 (1/2 thr)" "$torch_s" "$torch_acc" "$torch_mem"
printf '%-28s %10s %9s %9s\n' "pml-train batch 200" "$pml200_s" "" ""
printf '%-28s %10s %9s %9s\n' "scikit-learn batch 200" "$sk_s" "$sk_acc" "$sk_mem"
printf '%-28s %10s\n' "GEMM floor batch 64" "$floor"
echo "ratios: PyTorch/pml $(echo "$torch_s $pml_s" | awk '{printf "%.2f", $1/$2}')x," \
	"sklearn/pml(b200) $(echo "$sk_s $pml200_s" | awk '{printf "%.2f", $1/$2}')x," \
	"pml/GEMM floor $(echo "$pml_s $floor" | awk '{printf "%.2f", $1/$2}')x"
