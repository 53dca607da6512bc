#!/bin/sh
# dubanctl import against the real daemon: seed 003's indicator and task
# tables, typed into CSV as printed, import with the right lead and
# assisting offices and due dates; a dry run writes nothing; a re-import
# changes nothing; a GBK copy imports identically; a changed row is
# changed and a dropped one retired; unknown offices are listed together;
# bad files are refused whole, naming row and column, before anything is
# sent.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
command -v iconv >/dev/null || { echo "iconv not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }

SOCK="$TMP/run/duban.sock"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"
DATA="$top_srcdir/tests/data"

# The offices of seed 003, by their short names as the plan writes them.
{
	cat <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
database = "$TMP/duban.db"
socket = "$SOCK"
log_level = "info"
channel "console" {
	type = "stdout"
	file = "$TMP/messages.log"
}
policy "standard" {
	before = {"3 workdays", "1 workday"}
	at_deadline = true
}
EOF
	for o in 综合处 法规处 人事处 药品注册处 器械注册处 药品监管处 器械监管处 \
	    化妆品监管处 业务监督处 稽查局 药审中心 器审中心 监测中心 食药检院 \
	    医械院 包材所; do
		printf 'office "%s" {\n\tchannels = {"console"}\n}\n' "$o"
	done
	cat <<EOF
group "各业务处" {
	members = {"药品注册处", "器械注册处", "药品监管处", "器械监管处", "化妆品监管处"}
}
group "各直属单位" {
	members = {"药审中心", "器审中心", "监测中心", "食药检院", "医械院", "包材所"}
}
group "各处" {
	members = {"综合处", "法规处", "人事处", "业务监督处"}
}
EOF
} >"$CONF"

# ctl ARGS...: dubanctl on the test's daemon.
ctl() {
	${DUBAN_WRAPPER:-} "$DUBANCTL" -c "$CONF" -s "$SOCK" "$@"
}

# get PATH: GET over the socket into $TMP/body; fails unless 200.
get() {
	code=$(curl -s --unix-socket "$SOCK" -o "$TMP/body" -w '%{http_code}' \
	    "http://localhost$1") || fail "curl GET $1 failed"
	[ "$code" = 200 ] || { cat "$TMP/body" >&2; fail "GET $1: $code"; }
}

# jcheck EXPR: a Python expression over the JSON body d must hold.
jcheck() {
	"$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/body" "$1" ||
	    { cat "$TMP/body" >&2; echo >&2; fail "expected $1"; }
}

# task KEY LEAD ASSIST DUE DUE_TEXT: the stored task has these
# (ASSIST as "A,B", empty for none).
task() {
	get "/v1/tasks/$(printf %s "$1" | "$PYTHON3" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read(), safe=""))')"
	jcheck "d['task']['lead'] == '$2' and ','.join(d['task']['assist']) == '$3' and d['task']['due'] == '$4' and d['task']['due_text'] == '$5'"
}

# ntasks SOURCE: how many active tasks (any state but retired) it has.
ntasks() {
	get "/v1/tasks?source=$1&state=all&limit=1000"
	"$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(sum(1 for t in d["tasks"] if t["status"] != "retired"))' "$TMP/body"
}

start_duband "$LOG" -c "$CONF" --fake-now 2024-09-27T10:00:00+08:00
wait_for_line "$LOG" 'ready'

# Bad files: refused before anything is sent, every error with its row.
expect_exit 66 ctl import "$TMP/missing.csv"
expect_grep "$TMP/err" "missing.csv"
expect_exit 64 ctl import
expect_exit 64 ctl import "$DATA/seed003-indicators.csv" --year 20x4
expect_exit 64 ctl import "$DATA/seed003-indicators.csv" --plan 'a:b'
printf '序号,任务名称,责任部门,时间节点\n1,甲,综合处,2025年\n2,乙,,明年\n3,,综合处,年底前\n' >"$TMP/bad.csv"
expect_exit 65 ctl import "$TMP/bad.csv"
expect_grep "$TMP/err" "bad.csv:3: column 责任部门: empty"
expect_grep "$TMP/err" "bad.csv:3: column 时间节点: cannot read the date \"明年\""
expect_grep "$TMP/err" "bad.csv:4: column 任务名称: empty"
expect_grep "$TMP/err" "bad.csv:4: column 时间节点: \"年底前\" names no year"
expect_grep "$TMP/err" "bad.csv: 4 errors; nothing imported"
[ "$(ntasks import:bad)" -eq 0 ] || fail "a bad file was imported in part"
printf 'title,lead,due\nx,综合处,2025-12-31\ny,综合处,2025-12-31\377\n' >"$TMP/bytes.csv"
expect_exit 65 ctl import "$TMP/bytes.csv"
expect_grep "$TMP/err" "bytes.csv:3: not valid UTF-8 (byte 0xff)"
# The task tables have no due column.
expect_exit 65 ctl import "$DATA/seed003-tasks.csv"
expect_grep "$TMP/err" "seed003-tasks.csv:3: no due column"

# A dry run reports what an import would do and writes nothing.
expect_exit 0 ctl import "$DATA/seed003-indicators.csv" --dry-run
expect_grep "$TMP/out" '^dry run: plan seed003-indicators: 15 added, 0 changed, 0 unchanged (nothing written)$'
[ "$(ntasks import:seed003-indicators)" -eq 0 ] || fail "the dry run wrote tasks"

# The indicators: offices and dates as printed.
expect_exit 0 ctl import "$DATA/seed003-indicators.csv"
expect_grep "$TMP/out" '^plan seed003-indicators: 15 added, 0 changed, 0 unchanged$'
[ "$(ntasks import:seed003-indicators)" -eq 15 ] || fail "not 15 indicators"
task seed003-indicators:1.1 器械注册处 药品注册处 2022-12-31 2022年
jcheck "d['task']['title'] == '建设市级生物医药产品注册指导服务工作站' and d['task']['target'] == '12家' and d['task']['source'] == 'import:seed003-indicators'"
task seed003-indicators:2.3 业务监督处 各业务处 2025-12-31 2025年
task seed003-indicators:2.5 综合处 食药检院,医械院,包材所 2025-12-31 2025年
task seed003-indicators:2.14 人事处 监测中心 2025-12-31 2025年
jcheck "d['task']['target'] == '50名'"

# Again: nothing changes.
expect_exit 0 ctl import "$DATA/seed003-indicators.csv"
expect_grep "$TMP/out" '^plan seed003-indicators: 0 added, 0 changed, 15 unchanged$'

# The GBK copy is the same plan, and imports as the same tasks elsewhere.
iconv -f UTF-8 -t GBK "$DATA/seed003-indicators.csv" >"$TMP/gbk.csv"
cmp -s "$TMP/gbk.csv" "$DATA/seed003-indicators.csv" && fail "iconv did not convert"
expect_exit 0 ctl import "$TMP/gbk.csv" --plan seed003-indicators
expect_grep "$TMP/out" '^plan seed003-indicators: 0 added, 0 changed, 15 unchanged$'
expect_exit 0 ctl import "$TMP/gbk.csv"
expect_grep "$TMP/out" '^plan gbk: 15 added, 0 changed, 0 unchanged$'
get "/v1/tasks?source=import:seed003-indicators&state=all&limit=1000"
cp "$TMP/body" "$TMP/utf8.json"
get "/v1/tasks?source=import:gbk&state=all&limit=1000"
"$PYTHON3" - "$TMP/utf8.json" "$TMP/body" <<'EOF' || fail "the GBK copy imported differently"
import json, sys
def tasks(path):
    d = json.load(open(path, encoding="utf-8"))
    out = {}
    for t in d["tasks"]:
        t = dict(t)
        key = t.pop("key").split(":", 1)[1]
        for k in ("source", "created_at"):
            t.pop(k)
        out[key] = t
    return out
a, b = tasks(sys.argv[1]), tasks(sys.argv[2])
sys.exit(0 if a == b and len(a) == 15 else 1)
EOF

# One row changed, one dropped: changed and retired; back: restored.
sed -e 's/^7,药品不良反应监测报告数,1500份\/百万人,药品监管处、监测中心,2025年$/7,药品不良反应监测报告数,1500份\/百万人,药品监管处、监测中心,2024年6月底前/' \
    -e '/^13,/d' "$DATA/seed003-indicators.csv" >"$TMP/seed003-indicators.csv"
expect_exit 0 ctl import "$TMP/seed003-indicators.csv"
expect_grep "$TMP/out" '^plan seed003-indicators: 0 added, 1 changed, 13 unchanged, 1 retired$'
task seed003-indicators:2.7 药品监管处 监测中心 2024-06-30 2024年6月底前
expect_exit 0 ctl import "$DATA/seed003-indicators.csv"
expect_grep "$TMP/out" '^plan seed003-indicators: 0 added, 1 changed, 13 unchanged, 1 restored$'
task seed003-indicators:2.13 食药检院 "" 2025-12-31 2025年

# The task tables, all seven, with the plan's end as their deadline.
# Task 3.3 is led by a group ("各业务处、各直属单位"): --create-offices
# covers a daemon that takes only offices as leads.
expect_exit 0 ctl import "$DATA/seed003-tasks.csv" --plan 十四五任务 --due 2025年 --create-offices
expect_grep "$TMP/out" '^plan 十四五任务: 57 added, 0 changed, 0 unchanged'
task 十四五任务:1.1 药品注册处 器械注册处,药审中心,器审中心,人事处,综合处 2025-12-31 2025年
task 十四五任务:1.4 综合处 法规处,各业务处,器审中心 2025-12-31 2025年
task 十四五任务:3.3 各业务处 各直属单位 2025-12-31 2025年
task 十四五任务:4.6 监测中心 药品监管处 2025-12-31 2025年
task 十四五任务:4.9 人事处 药审中心,器审中心,监测中心,食药检院,医械院,包材所 2025-12-31 2025年
task 十四五任务:5.5 法规处 各处,各直属单位 2025-12-31 2025年
task 十四五任务:7.3 药品监管处 业务监督处,稽查局,食药检院,药审中心 2025-12-31 2025年
jcheck "d['task']['title'] == '疫苗全链条监管工程'"
task 十四五任务:7.10 法规处 各处,各直属单位 2025-12-31 2025年

# A plan year for phrases without one.
printf '序号,任务名称,责任部门,时间节点\n1,甲,综合处会法规处,年底前\n2,乙,法规处,第三季度\n' >"$TMP/2024plan.csv"
expect_exit 65 ctl import "$TMP/2024plan.csv"
expect_exit 0 ctl import "$TMP/2024plan.csv" --year 2024
task 2024plan:1 综合处 法规处 2024-12-31 年底前
task 2024plan:2 法规处 "" 2024-09-30 第三季度

# Unknown offices: all of them at once, with their rows; nothing stored.
printf '序号,任务名称,责任部门,时间节点\n1,甲,没有这个处,2025年\n2,乙,法规处会也没有这个处,2025年\n3,丙,综合处,2025年\n4,丁,人事处、没有这个处,2025年\n' >"$TMP/unknown.csv"
expect_exit 65 ctl import "$TMP/unknown.csv"
expect_grep "$TMP/err" "unknown offices"
expect_grep "$TMP/err" "^  没有这个处: .*unknown.csv:2, 5$"
expect_grep "$TMP/err" "^  也没有这个处: .*unknown.csv:3$"
expect_grep "$TMP/err" "--create-offices"
[ "$(ntasks import:unknown)" -eq 0 ] || fail "an import with unknown offices stored tasks"
expect_exit 0 ctl import "$TMP/unknown.csv" --create-offices
expect_grep "$TMP/out" '^plan unknown: 4 added, 0 changed, 0 unchanged; offices created: 没有这个处, 也没有这个处$'
task unknown:2 法规处 也没有这个处 2025-12-31 2025年

stop_duband
