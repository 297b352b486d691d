#!/bin/sh
# pml-collect on IDX files: an exact small case, gzip, class names, every
# bad IDX input of TESTPLAN.md, and Fashion-MNIST when it is installed.
. "$(dirname "$0")/lib.sh"

# byte N...: write bytes given in decimal
byte() { for b in "$@"; do printf "\\$(printf %03o "$b")"; done; }
# be32 N: a big-endian 32-bit number
be32() { byte $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }

# 3 images of 2x2 and their labels
{ byte 0 0 8 3; be32 3; be32 2; be32 2; byte 0 1 2 3  10 11 12 13  255 254 253 252; } > "$T/img"
{ byte 0 0 8 1; be32 3; byte 1 0 2; } > "$T/lab"
want='{"image":[0,1,2,3],"label":1}
{"image":[10,11,12,13],"label":0}
{"image":[255,254,253,252],"label":2}'
cc() { pml-collect "$@" > "$T/s.mp" && pml-cat "$T/s.mp"; }
expect_out "small IDX, exact values" "$want" cc --idx "$T/img" "$T/lab"
expect_out "--images/--labels" "$want" cc --images "$T/img" --labels "$T/lab"
gzip -c "$T/img" > "$T/img.gz"
gzip -c "$T/lab" > "$T/lab.gz"
expect_out "gzip IDX" "$want" cc --idx "$T/img.gz" "$T/lab.gz"
expect_out "shape [2,2], label role" '"type":"vec","role":"feature","elem":"u8","shape":[2,2]},{"name":"label","type":"int","role":"label"' \
	sh -c "pml-collect --idx '$T/img' '$T/lab' | pml-cat --schema | grep -o '\"type\":\"vec\".*\"role\":\"label\"'"
expect_out "two pairs make one stream" "6" sh -c "pml-collect --idx '$T/img' '$T/lab' '$T/img.gz' '$T/lab.gz' | pml-cat --count"
expect_out "--classes a,b,c" '"classes":["a","b","c"]' \
	sh -c "pml-collect --idx '$T/img' '$T/lab' --classes a,b,c | pml-cat --schema | grep -o '\"classes\":[^]]*]'"
printf 'zero\none\r\ntwo\n' > "$T/names"
expect_out "--classes-file" '"classes":["zero","one","two"]' \
	sh -c "pml-collect --idx '$T/img' '$T/lab' --classes-file '$T/names' | pml-cat --schema | grep -o '\"classes\":[^]]*]'"
expect_out "--classes fashion-mnist" '"classes":["T-shirt/top","Trouser","Pullover","Dress","Coat","Sandal","Shirt","Sneaker","Bag","Ankle boot"]' \
	sh -c "pml-collect --idx '$T/img' '$T/lab' --classes fashion-mnist | pml-cat --schema | grep -o '\"classes\":[^]]*]'"
expect_err "label beyond the class names" 1 "record 3: label 2 is beyond the 2 class names" \
	pml-collect --idx "$T/img" "$T/lab" --classes a,b
expect_err "duplicate class names" 2 "class name 'a' given twice" pml-collect --idx "$T/img" "$T/lab" --classes a,a
expect_err "--idx needs pairs" 2 "--idx takes pairs" pml-collect --idx "$T/img"

