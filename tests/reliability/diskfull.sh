#!/bin/sh
# Disk full (issue 6, reliability 3).  The store lives on a small tmpfs
# mounted for the test (root and a working mount(8) needed: else skipped,
# with the reason).  Once a filler file has taken the last free block,
# duband keeps serving reads (GET /v1/tasks, GET /v1/tasks/KEY: 200),
# refuses the writes that need space (POST /v1/tasks) with 507 Insufficient
# Storage and an error saying "database or disk is full", logs it, and
# stays up; when the filler is removed the next write succeeds.  A database
# locked by another process (an exclusive transaction held past the busy
# timeout) refuses writes with 503 and Retry-After, reads still answer.
# Every task acknowledged with 201 is in the store at the end, none of the
# refused ones is, and PRAGMA integrity_check is ok.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || { echo "python3 not found: skipping"; exit 77; }
PY=$PYTHON3
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind

MNT="$TMP/mnt"
mkdir "$MNT"
if ! mount -t tmpfs -o size=1m,mode=0700 duban-diskfull "$MNT" 2>"$TMP/mount.err"; then
	echo "cannot mount a tmpfs ($(cat "$TMP/mount.err")): skipping"
	exit 77
fi
# Stop the daemon before the file system goes, then lib.sh's cleanup.
unmount_cleanup() {
	for pidfile in "$TMP"/*.pid; do
		[ -f "$pidfile" ] || continue
		kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
		wait "$(cat "$pidfile")" 2>/dev/null || true
	done
	umount "$MNT" 2>/dev/null || umount -l "$MNT" || true
	cleanup
}
trap unmount_cleanup EXIT

SOCK="$TMP/duban.sock"
DB="$MNT/duban.db"
LOG="$TMP/duband.log"
q() { sqlite3 "$DB" "$1"; }
expect_eq() {	# expect_eq GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got \"$1\", expected \"$2\""
}
jget() {	# jget EXPR: a Python expression on the answer d
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
	    "$TMP/api.json" "$1"
}

# api METHOD PATH [JSON]: the answer goes to $TMP/api.json, its HTTP status
# to $status, its headers to $TMP/api.headers.
api() {
	if [ $# -ge 3 ]; then
		set -- "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"
	fi
	method=$1 path=$2
	shift 2
	status=$(curl -sS --max-time $((10 * SLOW)) --unix-socket "$SOCK" -X "$method" "$@" \
	    -D "$TMP/api.headers" -o "$TMP/api.json" -w '%{http_code}' "http://duban$path") || status=none
}
expect_api() {	# expect_api STATUS METHOD PATH [JSON]
	want=$1
	shift
	api "$@"
	[ "$status" = "$want" ] || { cat "$TMP/api.json" >&2; fail "$1 $2: HTTP $status, expected $want"; }
}

# A task body; the titles are long, so each task takes some pages.
TITLE=$(printf '督办事项%.0s' $(seq 1 60))
task() {	# task KEY
	printf '{"key": "%s", "title": "%s %s", "lead": "综合处", "due": "2025-12-31"}' \
	    "$1" "$1" "$TITLE"
}

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
cat >"$TMP/duban.conf" <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
log_level = "info"

channel "console" {
	type = "stdout"
}
office "综合处" {
	channels = {"console"}
}
CONF

start_duband "$LOG" -c "$TMP/duban.conf" -d "$DB" --fake-now 2024-10-23T10:00:00+08:00
wait_for_line "$LOG" 'ready' $((10 * SLOW))
expect_api 201 POST /v1/tasks "$(task before-full)"
echo before-full >"$TMP/accepted"

# Fill the file system: dd stops at ENOSPC.
dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
[ "$(df -P "$MNT" | awk 'NR == 2 { print $4 }')" -eq 0 ] || fail "the tmpfs is not full: $(df -P "$MNT")"

# Pages the WAL already has may still take a write or two: write until
# one is refused.
n=0
while :; do
	n=$((n + 1))
	[ "$n" -le 100 ] || fail "100 tasks added on a full disk"
	api POST /v1/tasks "$(task "full-$n")"
	case $status in
	201)	echo "full-$n" >>"$TMP/accepted";;
	507)	break;;
	*)	cat "$TMP/api.json" >&2; fail "POST on a full disk: HTTP $status";;
	esac
done
refused="full-$n"
echo "task $n refused: HTTP $status $(cat "$TMP/api.json")"
jget "d['error']" | grep -q 'database or disk is full' ||
	fail "the refusal does not say the disk is full: $(cat "$TMP/api.json")"
grep -i 'full' "$LOG" >/dev/null || { cat "$LOG" >&2; fail "nothing logged about the full disk"; }
kill -0 "$(cat "$TMP/duband.pid")" || fail "duband died: $(tail -5 "$LOG")"

# Reads go on, and show what was acknowledged, not the refused task.
expect_api 200 GET '/v1/tasks?limit=1000'
jget "'\n'.join(sorted(t['key'] for t in d['tasks']))" >"$TMP/listed"
sort "$TMP/accepted" | diff - "$TMP/listed" >/dev/null ||
	fail "tasks listed on a full disk: $(sort "$TMP/accepted" | diff - "$TMP/listed")"
expect_api 200 GET /v1/tasks/before-full
expect_api 404 GET "/v1/tasks/$refused"
# Refused again, still with its reason, while the disk stays full.
api POST /v1/tasks "$(task "$refused")"
[ "$status" = 507 ] || fail "second POST on a full disk: HTTP $status"
jget "d['error']" | grep -q 'database or disk is full' || fail "second refusal: $(cat "$TMP/api.json")"
expect_api 200 GET /healthz

# Space comes back: writes work again, the refused key included.
rm "$MNT/filler"
expect_api 201 POST /v1/tasks "$(task "$refused")"
echo "$refused" >>"$TMP/accepted"
expect_api 201 POST /v1/tasks "$(task after-full)"
echo after-full >>"$TMP/accepted"
expect_api 200 GET '/v1/tasks?limit=1000'
jget "'\n'.join(sorted(t['key'] for t in d['tasks']))" >"$TMP/listed"
sort "$TMP/accepted" | diff - "$TMP/listed" >/dev/null ||
	fail "tasks listed after the recovery: $(sort "$TMP/accepted" | diff - "$TMP/listed")"
expect_api 200 GET /healthz

# Another process holds the write lock past the busy timeout (5 s): 503
# with Retry-After, reads still served; the write works once it is gone.
"$PY" -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("begin exclusive")
print("locked", flush=True)
time.sleep(600)' "$DB" >"$TMP/lock.out" 2>&1 &
locker=$!
wait_for_line "$TMP/lock.out" locked $((10 * SLOW))
t0=$(date +%s)
api POST /v1/tasks "$(task while-locked)"
t1=$(date +%s)
[ "$status" = 503 ] || { kill "$locker"; cat "$TMP/api.json" >&2; fail "POST on a locked database: HTTP $status"; }
echo "while locked: HTTP $status after $((t1 - t0)) s: $(cat "$TMP/api.json")"
grep -qi '^Retry-After: [0-9]' "$TMP/api.headers" || { kill "$locker"; fail "503 without Retry-After"; }
jget "d['error']" | grep -q 'busy' || { kill "$locker"; fail "the 503 does not say busy: $(cat "$TMP/api.json")"; }
expect_api 200 GET /v1/tasks/before-full
kill "$locker"
wait "$locker" 2>/dev/null || true
expect_api 201 POST /v1/tasks "$(task while-locked)"
echo while-locked >>"$TMP/accepted"
stop_duband

expect_eq "$(q 'pragma integrity_check')" ok "integrity"
expect_eq "$(q "select key from tasks order by key" | sort)" "$(sort "$TMP/accepted")" "tasks in the store"
# Each has its task_history 'added' row: no half-written task.
expect_eq "$(q "select count(*) from tasks t where not exists (select 1 from task_history h
    where h.task_id = t.id and h.change = 'added')")" 0 "tasks without their history"
echo ok
