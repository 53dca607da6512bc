/*
 * Work-plan import: CSV records (quotes, line breaks, CRLF), encodings
 * (BOM, GBK converted here with iconv, bad bytes), responsibility cells in
 * every form the seeds write, and whole plans: headers, parts, numbers,
 * due dates, every error naming row and column, and seed 003's tables.
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
#include "errors.h"
#include "import_cell.h"
#include "import_csv.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

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

/* s converted from UTF-8 to GBK. */
static char *
to_gbk(const char *s, size_t len, size_t *outlen)
{
	iconv_t cd = iconv_open("GBK", "UTF-8");
	char *in = (char *)s, *out, *o;
	size_t inleft = len, cap = len + 1, oleft = cap;

	assert_true(cd != (iconv_t)-1);
	out = o = malloc(cap);
	assert_non_null(out);
	assert_true(iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1);
	iconv_close(cd);
	*outlen = (size_t)(o - out);
	return out;
}

static void
assert_day(int day, const char *expect)
{
	char buf[DAY_STRLEN];

	assert_string_equal(day_format(day, buf), expect);
}

/* Whether one of the messages is exactly s. */
static bool
has_message(const struct errors *e, const char *s)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->msg[i], s) == 0)
			return true;
	return false;
}

static void
assert_message(const struct errors *e, const char *s)
{
	if (!has_message(e, s)) {
		errors_print(e, stderr);
		fail_msg("no message \"%s\"", s);
	}
}

static const struct import_task *
find_task(const struct import_plan *p, const char *number)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->task[i].number, number) == 0)
			return &p->task[i];
	fail_msg("no task %s", number);
	return NULL;
}

/* The task's offices as "lead|assist,assist". */
static void
assert_offices(const struct import_task *t, const char *expect)
{
	char buf[1024];
	size_t len;

	len = (size_t)snprintf(buf, sizeof buf, "%s|", t->lead);
	for (size_t i = 0; i < t->nassist; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
		    i > 0 ? "," : "", t->assist[i]);
	assert_string_equal(buf, expect);
}

/* Runs import_csv on a string; the caller frees plan and both lists. */
static bool
import_text(const char *text, const struct import_options *opt,
    struct import_plan *plan, struct errors *errs, struct errors *warns)
{
	errors_init(errs);
	errors_init(warns);
	return import_csv(text, strlen(text), opt, plan, errs, warns);
}

/* ---------------------------------------------------------------- */
/* Records */

