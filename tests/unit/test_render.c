/*
 * Message rendering: the built-in templates in both languages, escaping,
 * template files (overrides, fallback, errors) and the webhook payload.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "config.h"
#include "date.h"
#include "message.h"
#include "render.h"

#define ACK42	"https://duban.example.gov.cn/ack/42.sig"
#define ACK43	"https://duban.example.gov.cn/ack/43.sig"

#define ITEM_ZH	"GK-2024-017「关于老旧小区改造资金的信息公开申请」"
#define DL_ZH	"2024-10-23（星期三）23:59"
#define RULE_ZH	"依申请公开答复：20个工作日，已延期1次"
#define DETAILS_ZH \
	"牵头单位：综合处\n" \
	"配合单位：药品注册处、稽查局\n" \
	"截止时间：" DL_ZH "\n" \
	"办理时限：" RULE_ZH

#define ITEM_EN	"GK-2024-017 “Public information request on housing funds”"
#define DL_EN	"Wed 2024-10-23 23:59"
#define RULE_EN	"Information disclosure reply: 20 working days, extended once"
#define DETAILS_EN \
	"Lead office: General Office\n" \
	"Assisting: Drug Registration Division, Inspection Bureau\n" \
	"Deadline: " DL_EN "\n" \
	"Time limit: " RULE_EN

static const char *const assist_zh[] = { "药品注册处", "稽查局" };
static const char *const assist_en[] = {
	"Drug Registration Division", "Inspection Bureau",
};

static int64_t
end_of_day(int y, int m, int d)
{
	return local_instant(day_from_ymd(y, m, d), 23 * 3600 + 59 * 60 + 59);
}

/* The 依申请公开 case received 2024-09-20, due 2024-10-23. */
static struct render_item
case_zh(enum reminder_kind kind, int left)
{
	struct render_item it = {
		.reminder_id = 42,
		.kind = kind,
		.item_type = "case",
		.number = "GK-2024-017",
		.title = "关于老旧小区改造资金的信息公开申请",
		.lead = "综合处",
		.assist = assist_zh,
		.nassist = 2,
		.office = "综合处",
		.deadline_at = end_of_day(2024, 10, 23),
		.deadline_day = day_from_ymd(2024, 10, 23),
		.workdays_left = left,
		.rule = RULE_ZH,
		.ack_url = ACK42,
	};

	return it;
}

static struct render_item
case_en(enum reminder_kind kind, int left)
{
	struct render_item it = case_zh(kind, left);

	it.title = "Public information request on housing funds";
	it.lead = "General Office";
	it.assist = assist_en;
	it.office = "General Office";
	it.rule = RULE_EN;
	return it;
}

/* A task without assisting offices or rule. */
static struct render_item
task_item(const char *title, const char *office)
{
	struct render_item it = {
		.reminder_id = 43,
		.kind = RK_DUE,
		.item_type = "task",
		.number = "2024-gk-11",
		.title = title,
		.lead = office,
		.office = office,
		.deadline_at = end_of_day(2024, 12, 31),
		.deadline_day = day_from_ymd(2024, 12, 31),
		.workdays_left = 0,
		.ack_url = ACK43,
	};

	return it;
}

/* A case milestone, overdue, without a link. */
static struct render_item
milestone_item(void)
{
	struct render_item it = {
		.reminder_id = 44,
		.kind = RK_OVERDUE,
		.item_type = "case",
		.number = "CP-2024-088",
		.title = "企业对注册咨询服务的差评",
		.milestone = "整改",
		.lead = "药品注册处",
		.office = "综合处",
		.deadline_at = end_of_day(2024, 10, 14),
		.deadline_day = day_from_ymd(2024, 10, 14),
		.workdays_left = -1,
		.rule = "差评处理：整改5个工作日",
	};

	return it;
}

static struct templates *
load(const char *language, struct template_conf *tc, size_t ntc)
{
	struct config cf;
	struct templates *t;
	char err[512] = "";

	memset(&cf, 0, sizeof cf);
	cf.path = "duban.conf";
	cf.language = (char *)language;
	cf.templates = tc;
	cf.ntemplates = ntc;
	t = templates_load(&cf, err, sizeof err);
	if (t == NULL)
		fail_msg("templates_load: %s", err);
	return t;
}

static void
render(const struct templates *t, const struct render_item *items, size_t n,
    struct message *m)
{
	char err[256] = "";

	if (render_message(t, items, n, m, err, sizeof err) != 0)
		fail_msg("render_message: %s", err);
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	return tz_set("Asia/Shanghai", err, sizeof err);
}

