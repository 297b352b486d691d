#!/bin/sh
# A short sample of make torture's random mutations (tests/torture/mutate.py):
# 150 mutated CSV, JSON lines, streams and models through every tool that
# reads them, none may crash, hang (30 s bound in this sample, for loaded machines and sanitizer builds), exit 0 with an output that
# pml-cat refuses, or lose records where no stage drops any.
. "$(dirname "$0")/lib.sh"
run /usr/bin/python3 "$PML_TOP/tests/torture/mutate.py" --n 150 --seed 7 --bound 30 --bin "$PML_TOP/bin" --keep "$T/kept"
check "150 mutations: no failure ($(tail -n 1 "$T/out"))" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/# /' "$T/out" | head -20
check "the summary counts them" grep -q "^150 mutations, [0-9]* runs, 0 failures" "$T/out"
done_testing
