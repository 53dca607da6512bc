/*
 * The API's cases, reminders and acknowledgement links (api.c has the
 * server; doc/api.md describes each endpoint).
 *
 * User-visible decisions:
 *  - GET /v1/cases lists cases by id: state=open (default), closed or
 *    all; office by name or alias (an office gone from the config is
 *    matched by name); limit 1..1000, default 100.  "deadline" is the
 *    earliest deadline among the running milestones, null when none runs
 *    (closed, paused, or the rule is gone from the config).
 *  - Opening a case with a ref that exists returns that case with 200
 *    (idempotent) when rule, office and title agree; otherwise 409.
 *  - In /v1/reminders, from and to as dates are whole days, both
 *    included.
 *  - opened_at may be in the future only for a rule counted backwards
 *    (a negative limit): it is then the scheduled event's instant.
 *  - A close before a milestone's minimum period is over is refused with
 *    409 naming the day the minimum ends, unless {"force": true,
 *    "reason": "..."}: the reason is stored as the event's note and the
 *    event as forced.  A forced close that is not early is recorded as
 *    a plain close (forced false) with the reason as note.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "ack.h"
#include "api_internal.h"
#include "config.h"
#include "date.h"
#include "duband.h"
#include "log.h"
#include "parse.h"
#include "reminder.h"
#include "replan.h"
#include "store.h"
#include "timelimit.h"

#define REF_MAX			200
#define TITLE_MAX		1000
#define NOTE_MAX		2000

static void post_cases(struct api_request *);
static void get_cases(struct api_request *);
static void get_case(struct api_request *);
static void post_case_extend(struct api_request *);
static void post_case_pause(struct api_request *);
static void post_case_resume(struct api_request *);
static void post_case_close(struct api_request *);
static void get_reminders(struct api_request *);
static void ack(struct api_request *);

const struct api_route api_case_routes[] = {
	{ EVHTTP_REQ_POST, "/v1/cases", SCOPE_WRITE, false, 0, post_cases },
	{ EVHTTP_REQ_GET, "/v1/cases", SCOPE_READ, false, 0, get_cases },
	{ EVHTTP_REQ_GET, "/v1/cases/*", SCOPE_READ, false, 0, get_case },
	{ EVHTTP_REQ_POST, "/v1/cases/*/extend", SCOPE_WRITE, false, 0,
	    post_case_extend },
	{ EVHTTP_REQ_POST, "/v1/cases/*/pause", SCOPE_WRITE, false, 0,
	    post_case_pause },
	{ EVHTTP_REQ_POST, "/v1/cases/*/resume", SCOPE_WRITE, false, 0,
	    post_case_resume },
	{ EVHTTP_REQ_POST, "/v1/cases/*/close", SCOPE_WRITE, false, 0,
	    post_case_close },
	{ EVHTTP_REQ_GET, "/v1/reminders", SCOPE_READ, false, 0,
	    get_reminders },
	{ EVHTTP_REQ_GET, "/v1/ack/*", SCOPE_OPEN, true, 0, ack },
	{ EVHTTP_REQ_POST, "/v1/ack/*", SCOPE_OPEN, true, 0, ack },
	{ 0, NULL, SCOPE_OPEN, false, 0, NULL },
};

static const struct api_field case_fields[] = {
	{ "ref", true, REF_MAX, FIELD_STRING },
	{ "rule", true, 200, FIELD_STRING },
	{ "office", true, 200, FIELD_STRING },
	{ "title", true, TITLE_MAX, FIELD_STRING },
	{ "opened_at", false, 64, FIELD_STRING },
	{ NULL, false, 0, FIELD_STRING },
};

static const struct api_field event_fields[] = {
	{ "at", false, 64, FIELD_STRING },
	{ "milestone", false, 200, FIELD_STRING },
	{ "note", false, NOTE_MAX, FIELD_STRING },
	{ "force", false, 0, FIELD_BOOL },
	{ "reason", false, NOTE_MAX, FIELD_STRING },
	{ NULL, false, 0, FIELD_STRING },
};

static const char *const reminder_params[] = {
	"state", "office", "from", "to", "limit", "case", NULL,
};

/* Cases. */

static const struct rule_conf *
case_rule(const struct api_request *r, const struct case_row *c,
    struct api_failure *f)
{
	const struct rule_conf *rc = config_rule(r->d->config, c->rule);

	if (rc == NULL)
		api_fail_set(f, 422, "rule", "case \"%s\": rule \"%s\" is "
		    "not in the config", c->ref, c->rule);
	return rc;
}