static void
assert_record(const struct csv_record *r, int line, size_t n, ...)
{
	va_list ap;

	assert_int_equal(r->line, line);
	assert_int_equal(r->n, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(r->field[i], va_arg(ap, const char *));
	va_end(ap);
}

static void
test_csv_quotes(void **state)
{
	static const char text[] =
	    "a,\"b,c\",\"say \"\"hi\"\"\"\n"
	    "\"two\nlines\",x\r\n"
	    "\"crlf\r\ninside\",,\n"
	    "\n"
	    "last,\"\" ,plain\"quote\n"
	    "end,";
	struct csv_file f;
	struct csv_error err;

	(void)state;
	assert_true(csv_parse(text, sizeof text - 1, &f, &err));
	assert_int_equal(f.n, 6);
	assert_record(&f.rec[0], 1, 3, "a", "b,c", "say \"hi\"");
	assert_record(&f.rec[1], 2, 2, "two\nlines", "x");
	assert_record(&f.rec[2], 4, 3, "crlf\ninside", "", "");
	assert_record(&f.rec[3], 6, 1, "");
	assert_record(&f.rec[4], 7, 3, "last", "", "plain\"quote");
	assert_record(&f.rec[5], 8, 2, "end", "");
	csv_file_free(&f);

	assert_true(csv_parse("", 0, &f, &err));
	assert_int_equal(f.n, 0);
	csv_file_free(&f);
}

static void
test_csv_errors(void **state)
{
	struct csv_file f;
	struct csv_error err;
	static const char unclosed[] = "a,b\nc,\"open\nstill\nopen";
	static const char after[] = "a\n\"x\"y,z\n";

	(void)state;
	assert_false(csv_parse(unclosed, sizeof unclosed - 1, &f, &err));
	assert_int_equal(err.line, 2);
	assert_string_equal(err.msg, "a quoted field is never closed");
	assert_int_equal(f.n, 0);

	assert_false(csv_parse(after, sizeof after - 1, &f, &err));
	assert_int_equal(err.line, 2);
	assert_string_equal(err.msg, "text after the closing quote of a field");
}

/* ---------------------------------------------------------------- */
/* Encodings */

static void
test_decode_utf8_bom(void **state)
{
	static const char text[] = "\xef\xbb\xbf序号,任务名称\n";
	struct csv_error err;
	const char *enc = NULL;
	char *out;
	size_t len;

	(void)state;
	assert_true(csv_decode(text, sizeof text - 1, &out, &len, &enc, &err));
	assert_string_equal(enc, "UTF-8");
	assert_string_equal(out, "序号,任务名称\n");
	assert_int_equal(len, strlen("序号,任务名称\n"));
	free(out);
}

static void
test_decode_gbk(void **state)
{
	static const char utf8[] = "序号,任务名称,责任部门\n1,推进“一网通办”,"
	    "综合处会法规处\n";
	struct csv_error err;
	const char *enc = NULL;
	char *gbk, *out;
	size_t gbklen, len;

	(void)state;
	gbk = to_gbk(utf8, sizeof utf8 - 1, &gbklen);
	assert_memory_not_equal(gbk, utf8, 6);
	assert_true(csv_decode(gbk, gbklen, &out, &len, &enc, &err));
	assert_string_equal(enc, "GBK");
	assert_string_equal(out, utf8);
	assert_int_equal(len, sizeof utf8 - 1);
	free(out);
	free(gbk);
}

static void
test_decode_bad_bytes(void **state)
{
	/* Neither: 0xff is never in GBK. */
	static const char neither[] = "a,b\nc,d\n\xff,e\n";
	/* Mostly UTF-8, one stray byte on line 3. */
	static const char broken[] = "序号,任务名称\n1,综合处\n2,法规\x80处\n";
	static const char utf16[] = "\xff\xfe" "a\0,\0";
	static const char nul[] = "a,b\nc\0d\n";
	struct csv_error err;
	const char *enc;
	char *out;
	size_t len;

	(void)state;
	assert_false(csv_decode(neither, sizeof neither - 1, &out, &len, &enc,
	    &err));
	assert_int_equal(err.line, 3);
	assert_string_equal(err.msg, "neither UTF-8 nor GBK (byte 0xff)");

	assert_false(csv_decode(broken, sizeof broken - 1, &out, &len, &enc,
	    &err));
	assert_int_equal(err.line, 3);
	assert_string_equal(err.msg, "not valid UTF-8 (byte 0x80)");

	assert_false(csv_decode(utf16, sizeof utf16 - 1, &out, &len, &enc,
	    &err));
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "UTF-16"));

	assert_false(csv_decode(nul, sizeof nul - 1, &out, &len, &enc, &err));
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "NUL"));
}

/* ---------------------------------------------------------------- */
/* Responsibility cells */

static void
assert_cell(const char *cell, const char *expect)
{
	struct office_cell oc;
	char err[256], buf[1024];
	size_t len;

	office_cell_init(&oc);
	if (!office_cell_parse(&oc, cell, err, sizeof err))
		fail_msg("\"%s\": %s", cell, err);
	len = (size_t)snprintf(buf, sizeof buf, "%s|", oc.lead);
	for (size_t i = 0; i < oc.nassist; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
		    i > 0 ? "," : "", oc.assist[i]);
	if (strcmp(buf, expect) != 0)
		fail_msg("\"%s\": \"%s\", expected \"%s\"", cell, buf, expect);
	office_cell_free(&oc);
}

