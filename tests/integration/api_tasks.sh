#!/bin/sh
# Tasks, offices and the work-plan import over the HTTP API, against the
# real daemon: adding a task (and its bad input, each refused with nothing
# stored), listing by state, office and source, done and reopen with the
# history and the reminders they cancel and plan again, and imports: every
# unknown office listed at once, dry runs that write nothing, re-imports
# that change nothing, created offices, retiring and restoring.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }

SOCK="$TMP/run/duban.sock"
DB="$TMP/duban.db"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"
PORT=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RTOKEN=read-0123456789abcdef
WTOKEN=write-0123456789abcdef
printf '%s read\n%s write\n' "$RTOKEN" "$WTOKEN" >"$TMP/tokens"

cat >"$CONF" <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
database = "$DB"
socket = "$SOCK"
listen = "127.0.0.1:$PORT"
token_file = "$TMP/tokens"
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
	email = {"zonghe@example.gov.cn"}
	supervisor = "局办公室"
	aliases = {"局综合处", "综合和规划财务处"}
}
office "药品注册处" {
	channels = {"console"}
}
office "稽查局" {
	channels = {"console"}
}
group "机关各处室" {
	members = {"药品注册处", "稽查局"}
}
policy "standard" {
	before = {"3 workdays", "1 workday"}
	at_deadline = true
	overdue_every = "1 workday"
	escalate_after = "1 workday"
}
policy "quiet" {
	before = {"1 workday"}
}
task "2024-gk-11" {
	title = "畅通政民互动沟通渠道"
	lead = "综合处"
	due = "2024-12-31"
	policy = "standard"
}
EOF

. "$top_srcdir/tests/integration/api_lib.sh"

sql() {
	sqlite3 "$DB" "$1"
}

ntasks() {
	sql 'select count(*) from tasks'
}

# pending ID: the task's pending reminders.
pending() {
	sql "select count(*) from reminders where item_type = 'task' and item_id = $1 and state = 'pending'"
}

# Friday 2024-09-27, 10:00; Sunday 09-29 and Saturday 10-12 are working
# days, 10-01..10-07 are not.
start_duband "$LOG" -c "$CONF" --fake-now 2024-09-27T10:00:00+08:00
wait_for_line "$LOG" 'ready'

# Offices: from the config, in its order.
expect 200 GET /v1/offices
jcheck "[o['name'] for o in d['offices']] == ['局办公室', '综合处', '药品注册处', '稽查局']"
jcheck "d['offices'][1] == {'name': '综合处', 'supervisor': '局办公室', 'aliases': ['局综合处', '综合和规划财务处'], 'channels': ['console'], 'email': ['zonghe@example.gov.cn']}"
jcheck "d['offices'][0]['supervisor'] is None and d['offices'][0]['aliases'] == [] and d['offices'][0]['email'] == []"
expect_error 400 colour GET "/v1/offices?colour=red"

# The config's task is there, open.
expect 200 GET /v1/tasks
jcheck "[t['key'] for t in d['tasks']] == ['2024-gk-11']"
jcheck "d['tasks'][0]['source'] == 'config' and d['tasks'][0]['status'] == 'open'"
[ "$(ntasks)" -eq 1 ] || fail "expected the config's task only"

# Adding a task: by alias, stored by name; the key is generated.  Working
# days after 09-27 up to 10-10: 09-29, 09-30, 10-08, 10-09, 10-10.
expect 201 POST /v1/tasks '{"title": "建设注册指导服务工作站", "lead": "局综合处", "assist": ["药品注册处", "机关各处室"], "due": "2024-10-10", "due_text": "国庆后", "target": "12家", "policy": "standard"}'
t="d['task']"
id=$(sql "select max(id) from tasks")
jcheck "$t['key'] == 'api-$id' and $t['source'] == 'api' and $t['lead'] == '综合处'"
jcheck "$t['assist'] == ['药品注册处', '机关各处室'] and $t['title'] == '建设注册指导服务工作站'"
jcheck "$t['due'] == '2024-10-10' and $t['due_text'] == '国庆后' and $t['target'] == '12家' and $t['policy'] == 'standard'"
jcheck "$t['deadline'] == '2024-10-10T23:59:59+08:00' and $t['status'] == 'open'"
jcheck "$t['done_at'] is None and $t['late'] is None and $t['workdays_left'] == 5"
jcheck "$t['created_at'].startswith('2024-09-27T10:0')"
KEY1=api-$id
ID1=$id
[ "$(pending "$ID1")" -gt 0 ] || fail "no reminders planned for $KEY1"