/* The events as tl_events; strings stay in evs.  NULL when out of memory. */
static struct tl_event *
tl_events(const struct case_event_rec *evs, size_t n)
{
	struct tl_event *v;
	size_t i;

	if ((v = calloc(n + 1, sizeof *v)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		v[i].kind = evs[i].kind;
		v[i].at = evs[i].at;
		v[i].milestone = evs[i].milestone;
	}
	return v;
}

static json_t *
events_json(const struct case_event_rec *evs, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < n; i++) {
		json_array_append_new(arr, json_pack(
		    "{s:s, s:o, s:o, s:o, s:b, s:o}",
		    "kind", tl_event_kind_str(evs[i].kind),
		    "at", api_json_instant(evs[i].at),
		    "milestone", api_json_str_or_null(evs[i].milestone),
		    "note", api_json_str_or_null(evs[i].note),
		    "forced", evs[i].forced,
		    "recorded_at", api_json_instant(evs[i].recorded_at)));
	}
	return arr;
}

static const char *
tl_status_str(enum tl_status s)
{
	switch (s) {
	case TL_RUNNING:
		return "running";
	case TL_STOPPED:
		return "stopped";
	case TL_DONE:
		return "done";
	}
	return "unknown";
}

/* One milestone: its rule and where the events leave its deadline. */
static json_t *
milestone_json(const struct rule_conf *rc, size_t m,
    const struct tl_event *evs, size_t n)
{
	const struct tl_rule *rule = &rc->rule;
	struct tl_deadline dl;
	char lim[64], err[256], day[DAY_STRLEN];
	json_t *o;

	o = json_pack("{s:s, s:o, s:s}",
	    "name", rule->milestones[m].name,
	    "title", api_json_str_or_null(rc->milestone_title != NULL ?
	    rc->milestone_title[m] : NULL),
	    "limit", duration_format(&rule->milestones[m].limit, lim,
	    sizeof lim));
	if (o == NULL)
		return NULL;
	if (tl_deadline(rule, m, evs, n, &dl, err, sizeof err) == -1) {
		json_object_set_new(o, "status", json_string("error"));
		json_object_set_new(o, "error", json_string(err));
		return o;
	}
	json_object_set_new(o, "status", json_string(tl_status_str(dl.status)));
	json_object_set_new(o, "extensions", json_integer(dl.extensions));
	json_object_set_new(o, "max_extensions",
	    json_integer(rule->extension.n == 0 ? 0 : rule->max_extensions));
	json_object_set_new(o, "provisional", json_boolean(dl.provisional));
	if (dl.status == TL_STOPPED) {
		json_object_set_new(o, "remaining", json_integer(dl.remaining));
		json_object_set_new(o, "remaining_unit", json_string(
		    dur_unit_str(dl.remaining_unit, dl.remaining)));
		return o;
	}
	json_object_set_new(o, "deadline", api_json_instant(dl.at));
	json_object_set_new(o, "deadline_date",
	    json_string(day_format(dl.day, day)));
	if (dl.status == TL_DONE) {
		json_object_set_new(o, "closed_at",
		    api_json_instant(dl.closed_at));
		json_object_set_new(o, "late", json_boolean(dl.late));
	}
	return o;
}

static json_t *
milestones_json(const struct rule_conf *rc, const struct case_event_rec *evs,
    size_t n)
{
	struct tl_event *tl;
	json_t *arr;
	size_t m;

	if ((tl = tl_events(evs, n)) == NULL || (arr = json_array()) == NULL) {
		free(tl);
		return NULL;
	}
	for (m = 0; m < rc->rule.nmilestones; m++)
		json_array_append_new(arr, milestone_json(rc, m, tl, n));
	free(tl);
	return arr;
}

/* The case as GET /v1/cases/REF shows it, or NULL with f set. */
/*
 * "provisional": whether a running milestone's deadline falls in (or was
 * counted through) a year the rule's calendar does not cover (replan.h).
 */
static void
case_provisional_set(const struct config *cf, const struct case_row *c,
    const struct case_event_rec *evs, size_t n, json_t *obj)
{
	struct provisional p;

	json_object_set_new(obj, "provisional",
	    json_boolean(replan_case_provisional(cf, c, evs, n, &p)));
}

