#!/bin/sh
# t1102-collect-schema-from: pml-collect --schema-from FILE (a stream or a
# model) reads new data exactly as the training data was read: types (no
# inference), roles, class names and column order come from FILE.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

cat > train.csv <<'CSV'
CRIM,ZN,RM,code,MEDV
0.1,12.5,6.5,007,24.0
0.2,0,6.1,012,21.6
0.03,18.5,7.1,007,34.7
0.5,0,5.9,120,18.2
CSV
pml-collect -q --label MEDV train.csv > all.mp
pml-preprocess -q --scale 'CRIM=standard' --scale 'ZN=standard' --scale 'RM=standard' --onehot code all.mp > train.mp
pml-train -q --epochs 2 -o m.pmm train.mp
printf 'CRIM,ZN,RM,code,MEDV\n0.1,0,6.2,7,22.0\n0.3,20,6.9,120,30.0\n' > new.csv

expect_out "inferred alone: ZN int, code int" 'int int' \
	sh -c "pml-collect new.csv | pml-cat -s | grep -o '\"name\":\"\\(ZN\\|code\\)\",\"type\":\"[a-z]*\"' | sed 's/.*\"type\":\"//; s/\"//' | tr '\n' ' ' | sed 's/ \$//'"
for from in all.mp train.mp m.pmm; do
	expect "--schema-from $from" 0 pml-collect --schema-from $from -o new-$from.mp new.csv
	check "--schema-from $from: the same columns as the training data" sh -c \
		"pml-cat -s all.mp | grep -o '\"columns\":\\[[^]]*\\]' > a.txt && pml-cat -s new-$from.mp | grep -o '\"columns\":\\[[^]]*\\]' > b.txt && cmp -s a.txt b.txt"
done
expect_out "values read with the training types (code stays text)" \
'{"CRIM":0.1,"ZN":0,"RM":6.2,"code":"7","MEDV":22}
{"CRIM":0.3,"ZN":20,"RM":6.9,"code":"120","MEDV":30}' pml-cat new-m.pmm.mp
expect_out "the batch appends to the training data" 6 sh -c 'cat all.mp new-m.pmm.mp | pml-cat --count'
expect "and evaluates" 0 pml-eval -m m.pmm new-m.pmm.mp

# JSON lines, keys in another order: columns come out in the schema's order
printf '{"MEDV":22,"code":"7","RM":6,"ZN":0,"CRIM":1}\n' > new.jsonl
expect_out "JSON lines in the schema's order and types" '{"CRIM":1,"ZN":0,"RM":6,"code":"7","MEDV":22}' \
	sh -c 'pml-collect --schema-from all.mp new.jsonl | pml-cat'
# CSV columns in another order; no label column: missing
printf 'code,RM,ZN,CRIM\n7,6,0,1\n' > nolabel.csv
expect_out "CSV in another order, without the label" '{"CRIM":1,"ZN":0,"RM":6,"code":"7","MEDV":null}' \
	sh -c 'pml-collect --schema-from m.pmm nolabel.csv | pml-cat'

# errors: name the file(s), line and column
printf 'CRIM,ZN,code,MEDV\n1,0,7,2\n' > nofeat.csv
expect_err "a feature column missing" 1 "nofeat.csv: column 'RM': the schema of m.pmm expects it, the records have no such column" \
	pml-collect --schema-from m.pmm nofeat.csv
printf 'CRIM,ZN,RM,code,MEDV,extra\n1,0,6,7,2,9\n' > extra.csv
expect_err "a column the schema does not have" 1 "extra.csv: column 'extra': the records have it, the schema of m.pmm does not know it" \
	pml-collect --schema-from m.pmm extra.csv
printf 'CRIM,ZN,RM,code,MEDV\n1,0,6,7,2\n1,x,6,7,2\n' > badval.csv
expect_err "a value that does not convert" 1 "badval.csv: line 3, column 'ZN': 'x' is not a finite number (the column's type is given, by --type or --schema-from)" \
	pml-collect --schema-from m.pmm badval.csv
expect "--label and --type that agree with it (a job's fixed options)" 0 \
	pml-collect --schema-from m.pmm --label MEDV --type code=str -o agree.mp new.csv
check "the same records" sh -c "pml-cat agree.mp > a.json && pml-cat new-m.pmm.mp > b.json && cmp -s a.json b.json"
expect_err "--label that differs" 1 "--label CRIM: the label column of m.pmm is 'MEDV'" \
	pml-collect --schema-from m.pmm --label CRIM new.csv
expect_err "--type that differs" 1 "--type ZN=int: in m.pmm the column is float" \
	pml-collect --schema-from m.pmm --type ZN=int new.csv
expect_err "--id of a column it lacks" 1 "--id nope: m.pmm has no id column" \
	pml-collect --schema-from m.pmm --id nope new.csv
expect_err "not with --classes" 2 "--schema-from takes the class names from 'm.pmm'" \
	pml-collect --schema-from m.pmm --classes a,b new.csv
expect_err "not a stream or model" 1 "new.csv" pml-collect --schema-from new.csv new.csv
expect_err "no such file" 1 "nope.pmm" pml-collect --schema-from nope.pmm new.csv
printf '1 1:0.5\n' > a.svm
expect_err "svmlight refused" 1 "--schema-from reads CSV, TSV and JSON lines only" pml-collect --schema-from m.pmm a.svm
done_testing
