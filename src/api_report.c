/*
 * The API's on-time report and /metrics (api.c has the server; doc/api.md
 * describes each endpoint, report.h the rules of counting).
 *
 * User-visible decisions:
 *  - GET /v1/report needs from and to (dates, both included, from <= to).
 *    The items are the tasks not retired whose due date is in the period
 *    and the milestones of cases whose deadline day is in it: running or
 *    closed ones (a paused milestone has no deadline and is left out, as
 *    are cases whose rule is gone from the config).  A task counts for its
 *    lead office, a case for its office, by the office's name when the
 *    config knows it (aliases fold into it), else as stored.
 *  - A task with parts ("分别负责") also counts one item per part for
 *    the part's office, by the part's own done_at (a part not recorded
 *    done counts as done when the task is) against the task's deadline;
 *    the total counts parts as items too.
 *  - office= (name or alias) narrows the report to that office; the total
 *    is then that office's.
 *  - "progress" lists the report's tasks that have a target (of the
 *    office's lead with office=), by due date, with their latest progress.
 *  - /metrics answers text/plain in the Prometheus text format 0.0.4; it
 *    needs a read token on TCP.  503 when the store does not answer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "api_internal.h"
#include "config.h"
#include "date.h"
#include "duband.h"
#include "log.h"
#include "metrics.h"
#include "replan.h"
#include "report.h"
#include "store.h"
#include "target.h"
#include "timelimit.h"

static void get_report(struct api_request *);
static void get_metrics(struct api_request *);

const struct api_route api_report_routes[] = {
	{ EVHTTP_REQ_GET, "/v1/report", SCOPE_READ, false, 0, get_report },
	{ EVHTTP_REQ_GET, "/metrics", SCOPE_READ, false, 0, get_metrics },
	{ 0, NULL, SCOPE_OPEN, false, 0, NULL },
};

struct report_query {
	int		 from;		/* -1: not given */
	int		 to;
	const char	*office;	/* NULL: every office */
};

/* The items of the period, growing. */
struct items {
	struct report_item	*v;
	size_t			 n;
	size_t			 cap;
};

static int
report_param(struct api_request *r, const char *key, const char *val,
    void *arg, struct api_failure *f)
{
	struct report_query *q = arg;
	const struct office_conf *oc;

	if (strcmp(key, "from") == 0)
		return api_parse_day(val, key, &q->from, f);
	if (strcmp(key, "to") == 0)
		return api_parse_day(val, key, &q->to, f);
	if (strcmp(key, "office") == 0) {
		oc = config_office(r->d->config, val);
		q->office = oc != NULL ? oc->name : val;
	}
	return 0;
}

static int
report_query(struct api_request *r, struct report_query *q,
    struct api_failure *f)
{
	static const char *const params[] = { "from", "to", "office", NULL };

	q->from = q->to = -1;
	q->office = NULL;
	if (api_query(r, params, report_param, q, f) == -1)
		return -1;
	if (q->from < 0 || q->to < 0) {
		api_fail_set(f, 400, q->from < 0 ? "from" : "to", "\"%s\" is "
		    "required", q->from < 0 ? "from" : "to");
		return -1;
	}
	if (q->from > q->to) {
		api_fail_set(f, 400, "to", "the period ends before it starts");
		return -1;
	}
	return 0;
}

/* The office an item counts for: the config's name, else as stored. */
static const char *
office_of(const struct config *cf, const char *name)
{
	const struct office_conf *oc = config_office(cf, name);

	return oc != NULL ? oc->name : name;
}

/* Adds an item unless the office filter leaves it out; -1 out of memory. */
static int
items_add(struct items *it, const struct report_query *q,
    const struct report_item *item)
{
	struct report_item *nv;
	size_t ncap;

	if (q->office != NULL && strcmp(q->office, item->office) != 0)
		return 0;
	if (it->n == it->cap) {
		ncap = it->cap == 0 ? 64 : it->cap * 2;
		if ((nv = reallocarray(it->v, ncap, sizeof *nv)) == NULL)
			return -1;
		it->v = nv;
		it->cap = ncap;
	}
	it->v[it->n++] = *item;
	return 0;
}

