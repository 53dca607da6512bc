#!/bin/sh
# Minimum periods (issue 8 item 5): a 征求意见 (public comment) rule whose
# comment period is at least 30 days (seed 001: "征求意见...不少于30日").
# The daemon runs on the fake clock; dubanctl and the API over its socket.
#
# Worked out by hand (calendar days do not care about 国庆):
#  opened Fri 2024-09-20: the 30 days are 09-21..10-20, so the minimum
#    period ends Sun 10-20 23:59:59; a close before that is refused (409,
#    dubanctl exit 65) naming 2024-10-20, unless forced with a reason.
#  the reminder that the period is complete goes to the lead office at the
#    first window after it: Mon 10-21 09:00 (policy hours 09:00-17:30).
#  limit 60 days: deadline Tue 11-19; before 3 workdays: Thu 11-14.
#  A rule counted backwards (-1 workdays) is opened through the API with
#  its scheduled event's instant, in the future: event Tue 10-08 (the day
#  after 国庆) -> the working day before is Mon 09-30: 23:59:59.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || { echo "python3 not found: skipping"; exit 77; }
PY=$PYTHON3
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind

chk() { "$PY" "$top_srcdir/tests/integration/check.py" "$@"; }

wait_count() {	# wait_count FILE PATTERN N
	i=0
	while :; do
		got=$(grep -c -e "$2" "$1" 2>/dev/null) || true
		[ "${got:-0}" -lt "$3" ] || break
		i=$((i + 1))
		[ "$i" -le $((200 * SLOW)) ] || { cat "$1" >&2; fail "timed out waiting for $3 lines \"$2\" in $1"; }
		sleep 0.05
	done
}

api() {	# api METHOD PATH [JSON]: answer in $TMP/api.json, status in $status
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
case_field() { chk get "$TMP/api.json" 0 "case.$1" --doc; }
ctl() { ${DUBAN_WRAPPER:-} "$DUBANCTL" -c "$TMP/duban.conf" -s "$SOCK" "$@"; }

run_at() {
	: >"$TMP/duband.log"
	start_duband "$TMP/duband.log" -c "$TMP/duban.conf" -d "$TMP/duban.db" --fake-now "$1"
	wait_for_line "$TMP/duband.log" 'ready' $((10 * SLOW))
}
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
}

"$PY" "$top_srcdir/tests/integration/sink.py" --port-file "$TMP/sink.port" \
    --log "$TMP/sink.log" 2>"$TMP/sink.err" &
echo $! >"$TMP/sink.pid"
wait_for_line "$TMP/sink.port" '^[0-9][0-9]*$' 10
: >>"$TMP/sink.log"
HP=$(cat "$TMP/sink.port")
SOCK="$TMP/duban.sock"

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
cat >"$TMP/duban.conf" <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
log_level = "info"

channel "fagui" {
	type = "webhook"
	url = "http://127.0.0.1:$HP/fagui"
}
office "法规处" {
	channels = {"fagui"}
}
policy "standard" {
	before = {"3 workdays"}
	at_deadline = true
	hours = "09:00-17:30"
}
rule "comment" {
	title = "征求意见"
	limit = "60 days"
	minimum = "30 days"
	calendar = "cn"
	policy = "standard"
}
rule "kb" {
	title = "知识库更新"
	limit = "-1 workdays"
	calendar = "cn"
	policy = "standard"
}
CONF

# Fri 09-20: three comment periods open (A forced early, B closed after
# the minimum, C to see the refusal).
run_at 2024-09-20T10:00:00+08:00
for ref in A B C; do
	expect_api 201 POST /v1/cases "{\"ref\": \"ZQ-$ref\", \"rule\": \"comment\",
	    \"office\": \"法规处\", \"title\": \"征求意见稿$ref\",
	    \"opened_at\": \"2024-09-20T10:00:00+08:00\"}"
done
expect_eq "$(case_field milestones.0.deadline)" 2024-11-19T23:59:59+08:00 "deadline"
expect_api 200 GET '/v1/reminders?case=ZQ-C&state=pending'
expect_eq "$(chk lines "$TMP/api.json" --list reminders '{due_at} {milestone} {kind}')" \
"2024-10-21T09:00:00+08:00 minimum due
2024-11-14T09:00:00+08:00 null before
2024-11-19T09:00:00+08:00 null due" "pending reminders of a comment period"

