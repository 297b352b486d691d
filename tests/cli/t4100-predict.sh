#!/bin/sh
# pml-predict: records back in their own format with the predictions
# appended; the same bytes as pml-eval --predictions and pml-serve-stdin;
# pml-cat prints the numbers as the text outputs do; bad records, names.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"
cd "$T" || exit 1
tiny_model m.pmm
check "a tiny model" test -s m.pmm

# -- CSV stays CSV ------------------------------------------------------------
expect "csv in" 0 pml-predict -m m.pmm train.csv
cp out p.csv
check "header: the input's, then predicted and prob_CLASS" \
	test "$(head -1 p.csv)" = "id,x,y,color,label,predicted,prob_neg,prob_pos"
check "one line per record" test "$(wc -l < p.csv)" = 121
check "every input line kept as it came" test "$(cut -d, -f1-5 p.csv)" = "$(cat train.csv)"
check "nothing on stderr" test ! -s err

# the same predictions as pml-eval --predictions, byte for byte
expect "eval predictions" 0 pml-eval -q -m m.pmm -p eval.jsonl raw.pml
sed 's/^{"class":"\([a-z]*\)","index":[0-9],"probs":\[\(.*\)\]}$/\1,\2/' eval.jsonl > eval.txt
tail -n +2 p.csv | cut -d, -f6- > pred.txt
check "class and probabilities equal pml-eval's bytes" cmp -s eval.txt pred.txt
check "the numbers are the shortest exact text" sh -c "! grep -Eq '[0-9]{10}' pred.txt"

# -- JSON lines stay JSON lines ----------------------------------------------
pml-cat --json raw.pml > raw.jsonl
expect "json in" 0 pml-predict -m m.pmm raw.jsonl
cp out p.jsonl
check "one object per record" test "$(wc -l < p.jsonl)" = 120
check "first record: its keys, then the predictions" \
	grep -q '^{"id":"r0","x":0.246,"y":-1.1,"color":"red","label":"neg","predicted":"[a-z]*","prob_neg":[0-9.e-]*,"prob_pos":[0-9.e-]*}$' p.jsonl
sed 's/.*"predicted":"\([a-z]*\)","prob_neg":\([^,]*\),"prob_pos":\([^}]*\)}$/\1,\2,\3/' p.jsonl > predj.txt
check "JSON predictions equal the CSV ones" cmp -s predj.txt pred.txt
pml-serve-stdin -q m.pmm < raw.jsonl > serve.jsonl
check "and pml-serve-stdin's" cmp -s serve.jsonl eval.jsonl
printf '{ }\n{"x":1,"y":2,"color":"blue"  }  \n' > sp.jsonl
expect "json: spaces and an empty object" 1 pml-predict -m m.pmm sp.jsonl
check "empty object: a bad record naming the column" grep -q "sp.jsonl: record 1: column 'x': missing" err
expect "json: spaces before the closing brace" 0 pml-predict -m m.pmm --bad skip sp.jsonl
check "the new keys go inside the object" grep -q '^{"x":1,"y":2,"color":"blue"  ,"predicted":"[a-z]*","prob_neg":' out

# -- a stream stays a stream; pml-cat prints the numbers the same way --------
expect "stream in" 0 pml-predict -m m.pmm -o p.mp raw.pml
expect "the output is a valid stream" 0 pml-cat --csv p.mp
check "stream: the input's columns, then the predictions" \
	test "$(head -1 out)" = "id,x,y,color,label,predicted,prob_neg,prob_pos"
tail -n +2 out | cut -d, -f6- > preds.txt
check "pml-cat --csv prints the stream's predictions as the CSV output has them" cmp -s preds.txt pred.txt
expect "pml-cat --schema" 0 pml-cat --schema p.mp
check "predicted is str, the probabilities float" sh -c "grep -q 'predicted.*str' '$T/out' && grep -q 'prob_pos.*float' '$T/out'"
# serving: CSV replies are named after the classes, and pml-cat prints a msgpack reply identically
pml-serve-stdin -q m.pmm < train.csv > reply.csv
check "serving's CSV reply header names the classes" test "$(head -1 reply.csv)" = "class,index,prob_neg,prob_pos,error"
pml-serve-stdin -q m.pmm < raw.pml | pml-cat --csv > reply-mp.csv
check "msgpack reply through pml-cat --csv: the CSV reply's numbers" \
	test "$(tail -n +2 reply-mp.csv)" = "$(tail -n +2 reply.csv)"

# -- batch size, front end, stdin -----------------------------------------
expect "batch of 1" 0 pml-predict -m m.pmm -b 1 train.csv
check "the same bytes whatever the batch" cmp -s out p.csv
run sh -c "pml predict -m m.pmm < train.csv"
check "pml predict, stdin" sh -c "[ $rc = 0 ] && cmp -s '$T/out' '$T/p.csv'"

# -- regression ---------------------------------------------------------------
awk -F, 'NR == 1 { print "id,x,y,color,v"; next } { printf "%s,%s,%s,%s,%.3f\n", $1, $2, $3, $4, $2 + 2 * $3 }' train.csv > reg.csv
pml-collect -q --label v --id id reg.csv > reg.raw
pml-preprocess -q --scale 'x=standard' --scale 'y=standard' reg.raw > reg.mp
pml-train -q --epochs 3 --hidden 4 -o reg.pmm reg.mp
expect "regression" 0 pml-predict -m reg.pmm reg.csv
check "regression: one column 'predicted'" test "$(head -1 out)" = "id,x,y,color,v,predicted"
tail -n +2 out | cut -d, -f6 > regp.txt
pml-eval -q -m reg.pmm -p reg.jsonl reg.raw > /dev/null
sed 's/^{"value":\(.*\)}$/\1/' reg.jsonl > rege.txt
check "regression: pml-eval's values" cmp -s regp.txt rege.txt
pml-serve-stdin -q reg.pmm < reg.csv > regreply.csv
pml-serve-stdin -q reg.pmm < reg.raw | pml-cat --csv > regreply-mp.csv
check "regression: a msgpack reply's value prints as the CSV reply's" \
	test "$(tail -n +2 regreply-mp.csv)" = "$(tail -n +2 regreply.csv)"
