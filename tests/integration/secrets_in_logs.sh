#!/bin/sh
# No secret in the logs.  A full run with -v (debug) and every channel type
# configured with distinctive secrets, against local sinks: a webhook with a
# key in its URL and a signing secret, WeCom (key), DingTalk (access token
# and signing secret), Feishu (hook id and signing secret), SMTP with a
# password; the same again against a sink that refuses everything, an SMTP
# server that refuses the password, and a closed port (retry); the failure
# notices to the supervisor; the TCP API with a token; an acknowledgement
# link opened.  Then the daemon's log must not contain any secret, nor the
# signatures the sinks received, the acknowledgement tokens, or the key
# that signs them.
#
# Also checked on the same log: each delivery failure is logged once, at
# error level, with channel, office, item and reason; and with
# JOURNAL_STREAM set every line carries its <N> priority prefix.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
PY=
for py in "${PYTHON3:-no}" /usr/bin/python3; do
	[ "$py" != no ] && "$py" -c 'import aiosmtpd' 2>/dev/null && { PY=$py; break; }
done
[ -n "$PY" ] || { echo "python3 with aiosmtpd not found: skipping"; exit 77; }
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind

# start_server NAME SCRIPT ARGS...: sink.py or smtpd.py in the background.
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
# wait_count FILE PATTERN N: until N lines of FILE match.
wait_count() {
	i=0
	while :; do
		got=$(grep -c -e "$2" "$1" 2>/dev/null) || true
		[ "${got:-0}" -lt "$3" ] || break
		i=$((i + 1))
		[ "$i" -le $((30 * SLOW * 20)) ] || { cat "$1" >&2; fail "timed out waiting for $3 lines \"$2\" in $1"; }
		sleep 0.05
	done
}

# The secrets: each distinctive, none a substring of another.
HOOK_KEY=hookkey-Qw7Zr2          HOOK_SECRET=hooksecret-Lp4Xv9
WECOM_KEY=wecomkey-Mn3Bt8        DING_TOKEN=dingtoken-Pr5Yc1
DING_SECRET=SECdingsecret-Kj2Hs6 FEISHU_HOOK=feishuhook-Vb8Nq3
FEISHU_SECRET=feishusecret-Tc9Gd4 SMTP_PASS=smtppass-Hg6Wf2
BAD_HOOK_KEY=badhookkey-Ua1Ze7   BAD_HOOK_SECRET=badhooksecret-Io5Rx3
BAD_WECOM_KEY=badwecomkey-Ep8Km4 BAD_DING_TOKEN=baddingtoken-Sd2Lq9
BAD_DING_SECRET=SECbaddingsecret-Fa6Jw1 BAD_FEISHU_HOOK=badfeishuhook-Gh3Tz5
BAD_FEISHU_SECRET=badfeishusecret-Xc7Pv2 BAD_SMTP_PASS=badsmtppass-Nb4Ym8
DEAD_KEY=deadkey-Ok9Qs6
API_TOKEN=apitoken-Wz3Rn7Jc5Lm1Vd8
SECRETS="$HOOK_KEY $HOOK_SECRET $WECOM_KEY $DING_TOKEN $DING_SECRET
$FEISHU_HOOK $FEISHU_SECRET $SMTP_PASS $BAD_HOOK_KEY $BAD_HOOK_SECRET
$BAD_WECOM_KEY $BAD_DING_TOKEN $BAD_DING_SECRET $BAD_FEISHU_HOOK
$BAD_FEISHU_SECRET $BAD_SMTP_PASS $DEAD_KEY $API_TOKEN"

printf '%s\n' "$HOOK_SECRET" >"$TMP/hook.secret"
printf '%s\n' "$DING_SECRET" >"$TMP/ding.secret"
printf '%s\n' "$FEISHU_SECRET" >"$TMP/feishu.secret"
printf '%s\n' "$SMTP_PASS" >"$TMP/smtp.pass"
printf '%s\n' "$BAD_HOOK_SECRET" >"$TMP/badhook.secret"
printf '%s\n' "$BAD_DING_SECRET" >"$TMP/badding.secret"
printf '%s\n' "$BAD_FEISHU_SECRET" >"$TMP/badfeishu.secret"
printf '%s\n' "$BAD_SMTP_PASS" >"$TMP/badsmtp.pass"
printf '%s write\n' "$API_TOKEN" >"$TMP/tokens"

