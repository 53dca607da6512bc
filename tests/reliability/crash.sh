#!/bin/sh
# Crash at random points under a burst (issue 6, reliability 1).  N offices
# each have one task due Wednesday 2024-10-23, so N reminders fall due at
# 09:00 at once (one per office and channel: no digests); the sink answers
# each after 0.05 s and max_inflight = 8.  duband is killed with SIGKILL
# KILLS times, at random points (sometimes right after it is launched,
# before or while it opens the store; mostly after a random number of new
# requests reached the sink), and started again each time.  After every
# crash the store passes PRAGMA integrity_check and at most max_inflight
# rows are 'sending'.  At the end every row is sent or failed, every sent
# row reached the sink (its id as the Idempotency-Key), and the requests
# sent twice are no more than the rows that were 'sending' at the crashes
# (so at most max_inflight per crash).
#
# Short mode (make check): N = 300, 20 kills.  RELIABILITY_LONG=1: N = 1000,
# 100 kills.  RELIABILITY_SEED=S replays the random points of a run (each
# run prints its seed).
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || { echo "python3 not found: skipping"; exit 77; }
PY=$PYTHON3
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind
if [ "${RELIABILITY_LONG:-0}" = 1 ]; then
	N=1000 KILLS=100
else
	N=300 KILLS=20
fi
MAX_INFLIGHT=8
SEED=${RELIABILITY_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "seed $SEED: $N reminders, $KILLS kills"

chk() { "$PY" "$top_srcdir/tests/integration/check.py" "$@"; }
q() { sqlite3 "$DB" "$1"; }
expect_eq() {	# expect_eq GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got \"$1\", expected \"$2\""
}
requests() { grep -c '"path"' "$TMP/sink.log" || true; }

# api METHOD PATH: the API over the unix socket; the answer goes to
# $TMP/api.json.
api() {
	status=$(curl -sS --unix-socket "$SOCK" -X "$1" -o "$TMP/api.json" \
	    -w '%{http_code}' "http://duban$2")
	[ "$status" = 200 ] || { cat "$TMP/api.json" >&2; fail "$1 $2: HTTP $status"; }
}

# The random points, one line per kill: "launch MS" (kill MS ms after the
# launch, ready or not) or "requests K" (kill once K more requests reached
# the sink after "ready").
# A run first sends again the rows in doubt (up to max_inflight), then new
# ones: K is drawn from 1 .. max_inflight + N / KILLS, so that the kills
# are spread over most of the burst.
awk -v seed="$SEED" -v kills="$KILLS" -v n="$N" -v inflight="$MAX_INFLIGHT" 'BEGIN {
	srand(seed)
	per = int(n / kills) + inflight
	for (i = 0; i < kills; i++) {
		if (rand() < 0.2)
			printf "launch %d\n", int(rand() * 300)
		else
			printf "requests %d\n", 1 + int(rand() * per)
	}
}' >"$TMP/points"

"$PY" "$top_srcdir/tests/integration/sink.py" --port-file "$TMP/sink.port" \
    --log "$TMP/sink.log" --default 'HANG 0.05' 2>"$TMP/sink.err" &
echo $! >"$TMP/sink.pid"
wait_for_line "$TMP/sink.port" '^[0-9][0-9]*$' 10
: >>"$TMP/sink.log"
SOCK="$TMP/duban.sock"
DB="$TMP/duban.db"
LOG="$TMP/duband.log"

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
{
	cat <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
log_level = "info"
max_inflight = $MAX_INFLIGHT
retry_base = 1

channel "hook" {
	type = "webhook"
	url = "http://127.0.0.1:$(cat "$TMP/sink.port")/hook"
	timeout = 30
}
policy "once" {
	at_deadline = true
	hours = "09:00-17:30"
}
CONF
	i=1
	while [ "$i" -le "$N" ]; do
		n=$(printf '%04d' "$i")
		printf 'office "处室%s" {\n\tchannels = {"hook"}\n}\n' "$n"
		printf 'task "burst-%s" {\n\ttitle = "批量提醒%s"\n\tlead = "处室%s"\n' "$n" "$n" "$n"
		printf '\tdue = "2024-10-23"\n\tpolicy = "once"\n}\n'
		i=$((i + 1))
	done
} >"$TMP/duban.conf"