/* The same for a case of a listing, whose events are read for it. */
static int
case_provisional_load(struct api_request *r, const struct case_row *c,
    json_t *obj, struct api_failure *f)
{
	struct store *st = r->d->store;
	struct case_event_rec *evs = NULL;
	size_t n = 0;

	if (obj == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	if (st->ops->case_events(st, c->id, &evs, &n) == -1) {
		api_fail_store(f, st);
		return -1;
	}
	case_provisional_set(r->d->config, c, evs, n, obj);
	case_events_free(evs, n);
	return 0;
}

static json_t *
case_json(struct api_request *r, int64_t id, struct api_failure *f)
{
	struct store *st = r->d->store;
	const struct rule_conf *rc;
	struct case_event_rec *evs = NULL;
	struct case_row *c = NULL;
	json_t *obj = NULL;
	size_t n = 0;

	if (st->ops->case_get(st, id, &c) == -1 ||
	    st->ops->case_events(st, id, &evs, &n) == -1) {
		api_fail_store(f, st);
		goto out;
	}
	if (c == NULL) {
		api_fail_set(f, 404, NULL, "no case %lld", (long long)id);
		goto out;
	}
	rc = config_rule(r->d->config, c->rule);
	obj = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:o, s:b, s:o}",
	    "id", (json_int_t)c->id, "ref", c->ref, "rule", c->rule,
	    "rule_title", api_json_str_or_null(rc != NULL ? rc->rule.title :
	    NULL),
	    "office", c->office, "title", c->title,
	    "created_at", api_json_instant(c->created_at), "closed", c->closed,
	    "events", events_json(evs, n));
	if (obj == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		goto out;
	}
	case_provisional_set(r->d->config, c, evs, n, obj);
	if (rc != NULL)
		json_object_set_new(obj, "milestones",
		    milestones_json(rc, evs, n));
	else {
		json_object_set_new(obj, "milestones", json_null());
		json_object_set_new(obj, "warning", json_string(
		    "the case's rule is not in the config"));
	}
out:
	case_rows_free(c, c != NULL ? 1 : 0);
	case_events_free(evs, n);
	return obj;
}

static void
reply_case(struct api_request *r, int code, int64_t id)
{
	struct api_failure f;
	json_t *c;

	if ((c = case_json(r, id, &f)) == NULL) {
		api_reply_failure(r, &f);
		return;
	}
	api_reply_json(r, code, json_pack("{s:o}", "case", c));
}
/* A ref opened again must name what the first request named. */
static int
case_same(struct api_request *r, int64_t id, const struct case_rec *rec,
    struct api_failure *f)
{
	struct store *st = r->d->store;
	struct case_row *c = NULL;
	int rc = -1;

	if (st->ops->case_get(st, id, &c) == -1)
		api_fail_store(f, st);
	else if (c == NULL)
		api_fail_set(f, 500, NULL, "case %lld vanished", (long long)id);
	else if (strcmp(c->rule, rec->rule) != 0)
		api_fail_set(f, 409, "rule", "case \"%s\" exists with rule "
		    "\"%s\"", c->ref, c->rule);
	else if (strcmp(c->office, rec->office) != 0)
		api_fail_set(f, 409, "office", "case \"%s\" exists with office "
		    "\"%s\"", c->ref, c->office);
	else if (strcmp(c->title, rec->title) != 0)
		api_fail_set(f, 409, "title", "case \"%s\" exists with another "
		    "title", c->ref);
	else
		rc = 0;
	case_rows_free(c, c != NULL ? 1 : 0);
	return rc;
}

/* Whether a milestone of the rule is counted back from a scheduled event. */
static bool
rule_counts_back(const struct rule_conf *rc)
{
	for (size_t m = 0; m < rc->rule.nmilestones; m++)
		if (rc->rule.milestones[m].limit.n < 0)
			return true;
	return false;
}

/* A scheduled event's instant: unlike api_parse_at, it may be ahead. */
static int
event_instant(const char *s, const char *field, int64_t *t,
    struct api_failure *f)
{
	if (instant_parse(s, t) == -1) {
		api_fail_set(f, 400, field, "expected \"YYYY-MM-DD\" or an "
		    "instant such as \"2024-10-23T09:30:00+08:00\", got "
		    "\"%s\"", s);
		return -1;
	}
	return 0;
}

int
api_case_input(const struct api_input *in, json_t *body,
    struct case_rec *rec, int64_t *opened_at, struct api_failure *f)
{
	const struct office_conf *oc;
	const char *at;

	if (api_check_fields(body, case_fields, f) == -1)
		return -1;
	rec->ref = api_field_str(body, "ref");
	rec->rule = api_field_str(body, "rule");
	rec->title = api_field_str(body, "title");
	if (config_rule(in->cf, rec->rule) == NULL) {
		api_fail_set(f, 422, "rule", "unknown rule \"%s\"", rec->rule);
		return -1;
	}
	if ((oc = config_office(in->cf, api_field_str(body, "office"))) ==
	    NULL) {
		api_fail_set(f, 422, "office", "unknown office \"%s\"",
		    api_field_str(body, "office"));
		return -1;
	}
	rec->office = oc->name;		/* aliases are stored by name */
	*opened_at = in->now;
	if ((at = api_field_str(body, "opened_at")) == NULL)
		return 0;
	if (rule_counts_back(config_rule(in->cf, rec->rule)))
		return event_instant(at, "opened_at", opened_at, f);
	return api_parse_at(at, "opened_at", in->now, opened_at, f);
}

