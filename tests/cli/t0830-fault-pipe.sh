#!/bin/sh
# A closed pipe: `tool big | head -1` ends quietly (exit 0 or 141 from
# SIGPIPE, nothing on stderr) for every tool that writes records. Timing is
# not asserted here (tests/torture.sh checks "within 1 s" on a bigger input);
# `timeout` only guards against a hang.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"
cd "$T"
n=${PIPE_RECORDS:-100000}
awk -v n="$n" 'BEGIN { print "id,x,w,cat,y"; for (i = 1; i <= n; i++)
	printf "%d,%d.5,%d,c%d,%s\n", i, i % 7, i * 3 % 11, i % 3, (i % 2 ? "no" : "yes") }' > big.csv
pml-collect --label y --id id -o big.mp big.csv
pml-preprocess -o bigp.mp big.mp

quiet_head() { # NAME CMD: CMD | head -1 (CMD reads big input)
	rm -f rcf
	timeout 60 sh -c "{ $2; echo \$? > rcf; } 2> e | head -${3:-1} > /dev/null"
	_rc=$(cat rcf 2> /dev/null || echo none)
	if { [ "$_rc" = 0 ] || [ "$_rc" = 141 ]; } && [ ! -s e ]; then ok "$1 | head: quiet end ($_rc)"
	else not_ok "$1 | head" "exit $_rc" "stderr: $(head -c 300 e)"; fi
}
quiet_head "collect" "pml-collect --label y big.csv"
quiet_head "collect stdin" "pml-collect --csv < big.csv"
quiet_head "cat" "pml-cat big.mp"
quiet_head "cat --csv" "pml-cat --csv < big.mp"
quiet_head "cat --table" "pml-cat --table big.mp"
quiet_head "cat (bytes)" "pml-cat big.mp" "c 100"
quiet_head "clean" "pml-clean --cast x=str big.mp"
quiet_head "clean --fill (two passes)" "pml-clean --fill x=mean big.mp"
quiet_head "clean --dedup" "pml-clean --dedup=id < big.mp"
quiet_head "preprocess" "pml-preprocess big.mp"
quiet_head "preprocess --apply" "pml-preprocess --apply bigp.mp big.mp"
quiet_head "split" "pml-split -o - -o /dev/null bigp.mp"
quiet_head "split --hash" "pml-split --hash -o - -o /dev/null < bigp.mp"
quiet_head "eval -p -" "pml-eval -m m.pml -p - -o /dev/null bigp.mp"
quiet_head "a pipeline" "pml-collect --label y --id id big.csv | pml-clean --dedup=id | pml-preprocess | pml-cat"
check "no temporary file left" test -z "$(ls -A | grep '^\.')"
done_testing
