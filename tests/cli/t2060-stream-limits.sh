#!/bin/sh
# Writers refuse, before doing the work, a stream that every reader would
# refuse (a message over the limit: a vec record or a header of slot
# names), and readers refuse a header whose records could not fit;
# PML_MAX_MESSAGE raises the limit for every tool, --max-message for one reader.
. "$(dirname "$0")/lib.sh"

# u8 images of shape [2000,1000]: 2 MB each, fine; as f32 features their
# 2,000,000 slot names make a header over 16 MiB
{ printf '\0\0\10\3\0\0\0\2\0\0\7\320\0\0\3\350'; head -c 4000000 /dev/zero; } > "$T/img.idx"
printf '\0\0\10\1\0\0\0\2\0\1' > "$T/lab.idx"
expect "collect u8 [2000,1000] images" 0 pml-collect --idx "$T/img.idx" "$T/lab.idx" -o "$T/img.mp"
expect_err "preprocess: header over the limit refused" 1 "over the 16777216-byte message limit" \
	pml-preprocess --scale image=factor:255 -o "$T/ip.mp" "$T/img.mp"
check "no output left" test ! -e "$T/ip.mp"

printf 't,y\nhello world,a\nfoo,b\n' > "$T/t.csv"
pml-collect --label y "$T/t.csv" > "$T/t.mp"
expect_err "--text-slots 2000000 refused" 1 "the names of its 2000000 values take" \
	pml-preprocess --text t --text-slots 2000000 -o "$T/tt.mp" "$T/t.mp"
check "no output left" test ! -e "$T/tt.mp"
expect "with PML_MAX_MESSAGE raised it is written" 0 \
	env PML_MAX_MESSAGE=64000000 pml-preprocess --text t --text-slots 2000000 -o "$T/tt.mp" "$T/t.mp"
expect_err "a reader with the default limit refuses it, naming the way out" 1 "PML_MAX_MESSAGE raises it" \
	pml-cat --count "$T/tt.mp"
expect_out "PML_MAX_MESSAGE reads it" 2 env PML_MAX_MESSAGE=64000000 pml-cat --count "$T/tt.mp"
expect_out "so does --max-message" 2 pml-cat --max-message 64000000 --count "$T/tt.mp"

printf '1 10000000:1\n0 3:1\n' > "$T/big.svm"
expect_err "svmlight index 10,000,000: refused by the writer" 1 "a record takes at least 40000011 bytes" \
	pml-collect -o "$T/big.mp" "$T/big.svm"
check "no output left" test ! -e "$T/big.mp"

# a 100-byte header declaring shape [2^26] u8, and no records
printf '\203\246format\252pml-stream\247version\001\247columns\221\205\244name\241x\244type\243vec\244role\247feature\244elem\242u8\245shape\221\316\004\000\000\000\201\247records\000' > "$T/h26.mp"
expect_err "a header whose records cannot fit: refused by readers" 1 "h26.mp: a record takes at least 67108874 bytes" \
	pml-preprocess --scale x=factor:2 -o "$T/o.mp" "$T/h26.mp"
expect_out "... unless the limit is raised" 0 env PML_MAX_MESSAGE=100000000 pml-cat --count "$T/h26.mp"

# one record over the limit: the writer names it
awk 'BEGIN { print "s"; print "a"; s = ""; for (i = 0; i < 3000; i++) s = s "x"; print s }' > "$T/s.csv"
expect_err "a record over the limit: refused by the writer" 1 "record 2 takes 3" \
	env PML_MAX_MESSAGE=2048 pml-collect -o "$T/s.mp" "$T/s.csv"
expect_err "a bad PML_MAX_MESSAGE is said and ignored" 0 "PML_MAX_MESSAGE='12x' is not a byte count" \
	env PML_MAX_MESSAGE=12x pml-cat --count "$T/t.mp"
done_testing