static void
post_cases(struct api_request *r)
{
	struct api_input in = { r->d->config, NULL, 0, r->now };
	struct store *st = r->d->store;
	struct case_rec rec;
	struct api_failure f;
	int64_t opened_at, id = 0;
	bool existed = false, txn = false;
	json_t *body;

	if ((body = api_read_body(r, false)) == NULL)
		return;
	if (api_case_input(&in, body, &rec, &opened_at, &f) == -1)
		goto fail;
	if (api_txn_begin(r, &f) == -1)
		goto fail;
	txn = true;
	if (st->ops->case_open(st, &rec, opened_at, r->now, &id,
	    &existed) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	if (existed && case_same(r, id, &rec, &f) == -1)
		goto fail;
	if (api_txn_commit(r, &f) == -1) {
		txn = false;
		goto fail;
	}
	if (!existed) {
		log_info(&r->d->log, "api: case \"%s\" opened (%s, %s)",
		    rec.ref, rec.rule, rec.office);
		api_replan(r, ITEM_CASE, id);
	}
	json_decref(body);	/* rec's strings were in it */
	reply_case(r, existed ? 200 : 201, id);
	return;
fail:
	if (txn)
		st->ops->rollback(st);
	json_decref(body);
	api_reply_failure(r, &f);
}

/* The id of the case named in the path, or 0 with f set. */
static int64_t
case_from_path(struct api_request *r, struct api_failure *f)
{
	struct store *st = r->d->store;
	int64_t id;

	if (st->ops->case_find(st, r->args[0], &id) == -1) {
		api_fail_store(f, st);
		return 0;
	}
	if (id == 0)
		api_fail_set(f, 404, NULL, "no case \"%s\"", r->args[0]);
	return id;
}

static void
get_case(struct api_request *r)
{
	struct api_failure f;
	int64_t id;

	if ((id = case_from_path(r, &f)) == 0) {
		api_reply_failure(r, &f);
		return;
	}
	reply_case(r, 200, id);
}

/* GET /v1/cases: the filter of its query. */
struct case_filter {
	int		 state;		/* 0 open, 1 closed, 2 all */
	const char	*office;	/* NULL: any */
	size_t		 limit;
};

static int
case_param(struct api_request *r, const char *key, const char *val,
    void *arg, struct api_failure *f)
{
	static const char *const states[] = { "open", "closed", "all" };
	struct case_filter *flt = arg;
	const struct office_conf *oc;
	size_t i;

	if (strcmp(key, "state") == 0) {
		for (i = 0; i < 3; i++)
			if (strcmp(val, states[i]) == 0)
				break;
		if (i == 3) {
			api_fail_set(f, 400, key, "expected open, closed or "
			    "all, got \"%s\"", val);
			return -1;
		}
		flt->state = (int)i;
	} else if (strcmp(key, "office") == 0) {
		/* An office gone from the config may still have cases. */
		oc = config_office(r->d->config, val);
		flt->office = oc != NULL ? oc->name : val;
	} else if (strcmp(key, "limit") == 0)
		return api_parse_limit(val, &flt->limit, f);
	return 0;
}

/*
 * When the case was opened (its TL_OPENED event), and the earliest deadline
 * among its running milestones: 0 when none runs (closed, paused, the rule
 * gone from the config, or a calendar error).
 */
static int
case_times(struct api_request *r, const struct case_row *c, int64_t *opened,
    int64_t *deadline, struct api_failure *f)
{
	struct store *st = r->d->store;
	const struct rule_conf *rc = config_rule(r->d->config, c->rule);
	struct case_event_rec *evs = NULL;
	struct tl_event *tl = NULL;
	struct tl_deadline dl;
	char err[256];
	size_t n = 0, m;

	*deadline = 0;
	if (st->ops->case_events(st, c->id, &evs, &n) == -1) {
		api_fail_store(f, st);
		return -1;
	}
	*opened = n > 0 && evs[0].kind == TL_OPENED ? evs[0].at :
	    c->created_at;
	if (rc == NULL || c->closed) {
		case_events_free(evs, n);
		return 0;
	}
	if ((tl = tl_events(evs, n)) == NULL) {
		case_events_free(evs, n);
		api_fail_set(f, 500, NULL, "out of memory");
		return -1;
	}
	for (m = 0; m < rc->rule.nmilestones; m++) {
		if (tl_deadline(&rc->rule, m, tl, n, &dl, err,
		    sizeof err) == -1 || dl.status != TL_RUNNING)
			continue;
		if (*deadline == 0 || dl.at < *deadline)
			*deadline = dl.at;
	}
	free(tl);
	case_events_free(evs, n);
	return 0;
}

static json_t *
case_summary_json(const struct case_row *c, int64_t opened,
    int64_t deadline)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:o}",
	    "ref", c->ref, "rule", c->rule, "office", c->office,
	    "title", api_json_str_or_null(c->title),
	    "opened_at", api_json_instant(opened),
	    "status", c->closed ? "closed" : "open",
	    "deadline", api_json_instant_or_null(deadline));
}

