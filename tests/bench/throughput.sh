#!/bin/sh
# Throughput: N reminders due at the same instant, delivered by duband
# (generic webhook channel, durable attempt records, max_inflight C) to a
# local nginx answering 204; compared in the same run with wrk posting the
# same payload to the same nginx with the same concurrency (the limit), and
# with Prometheus Alertmanager delivering N distinct alerts to the same
# nginx through its webhook receiver (group_by all labels, group_wait 0).
# The tasks (one per row, spread over offices so that no office has
# digest_min due at once: each reminder is its own request) are imported
# with `dubanctl import` while duband's clock (--fake-now) runs towards
# 09:00 of a working day; rate = N / (last arrival at nginx - due instant).
# Prints one markdown section on stdout; logs on stderr; exit 77 when a
# tool is missing.
# usage: tests/bench/throughput.sh BUILDDIR [N] [C] [AM_SECONDS]
#   AM_SECONDS bounds the wait for Alertmanager's notifications (300).
set -eu
builddir=$(cd "${1:?usage: throughput.sh BUILDDIR [N] [C] [AM_SECONDS]}" && pwd)
n=${2:-100000}
conc=${3:-64}
am_limit=${4:-300}
if [ "${BENCH_QUICK:-0}" = 1 ] && [ $# -lt 2 ]; then
	n=5000
	am_limit=60
fi
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
cd "$tmp"

need() {
	command -v "$1" >/dev/null || [ -x "$1" ] || {
		echo "throughput.sh: $1 not found (apt-get install $2)" >&2
		exit 77
	}
}
need nginx nginx-light
need wrk wrk
need /usr/bin/prometheus-alertmanager prometheus-alertmanager
need sqlite3 sqlite3
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# count_path PATH: requests to PATH logged by nginx so far
count_path() {
	grep -c " $1 " access.log || true
}
log() {
	echo "throughput.sh: $*" >&2
}

offices=$(( (n + 499) / 500 ))	# at most 500 due per office < digest_min
due_day=2024-10-23
due_epoch=$(date -d "${due_day}T09:00:00+08:00" +%s)
margin=$(( 30 + n / 2500 ))	# seconds for import and planning before 09:00

# nginx: one worker, 204 to everything, arrival time and path logged.
nport=$(free_port)
mkdir -p nginx/logs
cat >nginx/nginx.conf <<NGX
daemon off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
	log_format arrival '\$msec \$uri \$http_idempotency_key';
	access_log $tmp/access.log arrival buffer=1m flush=1s;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$nport;
		location / { return 204; }
	}
}
NGX
nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
pids="$pids $!"
until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $nport))" 2>/dev/null; do
	sleep 0.05
done
sink=http://127.0.0.1:$nport

# 1. duband.  One more task, for the office "capture", goes to sink.py,
# which records the body: the payload wrk replays.
python3 "$srcdir/tests/integration/sink.py" --port-file cport --log capture.log &
pids="$pids $!"
until [ -s cport ]; do sleep 0.05; done
cport=$(cat cport)
python3 - "$n" "$offices" "$due_day" >plan.csv <<'PY'
import sys
n, offices, due = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sys.stdout.write("序号,任务名称,责任部门,时间节点\n")
for i in range(1, n + 1):
    sys.stdout.write(f"{i},畅通政民互动沟通渠道（第{i}项）,o{i % offices + 1},{due}\n")
sys.stdout.write(f"{n + 1},畅通政民互动沟通渠道（第{n + 1}项）,capture,{due}\n")
PY
{
	printf 'include("%s/etc/holidays/cn.conf")\n' "$srcdir"
	printf 'database = "%s/db"\nsocket = "%s/s.sock"\n' "$tmp" "$tmp"
	printf 'log_level = "warning"\nmax_inflight = %s\ndigest_min = 1000\n' "$conc"
	printf 'channel "hook" {\n type = "webhook"\n url = "%s/duban"\n rate_per_minute = 0\n}\n' "$sink"
	printf 'channel "capture" {\n type = "webhook"\n url = "http://127.0.0.1:%s/capture"\n}\n' "$cport"
	printf 'policy "once" {\n at_deadline = true\n hours = "09:00-17:30"\n}\n'
	printf 'office "capture" {\n channels = {"capture"}\n}\n'
	i=1
	while [ "$i" -le "$offices" ]; do
		printf 'office "o%d" {\n channels = {"hook"}\n}\n' "$i"
		i=$((i + 1))
	done
} >duban.conf

