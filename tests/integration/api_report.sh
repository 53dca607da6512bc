#!/bin/sh
# The on-time report (GET /v1/report) against the real daemon on a fixed
# scenario: tasks done on time, late, open and overdue, case milestones
# closed late or on time or still running, across two offices, at a fixed
# "now".  Every number is computed by hand below.  Also /metrics' access.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }

SOCK="$TMP/run/duban.sock"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"
PORT=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RTOKEN=read-0123456789abcdef
printf '%s read\n' "$RTOKEN" >"$TMP/tokens"

cat >"$CONF" <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
database = "$TMP/duban.db"
socket = "$SOCK"
listen = "127.0.0.1:$PORT"
token_file = "$TMP/tokens"
channel "console" {
	type = "stdout"
	file = "$TMP/messages.log"
}
office "综合处" {
	channels = {"console"}
	aliases = {"局综合处"}
}
office "稽查局" {
	channels = {"console"}
}
office "药品注册处" {
	channels = {"console"}
}
policy "standard" {
	before = {"1 workday"}
	at_deadline = true
}
rule "disclosure" {
	limit = "20 workdays"
	policy = "standard"
}
rule "bad-review" {
	milestone "contact" {
		limit = "1 workday"
	}
	milestone "rectify" {
		limit = "5 workdays"
	}
	policy = "standard"
}
EOF

. "$top_srcdir/tests/integration/api_lib.sh"

# row OFFICE DUE ON_TIME LATE OPEN OVERDUE RATE MEAN: the report's row of
# OFFICE ("total": the total) has exactly these values; RATE and MEAN are
# Python expressions (None for null), compared to 1e-9.
row() {
	"$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
a = sys.argv[2:]
if a[0] == "total":
    r = d["total"]
    assert "office" not in r, r
else:
    rows = [o for o in d["offices"] if o["office"] == a[0]]
    assert len(rows) == 1, "no row for " + a[0]
    r = rows[0]
want = dict(zip(["due", "on_time", "late", "open", "overdue"], map(int, a[1:6])))
got = {k: r[k] for k in want}
assert got == want, (a[0], got, want)
for key, expr in (("on_time_rate", a[6]), ("mean_workdays_late", a[7])):
    w = eval(expr)
    if w is None:
        assert r[key] is None, (a[0], key, r[key])
    else:
        assert r[key] is not None and abs(r[key] - w) < 1e-9, (a[0], key, r[key], w)
assert set(r) == set(want) | {"on_time_rate", "mean_workdays_late"} | ({"office"} if a[0] != "total" else set()), r
' "$TMP/body" "$@" || { cat "$TMP/body" >&2; echo >&2; fail "report row $1"; }
}

# Now: Tuesday 2024-10-15, 10:00.  The 2024 calendar: 09-14 (Sat), 09-29
# (Sun) and 10-12 (Sat) are working days; 09-15..17 and 10-01..07 are not.
start_duband "$LOG" -c "$CONF" --fake-now 2024-10-15T10:00:00+08:00
wait_for_line "$LOG" 'ready'

task() {
	expect 201 POST /v1/tasks "{\"key\": \"$1\", \"title\": \"$1\", \"lead\": \"$2\", \"due\": \"$3\"}"
}

# 综合处 (one task by its alias):
#  A due 09-20, done 09-19: on time.
#  B due 09-20 (Fri), done 09-25: late by (09-20, 09-25] = 09-23, 24, 25 = 3.
#  C due 10-31, not done: open.
#  D due 10-10 (Thu), not done: overdue by (10-10, 10-15] = 10-11, 10-12
#    (Saturday worked), 10-14, 10-15 = 4.
#  E due 11-05: outside the period.
task A 综合处 2024-09-20
task B 局综合处 2024-09-20
task C 综合处 2024-10-31
task D 综合处 2024-10-10
task E 综合处 2024-11-05
expect 200 POST /v1/tasks/A/done '{"at": "2024-09-19"}'
expect 200 POST /v1/tasks/B/done '{"at": "2024-09-25"}'
jcheck "d['task']['late'] is True"
#  A case of rule bad-review opened 10-09 (Wed) 09:30 by the alias:
#    contact: 1 working day, deadline 10-10; closed 10-10 09:00: on time.
#    rectify: 5 working days (10-10, 11, 12, 14, 15), deadline 10-15
#    23:59:59, still running at 10:00: open.
expect 201 POST /v1/cases '{"ref": "CP-1", "rule": "bad-review", "office": "局综合处", "title": "差评", "opened_at": "2024-10-09T09:30:00+08:00"}'
jcheck "[m['deadline_date'] for m in d['case']['milestones']] == ['2024-10-10', '2024-10-15']"
expect 200 POST /v1/cases/CP-1/close '{"milestone": "contact", "at": "2024-10-10T09:00:00+08:00"}'
# So 综合处: due 6 (A B C D contact rectify), on time 2 (A contact), late 1
# (B), open 2 (C rectify), overdue 1 (D); rate 2 / (2 + 1 + 1) = 0.5; mean
# working days late (3 + 4) / 2 = 3.5.

