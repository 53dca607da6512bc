/*
 * Reminder planning.  See plan.h.
 *
 * Decisions (user-visible):
 *  - The window start of a day is the start of the policy's first hours
 *    range, or 09:00 when the policy has no hours.  Reminders counted in
 *    days or working days go at the window start of their day; those
 *    counted in hours keep their time of day.  Every time then moves to the
 *    next window when it falls outside the hours or on a day off (no hours:
 *    only the day-based ones are placed at 09:00, nothing else moves).
 *  - `before` counts back from the deadline day in working days ("workdays",
 *    via calendar_add_workdays(day, -N)) or calendar days ("days"), or back
 *    from the deadline instant ("hours"; "workhours": office hours of the
 *    item's calendar, calendar_add_workhours, so "4 workhours" before a
 *    23:59:59 deadline with 09:00-12:00,13:30-17:30 is 13:30 that day).  A before reminder that quiet
 *    hours push to the deadline instant or later is dropped: the due and
 *    overdue reminders cover that time.
 *  - `overdue_every` and `escalate_after` count forward from the deadline
 *    day the same way ("hours": from the deadline instant).
 *  - Overdue repeats stop quietly at the end of the supported span
 *    (2199-12-31); any other calendar error fails the plan.
 *  - The escalation goes on every channel of the lead office's supervisor;
 *    it is planned whether or not the item was acknowledged (an
 *    acknowledgement stops repeats, not escalation).
 *  - Offices are looked up by name or alias; rows name the office by its
 *    configured name.  An office (or supervisor) missing from the config
 *    gets no rows.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "config.h"
#include "date.h"
#include "parse.h"

#define DEFAULT_WINDOW_START (9 * 3600)
#define NO_TIME INT64_MIN

struct planner {
	const struct plan_input	*in;
	struct plan		*out;
	size_t			 cap;
	int			 window_start;	/* seconds after midnight */
	char			*err;
	size_t			 errlen;
};

/* The overdue repeats common to every office and channel. */
struct overdue_times {
	int64_t		*at;		/* due at or after since */
	size_t		 n;
	int64_t		 last_missed;	/* the latest before since; NO_TIME */
};

/* Like config.c: running out of memory is fatal. */
static void *
xreallocarray(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n, size)) == NULL)
		abort();
	return p;
}

static enum cal_status
status_merge(enum cal_status a, enum cal_status b)
{
	if (a < 0)
		return a;
	if (b < 0)
		return b;
	return a == CAL_PROVISIONAL || b == CAL_PROVISIONAL ?
	    CAL_PROVISIONAL : CAL_OK;
}

/* plan_next_window with the calendar's status. */
static enum cal_status
window_at(const struct policy_conf *policy, const struct calendar *cal,
    int64_t t, int64_t *out)
{
	const struct office_hours *h = &policy->hours;
	enum cal_status st, next_st;
	bool workday;
	int day, secs;

	if (h->n == 0) {
		*out = t;
		return CAL_OK;
	}
	day = local_day(t);
	secs = local_secs(t);
	if ((st = calendar_is_workday(cal, day, &workday)) < 0)
		return st;
	if (workday) {
		for (size_t i = 0; i < h->n; i++) {
			if (secs < h->range[i].from) {
				*out = local_instant(day, h->range[i].from);
				return st;
			}
			if (secs < h->range[i].to) {
				*out = t;
				return st;
			}
		}
	}
	if (day >= DAY_MAX)
		return CAL_ERANGE;
	next_st = calendar_next_workday(cal, day + 1, &day);
	if ((st = status_merge(st, next_st)) < 0)
		return st;
	*out = local_instant(day, h->range[0].from);
	return st;
}

int64_t
plan_next_window(const struct policy_conf *policy, const struct calendar *cal,
    int64_t t)
{
	int64_t at;

	if (window_at(policy, cal, t, &at) < 0)
		return t;
	return at;
}

/* Records a calendar status: provisional flags the plan, errors fail it. */
static int
planner_status(struct planner *p, enum cal_status st)
{
	char day[DAY_STRLEN];

	if (st == CAL_PROVISIONAL)
		p->out->provisional = true;
	if (st >= 0)
		return 0;
	snprintf(p->err, p->errlen, "planning reminders for the deadline %s "
	    "(calendar %s): %s", day_format(p->in->deadline_day, day),
	    calendar_name(p->in->cal), cal_status_str(st));
	return -1;
}

/* The window start of day, moved to the next window if needed. */
static enum cal_status
day_window(const struct planner *p, int day, int64_t *at)
{
	return window_at(p->in->policy, p->in->cal,
	    local_instant(day, p->window_start), at);
}

/*
 * n office hours of the calendar away from the deadline instant, in the
 * next window; CAL_ENOHOURS on a calendar without office_hours (config.c
 * refuses such a policy on such a calendar).
 */
