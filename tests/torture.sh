#!/bin/sh
# tests/torture.sh (make torture): the long fault-injection sweeps whose short
# samples run in make check, and the timing checks make check does not make.
#   - every allocation failed in turn, every tool (collect's CSV, JSON, IDX too)
#   - every write(2) failed in turn (ENOSPC, EIO) and interrupted (EINTR)
#   - 200 SIGTERM and 200 SIGKILL while pml-train replaces a model
#   - the model cut at every byte, a bit flipped at every byte
#   - `tool big | head -1` ends within 1 s, for every tool that writes records
#   - 5,000 random mutations of the tools' inputs (tests/torture/mutate.py)
# Ends with "N passed, N failed" like make check; exit 1 if any failed.
top=$(cd "$(dirname "$0")/.." && pwd)
export PML_TOP="$top" PATH="$top/bin:$PATH" LC_ALL=C OPENBLAS_NUM_THREADS=1
pass=0 fail=0
log=$top/build/torture.log
mkdir -p "$top/build"; : > "$log"

runt() { # NAME ENV... -- test script
	name=$1; shift
	out=$(env "$@" 2>&1)
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p)); fail=$((fail + f))
	printf '%-44s %4d passed, %d failed\n' "$name" "$p" "$f"
	printf '=== %s\n%s\n' "$name" "$out" >> "$log"
	printf '%s\n' "$out" | grep -E '^(not ok|#)' | grep -v '^# [0-9]* checks' | head -20
}
cli=$top/tests/cli
runt "allocation failures (every one)" FAILMALLOC_STEP=1 FAILMALLOC_ALL=1 sh "$cli/t0850-fault-malloc.sh"
runt "write failures (every write)" WRITE_SWEEP_MAX=1000000 sh "$cli/t0820-fault-write.sh"
runt "kills while a model is written (200+200)" KILL_TRIALS=${KILL_TRIALS:-200} sh "$cli/t0840-fault-kill.sh"
runt "model cut at every byte, every bit flip" PREFIX_STEP=1 FLIP_STEP=1 sh "$cli/t0720-hostile-model-data.sh"
runt "full disks" sh "$cli/t0810-fault-full.sh"

# | head -1 within a second on a million records
T=$(mktemp -d "${TMPDIR:-/tmp}/pml-torture.XXXXXX")
trap 'rm -rf "$T"' EXIT
awk 'BEGIN { print "id,x,w,cat,y"; for (i = 1; i <= 1000000; i++)
	printf "%d,%d.5,%d,c%d,%s\n", i, i % 7, i * 3 % 11, i % 3, (i % 2 ? "no" : "yes") }' > "$T/big.csv"
pml-collect --label y --id id -o "$T/big.mp" "$T/big.csv"
pml-preprocess -o "$T/bigp.mp" "$T/big.mp"
pml-train -q --epochs 1 --hidden 4 -o "$T/m.pml" "$T/bigp.mp" 2> /dev/null ||
	pml-cat --head 1000 "$T/bigp.mp" > /dev/null
heads=0
for cmd in "pml-collect --label y big.csv" "pml-cat big.mp" "pml-cat --csv big.mp" "pml-clean --cast x=str big.mp" \
	"pml-clean --dedup=id big.mp" "pml-preprocess --apply bigp.mp big.mp" "pml-split --hash -o - -o /dev/null bigp.mp" \
	"pml-eval -m m.pml -p - -o /dev/null bigp.mp"; do
	start=$(date +%s%N)
	(cd "$T" && timeout 30 sh -c "$cmd 2> err | head -1 > /dev/null")
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	if [ $ms -lt 1000 ] && [ ! -s "$T/err" ]; then pass=$((pass + 1)); r=ok; else fail=$((fail + 1)); r="NOT OK"; fi
	printf '%-44s %s (%d ms)\n' "${cmd%% *} | head -1" "$r" $ms
	echo "$r ${cmd} | head -1: $ms ms" >> "$log"
done

# random mutations of every tool's inputs, with the oracles of issue 12:
# crash or sanitizer report, hang, exit 0 with an unreadable output or with
# records lost (tests/torture/mutate.py; failing inputs kept in build/mutate)
if /usr/bin/python3 "$top/tests/torture/mutate.py" --n "${MUTATIONS:-5000}" --seed "${MUTATE_SEED:-1}" \
	--keep "$top/build/mutate" --bin "$top/bin" >> "$log" 2>&1; then
	pass=$((pass + 1)); r=ok; else fail=$((fail + 1)); r="NOT OK"; fi
printf '%-44s %s\n' "random mutations (${MUTATIONS:-5000})" "$r"
echo "$pass passed, $fail failed (log: build/torture.log)"
[ $fail = 0 ]
