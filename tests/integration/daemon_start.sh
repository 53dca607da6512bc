#!/bin/sh
# The real daemon: starts on the shipped config, syncs config tasks into the
# store, takes --fake-now, rejects a broken config on SIGHUP and keeps
# running, applies a good one (added and retired tasks, history kept), and
# stops cleanly on SIGTERM.
. "$top_srcdir/tests/integration/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }

cp -r "$ETC" "$TMP/etc"
CONF="$TMP/etc/duban.conf"
echo 'socket_group = "daemon"' >>"$CONF"
DB="$TMP/state/duban.db"
LOG="$TMP/duband.log"
q() { sqlite3 "$DB" "$1"; }

start_duband "$LOG" -v -c "$CONF" -d "$DB" -s "$TMP/duban.sock" --fake-now 2024-10-23T23:59:50+08:00
wait_for_line "$LOG" 'ready'
expect_grep "$LOG" 'now 2024-10-23T23:5[0-9]:[0-9][0-9]+08:00'

ntasks=$(grep -c '^task ' "$CONF")
[ "$(q "select count(*) from tasks where retired_at is null and source = 'config'")" -eq "$ntasks" ] ||
	fail "expected $ntasks config tasks in the store"
[ "$(q 'pragma journal_mode')" = wal ] || fail "store is not in WAL mode"
[ "$(stat -c '%a %G' "$TMP/duban.sock")" = "660 daemon" ] ||
	fail "socket should be mode 660, group daemon: $(stat -c '%a %G' "$TMP/duban.sock")"
[ "$(q "select count(*) from offices where name = '综合处'")" -eq 1 ] ||
	fail "office 综合处 not synced"

# A broken config on SIGHUP: rejected, the daemon keeps running.
cp "$CONF" "$TMP/good.conf"
printf 'task "x" {\n  title = "x"\n  lead = "没有这个处"\n  due = "2024-12-31"\n}\n' >>"$CONF"
kill -HUP "$(cat "$TMP/duband.pid")"
wait_for_line "$LOG" 'reload rejected'
expect_grep "$LOG" 'duban.conf:[0-9]*:.*没有这个处'
kill -0 "$(cat "$TMP/duband.pid")" || fail "duband died on a bad reload"

# A good config: one task retired, one added; the retired row is kept.
first=$(sed -n 's/^task "\([^"]*\)".*/\1/p' "$TMP/good.conf" | head -1)
{
	sed "s/^task \"$first\"/task \"renamed-$first\"/" "$TMP/good.conf"
} >"$CONF"
kill -HUP "$(cat "$TMP/duband.pid")"
wait_for_line "$LOG" 'reloaded'
expect_grep "$LOG" '1 added, 0 changed, 1 retired'
[ "$(q "select count(*) from tasks where key = '$first' and retired_at is not null")" -eq 1 ] ||
	fail "task $first should be retired, not deleted"
[ "$(q "select count(*) from task_history where change = 'retired'")" -eq 1 ] ||
	fail "retirement not in task_history"

stop_duband

# Restart on the same store: nothing changes.
start_duband "$LOG" -v -c "$CONF" -d "$DB" -s "$TMP/duban.sock"
wait_for_line "$LOG" 'ready'
expect_grep "$LOG" '0 added, 0 changed, 0 retired'
stop_duband
echo ok
