#!/bin/sh
# duband under systemd, without systemd running:
#  1. the notify protocol, against a python3 datagram socket standing in for
#     systemd (NOTIFY_SOCKET, WATCHDOG_USEC): READY=1 once the store is open
#     and the schedule armed, STATUS= with the pending and overdue counts,
#     WATCHDOG=1 pings at half the period, RELOADING=1 + MONOTONIC_USEC= then
#     READY=1 around SIGHUP and POST /v1/reload (a rejected config too), and
#     STOPPING=1 on SIGTERM; only when built with libsystemd;
#  2. the generated unit: `systemd-analyze verify` (the binary path pointed
#     at the build, its man pages found through MANPATH) and `systemd-analyze
#     security --offline=true` rating it 2.0 or lower.
. "$top_srcdir/tests/integration/lib.sh"
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }

SOCK="$TMP/duban.sock"
NSOCK="$TMP/notify.sock"
NLOG="$TMP/notify.log"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"

# The notify socket: one line per assignment received, in order.
cat >"$TMP/notify.py" <<'EOF'
import os, signal, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
with open(sys.argv[2], "a", encoding="utf-8") as f:
    while True:
        for line in s.recv(4096).decode("utf-8").split("\n"):
            f.write(line + "\n")
        f.flush()
EOF

# Two tasks overdue on a quiet policy (nothing to send for them), one due
# later on the standard policy (pending rows, all in the future).
cat >"$CONF" <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
database = "$TMP/duban.db"
log_level = "info"
channel "console" {
	type = "stdout"
	file = "$TMP/messages.txt"
}
office "局办公室" {
	channels = {"console"}
}
office "综合处" {
	channels = {"console"}
	supervisor = "局办公室"
	aliases = {"局综合处"}
}
policy "standard" {
	before = {"3 workdays", "1 workday"}
	at_deadline = true
	overdue_every = "1 workday"
	escalate_after = "1 workday"
}
policy "quiet" {
	before = {"1 workday"}
	at_deadline = false
}
task "late-1" {
	title = "逾期一"
	lead = "综合处"
	due = "2024-10-21"
	policy = "quiet"
}
task "late-2" {
	title = "逾期二"
	lead = "局综合处"
	due = "2024-10-22"
	policy = "quiet"
}
task "later" {
	title = "下月到期"
	lead = "局办公室"
	due = "2024-11-29"
	policy = "standard"
}
EOF

# wait_count FILE PATTERN N: until N lines of FILE match (the datagrams are
# written by another process: never assume they are there yet).
wait_count() {
	i=0
	until [ "$(grep -c -e "$2" "$1")" -ge "$3" ]; do
		i=$((i + 1))
		[ "$i" -le 600 ] || { cat "$1" >&2; fail "timed out waiting for $3 \"$2\" in $1"; }
		sleep 0.05
	done
}