static void
test_zh_before(void **state)
{
	struct templates *t = load("zh", NULL, 0);
	struct render_item it = case_zh(RK_BEFORE, 3);
	struct message m;

	(void)state;
	render(t, &it, 1, &m);
	assert_int_equal(m.id, 42);
	assert_string_equal(m.kind, "before");
	assert_string_equal(m.office, "综合处");
	assert_null(m.to);
	assert_int_equal(m.nto, 0);
	assert_string_equal(m.subject,
	    "【督办提醒】" ITEM_ZH "将于2024-10-23到期，还剩3个工作日");
	assert_string_equal(m.text,
	    "【督办提醒】综合处：\n"
	    ITEM_ZH "将于" DL_ZH "到期，还剩3个工作日，请按时办理。\n"
	    DETAILS_ZH "\n"
	    "确认收到：" ACK42);
	assert_string_equal(m.markdown,
	    "### 【督办提醒】" ITEM_ZH "\n"
	    "综合处：该事项将于**" DL_ZH "**到期，**还剩3个工作日**，"
	    "请按时办理。\n"
	    "> 牵头单位：综合处\n"
	    "> 配合单位：药品注册处、稽查局\n"
	    "> 截止时间：" DL_ZH "\n"
	    "> 办理时限：" RULE_ZH "\n"
	    "\n"
	    "[确认收到](" ACK42 ")");
	assert_string_equal(m.html,
	    "<html><body>\n"
	    "<p>综合处：</p>\n"
	    "<p>" ITEM_ZH "将于<b>" DL_ZH "</b>到期，<b>还剩3个工作日</b>，"
	    "请按时办理。</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">牵头单位</th><td>综合处</td></tr>\n"
	    "<tr><th align=\"left\">配合单位</th><td>药品注册处、稽查局</td></tr>\n"
	    "<tr><th align=\"left\">截止时间</th><td>" DL_ZH "</td></tr>\n"
	    "<tr><th align=\"left\">办理时限</th><td>" RULE_ZH "</td></tr>\n"
	    "</table>\n"
	    "<p><a href=\"" ACK42 "\">确认收到</a></p>\n"
	    "</body></html>");
	message_free(&m);
	templates_free(t);
}

static void
test_zh_due_overdue(void **state)
{
	struct templates *t = load("zh", NULL, 0);
	struct render_item due = case_zh(RK_DUE, 0);
	struct render_item late = case_zh(RK_OVERDUE, -2);
	struct message m;

	(void)state;
	render(t, &due, 1, &m);
	assert_string_equal(m.kind, "due");
	assert_string_equal(m.subject, "【督办提醒】" ITEM_ZH "今天到期");
	assert_string_equal(m.text,
	    "【督办提醒】综合处：\n"
	    ITEM_ZH "今天到期，请于" DL_ZH "前办结。\n"
	    DETAILS_ZH "\n"
	    "确认收到：" ACK42);
	message_free(&m);

	render(t, &late, 1, &m);
	assert_string_equal(m.kind, "overdue");
	assert_string_equal(m.subject, "【督办提醒】" ITEM_ZH "已逾期2个工作日");
	assert_string_equal(m.text,
	    "【督办提醒】综合处：\n"
	    ITEM_ZH "已于" DL_ZH "到期，已逾期2个工作日，请尽快办理。\n"
	    DETAILS_ZH "\n"
	    "确认收到：" ACK42);
	message_free(&m);
	templates_free(t);
}

static void
test_zh_escalation_failure(void **state)
{
	struct templates *t = load("zh", NULL, 0);
	struct render_item esc = case_zh(RK_ESCALATION, -3);
	struct render_item fail = case_zh(RK_FAILURE, -1);
	struct message m;

	(void)state;
	esc.office = "局办公室";
	render(t, &esc, 1, &m);
	assert_string_equal(m.kind, "escalation");
	assert_string_equal(m.office, "局办公室");
	assert_string_equal(m.subject,
	    "【督办升级】" ITEM_ZH "逾期未办结，请督促");
	assert_string_equal(m.text,
	    "【督办升级】局办公室：\n"
	    "综合处牵头的" ITEM_ZH "已于" DL_ZH "到期，已逾期3个工作日，"
	    "逾期未办结，请督促办理。\n"
	    DETAILS_ZH "\n"
	    "确认收到：" ACK42);
	message_free(&m);

	fail.office = "局办公室";
	fail.ack_url = NULL;
	fail.failure = "企业微信机器人 zonghe-wecom：HTTP 500";
	render(t, &fail, 1, &m);
	assert_string_equal(m.kind, "failure");
	assert_string_equal(m.subject, "【投递失败】" ITEM_ZH "的督办提醒未能送达");
	assert_string_equal(m.text,
	    "【投递失败】局办公室：\n"
	    ITEM_ZH "的督办提醒未能送达，请协调处理。\n"
	    "失败原因：企业微信机器人 zonghe-wecom：HTTP 500\n"
	    DETAILS_ZH);
	assert_null(strstr(m.markdown, "确认收到"));
	assert_null(strstr(m.html, "<a href"));
	message_free(&m);
	templates_free(t);
}

static void
test_zh_digest(void **state)
{
	struct templates *t = load("zh", NULL, 0);
	struct render_item items[3];
	struct message m;

	(void)state;
	items[0] = case_zh(RK_BEFORE, 3);
	items[1] = task_item("畅通政民互动沟通渠道", "综合处");
	items[2] = milestone_item();
	render(t, items, 3, &m);
	assert_int_equal(m.id, 42);
	assert_string_equal(m.kind, "digest");
	assert_string_equal(m.subject, "【督办汇总】综合处：3项督办事项");
	assert_string_equal(m.text,
	    "【督办汇总】综合处：\n"
	    "以下3项督办事项请及时办理。\n"
	    "1. 【即将到期】" ITEM_ZH "，截止时间：" DL_ZH "，还剩3个工作日\n"
	    "   牵头单位：综合处，配合单位：药品注册处、稽查局\n"
	    "   办理时限：" RULE_ZH "\n"
	    "   确认收到：" ACK42 "\n"
	    "2. 【今天到期】2024-gk-11「畅通政民互动沟通渠道」，"
	    "截止时间：2024-12-31（星期二）23:59，今天到期\n"
	    "   牵头单位：综合处\n"
	    "   确认收到：" ACK43 "\n"
	    "3. 【已逾期】CP-2024-088「企业对注册咨询服务的差评」（整改），"
	    "截止时间：2024-10-14（星期一）23:59，已逾期1个工作日\n"
	    "   牵头单位：药品注册处\n"
	    "   办理时限：差评处理：整改5个工作日");
	assert_string_equal(m.markdown,
	    "### 【督办汇总】综合处：\n"
	    "以下3项督办事项请及时办理。\n"
	    "1. 【即将到期】**" ITEM_ZH "**，截止时间：" DL_ZH "，"
	    "**还剩3个工作日**\n"
	    "> 牵头单位：综合处，配合单位：药品注册处、稽查局\n"
	    "> 办理时限：" RULE_ZH "\n"
	    "> [确认收到](" ACK42 ")\n"
	    "2. 【今天到期】**2024-gk-11「畅通政民互动沟通渠道」**，"
	    "截止时间：2024-12-31（星期二）23:59，**今天到期**\n"
	    "> 牵头单位：综合处\n"
	    "> [确认收到](" ACK43 ")\n"
	    "3. 【已逾期】**CP-2024-088「企业对注册咨询服务的差评」（整改）**，"
	    "截止时间：2024-10-14（星期一）23:59，**已逾期1个工作日**\n"
	    "> 牵头单位：药品注册处\n"
	    "> 办理时限：差评处理：整改5个工作日");
	message_free(&m);
	templates_free(t);
}

