/*
 * Plan-text import: seed 004's tasks 1–13 as 20 tasks with their lead,
 * assisting and responsible offices, sections, notes and due dates; the
 * numbering forms, GBK, names with 和, the 省局 prefix through aliases,
 * parentheses that are not responsibilities, due phrases, titles cut to
 * size, and the errors and warnings.  Seed 001 (宁药监, traditional
 * characters with stray pinyin glosses): its 19 items in simplified
 * characters without glosses, with its role words (配合落实, 依职责分别
 * 落实), "及" between names and "机关党委〔人事与老干部处〕".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "duephrase.h"
#include "errors.h"
#include "import_plan.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* The offices of seed 004 as a config would declare them: name, alias. */
static const char *const seed_names[] = {
	"人事处", "省局人事处",
	"科技与规划财务处", "省局科技与规划财务处",
	"稽查与应急管理处", "省局稽查与应急管理处",
	"行政审批管理处", "省局行政审批管理处",
	"政策法规处", "省局政策法规处",
	"药品生产监管处", "省局药品生产监管处",
	"药品流通监管处", "省局药品流通监管处",
	"医疗器械监管处", "省局医疗器械监管处",
	"药品注册处", "省局药品注册处",
	"化妆品监管处", "省局化妆品监管处",
	"办公室", "省局办公室",
	"省药品检查中心", "省药品审评中心",
	"相关处室", "省局相关处室", "省局机关相关处室",
	"机关各处室", "省局机关各处室",
	"直属事业单位", "省局直属事业单位", "省局各直属事业单位",
	"各直属事业单位",
};
static const char *const seed_offices[] = {
	"人事处", "人事处",
	"科技与规划财务处", "科技与规划财务处",
	"稽查与应急管理处", "稽查与应急管理处",
	"行政审批管理处", "行政审批管理处",
	"政策法规处", "政策法规处",
	"药品生产监管处", "药品生产监管处",
	"药品流通监管处", "药品流通监管处",
	"医疗器械监管处", "医疗器械监管处",
	"药品注册处", "药品注册处",
	"化妆品监管处", "化妆品监管处",
	"办公室", "办公室",
	"省药品检查中心", "省药品审评中心",
	"相关处室", "相关处室", "相关处室",
	"机关各处室", "机关各处室",
	"直属事业单位", "直属事业单位", "直属事业单位",
	"直属事业单位",
};
static const struct plan_names seed_known = {
	seed_names, seed_offices, NELEM(seed_names),
};

/* One task as the test expects it; lists "A,B", "" for none. */
struct want {
	const char	*number;
	const char	*lead;
	const char	*assisting;
	const char	*responsible;
	const char	*section;
	const char	*title_start;
	const char	*note;		/* NULL: none */
	const char	*due;
	const char	*due_text;	/* NULL: none */
};

#define SEC1	"(一)加强监管体系和执法能力建设"
#define SEC2	"(二)加强智慧监管能力建设"
#define SEC3	"(三)加强监管队伍专业能力建设"
#define CITIES	"各市局"
#define UNITS	"相关处室,直属事业单位,各市局"

