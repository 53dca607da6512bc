#!/bin/sh
# One 依申请公开 (information disclosure) case walked through its life with
# the fake clock: opened 2024-09-20, across the National Day holiday, paused
# for 补正 and resumed, extended once, overdue, escalated, closed.  The
# daemon is restarted with --fake-now two seconds before each reminder is
# due (no waiting for real deadlines); the test asserts the exact sequence
# of what reached the webhook sink, with the fake time each arrived at.
#
# The expected dates, worked out by hand on the 2024 national calendar
# (国庆 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 are working days):
#
#  opened Fri 09-20: 20 workdays = 09-23..27 (5), 09-29, 09-30 (7),
#    10-08..11 (11), 10-12 (12), 10-14..18 (17), 10-21..23 (20)
#    -> deadline Wed 2024-10-23 23:59:59.  Policy "standard": before 3
#    workdays (10-18) and 1 (10-22), due 10-23, then overdue every workday
#    from 10-24 and the escalation to 局办公室 on 10-24, all at 09:00 (the
#    start of the 09:00-17:30 window).  Nothing falls in the holiday.
#  paused Wed 10-09 (8 workdays used: 09-23..27, 09-29, 09-30, 10-08):
#    no deadline, no reminders pending.
#  resumed Mon 10-14: 10-09..10-14 do not count; 12 left: 10-15..18 (4),
#    10-21..25 (9), 10-28..30 (12) -> deadline Wed 10-30.  Before 3
#    workdays: 10-29, 10-28, 10-25 -> Fri 10-25; before 1: Tue 10-29;
#    due 10-30; overdue and escalation from Thu 10-31.
#  10-25 09:00: "before" reminder, 3 working days left.      <- arrival 1
#  extended Mon 10-28 by 20 workdays: 40 - 8 used = 32 after 10-14:
#    10-15..10-30 (12), 10-31..11-27 (20 more: 10-31, 11-01, 11-04..08,
#    11-11..15, 11-18..22, 11-25..27) -> deadline Wed 11-27.  Before 3:
#    11-26, 11-25, 11-22 -> Fri 11-22; before 1: Tue 11-26; due Wed 11-27;
#    overdue and escalation from Thu 11-28, overdue again Fri 11-29.
#  11-22 09:00 before (3 left), 11-26 09:00 before (1 left), 11-27 09:00
#  due, 11-28 09:00 overdue to 综合处 and escalation to 局办公室, 11-29
#  09:00 overdue (2 working days overdue).                  <- arrivals 2-7
#  closed Fri 11-29 10:00: late; nothing pending; nothing on Mon 12-02.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || { echo "python3 not found: skipping"; exit 77; }
PY=$PYTHON3
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind

chk() { "$PY" "$top_srcdir/tests/integration/check.py" "$@"; }

# wait_count FILE PATTERN N [SECONDS]: until N lines of FILE match.
wait_count() {
	i=0
	limit=$(( ${4:-10} * SLOW * 20 ))
	while :; do
		got=$(grep -c -e "$2" "$1" 2>/dev/null) || true
		[ "${got:-0}" -lt "$3" ] || break
		i=$((i + 1))
		[ "$i" -le "$limit" ] || { cat "$1" >&2; fail "timed out waiting for $3 lines \"$2\" in $1"; }
		sleep 0.05
	done
}

