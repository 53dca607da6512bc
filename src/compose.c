/*
 * Composing messages from reminder rows.  See compose.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ack.h"
#include "calendar.h"
#include "clock.h"
#include "compose.h"
#include "config.h"
#include "date.h"
#include "duband.h"
#include "message.h"
#include "render.h"
#include "replan.h"
#include "store.h"
#include "target.h"

/* What one row's render_item borrows from, freed after rendering. */
struct item_info {
	struct task_row		*task;
	struct case_row		*kase;
	char			 rule[256];
	char			 milestone[128];
	char			 ack_url[512];
	char			 failure[256];
	char			 progress[1100];	/* a target and a number */
	char			 period_complete[160];
};

static const char *
unit_text(enum dur_unit unit, bool zh)
{
	switch (unit) {
	case DUR_WORKDAYS:
		return zh ? "个工作日" : " working days";
	case DUR_DAYS:
		return zh ? "日" : " days";
	case DUR_HOURS:
		return zh ? "小时" : " hours";
	case DUR_WORKHOURS:
		return zh ? "个工作小时" : " working hours";
	}
	return "";
}

/* "依申请公开答复：20个工作日，已延期1次" / "...: 20 working days, extended once". */
static void
rule_summary(const struct rule_conf *rc, size_t m, int extensions, bool zh,
    char *buf, size_t len)
{
	const struct duration *lim = &rc->rule.milestones[m].limit;
	int n = snprintf(buf, len, "%s%s%d%s", rc->rule.title,
	    zh ? "：" : ": ", lim->n, unit_text(lim->unit, zh));

	if (extensions <= 0 || n < 0 || (size_t)n >= len)
		return;
	if (zh)
		snprintf(buf + n, len - (size_t)n, "，已延期%d次", extensions);
	else if (extensions == 1)
		snprintf(buf + n, len - (size_t)n, ", extended once");
	else
		snprintf(buf + n, len - (size_t)n, ", extended %d times",
		    extensions);
}

/*
 * The reminder on the pseudo-milestone "minimum" (replan.c): the minimum
 * period of the milestone whose minimum ends at the row's deadline is
 * complete, "最短期限（30日）已满，可以办结".
 */
static void
period_complete_text(const struct rule_conf *rc, const struct tl_event *ev,
    size_t nev, int64_t deadline_at, bool zh, char *buf, size_t len)
{
	const struct duration *min = NULL;
	char err[256];
	int64_t at;
	int day;

	for (size_t m = 0; m < rc->rule.nmilestones; m++) {
		const struct duration *d = &rc->rule.milestones[m].minimum;

		if (d->n == 0)
			continue;
		if (min == NULL)
			min = d;
		if (ev != NULL && tl_minimum_end(&rc->rule, m, ev, nev, &day,
		    &at, err, sizeof err) == 1 && at == deadline_at) {
			min = d;
			break;
		}
	}
	if (min == NULL)
		snprintf(buf, len, "%s", zh ? "最短期限已满，可以办结" :
		    "minimum period complete: the case may now be closed");
	else if (zh)
		snprintf(buf, len, "最短期限（%d%s）已满，可以办结", min->n,
		    unit_text(min->unit, zh));
	else
		snprintf(buf, len, "minimum period (%d%s) complete: the case "
		    "may now be closed", min->n, unit_text(min->unit, zh));
}

static const struct calendar *
item_calendar(const struct config *cf, const char *name)
{
	const struct calendar_conf *cc = name != NULL ?
	    config_calendar(cf, name) : NULL;

	return (cc != NULL ? cc : &cf->calendars[0])->cal;
}

/* Fills a case row's rule text and milestone title. */
static int
describe_case(struct duban *d, const struct reminder *r,
    struct item_info *info, const struct calendar **cal)
{
	const struct config *cf = d->config;
	const struct rule_conf *rc = config_rule(cf, info->kase->rule);
	struct case_event_rec *recs = NULL;
	struct tl_event *ev;
	struct tl_deadline dl;
	size_t nrecs = 0, m = 0;
	bool zh = strcmp(cf->language, "en") != 0;
	char err[256];

	if (rc == NULL)
		return 0;
	*cal = rc->rule.cal;
	if (r->milestone != NULL) {
		int i = tl_milestone_index(&rc->rule, r->milestone);

		if (i >= 0)
			m = (size_t)i;
	}
	if (rc->milestone_title != NULL && rc->milestone_title[m] != NULL)
		snprintf(info->milestone, sizeof info->milestone, "%s",
		    rc->milestone_title[m]);
	else if (r->milestone != NULL)
		snprintf(info->milestone, sizeof info->milestone, "%s",
		    r->milestone);
	if (d->store->ops->case_events(d->store, info->kase->id, &recs,
	    &nrecs) == -1)
		return -1;
	dl.extensions = 0;
	if ((ev = case_tl_events(recs, nrecs)) != NULL &&
	    tl_deadline(&rc->rule, m, ev, nrecs, &dl, err, sizeof err) == -1)
		dl.extensions = 0;
	if (r->milestone != NULL && strcmp(r->milestone, "minimum") == 0)
		period_complete_text(rc, ev, nrecs, r->deadline_at, zh,
		    info->period_complete, sizeof info->period_complete);
	free(ev);
	case_events_free(recs, nrecs);
	rule_summary(rc, m, dl.extensions, zh, info->rule, sizeof info->rule);
	return 0;
}

/* "提醒 #12（发给综合处，渠道 zonghe-wecom）投递失败" */
static int
describe_failure(struct duban *d, const struct reminder *r,
    struct item_info *info)
{
	struct reminder *failed = NULL;
	bool en = strcmp(d->config->language, "en") == 0;