static const struct want seed004[] = {
	{ "1.1", "人事处", "", "", SEC1, "健全药品监管体系。加强省级监管力量",
	    NULL, "2022-12-31", NULL },
	{ "1.2", "科技与规划财务处", "", CITIES, SEC1, "各市县按照属地管理",
	    NULL, "2022-12-31", NULL },
	{ "2.1", "人事处", UNITS, "", SEC1, "完善检查执法机制。加快构建",
	    NULL, "2022-12-31", NULL },
	{ "2.2", "稽查与应急管理处", "", UNITS, SEC1, "统筹协调全系统稽查执法",
	    NULL, "2022-12-31", NULL },
	{ "2.3", "行政审批管理处", "", UNITS, SEC1, "各市要建立审批与监管衔接",
	    NULL, "2022-12-31", NULL },
	{ "3", "政策法规处", "", CITIES, SEC1, "提升依法监管能力。严格落实",
	    NULL, "2022-12-31", NULL },
	{ "4.1", "直属事业单位", "", "", SEC1, "强化技术支撑能力。推进审评",
	    NULL, "2022-12-31", NULL },
	{ "4.2", "人事处", "", "机关各处室,直属事业单位,各市局", SEC1,
	    "各市局加强药品监管和检验检测", NULL, "2022-12-31", NULL },
	{ "5", "稽查与应急管理处", "", CITIES, SEC1, "加强应急处置能力。",
	    NULL, "2022-12-31", NULL },
	{ "6.1", "药品生产监管处", "药品流通监管处,各市局", "", SEC2,
	    "加快信息化追溯体系建设。", NULL, "2022-12-31", NULL },
	{ "6.2", "医疗器械监管处", "各市局", "", SEC2,
	    "推动第三类医疗器械生产经营企业率先实现医疗器械唯一标识(UDI)赋码",
	    NULL, "2022-12-31", NULL },
	{ "7", "药品注册处", "",
	    "药品生产监管处,药品流通监管处,医疗器械监管处,化妆品监管处", SEC2,
	    "推进全生命周期数字化管理。", NULL, "2022-12-31", NULL },
	{ "8", "药品注册处", "", "药品生产监管处,药品流通监管处", SEC2,
	    "提升“互联网+药品监管”应用服务水平。", NULL, "2022-12-31", NULL },
	{ "9.1", "行政审批管理处", "", "医疗器械监管处,省药品检查中心", SEC2,
	    "加强药品监管科学研究。", "成立工作专班", "2022-12-31", NULL },
	{ "9.2", "科技与规划财务处", "机关各处室", CITIES, SEC2,
	    "加强与高校、研究院所的合作", NULL, "2022-12-31", NULL },
	{ "9.3", "科技与规划财务处", "", "省药品审评中心", SEC2,
	    "发挥科研优势", NULL, "2022-12-31", NULL },
	{ "10", "人事处", UNITS, "", SEC3, "加强检查员队伍建设。", NULL,
	    "2022-12-31", NULL },
	{ "11", "稽查与应急管理处", UNITS, "", SEC3, "加强执法队伍建设。",
	    NULL, "2022-12-31", NULL },
	{ "12", "人事处", "", "", SEC3, "加强教育培训。", NULL, "2022-12-31",
	    "年内" },
	{ "13", "办公室", "", UNITS, SEC3, "加强新闻宣传和科普宣传。", NULL,
	    "2022-12-31", NULL },
};

/* ---------------------------------------------------------------- */
/* Helpers */

static char *
read_fixture(const char *name, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long size;

	snprintf(path, sizeof path, "%s/tests/data/%s", TEST_SRCDIR, name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static void
join(char *buf, size_t len, char *const *v, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strncat(buf, ",", len - strlen(buf) - 1);
		strncat(buf, v[i], len - strlen(buf) - 1);
	}
}

static void
print_messages(const struct errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		print_message("%s\n", e->msg[i]);
}

/* Reads text (UTF-8 or GBK) as "plan.txt" of year; asserts it reads. */
static void
read_ok(const char *text, size_t len, int year, const char *due,
    const struct plan_names *known, struct plan_text *pt,
    struct errors *warns)
{
	struct import_options opt = { "plan.txt", year, due };
	struct errors errs;

	errors_init(&errs);
	errors_init(warns);
	if (!import_plan_text(text, len, &opt, known, pt, &errs, warns)) {
		print_messages(&errs);
		fail_msg("the plan did not read");
	}
	assert_int_equal(errs.n, 0);
	errors_free(&errs);
}

/* The one error of reading text, which must not read. */
static void
read_fails(const char *text, int year, const char *want)
{
	struct import_options opt = { "plan.txt", year, NULL };
	struct errors errs, warns;
	struct plan_text pt;

	errors_init(&errs);
	errors_init(&warns);
	assert_false(import_plan_text(text, strlen(text), &opt, &seed_known,
	    &pt, &errs, &warns));
	assert_int_equal(pt.plan.n, 0);
	assert_null(pt.item);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], want);
	errors_free(&errs);
	errors_free(&warns);
}

