#!/bin/sh
# pipelines/fashion-mnist.mk on a small made-up IDX data set: every stage
# runs, the report and the served answers appear, a second run redoes
# nothing, and a changed training option reruns only what depends on it.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/data"
/usr/bin/python3 - "$T/data" <<'PY'
import gzip, random, struct, sys
d = sys.argv[1]
random.seed(1)
def write(prefix, n):
    imgs, labs = bytearray(), bytearray()
    for i in range(n):
        c = i % 10
        px = [random.randrange(0, 40) for _ in range(784)]
        for r in range(28):           # class c lights up rows 2c..2c+4
            if 2 * c <= r < 2 * c + 5:
                for k in range(28):
                    px[r * 28 + k] = random.randrange(180, 256)
        imgs += bytes(px)
        labs.append(c)
    with gzip.open(f"{d}/{prefix}-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28) + imgs)
    with gzip.open(f"{d}/{prefix}-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + labs)
write("train", 600)
write("t10k", 200)
PY
mk() { make --no-print-directory -f "$PML_TOP/pipelines/fashion-mnist.mk" PML_BIN="$PML_TOP/bin" \
	DATA="$T/data" OUT="$T/o" EPOCHS=4 SERVE_N=4 "$@"; }
expect "the whole pipeline runs" 0 mk
check "report printed with the accuracy" grep -q 'accuracy *1.0000 *200' "$T/out"
check "served answers printed" grep -q '^Trouser *-> *{"class":"Trouser","index":1' "$T/out"
check "four images served" test "$(wc -l < "$T/o/served.txt")" = 4
check "learning curve written" grep -q '^<svg' "$T/o/learning-curve.svg"
check "exactly EPOCHS epochs, as the seed (not until converged)" \
	grep -q '^stopped at epoch 4: the 4 epochs asked; kept epoch [1-4] (lowest validation loss)$' "$T/o/train.log"
check "no L2, as the seed" grep -q -- '--epochs 4 --alpha 0 ' "$T/out"
check "confusion matrix written" grep -q '^<svg' "$T/o/confusion.svg"
check "split: 540 train" test "$(pml-cat --count "$T/o/train.raw")" = 540
check "split: 60 validation" test "$(pml-cat --count "$T/o/val.raw")" = 60
expect "a second run" 0 mk
check "a second run redoes nothing" sh -c "! grep -q 'bin/pml-' '$T/out'"
expect "changed training options" 0 mk EPOCHS=3
check "they retrain" grep -q 'bin/pml-train' "$T/out"
check "without collecting again" sh -c "! grep -q 'bin/pml-collect' '$T/out'"
check "nor splitting or preprocessing again" sh -c "! grep -Eq 'bin/pml-(split|clean|preprocess)' '$T/out'"
done_testing
