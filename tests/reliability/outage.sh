#!/bin/sh
# Outages (issue 6, reliability 2), with retry_base = 1, so the n-th retry
# waits 2^(n-1) s +-20% (dispatch.c), in whole seconds.
#  - A webhook sink that is down (connection refused: bound, not listening)
#    until every reminder to it has been refused once; then it hangs longer
#    than the channel's timeout (2 s, 20 under valgrind) on each of them;
#    then answers 503
#    once each; then 200.
#  - An SMTP server answering 421 to each message's DATA, then 451, then 250.
# Every reminder is delivered after the recovery; each one's attempts (from
# the attempts table) are, in order, refused, timeout, 503, sent (webhook)
# or 421, 451, sent (SMTP); every retry started when the backoff said, and
# no attempt of a reminder started before the previous one had ended; the
# sink got each reminder's requests in its attempts' order, with one
# Idempotency-Key, and the same message each time.
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
HOOKS=4		# offices on the webhook
MAILS=2		# offices on SMTP
TIMEOUT=$((2 * SLOW))	# the webhook channel's timeout, s

chk() { "$PY" "$top_srcdir/tests/integration/check.py" "$@"; }
q() { sqlite3 "$DB" "$1"; }
expect_eq() {	# expect_eq GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got \"$1\", expected \"$2\""
}

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

# api METHOD PATH: the API over the unix socket, into $TMP/api.json.
api() {
	status=$(curl -sS --unix-socket "$SOCK" -X "$1" -o "$TMP/api.json" \
	    -w '%{http_code}' "http://duban$2")
	[ "$status" = 200 ] || { cat "$TMP/api.json" >&2; fail "$1 $2: HTTP $status"; }
}

# wait_attempts CHANNEL N: until N attempts on CHANNEL are recorded.
wait_attempts() {
	i=0
	while [ "$(q "select count(*) from attempts a join reminders r
	    on r.id = a.reminder_id where r.channel = '$1'" 2>/dev/null || echo 0)" -lt "$2" ]; do
		i=$((i + 1))
		[ "$i" -le $((200 * SLOW)) ] || { cat "$LOG" >&2; fail "timed out waiting for $2 attempts on $1"; }
		sleep 0.02
	done
}

# The phases of the sink after the refusals, one request each, in order:
# all the reminders' second attempts come within 1 s +-20% of the first,
# their third ones 2 s +-20% after the timeout, well after.
i=0
while [ "$i" -lt "$HOOKS" ]; do
	echo "HANG $((TIMEOUT * 2))" >>"$TMP/hook.script"
	i=$((i + 1))
done
i=0
while [ "$i" -lt "$HOOKS" ]; do
	echo '503 {"error":"service unavailable"}' >>"$TMP/hook.script"
	i=$((i + 1))
done
i=0
while [ "$i" -lt "$MAILS" ]; do
	echo '421 4.3.2 Service shutting down' >>"$TMP/mail.script"
	i=$((i + 1))
done
i=0
while [ "$i" -lt "$MAILS" ]; do
	echo '451 4.3.0 Try again later' >>"$TMP/mail.script"
	i=$((i + 1))
done
start_server hook sink.py --script "$TMP/hook.script" --refuse-until "$TMP/hook.up"
start_server mail smtpd.py --script "$TMP/mail.script"
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
retry_base = 1

channel "hook" {
	type = "webhook"
	url = "http://127.0.0.1:$(cat "$TMP/hook.port")/hook"
	connect_timeout = 1
	timeout = $TIMEOUT
}
channel "mail" {
	type = "smtp"
	url = "smtp://127.0.0.1:$(cat "$TMP/mail.port")"
	from = "duban@example.gov.cn"
	starttls = false
	timeout = $((10 * SLOW))
}
policy "once" {
	at_deadline = true
	hours = "09:00-17:30"
}
CONF
	i=1
	while [ "$i" -le $((HOOKS + MAILS)) ]; do
		if [ "$i" -le "$HOOKS" ]; then
			ch='channels = {"hook"}'
		else
			ch="channels = {\"mail\"}
	email = {\"office$i@example.gov.cn\"}"
		fi
		printf 'office "处室%d" {\n\t%s\n}\n' "$i" "$ch"
		printf 'task "outage-%d" {\n\ttitle = "故障提醒%d"\n\tlead = "处室%d"\n' "$i" "$i" "$i"
		printf '\tdue = "2024-10-23"\n\tpolicy = "once"\n}\n'
		i=$((i + 1))
	done
} >"$TMP/duban.conf"

start_duband "$LOG" -c "$TMP/duban.conf" -d "$DB" --fake-now 2024-10-23T08:59:59+08:00
wait_for_line "$LOG" 'ready' $((10 * SLOW))
# Down until each webhook reminder has been refused once.
wait_attempts hook "$HOOKS"
touch "$TMP/hook.up"

