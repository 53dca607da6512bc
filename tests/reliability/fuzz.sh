#!/bin/sh
# The libFuzzer targets of tests/fuzz/ (parsers, config check, CSV
# importer, iCalendar reader, API request bodies), built here with clang,
# ASan and UBSan from the sources in src/ (all but dubanctl's main and
# commands; duband.c with its main renamed, for the API's reload).
# Each target first replays every input kept in tests/fuzz/regress/TARGET/
# (crashes found before, now fixed), then fuzzes for FUZZ_SECONDS (default
# 15; set it higher for a long run) from the seeds in
# tests/fuzz/corpus/TARGET/.  Any crash, leak, UB or timeout fails the
# test; the input that did it is printed, to keep in regress/ once fixed.
# FUZZ_TARGETS (default: all) runs some only.  tests/fuzz/lsan.supp names
# the leaks that are the libraries' own.
. "$top_srcdir/tests/integration/lib.sh"
CC_FUZZ=${CC_FUZZ:-clang}
command -v "$CC_FUZZ" >/dev/null || { echo "$CC_FUZZ not found: skipping"; exit 77; }
command -v pkg-config >/dev/null || { echo "pkg-config not found: skipping"; exit 77; }
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
FUZZ_TARGETS=${FUZZ_TARGETS:-parse config csv ics api}
FUZZ="$top_srcdir/tests/fuzz"

# libclang-rt-14-dev provides libFuzzer; without it clang cannot link.
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; return (int)n * 0; }\n' >"$TMP/probe.c"
"$CC_FUZZ" -fsanitize=fuzzer,address,undefined "$TMP/probe.c" -o "$TMP/probe" 2>"$TMP/probe.err" ||
	{ cat "$TMP/probe.err"; echo "clang cannot link libFuzzer (libclang-rt-dev missing?): skipping"; exit 77; }

pkgs="libevent sqlite3 libcurl libconfuse jansson libical libcrypto"
! pkg-config --exists opencc || pkgs="$pkgs opencc"
PKG_CFLAGS=$(pkg-config --cflags $pkgs) || fail "pkg-config: $pkgs"
PKG_LIBS=$(pkg-config --libs $pkgs)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS_FUZZ="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer $SAN -I$top_srcdir/src $PKG_CFLAGS"
VERSION=$(sed -n 's/^AC_INIT(\[duban\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
# (The quotes are part of the words: they make the macros strings.)
CFLAGS_FUZZ="$CFLAGS_FUZZ -DPACKAGE_VERSION=\"$VERSION\" -DSYSCONFDIR=\"/etc\""
CFLAGS_FUZZ="$CFLAGS_FUZZ -DLOCALSTATEDIR=\"/var\" -DRUNSTATEDIR=\"/run\""
# OpenCC's data directory as configure found it (Makefile.am's OPENCC_T2S).
OPENCC_DATADIR=$(sed -n 's/^OPENCC_DATADIR = //p' "$top_builddir/Makefile" 2>/dev/null)
[ -n "$OPENCC_DATADIR" ] || OPENCC_DATADIR="$(pkg-config --variable=prefix opencc)/share/opencc"
CFLAGS_FUZZ="$CFLAGS_FUZZ -DOPENCC_T2S=\"$OPENCC_DATADIR/t2s.json\""

# The library: every source but the mains and dubanctl's commands,
# compiled for coverage (fuzzer-no-link), several at a time.
mkdir "$TMP/obj"
for src in "$top_srcdir"/src/*.c; do
	case ${src##*/} in
	dubanctl.c|ctl_*.c) continue ;;
	esac
	echo "$src"
done >"$TMP/sources"
# shellcheck disable=SC2016
xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c \
    'o="$1/obj/$(basename "$2" .c).o"; $3 -c $4 -fsanitize=fuzzer-no-link "$2" -o "$o" 2>"$o.err" || { cat "$o.err" >&2; exit 255; }' \
    sh "$TMP" {} "$CC_FUZZ" "$CFLAGS_FUZZ" <"$TMP/sources" ||
	fail "cannot compile src/ with $CC_FUZZ"
# libFuzzer has the main(): duband's is renamed (nothing calls it).
OBJCOPY=$(command -v objcopy || command -v llvm-objcopy || echo objcopy)
"$OBJCOPY" --redefine-sym main=duband_main "$TMP/obj/duband.o" ||
	fail "objcopy duband.o"
# An archive, as libduban.a: a target links only the objects it needs
# (only the API's need duband.c).
ar rcs "$TMP/libduban-fuzz.a" "$TMP"/obj/*.o || fail "ar"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$FUZZ/lsan.supp:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
for t in $FUZZ_TARGETS; do
	bin="$TMP/fuzz_$t"
	# shellcheck disable=SC2086
	"$CC_FUZZ" $CFLAGS_FUZZ -fsanitize=fuzzer -I"$FUZZ" "$FUZZ/fuzz_$t.c" \
	    "$TMP/libduban-fuzz.a" $PKG_LIBS -lm -o "$bin" 2>"$TMP/link.err" ||
		{ cat "$TMP/link.err" >&2; fail "cannot build fuzz_$t"; }

	# Every crash found so far, fixed: each must now pass.
	if [ -d "$FUZZ/regress/$t" ]; then
		for input in "$FUZZ/regress/$t"/*; do
			[ -f "$input" ] || continue
			"$bin" "$input" </dev/null >"$TMP/replay.log" 2>&1 ||
				{ cat "$TMP/replay.log" >&2; fail "fuzz_$t: regression input $input"; }
		done
	fi

	# New inputs go to a scratch corpus; the seeds are only read.
	mkdir -p "$TMP/corpus/$t" "$TMP/artifacts/$t"
	echo "fuzz_$t: $FUZZ_SECONDS s"
	if ! "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$TMP/artifacts/$t/" \
	    "$TMP/corpus/$t" "$FUZZ/corpus/$t" </dev/null >"$TMP/fuzz_$t.log" 2>&1; then
		# The report: from the sanitizer's or libFuzzer's first error.
		sed -n '/ERROR: /,$p' "$TMP/fuzz_$t.log" | head -100 >&2
		for a in "$TMP/artifacts/$t"/*; do
			[ -f "$a" ] || continue
			echo "--- input ${a##*/} (keep it as tests/fuzz/regress/$t/${a##*/} once fixed):" >&2
			od -A d -c "$a" | head -40 >&2
		done
		fail "fuzz_$t found a crash"
	fi
	grep -E '^stat::number_of_executed_units|^Done' "$TMP/fuzz_$t.log" || true
done
echo ok