t_start=$(date +%s.%N)
fake_now=$(date -d "@$((due_epoch - margin))" +%Y-%m-%dT%H:%M:%S+00:00)
"$builddir/duband" -c duban.conf --fake-now "$fake_now" >duband.log 2>&1 &
daemon=$!
pids="$pids $daemon"
# The instant duband's clock reads 09:00, on the real clock (the fake clock
# starts at most a few ms after t_start: the measure errs against duband).
due_real=$(python3 -c "print(f'{$t_start + $margin:.3f}')")
until "$builddir/dubanctl" -c duban.conf task list --limit 1 >/dev/null 2>&1; do
	kill -0 "$daemon" 2>/dev/null || { cat duband.log >&2; exit 1; }
	sleep 0.1
done
log "duband: importing $n tasks for $offices offices, due in ${margin} s"
"$builddir/dubanctl" -c duban.conf import --plan tp plan.csv >&2
left=$(python3 -c "import time; print(f'{$due_real - time.time():.1f}')")
case $left in
-*)	log "import and planning took longer than ${margin} s"; exit 1 ;;
esac
log "duband: planned, ${left} s before 09:00; waiting for $n arrivals"
until [ "$(count_path /duban)" -ge "$n" ]; do
	kill -0 "$daemon" 2>/dev/null || { cat duband.log >&2; exit 1; }
	sleep 0.5
done
kill "$daemon"
wait "$daemon" 2>/dev/null || true
sent=$(sqlite3 db "select count(*) from reminders where state = 'sent'")
recorded=$(sqlite3 db "select count(*) from attempts where result = 'sent'")

duband_rate=$(python3 - "$n" "$due_real" <<'PY'
import sys
n, due = int(sys.argv[1]), float(sys.argv[2])
t = sorted(float(l.split()[0]) for l in open("access.log") if " /duban " in l)
print(f"{n / (t[-1] - due):.0f} {t[0] - due:.3f} {t[-1] - due:.3f}")
PY
)
log "duband: $duband_rate (rate/s, first and last arrival after due, s)"

# 2. wrk: the payload duband sent, same headers, same concurrency.
python3 - <<'PY'
import json
r = json.loads(open("capture.log").readline())
open("payload.json", "w").write(r["body"])
h = r["headers"]
with open("post.lua", "w") as f:
    f.write('wrk.method = "POST"\n')
    f.write('local f = io.open("payload.json", "rb")\nwrk.body = f:read("*a")\nf:close()\n')
    for k in ("content-type", "user-agent", "idempotency-key"):
        if k in h:
            f.write(f'wrk.headers["{k}"] = {json.dumps(h[k])}\n')
PY
log "wrk: -c $conc -t 2 -d 10s, $(wc -c <payload.json) bytes a request"
wrk -c "$conc" -t 2 -d 10s -s post.lua "$sink/wrk" >wrk.out
cat wrk.out >&2
wrk_rate=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' wrk.out)

# 3. Alertmanager: N distinct alerts, each its own group, webhook to nginx.
amport=$(free_port)
cat >am.yml <<AM
route:
  receiver: sink
  group_by: ['...']
  group_wait: 0s
  group_interval: 1h
  repeat_interval: 24h
receivers:
  - name: sink
    webhook_configs:
      - url: $sink/am
        send_resolved: false
AM
/usr/bin/prometheus-alertmanager --config.file=am.yml --storage.path="$tmp/am" \
    --web.listen-address="127.0.0.1:$amport" --cluster.listen-address= \
    --log.level=warn >am.log 2>&1 &
am=$!
pids="$pids $am"
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$amport/-/ready')" 2>/dev/null; do
	kill -0 "$am" 2>/dev/null || { cat am.log >&2; exit 1; }
	sleep 0.2
done
log "alertmanager $(/usr/bin/prometheus-alertmanager --version 2>&1 | awk 'NR == 1 { print $3 }'): posting $n alerts"
am_out=$(python3 - "$n" "$amport" "$am_limit" <<'PY'
import datetime, http.client, json, subprocess, sys, time
n, port, limit = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
def count():
    return sum(1 for l in open("access.log") if " /am " in l)
now = datetime.datetime.now(datetime.timezone.utc)
ends = (now + datetime.timedelta(hours=6)).isoformat()
starts = now.isoformat()
c = http.client.HTTPConnection("127.0.0.1", port)
t0 = time.time()
for b in range(0, n, 1000):
    alerts = [{"labels": {"alertname": "duban", "task": f"tp:{i}",
                          "office": f"o{i % 200 + 1}", "kind": "due"},
               "annotations": {"summary": f"畅通政民互动沟通渠道（第{i}项）"},
               "startsAt": starts, "endsAt": ends}
              for i in range(b + 1, min(n, b + 1000) + 1)]
    c.request("POST", "/api/v2/alerts", json.dumps(alerts),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"alertmanager answered {r.status}")
t_posted = time.time() - t0
got = count()
while got < n and time.time() - t0 < limit:
    time.sleep(1)
    got = count()
time.sleep(1.5)		# nginx flushes its log each second
t = sorted(float(l.split()[0]) for l in open("access.log") if " /am " in l)
got = len(t)
span = (t[-1] - t0) if t else 0
print(f"{got} {span:.3f} {t_posted:.3f} {got / span if span else 0:.0f}")
PY
)
log "alertmanager: $am_out (notifications, s from first post to last, s posting, rate/s)"

