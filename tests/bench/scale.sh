#!/bin/sh
# Scale: duband on a store of COUNT open tasks, each with one pending
# reminder due in the coming year.  Measures start-up time to READY (exec to
# the socket answering GET /healthz), memory (VmHWM, VmRSS after ready), CPU
# over BENCH_IDLE_SECONDS idle seconds (utime+stime from /proc/PID/stat,
# default 60), one GET /metrics, and the database size.  With BENCH_REPLAN=1
# it also times a start after a config edit (every item replanned).
#
# The store is filled by tests/bench/populate.py with SQL into a database
# duband created (the real import path replans every task: see the note).
#
# usage: tests/bench/scale.sh BUILDDIR [COUNT [OFFICES]]
#   COUNT default 1000000, OFFICES default 1000.  Progress goes to stderr,
#   one markdown section to stdout.  Exit 77 when python3 or curl is missing.
set -eu
usage="usage: scale.sh BUILDDIR [COUNT [OFFICES]]"
builddir=$(cd "${1:?$usage}" && pwd)
count=${2:-1000000}
offices=${3:-1000}
idle=${BENCH_IDLE_SECONDS:-60}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)

for tool in python3:python3 curl:curl; do
	if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
		echo "scale.sh: ${tool%%:*} missing: apt-get install ${tool#*:}" >&2
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/duban-scale.XXXXXX")
daemon=
trap 'if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT
log() { echo "scale.sh: $*" >&2; }

cp "$srcdir/etc/holidays/cn.conf" "$tmp/"
{
	printf 'include("cn.conf")\nlog_level = "info"\n'
	printf 'database = "%s/db"\nsocket = "%s/s.sock"\n' "$tmp" "$tmp"
	# Never reached during the run: every reminder is due months ahead.
	printf 'channel "hook" {\n type = "webhook"\n url = "http://127.0.0.1:9/"\n}\n'
	printf 'policy "once" {\n at_deadline = true\n}\n'
	i=1
	while [ "$i" -le "$offices" ]; do
		printf 'office "o%d" {\n channels = {"hook"}\n}\n' "$i"
		i=$((i + 1))
	done
} >"$tmp/duban.conf"