# bad magic
{ byte 1 2 8 3; be32 3; be32 2; be32 2; byte 0 1 2 3 10 11 12 13 255 254 253 252; } > "$T/magic"
expect_err "bad magic" 1 "magic: not an IDX file: bad magic 01 02 08 03" pml-collect --idx "$T/magic" "$T/lab"
printf 'hello, world\n' > "$T/text"
expect_err "a text file" 1 "not an IDX file" pml-collect --idx "$T/text" "$T/lab"
: > "$T/void"
expect_err "an empty file" 1 "not an IDX file: shorter than its 4-byte magic" pml-collect --idx "$T/void" "$T/lab"
# wrong type byte
{ byte 0 0 13 3; be32 3; be32 2; be32 2; } > "$T/float"
expect_err "wrong type byte" 1 "IDX element type 0x0d is not supported (only 0x08, unsigned byte)" \
	pml-collect --idx "$T/float" "$T/lab"
{ byte 0 0 9 1; be32 3; byte 1 0 2; } > "$T/slab"
expect_err "wrong type byte in labels" 1 "element type 0x09 is not supported" pml-collect --idx "$T/img" "$T/slab"
# zero dimension
{ byte 0 0 8 3; be32 3; be32 0; be32 2; } > "$T/zero"
expect_err "zero dimension" 1 "zero: dimension 2 is zero" pml-collect --idx "$T/zero" "$T/lab"
# product overflows
{ byte 0 0 8 4; be32 3; be32 65536; be32 65536; be32 65536; } > "$T/huge"
expect_err "dimension product overflows" 1 "dimensions too large" pml-collect --idx "$T/huge" "$T/lab"
{ byte 0 0 8 3; be32 4294967295; be32 4294967295; be32 4294967295; } > "$T/huge2"
expect_err "every dimension at 2^32-1" 1 "dimensions too large" pml-collect --idx "$T/huge2" "$T/lab"
# data one byte short, one byte long
head -c 27 "$T/img" > "$T/short"
expect_err "images one byte short" 1 "short: data is 11 bytes, the dimensions say 12 (1 byte short)" \
	pml-collect --idx "$T/short" "$T/lab"
{ cat "$T/img"; byte 7; } > "$T/long"
expect_err "images one byte long" 1 "long: data is 13 bytes, the dimensions say 12 (1 byte too many)" \
	pml-collect --idx "$T/long" "$T/lab"
head -c 10 "$T/lab" > "$T/labshort"
expect_err "labels one byte short" 1 "labshort: data is 2 bytes, the dimensions say 3" \
	pml-collect --idx "$T/img" "$T/labshort"
gzip -c "$T/short" > "$T/short.gz"
expect_err "gzip images one byte short" 1 "short.gz: truncated: image 3 of 3" pml-collect --idx "$T/short.gz" "$T/lab"
gzip -c "$T/long" > "$T/long.gz"
expect_err "gzip images one byte long" 1 "long.gz: bytes after the 3 items" pml-collect --idx "$T/long.gz" "$T/lab"
check "no output file left after an error" sh -c "! pml-collect --idx '$T/long.gz' '$T/lab' -o '$T/o.mp' 2>/dev/null && [ ! -e '$T/o.mp' ]"
pml-collect --idx "$T/long.gz" "$T/lab" > "$T/partial.mp" 2>/dev/null
expect "a stream cut by an error has no trailer" 1 pml-cat "$T/partial.mp"
# counts that differ
{ byte 0 0 8 1; be32 2; byte 1 0; } > "$T/lab2"
expect_err "image and label counts differ" 1 "has 3 images but" pml-collect --idx "$T/img" "$T/lab2"
{ byte 0 0 8 2; be32 3; be32 1; byte 1 0 2; } > "$T/lab2d"
expect_err "labels with 2 dimensions" 1 "a labels file must have 1 dimension" pml-collect --idx "$T/img" "$T/lab2d"
expect_err "missing file" 1 "cannot open" pml-collect --idx "$T/nope" "$T/lab"

# The real Fashion-MNIST, when installed (CI installs it)
D=/usr/share/datasets/fashion-mnist
if [ -r "$D/train-images-idx3-ubyte.gz" ] && [ -r "$D/train-labels-idx1-ubyte.gz" ]; then
	pml-collect --idx "$D/train-images-idx3-ubyte.gz" "$D/train-labels-idx1-ubyte.gz" \
		--classes fashion-mnist > "$T/fm.mp"
	expect_out "Fashion-MNIST: 60000 records" 60000 pml-cat --count "$T/fm.mp"
	first_label=$(gzip -dc "$D/train-labels-idx1-ubyte.gz" | od -An -tu1 -j8 -N1 | tr -d ' ')
	pixels=$(gzip -dc "$D/train-images-idx3-ubyte.gz" | od -An -tu1 -v -j16 -N784 | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
	expect_out "Fashion-MNIST: first record equals the raw bytes" "{\"image\":[$pixels],\"label\":$first_label}" \
		pml-cat --head 1 "$T/fm.mp"
else
	not_ok "missing: Fashion-MNIST not installed"
fi

done_testing
