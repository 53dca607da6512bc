/*
 * Applying plans to the outbox.  See replan.h.
 *
 * Decisions (doc/reminders.md):
 *  - a task or rule without a policy uses the config's first policy; with
 *    no policy at all nothing is planned;
 *  - lead and assisting offices may be groups: each member office counts
 *    (a group as lead is "分别负责": every member is reminded as a lead);
 *  - parts ("分别负责", replan_task_parts): each office with a part of a
 *    task is reminded as a lead (escalating to its own supervisor) until
 *    its part is done; a single-office lead and the assisting offices
 *    until the whole task is;
 *  - a task that is done or retired, a case closed as a whole, a closed or
 *    paused milestone: their pending reminders are cancelled (the plan for
 *    them is empty), so a resume or reopen plans them afresh;
 *  - "since" is the last change of the item (task updated_at, the newest
 *    case event's recorded_at): reminders due between it and now are the
 *    catch-up, those before it are history;
 *  - start-up and reload replan every item only when the planning
 *    fingerprint changed (replan_all_if_changed): any edit of a config file
 *    that defines a section (a comment included), a calendar change (ICS
 *    files too), another duband version or schema.  The fingerprint is
 *    stored in the meta table after a replan commits, so a crash during
 *    one replans again at the next start;
 *  - replan_item runs in a transaction of its own;
 *  - provisional deadlines (a year the calendar does not cover) get
 *    admin_office one notice per calendar and year, planned with the
 *    first affected item (see "Provisional deadlines" below).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "clock.h"
#include "config.h"
#include "date.h"
#include "duband.h"
#include "plan.h"
#include "replan.h"
#include "store.h"
#include "timelimit.h"

#define MAX_OFFICES 64

static int provisional_notice(struct duban *, enum item_type, int64_t,
    const struct provisional *, struct plan *);

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

/*
 * Like expand_office, but an office the config does not know stays as
 * written: an imported office may have a part too.
 */
static void
expand_part(const struct config *cf, const char *name, struct office_list *l,
    int depth)
{
	const struct office_conf *oc;
	const struct group_conf *gc;

	if ((oc = config_office(cf, name)) != NULL)
		office_list_add(l, oc->name);
	else if ((gc = config_group(cf, name)) == NULL)
		office_list_add(l, name);
	else if (depth <= 8)
		for (size_t i = 0; i < gc->nmembers; i++)
			expand_part(cf, gc->members[i], l, depth + 1);
}

size_t
replan_task_parts(const struct config *cf, const struct task_rec *rec,
    const char **parts)
{
	struct office_list l = { .n = 0 };

	_Static_assert(REPLAN_PARTS_MAX >= MAX_OFFICES, "parts fit");
	if (config_office(cf, rec->lead) == NULL &&
	    config_group(cf, rec->lead) != NULL)
		expand_part(cf, rec->lead, &l, 0);
	for (size_t i = 0; i < rec->nresponsible; i++)
		expand_part(cf, rec->responsible[i], &l, 0);
	memcpy(parts, l.name, l.n * sizeof *parts);
	return l.n;
}

static bool
office_listed(const struct office_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return true;
	return false;
}

/* The recorded part of office, or NULL. */
static const struct task_part *
part_find(const struct task_part *parts, size_t n, const char *office)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(parts[i].office, office) == 0)
			return &parts[i];
	return NULL;
}

/*
 * Plans a task's leads (each member of a lead group) with the assisting
 * offices, then each other part's office as a lead of its own.  An office
 * whose part is done gets nothing.  A part reopened counts its catch-up
 * from the reopening, not from the task's last change.
 */