static void
test_cells_seed003(void **state)
{
	(void)state;
	assert_cell("器械注册处", "器械注册处|");
	assert_cell("器械注册处、药品注册处", "器械注册处|药品注册处");
	assert_cell("综合处、食药检院、医械院、包材所",
	    "综合处|食药检院,医械院,包材所");
	assert_cell("业务监督处会各业务处", "业务监督处|各业务处");
	assert_cell("人事处会监测中心", "人事处|监测中心");
	assert_cell("监测中心会药品监管处", "监测中心|药品监管处");
	assert_cell("人事处会药审中心、器审中心",
	    "人事处|药审中心,器审中心");
	assert_cell("药品注册处、器械注册处会药审中心、器审中心、人事处、综合处",
	    "药品注册处|器械注册处,药审中心,器审中心,人事处,综合处");
	assert_cell("综合处、法规处、各业务处、器审中心",
	    "综合处|法规处,各业务处,器审中心");
	assert_cell("各业务处、各直属单位", "各业务处|各直属单位");
	assert_cell("法规处、各处、各直属单位", "法规处|各处,各直属单位");
	assert_cell("人事处会各处、稽查局、各直属单位",
	    "人事处|各处,稽查局,各直属单位");
	assert_cell("药品监管处会业务监督处、稽查局、食药检院、药审中心",
	    "药品监管处|业务监督处,稽查局,食药检院,药审中心");
	assert_cell("器械注册处会器审中心", "器械注册处|器审中心");
}

static void
test_cells_roles(void **state)
{
	(void)state;
	/* seed 004's parenthesis */
	assert_cell("(省局科技与规划财务处牵头,各市局分别负责)",
	    "省局科技与规划财务处|各市局");
	assert_cell("（省局政务服务处牵头，各市局负责）",
	    "省局政务服务处|各市局");
	assert_cell("综合处牵头、法规处", "综合处|法规处");
	assert_cell("法规处配合，综合处牵头", "综合处|法规处");
	assert_cell("法规处配合；综合处、人事处牵头", "综合处|法规处,人事处");
	assert_cell("药品注册处会同器审中心", "药品注册处|器审中心");
	assert_cell("综合处协助", "综合处|");
}

static void
test_cells_names(void **state)
{
	(void)state;
	/* "会" inside a name does not split it */
	assert_cell("机关工会、综合处", "机关工会|综合处");
	assert_cell("药学会会综合处", "药学会|综合处");
	assert_cell("会计处", "会计处|");
	assert_cell("综合处会", "综合处会|");
	/* blanks, full-width ones too, and every separator */
	assert_cell(" 综合处 ， 法规处；人事处;稽查局,监测中心\u3000",
	    "综合处|法规处,人事处,稽查局,监测中心");
	assert_cell("综合处、综合处、法规处、综合处", "综合处|法规处");
	assert_cell("综合处、、", "综合处|");
	assert_cell("Legal Office, General Office",
	    "Legal Office|General Office");
}

static void
test_cells_errors_and_assisting(void **state)
{
	struct office_cell oc;
	char err[256];

	(void)state;
	office_cell_init(&oc);
	assert_false(office_cell_parse(&oc, "、，\u3000", err, sizeof err));
	assert_string_equal(err, "no office named");
	assert_false(office_cell_parse(&oc, "（牵头）", err, sizeof err));
	assert_null(oc.lead);

	assert_true(office_cell_parse(&oc, "综合处会法规处", err, sizeof err));
	office_cell_add_assisting(&oc, "人事处、法规处，综合处");
	office_cell_add_assisting(&oc, "");
	assert_string_equal(oc.lead, "综合处");
	assert_int_equal(oc.nassist, 2);
	assert_string_equal(oc.assist[0], "法规处");
	assert_string_equal(oc.assist[1], "人事处");
	/* Parsing again replaces what was there. */
	assert_true(office_cell_parse(&oc, "稽查局", err, sizeof err));
	assert_string_equal(oc.lead, "稽查局");
	assert_int_equal(oc.nassist, 0);
	office_cell_free(&oc);
}