/* When office's part of a task was done: as recorded, else the task's. */
static int64_t
part_done_at(const struct task_row *t, const struct task_part *rec,
    size_t nrec, const char *office)
{
	for (size_t i = 0; i < nrec; i++)
		if (strcmp(rec[i].office, office) == 0 && rec[i].done_at != 0)
			return rec[i].done_at;
	return t->done_at;
}

/* One item per part of the task, like the task's own item. */
static int
part_items(struct api_request *r, const struct report_query *q,
    const struct task_row *t, const struct report_item *task_item,
    struct items *it, struct api_failure *f)
{
	struct store *st = r->d->store;
	const char *parts[REPLAN_PARTS_MAX];
	struct report_item item = *task_item;
	struct task_part *rec = NULL;
	size_t nparts, nrec = 0;
	int rc = 0;

	if ((nparts = replan_task_parts(r->d->config, &t->rec, parts)) == 0)
		return 0;
	if (st->ops->task_parts(st, t->id, &rec, &nrec) == -1) {
		api_fail_store(f, st);
		return -1;
	}
	for (size_t i = 0; i < nparts && rc == 0; i++) {
		item.office = parts[i];
		item.done_at = part_done_at(t, rec, nrec, parts[i]);
		if ((rc = items_add(it, q, &item)) == -1)
			api_fail_set(f, 500, NULL, "out of memory");
	}
	task_parts_free(rec, nrec);
	return rc;
}

/* Tasks due in the period. */
static int
task_items(struct api_request *r, const struct report_query *q,
    struct task_row *rows, size_t n, struct items *it,
    struct api_failure *f)
{
	const struct config *cf = r->d->config;
	struct report_item item;

	for (size_t i = 0; i < n; i++) {
		item.office = office_of(cf, rows[i].rec.lead);
		item.deadline_day = rows[i].rec.due;
		item.deadline_at = api_task_deadline(cf, &rows[i]);
		item.done_at = rows[i].done_at;
		item.cal = api_task_calendar(cf, &rows[i]);
		if (items_add(it, q, &item) == -1) {
			api_fail_set(f, 500, NULL, "out of memory");
			return -1;
		}
		if (part_items(r, q, &rows[i], &item, it, f) == -1)
			return -1;
	}
	return 0;
}

/* The milestones of one case with a deadline day in the period. */
static int
case_items(struct api_request *r, const struct report_query *q,
    const struct case_row *c, struct items *it, struct api_failure *f)
{
	const struct rule_conf *rc = config_rule(r->d->config, c->rule);
	struct store *st = r->d->store;
	struct case_event_rec *evs = NULL;
	struct tl_event *tl = NULL;
	struct report_item item;
	struct tl_deadline dl;
	char err[256];
	size_t n = 0, m;
	int rv = 0;

	if (rc == NULL)
		return 0;
	if (st->ops->case_events(st, c->id, &evs, &n) == -1) {
		api_fail_store(f, st);
		return -1;
	}
	if ((tl = calloc(n + 1, sizeof *tl)) == NULL)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		tl[i].kind = evs[i].kind;
		tl[i].at = evs[i].at;
		tl[i].milestone = evs[i].milestone;
	}
	item.office = office_of(r->d->config, c->office);
	item.cal = rc->rule.cal;
	for (m = 0; m < rc->rule.nmilestones; m++) {
		if (tl_deadline(&rc->rule, m, tl, n, &dl, err,
		    sizeof err) == -1 || dl.status == TL_STOPPED ||
		    dl.day < q->from || dl.day > q->to)
			continue;
		item.deadline_day = dl.day;
		item.deadline_at = dl.at;
		item.done_at = dl.status == TL_DONE ? dl.closed_at : 0;
		if (items_add(it, q, &item) == -1)
			goto oom;
	}
	goto out;
oom:
	api_fail_set(f, 500, NULL, "out of memory");
	rv = -1;
out:
	free(tl);
	case_events_free(evs, n);
	return rv;
}

static json_t *
counts_json(const struct report_counts *c)
{
	double rate, mean;

	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:o, s:o}",
	    "due", c->due, "on_time", c->on_time, "late", c->late,
	    "open", c->open, "overdue", c->overdue,
	    "on_time_rate", report_on_time_rate(c, &rate) ?
	    json_real(rate) : json_null(),
	    "mean_workdays_late", report_mean_workdays_late(c, &mean) ?
	    json_real(mean) : json_null());
}

