#!/bin/sh
# t3900-plot-render: the SVG pictures (samples from u-plot, and
# pml-eval --plot) render in a real browser (headless Chromium) to a PNG
# that is not blank and shows the expected colours.
# Chromium is a test dependency (Debian package "chromium", installed by
# scripts/deps.sh); without it this test fails rather than pass silently.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# pngcheck.py PNG KIND: decode the PNG with the standard library (zlib) and
# check it is not one colour; KIND curve wants the blue train and orange
# validation lines, KIND confusion wants dark-blue cells.
cat > "$T/pngcheck.py" <<'EOF'
import struct, sys, zlib

def decode(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('not a PNG')
    pos, idat, w = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                sys.exit('unsupported PNG: depth %d type %d interlace %d' % (depth, ctype, interlace))
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        elif kind == b'IEND':
            break
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = decode(sys.argv[1])
colours = {}
for r in rows:
    for x in range(0, len(r), bpp):
        px = r[x:x + 3]
        colours[px] = colours.get(px, 0) + 1
total = w * h
white = colours.get(b'\xff\xff\xff', 0)
def share(test):
    return sum(n for px, n in colours.items() if test(*px)) / total
problems = []
if len(colours) < 3:
    problems.append('%d distinct colours' % len(colours))
if total - white < total // 100:
    problems.append('only %d non-white pixels' % (total - white))
if sys.argv[2] == 'curve':
    if share(lambda r, g, b: b > 150 and r < 90 and 90 < g < 160) < 0.0005:
        problems.append('no blue train line')
    if share(lambda r, g, b: r > 220 and 100 < g < 160 and b < 60) < 0.0005:
        problems.append('no orange validation line')
if sys.argv[2] == 'confusion':
    if share(lambda r, g, b: b < 150 and b > r + 40 and r < 80) < 0.01:
        problems.append('no dark-blue cells')
if problems:
    print('; '.join(problems))
    sys.exit(1)
print('%dx%d, %d colours, %.1f%% not white' % (w, h, len(colours), 100.0 * (total - white) / total))
EOF

# svgsize FILE: "W,H" from the root element.
svgsize() {
	sed -n 's/^<svg .* width="\([0-9]*\)" height="\([0-9]*\)".*/\1,\2/p' "$1" | head -1
}

render() { # NAME SVG KIND
	_png="$T/$1.png"
	_size=$(svgsize "$2")
	mkdir -p "$T/home"
	rc=0
	HOME="$T/home" timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" \
		--screenshot="$_png" --window-size="${_size:-800,600}" "file://$2" \
		> "$T/chromium.log" 2>&1 || rc=$?
	if [ "$rc" != 0 ] || [ ! -s "$_png" ]; then
		not_ok "$1: chromium renders it" "exit $rc" "$(tail -3 "$T/chromium.log")"
		return
	fi
	ok "$1: chromium renders it"
	if "$PY" "$T/pngcheck.py" "$_png" "$3" > "$T/check.out" 2>&1; then
		ok "$1: PNG not blank, expected colours ($(cat "$T/check.out"))"
	else
		not_ok "$1: PNG not blank, expected colours" "$(cat "$T/check.out")"
	fi
}

if ! command -v chromium > /dev/null 2>&1; then
	not_ok "chromium is installed" "install the Debian package 'chromium' (scripts/deps.sh)"
	done_testing
	exit 1
fi
ok "chromium is installed"

UPLOT="$PML_TOP/build/tests/u-plot"
expect "sample pictures written" 0 "$UPLOT" --write "$T"
expect "fixtures written" 0 "$PML_TOP/build/tests/u-metrics" --fixtures "$T"
expect "pml-eval --plot" 0 pml-eval -m "$T/model.pml" --plot "$T/eval.svg" "$T/test.mp"
for f in curve confusion eval; do
	if [ -s "$T/$f.svg" ]; then
		render "$f" "$T/$f.svg" "$([ $f = eval ] && echo confusion || echo $f)"
	else
		not_ok "$f: SVG written"
	fi
done

done_testing