static void
get_cases(struct api_request *r)
{
	static const char *const params[] = { "state", "office", "limit",
	    NULL };
	struct case_filter flt = { 0, NULL, API_LIST_LIMIT_DEFAULT };
	struct store *st = r->d->store;
	struct case_row *rows = NULL;
	struct api_failure f;
	json_t *arr = NULL, *sum;
	int64_t deadline, opened;
	size_t n = 0, i, count = 0;

	if (api_query(r, params, case_param, &flt, &f) == -1)
		goto fail;
	if (st->ops->cases(st, flt.state != 0, &rows, &n) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	if ((arr = json_array()) == NULL) {
		api_fail_set(&f, 500, NULL, "out of memory");
		goto fail;
	}
	for (i = 0; i < n && count < flt.limit; i++) {
		if ((flt.state == 1 && !rows[i].closed) ||
		    (flt.office != NULL &&
		    strcmp(flt.office, rows[i].office) != 0))
			continue;
		if (case_times(r, &rows[i], &opened, &deadline, &f) == -1)
			goto fail;
		sum = case_summary_json(&rows[i], opened, deadline);
		if (case_provisional_load(r, &rows[i], sum, &f) == -1) {
			json_decref(sum);
			goto fail;
		}
		json_array_append_new(arr, sum);
		count++;
	}
	case_rows_free(rows, n);
	api_reply_json(r, 200, json_pack("{s:o}", "cases", arr));
	return;
fail:
	json_decref(arr);
	case_rows_free(rows, n);
	api_reply_failure(r, &f);
}

/* Checks "milestone" against the event kind and the rule. */
static int
check_milestone(const struct rule_conf *rc, const struct tl_event *ev,
    struct api_failure *f)
{
	if (ev->milestone == NULL)
		return 0;
	if (ev->kind != TL_EXTENDED && ev->kind != TL_CLOSED) {
		api_fail_set(f, 400, "milestone", "\"%s\" applies to the whole "
		    "case, not to a milestone", tl_event_kind_str(ev->kind));
		return -1;
	}
	if (tl_milestone_index(&rc->rule, ev->milestone) == -1) {
		api_fail_set(f, 422, "milestone", "rule \"%s\" has no "
		    "milestone \"%s\"", rc->rule.name, ev->milestone);
		return -1;
	}
	return 0;
}

/*
 * A close before the minimum period: refused (409) unless forced; *early
 * tells whether it was.
 */
static int
check_minimum(const struct rule_conf *rc, const struct tl_event *tl,
    size_t n, const struct tl_event *ev, bool force, bool *early,
    struct api_failure *f)
{
	char err[256];
	int rc_early;

	*early = false;
	if ((rc_early = tl_close_too_early(&rc->rule, tl, n, ev, err,
	    sizeof err)) == -1) {
		api_fail_set(f, 409, NULL, "%s", err);
		return -1;
	}
	if (rc_early == 1 && !force) {
		api_fail_set(f, 409, "force", "%s", err);
		return -1;
	}
	*early = rc_early == 1;
	return 0;
}

/*
 * "force" and "reason" (close only): the reason is required with force
 * and becomes the event's note.
 */
static int
force_input(json_t *body, enum tl_event_kind kind, bool *force,
    const char **note, struct api_failure *f)
{
	const char *reason = api_field_str(body, "reason");
	json_t *v = json_object_get(body, "force");

	*force = json_is_true(v);
	if (v == NULL && reason == NULL)
		return 0;
	if (kind != TL_CLOSED) {
		api_fail_set(f, 400, v != NULL ? "force" : "reason", "\"%s\" "
		    "applies to a close only", v != NULL ? "force" : "reason");
		return -1;
	}
	if (*force && reason == NULL) {
		api_fail_set(f, 422, "reason", "a forced close needs a "
		    "\"reason\"");
		return -1;
	}
	if (!*force) {
		api_fail_set(f, 400, "reason", "\"reason\" goes with "
		    "\"force\": true");
		return -1;
	}
	if (*note != NULL) {
		api_fail_set(f, 400, "note", "a forced close takes \"reason\", "
		    "not \"note\"");
		return -1;
	}
	*note = reason;
	return 0;
}

/* Whether the rules let ev follow the case's stored events. */
static int
check_event(struct api_request *r, int64_t id, const struct tl_event *ev,
    bool force, bool *early, struct api_failure *f)
{
	struct store *st = r->d->store;
	const struct rule_conf *rc;
	struct case_event_rec *evs = NULL;
	struct case_row *c = NULL;
	struct tl_event *tl = NULL;
	char err[256];
	size_t n = 0;
	int rv = -1;

	if (st->ops->case_get(st, id, &c) == -1 ||
	    st->ops->case_events(st, id, &evs, &n) == -1) {
		api_fail_store(f, st);
		goto out;
	}
	if (c == NULL) {
		api_fail_set(f, 404, NULL, "no case \"%s\"", r->args[0]);
		goto out;
	}
	if ((rc = case_rule(r, c, f)) == NULL ||
	    check_milestone(rc, ev, f) == -1)
		goto out;
	if ((tl = tl_events(evs, n)) == NULL) {
		api_fail_set(f, 500, NULL, "out of memory");
		goto out;
	}
	if (tl_check_event(&rc->rule, tl, n, ev, err, sizeof err) == -1) {
		api_fail_set(f, 409, ev->milestone != NULL ? "milestone" : NULL,
		    "%s", err);
		goto out;
	}
	if (check_minimum(rc, tl, n, ev, force, early, f) == -1)
		goto out;
	rv = 0;
out:
	free(tl);
	case_rows_free(c, c != NULL ? 1 : 0);
	case_events_free(evs, n);
	return rv;
}

/* POST /v1/cases/REF/{extend,pause,resume,close}. */
int
api_case_event_input(const struct api_input *in, json_t *body,
    enum tl_event_kind kind, struct tl_event *ev, const char **note,
    struct api_failure *f)
{
	const char *at;

	ev->kind = kind;
	ev->at = in->now;
	ev->milestone = NULL;
	*note = NULL;
	if (api_check_fields(body, event_fields, f) == -1)
		return -1;
	if ((at = api_field_str(body, "at")) != NULL &&
	    api_parse_at(at, "at", in->now, &ev->at, f) == -1)
		return -1;
	ev->milestone = api_field_str(body, "milestone");
	*note = api_field_str(body, "note");
	return 0;
}

static void
case_event(struct api_request *r, enum tl_event_kind kind)
{
	struct api_input in = { r->d->config, NULL, 0, r->now };
	struct store *st = r->d->store;
	struct tl_event ev;
	struct api_failure f;
	const char *note;
	bool txn = false, force, early;
	json_t *body;
	int64_t id;

	if ((body = api_read_body(r, true)) == NULL)
		return;
	if (api_case_event_input(&in, body, kind, &ev, &note, &f) == -1 ||
	    force_input(body, kind, &force, &note, &f) == -1)
		goto fail;
	if (api_txn_begin(r, &f) == -1)
		goto fail;
	txn = true;
	if ((id = case_from_path(r, &f)) == 0 ||
	    check_event(r, id, &ev, force, &early, &f) == -1)
		goto fail;
	if (st->ops->case_event_add(st, id, &ev, note, early, r->now) == -1) {
		api_fail_store(&f, st);
		goto fail;
	}
	if (api_txn_commit(r, &f) == -1) {
		txn = false;
		goto fail;
	}
	log_info(&r->d->log, "api: case \"%s\": %s%s%s%s", r->args[0],
	    tl_event_kind_str(kind), ev.milestone != NULL ? " " : "",
	    ev.milestone != NULL ? ev.milestone : "",
	    early ? " (forced before the minimum period)" : "");
	json_decref(body);
	api_replan(r, ITEM_CASE, id);
	reply_case(r, 200, id);
	return;
fail:
	if (txn)
		st->ops->rollback(st);
	json_decref(body);
	api_reply_failure(r, &f);
}

static void
post_case_extend(struct api_request *r)
{
	case_event(r, TL_EXTENDED);
}

static void
post_case_pause(struct api_request *r)
{
	case_event(r, TL_PAUSED);
}

static void
post_case_resume(struct api_request *r)
{
	case_event(r, TL_RESUMED);
}

static void
post_case_close(struct api_request *r)
{
	case_event(r, TL_CLOSED);
}

/* Reminders. */

static json_t *
reminder_json(const struct reminder *rm)
{
	return json_pack("{s:I, s:s, s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:s, "
	    "s:o, s:i, s:o, s:o, s:o}",
	    "id", (json_int_t)rm->id,
	    "item_type", item_type_str(rm->item_type),
	    "item_id", (json_int_t)rm->item_id,
	    "milestone", api_json_str_or_null(rm->milestone),
	    "office", rm->office,
	    "channel", rm->channel,
	    "kind", reminder_kind_str(rm->kind),
	    "due_at", api_json_instant(rm->due_at),
	    "deadline_at", api_json_instant_or_null(rm->deadline_at),
	    "state", reminder_state_str(rm->state),
	    "next_at", api_json_instant_or_null(rm->next_at),
	    "attempts", rm->attempts,
	    "about", rm->about == 0 ? json_null() :
	    json_integer((json_int_t)rm->about),
	    "created_at", api_json_instant(rm->created_at),
	    "updated_at", api_json_instant(rm->updated_at));
}

/*
 * A from/to bound: a date is the whole day (to: the midnight after it), an
 * instant is exact.
 */
static int
parse_bound(const char *s, const char *field, bool upper, int64_t *t,
    struct api_failure *f)
{
	int day;

	if (day_parse(s, &day)) {
		*t = local_instant(upper ? day + 1 : day, 0);
		return 0;
	}
	if (instant_parse(s, t) == 0 && strlen(s) > DAY_STRLEN - 1)
		return 0;
	api_fail_set(f, 400, field, "expected \"YYYY-MM-DD\" or an instant, "
	    "got \"%s\"", s);
	return -1;
}

/* One query parameter of /v1/reminders into the filter. */
static int
reminder_param(struct api_request *r, const char *key, const char *val,
    void *arg, struct api_failure *f)
{
	struct reminder_filter *flt = arg;
	const struct office_conf *oc;
	struct store *st = r->d->store;

	if (strcmp(key, "state") == 0) {
		enum reminder_state s;

		if (reminder_state_parse(val, &s) == -1) {
			api_fail_set(f, 400, key, "unknown state \"%s\"", val);
			return -1;
		}
		flt->state = (int)s;
	} else if (strcmp(key, "office") == 0) {
		/* An office gone from the config may still have rows. */
		oc = config_office(r->d->config, val);
		flt->office = oc != NULL ? oc->name : val;
	} else if (strcmp(key, "from") == 0)
		return parse_bound(val, key, false, &flt->from, f);
	else if (strcmp(key, "to") == 0)
		return parse_bound(val, key, true, &flt->to, f);
	else if (strcmp(key, "limit") == 0)
		return api_parse_limit(val, &flt->limit, f);
	else if (strcmp(key, "case") == 0) {
		flt->item_type = ITEM_CASE;
		if (st->ops->case_find(st, val, &flt->item_id) == -1) {
			api_fail_store(f, st);
			return -1;
		}
		if (flt->item_id == 0) {
			api_fail_set(f, 404, key, "no case \"%s\"", val);
			return -1;
		}
	}
	return 0;
}

static int
reminder_filter(struct api_request *r, struct reminder_filter *flt,
    struct api_failure *f)
{
	memset(flt, 0, sizeof *flt);
	flt->state = -1;
	flt->limit = API_LIST_LIMIT_DEFAULT;
	return api_query(r, reminder_params, reminder_param, flt, f);
}

static void
get_reminders(struct api_request *r)
{
	struct store *st = r->d->store;
	struct reminder_filter flt;
	struct reminder *rows = NULL;
	struct api_failure f;
	json_t *arr;
	size_t n = 0, i;

	if (reminder_filter(r, &flt, &f) == -1) {
		api_reply_failure(r, &f);
		return;
	}
	if (st->ops->reminders(st, &flt, &rows, &n) == -1) {
		api_fail_store(&f, st);
		api_reply_failure(r, &f);
		return;
	}
	if ((arr = json_array()) != NULL)
		for (i = 0; i < n; i++)
			json_array_append_new(arr, reminder_json(&rows[i]));
	reminders_free(rows, n);
	api_reply_json(r, 200, json_pack("{s:o}", "reminders", arr));
}

/* Acknowledgement. */

static void
html_escaped(struct evbuffer *buf, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			evbuffer_add_printf(buf, "&lt;");
			break;
		case '>':
			evbuffer_add_printf(buf, "&gt;");
			break;
		case '&':
			evbuffer_add_printf(buf, "&amp;");
			break;
		case '"':
			evbuffer_add_printf(buf, "&quot;");
			break;
		case '\'':
			evbuffer_add_printf(buf, "&#39;");
			break;
		default:
			evbuffer_add(buf, s, 1);
		}
	}
}

