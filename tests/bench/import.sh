#!/bin/sh
# Import: N CSV rows (the format of tests/data/seed003-tasks.csv: 序号,
# 任务名称, 责任部门, plus 时间节点) imported with `dubanctl import FILE.csv`
# into a running duband (real store, one transaction, reminders planned).
# Prints one markdown section on stdout; logs on stderr.
# usage: tests/bench/import.sh BUILDDIR [N]
set -eu
builddir=$(cd "${1:?usage: import.sh BUILDDIR [N]}" && pwd)
n=${2:-1000000}
[ "${BENCH_QUICK:-0}" = 1 ] && [ $# -lt 2 ] && n=20000
keep=${BENCH_KEEP:-}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
daemon=
trap '[ -z "$daemon" ] || kill "$daemon" 2>/dev/null || true; [ -n "$keep" ] || rm -rf "$tmp"' EXIT
goal_s=10

offices="综合处 药品注册处 器械注册处 稽查局 器审中心 法规处 人事处 食药检院"
{
	printf 'database = "%s/db"\nsocket = "%s/s.sock"\nlog_level = "notice"\n' \
	    "$tmp" "$tmp"
	printf 'include("%s/etc/holidays/cn.conf")\n' "$srcdir"
	printf 'channel "hook" {\n type = "webhook"\n url = "http://127.0.0.1:9/hook"\n}\n'
	printf 'policy "standard" {\n before = {"3 workdays", "1 workday"}\n at_deadline = true\n hours = "09:00-17:30"\n}\n'
	for o in $offices; do
		printf 'office "%s" {\n channels = {"hook"}\n}\n' "$o"
	done
} >"$tmp/duban.conf"

python3 - "$n" "$offices" >"$tmp/plan.csv" <<'PY'
import random, sys
random.seed(4)
n, offices = int(sys.argv[1]), sys.argv[2].split()
titles = ["加快推进审评审批制度改革，进一步优化审评审批流程",
          "强化生产环节监管，严格执行药械化生产质量管理规范",
          "推进化妆品研发和产业集聚，打造化妆品新品首发地",
          "健全高风险企业预警谈话和安全风险会商机制"]
out = sys.stdout
out.write("二、主要任务分工\n序号,任务名称,责任部门,时间节点\n")
for i in range(1, n + 1):
    lead = random.choice(offices)
    assist = random.choice(offices)
    leads = lead if assist == lead else lead + "、" + assist
    out.write(f"{i},{random.choice(titles)}（第{i}项）,{leads},"
              f"2027-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}\n")
PY
echo "import.sh: $n rows, $(du -h "$tmp/plan.csv" | cut -f1) of CSV" >&2

"$builddir/duband" -c "$tmp/duban.conf" --fake-now 2026-03-02T10:00:00+08:00 \
    >"$tmp/log" 2>&1 &
daemon=$!
until grep -q ready "$tmp/log"; do
	kill -0 "$daemon" 2>/dev/null || { cat "$tmp/log" >&2; exit 1; }
	sleep 0.05
done
t0=$(date +%s.%N)
"$builddir/dubanctl" -c "$tmp/duban.conf" import --plan bench "$tmp/plan.csv" \
    >"$tmp/out" 2>"$tmp/err" && error= || error=$(tail -n 1 "$tmp/err")
t1=$(date +%s.%N)
cat "$tmp/out" "$tmp/err" >&2
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$daemon/status")
kill "$daemon"
wait "$daemon" || true
daemon=
tasks=$(sqlite3 "$tmp/db" 'select count(*) from tasks')
reminders=$(sqlite3 "$tmp/db" 'select count(*) from reminders')
dbsize=$(du -m "$tmp/db" | cut -f1)

python3 - "$n" "$t0" "$t1" "$tasks" "$reminders" "$rss" "$dbsize" "$goal_s" \
    "$error" <<'PY'
import sys
n, t0, t1, tasks, rem, rss, db, goal, error = sys.argv[1:]
n, s, goal = int(n), float(t1) - float(t0), float(goal)
# the goal is for 1,000,000 rows: scale it to a reduced run
limit = goal * n / 1_000_000
met = "met" if s < limit and not error else "missed"
print("## Import: a work plan of CSV rows\n")
print("    tests/bench/import.sh BUILDDIR [N]\n")
print(f"`dubanctl import FILE.csv` of N rows (序号,任务名称,责任部门,时间节点: the columns of\n"
      f"seed 003, with a due date; each row a lead and sometimes an assisting office) into a running\n"
      f"duband: the file is read and checked, sent as one POST /v1/import, stored in one transaction\n"
      f"and its reminders planned. Timed from start to exit of dubanctl.\n")
print("| rows | time | rate | tasks stored | reminders planned | duband peak RSS | database |")
print("|---|---|---|---|---|---|---|")
print(f"| {n:,} | {s:.2f} s | {n / s:,.0f} rows/s | {int(tasks):,} | {int(rem):,} | "
      f"{int(rss) / 1024:.0f} MB | {db} MB |\n")
if error:
    print(f"The import failed after {s:.1f} s: `{error}`\n")
print(f"- Goal: {n:,} rows in < {limit:g} s: **{met}** ({s:.2f} s{', failed' if error else ''}).\n")
print("What limits it (perf on duband, 30,000 rows, 2.6 s): 67 % of duband's time is planning the\n"
      "reminders after the commit (`schedule_replan_all`: every task of the store is planned again,\n"
      "each reminder one INSERT into a table with three indexes, about 13 µs each), 14 % storing\n"
      "the tasks (`tasks_sync`, a history row per task) and 9 % parsing the JSON body. The cost per\n"
      "row grows with the store (the page cache spills: pread/pwrite reach 20 % at 200,000 rows).\n"
      "A body of 1,000,000 rows (about 150 MB of JSON) is over the API's 64 MB import limit\n"
      "(`API_IMPORT_BODY_MAX`), and dubanctl gives up on an answer after 120 s.")
PY
