#!/bin/sh
# dubanctl calc: the documented examples, the between and batch forms,
# working hours, due phrases (--due), and clear errors with exit 65 for bad
# dates, units and phrases.
. "$top_srcdir/tests/integration/lib.sh"
CONF="$ETC/duban.conf"

check() {	# check EXPECTED ARGS...
	answer=$1
	shift
	expect_exit 0 "$DUBANCTL" -c "$CONF" calc "$@"
	[ "$(cat "$TMP/out")" = "$answer" ] || fail "calc $*: expected $answer, got $(cat "$TMP/out")"
}

check 2024-10-23 2024-09-20 '+20 workdays'
check 2024-09-30 2024-10-08 '-1 workday'
check 2024-09-30 2024-09-20 '+10 days'
check 2024-10-01 2024-09-21 '+10 days'
check 2024-10-08 --roll 2024-09-21 '+10 days'
check 2025-01-02 2024-12-31 '+1 workday'
check 20 --between 2024-09-20 2024-10-23
check 0 --between 2024-10-01 2024-10-07
check 2024-10-23 --calendar cn 2024-09-20 '+20 workdays'

# Reaching a year that is not announced: an answer, and a warning.
check 2027-01-07 2026-12-31 '+5 workdays'
expect_grep "$TMP/err" 'no holiday data for 2027'

# Bad input: exit 65 and a message naming what was wrong.
expect_exit 65 "$DUBANCTL" -c "$CONF" calc 2024-02-30 '+1 workday'
expect_grep "$TMP/err" '2024-02-30'
expect_exit 65 "$DUBANCTL" -c "$CONF" calc 2024-09-20 '+3 weeks'
expect_grep "$TMP/err" '3 weeks'
expect_exit 65 "$DUBANCTL" -c "$CONF" calc 2024-09-20 '+4h'
expect_grep "$TMP/err" 'not hours'
expect_exit 65 "$DUBANCTL" -c "$CONF" calc --calendar nowhere 2024-09-20 '+1 workday'
expect_grep "$TMP/err" 'no calendar "nowhere"'
expect_exit 64 "$DUBANCTL" -c "$CONF" calc 2024-09-20
expect_exit 64 "$DUBANCTL" -c "$CONF" calc --bogus 2024-09-20 '+1 day'

# Batch: one answer per line; a bad line says "error" and names its line.
printf '2024-09-20 +20 workdays\n2024-13-01 +1 workday\n2024-09-20 2024-10-23\n' |
	{ expect_exit 65 "$DUBANCTL" -c "$CONF" calc --batch; }
[ "$(cat "$TMP/out")" = "$(printf '2024-10-23\nerror\n20')" ] || { cat "$TMP/out" >&2; fail "batch output"; }
expect_grep "$TMP/err" 'stdin:2: '

# A strict calendar refuses to count blind.
cat >"$TMP/strict.conf" <<CONF
calendar "strict" {
	strict = true
	include_ics = {"$ETC/holidays/cn.ics"}
}
CONF
expect_exit 0 "$DUBANCTL" -c "$TMP/strict.conf" calc 2024-09-20 '+20 workdays'
expect_exit 65 "$DUBANCTL" -c "$TMP/strict.conf" calc 2026-12-31 '+5 workdays'
expect_grep "$TMP/err" 'not announced'
# Counting backwards, in the batch form too (10-12 is a make-up Saturday).
printf '2024-10-08 -1 workday\n2024-10-12 -1 workdays\n2024-10-14 -3 workdays\n' |
	{ expect_exit 0 "$DUBANCTL" -c "$CONF" calc --batch; }
[ "$(cat "$TMP/out")" = "$(printf '2024-09-30\n2024-10-11\n2024-10-10')" ] || { cat "$TMP/out" >&2; fail "batch backwards"; }

