#!/bin/sh
# One reminder on every kind of channel, against local servers: the generic
# webhook (signed), WeCom, DingTalk (signed), Feishu (signed), SMTP (with
# AUTH) through smtpd.py, and the stdout channel writing to a file.  Asserts
# the exact payload of each, verifies every signature independently
# (check.py), decodes the e-mail, and follows the acknowledgement link.
#
# The task is due 2024-10-23 (a Wednesday); the daemon starts at 08:59:58
# that day, so the "due" reminder (09:00, the start of the policy's hours)
# goes two seconds later, to the six channels of 综合处.
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

# get LOG INDEX FIELD [--where K=V]...: one field of a recorded request.
get() {
	log=$1 index=$2 path=$3
	shift 3
	chk get "$TMP/$log.log" "$index" "$path" "$@" || fail "no $path in $log record $index"
}

printf 'hook-secret-文\n' >"$TMP/hook.secret"
printf 'SECabc123dingtalk\n' >"$TMP/ding.secret"
printf 'feishu-secret\n' >"$TMP/feishu.secret"
printf 'p@ss word\n' >"$TMP/smtp.pass"

start_server sink sink.py
start_server smtpd smtpd.py --user duban --password 'p@ss word'
HP=$(cat "$TMP/sink.port")
MP=$(cat "$TMP/smtpd.port")
SOCK="$TMP/duban.sock"
DB="$TMP/duban.db"
LOG="$TMP/duband.log"

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
cat >"$TMP/duban.conf" <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
ack_base_url = "https://duban.example.gov.cn/ack/"
log_level = "info"

channel "hook" {
	type = "webhook"
	url = "http://127.0.0.1:$HP/hook"
	secret_file = "hook.secret"
}
channel "wecom" {
	type = "wecom"
	url = "http://127.0.0.1:$HP/wecom?key=KEY-1"
}
channel "ding" {
	type = "dingtalk"
	url = "http://127.0.0.1:$HP/ding?access_token=TOKEN-1"
	secret_file = "ding.secret"
}
channel "feishu" {
	type = "feishu"
	url = "http://127.0.0.1:$HP/feishu/hook-1"
	secret_file = "feishu.secret"
}
channel "mail" {
	type = "smtp"
	url = "smtp://127.0.0.1:$MP"
	from = "duban@example.gov.cn"
	username = "duban"
	password_file = "smtp.pass"
	starttls = false
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
	email = {"zonghe@example.gov.cn", "zonghe2@example.gov.cn"}
	supervisor = "局办公室"
}
office "人事处" {
	channels = {"file"}
}

policy "standard" {
	before = {"3 workdays", "1 workday"}
	at_deadline = true
	overdue_every = "1 workday"
	escalate_after = "1 workday"
	hours = "09:00-17:30"
}

task "2024-gk-14" {
	title = "组织开展政务公开工作培训"
	lead = "综合处"
	assist = {"人事处"}
	due = "2024-10-23"
	policy = "standard"
}
CONF

launch=$(date +%s%3N)
start_duband "$LOG" -c "$TMP/duban.conf" -d "$DB" --fake-now 2024-10-23T08:59:58+08:00
wait_for_line "$LOG" 'ready' $((10 * SLOW))

wait_count "$TMP/sink.log" '"path"' 4
wait_count "$TMP/smtpd.log" '"accepted": true' 1
wait_count "$TMP/messages.txt" '^=== duban ' 1
# Every row done (none left sending) before looking at the store.
i=0
while :; do
	expect_api 200 GET '/v1/reminders?state=sending'
	[ "$(chk count "$TMP/api.json" --list reminders)" -ne 0 ] || break
	i=$((i + 1))
	[ "$i" -le $((100 * SLOW)) ] || fail "rows stay sending"
	sleep 0.05
done

# The rows: one "due" per channel of 综合处, all sent at the first attempt.
expect_api 200 GET '/v1/reminders?state=sent'
cp "$TMP/api.json" "$TMP/sent.json"
cat >"$TMP/expected" <<EOF
综合处 ding due 1 2024-10-23T09:00:00+08:00
综合处 feishu due 1 2024-10-23T09:00:00+08:00
综合处 file due 1 2024-10-23T09:00:00+08:00
综合处 hook due 1 2024-10-23T09:00:00+08:00
综合处 mail due 1 2024-10-23T09:00:00+08:00
综合处 wecom due 1 2024-10-23T09:00:00+08:00
EOF
chk lines "$TMP/sent.json" --list reminders \
    '{office} {channel} {kind} {attempts} {due_at}' >"$TMP/got"