check "regression: and as pml-predict's" test "$(tail -n +2 regreply.csv | cut -d, -f1)" = "$(cat regp.txt)"
expect "regression, stream" 0 pml-predict -m reg.pmm -o regp.mp reg.raw
check "regression, stream: pml-cat prints pml-predict's CSV numbers" \
	test "$(pml-cat --csv regp.mp | tail -n +2 | awk -F, '{ print $NF }')" = "$(cat regp.txt)"

# -- bad records --------------------------------------------------------------
printf 'id,x,y,color\na,1,1,red\nb,one,1,red\nc,1,1,green\nd,-1,-1,blue\n' > bad.csv
expect_err "a bad record stops it, naming file, record and column" 1 \
	"pml-predict: error: bad.csv: record 2: column 'x': expected float, got 'one'" pml-predict -m m.pmm bad.csv
check "the records before it are written" test "$(wc -l < out)" = 2
expect "--bad skip" 0 pml-predict -m m.pmm --bad skip bad.csv
check "skip: the good records only" test "$(cut -d, -f1 out | tr '\n' ' ')" = "id a d "
check "skip: each named, then counted" sh -c "grep -q \"bad.csv: record 3: column 'color'\" '$T/err' && grep -q '2 bad records skipped' '$T/err'"
expect "--bad keep" 0 pml-predict -m m.pmm --bad keep bad.csv
check "keep: empty predictions" test "$(sed -n 3p out)" = "b,one,1,red,,,"
check "keep: counted" grep -q '2 bad records kept with empty predictions' err
printf 'id,x,y,color\na,1,1,red\nb,1,1\nc,"1,1,red\nd,1,one,red\n' > broken.csv
expect "--bad keep: a row that cannot be written back is skipped" 0 pml-predict -m m.pmm --bad keep broken.csv
check "keep: only well-formed rows, bad ones with empty predictions" test "$(cut -d, -f1 out | tr '\n' ' ')" = "id a d "
check "keep: counted apart" sh -c "grep -q '2 bad records skipped' '$T/err' && grep -q '1 bad records kept' '$T/err'"
printf '{"x":1,"y":1,"color":"red"}\n{"x":1,\n{"x":"one","y":1,"color":"red"}\n' > broken.jsonl
expect "--bad keep, JSON" 0 pml-predict -m m.pmm --bad keep broken.jsonl
check "keep, JSON: the broken line skipped, the mistyped one kept" test "$(wc -l < out) $(sed -n 2p out)" = \
	'2 {"x":"one","y":1,"color":"red","predicted":null,"prob_neg":null,"prob_pos":null}'
printf 'id,x,color\na,1,red\n' > nocol.csv
expect_err "a column the model needs is missing" 1 "nocol.csv: CSV header: column 'y' missing" pml-predict -m m.pmm nocol.csv
check "nothing written" test ! -s out
expect_err "no model" 2 "no model" pml-predict train.csv
expect_err "--bad takes fail, skip or keep" 2 "--bad" pml-predict -m m.pmm --bad maybe train.csv
expect_err "a missing file" 1 "cannot open 'nope.csv'" pml-predict -m m.pmm nope.csv

# -- names that would collide ---------------------------------------------------
printf 'id,x,y,color,predicted\na,1,1,red,yes\n' > clash.csv
expect_err "an input column named predicted is refused" 1 \
	"column 'predicted' is in the input already; choose other names with --prefix" pml-predict -m m.pmm clash.csv
check "refused before writing" test ! -s out
expect "--prefix" 0 pml-predict -m m.pmm --prefix pred_ clash.csv
check "prefixed names" test "$(head -1 out)" = "id,x,y,color,predicted,pred_predicted,pred_prob_neg,pred_prob_pos"
printf '{"x":1,"y":1,"color":"red","prob_pos":0.5}\n' > clash.jsonl
expect_err "a JSON key named like a new column: a bad record" 1 "record 1: column 'prob_pos' is in the record already" \
	pml-predict -m m.pmm clash.jsonl
pml-collect -q clash.csv > clash.mp
expect_err "a stream column named predicted is refused" 1 "column 'predicted' is in the input already" \
	pml-predict -m m.pmm clash.mp

# -- several files ------------------------------------------------------------
head -3 train.csv > a.csv
{ head -1 train.csv; sed -n '4,5p' train.csv; } > b.csv
expect "two CSV files" 0 pml-predict -m m.pmm a.csv b.csv
check "one header, every record" test "$(cut -d, -f1 out | tr '\n' ' ')" = "id r0 r1 r2 r3 "
printf 'x,y,color,id\n1,1,red,z\n' > c.csv
expect_err "another header is refused" 1 "c.csv: CSV header differs from the first input's" pml-predict -m m.pmm a.csv c.csv
expect_err "another format is refused" 1 "raw.jsonl: CSV header" pml-predict -m m.pmm a.csv raw.jsonl

# -- output file --------------------------------------------------------------
expect "-o FILE" 0 pml-predict -m m.pmm -o o.csv train.csv
check "-o: the same bytes" cmp -s o.csv p.csv
expect "a failure leaves no -o file" 1 pml-predict -m m.pmm -o o2.csv bad.csv
check "no o2.csv" test ! -e o2.csv
expect_err "a full disk is reported" 1 "write" pml-predict -m m.pmm -o /dev/full train.csv
done_testing
