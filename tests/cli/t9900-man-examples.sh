#!/bin/sh
# Every man page's EXAMPLES run as tests. From the EXAMPLES section of each
# man/*.1, *.5, *.7 page, every .Dl line and every .Bd -literal block is one
# example (in a block with "$ " prompts, only the prompted lines and their
# continuations run; the rest is shown output). Each runs under
# bash -e -o pipefail, with a timeout, in a fresh copy of a folder of small
# fixtures named as the examples name them, and must exit 0.
# Comment lines directly above an example:
#   .\" no-test    not run (long-running servers, other languages, unit files)
#   .\" exit N     must exit N (a failing gate, a refused file)
. "$(dirname "$0")/lib.sh"
MAN=$PML_TOP/man
FX=$T/fixtures
FASHION=${PML_FASHION_DIR:-/usr/share/datasets/fashion-mnist}
spid=
trap 'exec 7>&- 2>/dev/null; [ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$T"' EXIT

# -- fixtures ---------------------------------------------------------------
fixtures() {
	mkdir -p "$FX" && cd "$FX" || return 1
	# points: id,x,color,y (the label: pos when x + 0.5 for red, - 0.5 for blue > 0)
	awk 'BEGIN { srand(7); print "id,x,color,y"
		for (i = 1; i <= 2000; i++) { x = rand() * 4 - 2; c = rand() < 0.5 ? "red" : "blue"
			y = (x + (c == "red" ? 0.5 : -0.5) > 0) ? "pos" : "neg"
			if (i % 97 == 0) printf "%d,,%s,%s\n", i, c, y
			else printf "%d,%.3f,%s,%s\n", i, x, c, y } }' > points.csv
	pml-collect -q --label y --id id -o points.mp points.csv
	pml-split -q --hash --key id --salt fixtures -r 0.8,0.1,0.1 -o train.raw -o val.raw -o test.mp points.mp
	pml-clean -q --fill x=median -o train.clean.mp train.raw
	pml-clean -q --apply train.clean.mp -o test.clean.mp test.mp
	cp train.clean.mp clean.mp
	pml-preprocess -q --scale '*=standard' -o train.mp train.clean.mp
	pml-preprocess -q --apply train.mp -o val.mp val.raw
	# the serving model and its peers take raw points records
	pml-train -q -o model.pmm train.mp
	cp model.pmm prod.pmm
	pml-train -q --seed 7 -o new.pmm train.mp
	sed 's/,[a-z]*$//' points.csv | head -n 21 > live.csv
	sed 's/,[a-z]*$//' points.csv | sed -n '1p;1900,$p' > today.csv
	# a richer table: customers, ages, incomes and sexes, some missing
	awk 'BEGIN { srand(11); print "id,customer,age,income,sex,color,x,y"
		for (i = 1; i <= 600; i++) { x = rand() * 4 - 2; c = rand() < 0.5 ? "red" : "blue"
			y = (x + (c == "red" ? 0.5 : -0.5) > 0) ? "pos" : "neg"
			inc = rand() < 0.05 ? "NA" : int(20000 + rand() * 80000)
			if (i % 50 == 0) inc = 900000
			sex = rand() < 0.03 ? "" : (rand() < 0.5 ? "f" : "m")
			printf "%d,c%d,%d,%s,%s,%s,%.3f,%s\n", i, int(rand() * 100), 18 + int(rand() * 60), inc, sex, c, x, y } }' > data.csv
	pml-collect -q --label y --id id -o data.mp data.csv
	cp data.mp raw.mp && cp data.mp all.mp
	head -n 301 data.csv | gzip -n > jan.csv.gz
	sed -n '1p;302,$p' data.csv > feb.csv
	pml-collect -q --label y --id id -o jan.mp jan.csv.gz
	pml-collect -q --label y --id id -o feb.mp feb.csv
	printf 'zip,code,city\n01234,007,Springfield\n90210,123,Beverly Hills\n' > addresses.csv
	# short texts
	awk 'BEGIN { srand(3); split("good great fine nice", p, " "); split("bad awful poor dull", n, " ")
		print "id,review,y"
		for (i = 1; i <= 60; i++) { good = i % 2
			printf "%d,%s and %s product,%s\n", i, good ? p[1 + i % 4] : n[1 + i % 4],
				good ? p[1 + (i + 1) % 4] : n[1 + (i + 1) % 4], good ? "pos" : "neg" } }' > reviews.csv
	pml-collect -q --label y --id id -o reviews.mp reviews.csv
	# a regression: house prices
	awk 'BEGIN { srand(5); print "id,rooms,area,price"
		for (i = 1; i <= 200; i++) { r = 1 + int(rand() * 6); a = 20 + rand() * 150
			printf "%d,%d,%.1f,%.1f\n", i, r, a, 50 + 2.5 * a + 10 * r + rand() * 20 } }' > houses.csv
	pml-collect -q --label price --id id houses.csv | pml-preprocess -q --scale '*=standard' -o houses.mp
	# tiny Fashion-MNIST-shaped IDX files (40 images of 28x28) and a model of them
	{ printf '\000\000\010\003\000\000\000\050\000\000\000\034\000\000\000\034'
	  awk 'BEGIN { for (n = 0; n < 40; n++) for (p = 0; p < 784; p++) printf "%c", 1 + (n * 31 + p * (n % 10 + 1)) % 127 }'
	} | gzip -n > t10k-images-idx3-ubyte.gz
	{ printf '\000\000\010\001\000\000\000\050'
	  awk 'BEGIN { for (n = 0; n < 40; n++) printf "%c", 48 + n % 10 }' | tr '0-9' '\000-\011'
	} | gzip -n > t10k-labels-idx1-ubyte.gz
	pml-collect -q --idx t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz --classes fashion-mnist -o images.mp
	pml-preprocess -q --scale image=factor:255 -o images.prep.mp images.mp
	pml-train -q --hidden 8 --epochs 2 -o fashion.pmm images.prep.mp
	rm -f train.raw val.raw
}
if [ -n "${T9900_FIXTURES_ONLY:-}" ]; then (set -e; fixtures) && echo "$FX"; trap - EXIT; exit; fi