static enum cal_status
workhours_time(const struct planner *p, int64_t n, int64_t *at)
{
	const struct plan_input *in = p->in;
	struct cal_time from = { local_day(in->deadline_at),
	    local_secs(in->deadline_at) }, to;
	enum cal_status st, win_st;

	if (n < -INT64_MAX / 3600 || n > INT64_MAX / 3600)
		return CAL_ERANGE;
	if ((st = calendar_add_workhours(in->cal, from, n * 3600, &to)) < 0)
		return st;
	win_st = window_at(in->policy, in->cal, local_instant(to.day,
	    to.secs), at);
	return status_merge(st, win_st);
}

/*
 * The time n units away from the deadline (n < 0: before it), in the next
 * window.
 */
static enum cal_status
offset_time(const struct planner *p, enum dur_unit unit, int64_t n,
    int64_t *at)
{
	const struct plan_input *in = p->in;
	enum cal_status st, win_st;
	int day;

	switch (unit) {
	case DUR_WORKDAYS:
	case DUR_DAYS:
		if (n < -DAY_MAX || n > DAY_MAX)
			return CAL_ERANGE;
		if (unit == DUR_WORKDAYS)
			st = calendar_add_workdays(in->cal, in->deadline_day,
			    (int)n, &day);
		else
			st = calendar_add_days(in->cal, in->deadline_day,
			    (int)n, false, &day);
		if (st < 0)
			return st;
		win_st = day_window(p, day, at);
		return status_merge(st, win_st);
	case DUR_HOURS:
		return window_at(in->policy, in->cal, in->deadline_at +
		    n * 3600, at);
	case DUR_WORKHOURS:
		return workhours_time(p, n, at);
	}
	return CAL_ERANGE;
}

static void
add_row(struct planner *p, const char *office, const char *channel,
    enum reminder_kind kind, int64_t due_at)
{
	struct plan *out = p->out;
	struct reminder_plan *row;

	if (out->n == p->cap) {
		p->cap = p->cap == 0 ? 32 : p->cap * 2;
		out->rows = xreallocarray(out->rows, p->cap, sizeof *out->rows);
	}
	row = &out->rows[out->n++];
	row->milestone = p->in->milestone;
	row->office = office;
	row->channel = channel;
	row->kind = kind;
	row->due_at = due_at;
	row->deadline_at = p->in->deadline_at;
}

static void
add_office_rows(struct planner *p, const struct office_conf *oc,
    enum reminder_kind kind, int64_t due_at)
{
	for (size_t i = 0; i < oc->nchannels; i++)
		add_row(p, oc->name, oc->channels[i], kind, due_at);
}

static bool
office_acked(const struct plan_input *in, const struct office_conf *oc)
{
	for (size_t i = 0; i < in->nacked; i++) {
		if (strcmp(in->acked[i], oc->name) == 0 ||
		    config_office(in->config, in->acked[i]) == oc)
			return true;
	}
	return false;
}

static int
plan_before(struct planner *p, const struct office_conf *oc)
{
	const struct policy_conf *policy = p->in->policy;
	enum cal_status st;
	int64_t at;

	for (size_t i = 0; i < policy->nbefore; i++) {
		const struct duration *d = &policy->before[i];
		int64_t n = d->n < 0 ? d->n : -(int64_t)d->n;

		st = offset_time(p, d->unit, n, &at);
		if (planner_status(p, st) == -1)
			return -1;
		if (at >= p->in->since && at < p->in->deadline_at)
			add_office_rows(p, oc, RK_BEFORE, at);
	}
	return 0;
}

/*
 * The overdue repeats: those before since are skipped but the latest of
 * them is remembered; then PLAN_OVERDUE_AHEAD distinct times past
 * max(now, since).
 */
static int
overdue_times(struct planner *p, struct overdue_times *ot)
{
	const struct plan_input *in = p->in;
	const struct duration *every = &in->policy->overdue_every;
	int64_t horizon = in->now > in->since ? in->now : in->since;
	int64_t at, prev = NO_TIME;
	enum cal_status st;
	size_t ahead = 0, cap = 0;

	ot->at = NULL;
	ot->n = 0;
	ot->last_missed = NO_TIME;
	if (every->n <= 0)
		return 0;
	for (int64_t k = 1; ahead < PLAN_OVERDUE_AHEAD; k++) {
		st = offset_time(p, every->unit, k * every->n, &at);
		if (st == CAL_ERANGE)
			break;		/* the end of the supported span */
		if (planner_status(p, st) == -1) {
			free(ot->at);
			ot->at = NULL;
			return -1;
		}
		if (at == prev)
			continue;	/* quiet hours folded two repeats */
		prev = at;
		if (at < in->since) {
			ot->last_missed = at;
			continue;
		}
		if (ot->n == cap) {
			cap = cap == 0 ? PLAN_OVERDUE_AHEAD * 2 : cap * 2;
			ot->at = xreallocarray(ot->at, cap, sizeof *ot->at);
		}
		ot->at[ot->n++] = at;
		if (at > horizon)
			ahead++;
	}
	return 0;
}

/*
 * Due and overdue rows of one office.  Of the rows before since, only the
 * latest due-or-overdue one is kept, so an item planned late reminds once.
 */
