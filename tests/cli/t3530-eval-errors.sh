#!/bin/sh
# t3530-eval-errors: bad model files, bad records, labels outside the
# model's classes, bad options. Data errors exit 1 with one line naming the
# file (and record and column); usage errors exit 2.
. "$(dirname "$0")/lib.sh"

expect "fixtures written" 0 "$PML_TOP/build/tests/u-metrics" --fixtures "$T"
cd "$T" || exit 1

# Model files.
expect_err "missing model" 1 "nope.pml" pml-eval -m nope.pml test.mp
: > empty.pml
expect_err "empty model file" 1 "empty.pml" pml-eval -m empty.pml test.mp
expect_err "a stream is not a model" 1 "test.mp" pml-eval -m test.mp test.mp
expect_err "a folder is not a model" 1 "" pml-eval -m . test.mp

# Every prefix of the model, and one flipped bit in every third byte:
# refused with exit 1 and one line, never a crash or a report.
cat > mangle.py <<'PY'
import subprocess, sys
data = open(sys.argv[1], 'rb').read()
bad = []
for i in range(len(data)):
    for kind, b in (('cut', data[:i]), ('flip', data[:i] + bytes([data[i] ^ 0x10]) + data[i + 1:])):
        if kind == 'flip' and i % 3:
            continue
        name = '%s%d.pml' % (kind, i)
        open(name, 'wb').write(b)
        p = subprocess.run(['pml-eval', '-m', name, 'test.mp'], capture_output=True)
        err = p.stderr.decode('utf-8', 'replace')
        if p.returncode != 1 or p.stdout or err.count('\n') != 1 or \
                not err.startswith('pml-eval: error: ' + name):
            bad.append('%s(rc=%d: %s)' % (name, p.returncode, err.strip()[:80]))
print(' '.join(bad[:10]))
PY
bad=$(/usr/bin/python3 mangle.py model.pml)
check "every cut and bit-flipped model refused cleanly" test -z "$bad"
[ -z "$bad" ] || echo "#   bad: $bad"
rm -f cut*.pml flip*.pml

# Records.
expect_err "label outside the classes" 1 "badlabel.mp: record 2: column 'y': class 5 out of range (3 classes)" \
	pml-eval -m model.pml badlabel.mp
check "no report on a data error" test ! -s "$T/out"
expect_err "record without a label" 1 "nolabel.mp: record 2, column 'y': no label" pml-eval -m model.pml nolabel.mp
expect_err "records that do not fit the model" 1 "model.pml: records do not fit the model: column 'x'" \
	pml-eval -m model.pml reg.mp
head -c 200 test.mp > cut.mp
expect_err "truncated stream" 1 "cut.mp" pml-eval -m model.pml cut.mp
expect_err "predictions not left behind on error" 1 "badlabel.mp" pml-eval -m model.pml -p p.jsonl badlabel.mp
check "no predictions file" test ! -e p.jsonl
expect_err "streams with different schemas" 1 "" sh -c 'cat test.mp reg.mp | pml-eval -m model.pml'
expect_err "missing input" 1 "nope.mp" pml-eval -m model.pml nope.mp
expect_err "empty input" 1 "" sh -c 'pml-eval -m model.pml < /dev/null'

# Options.
expect_err "no model" 2 "no model" pml-eval test.mp
expect_err "unknown option" 2 "try 'pml-eval --help'" pml-eval -m model.pml --frobnicate test.mp
expect_err "batch 0" 2 "--batch" pml-eval -m model.pml --batch 0 test.mp
expect_err "top-k 0" 2 "--top-k" pml-eval -m model.pml -k 0 test.mp
expect_err "top-k above the classes" 2 "has only 3 classes" pml-eval -m model.pml -k 4 test.mp
expect_err "plot of a regression" 2 "regression model" pml-eval -m reg.pml --plot x.svg reg.mp
check "no plot written" test ! -e x.svg
expect "help" 0 pml-eval --help
check "help shows usage" grep -q "^usage: pml-eval -m MODEL" "$T/out"
expect "version" 0 pml-eval --version
check "version line" grep -q "^pml-eval (pml) " "$T/out"

done_testing
