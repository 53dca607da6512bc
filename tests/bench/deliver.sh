#!/bin/sh
# Delivery throughput and lateness: N reminders (one per office, each a task
# due today with a policy of one "due" reminder at 09:00) come due at once,
# with duband's clock started 5 s before 09:00; tests/integration/sink.py
# records each arrival.  Prints the lateness of each send on duband's own
# clock (attempt start minus due time, from the store) and the delivery
# rate at the sink.  The Python sink (a thread per request) is itself a limit:
# the numbers are a floor for duband, not its ceiling.
# usage: tests/bench/deliver.sh BUILDDIR [N] [MAX_INFLIGHT]
set -eu
builddir=$(cd "${1:?usage: deliver.sh BUILDDIR [N] [MAX_INFLIGHT]}" && pwd)
n=${2:-2000}
inflight=${3:-16}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'kill $sink $daemon 2>/dev/null || true; rm -rf "$tmp"' EXIT
cd "$tmp"
sink= daemon=

python3 "$srcdir/tests/integration/sink.py" --port-file port --log sink.log &
sink=$!
until [ -s port ]; do sleep 0.05; done
cp "$srcdir/etc/holidays/cn.conf" .
{
	printf 'include("cn.conf")\nlog_level = "warning"\nmax_inflight = %s\n' "$inflight"
	printf 'channel "hook" {\n type = "webhook"\n url = "http://127.0.0.1:%s/hook"\n rate_per_minute = 0\n}\n' "$(cat port)"
	printf 'policy "once" {\n at_deadline = true\n hours = "09:00-17:30"\n}\n'
	i=1
	while [ "$i" -le "$n" ]; do
		printf 'office "o%d" {\n channels = {"hook"}\n}\ntask "t%d" {\n title = "t"\n lead = "o%d"\n due = "2024-10-23"\n policy = "once"\n}\n' "$i" "$i" "$i"
		i=$((i + 1))
	done
} >duban.conf
"$builddir/duband" -c duban.conf -d db -s "$tmp/s.sock" \
    --fake-now 2024-10-23T08:59:55+08:00 >log 2>&1 &
daemon=$!
until [ "$(wc -l <sink.log)" -ge "$n" ]; do sleep 0.05; done
kill "$daemon"
wait "$daemon" || true
python3 - "$n" "$inflight" <<'PY'
import json, sqlite3, sys
n, inflight = int(sys.argv[1]), sys.argv[2]
t = sorted(json.loads(l)["t_ms"] for l in open("sink.log"))
db = sqlite3.connect("db")
late = sorted(r[0] for r in db.execute(
    "select a.started_at - r.due_at * 1000 from attempts a"
    " join reminders r on r.id = a.reminder_id where a.result = 'sent'"))
p = lambda q: late[min(len(late) - 1, int(q * len(late)))]
print(f"{n} reminders, max_inflight {inflight}: send lateness p50 {p(0.5)} ms, "
      f"p99 {p(0.99)} ms, max {late[-1]} ms; "
      f"{n / max(0.001, (t[-1] - t[0]) / 1000):.0f} reminders/s at the sink")
PY