start_server good sink.py
start_server bad sink.py --default '404 {"errcode":404,"errmsg":"no such robot"}'
start_server smtpd smtpd.py --user duban --password "$SMTP_PASS"
start_server badsmtpd smtpd.py --user duban --password "not-$BAD_SMTP_PASS"
G=$(cat "$TMP/good.port")
B=$(cat "$TMP/bad.port")
M=$(cat "$TMP/smtpd.port")
BM=$(cat "$TMP/badsmtpd.port")
DEAD=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
API=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SOCK="$TMP/duban.sock"
LOG="$TMP/duband.log"

cat >"$TMP/duban.conf" <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
database = "$TMP/duban.db"
listen = "127.0.0.1:$API"
token_file = "tokens"
ack_base_url = "http://127.0.0.1:$API/v1/ack/"
log_level = "debug"
digest_min = 1000

channel "hook" {
	type = "webhook"
	url = "http://127.0.0.1:$G/hook?key=$HOOK_KEY"
	secret_file = "hook.secret"
}
channel "wecom" {
	type = "wecom"
	url = "http://127.0.0.1:$G/wecom?key=$WECOM_KEY"
}
channel "ding" {
	type = "dingtalk"
	url = "http://127.0.0.1:$G/ding?access_token=$DING_TOKEN"
	secret_file = "ding.secret"
}
channel "feishu" {
	type = "feishu"
	url = "http://127.0.0.1:$G/feishu/$FEISHU_HOOK"
	secret_file = "feishu.secret"
}
channel "mail" {
	type = "smtp"
	url = "smtp://127.0.0.1:$M"
	from = "duban@example.gov.cn"
	username = "duban"
	password_file = "smtp.pass"
	starttls = false
}
channel "hook-bad" {
	type = "webhook"
	url = "http://127.0.0.1:$B/hook?key=$BAD_HOOK_KEY"
	secret_file = "badhook.secret"
}
channel "wecom-bad" {
	type = "wecom"
	url = "http://127.0.0.1:$B/wecom?key=$BAD_WECOM_KEY"
}
channel "ding-bad" {
	type = "dingtalk"
	url = "http://127.0.0.1:$B/ding?access_token=$BAD_DING_TOKEN"
	secret_file = "badding.secret"
}
channel "feishu-bad" {
	type = "feishu"
	url = "http://127.0.0.1:$B/feishu/$BAD_FEISHU_HOOK"
	secret_file = "badfeishu.secret"
}
channel "mail-bad" {
	type = "smtp"
	url = "smtp://127.0.0.1:$BM"
	from = "duban@example.gov.cn"
	username = "duban"
	password_file = "badsmtp.pass"
	starttls = false
}
channel "dead" {
	type = "webhook"
	url = "http://127.0.0.1:$DEAD/hook?key=$DEAD_KEY"
	connect_timeout = 2
}
channel "file" {
	type = "stdout"
	file = "$TMP/messages.txt"
}

office "局办公室" {
	channels = {"file"}
}
office "综合处" {
	channels = {"hook", "wecom", "ding", "feishu", "mail", "file"}
	email = {"zonghe@example.gov.cn"}
	supervisor = "局办公室"
}
office "法规处" {
	channels = {"hook-bad", "wecom-bad", "ding-bad", "feishu-bad", "mail-bad", "dead"}
	email = {"fagui@example.gov.cn"}
	supervisor = "局办公室"
}
policy "standard" {
	before = {"1 workday"}
	at_deadline = true
	hours = "09:00-17:30"
}
task "good-1" {
	title = "按时发送"
	lead = "综合处"
	due = "2024-10-23"
	policy = "standard"
}
task "bad-1" {
	title = "发送失败"
	lead = "法规处"
	due = "2024-10-23"
	policy = "standard"
}
EOF

# Under systemd's journal: JOURNAL_STREAM set.
export JOURNAL_STREAM=8:4242
start_duband "$LOG" -v -c "$TMP/duban.conf" --fake-now 2024-10-23T10:00:00+08:00
unset JOURNAL_STREAM
wait_for_line "$LOG" 'ready' $((10 * SLOW))

# Every delivery ended: 4 good and 4 bad HTTP requests, two mails tried,
# five failures, one retry, and the failure notices in the file.
wait_count "$TMP/good.log" '"path"' 4
wait_count "$TMP/bad.log" '"path"' 4
wait_count "$TMP/smtpd.log" '"accepted": true' 1
wait_count "$LOG" 'failed after' 5
wait_count "$LOG" 'on channel dead: .*retry at' 1
wait_count "$TMP/messages.txt" '^=== duban failure to 局办公室' 5

