#!/bin/sh
# Provisional deadlines: a year the calendar does not cover ("not
# announced").  The calendar "cn" is a copy of etc/holidays/cn.conf
# (2024-2026); the daemon runs from 2026-12-15 10:00 (a Tuesday).
#
# Two cases of a 20-working-day rule end in 2027 and a task is due
# 2027-03-31: the listings (--json "provisional": true, the table's "*" and
# footnote) and /metrics (duban_provisional_items{calendar,year}) say so.
# Without admin_office a warning is logged once; with it (a reload) the
# admin office gets exactly one notice for cn/2027, recorded in the meta
# table, and neither a replanning restart nor a reload sends another.
# Then a 2027 holidays feed is added and reloaded: the deadlines and their
# reminders move by its holidays, and nothing is provisional any more.
#
# The 2027 feed below is a TEST FIXTURE, not the real 2027 calendar: it
# makes 2027-01-01..2027-01-03 (Friday to Sunday) days off and nothing
# else.
#
# Counting (20 working days, the opening day not counted), weekends only
# in 2027: case A opened 2026-12-15 ends 2027-01-12, case B opened
# 2026-12-10 ends 2027-01-07.  With the fixture's 2027-01-01 off (a
# Friday; the 2nd and 3rd are a weekend anyway) each ends one working day
# later: 2027-01-13 and 2027-01-08.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }
command -v promtool >/dev/null || { echo "promtool not found (Debian: prometheus): skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind

SOCK="$TMP/duban.sock"
DB="$TMP/duban.db"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"
NOW=2026-12-15T10:00:00+08:00

"$PYTHON3" "$top_srcdir/tests/integration/sink.py" --port-file "$TMP/sink.port" \
    --log "$TMP/sink.log" 2>"$TMP/sink.err" &
echo $! >"$TMP/sink.pid"
wait_for_line "$TMP/sink.port" '^[0-9][0-9]*$' 10
: >>"$TMP/sink.log"
HP=$(cat "$TMP/sink.port")

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
cat >"$TMP/cn-2027.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//duban tests//fictitious 2027 fixture//ZH
BEGIN:VEVENT
UID:fixture-2027-0101@duban.test
DTSTART;VALUE=DATE:20270101
DTEND;VALUE=DATE:20270104
SUMMARY:元旦(休)
END:VEVENT
END:VCALENDAR
ICS

# write_conf [ADMIN]: the config, with admin_office when ADMIN is given.
write_conf() {
	cat >"$CONF" <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
database = "$DB"
log_level = "info"
${1:+admin_office = \"$1\"}
channel "file" {
	type = "stdout"
	file = "$TMP/messages.txt"
}
channel "admin-hook" {
	type = "webhook"
	url = "http://127.0.0.1:$HP/admin"
}
office "综合处" {
	channels = {"file"}
}
office "办公室" {
	channels = {"admin-hook"}
	aliases = {"局办公室"}
}
policy "standard" {
	before = {"3 workdays"}
	at_deadline = true
}
rule "disclosure" {
	title = "依申请公开答复"
	limit = "20 workdays"
	calendar = "cn"
	policy = "standard"
}
CONF
}

ctl() { "$DUBANCTL" -c "$CONF" "$@"; }
# json EXPR FILE: a Python expression over the JSON in FILE (as d).
json() {
	"$PYTHON3" -c 'import json, sys; d = json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$2"
}
expect_eq() {	# expect_eq GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got \"$1\", expected \"$2\""
}
scrape() {	# scrape FILE: GET /metrics, checked by promtool
	code=$(curl -sS --unix-socket "$SOCK" -o "$1" -w '%{http_code}' http://duban/metrics)
	[ "$code" = 200 ] || { cat "$1" >&2; fail "GET /metrics: HTTP $code"; }
	promtool check metrics <"$1" >"$TMP/promtool.out" 2>&1 ||
	    { cat "$TMP/promtool.out" >&2; fail "promtool check metrics"; }
}
expect_series() {	# expect_series FILE SERIES WANT
	got=$(awk -v s="$2" '$1 == s { print $2 }' "$1")
	[ "$got" = "$3" ] || { cat "$1" >&2; fail "$2 is \"$got\", expected $3"; }
}
notices() {	# notices: the admin office's notice rows, as "state" lines
	curl -sS --unix-socket "$SOCK" 'http://duban/v1/reminders?limit=1000' >"$TMP/rem.json"
	json "'\\n'.join(r['state'] for r in d['reminders'] if r['kind'] == 'notice')" "$TMP/rem.json"
}
# wait_sink N: until the sink has N requests (then a short grace for more).
wait_sink() {
	i=0
	until [ "$(wc -l <"$TMP/sink.log")" -ge "$1" ]; do
		i=$((i + 1))
		[ "$i" -le $((200 * SLOW)) ] || fail "timed out waiting for $1 requests at the sink"
		sleep 0.05
	done
}
due_rows() {	# due_rows REF: the case's pending "due" reminders, by day
	curl -sS --unix-socket "$SOCK" "http://duban/v1/reminders?case=$1&state=pending" >"$TMP/due.json"
	json "' '.join(sorted(r['due_at'][:10] for r in d['reminders'] if r['kind'] == 'due'))" "$TMP/due.json"
}
reload() {	# reload: POST /v1/reload, which must succeed
	code=$(curl -sS --unix-socket "$SOCK" -X POST -o "$TMP/reload.json" -w '%{http_code}' http://duban/v1/reload)
	[ "$code" = 200 ] || { cat "$TMP/reload.json" >&2; fail "reload: HTTP $code"; }
}

# 1. No admin_office: the items are provisional, a warning is logged once.
write_conf
start_duband "$LOG" -c "$CONF" --fake-now "$NOW"
wait_for_line "$LOG" 'ready'

expect_exit 0 ctl case open GK-A --rule disclosure --office 综合处 --title 甲申请
expect_exit 0 ctl case open GK-B --rule disclosure --office 综合处 --title 乙申请 \
    --at 2026-12-10T09:00:00+08:00
expect_exit 0 ctl task add --key T-1 --title 年度总结 --lead 综合处 --due 2027-03-31
expect_exit 0 ctl task add --key T-0 --title 年内任务 --lead 综合处 --due 2026-12-31

expect_exit 0 ctl case list --json
cp "$TMP/out" "$TMP/cases.json"
expect_eq "$(json "sorted((c['ref'], c['deadline'][:10], c['provisional']) for c in d['cases'])" "$TMP/cases.json")" \
    "[('GK-A', '2027-01-12', True), ('GK-B', '2027-01-07', True)]" "case list --json"
expect_exit 0 ctl task list --json
expect_eq "$(json "sorted((t['key'], t['provisional']) for t in d['tasks'])" "$TMP/out")" \
    "[('T-0', False), ('T-1', True)]" "task list --json"
expect_eq "$(due_rows GK-A)" 2027-01-12 "GK-A's due reminder"
expect_exit 0 ctl case show GK-A --json
expect_eq "$(json "d['case']['provisional']" "$TMP/out")" True "case show --json"

# The tables: "*" on the provisional dates, one footnote.
expect_exit 0 ctl case list
expect_grep "$TMP/out" '^GK-A .*2027-01-12 23:59\*'
expect_grep "$TMP/out" '^\* provisional: 2027 holidays not announced$'
expect_exit 0 ctl task list
expect_grep "$TMP/out" '^T-1 .*2027-03-31\*'
grep -q '2026-12-31\*' "$TMP/out" && fail "T-0 (due 2026) marked provisional"
expect_grep "$TMP/out" '^\* provisional: 2027 holidays not announced$'

scrape "$TMP/m1.txt"
expect_series "$TMP/m1.txt" 'duban_provisional_items{calendar="cn",year="2027"}' 3
expect_series "$TMP/m1.txt" 'duban_provisional_items{calendar="cn",year="2026"}' 0
expect_series "$TMP/m1.txt" 'duban_calendar_year_announced{calendar="cn",year="2027"}' 0
expect_series "$TMP/m1.txt" 'duban_calendar_year_announced{calendar="cn",year="2026"}' 1

wait_for_line "$LOG" 'calendar cn: the 2027 public holidays are not announced'
expect_eq "$(grep -c 'the 2027 public holidays are not announced' "$LOG")" 1 "warnings logged"
expect_eq "$(notices)" "" "notices without admin_office"

# 2. admin_office (by its alias) by reload: exactly one notice, naming the
# three items.
write_conf 局办公室
reload
wait_sink 1
sleep "$SLOW"
expect_eq "$(wc -l <"$TMP/sink.log")" 1 "requests at the sink"
"$PYTHON3" - "$TMP/sink.log" <<'PY' || fail "the notice is not as expected"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["path"] == "/admin", r["path"]
body = json.loads(r["body"])
text = body["text"]
assert body["kind"] == "notice", body["kind"]
assert body["office"] == "办公室", body["office"]
assert "2027年cn日历的节假日安排尚未公布，3项期限暂按周末推算" in text, text
assert "请在公布后更新 holidays 并 reload" in text, text
assert "年度总结" in text, text
PY
stored=$(sqlite3 "$DB" "SELECT value FROM meta WHERE key = 'provisional-notice:cn:2027'")
case "$stored" in task:*:*) ;; *) fail "meta record is \"$stored\"" ;; esac
expect_eq "$(notices)" sent "notice rows"

# 3. A restart that replans everything (the config changed) sends no
# second notice.
stop_duband
echo "# changed: replan at start" >>"$CONF"
start_duband "$LOG.2" -c "$CONF" --fake-now "$NOW"
wait_for_line "$LOG.2" 'ready'
expect_grep "$LOG.2" 'every item replanned'
expect_eq "$(notices)" sent "notice rows after the restart"
expect_exit 0 ctl task add --key T-2 --title 另一项 --lead 综合处 --due 2027-06-30
expect_eq "$(notices)" sent "notice rows after another provisional item"
scrape "$TMP/m2.txt"
expect_series "$TMP/m2.txt" 'duban_provisional_items{calendar="cn",year="2027"}' 4

# 4. The 2027 feed arrives: the deadlines move, nothing is provisional.
sed -i 's|^calendar "cn" {|calendar "cn" {\n\tinclude_ics = {"cn-2027.ics"}|' "$TMP/cn.conf"
kill -HUP "$(cat "$TMP/duband.pid")"
wait_for_line "$LOG.2" 'reloaded'
expect_exit 0 ctl case list --json
expect_eq "$(json "sorted((c['ref'], c['deadline'][:10], c['provisional']) for c in d['cases'])" "$TMP/out")" \
    "[('GK-A', '2027-01-13', False), ('GK-B', '2027-01-08', False)]" "case list --json after the feed"
expect_eq "$(due_rows GK-A)" 2027-01-13 "GK-A's due reminder after the feed"
expect_eq "$(due_rows GK-B)" 2027-01-08 "GK-B's due reminder after the feed"
expect_exit 0 ctl task list --json
expect_eq "$(json "sorted((t['key'], t['provisional']) for t in d['tasks'])" "$TMP/out")" \
    "[('T-0', False), ('T-1', False), ('T-2', False)]" "task list --json after the feed"
expect_exit 0 ctl case list
grep -q 'provisional' "$TMP/out" && { cat "$TMP/out" >&2; fail "footnote after the feed"; }
scrape "$TMP/m3.txt"
expect_series "$TMP/m3.txt" 'duban_provisional_items{calendar="cn",year="2027"}' 0
expect_series "$TMP/m3.txt" 'duban_calendar_year_announced{calendar="cn",year="2027"}' 1
expect_eq "$(notices)" sent "notice rows after the feed"
expect_eq "$(wc -l <"$TMP/sink.log")" 1 "requests at the sink at the end"
stop_duband
