#!/bin/sh
# A network that overflows float (issue 12 #12), the class limit (#14),
# class order and empty --hidden items (smaller findings).
. "$(dirname "$0")/lib.sh"
printf 'a,b,y\n1.5,2.5,x\n3.5,4.5,z\n5.5,6.5,x\n7.5,8.5,z\n' > "$T/f.csv"
pml-collect -q --label y -o "$T/f.mp" "$T/f.csv" && pml-preprocess -q -o "$T/fp.mp" "$T/f.mp" &&
	pml-train -q --epochs 10 --init he --alpha 0 --batch 64 -o "$T/m.pml" "$T/fp.mp" || { not_ok "fixtures"; done_testing; exit 1; }

# outputs that are not finite: one check for pml-eval and pml-serve-stdin
printf 'a,b,y\n3e38,-3e38,x\n' > "$T/huge.csv"
pml-collect -q --label y -o "$T/huge.mp" "$T/huge.csv"
expect_err "eval: an output that is not finite is an error" 1 "output is not finite" pml-eval -m "$T/m.pml" "$T/huge.mp"
expect_out "serve: the same record gets an error reply, never null probabilities" \
	'{"error":"record 1: prediction failed: the model'"'"'s output is not finite (the network overflows float)"}' \
	sh -c "echo '{\"a\":3e38,\"b\":-3e38}' | pml-serve-stdin -q '$T/m.pml'"
expect_out "serve: in one batch, only the record that overflows gets the error" \
	'ok
{"error":"record 2: prediction failed: the model'"'"'s output is not finite (the network overflows float)"}
ok' \
	sh -c "printf '%s\n' '{\"a\":3,\"b\":4}' '{\"a\":3e38,\"b\":-3e38}' '{\"a\":1,\"b\":2}' |
		pml-serve-stdin -q '$T/m.pml' | sed 's/^{\"class\".*/ok/'"
expect_err "eval: the file and record named" 1 "huge2.mp: record 2: the model's output is not finite" \
	sh -c "printf 'a,b,y\n3,4,x\n3e38,-3e38,x\n' | pml-collect -q --label y -o '$T/huge2.mp' && pml-eval -m '$T/m.pml' '$T/huge2.mp'"
expect_out "serve: a normal record still answered" 1 \
	sh -c "echo '{\"a\":3,\"b\":4}' | pml-serve-stdin -q '$T/m.pml' | grep -c '\"probs\":\[0'"

# one class limit (65,536) for training and evaluation
awk 'BEGIN { print "x,y"; for (i = 0; i < 70000; i++) printf "%d.5,%d\n", i % 10, i }' > "$T/many.csv"
pml-collect -q --label y -o "$T/many.mp" "$T/many.csv" && pml-preprocess -q -o "$T/manyp.mp" "$T/many.mp"
expect_err "train refuses 70,000 classes" 1 "70000 classes is over the limit of 65536" \
	pml-train -q --epochs 1 --hidden 0 -o "$T/many.pml" "$T/manyp.mp"
check "no model" test ! -e "$T/many.pml"

# classes in another order: say so
printf 'a,b,y\n1.5,2,0\n3.5,4,1\n5.5,6,0\n7.5,8,1\n' > "$T/ic.csv"
pml-collect -q --label y --classes x,z "$T/ic.csv" | pml-preprocess -q > "$T/c1.mp"
pml-collect -q --label y --classes z,x "$T/ic.csv" | pml-preprocess -q > "$T/c2.mp"
pml-collect -q --label y --classes z,w "$T/ic.csv" | pml-preprocess -q > "$T/c3.mp"
expect_err "--val with the classes in another order" 1 "the same classes in another order: class 1 is 'z' here, 'x' in the training data" \
	pml-train -q --val "$T/c2.mp" -o "$T/o.pml" "$T/c1.mp"
expect_err "--val with another class" 1 "'w' is not one of the training data's" \
	pml-train -q --val "$T/c3.mp" -o "$T/o.pml" "$T/c1.mp"

# --hidden 4,,4 is not 4,4
expect_err "--hidden 4,,4" 2 "--hidden: empty item 2 in '4,,4'" pml-train --hidden 4,,4 -o "$T/o.pml" "$T/fp.mp"
expect_err "--hidden ,4" 2 "empty item 1" pml-train --hidden ,4 -o "$T/o.pml" "$T/fp.mp"
expect_err "--hidden 4," 2 "empty item 2" pml-train --hidden 4, -o "$T/o.pml" "$T/fp.mp"
expect_err "--activation relu,,relu" 2 "--activation: empty item 2" pml-train --hidden 4,4,4 --activation relu,,relu -o "$T/o.pml" "$T/fp.mp"
expect "--hidden 4,4" 0 pml-train -q --epochs 1 --hidden 4,4 -o "$T/o.pml" "$T/fp.mp"
done_testing
