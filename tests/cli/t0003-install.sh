#!/bin/sh
# make install DESTDIR=... PREFIX=/usr: every tool, man page, header,
# libpml.a, pml.pc and the bash completion land where they should; the
# installed tools run; a small C program builds against the installed
# headers and library through pkg-config, and runs.
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
# pml.pc names its dependencies in Requires and Libs, so plain --libs links the static libpml
expect "compile and link with pkg-config --cflags --libs pml" 0 \
	sh -c "${CC:-cc} -std=c11 ${san:+-fsanitize=$san} $cov -o '$T/hello' '$T/hello.c' \$(env PKG_CONFIG_PATH='$R/usr/lib/pkgconfig' pkg-config --define-variable=libdir='$R/usr/lib' --define-variable=includedir='$R/usr/include' --cflags --libs pml)"
expect_out "the program runs and loads a model" "ok 2 classes" "$T/hello" "$T/m.pmm"
done_testing
