#!/bin/sh
# Two columns with the role label: pml-train refuses and names both
# instead of silently training on the first (issue 12); --label picks one.
. "$(dirname "$0")/lib.sh"

printf 'a,z,y\n1.5,0,0\n2.5,1,1\n3.5,0,1\n4.5,1,0\n' | pml-collect -q --label y > "$T/one.mp"
# a writer that is not pml: the header's role of 'z' edited to label
/usr/bin/python3 - "$T/one.mp" "$T/two.mp" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
i = d.find(b'\xa7feature', d.find(b'\xa1z'))
assert i > 0
open(sys.argv[2], 'wb').write(d[:i] + b'\xa5label' + d[i + 8:])
PY
expect_out "the edited stream has two label columns" 2 \
	sh -c "pml-cat --schema '$T/two.mp' | grep -o '\"role\":\"label\"' | wc -l"
pml-preprocess -q -o "$T/two.pp" "$T/two.mp"
expect_err "pml-train: two label columns named" 1 "two label columns, 'z' and 'y': name one with --label" \
	pml-train -q --epochs 1 -o "$T/m.pmm" "$T/two.pp"
check "no model" test ! -e "$T/m.pmm"
expect "--label y picks one" 0 pml-train -q --epochs 1 --label y -o "$T/m.pmm" "$T/two.pp"
done_testing