static void
check_task(const struct plan_text *pt, size_t i, const struct want *w)
{
	const struct import_task *t = &pt->plan.task[i];
	const struct plan_item *it = &pt->item[i];
	char buf[2048], due[DAY_STRLEN];

	print_message("task %s\n", w->number);
	assert_string_equal(t->number, w->number);
	assert_string_equal(t->lead, w->lead);
	join(buf, sizeof buf, it->assisting, it->nassisting);
	assert_string_equal(buf, w->assisting);
	join(buf, sizeof buf, it->responsible, it->nresponsible);
	assert_string_equal(buf, w->responsible);
	/* What POST /v1/import gets: the same lists, apart. */
	join(buf, sizeof buf, t->assist, t->nassist);
	assert_string_equal(buf, w->assisting);
	join(buf, sizeof buf, t->responsible, t->nresponsible);
	assert_string_equal(buf, w->responsible);
	if (w->section == NULL) {
		assert_null(it->section);
		assert_null(t->section);
	} else {
		assert_string_equal(it->section, w->section);
		assert_string_equal(t->section, w->section);
	}
	assert_true(strncmp(t->title, w->title_start,
	    strlen(w->title_start)) == 0);
	if (w->note == NULL)
		assert_null(it->note);
	else
		assert_string_equal(it->note, w->note);
	assert_string_equal(day_format(t->due, due), w->due);
	if (w->due_text == NULL)
		assert_null(t->due_text);
	else
		assert_string_equal(t->due_text, w->due_text);
}

/* ---------------------------------------------------------------- */
/* Seed 004 */

static void
seed004_tasks_1_to_13(void **state)
{
	struct plan_text pt;
	struct errors warns;
	size_t len;
	char *text = read_fixture("seed004.txt", &len);

	(void)state;
	read_ok(text, len, 2022, NULL, &seed_known, &pt, &warns);
	assert_string_equal(pt.plan.encoding, "UTF-8");
	assert_true(pt.plan.n > NELEM(seed004));
	for (size_t i = 0; i < NELEM(seed004); i++)
		check_task(&pt, i, &seed004[i]);
	/* Task 14 follows, under the next section. */
	assert_string_equal(pt.plan.task[NELEM(seed004)].number, "14");
	assert_string_equal(pt.item[NELEM(seed004)].section,
	    "(一)深入开展药品安全专项整治行动");
	/* Each line of the file is its row. */
	assert_int_equal(pt.plan.task[0].row, 35);
	assert_int_equal(pt.plan.task[1].row, 35);
	assert_int_equal(pt.plan.task[2].row, 37);
	free(text);
	plan_text_free(&pt);
	errors_free(&warns);
}

static void
seed004_whole(void **state)
{
	struct plan_text pt;
	struct errors warns;
	size_t len;
	char *text = read_fixture("seed004.txt", &len);
	int last = 0;

	(void)state;
	read_ok(text, len, 2022, NULL, &seed_known, &pt, &warns);
	/* Items 1–39; item 29 has a due phrase: 年底前. */
	for (size_t i = 0; i < pt.plan.n; i++) {
		int n = atoi(pt.plan.task[i].number);

		assert_true(n == last || n == last + 1);
		last = n;
		assert_true(strlen(pt.plan.task[i].title) <= PLAN_TITLE_MAX);
		if (strcmp(pt.plan.task[i].number, "29.1") == 0)
			assert_string_equal(pt.plan.task[i].due_text, "年底前");
	}
	assert_int_equal(last, 39);
	/*
	 * The annexes' "7、进一步加强局机关固定资产管理" names no office
	 * (skipped); item 39's line is followed by none.
	 */
	print_messages(&warns);
	assert_int_equal(warns.n, 1);
	assert_non_null(strstr(warns.msg[0], "item 7 names no office"));
	/* Item 34's "(事业单位)" is inside 《》: one task. */
	for (size_t i = 0; i < pt.plan.n; i++)
		if (strncmp(pt.plan.task[i].number, "34", 2) == 0) {
			assert_string_equal(pt.plan.task[i].number, "34");
			assert_string_equal(pt.plan.task[i].lead, "省局机关党委");
			assert_int_equal(pt.plan.task[i].nassist, 0);
			assert_string_equal(pt.plan.task[i].responsible[0],
			    "各支部");
		}
	free(text);
	plan_text_free(&pt);
	errors_free(&warns);
}

