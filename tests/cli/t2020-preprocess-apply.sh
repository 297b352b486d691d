#!/bin/sh
# Leak-free: clean and preprocess fitted on train, applied to test, give the
# values computed by hand from train's statistics; spilling to a temporary
# file changes nothing; empty input and one record.
. "$(dirname "$0")/lib.sh"
if ! command -v pml-collect >/dev/null 2>&1; then not_ok "pml-collect is not built"; done_testing; exit 1; fi

cat > "$T/train.csv" <<'X'
x,w,cat,s
1,2,a,p
5,4,b,q
,4,a,p
1,4,b,q
5,5,a,p
3,5,b,q
3,7,a,p
,9,c,q
X
cat > "$T/test.csv" <<'X'
x,w,cat,s
,5,c,q
9,1,d,p
2,11,a,p
X
pml-collect --label s "$T/train.csv" > "$T/train.mp"
pml-collect --label s "$T/test.csv" > "$T/test.mp"

# Train: fill x with mean 3, then x -> (x - 1) / 4 (min 1, max 5); w -> (w - 5) / 2.
expect "clean on train" 0 pml-clean --fill x=mean -o "$T/c.mp" "$T/train.mp"
expect "preprocess on train" 0 pml-preprocess --scale x=minmax --scale w=standard -o "$T/p.mp" "$T/c.mp"
want='{"features":[0.5,0,0,0,1],"s":1}
{"features":[2,-2,0,0,0],"s":0}
{"features":[0.25,3,1,0,0],"s":0}'
expect_out "raw test through the whole chain (preprocess --apply)" "$want" \
	sh -c "pml-preprocess --apply '$T/p.mp' '$T/test.mp' | pml-cat"
expect_out "clean --apply, then preprocess --apply" "$want" \
	sh -c "pml-clean --apply '$T/c.mp' '$T/test.mp' | pml-preprocess --apply '$T/p.mp' | pml-cat"
if command -v pml-train >/dev/null 2>&1; then
	expect "a model trained on it" 0 pml-train -q --epochs 1 -o "$T/m.model" "$T/p.mp"
	expect_out "--apply takes the chain from a model file" "$want" \
		sh -c "pml-preprocess --apply '$T/m.model' '$T/test.mp' | pml-cat"
else
	not_ok "missing: pml-train is not built"
fi
expect_out "train's own output" '{"features":[0,-1.5,1,0,0],"s":0}' \
	sh -c "pml-cat '$T/p.mp' | head -1"
expect_out "the fitted statistics are in the header" '"min":1,"max":5' \
	sh -c "pml-cat -s '$T/p.mp' | grep -o '\"min\":1,\"max\":5'"

expect_out "spilling to a temporary file gives the same bytes" same sh -c "
	PML_SPOOL_LIMIT=64 pml-preprocess -v --scale x=minmax --scale w=standard '$T/c.mp' > '$T/p2.mp' 2> '$T/v' &&
	pml-preprocess -v --scale x=minmax --scale w=standard '$T/c.mp' > '$T/p3.mp' 2>/dev/null &&
	cmp -s '$T/p3.mp' '$T/p2.mp' && grep -q 'in a temporary file' '$T/v' && echo same"
expect_out "clean with spilling: same bytes" same sh -c "
	pml-clean --fill x=mean --dedup '$T/train.mp' > '$T/a1' && PML_SPOOL_LIMIT=0 pml-clean --fill x=mean --dedup '$T/train.mp' > '$T/a2' && cmp -s '$T/a1' '$T/a2' && echo same"
expect_out "no temporary file left behind" '' sh -c "TMPDIR='$T' PML_SPOOL_LIMIT=0 pml-preprocess --scale w=standard '$T/c.mp' > /dev/null; ls '$T' | grep pml-spool || true"

head -1 "$T/train.csv" > "$T/empty.csv"
pml-collect --label s --type x=int --type w=int --type cat=str --type s=str "$T/empty.csv" > "$T/empty.mp"
expect_out "empty input: header, no records" '0' \
	sh -c "pml-preprocess --scale w=standard --onehot cat '$T/empty.mp' | pml-cat --count"
head -2 "$T/train.csv" > "$T/one.csv"
pml-collect --label s "$T/one.csv" > "$T/one.mp"
expect_out "one record: constant columns, one category, one class" '{"features":[0,0,1],"s":0}' \
	sh -c "pml-preprocess --scale x=minmax --scale w=standard '$T/one.mp' | pml-cat"
expect_out "same input, same bytes" same sh -c "pml-preprocess '$T/c.mp' > '$T/d1' && pml-preprocess '$T/c.mp' > '$T/d2' && cmp -s '$T/d1' '$T/d2' && echo same"
expect_err "write error is reported" 1 "" sh -c "pml-preprocess '$T/c.mp' > /dev/full"
expect_err "truncated input" 1 "" sh -c "head -c 100 '$T/c.mp' | pml-preprocess"
done_testing