/* ---------------------------------------------------------------- */
/* Plans */

static void
test_plan_english_headers(void **state)
{
	static const char text[] =
	    "Number,Title,Lead,Assist,Due,Target,Notes\r\n"
	    "1,\"Publish, then report\",综合处会法规处,人事处,2024-07-21,"
	    "12家,x\r\n"
	    "２.,\"two\nlines\",法规处,,年底前,,\r\n"
	    ",no number,稽查局,,3月31日前,,\r\n";
	struct import_options opt = { "plan.csv", 2024, NULL };
	struct import_plan plan;
	struct errors errs, warns;
	const struct import_task *t;

	(void)state;
	assert_true(import_text(text, &opt, &plan, &errs, &warns));
	assert_int_equal(errs.n, 0);
	assert_string_equal(plan.encoding, "UTF-8");
	assert_int_equal(plan.n, 3);
	assert_message(&warns, "plan.csv:1: column 7 \"Notes\" is not one "
	    "duban reads: ignored");

	t = &plan.task[0];
	assert_int_equal(t->row, 1 + 1);
	assert_string_equal(t->number, "1");
	assert_string_equal(t->title, "Publish, then report");
	assert_offices(t, "综合处|法规处,人事处");
	assert_day(t->due, "2024-07-21");
	assert_string_equal(t->due_text, "2024-07-21");
	assert_string_equal(t->target, "12家");

	t = &plan.task[1];
	assert_int_equal(t->row, 3);
	assert_string_equal(t->number, "2");
	assert_string_equal(t->title, "two\nlines");
	assert_offices(t, "法规处|");
	assert_day(t->due, "2024-12-31");
	assert_string_equal(t->due_text, "年底前");
	assert_null(t->target);

	/* no number: the line */
	t = &plan.task[2];
	assert_int_equal(t->row, 5);
	assert_string_equal(t->number, "5");
	assert_day(t->due, "2024-03-31");

	import_plan_free(&plan);
	errors_free(&errs);
	errors_free(&warns);
}

/* Every problem of the file, each with its row and column. */
static void
test_plan_errors(void **state)
{
	static const char text[] =
	    "重点工作安排\n"
	    "序号,任务名称,责任部门,时间节点\n"
	    "1,甲,综合处,2025年\n"
	    "2,,综合处,2025年\n"
	    "3,丙,,2025年\n"
	    "4,丁,、,2025年\n"
	    "5,戊,综合处,明年\n"
	    "6,己,综合处,\n"
	    "7,庚,综合处,年底前\n"
	    "1,辛,综合处,持续推进\n"
	    "3,壬,综合处,2025年\n"
	    "８,,,\n";
	struct import_options opt = { "plan.csv", 0, NULL };
	struct import_plan plan;
	struct errors errs, warns;

	(void)state;
	assert_false(import_text(text, &opt, &plan, &errs, &warns));
	assert_int_equal(plan.n, 0);
	assert_null(plan.task);
	assert_message(&errs, "plan.csv:4: column 任务名称: empty");
	assert_message(&errs, "plan.csv:5: column 责任部门: empty");
	assert_message(&errs, "plan.csv:6: column 责任部门: no office named");
	assert_message(&errs, "plan.csv:7: column 时间节点: cannot read the "
	    "date \"明年\"");
	assert_message(&errs, "plan.csv:8: column 时间节点: empty (give --due "
	    "for the rows without a date)");
	assert_message(&errs, "plan.csv:9: column 时间节点: \"年底前\" names no "
	    "year: give the plan's year (--year)");
	assert_message(&errs, "plan.csv:10: column 时间节点: no deadline in "
	    "\"持续推进\"");
	/* a number alone is a row without its cells, not a heading */
	assert_message(&errs, "plan.csv:12: column 任务名称: empty");
	assert_message(&errs, "plan.csv:12: column 责任部门: empty");
	assert_message(&errs, "plan.csv:12: column 时间节点: empty (give --due "
	    "for the rows without a date)");
	/* row 5's number 3 failed, so 3 on row 11 is no repeat */
	assert_int_equal(errs.n, 10);
	errors_free(&errs);
	errors_free(&warns);

	/* The same number twice in one table. */
	opt.year = 2024;
	assert_false(import_text("序号,任务名称,责任部门,时间节点\n"
	    "1,甲,综合处,2025年\n2,乙,综合处,2025年\n1,丙,综合处,2025年\n",
	    &opt, &plan, &errs, &warns));
	assert_int_equal(errs.n, 1);
	assert_message(&errs, "plan.csv:4: column 序号: number 1 again "
	    "(first on line 2)");
	errors_free(&errs);
	errors_free(&warns);
}

