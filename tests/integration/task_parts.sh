#!/bin/sh
# Parts of a task ("分别负责"): a task led by 科技与规划财务处 with
# responsible = 各市局, a group of three offices, each with its own webhook
# channel at the sink.  Each member is reminded as a lead; one member's done
# stops only its reminders (asserted at the sink after the next reminder
# instant); the task is done when the third part is, at that part's time;
# reopening a part reopens the task; the whole task done without an office
# closes every part; the report counts each part for its office.
#
# Task due Wed 2024-10-23; policy: 1 working day before (Tue 10-22 09:00)
# and at the deadline (Wed 10-23 09:00).  The daemon is restarted with
# --fake-now just before each moment of interest.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || { echo "python3 not found: skipping"; exit 77; }
PY=$PYTHON3
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind
SOCK="$TMP/duban.sock"

chk() { "$PY" "$top_srcdir/tests/integration/check.py" "$@"; }
expect_eq() {	# expect_eq GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got \"$1\", expected \"$2\""
}
ctl() { "$DUBANCTL" -c "$TMP/duban.conf" "$@"; }

# api STATUS METHOD PATH [JSON]: the API over the socket; answer in $TMP/api.json.
api() {
	want=$1 method=$2 path=$3
	shift 3
	if [ $# -ge 1 ]; then
		set -- -H 'Content-Type: application/json' --data-binary "$1"
	fi
	got=$(curl -sS --unix-socket "$SOCK" -X "$method" "$@" \
	    -o "$TMP/api.json" -w '%{http_code}' "http://duban$path")
	[ "$got" = "$want" ] || { cat "$TMP/api.json" >&2; fail "$method $path: HTTP $got, expected $want"; }
}
field() { chk get "$TMP/api.json" 0 "$1" --doc; }

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

run_at() {
	start_duband "$TMP/duband.log" -c "$TMP/duban.conf" -d "$TMP/duban.db" --fake-now "$1"
	wait_for_line "$TMP/duband.log" 'ready' $((10 * SLOW))
}

# settle_and_stop: waits until no row is being sent, then stops the daemon.
settle_and_stop() {
	i=0
	while :; do
		expect_exit 0 ctl reminder list --state sending --json
		[ "$(chk count "$TMP/out" --list reminders)" -ne 0 ] || break
		i=$((i + 1))
		[ "$i" -le $((100 * SLOW)) ] || fail "rows stay sending"
		sleep 0.05
	done
	stop_duband
	cat "$TMP/duband.log" >>"$TMP/duband.all"
}

# pending: "OFFICE KIND DUE_AT" of the pending reminders, sorted.
pending() {
	expect_exit 0 ctl reminder list --state pending --json
	chk lines "$TMP/out" --list reminders '{office} {kind} {due_at}' | LC_ALL=C sort
}

# arrivals: "PATH COUNT" of the requests at the sink.
arrivals() {
	chk lines "$TMP/sink.log" '{path}' | LC_ALL=C sort | uniq -c |
	    awk '{ print $2, $1 }'
}

"$PY" "$top_srcdir/tests/integration/sink.py" --port-file "$TMP/sink.port" \
    --log "$TMP/sink.log" 2>"$TMP/sink.err" &
echo $! >"$TMP/sink.pid"
wait_for_line "$TMP/sink.port" '^[0-9][0-9]*$' 10
: >>"$TMP/sink.log"
HP=$(cat "$TMP/sink.port")

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
cat >"$TMP/duban.conf" <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
log_level = "info"

channel "kjc" { type = "webhook"  url = "http://127.0.0.1:$HP/kjc" }
channel "ty" { type = "webhook"  url = "http://127.0.0.1:$HP/taiyuan" }
channel "dt" { type = "webhook"  url = "http://127.0.0.1:$HP/datong" }
channel "jz" { type = "webhook"  url = "http://127.0.0.1:$HP/jinzhong" }
office "科技与规划财务处" { channels = {"kjc"} }
office "太原市局" { channels = {"ty"}  aliases = {"太原市市场监管局"} }
office "大同市局" { channels = {"dt"} }
office "晋中市局" { channels = {"jz"} }
office "综合处" { }
group "各市局" { members = {"太原市局", "大同市局", "晋中市局"} }
policy "std" {
	before = {"1 workday"}
	at_deadline = true
}
CONF

# --- Mon 10-21: the tasks, their parts, refusals -------------------------
run_at 2024-10-21T10:00:00+08:00
api 201 POST /v1/tasks '{"key": "parts-1", "title": "推进智慧监管能力建设",
    "lead": "科技与规划财务处", "responsible": ["各市局"], "due": "2024-10-23",
    "policy": "std"}'
