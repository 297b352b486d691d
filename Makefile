# pml: hand-written, non-recursive GNU Makefile.
#   make            build lib/libpml.a and every tool into bin/
#   make check      build and run every test; last line "N passed, N failed"
#   make demo       install what is missing, build, run the Fashion-MNIST pipeline
#   make install    PREFIX=/usr/local DESTDIR=  (make uninstall removes exactly that)
#   make shared     lib/libpml.so.$(VERSION), soname libpml.so.$(SOMAJOR) (install builds it)
#   make hdr-check  compile every public header alone, as C and as C++
#   V=1 loud rules; SANITIZE=address,undefined for sanitizer builds

VERSION = 0.1.0
# the shared library's ABI number: its soname is libpml.so.$(SOMAJOR)
SOMAJOR = 0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
INCDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

CC ?= cc
CXX ?= c++
CFLAGS ?= -O2 -g
MSGPACK_PC ?= msgpack
PKGS = openblas $(MSGPACK_PC) jansson zlib

# Dependencies: install them (root on Debian) or say how, before anything else.
ifeq ($(filter clean distclean deps uninstall,$(MAKECMDGOALS)),)
DEPS_OK := $(shell scripts/deps.sh check >/dev/null 2>&1 && echo yes)
ifneq ($(DEPS_OK),yes)
$(info pml: build dependencies missing; running scripts/deps.sh install)
DEPS_INSTALL := $(shell scripts/deps.sh install >&2 && echo ok)
ifneq ($(DEPS_INSTALL),ok)
$(error missing dependencies; see the message above)
endif
endif
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# OpenBLAS is not linked: lib/mat.c loads it at its first matrix product
# (dlopen), so tools that do none never start its threads.
OPENBLAS_SONAME ?= libopenblas.so.0
PKG_LIBS := $(shell pkg-config --libs $(filter-out openblas,$(PKGS)) 2>/dev/null)

PML_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-fno-math-errno -Iinclude $(PKG_CFLAGS) -DPML_VERSION='"$(VERSION)"' \
	-DPML_OPENBLAS='"$(OPENBLAS_SONAME)"'
LIBS = $(PKG_LIBS) -lcsv -lm -lpthread -ldl

ifdef SANITIZE
PML_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif
ifdef COVERAGE
PML_CFLAGS += --coverage -O0
LDFLAGS += --coverage
endif

ALL_CFLAGS = $(PML_CFLAGS) $(CPPFLAGS) $(CFLAGS)

