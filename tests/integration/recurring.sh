#!/bin/sh
# Recurring duties: `calc --repeat` and its errors; then a config task with
# repeat = "quarterly +15 days" (按季度公开, 每季度结束后15日内) walked
# through a year on the fake clock.  Its occurrences are items of their
# own: listed separately (key TASK@DUE, due, due_text the quarter), each
# reminded at the sink 2 days before its due day, one completed (only its
# reminder stops), and each counted in the report.  The template itself
# gets no reminders.  The daemon is restarted with --fake-now just before
# each moment of interest.
#
# Created Wed 2025-01-01 10:00.  Occurrences due on or after that day:
#   2024年第四季度 due 2025-01-15, reminded 01-13 09:00
#   2025年第一季度 due 2025-04-15, reminded 04-13 09:00 (a Sunday: the
#     policy has no hours, so nothing moves)
#   2025年第二季度 due 2025-07-15, done on 05-06: never reminded
#   2025年第三季度 due 2025-10-15, reminded 10-13 09:00
#   2025年第四季度 due 2026-01-15, reminded 2026-01-13 09:00
# An occurrence exists from 00:00 of its predecessor's first reminder day
# (by the sync at start or by the timer) until it is done; each run starts
# after the occurrence to be reminded was created, so a slow start (under
# valgrind) only makes its reminder a catch-up.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || { echo "python3 not found: skipping"; exit 77; }
PY=$PYTHON3
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind

chk() { "$PY" "$top_srcdir/tests/integration/check.py" "$@"; }
expect_eq() {	# expect_eq GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got \"$1\", expected \"$2\""
}

# --- calc --repeat ------------------------------------------------------
CONF="$ETC/duban.conf"
calc() {	# calc EXPECTED SPEC FROM COUNT [OPTIONS]
	dates=$1 spec=$2 from=$3 count=$4
	shift 4
	expect_exit 0 "$DUBANCTL" -c "$CONF" calc "$@" --repeat "$spec" \
	    --from "$from" --count "$count"
	got=$(tr '\n' ' ' <"$TMP/out")
	expect_eq "$got" "$dates " "calc --repeat '$spec' --from $from"
}
calc "2025-01-15 2025-04-15 2025-07-15 2025-10-15" "quarterly +15 days" 2025-01-01 4
# Across the National Day week: Q3 2024 ends Mon 09-30, 10-01..07 off.
calc "2024-10-25 2025-01-22" "quarterly +15 workdays" 2024-09-01 2
calc "2024-10-25" "quarterly +15 workdays" 2024-09-01 1 --calendar cn
calc "2025-03-31 2026-03-31" "yearly 03-31" 2024-04-01 2
calc "2025-01-31 2025-02-28 2025-03-31" "monthly 31" 2025-01-01 3
calc "2024-06-30 2024-12-31" "half-yearly" 2024-01-01 2
calc "2024-01-31 2024-02-29" "FREQ=MONTHLY;BYMONTHDAY=-1" 2024-01-01 2
calc "2199-12-31" "yearly" 2199-01-01 5	# the end of the span ends the list
expect_exit 65 "$DUBANCTL" -c "$CONF" calc --repeat "fortnightly" --from 2025-01-01 --count 2
expect_grep "$TMP/err" 'expected a repeat such as "quarterly +15 days"'
[ ! -s "$TMP/out" ] || fail "a bad spec printed dates"
expect_exit 65 "$DUBANCTL" -c "$CONF" calc --repeat "FREQ=HOURLY" --from 2025-01-01 --count 2
expect_grep "$TMP/err" 'more often than daily'
expect_exit 65 "$DUBANCTL" -c "$CONF" calc --repeat "quarterly" --from 2025-02-30 --count 2
expect_grep "$TMP/err" '2025-02-30'
expect_exit 64 "$DUBANCTL" -c "$CONF" calc --repeat "quarterly" --from 2025-01-01 --count 0
expect_exit 64 "$DUBANCTL" -c "$CONF" calc --repeat "quarterly" --from 2025-01-01
expect_exit 64 "$DUBANCTL" -c "$CONF" calc --repeat "quarterly" --count 2 2025-01-01 '+1 day'

# --- the daemon ----------------------------------------------------------
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

ctl() { "$DUBANCTL" -c "$TMP/duban.conf" "$@"; }