/*
 * A small self-contained page: no scripts, no external assets.  lines are
 * text, escaped here.
 */
static void
reply_page(struct api_request *r, int code, const char *title,
    const char *const *lines, size_t n)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->ev);
	struct evbuffer *buf;
	size_t i;

	if ((buf = evbuffer_new()) == NULL) {
		evhttp_send_error(r->ev, 500, NULL);
		r->code = 500;
		return;
	}
	evbuffer_add_printf(buf, "<!DOCTYPE html>\n<html lang=\"zh\">\n"
	    "<head><meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	html_escaped(buf, title);
	evbuffer_add_printf(buf, "</title>\n<style>body{font-family:"
	    "sans-serif;max-width:36em;margin:3em auto;padding:0 1em;"
	    "line-height:1.6}</style></head>\n<body>\n<h1>");
	html_escaped(buf, title);
	evbuffer_add_printf(buf, "</h1>\n");
	for (i = 0; i < n; i++) {
		evbuffer_add_printf(buf, "<p>");
		html_escaped(buf, lines[i]);
		evbuffer_add_printf(buf, "</p>\n");
	}
	evbuffer_add_printf(buf, "</body>\n</html>\n");
	evhttp_add_header(out, "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'");
	api_send_buf(r, code, "text/html; charset=utf-8", buf);
	evbuffer_free(buf);
}