# api METHOD PATH [JSON]: the API over the unix socket; the answer goes to
# $TMP/api.json and its HTTP status to $status.
api() {
	if [ $# -ge 3 ]; then
		set -- "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"
	fi
	method=$1 path=$2
	shift 2
	status=$(curl -sS --unix-socket "$SOCK" -X "$method" "$@" \
	    -o "$TMP/api.json" -w '%{http_code}' "http://duban$path")
}
expect_api() {	# expect_api STATUS METHOD PATH [JSON]
	want=$1
	shift
	api "$@"
	[ "$status" = "$want" ] || { cat "$TMP/api.json" >&2; fail "$1 $2: HTTP $status, expected $want"; }
}

expect_eq() {	# expect_eq GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got \"$1\", expected \"$2\""
}

# case_field FIELD: a field of the case in the last API answer.
case_field() { chk get "$TMP/api.json" 0 "case.$1" --doc; }

# pending EXPECTED_FILE: the case's first pending rows are these.
pending() {
	expect_api 200 GET "/v1/reminders?case=$REF&state=pending"
	chk lines "$TMP/api.json" --list reminders '{due_at} {office} {kind}' |
	    LC_ALL=C sort | head -n "$(grep -c . "$1")" >"$TMP/pending"
	diff -u "$1" "$TMP/pending" || fail "pending reminders"
}

# run_at FAKE_NOW: starts the daemon on the fake clock; notes for check.py
# which sink records arrive during this run and how its clock maps.
run_at() {
	n=$(chk count "$TMP/sink.log")
	launch=$(date +%s%3N)
	echo "$n $launch $1" >>"$TMP/clock"
	# Emptied here, not by start_duband's redirection in the background
	# job, which may come after wait_for_line saw the last run's "ready".
	: >"$TMP/duband.log"
	start_duband "$TMP/duband.log" -c "$TMP/duban.conf" -d "$TMP/duban.db" --fake-now "$1"
	wait_for_line "$TMP/duband.log" 'ready' $((10 * SLOW))
}

# settle_and_stop: waits until no row is being sent, then stops the daemon
# (a row stopped while sending would be sent again at the next start).
settle_and_stop() {
	i=0
	while :; do
		expect_api 200 GET '/v1/reminders?state=sending'
		[ "$(chk count "$TMP/api.json" --list reminders)" -ne 0 ] || break
		i=$((i + 1))
		[ "$i" -le $((100 * SLOW)) ] || fail "rows stay sending"
		sleep 0.05
	done
	stop_duband
	cat "$TMP/duband.log" >>"$TMP/duband.all"
}

# arrive FAKE_NOW N: runs from FAKE_NOW until N more requests reached the sink.
arrive() {
	before=$(chk count "$TMP/sink.log")
	run_at "$1"
	wait_count "$TMP/sink.log" '"path"' $((before + $2))
	settle_and_stop
}

"$PY" "$top_srcdir/tests/integration/sink.py" --port-file "$TMP/sink.port" \
    --log "$TMP/sink.log" 2>"$TMP/sink.err" &
echo $! >"$TMP/sink.pid"
wait_for_line "$TMP/sink.port" '^[0-9][0-9]*$' 10
: >>"$TMP/sink.log"
HP=$(cat "$TMP/sink.port")
SOCK="$TMP/duban.sock"
REF='GK-2024-018'

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
cat >"$TMP/duban.conf" <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
log_level = "info"

channel "zonghe" {
	type = "webhook"
	url = "http://127.0.0.1:$HP/zonghe"
}
channel "ban" {
	type = "webhook"
	url = "http://127.0.0.1:$HP/ban"
}
office "局办公室" {
	channels = {"ban"}
}
office "综合处" {
	channels = {"zonghe"}
	supervisor = "局办公室"
}

policy "standard" {
	before = {"3 workdays", "1 workday"}
	at_deadline = true
	overdue_every = "1 workday"
	escalate_after = "1 workday"
	hours = "09:00-17:30"
}
rule "disclosure" {
	title = "依申请公开答复"
	limit = "20 workdays"
	extension = "20 workdays"
	max_extensions = 1
	calendar = "cn"
	policy = "standard"
}
CONF

# Fri 2024-09-20: the request is received; deadline Wed 10-23.
run_at 2024-09-20T10:00:00+08:00
expect_api 201 POST /v1/cases "{\"ref\": \"$REF\", \"rule\": \"disclosure\",
    \"office\": \"综合处\", \"title\": \"关于药品注册批件信息的公开申请\",
    \"opened_at\": \"2024-09-20\"}"
expect_eq "$(case_field milestones.0.deadline)" 2024-10-23T23:59:59+08:00 "deadline"
cat >"$TMP/expected" <<EOF
2024-10-18T09:00:00+08:00 综合处 before
2024-10-22T09:00:00+08:00 综合处 before
2024-10-23T09:00:00+08:00 综合处 due
2024-10-24T09:00:00+08:00 局办公室 escalation
2024-10-24T09:00:00+08:00 综合处 overdue
2024-10-25T09:00:00+08:00 综合处 overdue
EOF
pending "$TMP/expected"
settle_and_stop

# Wed 10-09, after the holiday: paused for 补正, 12 working days left.
run_at 2024-10-09T10:00:00+08:00
expect_api 200 POST "/v1/cases/$REF/pause" '{"note": "申请人补正材料"}'
expect_eq "$(case_field milestones.0.status)" stopped "status while paused"
expect_eq "$(case_field milestones.0.remaining)" 12 "workdays left while paused"
expect_api 200 GET "/v1/reminders?case=$REF&state=pending"
expect_eq "$(chk count "$TMP/api.json" --list reminders)" 0 "pending rows while paused"
settle_and_stop

# Mon 10-14: resumed; deadline Wed 10-30.
run_at 2024-10-14T10:00:00+08:00
expect_api 200 POST "/v1/cases/$REF/resume" '{}'
expect_eq "$(case_field milestones.0.status)" running "status after resume"
expect_eq "$(case_field milestones.0.deadline)" 2024-10-30T23:59:59+08:00 "deadline after resume"
cat >"$TMP/expected" <<EOF
2024-10-25T09:00:00+08:00 综合处 before
2024-10-29T09:00:00+08:00 综合处 before
2024-10-30T09:00:00+08:00 综合处 due
2024-10-31T09:00:00+08:00 局办公室 escalation
2024-10-31T09:00:00+08:00 综合处 overdue
2024-11-01T09:00:00+08:00 综合处 overdue
EOF
pending "$TMP/expected"
settle_and_stop

# Fri 10-25 09:00: 3 working days before the deadline.
arrive 2024-10-25T08:59:58+08:00 1
expect_eq "$(chk get "$TMP/sink.log" -1 body.json.subject)" \
    "【督办提醒】$REF「关于药品注册批件信息的公开申请」将于2024-10-30到期，还剩3个工作日" \
    "subject of the first reminder"

# Mon 10-28: extended once; deadline Wed 11-27.  The sent row stays sent.
run_at 2024-10-28T10:00:00+08:00
expect_api 200 POST "/v1/cases/$REF/extend" '{"note": "情况复杂，延期答复"}'
expect_eq "$(case_field milestones.0.deadline)" 2024-11-27T23:59:59+08:00 "deadline after extension"
expect_eq "$(case_field milestones.0.extensions)" 1 "extensions"
expect_api 409 POST "/v1/cases/$REF/extend" '{}'
grep -q 'extension limit reached (1 of 1 used)' "$TMP/api.json" || fail "second extension: $(cat "$TMP/api.json")"
cat >"$TMP/expected" <<EOF
2024-11-22T09:00:00+08:00 综合处 before
2024-11-26T09:00:00+08:00 综合处 before
2024-11-27T09:00:00+08:00 综合处 due
2024-11-28T09:00:00+08:00 局办公室 escalation
2024-11-28T09:00:00+08:00 综合处 overdue
2024-11-29T09:00:00+08:00 综合处 overdue
EOF
pending "$TMP/expected"
expect_api 200 GET "/v1/reminders?case=$REF&state=sent"
expect_eq "$(chk lines "$TMP/api.json" --list reminders '{due_at} {kind} {attempts}')" \
    "2024-10-25T09:00:00+08:00 before 1" "sent rows after the extension"
settle_and_stop

arrive 2024-11-22T08:59:58+08:00 1	# Fri: 3 working days left
arrive 2024-11-26T08:59:58+08:00 1	# Tue: 1 working day left
arrive 2024-11-27T08:59:58+08:00 1	# Wed: due today
arrive 2024-11-28T08:59:58+08:00 2	# Thu: overdue, and escalated
arrive 2024-11-29T08:59:58+08:00 1	# Fri: 2 working days overdue

# Fri 11-29 10:00: closed, late; nothing left pending.
run_at 2024-11-29T10:00:00+08:00
expect_api 200 POST "/v1/cases/$REF/close" '{}'
expect_eq "$(case_field closed)" true "closed"
expect_eq "$(case_field milestones.0.late)" true "closed late"
expect_api 200 GET "/v1/reminders?case=$REF&state=pending"
expect_eq "$(chk count "$TMP/api.json" --list reminders)" 0 "pending rows after close"
settle_and_stop

# Mon 12-02: past 09:00, nothing more arrives.
n=$(chk count "$TMP/sink.log")
run_at 2024-12-02T08:59:59+08:00
sleep 3
settle_and_stop
expect_eq "$(chk count "$TMP/sink.log")" "$n" "requests after the case was closed"

# The whole sequence, with the fake time each request arrived at.
cat >"$TMP/expected" <<EOF
2024-10-25T09:00 /zonghe before 2024-10-30 3 依申请公开答复：20个工作日
2024-11-22T09:00 /zonghe before 2024-11-27 3 依申请公开答复：20个工作日，已延期1次
2024-11-26T09:00 /zonghe before 2024-11-27 1 依申请公开答复：20个工作日，已延期1次
2024-11-27T09:00 /zonghe due 2024-11-27 0 依申请公开答复：20个工作日，已延期1次
2024-11-28T09:00 /ban escalation 2024-11-27 -1 依申请公开答复：20个工作日，已延期1次
2024-11-28T09:00 /zonghe overdue 2024-11-27 -1 依申请公开答复：20个工作日，已延期1次
2024-11-29T09:00 /zonghe overdue 2024-11-27 -2 依申请公开答复：20个工作日，已延期1次
EOF
chk lines "$TMP/sink.log" --clock "$TMP/clock" \
    '{fake} {path} {body.json.kind} {body.json.items.0.deadline_date} {body.json.items.0.workdays_left} {body.json.items.0.rule}' |
    LC_ALL=C sort >"$TMP/got"
diff -u "$TMP/expected" "$TMP/got" || fail "the reminders of the case"
# Each went once, and at most 5 s (x10 under valgrind) after 09:00.
[ "$(chk lines "$TMP/sink.log" '{headers.idempotency-key}' | sort -u | wc -l)" -eq 7 ] ||
	fail "a reminder was sent twice"
chk lines "$TMP/sink.log" --clock "$TMP/clock" '{late}' |
    awk -v max=$((5 * SLOW)) '$1 > max { print "late by " $1 " s"; bad = 1 } END { exit bad }' ||
	fail "reminders came late"
# Every one of them names the case and its office.
for i in 0 1 2 3 4 5 6; do
	expect_eq "$(chk get "$TMP/sink.log" $i body.json.items.0.number)" "$REF" "item number"
	expect_eq "$(chk get "$TMP/sink.log" $i body.json.items.0.lead)" 综合处 "item lead"
done
echo ok
