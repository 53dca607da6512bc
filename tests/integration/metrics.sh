#!/bin/sh
# GET /metrics after a small run: reminders to a stdout channel (sent) and
# to a webhook on a closed port (retrying).  `promtool check metrics` must
# pass, and the series must hold what the API and the messages say: rows by
# state and channel, deliveries by result, the histograms' counts and the
# lateness sum, the oldest pending age, overdue items per office (an office
# created by an import has its series until the config makes it an alias:
# then it counts under the office), reload success and time (a broken
# config gives 0 and keeps the time), build info.  Over TCP /metrics needs a read
# token.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }
command -v promtool >/dev/null || { echo "promtool not found (Debian: prometheus): skipping"; exit 77; }

SOCK="$TMP/duban.sock"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"
free_port() {
	"$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
DEAD=$(free_port)	# nobody listens there
RTOKEN=metrics-read-0123456789

echo "$RTOKEN read" >"$TMP/tokens"

# Started at 2024-10-23 10:00 (a Wednesday).  Task "due-today" is due
# today: its "due" row (09:00) is late by an hour.  "late" was due Monday
# and is overdue; "late-alias" too (the config stores the office's name).
# "future" is due next month: pending rows only.  "dead" goes to the
# webhook on a closed port and stays in retry.
cat >"$CONF" <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
database = "$TMP/duban.db"
listen = "127.0.0.1:$PORT"
token_file = "$TMP/tokens"
log_level = "info"
retry_base = 3600
digest_min = 1000
channel "console" {
	type = "stdout"
	file = "$TMP/messages.txt"
}
channel "dead" {
	type = "webhook"
	url = "http://127.0.0.1:$DEAD/hook"
	connect_timeout = 2
	timeout = 5
}
office "局办公室" {
	channels = {"console"}
}
office "综合处" {
	channels = {"console"}
	supervisor = "局办公室"
	aliases = {"局综合处"}
}
office "人事处" {
	channels = {"dead"}
}
policy "standard" {
	before = {"3 workdays", "1 workday"}
	at_deadline = true
	hours = "09:00-17:30"
}
task "due-today" {
	title = "今天到期"
	lead = "综合处"
	due = "2024-10-23"
	policy = "standard"
}
task "late" {
	title = "周一到期"
	lead = "综合处"
	due = "2024-10-21"
	policy = "standard"
}
task "late-alias" {
	title = "周二到期"
	lead = "局综合处"
	due = "2024-10-22"
	policy = "standard"
}
task "future" {
	title = "下月到期"
	lead = "局办公室"
	due = "2024-11-29"
	policy = "standard"
}
task "dead" {
	title = "发不出去"
	lead = "人事处"
	due = "2024-10-23"
	policy = "standard"
}
EOF

scrape() {	# scrape FILE: GET /metrics over the socket
	code=$(curl -sS --unix-socket "$SOCK" -o "$1" -D "$TMP/headers" -w '%{http_code}' http://duban/metrics)
	[ "$code" = 200 ] || { cat "$1" >&2; fail "GET /metrics: HTTP $code"; }
}
# value FILE SERIES: the sample of one series (exact name and labels).
value() {
	v=$(awk -v s="$2" '$1 == s { print $2 }' "$1")
	[ -n "$v" ] || { cat "$1" >&2; fail "no series $2"; }
	echo "$v"
}
expect_value() {	# expect_value FILE SERIES WANT
	got=$(value "$1" "$2")
	[ "$got" = "$3" ] || fail "$2 is $got, expected $3"
}
api_count() {	# api_count STATE: reminders the API lists in that state
	curl -sS --unix-socket "$SOCK" "http://duban/v1/reminders?state=$1&limit=1000" |
	    "$PYTHON3" -c 'import json, sys; print(len(json.load(sys.stdin)["reminders"]))'
}

start_duband "$LOG" -c "$CONF" --fake-now 2024-10-23T10:00:00+08:00
wait_for_line "$LOG" 'ready'
# Everything due at start has been tried: the sent rows went to the file,
# the dead channel's row is in retry.
wait_for_line "$LOG" 'on channel dead: .*retry at'
[ "$(api_count sending)" -eq 0 ] || fail "rows still sending"

scrape "$TMP/m1"
promtool check metrics <"$TMP/m1" >"$TMP/promtool.out" 2>&1 ||
    { cat "$TMP/promtool.out" "$TMP/m1" >&2; fail "promtool check metrics"; }
grep -qi '^content-type: text/plain' "$TMP/headers" || { cat "$TMP/headers" >&2; fail "Content-Type"; }

# Build info.
version=$("$DUBAND" -V | sed 's/^duband //')
expect_value "$TMP/m1" "duban_build_info{version=\"$version\"}" 1

# Rows by state and channel, as the API lists them.
sent=$(api_count sent)
pending=$(api_count pending)
[ "$sent" -ge 3 ] || fail "expected at least 3 sent rows, got $sent"
expect_value "$TMP/m1" 'duban_reminders{state="sent",channel="console"}' "$sent"
expect_value "$TMP/m1" 'duban_reminders{state="pending",channel="console"}' "$pending"
expect_value "$TMP/m1" 'duban_reminders{state="retry",channel="dead"}' 1
expect_value "$TMP/m1" 'duban_reminders{state="sent",channel="dead"}' 0
expect_value "$TMP/m1" 'duban_reminders{state="failed",channel="console"}' 0
for st in pending sending sent retry failed cancelled; do
	value "$TMP/m1" "duban_reminders{state=\"$st\",channel=\"dead\"}" >/dev/null
done

# Deliveries: one per row sent (each message here carries one row), one
# retry; as many duration observations as messages tried.
msgs=$(grep -c '^=== duban ' "$TMP/messages.txt")
[ "$msgs" -eq "$sent" ] || fail "$msgs messages for $sent sent rows"
expect_value "$TMP/m1" 'duban_deliveries_total{result="sent"}' "$sent"
expect_value "$TMP/m1" 'duban_deliveries_total{result="retry"}' 1
expect_value "$TMP/m1" 'duban_deliveries_total{result="failed"}' 0
expect_value "$TMP/m1" 'duban_delivery_duration_seconds_count' $((sent + 1))
expect_value "$TMP/m1" 'duban_delivery_duration_seconds_bucket{le="+Inf"}' $((sent + 1))
expect_value "$TMP/m1" 'duban_lateness_seconds_count' "$sent"

# Lateness: each sent row went at about 10:00 (the fake start); its due
# time is in the API.  The sum must match within 30 s per row (start-up
# under valgrind is slow).
curl -sS --unix-socket "$SOCK" 'http://duban/v1/reminders?state=sent&limit=1000' >"$TMP/sent.json"
"$PYTHON3" - "$TMP/sent.json" "$(value "$TMP/m1" duban_lateness_seconds_sum)" <<'EOF' ||
import datetime, json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))["reminders"]
start = datetime.datetime.fromisoformat("2024-10-23T10:00:00+08:00")
want = sum((start - datetime.datetime.fromisoformat(r["due_at"])).total_seconds()
           for r in rows)
