#!/bin/sh
# t1104-column-did-you-mean: every option that names a column looks it up
# in one place (pml_schema_lookup): an unknown name is an error naming the
# file and the option, with a "did you mean" hint for a name in another
# case or a few edits away (issue 11).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

printf 'CRIM,ZN,RM,code,MEDV\n0.1,12.5,6.5,a,24.0\n0.2,0,6.1,b,21.6\n0.3,1,6.0,a,20.0\n' > h.csv
pml-collect -q --label MEDV h.csv > h.mp

expect_err "collect --label" 1 "h.csv: --label: no column 'medv'; did you mean 'MEDV'?" pml-collect --label medv h.csv
expect_err "collect --id" 1 "h.csv: --id: no column 'cod'; did you mean 'code'?" pml-collect --id cod h.csv
expect_err "collect --type" 1 "h.csv: --type: no column 'Rm'; did you mean 'RM'?" pml-collect --type Rm=float h.csv
printf '{"price":1,"rooms":2}\n' > j.jsonl
expect_err "collect --type, JSON lines" 1 "j.jsonl: --type: no column 'prise'; did you mean 'price'?" pml-collect --type prise=int j.jsonl
expect_err "clean --fill" 1 "h.mp: --fill: no column 'Zn'; did you mean 'ZN'?" pml-clean --fill Zn=mean h.mp
expect_err "clean --drop" 1 "h.mp: --drop: no column 'ZM'; did you mean 'ZN'?" pml-clean --drop ZM h.mp
expect_err "clean --keep" 1 "h.mp: --keep: no column 'crim'; did you mean 'CRIM'?" pml-clean --keep RM,crim h.mp
expect_err "clean --rename" 1 "h.mp: --rename: no column 'cdoe'; did you mean 'code'?" pml-clean --rename cdoe=c h.mp
expect_err "clean --cast" 1 "h.mp: --cast: no column 'zn'; did you mean 'ZN'?" pml-clean --cast zn=int h.mp
expect "clean --cast of a renamed column" 0 pml-clean --rename ZN=zn --cast zn=str -o r.mp h.mp
expect_err "clean --dedup" 1 "h.mp: --dedup: no column 'CRIN'; did you mean 'CRIM'?" pml-clean --dedup=CRIN h.mp
expect_err "clean --dedup after a fill" 1 "h.mp: --dedup: no column 'CRIX'; did you mean 'CRIM'?" pml-clean --dedup=CRIX --fill ZN=mean h.mp
expect_err "clean --outlier-columns" 1 "h.mp: --outlier-columns: no column 'rm'; did you mean 'RM'?" \
	pml-clean --outliers zscore --outlier-columns rm h.mp
expect_err "preprocess --scale" 1 "h.mp: --scale: no column 'zn'; did you mean 'ZN'?" pml-preprocess --scale zn=standard h.mp
expect_err "preprocess --onehot" 1 "h.mp: --onehot: no column 'Code'; did you mean 'code'?" pml-preprocess --onehot Code h.mp
expect_err "preprocess --label" 1 "h.mp: --label: no column 'MEDVV'; did you mean 'MEDV'?" pml-preprocess --label MEDVV h.mp
expect_err "preprocess --text" 1 "h.mp: --text: no column 'cde'; did you mean 'code'?" pml-preprocess --text cde h.mp
expect_err "split --key" 1 "h.mp: --key: no column 'crim'; did you mean 'CRIM'?" pml-split --hash --key crim -o a.mp -o b.mp h.mp
expect_err "split --group" 1 "h.mp: --group: no column 'COde'; did you mean 'code'?" pml-split --group COde -o a.mp -o b.mp h.mp
pml-preprocess -q --scale '*=standard' --onehot code h.mp > p.mp
expect_err "train --label" 1 "p.mp: --label: no column 'medv'; did you mean 'MEDV'?" pml-train --label medv -o m.pmm p.mp
expect_err "train --features" 1 "p.mp: --features: no column 'feature'; did you mean 'features'?" pml-train --features feature -o m.pmm p.mp
expect_err "no hint when nothing is near" 1 "h.mp: --fill: no column 'zzzz'" pml-clean --fill zzzz=mean h.mp
check "no hint then" sh -c "! grep -q 'did you mean' '$T/err'"
done_testing
