/*
 * Applying plans to the outbox.  See replan.h.
 *
 * Decisions (doc/reminders.md):
 *  - a task or rule without a policy uses the config's first policy; with
 *    no policy at all nothing is planned;
 *  - lead and assisting offices may be groups: each member office counts
 *    (a group as lead is "分别负责": every member is reminded as a lead);
 *  - a task that is done or retired, a case closed as a whole, a closed or
 *    paused milestone: their pending reminders are cancelled (the plan for
 *    them is empty), so a resume or reopen plans them afresh;
 *  - "since" is the last change of the item (task updated_at, the newest
 *    case event's recorded_at): reminders due between it and now are the
 *    catch-up, those before it are history.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "config.h"
#include "duband.h"
#include "plan.h"
#include "replan.h"
#include "store.h"
#include "timelimit.h"

#define MAX_OFFICES 64

/* A growing list of office names (borrowed from the config). */
struct office_list {
	const char	*name[MAX_OFFICES];
	size_t		 n;
};

static void
office_list_add(struct office_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return;
	if (l->n < MAX_OFFICES)
		l->name[l->n++] = name;
}

/* Adds an office, or every member of a group (groups may nest). */
static void
expand_office(const struct config *cf, const char *name,
    struct office_list *l, int depth)
{
	const struct office_conf *oc;
	const struct group_conf *gc;

	if ((oc = config_office(cf, name)) != NULL) {
		office_list_add(l, oc->name);
		return;
	}
	if ((gc = config_group(cf, name)) == NULL || depth > 8)
		return;
	for (size_t i = 0; i < gc->nmembers; i++)
		expand_office(cf, gc->members[i], l, depth + 1);
}

static const struct policy_conf *
policy_or_default(const struct config *cf, const char *name)
{
	if (name != NULL)
		return config_policy(cf, name);
	return cf->npolicies > 0 ? &cf->policies[0] : NULL;
}

static const struct calendar *
calendar_or_default(const struct config *cf, const char *name)
{
	const struct calendar_conf *cc = NULL;

	if (name != NULL)
		cc = config_calendar(cf, name);
	if (cc == NULL)
		cc = &cf->calendars[0];
	return cc->cal;
}

/* Offices of the item that acknowledged it. */
static int
acked_offices(struct duban *d, enum item_type type, int64_t id,
    const char *milestone, const char *lead, const struct office_list *assist,
    struct office_list *acked)
{
	struct store *st = d->store;
	int64_t at;

	if (st->ops->ack_get(st, type, id, milestone, lead, &at) == -1)
		return -1;
	if (at != 0)
		office_list_add(acked, lead);
	for (size_t i = 0; i < assist->n; i++) {
		if (st->ops->ack_get(st, type, id, milestone, assist->name[i],
		    &at) == -1)
			return -1;
		if (at != 0)
			office_list_add(acked, assist->name[i]);
	}
	return 0;
}

/* Appends p's rows to all (which owns only the array). */
static int
plan_append(struct plan *all, const struct plan *p)
{
	struct reminder_plan *grown;

	if (p->n == 0)
		return 0;
	grown = realloc(all->rows, (all->n + p->n) * sizeof *grown);
	if (grown == NULL)
		return -1;
	memcpy(grown + all->n, p->rows, p->n * sizeof *grown);
	all->rows = grown;
	all->n += p->n;
	all->provisional |= p->provisional;
	return 0;
}

/* Plans one deadline of an item into all. */
static int
plan_deadline(struct duban *d, struct plan_input *in, enum item_type type,
    int64_t id, const struct office_list *assist, struct plan *all)
{
	struct office_list acked = { .n = 0 };
	struct plan p = { NULL, 0, false };
	char err[256];
	int rc;

	if (acked_offices(d, type, id, in->milestone, in->lead, assist,
	    &acked) == -1) {
		log_err(&d->log, "%s", store_error(d->store));
		return -1;
	}
	in->assist = assist->name;
	in->nassist = assist->n;
	in->acked = acked.name;
	in->nacked = acked.n;
	if (plan_reminders(in, &p, err, sizeof err) == -1) {
		log_warn(&d->log, "%s %lld: no reminders: %s",
		    item_type_str(type), (long long)id, err);
		return 0;
	}
	rc = plan_append(all, &p);
	plan_free(&p);
	return rc;
}

static int
apply(struct duban *d, enum item_type type, int64_t id,
    const struct plan *all)
{
	struct store *st = d->store;
	int inserted, cancelled;

	if (st->ops->reminders_plan(st, type, id, all->rows, all->n,
	    clock_now(&d->clock), &inserted, &cancelled) == -1) {
		log_err(&d->log, "%s", store_error(st));
		return -1;
	}
	if (inserted != 0 || cancelled != 0)
		log_debug(&d->log, "%s %lld: %d reminders planned, %d "
		    "cancelled", item_type_str(type), (long long)id, inserted,
		    cancelled);
	return 0;
}

static int
replan_task_row(struct duban *d, const struct task_row *t)
{
	const struct config *cf = d->config;
	struct plan all = { NULL, 0, false };
	struct office_list leads = { .n = 0 }, assist = { .n = 0 };
	struct plan_input in;
	int rc = 0;

	memset(&in, 0, sizeof in);
	in.policy = policy_or_default(cf, t->rec.policy);
	/* A group leads as each of its members, each for its own part. */
	expand_office(cf, t->rec.lead, &leads, 0);
	if (t->retired_at == 0 && t->done_at == 0 && t->rec.due >= 0 &&
	    in.policy != NULL) {
		for (size_t i = 0; i < t->rec.nassist; i++)
			expand_office(cf, t->rec.assist[i], &assist, 0);
		in.config = cf;
		in.cal = calendar_or_default(cf, t->rec.calendar);
		in.deadline_day = t->rec.due;
		in.deadline_at = local_instant(t->rec.due, cf->deadline_secs);
		in.since = t->updated_at;
		in.now = clock_now(&d->clock);
		for (size_t i = 0; i < leads.n && rc == 0; i++) {
			in.lead = leads.name[i];
			rc = plan_deadline(d, &in, ITEM_TASK, t->id, &assist,
			    &all);
		}
	}
	if (rc == 0)
		rc = apply(d, ITEM_TASK, t->id, &all);
	free(all.rows);
	return rc;
}