static void
seed004_gbk(void **state)
{
	struct plan_text utf, gbk;
	struct errors warns;
	size_t len, inleft, outleft;
	char *text = read_fixture("seed004.txt", &len), *conv, *in, *out;
	iconv_t cd = iconv_open("GB18030", "UTF-8");

	(void)state;
	assert_true(cd != (iconv_t)-1);
	conv = malloc(len * 2);
	assert_non_null(conv);
	in = text;
	out = conv;
	inleft = len;
	outleft = len * 2;
	assert_true(iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1);
	iconv_close(cd);
	read_ok(text, len, 2022, NULL, &seed_known, &utf, &warns);
	errors_free(&warns);
	read_ok(conv, (size_t)(out - conv), 2022, NULL, &seed_known, &gbk,
	    &warns);
	assert_string_equal(gbk.plan.encoding, "GBK");
	assert_int_equal(gbk.plan.n, utf.plan.n);
	for (size_t i = 0; i < NELEM(seed004); i++)
		check_task(&gbk, i, &seed004[i]);
	free(text);
	free(conv);
	plan_text_free(&utf);
	plan_text_free(&gbk);
	errors_free(&warns);
}

/* ---------------------------------------------------------------- */
/* Seed 001 */

/* Seed 001's offices as a config would declare them. */
static const char *const seed001_names[] = {
	"政策法规处", "综合处", "药品注册与生产监管处", "药品流通监管处",
	"医疗器械监管处", "化妆品监管处", "稽查局", "药品安全技术查验中心",
	"药品审评查验和不良反应监测中心", "机关各处室", "直属事业单位",
	"直属各事业单位", "人事与老干部处",
};
static const char *const seed001_offices[] = {
	"政策法规处", "综合处", "药品注册与生产监管处", "药品流通监管处",
	"医疗器械监管处", "化妆品监管处", "稽查局", "药品安全技术查验中心",
	"药品审评查验和不良反应监测中心", "机关各处室", "直属事业单位",
	"直属事业单位", "人事与老干部处",
};
static const struct plan_names seed001_known = {
	seed001_names, seed001_offices, NELEM(seed001_names),
};

#define S1	"一、著力深化重点领域信息公开"
#define S2	"二、著力规范政策发布和解读"
#define S3	"三、著力加强政民互动"
#define S4	"四、著力完善政务公开保障"
#define ALL	"机关各处室,直属事业单位"
#define END	"2023-12-31"

static const struct want seed001[] = {
	{ "1", "政策法规处", "", "药品注册与生产监管处,药品流通监管处,"
	    "医疗器械监管处,化妆品监管处,稽查局", S1, "聚焦药品监管主业,依法",
	    NULL, END, NULL },
	{ "2", "政策法规处", "", ALL, S1, "推动法治政府建设,公开法治政府建设",
	    NULL, END, NULL },
	{ "3", "综合处", "", ALL, S1, "打造高标准高质量“阳光财政”", NULL,
	    END, NULL },
	{ "4", "政策法规处", "", "", S1, "推动行政事业性收费常态公开", NULL,
	    END, NULL },
	{ "5", "综合处", "", ALL, S1, "加大重点工作落实情况的公开力度", NULL,
	    END, NULL },
	{ "6", "药品注册与生产监管处", "综合处,政策法规处,药品流通监管处,"
	    "医疗器械监管处,化妆品监管处,药品安全技术查验中心,"
	    "药品审评查验和不良反应监测中心", "", S2, "持续推进“服务进园区 "
	    "监管有温度”活动", NULL, END, NULL },
	{ "7", "机关各处室", "", "直属事业单位", S2, "强化政策解读", NULL, END,
	    "年内" },
	{ "8", "综合处", "", ALL, S2, "畅通依申请公开受理渠道", NULL, END,
	    NULL },
	{ "9", "政策法规处", "", "", S3, "根据年度重点工作", NULL,
	    "2023-03-31", "于3月31日前" },
	{ "10", "政策法规处", "", "", S3, "鼓励通过公开征集意见的方式", NULL,
	    END, NULL },
	{ "11", "政策法规处", ALL, "", S3, "除依法应当保密的以外", NULL, END,
	    NULL },
	{ "12", "综合处", "", "药品安全技术查验中心", S3,
	    "加强社会关切回应和互动", NULL, END, NULL },
	{ "13", "综合处", "", ALL, S3, "持续打响“政府开放月”宁夏政务公开品牌",
	    NULL, "2023-09-30", "9月" },
	{ "14", "综合处", "", ALL, S4, "强化政府信息公开保密审查", NULL, END,
	    NULL },
	{ "15", "综合处", "", ALL, S4, "做好局网站和政务新媒体日常巡查", NULL,
	    END, NULL },
	{ "16", "综合处", "", ALL, S4, "强化规范机关网络工作群管理", NULL, END,
	    NULL },
	{ "17", "人事与老干部处", "", ALL, S4, "细化政务公开考核", NULL, END,
	    NULL },
	{ "18", "综合处", "", ALL, S4, "加强人员培训", NULL, END, "年内" },
	{ "19", "综合处", "", ALL, S4, "将落实本要点进展情况纳入", NULL, END,
	    NULL },
};