# A task already late: 5 working days overdue (09-23..09-27).
expect 201 POST /v1/tasks '{"key": "gk-1", "title": "按季度公开", "lead": "稽查局", "due": "2024-09-20"}'
jcheck "$t['key'] == 'gk-1' and $t['status'] == 'overdue' and $t['workdays_left'] == -5"
jcheck "$t['assist'] == [] and $t['due_text'] is None and $t['target'] is None and $t['policy'] is None"
ID2=$(sql "select id from tasks where key = 'gk-1'")
[ "$(pending "$ID2")" -gt 0 ] || fail "no reminders planned for gk-1"

# The same key again: 409, nothing stored.
expect_error 409 key POST /v1/tasks '{"key": "gk-1", "title": "另一个", "lead": "稽查局", "due": "2024-12-01"}'
expect_error 409 key POST /v1/tasks '{"key": "2024-gk-11", "title": "x", "lead": "稽查局", "due": "2024-12-01"}'

# Bad input: each refused, nothing stored.
n=$(ntasks)
expect_error 400 "" POST /v1/tasks '{"title": "x", '
expect_error 400 "" POST /v1/tasks '["x"]'
expect_error 400 colour POST /v1/tasks '{"title": "x", "lead": "稽查局", "due": "2024-12-01", "colour": "red"}'
expect_error 400 title POST /v1/tasks '{"title": 5, "lead": "稽查局", "due": "2024-12-01"}'
expect_error 400 title POST /v1/tasks '{"lead": "稽查局", "due": "2024-12-01"}'
expect_error 400 assist POST /v1/tasks '{"title": "x", "lead": "稽查局", "assist": "综合处", "due": "2024-12-01"}'
expect_error 400 assist POST /v1/tasks '{"title": "x", "lead": "稽查局", "assist": [1], "due": "2024-12-01"}'
expect_error 400 due POST /v1/tasks '{"title": "x", "lead": "稽查局", "due": "2024-02-30"}'
expect_error 400 due POST /v1/tasks '{"title": "x", "lead": "稽查局", "due": "年底前"}'
expect_error 400 due POST /v1/tasks '{"title": "x", "lead": "稽查局"}'
expect_error 400 key POST /v1/tasks '{"key": "api-99", "title": "x", "lead": "稽查局", "due": "2024-12-01"}'
expect_error 422 lead POST /v1/tasks '{"title": "x", "lead": "没有这个处", "due": "2024-12-01"}'
jcheck "'没有这个处' in d['error']"
expect_error 422 assist POST /v1/tasks '{"title": "x", "lead": "稽查局", "assist": ["综合处", "没有这个处"], "due": "2024-12-01"}'
expect_error 422 policy POST /v1/tasks '{"title": "x", "lead": "稽查局", "due": "2024-12-01", "policy": "loud"}'
"$PYTHON3" -c 'import json; print(json.dumps({"title": "x" * 70000, "lead": "稽查局", "due": "2024-12-01"}))' >"$TMP/big.json"
expect_error 413 "" POST /v1/tasks "@$TMP/big.json"
[ "$(ntasks)" -eq "$n" ] || fail "a refused task was stored"

# Listing: open by default (gk-1 is overdue), by state, office, source.
expect 200 GET /v1/tasks
jcheck "[t['key'] for t in d['tasks']] == ['$KEY1', '2024-gk-11']"
expect 200 GET "/v1/tasks?state=overdue"
jcheck "[t['key'] for t in d['tasks']] == ['gk-1']"
expect 200 GET "/v1/tasks?state=all"
jcheck "[t['key'] for t in d['tasks']] == ['gk-1', '$KEY1', '2024-gk-11']"
expect 200 GET "/v1/tasks?state=all&office=药品注册处"
jcheck "[t['key'] for t in d['tasks']] == ['$KEY1']"
expect 200 GET "/v1/tasks?state=all&office=综合和规划财务处"
jcheck "[t['key'] for t in d['tasks']] == ['$KEY1', '2024-gk-11']"
expect 200 GET "/v1/tasks?state=all&office=机关各处室"
jcheck "[t['key'] for t in d['tasks']] == ['$KEY1']"
expect 200 GET "/v1/tasks?state=all&source=api&limit=1"
jcheck "[t['key'] for t in d['tasks']] == ['gk-1']"
expect 200 GET "/v1/tasks?state=done"
jcheck "d['tasks'] == []"
expect_error 400 state GET "/v1/tasks?state=finished"
expect_error 400 limit GET "/v1/tasks?limit=0"
expect_error 400 colour GET "/v1/tasks?colour=red"
expect_error 400 state GET "/v1/tasks?state=open&state=all"

