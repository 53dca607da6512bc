#!/bin/sh
# Delivery outcomes against scripted local servers, with retry_base = 1 so
# retries come after about a second (1 s +-20%):
#  - webhook answering 500, then 200: retried, then sent;
#  - WeCom answering 200 {"errcode":45009} (throttled), then errcode 0:
#    retried, then sent;
#  - SMTP answering 451 to DATA, then 250: retried, then sent;
#  - SMTP answering 550: failed at once, and a delivery-failure notice to
#    the office's supervisor;
#  - webhook answering 404: failed at once, with its notice.
# Final states are read through GET /v1/reminders, the attempts from the
# store.  Each office has one task due Wednesday 2024-10-23; the daemon
# starts at 08:59:58 and the "due" reminders go at 09:00.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }
# smtpd.py needs aiosmtpd (Debian's python3-aiosmtpd): the configured
# python3 may lack it where the system one has it.
PY=
for py in "${PYTHON3:-no}" /usr/bin/python3; do
	[ "$py" != no ] && "$py" -c 'import aiosmtpd' 2>/dev/null && { PY=$py; break; }
done
[ -n "$PY" ] || { echo "python3 with aiosmtpd not found: skipping"; exit 77; }
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind

chk() { "$PY" "$top_srcdir/tests/integration/check.py" "$@"; }

