#!/bin/sh
# t1100-schema-model-rule: a test batch collected on its own infers its
# types anew (issue 11): two house-price rows give ZN as int where the model
# was trained on float. pml-eval, --apply and pml-serve-stdin read records
# by one rule (pml_value_conform): a value that converts without loss to
# the model's type is accepted, so all three accept and agree; what does not
# convert is refused with the expected type first.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

cat > train.csv <<'CSV'
CRIM,ZN,RM,MEDV
0.1,12.5,6.5,24.0
0.2,0,6.1,21.6
0.03,18.5,7.1,34.7
0.5,0,5.9,18.2
0.07,22.5,6.8,28.1
0.9,0,5.5,15.0
CSV
printf 'CRIM,ZN,RM,MEDV\n0.1,0,6.2,22.0\n0.3,20,6.9,30.0\n' > test.csv
pml-collect -q --label MEDV train.csv | pml-preprocess --scale '*=standard' > train.mp
pml-train -q --epochs 5 -o m.pmm train.mp
pml-collect -q --label MEDV test.csv > test.mp
expect_out "the batch infers ZN as int" '{"name":"ZN","type":"int","role":"feature"}' \
	sh -c 'pml-cat -s test.mp | grep -o "{\"name\":\"ZN\"[^}]*}"'

expect "pml-eval accepts the int column" 0 pml-eval -m m.pmm -p eval.jsonl test.mp
check "two predictions" test "$(wc -l < eval.jsonl)" = 2
run sh -c 'pml-serve-stdin -q m.pmm < test.mp | pml-cat > serve.jsonl'
check "pml-serve-stdin accepts it" test "$rc" = 0 -a "$(grep -c '"error":null' serve.jsonl)" = 2
expect "pml-serve-stdin on the CSV" 0 sh -c 'pml-serve-stdin -q m.pmm < test.csv > serve.csv'
expect "--apply accepts it" 0 pml-preprocess --apply train.mp -o applied.mp test.mp
expect "the applied records evaluate" 0 pml-eval -m m.pmm -p applied.jsonl applied.mp
check "eval and --apply then eval: same predictions" cmp -s eval.jsonl applied.jsonl
# serving replies {"value":V,"error":null}; eval prints {"value":V} with V
# printed %.9g: compare the values as numbers
/usr/bin/python3 - > cmp.out <<'PY'
import json
e = [json.loads(l)["value"] for l in open("eval.jsonl")]
s = [json.loads(l)["value"] for l in open("serve.jsonl")]
c = [float(l.split(",")[0]) for l in open("serve.csv").read().split("\n")[1:] if l]
print(len(e) == 2 and all(abs(a - b) <= 1e-7 * max(1, abs(a)) for a, b in zip(e, s)) and
      all(abs(a - b) <= 1e-7 * max(1, abs(a)) for a, b in zip(e, c)))
PY
check "eval and serving agree on both records" grep -qx True cmp.out

# The same batch with ZN forced to float is read the same way.
pml-collect -q --label MEDV --type ZN=float test.csv > testf.mp
expect "float ZN" 0 pml-eval -m m.pmm -p evalf.jsonl testf.mp
check "the same predictions as with the int column" cmp -s eval.jsonl evalf.jsonl

# A column in another order and an extra column: matched by name.
printf 'note,MEDV,RM,ZN,CRIM\na,22.0,6.2,0,0.1\nb,30.0,6.9,20,0.3\n' > order.csv
pml-collect -q --label MEDV order.csv > order.mp
expect "other column order" 0 pml-eval -m m.pmm -p order.jsonl order.mp
check "same predictions" cmp -s eval.jsonl order.jsonl
expect_err "--apply refuses a column the chain does not know (it would be lost)" 1 \
	"order.mp: column 'note': the records have it, the chain does not know it" \
	pml-preprocess --apply train.mp order.mp

# What does not convert: named the right way round, with file, record and column.
printf 'CRIM,ZN,RM,MEDV\n0.1,0,6.2,22.0\n0.3,x,6.9,30.0\n' > bad.csv
pml-collect -q --label MEDV bad.csv > bad.mp
# (x made the whole column str: its first record fails already)
expect_err "eval: a str value" 1 "bad.mp: record 1: column 'ZN': expected float, got str" \
	pml-eval -m m.pmm bad.mp
expect_err "--apply: a str value" 1 "bad.mp: record 1, column 'ZN': expected float, got str" \
	pml-preprocess --apply train.mp bad.mp
run sh -c 'pml-serve-stdin -q m.pmm < bad.csv'
check "serving: the same words" grep -q "record 2: column 'ZN': expected float, got 'x'" out

# An int column of the model fed whole floats: accepted; 2.5: refused.
printf 'n,y\n1,0.5\n2,1.5\n3,2.5\n4,3.5\n' > ti.csv
pml-collect -q --label y ti.csv | pml-preprocess --scale 'n=standard' > ti.mp
pml-train -q --epochs 2 -o mi.pmm ti.mp
printf 'n,y\n2.0,1\n3.0,2\n' > whole.csv
pml-collect -q --label y whole.csv > whole.mp
expect_out "whole floats read as the int column" 2 sh -c 'pml-eval -m mi.pmm -p - whole.mp | grep -c value'
printf 'n,y\n2.0,1\n2.5,2\n' > frac.csv
pml-collect -q --label y frac.csv > frac.mp
expect_err "a fraction for an int column" 1 "frac.mp: record 2: column 'n': expected int, got 2.5: not a whole number" \
	pml-eval -m mi.pmm frac.mp
run sh -c "printf '{\"n\":2.5}\n{\"n\":9223372036854775808}\n{\"n\":1e99999}\n{\"n\":3.0}\n' | pml-serve-stdin -q mi.pmm"
check "serving: the fraction" grep -q "record 1: column 'n': expected int, got 2.5: not a whole number" out
check "serving: 2^63 is out of range, not a fraction (issue 12)" grep -q "record 2: column 'n': expected int, got 9.22337203685478e+18: out of range" out
check "serving: 1e99999 is out of range, not a fraction (issue 12)" grep -q "record 3: column 'n': expected int, got inf: out of range" out
check "serving: 3.0 is the int 3" sh -c "sed -n 4p '$T/out' | grep -q '^{\"value\":'"
done_testing
