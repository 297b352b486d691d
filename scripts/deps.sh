#!/bin/sh
# deps.sh check|install|install-data: find, or install as root on Debian, what pml needs.
set -u
BUILD_PKGS="build-essential pkg-config libopenblas-dev libcsv-dev libmsgpack-dev libjansson-dev zlib1g-dev"
DATA_PKGS="dataset-fashion-mnist"
# What the tests use beyond the build: socat (serving over loopback),
# chromium (rendering the SVG pictures), strace (fault injection), clang
# and libclang-rt-14-dev (libFuzzer, only recommended by clang: t0860),
# postgresql, sqlite3 and curl (pipelines/database.mk: t1300), util-linux
# (script(1), a pty: t4110).
TEST_PKGS="socat chromium strace valgrind python3 clang libclang-rt-14-dev postgresql sqlite3 curl util-linux"

have_build() {
	command -v cc >/dev/null 2>&1 || return 1
	command -v pkg-config >/dev/null 2>&1 || return 1
	pkg-config --exists openblas msgpack jansson zlib 2>/dev/null || return 1
	[ -f /usr/include/csv.h ] || return 1
	return 0
}
have_data() {
	[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]
}
apt_install() {
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "pml: missing packages; run as root: apt-get update && apt-get install -y $*" >&2
		exit 1
	fi
	stamp=/var/lib/apt/periodic/pml-update-stamp
	if [ ! -f "$stamp" ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update >&2 || exit 1
		mkdir -p "$(dirname "$stamp")" && touch "$stamp"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" </dev/null >&2 || exit 1
}
# Palmer penguins raw CSV, from Debian's r-cran-palmerpenguins, extracted
# without installing R.
PENGUINS_DIR=/usr/share/datasets/palmerpenguins
install_penguins() {
	[ -f "$PENGUINS_DIR/penguins_raw.csv" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "pml: Palmer penguins data missing; as root run: scripts/deps.sh install-penguins" >&2
		return 1
	fi
	tmp=$(mktemp -d) || return 1
	( cd "$tmp" && apt-get download r-cran-palmerpenguins >/dev/null 2>&1 ||
		{ DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1 &&
		  apt-get download r-cran-palmerpenguins >/dev/null 2>&1; } ) &&
	dpkg -x "$tmp"/r-cran-palmerpenguins*.deb "$tmp/x" &&
	csv=$(find "$tmp/x" -name penguins_raw.csv | head -1) && [ -n "$csv" ] &&
	mkdir -p "$PENGUINS_DIR" && cp "$csv" "$PENGUINS_DIR/penguins_raw.csv"
	rc=$?
	rm -rf "$tmp"
	[ $rc = 0 ] || echo "pml: could not fetch r-cran-palmerpenguins" >&2
	return $rc
}

case "${1:-check}" in
check) have_build ;;
install) have_build || apt_install $BUILD_PKGS ;;
install-data) have_data || apt_install $DATA_PKGS ;;
install-test) have_data || apt_install $DATA_PKGS
	missing=""; for p in $TEST_PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	[ -z "$missing" ] || apt_install $missing
	install_penguins ;;
install-penguins) install_penguins ;;
install-pkgs) shift; missing=""; for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	[ -z "$missing" ] || apt_install $missing ;;
*) echo "usage: deps.sh check|install|install-data|install-test|install-penguins|install-pkgs PKG..." >&2; exit 2 ;;
esac
