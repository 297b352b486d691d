#!/bin/sh
# pml-clean --outliers: z-score and IQR fences; drop, clip, flag; constant
# column; fences fitted on one stream and applied to another.
. "$(dirname "$0")/lib.sh"
if ! command -v pml-collect >/dev/null 2>&1; then not_ok "pml-collect is not built"; done_testing; exit 1; fi

# x: mean 5, population sd 2; c: constant.
printf 'x,c\n2,7\n4,7\n4,7\n4,7\n5,7\n5,7\n7,7\n9,7\n' > "$T/a.csv"
pml-collect "$T/a.csv" > "$T/a.mp"
printf 'x,c\n0,7\n1,7\n8,8\n10,7\n,7\n' > "$T/b.csv"
pml-collect --type x=int "$T/b.csv" > "$T/b.mp"

expect_out "z-score 1.5 fences [2,8]: drop" '2 4 4 4 5 5 7' \
	sh -c "pml-clean --outliers zscore --threshold 1.5 --outlier-columns x '$T/a.mp' | pml-cat --csv | sed 1d | cut -d, -f1 | tr '\n' ' ' | sed 's/ \$//'"
expect_out "z-score fences clip on other data (ints: rounded inward)" '2 2 8 8 ' \
	sh -c "pml-clean --outliers zscore --threshold 1.5 --outlier-action clip -o '$T/f.mp' '$T/a.mp' && pml-clean --apply '$T/f.mp' '$T/b.mp' | pml-cat --csv | sed -n 2,5p | cut -d, -f1 | tr '\n' ' '"
expect_out "constant column: c=8 outside [7,7] is clipped" '7 7 7 7 7' \
	sh -c "pml-clean --apply '$T/f.mp' '$T/b.mp' | pml-cat --csv | sed 1d | cut -d, -f2 | tr '\n' ' ' | sed 's/ \$//'"
expect_out "IQR fences: q1 4, q3 5.5, k 1.5 -> [1.75, 7.75]; flag adds a bool column" \
'x,x_outlier,c,c_outlier
2,false,7,false
4,false,7,false
4,false,7,false
4,false,7,false
5,false,7,false
5,false,7,false
7,false,7,false
9,true,7,false' sh -c "pml-clean --outliers iqr --outlier-action flag '$T/a.mp' | pml-cat --csv"
expect_err "summary: flagged" 0 "changed: flagged 1" \
	pml-clean -v --outliers iqr --outlier-action flag -o "$T/g.mp" "$T/a.mp"
expect_out "apply drop fences: filter mode drops outliers, keeps missing" '1,7
,7' sh -c "pml-clean --outliers zscore --threshold 2 -o '$T/d.mp' '$T/a.mp' && pml-clean --apply '$T/d.mp' '$T/b.mp' | pml-cat --csv | sed 1d"
expect_err "outlier options need --outliers" 2 "need --outliers" pml-clean --threshold 2 "$T/a.mp"
expect_err "bad method" 2 "expected zscore or iqr" pml-clean --outliers mad "$T/a.mp"
expect_err "threshold must be positive" 2 "--threshold" pml-clean --outliers iqr --threshold 0 "$T/a.mp"
done_testing
