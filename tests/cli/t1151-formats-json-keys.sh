#!/bin/sh
# JSON lines keys: two spellings of one flattened column are refused (no value is
# dropped), and an empty key is refused by pml-collect as every stream reader would.
. "$(dirname "$0")/lib.sh"

printf '{"a.b":1,"a":{"b":2}}\n' > "$T/c.jsonl"
expect_err "collision refused" 1 'c.jsonl: line 1, column '"'a.b'"' comes from two keys, {"a.b":...} and {"a":{"b":...}}' \
	pml-collect -o "$T/c.pml" "$T/c.jsonl"
check "no output written" test ! -e "$T/c.pml"
printf '{"x":1}\n{"x":2,"a":{"b.c":3,"b":{"c":4}}}\n' > "$T/c2.jsonl"
expect_err "collision deeper, on a later line" 1 'line 2, column '"'a.b.c'"' comes from two keys, {"a":{"b.c":...}} and {"a":{"b":{"c":...}}}' \
	pml-collect "$T/c2.jsonl"
printf '{"a.b":1}\n{"a":{"b":2}}\n' > "$T/c3.jsonl"
expect_out "one spelling per line is one column" "$(printf 'a.b\n1\n2')" sh -c "pml-collect '$T/c3.jsonl' | pml-cat --csv"
expect_out "--no-flatten keeps a dotted key" "$(printf 'a.b\n1')" sh -c "printf '{\"a.b\":1}\n' | pml-collect --json --no-flatten | pml-cat --csv"

printf '{"":1,"x":2}\n' > "$T/e.jsonl"
expect_err "empty key refused" 1 'e.jsonl: line 1: an empty key "" cannot name a column' pml-collect "$T/e.jsonl"
printf '{"x":1}\n{"":2,"x":3}\n' > "$T/e2.jsonl"
expect_err "empty key after the inference rows" 1 "line 2, key '' is not a column" pml-collect --infer-rows 1 "$T/e2.jsonl"
printf '{"a":{"":1}}\n' > "$T/e3.jsonl"
expect_out "a nested empty key names a column the readers accept" "$(printf 'a.\n1')" sh -c "pml-collect '$T/e3.jsonl' | pml-cat --csv"
done_testing