static bool
wants_json(struct api_request *r)
{
	const char *accept = evhttp_find_header(
	    evhttp_request_get_input_headers(r->ev), "Accept");

	return evhttp_request_get_command(r->ev) == EVHTTP_REQ_POST ||
	    (accept != NULL && strstr(accept, "application/json") != NULL);
}

static void
ack_invalid(struct api_request *r)
{
	static const char *const lines[] = {
		"这个确认链接无效或已过期。",
		"This acknowledgement link is not valid.",
	};

	if (wants_json(r))
		api_reply_error(r, 404, NULL, "invalid acknowledgement link");
	else
		reply_page(r, 404, "链接无效 / Invalid link", lines, 2);
}

/* "案件 REF 《TITLE》" or "任务 KEY 《TITLE》" into buf, for the page. */
static void
describe_item(struct api_request *r, const struct reminder *rm, char *buf,
    size_t len)
{
	struct store *st = r->d->store;
	struct case_row *c = NULL;
	struct task_row *t = NULL;
	size_t n = 0, i;

	snprintf(buf, len, "%s %lld", item_type_str(rm->item_type),
	    (long long)rm->item_id);
	if (rm->item_type == ITEM_CASE) {
		if (st->ops->case_get(st, rm->item_id, &c) == 0 && c != NULL)
			snprintf(buf, len, "办件 %s《%s》%s%s", c->ref, c->title,
			    rm->milestone != NULL ? " " : "",
			    rm->milestone != NULL ? rm->milestone : "");
		case_rows_free(c, c != NULL ? 1 : 0);
		return;
	}
	/* Acks are rare: a scan of the tasks is cheap enough. */
	if (st->ops->tasks(st, NULL, true, &t, &n) == -1)
		return;
	for (i = 0; i < n; i++)
		if (t[i].id == rm->item_id)
			snprintf(buf, len, "任务 %s《%s》", t[i].rec.key,
			    t[i].rec.title);
	task_rows_free(t, n);
}

