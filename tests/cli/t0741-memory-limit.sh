#!/bin/sh
# Under a memory limit (ulimit -v, as cron and systemd set), every tool ends
# (issue 12 #2). OpenBLAS, linked, started a thread per core at load and
# spun forever when the limit refused it memory, even for --version.
# It is now loaded only at the first matrix product (pml-train), and a
# limit too small for its buffers is an out-of-memory error, not a hang.
# `timeout 20` is a hang detector, not a timing target (each run takes ms).
# Not in sanitizer builds: ASan reserves terabytes of address space.
. "$(dirname "$0")/lib.sh"
if ldd "$PML_TOP/bin/pml-cat" 2> /dev/null | grep -q 'libasan\|libubsan\|libclang_rt'; then
	ok "# SKIP sanitizer build: ulimit -v cannot apply"
	done_testing; exit 0
fi
. "$(dirname "$0")/t07-fixtures.inc"
unset OPENBLAS_NUM_THREADS   # the default, what cron would run

lim() { sh -c "ulimit -v 100000 && cd '$T' && exec timeout 20 $*"; }
for t in pml pml-cat pml-clean pml-collect pml-eval pml-preprocess pml-serve-stdin pml-split pml-train; do
	expect "$t --version under ulimit -v 100000" 0 lim $t --version
	expect "$t usage error under ulimit -v 100000" 2 lim $t --no-such-option
done
for t in pml-cat pml-clean pml-eval pml-preprocess pml-serve-stdin pml-split pml-train; do
	check "$t does not load OpenBLAS" sh -c "! ldd \"\$(command -v $t)\" | grep -q openblas"
done
expect "cat under the limit" 0 lim pml-cat --count a.mp
expect "clean under the limit" 0 lim pml-clean --fill x=mean -o cl.mp a.mp
expect "preprocess under the limit" 0 lim pml-preprocess --scale w=standard -o pp.mp cl.mp
expect "split under the limit" 0 lim pml-split -o s1.mp -o s2.mp pp.mp
expect "eval under the limit (no BLAS in inference)" 0 lim pml-eval -m m.pml te.mp
expect_out "serve-stdin under the limit" 1 sh -c "pml-cat --head 1 '$T/a.mp' |
	(ulimit -v 100000 && timeout 20 pml-serve-stdin -q '$T/m.pml') | grep -c probs"
expect_err "train under the limit: out of memory, exit 1" 1 "out of memory: OpenBLAS needs" \
	lim pml-train -q --epochs 1 --hidden 4 -o m3.pml tr.mp
check "train under the limit: no model" test ! -e "$T/m3.pml"
expect_err "train --threads 2 under the limit: out of memory" 1 "2 threads" \
	lim pml-train -q --threads 2 --epochs 1 --hidden 4 -o m3.pml tr.mp
expect "train with room for OpenBLAS" 0 sh -c "ulimit -v 600000 && cd '$T' && timeout 20 pml-train -q --epochs 1 --hidden 4 -o m3.pml tr.mp"
done_testing
