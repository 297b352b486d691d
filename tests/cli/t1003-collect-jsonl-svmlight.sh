#!/bin/sh
# pml-collect on JSON lines and svmlight text.
. "$(dirname "$0")/lib.sh"

cc() { pml-collect "$@" > "$T/s.mp" && pml-cat "$T/s.mp"; }

printf '{"a":1,"b":{"c":"x","d":[1,2.5]},"e":true}\n\n{"a":2.5,"b":{"d":[3,4]}}\n' > "$T/a.jsonl"
expect_out "JSON lines, flattened, vec, missing keys" '{"a":1,"b.c":"x","b.d":[1,2.5],"e":true}
{"a":2.5,"b.c":null,"b.d":[3,4],"e":null}' cc "$T/a.jsonl"
expect_out "vec column shape" '"name":"b.d","type":"vec","role":"feature","elem":"f32","shape":[2]' \
	sh -c "pml-collect '$T/a.jsonl' | pml-cat --schema | grep -o '\"name\":\"b.d\"[^}]*'"
expect_err "--no-flatten" 1 "line 1: key 'b' holds an object (--no-flatten)" pml-collect --no-flatten "$T/a.jsonl"
printf '{"a":1}\n{"a":2,"z":3}\n' > "$T/extra.jsonl"
expect_err "unknown key after the first rows" 1 "extra.jsonl: line 2, key 'z' is not a column" \
	pml-collect --infer-rows 1 "$T/extra.jsonl"
expect_out "--ignore-extra" '{"a":1}
{"a":2}' cc --infer-rows 1 --ignore-extra "$T/extra.jsonl"
printf '{"a":1}\n{"a":"x"}\n' > "$T/mixed.json"
expect_err "mixed types" 1 "key 'a': mixed types (a number on line 1, a string on line 2); use --type a=str" \
	pml-collect "$T/mixed.json"
expect_out "--type a=str" '{"a":"1"}
{"a":"x"}' cc --type a=str "$T/mixed.json"
printf '{"a":1}\n{"a":2\n' > "$T/bad.jsonl"
expect_err "bad JSON names the line" 1 "bad.jsonl: line 2, column" pml-collect "$T/bad.jsonl"
printf '{"a":"caf\351"}\n' > "$T/latin1.jsonl"
expect_err "invalid UTF-8" 1 "latin1.jsonl: line 1, column" pml-collect "$T/latin1.jsonl"
printf '{"a":[1,2]}\n{"a":[1]}\n' > "$T/veclen.jsonl"
expect_err "vec lengths differ" 1 "key 'a': an array of 1, but 2 on line 1" pml-collect "$T/veclen.jsonl"
printf '{"label":1,"w":0.5,"x":2}\n{"label":0,"w":1,"x":3}\n' > "$T/roles.ndjson"
expect_out "roles" '"label","type":"int","role":"label"' \
	sh -c "pml-collect --label label --weight w '$T/roles.ndjson' | pml-cat --schema | grep -o '\"label\",\"type\":\"int\",\"role\":\"label\"'"
expect_out "weight role" '"w","type":"float","role":"weight"' \
	sh -c "pml-collect --label label --weight w '$T/roles.ndjson' | pml-cat --schema | grep -o '\"w\",\"type\":\"float\",\"role\":\"weight\"'"
expect_err "role on a missing column" 1 "--label: no column 'nope'" pml-collect --label nope "$T/roles.ndjson"

# svmlight
printf '1 1:0.5 3:2 # comment\n-1 2:1\n# only a comment\n\n0 1:0.25\n' > "$T/a.svm"
expect_out "svmlight densified" '{"label":1,"x":[0.5,0,2]}
{"label":-1,"x":[0,1,0]}
{"label":0,"x":[0.25,0,0]}' cc "$T/a.svm"
expect_out "svmlight from stdin (spooled)" '{"label":1,"x":[0.5,0,2]}
{"label":-1,"x":[0,1,0]}
{"label":0,"x":[0.25,0,0]}' sh -c "pml-collect --svmlight < '$T/a.svm' | pml-cat"
gzip -c "$T/a.svm" > "$T/a.libsvm.gz"
expect_out "svmlight gzip with --width" '{"label":1,"x":[0.5,0,2,0]}
{"label":-1,"x":[0,1,0,0]}
{"label":0,"x":[0.25,0,0,0]}' cc --width 4 "$T/a.libsvm.gz"
expect_err "--width too small" 1 "index 3 beyond --width 2" pml-collect --width 2 "$T/a.svm"
printf '0.5 1:1\n' > "$T/f.svm"
expect_out "float labels" '"label","type":"float"' \
	sh -c "pml-collect '$T/f.svm' | pml-cat --schema | grep -o '\"label\",\"type\":\"float\"'"
printf '1 qid:1 1:1\n' > "$T/q.svm"
expect_err "qid refused" 1 "q.svm: line 1: qid (query groups of ranking data) is not supported" pml-collect "$T/q.svm"
printf '1 2:1 1:1\n' > "$T/order.svm"
expect_err "indices must increase" 1 "order.svm: line 1: index 1 after 2 (indices must increase)" pml-collect "$T/order.svm"
printf '1 1:inf\n' > "$T/inf.svm"
expect_err "inf value" 1 "inf.svm: line 1: index 1: 'inf' is not a finite float" pml-collect "$T/inf.svm"

done_testing