run_at() {
	: >"$TMP/duband.log"
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

# arrive FAKE_NOW: runs from FAKE_NOW until one more request reached the sink.
arrive() {
	before=$(chk count "$TMP/sink.log")
	run_at "$1"
	wait_count "$TMP/sink.log" '"path"' $((before + 1))
	settle_and_stop
}

# occurrences: "KEY DUE DUE_TEXT" of the template's active occurrences.
occurrences() {
	expect_exit 0 ctl task list --state all --json
	chk lines "$TMP/out" --list tasks '{key} {due} {due_text}' \
	    --where parent=2023-nx-5 | LC_ALL=C sort
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
socket = "$TMP/duban.sock"
log_level = "info"

channel "zonghe" {
	type = "webhook"
	url = "http://127.0.0.1:$HP/zonghe"
}
office "综合处" {
	channels = {"zonghe"}
}
office "机关各处室" {
}
policy "short" {
	before = {"2 days"}
	at_deadline = false
}
task "2023-nx-5" {
	title = "按季度公开政府工作报告重点任务执行情况"
	lead = "综合处"
	assist = {"机关各处室"}
	repeat = "quarterly +15 days"
	policy = "short"
}
CONF

# Wed 2025-01-01: only the first occurrence exists; the template is listed
# with its repeat and has no due day and no reminders.
run_at 2025-01-01T10:00:00+08:00
expect_eq "$(occurrences)" "2023-nx-5@2025-01-15 2025-01-15 2024年第四季度" "occurrences on 01-01"
expect_exit 0 ctl task show 2023-nx-5 --json
expect_eq "$(chk get "$TMP/out" 0 task.repeat --doc)" "quarterly +15 days" "template repeat"
expect_eq "$(chk get "$TMP/out" 0 task.due --doc)" "null" "template due"
expect_exit 0 ctl task show 2023-nx-5@2025-01-15 --json
expect_eq "$(chk get "$TMP/out" 0 task.source --doc)" "repeat:2023-nx-5" "occurrence source"
expect_eq "$(chk get "$TMP/out" 0 task.title --doc)" "按季度公开政府工作报告重点任务执行情况" "occurrence title"
expect_exit 0 ctl reminder list --state pending --json
expect_eq "$(chk lines "$TMP/out" --list reminders '{due_at} {office} {kind}')" \
    "2025-01-13T09:00:00+08:00 综合处 before" "pending on 01-01"
settle_and_stop

# Mon 01-13 08:59:58: the first reminder; the next quarter now exists.
arrive 2025-01-13T08:59:58+08:00
cat >"$TMP/want" <<EOF
2023-nx-5@2025-01-15 2025-01-15 2024年第四季度
2023-nx-5@2025-04-15 2025-04-15 2025年第一季度
EOF
run_at 2025-01-14T10:00:00+08:00
occurrences >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "occurrences on 01-14"
settle_and_stop

# Sat 04-12 just before midnight: the timer, not the start, adds the next
# quarter at 00:00 of 04-13 (its line comes after "ready").
if [ "$SLOW" -eq 1 ]; then
	run_at 2025-04-12T23:59:55+08:00
else
	run_at 2025-04-12T23:59:30+08:00
fi
wait_for_line "$TMP/duband.log" 'repeat:2023-nx-5: occurrences: 1 added' $((30 * SLOW))
sed -n '/ready/,$p' "$TMP/duband.log" | grep -q 'occurrences: 1 added' ||
    { cat "$TMP/duband.log" >&2; fail "the occurrence was not added by the timer"; }
expect_eq "$(occurrences | tail -n 1)" "2023-nx-5@2025-07-15 2025-07-15 2025年第二季度" "occurrence added by the timer"
settle_and_stop

arrive 2025-04-13T08:59:58+08:00

# Tue 05-06: the second quarter's report is done early: its reminder goes.
run_at 2025-05-06T10:00:00+08:00
expect_exit 0 ctl task done 2023-nx-5@2025-07-15
expect_exit 0 ctl reminder list --state pending --json
expect_eq "$(chk count "$TMP/out" --list reminders)" 0 "pending after done"
settle_and_stop

# Sun 07-20: the second quarter's first reminder day has passed, so the
# third quarter exists.  Had the done one's 07-13 reminder stayed, it would
# arrive now, as catch-up.
run_at 2025-07-20T10:00:00+08:00
expect_eq "$(occurrences | tail -n 1)" "2023-nx-5@2025-10-15 2025-10-15 2025年第三季度" "occurrences on 07-20"
expect_exit 0 ctl reminder list --state pending --json
expect_eq "$(chk lines "$TMP/out" --list reminders '{due_at} {office} {kind}')" \
    "2025-10-13T09:00:00+08:00 综合处 before" "pending on 07-20"
settle_and_stop

arrive 2025-10-13T08:59:58+08:00
arrive 2026-01-13T08:59:58+08:00

# Four reminders, one per occurrence, in order; none for the done one.
chk lines "$TMP/sink.log" '{path} {body.json.items.0.number} {body.json.items.0.deadline_date} {body.json.items.0.title}' >"$TMP/got"
cat >"$TMP/want" <<EOF
/zonghe 2023-nx-5@2025-01-15 2025-01-15 按季度公开政府工作报告重点任务执行情况
/zonghe 2023-nx-5@2025-04-15 2025-04-15 按季度公开政府工作报告重点任务执行情况
/zonghe 2023-nx-5@2025-10-15 2025-10-15 按季度公开政府工作报告重点任务执行情况
/zonghe 2023-nx-5@2026-01-15 2026-01-15 按季度公开政府工作报告重点任务执行情况
EOF
diff -u "$TMP/want" "$TMP/got" || fail "reminders at the sink"

# Listed separately; the next one (due 2026-04-15) exists since 01-13.
run_at 2026-01-14T10:00:00+08:00
cat >"$TMP/want" <<EOF
2023-nx-5@2025-01-15 2025-01-15 2024年第四季度
2023-nx-5@2025-04-15 2025-04-15 2025年第一季度
2023-nx-5@2025-07-15 2025-07-15 2025年第二季度
2023-nx-5@2025-10-15 2025-10-15 2025年第三季度
2023-nx-5@2026-01-15 2026-01-15 2025年第四季度
2023-nx-5@2026-04-15 2026-04-15 2026年第一季度
EOF
occurrences >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "occurrences on 2026-01-14"
expect_exit 0 ctl task list --state done --json
expect_eq "$(chk lines "$TMP/out" --list tasks '{key}')" "2023-nx-5@2025-07-15" "done tasks"

# The report counts each occurrence due in 2025 as an item of 综合处.
expect_exit 0 ctl report --from 2025-01-01 --to 2025-12-31 --json
expect_eq "$(chk lines "$TMP/out" --list offices '{office} due={due} on_time={on_time} overdue={overdue}')" \
    "综合处 due=4 on_time=1 overdue=3" "report"

# A changed spec retires the occurrences no longer wanted (the done one
# stays done) and reminds nothing twice.
sed 's/repeat = "quarterly +15 days"/repeat = "yearly 03-31"/' "$TMP/duban.conf" >"$TMP/duban.conf.new"
mv "$TMP/duban.conf.new" "$TMP/duban.conf"
kill -HUP "$(cat "$TMP/duband.pid")"
wait_for_line "$TMP/duband.log" 'reloaded' $((10 * SLOW))
cat >"$TMP/want" <<EOF
2023-nx-5@2025-01-15 retired
2023-nx-5@2025-03-31 overdue 2025年
2023-nx-5@2025-04-15 retired
2023-nx-5@2025-07-15 retired done_at=2025-05-06
2023-nx-5@2025-10-15 retired
2023-nx-5@2026-01-15 retired
2023-nx-5@2026-03-31 open 2026年
2023-nx-5@2026-04-15 retired
EOF
expect_exit 0 ctl task list --state all --json
chk lines "$TMP/out" --list tasks '{key} {status} {due_text} done_at={done_at}' \
    --where parent=2023-nx-5 | LC_ALL=C sort |
    sed 's/ retired .* done_at=null$/ retired/; s/ done_at=null$//;
         s/ retired .* done_at=\(....-..-..\).*/ retired done_at=\1/' >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "occurrences after the spec changed"
expect_exit 0 ctl reminder list --state pending --json
expect_eq "$(chk lines "$TMP/out" --list reminders '{due_at} {office} {kind}')" \
    "2026-03-29T09:00:00+08:00 综合处 before" "pending after the spec changed"
settle_and_stop