# start_server NAME SCRIPT ARGS...: sink.py or smtpd.py in the background;
# its port in $TMP/NAME.port, its log in $TMP/NAME.log.
start_server() {
	name=$1
	script=$2
	shift 2
	"$PY" "$top_srcdir/tests/integration/$script" --port-file "$TMP/$name.port" \
	    --log "$TMP/$name.log" "$@" 2>"$TMP/$name.err" &
	echo $! >"$TMP/$name.pid"
	wait_for_line "$TMP/$name.port" '^[0-9][0-9]*$' 10
	: >>"$TMP/$name.log"
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

# unsettled: how many rows are still pending, sending or in retry.
unsettled() {
	total=0
	for state in pending sending retry; do
		expect_api 200 GET "/v1/reminders?state=$state"
		total=$((total + $(chk count "$TMP/api.json" --list reminders)))
	done
	echo "$total"
}

echo '500 {"error":"internal error"}' >"$TMP/hook.script"
echo '200 {"errcode":45009,"errmsg":"api freq out of limit"}' >"$TMP/wecom.script"
echo '451 4.3.0 Try again later' >"$TMP/mail451.script"
echo '550 5.7.1 Message rejected as spam' >"$TMP/mail550.script"
start_server hook sink.py --script "$TMP/hook.script"
start_server wecom sink.py --script "$TMP/wecom.script"
start_server gone sink.py --default '404 {"error":"no such hook"}'
start_server sup sink.py
start_server mail451 smtpd.py --script "$TMP/mail451.script"
start_server mail550 smtpd.py --script "$TMP/mail550.script"
SOCK="$TMP/duban.sock"
DB="$TMP/duban.db"
LOG="$TMP/duband.log"

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
cat >"$TMP/duban.conf" <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
log_level = "info"
retry_base = 1

channel "hook" {
	type = "webhook"
	url = "http://127.0.0.1:$(cat "$TMP/hook.port")/hook"
}
channel "wecom" {
	type = "wecom"
	url = "http://127.0.0.1:$(cat "$TMP/wecom.port")/cgi-bin/webhook/send?key=K"
}
channel "gone" {
	type = "webhook"
	url = "http://127.0.0.1:$(cat "$TMP/gone.port")/gone"
}
channel "sup" {
	type = "webhook"
	url = "http://127.0.0.1:$(cat "$TMP/sup.port")/sup"
}
channel "mail451" {
	type = "smtp"
	url = "smtp://127.0.0.1:$(cat "$TMP/mail451.port")"
	from = "duban@example.gov.cn"
	starttls = false
}
channel "mail550" {
	type = "smtp"
	url = "smtp://127.0.0.1:$(cat "$TMP/mail550.port")"
	from = "duban@example.gov.cn"
	starttls = false
}

office "局办公室" {
	channels = {"sup"}
}
office "综合处" {
	channels = {"hook"}
	supervisor = "局办公室"
}
office "政策法规处" {
	channels = {"wecom"}
	supervisor = "局办公室"
}
office "药品注册处" {
	channels = {"mail451"}
	email = {"zhuce@example.gov.cn"}
	supervisor = "局办公室"
}
office "器械注册处" {
	channels = {"mail550"}
	email = {"qixie@example.gov.cn"}
	supervisor = "局办公室"
}
office "人事处" {
	channels = {"gone"}
	supervisor = "局办公室"
}

policy "once" {
	at_deadline = true
	hours = "09:00-17:30"
}
task "t-hook" {
	title = "webhook 500 then 200"
	lead = "综合处"
	due = "2024-10-23"
	policy = "once"
}
task "t-wecom" {
	title = "WeCom 45009 then 0"
	lead = "政策法规处"
	due = "2024-10-23"
	policy = "once"
}
task "t-451" {
	title = "SMTP 451 then 250"
	lead = "药品注册处"
	due = "2024-10-23"
	policy = "once"
}
task "t-550" {
	title = "SMTP 550"
	lead = "器械注册处"
	due = "2024-10-23"
	policy = "once"
}
task "t-404" {
	title = "webhook 404"
	lead = "人事处"
	due = "2024-10-23"
	policy = "once"
}
CONF

start_duband "$LOG" -c "$TMP/duban.conf" -d "$DB" --fake-now 2024-10-23T08:59:58+08:00
wait_for_line "$LOG" 'ready' $((10 * SLOW))
# Two seconds to 09:00, one retry of about a second: settled well within 30.
i=0
while [ "$(unsettled)" -ne 0 ]; do
	i=$((i + 1))
	[ "$i" -le $((300 * SLOW)) ] || { cat "$LOG" >&2; fail "rows not settled"; }
	sleep 0.1
done

# The final states.
expect_api 200 GET '/v1/reminders'
cp "$TMP/api.json" "$TMP/all.json"
cat >"$TMP/expected" <<EOF
人事处 gone due failed 1
器械注册处 mail550 due failed 1
局办公室 sup failure sent 1
局办公室 sup failure sent 1
政策法规处 wecom due sent 2
综合处 hook due sent 2
药品注册处 mail451 due sent 2
EOF
chk lines "$TMP/all.json" --list reminders '{office} {channel} {kind} {state} {attempts}' |
    LC_ALL=C sort >"$TMP/got"
diff -u "$TMP/expected" "$TMP/got" || fail "final states"
row() { chk get "$TMP/all.json" 0 "$2" --list reminders --where "channel=$1" --where kind=due; }

# Each failure notice is about one failed row and says which.
for ch in mail550 gone; do
	failed=$(row "$ch" id)
	expect_eq "$(chk count "$TMP/all.json" --list reminders --where kind=failure --where "about=$failed")" 1 \
	    "failure notices about reminder $failed ($ch)"
	office=$(row "$ch" office)
	expect_eq "$(chk count "$TMP/sup.log" --where "body.json.items.0.failure=提醒 #$failed（发给$office，渠道 $ch）投递失败，详见 \`dubanctl reminder list --state failed\`")" 1 \
	    "notice of reminder $failed at the supervisor's sink"
done
expect_eq "$(chk lines "$TMP/sup.log" '{body.json.kind} {body.json.office}' | sort -u)" \
    "failure 局办公室" "what the supervisor got"
expect_eq "$(chk lines "$TMP/sup.log" '{body.json.items.0.number}' | LC_ALL=C sort | tr '\n' ' ')" \
    "t-404 t-550 " "items of the failure notices"

# What the servers saw: the same reminder twice where retried, once where
# it failed.
expect_eq "$(chk count "$TMP/hook.log")" 2 "webhook requests"
expect_eq "$(chk lines "$TMP/hook.log" '{headers.idempotency-key}' | sort -u)" "$(row hook id)" \
    "Idempotency-Key of both webhook attempts"
expect_eq "$(chk lines "$TMP/hook.log" '{reply}' | cut -c1-3 | tr '\n' ' ')" "500 200 " "webhook replies"
expect_eq "$(chk count "$TMP/wecom.log")" 2 "WeCom requests"
expect_eq "$(chk get "$TMP/wecom.log" 0 body)" "$(chk get "$TMP/wecom.log" 1 body)" "WeCom retry body"
expect_eq "$(chk lines "$TMP/mail451.log" '{reply}' | cut -c1-3 | tr '\n' ' ')" "451 250 " "SMTP 451 replies"
expect_eq "$(chk lines "$TMP/mail550.log" '{reply}' | cut -c1-3)" 550 "SMTP 550 replies"
expect_eq "$(chk count "$TMP/gone.log")" 1 "requests to the 404 hook"

# The attempts, as the store logged them.
attempts() {	# attempts CHANNEL: "result status" per attempt, in order
	sqlite3 "$DB" "select result || ' ' || coalesce(status, 0) from attempts
	    where reminder_id = $(row "$1" id) order by id" | tr '\n' ' '
}
expect_eq "$(attempts hook)" "retry 500 sent 200 " "webhook attempts"
expect_eq "$(attempts wecom)" "retry 200 sent 200 " "WeCom attempts"
expect_eq "$(attempts mail451)" "retry 451 sent 250 " "SMTP 451 attempts"
expect_eq "$(attempts mail550)" "failed 550 " "SMTP 550 attempts"
expect_eq "$(attempts gone)" "failed 404 " "webhook 404 attempts"
# The retry waited: next_at is in whole seconds, at least 1 (retry_base 1
# -20%, rounded) after the second the first attempt ended in; and not much
# longer than 1.2 s after it ended.
for ch in hook wecom mail451; do
	id=$(row "$ch" id)
	ok=$(sqlite3 "$DB" "select a2.started_at >= ((a1.started_at + a1.duration_ms) / 1000 + 1) * 1000
	    and a2.started_at <= a1.started_at + a1.duration_ms + $((2500 * SLOW))
	    from attempts a1, attempts a2 where a1.reminder_id = $id and a2.reminder_id = $id
	    and a2.id = (select min(id) from attempts where reminder_id = $id and id > a1.id)
	    order by a1.id limit 1")
	[ "$ok" = 1 ] || fail "$ch: the retry did not wait about retry_base: $(sqlite3 "$DB" \
	    "select started_at, duration_ms, result from attempts where reminder_id = $id")"
done
excerpt() {	# excerpt CHANNEL: the first attempt's excerpt
	sqlite3 "$DB" "select excerpt from attempts where reminder_id =
	    $(row "$1" id) order by id limit 1"
}
excerpt hook | grep -q 'internal error' || fail "webhook excerpt: $(excerpt hook)"
excerpt wecom | grep -q '45009' || fail "WeCom excerpt: $(excerpt wecom)"
excerpt mail451 | grep -q '451' || fail "SMTP 451 excerpt: $(excerpt mail451)"
excerpt mail550 | grep -q '550' || fail "SMTP 550 excerpt: $(excerpt mail550)"
[ "$(sqlite3 "$DB" 'select count(*) from attempts where duration_ms < 0 or started_at <= 0')" -eq 0 ] ||
	fail "attempts with bad times"

stop_duband

# A retried e-mail is the same message: the same Message-ID (message.h: the
# reminder id is "the Idempotency-Key and Message-ID"), so a receiver that
# got both copies (e.g. a 451 after it had queued the first) can drop one.
expect_eq "$(chk get "$TMP/mail451.log" 0 message_id)" "$(chk get "$TMP/mail451.log" 1 message_id)" \
    "Message-ID kept across the retry"
echo ok
