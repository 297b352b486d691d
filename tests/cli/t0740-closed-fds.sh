#!/bin/sh
# Every tool starts with fds 0, 1 and 2 open (issue 12 #1): a closed stdout
# used to let `-o -` write into the next temporary file, so a split's test
# share received the training rows too. Writing a closed stdout or reading a
# closed stdin is now an error; a closed stderr only silences the messages.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"

expect_err "split -o - with stdout closed: exit 1" 1 "write error on stdout" \
	sh -c "cd '$T' && pml-split -o - -o sx.mp p.mp >&-"
check "split: the other output is not written" test ! -e "$T/sx.mp"
expect_err "split -o - and a third output, stdout closed" 1 "stdout" \
	sh -c "cd '$T' && pml-split -r 0.5,0.3,0.2 -o s1.mp -o - -o s3.mp p.mp >&-"
check "split: no output of the three is written" test ! -e "$T/s1.mp" -a ! -e "$T/s3.mp"
for t in "pml-cat a.mp" "pml-cat --count a.mp" "pml-clean --fill x=mean a.mp" "pml-preprocess c.mp" \
	"pml-collect --label y a.csv" "pml-eval -m m.pml te.mp" "pml-cat --version"; do
	expect_err "${t%% *} with stdout closed: exit 1" 1 "stdout" sh -c "cd '$T' && $t >&-"
done
expect_err "collect from a closed stdin: exit 1" 1 "stdin" sh -c "pml-collect --csv <&-"
expect_err "cat from a closed stdin: exit 1" 1 "stdin" sh -c "pml-cat <&-"
# stdin closed but not read: the temporary file of -o must not become fd 0
expect "clean -o FILE with stdin closed" 0 sh -c "cd '$T' && pml-clean --fill x=mean -o cl.mp a.mp <&-"
check "same records as with stdin open" sh -c "cd '$T' && pml-cat --csv cl.mp > 1.csv && pml-cat --csv c.mp | cmp -s - 1.csv"
# stderr closed: the error cannot be said, but the status still tells
expect "bad input with stderr closed: exit 1" 1 sh -c "pml-cat '$T/a.csv' 2>&-"
expect "train with stderr and stdout closed" 0 sh -c "cd '$T' && pml-train --epochs 1 --hidden 4 -o m2.pml tr.mp >&- 2>&-"
check "the model is a model" sh -c "pml-cat --count '$T/te.mp' > /dev/null && pml-eval -m '$T/m2.pml' '$T/te.mp' > /dev/null"
done_testing
