/*
 * Messages from templates.
 *
 * A template is a text with four sections, each introduced by a line of
 * its own: "[subject]", "[text]", "[markdown]", "[html]".  Inside them:
 *
 *   {{name}}			a value of the item (number, title, deadline...)
 *   {{#name}}...{{/name}}	shown only when the value is not empty
 *   {{^name}}...{{/name}}	shown only when the value is empty
 *   {{#items}}...{{/items}}	repeated for every item of the message
 *
 * A line holding nothing but a {{#name}}, {{^name}} or {{/name}} tag
 * disappears with its newline, so blocks can sit on lines of their own.
 * Lines before the first section that are blank or start with '#' are
 * comments.  The full language, every placeholder and the webhook payload
 * are in doc/templates.md.
 *
 * Decisions visible to users:
 *  - Outside {{#items}}, item placeholders name the first item (the only
 *    one unless the message is a digest); {{kind_label}} there names the
 *    message's kind ("督办汇总" for a digest), inside it the item's.
 *  - {{provisional}} is the note "（2027年节假日安排尚未公布，期限按周末推算，
 *    公布后自动重算）" when the deadline is provisional, else empty;
 *    {{index}} is an item's place in the list from 1.
 *  - {{progress}} is a task's latest progress on its target ("7/12家"),
 *    empty when none; the before, due and overdue templates show it.
 *  - {{period_complete}} is set by compose.c on the reminder that a case's
 *    minimum period is complete (a "due" on milestone "minimum"):
 *    "最短期限（30日）已满，可以办结" / "minimum period (30 days) complete:
 *    the case may now be closed".  The due templates then say that in
 *    place of "due today / finish by" ({{^period_complete}}).
 *  - The notice template (a year a calendar does not cover, to
 *    admin_office) has {{calendar}}, {{year}} and {{affected}} (the open
 *    items whose deadline falls in that year); the item placeholders name
 *    the first affected item.
 *  - Values are escaped for [html] (& < > " ') and made single-line for
 *    [subject] and [markdown] (CR and LF become spaces); [text] gets them
 *    as they are.  Trailing newlines of each section are dropped and the
 *    subject is made one line.
 *  - The deadline shows hours and minutes of its local time
 *    ("2024-10-23（星期三）23:59", "Wed 2024-10-23 23:59"), in the process
 *    time zone (clock.h).
 *  - A section missing from a template file comes from the built-in
 *    template of the same kind, in the configured language; the files in
 *    etc/templates/ are copies of the built-ins.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "config.h"
#include "date.h"
#include "message.h"
#include "render.h"

/* Template kinds: the reminder kinds in their enum order, then digest. */
#define KIND_DIGEST	6
#define NKINDS		7
_Static_assert(RK_NOTICE == 4 && RK_FAILURE == 5,
    "reminder kinds and template kinds differ");

static const char *const kind_names[NKINDS] = {
	"before", "due", "overdue", "escalation", "notice", "failure", "digest",
};

enum section {
	SEC_SUBJECT,
	SEC_TEXT,
	SEC_MARKDOWN,
	SEC_HTML,
	NSECTIONS
};

static const char *const section_names[NSECTIONS] = {
	"subject", "text", "markdown", "html",
};

enum var {
	V_NUMBER,
	V_TITLE,
	V_MILESTONE,
	V_LEAD,
	V_ASSIST,
	V_OFFICE,
	V_DEADLINE,
	V_DEADLINE_DATE,
	V_WEEKDAY,
	V_DAYS,
	V_STATUS,
	V_RULE,
	V_ACK_URL,
	V_FAILURE,
	V_PROVISIONAL,
	V_KIND_LABEL,
	V_COUNT,
	V_INDEX,
	V_CALENDAR,
	V_YEAR,
	V_AFFECTED,
	V_PROGRESS,
	V_PERIOD_COMPLETE,
	V_ITEMS,	/* a block only */
	NVARS
};

static const char *const var_names[NVARS] = {
	"number", "title", "milestone", "lead", "assist", "office", "deadline",
	"deadline_date", "weekday", "days", "status", "rule", "ack_url",
	"failure", "provisional", "kind_label", "count", "index", "calendar",
	"year", "affected", "progress", "period_complete", "items",
};

/* What differs between languages besides the templates. */
struct lang {
	const char		*name;
	const char		*weekdays[7];		/* Sunday first */
	bool			 weekday_first;		/* "Wed 2024-10-23" */
	const char		*assist_sep;
	const char		*kind_labels[NKINDS];
	const char		*left_one;
	const char		*left_many;		/* %d */
	const char		*due_today;
	const char		*overdue_one;
	const char		*overdue_many;		/* %d */
	const char		*provisional;		/* %d: the year */
	const char *const	*builtin;		/* [NKINDS] */
};

/*
 * The built-in templates, generated from etc/templates/KIND.LANG.tmpl (a
 * unit test checks that they render alike).
 */
