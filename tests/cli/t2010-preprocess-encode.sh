#!/bin/sh
# pml-preprocess: one-hot (unseen policy, rare grouping), label -> class
# index, numeric label kept, text hashing, assembly with slot names.
. "$(dirname "$0")/lib.sh"
if ! command -v pml-collect >/dev/null 2>&1; then not_ok "pml-collect is not built"; done_testing; exit 1; fi

cat > "$T/train.csv" <<'X'
id,island,size,species
1,Dream,3,Gentoo
2,Biscoe,4,Adelie
3,Dream,5,Chinstrap
4,Torgersen,6,Adelie
5,Dream,7,Gentoo
X
cat > "$T/test.csv" <<'X'
id,island,size,species
6,Mars,1,Adelie
7,Biscoe,2,Gentoo
8,,3,Chinstrap
X
pml-collect --id id --label species "$T/train.csv" > "$T/train.mp"
pml-collect --id id --label species "$T/test.csv" > "$T/test.mp"

expect "fit" 0 pml-preprocess -o "$T/p.mp" "$T/train.mp"
expect_out "slot names, class names in byte order" \
'"slots":["island=Biscoe","island=Dream","island=Torgersen","size"]
"classes":["Adelie","Chinstrap","Gentoo"]' \
	sh -c "pml-cat -s '$T/p.mp' | grep -o '\"slots\":\\[[^]]*\\]\\|\"classes\":\\[[^]]*\\]' | head -2"
expect_out "train: one-hot, label index, id passed through" \
'{"features":[0,1,0,3],"id":1,"species":2}
{"features":[1,0,0,4],"id":2,"species":0}' sh -c "pml-cat '$T/p.mp' | head -2"
expect_out "test: unseen category -> zeros, missing -> zeros" \
'{"features":[0,0,0,1],"id":6,"species":0}
{"features":[1,0,0,2],"id":7,"species":2}
{"features":[0,0,0,3],"id":8,"species":1}' sh -c "pml-preprocess --apply '$T/p.mp' '$T/test.mp' | pml-cat"
expect_err "unseen categories are counted" 0 "unseen 1" \
	pml-preprocess -v --apply "$T/p.mp" -o "$T/t.mp" "$T/test.mp"
expect "fit with --unseen error" 0 pml-preprocess --unseen error -o "$T/pe.mp" "$T/train.mp"
expect_err "unseen category is an error with --unseen error" 1 "record 1, column 'island': category 'Mars' unseen at fit time" \
	pml-preprocess --apply "$T/pe.mp" "$T/test.mp"
expect_out "--min-count 2 groups rare categories into __other__" \
'"slots":["island=Dream","island=__other__","size"]
{"features":[0,1,1],"id":6,"species":0}' \
	sh -c "pml-preprocess --min-count 2 -o '$T/pm.mp' '$T/train.mp' && pml-cat -s '$T/pm.mp' | grep -o '\"slots\":\\[[^]]*\\]' && pml-preprocess --apply '$T/pm.mp' '$T/test.mp' | pml-cat | head -1"
printf 'id,island,size,species\n9,Dream,1,Penguin\n' > "$T/bad.csv"
pml-collect --id id --label species "$T/bad.csv" > "$T/bad.mp"
expect_err "unseen label is an error" 1 "column 'species': label 'Penguin' unseen at fit time" \
	pml-preprocess --apply "$T/p.mp" "$T/bad.mp"

printf 'x,y\n1,0.5\n2,1.5\n' > "$T/reg.csv"
pml-collect --label y "$T/reg.csv" > "$T/reg.mp"
expect_out "a numeric label stays a regression target" '{"features":[1],"y":0.5}' \
	sh -c "pml-preprocess '$T/reg.mp' | pml-cat | head -1"
expect_out "--label names the label column" '{"features":[0.5],"x":1}' \
	sh -c "pml-preprocess --label x '$T/reg.mp' | pml-cat | head -1"

cat > "$T/text.csv" <<'X'
id,review,label
1,"Good, good movie!",pos
2,Bad movie,neg
3,,neg
X
pml-collect --id id --label label "$T/text.csv" > "$T/text.mp"
expect_out "text hashing: 3 tokens, 'good' twice" '3 2' \
	sh -c "pml-preprocess --text review --text-slots 64 '$T/text.mp' | pml-cat | head -1 | sed 's/.*\\[\\(.*\\)\\].*/\\1/' | tr , '\n' | awk '{s+=\$1; if (\$1>m) m=\$1} END {print s, m}'"
expect_out "bigrams add word pairs" '5' \
	sh -c "pml-preprocess --text review --bigrams --text-slots 64 '$T/text.mp' | pml-cat | head -1 | sed 's/.*\\[\\(.*\\)\\].*/\\1/' | tr , '\n' | awk '{s+=\$1} END {print s}'"
expect_out "tf sums to 1" '1' \
	sh -c "pml-preprocess --text review --tf --text-slots 64 '$T/text.mp' | pml-cat | sed -n 2p | sed 's/.*\\[\\(.*\\)\\].*/\\1/' | tr , '\n' | awk '{s+=\$1} END {print s}'"
expect_out "missing text: all zeros" '0' \
	sh -c "pml-preprocess --text review --text-slots 8 '$T/text.mp' | pml-cat | sed -n 3p | sed 's/.*\\[\\(.*\\)\\].*/\\1/' | tr , '\n' | awk '{s+=\$1} END {print s}'"
expect_out "slot names of hashed text" '"review#0","review#1"' \
	sh -c "pml-preprocess --text review --text-slots 2 '$T/text.mp' | pml-cat -s | grep -o '\"review#[01]\",\"review#[01]\"'"
expect_err "str column left over cannot be assembled" 1 "column 'review' is str" \
	pml-preprocess --onehot label "$T/text.mp"
expect_err "--text on a non-str column" 1 "--text: column 'id' is int" pml-preprocess --text id "$T/text.mp"
expect_err "--apply takes no options" 2 "learns nothing" pml-preprocess --apply "$T/p.mp" --tf "$T/test.mp"
done_testing