/* Whether s holds a traditional character of seed 001 or a gloss. */
static bool
traditional_or_gloss(const char *s)
{
	static const char *const marks[] = {
		"監", "關", "務", "處", "區", "業", "機", "單", "藥", "發",
		"規", "質", "網", "應", "(q", "(g", "(y", "(j", "(w", "(x",
		"(f", "(z", "(l", "(t", "(s", "(c", "(h", "(n", "(b", "(d",
		"\u0304", "ū", "ā", "ǎ", "ì", "ò", "ǐ", "à", "è",
	};

	for (size_t i = 0; i < NELEM(marks); i++)
		if (strstr(s, marks[i]) != NULL)
			return true;
	return false;
}

static void
seed001_items(void **state)
{
	struct plan_text pt;
	struct errors warns;
	size_t len;
	char *text = read_fixture("seed001.txt", &len);

	(void)state;
	/* The fixture is the seed as written: traditional, with glosses. */
	assert_true(traditional_or_gloss(text));
	assert_non_null(strstr(text, "監(jiān)管"));
	read_ok(text, len, 2023, NULL, &seed001_known, &pt, &warns);
	print_messages(&warns);
	assert_int_equal(warns.n, 0);
	assert_string_equal(pt.plan.encoding, "UTF-8");
	assert_int_equal(pt.plan.n, NELEM(seed001));
	for (size_t i = 0; i < NELEM(seed001); i++) {
		check_task(&pt, i, &seed001[i]);
		assert_false(traditional_or_gloss(pt.plan.task[i].title));
		assert_false(traditional_or_gloss(pt.item[i].section));
		/* Each item on its line: 9–13, 15–19, 21–23, 25–30. */
		assert_int_equal(pt.plan.task[i].row, i < 5 ? 9 + (int)i :
		    i < 8 ? 10 + (int)i : i < 13 ? 11 + (int)i : 12 + (int)i);
	}
	assert_string_equal(pt.plan.task[0].title, "聚焦药品监管主业,依法及时公开"
	    "药品、医疗器械、化妆品监督抽检、行政许可、行政处罚、产品召回等重点"
	    "信息,确保所公开的信息及时、准确。");
	assert_string_equal(pt.plan.task[3].title, "推动行政事业性收费常态公开,"
	    "定期发布行政事业性收费目录清单,公开收费项目、政策依据、收费标准。");
	assert_string_equal(pt.plan.task[8].title, "根据年度重点工作,依法编制年度"
	    "重大行政决策事项目录,通过局网站于3月31日前向社会公开,公开率达到"
	    "100%。");
	assert_string_equal(pt.plan.task[15].title, "强化规范机关网络工作群管理,"
	    "持续加强保密教育,进一步转变工作作风,有效杜绝“指尖泄密”,消除“指尖"
	    "形式主义”。");
	assert_string_equal(pt.plan.task[18].title, "将落实本要点进展情况纳入政府"
	    "信息公开工作年度报告,及时公布、接受监督。");
	free(text);
	plan_text_free(&pt);
	errors_free(&warns);
}

/* With no office configured: every name as written (--create-offices). */
static void
seed001_names_as_written(void **state)
{
	static const struct plan_names none = { NULL, NULL, 0 };
	struct plan_text pt;
	struct errors warns;
	size_t len;
	char *text = read_fixture("seed001.txt", &len);

	(void)state;
	read_ok(text, len, 2023, NULL, &none, &pt, &warns);
	assert_int_equal(pt.plan.n, NELEM(seed001));
	/* "和" inside a name ending like none stays. */
	assert_int_equal(pt.item[5].nassisting, 7);
	assert_string_equal(pt.item[5].assisting[6],
	    "药品审评查验和不良反应监测中心");
	assert_string_equal(pt.plan.task[16].lead, "机关党委");
	assert_int_equal(pt.item[16].nresponsible, 2);
	assert_string_equal(pt.item[16].responsible[1], "直属各事业单位");
	free(text);
	plan_text_free(&pt);
	errors_free(&warns);
}