python3 - "$n" "$conc" "$duband_rate" "$wrk_rate" "$am_out" "$am_limit" \
    "$sent" "$recorded" "$(wc -c <payload.json)" <<'PY'
import sys
n, conc = int(sys.argv[1]), sys.argv[2]
d_rate, d_first, d_last = (float(x) for x in sys.argv[3].split())
w_rate = float(sys.argv[4])
a_got, a_span, a_post, a_rate = (float(x) for x in sys.argv[5].split())
a_got = int(a_got)
limit, sent, rec, size = sys.argv[6], int(sys.argv[7]), int(sys.argv[8]), sys.argv[9]
print("## Throughput: reminders due at once to nginx, against wrk and Alertmanager\n")
print("    tests/bench/throughput.sh BUILDDIR [N] [C] [AM_SECONDS]\n")
print(f"N tasks imported (`dubanctl import`), one reminder each at 09:00 of their due day, offices\n"
      f"of 500 tasks at most (under `digest_min` = 1000, so each reminder is its own request), on\n"
      f"a generic webhook channel without rate limit, `max_inflight` = C = {conc}; duband's clock\n"
      f"(`--fake-now`) reaches 09:00 after the import. The sink is nginx-light (one worker,\n"
      f"`return 204`, `$msec` arrival in its access log). duband's rate is N over the time from the\n"
      f"due instant to the last arrival, every attempt recorded in the store as usual. wrk posts\n"
      f"the body duband sent ({size} bytes, same headers) with `-c {conc} -t 2 -d 10s`. Alertmanager\n"
      f"gets N distinct alerts through `/api/v2/alerts` (batches of 1000) with `group_by: ['...']`,\n"
      f"`group_wait: 0s`, one webhook receiver on the same nginx; its rate is the notifications\n"
      f"that arrived over the time from the first post to the last arrival (waiting {limit} s at most).\n")
print("| N | C | duband | first / last arrival after due | wrk | duband / wrk | Alertmanager | duband / Alertmanager |")
print("|---|---|---|---|---|---|---|---|")
am_txt = f"{a_rate:,.0f} /s ({a_got:,} of {n:,} in {a_span:.1f} s)"
print(f"| {n:,} | {conc} | {d_rate:,.0f} /s | {d_first * 1000:.0f} ms / {d_last:.2f} s | "
      f"{w_rate:,.0f} /s | {100 * d_rate / w_rate:.0f} % | {am_txt} | "
      f"{d_rate / a_rate if a_rate else float('inf'):.1f}× |\n")
print(f"Reminders sent in the store: {sent:,}; attempts recorded: {rec:,}.\n")
g1 = "met" if d_rate >= 0.5 * w_rate else "missed"
g2 = "met" if a_rate and d_rate >= 10 * a_rate else "missed"
print(f"- Goal: ≥ 50 % of wrk's rate: **{g1}** ({100 * d_rate / w_rate:.0f} %).")
print(f"- Goal: ≥ 10× Alertmanager's rate: **{g2}** ({d_rate / a_rate if a_rate else float('inf'):.1f}×).\n")
print("What limits duband (perf before the batching, on 100,000): the event loop is the\n"
      "bottleneck, not nginx (it answers in well under 1 ms). Each reminder costs a claim, a\n"
      "message composed and rendered (jansson, templates), an HTTP request through curl and a\n"
      "durable record of the attempt. Since then the transfers finished in one loop pass are\n"
      "recorded in one transaction (claims already were) and curl keeps max_inflight idle\n"
      "connections (10,000 requests: 1,249 connections before, 64 after), which doubled the\n"
      "rate; what remains is CPU per reminder (~100 µs: see Lateness). wrk's rate is the sink's\n"
      "limit with C connections and keeps no record; Alertmanager keeps none either.")
PY
