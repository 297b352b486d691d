#!/bin/sh
# pml-preprocess --scale: minmax, standard, robust, factor, log1p; constant
# columns never divide by zero; vectors scale as a whole.
. "$(dirname "$0")/lib.sh"
if ! command -v pml-collect >/dev/null 2>&1; then not_ok "pml-collect is not built"; done_testing; exit 1; fi

# x: mean 5, population sd 2, median 4.5, q1 4, q3 5.5; m: min 1, max 5; c constant.
printf 'x,m,c,z\n2,1,7,0\n4,2,7,0\n4,3,7,0\n4,4,7,0\n5,5,7,0\n5,3,7,0\n7,3,7,0\n9,5,7,0\n' > "$T/a.csv"
pml-collect "$T/a.csv" > "$T/a.mp"
printf '#!/bin/sh\npml-cat --csv | sed 1d | cut -d, -f"$1" | tr "\\n" " " | sed "s/ $//"\n' > "$T/col"
chmod +x "$T/col"
C=$T/col

expect_out "standard: (x - 5) / 2" '-1.5 -0.5 -0.5 -0.5 0 0 1 2' \
	sh -c "pml-preprocess --no-assemble --scale x=standard '$T/a.mp' | $C 1"
expect_out "minmax to [0,1]: (m - 1) / 4" '0 0.25 0.5 0.75 1 0.5 0.5 1' \
	sh -c "pml-preprocess --no-assemble --scale m=minmax '$T/a.mp' | $C 2"
expect_out "minmax to [0,7]" '0 2 2 2 3 3 5 7' \
	sh -c "pml-preprocess --no-assemble --scale x=minmax:0,7 '$T/a.mp' | $C 1"
expect_out "minmax to [-1,1]" '-1 -0.5 0 0.5 1 0 0 1' \
	sh -c "pml-preprocess --no-assemble --scale m=minmax:-1,1 '$T/a.mp' | $C 2"
expect_out "robust: (x - 4.5) / 1.5" '-1.6666666666666667 -0.3333333333333333 -0.3333333333333333 -0.3333333333333333 0.3333333333333333 0.3333333333333333 1.6666666666666667 3' \
	sh -c "pml-preprocess --no-assemble --scale x=robust '$T/a.mp' | $C 1"
expect_out "factor: x / 2" '1 2 2 2 2.5 2.5 3.5 4.5' \
	sh -c "pml-preprocess --no-assemble --scale x=factor:2 '$T/a.mp' | $C 1"
expect_out "log1p of 0" '0 0 0 0 0 0 0 0' \
	sh -c "pml-preprocess --no-assemble --scale z=log1p '$T/a.mp' | $C 4"
for how in standard minmax robust minmax:3,4; do
	want=0; [ "$how" = minmax:3,4 ] && want=3
	expect_out "constant column, $how: no division by zero" "$want $want $want $want $want $want $want $want" \
		sh -c "pml-preprocess --no-assemble --scale c=$how '$T/a.mp' | $C 3"
done
expect_out "'*' scales every numeric feature column" '-1.5 -1.7320508075688772 0 0' \
	sh -c "pml-preprocess --no-assemble --scale '*=standard' '$T/a.mp' | pml-cat --csv | sed -n 2p | tr , ' '"
expect_out "a named spec wins over '*'" '1 -1.7320508075688772' \
	sh -c "pml-preprocess --no-assemble --scale '*=standard' --scale x=factor:2 '$T/a.mp' | pml-cat --csv | sed -n 2p | cut -d, -f1,2 | tr , ' '"
printf 'x\n-1\n' > "$T/neg.csv"
pml-collect "$T/neg.csv" > "$T/neg.mp"
expect_err "log1p of -1 is an error naming the column" 1 "column 'x': log1p of -1" \
	pml-preprocess --scale x=log1p "$T/neg.mp"
expect_out "assembled: one f32 vector" '{"features":[-1.5,0,0,0]}' \
	sh -c "pml-preprocess --scale x=standard --scale m=minmax --scale c=standard '$T/a.mp' | pml-cat | head -1"
for bad in x=zscore x=minmax:1,1 x=minmax:2,1 x=factor:0 x=factor:abc =standard x; do
	expect_err "bad --scale $bad" 2 "--scale" pml-preprocess --scale "$bad" "$T/a.mp"
done
printf 's\nab\n' > "$T/s.csv"; pml-collect "$T/s.csv" > "$T/s.mp"
expect_err "scaling a str column" 1 "not numeric" pml-preprocess --scale s=standard "$T/s.mp"
done_testing