LC_ALL=C sort "$TMP/got" >"$TMP/got.sorted"
diff -u "$TMP/expected" "$TMP/got.sorted" || fail "sent rows"
row() { chk get "$TMP/sent.json" 0 id --list reminders --where "channel=$1"; }

# Nothing came early: the fake clock reached 09:00 two seconds after launch.
for t in $(chk lines "$TMP/sink.log" '{t_ms}') $(chk lines "$TMP/smtpd.log" '{t_ms}'); do
	[ "$t" -ge $((launch + 2000)) ] || fail "a message came $((launch + 2000 - t)) ms before 09:00"
done
[ "$(chk count "$TMP/sink.log")" -eq 4 ] || fail "the sink got more than 4 requests"

SUBJECT='【督办提醒】2024-gk-14「组织开展政务公开工作培训」今天到期'

# 1. Generic webhook: the documented payload, Idempotency-Key, signature.
W=path=/hook
expect_eq "$(get sink 0 method --where "$W")" POST "webhook method"
expect_eq "$(get sink 0 headers.content-type --where "$W")" application/json "webhook Content-Type"
expect_eq "$(get sink 0 headers.idempotency-key --where "$W")" "$(row hook)" "Idempotency-Key"
chk sign-webhook "$TMP/sink.log" 0 "$TMP/hook.secret" --where "$W" || fail "webhook signature"
expect_eq "$(get sink 0 body.json.keys --where "$W")" "id,items,kind,office,subject,text" "webhook payload keys"
expect_eq "$(get sink 0 body.json.id --where "$W")" "$(row hook)" "payload id"
expect_eq "$(get sink 0 body.json.kind --where "$W")" due "payload kind"
expect_eq "$(get sink 0 body.json.office --where "$W")" 综合处 "payload office"
expect_eq "$(get sink 0 body.json.subject --where "$W")" "$SUBJECT" "payload subject"
expect_eq "$(get sink 0 body.json.items.len --where "$W")" 1 "payload items"
expect_eq "$(get sink 0 body.json.items.0.keys --where "$W")" \
    "ack_url,assist,deadline,deadline_date,item_type,kind,lead,milestone,number,provisional,reminder_id,rule,title,workdays_left" \
    "payload item keys"
