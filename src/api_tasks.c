/*
 * The API's tasks, offices and work-plan import (api.c has the server;
 * doc/api.md describes each endpoint).
 *
 * User-visible decisions:
 *  - Parts ("分别负责"): done/reopen with "office" mark that office's
 *    part (an office with no part of the task: 422 on "office"); done
 *    again keeps the first time unless "at" is given (200, as for tasks).
 *    The task is done, at the latest part's time, when every part is;
 *    reopening a part reopens the task.  Without "office" the whole task
 *    is done (every open part with it, at the same time) or reopened
 *    (every part with it).  "note" needs "office" (400 on "note", as
 *    for a field the request does not take).
 *  - A task's deadline is the end of its due day (deadline_time); its
 *    status is retired, done, overdue (now past the deadline) or open, in
 *    that order.  "late" is whether it was done after the deadline (null
 *    while not done); "workdays_left" the working days after today up to
 *    the due day by the task's calendar (0 on the day, negative: working
 *    days overdue; null when done, retired, without due date or when the
 *    calendar cannot count).
 *  - GET /v1/tasks: office matches the lead or an assisting office, by
 *    the office's name or any alias (an office not in the config matches
 *    as written; a group matches only by the group's name).  Tasks come
 *    by due date (none last), then key; limit 1..1000, default 100.
 *  - An office is known when the config has it (by name or alias) or the
 *    store does (created by an import with create_offices); assisting
 *    offices may also be groups.  Offices of the config are stored by
 *    name, others as written.
 *  - POST /v1/tasks: source "api"; keys "api-<digits>" are reserved for
 *    the generated ones ("api-<id>").  The policy must be in the config.
 *  - done takes "at" (default now, not in the future); done again without
 *    "at" keeps the first time; reopen of an open task changes nothing.
 *    A retired task can be neither (409).  Both are kept in the history,
 *    shown as "done" and "reopened".
 *  - POST /v1/import: one transaction; a dry run does all of it and rolls
 *    back, so its numbers are exactly those of the real import.  Errors in
 *    a task name the field and the task's "row" (its position, from 1,
 *    when the task has no row).  "number" may be a string or an integer.
 *    Import tasks get the config's default policy and calendar.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "api_internal.h"
#include "calendar.h"
#include "clock.h"
#include "config.h"
#include "duband.h"
#include "log.h"
#include "replan.h"
#include "report.h"
#include "schedule.h"
#include "store.h"
#include "target.h"

#define KEY_MAX		200
#define NAME_MAX_LEN	200
#define TITLE_MAX	1000
#define TEXT_MAX	1000
#define ROW_MAX		10000000

static void get_offices(struct api_request *);
static void get_tasks(struct api_request *);
static void post_tasks(struct api_request *);
static void get_task(struct api_request *);
static void post_task_done(struct api_request *);
static void post_task_reopen(struct api_request *);
static void post_import(struct api_request *);
static void get_task_progress(struct api_request *);
static void post_task_progress(struct api_request *);

const struct api_route api_task_routes[] = {
	{ EVHTTP_REQ_GET, "/v1/offices", SCOPE_READ, false, 0, get_offices },
	{ EVHTTP_REQ_GET, "/v1/tasks", SCOPE_READ, false, 0, get_tasks },
	{ EVHTTP_REQ_POST, "/v1/tasks", SCOPE_WRITE, false, 0, post_tasks },
	{ EVHTTP_REQ_GET, "/v1/tasks/*", SCOPE_READ, false, 0, get_task },
	{ EVHTTP_REQ_POST, "/v1/tasks/*/done", SCOPE_WRITE, false, 0,
	    post_task_done },
	{ EVHTTP_REQ_POST, "/v1/tasks/*/reopen", SCOPE_WRITE, false, 0,
	    post_task_reopen },
	{ EVHTTP_REQ_GET, "/v1/tasks/*/progress", SCOPE_READ, false, 0,
	    get_task_progress },
	{ EVHTTP_REQ_POST, "/v1/tasks/*/progress", SCOPE_WRITE, false, 0,
	    post_task_progress },
	{ EVHTTP_REQ_POST, "/v1/import", SCOPE_WRITE, false,
	    API_IMPORT_BODY_MAX, post_import },
	{ 0, NULL, SCOPE_OPEN, false, 0, NULL },
};

static const struct api_field task_fields[] = {
	{ "key", false, KEY_MAX, FIELD_STRING },
	{ "title", true, TITLE_MAX, FIELD_STRING },
	{ "lead", true, NAME_MAX_LEN, FIELD_STRING },
	{ "assist", false, NAME_MAX_LEN, FIELD_STRINGS },
	{ "responsible", false, NAME_MAX_LEN, FIELD_STRINGS },
	{ "section", false, TEXT_MAX, FIELD_STRING_NULL },
	{ "due", true, 10, FIELD_STRING },
	{ "due_text", false, TEXT_MAX, FIELD_STRING_NULL },
	{ "target", false, TEXT_MAX, FIELD_STRING_NULL },
	{ "policy", false, NAME_MAX_LEN, FIELD_STRING },
	{ NULL, false, 0, FIELD_STRING },
};

static const struct api_field done_fields[] = {
	{ "at", false, 64, FIELD_STRING },
	{ "office", false, NAME_MAX_LEN, FIELD_STRING },
	{ "note", false, TEXT_MAX, FIELD_STRING },
	{ NULL, false, 0, FIELD_STRING },
};

static const struct api_field reopen_fields[] = {
	{ "office", false, NAME_MAX_LEN, FIELD_STRING },
	{ NULL, false, 0, FIELD_STRING },
};

static const struct api_field import_fields[] = {
	{ "plan", true, NAME_MAX_LEN, FIELD_STRING },
	{ "dry_run", false, 0, FIELD_BOOL },
	{ "create_offices", false, 0, FIELD_BOOL },
	{ "tasks", true, 0, FIELD_OBJECTS },
	{ NULL, false, 0, FIELD_STRING },
};