# One task, with its history.
expect 200 GET /v1/tasks/gk-1
jcheck "d['task']['key'] == 'gk-1' and [h['change'] for h in d['history']] == ['added']"
jcheck "d['history'][0]['at'].startswith('2024-09-27T10:0')"
expect_error 404 "" GET /v1/tasks/no-such-task

# Done, late: its reminders are cancelled.
expect 200 POST /v1/tasks/gk-1/done '{"at": "2024-09-26"}'
jcheck "$t['status'] == 'done' and $t['done_at'] == '2024-09-26T00:00:00+08:00' and $t['late'] is True"
jcheck "$t['workdays_left'] is None"
[ "$(pending "$ID2")" -eq 0 ] || fail "gk-1 still has pending reminders when done"
[ "$(sql "select count(*) from reminders where item_type = 'task' and item_id = $ID2 and state = 'cancelled'")" -gt 0 ] ||
	fail "gk-1's reminders were not cancelled"
# Done again without "at" keeps the first time.
expect 200 POST /v1/tasks/gk-1/done
jcheck "$t['done_at'] == '2024-09-26T00:00:00+08:00'"
# Done on time.
expect 200 POST "/v1/tasks/$KEY1/done" '{}'
jcheck "$t['status'] == 'done' and $t['late'] is False and $t['done_at'].startswith('2024-09-27T10:0')"
[ "$(pending "$ID1")" -eq 0 ] || fail "$KEY1 still has pending reminders when done"
expect 200 GET "/v1/tasks?state=done"
jcheck "sorted(t['key'] for t in d['tasks']) == ['$KEY1', 'gk-1']"
# Bad input to done and reopen.
expect_error 400 at POST /v1/tasks/gk-1/done '{"at": "2024-10-30"}'
expect_error 400 at POST /v1/tasks/gk-1/done '{"at": "yesterday"}'
expect_error 400 note POST /v1/tasks/gk-1/done '{"note": "x"}'
expect_error 400 at POST /v1/tasks/gk-1/reopen '{"at": "2024-09-26"}'
expect_error 404 "" POST /v1/tasks/no-such-task/done
expect_error 405 "" GET /v1/tasks/gk-1/done

# Reopen: overdue again, reminders planned again; the history says so.
expect 200 POST /v1/tasks/gk-1/reopen
jcheck "$t['status'] == 'overdue' and $t['done_at'] is None and $t['late'] is None"
[ "$(pending "$ID2")" -gt 0 ] || fail "gk-1 has no pending reminders when reopened"
expect 200 POST /v1/tasks/gk-1/reopen
expect 200 GET /v1/tasks/gk-1
jcheck "[h['change'] for h in d['history']] == ['added', 'done', 'reopened']"

# Import.  Every unknown office at once, lead or assisting, with the rows.
cat >"$TMP/plan.json" <<'EOF'
{"plan": "2024计划", "tasks": [
 {"number": "1", "title": "建设工作站", "lead": "综合处", "assist": ["机关各处室"], "due": "2024-12-31", "due_text": "2024年底前", "target": "12家", "row": 2},
 {"number": "2", "title": "审评审批提速", "lead": "器审中心", "assist": [], "due": "2025-06-30", "due_text": "2025年6月", "target": null, "row": 3},
 {"number": "3", "title": "培训", "lead": "局综合处", "assist": ["药品注册处", "食药检院"], "due": "2024-10-08", "due_text": "年内", "target": null, "row": 4},
 {"number": "4", "title": "按季度公开", "lead": "稽查局", "due": "2024-09-30", "due_text": "9月30日前", "row": 5}
]}
EOF
expect 422 POST /v1/import "@$TMP/plan.json"
jcheck "d['error'] == 'unknown offices' and d['field'] == 'lead'"
jcheck "d['offices'] == ['器审中心', '食药检院'] and d['rows'] == [3, 4]"
[ "$(sql "select count(*) from tasks where source like 'import:%'")" -eq 0 ] || fail "a refused import stored tasks"

