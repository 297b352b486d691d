#!/bin/sh
# Every public header is usable from C++: make hdr-check compiles each alone
# as C11 and as C++11 (-Wpedantic -Werror) and wants an extern "C" block in
# each; one C++ program includes them all at once, calls libpml through C
# linkage, links against lib/libpml.a and runs.
. "$(dirname "$0")/lib.sh"
CXX=${CXX:-c++}
if ! command -v "$CXX" >/dev/null 2>&1; then
	not_ok "C++ compiler $CXX missing (build-essential installs g++)"; done_testing; exit 1
fi
san=$(sed -n 's/.*-fsanitize=\([^ ]*\).*/\1/p' "$PML_TOP/build/flags" 2>/dev/null | head -n 1)
cov=$(grep -q -- --coverage "$PML_TOP/build/flags" 2>/dev/null && echo --coverage || true)
expect_out "make hdr-check (C and C++): headers ok" "headers ok" \
	make -s -C "$PML_TOP" hdr-check ${san:+SANITIZE=$san} ${cov:+COVERAGE=1}

# hdr-check refuses a header without extern "C" (a copy of the tree's
# headers plus one bad header, checked with the same Makefile rule)
mkdir -p "$T/tree/include/pml" "$T/tree/scripts"
cp "$PML_TOP"/include/pml/*.h "$T/tree/include/pml/"
cp "$PML_TOP/Makefile" "$T/tree/" && cp "$PML_TOP/scripts/deps.sh" "$T/tree/scripts/"
printf '#ifndef PML_ZZ_H\n#define PML_ZZ_H\nint pml_zz(void);\n#endif\n' > "$T/tree/include/pml/zz.h"
expect_err "hdr-check names a header without extern \"C\"" 2 "include/pml/zz.h: no extern" \
	sh -c "make -s -C '$T/tree' hdr-check >&2"
printf '#ifndef PML_ZZ_H\n#define PML_ZZ_H\n#ifdef __cplusplus\nextern "C" {\n#endif\n_Noreturn void pml_zz(void);\n#ifdef __cplusplus\n}\n#endif\n#endif\n' > "$T/tree/include/pml/zz.h"
expect_err "hdr-check names a header C++ cannot read" 2 "include/pml/zz.h: not usable from C++" \
	sh -c "make -s -C '$T/tree' hdr-check >&2"

# one C++ program with every header
{
	for h in "$PML_TOP"/include/pml/*.h; do echo "#include <pml/$(basename "$h")>"; done
	cat <<'CXX'
#include <cstdio>
#include <cstring>

int
main()
{
	struct pml_buf b;
	struct pml_rng r;
	pml_buf_init(&b, 0);
	pml_buf_addstr(&b, "from c++");
	pml_rng_seed(&r, 42);
	unsigned long long x = pml_rng_u64(&r);
	std::printf("%s %d\n", b.buf, x != 0);
	pml_buf_release(&b);
	return 0;
}
CXX
} > "$T/all.cc"
pc=$(pkg-config --cflags --libs openblas msgpack jansson zlib)
expect "g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror: every header, one program" 0 \
	sh -c "$CXX -std=c++11 -Wall -Wextra -Wpedantic -Werror ${san:+-fsanitize=$san} $cov -I'$PML_TOP/include' -o '$T/all' '$T/all.cc' '$PML_TOP/lib/libpml.a' $pc -lcsv -lm -lpthread"
expect_out "the C++ program runs" "from c++ 1" "$T/all"
check "the C++ program calls libpml by C names" sh -c "nm '$T/all' | grep -q ' T pml_buf_addstr\$'"
done_testing
