#!/bin/sh
# A binary stream is not written to a terminal (as gzip refuses): every
# tool that writes a pml stream to stdout refuses a terminal unless -o or
# --force. The terminal is a pty from script(1) (util-linux).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t40-fixtures.inc"
cd "$T" || exit 1
if ! command -v script >/dev/null 2>&1; then
	ok "# SKIP script(1) (util-linux) not installed"
	done_testing
	exit 0
fi
tiny_model m.pmm
MSG="refusing to write a binary stream to a terminal; use -o FILE, a pipe, or --force"

# on_tty NAME CMD: run CMD (a shell string) with stdout and stderr on a pty;
# its output in $T/tty, its status in $rc
on_tty() {
	rc=0
	script -qec "$1" /dev/null > "$T/tty" 2>&1 < /dev/null || rc=$?
}
# refused NAME CMD: exit 2, the message, and no stream bytes on the terminal
refused() {
	on_tty "$2"
	if [ "$rc" = 2 ] && grep -qF "$MSG" "$T/tty" && ! grep -q 'pml-stream' "$T/tty"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc, want 2" "output: $(head -c 300 "$T/tty" | tr -c '[:print:]\n' '?')"
	fi
}
# written NAME CMD: exit 0 and a stream on the terminal
written() {
	on_tty "$2"
	if [ "$rc" = 0 ] && grep -qa 'pml-stream' "$T/tty"; then ok "$1"; else
		not_ok "$1" "exit $rc" "output: $(head -c 300 "$T/tty" | tr -c '[:print:]\n' '?')"; fi
}

refused "pml-collect to a terminal" "pml-collect -q train.csv"
check "the first line is gzip's kind of message" \
	grep -qx "pml-collect: $MSG.\{0,1\}" "$T/tty"
written "pml-collect --force" "pml-collect -q --force train.csv"
on_tty "pml-collect -q -o c.mp train.csv"
check "pml-collect -o FILE on a terminal" sh -c "[ $rc = 0 ] && [ -s '$T/c.mp' ] && [ ! -s '$T/tty' ]"
refused "pml-collect -o - to a terminal" "pml-collect -q -o - train.csv"
refused "pml-clean" "pml-clean -q --fill '*=mean' raw.pml"
written "pml-clean --force" "pml-clean -q --force --fill '*=mean' raw.pml"
refused "pml-preprocess" "pml-preprocess -q --scale '*=standard' clean.pml"
written "pml-preprocess --force" "pml-preprocess -q --force --scale '*=standard' clean.pml"
refused "pml-split -o -" "pml-split -q -o - -o s2.mp raw.pml"
on_tty "pml-split -q --force -o - -o s2.mp raw.pml"
check "pml-split --force" sh -c "[ $rc = 0 ] && grep -qa pml-stream '$T/tty'"

# tools whose output format follows the input: refused only for a stream
on_tty "pml-predict -m m.pmm raw.pml"
check "pml-predict: a stream to a terminal is refused" sh -c "[ $rc = 1 ] && grep -qF '$MSG' '$T/tty'"
written "pml-predict --force" "pml-predict --force -m m.pmm raw.pml"
on_tty "pml-predict -m m.pmm train.csv"
check "pml-predict: CSV to a terminal is fine" sh -c "[ $rc = 0 ] && grep -q '^id,x,y,color,label,predicted' '$T/tty'"
on_tty "pml-serve-stdin -q m.pmm < raw.pml"
check "pml-serve-stdin: msgpack replies to a terminal are refused" sh -c "[ $rc = 1 ] && grep -qF '$MSG' '$T/tty'"
on_tty "pml-serve-stdin -q m.pmm < train.csv"
check "pml-serve-stdin: CSV replies to a terminal are fine" sh -c "[ $rc = 0 ] && grep -q '^class,index,prob_neg,prob_pos,error' '$T/tty'"

# not a terminal: nothing changes
expect "a pipe or a file is never refused" 0 sh -c "pml-collect -q train.csv | pml-cat --count"
done_testing
