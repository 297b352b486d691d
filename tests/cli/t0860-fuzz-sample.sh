#!/bin/sh
# A short libFuzzer sample inside make check. Build every target in
# tests/fuzz (make fuzz-build: the library is compiled once with clang into
# build/fuzz/libpml-fuzz.a, apart from the main build and its flags), run
# each for FUZZ_SAMPLE_SECONDS (default 10) from its seeds into a scratch
# corpus under $T, and replay every saved crash input in
# tests/fuzz/regress-NAME/. Every run must exit 0 and leave no crash, leak,
# timeout or out-of-memory file. A failing input is kept in
# build/fuzz/failed/ for `build/fuzz/fuzz-NAME FILE`.
. "$(dirname "$0")/lib.sh"
secs=${FUZZ_SAMPLE_SECONDS:-10}
fuzz_cc=${FUZZ_CC:-clang}
top=$PML_TOP

# clang and its libFuzzer runtime come from scripts/deps.sh (TEST_PKGS)
printf 'int LLVMFuzzerTestOneInput(const char *p, unsigned long n) { return p && n > 1 && p[0] == 1; }\n' \
	> "$T/probe.c"
if ! "$fuzz_cc" -fsanitize=fuzzer,address -o "$T/probe" "$T/probe.c" > /dev/null 2>&1; then
	ok "# SKIP $fuzz_cc with libFuzzer not found (as root: scripts/deps.sh install-test)"
	done_testing
	exit 0
fi

# The fuzz build must not see the variables of a surrounding make (SANITIZE,
# COVERAGE, a jobserver): it has its own flags.
start=$(date +%s)
if (unset MAKEFLAGS MFLAGS MAKELEVEL; make --no-print-directory -j2 -C "$top" fuzz-build) \
	> "$T/build.log" 2>&1; then
	ok "make fuzz-build ($(($(date +%s) - start))s)"
else
	not_ok "make fuzz-build" "$(tail -n 15 "$T/build.log")"
	done_testing
	exit 1
fi

# keep what a failed run left, for replay
keep() { # NAME DIR
	mkdir -p "$top/build/fuzz/failed"
	for _f in "$2"/*; do
		[ -f "$_f" ] && cp "$_f" "$top/build/fuzz/failed/$1-$(basename "$_f")"
	done
	return 0
}

for src in "$top"/tests/fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	x=${name#fuzz-}
	bin=$top/build/fuzz/$name
	seeds=$top/tests/fuzz/seeds-$x
	mkdir -p "$T/corpus-$x" "$T/art-$x"
	set -- "$T/corpus-$x"
	n_seed=0
	if [ -d "$seeds" ]; then
		set -- "$@" "$seeds"
		n_seed=$(find "$seeds" -type f | wc -l)
	fi
	rc=0
	(cd "$T" && TMPDIR=$T "$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$T/art-$x/" "$@") > "$T/log-$x" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/log-$x")
	if [ "$rc" = 0 ] && [ -z "$(ls "$T/art-$x")" ] && [ -n "$runs" ]; then
		ok "$name: ${secs}s from $n_seed seeds, $runs runs, no crash"
	else
		keep "$name" "$T/art-$x"
		not_ok "$name: ${secs}s from $n_seed seeds: exit $rc" \
			"$(grep -m 1 '^INFO: Seed' "$T/log-$x")" \
			"$(grep -E -m 3 '^(==[0-9]+==ERROR|SUMMARY)|runtime error' "$T/log-$x" | tr '\n' ' ')" \
			"inputs: $(ls "$T/art-$x" | tr '\n' ' ')(copied to build/fuzz/failed/)"
	fi

	regress=$top/tests/fuzz/regress-$x
	[ -d "$regress" ] || continue
	n_reg=$(find "$regress" -type f | wc -l)
	[ "$n_reg" -gt 0 ] || continue
	rc=0
	(cd "$T" && TMPDIR=$T "$bin" -timeout=30 -rss_limit_mb=2048 "$regress"/*) \
		> "$T/rlog-$x" 2>&1 || rc=$?
	ran=$(grep -c '^Executed ' "$T/rlog-$x")
	if [ "$rc" = 0 ] && [ "$ran" = "$n_reg" ]; then
		ok "$name: replays the $n_reg saved crash inputs in regress-$x"
	else
		not_ok "$name: replay of regress-$x: exit $rc, $ran of $n_reg ran" \
			"$(grep -E -m 4 '^(==[0-9]+==ERROR|SUMMARY)|runtime error|^Running' "$T/rlog-$x" | tr '\n' ' ')"
	fi
done
echo "# t0860 took $(($(date +%s) - start))s"
done_testing
