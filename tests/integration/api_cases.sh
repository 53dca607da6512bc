#!/bin/sh
# The HTTP API against the real daemon, over the unix socket and over TCP
# with bearer tokens: every case endpoint and the case listing, idempotent
# case opening, each kind of bad input (and that nothing was stored for
# it), 401/403, 409 refusals of the time-limit rules, acknowledgement
# links, reload, a stale socket.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }

SOCK="$TMP/run/duban.sock"	# the daemon makes $TMP/run
DB="$TMP/duban.db"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"
PORT=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RTOKEN=read-0123456789abcdef
WTOKEN=write-0123456789abcdef

cat >"$TMP/tokens" <<EOF
# API tokens of the test
$RTOKEN read
$WTOKEN write
EOF

cat >"$CONF" <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
database = "$DB"
socket = "$SOCK"
listen = "127.0.0.1:$PORT"
token_file = "$TMP/tokens"
ack_base_url = "http://127.0.0.1:$PORT/v1/ack/"
log_level = "info"
channel "console" {
	type = "stdout"
	file = "$TMP/messages.log"
}
office "局办公室" {
	channels = {"console"}
}
office "综合处" {
	channels = {"console"}
	supervisor = "局办公室"
	aliases = {"局综合处"}
}
policy "standard" {
	before = {"3 workdays", "1 workday"}
	at_deadline = true
	overdue_every = "1 workday"
	escalate_after = "1 workday"
}
rule "disclosure" {
	title = "依申请公开答复"
	limit = "20 workdays"
	extension = "20 workdays"
	max_extensions = 1
	policy = "standard"
}
rule "bad-review" {
	title = "实名差评核实整改"
	milestone "contact" {
		title = "联系评价人核实情况"
		limit = "1 workday"
	}
	milestone "rectify" {
		title = "完成整改并回复当事人"
		limit = "5 workdays"
	}
	policy = "standard"
}
EOF

. "$top_srcdir/tests/integration/api_lib.sh"

# nevents REF: how many events the case has.
nevents() {
	expect 200 GET "/v1/cases/$1"
	jget "len(d['case']['events'])"
}

start_duband "$LOG" -c "$CONF" --fake-now 2024-09-27T10:00:00+08:00
wait_for_line "$LOG" 'ready'

# The socket: made in a new directory, mode 0660.
[ -S "$SOCK" ] || fail "no socket at $SOCK"
[ "$(stat -c %a "$SOCK")" = 660 ] || fail "socket mode is $(stat -c %a "$SOCK")"

# Health: open on both listeners.
expect 200 GET /healthz
jcheck "d['status'] == 'ok' and d['now'].startswith('2024-09-27T10:0')"
expect 200 -t "" GET /healthz
jcheck "d['status'] == 'ok'"
[ "$(curl -s -o /dev/null -w '%{http_code}' -I --unix-socket "$SOCK" http://localhost/healthz)" = 200 ] ||
	fail "HEAD /healthz"

# Opening a case: by alias, stored under the office's name.
CASE='{"ref": "GK-2024-001", "rule": "disclosure", "office": "局综合处",
    "title": "关于某项目环评信息的公开申请", "opened_at": "2024-09-20"}'
expect 201 POST /v1/cases "$CASE"
jcheck "d['case']['ref'] == 'GK-2024-001' and d['case']['office'] == '综合处'"
jcheck "d['case']['rule_title'] == '依申请公开答复' and not d['case']['closed']"
jcheck "[e['kind'] for e in d['case']['events']] == ['opened']"
jcheck "d['case']['events'][0]['at'] == '2024-09-20T00:00:00+08:00'"
m="d['case']['milestones'][0]"
jcheck "$m['name'] == 'deadline' and $m['status'] == 'running'"
jcheck "$m['deadline_date'] == '2024-10-23' and $m['deadline'] == '2024-10-23T23:59:59+08:00'"
jcheck "$m['extensions'] == 0 and $m['max_extensions'] == 1 and not $m['provisional']"
id=$(jget "d['case']['id']")

