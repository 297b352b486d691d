#!/bin/sh
# pml-serve-stdin catches SIGHUP, SIGUSR1, SIGINT and SIGTERM before it
# loads the model (issue 12 #11): a SIGHUP or SIGUSR1 a few ms after the
# start, while an 80 MB model was being read, killed it (exit 129/138).
# The order is checked on the system calls (strace), so the test needs no
# big model and no timing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"
tiny_model "$T/m.pmm" || { not_ok "a model to serve"; done_testing; exit 1; }
printf '{"x":1,"y":1,"color":"red"}\n' > "$T/req.json"

# LeakSanitizer cannot run under ptrace: no leak check in this run
expect "served under strace" 0 env ASAN_OPTIONS="detect_leaks=0:$ASAN_OPTIONS" strace -f -qq -e trace=rt_sigaction,openat -o "$T/trace" \
	pml-serve-stdin -q "$T/m.pmm" < "$T/req.json"
first() { grep -n "$1" "$T/trace" | head -n 1 | cut -d: -f1; }
model=$(first "openat(.*m\.pmm")
for sig in SIGHUP SIGUSR1 SIGINT SIGTERM; do
	at=$(first "rt_sigaction($sig, {sa_handler=0x")
	check "$sig is caught before the model is opened (lines ${at:-none} < $model)" \
		test -n "$at" -a -n "$model" -a "${at:-0}" -lt "${model:-0}"
done

# and the signals do not end a running server before its input does
mkfifo "$T/in"
pml-serve-stdin "$T/m.pmm" < "$T/in" > "$T/out" 2> "$T/err" &
pid=$!
exec 3> "$T/in"
i=0
while [ $i -lt 200 ] && ! grep -q '^SigCgt:.*[13579bdf]$' /proc/$pid/status 2> /dev/null; do
	sleep 0.05; i=$((i + 1))
done
kill -HUP $pid; kill -USR1 $pid
cat "$T/req.json" >&3
exec 3>&-
rc=0; wait $pid || rc=$?
check "SIGHUP and SIGUSR1: the server ends with its input, exit 0 (got $rc)" test "$rc" = 0
check "the request is answered" grep -q '"probs"' "$T/out"
check "SIGUSR1 printed the stats" grep -q "stats: requests" "$T/err"
done_testing