expect_eq "$(field task.parts_total)" 3 "parts_total"
expect_eq "$(field task.parts_done)" 0 "parts_done"
expect_eq "$(chk lines "$TMP/api.json" --list task.parts '{office} {done_at}' | tr '\n' ' ')" \
    "太原市局 null 大同市局 null 晋中市局 null " "parts"
api 201 POST /v1/tasks '{"key": "parts-2", "title": "全面完成",
    "lead": "科技与规划财务处", "responsible": ["各市局"], "due": "2024-10-31",
    "policy": "std"}'
# A task without parts has none.
api 201 POST /v1/tasks '{"key": "plain", "title": "无分工", "lead": "综合处",
    "due": "2024-10-31", "policy": "std"}'
expect_eq "$(field task.parts_total)/$(field task.parts_done)/$(field task.parts)" "0/0/[]" "plain task parts"

cat >"$TMP/want" <<EOF
大同市局 before 2024-10-22T09:00:00+08:00
大同市局 due 2024-10-23T09:00:00+08:00
太原市局 before 2024-10-22T09:00:00+08:00
太原市局 due 2024-10-23T09:00:00+08:00
晋中市局 before 2024-10-22T09:00:00+08:00
晋中市局 due 2024-10-23T09:00:00+08:00
科技与规划财务处 before 2024-10-22T09:00:00+08:00
科技与规划财务处 due 2024-10-23T09:00:00+08:00
EOF
# (parts-2 and plain are due 10-31: their reminders are on 10-30 and 10-31.)
pending | grep -v '10-3[01]' >"$TMP/got" || true
diff -u "$TMP/want" "$TMP/got" || fail "each member reminded as a lead"

# Refusals: an office without a part, a note without an office.
api 422 POST /v1/tasks/parts-1/done '{"office": "综合处"}'
expect_eq "$(field field)" office "no part: field"
expect_grep "$TMP/api.json" '综合处\\" has no part of task \\"parts-1'
api 400 POST /v1/tasks/parts-1/done '{"note": "完成"}'
expect_eq "$(field field)" note "note without office: field"
api 422 POST /v1/tasks/parts-1/reopen '{"office": "各市局"}'
expect_eq "$(field field)" office "a group has no part"
api 400 POST /v1/tasks/parts-1/reopen '{"note": "x"}'
expect_exit 65 ctl task done parts-1 --office 综合处
expect_grep "$TMP/err" 'has no part of task'

# The list's PARTS column.
expect_exit 0 ctl task list
expect_grep "$TMP/out" '^KEY.*PARTS'
expect_grep "$TMP/out" '^parts-1 .* 0/3$'
settle_and_stop

# --- Tue 10-22 09:00: the "before" reminders, one per office ---------------
run_at 2024-10-22T08:59:58+08:00
wait_count "$TMP/sink.log" '"path"' 4
settle_and_stop
cat >"$TMP/want" <<EOF
/datong 1
/jinzhong 1
/kjc 1
/taiyuan 1
EOF
arrivals >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "before reminders"

# Tue 10-22 10:00: 太原市局 (by its alias) is done; only its reminder goes.
run_at 2024-10-22T10:00:00+08:00
expect_exit 0 ctl task done parts-1 --office 太原市市场监管局 --note 已报送
expect_grep "$TMP/out" '^status: open'
expect_grep "$TMP/out" '^parts:'
expect_grep "$TMP/out" '^  太原市局  2024-10-22T10:00:0.+08:00  已报送$'
expect_grep "$TMP/out" '^  大同市局  open$'
api 200 GET /v1/tasks/parts-1
expect_eq "$(field task.parts_done)/$(field task.parts_total)" 1/3 "one part done"
expect_eq "$(field task.status)" open "status with one part done"
first=$(field task.parts.0.done_at)
# Done again keeps the first time.
api 200 POST /v1/tasks/parts-1/done '{"office": "太原市局"}'
expect_eq "$(field task.parts.0.done_at)" "$first" "done again keeps the time"
expect_eq "$(field task.parts.0.note)" "已报送" "the note stays"
pending | grep -v '10-3[01]' >"$TMP/got" || true
cat >"$TMP/want" <<EOF
大同市局 due 2024-10-23T09:00:00+08:00
晋中市局 due 2024-10-23T09:00:00+08:00
科技与规划财务处 due 2024-10-23T09:00:00+08:00
EOF
diff -u "$TMP/want" "$TMP/got" || fail "pending after one part done"
expect_exit 0 ctl task list
expect_grep "$TMP/out" '^parts-1 .* 1/3$'
settle_and_stop