got = float(sys.argv[2])
if not (want <= got <= want + 30 * len(rows)):
    sys.exit(f"lateness sum {got}, expected about {want}")
EOF
    fail "duban_lateness_seconds_sum"
# Cumulative buckets: never decreasing, the last one the count.
awk '/^duban_(lateness|delivery_duration)_seconds_bucket/ {
	name = $1; sub(/\{.*/, "", name)
	if (name == prev && $2 < last) bad = 1
	prev = name; last = $2
} END { exit bad }' "$TMP/m1" || fail "buckets are not cumulative"

# The oldest reminder due and not sent: the dead channel's, due at 09:00.
oldest=$(value "$TMP/m1" duban_oldest_pending_seconds)
[ "$oldest" -ge 3600 ] && [ "$oldest" -le 3700 ] || fail "duban_oldest_pending_seconds is $oldest, expected about 3600"

# Overdue items by office: "late" and "late-alias" under 综合处; the rest
# is not past its deadline (23:59:59 today).  Every office has a series.
expect_value "$TMP/m1" 'duban_overdue_items{office="综合处"}' 2
expect_value "$TMP/m1" 'duban_overdue_items{office="局办公室"}' 0
expect_value "$TMP/m1" 'duban_overdue_items{office="人事处"}' 0

# The config: loaded at start (on the daemon's clock).
expect_value "$TMP/m1" duban_config_reload_success 1
t0=$(value "$TMP/m1" duban_config_reload_timestamp_seconds)
start=$(date -d 2024-10-23T10:00:00+08:00 +%s)
[ "$t0" -ge "$start" ] && [ "$t0" -le $((start + 60)) ] || fail "reload timestamp $t0, expected about $start"

