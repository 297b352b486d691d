#!/bin/sh
# Every command line of the documentation runs: the code blocks of README.md
# and the .Dl lines and .Bd -literal blocks of every section of man/*.[157]
# but EXAMPLES (t9900-man-examples.sh runs those, with the same fixtures).
#
# What runs:
#   README.md   an indented (4 spaces or a tab) or fenced (```) code block
#   man pages   a .Dl line, or a .Bd -literal ... .Ed block
# that holds at least one command line: a line whose first word is pml or
# pml-NAME (followed by a blank or the end; "pml-eval: gate failed" is a
# message, not a command), or that has such a word after '|', '&&', ';' or
# '$('. The whole block runs as one script; in a block with "$ " prompts,
# only the prompted lines and their continuations run (the rest is shown
# output). Blocks without a command line (JSON, diagrams of fields, make
# commands) are not run.
#
# Markers, on the line directly above the block (README.md: the last
# non-blank line before it):
#   man:     .\" no-test REASON        README:  <!-- no-test REASON -->
#   man:     .\" exit N                README:  <!-- exit N -->
# no-test: not run (keep these few; they are listed at the end of the
# output); exit N: must exit N (a failing gate is 3), else 0.
#
# Each block runs under bash -e -o pipefail, with a timeout, in a fresh copy
# of t9900's fixtures (data.csv, points.csv, houses.csv, model.pmm, ...) plus
# penguins_raw.csv (the real Palmer penguins CSV when installed, else a
# penguins-like one with the same columns). A failure names the block's
# FILE:LINE, the line where the failing command ends ("failed at FILE:LINE:
# COMMAND", bash's ERR trap) and the last lines of its stderr.
. "$(dirname "$0")/lib.sh"
FX=$T/fixtures

