# lib.sh: helpers for command-line tests; source it first.
#   expect NAME RC CMD...         run CMD, check exit status RC
#   expect_out NAME WANT CMD...   run CMD, check exit 0 and stdout == WANT
#   expect_err NAME RC WORDS CMD...  exit status RC and stderr contains WORDS
# Each check prints one TAP line. $T is a fresh temp dir, removed at exit.
# Set VALGRIND="valgrind -q --error-exitcode=99" to run tools under valgrind.
# Sanitizer builds: ASan, LeakSanitizer and UBSan exit 1 after a report, the
# status of the tools' own errors, so a report on an error path would pass
# for the expected failure. abort_on_error=1 makes every report end in
# SIGABRT (status 134), which each check counts as a crash. Options already
# in the environment come last and win.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/pml-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
PML_TOP=${PML_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH="$PML_TOP/bin:$PATH"
export LC_ALL=C OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS="abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="abort_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
_n=0
_failed=0

ok() { _n=$((_n + 1)); echo "ok $_n - $1"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# run CMD...: stdout in $T/out, stderr in $T/err, status in $rc
run() {
	rc=0
	"$@" > "$T/out" 2> "$T/err" || rc=$?
}

expect() {
	_name=$1 _want=$2; shift 2
	run "$@"
	if [ "$rc" = "$_want" ]; then ok "$_name"; else
		not_ok "$_name" "exit $rc, want $_want" "stderr: $(head -c 400 "$T/err")"; fi
}

expect_out() {
	_name=$1 _want=$2; shift 2
	run "$@"
	_got=$(cat "$T/out")
	if [ "$rc" = 0 ] && [ "$_got" = "$_want" ]; then ok "$_name"; else
		not_ok "$_name" "exit $rc" "got:  $(printf %s "$_got" | head -c 600)" \
			"want: $(printf %s "$_want" | head -c 600)" "stderr: $(head -c 300 "$T/err")"; fi
}

expect_err() {
	_name=$1 _want=$2 _words=$3; shift 3
	run "$@"
	if [ "$rc" = "$_want" ] && grep -qF -- "$_words" "$T/err" && [ "$(wc -l < "$T/err")" -ge 1 ]; then
		ok "$_name"
	else
		not_ok "$_name" "exit $rc, want $_want" "want stderr with: $_words" "stderr: $(head -c 400 "$T/err")"
	fi
}

# check NAME CONDITION-COMMAND...: ok if the command succeeds
check() {
	_name=$1; shift
	if "$@"; then ok "$_name"; else not_ok "$_name" "failed: $*"; fi
}

done_testing() {
	echo "# $_n checks, $_failed failed"
	[ "$_failed" = 0 ]
}
