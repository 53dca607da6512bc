#!/bin/sh
# dubanctl calc against an independent implementation of the official
# 2024-2026 calendar (calendar_oracle.py): every start date, N = 1..40,
# through the shipped config calendar and through the shipped iCalendar feed.
. "$top_srcdir/tests/integration/lib.sh"

[ "${PYTHON3:-no}" != no ] || { echo "python3 not found: skipping"; exit 77; }
"$PYTHON3" "$top_srcdir/tests/integration/calendar_oracle.py" \
	"$TMP/queries" "$TMP/expected"
echo "$(wc -l <"$TMP/queries") queries"

# 1. The shipped config (calendar "cn" from etc/holidays/cn.conf).
"$DUBANCTL" -c "$ETC/duban.conf" calc --batch <"$TMP/queries" \
	>"$TMP/got-conf" 2>"$TMP/err-conf" || true
diff "$TMP/expected" "$TMP/got-conf" >"$TMP/diff" ||
	{ head -20 "$TMP/diff" >&2; fail "config calendar disagrees with the oracle"; }
# Only 2023 and 2027 (not announced) may be warned about, once each.
expect_grep "$TMP/err-conf" 'no holiday data for 2023'
expect_grep "$TMP/err-conf" 'no holiday data for 2027'
[ "$(wc -l <"$TMP/err-conf")" -eq 2 ] || { cat "$TMP/err-conf" >&2; fail "unexpected stderr"; }

# 2. A config whose only calendar is the iCalendar feed.
cat >"$TMP/ics.conf" <<CONF
calendar "cn-ics" {
	include_ics = {"$ETC/holidays/cn.ics"}
}
CONF
"$DUBANCTL" -c "$TMP/ics.conf" calc --batch <"$TMP/queries" \
	>"$TMP/got-ics" 2>"$TMP/err-ics" || true
diff "$TMP/expected" "$TMP/got-ics" >"$TMP/diff" ||
	{ head -20 "$TMP/diff" >&2; fail "iCalendar calendar disagrees with the oracle"; }
echo "both calendars agree with the oracle"
