#!/bin/sh
# scripts/pml.bash-completion: sourced in bash, COMPREPLY for pml stages,
# pml-* options (from --help), option values, file names.
. "$(dirname "$0")/lib.sh"
COMP=$PML_TOP/scripts/pml.bash-completion
if ! command -v bash >/dev/null 2>&1; then
	not_ok "bash is missing"; done_testing; exit 1
fi
# comp FUNC WORD...: complete the last WORD, print COMPREPLY sorted, one a line
comp() {
	bash --norc --noprofile -c '
		. "$1" || exit 1
		f=$2; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		$f || exit 1
		printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$COMP" "$@"
}
expect "bash -n" 0 bash -n "$COMP"
expect "sources cleanly" 0 bash --norc -c ". '$COMP' && complete -p pml && complete -p pml-train && complete -p pml-serve-stdin"
expect_out "pml c<TAB>: the stages starting with c" "$(printf 'cat\nclean\ncollect')" comp _pml pml c
expect_out "pml s<TAB>" "$(printf 'serve-stdin\nsplit')" comp _pml pml s
expect_out "pml --v<TAB>" "--version" comp _pml pml --v
expect_out "pml help tr<TAB>" "train" comp _pml pml help tr
expect_out "pml-train --hi<TAB>" "--hidden" comp _pml_tool pml-train --hi
expect_out "pml train --hi<TAB> (through the front end)" "--hidden" comp _pml pml train --hi
expect_out "pml-eval --max<TAB>" "$(printf -- '--max\n--max-drop\n--max-message')" comp _pml_tool pml-eval --max
expect_out "pml-split -<TAB> includes short -o" "-o" sh -c "$(printf '%s' "bash --norc -c '. \"$COMP\"; COMP_WORDS=(pml-split -); COMP_CWORD=1; _pml_tool; printf \"%s\\n\" \"\${COMPREPLY[@]}\"' | grep -x -- -o")"
expect_out "pml-serve-stdin --format <TAB>" "$(printf 'auto\ncsv\njson\nmsgpack')" comp _pml_tool pml-serve-stdin --format ''
expect_out "pml-train --optimizer <TAB>" "$(printf 'adam\nsgd')" comp _pml_tool pml-train --optimizer ''
expect_out "pml-eval --min ac<TAB>" "accuracy" comp _pml_tool pml-eval --min ac
mkdir "$T/d" && : > "$T/d/train.mp" && : > "$T/d/test.mp" && : > "$T/d/model.pmm"
expect_out "pml-eval -m <TAB>: file names" "$T/d/model.pmm" comp _pml_tool pml-eval -m "$T/d/mo"
expect_out "pml train <TAB>: file names" "$(printf '%s\n%s' "$T/d/test.mp" "$T/d/train.mp")" comp _pml pml train "$T/d/t"
expect_out "pml c<TAB> without pml in PATH: the built-in list" "$(printf 'cat\nclean\ncollect')" \
	env PATH=/usr/bin:/bin bash --norc -c ". '$COMP'; COMP_WORDS=(pml c); COMP_CWORD=1; _pml; printf '%s\n' \"\${COMPREPLY[@]}\" | sort"
# every tool's --help gives options to complete
for t in collect clean preprocess split train eval serve-stdin predict cat; do
	expect_out "pml-$t --hel<TAB>" "--help" comp _pml_tool "pml-$t" --hel
done
done_testing
