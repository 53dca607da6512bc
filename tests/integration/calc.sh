#!/bin/sh
# dubanctl calc: the documented examples, the between and batch forms, and
# clear errors with exit 65 for bad dates and units.
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
echo ok