static void
pinyin_glosses(void **state)
{
	static const char text[] =
	    "1.标识(UDI)并认证(CMA),区(qū)县（xiàn）以(yǐ)下(zhōng guó)旅"
	    "(lǚ)行(Xíng)了( )与ok(ab)和2023(x)及 (qū)。(政策法规(guī)处)\n"
	    "2.加強監(jiān)管。(綜合處牽頭,機關各處室配合)\n";
	struct plan_text pt;
	struct errors warns;

	(void)state;
	read_ok(text, strlen(text), 2024, NULL, &seed001_known, &pt, &warns);
	assert_int_equal(pt.plan.n, 2);
	/* Capitals, blanks only, after no Han: not glosses. */
	assert_string_equal(pt.plan.task[0].title, "标识(UDI)并认证(CMA),区县以"
	    "下旅行(Xíng)了( )与ok(ab)和2023(x)及 (qū)。");
	assert_string_equal(pt.plan.task[0].lead, "政策法规处");
	/* Traditional characters are read as simplified. */
	assert_string_equal(pt.plan.task[1].title, "加强监管。");
	assert_string_equal(pt.plan.task[1].lead, "综合处");
	assert_int_equal(pt.item[1].nassisting, 1);
	assert_string_equal(pt.item[1].assisting[0], "机关各处室");
	plan_text_free(&pt);
	errors_free(&warns);
}

static void
roles_of_seed001(void **state)
{
	static const char *const names[] = {
		"机关党委", "人事处", "甲处", "乙中心", "丙处",
	};
	static const char *const offices[] = {
		"机关党委", "人事处", "甲处", "乙中心", "丙处",
	};
	static const struct plan_names known = { names, offices, 5 };
	static const char text[] =
	    "1.甲。(甲处牵头,乙中心及丙处配合落实)\n"
	    "2.乙。(甲处、乙中心依职责分别落实)\n"
	    "3.丙。(机关党委〔人事处〕牵头负责,甲处以及丙处按职责负责)\n"
	    "4.丁。(某党委〔人事处〕牵头)\n"
	    "5.戊。(某党委〔某处〕牵头,年度工作配合)\n";
	struct plan_text pt;
	struct errors warns;

	(void)state;
	read_ok(text, strlen(text), 2024, NULL, &known, &pt, &warns);
	assert_int_equal(pt.plan.n, 5);
	/* The first role word counts: 配合落实 assists. */
	assert_string_equal(pt.plan.task[0].lead, "甲处");
	assert_int_equal(pt.item[0].nassisting, 2);
	assert_string_equal(pt.item[0].assisting[0], "乙中心");
	assert_string_equal(pt.item[0].assisting[1], "丙处");
	assert_int_equal(pt.item[0].nresponsible, 0);
	/* 依职责 between a name and its role word. */
	assert_string_equal(pt.plan.task[1].lead, "甲处");
	assert_int_equal(pt.item[1].nresponsible, 1);
	assert_string_equal(pt.item[1].responsible[0], "乙中心");
	assert_null(pt.item[1].note);
	/* A〔B〕: A when known, else B when known, else A as written. */
	assert_string_equal(pt.plan.task[2].lead, "机关党委");
	assert_int_equal(pt.item[2].nresponsible, 2);
	assert_string_equal(pt.item[2].responsible[1], "丙处");
	assert_string_equal(pt.plan.task[3].lead, "人事处");
	assert_string_equal(pt.plan.task[4].lead, "某党委");
	assert_string_equal(pt.item[4].note, "年度工作");
	plan_text_free(&pt);
	errors_free(&warns);
}

/* ---------------------------------------------------------------- */
/* Forms */