# start_timed LOG: starts duband (output to $tmp/LOG), prints the seconds
# from exec to /healthz answering 200; duband's pid goes to $tmp/pid.
start_timed() {
	python3 - "$builddir/duband" "$tmp" "$1" <<'PY'
import http.client, os, socket, subprocess, sys, time
duband, tmp, logname = sys.argv[1:4]
class Unix(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(tmp + "/s.sock")
log = open(tmp + "/" + logname, "w")
t0 = time.monotonic()
p = subprocess.Popen([duband, "-c", tmp + "/duban.conf"], stdout=log,
                     stderr=log, start_new_session=True)
while True:
    if p.poll() is not None:
        sys.exit("duband exited %d" % p.returncode)
    try:
        c = Unix("localhost", timeout=5)
        c.request("GET", "/healthz")
        if c.getresponse().status == 200:
            break
    except OSError:
        pass
    time.sleep(0.002)
print("%.3f" % (time.monotonic() - t0))
open(tmp + "/pid", "w").write(str(p.pid))
PY
}

stop_daemon() {
	kill -TERM "$daemon"
	while kill -0 "$daemon" 2>/dev/null; do sleep 0.05; done
	daemon=
}

# First start on an empty store: the schema and the planning fingerprint.
start_timed log0 >/dev/null
daemon=$(cat "$tmp/pid")
stop_daemon

now=$(date +%s)
log "filling the store with $count tasks"
t0=$(date +%s.%N)
python3 "$srcdir/tests/bench/populate.py" "$tmp/db" "$count" "$offices" \
    hook $((now + 30 * 86400)) $((365 * 86400))
fill=$(printf "%.1f" "$(echo "$(date +%s.%N) - $t0" | bc)")

log "starting duband on it"
ready=$(start_timed log1)
daemon=$(cat "$tmp/pid")
status=/proc/$daemon/status
hwm=$(awk '/^VmHWM/ { print $2 }' "$status")
rss=$(awk '/^VmRSS/ { print $2 }' "$status")
# utime and stime: fields 14 and 15 of /proc/PID/stat (after the comm).
ticks() { sed 's/.*) //' "/proc/$daemon/stat" | awk '{ print $12 + $13 }'; }
runtime() { awk '{ print $1 }' "/proc/$daemon/schedstat" 2>/dev/null || echo 0; }
switches() { awk '/ctxt_switches/ { n += $2 } END { print n }' "$status"; }
hz=$(getconf CLK_TCK)
log "ready in $ready s; idle for $idle s"
t1=$(ticks) r1=$(runtime) s1=$(switches)
sleep "$idle"
t2=$(ticks) r2=$(runtime) s2=$(switches)
cpu_ms=$(( (t2 - t1) * 1000 / hz ))
cpu_ns=$((r2 - r1))
wakeups=$((s2 - s1))
cpu_per_min=$(echo "scale=3; $cpu_ns / 1000000 * 60 / $idle" | bc)

log "one GET /metrics"
m0=$(date +%s.%N)
curl -sf --unix-socket "$tmp/s.sock" -o "$tmp/metrics" http://localhost/metrics
metrics_s=$(printf "%.3f" "$(echo "$(date +%s.%N) - $m0" | bc)")
hwm_after=$(awk '/^VmHWM/ { print $2 }' "$status")
pending=$(awk '/^duban_reminders\{state="pending"/ { n += $2 } END { print n }' "$tmp/metrics")
stop_daemon
dbsize=$(du -cb "$tmp"/db* | tail -1 | cut -f1)

replan_line=
if [ "${BENCH_REPLAN:-0}" = 1 ]; then
	log "start after a config edit: every task replanned"
	echo '# edited' >>"$tmp/duban.conf"
	replan_ready=$(start_timed log2)
	daemon=$(cat "$tmp/pid")
	replan_hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$daemon/status")
	stop_daemon
	replan_line="| ready after a config edit (full replan) | $replan_ready s, VmHWM $((replan_hwm / 1024)) MB | — | — |"
fi

met() { if [ "$1" = 1 ]; then echo met; else echo missed; fi; }
rss_ok=$(echo "$hwm < 32768" | bc)
ready_ok=$(echo "$ready < 1" | bc)
cpu_ok=$(echo "$cpu_per_min < 10" | bc)
cat <<EOF
## Scale: $count open tasks with pending reminders

    tests/bench/scale.sh BUILDDIR $count $offices    (BENCH_IDLE_SECONDS=$idle)

The store: $count tasks (with their history rows) and $count pending reminders
due over the next year, $offices offices, written by \`tests/bench/populate.py\` with SQL
into a database duband created (the schema is duband's own) in $fill s; then duband
starts on it.  The import path (\`dubanctl import\`) is measured by the Import benchmark.

| figure | value | goal | |
|---|---|---|---|
| start-up to READY (exec to /healthz answering) | $ready s | < 1 s | $(met "$ready_ok") |
| VmHWM after ready | $((hwm / 1024)) MB ($hwm kB) | < 32 MB | $(met "$rss_ok") |
| VmRSS after ready | $((rss / 1024)) MB ($rss kB) | | |
| CPU over $idle idle s (utime+stime) | $cpu_ms ms (resolution $((1000 / hz)) ms) | | |
| CPU over $idle idle s (schedstat) | $((cpu_ns / 1000)) µs = $cpu_per_min ms/min | < 10 ms/min | $(met "$cpu_ok") |
| context switches over $idle idle s | $wakeups | | |
| GET /metrics | $metrics_s s, VmHWM after $((hwm_after / 1024)) MB, $pending pending | | |
| database size (db, -wal, -shm) | $((dbsize / 1048576)) MB | | |
$replan_line

Start-up does not replan: reminder rows hold absolute times, so duband replans every
item only when the planning fingerprint stored with the outbox (version, schema, time
zone, config files, calendars) differs from the running config's.  What remains at
start-up is opening SQLite, loading the config and calendars, and one indexed
query for the earliest pending reminder; memory is SQLite's page cache and the
calendars, not the rows.  Idle, duband waits on one timer armed for the earliest
reminder, months ahead here: no periodic wake-up (the systemd watchdog timer runs
only when systemd asks for it).
EOF