static int
plan_task_offices(struct duban *d, const struct task_row *t,
    struct plan_input *in, const struct office_list *leads,
    const struct office_list *assist, struct plan *all)
{
	const struct office_list none = { .n = 0 };
	const char *parts[REPLAN_PARTS_MAX];
	const struct task_part *p;
	struct task_part *rec = NULL;
	size_t nparts, nrec = 0;
	int rc = 0;

	nparts = replan_task_parts(d->config, &t->rec, parts);
	if (nparts > 0 && d->store->ops->task_parts(d->store, t->id, &rec,
	    &nrec) == -1) {
		log_err(&d->log, "%s", store_error(d->store));
		return -1;
	}
	for (size_t i = 0; i < leads->n + nparts && rc == 0; i++) {
		bool lead = i < leads->n;

		in->lead = lead ? leads->name[i] : parts[i - leads->n];
		if (!lead && office_listed(leads, in->lead))
			continue;
		in->since = t->updated_at;
		if ((p = part_find(rec, nrec, in->lead)) != NULL) {
			if (p->done_at != 0)
				continue;
			if (p->updated_at > in->since)
				in->since = p->updated_at;
		}
		rc = plan_deadline(d, in, ITEM_TASK, t->id, lead ? assist :
		    &none, all);
	}
	task_parts_free(rec, nrec);
	return rc;
}

