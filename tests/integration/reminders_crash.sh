#!/bin/sh
# A crash in the middle of a burst loses nothing.  200 offices each have a
# task due Wednesday 2024-10-23, so 200 reminders fall due at 09:00 at once
# (one per office and channel: no digests); the sink answers each after
# 0.2 s and max_inflight = 8.  duband is killed with SIGKILL while the burst
# is going out, then started again: every row must end sent, every reminder
# must have reached the sink, and only the rows in flight at the crash
# (at most max_inflight) may have reached it twice.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || { echo "python3 not found: skipping"; exit 77; }
PY=$PYTHON3
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind
N=200
MAX_INFLIGHT=8

chk() { "$PY" "$top_srcdir/tests/integration/check.py" "$@"; }

# wait_count FILE PATTERN N [SECONDS]: until N lines of FILE match.
wait_count() {
	i=0
	limit=$(( ${4:-10} * SLOW * 20 ))
	while :; do
		got=$(grep -c -e "$2" "$1" 2>/dev/null) || true
		[ "${got:-0}" -lt "$3" ] || break
		i=$((i + 1))
		[ "$i" -le "$limit" ] || { tail "$1" >&2; fail "timed out waiting for $3 lines \"$2\" in $1"; }
		sleep 0.05
	done
}

# api METHOD PATH: the API over the unix socket; the answer goes to
# $TMP/api.json and its HTTP status to $status.
api() {
	status=$(curl -sS --unix-socket "$SOCK" -X "$1" -o "$TMP/api.json" \
	    -w '%{http_code}' "http://duban$2")
	[ "$status" = 200 ] || { cat "$TMP/api.json" >&2; fail "$1 $2: HTTP $status"; }
}

expect_eq() {	# expect_eq GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got \"$1\", expected \"$2\""
}

q() { sqlite3 "$DB" "$1"; }

"$PY" "$top_srcdir/tests/integration/sink.py" --port-file "$TMP/sink.port" \
    --log "$TMP/sink.log" --default 'HANG 0.2' 2>"$TMP/sink.err" &
echo $! >"$TMP/sink.pid"
wait_for_line "$TMP/sink.port" '^[0-9][0-9]*$' 10
: >>"$TMP/sink.log"
SOCK="$TMP/duban.sock"
DB="$TMP/duban.db"
LOG="$TMP/duband.log"

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
{
	cat <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
log_level = "info"
max_inflight = $MAX_INFLIGHT
retry_base = 1

channel "hook" {
	type = "webhook"
	url = "http://127.0.0.1:$(cat "$TMP/sink.port")/hook"
	timeout = 30
}
policy "once" {
	at_deadline = true
	hours = "09:00-17:30"
}
CONF
	i=1
	while [ "$i" -le "$N" ]; do
		n=$(printf '%03d' "$i")
		printf 'office "处室%s" {\n\tchannels = {"hook"}\n}\n' "$n"
		printf 'task "burst-%s" {\n\ttitle = "批量提醒%s"\n\tlead = "处室%s"\n' "$n" "$n" "$n"
		printf '\tdue = "2024-10-23"\n\tpolicy = "once"\n}\n'
		i=$((i + 1))
	done
} >"$TMP/duban.conf"

start_duband "$LOG" -c "$TMP/duban.conf" -d "$DB" --fake-now 2024-10-23T08:59:58+08:00
wait_for_line "$LOG" 'ready' $((10 * SLOW))
# 8 at a time, 0.2 s each: about 40 a second.  Kill it a quarter of the way.
wait_count "$TMP/sink.log" '"path"' $((N / 4)) 20
pid=$(cat "$TMP/duband.pid")
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
rm "$TMP/duband.pid"
at_kill=$(chk count "$TMP/sink.log")
[ "$at_kill" -lt "$N" ] || fail "the burst was over before the kill"

# The crash left the store consistent; the rows in "sending" are those
# that may have been delivered without being marked sent.
expect_eq "$(q 'pragma integrity_check')" ok "integrity after the kill"
expect_eq "$(q "select count(*) from reminders where kind = 'due'")" "$N" "due rows after the kill"
sending=$(q "select count(*) from reminders where state = 'sending'")
echo "killed after $at_kill requests; $(q "select count(*) from reminders where state = 'sent'") sent, $sending sending"

# Restart a little later on the fake clock: the rest goes out.
# Emptied now: start_duband's redirection runs in the background job and
# might come after wait_for_line saw the first run's "ready".
: >"$LOG"
launch=$(date +%s%3N)
start_duband "$LOG" -c "$TMP/duban.conf" -d "$DB" --fake-now 2024-10-23T09:00:30+08:00
wait_for_line "$LOG" 'ready' $((10 * SLOW))
i=0
while :; do
	left=0
	for state in pending sending retry; do
		api GET "/v1/reminders?state=$state"
		left=$((left + $(chk count "$TMP/api.json" --list reminders)))
	done
	[ "$left" -ne 0 ] || break
	i=$((i + 1))
	[ "$i" -le $((600 * SLOW)) ] || fail "$left rows still pending, sending or retry"
	sleep 0.1
done
done_ms=$(date +%s%3N)
api GET "/v1/reminders?limit=1000"
stop_duband

expect_eq "$(chk lines "$TMP/api.json" --list reminders '{kind} {state}' | sort | uniq -c | sed 's/^ *//')" \
    "$N due sent" "final states"
chk lines "$TMP/api.json" --list reminders '{id}' | sort -n >"$TMP/rows"
chk lines "$TMP/sink.log" '{headers.idempotency-key}' | sort -n >"$TMP/keys"
sort -n -u "$TMP/keys" >"$TMP/keys.unique"
diff "$TMP/rows" "$TMP/keys.unique" >/dev/null || fail "reminders lost: $(diff "$TMP/rows" "$TMP/keys.unique" | head)"
total=$(wc -l <"$TMP/keys")
dups=$((total - N))
[ "$dups" -le "$MAX_INFLIGHT" ] || fail "$dups reminders sent twice, more than max_inflight ($MAX_INFLIGHT)"
[ "$dups" -le "$sending" ] || fail "$dups sent twice, but only $sending were in flight at the crash"
expect_eq "$(q 'pragma integrity_check')" ok "integrity at the end"
echo "$((total - at_kill)) requests after the restart in $((done_ms - launch)) ms; $dups sent twice"
# Only transfers in flight can be in doubt after a crash, and there are at
# most max_inflight of them (dispatch.h: in flight + queued < max_inflight):
# rows claimed beyond that would be marked as possibly delivered (and
# counted as attempted) without ever having been tried.
[ "$sending" -le "$MAX_INFLIGHT" ] ||
	fail "$sending rows were sending at the crash, more than max_inflight ($MAX_INFLIGHT)"
echo ok