static const struct api_field import_task_fields[] = {
	{ "number", true, 100, FIELD_STRING },
	{ "title", true, TITLE_MAX, FIELD_STRING },
	{ "lead", true, NAME_MAX_LEN, FIELD_STRING },
	{ "assist", false, NAME_MAX_LEN, FIELD_STRINGS },
	{ "responsible", false, NAME_MAX_LEN, FIELD_STRINGS },
	{ "section", false, TEXT_MAX, FIELD_STRING_NULL },
	{ "due", false, 10, FIELD_STRING_NULL },
	{ "due_text", false, TEXT_MAX, FIELD_STRING_NULL },
	{ "target", false, TEXT_MAX, FIELD_STRING_NULL },
	{ "row", false, ROW_MAX, FIELD_INT },
	{ NULL, false, 0, FIELD_STRING },
};

/* Offices. */

static json_t *
strings_json(char *const *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, json_string(v[i]));
	return arr;
}

static void
get_offices(struct api_request *r)
{
	static const char *const params[] = { NULL };
	const struct config *cf = r->d->config;
	const struct office_conf *oc;
	struct api_failure f;
	json_t *arr;

	if (api_query(r, params, NULL, NULL, &f) == -1) {
		api_reply_failure(r, &f);
		return;
	}
	if ((arr = json_array()) == NULL) {
		api_reply_error(r, 500, NULL, "out of memory");
		return;
	}
	for (size_t i = 0; i < cf->noffices; i++) {
		oc = &cf->offices[i];
		json_array_append_new(arr, json_pack(
		    "{s:s, s:o, s:o, s:o, s:o}",
		    "name", oc->name,
		    "supervisor", api_json_str_or_null(oc->supervisor),
		    "aliases", strings_json(oc->aliases, oc->naliases),
		    "channels", strings_json(oc->channels, oc->nchannels),
		    "email", strings_json(oc->email, oc->nemail)));
	}
	api_reply_json(r, 200, json_pack("{s:o}", "offices", arr));
}

/*
 * What the body checks need: the config, now and the offices the store
 * knows (config offices and created ones); free k->rows with
 * office_rows_free.
 */
static int
known_load(struct api_request *r, struct api_input *k,
    struct api_failure *f)
{
	struct store *st = r->d->store;

	k->cf = r->d->config;
	k->now = r->now;
	if (st->ops->offices(st, &k->rows, &k->n) == -1) {
		api_fail_store(f, st);
		return -1;
	}
	return 0;
}

/* The name to store for an office, or NULL when it is unknown. */
static const char *
known_office(const struct api_input *k, const char *name, bool group)
{
	const struct office_conf *oc;
	const struct group_conf *gc;

	if ((oc = config_office(k->cf, name)) != NULL)
		return oc->name;
	if (group && (gc = config_group(k->cf, name)) != NULL)
		return gc->name;
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->rows[i].name, name) == 0)
			return k->rows[i].name;
	return NULL;
}

/* Tasks as JSON. */

const struct calendar *
api_task_calendar(const struct config *cf, const struct task_row *t)
{
	const struct calendar_conf *cc = NULL;

	if (t->rec.calendar != NULL)
		cc = config_calendar(cf, t->rec.calendar);
	if (cc == NULL && cf->ncalendars > 0)
		cc = &cf->calendars[0];
	return cc != NULL ? cc->cal : NULL;
}

int64_t
api_task_deadline(const struct config *cf, const struct task_row *t)
{
	return t->rec.due < 0 ? 0 : local_instant(t->rec.due,
	    cf->deadline_secs);
}

static const char *
task_status(const struct task_row *t, int64_t deadline, int64_t now)
{
	if (t->retired_at != 0)
		return "retired";
	if (t->done_at != 0)
		return "done";
	if (deadline != 0 &&
	    report_item_status(deadline, 0, now) == ITEM_OVERDUE)
		return "overdue";
	return "open";
}

static json_t *
workdays_left(const struct config *cf, const struct task_row *t, int64_t now)
{
	const struct calendar *cal = api_task_calendar(cf, t);
	int n;

	if (t->retired_at != 0 || t->done_at != 0 || t->rec.due < 0 ||
	    cal == NULL ||
	    calendar_count_workdays(cal, local_day(now), t->rec.due, &n) < 0)
		return json_null();
	return json_integer(n);
}

static json_t *
names_json(const char *const *names, size_t n)
{
	json_t *array = json_array();

	for (size_t i = 0; array != NULL && i < n; i++)
		json_array_append_new(array, json_string(names[i]));
	return array;
}

/* An imported task's number in its plan ("3.1" of "plan:3.1"), or null. */
static json_t *
task_number(const struct task_rec *rec)
{
	const char *colon;

	if (strncmp(rec->source, "import:", 7) != 0 ||
	    (colon = strchr(rec->key, ':')) == NULL)
		return json_null();
	return json_string(colon + 1);
}

/*
 * Sets the target's "target_value" and "target_unit" and the latest
 * "progress" with its "progress_text" ("7/12家"); null when none.
 */
static void
task_progress_set(struct api_request *r, const struct task_row *t,
    json_t *o)
{
	struct store *st = r->d->store;
	struct task_progress_rec *p = NULL;
	char unit[TARGET_UNIT_MAX], text[TEXT_MAX + 64];
	double value;
	bool number;
	size_t n = 0;

	number = target_parse(t->rec.target, &value, unit, sizeof unit) == 0;
	json_object_set_new(o, "target_value", number ? json_real(value) :
	    json_null());
	json_object_set_new(o, "target_unit", number && unit[0] != '\0' ?
	    json_string(unit) : json_null());
	if (t->rec.target != NULL &&
	    st->ops->task_progress(st, t->id, &p, &n) == -1)
		log_warn(&r->d->log, "api: task \"%s\": %s", t->rec.key,
		    store_error(st));
	json_object_set_new(o, "progress", n > 0 ? json_real(p[n - 1].value) :
	    json_null());
	json_object_set_new(o, "progress_text", n > 0 ?
	    json_string(target_progress_text(p[n - 1].value, t->rec.target,
	    text, sizeof text)) : json_null());
	task_progress_free(p, n);
}

/*
 * Parts ("分别负责").  Which offices have parts is the config's
 * (replan_task_parts); the store records each part's done_at.  A part
 * recorded nowhere counts as done when the whole task is.
 */
struct task_parts_state {
	const char		*office[REPLAN_PARTS_MAX];
	size_t			 n;
	struct task_part	*rec;		/* as recorded */
	size_t			 nrec;
};

static int
parts_load(struct api_request *r, const struct task_row *t,
    struct task_parts_state *ps)
{
	struct store *st = r->d->store;

