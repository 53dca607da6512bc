#!/bin/sh
# duband -t and dubanctl check-config: 0 on the shipped example, 78 with
# every error named by file and line.
. "$top_srcdir/tests/integration/lib.sh"

expect_exit 0 "$DUBAND" -t -c "$ETC/duban.conf"
expect_exit 0 "$DUBANCTL" -c "$ETC/duban.conf" check-config
expect_grep "$TMP/out" 'ok'

# A dangling office reference, on a known line.
cat >"$TMP/bad.conf" <<CONF
calendar "cn" {
	include_ics = {"$ETC/holidays/cn.ics"}
}
office "综合处" {
}
task "t1" {
	title = "畅通政民互动沟通渠道"
	lead = "不存在的处"
	due = "2024-12-31"
}
CONF
expect_exit 78 "$DUBAND" -t -c "$TMP/bad.conf"
expect_grep "$TMP/err" "bad.conf:8:.*不存在的处"
expect_exit 78 "$DUBANCTL" -c "$TMP/bad.conf" check-config
expect_grep "$TMP/err" "bad.conf:8:.*不存在的处"

# The daemon refuses to start on it, with the same exit code.
expect_exit 78 "$DUBAND" -c "$TMP/bad.conf" -d "$TMP/duban.db"
[ ! -e "$TMP/duban.db" ] || fail "a bad config must not create the database"

# A missing config file.
expect_exit 78 "$DUBAND" -t -c "$TMP/none.conf"
expect_grep "$TMP/err" 'none.conf'
echo ok