static const char *const builtin_zh[NKINDS] = {
	/* before.zh.tmpl */
	    "# 内置模板“before”（到期前提醒，中文）的副本。复制后修改，在 duban.conf 中启用：\n"
	    "#   template \"before\" { file = \"/etc/duban/templates/before.zh.tmpl\" }\n"
	    "# 缺少的段落沿用内置模板。语法见 doc/templates.md。\n"
	    "[subject]\n"
	    "【督办提醒】{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}将于{{deadline_date}}到期，{{status}}\n"
	    "[text]\n"
	    "【督办提醒】{{office}}：\n"
	    "{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}将于{{deadline}}到期，{{status}}，请按时办理。\n"
	    "牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "截止时间：{{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "进度：{{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "确认收到：{{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### 【督办提醒】{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}\n"
	    "{{office}}：该事项将于**{{deadline}}**到期，**{{status}}**，请按时办理。\n"
	    "> 牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "> 配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "> 截止时间：{{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "> 办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "> 进度：{{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[确认收到]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}：</p>\n"
	    "<p>{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}将于<b>{{deadline}}</b>到期，<b>{{status}}</b>，请按时办理。</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">牵头单位</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">配合单位</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "<tr><th align=\"left\">截止时间</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">办理时限</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "<tr><th align=\"left\">进度</th><td>{{progress}}</td></tr>\n"
	    "{{/progress}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">确认收到</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* due.zh.tmpl */
	    "# 内置模板“due”（今天到期，中文）的副本。复制后修改，在 duban.conf 中启用：\n"
	    "#   template \"due\" { file = \"/etc/duban/templates/due.zh.tmpl\" }\n"
	    "# 缺少的段落沿用内置模板。语法见 doc/templates.md。\n"
	    "[subject]\n"
	    "【督办提醒】{{number}}「{{title}}」{{^period_complete}}{{#milestone}}（{{milestone}}）{{/milestone}}今天到期{{/period_complete}}{{period_complete}}\n"
	    "[text]\n"
	    "【督办提醒】{{office}}：\n"
	    "{{^period_complete}}\n"
	    "{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}今天到期，请于{{deadline}}前办结。\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "{{number}}「{{title}}」{{period_complete}}。\n"
	    "{{/period_complete}}\n"
	    "牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "{{^period_complete}}\n"
	    "截止时间：{{deadline}}{{provisional}}\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "最短期限届满：{{deadline}}\n"
	    "{{/period_complete}}\n"
	    "{{#rule}}\n"
	    "办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "进度：{{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "确认收到：{{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### 【督办提醒】{{number}}「{{title}}」{{^period_complete}}{{#milestone}}（{{milestone}}）{{/milestone}}{{/period_complete}}\n"
	    "{{^period_complete}}\n"
	    "{{office}}：该事项**今天到期**，请于{{deadline}}前办结。\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "{{office}}：该事项**{{period_complete}}**。\n"
	    "{{/period_complete}}\n"
	    "> 牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "> 配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "{{^period_complete}}\n"
	    "> 截止时间：{{deadline}}{{provisional}}\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "> 最短期限届满：{{deadline}}\n"
	    "{{/period_complete}}\n"
	    "{{#rule}}\n"
	    "> 办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "> 进度：{{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[确认收到]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}：</p>\n"
	    "{{^period_complete}}\n"
	    "<p>{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}<b>今天到期</b>，请于{{deadline}}前办结。</p>\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "<p>{{number}}「{{title}}」<b>{{period_complete}}</b>。</p>\n"
	    "{{/period_complete}}\n"
	    "<table>\n"
	    "<tr><th align=\"left\">牵头单位</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">配合单位</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "{{^period_complete}}\n"
	    "<tr><th align=\"left\">截止时间</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "<tr><th align=\"left\">最短期限届满</th><td>{{deadline}}</td></tr>\n"
	    "{{/period_complete}}\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">办理时限</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "<tr><th align=\"left\">进度</th><td>{{progress}}</td></tr>\n"
	    "{{/progress}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">确认收到</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* overdue.zh.tmpl */
	    "# 内置模板“overdue”（逾期提醒，中文）的副本。复制后修改，在 duban.conf 中启用：\n"
	    "#   template \"overdue\" { file = \"/etc/duban/templates/overdue.zh.tmpl\" }\n"
	    "# 缺少的段落沿用内置模板。语法见 doc/templates.md。\n"
	    "[subject]\n"
	    "【督办提醒】{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}{{status}}\n"
	    "[text]\n"
	    "【督办提醒】{{office}}：\n"
	    "{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}已于{{deadline}}到期，{{status}}，请尽快办理。\n"
	    "牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "截止时间：{{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "进度：{{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "确认收到：{{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### 【督办提醒】{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}\n"
	    "{{office}}：该事项已于**{{deadline}}**到期，**{{status}}**，请尽快办理。\n"
	    "> 牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "> 配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "> 截止时间：{{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "> 办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "> 进度：{{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[确认收到]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}：</p>\n"
	    "<p>{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}已于<b>{{deadline}}</b>到期，<b>{{status}}</b>，请尽快办理。</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">牵头单位</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">配合单位</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "<tr><th align=\"left\">截止时间</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">办理时限</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "<tr><th align=\"left\">进度</th><td>{{progress}}</td></tr>\n"
	    "{{/progress}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">确认收到</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* escalation.zh.tmpl */
	    "# 内置模板“escalation”（逾期升级，发给上级单位，中文）的副本。复制后修改，在 duban.conf 中启用：\n"
	    "#   template \"escalation\" { file = \"/etc/duban/templates/escalation.zh.tmpl\" }\n"
	    "# 缺少的段落沿用内置模板。语法见 doc/templates.md。\n"
	    "[subject]\n"
	    "【督办升级】{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}逾期未办结，请督促\n"
	    "[text]\n"
	    "【督办升级】{{office}}：\n"
	    "{{lead}}牵头的{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}已于{{deadline}}到期，{{status}}，逾期未办结，请督促办理。\n"
	    "牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "截止时间：{{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#ack_url}}\n"
	    "确认收到：{{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### 【督办升级】{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}\n"
	    "{{office}}：{{lead}}牵头的该事项已于**{{deadline}}**到期，**{{status}}**，逾期未办结，请督促办理。\n"
	    "> 牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "> 配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "> 截止时间：{{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "> 办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[确认收到]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}：</p>\n"
	    "<p>{{lead}}牵头的{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}已于<b>{{deadline}}</b>到期，<b>{{status}}</b>，逾期未办结，请督促办理。</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">牵头单位</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">配合单位</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "<tr><th align=\"left\">截止时间</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">办理时限</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">确认收到</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* notice.zh.tmpl */
	    "# 内置模板“notice”（日历通知：某年节假日安排尚未公布，发给 admin_office，中文）的副本。复制后修改，在 duban.conf 中启用：\n"
	    "#   template \"notice\" { file = \"/etc/duban/templates/notice.zh.tmpl\" }\n"
	    "# 缺少的段落沿用内置模板。语法见 doc/templates.md。\n"
	    "[subject]\n"
	    "【督办通知】{{year}}年{{calendar}}日历的节假日安排尚未公布\n"
	    "[text]\n"
	    "【督办通知】{{office}}：\n"
	    "duban：{{year}}年{{calendar}}日历的节假日安排尚未公布，{{affected}}项期限暂按周末推算。请在公布后更新 holidays 并 reload，受影响的期限将自动重算。\n"
	    "首个受影响事项：{{number}}「{{title}}」，暂定截止时间：{{deadline}}\n"
	    "[markdown]\n"
	    "### 【督办通知】{{year}}年{{calendar}}日历的节假日安排尚未公布\n"
	    "{{office}}：{{affected}}项期限**暂按周末推算**。请在公布后更新 holidays 并 reload，受影响的期限将自动重算。\n"
	    "> 首个受影响事项：{{number}}「{{title}}」\n"
	    "> 暂定截止时间：{{deadline}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}：</p>\n"
	    "<p>duban：{{year}}年{{calendar}}日历的节假日安排尚未公布，{{affected}}项期限<b>暂按周末推算</b>。请在公布后更新 holidays 并 reload，受影响的期限将自动重算。</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">首个受影响事项</th><td>{{number}}「{{title}}」</td></tr>\n"
	    "<tr><th align=\"left\">暂定截止时间</th><td>{{deadline}}</td></tr>\n"
	    "</table>\n"
	    "</body></html>\n",
	/* failure.zh.tmpl */
	    "# 内置模板“failure”（提醒投递失败，发给上级单位，中文）的副本。复制后修改，在 duban.conf 中启用：\n"
	    "#   template \"failure\" { file = \"/etc/duban/templates/failure.zh.tmpl\" }\n"
	    "# 缺少的段落沿用内置模板。语法见 doc/templates.md。\n"
	    "[subject]\n"
	    "【投递失败】{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}的督办提醒未能送达\n"
	    "[text]\n"
	    "【投递失败】{{office}}：\n"
	    "{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}的督办提醒未能送达，请协调处理。\n"
	    "失败原因：{{failure}}\n"
	    "牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "截止时间：{{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#ack_url}}\n"
	    "确认收到：{{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### 【投递失败】{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}\n"
	    "{{office}}：该事项的督办提醒**未能送达**，请协调处理。\n"
	    "> 失败原因：{{failure}}\n"
	    "> 牵头单位：{{lead}}\n"
	    "{{#assist}}\n"
	    "> 配合单位：{{assist}}\n"
	    "{{/assist}}\n"
	    "> 截止时间：{{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "> 办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[确认收到]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}：</p>\n"
	    "<p>{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}的督办提醒<b>未能送达</b>，请协调处理。</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">失败原因</th><td>{{failure}}</td></tr>\n"
	    "<tr><th align=\"left\">牵头单位</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">配合单位</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "<tr><th align=\"left\">截止时间</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">办理时限</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">确认收到</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* digest.zh.tmpl */
	    "# 内置模板“digest”（多项汇总，中文）的副本。复制后修改，在 duban.conf 中启用：\n"
	    "#   template \"digest\" { file = \"/etc/duban/templates/digest.zh.tmpl\" }\n"
	    "# 缺少的段落沿用内置模板。语法见 doc/templates.md。\n"
	    "[subject]\n"
	    "【督办汇总】{{office}}：{{count}}项督办事项\n"
	    "[text]\n"
	    "【督办汇总】{{office}}：\n"
	    "以下{{count}}项督办事项请及时办理。\n"
	    "{{#items}}\n"
	    "{{^period_complete}}\n"
	    "{{index}}. 【{{kind_label}}】{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}，截止时间：{{deadline}}{{provisional}}，{{status}}\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "{{index}}. {{number}}「{{title}}」{{period_complete}}\n"
	    "{{/period_complete}}\n"
	    "   牵头单位：{{lead}}{{#assist}}，配合单位：{{assist}}{{/assist}}\n"
	    "{{#rule}}\n"
	    "   办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#failure}}\n"
	    "   失败原因：{{failure}}\n"
	    "{{/failure}}\n"
	    "{{#ack_url}}\n"
	    "   确认收到：{{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "{{/items}}\n"
	    "[markdown]\n"
	    "### 【督办汇总】{{office}}：\n"
	    "以下{{count}}项督办事项请及时办理。\n"
	    "{{#items}}\n"
	    "{{^period_complete}}\n"
	    "{{index}}. 【{{kind_label}}】**{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}**，截止时间：{{deadline}}{{provisional}}，**{{status}}**\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "{{index}}. **{{number}}「{{title}}」****{{period_complete}}**\n"
	    "{{/period_complete}}\n"
	    "> 牵头单位：{{lead}}{{#assist}}，配合单位：{{assist}}{{/assist}}\n"
	    "{{#rule}}\n"
	    "> 办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#failure}}\n"
	    "> 失败原因：{{failure}}\n"
	    "{{/failure}}\n"
	    "{{#ack_url}}\n"
	    "> [确认收到]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "{{/items}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}：</p>\n"
	    "<p>以下{{count}}项督办事项请及时办理。</p>\n"
	    "<ol>\n"
	    "{{#items}}\n"
	    "{{^period_complete}}\n"
	    "<li>【{{kind_label}}】<b>{{number}}「{{title}}」{{#milestone}}（{{milestone}}）{{/milestone}}</b>，截止时间：{{deadline}}{{provisional}}，<b>{{status}}</b><br>\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "<li><b>{{number}}「{{title}}」</b>{{period_complete}}<br>\n"
	    "{{/period_complete}}\n"
	    "牵头单位：{{lead}}{{#assist}}，配合单位：{{assist}}{{/assist}}\n"
	    "{{#rule}}\n"
	    "<br>办理时限：{{rule}}\n"
	    "{{/rule}}\n"
	    "{{#failure}}\n"
	    "<br>失败原因：{{failure}}\n"
	    "{{/failure}}\n"
	    "{{#ack_url}}\n"
	    "<br><a href=\"{{ack_url}}\">确认收到</a>\n"
	    "{{/ack_url}}\n"
	    "</li>\n"
	    "{{/items}}\n"
	    "</ol>\n"
	    "</body></html>\n",
};

static const char *const builtin_en[NKINDS] = {
	/* before.en.tmpl */
	    "# A copy of the built-in \"before\" template, English: upcoming deadline.\n"
	    "# Edit a copy and name it in duban.conf:\n"
	    "#   template \"before\" { file = \"/etc/duban/templates/before.en.tmpl\" }\n"
	    "# Sections left out fall back to the built-in ones.  See doc/templates.md.\n"
	    "[subject]\n"
	    "[Reminder] {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} is due {{deadline_date}}: {{status}}\n"
	    "[text]\n"
	    "[Reminder] {{office}}:\n"
	    "{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} is due {{deadline}}: {{status}}.\n"
	    "Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "Deadline: {{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "Progress: {{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "Acknowledge: {{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### [Reminder] {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}\n"
	    "{{office}}: This item is due **{{deadline}}**: **{{status}}**.\n"
	    "> Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "> Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "> Deadline: {{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "> Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "> Progress: {{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[Acknowledge]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}:</p>\n"
	    "<p>{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} is due <b>{{deadline}}</b>: <b>{{status}}</b>.</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">Lead office</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">Assisting</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "<tr><th align=\"left\">Deadline</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">Time limit</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "<tr><th align=\"left\">Progress</th><td>{{progress}}</td></tr>\n"
	    "{{/progress}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">Acknowledge</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* due.en.tmpl */
	    "# A copy of the built-in \"due\" template, English: due today.\n"
	    "# Edit a copy and name it in duban.conf:\n"
	    "#   template \"due\" { file = \"/etc/duban/templates/due.en.tmpl\" }\n"
	    "# Sections left out fall back to the built-in ones.  See doc/templates.md.\n"
	    "[subject]\n"
	    "[Reminder] {{number}} “{{title}}”{{^period_complete}}{{#milestone}} ({{milestone}}){{/milestone}} is due today{{/period_complete}}{{#period_complete}}: {{period_complete}}{{/period_complete}}\n"
	    "[text]\n"
	    "[Reminder] {{office}}:\n"
	    "{{^period_complete}}\n"
	    "{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} is due today: please finish it by {{deadline}}.\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "{{number}} “{{title}}”: {{period_complete}}.\n"
	    "{{/period_complete}}\n"
	    "Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "{{^period_complete}}\n"
	    "Deadline: {{deadline}}{{provisional}}\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "Minimum period ended: {{deadline}}\n"
	    "{{/period_complete}}\n"
	    "{{#rule}}\n"
	    "Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "Progress: {{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "Acknowledge: {{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### [Reminder] {{number}} “{{title}}”{{^period_complete}}{{#milestone}} ({{milestone}}){{/milestone}}{{/period_complete}}\n"
	    "{{^period_complete}}\n"
	    "{{office}}: This item is **due today**: please finish it by {{deadline}}.\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "{{office}}: This item's **{{period_complete}}**.\n"
	    "{{/period_complete}}\n"
	    "> Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "> Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "{{^period_complete}}\n"
	    "> Deadline: {{deadline}}{{provisional}}\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "> Minimum period ended: {{deadline}}\n"
	    "{{/period_complete}}\n"
	    "{{#rule}}\n"
	    "> Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "> Progress: {{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[Acknowledge]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}:</p>\n"
	    "{{^period_complete}}\n"
	    "<p>{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} is <b>due today</b>: please finish it by {{deadline}}.</p>\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "<p>{{number}} “{{title}}”: <b>{{period_complete}}</b>.</p>\n"
	    "{{/period_complete}}\n"
	    "<table>\n"
	    "<tr><th align=\"left\">Lead office</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">Assisting</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "{{^period_complete}}\n"
	    "<tr><th align=\"left\">Deadline</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "<tr><th align=\"left\">Minimum period ended</th><td>{{deadline}}</td></tr>\n"
	    "{{/period_complete}}\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">Time limit</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "<tr><th align=\"left\">Progress</th><td>{{progress}}</td></tr>\n"
	    "{{/progress}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">Acknowledge</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* overdue.en.tmpl */
	    "# A copy of the built-in \"overdue\" template, English: overdue.\n"
	    "# Edit a copy and name it in duban.conf:\n"
	    "#   template \"overdue\" { file = \"/etc/duban/templates/overdue.en.tmpl\" }\n"
	    "# Sections left out fall back to the built-in ones.  See doc/templates.md.\n"
	    "[subject]\n"
	    "[Overdue] {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}: {{status}}\n"
	    "[text]\n"
	    "[Overdue] {{office}}:\n"
	    "{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} was due {{deadline}} and is {{status}}.\n"
	    "Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "Deadline: {{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "Progress: {{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "Acknowledge: {{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### [Overdue] {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}\n"
	    "{{office}}: This item was due **{{deadline}}** and is **{{status}}**.\n"
	    "> Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "> Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "> Deadline: {{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "> Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "> Progress: {{progress}}\n"
	    "{{/progress}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[Acknowledge]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}:</p>\n"
	    "<p>{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} was due <b>{{deadline}}</b> and is <b>{{status}}</b>.</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">Lead office</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">Assisting</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "<tr><th align=\"left\">Deadline</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">Time limit</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "{{#progress}}\n"
	    "<tr><th align=\"left\">Progress</th><td>{{progress}}</td></tr>\n"
	    "{{/progress}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">Acknowledge</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* escalation.en.tmpl */
	    "# A copy of the built-in \"escalation\" template, English: overdue, to the supervising office.\n"
	    "# Edit a copy and name it in duban.conf:\n"
	    "#   template \"escalation\" { file = \"/etc/duban/templates/escalation.en.tmpl\" }\n"
	    "# Sections left out fall back to the built-in ones.  See doc/templates.md.\n"
	    "[subject]\n"
	    "[Escalation] {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} is overdue and still open\n"
	    "[text]\n"
	    "[Escalation] {{office}}:\n"
	    "{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}, led by {{lead}}, was due {{deadline}} and is {{status}}. Please follow it up.\n"
	    "Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "Deadline: {{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#ack_url}}\n"
	    "Acknowledge: {{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### [Escalation] {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}\n"
	    "{{office}}: This item, led by {{lead}}, was due **{{deadline}}** and is **{{status}}**. Please follow it up.\n"
	    "> Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "> Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "> Deadline: {{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "> Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[Acknowledge]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}:</p>\n"
	    "<p>{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}, led by {{lead}}, was due <b>{{deadline}}</b> and is <b>{{status}}</b>. Please follow it up.</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">Lead office</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">Assisting</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "<tr><th align=\"left\">Deadline</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">Time limit</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">Acknowledge</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* notice.en.tmpl */
	    "# A copy of the built-in \"notice\" template, English: a year a calendar does not cover, to admin_office.\n"
	    "# Edit a copy and name it in duban.conf:\n"
	    "#   template \"notice\" { file = \"/etc/duban/templates/notice.en.tmpl\" }\n"
	    "# Sections left out fall back to the built-in ones.  See doc/templates.md.\n"
	    "[subject]\n"
	    "[Notice] The {{year}} public holidays of calendar {{calendar}} are not announced\n"
	    "[text]\n"
	    "[Notice] {{office}}:\n"
	    "duban: the {{year}} public holidays of calendar {{calendar}} are not announced yet; {{affected}} deadline(s) count weekends only for now. Add the year to the calendar's holidays when it is announced and reload: the deadlines are then recomputed.\n"
	    "First item affected: {{number}} “{{title}}”, provisional deadline: {{deadline}}\n"
	    "[markdown]\n"
	    "### [Notice] The {{year}} public holidays of calendar {{calendar}} are not announced\n"
	    "{{office}}: {{affected}} deadline(s) **count weekends only** for now. Add the year to the calendar's holidays when it is announced and reload: the deadlines are then recomputed.\n"
	    "> First item affected: {{number}} “{{title}}”\n"
	    "> Provisional deadline: {{deadline}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}:</p>\n"
	    "<p>duban: the {{year}} public holidays of calendar {{calendar}} are not announced yet; {{affected}} deadline(s) <b>count weekends only</b> for now. Add the year to the calendar's holidays when it is announced and reload: the deadlines are then recomputed.</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">First item affected</th><td>{{number}} “{{title}}”</td></tr>\n"
	    "<tr><th align=\"left\">Provisional deadline</th><td>{{deadline}}</td></tr>\n"
	    "</table>\n"
	    "</body></html>\n",
	/* failure.en.tmpl */
	    "# A copy of the built-in \"failure\" template, English: undelivered reminder, to the supervising office.\n"
	    "# Edit a copy and name it in duban.conf:\n"
	    "#   template \"failure\" { file = \"/etc/duban/templates/failure.en.tmpl\" }\n"
	    "# Sections left out fall back to the built-in ones.  See doc/templates.md.\n"
	    "[subject]\n"
	    "[Delivery failure] A reminder about {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} was not delivered\n"
	    "[text]\n"
	    "[Delivery failure] {{office}}:\n"
	    "A reminder about {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} could not be delivered. Please see to it.\n"
	    "Reason: {{failure}}\n"
	    "Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "Deadline: {{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#ack_url}}\n"
	    "Acknowledge: {{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "[markdown]\n"
	    "### [Delivery failure] {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}\n"
	    "{{office}}: A reminder about This item **could not be delivered**. Please see to it.\n"
	    "> Reason: {{failure}}\n"
	    "> Lead office: {{lead}}\n"
	    "{{#assist}}\n"
	    "> Assisting: {{assist}}\n"
	    "{{/assist}}\n"
	    "> Deadline: {{deadline}}{{provisional}}\n"
	    "{{#rule}}\n"
	    "> Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#ack_url}}\n"
	    "\n"
	    "[Acknowledge]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}:</p>\n"
	    "<p>A reminder about {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}} <b>could not be delivered</b>. Please see to it.</p>\n"
	    "<table>\n"
	    "<tr><th align=\"left\">Reason</th><td>{{failure}}</td></tr>\n"
	    "<tr><th align=\"left\">Lead office</th><td>{{lead}}</td></tr>\n"
	    "{{#assist}}\n"
	    "<tr><th align=\"left\">Assisting</th><td>{{assist}}</td></tr>\n"
	    "{{/assist}}\n"
	    "<tr><th align=\"left\">Deadline</th><td>{{deadline}}{{provisional}}</td></tr>\n"
	    "{{#rule}}\n"
	    "<tr><th align=\"left\">Time limit</th><td>{{rule}}</td></tr>\n"
	    "{{/rule}}\n"
	    "</table>\n"
	    "{{#ack_url}}\n"
	    "<p><a href=\"{{ack_url}}\">Acknowledge</a></p>\n"
	    "{{/ack_url}}\n"
	    "</body></html>\n",
	/* digest.en.tmpl */
	    "# A copy of the built-in \"digest\" template, English: several items at once.\n"
	    "# Edit a copy and name it in duban.conf:\n"
	    "#   template \"digest\" { file = \"/etc/duban/templates/digest.en.tmpl\" }\n"
	    "# Sections left out fall back to the built-in ones.  See doc/templates.md.\n"
	    "[subject]\n"
	    "[Digest] {{office}}: {{count}} items to attend to\n"
	    "[text]\n"
	    "[Digest] {{office}}:\n"
	    "The following {{count}} items need attention.\n"
	    "{{#items}}\n"
	    "{{^period_complete}}\n"
	    "{{index}}. [{{kind_label}}] {{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}; Deadline: {{deadline}}{{provisional}}; {{status}}\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "{{index}}. {{number}} “{{title}}”: {{period_complete}}\n"
	    "{{/period_complete}}\n"
	    "   Lead office: {{lead}}{{#assist}}; Assisting: {{assist}}{{/assist}}\n"
	    "{{#rule}}\n"
	    "   Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#failure}}\n"
	    "   Reason: {{failure}}\n"
	    "{{/failure}}\n"
	    "{{#ack_url}}\n"
	    "   Acknowledge: {{ack_url}}\n"
	    "{{/ack_url}}\n"
	    "{{/items}}\n"
	    "[markdown]\n"
	    "### [Digest] {{office}}:\n"
	    "The following {{count}} items need attention.\n"
	    "{{#items}}\n"
	    "{{^period_complete}}\n"
	    "{{index}}. [{{kind_label}}] **{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}**; Deadline: {{deadline}}{{provisional}}; **{{status}}**\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "{{index}}. **{{number}} “{{title}}”**: **{{period_complete}}**\n"
	    "{{/period_complete}}\n"
	    "> Lead office: {{lead}}{{#assist}}; Assisting: {{assist}}{{/assist}}\n"
	    "{{#rule}}\n"
	    "> Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#failure}}\n"
	    "> Reason: {{failure}}\n"
	    "{{/failure}}\n"
	    "{{#ack_url}}\n"
	    "> [Acknowledge]({{ack_url}})\n"
	    "{{/ack_url}}\n"
	    "{{/items}}\n"
	    "[html]\n"
	    "<html><body>\n"
	    "<p>{{office}}:</p>\n"
	    "<p>The following {{count}} items need attention.</p>\n"
	    "<ol>\n"
	    "{{#items}}\n"
	    "{{^period_complete}}\n"
	    "<li>[{{kind_label}}] <b>{{number}} “{{title}}”{{#milestone}} ({{milestone}}){{/milestone}}</b>; Deadline: {{deadline}}{{provisional}}; <b>{{status}}</b><br>\n"
	    "{{/period_complete}}\n"
	    "{{#period_complete}}\n"
	    "<li><b>{{number}} “{{title}}”</b>: {{period_complete}}<br>\n"
	    "{{/period_complete}}\n"
	    "Lead office: {{lead}}{{#assist}}; Assisting: {{assist}}{{/assist}}\n"
	    "{{#rule}}\n"
	    "<br>Time limit: {{rule}}\n"
	    "{{/rule}}\n"
	    "{{#failure}}\n"
	    "<br>Reason: {{failure}}\n"
	    "{{/failure}}\n"
	    "{{#ack_url}}\n"
	    "<br><a href=\"{{ack_url}}\">Acknowledge</a>\n"
	    "{{/ack_url}}\n"
	    "</li>\n"
	    "{{/items}}\n"
	    "</ol>\n"
	    "</body></html>\n",
};

static const struct lang languages[] = {
	{
		.name = "zh",
		.weekdays = { "星期日", "星期一", "星期二", "星期三", "星期四",
		    "星期五", "星期六" },
		.weekday_first = false,
		.assist_sep = "、",
		.kind_labels = { "即将到期", "今天到期", "已逾期", "督办升级",
		    "督办通知", "投递失败", "督办汇总" },
		.left_one = "还剩1个工作日",
		.left_many = "还剩%d个工作日",
		.due_today = "今天到期",
		.overdue_one = "已逾期1个工作日",
		.overdue_many = "已逾期%d个工作日",
		.provisional = "（%d年节假日安排尚未公布，期限按周末推算，"
		    "公布后自动重算）",
		.builtin = builtin_zh,
	},
	{
		.name = "en",
		.weekdays = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" },
		.weekday_first = true,
		.assist_sep = ", ",
		.kind_labels = { "Upcoming", "Due today", "Overdue",
		    "Escalation", "Notice", "Delivery failure", "Digest" },
		.left_one = "1 working day left",
		.left_many = "%d working days left",
		.due_today = "due today",
		.overdue_one = "1 working day overdue",
		.overdue_many = "%d working days overdue",
		.provisional = " (the %d public holidays are not announced yet:"
		    " the deadline counts weekends only and is recomputed when"
		    " they are)",
		.builtin = builtin_en,
	},
};

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

enum node_type {
	NODE_TEXT,
	NODE_VAR,
	NODE_BLOCK,
};

struct node {
	enum node_type	 type;
	char		*text;		/* NODE_TEXT */
	enum var	 var;		/* NODE_VAR, NODE_BLOCK */
	bool		 inverted;	/* NODE_BLOCK: {{^var}}, shown when empty */
	struct node	*body;		/* NODE_BLOCK */
	struct node	*next;
};

struct templates {
	const struct lang	*lang;
	struct node		*sec[NKINDS][NSECTIONS];
};

/* Growing strings. */
struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 256 : b->cap;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((b->s = realloc(b->s, cap)) == NULL)
			abort();
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n == -1)
		abort();
	buf_add(b, s, (size_t)n);
	free(s);
}

/* The string, never NULL; the buf is left empty. */
static char *
buf_take(struct buf *b)
{
	char *s;

	if (b->s == NULL)
		buf_add(b, "", 0);
	s = b->s;
	memset(b, 0, sizeof *b);
	return s;
}

static void
nodes_free(struct node *n)
{
	while (n != NULL) {
		struct node *next = n->next;

		free(n->text);
		nodes_free(n->body);
		free(n);
		n = next;
	}
}

/* Parsing. */

#define MAX_DEPTH 8

struct open_block {
	struct node	 *block;
	int		  line;
};

struct parser {
	const char		*file;
	int			 line;
	char			*err;
	size_t			 errlen;
	struct node		*sec[NSECTIONS];
	bool			 given[NSECTIONS];
	int			 cur;		/* section being read; -1 */
	struct node		**tail[MAX_DEPTH + 1];	/* where nodes go */
	struct open_block	 open[MAX_DEPTH + 1];	/* [1..depth] */
	int			 depth;
	bool			 in_items;
};

static int __attribute__((format(printf, 2, 3)))
parse_error(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static struct node *
node_add(struct parser *p, enum node_type type)
{
	struct node *n;

	if ((n = calloc(1, sizeof *n)) == NULL)
		abort();
	n->type = type;
	*p->tail[p->depth] = n;
	p->tail[p->depth] = &n->next;
	return n;
}

static void
text_add(struct parser *p, const char *s, size_t len)
{
	struct node *n;

	if (len == 0)
		return;
	n = node_add(p, NODE_TEXT);
	if ((n->text = strndup(s, len)) == NULL)
		abort();
}

static int
var_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < NVARS; i++)
		if (strlen(var_names[i]) == len &&
		    memcmp(var_names[i], name, len) == 0)
			return (int)i;
	return -1;
}

/* One tag, the text between "{{" and "}}". */
static int
parse_tag(struct parser *p, const char *tag, size_t len)
{
	const char *name = tag;
	size_t namelen = len;
	struct node *n;
	int v;

	if (len > 0 && (tag[0] == '#' || tag[0] == '^' || tag[0] == '/')) {
		name++;
		namelen--;
	}
	if ((v = var_lookup(name, namelen)) == -1)
		return parse_error(p, "unknown placeholder {{%.*s}}", (int)len,
		    tag);

	if (tag[0] == '/') {
		const struct node *b;

		if (p->depth == 0)
			return parse_error(p, "{{%.*s}} closes no block",
			    (int)len, tag);
		b = p->open[p->depth].block;
		if (b->var != (enum var)v)
			return parse_error(p, "{{%.*s}} closes {{%c%s}} of "
			    "line %d", (int)len, tag, b->inverted ? '^' : '#',
			    var_names[b->var], p->open[p->depth].line);
		if (b->var == V_ITEMS)
			p->in_items = false;
		p->depth--;
		return 0;
	}
	if (tag[0] == '#' || tag[0] == '^') {
		if (p->depth == MAX_DEPTH)
			return parse_error(p, "blocks nested too deeply");
		if (v == V_ITEMS && tag[0] == '^')
			return parse_error(p, "{{^items}}: a message always "
			    "has items");
		if (v == V_ITEMS && p->in_items)
			return parse_error(p, "{{#items}} inside {{#items}}");
		n = node_add(p, NODE_BLOCK);
		n->var = (enum var)v;
		n->inverted = tag[0] == '^';
		if (v == V_ITEMS)
			p->in_items = true;
		p->depth++;
		p->open[p->depth].block = n;
		p->open[p->depth].line = p->line;
		p->tail[p->depth] = &n->body;
		return 0;
	}
	if (v == V_ITEMS)
		return parse_error(p, "{{items}} is a block: "
		    "{{#items}}...{{/items}}");
	n = node_add(p, NODE_VAR);
	n->var = (enum var)v;
	return 0;
}

/* Text and tags of a line. */
static int
parse_inline(struct parser *p, const char *s, size_t len)
{
	const char *end = s + len;

	while (s < end) {
		const char *open = memmem(s, (size_t)(end - s), "{{", 2);
		const char *close;

		if (open == NULL) {
			text_add(p, s, (size_t)(end - s));
			break;
		}
		text_add(p, s, (size_t)(open - s));
		close = memmem(open + 2, (size_t)(end - open - 2), "}}", 2);
		if (close == NULL)
			return parse_error(p, "\"{{\" without \"}}\"");
		if (parse_tag(p, open + 2, (size_t)(close - open - 2)) == -1)
			return -1;
		s = close + 2;
	}
	return 0;
}

/* A line that is nothing but one block tag: the tag's inside, or NULL. */
static const char *
standalone_tag(const char *s, size_t len, size_t *taglen)
{
	if (len < 5 || strncmp(s, "{{", 2) != 0 ||
	    (s[2] != '#' && s[2] != '^' && s[2] != '/') ||
	    strncmp(s + len - 2, "}}", 2) != 0)
		return NULL;
	if (memmem(s + 2, len - 4, "}}", 2) != NULL ||
	    memmem(s + 2, len - 4, "{{", 2) != NULL)
		return NULL;
	*taglen = len - 4;
	return s + 2;
}

/* A line "[word]": the word, or NULL. */
static const char *
section_header(const char *s, size_t len, size_t *wordlen)
{
	if (len < 3 || s[0] != '[' || s[len - 1] != ']')
		return NULL;
	for (size_t i = 1; i < len - 1; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return NULL;
	*wordlen = len - 2;
	return s + 1;
}

static int
section_end(struct parser *p)
{
	if (p->depth > 0) {
		const struct open_block *o = &p->open[p->depth];

		return parse_error(p, "{{%c%s}} of line %d is not closed",
		    o->block->inverted ? '^' : '#', var_names[o->block->var],
		    o->line);
	}
	return 0;
}

static int
section_start(struct parser *p, const char *word, size_t len)
{
	for (int i = 0; i < NSECTIONS; i++) {
		if (strlen(section_names[i]) != len ||
		    memcmp(section_names[i], word, len) != 0)
			continue;
		if (p->given[i])
			return parse_error(p, "section [%s] given twice",
			    section_names[i]);
		p->given[i] = true;
		p->cur = i;
		p->tail[0] = &p->sec[i];
		return 0;
	}
	return parse_error(p, "unknown section [%.*s]", (int)len, word);
}

static int
parse_line(struct parser *p, const char *s, size_t len, bool newline)
{
	const char *word, *tag;
	size_t n;

	if ((word = section_header(s, len, &n)) != NULL) {
		if (p->cur != -1 && section_end(p) == -1)
			return -1;
		return section_start(p, word, n);
	}
	if (p->cur == -1) {
		if (len == 0 || s[0] == '#')
			return 0;
		return parse_error(p, "text before the first section");
	}
	if ((tag = standalone_tag(s, len, &n)) != NULL)
		return parse_tag(p, tag, n);
	if (parse_inline(p, s, len) == -1)
		return -1;
	if (newline)
		text_add(p, "\n", 1);
	return 0;
}

/*
 * Parses a template into sec[], given[] telling which sections it has.
 * 0, or -1 with "file:line: message" in err.
 */
static int
parse_template(const char *content, const char *file, struct node **sec,
    bool *given, char *err, size_t errlen)
{
	struct parser p;
	const char *s = content;
	int rc = 0;

	memset(&p, 0, sizeof p);
	p.file = file;
	p.err = err;
	p.errlen = errlen;
	p.cur = -1;
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t len = nl != NULL ? (size_t)(nl - s) : strlen(s);
		size_t content_len = len;

		p.line++;
		if (content_len > 0 && s[content_len - 1] == '\r')
			content_len--;
		if ((rc = parse_line(&p, s, content_len, nl != NULL)) == -1)
			break;
		s += len + (nl != NULL ? 1 : 0);
	}
	if (rc == 0 && p.cur != -1)
		rc = section_end(&p);
	if (rc == -1) {
		for (int i = 0; i < NSECTIONS; i++)
			nodes_free(p.sec[i]);
		return -1;
	}
	memcpy(sec, p.sec, sizeof p.sec);
	memcpy(given, p.given, sizeof p.given);
	return 0;
}

/* Loading. */

static const struct lang *
lang_lookup(const char *name)
{
	if (name == NULL)
		return &languages[0];
	for (size_t i = 0; i < NITEMS(languages); i++)
		if (strcmp(languages[i].name, name) == 0)
			return &languages[i];
	return NULL;
}

static int
kind_lookup(const char *name)
{
	for (int i = 0; i < NKINDS; i++)
		if (strcmp(kind_names[i], name) == 0)
			return i;
	return -1;
}

/* Parses a template file over the built-in sections of its kind. */
static int
override_load(struct templates *t, const struct template_conf *tc, char *err,
    size_t errlen)
{
	struct node *sec[NSECTIONS];
	bool given[NSECTIONS];
	const char *file = tc->file != NULL ? tc->file : tc->origin.file;
	int k;

	if ((k = kind_lookup(tc->kind)) == -1) {
		snprintf(err, errlen, "%s:%d: unknown template kind \"%s\"",
		    tc->origin.file, tc->origin.line, tc->kind);
		return -1;
	}
	if (tc->content == NULL) {
		snprintf(err, errlen, "%s: template not read", file);
		return -1;
	}
	if (parse_template(tc->content, file, sec, given, err, errlen) == -1)
		return -1;
	for (int i = 0; i < NSECTIONS; i++) {
		if (!given[i])
			continue;
		nodes_free(t->sec[k][i]);
		t->sec[k][i] = sec[i];
	}
	return 0;
}

struct templates *
templates_load(const struct config *cf, char *err, size_t errlen)
{
	struct templates *t;
	bool given[NSECTIONS];
	char name[64];

	if ((t = calloc(1, sizeof *t)) == NULL)
		abort();
	if ((t->lang = lang_lookup(cf->language)) == NULL) {
		snprintf(err, errlen, "%s: unknown language \"%s\"", cf->path,
		    cf->language);
		goto fail;
	}
	for (int k = 0; k < NKINDS; k++) {
		snprintf(name, sizeof name, "built-in %s.%s.tmpl",
		    kind_names[k], t->lang->name);
		if (parse_template(t->lang->builtin[k], name, t->sec[k], given,
		    err, errlen) == -1)
			goto fail;
	}
	for (size_t i = 0; i < cf->ntemplates; i++)
		if (override_load(t, &cf->templates[i], err, errlen) == -1)
			goto fail;
	return t;
fail:
	templates_free(t);
	return NULL;
}

void
templates_free(struct templates *t)
{
	if (t == NULL)
		return;
	for (int k = 0; k < NKINDS; k++)
		for (int i = 0; i < NSECTIONS; i++)
			nodes_free(t->sec[k][i]);
	free(t);
}

/* Rendering. */

struct render_ctx {
	const struct lang		*lang;
	const struct render_item	*items;
	size_t				 n;
	int				 kind;		/* of the message */
	enum section			 sec;
	const struct render_item	*item;		/* current */
	size_t				 index;		/* from 1 */
	bool				 in_items;
};

static void
deadline_value(const struct lang *l, int64_t at, struct buf *b)
{
	char date[DAY_STRLEN];
	int day = local_day(at), secs = local_secs(at);
	const char *wd = l->weekdays[day_weekday(day)];

	day_format(day, date);
	if (l->weekday_first)
		buf_printf(b, "%s %s %02d:%02d", wd, date, secs / 3600,
		    secs / 60 % 60);
	else
		buf_printf(b, "%s（%s）%02d:%02d", date, wd, secs / 3600,
		    secs / 60 % 60);
}

static void
status_value(const struct lang *l, int left, struct buf *b)
{
	if (left == 0)
		buf_adds(b, l->due_today);
	else if (left == 1)
		buf_adds(b, l->left_one);
	else if (left == -1)
		buf_adds(b, l->overdue_one);
	else
		buf_printf(b, left > 0 ? l->left_many : l->overdue_many,
		    left > 0 ? left : -left);
}

static void
str_value(const char *s, struct buf *b)
{
	if (s != NULL)
		buf_adds(b, s);
}

/* The raw value of a placeholder. */
static void
var_value(const struct render_ctx *c, enum var v, struct buf *b)
{
	const struct render_item *it = c->item;
	const struct lang *l = c->lang;
	char date[DAY_STRLEN];

	switch (v) {
	case V_NUMBER:
		str_value(it->number, b);
		break;
	case V_TITLE:
		str_value(it->title, b);
		break;
	case V_MILESTONE:
		str_value(it->milestone, b);
		break;
	case V_LEAD:
		str_value(it->lead, b);
		break;
	case V_ASSIST:
		for (size_t i = 0; i < it->nassist; i++) {
			if (i > 0)
				buf_adds(b, l->assist_sep);
			str_value(it->assist[i], b);
		}
		break;
	case V_OFFICE:
		str_value(it->office, b);
		break;
	case V_DEADLINE:
		deadline_value(l, it->deadline_at, b);
		break;
	case V_DEADLINE_DATE:
		buf_adds(b, day_format(local_day(it->deadline_at), date));
		break;
	case V_WEEKDAY:
		buf_adds(b, l->weekdays[day_weekday(local_day(it->deadline_at))]);
		break;
	case V_DAYS:
		buf_printf(b, "%d", it->workdays_left < 0 ? -it->workdays_left :
		    it->workdays_left);
		break;
	case V_STATUS:
		status_value(l, it->workdays_left, b);
		break;
	case V_RULE:
		str_value(it->rule, b);
		break;
	case V_ACK_URL:
		str_value(it->ack_url, b);
		break;
	case V_FAILURE:
		str_value(it->failure, b);
		break;
	case V_PROGRESS:
		str_value(it->progress, b);
		break;
	case V_PERIOD_COMPLETE:
		str_value(it->period_complete, b);
		break;
	case V_PROVISIONAL:
		if (it->provisional)
			buf_printf(b, l->provisional,
			    day_year(local_day(it->deadline_at)));
		break;
	case V_KIND_LABEL:
		buf_adds(b, l->kind_labels[c->in_items ? (int)it->kind :
		    c->kind]);
		break;
	case V_COUNT:
		buf_printf(b, "%zu", c->n);
		break;
	case V_INDEX:
		buf_printf(b, "%zu", c->index);
		break;
	case V_CALENDAR:
		str_value(it->calendar, b);
		break;
	case V_YEAR:
		if (it->year != 0)
			buf_printf(b, "%d", it->year);
		break;
	case V_AFFECTED:
		if (it->kind == RK_NOTICE)
			buf_printf(b, "%d", it->affected);
		break;
	case V_ITEMS:
	case NVARS:
		break;
	}
}

/* Appends a value as the section wants it. */
static void
emit_value(struct buf *out, enum section sec, const char *v)
{
	for (; *v != '\0'; v++) {
		const char *rep = NULL;

		if (sec == SEC_HTML) {
			switch (*v) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			}
		} else if (sec != SEC_TEXT && (*v == '\n' || *v == '\r'))
			rep = " ";
		if (rep != NULL)
			buf_adds(out, rep);
		else
			buf_add(out, v, 1);
	}
}

static void render_nodes(struct render_ctx *, const struct node *,
    struct buf *);

static void
render_block(struct render_ctx *c, const struct node *n, struct buf *out)
{
	struct buf val = { NULL, 0, 0 };

	if (n->var == V_ITEMS) {
		struct render_ctx inner = *c;

		inner.in_items = true;
		for (size_t i = 0; i < c->n; i++) {
			inner.item = &c->items[i];
			inner.index = i + 1;
			render_nodes(&inner, n->body, out);
		}
		return;
	}
	var_value(c, n->var, &val);
	if ((val.len > 0) != n->inverted)
		render_nodes(c, n->body, out);
	free(val.s);
}

static void
render_nodes(struct render_ctx *c, const struct node *n, struct buf *out)
{
	struct buf val = { NULL, 0, 0 };

	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case NODE_TEXT:
			buf_adds(out, n->text);
			break;
		case NODE_VAR:
			val.len = 0;
			var_value(c, n->var, &val);
			if (val.len > 0)
				emit_value(out, c->sec, val.s);
			break;
		case NODE_BLOCK:
			render_block(c, n, out);
			break;
		}
	}
	free(val.s);
}

static char *
render_section(struct render_ctx *c, const struct node *root,
    enum section sec)
{
	struct buf out = { NULL, 0, 0 };

	c->sec = sec;
	render_nodes(c, root, &out);
	while (out.len > 0 && out.s[out.len - 1] == '\n')
		out.s[--out.len] = '\0';
	if (sec == SEC_SUBJECT) {
		/* One line, even when the template's subject is not. */
		for (size_t i = 0; i < out.len; i++)
			if (out.s[i] == '\n' || out.s[i] == '\r')
				out.s[i] = ' ';
		while (out.len > 0 && out.s[out.len - 1] == ' ')
			out.s[--out.len] = '\0';
	}
	return buf_take(&out);
}

/* The webhook payload. */

static json_t *
json_str(const char *s)
{
	json_t *j = s != NULL ? json_string(s) : NULL;

	return j != NULL ? j : json_null();
}

static json_t *
item_json(const struct render_item *it)
{
	json_t *o = json_object(), *assist = json_array();
	char iso[40], date[DAY_STRLEN];

	for (size_t i = 0; i < it->nassist; i++)
		json_array_append_new(assist, json_str(it->assist[i]));
	json_object_set_new(o, "reminder_id", json_integer(it->reminder_id));
	json_object_set_new(o, "kind",
	    json_string(reminder_kind_str(it->kind)));
	json_object_set_new(o, "item_type", json_str(it->item_type));
	json_object_set_new(o, "number", json_str(it->number));
	json_object_set_new(o, "title", json_str(it->title));
	json_object_set_new(o, "milestone", json_str(it->milestone));
	json_object_set_new(o, "lead", json_str(it->lead));
	json_object_set_new(o, "assist", assist);
	json_object_set_new(o, "deadline",
	    json_string(instant_format(it->deadline_at, iso, sizeof iso)));
	json_object_set_new(o, "deadline_date",
	    json_string(day_format(local_day(it->deadline_at), date)));
	json_object_set_new(o, "workdays_left",
	    json_integer(it->workdays_left));
	json_object_set_new(o, "provisional", json_boolean(it->provisional));
	json_object_set_new(o, "rule", json_str(it->rule));
	json_object_set_new(o, "ack_url", json_str(it->ack_url));
	if (it->progress != NULL)
		json_object_set_new(o, "progress", json_str(it->progress));
	if (it->failure != NULL)
		json_object_set_new(o, "failure", json_str(it->failure));
	if (it->period_complete != NULL)
		json_object_set_new(o, "period_complete",
		    json_str(it->period_complete));
	if (it->kind == RK_NOTICE) {
		json_object_set_new(o, "calendar", json_str(it->calendar));
		json_object_set_new(o, "year", json_integer(it->year));
		json_object_set_new(o, "affected", json_integer(it->affected));
	}
	return o;
}

static json_t *
message_json(const struct message *m, const struct render_item *items,
    size_t n)
{
	json_t *o = json_object(), *list = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, item_json(&items[i]));
	json_object_set_new(o, "id", json_integer(m->id));
	json_object_set_new(o, "kind", json_string(m->kind));
	json_object_set_new(o, "office", json_str(m->office));
	json_object_set_new(o, "subject", json_str(m->subject));
	json_object_set_new(o, "text", json_str(m->text));
	json_object_set_new(o, "items", list);
	return o;
}

static char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s != NULL ? s : "")) == NULL)
		abort();
	return p;
}

int
render_message(const struct templates *t, const struct render_item *items,
    size_t n, struct message *out, char *err, size_t errlen)
{
	struct render_ctx c;
	int kind;

	memset(out, 0, sizeof *out);
	if (n == 0) {
		snprintf(err, errlen, "nothing to render");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)items[i].kind > RK_FAILURE) {
			snprintf(err, errlen, "reminder %lld: bad kind %d",
			    (long long)items[i].reminder_id,
			    (int)items[i].kind);
			return -1;
		}
	}
	kind = n > 1 ? KIND_DIGEST : (int)items[0].kind;

	memset(&c, 0, sizeof c);
	c.lang = t->lang;
	c.items = items;
	c.n = n;
	c.kind = kind;
	c.item = &items[0];
	c.index = 1;

	out->id = items[0].reminder_id;
	out->kind = xstrdup(kind_names[kind]);
	out->office = xstrdup(items[0].office);
	out->subject = render_section(&c, t->sec[kind][SEC_SUBJECT],
	    SEC_SUBJECT);
	out->text = render_section(&c, t->sec[kind][SEC_TEXT], SEC_TEXT);
	out->markdown = render_section(&c, t->sec[kind][SEC_MARKDOWN],
	    SEC_MARKDOWN);
	out->html = render_section(&c, t->sec[kind][SEC_HTML], SEC_HTML);
	out->data = message_json(out, items, n);
	return 0;
}