# Working hours: a calendar with office hours, chosen with --calendar.
cat >"$TMP/hours.conf" <<CONF
calendar "plain" { include_ics = {"$ETC/holidays/cn.ics"} }
calendar "office" {
	include_ics = {"$ETC/holidays/cn.ics"}
	office_hours = "09:00-12:00,13:30-17:30"
}
CONF
hcheck() {	# hcheck EXPECTED ARGS...
	answer=$1
	shift
	expect_exit 0 "$DUBANCTL" -c "$TMP/hours.conf" calc --calendar office "$@"
	[ "$(cat "$TMP/out")" = "$answer" ] || fail "calc $*: expected $answer, got $(cat "$TMP/out")"
}
hcheck 2024-10-08T11:30 2024-09-30T16:00 '+4 workhours'	# National Day week
hcheck 2024-09-30T16:00 2024-10-08T11:30 '-4 workhours'
hcheck 2024-09-23T14:30 2024-09-23T11:00 '+2 workhours'	# across lunch
hcheck 2024-09-23T12:00 2024-09-23T11:00 '+1 workhour'
hcheck 2024-09-24T10:00 2024-09-23T20:00 '+1 workhour'	# evening
hcheck 2024-09-23T09:30 2024-09-20T17:00 '+1 workhour'	# weekend
hcheck 2024-09-29T09:30 2024-09-27T17:00 '+1 workhour'	# make-up Sunday
hcheck 2024-10-12T09:30 2024-10-11T17:00 '+1 workhour'	# make-up Saturday
hcheck 2024-09-24T10:00 2024-09-24 '+1 workhour'	# a bare date: midnight
hcheck 2024-09-23T10:00:30 2024-09-23T09:00:30 '+1 workhour'
printf '2024-09-30T16:00 +4 workhours\n2024-09-20 +20 workdays\n' |
	{ expect_exit 0 "$DUBANCTL" -c "$TMP/hours.conf" calc --calendar office --batch; }
[ "$(cat "$TMP/out")" = "$(printf '2024-10-08T11:30\n2024-10-23')" ] || { cat "$TMP/out" >&2; fail "batch workhours"; }
expect_exit 65 "$DUBANCTL" -c "$TMP/hours.conf" calc 2024-09-30T16:00 '+4 workhours'
expect_grep "$TMP/err" 'calendar "plain" has no office_hours'
expect_exit 65 "$DUBANCTL" -c "$TMP/hours.conf" calc --calendar office 2024-09-30T25:00 '+4 workhours'
expect_grep "$TMP/err" '25:00'
expect_exit 65 "$DUBANCTL" -c "$TMP/hours.conf" calc --calendar office 2024-09-30T16:00 '+4 days'
expect_grep "$TMP/err" '2024-09-30T16:00'

# Due phrases (--due), with and without --year.
dcheck() {	# dcheck EXPECTED ARGS...
	answer=$1
	shift
	expect_exit 0 "$DUBANCTL" -c "$CONF" calc "$@"
	[ "$(cat "$TMP/out")" = "$answer" ] || fail "calc $*: expected $answer, got $(cat "$TMP/out")"
}
dcheck 2024-12-31 --year 2024 --due 年内
dcheck 2024-12-31 --year 2024 --due 年底前
dcheck 2024-12-31 --year 2024 --due 全年
dcheck 2025-12-31 --year 2024 --due 2025年底前
dcheck 2024-03-31 --year 2024 --due 第一季度
dcheck 2024-06-30 --year 2024 --due 二季度
dcheck 2024-09-30 --year 2024 --due 第三季度
dcheck 2024-12-31 --year 2024 --due 四季度
dcheck 2024-06-30 --year 2024 --due 上半年
dcheck 2024-12-31 --year 2024 --due 下半年
dcheck 2024-02-29 --year 2024 --due 2月
dcheck 2025-06-30 --year 2025 --due 6月底前
dcheck 2024-03-31 --due 3月31日前 --year 2024
dcheck 2026-12-31 --due 2026年
dcheck 2024-11-30 --due 2024年11月
dcheck 2024-07-21 --due 2024年7月21日
dcheck 2025-12-31 --due 十四五期末
dcheck 2030-12-31 --due 十五五期末
dcheck 2010-12-31 --due 十一五期末
dcheck 2024-07-21 --due 2024-07-21
expect_exit 65 "$DUBANCTL" -c "$CONF" calc --year 2024 --due 尽快
expect_grep "$TMP/err" 'no deadline in "尽快"'
expect_exit 65 "$DUBANCTL" -c "$CONF" calc --due 年底前
expect_grep "$TMP/err" 'names no year'
expect_exit 64 "$DUBANCTL" -c "$CONF" calc --year 20x4 --due 年底前
expect_exit 64 "$DUBANCTL" -c "$CONF" calc --year 2024 2024-09-20 '+1 day'
expect_exit 64 "$DUBANCTL" -c "$CONF" calc --due 年底前 2024-09-20
echo ok