static void
test_plan_headers(void **state)
{
	struct import_options opt = { "p.csv", 2024, NULL };
	struct import_plan plan;
	struct errors errs, warns;

	(void)state;
	assert_false(import_text("序号,名称,部门\n1,甲,综合处\n", &opt, &plan,
	    &errs, &warns));
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.msg[0], "p.csv: no header row"));
	errors_free(&errs);
	errors_free(&warns);

	assert_false(import_text("任务名称,责任部门,事项名称,时间节点\n"
	    "甲,综合处,乙,2025年\n", &opt, &plan, &errs, &warns));
	assert_message(&errs, "p.csv:1: columns \"任务名称\" and \"事项名称\" "
	    "say the same");
	errors_free(&errs);
	errors_free(&warns);

	/* No due column: said once, however many tables. */
	assert_false(import_text("序号,任务名称,责任部门\n1,甲,综合处\n"
	    "序号,任务名称,责任部门\n1,乙,法规处\n", &opt, &plan, &errs,
	    &warns));
	assert_int_equal(errs.n, 1);
	assert_message(&errs, "p.csv:1: no due column (时间节点 or due): give "
	    "--due for the rows without one");
	errors_free(&errs);
	errors_free(&warns);

	/* --due fills rows without a date; a bad --due is said once. */
	opt.default_due = "2025年";
	assert_true(import_text("序号,任务名称,责任部门,时间节点\n"
	    "1,甲,综合处,\n2,乙,法规处,6月底前\n", &opt, &plan, &errs,
	    &warns));
	assert_int_equal(plan.n, 2);
	assert_day(plan.task[0].due, "2025-12-31");
	assert_string_equal(plan.task[0].due_text, "2025年");
	assert_day(plan.task[1].due, "2024-06-30");
	import_plan_free(&plan);
	errors_free(&errs);
	errors_free(&warns);

	opt.default_due = "持续";
	assert_false(import_text("序号,任务名称,责任部门\n1,甲,综合处\n"
	    "2,乙,综合处\n", &opt, &plan, &errs, &warns));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "--due: no deadline in \"持续\"");
	errors_free(&errs);
	errors_free(&warns);
}

/* Bad bytes and broken quotes stop the file with the line. */
static void
test_plan_unreadable(void **state)
{
	struct import_options opt = { "p.csv", 2024, NULL };
	struct import_plan plan;
	struct errors errs, warns;

	(void)state;
	assert_false(import_text("title,lead,due\nx,y,2025年\n\xff,z,2025年\n",
	    &opt, &plan, &errs, &warns));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "p.csv:3: not valid UTF-8 "
	    "(byte 0xff)");
	errors_free(&errs);
	errors_free(&warns);

	assert_false(import_text("title,lead,due\nx,y,2025年\n\"x,y,2025年\n",
	    &opt, &plan, &errs, &warns));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "p.csv:3: a quoted field is never "
	    "closed");
	errors_free(&errs);
	errors_free(&warns);
}