static int
replan_task_row(struct duban *d, const struct task_row *t)
{
	const struct config *cf = d->config;
	struct plan all = { NULL, 0, false };
	struct office_list leads = { .n = 0 }, assist = { .n = 0 };
	struct provisional prov;
	struct plan_input in;
	int rc = 0;

	memset(&in, 0, sizeof in);
	in.policy = policy_or_default(cf, t->rec.policy);
	/* A group leads as each of its members, each for its own part. */
	expand_office(cf, t->rec.lead, &leads, 0);
	/* A recurring task is a template: its occurrences are reminded. */
	if (t->retired_at == 0 && t->done_at == 0 && t->rec.due >= 0 &&
	    t->rec.repeat == NULL && in.policy != NULL) {
		for (size_t i = 0; i < t->rec.nassist; i++)
			expand_office(cf, t->rec.assist[i], &assist, 0);
		in.config = cf;
		in.cal = calendar_or_default(cf, t->rec.calendar);
		in.deadline_day = t->rec.due;
		in.deadline_at = local_instant(t->rec.due, cf->deadline_secs);
		in.since = t->updated_at;
		in.now = clock_now(&d->clock);
		rc = plan_task_offices(d, t, &in, &leads, &assist, &all);
	}
	if (rc == 0 && replan_task_provisional(cf, t, &prov))
		rc = provisional_notice(d, ITEM_TASK, t->id, &prov, &all);
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

/*
 * The reminder that milestone m's minimum period is complete, while the
 * milestone is open and a close would still be refused before it: a row
 * on the pseudo-milestone "minimum" (kind due) for the lead office.
 */
static int
plan_case_minimum(struct duban *d, const struct case_row *c,
    const struct rule_conf *rc, size_t m, const struct tl_event *ev,
    size_t nev, struct plan_input *in, struct plan *all)
{
	struct plan p = { NULL, 0, false };
	char err[256];
	int64_t at;
	int day, found, ret;

	found = tl_minimum_end(&rc->rule, m, ev, nev, &day, &at, err,
	    sizeof err);
	if (found == 0)
		return 0;
	if (found == 1) {
		in->deadline_day = day;
		in->deadline_at = at;
		in->milestone = "minimum";
		found = plan_minimum(in, &p, err, sizeof err);
	}
	if (found == -1) {
		log_warn(&d->log, "case %s: minimum period: %s", c->ref, err);
		return 0;
	}
	/* Milestones sharing the rule's minimum get one reminder. */
	for (size_t i = 0; i < all->n && p.n > 0; i++) {
		if (all->rows[i].milestone != NULL &&
		    strcmp(all->rows[i].milestone, "minimum") == 0 &&
		    all->rows[i].due_at == p.rows[0].due_at)
			p.n = 0;
	}
	ret = plan_append(all, &p);
	plan_free(&p);
	return ret;
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
		if (ret == 0)
			ret = plan_case_minimum(d, c, rc, m, ev, nrecs, &in,
			    all);
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
	struct provisional prov;
	size_t nrecs = 0;
	int rc = 0;

	if (!c->closed) {
		if (st->ops->case_events(st, c->id, &recs, &nrecs) == -1) {
			log_err(&d->log, "%s", store_error(st));
			return -1;
		}
		rc = plan_case(d, c, recs, nrecs, &all);
		if (rc == 0 && replan_case_provisional(d->config, c, recs,
		    nrecs, &prov))
			rc = provisional_notice(d, ITEM_CASE, c->id, &prov,
			    &all);
	}
	if (rc == 0)
		rc = apply(d, ITEM_CASE, c->id, &all);
	free(all.rows);
	case_events_free(recs, nrecs);
	return rc;
}

/*
 * Provisional deadlines (doc/counting.md): an open item whose deadline
 * falls in (or was counted through) a year its calendar does not cover.
 * The office named by admin_office gets one notice per calendar and year:
 * a RK_NOTICE row planned with the first affected item, recorded in the
 * meta table under "provisional-notice:CAL:YEAR" as "TYPE:ID:DUE_AT" so
 * that every later replan of that item keeps the same row and no other
 * item plans another.  Without admin_office the record is "logged" and a
 * warning is logged instead, once; an admin_office configured later still
 * gets the notice.
 */
#define PROV_META_FMT	"provisional-notice:%s:%d"
#define PROV_LOGGED	"logged"

static const struct calendar_conf *
calendar_conf_or_default(const struct config *cf, const char *name)
{
	const struct calendar_conf *cc = NULL;

	if (name != NULL)
		cc = config_calendar(cf, name);
	return cc != NULL ? cc : &cf->calendars[0];
}

/* The latest year from day `from` to day `to` the calendar lacks; 0: none. */
static int
unannounced_year(const struct calendar *cal, int from, int to)
{
	for (int y = day_year(to); y >= day_year(from < to ? from : to); y--)
		if (!calendar_year_announced(cal, y))
			return y;
	return 0;
}

bool
replan_task_provisional(const struct config *cf, const struct task_row *t,
    struct provisional *out)
{
	const struct calendar_conf *cc;

	memset(out, 0, sizeof *out);
	if (t->retired_at != 0 || t->done_at != 0 || t->rec.due < 0)
		return false;
	cc = calendar_conf_or_default(cf, t->rec.calendar);
	if (calendar_year_announced(cc->cal, day_year(t->rec.due)))
		return false;
	out->calendar = cc->name;
	out->year = day_year(t->rec.due);
	out->deadline_at = local_instant(t->rec.due, cf->deadline_secs);
	return true;
}

bool
replan_case_provisional(const struct config *cf, const struct case_row *c,
    const struct case_event_rec *recs, size_t nrecs, struct provisional *out)
{
	const struct rule_conf *rc = config_rule(cf, c->rule);
	struct tl_event *ev;
	struct tl_deadline dl;
	char err[256];

	memset(out, 0, sizeof *out);
	if (c->closed || rc == NULL || nrecs == 0 ||
	    (ev = case_tl_events(recs, nrecs)) == NULL)
		return false;
	for (size_t m = 0; m < rc->rule.nmilestones; m++) {
		if (tl_deadline(&rc->rule, m, ev, nrecs, &dl, err,
		    sizeof err) == -1 || dl.status != TL_RUNNING ||
		    !dl.provisional)
			continue;
		out->year = unannounced_year(rc->rule.cal,
		    local_day(recs[0].at), dl.day);
		if (out->year == 0)
			continue;
		out->calendar = calendar_conf_or_default(cf,
		    rc->calendar)->name;
		out->deadline_at = dl.at;
		break;
	}
	free(ev);
	return out->year != 0;
}

/* "task:12:1796000000" -> type, id, due_at; -1 when it is not that. */
static int
notice_record_parse(const char *v, enum item_type *type, int64_t *id,
    int64_t *due_at)
{
	char tname[8];
	long long i, at;
	int end = 0;

	if (sscanf(v, "%7[a-z]:%lld:%lld%n", tname, &i, &at, &end) != 3 ||
	    v[end] != '\0' || item_type_parse(tname, type) == -1)
		return -1;
	*id = i;
	*due_at = at;
	return 0;
}

/* Appends the notice rows (one per channel of admin_office) to all. */
static int
notice_rows(const struct office_conf *admin, const struct provisional *p,
    int64_t due_at, struct plan *all)
{
	struct reminder_plan *grown;

	if (admin->nchannels == 0)
		return 0;
	grown = realloc(all->rows, (all->n + admin->nchannels) *
	    sizeof *grown);
	if (grown == NULL)
		return -1;
	all->rows = grown;
	for (size_t i = 0; i < admin->nchannels; i++) {
		struct reminder_plan *r = &all->rows[all->n++];

		memset(r, 0, sizeof *r);
		r->office = admin->name;
		r->channel = admin->channels[i];
		r->kind = RK_NOTICE;
		r->due_at = due_at;
		r->deadline_at = p->deadline_at;
	}
	return 0;
}

/*
 * Called with the item's plan before it is applied: adds the notice rows
 * when this item is the one the notice of its year goes with (a new
 * notice is recorded now).
 */
static int
provisional_notice(struct duban *d, enum item_type type, int64_t id,
    const struct provisional *p, struct plan *all)
{
	const struct config *cf = d->config;
	struct store *st = d->store;
	const struct office_conf *admin = NULL;
	enum item_type rtype;
	int64_t rid, due_at;
	char key[160], rec[64], *v = NULL;
	int rc = 0;

	if (p->year == 0)
		return 0;
	if (cf->admin_office != NULL)
		admin = config_office(cf, cf->admin_office);
	snprintf(key, sizeof key, PROV_META_FMT, p->calendar, p->year);
	if (st->ops->meta_get(st, key, &v) == -1)
		goto store_error;
	if (v != NULL && notice_record_parse(v, &rtype, &rid, &due_at) == 0) {
		/* Noticed already: only its item keeps the rows. */
		if (rtype == type && rid == id && admin != NULL)
			rc = notice_rows(admin, p, due_at, all);
		free(v);
		return rc;
	}
	if (admin == NULL) {
		if (v == NULL) {
			log_warn(&d->log, "calendar %s: the %d public holidays "
			    "are not announced: deadlines in %d count weekends "
			    "only (set admin_office to be sent a notice)",
			    p->calendar, p->year, p->year);
			if (st->ops->meta_put(st, key, PROV_LOGGED) == -1)
				goto store_error;
		}
		free(v);
		return 0;
	}
	free(v);
	due_at = clock_now(&d->clock);
	snprintf(rec, sizeof rec, "%s:%lld:%lld", item_type_str(type),
	    (long long)id, (long long)due_at);
	if (st->ops->meta_put(st, key, rec) == -1)
		goto store_error;
	log_notice(&d->log, "calendar %s: the %d public holidays are not "
	    "announced: notice to %s", p->calendar, p->year, admin->name);
	return notice_rows(admin, p, due_at, all);
store_error:
	free(v);
	log_err(&d->log, "%s", store_error(st));
	return -1;
}

static int
tally_add(struct provisional_tally *t, const struct provisional *p)
{
	struct provisional_count *grown;

	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].year == p->year &&
		    strcmp(t->v[i].calendar, p->calendar) == 0) {
			t->v[i].items++;
			return 0;
		}
	}
	if ((grown = realloc(t->v, (t->n + 1) * sizeof *grown)) == NULL)
		return -1;
	t->v = grown;
	t->v[t->n].calendar = p->calendar;
	t->v[t->n].year = p->year;
	t->v[t->n].items = 1;
	t->n++;
	return 0;
}