item() { get sink 0 "body.json.items.0.$1" --where "$W"; }
expect_eq "$(item reminder_id)" "$(row hook)" "item reminder_id"
expect_eq "$(item kind)" due "item kind"
expect_eq "$(item item_type)" task "item type"
expect_eq "$(item number)" 2024-gk-14 "item number"
expect_eq "$(item title)" 组织开展政务公开工作培训 "item title"
expect_eq "$(item milestone)" null "item milestone"
expect_eq "$(item lead)" 综合处 "item lead"
expect_eq "$(item assist)" '["人事处"]' "item assist"
expect_eq "$(item deadline)" 2024-10-23T23:59:59+08:00 "item deadline"
expect_eq "$(item deadline_date)" 2024-10-23 "item deadline_date"
expect_eq "$(item workdays_left)" 0 "item workdays_left"
expect_eq "$(item provisional)" false "item provisional"
expect_eq "$(item rule)" null "item rule"
ack_url=$(item ack_url)
token=${ack_url#https://duban.example.gov.cn/ack/}
[ "$token" != "$ack_url" ] || fail "ack_url $ack_url is not under ack_base_url"
echo "$token" | grep -Eq '^[0-9]+\.[A-Za-z0-9_-]{22}$' || fail "ack token $token"
expect_eq "${token%%.*}" "$(row hook)" "ack token reminder id"
get sink 0 body.json.text --where "$W" >"$TMP/text"
cat >"$TMP/text.expected" <<EOF
【督办提醒】综合处：
2024-gk-14「组织开展政务公开工作培训」今天到期，请于2024-10-23（星期三）23:59前办结。
牵头单位：综合处
配合单位：人事处
截止时间：2024-10-23（星期三）23:59
确认收到：$ack_url
EOF
diff -u "$TMP/text.expected" "$TMP/text" || fail "webhook text"

# 2. WeCom: a markdown message, nothing else.
W=path=/wecom
expect_eq "$(get sink 0 params.key --where "$W")" KEY-1 "WeCom key"
expect_eq "$(get sink 0 headers.content-type --where "$W")" application/json "WeCom Content-Type"
expect_eq "$(get sink 0 body.json.keys --where "$W")" markdown,msgtype "WeCom body keys"
expect_eq "$(get sink 0 body.json.msgtype --where "$W")" markdown "WeCom msgtype"
expect_eq "$(get sink 0 body.json.markdown.keys --where "$W")" content "WeCom markdown keys"
get sink 0 body.json.markdown.content --where "$W" >"$TMP/md"
wecom_ack=$(grep -o 'https://duban.example.gov.cn/ack/[0-9A-Za-z._-]*' "$TMP/md") || fail "no ack link in the WeCom markdown"
cat >"$TMP/md.expected" <<EOF
### 【督办提醒】2024-gk-14「组织开展政务公开工作培训」
综合处：该事项**今天到期**，请于2024-10-23（星期三）23:59前办结。
> 牵头单位：综合处
> 配合单位：人事处
> 截止时间：2024-10-23（星期三）23:59

[确认收到]($wecom_ack)
EOF
diff -u "$TMP/md.expected" "$TMP/md" || fail "WeCom markdown"
expect_eq "${wecom_ack##*/ack/}" "$(row wecom).${wecom_ack##*.}" "WeCom ack token id"

# 3. DingTalk: markdown with a title; timestamp and sign in the query.
W=path=/ding
expect_eq "$(get sink 0 params.access_token --where "$W")" TOKEN-1 "DingTalk access_token"
chk sign-dingtalk "$TMP/sink.log" 0 "$TMP/ding.secret" --where "$W" || fail "DingTalk signature"
expect_eq "$(get sink 0 body.json.keys --where "$W")" markdown,msgtype "DingTalk body keys"
expect_eq "$(get sink 0 body.json.msgtype --where "$W")" markdown "DingTalk msgtype"
expect_eq "$(get sink 0 body.json.markdown.keys --where "$W")" text,title "DingTalk markdown keys"
expect_eq "$(get sink 0 body.json.markdown.title --where "$W")" "$SUBJECT" "DingTalk title"
get sink 0 body.json.markdown.text --where "$W" >"$TMP/md"
ding_ack=$(grep -o 'https://duban.example.gov.cn/ack/[0-9A-Za-z._-]*' "$TMP/md") || fail "no ack link in the DingTalk markdown"
sed "s|$wecom_ack|$ding_ack|" "$TMP/md.expected" >"$TMP/md.ding"
diff -u "$TMP/md.ding" "$TMP/md" || fail "DingTalk markdown"

# 4. Feishu: a signed "post", one paragraph per line of the text.
W=path=/feishu/hook-1
chk sign-feishu "$TMP/sink.log" 0 "$TMP/feishu.secret" --where "$W" || fail "Feishu signature"
expect_eq "$(get sink 0 body.json.keys --where "$W")" content,msg_type,sign,timestamp "Feishu body keys"
expect_eq "$(get sink 0 body.json.msg_type --where "$W")" post "Feishu msg_type"
expect_eq "$(get sink 0 body.json.content.keys --where "$W")" post "Feishu content keys"
expect_eq "$(get sink 0 body.json.content.post.keys --where "$W")" zh_cn "Feishu post keys"
expect_eq "$(get sink 0 body.json.content.post.zh_cn.keys --where "$W")" content,title "Feishu zh_cn keys"
expect_eq "$(get sink 0 body.json.content.post.zh_cn.title --where "$W")" "$SUBJECT" "Feishu title"
get sink 0 body.json.content.post.zh_cn.content --where "$W" >"$TMP/paras"
"$PY" - "$TMP/paras" >"$TMP/feishu.text" <<'EOF' || fail "Feishu paragraphs"
import json, sys
paras = json.load(open(sys.argv[1]))
for p in paras:
    assert len(p) == 1 and sorted(p[0]) == ["tag", "text"], p
    assert p[0]["tag"] == "text", p
    print(p[0]["text"])
EOF
feishu_ack=$(grep -o 'https://duban.example.gov.cn/ack/[0-9A-Za-z._-]*' "$TMP/feishu.text") || fail "no ack link in the Feishu post"
sed "s|$ack_url|$feishu_ack|" "$TMP/text.expected" >"$TMP/text.feishu"
diff -u "$TMP/text.feishu" "$TMP/feishu.text" || fail "Feishu paragraphs"

# 5. E-mail: envelope, AUTH, headers (RFC 2047 Subject), both parts.
[ "$(chk count "$TMP/smtpd.log")" -eq 1 ] || fail "smtpd got more than one message"
expect_eq "$(get smtpd 0 auth)" duban "SMTP AUTH user"
expect_eq "$(get smtpd 0 mail_from)" duban@example.gov.cn "MAIL FROM"
expect_eq "$(get smtpd 0 rcpt_to)" '["zonghe@example.gov.cn", "zonghe2@example.gov.cn"]' "RCPT TO"
! chk get "$TMP/smtpd.log" 0 parse_error >/dev/null 2>&1 || fail "MIME: $(get smtpd 0 parse_error)"
expect_eq "$(get smtpd 0 ascii_headers)" true "headers are 7-bit"
expect_eq "$(get smtpd 0 subject)" "$SUBJECT" "decoded Subject"
# like VALUE ERE WHAT: VALUE matches the extended regular expression.
like() {
	printf '%s\n' "$1" | grep -Eq -e "$2" || fail "$3: \"$1\" does not match $2"
}
like "$(get smtpd 0 subject_raw)" '^=\?[Uu][Tt][Ff]-8\?[BbQq]\?' "Subject (RFC 2047)"
expect_eq "$(get smtpd 0 from)" duban@example.gov.cn "From"
expect_eq "$(get smtpd 0 to)" "zonghe@example.gov.cn, zonghe2@example.gov.cn" "To"
like "$(get smtpd 0 date)" '^Wed, 23 Oct 2024 09:00:[0-5][0-9] \+0800$' "Date"
like "$(get smtpd 0 message_id)" "^<duban\.$(row mail)\.[0-9a-f]+@example\.gov\.cn>$" "Message-ID"
expect_eq "$(get smtpd 0 mime_version)" 1.0 "MIME-Version"
expect_eq "$(get smtpd 0 content_type)" multipart/alternative "Content-Type"
expect_eq "$(chk lines "$TMP/smtpd.log" '{parts}')" \
    '[{"charset": "utf-8", "encoding": "base64", "type": "text/plain"}, {"charset": "utf-8", "encoding": "base64", "type": "text/html"}]' \
    "MIME parts"
get smtpd 0 text >"$TMP/mail.text"
mail_ack=$(grep -o 'https://duban.example.gov.cn/ack/[0-9A-Za-z._-]*' "$TMP/mail.text") || fail "no ack link in the mail"
sed "s|$ack_url|$mail_ack|" "$TMP/text.expected" >"$TMP/text.mail"
diff -u "$TMP/text.mail" "$TMP/mail.text" || fail "mail text/plain part"
get smtpd 0 html >"$TMP/mail.html"
grep -q '<b>今天到期</b>' "$TMP/mail.html" || fail "mail html: $(cat "$TMP/mail.html")"
grep -q "<a href=\"$mail_ack\">确认收到</a>" "$TMP/mail.html" || fail "no ack link in the html"
grep -q '<td>2024-10-23（星期三）23:59</td>' "$TMP/mail.html" || fail "no deadline in the html"

# 6. The stdout channel: one block in the file.
file_row=$(row file)
file_ack="https://duban.example.gov.cn/ack/$file_row.$(grep -o "ack/$file_row\.[0-9A-Za-z_-]*" "$TMP/messages.txt" | sed 's/.*\.//')"
{
	echo "=== duban due to 综合处 [$file_row] $SUBJECT"
	sed "s|$ack_url|$file_ack|" "$TMP/text.expected"
	echo
} >"$TMP/file.expected"
diff -u "$TMP/file.expected" "$TMP/messages.txt" || fail "stdout channel file"

# The acknowledgement link: opening it records the ack and cancels the
# office's overdue repeats; the escalation to 局办公室 stays.
expect_api 200 GET '/v1/reminders?state=pending&office=局办公室'
[ "$(chk count "$TMP/api.json" --list reminders --where kind=escalation)" -eq 1 ] ||
	fail "no pending escalation to 局办公室"
expect_api 200 GET '/v1/reminders?state=pending&office=综合处'
[ "$(chk count "$TMP/api.json" --list reminders --where kind=overdue)" -gt 0 ] ||
	fail "no pending overdue repeats before the ack"
expect_api 200 POST "/v1/ack/$token"
expect_eq "$(chk get "$TMP/api.json" 0 acknowledged --doc)" true "ack answer"
expect_api 200 GET '/v1/reminders?state=pending&office=综合处'
[ "$(chk count "$TMP/api.json" --list reminders --where kind=overdue)" -eq 0 ] ||
	fail "overdue repeats still pending after the ack"
expect_api 200 GET '/v1/reminders?state=pending&office=局办公室'
[ "$(chk count "$TMP/api.json" --list reminders --where kind=escalation)" -eq 1 ] ||
	fail "the ack cancelled the escalation"
# A forged token is refused.
expect_api 404 GET "/v1/ack/${token%%.*}.AAAAAAAAAAAAAAAAAAAAAA"

stop_duband
[ "$(sqlite3 "$DB" 'pragma integrity_check')" = ok ] || fail "database integrity"
echo ok