/* Parts: numbers restarting after a heading get the part as prefix. */
static void
test_plan_parts(void **state)
{
	static const char restart[] =
	    "序号,任务名称,责任部门,时间节点\n"
	    "1,甲,综合处,2025年\n2,乙,综合处,2025年\n"
	    "（二）第二部分\n"
	    "1,丙,法规处,2025年\n";
	static const char continued[] =
	    "序号,任务名称,责任部门,时间节点\n"
	    "1,甲,综合处,2025年\n"
	    "（二）第二部分,,,\n"
	    "2,丙,法规处,2025年\n"
	    "任务名称,责任部门,时间节点\n"
	    "丁,人事处,2025年\n";
	struct import_options opt = { "p.csv", 2024, NULL };
	struct import_plan plan;
	struct errors errs, warns;

	(void)state;
	assert_true(import_text(restart, &opt, &plan, &errs, &warns));
	assert_int_equal(plan.n, 3);
	assert_string_equal(plan.task[0].number, "1.1");
	assert_string_equal(plan.task[1].number, "1.2");
	assert_string_equal(plan.task[2].number, "2.1");
	assert_string_equal(plan.task[2].title, "丙");
	import_plan_free(&plan);
	errors_free(&errs);
	errors_free(&warns);

	assert_true(import_text(continued, &opt, &plan, &errs, &warns));
	assert_int_equal(plan.n, 3);
	assert_string_equal(plan.task[0].number, "1");
	assert_string_equal(plan.task[1].number, "2");
	assert_string_equal(plan.task[2].number, "6");	/* its line */
	assert_string_equal(plan.task[2].lead, "人事处");
	import_plan_free(&plan);
	errors_free(&errs);
	errors_free(&warns);
}

/* ---------------------------------------------------------------- */
/* Seed 003, typed as printed */

static void
check_indicators(const struct import_plan *p)
{
	const struct import_task *t;

	assert_int_equal(p->n, 15);
	t = find_task(p, "1.1");
	assert_string_equal(t->title, "建设市级生物医药产品注册指导服务工作站");
	assert_offices(t, "器械注册处|药品注册处");
	assert_day(t->due, "2022-12-31");
	assert_string_equal(t->due_text, "2022年");
	assert_string_equal(t->target, "12家");
	assert_int_equal(t->row, 5);

	t = find_task(p, "2.3");
	assert_offices(t, "业务监督处|各业务处");
	assert_string_equal(t->target, "5家");
	assert_day(t->due, "2025-12-31");

	t = find_task(p, "2.5");
	assert_offices(t, "综合处|食药检院,医械院,包材所");
	t = find_task(p, "2.14");
	assert_string_equal(t->title, "市级药物警戒专职技术人员");
	assert_offices(t, "人事处|监测中心");
	assert_string_equal(t->target, "50名");
	assert_int_equal(t->row, 21);
}

static void
test_seed003_indicators(void **state)
{
	struct import_options opt = { "seed003-indicators.csv", 0, NULL };
	struct import_plan plan;
	struct errors errs, warns;
	size_t len;
	char *data = read_fixture("seed003-indicators.csv", &len);

	(void)state;
	errors_init(&errs);
	errors_init(&warns);
	if (!import_csv(data, len, &opt, &plan, &errs, &warns)) {
		errors_print(&errs, stderr);
		fail();
	}
	assert_int_equal(warns.n, 0);
	check_indicators(&plan);
	import_plan_free(&plan);
	free(data);
	errors_free(&errs);
	errors_free(&warns);
}

