/*
 * The API's tasks, offices and work-plan import (api.c has the server;
 * doc/api.md describes each endpoint).
 *
 * User-visible decisions:
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
#include "report.h"
#include "schedule.h"
#include "store.h"

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

const struct api_route api_task_routes[] = {
	{ EVHTTP_REQ_GET, "/v1/offices", SCOPE_READ, false, 0, get_offices },
	{ EVHTTP_REQ_GET, "/v1/tasks", SCOPE_READ, false, 0, get_tasks },
	{ EVHTTP_REQ_POST, "/v1/tasks", SCOPE_WRITE, false, 0, post_tasks },
	{ EVHTTP_REQ_GET, "/v1/tasks/*", SCOPE_READ, false, 0, get_task },
	{ EVHTTP_REQ_POST, "/v1/tasks/*/done", SCOPE_WRITE, false, 0,
	    post_task_done },
	{ EVHTTP_REQ_POST, "/v1/tasks/*/reopen", SCOPE_WRITE, false, 0,
	    post_task_reopen },
	{ EVHTTP_REQ_POST, "/v1/import", SCOPE_WRITE, false,
	    API_IMPORT_BODY_MAX, post_import },
	{ 0, NULL, SCOPE_OPEN, false, 0, NULL },
};

static const struct api_field task_fields[] = {
	{ "key", false, KEY_MAX, FIELD_STRING },
	{ "title", true, TITLE_MAX, FIELD_STRING },
	{ "lead", true, NAME_MAX_LEN, FIELD_STRING },
	{ "assist", false, NAME_MAX_LEN, FIELD_STRINGS },
	{ "due", true, 10, FIELD_STRING },
	{ "due_text", false, TEXT_MAX, FIELD_STRING_NULL },
	{ "target", false, TEXT_MAX, FIELD_STRING_NULL },
	{ "policy", false, NAME_MAX_LEN, FIELD_STRING },
	{ NULL, false, 0, FIELD_STRING },
};

static const struct api_field done_fields[] = {
	{ "at", false, 64, FIELD_STRING },
	{ NULL, false, 0, FIELD_STRING },
};

static const struct api_field no_fields[] = {
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
 * The offices the store knows (config offices and created ones), for
 * checking names; free with office_rows_free.
 */
struct known_offices {
	const struct config	*cf;
	struct office_row	*rows;
	size_t			 n;
};

static int
known_load(struct api_request *r, struct known_offices *k,
    struct api_failure *f)
{
	struct store *st = r->d->store;

	k->cf = r->d->config;
	if (st->ops->offices(st, &k->rows, &k->n) == -1) {
		api_fail_store(f, st);
		return -1;
	}
	return 0;
}

/* The name to store for an office, or NULL when it is unknown. */
static const char *
known_office(const struct known_offices *k, const char *name, bool group)
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
task_json(struct api_request *r, const struct task_row *t)
{
	const struct config *cf = r->d->config;
	const struct task_rec *rec = &t->rec;
	int64_t deadline = api_task_deadline(cf, t);
	json_t *assist = json_array();

	for (size_t i = 0; assist != NULL && i < rec->nassist; i++)
		json_array_append_new(assist, json_string(rec->assist[i]));
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:s, s:o, s:o, s:o, s:o}",
	    "key", rec->key, "source", rec->source, "title", rec->title,
	    "lead", rec->lead, "assist", assist,
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
 * The assisting offices of a body as stored names into *v (strings
 * borrowed); unknown ones fail with 422.
 */
static int
assist_names(const struct known_offices *k, json_t *arr, const char ***v,
    size_t *n, struct api_failure *f)
{
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
			api_fail_set(f, 422, "assist", "unknown office \"%s\"",
			    name);
			return -1;
		}
		*n = i + 1;
	}
	return 0;
}

/* Validates a POST /v1/tasks body into rec (assist allocated). */
static int
task_input(struct api_request *r, json_t *body,
    const struct known_offices *k, struct task_rec *rec,
    struct api_failure *f)
{
	const char **assist = NULL;
	const char *s;

	memset(rec, 0, sizeof *rec);
	if (api_check_fields(body, task_fields, f) == -1)
		return -1;
	rec->key = api_field_str(body, "key");
	rec->source = "api";
	rec->title = api_field_str(body, "title");
	rec->due_text = api_field_str(body, "due_text");
	rec->target = api_field_str(body, "target");
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
	    config_policy(r->d->config, s) == NULL) {
		api_fail_set(f, 422, "policy", "unknown policy \"%s\"", s);
		return -1;
	}
	rec->policy = s;
	if (assist_names(k, json_object_get(body, "assist"), &assist,
	    &rec->nassist, f) == -1) {
		free(assist);
		return -1;
	}
	rec->assist = assist;
	return 0;
}