ifneq ($(V),1)
QUIET_CC = @echo '   ' CC $@;
QUIET_LINK = @echo '   ' LINK $@;
QUIET_AR = @echo '   ' AR $@;
endif

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:lib/%.c=build/lib/%.o)
# the shared library is built from position-independent copies of the same
# objects; the tools stay statically linked against libpml.a
PIC_OBJ := $(LIB_SRC:lib/%.c=build/pic/%.o)
SONAME = libpml.so.$(SOMAJOR)
SOLIB = lib/libpml.so.$(VERSION)
CMD_SRC := $(sort $(wildcard cmd/*.c))
TOOLS := $(CMD_SRC:cmd/%.c=bin/%)
UNIT_SRC := $(sort $(wildcard tests/unit/u-*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
HEADERS := $(sort $(wildcard include/pml/*.h))
DEPFILES := $(LIB_OBJ:.o=.d) $(PIC_OBJ:.o=.d) $(CMD_SRC:cmd/%.c=build/cmd/%.d) $(UNIT_SRC:tests/unit/%.c=build/tests/%.d)

all: $(TOOLS)

# Rebuild everything when the flags change.
build/flags: FORCE
	@mkdir -p build
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LIBS)' > build/flags.new
	@cmp -s build/flags.new build/flags || mv build/flags.new build/flags
	@rm -f build/flags.new

build/lib/%.o: lib/%.c build/flags
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/cmd/%.o: cmd/%.c build/flags
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/tests/%.o: tests/unit/%.c build/flags
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -Itests/unit -MMD -MP -c -o $@ $<

lib/libpml.a: $(LIB_OBJ)
	@rm -f $@
	$(QUIET_AR)$(AR) rcs $@ $^

build/pic/%.o: lib/%.c build/flags
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -fPIC -MMD -MP -c -o $@ $<

# -Wl,--no-undefined: every library libpml needs is recorded in it (NEEDED)
$(SOLIB): $(PIC_OBJ)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined \
		-o $@ $^ $(LIBS)

shared: $(SOLIB)

bin/%: build/cmd/%.o lib/libpml.a
	@mkdir -p bin
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< lib/libpml.a $(LIBS)

build/tests/u-%: build/tests/u-%.o lib/libpml.a
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< lib/libpml.a $(LIBS)

-include $(DEPFILES)

check: all $(UNIT_BIN)
	@scripts/deps.sh install-test
	@OPENBLAS_NUM_THREADS=1 tests/run.sh $(UNIT_BIN)

demo: all
	@scripts/deps.sh install-data
	@$(MAKE) --no-print-directory -f pipelines/fashion-mnist.mk PML_BIN=$(CURDIR)/bin

torture: all
	@tests/torture.sh

# Each public header alone, as C11 and as C++11 (warnings are errors there),
# and each declares its functions inside extern "C" for C++ callers.
HDR_CXXFLAGS = -std=c++11 -Wall -Wextra -Wpedantic -Werror -Iinclude $(PKG_CFLAGS)
hdr-check:
	@mkdir -p build/hdr
	@for h in $(HEADERS); do \
		echo "#include \"$${h#include/}\"" > build/hdr/t.c; \
		cp build/hdr/t.c build/hdr/t.cc; \
		$(CC) $(ALL_CFLAGS) -fsyntax-only build/hdr/t.c || exit 1; \
		$(CXX) $(HDR_CXXFLAGS) -fsyntax-only build/hdr/t.cc || { echo "$$h: not usable from C++"; exit 1; }; \
		grep -q '^extern "C" {' $$h || { echo "$$h: no extern \"C\" block for C++"; exit 1; }; \
	done; echo "headers ok"

install: all $(SOLIB)
	install -d -m 755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(INCDIR)/pml $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7
	install -m 644 $(HEADERS) $(DESTDIR)$(INCDIR)/pml
	install -m 644 lib/libpml.a $(DESTDIR)$(LIBDIR)
	install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)
	ln -sf libpml.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libpml.so
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(VERSION)|' \
		-e 's|@MSGPACK_PC@|$(MSGPACK_PC)|' scripts/pml.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/pml.pc
	install -d -m 755 $(DESTDIR)$(COMPLETIONDIR)
	install -m 644 scripts/pml.bash-completion $(DESTDIR)$(COMPLETIONDIR)/pml
	for t in $(patsubst bin/%,%,$(filter bin/pml-%,$(TOOLS))); do \
		ln -sf pml $(DESTDIR)$(COMPLETIONDIR)/$$t || exit 1; done

# exactly what install put, and the include/pml folder if it is left empty;
# shared folders (bin, lib, man1, ...) stay
uninstall:
	rm -f $(TOOLS:bin/%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man1/%,$(wildcard man/*.1))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man5/%,$(wildcard man/*.5))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man7/%,$(wildcard man/*.7))
	rm -f $(HEADERS:include/pml/%=$(DESTDIR)$(INCDIR)/pml/%)
	-rmdir $(DESTDIR)$(INCDIR)/pml 2>/dev/null
	rm -f $(DESTDIR)$(LIBDIR)/libpml.a $(DESTDIR)$(LIBDIR)/libpml.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libpml.so
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/pml.pc
	rm -f $(DESTDIR)$(COMPLETIONDIR)/pml $(patsubst bin/%,$(DESTDIR)$(COMPLETIONDIR)/%,$(filter bin/pml-%,$(TOOLS)))

clean:
	rm -rf build bin lib/libpml.a lib/libpml.so.*

.PHONY: all check demo torture hdr-check shared install uninstall clean FORCE
.SECONDARY:

# libFuzzer targets: tests/fuzz/fuzz-*.c. The library is compiled once with
# clang (libpml.a may be built by gcc, and without the fuzzer's
# instrumentation) into build/fuzz/libpml-fuzz.a, and every target links
# against it. The fuzz build has its own flags stamp, build/fuzz/flags: it
# ignores SANITIZE, COVERAGE, CC and CFLAGS, so it neither disturbs nor is
# disturbed by the main build.
#   make fuzz-build      build every target
#   make fuzz            run each FUZZ_SECONDS on its seeds; corpus and
#                        crash files stay in build/fuzz/
FUZZ_CC ?= clang
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIB_OBJ := $(LIB_SRC:lib/%.c=build/fuzz/lib/%.o)
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Iinclude $(PKG_CFLAGS) \
	-DPML_VERSION='"$(VERSION)"' -fsanitize=fuzzer-no-link,address,undefined -fno-math-errno
FUZZ_LDFLAGS = -fsanitize=fuzzer,address,undefined

build/fuzz/flags: FORCE
	@mkdir -p build/fuzz
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_LDFLAGS) $(LIBS)' > build/fuzz/flags.new
	@cmp -s build/fuzz/flags.new build/fuzz/flags || mv build/fuzz/flags.new build/fuzz/flags
	@rm -f build/fuzz/flags.new

build/fuzz/lib/%.o: lib/%.c build/fuzz/flags
	@mkdir -p $(@D)
	$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

build/fuzz/libpml-fuzz.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(QUIET_AR)$(AR) rcs $@ $^

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c build/fuzz/libpml-fuzz.a build/fuzz/flags
	$(QUIET_LINK)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_LDFLAGS) -MMD -MP -MF $@.d -MT $@ -o $@ $< \
		build/fuzz/libpml-fuzz.a $(LIBS)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BIN:=.d)

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
		n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
		echo "fuzzing $$n for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -artifact_prefix=build/fuzz/ \
			build/fuzz/corpus-$$n tests/fuzz/seeds-$${n#fuzz-} > build/fuzz/$$n.log 2>&1; \
		rc=$$?; tail -3 build/fuzz/$$n.log; [ $$rc = 0 ] || exit 1; \
	done

.PHONY: fuzz fuzz-build

# ---- reliability: coverage and the failmalloc shim (tests/fault/) ----
# make coverage: `make clean`, rebuild everything with gcov instrumentation
# (COVERAGE=1) in the normal build dirs, run make check, and print line and
# branch coverage of each lib/*.c file (gcov -b). Run `make clean` before a
# normal build again.
coverage:
	@$(MAKE) --no-print-directory clean
	@$(MAKE) --no-print-directory COVERAGE=1 check || true
	@$(MAKE) --no-print-directory coverage-report

coverage-report:
	@printf '%-26s %7s %8s %9s %8s\n' 'file' 'lines' 'line %' 'branches' 'taken %'
	@for f in $(LIB_SRC); do \
		gcov -b -n -o build/lib $$f 2>/dev/null | awk -v f=$$f ' \
			/^File / { cur = $$2; gsub(/\047/, "", cur) } \
			cur == f && /^Lines executed/ { split($$2, a, ":"); l = a[2]; n = $$4 } \
			cur == f && /^Taken at least once/ { split($$4, b, ":"); t = b[2]; bn = $$6 } \
			END { printf "%-26s %7s %8s %9s %8s\n", f, n, l, (bn == "" ? 0 : bn), (t == "" ? "-" : t) }'; \
	done | tee build/coverage.txt
	@awk '{ l = $$3 + 0; t = $$5 + 0; nl += $$2; cl += $$2 * l / 100; nb += $$4; cb += $$4 * t / 100 } \
		END { printf "%-26s %7d %7.2f%% %9d %7.2f%%\n", "total", nl, nl ? 100 * cl / nl : 0, nb, nb ? 100 * cb / nb : 0 }' \
		build/coverage.txt

build/fault/failmalloc.so: tests/fault/failmalloc.c
	@mkdir -p $(@D)
	$(QUIET_LINK)$(CC) -O1 -g -fno-omit-frame-pointer -shared -fPIC -o $@ $< -ldl

.PHONY: coverage coverage-report