	ps->rec = NULL;
	ps->nrec = 0;
	ps->n = replan_task_parts(r->d->config, &t->rec, ps->office);
	if (ps->n == 0)
		return 0;
	return st->ops->task_parts(st, t->id, &ps->rec, &ps->nrec);
}

static const struct task_part *
parts_recorded(const struct task_parts_state *ps, const char *office)
{
	for (size_t i = 0; i < ps->nrec; i++)
		if (strcmp(ps->rec[i].office, office) == 0)
			return &ps->rec[i];
	return NULL;
}

/* When office's part was done (0: open). */
static int64_t
part_done_at(const struct task_row *t, const struct task_parts_state *ps,
    const char *office)
{
	const struct task_part *p = parts_recorded(ps, office);

	if (p != NULL && p->done_at != 0)
		return p->done_at;
	return t->done_at;
}

/* "parts", "parts_done" and "parts_total" of a task into o. */
static void
task_parts_json(struct api_request *r, const struct task_row *t, json_t *o)
{
	struct task_parts_state ps;
	const struct task_part *p;
	json_t *arr;
	int64_t at;
	size_t done = 0;

	if (parts_load(r, t, &ps) == -1) {
		log_err(&r->d->log, "%s", store_error(r->d->store));
		ps.n = 0;
	}
	if ((arr = json_array()) == NULL)
		goto out;
	for (size_t i = 0; i < ps.n; i++) {
		p = parts_recorded(&ps, ps.office[i]);
		if ((at = part_done_at(t, &ps, ps.office[i])) != 0)
			done++;
		json_array_append_new(arr, json_pack("{s:s, s:o, s:o}",
		    "office", ps.office[i],
		    "done_at", api_json_instant_or_null(at),
		    "note", api_json_str_or_null(p != NULL ? p->note : NULL)));
	}
	json_object_set_new(o, "parts", arr);
	json_object_set_new(o, "parts_done", json_integer((json_int_t)done));
	json_object_set_new(o, "parts_total", json_integer((json_int_t)ps.n));
out:
	task_parts_free(ps.rec, ps.nrec);
}

/*
 * "provisional": an open task due in a year its calendar does not cover
 * (replan.h).
 */
static void
task_provisional_set(const struct config *cf, const struct task_row *t,
    json_t *o)
{
	struct provisional p;

	json_object_set_new(o, "provisional",
	    json_boolean(replan_task_provisional(cf, t, &p)));
}

static json_t *
task_json(struct api_request *r, const struct task_row *t)
{
	const struct config *cf = r->d->config;
	const struct task_rec *rec = &t->rec;
	int64_t deadline = api_task_deadline(cf, t);
	json_t *o;

	o = json_pack("{s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o}",
	    "key", rec->key, "number", task_number(rec), "source", rec->source,
	    "title", rec->title, "lead", rec->lead,
	    "assist", names_json(rec->assist, rec->nassist),
	    "responsible", names_json(rec->responsible, rec->nresponsible),
	    "section", api_json_str_or_null(rec->section),
	    "repeat", api_json_str_or_null(rec->repeat),
	    "parent", api_json_str_or_null(rec->parent),
	    "due", api_json_day_or_null(rec->due),
	    "due_text", api_json_str_or_null(rec->due_text),
	    "target", api_json_str_or_null(rec->target),
	    "policy", api_json_str_or_null(rec->policy),
	    "deadline", api_json_instant_or_null(deadline),
	    "status", task_status(t, deadline, r->now),
	    "done_at", api_json_instant_or_null(t->done_at),
	    "late", t->done_at == 0 || deadline == 0 ? json_null() :
	    json_boolean(t->done_at > deadline),
	    "workdays_left", workdays_left(cf, t, r->now),
	    "created_at", api_json_instant(t->created_at));
	if (o != NULL)
		task_progress_set(r, t, o);
	if (o != NULL)
		task_parts_json(r, t, o);
	if (o != NULL)
		task_provisional_set(cf, t, o);
	return o;
}

/* GET /v1/tasks. */

enum task_state {
	STATE_OPEN,
	STATE_DONE,
	STATE_OVERDUE,
	STATE_RETIRED,
	STATE_ALL,
};

static const char *const task_states[] = {
	[STATE_OPEN] = "open",
	[STATE_DONE] = "done",
	[STATE_OVERDUE] = "overdue",
	[STATE_RETIRED] = "retired",
	[STATE_ALL] = "all",
};

struct task_query {
	struct task_filter		 flt;
	enum task_state			 state;
	const char			*office;	/* as given; NULL */
	const struct office_conf	*oc;		/* it, in the config */
};

/* The last day whose deadline is past at now. */
static int
last_passed_day(const struct config *cf, int64_t now)
{
	int day = local_day(now);

	return local_instant(day, cf->deadline_secs) < now ? day : day - 1;
}

static int
task_state_filter(struct api_request *r, struct task_query *q,
    const char *val, struct api_failure *f)
{
	struct task_filter *flt = &q->flt;
	size_t i;

	for (i = 0; i <= STATE_ALL; i++)
		if (strcmp(val, task_states[i]) == 0)
			break;
	if (i > STATE_ALL) {
		api_fail_set(f, 400, "state", "expected open, done, overdue, "
		    "retired or all, got \"%s\"", val);
		return -1;
	}
	q->state = (enum task_state)i;
	flt->retired = q->state == STATE_RETIRED ? 1 :
	    q->state == STATE_ALL ? -1 : 0;
	flt->done = q->state == STATE_DONE ? 1 : q->state == STATE_OPEN ||
	    q->state == STATE_OVERDUE ? 0 : -1;
	flt->due_min = INT_MIN;
	flt->due_max = INT_MAX;
	flt->no_due = q->state != STATE_OVERDUE;
	if (q->state == STATE_OPEN)
		flt->due_min = last_passed_day(r->d->config, r->now) + 1;
	else if (q->state == STATE_OVERDUE)
		flt->due_max = last_passed_day(r->d->config, r->now);
	return 0;
}

static int
task_param(struct api_request *r, const char *key, const char *val,
    void *arg, struct api_failure *f)
{
	struct task_query *q = arg;

	if (strcmp(key, "state") == 0)
		return task_state_filter(r, q, val, f);
	if (strcmp(key, "office") == 0) {
		q->office = val;
		q->oc = config_office(r->d->config, val);
	} else if (strcmp(key, "source") == 0)
		q->flt.source = val;
	else if (strcmp(key, "limit") == 0)
		return api_parse_limit(val, &q->flt.limit, f);
	return 0;
}

