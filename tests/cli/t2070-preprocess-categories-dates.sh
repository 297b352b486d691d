#!/bin/sh
# One-hot of a str column with nearly as many values as records (an id, a
# date): a warning naming it, at most --max-categories (default 100) with
# __other__ for the rest and for unseen values; --min-count; --date expands
# ISO dates into year, month, day of week and day of year; all fitted on
# training data, kept in the chain, applied the same by --apply, pml-eval
# and pml-serve-stdin.
. "$(dirname "$0")/lib.sh"

# 300 records, 300 distinct dates; c has r (129), s (86), and 0, 1, 2 (85)
awk 'BEGIN { print "d,c,x,y"; for (i = 0; i < 300; i++)
	printf "%d-%02d-%02d,%s,%d,%s\n", 2020 + int(i / 336), int(i / 28) % 12 + 1, i % 28 + 1,
		(i % 7 < 3 ? "r" : (i % 7 < 5 ? "s" : i % 3)), i % 10, (i % 7 < 3 ? "a" : "b") }' > "$T/w.csv"
pml-collect --label y "$T/w.csv" > "$T/w.mp"

expect_err "an id-like column is named with its counts" 0 \
	"column 'd': 300 distinct values in 300 records" pml-preprocess -o "$T/p.mp" "$T/w.mp"
check "... and the ways out" grep -q -- "--drop d.*--text d.*--date d" "$T/err"
check "... and the default of 100 categories" grep -q "keeps the 100 most frequent" "$T/err"
check "no warning for c (5 values)" sh -c "! grep -q \"column 'c'\" '$T/err'"
expect_out "default: 100 dates + __other__, 5 of c, x" '[107]' \
	sh -c "pml-cat -s '$T/p.mp' | grep -o '\"shape\":\[[0-9]*\]' | sed 's/\"shape\"://'"
expect_out "--max-categories 3 keeps the 3 most frequent (ties in byte order) and __other__" \
	'["2","r","s","__other__"]' sh -c "pml-preprocess --max-categories 3 --onehot c --no-assemble '$T/w.mp' | pml-cat -s |
		grep -o '\"column\":\"c\",\"categories\":[^]]*]' | sed 's/.*\"categories\"://'"
expect_out "--min-count 86 keeps r and s" '["r","s","__other__"]' \
	sh -c "pml-preprocess --min-count 86 --onehot c --no-assemble '$T/w.mp' | pml-cat -s |
		grep -o '\"column\":\"c\",\"categories\":[^]]*]' | sed 's/.*\"categories\"://'"
expect_err "--max-categories 0 keeps every category: the warning says so" 0 "one-hot makes a feature of each" \
	pml-preprocess --max-categories 0 -o "$T/p0.mp" "$T/w.mp"
expect_out "... 300 dates" '[306]' \
	sh -c "pml-cat -s '$T/p0.mp' | grep -o '\"shape\":\[[0-9]*\]' | sed 's/\"shape\"://'"
expect_err "--max-categories takes a count" 2 "--max-categories" pml-preprocess --max-categories -1 "$T/w.mp"

# unseen values go to __other__, with --apply as with the model
printf 'd,c,x,y\n2031-01-01,zz,3,a\n' > "$T/new.csv"
pml-collect --label y --type x=int "$T/new.csv" > "$T/new.mp"
expect_out "an unseen category and date go to __other__ (--apply)" \
	'"d":[0,0,0,1],"c":[0,0,0,1]' sh -c "pml-preprocess --max-categories 3 --no-assemble -o '$T/q.mp' '$T/w.mp' 2>/dev/null &&
		pml-preprocess --apply '$T/q.mp' '$T/new.mp' | pml-cat | grep -o '\"d\":.*\]'"

# --date: ISO dates (a time after 'T' or ' ' is ignored), day of week 0 = Monday
printf 'd,y\n2024-02-29,a\n1969-12-31T10:00,b\n2000-01-01 00:00,a\n' > "$T/d.csv"
pml-collect --label y "$T/d.csv" > "$T/d.mp"
expect_out "--date: year, month, day of week, day of year" \
'{"d_year":2024,"d_month":2,"d_dow":3,"d_doy":60,"y":0}
{"d_year":1969,"d_month":12,"d_dow":2,"d_doy":365,"y":1}
{"d_year":2000,"d_month":1,"d_dow":5,"d_doy":1,"y":0}' \
	sh -c "pml-preprocess --date d --no-assemble '$T/d.mp' | pml-cat"
expect_out "the step is in the chain" '{"op":"date","column":"d"}' \
	sh -c "pml-preprocess --date d '$T/d.mp' | pml-cat -s | grep -o '{\"op\":\"date\",\"column\":\"d\"}'"
printf 'd,y\n2023-02-29,a\n' > "$T/bad.csv"
pml-collect --label y "$T/bad.csv" > "$T/bad.mp"
expect_err "not a date: the record and value named" 1 "'2023-02-29' is not an ISO date" \
	pml-preprocess --date d "$T/bad.mp"
expect_err "--date on a non-str column" 1 "--date: column 'x' is int, not str" \
	pml-preprocess --date x "$T/w.mp"
expect_err "--date on no column" 1 "--date: no column 'nope'" pml-preprocess --date nope "$T/w.mp"

# the whole flow: train with --date and --scale '*', then eval and serve raw records
pml-preprocess --date d --scale '*=standard' -o "$T/t.mp" "$T/w.mp" 2> "$T/warn"
check "no id-like warning once the date is expanded" test ! -s "$T/warn"
expect "train" 0 pml-train -q --epochs 5 -o "$T/m.pmm" "$T/t.mp"
head -2 "$T/w.csv" > "$T/one.csv"
pml-collect --label y --type x=int "$T/one.csv" > "$T/one.mp"
pml-eval -m "$T/m.pmm" -p "$T/one.jsonl" -o /dev/null "$T/one.mp"
expect_out "pml-serve-stdin gives pml-eval's prediction for a raw dated record" "$(cat "$T/one.jsonl")" \
	sh -c "echo '{\"d\":\"2020-01-01\",\"c\":\"r\",\"x\":0}' | pml-serve-stdin -q '$T/m.pmm'"
expect_out "serving names a bad date" 'not an ISO date' \
	sh -c "echo '{\"d\":\"yesterday\",\"c\":\"r\",\"x\":0}' | pml-serve-stdin -q '$T/m.pmm' | grep -o 'not an ISO date'"
done_testing