# -- extraction ---------------------------------------------------------------
# extract PAGE DIR: DIR/N.sh per example, DIR/list "N WANT LINE" (WANT skip
# for no-test)
extract() {
	awk -v dir="$2" '
	BEGIN { skip = 0; want = 0 }
	function unroff(s) {
		gsub(/\\e/, "\001", s); gsub(/\\-/, "-", s); gsub(/\\\(aq/, "\047", s)
		gsub(/\\\(dq/, "\"", s); gsub(/\\&/, "", s); gsub(/\001/, "\\", s)
		return s
	}
	function emit(text, line,   f) {
		n++; f = dir "/" n ".sh"
		printf "%s\n", text > f; close(f)
		print n, (skip ? "skip" : want), line >> (dir "/list"); close(dir "/list")
		skip = 0; want = 0
	}
	/^\.Sh / { sec = ($2 == "EXAMPLES"); next }
	!sec { next }
	inblock && /^\.Ed/ {
		inblock = 0; text = ""; prompt = 0
		for (i = 1; i <= nb; i++) if (b[i] ~ /^\$ /) prompt = 1
		cont = 0
		for (i = 1; i <= nb; i++) {
			l = b[i]
			if (prompt && !cont && l !~ /^\$ /) continue
			if (prompt && !cont) l = substr(l, 3)
			text = text (text == "" ? "" : "\n") l
			cont = prompt && (l ~ /[\\|]$/ || l ~ /(&&|\|\|)$/)
		}
		emit(text, bline); next
	}
	inblock { b[++nb] = unroff($0); next }
	/^\.\\" *no-test/ { skip = 1; next }
	/^\.\\" *exit [0-9]+/ { want = $3 + 0; next }
	/^\.Dl / { emit(unroff(substr($0, 5)), NR); next }
	/^\.Bd -literal/ { inblock = 1; nb = 0; bline = NR; next }
	' "$1"
}

# -- run ----------------------------------------------------------------------
if ! (set -e; fixtures) > "$T/fixtures.log" 2>&1; then
	not_ok "make the fixtures" "$(tail -n 5 "$T/fixtures.log")"
	done_testing
	exit 1
fi
ok "make the fixtures"
[ -d "$FASHION" ] || not_ok "Fashion-MNIST missing in $FASHION: run scripts/deps.sh install-data"

# a running pml-serve-stdin whose pid is in serve.pid, for the deploy examples
mkfifo "$T/serve.in"
pml-serve-stdin -q "$FX/model.pmm" < "$T/serve.in" > /dev/null 2> "$T/serve.err" &
spid=$!
exec 7> "$T/serve.in"
echo "$spid" > "$FX/serve.pid"

cd "$T" || exit 1
n_run=0 n_skip=0
skipped=
for page in "$MAN"/*.[157]; do
	p=$(basename "$page")
	d=$T/ex/$p
	mkdir -p "$d"
	extract "$page" "$d"
	[ -f "$d/list" ] || { not_ok "$p has runnable EXAMPLES" "no .Dl or .Bd -literal in its EXAMPLES section"; continue; }
	n_page=0
	while read -r n want line; do
		if [ "$want" = skip ]; then
			n_skip=$((n_skip + 1)); skipped="$skipped $p:$line"
			continue
		fi
		w=$T/run/$p.$n
		mkdir -p "$w" && cp -R "$FX/." "$w/"
		rc=0
		( cd "$w" && timeout 120 bash -e -o pipefail "$d/$n.sh" ) \
			> "$w/.out" 2> "$w/.err" < /dev/null || rc=$?
		what="$p:$line: $(head -n 1 "$d/$n.sh" | cut -c 1-70 | tr '\\' '/')"
		if [ "$rc" = "$want" ]; then ok "$what"; else
			not_ok "$what" "exit $rc, want $want" "stderr: $(tail -n 3 "$w/.err")"
		fi
		n_run=$((n_run + 1)) n_page=$((n_page + 1))
		rm -rf "$w"
	done < "$d/list"
	check "$p: at least one example runs" test "$n_page" -gt 0
done
check "the server of the deploy example is still running" kill -0 "$spid"
echo "# $n_run examples run, $n_skip marked no-test:$skipped"
done_testing