# The same ref again: the same case, nothing new stored.
expect 200 POST /v1/cases "$CASE"
jcheck "d['case']['id'] == $id and len(d['case']['events']) == 1"
# ... but not with another title, rule or office.
expect_error 409 title POST /v1/cases '{"ref": "GK-2024-001", "rule": "disclosure", "office": "综合处", "title": "另一个标题"}'
expect_error 409 office POST /v1/cases '{"ref": "GK-2024-001", "rule": "disclosure", "office": "局办公室", "title": "关于某项目环评信息的公开申请"}'
[ "$(sqlite3 "$DB" 'select count(*) from cases')" -eq 1 ] || fail "a case was added twice"

expect 200 GET /v1/cases/GK-2024-001
jcheck "d['case']['id'] == $id and d['case']['title'] == '关于某项目环评信息的公开申请'"
expect_error 404 "" GET /v1/cases/NO-SUCH-CASE

# Bad input when opening: each refused, nothing stored.
expect_error 400 "" POST /v1/cases '{"ref": "BAD-1", "rule": '
expect_error 400 "" POST /v1/cases '["BAD-2"]'
expect_error 400 "" POST /v1/cases ''
expect_error 400 colour POST /v1/cases '{"ref": "BAD-3", "rule": "disclosure", "office": "综合处", "title": "x", "colour": "red"}'
expect_error 400 ref POST /v1/cases '{"ref": 4, "rule": "disclosure", "office": "综合处", "title": "x"}'
expect_error 400 title POST /v1/cases '{"ref": "BAD-5", "rule": "disclosure", "office": "综合处", "title": null}'
expect_error 400 title POST /v1/cases '{"ref": "BAD-6", "rule": "disclosure", "office": "综合处"}'
expect_error 422 office POST /v1/cases '{"ref": "BAD-7", "rule": "disclosure", "office": "没有这个处", "title": "x"}'
expect_error 422 rule POST /v1/cases '{"ref": "BAD-8", "rule": "no-such-rule", "office": "综合处", "title": "x"}'
expect_error 400 opened_at POST /v1/cases '{"ref": "BAD-9", "rule": "disclosure", "office": "综合处", "title": "x", "opened_at": "2024-13-01"}'
expect_error 400 opened_at POST /v1/cases '{"ref": "BAD-10", "rule": "disclosure", "office": "综合处", "title": "x", "opened_at": "2025-01-01"}'
expect_error 400 "" POST /v1/cases '{"ref": "BAD-11", "ref": "BAD-12", "rule": "disclosure", "office": "综合处", "title": "x"}'
"$PYTHON3" -c 'import json; print(json.dumps({"ref": "BAD-13", "rule": "disclosure", "office": "综合处", "title": "x" * 70000}))' >"$TMP/big.json"
expect_error 413 "" POST /v1/cases "@$TMP/big.json"
[ "$(sqlite3 "$DB" 'select count(*) from cases')" -eq 1 ] || fail "a refused case was stored"
expect 404 GET /v1/cases/BAD-13

# Routes and methods.
expect_error 404 "" GET /v1/nothing
expect_error 405 "" PUT /v1/cases
expect_error 405 "" GET /v1/cases/GK-2024-001/pause

# Pause and resume: the clock stops on 09-25 and goes on after 09-26.
expect 200 POST /v1/cases/GK-2024-001/pause '{"at": "2024-09-25", "note": "补正通知"}'
jcheck "$m['status'] == 'stopped' and $m['remaining'] == 18 and $m['remaining_unit'] == 'workdays'"
jcheck "d['case']['events'][1] == {**d['case']['events'][1], 'kind': 'paused', 'note': '补正通知', 'milestone': None}"
expect_error 409 "" POST /v1/cases/GK-2024-001/pause '{"at": "2024-09-26"}'
jcheck "'already paused' in d['error']"
[ "$(nevents GK-2024-001)" -eq 2 ] || fail "a refused pause was stored"
expect 200 POST /v1/cases/GK-2024-001/resume '{"at": "2024-09-26"}'
jcheck "$m['status'] == 'running' and $m['deadline_date'] == '2024-10-25'"
expect_error 409 "" POST /v1/cases/GK-2024-001/resume '{"at": "2024-09-26"}'