# A dry run, creating the offices: the numbers, but nothing written.
sed 's/^{"plan": "2024计划",/{"plan": "2024计划", "dry_run": true, "create_offices": true,/' "$TMP/plan.json" >"$TMP/dry.json"
n=$(ntasks)
noffices=$(sql 'select count(*) from offices')
expect 200 POST /v1/import "@$TMP/dry.json"
jcheck "d == {**d, 'plan': '2024计划', 'added': 4, 'changed': 0, 'unchanged': 0, 'retired': 0, 'restored': 0, 'dry_run': True}"
[ "$(ntasks)" -eq "$n" ] || fail "a dry run stored tasks"
[ "$(sql 'select count(*) from offices')" -eq "$noffices" ] || fail "a dry run stored offices"

# For real: offices created, kept as written; known ones stored by name.
sed 's/^{"plan": "2024计划",/{"plan": "2024计划", "create_offices": true,/' "$TMP/plan.json" >"$TMP/create.json"
expect 200 POST /v1/import "@$TMP/create.json"
jcheck "d['added'] == 4 and d['unchanged'] == 0 and d['dry_run'] is False"
jcheck "d['offices_created'] == ['器审中心', '食药检院']"
[ "$(sql "select count(*) from offices where name in ('器审中心', '食药检院')")" -eq 2 ] || fail "offices not created"
expect 200 GET "/v1/tasks/2024计划:3"
jcheck "$t['source'] == 'import:2024计划' and $t['lead'] == '综合处' and $t['assist'] == ['药品注册处', '食药检院']"
jcheck "$t['due'] == '2024-10-08' and $t['due_text'] == '年内' and $t['target'] is None"
expect 200 GET "/v1/tasks/2024计划:2"
jcheck "$t['lead'] == '器审中心' and $t['due'] == '2025-06-30'"
expect 200 GET "/v1/tasks/2024计划:1"
jcheck "$t['assist'] == ['机关各处室'] and $t['target'] == '12家' and $t['due_text'] == '2024年底前'"
ID4=$(sql "select id from tasks where key = '2024计划:4'")
[ "$(sql "select count(*) from reminders where item_type = 'task' and item_id = $ID4")" -gt 0 ] ||
	fail "the import planned no reminders"

# The same file again changes nothing, now also without create_offices:
# the created offices are known.
before=$(sql 'select group_concat(updated_at) from tasks')
expect 200 POST /v1/import "@$TMP/create.json"
jcheck "d['added'] == 0 and d['changed'] == 0 and d['unchanged'] == 4 and d['retired'] == 0 and d['offices_created'] == []"
expect 200 POST /v1/import "@$TMP/plan.json"
jcheck "d['unchanged'] == 4"
[ "$(sql 'select group_concat(updated_at) from tasks')" = "$before" ] || fail "a re-import changed rows"

# A changed title, a task gone, the number as an integer: changed 1,
# retired 1 (then listed as retired), and restored when it comes back.
cat >"$TMP/plan2.json" <<'EOF'
{"plan": "2024计划", "tasks": [
 {"number": 1, "title": "建设工作站（调整）", "lead": "综合处", "assist": ["机关各处室"], "due": "2024-12-31", "due_text": "2024年底前", "target": "12家"},
 {"number": "2", "title": "审评审批提速", "lead": "器审中心", "assist": [], "due": "2025-06-30", "due_text": "2025年6月", "target": null},
 {"number": "3", "title": "培训", "lead": "局综合处", "assist": ["药品注册处", "食药检院"], "due": "2024-10-08", "due_text": "年内", "target": null}
]}
EOF
expect 200 POST /v1/import "@$TMP/plan2.json"
jcheck "(d['added'], d['changed'], d['unchanged'], d['retired'], d['restored']) == (0, 1, 2, 1, 0)"
expect 200 GET "/v1/tasks?state=retired"
jcheck "[t['key'] for t in d['tasks']] == ['2024计划:4'] and d['tasks'][0]['status'] == 'retired'"
expect 200 GET "/v1/tasks?source=import:2024计划&state=all"
jcheck "len(d['tasks']) == 4"
expect_error 409 "" POST "/v1/tasks/2024计划:4/done"
expect 200 POST /v1/import "@$TMP/plan.json"
jcheck "(d['added'], d['changed'], d['unchanged'], d['retired'], d['restored']) == (0, 1, 2, 0, 1)"