# --- Wed 10-23 09:00: the deadline reminders, none for 太原市局 ------------
run_at 2024-10-23T08:59:58+08:00
wait_count "$TMP/sink.log" '"path"' 7
settle_and_stop
cat >"$TMP/want" <<EOF
/datong 2
/jinzhong 2
/kjc 2
/taiyuan 1
EOF
arrivals >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "deadline reminders"

# Wed 10-23 10:00: 大同市局 done on time; the task stays open.
run_at 2024-10-23T10:00:00+08:00
expect_exit 0 ctl task done parts-1 --office 大同市局
api 200 GET /v1/tasks/parts-1
expect_eq "$(field task.status)/$(field task.parts_done)" open/2 "two parts done"
settle_and_stop

# --- Thu 10-24: 晋中市局 late; the task is done at its time ------------------
run_at 2024-10-24T10:00:00+08:00
expect_exit 0 ctl task done parts-1 --office 晋中市局 --json
expect_eq "$(chk get "$TMP/out" 0 task.status --doc)" done "done with the third part"
expect_eq "$(chk get "$TMP/out" 0 task.parts_done --doc)" 3 "three parts done"
expect_eq "$(chk get "$TMP/out" 0 task.done_at --doc)" \
    "$(chk get "$TMP/out" 0 task.parts.2.done_at --doc)" "done at the last part's time"
expect_eq "$(chk get "$TMP/out" 0 task.late --doc)" true "done late"
expect_grep "$TMP/duband.log" 'task "parts-1": the part of "晋中市局" done'

# Reopening a part reopens the task; done again --at a date, on time.
expect_exit 0 ctl task reopen parts-1 --office 大同市局
expect_grep "$TMP/out" '^status: overdue'
expect_grep "$TMP/out" '^  大同市局  open$'
expect_exit 0 ctl task done parts-1 --office 大同市局 --at 2024-10-23
expect_grep "$TMP/out" '^status: done'
expect_grep "$TMP/out" '^  大同市局  2024-10-23T00:00:00+08:00$'

# The whole task without an office: every part with it, and back.
expect_exit 0 ctl task done parts-2
api 200 GET /v1/tasks/parts-2
expect_eq "$(field task.status)/$(field task.parts_done)" done/3 "whole task done"
expect_eq "$(field task.parts.1.done_at)" "$(field task.done_at)" "parts done with the task"
expect_exit 0 ctl task reopen parts-2
api 200 GET /v1/tasks/parts-2
expect_eq "$(field task.status)/$(field task.parts_done)" open/0 "whole task reopened"

# The report: each part counts for its office, the task for its lead.
api 200 GET '/v1/report?from=2024-10-01&to=2024-10-23'
# (check.py's {late} means something else: python reads the counts.)
"$PY" -c 'import json, sys
for o in json.load(open(sys.argv[1], encoding="utf-8"))["offices"]:
    print(o["office"], o["due"], o["on_time"], o["late"], o["open"], o["overdue"])' \
    "$TMP/api.json" >"$TMP/got"
cat >"$TMP/want" <<EOF
大同市局 1 1 0 0 0
太原市局 1 1 0 0 0
晋中市局 1 0 1 0 0
科技与规划财务处 1 0 1 0 0
EOF
diff -u "$TMP/want" "$TMP/got" || fail "report per office"
expect_eq "$(field total.due)/$(field total.on_time)/$(field total.late)" 4/2/2 "report total"
api 200 GET '/v1/report?from=2024-10-01&to=2024-10-23&office=%E5%A4%AA%E5%8E%9F%E5%B8%82%E5%B8%82%E5%9C%BA%E7%9B%91%E7%AE%A1%E5%B1%80'
expect_eq "$(chk lines "$TMP/api.json" --list offices '{office} {due} {on_time}')" "太原市局 1 1" "report of one office"
expect_exit 0 ctl report --from 2024-10-01 --to 2024-10-23
expect_grep "$TMP/out" '晋中市局'
settle_and_stop

# Nothing was sent for the tasks after the deadline day (no overdue policy).
expect_eq "$(chk count "$TMP/sink.log")" 7 "requests at the sink"