# -- extraction -----------------------------------------------------------------
# extract FILE DIR: per block, DIR/N.sh (the script: one line per line of
# the block, output and roff lines blank, so script line k is document line
# BASE + k - 1) and a line "N WANT BASE" in DIR/list (WANT: skip for
# no-test, else the exit status wanted).
cat > "$T/extract.awk" <<'AWK'
function unroff(s) {
	gsub(/\\e/, "\001", s); gsub(/\\-/, "-", s); gsub(/\\\(aq/, "\047", s)
	gsub(/\\\(dq/, "\"", s); gsub(/\\&/, "", s); gsub(/\001/, "\\", s)
	return s
}
function is_cmd(l) {
	return l ~ /^[ \t]*(\$ )?pml(-[a-z0-9][-a-z0-9]*)?([ \t]|$)/ ||
	       l ~ /(\||&&|;|\$\()[ \t]*pml(-[a-z0-9][-a-z0-9]*)?([ \t]|$)/
}
# emit the block b[1..nb] starting at document line base
function emit(base,   i, l, prompt, cont, text, any, f) {
	prompt = 0
	for (i = 1; i <= nb; i++) if (b[i] ~ /^\$ /) prompt = 1
	text = ""; cont = 0; any = 0
	for (i = 1; i <= nb; i++) {
		l = b[i]
		if (roff && l ~ /^\./) l = ""
		else if (prompt && !cont && l !~ /^\$ /) l = ""
		else if (prompt && !cont) l = substr(l, 3)
		if (is_cmd(l)) any = 1
		cont = prompt && l != "" && (l ~ /[\\|]$/ || l ~ /(&&|\|\|)$/)
		text = text l "\n"
	}
	if (any) {
		n++; f = dir "/" n ".sh"
		printf "%s", text > f; close(f)
		print n, (skip ? "skip" : want), base >> (dir "/list"); close(dir "/list")
	}
	skip = 0; want = 0; nb = 0
}
BEGIN { roff = (mode == "man"); n = 0; nb = 0; skip = 0; want = 0; prev = ""; lastnb = "" }
# ---- man pages ----
roff && /^\.Sh / { sec = $2; skip = 0; want = 0; next }
roff && sec == "EXAMPLES" { next }
roff && inblock && /^\.Ed/ { inblock = 0; emit(bline + 1); next }
roff && inblock { b[++nb] = unroff($0); next }
roff && /^\.\\" *no-test/ { skip = 1; next }
roff && /^\.\\" *exit [0-9]+/ { want = $3 + 0; next }
roff && /^\.Dl / { nb = 1; b[1] = unroff(substr($0, 5)); emit(NR); next }
roff && /^\.Bd -literal/ { inblock = 1; nb = 0; bline = NR; next }
roff { skip = 0; want = 0; next }
# ---- markdown ----
fenced && /^[ \t]*```/ { fenced = 0; emit(bline + 1); lastnb = $0; prev = $0; next }
fenced { b[++nb] = $0; next }
indented && (/^    / || /^\t/) { for (; blanks > 0; blanks--) b[++nb] = ""; b[++nb] = strip($0); lastnb = $0; next }
indented && /^[ \t]*$/ { blanks++; prev = $0; next }
indented { indented = 0; blanks = 0; emit(bline) }
/^[ \t]*```/ { fenced = 1; nb = 0; bline = NR; marker(); next }
# an indented block after a blank line, not inside a list
(/^    / || /^\t/) && prev ~ /^[ \t]*$/ && lastnb !~ /^([ \t]|[-*+] |[0-9]+\. )/ {
	indented = 1; nb = 0; blanks = 0; bline = NR; marker(); b[++nb] = strip($0); lastnb = $0; next
}
{ if ($0 !~ /^[ \t]*$/) lastnb = $0; prev = $0 }
END { if (indented) emit(bline) }
function strip(s) { sub(/^(    |\t)/, "", s); return s }
# the last non-blank line before the block: a no-test or exit marker
function marker() {
	skip = 0; want = 0
	if (lastnb ~ /^<!-- *no-test/) skip = 1
	else if (lastnb ~ /^<!-- *exit [0-9]+ *-->/) { want = lastnb; sub(/^<!-- *exit /, "", want); want += 0 }
}
AWK
extract() { # FILE DIR
	mkdir -p "$2"
	case "$1" in
	*.md) awk -v mode=md -v dir="$2" -f "$T/extract.awk" "$1" ;;
	*) awk -v mode=man -v dir="$2" -f "$T/extract.awk" "$1" ;;
	esac
}

# -- the extractor on a page and a README made for it -----------------------
mkdir -p "$T/self"
cat > "$T/self/x.1" <<'EOF'
.Sh DESCRIPTION
Text.
.Dl pml-cat --count train.mp
.Dl pml-eval: gate failed: accuracy 0.81 is below the minimum 0.9
.Bd -literal -offset indent
{"class":"Coat","index":4}
.Ed
.\" exit 3
.Bd -literal
$ pml-eval -m m.pmm \e
    --min accuracy=0.99 t.mp
accuracy 0.5
$ echo done
.Ed
.\" no-test a server
.Dl pml-serve-stdin model.pmm
.Sh EXAMPLES
.Dl pml-cat examples.mp
EOF
cat > "$T/self/x.md" <<'EOF'
# title

    make check

Text:

    pml-collect --label y a.csv > all.mp
    pml-cat --count all.mp

- a list item

        pml-not-a-block inside a list

<!-- exit 3 -->

```sh
head -n 3 a.csv | pml-collect --label y
```
EOF
extract "$T/self/x.1" "$T/self/man"
extract "$T/self/x.md" "$T/self/md"
expect_out "man: blocks found (N WANT LINE)" "$(printf '1 0 3\n2 3 10\n3 skip 16')" cat "$T/self/man/list"
expect_out "man: the prompted lines, output blanked, one line per line" \
	"$(printf 'pml-eval -m m.pmm \\\n    --min accuracy=0.99 t.mp\n\necho done')" cat "$T/self/man/2.sh"
expect_out "README: blocks found (N WANT LINE)" "$(printf '1 0 7\n2 3 17')" cat "$T/self/md/list"
expect_out "README: an indented block" "$(printf 'pml-collect --label y a.csv > all.mp\npml-cat --count all.mp')" cat "$T/self/md/1.sh"

# -- fixtures -----------------------------------------------------------------
penguins() { # a penguins_raw.csv: the real one, or one with its columns
	for f in "${PML_PENGUINS_CSV:-}" /usr/share/datasets/palmerpenguins/penguins_raw.csv \
		/usr/lib/R/site-library/palmerpenguins/extdata/penguins_raw.csv; do
		[ -n "$f" ] && [ -f "$f" ] && { cp "$f" "$1"; return; }
	done
	awk 'BEGIN { srand(17)
		print "studyName,Sample Number,Species,Region,Island,Stage,Individual ID,Clutch Completion,Date Egg,Culmen Length (mm),Culmen Depth (mm),Flipper Length (mm),Body Mass (g),Sex,Delta 15 N (o/oo),Delta 13 C (o/oo),Comments"
		split("Adelie Penguin (Pygoscelis adeliae)|Chinstrap penguin (Pygoscelis antarctica)|Gentoo penguin (Pygoscelis papua)", sp, "|")
		split("Torgersen|Dream|Biscoe", isl, "|")
		for (i = 1; i <= 344; i++) { s = 1 + i % 3
			cl = (s == 1 ? 38.8 : s == 2 ? 48.8 : 47.5) + (rand() - 0.5) * 5
			cd = (s == 3 ? 15 : 18.3) + (rand() - 0.5) * 2
			fl = int((s == 1 ? 190 : s == 2 ? 196 : 217) + (rand() - 0.5) * 12)
			bm = int((s == 3 ? 5076 : 3700) + (rand() - 0.5) * 600)
			sex = rand() < 0.03 ? "NA" : (rand() < 0.5 ? "MALE" : "FEMALE")
			if (i % 50 == 0) cl = "NA"
			printf "PAL0%d,%d,%s,Anvers,%s,\"Adult, 1 Egg Stage\",N%dA%d,%s,2008-11-%02d,%s,%.1f,%d,%d,%s,%.5f,%.5f,%s\n",
				708 + i % 3, i, sp[s], isl[s == 3 ? 3 : 1 + int(rand() * 2)], i, i % 2 + 1,
				rand() < 0.9 ? "Yes" : "No", 1 + i % 28, cl, cd, fl, bm, sex,
				8 + rand(), -25 - rand(), i % 7 ? "NA" : "\"Nest never observed with full clutch.\"" } }' > "$1"
}
fx=$(T9900_FIXTURES_ONLY=1 sh "$PML_TOP/tests/cli/t9900-man-examples.sh" 2> "$T/fixtures.log" | tail -n 1)
if [ -z "$fx" ] || [ ! -f "$fx/data.csv" ]; then
	not_ok "make the fixtures (t9900's)" "$(tail -n 5 "$T/fixtures.log")"
	case "$fx" in */fixtures) rm -rf "${fx%/fixtures}" ;; esac
	done_testing
	exit 1
