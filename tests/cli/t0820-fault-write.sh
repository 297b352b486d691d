#!/bin/sh
# Write errors injected with strace: every write(2) of a tool's run failed in
# turn with ENOSPC and with EIO (no run may exit 0, the output must not be
# left in place), and interrupted with EINTR (the write loop retries: the same
# bytes, exit 0). WRITE_SWEEP_MAX (default 12) caps N per tool here; the full
# sweep is in tests/torture.sh.
# Sanitizer builds run it too: AddressSanitizer and UBSan work under strace,
# and a report is a crash (status 134, lib.sh), never an accepted exit 1.
# LeakSanitizer does not: it needs ptrace itself at exit, so leaks are not
# checked here. The same error paths (a write that fails, the sticky error,
# pml_out_close) run without strace and with leak checks in t0810 (/dev/full,
# a full tmpfs, ulimit -f) and, in normal builds, under valgrind in t0800.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"
cd "$T"
if ! command -v strace > /dev/null || ! strace -o /dev/null true 2> /dev/null; then
	ok "# SKIP strace missing or not allowed here"; done_testing; exit 0
fi
max=${WRITE_SWEEP_MAX:-12}
# LeakSanitizer cannot run under ptrace (see above)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
if grep -q -- --coverage "$PML_TOP/build/flags" 2> /dev/null; then
	ok "# SKIP coverage build: failed writes would corrupt the .gcda files"; done_testing; exit 0
fi
# a bigger stream, so that outputs take several write calls
i=0; cp a.csv big.csv
while [ $i -lt 8 ]; do tail -n +2 big.csv > b2; cat b2 >> big.csv; i=$((i + 1)); done
pml-collect --label y --id id -o big.mp big.csv
pml-clean -q --fill x=mean -o bigc.mp big.mp
pml-preprocess -o bigp.mp bigc.mp

# sweep NAME OUT CMD...: CMD writes OUT (a file or stdout, given as "-")
sweep() {
	_nm=$1 _o=$2; shift 2
	rm -f ref o
	if [ "$_o" = - ]; then "$@" > ref 2> /dev/null; else "$@" > /dev/null 2>&1 && mv "$_o" ref; fi ||
		{ not_ok "$_nm: reference run failed"; return; }
	if [ "$_o" = - ]; then strace -f -qq -o trace -e trace=write "$@" > /dev/null 2>&1
	else strace -f -qq -o trace -e trace=write "$@" > /dev/null 2>&1; rm -f "$_o"; fi
	_w=$(grep -c 'write(' trace)
	[ "$_w" -gt "$max" ] && _w=$max
	_bad=0 _i=1
	while [ $_i -le "$_w" ]; do
		for _e in ENOSPC EIO; do
			_rc=0
			if [ "$_o" = - ]; then
				strace -f -o /dev/null -e inject=write:error=$_e:when=$_i "$@" > o 2> e || _rc=$?
			else
				strace -f -o /dev/null -e inject=write:error=$_e:when=$_i "$@" > /dev/null 2> e || _rc=$?
				[ -e "$_o" ] && { echo "# $_nm: $_e at write $_i: $_o left in place"; _bad=$((_bad + 1)); rm -f "$_o"; }
			fi
			if [ $_rc = 0 ] || [ $_rc -gt 128 ]; then
				_bad=$((_bad + 1)); echo "# $_nm: $_e at write $_i: exit $_rc: $(head -c 200 e)"
			fi
		done
		_rc=0
		strace -f -o /dev/null -e inject=write:error=EINTR:when=$_i "$@" > o 2> e || _rc=$?
		[ "$_o" = - ] || mv "$_o" o 2> /dev/null
		if [ $_rc != 0 ] || ! cmp -s o ref; then
			_bad=$((_bad + 1)); echo "# $_nm: EINTR at write $_i: exit $_rc, output $(cmp o ref 2>&1 | head -c 100)"
		fi
		_i=$((_i + 1))
	done
	check "$_nm: writes 1..$_w failed (ENOSPC, EIO) and interrupted (EINTR)" test $_bad = 0
}
sweep "collect" - pml-collect --label y --id id big.csv
sweep "collect -o" out.mp pml-collect --label y --id id -o out.mp big.csv
sweep "cat" - pml-cat --csv big.mp
sweep "clean" - pml-clean -q --fill x=mean --dedup=id big.mp
sweep "clean -o" out.mp pml-clean -q --fill x=mean -o out.mp big.mp
sweep "preprocess" - pml-preprocess bigc.mp
sweep "split" - pml-split -o - -o s2 bigp.mp
sweep "split -o" s1 pml-split -o s1 -o /dev/null bigp.mp
sweep "train -o" mw.pml pml-train -q --epochs 1 --hidden 4 -o mw.pml bigp.mp
sweep "eval" - pml-eval -m m.pml bigp.mp
sweep "eval -p" p.jsonl pml-eval -m m.pml -p p.jsonl bigp.mp
done_testing
