#!/bin/sh
# dubanctl against the real daemon, driven only through `dubanctl -s SOCKET`:
# task add|list|show|done|reopen, case open|extend|pause|resume|close|list|
# show, reminder list and ack; --json parsed with python3; tables checked
# for alignment in display columns with Chinese cells; exit codes 64 (usage),
# 65 (refused by the API) and 69 (daemon not running, with how to start it).
. "$top_srcdir/tests/integration/lib.sh"
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }

SOCK="$TMP/run/duban.sock"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"
ACK_BASE="https://duban.example.gov.cn/v1/ack/"

cat >"$CONF" <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
database = "$TMP/duban.db"
socket = "$SOCK"
ack_base_url = "$ACK_BASE"
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
office "药品注册处" {
	channels = {"console"}
}
office "稽查局" {
	channels = {"console"}
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
task "2024-gk-12" {
	title = "按季度公开政府工作报告重点任务执行情况"
	lead = "综合处"
	due = "2024-12-31"
	policy = "standard"
}
EOF

# ctl ARGS...: dubanctl on the test's socket (under $DUBAN_WRAPPER too).
ctl() {
	${DUBAN_WRAPPER:-} "$DUBANCTL" -c "$CONF" -s "$SOCK" "$@"
}

# jcheck EXPR: a Python expression over the JSON on stdout ($TMP/out), d.
jcheck() {
	"$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/out" "$1" ||
	    { cat "$TMP/out" >&2; fail "expected $1"; }
}

# aligned [RIGHT]: every row of the table on stdout has its columns where
# the header has them, in display columns (CJK two); RIGHT lists the
# header names of right-aligned columns ("ID,TRIES").
aligned() {
	"$PYTHON3" - "$TMP/out" "${1:-}" <<'PY' || { cat "$TMP/out" >&2; fail "table not aligned"; }
import re, sys, unicodedata
def columns(line):
    # one entry per display column: the character covering it
    out = []
    for ch in line:
        out += [ch] * (2 if unicodedata.east_asian_width(ch) in "WF" else 1)
    return out
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
right = set(filter(None, sys.argv[2].split(",")))
assert len(lines) > 1, "no rows"
for m in re.finditer(r"\S+", lines[0]):     # the header is ASCII
    name, start, end = m.group(), m.start(), m.end()
    for line in lines[1:]:
        c = columns(line)
        at = lambda i: c[i] if 0 <= i < len(c) else " "
        if name in right:
            assert at(end - 1) != " " and at(end) == " ", (name, line)
        elif start > 0:
            assert at(start - 1) == " " and at(start) != " ", (name, line)
PY
}

# row KEY CELL...: the one row starting with "KEY " has KEY and these
# cells, in order, starting at the display columns of the header's columns.
row() {
	"$PYTHON3" - "$TMP/out" "$@" <<'PY' || { cat "$TMP/out" >&2; fail "no row $*"; }
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
want = sys.argv[2:]
cols = [lines[0].index(h) for h in lines[0].split()]
found = [l for l in lines[1:] if l.startswith(want[0] + " ")]
assert len(found) == 1, "no single row"
line, pos = found[0], 0
for i, cell in enumerate(want):
    pos = line.index(cell, pos)
    assert width(line[:pos]) == cols[i], (cell, width(line[:pos]), cols[i])
    pos += len(cell)
PY
}

# The daemon is not running: 69, naming the socket and how to start it.
expect_exit 69 ctl task list
expect_grep "$TMP/err" "cannot reach duband at $SOCK"
expect_grep "$TMP/err" 'is it running?'
expect_grep "$TMP/err" 'systemctl start duband'
expect_grep "$TMP/err" "duband -c $CONF"

# Usage errors: 64 with the command's usage, before any request.
expect_exit 64 ctl task
expect_grep "$TMP/err" '^usage: dubanctl .*task add --title T --lead OFFICE'
expect_exit 64 ctl task add --title 标题 --due 2024-12-31
expect_grep "$TMP/err" 'task add --title T'
expect_exit 64 ctl task list --state nearly
expect_exit 64 ctl task list --colour red
expect_exit 64 ctl task show
expect_exit 64 ctl task show a b
expect_exit 64 ctl task reopen KEY --at 2024-09-27
expect_exit 64 ctl case
expect_exit 64 ctl case frob REF
expect_grep "$TMP/err" 'case open REF --rule R'
expect_exit 64 ctl case open REF --rule disclosure --office 综合处
expect_exit 64 ctl case pause
expect_exit 64 ctl case list --state half
expect_exit 64 ctl reminder
expect_exit 64 ctl reminder list --state lost
expect_exit 64 ctl reminder list --from
expect_exit 64 ctl ack
expect_exit 64 ctl ack "$ACK_BASE"
expect_exit 64 ctl nothing
[ ! -e "$TMP/duban.db" ] || fail "a usage error reached a daemon"

start_duband "$LOG" -c "$CONF" --fake-now 2024-09-27T10:00:00+08:00
wait_for_line "$LOG" 'ready'

# --- tasks ---------------------------------------------------------------
expect_exit 0 ctl task add --title 畅通政民互动沟通渠道 --lead 综合处 \
    --assist '药品注册处、稽查局' --due 2024-12-31 --key gk-11 --target 100％
expect_grep "$TMP/out" '^key: gk-11$'
expect_grep "$TMP/out" '^title: 畅通政民互动沟通渠道$'
expect_grep "$TMP/out" '^assist: 药品注册处, 稽查局$'
expect_grep "$TMP/out" '^target: 100％$'
expect_grep "$TMP/out" '^status: open$'
expect_grep "$TMP/out" '^source: api$'
LONG=建设市级生物医药产品注册指导服务工作站并完善配套服务机制
expect_exit 0 ctl task add --title "$LONG" --lead 药品注册处 --assist 稽查局,综合处 \
    --due 2024-10-08 --json
jcheck "d['task']['key'].startswith('api-') and d['task']['title'] == '$LONG'"
jcheck "d['task']['assist'] == ['稽查局', '综合处'] and d['task']['due'] == '2024-10-08'"
jcheck "d['task']['status'] == 'open' and d['task']['source'] == 'api'"
api_key=$("$PYTHON3" -c 'import json, sys; print(json.load(open(sys.argv[1]))["task"]["key"])' "$TMP/out")
# --json is indented and keeps Chinese as it is.
expect_grep "$TMP/out" '^  "task": {'
expect_grep "$TMP/out" "\"title\": \"$LONG\""

# Refused by the API: 65 with its error and field.
expect_exit 65 ctl task add --title 重复 --lead 综合处 --due 2024-12-31 --key gk-11
[ -s "$TMP/err" ] || fail "no error for a duplicate key"
expect_exit 65 ctl task add --title x --lead 没有这个处 --due 2024-12-31
expect_grep "$TMP/err" 'field "lead"'
expect_exit 65 ctl task add --title x --lead 综合处 --due 2024-02-30
expect_grep "$TMP/err" 'field "due"'
expect_exit 65 ctl task show no-such-task

# The list: a table aligned for Chinese text, the title cut to 30 columns.
expect_exit 0 ctl task list
expect_grep "$TMP/out" '^KEY  *TITLE  *LEAD  *DUE  *STATUS  *LEFT$'
aligned LEFT
row gk-11 畅通政民互动沟通渠道 综合处 2024-12-31 open
row 2024-gk-12 按季度公开政府工作报告重点任… 综合处 2024-12-31 open
row "$api_key" 建设市级生物医药产品注册指导… 药品注册处 2024-10-08 open
expect_exit 0 ctl task list --json
jcheck "sorted(t['key'] for t in d['tasks']) == sorted(['gk-11', '2024-gk-12', '$api_key'])"
jcheck "all(isinstance(t['workdays_left'], int) for t in d['tasks'])"
expect_exit 0 ctl task list --office 药品注册处 --json
jcheck "'$api_key' in [t['key'] for t in d['tasks']] and '2024-gk-12' not in [t['key'] for t in d['tasks']]"
jcheck "all(t['lead'] == '药品注册处' or '药品注册处' in t['assist'] for t in d['tasks'])"
expect_exit 0 ctl task list --office 局综合处 --state all --json
jcheck "{'2024-gk-12', 'gk-11'} <= {t['key'] for t in d['tasks']} and '$api_key' in [t['key'] for t in d['tasks']]"
expect_exit 0 ctl task list --office 没有这个处 --json
jcheck "d['tasks'] == []"

# Done, then reopened.
expect_exit 0 ctl task done gk-11 --at 2024-09-26
expect_grep "$TMP/out" '^status: done$'
expect_grep "$TMP/out" '^done_at: 2024-09-26'
expect_grep "$TMP/out" '^late: no$'
expect_exit 0 ctl task list --state done --json
jcheck "[t['key'] for t in d['tasks']] == ['gk-11'] and d['tasks'][0]['late'] is False"
expect_exit 0 ctl task list
if grep -q '^gk-11 ' "$TMP/out"; then fail "a done task is listed as open"; fi
expect_exit 0 ctl task show gk-11 --json
jcheck "d['task']['status'] == 'done' and len(d['history']) >= 2"
expect_exit 0 ctl task show gk-11
expect_grep "$TMP/out" '^history:$'
expect_exit 0 ctl task reopen gk-11
expect_grep "$TMP/out" '^status: open$'
expect_exit 0 ctl task show gk-11 --json
jcheck "d['task']['status'] == 'open' and d['task']['done_at'] is None"

# --- cases ---------------------------------------------------------------
expect_exit 0 ctl case open GK-2024-001 --rule disclosure --office 局综合处 \
    --title 关于某项目环评信息的公开申请 --at 2024-09-20 --json
jcheck "d['case']['office'] == '综合处' and d['case']['milestones'][0]['deadline'] == '2024-10-23T23:59:59+08:00'"
expect_exit 0 ctl case show GK-2024-001
expect_grep "$TMP/out" '^ref: GK-2024-001$'
expect_grep "$TMP/out" '^rule_title: 依申请公开答复$'
expect_grep "$TMP/out" '^events:$'
expect_grep "$TMP/out" '^2024-09-20 00:00  opened'
expect_grep "$TMP/out" '^milestones:$'
expect_grep "$TMP/out" '^deadline  .*20 workdays  *running  *2024-10-23 23:59  *0/1$'

expect_exit 0 ctl case pause GK-2024-001 --at 2024-09-25 --note 补正通知
expect_grep "$TMP/out" '^2024-09-25 00:00  paused  *-  *补正通知$'
expect_grep "$TMP/out" 'stopped  *paused (18 workdays left)'
expect_exit 65 ctl case pause GK-2024-001 --at 2024-09-26
expect_grep "$TMP/err" 'already paused'
expect_exit 65 ctl case resume GK-2024-001 --milestone deadline
expect_grep "$TMP/err" 'field "milestone"'
expect_exit 0 ctl case resume GK-2024-001 --at 2024-09-26 --json
jcheck "d['case']['milestones'][0]['deadline_date'] == '2024-10-25'"
expect_exit 0 ctl case extend GK-2024-001 --note 情况复杂 --json
jcheck "d['case']['milestones'][0]['extensions'] == 1 and d['case']['milestones'][0]['deadline_date'] == '2024-11-22'"
expect_exit 65 ctl case extend GK-2024-001
expect_grep "$TMP/err" 'extension limit reached'
expect_exit 65 ctl case show NO-SUCH-CASE
expect_exit 65 ctl case open BAD-1 --rule no-such-rule --office 综合处 --title x
expect_grep "$TMP/err" 'field "rule"'

# Milestones closed one by one; the overdue reminders go out at once.
expect_exit 0 ctl case open CP-7 --rule bad-review --office 综合处 --title 实名差评 \
    --at 2024-09-20T09:30:00+08:00
expect_exit 65 ctl case close CP-7 --milestone nothing
expect_grep "$TMP/err" 'field "milestone"'
expect_exit 0 ctl case close CP-7 --milestone contact --at 2024-09-20T09:45:00+08:00
expect_grep "$TMP/out" '^contact  *联系评价人核实情况  *1 workday  *done 2024-09-20 09:45  '
expect_grep "$TMP/out" '^rectify  .*running  '

expect_exit 0 ctl case list
expect_grep "$TMP/out" '^REF  *RULE  *OFFICE  *TITLE  *OPENED  *DEADLINE  *STATUS$'
aligned
row GK-2024-001 disclosure 综合处 关于某项目环评信息的公开申请 "2024-09-20 00:00" "2024-11-22 23:59"
row CP-7 bad-review 综合处 实名差评 "2024-09-20 09:30"
expect_exit 0 ctl case list --json
jcheck "sorted(c['ref'] for c in d['cases']) == ['CP-7', 'GK-2024-001']"
expect_exit 0 ctl case close GK-2024-001 --note 已答复
expect_grep "$TMP/out" '^closed: yes$'
expect_exit 0 ctl case list --state closed --json
jcheck "[c['ref'] for c in d['cases']] == ['GK-2024-001']"
expect_exit 0 ctl case list --state open --office 局综合处 --json
jcheck "[c['ref'] for c in d['cases']] == ['CP-7']"

# --- reminders -----------------------------------------------------------
expect_exit 0 ctl reminder list --case GK-2024-001 --json
jcheck "len(d['reminders']) > 0 and all(r['item_type'] == 'case' for r in d['reminders'])"
jcheck "all(r['state'] == 'cancelled' for r in d['reminders'])"
expect_exit 0 ctl reminder list --state pending --office 局综合处 \
    --from 2024-10-01 --to 2024-12-31 --limit 2 --json
jcheck "0 < len(d['reminders']) <= 2"
jcheck "all(r['state'] == 'pending' and r['office'] == '综合处' and '2024-10-01' <= r['due_at'][:10] <= '2024-12-31' for r in d['reminders'])"
expect_exit 0 ctl reminder list --case CP-7
expect_grep "$TMP/out" '^ *ID  *DUE  *OFFICE  *CHANNEL  *KIND  *ITEM  *STATE  *TRIES  *NEXT$'
expect_grep "$TMP/out" 'case [0-9]*/rectify'
aligned ID,TRIES
expect_exit 65 ctl reminder list --from 2024-02-30
expect_grep "$TMP/err" 'field "from"'
expect_exit 65 ctl reminder list --case NO-SUCH-CASE

# --- acknowledgement -----------------------------------------------------
wait_for_line "$TMP/messages.log" "$ACK_BASE"
link=$(grep -o "$ACK_BASE[0-9]*\.[A-Za-z0-9_-]*" "$TMP/messages.log" | head -1)
expect_exit 0 ctl ack "$link"
expect_grep "$TMP/out" '^acknowledged: reminder [0-9]* (case [0-9]*'
expect_exit 0 ctl ack "${link#"$ACK_BASE"}" --json
jcheck "d['acknowledged'] and d['already']"
expect_exit 0 ctl ack "$link?from=mail"
expect_grep "$TMP/out" '^already acknowledged: '
expect_exit 65 ctl ack 1.not-a-mac

# Without -s, the socket is the config's; a config that does not load: 78.
expect_exit 0 ${DUBAN_WRAPPER:-} "$DUBANCTL" -c "$CONF" case list --json
jcheck "len(d['cases']) == 1"
expect_exit 78 ${DUBAN_WRAPPER:-} "$DUBANCTL" -c "$TMP/no-such.conf" case list
echo 'office "x" { colour = "red" }' >"$TMP/bad.conf"
expect_exit 78 ${DUBAN_WRAPPER:-} "$DUBANCTL" -c "$TMP/bad.conf" task list
expect_grep "$TMP/err" 'bad.conf:1'

# The daemon stops: 69 again.
stop_duband
expect_exit 69 ctl case list
expect_grep "$TMP/err" "cannot reach duband at $SOCK"
echo ok