# 稽查局:
#  G due 10-08, done 10-08 18:00 (deadline 23:59:59): on time.
#  plan p, number 2, due 10-09 (Wed), not done: overdue by (10-09, 10-15]
#    = 10-10, 11, 12, 14, 15 = 5.
#  plan p, number 1, due 10-08: retired by the second import, not counted.
#  A disclosure case opened 09-02 (Mon): 20 working days are 09-03..06 (4),
#    09-09..14 (10, Saturday 09-14 worked), 09-18..20 (13), 09-23..27 (18),
#    09-29 (19), 09-30 (20): deadline 09-30.  Closed 10-08: late by
#    (09-30, 10-08] = 10-08 = 1.
task G 稽查局 2024-10-08
expect 200 POST /v1/tasks/G/done '{"at": "2024-10-08T18:00:00+08:00"}'
jcheck "d['task']['late'] is False"
expect 200 POST /v1/import '{"plan": "p", "tasks": [{"number": "1", "title": "p1", "lead": "稽查局", "due": "2024-10-08"}, {"number": "2", "title": "p2", "lead": "稽查局", "due": "2024-10-09"}]}'
expect 200 POST /v1/import '{"plan": "p", "tasks": [{"number": "2", "title": "p2", "lead": "稽查局", "due": "2024-10-09"}]}'
jcheck "d['retired'] == 1"
expect 201 POST /v1/cases '{"ref": "GK-1", "rule": "disclosure", "office": "稽查局", "title": "公开申请", "opened_at": "2024-09-02"}'
jcheck "d['case']['milestones'][0]['deadline_date'] == '2024-09-30'"
expect 200 POST /v1/cases/GK-1/close '{"at": "2024-10-08"}'
# So 稽查局: due 3, on time 1 (G), late 1 (GK-1), open 0, overdue 1 (p:2);
# rate 1 / 3; mean (1 + 5) / 2 = 3.

# 药品注册处: nothing in the period.  A case paused before its deadline has
# none; one opened 10-14 is due in November.
expect 201 POST /v1/cases '{"ref": "GK-2", "rule": "disclosure", "office": "药品注册处", "title": "暂停", "opened_at": "2024-09-02"}'
expect 200 POST /v1/cases/GK-2/pause '{"at": "2024-09-10"}'
expect 201 POST /v1/cases '{"ref": "GK-3", "rule": "disclosure", "office": "药品注册处", "title": "新", "opened_at": "2024-10-14"}'

# The whole period: offices by name in byte order (稽 E7 A8 BD before
# 综 E7 BB BC); the total is the sum: due 9, on time 3, late 2, open 2,
# overdue 2; rate 3 / 7; mean (3 + 4 + 1 + 5) / 4 = 3.25.
expect 200 GET "/v1/report?from=2024-09-01&to=2024-10-31"
jcheck "d['from'] == '2024-09-01' and d['to'] == '2024-10-31'"
jcheck "[o['office'] for o in d['offices']] == ['稽查局', '综合处']"
row 综合处 6 2 1 2 1 0.5 3.5
row 稽查局 3 1 1 0 1 1/3 3.0
row total 9 3 2 2 2 3/7 3.25

# One office, by its alias: the total is that office's.
expect 200 GET "/v1/report?from=2024-09-01&to=2024-10-31&office=局综合处"
jcheck "[o['office'] for o in d['offices']] == ['综合处']"
row 综合处 6 2 1 2 1 0.5 3.5
row total 6 2 1 2 1 0.5 3.5

# October only: 综合处 C, D, contact, rectify (A and B fall out): due 4,
# on time 1, open 2, overdue 1, rate 1 / 2, mean 4.  稽查局 G and p:2 (the
# case's deadline 09-30 falls out): due 2, on time 1, overdue 1, rate 1 / 2,
# mean 5.
expect 200 GET "/v1/report?from=2024-10-01&to=2024-10-31"
row 综合处 4 1 0 2 1 0.5 4.0
row 稽查局 2 1 0 0 1 0.5 5.0
row total 6 2 0 2 2 0.5 4.5

# A day with only an open item: no rate, no mean.
expect 200 GET "/v1/report?from=2024-10-31&to=2024-10-31"
row 综合处 1 0 0 1 0 None None
row total 1 0 0 1 0 None None
# A period with nothing: no rows, a zero total.
expect 200 GET "/v1/report?from=2023-01-01&to=2023-12-31"
jcheck "d['offices'] == []"
row total 0 0 0 0 0 None None

# Bad input.
expect 400 GET "/v1/report?to=2024-10-31"
jcheck "d['field'] == 'from'"
expect 400 GET "/v1/report?from=2024-10-01"
jcheck "d['field'] == 'to'"
expect 400 GET "/v1/report?from=2024-10-32&to=2024-10-31"
jcheck "d['field'] == 'from'"
expect 400 GET "/v1/report?from=2024-10-31&to=2024-10-01"
jcheck "d['field'] == 'to'"
expect 400 GET "/v1/report?from=2024-10-01&to=2024-10-31&colour=red"
jcheck "d['field'] == 'colour'"
expect 405 POST "/v1/report?from=2024-10-01&to=2024-10-31"

# TCP: the report and /metrics need a read token.
expect 401 -t "" GET "/v1/report?from=2024-10-01&to=2024-10-31"
expect 401 -t "" GET /metrics
expect 200 -t "$RTOKEN" GET "/v1/report?from=2024-10-01&to=2024-10-31"
row total 6 2 0 2 2 0.5 4.5
expect 200 -t "$RTOKEN" GET /metrics
grep -qi '^content-type: text/plain; version=0.0.4' "$TMP/headers" ||
	{ cat "$TMP/headers" >&2; fail "/metrics is not Prometheus text"; }
grep -q '^# TYPE ' "$TMP/body" || fail "/metrics has no TYPE line"

stop_duband
echo ok