static void
numbering_and_sections(void **state)
{
	static const char text[] =
	    "标题(主动公开)\n"
	    "一、总体\n"
	    "1、甲任务。(人事处)\n"
	    "（二）分项\n"
	    "（2）乙任务。（办公室牵头，人事处配合）\n"
	    "二、其他\n"
	    "3．丙任务。(人事处、办公室)\n"
	    "2022.3 不是任务(人事处)\n"
	    "一是不是任务(人事处)\n";
	struct plan_text pt;
	struct errors warns;

	(void)state;
	read_ok(text, strlen(text), 2024, NULL, &seed_known, &pt, &warns);
	assert_int_equal(pt.plan.n, 3);
	assert_int_equal(warns.n, 0);
	assert_string_equal(pt.plan.task[0].number, "1");
	assert_string_equal(pt.plan.task[0].title, "甲任务。");
	assert_string_equal(pt.item[0].section, "一、总体");
	assert_string_equal(pt.plan.task[1].number, "2");
	assert_string_equal(pt.plan.task[1].lead, "办公室");
	assert_int_equal(pt.item[1].nassisting, 1);
	assert_string_equal(pt.item[1].assisting[0], "人事处");
	assert_string_equal(pt.item[1].section, "（二）分项");
	/* A bare list of several: each responsible, the first leads. */
	assert_string_equal(pt.plan.task[2].number, "3");
	assert_string_equal(pt.plan.task[2].lead, "人事处");
	assert_int_equal(pt.item[2].nresponsible, 1);
	assert_string_equal(pt.item[2].responsible[0], "办公室");
	assert_string_equal(pt.item[2].section, "二、其他");
	assert_int_equal(pt.plan.task[2].row, 7);
	plan_text_free(&pt);
	errors_free(&warns);
}

static void
names_with_he_and_prefix(void **state)
{
	static const char *const names[] = {
		"综合和规划财务处", "药监局生产处", "省局药品生产监管处",
		"药品注册处",
	};
	static const char *const offices[] = {
		"综合和规划财务处", "药监局生产处", "药监局生产处",
		"药品注册处",
	};
	static const struct plan_names known = { names, offices, 4 };
	static const char text[] =
	    "1.甲。(省局综合和规划财务处牵头,相关处室和直属单位配合)\n"
	    "2.乙。(省局药品注册处、药品生产监管处分别负责)\n"
	    "3.丙。(科技与规划财务处牵头,稽查与应急管理处和各市局负责)\n";
	struct plan_text pt;
	struct errors warns;

	(void)state;
	read_ok(text, strlen(text), 2024, NULL, &known, &pt, &warns);
	assert_int_equal(pt.plan.n, 3);
	/* 和 inside a known name stays; between names it separates. */
	assert_string_equal(pt.plan.task[0].lead, "综合和规划财务处");
	assert_int_equal(pt.item[0].nassisting, 2);
	assert_string_equal(pt.item[0].assisting[0], "相关处室");
	assert_string_equal(pt.item[0].assisting[1], "直属单位");
	/* The prefix applies to the list: an alias resolves it. */
	assert_string_equal(pt.plan.task[1].lead, "药品注册处");
	assert_int_equal(pt.item[1].nresponsible, 1);
	assert_string_equal(pt.item[1].responsible[0], "药监局生产处");
	/* 与 never separates; unknown names are kept as written. */
	assert_string_equal(pt.plan.task[2].lead, "科技与规划财务处");
	assert_int_equal(pt.item[2].nresponsible, 2);
	assert_string_equal(pt.item[2].responsible[0], "稽查与应急管理处");
	assert_string_equal(pt.item[2].responsible[1], "各市局");
	plan_text_free(&pt);
	errors_free(&warns);
}

static void
parentheses_not_responsibilities(void **state)
{
	static const char text[] =
	    "1.建设系统(含“双随机、一公开”系统)并认证(CMA)。"
	    "执行《条例(试行)》和《标准(事业单位)》。(人事处)\n"
	    "2.甲(成立工作专班,人事处负责)乙(办公室)丙\n";
	struct plan_text pt;
	struct errors warns;

	(void)state;
	read_ok(text, strlen(text), 2024, NULL, &seed_known, &pt, &warns);
	assert_int_equal(pt.plan.n, 3);
	assert_string_equal(pt.plan.task[0].number, "1");
	assert_string_equal(pt.plan.task[0].title, "建设系统(含“双随机、一公开”"
	    "系统)并认证(CMA)。执行《条例(试行)》和《标准(事业单位)》。");
	assert_string_equal(pt.plan.task[1].number, "2.1");
	assert_string_equal(pt.plan.task[1].title, "甲");
	assert_string_equal(pt.plan.task[1].lead, "人事处");
	assert_string_equal(pt.item[1].note, "成立工作专班");
	assert_string_equal(pt.plan.task[2].number, "2.2");
	assert_string_equal(pt.plan.task[2].title, "乙");
	assert_null(pt.item[2].note);
	/* "丙" after the last responsibility: a warning. */
	assert_int_equal(warns.n, 1);
	assert_string_equal(warns.msg[0], "plan.txt:2: item 2: the text after "
	    "its last responsibility is ignored");
	plan_text_free(&pt);
	errors_free(&warns);
}

