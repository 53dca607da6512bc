#!/bin/sh
# The whole test suite, as CI runs it (README: "Run the tests"):
#  1. a -Werror build, `make check` (unit + integration) and `make distcheck`;
#  2. an ASan+UBSan build and `make check` in build-asan/;
#  3. the unit tests and the daemon under valgrind in build-valgrind/.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

autoreconf -fi

step() { printf '\n=== %s\n' "$*"; }

step "build with -Werror, make check, make distcheck"
rm -rf build && mkdir build && cd build
../configure --enable-werror
make -j"$jobs"
make -j"$jobs" check || { cat tests/*/*.log; exit 1; }
make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror
cd ..

step "ASan + UBSan"
rm -rf build-asan && mkdir build-asan && cd build-asan
../configure --enable-werror --enable-sanitizers
make -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	make -j"$jobs" check || { cat tests/*/*.log; exit 1; }
cd ..

step "valgrind"
rm -rf build-valgrind && mkdir build-valgrind && cd build-valgrind
../configure --enable-werror
make -j"$jobs"
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
make -j"$jobs" check LOG_COMPILER="$VG" DUBAN_WRAPPER="$VG" ||
	{ cat tests/*/*.log; exit 1; }
cd ..
step "all tests passed"
