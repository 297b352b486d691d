#!/bin/sh
# Hostile files (TESTPLAN "Options"): FIFOs, /dev/zero, folders as inputs;
# outputs in missing folders and under a regular file (we run as root, so a
# read-only folder would still be writable: a path under a FILE cannot be).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"
to() { timeout 20 "$@"; }

# FIFOs: read once, in order (timeout guards against a hang)
mkfifo "$T/f1" "$T/f2"
feed() { cat "$1" > "$2" & }
feed "$T/a.mp" "$T/f1"; expect_out "cat: a FIFO" 60 to pml-cat --count "$T/f1"
feed "$T/m.pml" "$T/f1"; expect_err "cat: a model through a FIFO is not a stream (no hang)" 1 "not a pml stream" to pml-cat "$T/f1"
feed "$T/a.mp" "$T/f1"; expect "clean: a FIFO" 0 to pml-clean --fill x=mean -o "$T/cf" "$T/f1"
check "clean from a FIFO: same records" sh -c "pml-cat '$T/cf' > '$T/j1' && pml-cat '$T/c.mp' | cmp -s - '$T/j1'"
feed "$T/c.mp" "$T/f1"; expect "preprocess: a FIFO" 0 to pml-preprocess -o "$T/pf" "$T/f1"
feed "$T/p.mp" "$T/f1"; expect "split: a FIFO" 0 to pml-split -o "$T/s1" -o "$T/s2" "$T/f1"
feed "$T/tr.mp" "$T/f1"; expect "train: a FIFO" 0 to pml-train -q --epochs 1 --hidden 4 -o "$T/mf" "$T/f1"
feed "$T/te.mp" "$T/f1"; expect "eval: a FIFO" 0 to pml-eval -m "$T/m.pml" "$T/f1"
feed "$T/m.pml" "$T/f2"; expect_err "eval: a model through a FIFO is refused" 1 "not a regular file" to pml-eval -m "$T/f2" "$T/te.mp"
feed "$T/te.mp" "$T/f1"; feed "$T/te.mp" "$T/f2"
expect_out "two FIFOs make one stream" 24 to pml-cat --count "$T/f1" "$T/f2"
wait

# /dev/zero: refused at once, not read forever
expect_err "cat /dev/zero" 1 "/dev/zero: not a pml stream" to pml-cat /dev/zero
expect_err "clean /dev/zero" 1 "/dev/zero: not a pml stream" to pml-clean /dev/zero
expect_err "preprocess /dev/zero" 1 "/dev/zero: not a pml stream" to pml-preprocess /dev/zero
expect_err "split /dev/zero" 1 "/dev/zero: not a pml stream" to pml-split -o "$T/z1" -o "$T/z2" /dev/zero
expect_err "train /dev/zero" 1 "/dev/zero: not a pml stream" to pml-train -o "$T/z" /dev/zero
expect_err "train --val /dev/zero" 1 "/dev/zero: not a pml stream" to pml-train -o "$T/z" --val /dev/zero "$T/tr.mp"
expect_err "eval /dev/zero" 1 "/dev/zero: not a pml stream" to pml-eval -m "$T/m.pml" /dev/zero
expect_err "eval -m /dev/zero" 1 "/dev/zero: not a regular file" to pml-eval -m /dev/zero "$T/te.mp"
expect_err "clean --apply /dev/zero" 1 "/dev/zero: not a pml stream" to pml-clean --apply /dev/zero "$T/a.mp"
expect_err "preprocess --apply /dev/null" 1 "/dev/null: empty input" to pml-preprocess --apply /dev/null "$T/c.mp"
expect_err "collect --svmlight /dev/zero" 1 "" to pml-collect --svmlight /dev/zero
check "no output left by failures" test ! -e "$T/z" -a ! -e "$T/z1" -a ! -e "$T/z2"

# folders and missing files as inputs
expect_err "clean: a folder" 1 "Is a directory" pml-clean "$T"
expect_err "preprocess: a folder" 1 "Is a directory" pml-preprocess "$T"
expect_err "split: a folder" 1 "Is a directory" pml-split -o "$T/z1" -o "$T/z2" "$T"
expect_err "eval: a folder" 1 "Is a directory" pml-eval -m "$T/m.pml" "$T"
expect_err "split: a missing file" 1 "cannot open" pml-split -o "$T/z1" -o "$T/z2" "$T/nope"
expect_err "preprocess --apply: a missing file" 1 "cannot open" pml-preprocess --apply "$T/nope" "$T/c.mp"

# outputs: a folder as the output, missing folders, a path under a regular file
touch "$T/file"
expect_err "collect -o file/x" 1 "cannot create '$T/file/x': Not a directory" pml-collect -o "$T/file/x" "$T/a.csv"
expect_err "clean -o file/x" 1 "cannot create '$T/file/x': Not a directory" pml-clean -o "$T/file/x" "$T/a.mp"
expect_err "preprocess -o file/x" 1 "cannot create '$T/file/x': Not a directory" pml-preprocess -o "$T/file/x" "$T/c.mp"
expect_err "split -o ok -o file/x" 1 "cannot create '$T/file/x': Not a directory" pml-split -o "$T/ok" -o "$T/file/x" "$T/p.mp"
check "split: the good output is not left behind" test ! -e "$T/ok"
expect_err "train -o file/x" 1 "cannot create '$T/file/x': Not a directory" pml-train -q --epochs 1 -o "$T/file/x" "$T/tr.mp"
expect_err "eval -o file/x" 1 "cannot create '$T/file/x': Not a directory" pml-eval -m "$T/m.pml" -o "$T/file/x" "$T/te.mp"
expect_err "eval -p file/x" 1 "cannot create '$T/file/x': Not a directory" pml-eval -m "$T/m.pml" -p "$T/file/x" "$T/te.mp"
expect_err "eval --plot file/x" 1 "'$T/file/x': Not a directory" pml-eval -m "$T/m.pml" --plot "$T/file/x" "$T/te.mp"
expect_err "cat -o file/x" 1 "cannot create '$T/file/x': Not a directory" pml-cat -o "$T/file/x" "$T/a.mp"
expect_err "clean --dropped in a missing folder" 1 "cannot create" pml-clean --dedup --dropped "$T/no/d" "$T/a.mp"
expect_err "train --log in a missing folder" 1 "no/l" pml-train -q --epochs 1 --log "$T/no/l" -o "$T/ml" "$T/tr.mp"
expect_err "train --plot in a missing folder" 1 "no/p.svg" pml-train -q --epochs 1 --plot "$T/no/p.svg" -o "$T/ml" "$T/tr.mp"
expect_err "train -o a folder (refused before training)" 2 "is a directory" pml-train -q --epochs 1 -o "$T" "$T/tr.mp"
expect_err "clean -o a folder" 1 "Is a directory" pml-clean -o "$T" "$T/a.mp"
check "the file stays a file" test -f "$T/file" -a ! -s "$T/file"
done_testing