static void
due_phrases(void **state)
{
	static const char text[] =
	    "1.甲。6月底前完成。(人事处)\n"
	    "2.乙。第三季度完成。(人事处)\n"
	    "3.丙。2024年3月31日前完成。(人事处)\n"
	    "4.丁。建设12个站点。(人事处)\n"
	    "5.戊。12月10日前。(人事处)\n"
	    "6.己。“十四五”期末完成。(人事处)\n";
	static const struct { const char *due, *text; } want[] = {
		{ "2023-06-30", "6月底前完成" }, { "2023-09-30", "第三季度完成" },
		{ "2024-03-31", "2024年3月31日前完成" }, { "2023-12-31", NULL },
		{ "2023-12-10", "12月10日前" },
		{ "2025-12-31", "“十四五”期末完成" },
	};
	struct plan_text pt;
	struct errors warns;
	char due[DAY_STRLEN];

	(void)state;
	read_ok(text, strlen(text), 2023, NULL, &seed_known, &pt, &warns);
	assert_int_equal(pt.plan.n, NELEM(want));
	for (size_t i = 0; i < NELEM(want); i++) {
		assert_string_equal(day_format(pt.plan.task[i].due, due),
		    want[i].due);
		if (want[i].text == NULL)
			assert_null(pt.plan.task[i].due_text);
		else
			assert_string_equal(pt.plan.task[i].due_text,
			    want[i].text);
	}
	plan_text_free(&pt);
	errors_free(&warns);
	/* --due for tasks without a phrase. */
	read_ok(text, strlen(text), 2023, "上半年", &seed_known, &pt, &warns);
	assert_string_equal(day_format(pt.plan.task[3].due, due),
	    "2023-06-30");
	assert_string_equal(pt.plan.task[3].due_text, "上半年");
	assert_string_equal(day_format(pt.plan.task[0].due, due),
	    "2023-06-30");
	assert_string_equal(pt.plan.task[0].due_text, "6月底前完成");
	plan_text_free(&pt);
	errors_free(&warns);
}

static void
long_title_cut(void **state)
{
	char text[4096];
	struct plan_text pt;
	struct errors warns;
	size_t n;

	(void)state;
	strcpy(text, "1.");
	for (int i = 0; i < 400; i++)
		strcat(text, "字");
	strcat(text, "(人事处)\n");
	read_ok(text, strlen(text), 2024, NULL, &seed_known, &pt, &warns);
	n = strlen(pt.plan.task[0].title);
	assert_true(n <= PLAN_TITLE_MAX);
	assert_true(n > PLAN_TITLE_MAX - 6);
	assert_string_equal(pt.plan.task[0].title + n - 3, "…");
	assert_int_equal(strncmp(pt.plan.task[0].title, "字字字", 9), 0);
	plan_text_free(&pt);
	errors_free(&warns);
}

static void
errors_reported(void **state)
{
	(void)state;
	read_fails("1.甲。(人事处)\n1.乙。(办公室)\n", 2024,
	    "plan.txt:2: number 1 is given twice (first on line 1)");
	read_fails("\n1.甲。(人事处)\n", DUEPHRASE_NO_YEAR,
	    "plan.txt:2: task 1: no due phrase in the text; give the plan's "
	    "year (--year YYYY)");
	read_fails("1.\xff\xfe\xfd\xff\xfe(人事处)\n", 2024,
	    "plan.txt:1: neither UTF-8 nor GBK (byte 0xff)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed004_tasks_1_to_13),
		cmocka_unit_test(seed004_whole),
		cmocka_unit_test(seed004_gbk),
		cmocka_unit_test(seed001_items),
		cmocka_unit_test(seed001_names_as_written),
		cmocka_unit_test(pinyin_glosses),
		cmocka_unit_test(roles_of_seed001),
		cmocka_unit_test(numbering_and_sections),
		cmocka_unit_test(names_with_he_and_prefix),
		cmocka_unit_test(parentheses_not_responsibilities),
		cmocka_unit_test(due_phrases),
		cmocka_unit_test(long_title_cut),
		cmocka_unit_test(errors_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