notify_part() {
	"$PYTHON3" "$TMP/notify.py" "$NSOCK" "$NLOG" &
	echo $! >"$TMP/notify.pid"
	i=0
	until [ -S "$NSOCK" ]; do
		i=$((i + 1))
		[ "$i" -le 200 ] || fail "the notify socket did not appear"
		sleep 0.05
	done
	: >>"$NLOG"

	export NOTIFY_SOCKET="$NSOCK" WATCHDOG_USEC=400000
	start_duband "$LOG" -c "$CONF" --fake-now 2024-10-23T12:00:00+08:00
	unset NOTIFY_SOCKET WATCHDOG_USEC
	pid=$(cat "$TMP/duband.pid")
	wait_for_line "$NLOG" '^READY=1$'
	wait_for_line "$NLOG" '^STATUS='
	expect_grep "$LOG" 'watchdog: a ping every 200 ms'
	[ "$(sed -n 1p "$NLOG")" = READY=1 ] || fail "READY=1 is not the first notification"

	# STATUS: the pending rows the API lists, and the two overdue tasks.
	pending=$(curl -sS --unix-socket "$SOCK" 'http://duban/v1/reminders?state=pending' |
	    "$PYTHON3" -c 'import json, sys; print(len(json.load(sys.stdin)["reminders"]))')
	[ "$pending" -gt 0 ] || fail "no pending reminders: the scenario is wrong"
	status=$(grep '^STATUS=' "$NLOG" | head -1)
	[ "$status" = "STATUS=pending $pending, overdue 2" ] ||
	    fail "got \"$status\", expected \"STATUS=pending $pending, overdue 2\""

	# The watchdog keeps pinging while the loop runs.
	wait_for_line "$NLOG" '^WATCHDOG=1$'
	n=$(grep -c '^WATCHDOG=1$' "$NLOG")
	until [ "$(grep -c '^WATCHDOG=1$' "$NLOG")" -ge $((n + 2)) ]; do
		kill -0 "$pid" || fail "duband died"
		sleep 0.05
	done

	# SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1 again.
	kill -HUP "$pid"
	wait_for_line "$LOG" 'reloaded'
	wait_count "$NLOG" '^READY=1$' 2
	expect_grep "$NLOG" '^MONOTONIC_USEC=[1-9][0-9]*$'
	grep -v '^WATCHDOG=1$' "$NLOG" | grep -A2 '^RELOADING=1$' | tail -1 | grep -qx 'READY=1' ||
	    { cat "$NLOG" >&2; fail "no READY=1 after RELOADING=1"; }

	# POST /v1/reload with a broken config: rejected, still READY=1.
	cp "$CONF" "$TMP/good.conf"
	echo 'bogus_key = 1' >>"$CONF"
	code=$(curl -sS -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" -X POST http://duban/v1/reload)
	[ "$code" != 200 ] || fail "a broken config was accepted"
	wait_count "$NLOG" '^RELOADING=1$' 2
	wait_count "$NLOG" '^READY=1$' 3
	kill -0 "$pid" || fail "duband died on a broken config"
	cp "$TMP/good.conf" "$CONF"

	stop_duband
	wait_for_line "$NLOG" '^STOPPING=1$'
	[ "$(grep -v '^WATCHDOG=1$' "$NLOG" | grep -v '^$' | tail -1)" = STOPPING=1 ] ||
	    { cat "$NLOG" >&2; fail "STOPPING=1 is not the last notification"; }
	kill "$(cat "$TMP/notify.pid")"
	rm "$TMP/notify.pid"
}

if grep -q -e '-DHAVE_LIBSYSTEMD=1' "$top_builddir/Makefile"; then
	notify_part
	echo "notify protocol: ok"
else
	echo "built without libsystemd: the notify protocol is not tested"
	# Unmanaged, NOTIFY_SOCKET or not, the daemon runs the same.
	export NOTIFY_SOCKET="$NSOCK"
	start_duband "$LOG" -c "$CONF" --fake-now 2024-10-23T12:00:00+08:00
	unset NOTIFY_SOCKET
	wait_for_line "$LOG" 'ready'
	stop_duband
fi

# 2. The unit.
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found: skipping the unit checks"; exit 77; }
UNIT_IN="$top_builddir/systemd/duband.service"
[ -f "$UNIT_IN" ] || fail "$UNIT_IN was not generated (make all)"
grep -q '@[a-z]*@' "$UNIT_IN" && fail "unsubstituted @variables@ in $UNIT_IN"
for key in Type=notify WatchdogSec=30 'ExecReload=/bin/kill -HUP $MAINPID' \
    StateDirectory=duban ConfigurationDirectory=duban RuntimeDirectory=duban \
    DynamicUser=yes; do
	grep -qxF "$key" "$UNIT_IN" || fail "the unit lacks $key"
done
# The daemon's paths are the directories systemd makes for it.
grep -q '^ExecStart=.* -d /var/lib/duban/duban.db -s /run/duban/duban.sock$' "$UNIT_IN" ||
    fail "ExecStart does not put the database and socket in StateDirectory and RuntimeDirectory"

# verify wants the programs it runs to exist: point them at the build.
mkdir -p "$TMP/unit"
UNIT="$TMP/unit/duband.service"
sed -e "s|^\(Exec[A-Za-z]*=\)[^ ]*/duband |\1$DUBAND |" "$UNIT_IN" >"$UNIT"
grep -q "^ExecStart=$DUBAND " "$UNIT" || fail "cannot rewrite ExecStart"

# Documentation=man:... is checked with man(1) when there is one: the
# pages of this tree, in a MANPATH of their own.
man_opt=--man=no
if command -v man >/dev/null; then
	for page in duband.8 dubanctl.1 duban.conf.5; do
		sec=${page##*.}
		mkdir -p "$TMP/man/man$sec"
		cp "$top_srcdir/doc/$page" "$TMP/man/man$sec/"
	done
	man_opt=--man=yes
fi
set +e
MANPATH="$TMP/man" systemd-analyze verify $man_opt "$UNIT" >"$TMP/verify.out" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ] || grep -q 'duband.service' "$TMP/verify.out"; then
	cat "$TMP/verify.out" >&2
	fail "systemd-analyze verify (exit $rc)"
fi

systemd-analyze security --offline=true "$UNIT" >"$TMP/security.out" 2>&1 ||
    { cat "$TMP/security.out" >&2; fail "systemd-analyze security failed"; }
exposure=$(sed -n 's/.*Overall exposure level for duband.service: \([0-9.]*\).*/\1/p' "$TMP/security.out")
[ -n "$exposure" ] || { cat "$TMP/security.out" >&2; fail "no exposure level in the output"; }
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' ||
    { cat "$TMP/security.out" >&2; fail "exposure $exposure is above 2.0"; }
echo "unit: verified, exposure $exposure"
echo ok