# The API: over TCP with the token, and an acknowledgement link opened.
code=$(curl -sS -o "$TMP/api.json" -w '%{http_code}' -H "Authorization: Bearer $API_TOKEN" \
    "http://127.0.0.1:$API/v1/reminders?state=sent")
[ "$code" = 200 ] || fail "GET /v1/reminders with the token: HTTP $code"
ack=$(grep -o "http://127.0.0.1:$API/v1/ack/[0-9A-Za-z._-]*" "$TMP/messages.txt" | head -1)
[ -n "$ack" ] || fail "no acknowledgement link in the messages"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$ack")
[ "$code" = 200 ] || fail "GET $ack: HTTP $code"
wait_for_line "$LOG" 'acknowledged'

stop_duband
[ -s "$LOG" ] || fail "empty log"

# 1. No secret, as configured ...
found=0
for s in $SECRETS; do
	if grep -qF -e "$s" "$LOG"; then
		echo "secret \"$s\" in the log:" >&2
		grep -nF -e "$s" "$LOG" >&2
		found=$((found + 1))
	fi
done
# ... nor what the sinks saw: signatures, timestamps-with-signatures, the
# acknowledgement tokens, and the key that signs them.
"$PY" - "$TMP/good.log" "$TMP/bad.log" >"$TMP/derived" <<'EOF'
import json, sys
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        for k in ("sign", "signature"):
            if r["params"].get(k):
                print(r["params"][k])
        for k, v in r["headers"].items():
            if "signature" in k and v:
                print(v)
        try:
            body = json.loads(r["body"])
        except ValueError:
            continue
        if isinstance(body, dict) and body.get("sign"):
            print(body["sign"])
EOF
grep -o "/v1/ack/[0-9A-Za-z._-]*" "$TMP/messages.txt" "$TMP/good.log" | sed 's|.*/v1/ack/||' >>"$TMP/derived"
if command -v sqlite3 >/dev/null; then
	sqlite3 "$TMP/duban.db" "select value from meta where key = 'ack_key'" >>"$TMP/derived"
fi
nderived=$(grep -c . "$TMP/derived") || true
[ "$nderived" -ge 6 ] || { cat "$TMP/derived" >&2; fail "expected signatures and tokens to look for, got $nderived"; }
while read -r s; do
	[ -n "$s" ] || continue
	if grep -qF -e "$s" "$LOG"; then
		echo "\"$s\" (a signature, token or key) in the log:" >&2
		grep -nF -e "$s" "$LOG" >&2
		found=$((found + 1))
	fi
done <"$TMP/derived"
[ "$found" -eq 0 ] || fail "$found secret(s) in the log"

# 2. Each failure logged once, at error level, with channel, office, item
# and a reason.
for ch in hook-bad wecom-bad ding-bad feishu-bad mail-bad; do
	n=$(grep -c "on channel $ch about .* failed after" "$LOG") || true
	[ "$n" -eq 1 ] || fail "the failure on $ch is logged $n times"
	grep "on channel $ch about .* failed after" "$LOG" |
	    grep -Eq '^<3>reminder [0-9]+ to 法规处 on channel [a-z-]+ about task [0-9]+ failed after 1 attempt: .+' ||
	    { grep "on channel $ch " "$LOG" >&2; fail "the failure on $ch lacks level, office, item or reason"; }
done

# 3. The journal's priority prefix on every line (valgrind's own lines
# aside), with the right levels.
if grep -v '^==[0-9]*==' "$LOG" | grep -qv '^<[0-7]>'; then
	grep -v '^==[0-9]*==' "$LOG" | grep -v '^<[0-7]>' | head >&2
	fail "lines without a <N> prefix under JOURNAL_STREAM"
fi
expect_grep "$LOG" '^<5>duband .* ready'
expect_grep "$LOG" '^<4>reminder [0-9]* to 法规处 on channel dead: '
expect_grep "$LOG" '^<6>reminder [0-9]* sent to 综合处 on channel hook'
expect_grep "$LOG" '^<7>'

# Without JOURNAL_STREAM: no prefix.
expect_exit 78 env -u JOURNAL_STREAM "$DUBAND" -c "$TMP/missing.conf"
if grep -q '^<[0-7]>' "$TMP/err"; then
	cat "$TMP/err" >&2
	fail "a <N> prefix without JOURNAL_STREAM"
fi
echo ok
