#!/bin/sh
# t1103-retrain-schema: pipelines/retrain.sh reads new inbox files with the
# accumulated data's schema (pml-collect --schema-from), so a batch whose
# float column holds only whole numbers is appended as float instead of
# blocking every later run at "append"; a file that cannot be read so moves
# to rejected/ with a log line naming the inbox file, and the others go on
# (issue 12 #9).
. "$(dirname "$0")/lib.sh"
RETRAIN=$PML_TOP/pipelines/retrain.sh
S=$T/state
mkdir -p "$S/inbox"
cd "$T" || exit 1

# gen N SEED [whole]: id,x1,x2,y with y = pos when x1 + x2 > 0 (whole: x1 in -2..2)
gen() {
	awk -v n="$1" -v s="$2" -v whole="${3:-0}" 'BEGIN { srand(s); print "id,x1,x2,y"
		for (i = 0; i < n; i++) { x1 = whole ? int(rand() * 5) - 2 : rand() * 2 - 1; x2 = rand() * 2 - 1
			printf "s%d-%d,%s,%.4f,%s\n", s, i, whole ? x1 : sprintf("%.4f", x1), x2, (x1 + x2 > 0) ? "pos" : "neg" } }'
}
retrain() {
	"$RETRAIN" -q -d "$S" --collect '--label y --id id' --key id --salt t1103 \
		--train '--hidden 4 --epochs 5 --seed 1' --min accuracy=0 --max-drop accuracy=1 "$@"
}

gen 200 1 > "$S/inbox/a.csv"
expect "round 1: a first model" 0 retrain
expect_out "round 1: 200 records" 200 pml-cat --count "$S/data.mp"

# round 2: a batch whose x1 holds whole numbers only (inferred alone: int),
# a file with a value that is not a number, and a good batch after them
gen 50 2 1 > "$S/inbox/b.csv"
expect_out "b.csv alone infers x1 as int" '"x1","int"' \
	sh -c "pml-collect '$S/inbox/b.csv' | pml-cat -s | grep -o '\"name\":\"x1\",\"type\":\"[a-z]*\"' | sed 's/\"name\"://; s/\"type\"://; s/:/,/'"
{ echo id,x1,x2,y; echo c1,0.5,zero,pos; } > "$S/inbox/c.csv"
gen 50 4 > "$S/inbox/d.csv"
expect "round 2: promoted despite the bad file" 0 retrain
expect_out "round 2: b.csv and d.csv appended (300 records)" 300 pml-cat --count "$S/data.mp"
expect_out "x1 stays float" '"x1","float"' \
	sh -c "pml-cat -s '$S/data.mp' | grep -o '\"name\":\"x1\",\"type\":\"[a-z]*\"' | head -n 1 | sed 's/\"name\"://; s/\"type\"://; s/:/,/'"
check "b.csv and d.csv done" test -f "$S/done/b.csv" -a -f "$S/done/d.csv"
check "c.csv moved to rejected/" test -f "$S/rejected/c.csv" -a ! -f "$S/inbox/c.csv"
check "the log line names the inbox file, line and column" \
	grep -q "rejected $S/inbox/c.csv: $S/inbox/c.csv: line 2, column 'x2': 'zero' is not a finite number" "$S/retrain.log"
check "no temporary file named" sh -c "! grep -q '\\.work\\.' '$S/retrain.log'"
check "the promotion line counts the rejected file" grep -q 'promoted: .*2 new file(s); 1 file(s) rejected' "$S/retrain.log"
check "the inbox is empty: nothing blocks the next run" test -z "$(ls "$S/inbox")"

# round 3: the next run goes on as usual
gen 50 5 1 > "$S/inbox/e.csv"
expect "round 3: another whole-number batch" 0 retrain
expect_out "round 3: 350 records" 350 pml-cat --count "$S/data.mp"
# a file whose columns differ from the accumulated data's
printf 'id,x1,y\nz1,0.5,pos\n' > "$S/inbox/f.csv"
expect "round 4: only a file without x2: exit 1" 1 retrain
check "f.csv rejected, naming the missing column" \
	grep -q "rejected $S/inbox/f.csv: $S/inbox/f.csv: column 'x2': the schema of $S/data.mp expects it" "$S/retrain.log"
expect_out "round 4: data untouched" 350 pml-cat --count "$S/data.mp"
done_testing
