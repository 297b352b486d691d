#!/bin/sh
# pml-eval --plot --title: the confusion matrix's title is TEXT (default
# "confusion matrix", no longer the model's path), and long class names are
# shown whole: the picture widens for them. pml-train --plot --title titles
# the learning curve. Headless Chromium lays the SVG out and every text box
# must lie inside the picture, the straight ones without overlapping.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# the penguins' long species names, and a wide one
awk 'BEGIN { srand(3); print "a,b,kind"
	split("Adelie Penguin (Pygoscelis adeliae)|Chinstrap penguin (Pygoscelis antarctica)|Gentoo penguin (Pygoscelis papua)|WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW MMMMMMMMMMMMMM", k, "|")
	for (i = 1; i <= 80; i++) { c = 1 + i % 4; printf "%.3f,%.3f,\"%s\"\n", c + rand(), rand() * 3, k[c] } }' > "$T/d.csv"
pml-collect -q --label kind -o "$T/raw.mp" "$T/d.csv"
pml-preprocess -q --scale '*=standard' -o "$T/p.mp" "$T/raw.mp"
expect "train with --plot --title" 0 pml-train -q --epochs 4 --plot "$T/curve.svg" --title "penguins: 4 epochs & more" -o "$T/m.pmm" "$T/p.mp"
check "learning curve: the title, escaped" grep -q '>penguins: 4 epochs &amp; more</text>' "$T/curve.svg"
check "learning curve: no default title" sh -c "! grep -q 'pml-train learning curve' '$T/curve.svg'"
expect "eval --plot --title" 0 pml-eval -q -m "$T/m.pmm" --plot "$T/cm.svg" --title "species on the test part" "$T/raw.mp"
check "confusion: the title" grep -q '>species on the test part</text>' "$T/cm.svg"
check "confusion: the model's path is not the title" sh -c "! grep -q '$T/m.pmm' '$T/cm.svg'"
for n in "Adelie Penguin (Pygoscelis adeliae)" "Chinstrap penguin (Pygoscelis antarctica)" \
	"Gentoo penguin (Pygoscelis papua)" "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW MMMMMMMMMMMMMM"; do
	expect_out "whole name on both axes: $n" 2 sh -c "grep -cF '>$n</text>' '$T/cm.svg'"
done
check "no name cut (no ellipsis)" sh -c "! grep -q '…' '$T/cm.svg'"
expect "eval --plot without --title" 0 pml-eval -q -m "$T/m.pmm" --plot "$T/cm0.svg" "$T/raw.mp"
check "default title: confusion matrix" grep -q '>confusion matrix</text>' "$T/cm0.svg"
long=$(printf 'T%.0s' $(seq 1 70))
expect "eval --plot with a 70-character title" 0 pml-eval -q -m "$T/m.pmm" --plot "$T/cm1.svg" --title "$long" "$T/raw.mp"
expect_err "eval --title without --plot: usage error" 2 "--title names the --plot picture" \
	pml-eval -m "$T/m.pmm" --title x "$T/raw.mp"
expect_err "train --title without --plot: usage error" 2 "--title names the --plot picture" \
	pml-train -q --title x -o "$T/m2.pmm" "$T/p.mp"

expect "train with a 70-character wide title" 0 pml-train -q --epochs 2 --plot "$T/curve2.svg" --title "$(printf 'W%.0s' $(seq 1 70))" -o "$T/m3.pmm" "$T/p.mp"
# the check itself: a picture cut narrower than its names must fail it
sed '2s/ width="[0-9]*"/ width="300"/; 2s/viewBox="0 0 [0-9]*/viewBox="0 0 300/' "$T/cm.svg" > "$T/narrow.svg"

# lay the pictures out in Chromium (one page, one start) and measure every <text>
if ! command -v chromium > /dev/null 2>&1; then
	not_ok "chromium is installed" "install the Debian package 'chromium' (scripts/deps.sh)"
	done_testing
	exit 1
fi
cat > "$T/wrap.py" <<'PYEOF'
import sys
# wrap.py OUT.html NAME=FILE.svg...: each SVG in its own <div>, then a script
# that writes, per picture, "NAME ok N" or "NAME outside: ..." / "NAME overlap: ..."
parts = []
for arg in sys.argv[2:]:
    name, path = arg.split('=', 1)
    svg = open(path, encoding='utf-8').read()
    parts.append('<div data-name="%s">%s</div>' % (name, svg[svg.index('<svg'):]))
js = r'''
var lines = [];
document.querySelectorAll('div[data-name]').forEach(function (d) {
  var name = d.getAttribute('data-name'), s = d.querySelector('svg'), r = s.getBoundingClientRect();
  var bad = [], flat = [], texts = s.querySelectorAll('text');
  texts.forEach(function (t) {
    var b = t.getBoundingClientRect(), txt = t.textContent;
    if (b.left < r.left - 1 || b.top < r.top - 1 || b.right > r.right + 1 || b.bottom > r.bottom + 1)
      bad.push(name + ' outside: ' + txt + ' [' + [b.left - r.left, b.top - r.top, b.right - r.left, b.bottom - r.top].map(Math.round) + '] of [' + [r.width, r.height] + ']');
    if (!t.getAttribute('transform')) flat.push([txt, b]);
  });
  for (var i = 0; i < flat.length; i++) for (var j = i + 1; j < flat.length; j++) {
    var a = flat[i][1], c = flat[j][1];
    if (a.left < c.right - 1 && c.left < a.right - 1 && a.top < c.bottom - 1 && c.top < a.bottom - 1)
      bad.push(name + ' overlap: ' + flat[i][0] + ' / ' + flat[j][0]);
  }
  lines.push(bad.length ? bad.join('\n') : name + ' ok ' + texts.length + ' texts inside');
});
var p = document.createElement('pre'); p.id = 'result'; p.textContent = lines.join('\n');
document.body.appendChild(p);
'''
open(sys.argv[1], 'w', encoding='utf-8').write('<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
    '<body style="margin:0">' + ''.join(parts) + '<script>' + js + '</script></body></html>')
PYEOF
pics="narrow=$T/narrow.svg confusion=$T/cm.svg confusion-default=$T/cm0.svg confusion-long-title=$T/cm1.svg curve=$T/curve.svg curve-wide-title=$T/curve2.svg"
# shellcheck disable=SC2086
expect "the pictures in one HTML page" 0 "$PY" "$T/wrap.py" "$T/all.html" $pics
mkdir -p "$T/home"
HOME="$T/home" timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" --dump-dom "file://$T/all.html" \
	> "$T/all.dom" 2> "$T/chromium.log"
sed -n '/<pre id="result">/,/<\/pre>/p' "$T/all.dom" | sed 's/<[^>]*>//g; s/&amp;/\&/g' > "$T/result"
if [ -s "$T/result" ]; then ok "chromium laid the page out"; else
	not_ok "chromium laid the page out" "$(tail -n 2 "$T/chromium.log")"; fi
expect_out "the check itself: a cut picture has names outside" yes \
	sh -c "grep -q '^narrow outside: Chinstrap penguin' '$T/result' && echo yes"
for n in confusion confusion-default confusion-long-title curve curve-wide-title; do
	if grep -q "^$n ok [0-9]* texts inside\$" "$T/result"; then
		ok "$n: every text inside the picture, none overlapping ($(grep "^$n ok" "$T/result"))"
	else
		not_ok "$n: every text inside the picture, none overlapping" "$(grep "^$n " "$T/result" | head -c 600)"
	fi
done
done_testing