# Bad import input: refused whole, naming the field and the row.
n=$(ntasks)
expect_error 400 plan POST /v1/import '{"tasks": []}'
expect_error 400 tasks POST /v1/import '{"plan": "p", "tasks": {}}'
expect_error 400 dry_run POST /v1/import '{"plan": "p", "dry_run": "yes", "tasks": []}'
expect_error 400 colour POST /v1/import '{"plan": "p", "colour": 1, "tasks": []}'
expect_error 400 colour POST /v1/import '{"plan": "p", "tasks": [{"number": "1", "title": "a", "lead": "综合处", "due": "2024-12-31", "row": 2}, {"number": "2", "title": "b", "lead": "综合处", "colour": "red", "row": 3}]}'
jcheck "d['row'] == 3"
expect_error 400 due POST /v1/import '{"plan": "p", "tasks": [{"number": "1", "title": "a", "lead": "综合处", "due": "2024-13-01", "row": 7}]}'
jcheck "d['row'] == 7"
expect_error 400 title POST /v1/import '{"plan": "p", "tasks": [{"number": "1", "title": ["a"], "lead": "综合处"}]}'
jcheck "d['row'] == 1"
expect_error 400 row POST /v1/import '{"plan": "p", "tasks": [{"number": "1", "title": "a", "lead": "综合处", "row": "2"}]}'
expect_error 400 number POST /v1/import '{"plan": "p", "tasks": [{"number": "1", "title": "a", "lead": "综合处", "row": 2}, {"number": "1", "title": "b", "lead": "综合处", "row": 3}]}'
jcheck "d['row'] == 3"
expect_error 400 tasks POST /v1/import '{"plan": "p", "tasks": ["x"]}'
# A group may lead an imported task (分别负责); a dry run stores nothing.
expect 200 POST /v1/import '{"plan": "p", "dry_run": true, "tasks": [{"number": "1", "title": "a", "lead": "机关各处室", "row": 9}]}'
jcheck "d['added'] == 1 and d['dry_run'] is True"
[ "$(ntasks)" -eq "$n" ] || fail "a refused import stored tasks"
[ "$(sql "select count(*) from tasks where source = 'import:p'")" -eq 0 ] || fail "plan p was stored"

# The import takes bodies over 64 KiB (other endpoints do not).
"$PYTHON3" -c 'import json
print(json.dumps({"plan": "大计划", "tasks": [{"number": str(i), "title": "任务" * 40, "lead": "综合处", "due": "2025-12-31", "row": i + 1} for i in range(250)]}))' >"$TMP/big-plan.json"
[ "$(wc -c <"$TMP/big-plan.json")" -gt 65536 ] || fail "the big plan is not big"
expect 200 POST /v1/import "@$TMP/big-plan.json"
jcheck "d['added'] == 250"

# TCP: read tokens read, write tokens write.
expect_error 401 "" -t "" GET /v1/tasks
expect 200 -t "$RTOKEN" GET /v1/offices
expect 200 -t "$RTOKEN" GET "/v1/tasks/gk-1"
expect_error 403 "" -t "$RTOKEN" POST /v1/tasks '{"title": "x", "lead": "稽查局", "due": "2024-12-01"}'
expect_error 403 "" -t "$RTOKEN" POST /v1/tasks/gk-1/done
expect_error 403 "" -t "$RTOKEN" POST /v1/import '{"plan": "p", "tasks": []}'
expect 201 -t "$WTOKEN" POST /v1/tasks '{"key": "tcp-1", "title": "x", "lead": "稽查局", "due": "2024-12-01"}'

# A group as lead (分别负责): accepted, and each member is reminded as a lead.
expect 201 POST /v1/tasks '{"key": "group-lead", "title": "各自落实", "lead": "机关各处室", "due": "2024-12-20"}'
jcheck "d['task']['lead'] == '机关各处室'"
id=$(sql "select id from tasks where key = 'group-lead'")
[ "$(sql "select group_concat(distinct office) from (select office from reminders where item_type = 'task' and item_id = $id and kind = 'due' order by office)")" = "稽查局,药品注册处" ] ||
	fail "a group lead should plan due reminders for every member"

stop_duband
echo ok
