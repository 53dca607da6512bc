#!/bin/sh
# Calendar: N "DATE +K workdays" queries answered by `dubanctl calc --batch`
# (as calc_batch.sh) and, on the same query file in the same run, by a node
# script using chinese-workday from the npm registry (tests/bench/npm/,
# installed with npm into a temporary directory).  Start dates are spread
# over 2024-01-01..2026-09-30 and K is 1..60, so every answer falls in a
# year both calendars have announced data for (chinese-workday covers
# 2011-2026).  Every answer is compared.  Prints one markdown section on
# stdout; logs on stderr; exit 77 when node or npm is missing or the npm
# install fails (offline).
# usage: tests/bench/calendar.sh BUILDDIR [N]
set -eu
builddir=$(cd "${1:?usage: calendar.sh BUILDDIR [N]}" && pwd)
n=${2:-1000000}
[ "${BENCH_QUICK:-0}" = 1 ] && [ $# -lt 2 ] && n=100000
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
goal=100

for tool in node npm; do
	command -v "$tool" >/dev/null || {
		echo "calendar.sh: $tool not found (apt-get install nodejs npm)" >&2
		exit 77
	}
done
cp "$srcdir/tests/bench/npm/package.json" "$srcdir/tests/bench/npm/workdays.mjs" \
    "$tmp/"
(cd "$tmp" && npm install --no-audit --no-fund --silent >&2) || {
	echo "calendar.sh: npm install chinese-workday failed" >&2
	exit 77
}
peer=$(cd "$tmp" && node -p 'require("./node_modules/chinese-workday/package.json").version')

python3 - "$n" >"$tmp/queries" <<'PY'
import datetime, random, sys
random.seed(42)
start = datetime.date(2024, 1, 1).toordinal()
days = datetime.date(2026, 9, 30).toordinal() - start + 1
for _ in range(int(sys.argv[1])):
    d = datetime.date.fromordinal(start + random.randrange(days))
    print(f"{d} +{random.randint(1, 60)} workdays")
PY
echo "calendar.sh: $n queries; dubanctl calc --batch" >&2
t0=$(date +%s.%N)
"$builddir/dubanctl" -c "$srcdir/etc/duban.conf" calc --batch <"$tmp/queries" \
    >"$tmp/duban.out"
t1=$(date +%s.%N)
echo "calendar.sh: node + chinese-workday $peer" >&2
t2=$(date +%s.%N)
(cd "$tmp" && node workdays.mjs queries npm.out)
t3=$(date +%s.%N)

python3 - "$n" "$t0" "$t1" "$t2" "$t3" "$goal" "$peer" "$tmp" <<'PY'
import sys
n, t0, t1, t2, t3, goal, peer, tmp = sys.argv[1:]
n, goal = int(n), float(goal)
ds, ns = float(t1) - float(t0), float(t3) - float(t2)
q = open(f"{tmp}/queries").read().split("\n")
a = open(f"{tmp}/duban.out").read().split("\n")
b = open(f"{tmp}/npm.out").read().split("\n")
diff = [i for i in range(n) if a[i] != b[i]]
ratio = ns / ds
print("## Calendar: `+N workdays` against an npm calendar\n")
print("    tests/bench/calendar.sh BUILDDIR [N]\n")
print(f"N random `DATE +K workdays` queries (start dates 2024-01-01..2026-09-30, K in 1..60) answered\n"
      f"by `dubanctl -c etc/duban.conf calc --batch` and, on the same file in the same run, by\n"
      f"tests/bench/npm/workdays.mjs: node with [chinese-workday](https://www.npmjs.com/package/chinese-workday)\n"
      f"{peer} (installed by npm into a temporary directory), stepping day by day with its\n"
      f"`isWorkday`. Both times include start-up (config and calendar, or node and the module).\n")
print("| queries | duban | rate | chinese-workday (node) | rate | ratio | answers that differ |")
print("|---|---|---|---|---|---|---|")
print(f"| {n:,} | {ds:.2f} s | {n / ds / 1e6:.2f} M/s | {ns:.2f} s | {n / ns / 1e6:.2f} M/s | "
      f"{ratio:.0f}× | {len(diff)} |\n")
for i in diff[:5]:
    print(f"- differs: `{q[i]}`: duban {a[i]}, chinese-workday {b[i]}")
if diff:
    print()
met = "met" if ratio >= goal else "missed"
print(f"- Goal: ≥ {goal:g}× chinese-workday's rate: **{met}** ({ratio:.0f}×).\n")
print("duban answers each query with two array reads (a cumulative working-day count per day,\n"
      "built at load), so its time is reading the query lines and writing the dates; the npm\n"
      "library answers one day at a time (a string key per day looked up in its tables), so a\n"
      "`+K workdays` costs about 1.4 K look-ups.")
PY
