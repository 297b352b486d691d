#!/bin/sh
# make install DESTDIR=... PREFIX=/usr: every tool, man page, header,
# libpml.a, libpml.so (with its soname links), pml.pc and the bash
# completion land where they should; the installed tools run; a small C
# program builds against the installed headers and library through
# pkg-config, shared and static, and runs; so does a C++ one. make uninstall
# removes exactly what install put.
. "$(dirname "$0")/lib.sh"
R=$T/root
# install what is built, as it is built: a sanitizer or coverage build stays
# one (else make would rebuild the tree with other flags under the other
# tests' feet), and a coverage build's libpml.a needs libgcov to link
san=$(sed -n 's/.*-fsanitize=\([^ ]*\).*/\1/p' "$PML_TOP/build/flags" 2>/dev/null | head -n 1)
cov=$(grep -q -- --coverage "$PML_TOP/build/flags" 2>/dev/null && echo --coverage || true)
expect "make install" 0 make -s -C "$PML_TOP" install DESTDIR="$R" PREFIX=/usr ${san:+SANITIZE=$san} ${cov:+COVERAGE=1}
for f in "$PML_TOP"/cmd/*.c; do
	t=$(basename "$f" .c)
	check "installed bin/$t, executable" test -x "$R/usr/bin/$t"
done
check "no bare split or eval installed" test ! -e "$R/usr/bin/split" -a ! -e "$R/usr/bin/eval"
for f in "$PML_TOP"/man/*.[157]; do
	p=$(basename "$f"); s=${p##*.}
	check "installed man$s/$p" cmp -s "$f" "$R/usr/share/man/man$s/$p"
done
for f in "$PML_TOP"/include/pml/*.h; do
	check "installed include/pml/$(basename "$f")" cmp -s "$f" "$R/usr/include/pml/$(basename "$f")"
done
check "installed libpml.a" cmp -s "$PML_TOP/lib/libpml.a" "$R/usr/lib/libpml.a"
so=libpml.so.$(sed -n 's/^VERSION = //p' "$PML_TOP/Makefile")
check "installed $so" cmp -s "$PML_TOP/lib/$so" "$R/usr/lib/$so"
expect_out "libpml.so.0 -> $so" "$so" readlink "$R/usr/lib/libpml.so.0"
expect_out "libpml.so -> libpml.so.0" libpml.so.0 readlink "$R/usr/lib/libpml.so"
expect_out "soname libpml.so.0" "[libpml.so.0]" sh -c "readelf -d '$R/usr/lib/$so' | sed -n 's/.*Library soname: //p'"
# (a sanitizer or coverage build adds its own __odr_asan.NAME, __gcov_... names)
check "libpml.so exports only pml_ names" sh -c "nm -D --defined-only '$R/usr/lib/$so' | awk '\$2 ~ /^[TDBR]\$/ && \$3 !~ /^(pml_|__(odr_asan|asan|ubsan|gcov|llvm))/ { bad = 1; print } END { exit bad }'"
check "installed pml.pc" test -s "$R/usr/lib/pkgconfig/pml.pc"
check "pml.pc prefix is /usr (not DESTDIR)" grep -qx 'prefix=/usr' "$R/usr/lib/pkgconfig/pml.pc"
C=$R/usr/share/bash-completion/completions
check "installed bash completion" cmp -s "$PML_TOP/scripts/pml.bash-completion" "$C/pml"
expect "the completion file registers every tool" 0 bash --norc -c \
	". '$C/pml' && complete -p pml $(cd "$PML_TOP/cmd" && ls pml-*.c | sed 's/\.c$//' | tr '\n' ' ')"
# bash-completion loads completions/NAME for NAME: links for the tools, if installed
for f in "$PML_TOP"/cmd/pml-*.c; do
	t=$(basename "$f" .c)
	if [ -e "$C/$t" ] || [ -L "$C/$t" ]; then
		check "completions/$t is the pml completion" cmp -s "$C/pml" "$C/$t"
	fi
done

# the installed tools work on their own
expect_out "installed pml --version" "$("$PML_TOP/bin/pml" --version)" "$R/usr/bin/pml" --version
printf 'a,b,y\n1,2,x\n3,4,z\n5,6,x\n' > "$T/d.csv"
expect_out "installed pml-collect | pml-cat" 3 sh -c "'$R/usr/bin/pml-collect' --label y '$T/d.csv' | '$R/usr/bin/pml-cat' --count"
expect "installed front end finds its stages" 0 env PATH="$R/usr/bin:/usr/bin:/bin" pml collect --label y -o "$T/d.mp" "$T/d.csv"
expect "installed pml-preprocess" 0 "$R/usr/bin/pml-preprocess" -q --scale '*=standard' -o "$T/p.mp" "$T/d.mp"
expect "installed pml-train" 0 "$R/usr/bin/pml-train" -q --epochs 2 --hidden 4 -o "$T/m.pmm" "$T/p.mp"

# a C program against the installed headers and library
cat > "$T/hello.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <pml/buf.h>
#include <pml/rng.h>
#include <pml/mat.h>
#include <pml/model.h>

int
main(int argc, char **argv)
{
	struct pml_buf b;
	struct pml_rng r;
	struct pml_model m;
	float a[4] = { 1, 2, 3, 4 }, i2[4] = { 1, 0, 0, 1 }, c[4] = { 0 };

	pml_buf_init(&b, 0);
	pml_buf_addstr(&b, "pml");
	pml_rng_seed(&r, 42);
	(void)pml_rng_u64(&r);
	pml_mat_gemm(0, 0, 2, 2, 2, 1.0f, a, 2, i2, 2, 0.0f, c, 2);
	if (b.len != 3 || c[3] != 4.0f)
		return 1;
	pml_model_init(&m);
	if (argc > 1 && pml_model_load(&m, argv[1]) != 0)
		return 1;
	printf("ok %zu classes\n", m.n_class);
	pml_model_release(&m);
	pml_buf_release(&b);
	return 0;
}
C
# pml.pc says prefix=/usr: point its directories into DESTDIR (a sysroot
# would also move the paths of openblas and the other Requires)
pc() {
	env PKG_CONFIG_PATH="$R/usr/lib/pkgconfig" pkg-config \
		--define-variable=libdir="$R/usr/lib" --define-variable=includedir="$R/usr/include" "$@" pml
}
expect "pml.pc found in DESTDIR" 0 pc --exists
expect_out "pkg-config --modversion" "$(sed -n 's/^VERSION = //p' "$PML_TOP/Makefile")" pc --modversion
check "cflags point into DESTDIR" sh -c "$(command -v pkg-config) --version >/dev/null && env PKG_CONFIG_PATH='$R/usr/lib/pkgconfig' pkg-config --define-variable=includedir='$R/usr/include' --cflags pml | grep -q -- '-I$R/usr/include'"
PC="env PKG_CONFIG_PATH='$R/usr/lib/pkgconfig' pkg-config --define-variable=libdir='$R/usr/lib' --define-variable=includedir='$R/usr/include'"
# shared: plain --cflags --libs links libpml.so
expect "compile and link with pkg-config --cflags --libs pml (shared)" 0 \
	sh -c "${CC:-cc} -std=c11 ${san:+-fsanitize=$san} $cov -o '$T/hello' '$T/hello.c' \$($PC --cflags --libs pml)"
check "the program needs libpml.so.0" sh -c "readelf -d '$T/hello' | grep -q 'NEEDED.*\[libpml.so.0\]'"
expect_out "the program runs on libpml.so and loads a model" "ok 2 classes" \
	env LD_LIBRARY_PATH="$R/usr/lib" "$T/hello" "$T/m.pmm"
# static: libpml.a, and what pkg-config --static adds (its private dependencies)
expect "compile and link with pkg-config --static against libpml.a" 0 \
	sh -c "${CC:-cc} -std=c11 ${san:+-fsanitize=$san} $cov -o '$T/hello-static' '$T/hello.c' \$($PC --cflags pml) '$R/usr/lib/libpml.a' \$($PC --static --libs pml | sed 's/-lpml / /')"
check "the static program needs no libpml.so" sh -c "! readelf -d '$T/hello-static' | grep -q 'libpml'"
expect_out "the static program runs and loads a model" "ok 2 classes" "$T/hello-static" "$T/m.pmm"
# C++: the same headers, extern "C" linkage, pml_die's [[noreturn]]
if command -v "${CXX:-c++}" >/dev/null 2>&1; then
	cat > "$T/hello.cc" <<'CXX'
#include <cstdio>
#include <pml/err.h>
#include <pml/buf.h>
#include <pml/model.h>
#include <pml/stream.h>
#include <pml/transform.h>

int
main(int argc, char **argv)
{
	struct pml_model m;
	pml_model_init(&m);
	if (argc < 2 || pml_model_load(&m, argv[1]) != 0)
		pml_die("cannot load the model");
	std::printf("c++ %zu classes\n", m.n_class);
	pml_model_release(&m);
	return 0;
}
CXX
	expect "C++: compile and link with pkg-config (shared)" 0 \
		sh -c "${CXX:-c++} -std=c++11 -Wall -Wextra ${san:+-fsanitize=$san} $cov -o '$T/hello-cxx' '$T/hello.cc' \$($PC --cflags --libs pml)"
	expect_out "C++: the program runs and loads a model" "c++ 2 classes" \
		env LD_LIBRARY_PATH="$R/usr/lib" "$T/hello-cxx" "$T/m.pmm"
else
	not_ok "C++ compiler ${CXX:-c++} missing (scripts/deps.sh installs g++)"
fi

# make uninstall removes every file and link install put, nothing else
mkdir -p "$R/usr/bin" && echo keep > "$R/usr/bin/other-tool"
find "$R" \( -type f -o -type l \) | sort > "$T/installed"
expect "make uninstall" 0 make -s -C "$PML_TOP" uninstall DESTDIR="$R" PREFIX=/usr
expect_out "uninstall leaves only the file it did not install" "$R/usr/bin/other-tool" \
	find "$R" \( -type f -o -type l \)
check "uninstall removes the include/pml folder" test ! -e "$R/usr/include/pml"
check "uninstall keeps the shared folders" test -d "$R/usr/bin" -a -d "$R/usr/lib"
expect "make uninstall again: nothing to remove, no error" 0 make -s -C "$PML_TOP" uninstall DESTDIR="$R" PREFIX=/usr
done_testing