/*
 * The names an office filter matches: the office's name and aliases (the
 * config's tasks may use either), or the name as given.  NULL when out of
 * memory.
 */
static const char **
office_names(const struct task_query *q, size_t *n)
{
	size_t naliases = q->oc != NULL ? q->oc->naliases : 0;
	const char **v;

	if ((v = calloc(naliases + 1, sizeof *v)) == NULL)
		return NULL;
	v[0] = q->oc != NULL ? q->oc->name : q->office;
	for (size_t i = 0; i < naliases; i++)
		v[i + 1] = q->oc->aliases[i];
	*n = naliases + 1;
	return v;
}

static void
get_tasks(struct api_request *r)
{
	static const char *const params[] = { "state", "office", "source",
	    "limit", NULL };
	struct store *st = r->d->store;
	struct task_query q;
	struct task_row *rows = NULL;
	struct api_failure f;
	const char **names = NULL;
	json_t *arr;
	size_t n = 0;

	memset(&q, 0, sizeof q);
	q.flt.limit = API_LIST_LIMIT_DEFAULT;
	if (task_state_filter(r, &q, "open", &f) == -1 ||
	    api_query(r, params, task_param, &q, &f) == -1)
		goto fail;
	if (q.office != NULL) {
		if ((names = office_names(&q, &q.flt.noffices)) == NULL) {
			api_fail_set(&f, 500, NULL, "out of memory");
			goto fail;
		}
		q.flt.offices = names;
	}
	if (st->ops->tasks_find(st, &q.flt, &rows, &n) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	free(names);
	if ((arr = json_array()) != NULL)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, task_json(r, &rows[i]));
	task_rows_free(rows, n);
	api_reply_json(r, 200, json_pack("{s:o}", "tasks", arr));
	return;
fail:
	free(names);
	api_reply_failure(r, &f);
}

/* One task. */

/* The task named in the path, or NULL with f set. */
static struct task_row *
task_from_path(struct api_request *r, struct api_failure *f)
{
	struct store *st = r->d->store;
	struct task_row *t;

	if (st->ops->task_get(st, r->args[0], &t) == -1) {
		api_fail_store(f, st);
		return NULL;
	}
	if (t == NULL)
		api_fail_set(f, 404, NULL, "no task \"%s\"", r->args[0]);
	return t;
}

/* done_at as the history's snapshot of a row has it; 0: not done. */
static int64_t
snapshot_done_at(const char *old)
{
	json_t *o = old != NULL ? json_loads(old, 0, NULL) : NULL;
	int64_t at = 0;

	if (o != NULL && json_is_integer(json_object_get(o, "done_at")))
		at = json_integer_value(json_object_get(o, "done_at"));
	json_decref(o);
	return at;
}

/*
 * A change as users see it: a change of done_at alone is "done" or
 * "reopened".  after is done_at after the change.
 */
static const char *
change_word(const struct task_change *c, int64_t after)
{
	int64_t before;

	if (c->change != TASK_CHANGED)
		return task_change_kind_str(c->change);
	before = snapshot_done_at(c->old);
	if (before == 0 && after != 0)
		return "done";
	if (before != 0 && after == 0)
		return "reopened";
	return "changed";
}

static json_t *
history_json(const struct task_row *t, const struct task_change *c,
    size_t n)
{
	json_t *arr = json_array();
	int64_t after;
	size_t i, j;

	for (i = 0; arr != NULL && i < n; i++) {
		/* done_at after change i: the next snapshot's, or now's. */
		after = t->done_at;
		for (j = i + 1; j < n; j++)
			if (c[j].old != NULL) {
				after = snapshot_done_at(c[j].old);
				break;
			}
		json_array_append_new(arr, json_pack("{s:o, s:s}",
		    "at", api_json_instant(c[i].changed_at),
		    "change", change_word(&c[i], after)));
	}
	return arr;
}

/* {"task": ..., "history": [...]} for GET, {"task": ...} otherwise. */
static void
reply_task(struct api_request *r, int code, const char *key, bool history)
{
	struct store *st = r->d->store;
	struct task_change *changes = NULL;
	struct task_row *t = NULL;
	struct api_failure f;
	json_t *obj;
	size_t n = 0;

	if (st->ops->task_get(st, key, &t) == -1 || (history &&
	    st->ops->task_history(st, key, &changes, &n) == -1)) {
		api_fail_store(&f, st);
		api_reply_failure(r, &f);
		goto out;
	}
	if (t == NULL) {
		api_reply_error(r, 404, NULL, "no such task");
		goto out;
	}
	obj = json_pack("{s:o}", "task", task_json(r, t));
	if (obj != NULL && history)
		json_object_set_new(obj, "history", history_json(t, changes,
		    n));
	api_reply_json(r, code, obj);
out:
	task_changes_free(changes, n);
	task_rows_free(t, t != NULL ? 1 : 0);
}

static void
get_task(struct api_request *r)
{
	static const char *const params[] = { NULL };
	struct api_failure f;

	if (api_query(r, params, NULL, NULL, &f) == -1) {
		api_reply_failure(r, &f);
		return;
	}
	reply_task(r, 200, r->args[0], true);
}

/* POST /v1/tasks. */

/* Whether key looks like a generated one: "api-" and digits. */
static bool
generated_key(const char *key)
{
	if (strncmp(key, "api-", 4) != 0 || key[4] == '\0')
		return false;
	return strspn(key + 4, "0123456789") == strlen(key + 4);
}

/*
 * The offices of a body's field (assist, responsible) as stored names into
 * *v (strings borrowed); unknown ones fail with 422.
 */