static void
post_tasks(struct api_request *r)
{
	struct store *st = r->d->store;
	struct known_offices k = { NULL, NULL, 0 };
	struct task_row *t = NULL;
	struct task_rec rec = { .assist = NULL };
	struct api_failure f;
	bool existed = false, txn = false;
	int64_t id = 0;
	json_t *body;

	if ((body = api_read_body(r, false)) == NULL)
		return;
	if (known_load(r, &k, &f) == -1 || task_input(r, body, &k, &rec,
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
	office_rows_free(k.rows, k.n);
	json_decref(body);
}

/* POST /v1/tasks/KEY/done and /reopen. */

static void
task_mark(struct api_request *r, bool done)
{
	struct store *st = r->d->store;
	struct task_row *t = NULL;
	struct api_failure f;
	const char *at_s = NULL;
	int64_t at = 0;
	bool txn = false, changed;
	json_t *body;

	if ((body = api_read_body(r, true)) == NULL)
		return;
	if (api_check_fields(body, done ? done_fields : no_fields, &f) == -1)
		goto fail;
	if (done) {
		at = r->now;
		if ((at_s = api_field_str(body, "at")) != NULL &&
		    api_parse_at(at_s, "at", r->now, &at, &f) == -1)
			goto fail;
	}
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
	/* done again without "at" keeps the first time. */
	if (done && t->done_at != 0 && at_s == NULL)
		at = t->done_at;
	changed = t->done_at != at;
	if (st->ops->task_set_done(st, t->rec.key, at, r->now) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
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

/* The names of unknown offices and the rows that have them. */
struct unknown {
	json_t	*offices;
	json_t	*rows;
	bool	 lead;		/* a lead among them */
};

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
unknown_add(struct unknown *u, const char *name, json_int_t row, bool lead)
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

struct import {
	const char		*plan;
	char			*source;	/* "import:<plan>" */
	bool			 dry_run;
	bool			 create_offices;
	struct task_rec		*recs;
	char			**keys;
	const char		***assist;
	size_t			 n;
	struct known_offices	 known;
	struct unknown		 unknown;
};

static void
import_free(struct import *im)
{
	for (size_t i = 0; i < im->n; i++) {
		free(im->keys[i]);
		free(im->assist[i]);
	}
	free(im->recs);
	free(im->keys);
	free(im->assist);
	free(im->source);
	office_rows_free(im->known.rows, im->known.n);
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
import_office(struct import *im, const char *name, json_int_t row,
    bool lead, struct api_failure *f)
{
	/* A group may lead: each member is responsible for its part. */
	const char *known = known_office(&im->known, name, true);

	if (known != NULL)
		return known;
	if (!unknown_add(&im->unknown, name, row, lead)) {
		api_fail_set(f, 500, NULL, "out of memory");
		return NULL;
	}
	return name;		/* kept as written if created */
}

/* One task of the body into im->recs[i]. */
static int
import_task(struct import *im, size_t i, json_t *task, struct api_failure *f)
{
	struct task_rec *rec = &im->recs[i];
	json_int_t row;
	json_t *assist;
	const char *due;
	size_t j;

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
	rec->due = -1;
	if ((due = api_field_str(task, "due")) != NULL &&
	    api_parse_day(due, "due", &rec->due, f) == -1) {
		f->row = row;
		return -1;
	}
	if ((rec->lead = import_office(im, api_field_str(task, "lead"), row,
	    true, f)) == NULL)
		return -1;
	assist = json_object_get(task, "assist");
	if (json_array_size(assist) == 0)
		return 0;
	if ((im->assist[i] = calloc(json_array_size(assist),
	    sizeof *im->assist[i])) == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	for (j = 0; j < json_array_size(assist); j++) {
		if ((im->assist[i][j] = import_office(im, json_string_value(
		    json_array_get(assist, j)), row, false, f)) == NULL)
			return -1;
	}
	rec->assist = im->assist[i];
	rec->nassist = j;
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
import_duplicates(struct import *im, json_t *tasks, struct api_failure *f)
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

/* Validates the body into im. */
static int
import_input(struct api_request *r, json_t *body, struct import *im,
    struct api_failure *f)
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
	if (im->source == NULL || im->recs == NULL || im->keys == NULL ||
	    im->assist == NULL || im->unknown.offices == NULL ||
	    im->unknown.rows == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	if (known_load(r, &im->known, f) == -1)
		return -1;
	json_array_foreach(tasks, i, v) {
		if (import_task(im, i, v, f) == -1)
			return -1;
	}
	return import_duplicates(im, tasks, f);
}

/* 422 with every unknown office and the rows that name them. */
static void
reply_unknown(struct api_request *r, struct import *im)
{
	json_t *obj = json_pack("{s:s, s:s, s:O, s:O}",
	    "error", "unknown offices",
	    "field", im->unknown.lead ? "lead" : "assist",
	    "offices", im->unknown.offices, "rows", im->unknown.rows);

	api_reply_json(r, 422, obj);
}

/* Puts the unknown offices into the store's table. */
static int
import_create_offices(struct api_request *r, struct import *im,
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
import_log(struct api_request *r, const struct import *im,
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
	struct import im;
	struct sync_stats stats;
	struct api_failure f;
	bool txn = false;
	json_t *body;

	memset(&im, 0, sizeof im);
	memset(&stats, 0, sizeof stats);
	if ((body = api_read_body(r, false)) == NULL)
		return;
	if (import_input(r, body, &im, &f) == -1)
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
	if (st->ops->tasks_sync(st, im.source, im.recs, im.n, r->now,
	    &stats) == -1) {
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
	if (!im.dry_run && import_changed(&stats) && r->d->schedule != NULL &&
	    schedule_replan_all(r->d->schedule) == -1)
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
	import_free(&im);
	json_decref(body);
}
