#!/bin/sh
# run.sh UNIT_BIN... [CLI_TEST.sh...]: run the unit test programs and the
# command-line tests (every tests/cli/t*.sh, or only those named),
# count TAP lines, and end with "N passed, N failed".
#   tests/run.sh tests/cli/t0860-fuzz-sample.sh      one command-line test
#   make check TESTS=GLOB       the unit tests and the command-line tests matching GLOB
top=$(cd "$(dirname "$0")/.." && pwd)
export PML_TOP="$top"
export PATH="$top/bin:$PATH"
export LC_ALL=C
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
log="$top/build/test.log"
mkdir -p "$top/build"
: > "$log"
pass=0
fail=0
failed_names=""

count() { # name, output file, exit status
	p=$(grep -c '^ok ' "$2")
	f=$(grep -c '^not ok ' "$2")
	# a helper or tool the test calls that does not exist checks nothing
	if grep -Eq '^[^ ]+\.sh: [0-9]+: [^ ]+: not found$' "$2"; then
		f=$((f + 1))
		echo "not ok - $1 calls a command that does not exist:" \
			"$(grep -E '^[^ ]+\.sh: [0-9]+: [^ ]+: not found$' "$2" | head -3 | tr '\n' ' ')" >> "$2"
	fi
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $1 exited with status $3" >> "$2"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $1 ran no check" >> "$2"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$f" -gt 0 ] && failed_names="$failed_names $1"
	printf '%-40s %4d passed, %d failed\n' "$1" "$p" "$f"
	{ echo "=== $1"; cat "$2"; } >> "$log"
	[ "$f" -gt 0 ] && grep '^not ok' "$2" | head -20
	return 0
}

out=$(mktemp)
only=""
for t in "$@"; do
	case "$t" in *.sh) only="$only $(basename "$t")"; continue ;; esac
	name=$(basename "$t")
	case "$t" in /*) ;; *) t="$top/$t" ;; esac
	mkdir -p "$top/build/tmp"
	( cd "$top/build/tmp" && "$t" ) > "$out" 2>&1 < /dev/null
	count "$name" "$out" $?
done
# TESTS=GLOB (e.g. TESTS='t30*') runs only the matching command-line tests
for t in "$top"/tests/cli/${TESTS:-t[0-9]*}.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t")
	case " $only " in "  ") ;; *" $name "*) ;; *) continue ;; esac
	sh "$t" > "$out" 2>&1 < /dev/null
	count "$name" "$out" $?
done
rm -f "$out"
[ -n "$failed_names" ] && echo "failed:$failed_names (details in build/test.log)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