# Bad event input: refused, nothing stored.
expect_error 400 "" POST /v1/cases/GK-2024-001/extend '{"at": '
expect_error 400 reason POST /v1/cases/GK-2024-001/extend '{"reason": "x"}'
expect_error 400 at POST /v1/cases/GK-2024-001/extend '{"at": 20240927}'
expect_error 400 at POST /v1/cases/GK-2024-001/extend '{"at": "2024-09-31"}'
expect_error 400 at POST /v1/cases/GK-2024-001/extend '{"at": "2024-09-27T25:00:00+08:00"}'
expect_error 400 at POST /v1/cases/GK-2024-001/extend '{"at": "2024-10-01"}'
expect_error 400 milestone POST /v1/cases/GK-2024-001/pause '{"milestone": "deadline"}'
expect_error 422 milestone POST /v1/cases/GK-2024-001/close '{"milestone": "rectify"}'
expect_error 409 "" POST /v1/cases/GK-2024-001/extend '{"at": "2024-09-24"}'
jcheck "'before the previous event' in d['error']"
expect_error 404 "" POST /v1/cases/NO-SUCH-CASE/extend '{}'
[ "$(nevents GK-2024-001)" -eq 3 ] || fail "a refused event was stored"

# One extension (+20 working days), not a second one.
expect 200 POST /v1/cases/GK-2024-001/extend '{"note": "情况复杂"}'
jcheck "$m['extensions'] == 1 and $m['deadline_date'] == '2024-11-22'"
expect_error 409 "" POST /v1/cases/GK-2024-001/extend
jcheck "'extension limit reached' in d['error']"
[ "$(nevents GK-2024-001)" -eq 4 ] || fail "the refused extension was stored"

# Reminders: planned for the case, listed and filtered.
expect 200 GET "/v1/reminders?case=GK-2024-001&state=pending"
jcheck "len(d['reminders']) > 0"
jcheck "all(r['item_type'] == 'case' and r['item_id'] == $id and r['state'] == 'pending' for r in d['reminders'])"
jcheck "any(r['kind'] == 'before' and r['office'] == '综合处' and r['deadline_at'] == '2024-11-22T23:59:59+08:00' for r in d['reminders'])"
jcheck "any(r['kind'] == 'escalation' and r['office'] == '局办公室' for r in d['reminders'])"
rid=$(jget "[r['id'] for r in d['reminders'] if r['kind'] == 'before'][0]")
noverdue=$(jget "len([r for r in d['reminders'] if r['kind'] == 'overdue'])")
expect 200 "GET" "/v1/reminders?office=局综合处&from=2024-11-22&to=2024-11-22"
jcheck "len(d['reminders']) > 0 and all(r['office'] == '综合处' and r['due_at'].startswith('2024-11-22') for r in d['reminders'])"
expect 200 GET "/v1/reminders?limit=1"
jcheck "len(d['reminders']) == 1"
expect_error 400 state GET "/v1/reminders?state=lost"
expect_error 400 colour GET "/v1/reminders?colour=red"
expect_error 400 from GET "/v1/reminders?from=2024-02-30"
expect_error 400 limit GET "/v1/reminders?limit=0"
expect_error 400 limit GET "/v1/reminders?limit=1&limit=2"
expect_error 404 case GET "/v1/reminders?case=NO-SUCH-CASE"

# Acknowledgement: a link signed with the store's key, checked here
# independently of the daemon's code.
token() {
	"$PYTHON3" -c 'import base64, hashlib, hmac, sys
key = bytes.fromhex(sys.argv[1])
mac = hmac.new(key, sys.argv[2].encode(), hashlib.sha256).digest()[:16]
print(sys.argv[2] + "." + base64.urlsafe_b64encode(mac).decode().rstrip("="))' \
	    "$(sqlite3 "$DB" "select value from meta where key = 'ack_key'")" "$1"
}
tok=$(token "$rid")
expect 200 -t "" GET "/v1/ack/$tok"
grep -q '已确认 / Acknowledged' "$TMP/body" || fail "no acknowledgement page"
grep -q 'GK-2024-001' "$TMP/body" || fail "the page does not name the case"
[ "$(sqlite3 "$DB" "select office from acks where item_type = 'case' and item_id = $id")" = 综合处 ] ||
	fail "ack not stored"