static void
plan_due_overdue(struct planner *p, const struct office_conf *oc,
    int64_t due_at, const struct overdue_times *ot)
{
	int64_t since = p->in->since;
	bool acked = office_acked(p->in, oc);
	bool missed = !acked && ot->last_missed != NO_TIME;

	if (due_at != NO_TIME && (due_at >= since || !missed ||
	    due_at > ot->last_missed))
		add_office_rows(p, oc, RK_DUE, due_at);
	if (acked)
		return;
	if (missed && (due_at == NO_TIME || due_at >= since ||
	    ot->last_missed >= due_at))
		add_office_rows(p, oc, RK_OVERDUE, ot->last_missed);
	for (size_t i = 0; i < ot->n; i++)
		add_office_rows(p, oc, RK_OVERDUE, ot->at[i]);
}

static int
plan_escalation(struct planner *p, const struct office_conf *lead)
{
	const struct duration *after = &p->in->policy->escalate_after;
	const struct office_conf *sup;
	enum cal_status st;
	int64_t at;

	if (after->n <= 0 || lead->supervisor == NULL ||
	    (sup = config_office(p->in->config, lead->supervisor)) == NULL)
		return 0;
	st = offset_time(p, after->unit, after->n, &at);
	if (planner_status(p, st) == -1)
		return -1;
	add_office_rows(p, sup, RK_ESCALATION, at);
	return 0;
}

static int
plan_office(struct planner *p, const struct office_conf *oc,
    const struct overdue_times *ot, int64_t due_at)
{
	if (plan_before(p, oc) == -1)
		return -1;
	plan_due_overdue(p, oc, due_at, ot);
	return 0;
}

static int
compare_rows(const void *a, const void *b)
{
	const struct reminder_plan *x = a, *y = b;
	int c;

	if (x->due_at != y->due_at)
		return x->due_at < y->due_at ? -1 : 1;
	if ((c = strcmp(x->office, y->office)) != 0)
		return c;
	if ((c = strcmp(x->channel, y->channel)) != 0)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return 0;
}

/* Sorts, then drops identical rows (an office both lead and assisting). */
static void
sort_unique(struct plan *out)
{
	size_t kept = 0;

	if (out->n == 0)
		return;
	qsort(out->rows, out->n, sizeof *out->rows, compare_rows);
	for (size_t i = 1; i < out->n; i++) {
		if (compare_rows(&out->rows[kept], &out->rows[i]) != 0)
			out->rows[++kept] = out->rows[i];
	}
	out->n = kept + 1;
}

static int
plan_offices(struct planner *p, const struct overdue_times *ot,
    int64_t due_at)
{
	const struct plan_input *in = p->in;
	const struct office_conf *lead, *oc;

	if ((lead = config_office(in->config, in->lead)) != NULL) {
		if (plan_office(p, lead, ot, due_at) == -1 ||
		    plan_escalation(p, lead) == -1)
			return -1;
	}
	if (!in->policy->notify_assist)
		return 0;
	for (size_t i = 0; i < in->nassist; i++) {
		if ((oc = config_office(in->config, in->assist[i])) != NULL &&
		    plan_office(p, oc, ot, due_at) == -1)
			return -1;
	}
	return 0;
}

int
plan_reminders(const struct plan_input *in, struct plan *out, char *err,
    size_t errlen)
{
	struct planner p = {
		.in = in,
		.out = out,
		.cap = 0,
		.window_start = in->policy->hours.n > 0 ?
		    in->policy->hours.range[0].from : DEFAULT_WINDOW_START,
		.err = err,
		.errlen = errlen,
	};
	struct overdue_times ot;
	int64_t due_at = NO_TIME;
	int rc;

	out->rows = NULL;
	out->n = 0;
	out->provisional = false;
	if (in->policy->at_deadline &&
	    planner_status(&p, day_window(&p, in->deadline_day, &due_at)) == -1)
		return -1;
	if (overdue_times(&p, &ot) == -1)
		return -1;
	rc = plan_offices(&p, &ot, due_at);
	free(ot.at);
	if (rc == -1) {
		plan_free(out);
		return -1;
	}
	sort_unique(out);
	return 0;
}

void
plan_free(struct plan *plan)
{
	free(plan->rows);
	plan->rows = NULL;
	plan->n = 0;
}

int
plan_minimum(const struct plan_input *in, struct plan *out, char *err,
    size_t errlen)
{
	struct planner p = {
		.in = in,
		.out = out,
		.cap = 0,
		.window_start = in->policy->hours.n > 0 ?
		    in->policy->hours.range[0].from : DEFAULT_WINDOW_START,
		.err = err,
		.errlen = errlen,
	};
	const struct office_conf *lead;
	int64_t at;
	int day = in->deadline_day;

	out->rows = NULL;
	out->n = 0;
	out->provisional = false;
	if ((lead = config_office(in->config, in->lead)) == NULL)
		return 0;
	/* The first window start after the period is complete. */
	if (local_secs(in->deadline_at) > p.window_start && day < DAY_MAX)
		day++;
	if (planner_status(&p, day_window(&p, day, &at)) == -1)
		return -1;
	if (at >= in->since)
		add_office_rows(&p, lead, RK_DUE, at);
	sort_unique(out);
	return 0;
}