static void
test_en_before_due(void **state)
{
	struct templates *t = load("en", NULL, 0);
	struct render_item before = case_en(RK_BEFORE, 3);
	struct render_item due = case_en(RK_DUE, 0);
	struct message m;

	(void)state;
	render(t, &before, 1, &m);
	assert_string_equal(m.subject,
	    "[Reminder] " ITEM_EN " is due 2024-10-23: 3 working days left");
	assert_string_equal(m.text,
	    "[Reminder] General Office:\n"
	    ITEM_EN " is due " DL_EN ": 3 working days left.\n"
	    DETAILS_EN "\n"
	    "Acknowledge: " ACK42);
	assert_string_equal(m.markdown,
	    "### [Reminder] " ITEM_EN "\n"
	    "General Office: This item is due **" DL_EN "**: "
	    "**3 working days left**.\n"
	    "> Lead office: General Office\n"
	    "> Assisting: Drug Registration Division, Inspection Bureau\n"
	    "> Deadline: " DL_EN "\n"
	    "> Time limit: " RULE_EN "\n"
	    "\n"
	    "[Acknowledge](" ACK42 ")");
	message_free(&m);

	render(t, &due, 1, &m);
	assert_string_equal(m.subject, "[Reminder] " ITEM_EN " is due today");
	assert_string_equal(m.text,
	    "[Reminder] General Office:\n"
	    ITEM_EN " is due today: please finish it by " DL_EN ".\n"
	    DETAILS_EN "\n"
	    "Acknowledge: " ACK42);
	message_free(&m);
	templates_free(t);
}

static void
test_en_overdue_escalation_failure(void **state)
{
	struct templates *t = load("en", NULL, 0);
	struct render_item late = case_en(RK_OVERDUE, -2);
	struct render_item esc = case_en(RK_ESCALATION, -1);
	struct render_item fail = case_en(RK_FAILURE, -1);
	struct message m;

	(void)state;
	render(t, &late, 1, &m);
	assert_string_equal(m.subject,
	    "[Overdue] " ITEM_EN ": 2 working days overdue");
	assert_string_equal(m.text,
	    "[Overdue] General Office:\n"
	    ITEM_EN " was due " DL_EN " and is 2 working days overdue.\n"
	    DETAILS_EN "\n"
	    "Acknowledge: " ACK42);
	message_free(&m);

	esc.office = "Director's Office";
	render(t, &esc, 1, &m);
	assert_string_equal(m.subject,
	    "[Escalation] " ITEM_EN " is overdue and still open");
	assert_string_equal(m.text,
	    "[Escalation] Director's Office:\n"
	    ITEM_EN ", led by General Office, was due " DL_EN
	    " and is 1 working day overdue. Please follow it up.\n"
	    DETAILS_EN "\n"
	    "Acknowledge: " ACK42);
	message_free(&m);

	fail.office = "Director's Office";
	fail.ack_url = NULL;
	fail.failure = "wecom channel zonghe-wecom: HTTP 500";
	render(t, &fail, 1, &m);
	assert_string_equal(m.subject,
	    "[Delivery failure] A reminder about " ITEM_EN
	    " was not delivered");
	assert_string_equal(m.text,
	    "[Delivery failure] Director's Office:\n"
	    "A reminder about " ITEM_EN " could not be delivered. "
	    "Please see to it.\n"
	    "Reason: wecom channel zonghe-wecom: HTTP 500\n"
	    DETAILS_EN);
	message_free(&m);
	templates_free(t);
}

static void
test_en_digest(void **state)
{
	struct templates *t = load("en", NULL, 0);
	struct render_item items[2];
	struct message m;

	(void)state;
	items[0] = case_en(RK_BEFORE, 1);
	items[1] = task_item("Open channels for public interaction",
	    "General Office");
	render(t, items, 2, &m);
	assert_string_equal(m.kind, "digest");
	assert_string_equal(m.subject,
	    "[Digest] General Office: 2 items to attend to");
	assert_string_equal(m.text,
	    "[Digest] General Office:\n"
	    "The following 2 items need attention.\n"
	    "1. [Upcoming] " ITEM_EN "; Deadline: " DL_EN
	    "; 1 working day left\n"
	    "   Lead office: General Office; Assisting: Drug Registration "
	    "Division, Inspection Bureau\n"
	    "   Time limit: " RULE_EN "\n"
	    "   Acknowledge: " ACK42 "\n"
	    "2. [Due today] 2024-gk-11 “Open channels for public interaction”; "
	    "Deadline: Tue 2024-12-31 23:59; due today\n"
	    "   Lead office: General Office\n"
	    "   Acknowledge: " ACK43);
	message_free(&m);
	templates_free(t);
}

