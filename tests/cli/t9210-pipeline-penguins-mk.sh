#!/bin/sh
# pipelines/penguins.mk end to end into a temp dir: the accuracy on the test
# part is above a floor, serving answers every request, a second run redoes
# nothing.
. "$(dirname "$0")/lib.sh"
csv=
for f in "${PML_PENGUINS_CSV:-}" /usr/share/datasets/palmerpenguins/penguins_raw.csv; do
	[ -n "$f" ] && [ -f "$f" ] && { csv=$f; break; }
done
if [ -z "$csv" ]; then
	not_ok "penguins_raw.csv is missing: run scripts/deps.sh install-penguins"
	done_testing
	exit 1
fi
mk() { make -s -f "$PML_TOP/pipelines/penguins.mk" PML_TOP="$PML_TOP" CSV="$csv" OUT="$T/po" SERVE_N=12 "$@"; }

expect "pipeline runs" 0 mk
for f in raw.mp train.raw val.raw test.raw train.clean train.mp val.mp model.pmm report.txt report.json replies.jsonl; do
	check "made $f" test -s "$T/po/$f"
done
n=$(pml-cat --count "$T/po/raw.mp")
expect_out "every penguin split once" "$n" sh -c "echo \$((\$(pml-cat --count '$T/po/train.raw') + \$(pml-cat --count '$T/po/val.raw') + \$(pml-cat --count '$T/po/test.raw')))"
acc=$(sed -n 's/.*"accuracy":\([0-9.e-]*\).*/\1/p' "$T/po/report.json")
echo "# test accuracy $acc"
check "test accuracy $acc >= 0.93" awk -v a="$acc" 'BEGIN { exit !(a != "" && a + 0 >= 0.93) }'
expect_out "12 requests" 12 grep -c '^{' "$T/po/requests.jsonl"
expect_out "12 replies" 12 grep -c '^{' "$T/po/replies.jsonl"
expect_out "each reply names a species" 12 grep -c '"class":"[A-Z][a-z]* [Pp]enguin' "$T/po/replies.jsonl"
expect_out "replies echo the request ids in order" \
	"$(grep -o '"Sample Number":[0-9]*' "$T/po/requests.jsonl" | cut -d: -f2)" \
	sh -c "grep -o '\"id\":[0-9]*' '$T/po/replies.jsonl' | cut -d: -f2"
cp "$T/po/model.pmm" "$T/model.before"
expect "a second run has nothing to do" 0 mk -q "$T/po/report.txt" "$T/po/replies.jsonl"
check "model unchanged" cmp -s "$T/model.before" "$T/po/model.pmm"
sleep 1; touch "$T/stamp"; sleep 1
touch "$T/po/train.mp"
expect "retrain after the training data changed" 0 mk
check "model retrained" test "$T/po/model.pmm" -nt "$T/stamp"
check "raw data not collected again" test "$T/po/raw.mp" -ot "$T/stamp"
check "raw data not split again" test "$T/po/test.raw" -ot "$T/stamp"
done_testing