# About 1 + 2 (timeout) + 2 + 4 s to settle.
i=0
while :; do
	# One listing: three (one per state) could each miss a row that
	# moves between them.
	api GET '/v1/reminders'
	left=$(chk lines "$TMP/api.json" --list reminders '{state}' |
	    grep -c -E '^(pending|sending|retry)$' || true)
	[ "$left" -ne 0 ] || break
	i=$((i + 1))
	[ "$i" -le $((300 * SLOW)) ] || { cat "$LOG" >&2; fail "$left rows not delivered"; }
	sleep 0.1
done
api GET '/v1/reminders'
cp "$TMP/api.json" "$TMP/all.json"
stop_duband

expect_eq "$(chk lines "$TMP/all.json" --list reminders '{channel} {kind} {state}' | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ')" \
    "$HOOKS hook due sent $MAILS mail due sent " "final states"

# Each reminder's attempts: what happened, in order.  A refused connection
# or a timeout has no status; the excerpt says which.
outcome="case when a.status is not null and a.status > 0 then a.result || ' ' || a.status
	when a.excerpt like '%onnect%' then a.result || ' refused'
	when a.excerpt like '%imeout%' or a.excerpt like '%timed out%' then a.result || ' timeout'
	else a.result || ' ?' || a.excerpt end"
for id in $(chk lines "$TMP/all.json" --list reminders '{id}' --where channel=hook); do
	expect_eq "$(q "select $outcome from attempts a where reminder_id = $id order by id" | tr '\n' ' ')" \
	    "retry refused retry timeout retry 503 sent 200 " "attempts of webhook reminder $id"
done
for id in $(chk lines "$TMP/all.json" --list reminders '{id}' --where channel=mail); do
	expect_eq "$(q "select $outcome from attempts a where reminder_id = $id order by id" | tr '\n' ' ')" \
	    "retry 421 retry 451 sent 250 " "attempts of SMTP reminder $id"
done
expect_eq "$(q "select attempts from reminders group by attempts order by attempts" | tr '\n' ' ')" \
    "3 4 " "attempts counted per row (SMTP 3, webhook 4)"

# The backoff: attempt n + 1 is due retry_base * 2^(n-1) +-20% seconds,
# rounded, after the second attempt n ended in (next_at is in seconds), and
# starts no earlier than that and not much later (slack: 1 s, more under
# valgrind).  That also means no two attempts of a reminder overlap.
late=$(q "with numbered as (select a.*, row_number() over (partition by
	    reminder_id order by id) as n from attempts a)
	select a1.reminder_id || ' #' || a1.n || ': ended ' || (a1.started_at + a1.duration_ms)
	    || ', next started ' || a2.started_at
	from numbered a1 join numbered a2 on a2.reminder_id = a1.reminder_id and a2.n = a1.n + 1
	where a2.started_at < ((a1.started_at + a1.duration_ms) / 1000
		+ cast(0.8 * (1 << (a1.n - 1)) + 0.5 as integer)) * 1000
	    or a2.started_at > a1.started_at + a1.duration_ms
		+ cast(1.2 * (1 << (a1.n - 1)) + 0.5 as integer) * 1000 + 1000 * $SLOW")
[ -z "$late" ] || fail "retries off the backoff: $late"
expect_eq "$(q "select count(*) - count(distinct reminder_id) from attempts")" \
    $((HOOKS * 3 + MAILS * 2)) "retries checked against the backoff"
# The timeouts took the channel's timeout, not the sink's hang.
bad=$(q "select reminder_id || ': ' || duration_ms || ' ms' from attempts
	where excerpt like '%imeout%' and (duration_ms < $((TIMEOUT * 1000 - 100))
	    or duration_ms > $((TIMEOUT * 1000 + 1000 * SLOW)))")
[ -z "$bad" ] || fail "timeouts not after $TIMEOUT s: $bad"

# What the servers saw, per reminder in arrival order: the webhook sink 3
# requests (hang, 503, 200: the refused one never reached it), the SMTP
# server 3 messages; each with the same body (the same message retried).
for id in $(chk lines "$TMP/all.json" --list reminders '{id}' --where channel=hook); do
	expect_eq "$(chk lines "$TMP/hook.log" '{reply}' --where "headers.idempotency-key=$id" |
	    cut -d' ' -f1 | tr '\n' ' ')" "HANG 503 200 " "requests of webhook reminder $id at the sink"
	expect_eq "$(chk lines "$TMP/hook.log" '{body}' --where "headers.idempotency-key=$id" | sort -u | wc -l)" \
	    1 "bodies of webhook reminder $id"
done
expect_eq "$(chk count "$TMP/hook.log")" $((HOOKS * 3)) "requests at the webhook sink"
chk lines "$TMP/mail.log" '{message_id} {reply}' | cut -c1-200 >"$TMP/mail.seen"
for mid in $(cut -d' ' -f1 "$TMP/mail.seen" | sort -u); do
	expect_eq "$(grep -F "$mid " "$TMP/mail.seen" | cut -d' ' -f2 | tr '\n' ' ')" "421 451 250 " \
	    "replies to message $mid"
done
expect_eq "$(cut -d' ' -f1 "$TMP/mail.seen" | sort -u | wc -l)" "$MAILS" "messages at the SMTP server"
echo ok
