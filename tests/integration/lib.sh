# Shared by the integration tests: paths, a scratch directory, assertions.
# The test harness sets top_srcdir and top_builddir.
set -eu

: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
DUBAND="$top_builddir/duband"
DUBANCTL="$top_builddir/dubanctl"
ETC="$top_srcdir/etc"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/duban-test.XXXXXX")
cleanup() {
	for pidfile in "$TMP"/*.pid; do
		[ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

# start_duband LOG ARGS...: the daemon as a background job (under
# $DUBAN_WRAPPER, e.g. valgrind, when set); its pid goes to $TMP/duband.pid.
start_duband() {
	log=$1
	shift
	: >"$log"	# before the job starts: no stale "ready" to match
	${DUBAN_WRAPPER:-} "$DUBAND" "$@" >"$log" 2>&1 &
	echo $! >"$TMP/duband.pid"
}

# stop_duband: SIGTERM, then fails unless it exits 0.
stop_duband() {
	pid=$(cat "$TMP/duband.pid")
	kill -TERM "$pid"
	wait "$pid" || fail "duband exited $? on SIGTERM"
	rm "$TMP/duband.pid"
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_exit CODE CMD...: runs CMD, keeps its output in $TMP/out and
# $TMP/err, fails unless it exits with CODE.
expect_exit() {
	want=$1
	shift
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout" >&2; cat "$TMP/out" >&2
		echo "--- stderr" >&2; cat "$TMP/err" >&2
		fail "expected exit $want, got $got: $*"
	fi
}

# expect_grep FILE PATTERN: fails unless FILE has a line matching PATTERN.
expect_grep() {
	grep -q -e "$2" "$1" || { cat "$1" >&2; fail "no \"$2\" in $1"; }
}

# wait_for_line FILE PATTERN [SECONDS]: waits for a log line (no fixed sleep).
wait_for_line() {
	i=0
	limit=$(( ${3:-30} * 20 ))
	until grep -q -e "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le "$limit" ] || { cat "$1" >&2; fail "timed out waiting for \"$2\" in $1"; }
		sleep 0.05
	done
}
