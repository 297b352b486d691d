#!/bin/sh
# The pml front end and the conventions every tool keeps: --help, --version, bad options.
. "$(dirname "$0")/lib.sh"

expect_out "pml --version" "pml (pml) 0.1.0" pml --version
expect "pml help lists stages" 0 pml help
check "pml help names collect" grep -q '^  collect ' "$T/out"
expect_err "pml unknown stage" 2 "'foo' is not a pml stage" pml foo
expect_err "pml without stage" 2 "no stage given" pml
expect "pml help cat runs pml-cat --help" 0 pml help cat
check "help text is pml-cat's" grep -q '^usage: pml-cat' "$T/out"

for tool in "$PML_TOP"/bin/pml-*; do
	name=$(basename "$tool")
	expect "$name --help exits 0" 0 "$tool" --help
	check "$name --help prints usage on stdout" grep -q "^usage: $name" "$T/out"
	expect_out "$name --version" "$name (pml) 0.1.0" "$tool" --version
	expect_err "$name --no-such-option exits 2" 2 "try '$name --help'" "$tool" --no-such-option
	check "$name has a man page" test -f "$PML_TOP/man/$name.1"
done
done_testing