static void
test_provisional(void **state)
{
	struct templates *zh = load("zh", NULL, 0);
	struct templates *en = load("en", NULL, 0);
	struct render_item it = case_zh(RK_BEFORE, 12);
	struct message m;

	(void)state;
	it.deadline_at = end_of_day(2027, 1, 5);
	it.deadline_day = day_from_ymd(2027, 1, 5);
	it.provisional = true;
	render(zh, &it, 1, &m);
	assert_string_equal(m.subject,
	    "【督办提醒】" ITEM_ZH "将于2027-01-05到期，还剩12个工作日");
	assert_non_null(strstr(m.text, "\n截止时间：2027-01-05（星期二）23:59"
	    "（2027年节假日安排尚未公布，期限按周末推算，公布后自动重算）\n"));
	assert_true(json_is_true(json_object_get(json_array_get(
	    json_object_get(m.data, "items"), 0), "provisional")));
	message_free(&m);

	it = case_en(RK_BEFORE, 12);
	it.deadline_at = end_of_day(2027, 1, 5);
	it.provisional = true;
	render(en, &it, 1, &m);
	assert_non_null(strstr(m.text, "\nDeadline: Tue 2027-01-05 23:59 "
	    "(the 2027 public holidays are not announced yet: the deadline "
	    "counts weekends only and is recomputed when they are)\n"));
	message_free(&m);

	it.provisional = false;
	render(en, &it, 1, &m);
	assert_non_null(strstr(m.text, "\nDeadline: Tue 2027-01-05 23:59\n"));
	message_free(&m);
	templates_free(zh);
	templates_free(en);
}

/* The calendar notice to admin_office: its own template, no ack link. */
static void
test_notice(void **state)
{
	struct templates *zh = load("zh", NULL, 0);
	struct templates *en = load("en", NULL, 0);
	struct render_item it = task_item("年度总结", "综合处");
	struct message m;

	(void)state;
	it.kind = RK_NOTICE;
	it.office = "办公室";
	it.deadline_at = end_of_day(2027, 3, 31);
	it.deadline_day = day_from_ymd(2027, 3, 31);
	it.provisional = true;
	it.ack_url = NULL;
	it.calendar = "cn";
	it.year = 2027;
	it.affected = 3;
	render(zh, &it, 1, &m);
	assert_string_equal(m.kind, "notice");
	assert_string_equal(m.subject,
	    "【督办通知】2027年cn日历的节假日安排尚未公布");
	assert_non_null(strstr(m.text, "【督办通知】办公室：\n"
	    "duban：2027年cn日历的节假日安排尚未公布，3项期限暂按周末推算。"
	    "请在公布后更新 holidays 并 reload，受影响的期限将自动重算。\n"));
	assert_non_null(strstr(m.text, "「年度总结」，暂定截止时间："
	    "2027-03-31（星期三）23:59"));
	assert_non_null(strstr(m.html, "<b>暂按周末推算</b>"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(m.data, "items"), 0), "kind")), "notice");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(m.data, "items"), 0), "calendar")), "cn");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    json_object_get(m.data, "items"), 0), "affected")), 3);
	message_free(&m);

	it.affected = 1;
	render(en, &it, 1, &m);
	assert_string_equal(m.subject, "[Notice] The 2027 public holidays of "
	    "calendar cn are not announced");
	assert_non_null(strstr(m.text, "not announced yet; 1 deadline(s) "
	    "count weekends only for now."));
	message_free(&m);

	/* In a digest the notice is an item with its label. */
	{
		struct render_item items[2] = { it, case_zh(RK_BEFORE, 2) };

		render(zh, items, 2, &m);
		assert_non_null(strstr(m.text, "【督办通知】"));
		message_free(&m);
	}
	templates_free(zh);
	templates_free(en);
}

static void
test_json_payload(void **state)
{
	struct templates *t = load("zh", NULL, 0);
	struct render_item items[3];
	struct message m;
	json_t *list;
	char *s;

	(void)state;
	items[0] = case_zh(RK_BEFORE, 3);
	render(t, items, 1, &m);
	assert_int_equal(json_integer_value(json_object_get(m.data, "id")), 42);
	assert_string_equal(json_string_value(json_object_get(m.data, "kind")),
	    "before");
	assert_string_equal(json_string_value(json_object_get(m.data,
	    "office")), "综合处");
	assert_string_equal(json_string_value(json_object_get(m.data,
	    "subject")), m.subject);
	assert_string_equal(json_string_value(json_object_get(m.data, "text")),
	    m.text);
	list = json_object_get(m.data, "items");
	assert_int_equal(json_array_size(list), 1);
	s = json_dumps(json_array_get(list, 0), JSON_COMPACT);
	assert_string_equal(s,
	    "{\"reminder_id\":42,\"kind\":\"before\",\"item_type\":\"case\","
	    "\"number\":\"GK-2024-017\","
	    "\"title\":\"关于老旧小区改造资金的信息公开申请\","
	    "\"milestone\":null,\"lead\":\"综合处\","
	    "\"assist\":[\"药品注册处\",\"稽查局\"],"
	    "\"deadline\":\"2024-10-23T23:59:59+08:00\","
	    "\"deadline_date\":\"2024-10-23\",\"workdays_left\":3,"
	    "\"provisional\":false,\"rule\":\"" RULE_ZH "\","
	    "\"ack_url\":\"" ACK42 "\"}");
	free(s);
	message_free(&m);

	items[0] = case_zh(RK_FAILURE, -1);
	items[0].failure = "HTTP 500";
	items[1] = task_item("畅通政民互动沟通渠道", "综合处");
	items[2] = milestone_item();
	render(t, items, 3, &m);
	assert_string_equal(json_string_value(json_object_get(m.data, "kind")),
	    "digest");
	list = json_object_get(m.data, "items");
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 0), "failure")), "HTTP 500");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 0), "kind")), "failure");
	assert_null(json_object_get(json_array_get(list, 1), "failure"));
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 1), "item_type")), "task");
	assert_true(json_is_null(json_object_get(json_array_get(list, 1),
	    "rule")));
	assert_int_equal(json_array_size(json_object_get(
	    json_array_get(list, 1), "assist")), 0);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 2), "milestone")), "整改");
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(list, 2), "workdays_left")), -1);
	assert_true(json_is_null(json_object_get(json_array_get(list, 2),
	    "ack_url")));
	message_free(&m);
	templates_free(t);
}

