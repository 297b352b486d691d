#!/bin/sh
# A tool's outputs: named once, none of them an input (issue 12 #10), and
# all or none of them in place (#16). `pml-train --plot M -o M` exited 0
# with the model replaced by the SVG; a failing tool left the outputs it had
# closed before the failure renamed into place.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"
cd "$T" || exit 1
cp m.pml keep.pml

expect_err "train --plot M -o M" 2 "output 'M.pml' given twice" pml-train -q --plot M.pml -o M.pml tr.mp
check "nothing written" test ! -e M.pml
expect_err "train --plot ./M -o M: the same file by another name" 2 "given twice" \
	sh -c "touch M.pml && pml-train -q --plot ./M.pml -o M.pml tr.mp"
expect_err "train --log M -o M" 2 "given twice" pml-train -q --log M.pml -o M.pml tr.mp
expect_err "train -o the training stream" 2 "both an input and an output" pml-train -q -o tr.mp tr.mp
expect_err "train -o the --val stream" 2 "both an input and an output" pml-train -q --val te.mp -o te.mp tr.mp
expect_err "eval -o the model" 2 "'keep.pml' is both an input and an output" pml-eval -m keep.pml -o keep.pml te.mp
expect_err "eval --plot the baseline" 2 "both an input" pml-eval -m m.pml --baseline keep.pml --plot keep.pml te.mp
expect_err "eval --plot and -p the same" 2 "given twice" pml-eval -m m.pml --plot x.svg -p x.svg te.mp
expect_err "eval --json -o and --plot the same" 2 "given twice" pml-eval -m m.pml --json -o x.svg --plot x.svg te.mp
expect_err "clean --dropped and -o the same" 2 "given twice" pml-clean --dedup --dropped d.mp -o d.mp a.mp
expect_err "clean -o the input" 2 "both an input and an output" pml-clean --fill x=mean -o a.mp a.mp
expect_err "clean -o the --apply stream" 2 "both an input" pml-clean --apply c.mp -o c.mp a.mp
expect_err "preprocess -o the input through a link" 2 "both an input" sh -c "ln -sf c.mp l.mp && pml-preprocess -o l.mp c.mp"
expect_err "cat -o the input" 2 "both an input" pml-cat -o a.mp a.mp
expect_err "collect -o the input" 2 "both an input" pml-collect --csv -o a.csv a.csv
expect_err "split: - and /dev/stdout" 2 "only one output can be stdout" pml-split -o - -o /dev/stdout p.mp
expect_err "split: a hard link of an output" 2 "given twice" sh -c "touch s1 && ln -f s1 s2 && pml-split -o s1 -o s2 p.mp"
check "the model is still the model" cmp -s m.pml keep.pml
expect "eval -o /dev/null -p /dev/null: devices may repeat" 0 pml-eval -m m.pml -o /dev/null --plot p.svg te.mp

# all or none: a failed output takes the others with it
rm -f d.mp pl.svg s1 s2
expect_err "clean --dedup --dropped d.mp -o /dev/full" 1 "/dev/full" pml-clean --dedup --dropped d.mp -o /dev/full a.mp
check "clean: d.mp not in place" test ! -e d.mp
expect_err "eval --plot pl.svg -o /dev/full" 1 "/dev/full" pml-eval -m m.pml --plot pl.svg -o /dev/full te.mp
check "eval: pl.svg not in place" test ! -e pl.svg
expect_err "eval -p p.mp -o /dev/full" 1 "/dev/full" pml-eval -m m.pml -p p2.mp -o /dev/full te.mp
check "eval: the predictions not in place" test ! -e p2.mp
expect_err "split: the third output fails" 1 "/dev/full" pml-split -r 0.5,0.3,0.2 -o s1 -o s2 -o /dev/full p.mp
check "split: the first two not in place" test ! -e s1 -a ! -e s2
expect_err "train: the plot cannot be written" 1 "plot.svg" pml-train -q --epochs 1 --hidden 4 --plot no/such/dir/plot.svg -o M2.pml tr.mp
check "train: no model either" test ! -e M2.pml
check "no temporary file left" test -z "$(ls -A | grep '^\.')"
# a quality gate that fails (exit 3) is a result: the report is written
expect "eval gate failed: exit 3" 3 pml-eval -m m.pml --min accuracy=1.01 -o rep.txt --plot g.svg te.mp
check "gate failed: the report and plot are in place" test -s rep.txt -a -s g.svg
expect "all well: every output in place" 0 pml-clean --dedup --dropped d.mp -o o.mp a.mp
check "both written" test -e d.mp -a -s o.mp
done_testing