fi
mv "$fx" "$FX" && rmdir "${fx%/fixtures}" 2>/dev/null
penguins "$FX/penguins_raw.csv"
ok "make the fixtures (t9900's, penguins_raw.csv)"

# -- run --------------------------------------------------------------------------
# run_docs FILE...: one TAP line per block
run_docs() {
	for doc in "$@"; do
		p=${doc#"$PML_TOP"/}
		d=$T/ex/$(echo "$p" | tr / _)
		rm -rf "$d"
		extract "$doc" "$d"
		[ -f "$d/list" ] || continue
		while read -r n want base; do
			if [ "$want" = skip ]; then
				n_skip=$((n_skip + 1)) skipped="$skipped $p:$base"
				continue
			fi
			w=$T/run/$n
			rm -rf "$w" && mkdir -p "$w" && cp -R "$FX/." "$w/"
			rc=0
			( cd "$w" && timeout 120 bash -e -o pipefail -E -c \
				'trap '\''echo "@@failed $LINENO: $BASH_COMMAND" >&2'\'' ERR; . "$1"' sh "$d/$n.sh" ) \
				> "$w/.out" 2> "$w/.err" < /dev/null || rc=$?
			first=$(grep -m 1 . "$d/$n.sh" | cut -c 1-60 | tr '\\' '/')
			what="$p:$base: $first"
			if [ "$rc" = "$want" ]; then ok "$what"; else
				at=$(sed -n 's/^@@failed \([0-9]*\): \(.*\)/\1 \2/p' "$w/.err" | tail -n 1)
				where=
				[ -n "$at" ] && where="failed at $p:$((base + ${at%% *} - 1)): ${at#* }"
				[ "$rc" = 124 ] && where="timed out after 120 s"
				not_ok "$what" "exit $rc, want $want${where:+; $where}" \
					"stderr: $(grep -v '^@@failed ' "$w/.err" | tail -n 3 | tr '\n' ' ' | cut -c 1-400)"
			fi
			n_run=$((n_run + 1))
			rm -rf "$w"
		done < "$d/list"
	done
}
cd "$T" || exit 1

# a failing block is reported with the line of the command that failed
printf 'Text:\n\n    pml-cat --count data.mp\n    pml-cat --count no-such.mp |\n        cat\n    pml-cat data.mp\n' > "$T/self/bad.md"
(_n=0 _failed=0 n_run=0 n_skip=0 skipped=; run_docs "$T/self/bad.md") > "$T/bad.tap"
expect_out "a failing block: not ok, the file and line of the failing command" \
	"$(printf '%s\n' "not ok 1 - $T/self/bad.md:3: pml-cat --count data.mp" \
		"#   exit 1, want 0; failed at $T/self/bad.md:5: cat")" \
	sh -c "head -n 2 '$T/bad.tap'"
check "a failing block: its stderr shown" grep -q "^#   stderr: .*no-such.mp" "$T/bad.tap"

n_run=0 n_skip=0 skipped=
n_readme=0
run_docs "$PML_TOP/README.md"
check "README.md: its tour runs (at least one block)" test "$n_run" -gt 0
n_readme=$n_run
# shellcheck disable=SC2086
run_docs $(ls "$PML_TOP"/man/*.[157])
check "man pages: at least one block outside EXAMPLES runs" test "$n_run" -gt "$n_readme"
echo "# $n_run blocks run, $n_skip marked no-test:$skipped"
done_testing