static int
tally_cases(struct duban *d, struct provisional_tally *t)
{
	struct store *st = d->store;
	struct case_row *cases = NULL;
	size_t ncases = 0;
	int rc = 0;

	if (st->ops->cases(st, false, &cases, &ncases) == -1)
		return -1;
	for (size_t i = 0; i < ncases && rc == 0; i++) {
		struct case_event_rec *recs = NULL;
		struct provisional p;
		size_t nrecs = 0;

		if (st->ops->case_events(st, cases[i].id, &recs, &nrecs) == -1)
			rc = -1;
		else if (replan_case_provisional(d->config, &cases[i], recs,
		    nrecs, &p))
			rc = tally_add(t, &p);
		case_events_free(recs, nrecs);
	}
	case_rows_free(cases, ncases);
	return rc;
}

int
replan_provisional_tally(struct duban *d, struct provisional_tally *t)
{
	struct store *st = d->store;
	struct task_row *tasks = NULL;
	size_t ntasks = 0;
	int rc = 0;

	memset(t, 0, sizeof *t);
	if (st->ops->tasks(st, NULL, false, &tasks, &ntasks) == -1)
		return -1;
	for (size_t i = 0; i < ntasks && rc == 0; i++) {
		struct provisional p;

		if (replan_task_provisional(d->config, &tasks[i], &p))
			rc = tally_add(t, &p);
	}
	task_rows_free(tasks, ntasks);
	if (rc == 0)
		rc = tally_cases(d, t);
	if (rc == -1)
		provisional_tally_free(t);
	return rc;
}

