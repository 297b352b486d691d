#!/bin/sh
# SIGTERM and SIGKILL at random moments while pml-train writes a model over
# an existing one: afterwards the file is either the old model, byte for
# byte, or the complete new one (the same bytes as an undisturbed run, and
# pml-cat loads it); after SIGTERM no temporary file ".m.pml.XXXXXX" is left.
# KILL_TRIALS (default 10) of each signal; tests/torture.sh runs 200.
. "$(dirname "$0")/lib.sh"
cd "$T"
trials=${KILL_TRIALS:-10}
if grep -q -- --coverage "$PML_TOP/build/flags" 2> /dev/null; then
	ok "# SKIP coverage build: a kill would corrupt the .gcda files"; done_testing; exit 0
fi
"$PML_TOP/build/tests/u-model" --gen blobs 2000 1 train.mp
pml-train -q --epochs 1 --hidden 8 -o m.pml train.mp && cp m.pml old.pml
args="-q --epochs 3 --hidden 64 --batch 16 -o m.pml train.mp"
# the undisturbed new model, and how long a run takes (to spread the kills)
start=$(date +%s%N)
pml-train $args && cp m.pml new.pml
ms=$(( ($(date +%s%N) - start) / 1000000 + 20 ))
check "old and new models differ" sh -c "! cmp -s old.pml new.pml"

for sig in TERM KILL; do
	olds=0 news=0 bad=0 temps=0 i=1
	while [ $i -le "$trials" ]; do
		cp old.pml m.pml
		# a delay in [0, ms] milliseconds, different for each trial
		d=$(awk -v s="$i$sig" -v ms="$ms" 'BEGIN { srand(length(s) * 7919 + s * 1); printf "%.3f", rand() * ms / 1000 }' 2>/dev/null)
		pml-train $args 2> /dev/null &
		pid=$!
		sleep "$d"
		kill -$sig $pid 2> /dev/null
		wait $pid 2> /dev/null
		if cmp -s m.pml old.pml; then olds=$((olds + 1))
		elif cmp -s m.pml new.pml && pml-cat m.pml > /dev/null 2>&1; then news=$((news + 1))
		else bad=$((bad + 1)); cp m.pml "bad.$sig.$i"; echo "# $sig after ${d}s: neither model"; fi
		left=$(ls -A | grep -c '^\.m\.pml\.')
		if [ "$left" -gt 0 ]; then
			[ $sig = TERM ] && { temps=$((temps + 1)); echo "# $sig after ${d}s: temporary file left"; }
			rm -f .m.pml.*
		fi
		i=$((i + 1))
	done
	echo "# SIG$sig: $trials kills: $olds old, $news new, $bad corrupt, $temps with a temporary file left"
	check "SIG$sig x$trials: old or complete new model every time ($olds old, $news new)" test $bad = 0
	[ $sig = TERM ] && check "SIGTERM: no temporary file left" test $temps = 0
done
# a signal ignored on entry (nohup, a background job) stays ignored
cp old.pml m.pml
trap '' HUP      # ignored from the fork on, as nohup does
pml-train $args 2> /dev/null &
pid=$!
trap - HUP
while kill -HUP $pid 2> /dev/null; do sleep 0.002; done    # until it ends, through the save
rc=0; wait $pid || rc=$?
check "SIGHUP ignored on entry (nohup): the run completes" test $rc = 0
check "... and writes the new model" cmp -s m.pml new.pml
if command -v strace > /dev/null && strace -o /dev/null true 2> /dev/null; then
	trap '' HUP
	strace -qq -o sig.trace -e trace=rt_sigaction pml-train $args 2> /dev/null
	trap - HUP
	check "... and installs no SIGHUP handler (strace)" sh -c "! grep -q 'rt_sigaction(SIGHUP, {sa_handler=0x' sig.trace"
fi
done_testing
