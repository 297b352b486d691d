#!/bin/sh
# t3540-eval-raw: pml-eval on raw records (as pml-collect wrote them: the
# model's fitted chain is applied) and on preprocessed records gives the
# same report and the same predictions; a label unseen at fit time is an
# error naming the file, record and column.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

/usr/bin/python3 - <<'PY'
import random
random.seed(7)
names = ['setosa', 'versicolor', 'virginica']
with open('iris.csv', 'w') as f:
    f.write('sepal,petal,color,species\n')
    for i in range(240):
        k = i % 3
        a = 4.5 + k + random.gauss(0, 0.6)
        b = 1.5 + 2 * k + random.gauss(0, 0.9)
        c = 'NA' if i % 17 == 0 else random.choice(['red', 'blue', 'green'])
        f.write('%.2f,%.2f,%s,%s\n' % (a, b, c, names[k]))
PY
expect "collect" 0 pml-collect --label species -o raw.mp iris.csv
expect "split" 0 pml-split -r 0.75,0.25 -o rtrain.mp -o rtest.mp raw.mp
expect "clean" 0 pml-clean --fill 'color=mode' -o ctrain.mp rtrain.mp
expect "preprocess" 0 pml-preprocess --scale '*=standard' -o ptrain.mp ctrain.mp
expect "train" 0 pml-train -q --epochs 5 --hidden 8 --seed 1 -o m.pml ptrain.mp
expect "test set cleaned" 0 pml-clean --apply ctrain.mp -o ctest.mp rtest.mp
expect "test set preprocessed" 0 pml-preprocess --apply ptrain.mp -o ptest.mp ctest.mp

expect "eval on raw records" 0 pml-eval -m m.pml --json -k 2 -p raw.jsonl rtest.mp
cp "$T/out" raw.json
expect "eval on preprocessed records" 0 pml-eval -m m.pml --json -k 2 -p pre.jsonl ptest.mp
check "same JSON report" cmp -s "$T/out" raw.json
check "same predictions" cmp -s raw.jsonl pre.jsonl
check "60 records" grep -q '"records":60,' raw.json
check "60 predictions" test "$(wc -l < raw.jsonl)" = 60

printf 'sepal,petal,color,species\n5.0,1.4,red,setosa\n6.1,4.0,blue,tulip\n' > bad.csv
expect "collect a label unseen at fit time" 0 pml-collect --label species -o bad.mp bad.csv
expect_err "unseen label refused" 1 "bad.mp: record 2: column 'species'" pml-eval -m m.pml bad.mp
check "no report" test ! -s "$T/out"

done_testing