static void
ack_done(struct api_request *r, const struct reminder *rm, bool already,
    int64_t at)
{
	char item[600], zh[800], en[800], when[64];
	const char *lines[2] = { zh, en };

	if (wants_json(r)) {
		api_reply_json(r, 200, json_pack("{s:b, s:b, s:I, s:s, s:I, "
		    "s:o, s:s, s:o}", "acknowledged", 1, "already", already,
		    "reminder", (json_int_t)rm->id,
		    "item_type", item_type_str(rm->item_type),
		    "item_id", (json_int_t)rm->item_id,
		    "milestone", api_json_str_or_null(rm->milestone),
		    "office", rm->office, "at", api_json_instant(at)));
		return;
	}
	describe_item(r, rm, item, sizeof item);
	instant_format(at, when, sizeof when);
	snprintf(zh, sizeof zh, "%s 已于 %s 确认收到 %s 的提醒，不再重复提醒"
	    "（逾期后仍会按规定升级督办）。", rm->office, when, item);
	snprintf(en, sizeof en, "%s acknowledged the reminder about %s at %s; "
	    "repeats stop (escalation still follows if it stays open).",
	    rm->office, item, when);
	reply_page(r, 200, "已确认 / Acknowledged", lines, 2);
}

/*
 * Records the acknowledgement of reminder id in one transaction; *rm is
 * NULL when there is no such reminder.  The caller frees *rm.
 */
static int
ack_record(struct api_request *r, int64_t id, struct reminder **rm,
    bool *already, int64_t *at, struct api_failure *f)
{
	struct store *st = r->d->store;
	struct reminder *m;

	*rm = NULL;
	if (api_txn_begin(r, f) == -1)
		return -1;
	if (st->ops->reminder_get(st, id, rm) == -1)
		goto fail;
	if ((m = *rm) == NULL) {
		st->ops->rollback(st);
		return 0;
	}
	if (st->ops->ack_put(st, m->item_type, m->item_id, m->milestone,
	    m->office, r->now, already) == -1 ||
	    st->ops->ack_get(st, m->item_type, m->item_id, m->milestone,
	    m->office, at) == -1)
		goto fail;
	return api_txn_commit(r, f);
fail:
	api_fail_store(f, st);
	st->ops->rollback(st);
	return -1;
}

static void
ack(struct api_request *r)
{
	struct reminder *rm = NULL;
	struct api_failure f;
	int64_t id, at = 0;
	bool already = false;

	if (ack_verify(r->d->ack_key, r->args[0], &id) == -1) {
		ack_invalid(r);
		return;
	}
	if (ack_record(r, id, &rm, &already, &at, &f) == -1)
		api_reply_failure(r, &f);
	else if (rm == NULL)
		ack_invalid(r);
	else {
		if (!already) {
			log_info(&r->d->log, "api: %s acknowledged %s %lld",
			    rm->office, item_type_str(rm->item_type),
			    (long long)rm->item_id);
			api_replan(r, rm->item_type, rm->item_id);
		}
		ack_done(r, rm, already, at);
	}
	if (rm != NULL)
		reminders_free(rm, 1);
}