# The first run starts before 09:00; the later ones after, when the rows
# are already due (catch-up).
fake_now=2024-10-23T08:59:58+08:00
crash=0
in_doubt=0	# rows 'sending' summed over the crashes
while read -r how arg; do
	crash=$((crash + 1))
	: >"$LOG"
	before=$(requests)
	start_duband "$LOG" -c "$TMP/duban.conf" -d "$DB" --fake-now "$fake_now"
	fake_now=2024-10-23T09:00:05+08:00
	pid=$(cat "$TMP/duband.pid")
	if [ "$how" = launch ]; then
		sleep "$(awk -v ms="$arg" -v slow="$SLOW" 'BEGIN { print ms * slow / 1000 }')"
	else
		wait_for_line "$LOG" 'ready' $((10 * SLOW))
		want=$((before + arg))
		i=0
		# Until K more requests, or the burst is over (nothing left to
		# send: then the kill comes in the idle daemon).
		while [ "$(requests)" -lt "$want" ]; do
			i=$((i + 1))
			if [ $((i % 20)) -eq 0 ] &&
			    [ "$(q "select count(*) from reminders where state in
				('pending', 'sending', 'retry')")" -eq 0 ]; then
				break
			fi
			[ "$i" -le $((200 * SLOW)) ] || { tail "$LOG" >&2; fail "crash $crash: no progress"; }
			sleep 0.05
		done
	fi
	kill -KILL "$pid" 2>/dev/null || fail "crash $crash: duband had exited: $(tail -3 "$LOG")"
	wait "$pid" 2>/dev/null || true
	rm "$TMP/duband.pid"
	expect_eq "$(q 'pragma integrity_check')" ok "crash $crash ($how $arg): integrity"
	# Killed before the first migration committed, there is no outbox yet.
	if [ "$(q "select count(*) from sqlite_master where name = 'reminders'")" -eq 0 ]; then
		[ "$how" = launch ] || fail "crash $crash: no reminders table after ready"
		continue
	fi
	sending=$(q "select count(*) from reminders where state = 'sending'")
	[ "$sending" -le "$MAX_INFLIGHT" ] ||
		fail "crash $crash: $sending rows sending, more than max_inflight ($MAX_INFLIGHT)"
	in_doubt=$((in_doubt + sending))
	rows=$(q "select count(*) from reminders where kind = 'due'")
	# Killed before it planned anything, there are no rows yet; once
	# planned, all N are there (one transaction).
	[ "$rows" -eq 0 ] || [ "$rows" -eq "$N" ] || fail "crash $crash: $rows due rows, expected 0 or $N"
done <"$TMP/points"
sent_during_crashes=$(requests)
left_after_crashes=$(q "select count(*) from reminders where state in ('pending', 'sending', 'retry')")

# The last run, to the end.
: >"$LOG"
start_duband "$LOG" -c "$TMP/duban.conf" -d "$DB" --fake-now "$fake_now"
wait_for_line "$LOG" 'ready' $((10 * SLOW))
i=0
while :; do
	left=0
	for state in pending sending retry; do
		api GET "/v1/reminders?state=$state&limit=1000"
		left=$((left + $(chk count "$TMP/api.json" --list reminders)))
	done
	[ "$left" -ne 0 ] || break
	i=$((i + 1))
	[ "$i" -le $((600 * SLOW)) ] || fail "$left rows still pending, sending or retry"
	sleep 0.1
done
api GET "/v1/reminders?limit=1000"
stop_duband

expect_eq "$(q 'pragma integrity_check')" ok "integrity at the end"
chk lines "$TMP/api.json" --list reminders '{kind} {state}' | sort | uniq -c | sed 's/^ *//' >"$TMP/states"
grep -v -e ' due sent$' -e ' due failed$' "$TMP/states" && fail "rows neither sent nor failed: $(cat "$TMP/states")"
expect_eq "$(chk count "$TMP/api.json" --list reminders)" "$N" "rows at the end"
chk lines "$TMP/api.json" --list reminders '{id}' --where state=sent | sort -n >"$TMP/sent"
chk lines "$TMP/sink.log" '{headers.idempotency-key}' | sort -n >"$TMP/keys"
sort -n -u "$TMP/keys" >"$TMP/keys.unique"
diff "$TMP/sent" "$TMP/keys.unique" >/dev/null ||
	fail "sent rows and keys at the sink differ: $(diff "$TMP/sent" "$TMP/keys.unique" | head)"
total=$(wc -l <"$TMP/keys")
dups=$((total - $(wc -l <"$TMP/keys.unique")))
[ "$dups" -le "$in_doubt" ] ||
	fail "$dups requests sent twice, but only $in_doubt rows were sending at the $KILLS crashes"
[ "$dups" -le $((KILLS * MAX_INFLIGHT)) ] || fail "$dups sent twice, more than max_inflight per crash"
echo "$(tr '\n' ' ' <"$TMP/states"); $sent_during_crashes requests during the crashes," \
    "$left_after_crashes rows left after them; $total requests in all, $dups sent twice" \
    "($in_doubt in doubt)"
echo ok