# An imported task of an office the config does not know, overdue: a
# series of its own.
code=$(curl -sS -o "$TMP/import.json" -w '%{http_code}' --unix-socket "$SOCK" \
    -H 'Content-Type: application/json' --data-binary '{"plan": "p", "dry_run": false,
    "create_offices": true, "tasks": [{"number": "1", "title": "外来任务",
    "lead": "新处室", "assist": [], "due": "2024-10-21", "due_text": "2024年10月21日",
    "target": null, "row": 2}]}' http://duban/v1/import)
[ "$code" = 200 ] || { cat "$TMP/import.json" >&2; fail "POST /v1/import: HTTP $code"; }

# A broken config: success 0, the time of the good one stays.
cp "$CONF" "$TMP/good.conf"
echo 'bogus_key = 1' >>"$CONF"
kill -HUP "$(cat "$TMP/duband.pid")"
wait_for_line "$LOG" 'reload rejected'
scrape "$TMP/m2"
expect_value "$TMP/m2" duban_config_reload_success 0
expect_value "$TMP/m2" duban_config_reload_timestamp_seconds "$t0"
expect_value "$TMP/m2" 'duban_overdue_items{office="新处室"}' 1
expect_value "$TMP/m2" 'duban_overdue_items{office="综合处"}' 2
# Fixed, and 新处室 made an alias of 综合处: 1 again, a later time, and the
# imported task counts under 综合处.
sed 's/aliases = {"局综合处"}/aliases = {"局综合处", "新处室"}/' "$TMP/good.conf" >"$CONF"
grep -q '"新处室"' "$CONF" || fail "cannot add the alias"
kill -HUP "$(cat "$TMP/duband.pid")"
wait_for_line "$LOG" 'reloaded'
scrape "$TMP/m3"
expect_value "$TMP/m3" duban_config_reload_success 1
t1=$(value "$TMP/m3" duban_config_reload_timestamp_seconds)
[ "$t1" -ge "$t0" ] || fail "reload timestamp went back: $t1 < $t0"
expect_value "$TMP/m3" 'duban_overdue_items{office="综合处"}' 3
grep -q 'office="新处室"' "$TMP/m3" && fail "an alias has a series of its own"
promtool check metrics <"$TMP/m3" >"$TMP/promtool.out" 2>&1 ||
    { cat "$TMP/promtool.out" >&2; fail "promtool check metrics after reload"; }

# Over TCP: a read token is needed.
code=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")
[ "$code" = 401 ] || fail "GET /metrics over TCP without a token: HTTP $code, expected 401"
code=$(curl -sS -o "$TMP/m4" -w '%{http_code}' -H "Authorization: Bearer $RTOKEN" "http://127.0.0.1:$PORT/metrics")
[ "$code" = 200 ] || fail "GET /metrics with a read token: HTTP $code"
value "$TMP/m4" "duban_build_info{version=\"$version\"}" >/dev/null

stop_duband
echo ok