static void
check_tasks(const struct import_plan *p)
{
	const struct import_task *t;

	assert_int_equal(p->n, 4 + 8 + 15 + 10 + 6 + 4 + 10);
	t = find_task(p, "1.1");
	assert_offices(t, "药品注册处|器械注册处,药审中心,器审中心,人事处,"
	    "综合处");
	assert_day(t->due, "2025-12-31");
	assert_string_equal(t->due_text, "2025年");
	assert_null(t->target);
	t = find_task(p, "1.4");
	assert_offices(t, "综合处|法规处,各业务处,器审中心");
	t = find_task(p, "3.3");
	assert_offices(t, "各业务处|各直属单位");
	t = find_task(p, "4.6");
	assert_offices(t, "监测中心|药品监管处");
	t = find_task(p, "4.9");
	assert_offices(t, "人事处|药审中心,器审中心,监测中心,食药检院,医械院,"
	    "包材所");
	t = find_task(p, "5.5");
	assert_offices(t, "法规处|各处,各直属单位");
	/* 保障措施 (措施名称) and 重大工程 (事项名称) */
	t = find_task(p, "6.2");
	assert_offices(t, "综合处|");
	t = find_task(p, "7.3");
	assert_string_equal(t->title, "疫苗全链条监管工程");
	assert_offices(t, "药品监管处|业务监督处,稽查局,食药检院,药审中心");
	t = find_task(p, "7.10");
	assert_string_equal(t->title, "监管科学研究基地建设工程");
	assert_offices(t, "法规处|各处,各直属单位");
}

static void
test_seed003_tasks(void **state)
{
	struct import_options opt = { "seed003-tasks.csv", 0, NULL };
	struct import_plan plan;
	struct errors errs, warns;
	size_t len;
	char *data = read_fixture("seed003-tasks.csv", &len);

	(void)state;
	/* The task tables have no due column. */
	errors_init(&errs);
	errors_init(&warns);
	assert_false(import_csv(data, len, &opt, &plan, &errs, &warns));
	assert_message(&errs, "seed003-tasks.csv:3: no due column (时间节点 or "
	    "due): give --due for the rows without one");
	errors_free(&errs);

	opt.default_due = "2025年";
	if (!import_csv(data, len, &opt, &plan, &errs, &warns)) {
		errors_print(&errs, stderr);
		fail();
	}
	check_tasks(&plan);
	import_plan_free(&plan);
	free(data);
	errors_free(&errs);
	errors_free(&warns);
}

/* The GBK copy of a seed file reads the same. */
static void
test_seed003_gbk(void **state)
{
	struct import_options opt = { "gbk.csv", 0, NULL };
	struct import_plan plan;
	struct errors errs, warns;
	size_t len, gbklen;
	char *data = read_fixture("seed003-indicators.csv", &len);
	char *gbk = to_gbk(data, len, &gbklen);

	(void)state;
	errors_init(&errs);
	errors_init(&warns);
	if (!import_csv(gbk, gbklen, &opt, &plan, &errs, &warns)) {
		errors_print(&errs, stderr);
		fail();
	}
	assert_string_equal(plan.encoding, "GBK");
	check_indicators(&plan);
	import_plan_free(&plan);
	free(gbk);

	/* The tasks file, with a BOM in front of its UTF-8. */
	free(data);
	data = read_fixture("seed003-tasks.csv", &len);
	gbk = malloc(len + 3);
	assert_non_null(gbk);
	memcpy(gbk, "\xef\xbb\xbf", 3);
	memcpy(gbk + 3, data, len);
	opt.default_due = "2025年";
	assert_true(import_csv(gbk, len + 3, &opt, &plan, &errs, &warns));
	assert_string_equal(plan.encoding, "UTF-8");
	check_tasks(&plan);
	import_plan_free(&plan);
	free(gbk);
	free(data);
	errors_free(&errs);
	errors_free(&warns);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quotes),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_decode_utf8_bom),
		cmocka_unit_test(test_decode_gbk),
		cmocka_unit_test(test_decode_bad_bytes),
		cmocka_unit_test(test_cells_seed003),
		cmocka_unit_test(test_cells_roles),
		cmocka_unit_test(test_cells_names),
		cmocka_unit_test(test_cells_errors_and_assisting),
		cmocka_unit_test(test_plan_english_headers),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_plan_headers),
		cmocka_unit_test(test_plan_unreadable),
		cmocka_unit_test(test_plan_parts),
		cmocka_unit_test(test_seed003_indicators),
		cmocka_unit_test(test_seed003_tasks),
		cmocka_unit_test(test_seed003_gbk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