if [ "$noverdue" -gt 0 ]; then
	expect 200 GET "/v1/reminders?case=GK-2024-001&state=pending"
	jcheck "not any(r['kind'] == 'overdue' and r['office'] == '综合处' for r in d['reminders'])"
fi
expect 200 POST "/v1/ack/$tok"
jcheck "d['acknowledged'] and d['already'] and d['reminder'] == $rid and d['office'] == '综合处'"
bad=$(token 999999)
expect 404 GET "/v1/ack/$bad"
grep -q '链接无效' "$TMP/body" || fail "no invalid-link page"
othermac=$(token $((rid + 1)))
expect_error 404 "" POST "/v1/ack/$rid.${othermac#*.}"
expect_error 404 "" POST "/v1/ack/not-a-token"
[ "$(sqlite3 "$DB" 'select count(*) from acks')" -eq 1 ] || fail "a bad link stored an ack"

# Milestones closed one by one.
expect 201 POST /v1/cases '{"ref": "CP-7", "rule": "bad-review", "office": "综合处", "title": "实名差评", "opened_at": "2024-09-20T09:30:00+08:00"}'
jcheck "[x['name'] for x in d['case']['milestones']] == ['contact', 'rectify']"
jcheck "d['case']['milestones'][0]['deadline_date'] == '2024-09-23'"
expect 200 POST /v1/cases/CP-7/close '{"milestone": "contact", "at": "2024-09-20T09:45:00+08:00"}'
jcheck "d['case']['milestones'][0]['status'] == 'done' and not d['case']['milestones'][0]['late']"
jcheck "d['case']['milestones'][1]['status'] == 'running' and not d['case']['closed']"
expect_error 409 milestone POST /v1/cases/CP-7/close '{"milestone": "contact"}'
# Its overdue reminders went out at once, each with a link that works.
wait_for_line "$TMP/messages.log" "http://127.0.0.1:$PORT/v1/ack/"
link=$(grep -o "http://127.0.0.1:$PORT/v1/ack/[0-9]*\.[A-Za-z0-9_-]*" "$TMP/messages.log" | head -1)
expect 200 -t "" GET "${link#http://127.0.0.1:$PORT}"
grep -q 'CP-7' "$TMP/body" || fail "the page does not name the case"

# Listing cases: open ones by default, with the earliest running deadline
# (GK-2024-001 after its extension; CP-7's rectify, contact being closed).
expect 200 GET /v1/cases
jcheck "[c['ref'] for c in d['cases']] == ['GK-2024-001', 'CP-7']"
jcheck "d['cases'][0] == {'ref': 'GK-2024-001', 'rule': 'disclosure', 'office': '综合处', 'title': '关于某项目环评信息的公开申请', 'opened_at': '2024-09-20T00:00:00+08:00', 'status': 'open', 'deadline': '2024-11-22T23:59:59+08:00', 'provisional': False}"
jcheck "d['cases'][1]['deadline'] == '2024-09-27T23:59:59+08:00' and d['cases'][1]['opened_at'] == '2024-09-20T09:30:00+08:00'"
expect 200 GET "/v1/cases?office=局综合处&limit=1"
jcheck "[c['ref'] for c in d['cases']] == ['GK-2024-001']"
expect 200 GET "/v1/cases?office=局办公室"
jcheck "d['cases'] == []"
expect 200 GET "/v1/cases?state=closed"
jcheck "d['cases'] == []"
expect_error 400 state GET "/v1/cases?state=shut"
expect_error 400 limit GET "/v1/cases?limit=1001"
expect_error 400 colour GET "/v1/cases?colour=red"