struct tl_event *
case_tl_events(const struct case_event_rec *recs, size_t n)
{
	struct tl_event *ev = calloc(n > 0 ? n : 1, sizeof *ev);

	if (ev == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		ev[i].kind = recs[i].kind;
		ev[i].at = recs[i].at;
		ev[i].milestone = recs[i].milestone;
	}
	return ev;
}

/* Plans every milestone of an open case that is running. */
static int
plan_case(struct duban *d, const struct case_row *c,
    const struct case_event_rec *recs, size_t nrecs, struct plan *all)
{
	const struct config *cf = d->config;
	const struct rule_conf *rc = config_rule(cf, c->rule);
	const struct office_conf *lead = config_office(cf, c->office);
	struct office_list assist = { .n = 0 };
	struct tl_deadline dl;
	struct tl_event *ev;
	struct plan_input in;
	int64_t since = 0;
	char err[256];
	int ret = 0;

	if (rc == NULL || lead == NULL) {
		log_warn(&d->log, "case %s: rule \"%s\" or office \"%s\" is no "
		    "longer configured; no reminders", c->ref, c->rule,
		    c->office);
		return 0;
	}
	if ((ev = case_tl_events(recs, nrecs)) == NULL)
		return -1;
	for (size_t i = 0; i < nrecs; i++)
		if (recs[i].recorded_at > since)
			since = recs[i].recorded_at;
	for (size_t m = 0; m < rc->rule.nmilestones && ret == 0; m++) {
		if (tl_deadline(&rc->rule, m, ev, nrecs, &dl, err,
		    sizeof err) == -1) {
			log_warn(&d->log, "case %s: %s", c->ref, err);
			continue;
		}
		if (dl.status != TL_RUNNING)
			continue;
		memset(&in, 0, sizeof in);
		in.config = cf;
		in.policy = policy_or_default(cf, rc->policy);
		if (in.policy == NULL)
			break;
		in.cal = rc->rule.cal;
		in.milestone = rc->rule.nmilestones > 1 ?
		    rc->rule.milestones[m].name : NULL;
		in.deadline_day = dl.day;
		in.deadline_at = dl.at;
		in.lead = lead->name;
		in.since = since;
		in.now = clock_now(&d->clock);
		ret = plan_deadline(d, &in, ITEM_CASE, c->id, &assist, all);
	}
	free(ev);
	return ret;
}

static int
replan_case_row(struct duban *d, const struct case_row *c)
{
	struct store *st = d->store;
	struct case_event_rec *recs = NULL;
	struct plan all = { NULL, 0, false };
	size_t nrecs = 0;
	int rc = 0;

	if (!c->closed) {
		if (st->ops->case_events(st, c->id, &recs, &nrecs) == -1) {
			log_err(&d->log, "%s", store_error(st));
			return -1;
		}
		rc = plan_case(d, c, recs, nrecs, &all);
	}
	if (rc == 0)
		rc = apply(d, ITEM_CASE, c->id, &all);
	free(all.rows);
	case_events_free(recs, nrecs);
	return rc;
}

int
replan_item(struct duban *d, enum item_type type, int64_t id)
{
	struct store *st = d->store;
	struct task_row *t = NULL;
	struct case_row *c = NULL;
	int rc;

	if (type == ITEM_TASK) {
		if (st->ops->task_get_id(st, id, &t) == -1)
			goto store_error;
		rc = t != NULL ? replan_task_row(d, t) : 0;
		task_rows_free(t, t != NULL);
		return rc;
	}
	if (st->ops->case_get(st, id, &c) == -1)
		goto store_error;
	rc = c != NULL ? replan_case_row(d, c) : 0;
	case_rows_free(c, c != NULL);
	return rc;
store_error:
	log_err(&d->log, "%s", store_error(st));
	return -1;
}

int
replan_all(struct duban *d)
{
	struct store *st = d->store;
	struct task_row *tasks = NULL;
	struct case_row *cases = NULL;
	size_t ntasks = 0, ncases = 0;
	int rc = 0;

	if (st->ops->tasks(st, NULL, true, &tasks, &ntasks) == -1 ||
	    st->ops->cases(st, false, &cases, &ncases) == -1) {
		log_err(&d->log, "%s", store_error(st));
		task_rows_free(tasks, ntasks);
		return -1;
	}
	if (st->ops->begin(st) == -1)
		rc = -1;
	for (size_t i = 0; i < ntasks && rc == 0; i++)
		rc = replan_task_row(d, &tasks[i]);
	for (size_t i = 0; i < ncases && rc == 0; i++)
		rc = replan_case_row(d, &cases[i]);
	if (rc == 0 && st->ops->commit(st) == -1)
		rc = -1;
	if (rc == -1) {
		log_err(&d->log, "replanning failed: %s", store_error(st));
		st->ops->rollback(st);
	}
	task_rows_free(tasks, ntasks);
	case_rows_free(cases, ncases);
	log_info(&d->log, "planned reminders for %zu tasks and %zu open cases",
	    ntasks, ncases);
	return rc;
}
