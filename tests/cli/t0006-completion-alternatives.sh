#!/bin/sh
# scripts/pml.bash-completion reads the options of pml-X from 'pml-X --help':
# options listed as alternatives in a usage line ("[--csv|--tsv|--json]")
# complete too, not only the first of them; and every long option a tool's
# --help names anywhere completes.
. "$(dirname "$0")/lib.sh"
COMP=$PML_TOP/scripts/pml.bash-completion
# comp WORD...: complete the last WORD of the command line WORD...
comp() {
	bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_pml_tool || exit 1
		printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$COMP" "$@"
}
expect_out "pml-collect --t<TAB>: --tsv (after '|') and --type" "$(printf -- '--tsv\n--type')" comp pml-collect --t
expect_out "pml-collect --j<TAB>: --json (after '|')" "--json" comp pml-collect --j
expect_out "pml-collect --sv<TAB>: --svmlight (last alternative)" "--svmlight" comp pml-collect --sv
expect_out "pml-collect --cs<TAB>: --csv (first alternative)" "--csv" comp pml-collect --cs

# a tool of our own whose usage lists short and long alternatives
mkdir "$T/bin"
cat > "$T/bin/pml-fake" <<'SH'
#!/bin/sh
cat <<'U'
usage: pml-fake [-a|-b|--cc|--dd-ee] (--ff|--gg) [options] FILE
  -h, --help     show this help
      --hh=N     an option with a value
U
SH
chmod +x "$T/bin/pml-fake"
expect_out "alternatives, short and long, in [] and ()" \
	"$(printf -- '%s\n' --cc --dd-ee --ff --gg --help --hh | sort)" \
	env PATH="$T/bin:$PATH" sh -c "$(printf '%s' "bash --norc -c '. \"$COMP\"; COMP_WORDS=($T/bin/pml-fake --); COMP_CWORD=1; _pml_tool; printf \"%s\\n\" \"\${COMPREPLY[@]}\" | sort'")"
expect_out "short alternatives" "$(printf -- '%s\n' -a -b -h | sort)" \
	sh -c "bash --norc -c '. \"$COMP\"; COMP_WORDS=($T/bin/pml-fake -); COMP_CWORD=1; _pml_tool; printf \"%s\\n\" \"\${COMPREPLY[@]}\" | grep -v -- \"^--\" | sort'"

# every long option named anywhere in a tool's --help completes
for f in "$PML_TOP"/cmd/pml*.c; do
	t=$(basename "$f" .c)
	"$t" --help | grep -oE -- '--[A-Za-z][-A-Za-z0-9]*' | sort -u > "$T/want"
	comp "$t" -- | sort -u > "$T/got"
	missing=$(comm -23 "$T/want" "$T/got" | tr '\n' ' ')
	check "$t: every option of --help completes${missing:+ (missing: $missing)}" test -z "$missing"
done
done_testing