static json_t *
report_json(const struct report_query *q, const struct report *rep)
{
	char from[DAY_STRLEN], to[DAY_STRLEN];
	json_t *offices = json_array(), *o;

	for (size_t i = 0; offices != NULL && i < rep->n; i++) {
		if ((o = counts_json(&rep->rows[i].c)) != NULL)
			json_object_set_new(o, "office",
			    json_string(rep->rows[i].office));
		json_array_append_new(offices, o);
	}
	return json_pack("{s:s, s:s, s:o, s:o}",
	    "from", day_format(q->from, from), "to", day_format(q->to, to),
	    "offices", offices, "total", counts_json(&rep->total));
}

/*
 * Adds "progress": the report's tasks that have a target, by due date,
 * with their latest progress ("7/12家"; null when none reported).
 */
static json_t *
report_progress_add(struct api_request *r, const struct report_query *q,
    json_t *report, const struct task_row *tasks, size_t n)
{
	struct store *st = r->d->store;
	struct task_progress_rec *p;
	json_t *list = json_array();
	char text[1100];
	size_t np;

	for (size_t i = 0; report != NULL && list != NULL && i < n; i++) {
		if (tasks[i].rec.target == NULL || (q->office != NULL &&
		    strcmp(q->office, office_of(r->d->config,
		    tasks[i].rec.lead)) != 0))
			continue;
		if (st->ops->task_progress(st, tasks[i].id, &p, &np) == -1) {
			log_warn(&r->d->log, "api: report: %s",
			    store_error(st));
			np = 0;
		}
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:o, s:o}", "key", tasks[i].rec.key,
		    "title", tasks[i].rec.title, "lead", tasks[i].rec.lead,
		    "target", tasks[i].rec.target,
		    "progress", np > 0 ? json_real(p[np - 1].value) :
		    json_null(),
		    "progress_text", np > 0 ? json_string(target_progress_text(
		    p[np - 1].value, tasks[i].rec.target, text, sizeof text)) :
		    json_null()));
		task_progress_free(p, np);
	}
	if (report != NULL)
		json_object_set_new(report, "progress", list);
	else
		json_decref(list);
	return report;
}

static void
get_report(struct api_request *r)
{
	struct task_filter flt = { .retired = 0, .done = -1 };
	struct store *st = r->d->store;
	struct task_row *tasks = NULL;
	struct case_row *cases = NULL;
	struct items it = { NULL, 0, 0 };
	struct report rep = { NULL, 0, { 0, 0, 0, 0, 0, 0 } };
	struct report_query q;
	struct api_failure f;
	size_t ntasks = 0, ncases = 0, i;

	if (report_query(r, &q, &f) == -1)
		goto fail;
	flt.due_min = q.from;
	flt.due_max = q.to;
	if (st->ops->tasks_find(st, &flt, &tasks, &ntasks) == -1 ||
	    st->ops->cases(st, true, &cases, &ncases) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	if (task_items(r, &q, tasks, ntasks, &it, &f) == -1)
		goto fail;
	for (i = 0; i < ncases; i++)
		if (case_items(r, &q, &cases[i], &it, &f) == -1)
			goto fail;
	if (report_compute(it.v, it.n, r->now, &rep) == -1) {
		api_fail_set(&f, 500, NULL, "out of memory");
		goto fail;
	}
	api_reply_json(r, 200, report_progress_add(r, &q,
	    report_json(&q, &rep), tasks, ntasks));
	goto out;
fail:
	api_reply_failure(r, &f);
out:
	report_free(&rep);
	free(it.v);
	task_rows_free(tasks, ntasks);
	case_rows_free(cases, ncases);
}

static void
get_metrics(struct api_request *r)
{
	static const char *const params[] = { NULL };
	struct api_failure f;
	struct evbuffer *buf;

	if (api_query(r, params, NULL, NULL, &f) == -1) {
		api_reply_failure(r, &f);
		return;
	}
	if ((buf = evbuffer_new()) == NULL) {
		api_reply_error(r, 500, NULL, "out of memory");
		return;
	}
	if (metrics_render(r->d, buf) == -1)
		api_reply_error(r, 503, NULL, "the store does not answer");
	else
		api_send_buf(r, 200, "text/plain; version=0.0.4; "
		    "charset=utf-8", buf);
	evbuffer_free(buf);
}
