#!/bin/sh
# dubanctl import of a plan text against the real daemon: seed 004
# (晋药监〔2022〕6号) with its offices declared under their short names and
# the plan's "省局…" spellings as aliases.  A dry run lists the tasks with
# section, roles and notes and writes nothing; the import gives tasks 1–13
# as 20 tasks with the right lead and offices (task list --json); a
# re-import changes nothing; a GBK copy is the same plan; unknown offices
# are listed together.  Seed 001 (宁药监, traditional characters with
# pinyin glosses such as "(qū)") imports in simplified characters without
# the glosses; a missing OpenCC data file is an error naming it.
. "$top_srcdir/tests/integration/lib.sh"
command -v iconv >/dev/null || { echo "iconv not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }

SOCK="$TMP/run/duban.sock"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"
SEED="$top_srcdir/tests/data/seed004.txt"

# office NAME ALIAS...: an office with the console channel.
office() {
	name=$1
	shift
	printf 'office "%s" {\n\tchannels = {"console"}\n' "$name"
	if [ $# -gt 0 ]; then
		printf '\taliases = {'
		sep=
		for a in "$@"; do
			printf '%s"%s"' "$sep" "$a"
			sep=', '
		done
		printf '}\n'
	fi
	printf '}\n'
}

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
	for o in 人事处 科技与规划财务处 稽查与应急管理处 行政审批管理处 政策法规处 \
	    药品生产监管处 药品流通监管处 医疗器械监管处 药品注册处 化妆品监管处 \
	    办公室 机关党委 机关纪委; do
		office "$o" "省局$o"
	done
	office 省药品检查中心
	office 省药品审评中心
	office 相关处室 省局相关处室 省局机关相关处室 机关相关处室
	office 机关各处室 省局机关各处室
	office 直属事业单位 省局直属事业单位 省局各直属事业单位 各直属事业单位 \
	    直属各事业单位
	# Seed 004's item 17 writes "省局药品生产处" for 药品生产监管处.
	office 药品生产处 省局药品生产处
	office 各支部
	# Seed 001's other offices.
	for o in 综合处 药品注册与生产监管处 稽查局 药品安全技术查验中心 \
	    药品审评查验和不良反应监测中心; do
		office "$o"
	done
	for c in 太原 大同 朔州; do
		office "${c}市局"
	done
	cat <<EOF
group "各市局" {
	members = {"太原市局", "大同市局", "朔州市局"}
}
EOF
} >"$CONF"

# ctl ARGS...: dubanctl on the test's daemon.
ctl() {
	${DUBAN_WRAPPER:-} "$DUBANCTL" -c "$CONF" -s "$SOCK" "$@"
}

# list SOURCE: every task of the source as JSON into $TMP/list.json.
list() {
	expect_exit 0 ctl task list --source "$1" --state all --limit 1000 --json
	cp "$TMP/out" "$TMP/list.json"
}

# ntasks SOURCE: how many tasks it has.
ntasks() {
	list "$1"
	"$PYTHON3" -c 'import json, sys
print(len(json.load(open(sys.argv[1], encoding="utf-8"))["tasks"]))' \
	    "$TMP/list.json"
}

start_duband "$LOG" -c "$CONF" --fake-now 2022-03-10T10:00:00+08:00
wait_for_line "$LOG" 'ready'

# The format: by name, or --format.
expect_exit 64 ctl import "$SEED" --format pdf
cp "$SEED" "$TMP/seed004.plan"
expect_exit 65 ctl import "$TMP/seed004.plan" --year 2022 --dry-run
expect_exit 0 ctl import "$TMP/seed004.plan" --format text --year 2022 --dry-run

# A dry run lists the tasks and writes nothing.
expect_exit 0 ctl import "$SEED" --year 2022 --plan jin-2022 --dry-run
expect_grep "$TMP/out" '^dry run: plan jin-2022: 49 added, 0 changed, 0 unchanged (nothing written)$'
expect_grep "$TMP/out" '^1\.2	各市县按照属地管理'
expect_grep "$TMP/out" '^  section: (一)加强监管体系和执法能力建设$'
expect_grep "$TMP/out" '^  responsible: 医疗器械监管处, 省药品检查中心$'
expect_grep "$TMP/out" '^  note: 成立工作专班$'
expect_grep "$TMP/out" '^  due: 2022-12-31 (年底前)$'
expect_grep "$TMP/err" 'seed004.txt:449: item 7 names no office: skipped'
[ "$(ntasks import:jin-2022)" -eq 0 ] || fail "the dry run wrote tasks"

# The import: tasks 1–13 are 20 tasks with these offices.
expect_exit 0 ctl import "$SEED" --year 2022 --plan jin-2022
expect_grep "$TMP/out" '^plan jin-2022: 49 added, 0 changed, 0 unchanged$'
list import:jin-2022
"$PYTHON3" - "$TMP/list.json" <<'EOF' || fail "seed 004's tasks 1-13 imported wrong"
import json, sys
U = ["相关处室", "直属事业单位", "各市局"]
want = {
    "1.1": ("人事处", []),
    "1.2": ("科技与规划财务处", ["各市局"]),
    "2.1": ("人事处", U),
    "2.2": ("稽查与应急管理处", U),
    "2.3": ("行政审批管理处", U),
    "3": ("政策法规处", ["各市局"]),
    "4.1": ("直属事业单位", []),
    "4.2": ("人事处", ["机关各处室", "直属事业单位", "各市局"]),
    "5": ("稽查与应急管理处", ["各市局"]),
    "6.1": ("药品生产监管处", ["药品流通监管处", "各市局"]),
    "6.2": ("医疗器械监管处", ["各市局"]),
    "7": ("药品注册处", ["药品生产监管处", "药品流通监管处", "医疗器械监管处",
                     "化妆品监管处"]),
    "8": ("药品注册处", ["药品生产监管处", "药品流通监管处"]),
    "9.1": ("行政审批管理处", ["医疗器械监管处", "省药品检查中心"]),
    "9.2": ("科技与规划财务处", ["机关各处室", "各市局"]),
    "9.3": ("科技与规划财务处", ["省药品审评中心"]),
    "10": ("人事处", U),
    "11": ("稽查与应急管理处", U),
    "12": ("人事处", []),
    "13": ("办公室", U),
}
tasks = {t["key"].split(":", 1)[1]: t
         for t in json.load(open(sys.argv[1], encoding="utf-8"))["tasks"]}
first = {k: t for k, t in tasks.items() if int(k.split(".")[0]) <= 13}
ok = sorted(first) == sorted(want)
for k, (lead, assist) in want.items():
    t = tasks.get(k)
    # assist here lists the assisting then the responsible offices.
    if t is None or t["lead"] != lead or \
       t["assist"] + t["responsible"] != assist or t["number"] != k or \
       t["due"] != "2022-12-31" or t["source"] != "import:jin-2022":
        print("task", k, "is", t, file=sys.stderr)
        ok = False
ok = ok and tasks["9.2"]["assist"] == ["机关各处室"] and \
    tasks["9.2"]["responsible"] == ["各市局"]
ok = ok and tasks["7"]["section"] == "(二)加强智慧监管能力建设"
ok = ok and tasks["12"]["due_text"] == "年内" and tasks["1.1"]["due_text"] is None
ok = ok and tasks["1.1"]["title"].startswith("健全药品监管体系。")
ok = ok and tasks["29.1"]["due_text"] == "年底前"
ok = ok and len(tasks) == 49
sys.exit(0 if ok else 1)
EOF

# Again, and the GBK copy as the same plan: nothing changes.
expect_exit 0 ctl import "$SEED" --year 2022 --plan jin-2022
expect_grep "$TMP/out" '^plan jin-2022: 0 added, 0 changed, 49 unchanged$'
iconv -f UTF-8 -t GB18030 "$SEED" >"$TMP/gbk.txt"
cmp -s "$TMP/gbk.txt" "$SEED" && fail "iconv did not convert"
expect_exit 0 ctl import "$TMP/gbk.txt" --year 2022 --plan jin-2022
expect_grep "$TMP/out" '^plan jin-2022: 0 added, 0 changed, 49 unchanged$'

# Unknown offices: all of them at once, with their lines; nothing stored.
printf '一、总体\n1.甲。(没有这个处牵头,各市局配合)\n2.乙。(人事处、也没有这个处分别负责)\n3.丙。(没有这个处)\n' >"$TMP/unknown.txt"
expect_exit 65 ctl import "$TMP/unknown.txt" --year 2022
expect_grep "$TMP/err" "unknown offices"
expect_grep "$TMP/err" "^  没有这个处: .*unknown.txt:2, 4$"
expect_grep "$TMP/err" "^  也没有这个处: .*unknown.txt:3$"
[ "$(ntasks import:unknown)" -eq 0 ] || fail "an import with unknown offices stored tasks"
expect_exit 0 ctl import "$TMP/unknown.txt" --year 2022 --create-offices
expect_grep "$TMP/out" '^plan unknown: 3 added, 0 changed, 0 unchanged; offices created: '

# Without a year, tasks without a due phrase are an error.
expect_exit 65 ctl import "$TMP/unknown.txt"
expect_grep "$TMP/err" "unknown.txt:2: task 1: no due phrase in the text; give the plan's year (--year YYYY)"

# Seed 001: traditional characters and glosses, read as simplified.
SEED1="$top_srcdir/tests/data/seed001.txt"
grep -q '監(jiān)管' "$SEED1" || fail "seed001.txt is not the seed as written"
expect_exit 0 ctl import "$SEED1" --year 2023 --plan ning-2023 --dry-run
expect_grep "$TMP/out" '^dry run: plan ning-2023: 19 added, 0 changed, 0 unchanged (nothing written)$'
expect_grep "$TMP/out" '^9	根据年度重点工作,依法编制年度重大行政决策事项目录,通过局网站于3月31日前向社会公开,公开率达到100%。$'
expect_grep "$TMP/out" '^  due: 2023-03-31 (于3月31日前)$'
expect_exit 0 ctl import "$SEED1" --year 2023 --plan ning-2023
expect_grep "$TMP/out" '^plan ning-2023: 19 added, 0 changed, 0 unchanged$'
list import:ning-2023
"$PYTHON3" - "$TMP/list.json" <<'EOF' || fail "seed 001 imported wrong"
import json, re, sys
ALL = ["机关各处室", "直属事业单位"]
want = {  # number: lead, assist, responsible, due, due_text, section
    "1": ("政策法规处", [], ["药品注册与生产监管处", "药品流通监管处",
          "医疗器械监管处", "化妆品监管处", "稽查局"], "2023-12-31", None,
          "一、著力深化重点领域信息公开"),
    "2": ("政策法规处", [], ALL, "2023-12-31", None,
          "一、著力深化重点领域信息公开"),
    "6": ("药品注册与生产监管处", ["综合处", "政策法规处", "药品流通监管处",
          "医疗器械监管处", "化妆品监管处", "药品安全技术查验中心",
          "药品审评查验和不良反应监测中心"], [], "2023-12-31", None,
          "二、著力规范政策发布和解读"),
    "7": ("机关各处室", [], ["直属事业单位"], "2023-12-31", "年内",
          "二、著力规范政策发布和解读"),
    "9": ("政策法规处", [], [], "2023-03-31", "于3月31日前",
          "三、著力加强政民互动"),
    "11": ("政策法规处", ALL, [], "2023-12-31", None, "三、著力加强政民互动"),
    "12": ("综合处", [], ["药品安全技术查验中心"], "2023-12-31", None,
           "三、著力加强政民互动"),
    "13": ("综合处", [], ALL, "2023-09-30", "9月", "三、著力加强政民互动"),
    "17": ("机关党委", [], ALL, "2023-12-31", None, "四、著力完善政务公开保障"),
    "19": ("综合处", [], ALL, "2023-12-31", None, "四、著力完善政务公开保障"),
}
tasks = {t["number"]: t
         for t in json.load(open(sys.argv[1], encoding="utf-8"))["tasks"]}
ok = sorted(tasks, key=int) == [str(n) for n in range(1, 20)]
for k, w in want.items():
    t = tasks.get(k)
    if t is None or (t["lead"], t["assist"], t["responsible"], t["due"],
                     t["due_text"], t["section"]) != w:
        print("task", k, "is", t, file=sys.stderr)
        ok = False
gloss = re.compile("[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+[)）]")
for t in tasks.values():
    if gloss.search(t["title"]) or re.search("[監關務處區業機單藥發規質網應]",
                                             t["title"] + t["section"]):
        print("task", t["number"], "is not simplified:", t["title"],
              file=sys.stderr)
        ok = False
ok = ok and tasks["16"]["title"] == "强化规范机关网络工作群管理,持续加强保密" \
    "教育,进一步转变工作作风,有效杜绝“指尖泄密”,消除“指尖形式主义”。"
sys.exit(0 if ok else 1)
EOF
expect_exit 0 ctl import "$SEED1" --year 2023 --plan ning-2023
expect_grep "$TMP/out" '^plan ning-2023: 0 added, 0 changed, 19 unchanged$'

# A t2s.json in the working directory is not OpenCC's: it is ignored.
mkdir "$TMP/opencc"
printf '{"name": "broken", "segmentation": {"type": "mmseg", "dict": {"type": "ocd2", "file": "NoSuchPhrases.ocd2"}}, "conversion_chain": [{"dict": {"type": "ocd2", "file": "NoSuchPhrases.ocd2"}}]}\n' >"$TMP/opencc/t2s.json"
(cd "$TMP/opencc" && expect_exit 0 ctl import "$SEED1" --year 2023 --dry-run)

stop_duband