static void
test_escaping(void **state)
{
	struct templates *t = load("zh", NULL, 0);
	struct render_item it = case_zh(RK_BEFORE, 3);
	struct message m;

	(void)state;
	it.title = "<script>alert('x')</script> & \"q\"";
	render(t, &it, 1, &m);
	assert_null(strstr(m.html, "<script>"));
	assert_non_null(strstr(m.html, "「&lt;script&gt;alert(&#39;x&#39;)"
	    "&lt;/script&gt; &amp; &quot;q&quot;」"));
	/* Only values are escaped, not the template's own markup. */
	assert_non_null(strstr(m.html, "<a href=\"" ACK42 "\">"));
	assert_non_null(strstr(m.text, "「<script>alert('x')</script> & "
	    "\"q\"」"));
	message_free(&m);

	it.title = "第一行\n第二行\r\n第三行";
	render(t, &it, 1, &m);
	assert_non_null(strstr(m.subject, "「第一行 第二行  第三行」"));
	assert_non_null(strstr(m.markdown, "「第一行 第二行  第三行」"));
	assert_non_null(strstr(m.text, "「第一行\n第二行\r\n第三行」"));
	message_free(&m);
	templates_free(t);
}

struct scratch {
	char	dir[64];
	char	path[128];
};

static char *
write_file(struct scratch *s, const char *name, const char *content)
{
	FILE *f;

	snprintf(s->path, sizeof s->path, "%s/%s", s->dir, name);
	assert_non_null(f = fopen(s->path, "w"));
	assert_int_equal(fputs(content, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return s->path;
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t len = 0;

	if (f == NULL)
		fail_msg("%s: cannot open", path);
	assert_int_equal(getdelim(&s, &len, '\0', f) > 0, 1);
	fclose(f);
	return s;
}

static void
test_override_file(void **state)
{
	struct scratch s;
	struct template_conf tc[2];
	struct templates *t, *builtin;
	struct render_item items[3];
	struct message m, b;
	char *digest, *due;

	(void)state;
	strcpy(s.dir, "/tmp/test_render.XXXXXX");
	assert_non_null(mkdtemp(s.dir));
	/* Written as an admin would, CRLF line ends included. */
	digest = strdup(write_file(&s, "digest.tmpl",
	    "# our digest\r\n"
	    "\r\n"
	    "[subject]\r\n"
	    "{{kind_label}}：{{count}}项（{{office}}）\r\n"
	    "[text]\r\n"
	    "{{#items}}\r\n"
	    "- {{index}} {{kind_label}} {{number}} {{weekday}} {{days}}"
	    "{{#ack_url}} <{{ack_url}}>{{/ack_url}}\r\n"
	    "{{/items}}\r\n"));
	due = strdup(write_file(&s, "due.tmpl",
	    "[subject]\n"
	    "今天到期：{{title}}{{#milestone}}/{{milestone}}{{/milestone}}\n"));
	memset(tc, 0, sizeof tc);
	tc[0].kind = "digest";
	tc[0].file = digest;
	tc[0].content = read_file(digest);
	tc[0].origin.file = "duban.conf";
	tc[0].origin.line = 7;
	tc[1].kind = "due";
	tc[1].file = due;
	tc[1].content = read_file(due);

	t = load("zh", tc, 2);
	builtin = load("zh", NULL, 0);
	items[0] = case_zh(RK_BEFORE, 3);
	items[1] = task_item("畅通政民互动沟通渠道", "综合处");
	items[2] = milestone_item();
	render(t, items, 3, &m);
	assert_string_equal(m.subject, "督办汇总：3项（综合处）");
	assert_string_equal(m.text,
	    "- 1 即将到期 GK-2024-017 星期三 3 <" ACK42 ">\n"
	    "- 2 今天到期 2024-gk-11 星期二 0 <" ACK43 ">\n"
	    "- 3 已逾期 CP-2024-088 星期一 1");
	/* [markdown] and [html] missing: the built-in ones. */
	render(builtin, items, 3, &b);
	assert_string_equal(m.markdown, b.markdown);
	assert_string_equal(m.html, b.html);
	assert_string_not_equal(m.text, b.text);
	message_free(&m);
	message_free(&b);

	items[2].kind = RK_DUE;
	render(t, &items[2], 1, &m);
	assert_string_equal(m.subject, "今天到期：企业对注册咨询服务的差评/整改");
	render(builtin, &items[2], 1, &b);
	assert_string_equal(m.text, b.text);
	assert_string_equal(m.markdown, b.markdown);
	message_free(&m);
	message_free(&b);

	/* Kinds without a file are untouched. */
	render(t, items, 1, &m);
	render(builtin, items, 1, &b);
	assert_string_equal(m.subject, b.subject);
	assert_string_equal(m.text, b.text);
	message_free(&m);
	message_free(&b);

	templates_free(t);
	templates_free(builtin);
	free(tc[0].content);
	free(tc[1].content);
	assert_int_equal(unlink(digest), 0);
	assert_int_equal(unlink(due), 0);
	free(digest);
	free(due);
	assert_int_equal(rmdir(s.dir), 0);
}

static void
test_empty_section_is_kept(void **state)
{
	struct template_conf tc;
	struct templates *t;
	struct render_item it = case_zh(RK_OVERDUE, -2);
	struct message m;

	(void)state;
	memset(&tc, 0, sizeof tc);
	tc.kind = "overdue";
	tc.file = "/etc/duban/overdue.tmpl";
	tc.content = "[html]\n[subject]\n{{status}}\n";
	t = load("zh", &tc, 1);
	render(t, &it, 1, &m);
	assert_string_equal(m.subject, "已逾期2个工作日");
	assert_string_equal(m.html, "");
	assert_non_null(strstr(m.text, "已逾期2个工作日，请尽快办理。"));
	message_free(&m);
	templates_free(t);
}

/* The reminder that a 征求意见 case's 30-day minimum period is complete. */
static struct render_item
minimum_item(const char *period_complete)
{
	struct render_item it = {
		.reminder_id = 44,
		.kind = RK_DUE,
		.item_type = "case",
		.number = "ZQ-B",
		.title = "征求意见稿B",
		.milestone = "minimum",
		.lead = "法规处",
		.office = "法规处",
		.deadline_at = end_of_day(2024, 10, 20),
		.deadline_day = day_from_ymd(2024, 10, 20),
		.workdays_left = 0,
		.rule = "征求意见：60日",
		.period_complete = period_complete,
	};

	return it;
}

static void
test_zh_period_complete(void **state)
{
	struct templates *t = load("zh", NULL, 0);
	struct render_item it = minimum_item("最短期限（30日）已满，可以办结");
	struct render_item items[2];
	struct message m;
	json_t *item;

	(void)state;
	render(t, &it, 1, &m);
	assert_string_equal(m.kind, "due");
	assert_string_equal(m.subject,
	    "【督办提醒】ZQ-B「征求意见稿B」最短期限（30日）已满，可以办结");
	assert_string_equal(m.text,
	    "【督办提醒】法规处：\n"
	    "ZQ-B「征求意见稿B」最短期限（30日）已满，可以办结。\n"
	    "牵头单位：法规处\n"
	    "最短期限届满：2024-10-20（星期日）23:59\n"
	    "办理时限：征求意见：60日");
	assert_string_equal(m.markdown,
	    "### 【督办提醒】ZQ-B「征求意见稿B」\n"
	    "法规处：该事项**最短期限（30日）已满，可以办结**。\n"
	    "> 牵头单位：法规处\n"
	    "> 最短期限届满：2024-10-20（星期日）23:59\n"
	    "> 办理时限：征求意见：60日");
	assert_string_equal(m.html,
	    "<html><body>\n"
	    "<p>法规处：</p>\n"
	    "<p>ZQ-B「征求意见稿B」<b>最短期限（30日）已满，可以办结</b>。</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">牵头单位</th><td>法规处</td></tr>\n"
	    "<tr><th align=\"left\">最短期限届满</th>"
	    "<td>2024-10-20（星期日）23:59</td></tr>\n"
	    "<tr><th align=\"left\">办理时限</th><td>征求意见：60日</td></tr>\n"
	    "</table>\n"
	    "</body></html>");
	assert_null(strstr(m.text, "今天到期"));
	assert_null(strstr(m.text, "前办结"));
	assert_string_equal(json_string_value(json_object_get(m.data,
	    "subject")), m.subject);
	item = json_array_get(json_object_get(m.data, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(item,
	    "period_complete")), "最短期限（30日）已满，可以办结");
	assert_string_equal(json_string_value(json_object_get(item,
	    "milestone")), "minimum");
	message_free(&m);

	/* In a digest the item says so too. */
	items[0] = case_zh(RK_BEFORE, 3);
	items[1] = it;
	render(t, items, 2, &m);
	assert_string_equal(m.kind, "digest");
	assert_non_null(strstr(m.text, "\n2. ZQ-B「征求意见稿B」最短期限（30日）"
	    "已满，可以办结\n   牵头单位：法规处\n"));
	assert_non_null(strstr(m.markdown, "\n2. **ZQ-B「征求意见稿B」**"
	    "**最短期限（30日）已满，可以办结**\n"));
	assert_non_null(strstr(m.html, "<li><b>ZQ-B「征求意见稿B」</b>"
	    "最短期限（30日）已满，可以办结<br>\n"));
	assert_non_null(strstr(m.text, "\n1. 【即将到期】" ITEM_ZH "，截止时间："));
	assert_null(strstr(m.text, "2024-10-20"));
	message_free(&m);

	/* Without it the due template is the ordinary one. */
	it.period_complete = NULL;
	render(t, &it, 1, &m);
	assert_string_equal(m.subject,
	    "【督办提醒】ZQ-B「征求意见稿B」（minimum）今天到期");
	item = json_array_get(json_object_get(m.data, "items"), 0);
	assert_null(json_object_get(item, "period_complete"));
	message_free(&m);
	templates_free(t);
}

static void
test_en_period_complete(void **state)
{
	struct templates *t = load("en", NULL, 0);
	struct render_item it = minimum_item("minimum period (30 days) "
	    "complete: the case may now be closed");
	struct message m;

	(void)state;
	it.title = "Draft B";
	it.lead = it.office = "Legal Affairs";
	it.rule = "Public comment: 60 days";
	render(t, &it, 1, &m);
	assert_string_equal(m.subject, "[Reminder] ZQ-B “Draft B”: minimum "
	    "period (30 days) complete: the case may now be closed");
	assert_string_equal(m.text,
	    "[Reminder] Legal Affairs:\n"
	    "ZQ-B “Draft B”: minimum period (30 days) complete: the case may "
	    "now be closed.\n"
	    "Lead office: Legal Affairs\n"
	    "Minimum period ended: Sun 2024-10-20 23:59\n"
	    "Time limit: Public comment: 60 days");
	assert_string_equal(m.markdown,
	    "### [Reminder] ZQ-B “Draft B”\n"
	    "Legal Affairs: This item's **minimum period (30 days) complete: "
	    "the case may now be closed**.\n"
	    "> Lead office: Legal Affairs\n"
	    "> Minimum period ended: Sun 2024-10-20 23:59\n"
	    "> Time limit: Public comment: 60 days");
	assert_non_null(strstr(m.html, "<p>ZQ-B “Draft B”: <b>minimum period "
	    "(30 days) complete: the case may now be closed</b>.</p>\n"));
	assert_null(strstr(m.html, "due today"));
	message_free(&m);
	templates_free(t);
}

/* {{^name}}...{{/name}}: shown only when the value is empty. */
static void
test_inverted_block(void **state)
{
	struct template_conf tc;
	struct templates *t;
	struct render_item it = case_zh(RK_BEFORE, 3);
	struct message m;

	(void)state;
	memset(&tc, 0, sizeof tc);
	tc.kind = "before";
	tc.file = "before.tmpl";
	tc.origin.file = "duban.conf";
	tc.origin.line = 5;
	tc.content =
	    "[subject]\n"
	    "{{number}}{{^milestone}}（全案）{{/milestone}}"
	    "{{#milestone}}（{{milestone}}）{{/milestone}}\n"
	    "[text]\n"
	    "{{^ack_url}}\n"
	    "无需确认\n"
	    "{{/ack_url}}\n"
	    "{{#ack_url}}\n"
	    "确认：{{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "{{^progress}}{{^failure}}无进度{{/failure}}{{/progress}}\n";
	t = load("zh", &tc, 1);
	render(t, &it, 1, &m);
	assert_string_equal(m.subject, "GK-2024-017（全案）");
	assert_string_equal(m.text, "确认：" ACK42 "\n无进度");
	message_free(&m);

	it.milestone = "联系";
	it.ack_url = NULL;
	it.progress = "7/12家";
	render(t, &it, 1, &m);
	assert_string_equal(m.subject, "GK-2024-017（联系）");
	assert_string_equal(m.text, "无需确认");
	message_free(&m);
	templates_free(t);
}

/* The error templates_load gives for content in a file named f. */
static void
expect_error(const char *content, const char *want)
{
	struct config cf;
	struct template_conf tc;
	char err[512] = "";

	memset(&cf, 0, sizeof cf);
	memset(&tc, 0, sizeof tc);
	cf.path = "duban.conf";
	cf.language = "zh";
	cf.templates = &tc;
	cf.ntemplates = 1;
	tc.kind = "before";
	tc.file = "/etc/duban/t.tmpl";
	tc.content = (char *)content;
	tc.origin.file = "duban.conf";
	tc.origin.line = 3;
	assert_null(templates_load(&cf, err, sizeof err));
	assert_string_equal(err, want);
}

static void
test_template_errors(void **state)
{
	(void)state;
	expect_error("[subject]\nok\n[text]\nline {{nope}}\n",
	    "/etc/duban/t.tmpl:4: unknown placeholder {{nope}}");
	expect_error("[text]\n{{#nope}}\nx\n{{/nope}}\n",
	    "/etc/duban/t.tmpl:2: unknown placeholder {{#nope}}");
	expect_error("[text]\n{{#ack_url}}\nx\n",
	    "/etc/duban/t.tmpl:3: {{#ack_url}} of line 2 is not closed");
	expect_error("[text]\n{{#ack_url}}\nx\n[html]\n",
	    "/etc/duban/t.tmpl:4: {{#ack_url}} of line 2 is not closed");
	expect_error("[text]\n{{#rule}}x{{/ack_url}}\n",
	    "/etc/duban/t.tmpl:2: {{/ack_url}} closes {{#rule}} of line 2");
	expect_error("[text]\nx{{/rule}}\n",
	    "/etc/duban/t.tmpl:2: {{/rule}} closes no block");
	expect_error("hello\n[text]\n",
	    "/etc/duban/t.tmpl:1: text before the first section");
	expect_error("# ok\n\n[subjet]\n",
	    "/etc/duban/t.tmpl:3: unknown section [subjet]");
	expect_error("[text]\na\n[text]\nb\n",
	    "/etc/duban/t.tmpl:3: section [text] given twice");
	expect_error("[text]\n{{title\n",
	    "/etc/duban/t.tmpl:2: \"{{\" without \"}}\"");
	expect_error("[text]\n{{items}}\n",
	    "/etc/duban/t.tmpl:2: {{items}} is a block: "
	    "{{#items}}...{{/items}}");
	expect_error("[text]\n{{#items}}{{#items}}{{/items}}{{/items}}\n",
	    "/etc/duban/t.tmpl:2: {{#items}} inside {{#items}}");
	expect_error("[text]\n{{^rule}}\nx\n",
	    "/etc/duban/t.tmpl:3: {{^rule}} of line 2 is not closed");
	expect_error("[text]\n{{^rule}}x{{/ack_url}}\n",
	    "/etc/duban/t.tmpl:2: {{/ack_url}} closes {{^rule}} of line 2");
	expect_error("[text]\n{{^nope}}x{{/nope}}\n",
	    "/etc/duban/t.tmpl:2: unknown placeholder {{^nope}}");
	expect_error("[text]\n{{^items}}x{{/items}}\n",
	    "/etc/duban/t.tmpl:2: {{^items}}: a message always has items");
}

static void
test_config_errors(void **state)
{
	struct config cf;
	struct template_conf tc;
	char err[256] = "";

	(void)state;
	memset(&cf, 0, sizeof cf);
	memset(&tc, 0, sizeof tc);
	cf.path = "duban.conf";
	cf.language = "fr";
	assert_null(templates_load(&cf, err, sizeof err));
	assert_string_equal(err, "duban.conf: unknown language \"fr\"");

	cf.language = "en";
	cf.templates = &tc;
	cf.ntemplates = 1;
	tc.kind = "later";
	tc.file = "/etc/duban/later.tmpl";
	tc.content = "[subject]\nx\n";
	tc.origin.file = "duban.conf";
	tc.origin.line = 12;
	assert_null(templates_load(&cf, err, sizeof err));
	assert_string_equal(err,
	    "duban.conf:12: unknown template kind \"later\"");
}

static void
test_render_errors(void **state)
{
	struct templates *t = load("zh", NULL, 0);
	struct render_item it = case_zh(RK_BEFORE, 3);
	struct message m;
	char err[128] = "";

	(void)state;
	assert_int_equal(render_message(t, &it, 0, &m, err, sizeof err), -1);
	assert_string_equal(err, "nothing to render");
	it.kind = (enum reminder_kind)9;
	assert_int_equal(render_message(t, &it, 1, &m, err, sizeof err), -1);
	assert_string_equal(err, "reminder 42: bad kind 9");
	templates_free(t);
}

/* Renders items with t and u; every form must be the same. */
static void
assert_same(const struct templates *t, const struct templates *u,
    const struct render_item *items, size_t n)
{
	struct message a, b;

	render(t, items, n, &a);
	render(u, items, n, &b);
	assert_string_equal(a.subject, b.subject);
	assert_string_equal(a.text, b.text);
	assert_string_equal(a.markdown, b.markdown);
	assert_string_equal(a.html, b.html);
	message_free(&a);
	message_free(&b);
}

/*
 * etc/templates/KIND.LANG.tmpl are copies of the built-ins: each file has
 * every section and renders exactly as the built-in, with every optional
 * value present and with every one absent (so each block is both taken and
 * skipped).
 */
static void
test_files_equal_builtins(void **state)
{
	static const char *const kinds[] = {
		"before", "due", "overdue", "escalation", "notice", "failure",
		"digest",
	};
	static const char *const langs[] = { "zh", "en" };
	static const char *const headers[] = {
		"\n[subject]\n", "\n[text]\n", "\n[markdown]\n", "\n[html]\n",
	};

	(void)state;
	for (size_t l = 0; l < 2; l++) {
		struct templates *builtin = load(langs[l], NULL, 0);

		for (size_t k = 0; k < 7; k++) {
			struct template_conf tc;
			struct templates *t;
			struct render_item full, bare, items[3];
			char path[512];

			snprintf(path, sizeof path, "%s/etc/templates/%s.%s.tmpl",
			    TEST_SRCDIR, kinds[k], langs[l]);
			memset(&tc, 0, sizeof tc);
			tc.kind = (char *)kinds[k];
			tc.file = path;
			tc.content = read_file(path);
			for (size_t h = 0; h < 4; h++)
				if (strstr(tc.content, headers[h]) == NULL)
					fail_msg("%s: no %s", path, headers[h]);
			t = load(langs[l], &tc, 1);

			full = case_zh(k < 6 ? (enum reminder_kind)k :
			    RK_OVERDUE, -2);
			full.milestone = "答复";
			full.provisional = true;
			full.failure = "HTTP 500";
			full.calendar = "cn";
			full.year = 2027;
			full.affected = 3;
			bare = task_item("畅通政民互动沟通渠道", "综合处");
			bare.kind = full.kind;
			bare.ack_url = NULL;
			if (k < 6) {
				assert_same(t, builtin, &full, 1);
				assert_same(t, builtin, &bare, 1);
			} else {
				items[0] = full;
				items[1] = bare;
				items[2] = case_zh(RK_BEFORE, 2);
				assert_same(t, builtin, items, 3);
			}
			templates_free(t);
			free(tc.content);
		}
		templates_free(builtin);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zh_before),
		cmocka_unit_test(test_zh_due_overdue),
		cmocka_unit_test(test_zh_escalation_failure),
		cmocka_unit_test(test_zh_digest),
		cmocka_unit_test(test_en_before_due),
		cmocka_unit_test(test_en_overdue_escalation_failure),
		cmocka_unit_test(test_en_digest),
		cmocka_unit_test(test_provisional),
		cmocka_unit_test(test_notice),
		cmocka_unit_test(test_json_payload),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_override_file),
		cmocka_unit_test(test_empty_section_is_kept),
		cmocka_unit_test(test_zh_period_complete),
		cmocka_unit_test(test_en_period_complete),
		cmocka_unit_test(test_inverted_block),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_render_errors),
		cmocka_unit_test(test_files_equal_builtins),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
