#!/bin/sh
# pml-cat --table MODEL prints the model's metadata as an aligned
# "path  value" table (it used to print JSON without a word); the options
# that show streams refuse a model with a usage error naming the file.
. "$(dirname "$0")/lib.sh"
printf 'a,b,kind\n1,2,long class name one\n3,4,z\n5,6,long class name one\n2,2,z\n' > "$T/d.csv"
pml-collect -q --label kind "$T/d.csv" | pml-preprocess -q --scale '*=standard' -o "$T/p.mp"
pml-train -q --epochs 3 --hidden 4 -o "$T/m.pmm" "$T/p.mp"

expect "--table on a model" 0 pml-cat --table "$T/m.pmm"
cp "$T/out" "$T/table"
check "not JSON" sh -c "! grep -q '^{' '$T/table'"
expect_out "first lines: format and version, aligned" "$(printf 'format pml-model\nversion 1')" \
	sh -c "head -n 2 '$T/table' | tr -s ' '"
expect_out "classes on one line" "model.classes long class name one, z" \
	sh -c "grep '^model.classes ' '$T/table' | tr -s ' '"
expect_out "lists of objects are indexed" "model.input[2].name kind" \
	sh -c "grep '^model.input\\[2\\].name ' '$T/table' | tr -s ' '"
expect_out "nested options" "model.meta.options.hidden 4" \
	sh -c "grep '^model.meta.options.hidden ' '$T/table' | tr -s ' '"
expect_out "the hidden layer" "model.net.layers[0].n_out 4" \
	sh -c "grep '^model.net.layers\\[0\\].n_out ' '$T/table' | tr -s ' '"
check "every value starts in the same column" sh -c "awk '{ match(\$0, /  +[^ ]/); i = RSTART + RLENGTH; if (NR > 1 && i != c) exit 1; c = i }' '$T/table'"
check "one line per leaf of the JSON (as many as JSON scalars or scalar lists)" \
	test "$(wc -l < "$T/table")" -gt 40
expect "--table -o FILE" 0 pml-cat --table -o "$T/t2" "$T/m.pmm"
check "-o writes the same table" cmp -s "$T/table" "$T/t2"
expect_out "--json (default) still JSON" '{"format":"pml-model"' sh -c "pml-cat '$T/m.pmm' | cut -c 1-21"
expect_out "-j explicitly" '{"format":"pml-model"' sh -c "pml-cat -j '$T/m.pmm' | cut -c 1-21"

for o in --csv --tsv --schema --count --trailer "--head 2"; do
	expect_err "$o on a model: refused" 2 "$T/m.pmm is a model (pml-model(5)), not a stream: ${o% *} is for streams" \
		pml-cat $o "$T/m.pmm"
	check "$o on a model: nothing on stdout" test ! -s "$T/out"
done
expect_err "--head with --table on a model: refused" 2 "--head is for streams" pml-cat --head 2 --table "$T/m.pmm"
# streams are untouched
expect_out "a stream still shows as a table" "features kind" sh -c "pml-cat --table '$T/p.mp' | head -n 1 | tr -s ' '"
expect_err "a damaged model: error, exit 1" 1 "" sh -c "head -c 200 '$T/m.pmm' > '$T/cut.pmm' && pml-cat --table '$T/cut.pmm'"
done_testing