int
replan_provisional_count(struct duban *d, const char *calendar, int year)
{
	struct provisional_tally t;
	int n = 0;

	if (replan_provisional_tally(d, &t) == -1)
		return -1;
	for (size_t i = 0; i < t.n; i++)
		if (t.v[i].year == year && strcmp(t.v[i].calendar, calendar) == 0)
			n = t.v[i].items;
	provisional_tally_free(&t);
	return n;
}

void
provisional_tally_free(struct provisional_tally *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static int
replan_one(struct duban *d, enum item_type type, int64_t id)
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

/* One transaction: a notice's rows and its meta record go in together. */
int
replan_item(struct duban *d, enum item_type type, int64_t id)
{
	struct store *st = d->store;

	if (st->ops->begin(st) == -1) {
		log_err(&d->log, "%s", store_error(st));
		return -1;
	}
	if (replan_one(d, type, id) == -1 || st->ops->commit(st) == -1) {
		log_err(&d->log, "replanning %s %lld failed: %s",
		    item_type_str(type), (long long)id, store_error(st));
		st->ops->rollback(st);
		return -1;
	}
	return 0;
}

int
replan_tasks(struct duban *d, const int64_t *ids, size_t n)
{
	struct store *st = d->store;
	int rc = 0;

	if (st->ops->begin(st) == -1) {
		log_err(&d->log, "%s", store_error(st));
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = replan_one(d, ITEM_TASK, ids[i]);
	if (rc == 0 && st->ops->commit(st) == -1)
		rc = -1;
	if (rc == -1) {
		log_err(&d->log, "replanning failed: %s", store_error(st));
		st->ops->rollback(st);
		return -1;
	}
	log_info(&d->log, "planned reminders for %zu tasks", n);
	return 0;
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

/*
 * The planning fingerprint: 64-bit FNV-1a over everything planning reads
 * besides the stored items.  Only change detection, not security: a
 * config file that changes without the hash changing would need a 2^-64
 * accident.
 */
#define FP_META		"plan_fingerprint"
#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL
#define FP_MAX_FILES	256

static void
fp_bytes(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= FNV_PRIME;
	}
}

/* A string with its NUL, so "ab","c" and "a","bc" differ; NULL apart. */
static void
fp_str(uint64_t *h, const char *s)
{
	static const unsigned char null_mark = 0xff;

	if (s == NULL)
		fp_bytes(h, &null_mark, 1);
	else
		fp_bytes(h, s, strlen(s) + 1);
}

static void
fp_int(uint64_t *h, int64_t v)
{
	fp_bytes(h, &v, sizeof v);
}

/* A file's bytes; an unreadable file counts as its name only. */
static void
fp_file(uint64_t *h, const char *path)
{
	char buf[8192];
	size_t n;
	FILE *f;

	fp_str(h, path);
	if ((f = fopen(path, "rb")) == NULL)
		return;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fp_bytes(h, buf, n);
	fclose(f);
}

/* The distinct files sections come from (config order, then deduped). */
struct fp_files {
	const char	*name[FP_MAX_FILES];
	size_t		 n;
	bool		 overflow;
};

static void
fp_files_add(struct fp_files *fl, const char *name)
{
	if (name == NULL)
		return;
	for (size_t i = 0; i < fl->n; i++)
		if (strcmp(fl->name[i], name) == 0)
			return;
	if (fl->n < FP_MAX_FILES)
		fl->name[fl->n++] = name;
	else
		fl->overflow = true;
}

static void
fp_config_files(uint64_t *h, const struct config *cf)
{
	struct fp_files fl = { .n = 0, .overflow = false };

	fp_files_add(&fl, cf->path);
	for (size_t i = 0; i < cf->ncalendars; i++)
		fp_files_add(&fl, cf->calendars[i].origin.file);
	for (size_t i = 0; i < cf->nchannels; i++)
		fp_files_add(&fl, cf->channels[i].origin.file);
	for (size_t i = 0; i < cf->noffices; i++)
		fp_files_add(&fl, cf->offices[i].origin.file);
	for (size_t i = 0; i < cf->ngroups; i++)
		fp_files_add(&fl, cf->groups[i].origin.file);
	for (size_t i = 0; i < cf->npolicies; i++)
		fp_files_add(&fl, cf->policies[i].origin.file);
	for (size_t i = 0; i < cf->nrules; i++)
		fp_files_add(&fl, cf->rules[i].origin.file);
	for (size_t i = 0; i < cf->ntasks; i++)
		fp_files_add(&fl, cf->tasks[i].origin.file);
	for (size_t i = 0; i < fl.n; i++)
		fp_file(h, fl.name[i]);
	/* Too many files to track: never match, always replan. */
	if (fl.overflow)
		fp_int(h, (int64_t)time(NULL));
}

/* Each calendar's working days over the whole span, ICS files included. */
static void
fp_calendars(uint64_t *h, const struct config *cf)
{
	for (size_t i = 0; i < cf->ncalendars; i++) {
		const struct calendar *cal = cf->calendars[i].cal;

		fp_str(h, cf->calendars[i].name);
		fp_int(h, calendar_strict(cal));
		fp_int(h, calendar_has_office_hours(cal));
		for (int day = DAY_MIN; day <= DAY_MAX; day++) {
			bool work = false;
			unsigned char b = (unsigned char)
			    calendar_is_workday(cal, day, &work);

			b = (unsigned char)(b << 1 | work);
			fp_bytes(h, &b, 1);
		}
	}
}

int
replan_fingerprint(struct duban *d, char *buf, size_t buflen)
{
	const struct config *cf = d->config;
	uint64_t h = FNV_OFFSET;
	int version = 0;
	int n;

	fp_str(&h, PACKAGE_VERSION);
	/* An unreadable version hashes as 0: the next start tries again. */
	if (d->store->ops->schema_version(d->store, &version) == -1)
		version = 0;
	fp_int(&h, version);
	fp_str(&h, cf->timezone);
	fp_int(&h, cf->deadline_secs);
	fp_str(&h, cf->language);
	fp_config_files(&h, cf);
	fp_calendars(&h, cf);
	n = snprintf(buf, buflen, "v1:%016llx", (unsigned long long)h);
	return n < 0 || (size_t)n >= buflen ? -1 : 0;
}

int
replan_all_if_changed(struct duban *d)
{
	struct store *st = d->store;
	struct timespec t0, t1;
	char fp[32], *stored = NULL;
	bool same;

	if (replan_fingerprint(d, fp, sizeof fp) == -1)
		return -1;
	if (st->ops->meta_get(st, FP_META, &stored) == -1) {
		log_err(&d->log, "%s", store_error(st));
		return -1;
	}
	same = stored != NULL && strcmp(stored, fp) == 0;
	free(stored);
	if (same) {
		log_info(&d->log, "planning inputs unchanged (%s): reminders "
		    "stay as planned", fp);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (replan_all(d) == -1)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_notice(&d->log, "planning inputs changed (%s): every item "
	    "replanned in %.3f s", fp, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (st->ops->meta_put(st, FP_META, fp) == -1) {
		log_err(&d->log, "%s", store_error(st));
		return -1;
	}
	return 0;
}
