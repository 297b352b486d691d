#!/bin/sh
# Full disks: every tool's output to /dev/full, into a 64 KiB tmpfs (when we
# may mount one), and over `ulimit -f`: exit 1 with a message, and no output
# or temporary file left in place.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t07-fixtures.inc"
cd "$T"
i=0; cp a.csv big.csv
while [ $i -lt 8 ]; do tail -n +2 big.csv > b2; cat b2 >> big.csv; i=$((i + 1)); done
pml-collect --label y --id id -o big.mp big.csv
pml-clean -q --fill x=mean -o bigc.mp big.mp
pml-preprocess -o bigp.mp bigc.mp

# NAME, then a command line with OUT where the output goes
CASES='collect|pml-collect --label y --id id -o OUT big.csv
cat|pml-cat --csv -o OUT big.mp
cat model|pml-cat -o OUT m.pml
clean|pml-clean -q --fill x=mean -o OUT big.mp
clean --dropped|pml-clean -q --dedup=x --dropped OUT -o /dev/null big.mp
preprocess|pml-preprocess -o OUT bigc.mp
split|pml-split -o OUT -o /dev/null bigp.mp
split second|pml-split -o /dev/null -o OUT bigp.mp
train|pml-train -q --epochs 1 --hidden 64 -o OUT bigp.mp
train --log|pml-train --epochs 1 --hidden 4 --log OUT -o /dev/null tr.mp
train --plot|pml-train -q --epochs 1 --hidden 4 --plot OUT -o /dev/null tr.mp
eval|pml-eval -m m.pml -o OUT bigp.mp
eval -p|pml-eval -m m.pml -p OUT bigp.mp
eval --plot|pml-eval -m m.pml --plot OUT bigp.mp'

each() { # FUNCTION [SKIP]: call it with NAME and the command line, for every case but SKIP
	_ifs=$IFS; IFS='
'
	for _c in $CASES; do
		IFS=$_ifs
		[ "${_c%%|*}" = "${2:-}" ] || "$1" "${_c%%|*}" "${_c#*|}"
	done
	IFS=$_ifs
}

devfull() {
	run sh -c "$(echo "$2" | sed 's|OUT|/dev/full|')"
	if [ $rc = 1 ] && grep -q "/dev/full" err; then ok "$1 to /dev/full"
	else not_ok "$1 to /dev/full" "exit $rc" "stderr: $(head -c 300 err)"; fi
}
stdoutfull() {
	run sh -c "$(echo "$2" | sed 's|-o OUT|-o -|; s|OUT|/dev/null|') > /dev/full"
	if [ $rc = 1 ] && grep -q "No space left on device" err; then ok "$1 stdout to /dev/full"
	else not_ok "$1 stdout to /dev/full" "exit $rc" "stderr: $(head -c 300 err)"; fi
}
run() { rc=0; "$@" > out 2> err || rc=$?; }
each devfull
for nm in collect cat clean preprocess split eval; do
	stdoutfull "$nm" "$(printf '%s\n' "$CASES" | grep "^$nm|" | cut -d'|' -f2)"
done

# ulimit -f 0: every write
# fails with EFBIG (SIGXFSZ is ignored), an old file is kept
echo old > keep
ulim() {
	rm -f keep2; cp keep keep2
	# stderr through a pipe: the limit applies to regular files only
	{ sh -c "ulimit -f 0; exec $(echo "$2" | sed 's|OUT|keep2|')" 2>&1 > /dev/null; echo $? > rcf; } | cat > err
	rc=$(cat rcf)
	if [ $rc = 1 ] && grep -q "File too large" err && cmp -s keep keep2 && [ -z "$(ls -A | grep '^\.keep2\.')" ]; then
		ok "$1 over ulimit -f: exit 1, old file kept, no temp file"
	else not_ok "$1 over ulimit -f" "exit $rc" "stderr: $(head -c 300 err)" "$(ls -A | grep keep2)"; fi
}
# (not in a coverage build: libgcov could not write its .gcda files)
grep -q -- --coverage "$PML_TOP/build/flags" 2> /dev/null || each ulim 'train --log'

# a 64 KiB tmpfs
mkdir small
if mount -t tmpfs -o size=64k tmpfs small 2> /dev/null; then
	trap 'umount "$T/small" 2> /dev/null; rm -rf "$T"' EXIT
	tiny() {
		echo old > small/o; dd if=/dev/zero of=small/fill bs=1k count=64 2> /dev/null
		run sh -c "$(echo "$2" | sed 's|OUT|small/o|')"
		if [ $rc = 1 ] && grep -q "No space left on device" err && [ "$(cat small/o)" = old ] &&
			[ "$(ls -A small | tr '\n' ' ')" = "fill o " ]; then
			ok "$1 into a full tmpfs: exit 1, old file kept, no temp file"
		else not_ok "$1 into a full tmpfs" "exit $rc" "stderr: $(head -c 300 err)" "$(ls -A small | tr '\n' ' ')"; fi
		rm -f small/.o.* small/fill
	}
	each tiny 'train --log'
	umount small
else
	ok "# SKIP cannot mount a tmpfs here"
fi
done_testing