	if (d->store->ops->reminder_get(d->store, r->about, &failed) == -1)
		return -1;
	if (failed == NULL)
		snprintf(info->failure, sizeof info->failure, en ?
		    "reminder #%lld could not be delivered" :
		    "提醒 #%lld 投递失败", (long long)r->about);
	else
		snprintf(info->failure, sizeof info->failure, en ?
		    "reminder #%lld to %s on channel %s could not be "
		    "delivered; see `dubanctl reminder list --state failed`" :
		    "提醒 #%lld（发给%s，渠道 %s）投递失败，详见 "
		    "`dubanctl reminder list --state failed`",
		    (long long)r->about, failed->office, failed->channel);
	reminders_free(failed, failed != NULL);
	return 0;
}

/* The task's latest progress as "7/12家", or "" when none. */
static int
describe_progress(struct store *st, struct item_info *info)
{
	struct task_progress_rec *p = NULL;
	size_t n = 0;

	info->progress[0] = '\0';
	if (info->task->rec.target == NULL)
		return 0;
	if (st->ops->task_progress(st, info->task->id, &p, &n) == -1)
		return -1;
	if (n > 0)
		target_progress_text(p[n - 1].value, info->task->rec.target,
		    info->progress, sizeof info->progress);
	task_progress_free(p, n);
	return 0;
}

static int
describe(struct duban *d, const struct reminder *r, struct item_info *info,
    struct render_item *it)
{
	const struct config *cf = d->config;
	struct store *st = d->store;
	const struct calendar *cal = cf->calendars[0].cal;
	int today = local_day(clock_now(&d->clock)), left;
	char token[128];

	memset(it, 0, sizeof *it);
	it->reminder_id = r->id;
	it->kind = r->kind;
	it->item_type = item_type_str(r->item_type);
	it->office = r->office;
	it->deadline_at = r->deadline_at;
	it->deadline_day = local_day(r->deadline_at);
	if (r->item_type == ITEM_TASK) {
		if (st->ops->task_get_id(st, r->item_id, &info->task) == -1)
			return -1;
		if (info->task == NULL)
			return 0;
		it->number = info->task->rec.key;
		it->title = info->task->rec.title;
		it->lead = info->task->rec.lead;
		it->assist = info->task->rec.assist;
		it->nassist = info->task->rec.nassist;
		cal = item_calendar(cf, info->task->rec.calendar);
		if (describe_progress(st, info) == -1)
			return -1;
		it->progress = info->progress[0] != '\0' ? info->progress :
		    NULL;
	} else {
		if (st->ops->case_get(st, r->item_id, &info->kase) == -1)
			return -1;
		if (info->kase == NULL)
			return 0;
		it->number = info->kase->ref;
		it->title = info->kase->title;
		it->lead = info->kase->office;
		if (describe_case(d, r, info, &cal) == -1)
			return -1;
		it->rule = info->rule[0] != '\0' ? info->rule : NULL;
		it->milestone = info->milestone[0] != '\0' ? info->milestone :
		    NULL;
		it->period_complete = info->period_complete[0] != '\0' ?
		    info->period_complete : NULL;
	}
	if (calendar_count_workdays(cal, today, it->deadline_day, &left) >= 0)
		it->workdays_left = left;
	if (r->kind == RK_NOTICE) {
		/* A calendar notice (replan.c): the first affected item. */
		it->calendar = calendar_name(cal);
		it->year = day_year(it->deadline_day);
		it->affected = replan_provisional_count(d, it->calendar,
		    it->year);
		return it->affected < 0 ? -1 : 0;
	}
	it->provisional = !calendar_year_announced(cal,
	    day_year(it->deadline_day));
	if (cf->ack_base_url != NULL && r->kind != RK_FAILURE) {
		snprintf(info->ack_url, sizeof info->ack_url, "%s%s",
		    cf->ack_base_url, ack_token(d->ack_key, r->id, token,
		    sizeof token));
		it->ack_url = info->ack_url;
	}
	if (r->kind == RK_FAILURE) {
		if (describe_failure(d, r, info) == -1)
			return -1;
		it->failure = info->failure;
	}
	return 0;
}

/* The office's e-mail addresses, copied into the message. */
static int
add_recipients(const struct config *cf, const char *office,
    struct message *m)
{
	const struct office_conf *oc = config_office(cf, office);

	if (oc == NULL || oc->nemail == 0)
		return 0;
	if ((m->to = calloc(oc->nemail, sizeof *m->to)) == NULL)
		return -1;
	for (size_t i = 0; i < oc->nemail; i++) {
		if ((m->to[i] = strdup(oc->email[i])) == NULL)
			return -1;
		m->nto++;
	}
	return 0;
}

int
compose_message(struct duban *d, const struct reminder *rows, size_t n,
    struct message *out, char *err, size_t errlen)
{
	struct item_info *info = calloc(n, sizeof *info);
	struct render_item *items = calloc(n, sizeof *items);
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (info == NULL || items == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (describe(d, &rows[i], &info[i], &items[i]) == -1) {
			snprintf(err, errlen, "%s", store_error(d->store));
			goto out;
		}
		if (items[i].number == NULL) {
			snprintf(err, errlen, "reminder %lld: its %s %lld is "
			    "gone", (long long)rows[i].id,
			    item_type_str(rows[i].item_type),
			    (long long)rows[i].item_id);
			goto out;
		}
	}
	if (render_message(d->templates, items, n, out, err, errlen) == -1)
		goto out;
	if (add_recipients(d->config, rows[0].office, out) == -1) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; info != NULL && i < n; i++) {
		task_rows_free(info[i].task, info[i].task != NULL);
		case_rows_free(info[i].kase, info[i].kase != NULL);
	}
	free(info);
	free(items);
	if (rc == -1)
		message_free(out);
	return rc;
}