# Closing: the case is done, its pending reminders cancelled, nothing after.
expect 200 POST /v1/cases/GK-2024-001/close '{"note": "已答复"}'
jcheck "d['case']['closed'] and $m['status'] == 'done' and not $m['late']"
expect_error 409 "" POST /v1/cases/GK-2024-001/pause
jcheck "'closed' in d['error']"
expect 200 GET "/v1/reminders?case=GK-2024-001&state=pending"
jcheck "d['reminders'] == []"
expect 200 GET "/v1/reminders?case=GK-2024-001&state=cancelled"
jcheck "len(d['reminders']) > 0"

# Closed cases have no deadline left.
expect 200 GET "/v1/cases?state=closed"
jcheck "[(c['ref'], c['status'], c['deadline']) for c in d['cases']] == [('GK-2024-001', 'closed', None)]"
expect 200 GET /v1/cases
jcheck "[c['ref'] for c in d['cases']] == ['CP-7']"
expect 200 GET "/v1/cases?state=all"
jcheck "[c['ref'] for c in d['cases']] == ['GK-2024-001', 'CP-7']"

# TCP: a bearer token; read for reading, write for writing.
expect_error 401 "" -t "" GET /v1/cases/GK-2024-001
expect_error 401 "" -t "wrong-0123456789abcdef" GET /v1/cases/GK-2024-001
expect_error 401 "" -t "" GET /v1/nothing
expect 200 -t "$RTOKEN" GET /v1/cases/GK-2024-001
jcheck "d['case']['closed']"
expect 200 -t "$RTOKEN" GET /v1/reminders
expect 200 -t "$RTOKEN" GET /v1/cases
expect_error 401 "" -t "" GET /v1/cases
expect_error 403 "" -t "$RTOKEN" POST /v1/cases '{"ref": "TCP-1", "rule": "disclosure", "office": "综合处", "title": "x"}'
expect_error 403 "" -t "$RTOKEN" POST /v1/reload
expect 201 -t "$WTOKEN" POST /v1/cases '{"ref": "TCP-1", "rule": "disclosure", "office": "综合处", "title": "x"}'
expect 200 -t "$WTOKEN" GET /v1/cases/TCP-1
expect_error 404 "" -t "$WTOKEN" GET /v1/nothing
# The token file is read again when it changes: the read token goes.
echo "$WTOKEN write" >"$TMP/tokens"
expect_error 401 "" -t "$RTOKEN" GET /v1/cases/TCP-1
expect 200 -t "$WTOKEN" GET /v1/cases/TCP-1

# Reload: a good config is taken; a broken one is refused with file:line.
expect 200 POST /v1/reload
jcheck "d['status'] == 'reloaded'"
cp "$CONF" "$TMP/good.conf"
printf 'rule "broken" {\n\tlimit = "twenty workdays"\n}\n' >>"$CONF"
expect 422 POST /v1/reload
jcheck "d['error'] == 'config rejected' and len(d['errors']) > 0"
jcheck "all(':' in e for e in d['errors']) and any('duban.conf:' in e for e in d['errors'])"
cp "$TMP/good.conf" "$CONF"
expect 200 GET /v1/cases/GK-2024-001

# A daemon killed outright leaves its socket; the next start removes it.
kill -9 "$(cat "$TMP/duband.pid")"
wait "$(cat "$TMP/duband.pid")" 2>/dev/null || true
[ -S "$SOCK" ] || fail "expected a stale socket"
start_duband "$LOG.2" -c "$CONF" --fake-now 2024-09-27T10:00:00+08:00
wait_for_line "$LOG.2" 'ready'
expect 200 GET /v1/cases/CP-7
jcheck "d['case']['milestones'][0]['status'] == 'done'"
# ... but not the socket of a daemon that answers.
expect_exit 69 "$DUBAND" -c "$CONF" -d "$TMP/other.db"
expect_grep "$TMP/err" 'another daemon is listening'
expect 200 GET /healthz
stop_duband
[ ! -e "$SOCK" ] || fail "the socket stays after a clean stop"

# A malformed token file stops the start, naming file and line.
printf '# tokens\nshort write\n' >"$TMP/tokens"
expect_exit 69 "$DUBAND" -c "$CONF"
expect_grep "$TMP/err" 'tokens:2: expected "TOKEN read" or "TOKEN write"'
echo ok