static int
body_offices(const struct api_input *k, json_t *body, const char *field,
    const char ***v, size_t *n, struct api_failure *f)
{
	json_t *arr = json_object_get(body, field);
	const char *name;
	size_t i, cap = json_array_size(arr);

	*v = NULL;
	*n = 0;
	if (cap == 0)
		return 0;
	if ((*v = calloc(cap, sizeof **v)) == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	for (i = 0; i < cap; i++) {
		name = json_string_value(json_array_get(arr, i));
		if (((*v)[i] = known_office(k, name, true)) == NULL) {
			api_fail_set(f, 422, field, "unknown office \"%s\"",
			    name);
			return -1;
		}
		*n = i + 1;
	}
	return 0;
}

int
api_task_input(const struct api_input *k, json_t *body,
    struct task_rec *rec, struct api_failure *f)
{
	const char **assist = NULL, **responsible = NULL;
	const char *s;

	memset(rec, 0, sizeof *rec);
	if (api_check_fields(body, task_fields, f) == -1)
		return -1;
	rec->key = api_field_str(body, "key");
	rec->source = "api";
	rec->title = api_field_str(body, "title");
	rec->due_text = api_field_str(body, "due_text");
	rec->target = api_field_str(body, "target");
	rec->section = api_field_str(body, "section");
	if (rec->key != NULL && generated_key(rec->key)) {
		api_fail_set(f, 400, "key", "keys \"api-N\" are reserved for "
		    "generated keys");
		return -1;
	}
	if (api_parse_day(api_field_str(body, "due"), "due", &rec->due,
	    f) == -1)
		return -1;
	s = api_field_str(body, "lead");
	/* A group leads as each of its members (分别负责). */
	if ((rec->lead = known_office(k, s, true)) == NULL) {
		api_fail_set(f, 422, "lead", "unknown office \"%s\"", s);
		return -1;
	}
	if ((s = api_field_str(body, "policy")) != NULL &&
	    config_policy(k->cf, s) == NULL) {
		api_fail_set(f, 422, "policy", "unknown policy \"%s\"", s);
		return -1;
	}
	rec->policy = s;
	if (body_offices(k, body, "assist", &assist, &rec->nassist,
	    f) == -1 || body_offices(k, body, "responsible", &responsible,
	    &rec->nresponsible, f) == -1) {
		free(assist);
		free(responsible);
		return -1;
	}
	rec->assist = assist;
	rec->responsible = responsible;
	return 0;
}

static void
post_tasks(struct api_request *r)
{
	struct store *st = r->d->store;
	struct api_input k = { .rows = NULL };
	struct task_row *t = NULL;
	struct task_rec rec = { .assist = NULL, .responsible = NULL };
	struct api_failure f;
	bool existed = false, txn = false;
	int64_t id = 0;
	json_t *body;

	if ((body = api_read_body(r, false)) == NULL)
		return;
	if (known_load(r, &k, &f) == -1 || api_task_input(&k, body, &rec,
	    &f) == -1 || api_txn_begin(r, &f) == -1)
		goto fail;
	txn = true;
	if (st->ops->task_add(st, &rec, r->now, &id, &existed) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	if (existed) {
		api_fail_set(&f, 409, "key", "task \"%s\" exists", rec.key);
		goto fail;
	}
	if (st->ops->task_get_id(st, id, &t) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	if (t == NULL) {
		api_fail_set(&f, 500, NULL, "task %lld vanished",
		    (long long)id);
		goto fail;
	}
	if (api_txn_commit(r, &f) == -1) {
		txn = false;
		goto fail;
	}
	log_info(&r->d->log, "api: task \"%s\" added (%s)", t->rec.key,
	    rec.lead);
	api_replan(r, ITEM_TASK, id);
	api_reply_json(r, 201, json_pack("{s:o}", "task", task_json(r, t)));
	goto out;
fail:
	if (txn)
		st->ops->rollback(st);
	api_reply_failure(r, &f);
out:
	task_rows_free(t, t != NULL ? 1 : 0);
	free((void *)rec.assist);
	free((void *)rec.responsible);
	office_rows_free(k.rows, k.n);
	json_decref(body);
}

/* POST /v1/tasks/KEY/done and /reopen. */

int
api_task_mark_input(const struct api_input *in, json_t *body, bool done,
    int64_t *at, bool *at_given, struct api_failure *f)
{
	const char *s;

	*at = done ? in->now : 0;
	*at_given = false;
	if (api_check_fields(body, done ? done_fields : reopen_fields,
	    f) == -1)
		return -1;
	if (!done || (s = api_field_str(body, "at")) == NULL)
		return 0;
	*at_given = true;
	return api_parse_at(s, "at", in->now, at, f);
}

/*
 * done or reopen of one office's part; the task follows: done (at the
 * last part's time) when every part is, open again when one is reopened.
 */
static int
part_mark(struct api_request *r, const struct task_row *t, json_t *body,
    bool done, int64_t at, bool at_given, struct api_failure *f)
{
	const struct config *cf = r->d->config;
	struct store *st = r->d->store;
	const char *name = api_field_str(body, "office"), *office = NULL;
	const char *note = api_field_str(body, "note");
	const struct office_conf *oc;
	const struct task_part *p;
	struct task_parts_state ps;
	int64_t task_at = 0, part_at;
	bool all = true;
	int rc = -1;

	if (name == NULL) {
		api_fail_set(f, 400, "note", "a note goes with an office's "
		    "part: \"office\" is missing");
		return -1;
	}
	oc = config_office(cf, name);
	if (parts_load(r, t, &ps) == -1) {
		api_fail_store(f, st);
		goto out;
	}
	for (size_t i = 0; i < ps.n && office == NULL; i++)
		if (strcmp(ps.office[i], oc != NULL ? oc->name : name) == 0)
			office = ps.office[i];
	if (office == NULL) {
		api_fail_set(f, 422, "office", "\"%s\" has no part of task "
		    "\"%s\"", name, t->rec.key);
		goto out;
	}
	p = parts_recorded(&ps, office);
	/* done again without "at" keeps the first time. */
	if (done && !at_given && part_done_at(t, &ps, office) != 0)
		at = part_done_at(t, &ps, office);
	if (note == NULL && p != NULL)
		note = p->note;
	if (st->ops->task_part_set(st, t->id, office, at, note,
	    r->now) == -1) {
		api_fail_store(f, st);
		goto out;
	}
	if (p == NULL || p->done_at != at)
		log_info(&r->d->log, "api: task \"%s\": the part of \"%s\" "
		    "%s", t->rec.key, office, done ? "done" : "reopened");
	for (size_t i = 0; i < ps.n && all; i++) {
		part_at = ps.office[i] == office ? at :
		    part_done_at(t, &ps, ps.office[i]);
		if (part_at == 0)
			all = false;
		else if (part_at > task_at)
			task_at = part_at;
	}
	if (!all)
		task_at = 0;
	if (st->ops->task_set_done(st, t->rec.key, task_at, r->now) == -1) {
		api_fail_store(f, st);
		goto out;
	}
	if (task_at != t->done_at)
		log_info(&r->d->log, "api: task \"%s\" %s", t->rec.key,
		    task_at != 0 ? "done" : "reopened");
	rc = 0;
out:
	task_parts_free(ps.rec, ps.nrec);
	return rc;
}

/*
 * The whole task done (at) or reopened (0): every open part is done at
 * that time, or every part is reopened (notes stay).
 */
static int
parts_mark_all(struct api_request *r, const struct task_row *t, int64_t at,
    struct api_failure *f)
{
	struct store *st = r->d->store;
	struct task_parts_state ps;
	const struct task_part *p;
	int rc = 0;

	if (parts_load(r, t, &ps) == -1) {
		api_fail_store(f, st);
		return -1;
	}
	for (size_t i = 0; i < ps.n && rc == 0; i++) {
		p = parts_recorded(&ps, ps.office[i]);
		if ((at != 0) == (p != NULL && p->done_at != 0))
			continue;	/* done already, or open already */
		rc = st->ops->task_part_set(st, t->id, ps.office[i], at,
		    p != NULL ? p->note : NULL, r->now);
	}
	if (rc == -1)
		api_fail_store(f, st);
	task_parts_free(ps.rec, ps.nrec);
	return rc;
}

static void
task_mark(struct api_request *r, bool done)
{
	struct api_input in = { r->d->config, NULL, 0, r->now };
	struct store *st = r->d->store;
	struct task_row *t = NULL;
	struct api_failure f;
	int64_t at = 0;
	bool txn = false, changed, at_given;
	json_t *body;

	if ((body = api_read_body(r, true)) == NULL)
		return;
	if (api_task_mark_input(&in, body, done, &at, &at_given, &f) == -1)
		goto fail;
	if (api_txn_begin(r, &f) == -1)
		goto fail;
	txn = true;
	if ((t = task_from_path(r, &f)) == NULL)
		goto fail;
	if (t->retired_at != 0) {
		api_fail_set(&f, 409, NULL, "task \"%s\" is retired",
		    t->rec.key);
		goto fail;
	}
	if (json_object_get(body, "office") != NULL ||
	    json_object_get(body, "note") != NULL) {
		changed = false;	/* part_mark logs */
		if (part_mark(r, t, body, done, at, at_given, &f) == -1)
			goto fail;
		goto commit;
	}
	/* done again without "at" keeps the first time. */
	if (done && t->done_at != 0 && !at_given)
		at = t->done_at;
	changed = t->done_at != at;
	if (st->ops->task_set_done(st, t->rec.key, at, r->now) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	if (parts_mark_all(r, t, at, &f) == -1)
		goto fail;
commit:
	if (api_txn_commit(r, &f) == -1) {
		txn = false;
		goto fail;
	}
	if (changed)
		log_info(&r->d->log, "api: task \"%s\" %s", t->rec.key,
		    done ? "done" : "reopened");
	api_replan(r, ITEM_TASK, t->id);
	reply_task(r, 200, t->rec.key, false);
	goto out;
fail:
	if (txn)
		st->ops->rollback(st);
	api_reply_failure(r, &f);
out:
	task_rows_free(t, t != NULL ? 1 : 0);
	json_decref(body);
}

static void
post_task_done(struct api_request *r)
{
	task_mark(r, true);
}

static void
post_task_reopen(struct api_request *r)
{
	task_mark(r, false);
}

/* POST /v1/import. */

static bool
json_strings_have(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		if (strcmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

/* Notes an unknown office; false when out of memory. */
static bool
unknown_add(struct api_unknown *u, const char *name, json_int_t row, bool lead)
{
	size_t n = json_array_size(u->rows);

	u->lead = u->lead || lead;
	if (!json_strings_have(u->offices, name) &&
	    json_array_append_new(u->offices, json_string(name)) == -1)
		return false;
	if (n == 0 || json_integer_value(json_array_get(u->rows, n - 1)) !=
	    row)
		return json_array_append_new(u->rows, json_integer(row)) == 0;
	return true;
}

void
api_import_free(struct api_import *im)
{
	for (size_t i = 0; i < im->n; i++) {
		if (im->keys != NULL)
			free(im->keys[i]);
		if (im->assist != NULL)
			free(im->assist[i]);
		if (im->responsible != NULL)
			free(im->responsible[i]);
	}
	free(im->recs);
	free(im->keys);
	free(im->assist);
	free(im->responsible);
	free(im->source);
	json_decref(im->unknown.offices);
	json_decref(im->unknown.rows);
}

/* The task's row for messages: its "row", else its position from 1. */
static json_int_t
task_row_no(json_t *task, size_t i)
{
	json_t *row = json_object_get(task, "row");

	return json_is_integer(row) ? json_integer_value(row) :
	    (json_int_t)i + 1;
}

/* "number" as a string: an integer is written in decimal. */
static int
number_normalize(json_t *task)
{
	json_t *num = json_object_get(task, "number");
	char buf[32];

	if (!json_is_integer(num))
		return 0;
	snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
	    json_integer_value(num));
	return json_object_set_new(task, "number", json_string(buf));
}

/*
 * An office of a task: its stored name, or the name as written when it is
 * unknown (noted); NULL with f set on error.
 */
static const char *
import_office(struct api_import *im, const char *name, json_int_t row,
    bool lead, struct api_failure *f)
{
	/* A group may lead: each member is responsible for its part. */
	const char *known = known_office(im->known, name, true);

	if (known != NULL)
		return known;
	if (!unknown_add(&im->unknown, name, row, lead)) {
		api_fail_set(f, 500, NULL, "out of memory");
		return NULL;
	}
	return name;		/* kept as written if created */
}

/* The offices of a task's field into *v (allocated), as import_office. */
static int
import_offices(struct api_import *im, json_t *task, const char *field,
    json_int_t row, const char ***v, size_t *n, struct api_failure *f)
{
	json_t *names = json_object_get(task, field);
	size_t j;

	*n = 0;
	if (json_array_size(names) == 0)
		return 0;
	if ((*v = calloc(json_array_size(names), sizeof **v)) == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	for (j = 0; j < json_array_size(names); j++) {
		if (((*v)[j] = import_office(im, json_string_value(
		    json_array_get(names, j)), row, false, f)) == NULL)
			return -1;
		*n = j + 1;
	}
	return 0;
}

/* One task of the body into im->recs[i]. */
static int
import_task(struct api_import *im, size_t i, json_t *task, struct api_failure *f)
{
	struct task_rec *rec = &im->recs[i];
	json_int_t row;
	const char *due;

	if (!json_is_object(task)) {
		api_fail_set(f, 400, "tasks", "task %zu is not an object",
		    i + 1);
		return -1;
	}
	row = task_row_no(task, i);
	if (number_normalize(task) == -1) {
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	if (api_check_fields(task, import_task_fields, f) == -1) {
		f->row = row;
		return -1;
	}
	if (asprintf(&im->keys[i], "%s:%s", im->plan,
	    api_field_str(task, "number")) == -1) {
		im->keys[i] = NULL;
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	rec->key = im->keys[i];
	rec->source = im->source;
	rec->title = api_field_str(task, "title");
	rec->due_text = api_field_str(task, "due_text");
	rec->target = api_field_str(task, "target");
	rec->section = api_field_str(task, "section");
	rec->due = -1;
	if ((due = api_field_str(task, "due")) != NULL &&
	    api_parse_day(due, "due", &rec->due, f) == -1) {
		f->row = row;
		return -1;
	}
	if ((rec->lead = import_office(im, api_field_str(task, "lead"), row,
	    true, f)) == NULL)
		return -1;
	if (import_offices(im, task, "assist", row, &im->assist[i],
	    &rec->nassist, f) == -1 || import_offices(im, task, "responsible",
	    row, &im->responsible[i], &rec->nresponsible, f) == -1)
		return -1;
	rec->assist = im->assist[i];
	rec->responsible = im->responsible[i];
	return 0;
}

static int
key_compare(const void *a, const void *b)
{
	const struct task_rec *x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* Two tasks with one number: 400 naming the second's row. */
static int
import_duplicates(struct api_import *im, json_t *tasks, struct api_failure *f)
{
	struct task_rec *sorted;
	size_t i, j;

	if (im->n < 2)
		return 0;
	if ((sorted = calloc(im->n, sizeof *sorted)) == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	memcpy(sorted, im->recs, im->n * sizeof *sorted);
	qsort(sorted, im->n, sizeof *sorted, key_compare);
	for (i = 1; i < im->n; i++) {
		if (strcmp(sorted[i - 1].key, sorted[i].key) != 0)
			continue;
		for (j = im->n; j-- > 0;)
			if (strcmp(im->recs[j].key, sorted[i].key) == 0)
				break;
		api_fail_set(f, 400, "number", "number \"%s\" is given twice",
		    sorted[i].key + strlen(im->plan) + 1);
		f->row = task_row_no(json_array_get(tasks, j), j);
		free(sorted);
		return -1;
	}
	free(sorted);
	return 0;
}

int
api_import_input(const struct api_input *in, json_t *body,
    struct api_import *im, struct api_failure *f)
{
	json_t *tasks, *v;
	size_t i;

	if (api_check_fields(body, import_fields, f) == -1)
		return -1;
	im->plan = api_field_str(body, "plan");
	im->dry_run = json_is_true(json_object_get(body, "dry_run"));
	im->create_offices = json_is_true(json_object_get(body,
	    "create_offices"));
	tasks = json_object_get(body, "tasks");
	im->n = json_array_size(tasks);
	im->unknown.offices = json_array();
	im->unknown.rows = json_array();
	if (asprintf(&im->source, "import:%s", im->plan) == -1)
		im->source = NULL;
	im->recs = calloc(im->n + 1, sizeof *im->recs);
	im->keys = calloc(im->n + 1, sizeof *im->keys);
	im->assist = calloc(im->n + 1, sizeof *im->assist);
	im->responsible = calloc(im->n + 1, sizeof *im->responsible);
	if (im->source == NULL || im->recs == NULL || im->keys == NULL ||
	    im->assist == NULL || im->responsible == NULL ||
	    im->unknown.offices == NULL ||
	    im->unknown.rows == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	im->known = in;
	json_array_foreach(tasks, i, v) {
		if (import_task(im, i, v, f) == -1)
			return -1;
	}
	return import_duplicates(im, tasks, f);
}

/* 422 with every unknown office and the rows that name them. */
static void
reply_unknown(struct api_request *r, struct api_import *im)
{
	json_t *obj = json_pack("{s:s, s:s, s:O, s:O}",
	    "error", "unknown offices",
	    "field", im->unknown.lead ? "lead" : "assist",
	    "offices", im->unknown.offices, "rows", im->unknown.rows);

	api_reply_json(r, 422, obj);
}

/* Puts the unknown offices into the store's table. */
static int
import_create_offices(struct api_request *r, struct api_import *im,
    struct api_failure *f)
{
	struct store *st = r->d->store;
	struct office_rec rec = { NULL, NULL };
	size_t i;
	json_t *v;

	json_array_foreach(im->unknown.offices, i, v) {
		rec.name = json_string_value(v);
		if (st->ops->office_put(st, &rec, r->now) == -1) {
			api_fail_store(f, st);
			return -1;
		}
	}
	return 0;
}

static bool
import_changed(const struct sync_stats *s)
{
	return s->added + s->changed + s->retired + s->restored > 0;
}

static void
import_log(struct api_request *r, const struct api_import *im,
    const struct sync_stats *s)
{
	log_info(&r->d->log, "api: import \"%s\"%s: %d added, %d changed, "
	    "%d unchanged, %d retired, %d restored, %zu offices created",
	    im->plan, im->dry_run ? " (dry run)" : "", s->added, s->changed,
	    s->unchanged, s->retired, s->restored,
	    im->create_offices ? json_array_size(im->unknown.offices) : 0);
}

static void
post_import(struct api_request *r)
{
	struct store *st = r->d->store;
	struct api_input known = { .rows = NULL };
	struct api_import im;
	struct sync_stats stats;
	struct sync_ids touched = { NULL, 0 };
	struct api_failure f;
	bool txn = false;
	json_t *body;

	memset(&im, 0, sizeof im);
	memset(&stats, 0, sizeof stats);
	if ((body = api_read_body(r, false)) == NULL)
		return;
	if (known_load(r, &known, &f) == -1 ||
	    api_import_input(&known, body, &im, &f) == -1)
		goto fail;
	if (json_array_size(im.unknown.offices) > 0 && !im.create_offices) {
		reply_unknown(r, &im);
		goto out;
	}
	if (api_txn_begin(r, &f) == -1)
		goto fail;
	txn = true;
	if (import_create_offices(r, &im, &f) == -1)
		goto fail;
	if (st->ops->tasks_sync_ids(st, im.source, im.recs, im.n, r->now,
	    &stats, &touched) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	if (im.dry_run) {
		st->ops->rollback(st);
		txn = false;
	} else if (api_txn_commit(r, &f) == -1) {
		txn = false;
		goto fail;
	}
	import_log(r, &im, &stats);
	/* Only what the import touched: the rest of the store is planned. */
	if (!im.dry_run && import_changed(&stats) && r->d->schedule != NULL &&
	    schedule_replan_tasks(r->d->schedule, touched.v, touched.n) == -1)
		log_err(&r->d->log, "api: replanning after the import failed; "
		    "planned again at the next start");
	api_reply_json(r, 200, json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:b, "
	    "s:O}", "plan", im.plan, "added", stats.added,
	    "changed", stats.changed, "unchanged", stats.unchanged,
	    "retired", stats.retired, "restored", stats.restored,
	    "dry_run", im.dry_run, "offices_created", im.unknown.offices));
	goto out;
fail:
	if (txn)
		st->ops->rollback(st);
	api_reply_failure(r, &f);
out:
	free(touched.v);
	api_import_free(&im);
	office_rows_free(known.rows, known.n);
	json_decref(body);
}

/* Progress on targets: GET and POST /v1/tasks/KEY/progress. */

static const struct api_field progress_fields[] = {
	{ "note", false, TEXT_MAX, FIELD_STRING_NULL },
	{ "office", false, NAME_MAX_LEN, FIELD_STRING_NULL },
	{ NULL, false, 0, FIELD_STRING },
};

/* "value": a finite number >= 0 (JSON has no NaN; the check is cheap). */
static int
progress_value(json_t *body, double *value, struct api_failure *f)
{
	json_t *v = json_object_get(body, "value");

	if (v == NULL) {
		api_fail_set(f, 400, "value", "\"value\" is required");
		return -1;
	}
	if (!json_is_number(v)) {
		api_fail_set(f, 400, "value", "\"value\" must be a number");
		return -1;
	}
	*value = json_number_value(v);
	if (!(*value >= 0) || *value > 1e15) {
		api_fail_set(f, 422, "value", "\"value\" must be a number from "
		    "0 to 1e15");
		return -1;
	}
	return 0;
}

/* The body's value, note and office (stored name), or -1 with f set. */
static int
progress_input(const struct api_input *k, json_t *body, double *value,
    const char **note, const char **office, struct api_failure *f)
{
	json_t *rest;
	const char *s;
	int rc;

	/* "value" is a number, which api_check_fields does not know. */
	if ((rest = json_copy(body)) == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	json_object_del(rest, "value");
	rc = api_check_fields(rest, progress_fields, f);
	json_decref(rest);
	if (rc == -1 || progress_value(body, value, f) == -1)
		return -1;
	*note = api_field_str(body, "note");
	*office = NULL;
	if ((s = api_field_str(body, "office")) != NULL &&
	    (*office = known_office(k, s, false)) == NULL) {
		api_fail_set(f, 422, "office", "unknown office \"%s\"", s);
		return -1;
	}
	return 0;
}

static json_t *
progress_json(const struct task_row *t, const struct task_progress_rec *p,
    size_t n)
{
	char text[TEXT_MAX + 64];
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, json_pack("{s:o, s:f, s:s, s:o, "
		    "s:o}", "at", api_json_instant(p[i].recorded_at),
		    "value", p[i].value,
		    "text", target_progress_text(p[i].value, t->rec.target,
		    text, sizeof text),
		    "office", api_json_str_or_null(p[i].office),
		    "note", api_json_str_or_null(p[i].note)));
	return arr;
}

static void
get_task_progress(struct api_request *r)
{
	static const char *const params[] = { NULL };
	struct store *st = r->d->store;
	struct task_progress_rec *p = NULL;
	struct task_row *t = NULL;
	struct api_failure f;
	size_t n = 0;

	if (api_query(r, params, NULL, NULL, &f) == -1 ||
	    (t = task_from_path(r, &f)) == NULL) {
		api_reply_failure(r, &f);
		return;
	}
	if (st->ops->task_progress(st, t->id, &p, &n) == -1) {
		api_fail_store(&f, st);
		api_reply_failure(r, &f);
	} else
		api_reply_json(r, 200, json_pack("{s:s, s:o, s:o}",
		    "key", t->rec.key,
		    "target", api_json_str_or_null(t->rec.target),
		    "progress", progress_json(t, p, n)));
	task_progress_free(p, n);
	task_rows_free(t, 1);
}

static void
post_task_progress(struct api_request *r)
{
	struct store *st = r->d->store;
	struct api_input k = { .rows = NULL };
	struct task_row *t = NULL;
	struct api_failure f;
	const char *note = NULL, *office = NULL;
	double value = 0;
	bool txn = false;
	json_t *body;

	if ((body = api_read_body(r, false)) == NULL)
		return;
	if (known_load(r, &k, &f) == -1 || progress_input(&k, body, &value,
	    &note, &office, &f) == -1 || api_txn_begin(r, &f) == -1)
		goto fail;
	txn = true;
	if ((t = task_from_path(r, &f)) == NULL)
		goto fail;
	if (t->retired_at != 0) {
		api_fail_set(&f, 409, NULL, "task \"%s\" is retired",
		    t->rec.key);
		goto fail;
	}
	if (t->rec.target == NULL) {
		api_fail_set(&f, 422, NULL, "task has no target");
		goto fail;
	}
	if (st->ops->task_progress_add(st, t->id, value, office, note,
	    r->now) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	if (api_txn_commit(r, &f) == -1) {
		txn = false;
		goto fail;
	}
	log_info(&r->d->log, "api: task \"%s\" progress %g", t->rec.key,
	    value);
	reply_task(r, 201, t->rec.key, false);
	goto out;
fail:
	if (txn)
		st->ops->rollback(st);
	api_reply_failure(r, &f);
out:
	task_rows_free(t, t != NULL ? 1 : 0);
	office_rows_free(k.rows, k.n);
	json_decref(body);
}
