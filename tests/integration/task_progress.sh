#!/bin/sh
# Progress on a quantity target: a task with target "12家" added through
# POST /v1/tasks, progress 3 then 7 recorded with notes by dubanctl, shown
# by `task list` (--json and the table) and `task show` (the history),
# refused for a bad value (exit 65, nothing stored) and for a task without
# a target (422); then the "before" reminder at the sink and the JSON
# report both say 7/12家.
#
# The task is due Fri 2025-03-14; the policy reminds 2 days before, at
# 09:00 of Wed 03-12.  The daemon runs on the fake clock: first on Mon
# 03-10, then again just before the reminder.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }
. "$top_srcdir/tests/integration/api_lib.sh"
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind

SOCK="$TMP/duban.sock"
CONF="$TMP/duban.conf"
chk() { "$PYTHON3" "$top_srcdir/tests/integration/check.py" "$@"; }
ctl() { "$DUBANCTL" -c "$CONF" "$@"; }
expect_eq() {	# expect_eq GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got \"$1\", expected \"$2\""
}
run_at() {
	start_duband "$TMP/duband.log" -c "$CONF" -d "$TMP/duban.db" --fake-now "$1"
	wait_for_line "$TMP/duband.log" 'ready' $((10 * SLOW))
}

"$PYTHON3" "$top_srcdir/tests/integration/sink.py" --port-file "$TMP/sink.port" \
    --log "$TMP/sink.log" 2>"$TMP/sink.err" &
echo $! >"$TMP/sink.pid"
wait_for_line "$TMP/sink.port" '^[0-9][0-9]*$' 10
: >>"$TMP/sink.log"
HP=$(cat "$TMP/sink.port")

cat >"$CONF" <<CONF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
log_level = "info"

channel "zhuce" {
	type = "webhook"
	url = "http://127.0.0.1:$HP/zhuce"
}
office "药品注册处" {
	channels = {"zhuce"}
}
office "综合处" {
}
policy "short" {
	before = {"2 days"}
	at_deadline = false
}
CONF

run_at 2025-03-10T10:00:00+08:00
expect 201 POST /v1/tasks '{"key": "zb-1", "title": "建设市级生物医药产品注册指导服务工作站", "lead": "药品注册处", "due": "2025-03-14", "target": "12家", "policy": "short"}'
jcheck 'd["task"]["target"] == "12家" and d["task"]["target_value"] == 12 and d["task"]["target_unit"] == "家" and d["task"]["progress"] is None and d["task"]["progress_text"] is None'
expect 201 POST /v1/tasks '{"key": "zb-2", "title": "无指标的任务", "lead": "综合处", "due": "2025-03-14"}'
jcheck 'd["task"]["target_value"] is None and d["task"]["progress"] is None'

# No progress yet: no PROGRESS column, though zb-1 has a target.
expect_exit 0 ctl task list
expect_grep "$TMP/out" '^KEY  *TITLE  *LEAD  *DUE  *STATUS  *LEFT$'

expect_exit 0 ctl task progress zb-1 3 --note "首批3家挂牌"
expect_grep "$TMP/out" '^progress_text: *3/12家$'
expect_exit 0 ctl task progress zb-1 7 --note "新增4家" --office 药品注册处 --json
expect_eq "$(chk get "$TMP/out" 0 task.progress_text --doc)" "7/12家" "progress reply"

# Bad values: exit 65 and nothing stored.
for bad in abc 7x "" inf nan 0x10 1e16; do
	expect_exit 65 ctl task progress zb-1 "$bad"
	expect_grep "$TMP/err" 'is not a number'
done
expect_exit 65 ctl task progress zb-1 1 --office 不存在的处
expect_exit 65 ctl task progress zb-2 1
expect_grep "$TMP/err" 'task has no target'
expect_exit 65 ctl task progress no-such-task 1
expect_error 400 value POST /v1/tasks/zb-1/progress '{"value": "7"}'
expect_error 422 value POST /v1/tasks/zb-1/progress '{"value": -1}'
expect_error 400 value POST /v1/tasks/zb-1/progress '{"note": "x"}'
expect_error 400 colour POST /v1/tasks/zb-1/progress '{"value": 1, "colour": "red"}'
expect 200 GET /v1/tasks/zb-1/progress
jcheck 'd["key"] == "zb-1" and d["target"] == "12家" and [(p["value"], p["text"], p["office"], p["note"]) for p in d["progress"]] == [(3, "3/12家", None, "首批3家挂牌"), (7, "7/12家", "药品注册处", "新增4家")]'

expect_exit 0 ctl task list --json
expect_eq "$(chk lines "$TMP/out" --list tasks '{key} {progress_text}')" \
    "$(printf 'zb-1 7/12家\nzb-2 null')" "task list --json"
expect_exit 0 ctl task list
expect_grep "$TMP/out" '^KEY  *TITLE  *LEAD  *DUE  *STATUS  *LEFT  *PROGRESS$'
expect_grep "$TMP/out" '^zb-1 .* 7/12家$'
expect_grep "$TMP/out" '^zb-2 .*  -$'

expect_exit 0 ctl task show zb-1
expect_grep "$TMP/out" '^target: *12家$'
expect_grep "$TMP/out" '^progress_text: *7/12家$'
sed -n '/^progress:$/,$p' "$TMP/out" | sed 's/^  [^ ]*  /  AT  /' >"$TMP/got"
cat >"$TMP/want" <<EOF
progress:
  AT  3/12家  首批3家挂牌
  AT  7/12家  药品注册处  新增4家
EOF
diff -u "$TMP/want" "$TMP/got" || fail "task show: progress history"
expect_exit 0 ctl task show zb-2
if grep -q '^progress:' "$TMP/out"; then fail "progress shown for zb-2"; fi
stop_duband

# Wed 03-12 09:00: the reminder says where the target stands.
run_at 2025-03-12T08:59:58+08:00
wait_for_line "$TMP/sink.log" '"path"' $((10 * SLOW))
expect_eq "$(chk lines "$TMP/sink.log" '{path} {body.json.items.0.number} {body.json.items.0.progress}')" \
    "/zhuce zb-1 7/12家" "reminder at the sink"
expect_eq "$(chk lines "$TMP/sink.log" '{body.json.text}' | grep -c '^进度：7/12家$')" 1 \
    "the reminder's text"

expect_exit 0 ctl report --from 2025-03-01 --to 2025-03-31 --json
expect_eq "$(chk lines "$TMP/out" --list progress '{key} {target} {progress_text}')" \
    "zb-1 12家 7/12家" "report"
stop_duband