# The scheduled event may be given ahead for a rule counted backwards.
expect_api 201 POST /v1/cases '{"ref": "KB-1", "rule": "kb", "office": "法规处",
    "title": "国庆后实施的新规", "opened_at": "2024-10-08T09:00:00+08:00"}'
expect_eq "$(case_field milestones.0.deadline)" 2024-09-30T23:59:59+08:00 "deadline counted back"
expect_api 200 POST /v1/cases/KB-1/close '{}'
expect_api 400 POST /v1/cases '{"ref": "ZQ-D", "rule": "comment", "office": "法规处",
    "title": "未来", "opened_at": "2024-10-08T09:00:00+08:00"}'
settle_and_stop

# Tue 10-15: too early to close.
run_at 2024-10-15T10:00:00+08:00
expect_exit 65 ctl case close ZQ-C
grep -q 'minimum period (30 days).*ends on 2024-10-20' "$TMP/err" || fail "early close: $(cat "$TMP/err")"
expect_api 409 POST /v1/cases/ZQ-C/close '{}'
expect_api 422 POST /v1/cases/ZQ-C/close '{"force": true}'
expect_api 400 POST /v1/cases/ZQ-C/close '{"reason": "没有 force"}'
expect_api 400 POST /v1/cases/ZQ-C/pause '{"force": true, "reason": "x"}'
expect_api 200 GET /v1/cases/ZQ-C
expect_eq "$(case_field closed)" false "closed after refusals"
expect_eq "$(case_field events.len)" 1 "events after refusals"
# A forced close records forced and the reason.
expect_exit 0 ctl case close ZQ-A --force --reason '上级要求提前定稿' --json
expect_api 200 GET /v1/cases/ZQ-A
expect_eq "$(case_field closed)" true "forced close"
expect_eq "$(case_field events.1.forced)" true "forced flag"
expect_eq "$(case_field events.1.note)" '上级要求提前定稿' "reason"
expect_eq "$(case_field events.0.forced)" false "opened is not forced"
expect_exit 0 ctl case show ZQ-A
grep -q 'closed (forced).*上级要求提前定稿' "$TMP/out" || fail "show: $(cat "$TMP/out")"
settle_and_stop

# Mon 10-21 09:00: the period is complete; the reminder reaches the sink.
run_at 2024-10-21T08:59:58+08:00
wait_count "$TMP/sink.log" 'ZQ-B' 1
wait_count "$TMP/sink.log" 'ZQ-C' 1
expect_eq "$(chk lines "$TMP/sink.log" '{body.json.items.0.number} {body.json.items.0.milestone} {body.json.kind} {body.json.items.0.deadline}' | LC_ALL=C sort)" \
"ZQ-B minimum due 2024-10-20T23:59:59+08:00
ZQ-C minimum due 2024-10-20T23:59:59+08:00" "what reached the sink"
! grep -q 'ZQ-A\|KB-1' "$TMP/sink.log" || fail "the forced or closed case was reminded"
# It says the period is complete and the case may close, not "due today".
expect_eq "$(chk lines "$TMP/sink.log" '{body.json.subject}|{body.json.items.0.period_complete}' | LC_ALL=C sort)" \
"【督办提醒】ZQ-B「征求意见稿B」最短期限（30日）已满，可以办结|最短期限（30日）已满，可以办结
【督办提醒】ZQ-C「征求意见稿C」最短期限（30日）已满，可以办结|最短期限（30日）已满，可以办结" "subjects of the minimum reminders"
chk lines "$TMP/sink.log" '{body.json.text}' >"$TMP/texts"
grep -q '^ZQ-B「征求意见稿B」最短期限（30日）已满，可以办结。$' "$TMP/texts" || fail "text: $(cat "$TMP/texts")"
grep -q '^最短期限届满：2024-10-20（星期日）23:59$' "$TMP/texts" || fail "text: $(cat "$TMP/texts")"
! grep -q '今天到期\|前办结\|minimum' "$TMP/texts" || fail "due wording in: $(cat "$TMP/texts")"
expect_api 200 GET '/v1/reminders?case=ZQ-B&state=sent' 
expect_eq "$(chk lines "$TMP/api.json" --list reminders '{due_at} {milestone} {kind}')" \
    "2024-10-21T09:00:00+08:00 minimum due" "the minimum reminder"
# Now B closes without force, as a plain close.
expect_exit 0 ctl case close ZQ-B
expect_api 200 GET /v1/cases/ZQ-B
expect_eq "$(case_field closed)" true "close after the minimum"
expect_eq "$(case_field events.1.forced)" false "not forced"
settle_and_stop
