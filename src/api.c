/*
 * The HTTP API: evhttp on the daemon's loop, JSON in and out with jansson.
 * doc/api.md describes every endpoint.
 *
 * Requests are matched against one static route table (method, path
 * pattern, scope, handler); a '*' segment of a pattern matches one
 * non-empty path segment, handed to the handler URL-decoded.
 *
 * User-visible decisions:
 *  - The unix socket is trusted (its mode, 0660, guards it).  TCP requests
 *    need "Authorization: Bearer TOKEN" with a token of token_file
 *    ("TOKEN SCOPE" per line, scope read or write, write includes read,
 *    '#' comments, tokens at least 16 characters): 401 without one, 403
 *    when its scope is too small.  /healthz and /v1/ack/ are open.  The
 *    token file is read again whenever it changes (no reload needed); a
 *    malformed file accepts no token at all until it is fixed.
 *  - A stale socket file is removed at start, but not when a daemon still
 *    answers on it, and never a file that is not a socket.  Changes of
 *    socket and listen take effect at the next start, not on reload.
 *  - Bodies over 64 KiB get 413 with a JSON error.  libevent 2.1 has no
 *    hook for its own error pages, so evhttp's limit is set higher (1 MiB,
 *    its 413 is HTML) only to bound memory.
 *  - Errors are {"error": "...", "field": "..."}: 400 for malformed JSON,
 *    unknown fields, wrong types, bad dates and instants in the future;
 *    404 for an unknown case or route; 405 for a known path with another
 *    method; 409 when the time-limit rules refuse an event, or when a ref
 *    is opened again with another rule, office or title; 422 for an
 *    unknown office, rule or milestone.  Nothing is stored on error.
 *  - Opening a case with a ref that exists returns that case with 200
 *    (idempotent) when rule, office and title agree.
 *  - Times are written as local ISO instants with offset
 *    ("2024-10-23T23:59:59+08:00"); "at" and "opened_at" take
 *    "YYYY-MM-DD" (local midnight) or an instant, never after now.  In
 *    /v1/reminders, from and to as dates are whole days, both included.
 *  - After a change is committed the item is replanned
 *    (schedule_replan); a failing replan is logged, the change stays and
 *    is planned again at the next start.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <jansson.h>

#include "ack.h"
#include "api.h"
#include "clock.h"
#include "config.h"
#include "crypto.h"
#include "date.h"
#include "duband.h"
#include "errors.h"
#include "log.h"
#include "parse.h"
#include "reminder.h"
#include "schedule.h"
#include "store.h"
#include "timelimit.h"

#define BODY_MAX		(64 * 1024)
#define BODY_HARD_MAX		(1024 * 1024)	/* evhttp's own limit */
#define CONN_TIMEOUT		30		/* seconds idle */
#define TOKEN_MIN_LEN		16
#define ROUTE_MAX_ARGS		2
#define LIST_LIMIT_DEFAULT	100
#define LIST_LIMIT_MAX		1000
#define FUTURE_SLACK		300		/* seconds "at" may be ahead */
#define REF_MAX			200
#define TITLE_MAX		1000
#define NOTE_MAX		2000

enum scope {
	SCOPE_OPEN,
	SCOPE_READ,
	SCOPE_WRITE,
};

struct token {
	char		*token;
	enum scope	 scope;
};

/* token_file, read again when it changes. */
struct tokens {
	char		*path;
	struct stat	 st;
	bool		 loaded;	/* st describes the file read */
	bool		 tried;
	struct token	*v;
	size_t		 n;
};

struct listener {
	struct api	*api;
	struct evhttp	*http;
	bool		 trusted;	/* unix socket: no token needed */
	const char	*name;
};

struct api {
	struct duban	*d;
	struct listener	 local;
	struct listener	 tcp;
	char		*socket_path;	/* ours to unlink */
	struct tokens	 tokens;
};

struct request {
	struct api		*api;
	struct duban		*d;
	struct evhttp_request	*ev;
	char			*args[ROUTE_MAX_ARGS];
	size_t			 nargs;
	int64_t			 now;
	int			 code;		/* as replied, for the log */
};

/* What went wrong in a handler, replied once at its end. */
struct failure {
	int		 code;
	char		 field[64];	/* "": none */
	char		 msg[512];
};

struct route {
	enum evhttp_cmd_type	  method;
	const char		 *pattern;
	enum scope		  scope;
	bool			  redact;	/* don't log the path: secret */
	void			(*handler)(struct request *);
};

/* A field of a JSON body: every field of this API is a string. */
struct field {
	const char	*name;
	bool		 required;
	size_t		 max;		/* bytes */
};

static void get_healthz(struct request *);
static void post_cases(struct request *);
static void get_case(struct request *);
static void post_case_extend(struct request *);
static void post_case_pause(struct request *);
static void post_case_resume(struct request *);
static void post_case_close(struct request *);
static void get_reminders(struct request *);
static void ack(struct request *);
static void post_reload(struct request *);

static const struct route routes[] = {
	{ EVHTTP_REQ_GET, "/healthz", SCOPE_OPEN, false, get_healthz },
	{ EVHTTP_REQ_POST, "/v1/cases", SCOPE_WRITE, false, post_cases },
	{ EVHTTP_REQ_GET, "/v1/cases/*", SCOPE_READ, false, get_case },
	{ EVHTTP_REQ_POST, "/v1/cases/*/extend", SCOPE_WRITE, false,
	    post_case_extend },
	{ EVHTTP_REQ_POST, "/v1/cases/*/pause", SCOPE_WRITE, false,
	    post_case_pause },
	{ EVHTTP_REQ_POST, "/v1/cases/*/resume", SCOPE_WRITE, false,
	    post_case_resume },
	{ EVHTTP_REQ_POST, "/v1/cases/*/close", SCOPE_WRITE, false,
	    post_case_close },
	{ EVHTTP_REQ_GET, "/v1/reminders", SCOPE_READ, false, get_reminders },
	{ EVHTTP_REQ_GET, "/v1/ack/*", SCOPE_OPEN, true, ack },
	{ EVHTTP_REQ_POST, "/v1/ack/*", SCOPE_OPEN, true, ack },
	{ EVHTTP_REQ_POST, "/v1/reload", SCOPE_WRITE, false, post_reload },
};

#define NROUTES (sizeof routes / sizeof routes[0])

static const struct field case_fields[] = {
	{ "ref", true, REF_MAX },
	{ "rule", true, 200 },
	{ "office", true, 200 },
	{ "title", true, TITLE_MAX },
	{ "opened_at", false, 64 },
	{ NULL, false, 0 },
};

static const struct field event_fields[] = {
	{ "at", false, 64 },
	{ "milestone", false, 200 },
	{ "note", false, NOTE_MAX },
	{ NULL, false, 0 },
};

static const char *const reminder_params[] = {
	"state", "office", "from", "to", "limit", "case", NULL,
};

/* Replies. */

static const char *
reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 422: return "Unprocessable Entity";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* Sends buf (emptied) with code and a Content-Type. */
static void
send_buf(struct request *r, int code, const char *type, struct evbuffer *buf)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->ev);

	r->code = code;
	evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_send_reply(r->ev, code, reason(code), buf);
}

/* Replies with obj (the reference is taken). */
static void
reply_json(struct request *r, int code, json_t *obj)
{
	struct evbuffer *buf = evbuffer_new();
	char *s = NULL;

	if (obj != NULL)
		s = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (s == NULL || buf == NULL || evbuffer_add(buf, s, strlen(s)) == -1 ||
	    evbuffer_add(buf, "\n", 1) == -1) {
		/* Out of memory: evhttp's own page, if it can. */
		r->code = 500;
		evhttp_send_error(r->ev, 500, NULL);
	} else
		send_buf(r, code, "application/json; charset=utf-8", buf);
	free(s);
	if (buf != NULL)
		evbuffer_free(buf);
}

static void
reply_error(struct request *r, int code, const char *field, const char *msg)
{
	json_t *obj = json_pack("{s:s}", "error", msg);

	if (obj != NULL && field != NULL)
		json_object_set_new(obj, "field", json_string(field));
	reply_json(r, code, obj);
}

static void
fail_set(struct failure *f, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
fail_set(struct failure *f, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	f->code = code;
	snprintf(f->field, sizeof f->field, "%s", field != NULL ? field : "");
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof f->msg, fmt, ap);
	va_end(ap);
}

static void
fail_store(struct failure *f, struct store *st)
{
	fail_set(f, 500, NULL, "%s", store_error(st));
}

static void
reply_failure(struct request *r, const struct failure *f)
{
	if (f->code == 500)
		log_err(&r->d->log, "api: %s", f->msg);
	reply_error(r, f->code, f->field[0] != '\0' ? f->field : NULL, f->msg);
}

/* Instants and dates. */

static json_t *
json_instant(int64_t t)
{
	char buf[64];

	return json_string(instant_format(t, buf, sizeof buf));
}

static json_t *
json_instant_or_null(int64_t t)
{
	return t == 0 ? json_null() : json_instant(t);
}

static json_t *
json_str_or_null(const char *s)
{
	return s == NULL ? json_null() : json_string(s);
}

/* "at"-style values: a date (local midnight) or an instant, not ahead. */
static int
parse_at(const char *s, const char *field, int64_t now, int64_t *t,
    struct failure *f)
{
	if (instant_parse(s, t) == -1) {
		fail_set(f, 400, field, "expected \"YYYY-MM-DD\" or an "
		    "instant such as \"2024-10-23T09:30:00+08:00\", got "
		    "\"%s\"", s);
		return -1;
	}
	if (*t > now + FUTURE_SLACK) {
		fail_set(f, 400, field, "\"%s\" is in the future", s);
		return -1;
	}
	return 0;
}

/* Request bodies. */

/*
 * The body as a JSON object; an empty body is {} when allow_empty.  NULL
 * after a reply.
 */
static json_t *
read_body(struct request *r, bool allow_empty)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t len = evbuffer_get_length(in);
	unsigned char *data;
	json_error_t jerr;
	json_t *obj;
	char msg[300];

	if (len > BODY_MAX) {
		snprintf(msg, sizeof msg, "body over %d bytes", BODY_MAX);
		reply_error(r, 413, NULL, msg);
		return NULL;
	}
	if (len == 0 && allow_empty)
		return json_object();
	if ((data = evbuffer_pullup(in, -1)) == NULL && len > 0) {
		reply_error(r, 500, NULL, "out of memory");
		return NULL;
	}
	obj = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (obj == NULL) {
		snprintf(msg, sizeof msg, "malformed JSON: %s (line %d, "
		    "column %d)", jerr.text, jerr.line, jerr.column);
		reply_error(r, 400, NULL, msg);
		return NULL;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		reply_error(r, 400, NULL, "expected a JSON object");
		return NULL;
	}
	return obj;
}

static const struct field *
field_find(const struct field *fields, const char *name)
{
	for (; fields->name != NULL; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	return NULL;
}

/* Unknown fields, wrong types, missing and overlong values. */
static int
check_fields(json_t *obj, const struct field *fields, struct failure *f)
{
	const struct field *fd;
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if ((fd = field_find(fields, key)) == NULL) {
			fail_set(f, 400, key, "unknown field \"%s\"", key);
			return -1;
		}
		if (!json_is_string(v)) {
			fail_set(f, 400, fd->name, "\"%s\" must be a string",
			    fd->name);
			return -1;
		}
		if (json_string_length(v) == 0 ||
		    json_string_length(v) > fd->max ||
		    strlen(json_string_value(v)) != json_string_length(v)) {
			fail_set(f, 400, fd->name, "\"%s\" must be 1 to %zu "
			    "bytes", fd->name, fd->max);
			return -1;
		}
	}
	for (fd = fields; fd->name != NULL; fd++) {
		if (fd->required && json_object_get(obj, fd->name) == NULL) {
			fail_set(f, 400, fd->name, "\"%s\" is required",
			    fd->name);
			return -1;
		}
	}
	return 0;
}

/* A string field, NULL when absent (check_fields ran before). */
static const char *
field_str(json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

/* Cases. */

static const struct rule_conf *
case_rule(const struct request *r, const struct case_row *c,
    struct failure *f)
{
	const struct rule_conf *rc = config_rule(r->d->config, c->rule);

	if (rc == NULL)
		fail_set(f, 422, "rule", "case \"%s\": rule \"%s\" is not in "
		    "the config", c->ref, c->rule);
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
		json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:o, s:o}",
		    "kind", tl_event_kind_str(evs[i].kind),
		    "at", json_instant(evs[i].at),
		    "milestone", json_str_or_null(evs[i].milestone),
		    "note", json_str_or_null(evs[i].note),
		    "recorded_at", json_instant(evs[i].recorded_at)));
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
	    "title", json_str_or_null(rc->milestone_title != NULL ?
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
	json_object_set_new(o, "deadline", json_instant(dl.at));
	json_object_set_new(o, "deadline_date",
	    json_string(day_format(dl.day, day)));
	if (dl.status == TL_DONE) {
		json_object_set_new(o, "closed_at", json_instant(dl.closed_at));
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
static json_t *
case_json(struct request *r, int64_t id, struct failure *f)
{
	struct store *st = r->d->store;
	const struct rule_conf *rc;
	struct case_event_rec *evs = NULL;
	struct case_row *c = NULL;
	json_t *obj = NULL;
	size_t n = 0;

	if (st->ops->case_get(st, id, &c) == -1 ||
	    st->ops->case_events(st, id, &evs, &n) == -1) {
		fail_store(f, st);
		goto out;
	}
	if (c == NULL) {
		fail_set(f, 404, NULL, "no case %lld", (long long)id);
		goto out;
	}
	rc = config_rule(r->d->config, c->rule);
	obj = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:o, s:b, s:o}",
	    "id", (json_int_t)c->id, "ref", c->ref, "rule", c->rule,
	    "rule_title", json_str_or_null(rc != NULL ? rc->rule.title : NULL),
	    "office", c->office, "title", c->title,
	    "created_at", json_instant(c->created_at), "closed", c->closed,
	    "events", events_json(evs, n));
	if (obj == NULL) {
		fail_set(f, 500, NULL, "out of memory");
		goto out;
	}
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
reply_case(struct request *r, int code, int64_t id)
{
	struct failure f;
	json_t *c;

	if ((c = case_json(r, id, &f)) == NULL) {
		reply_failure(r, &f);
		return;
	}
	reply_json(r, code, json_pack("{s:o}", "case", c));
}

static void
replan(struct request *r, enum item_type type, int64_t id)
{
	if (r->d->schedule == NULL)
		return;
	if (schedule_replan(r->d->schedule, type, id) == -1)
		log_err(&r->d->log, "api: replanning %s %lld failed; planned "
		    "again at the next start", item_type_str(type),
		    (long long)id);
}

static int
txn_begin(struct request *r, struct failure *f)
{
	struct store *st = r->d->store;

	if (st->ops->begin(st) == -1) {
		fail_store(f, st);
		return -1;
	}
	return 0;
}

static int
txn_commit(struct request *r, struct failure *f)
{
	struct store *st = r->d->store;

	if (st->ops->commit(st) == -1) {
		fail_store(f, st);
		st->ops->rollback(st);
		return -1;
	}
	return 0;
}

/* A ref opened again must name what the first request named. */
static int
case_same(struct request *r, int64_t id, const struct case_rec *rec,
    struct failure *f)
{
	struct store *st = r->d->store;
	struct case_row *c = NULL;
	int rc = -1;

	if (st->ops->case_get(st, id, &c) == -1)
		fail_store(f, st);
	else if (c == NULL)
		fail_set(f, 500, NULL, "case %lld vanished", (long long)id);
	else if (strcmp(c->rule, rec->rule) != 0)
		fail_set(f, 409, "rule", "case \"%s\" exists with rule \"%s\"",
		    c->ref, c->rule);
	else if (strcmp(c->office, rec->office) != 0)
		fail_set(f, 409, "office", "case \"%s\" exists with office "
		    "\"%s\"", c->ref, c->office);
	else if (strcmp(c->title, rec->title) != 0)
		fail_set(f, 409, "title", "case \"%s\" exists with another "
		    "title", c->ref);
	else
		rc = 0;
	case_rows_free(c, c != NULL ? 1 : 0);
	return rc;
}

/* Validates a POST /v1/cases body into rec and *opened_at. */
static int
case_input(struct request *r, json_t *body, struct case_rec *rec,
    int64_t *opened_at, struct failure *f)
{
	const struct office_conf *oc;
	const char *at;

	if (check_fields(body, case_fields, f) == -1)
		return -1;
	rec->ref = field_str(body, "ref");
	rec->rule = field_str(body, "rule");
	rec->title = field_str(body, "title");
	if (config_rule(r->d->config, rec->rule) == NULL) {
		fail_set(f, 422, "rule", "unknown rule \"%s\"", rec->rule);
		return -1;
	}
	if ((oc = config_office(r->d->config, field_str(body, "office")))
	    == NULL) {
		fail_set(f, 422, "office", "unknown office \"%s\"",
		    field_str(body, "office"));
		return -1;
	}
	rec->office = oc->name;		/* aliases are stored by name */
	*opened_at = r->now;
	if ((at = field_str(body, "opened_at")) != NULL &&
	    parse_at(at, "opened_at", r->now, opened_at, f) == -1)
		return -1;
	return 0;
}

static void
post_cases(struct request *r)
{
	struct store *st = r->d->store;
	struct case_rec rec;
	struct failure f;
	int64_t opened_at, id = 0;
	bool existed = false, txn = false;
	json_t *body;

	if ((body = read_body(r, false)) == NULL)
		return;
	if (case_input(r, body, &rec, &opened_at, &f) == -1)
		goto fail;
	if (txn_begin(r, &f) == -1)
		goto fail;
	txn = true;
	if (st->ops->case_open(st, &rec, opened_at, r->now, &id,
	    &existed) == -1) {
		fail_store(&f, st);
		goto fail;
	}
	if (existed && case_same(r, id, &rec, &f) == -1)
		goto fail;
	if (txn_commit(r, &f) == -1) {
		txn = false;
		goto fail;
	}
	if (!existed) {
		log_info(&r->d->log, "api: case \"%s\" opened (%s, %s)",
		    rec.ref, rec.rule, rec.office);
		replan(r, ITEM_CASE, id);
	}
	json_decref(body);	/* rec's strings were in it */
	reply_case(r, existed ? 200 : 201, id);
	return;
fail:
	if (txn)
		st->ops->rollback(st);
	json_decref(body);
	reply_failure(r, &f);
}

/* The id of the case named in the path, or 0 with f set. */
static int64_t
case_from_path(struct request *r, struct failure *f)
{
	struct store *st = r->d->store;
	int64_t id;

	if (st->ops->case_find(st, r->args[0], &id) == -1) {
		fail_store(f, st);
		return 0;
	}
	if (id == 0)
		fail_set(f, 404, NULL, "no case \"%s\"", r->args[0]);
	return id;
}

static void
get_case(struct request *r)
{
	struct failure f;
	int64_t id;

	if ((id = case_from_path(r, &f)) == 0) {
		reply_failure(r, &f);
		return;
	}
	reply_case(r, 200, id);
}

/* Checks "milestone" against the event kind and the rule. */
static int
check_milestone(const struct rule_conf *rc, const struct tl_event *ev,
    struct failure *f)
{
	if (ev->milestone == NULL)
		return 0;
	if (ev->kind != TL_EXTENDED && ev->kind != TL_CLOSED) {
		fail_set(f, 400, "milestone", "\"%s\" applies to the whole "
		    "case, not to a milestone", tl_event_kind_str(ev->kind));
		return -1;
	}
	if (tl_milestone_index(&rc->rule, ev->milestone) == -1) {
		fail_set(f, 422, "milestone", "rule \"%s\" has no milestone "
		    "\"%s\"", rc->rule.name, ev->milestone);
		return -1;
	}
	return 0;
}

/* Whether the rules let ev follow the case's stored events. */
static int
check_event(struct request *r, int64_t id, const struct tl_event *ev,
    struct failure *f)
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
		fail_store(f, st);
		goto out;
	}
	if (c == NULL) {
		fail_set(f, 404, NULL, "no case \"%s\"", r->args[0]);
		goto out;
	}
	if ((rc = case_rule(r, c, f)) == NULL ||
	    check_milestone(rc, ev, f) == -1)
		goto out;
	if ((tl = tl_events(evs, n)) == NULL) {
		fail_set(f, 500, NULL, "out of memory");
		goto out;
	}
	if (tl_check_event(&rc->rule, tl, n, ev, err, sizeof err) == -1) {
		fail_set(f, 409, ev->milestone != NULL ? "milestone" : NULL,
		    "%s", err);
		goto out;
	}
	rv = 0;
out:
	free(tl);
	case_rows_free(c, c != NULL ? 1 : 0);
	case_events_free(evs, n);
	return rv;
}

/* POST /v1/cases/REF/{extend,pause,resume,close}. */
static void
case_event(struct request *r, enum tl_event_kind kind)
{
	struct store *st = r->d->store;
	struct tl_event ev = { kind, r->now, NULL };
	struct failure f;
	const char *at;
	bool txn = false;
	json_t *body;
	int64_t id;

	if ((body = read_body(r, true)) == NULL)
		return;
	if (check_fields(body, event_fields, &f) == -1)
		goto fail;
	if ((at = field_str(body, "at")) != NULL &&
	    parse_at(at, "at", r->now, &ev.at, &f) == -1)
		goto fail;
	ev.milestone = field_str(body, "milestone");
	if (txn_begin(r, &f) == -1)
		goto fail;
	txn = true;
	if ((id = case_from_path(r, &f)) == 0 ||
	    check_event(r, id, &ev, &f) == -1)
		goto fail;
	if (st->ops->case_event_add(st, id, &ev, field_str(body, "note"),
	    r->now) == -1) {
		fail_store(&f, st);
		goto fail;
	}
	if (txn_commit(r, &f) == -1) {
		txn = false;
		goto fail;
	}
	log_info(&r->d->log, "api: case \"%s\": %s%s%s", r->args[0],
	    tl_event_kind_str(kind), ev.milestone != NULL ? " " : "",
	    ev.milestone != NULL ? ev.milestone : "");
	json_decref(body);
	replan(r, ITEM_CASE, id);
	reply_case(r, 200, id);
	return;
fail:
	if (txn)
		st->ops->rollback(st);
	json_decref(body);
	reply_failure(r, &f);
}

static void
post_case_extend(struct request *r)
{
	case_event(r, TL_EXTENDED);
}

static void
post_case_pause(struct request *r)
{
	case_event(r, TL_PAUSED);
}

static void
post_case_resume(struct request *r)
{
	case_event(r, TL_RESUMED);
}

static void
post_case_close(struct request *r)
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
	    "milestone", json_str_or_null(rm->milestone),
	    "office", rm->office,
	    "channel", rm->channel,
	    "kind", reminder_kind_str(rm->kind),
	    "due_at", json_instant(rm->due_at),
	    "deadline_at", json_instant_or_null(rm->deadline_at),
	    "state", reminder_state_str(rm->state),
	    "next_at", json_instant_or_null(rm->next_at),
	    "attempts", rm->attempts,
	    "about", rm->about == 0 ? json_null() :
	    json_integer((json_int_t)rm->about),
	    "created_at", json_instant(rm->created_at),
	    "updated_at", json_instant(rm->updated_at));
}

/*
 * A from/to bound: a date is the whole day (to: the midnight after it), an
 * instant is exact.
 */
static int
parse_bound(const char *s, const char *field, bool upper, int64_t *t,
    struct failure *f)
{
	int day;

	if (day_parse(s, &day)) {
		*t = local_instant(upper ? day + 1 : day, 0);
		return 0;
	}
	if (instant_parse(s, t) == 0 && strlen(s) > DAY_STRLEN - 1)
		return 0;
	fail_set(f, 400, field, "expected \"YYYY-MM-DD\" or an instant, got "
	    "\"%s\"", s);
	return -1;
}

static int
parse_limit(const char *s, size_t *limit, struct failure *f)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < 1 ||
	    v > LIST_LIMIT_MAX) {
		fail_set(f, 400, "limit", "expected a number from 1 to %d, got "
		    "\"%s\"", LIST_LIMIT_MAX, s);
		return -1;
	}
	*limit = (size_t)v;
	return 0;
}

static bool
known_param(const char *key)
{
	for (const char *const *p = reminder_params; *p != NULL; p++)
		if (strcmp(*p, key) == 0)
			return true;
	return false;
}

/* One query parameter of /v1/reminders into the filter. */
static int
reminder_param(struct request *r, const char *key, const char *val,
    struct reminder_filter *flt, struct failure *f)
{
	const struct office_conf *oc;
	struct store *st = r->d->store;

	if (strcmp(key, "state") == 0) {
		enum reminder_state s;

		if (reminder_state_parse(val, &s) == -1) {
			fail_set(f, 400, key, "unknown state \"%s\"", val);
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
		return parse_limit(val, &flt->limit, f);
	else if (strcmp(key, "case") == 0) {
		flt->item_type = ITEM_CASE;
		if (st->ops->case_find(st, val, &flt->item_id) == -1) {
			fail_store(f, st);
			return -1;
		}
		if (flt->item_id == 0) {
			fail_set(f, 404, key, "no case \"%s\"", val);
			return -1;
		}
	}
	return 0;
}

static int
reminder_filter(struct request *r, struct reminder_filter *flt,
    struct failure *f)
{
	const char *query = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(r->ev));
	struct evkeyvalq q;
	struct evkeyval *kv, *prev;
	int rv = 0;

	memset(flt, 0, sizeof *flt);
	flt->state = -1;
	flt->limit = LIST_LIMIT_DEFAULT;
	TAILQ_INIT(&q);
	if (query != NULL && evhttp_parse_query_str(query, &q) == -1) {
		fail_set(f, 400, NULL, "malformed query string");
		return -1;
	}
	TAILQ_FOREACH(kv, &q, next) {
		if (!known_param(kv->key)) {
			fail_set(f, 400, kv->key, "unknown parameter \"%s\"",
			    kv->key);
			rv = -1;
			break;
		}
		for (prev = TAILQ_FIRST(&q); prev != kv;
		    prev = TAILQ_NEXT(prev, next))
			if (strcmp(prev->key, kv->key) == 0)
				break;
		if (prev != kv) {
			fail_set(f, 400, kv->key, "\"%s\" given twice",
			    kv->key);
			rv = -1;
			break;
		}
		if ((rv = reminder_param(r, kv->key, kv->value, flt, f)) == -1)
			break;
	}
	evhttp_clear_headers(&q);
	return rv;
}

static void
get_reminders(struct request *r)
{
	struct store *st = r->d->store;
	struct reminder_filter flt;
	struct reminder *rows = NULL;
	struct failure f;
	json_t *arr;
	size_t n = 0, i;

	if (reminder_filter(r, &flt, &f) == -1) {
		reply_failure(r, &f);
		return;
	}
	if (st->ops->reminders(st, &flt, &rows, &n) == -1) {
		fail_store(&f, st);
		reply_failure(r, &f);
		return;
	}
	if ((arr = json_array()) != NULL)
		for (i = 0; i < n; i++)
			json_array_append_new(arr, reminder_json(&rows[i]));
	reminders_free(rows, n);
	reply_json(r, 200, json_pack("{s:o}", "reminders", arr));
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
reply_page(struct request *r, int code, const char *title,
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
	send_buf(r, code, "text/html; charset=utf-8", buf);
	evbuffer_free(buf);
}

static bool
wants_json(struct request *r)
{
	const char *accept = evhttp_find_header(
	    evhttp_request_get_input_headers(r->ev), "Accept");

	return evhttp_request_get_command(r->ev) == EVHTTP_REQ_POST ||
	    (accept != NULL && strstr(accept, "application/json") != NULL);
}

static void
ack_invalid(struct request *r)
{
	static const char *const lines[] = {
		"这个确认链接无效或已过期。",
		"This acknowledgement link is not valid.",
	};

	if (wants_json(r))
		reply_error(r, 404, NULL, "invalid acknowledgement link");
	else
		reply_page(r, 404, "链接无效 / Invalid link", lines, 2);
}

/* "案件 REF 《TITLE》" or "任务 KEY 《TITLE》" into buf, for the page. */
static void
describe_item(struct request *r, const struct reminder *rm, char *buf,
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
ack_done(struct request *r, const struct reminder *rm, bool already,
    int64_t at)
{
	char item[600], zh[800], en[800], when[64];
	const char *lines[2] = { zh, en };

	if (wants_json(r)) {
		reply_json(r, 200, json_pack("{s:b, s:b, s:I, s:s, s:I, s:o, "
		    "s:s, s:o}", "acknowledged", 1, "already", already,
		    "reminder", (json_int_t)rm->id,
		    "item_type", item_type_str(rm->item_type),
		    "item_id", (json_int_t)rm->item_id,
		    "milestone", json_str_or_null(rm->milestone),
		    "office", rm->office, "at", json_instant(at)));
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
ack_record(struct request *r, int64_t id, struct reminder **rm,
    bool *already, int64_t *at, struct failure *f)
{
	struct store *st = r->d->store;
	struct reminder *m;

	*rm = NULL;
	if (txn_begin(r, f) == -1)
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
	return txn_commit(r, f);
fail:
	fail_store(f, st);
	st->ops->rollback(st);
	return -1;
}

static void
ack(struct request *r)
{
	struct reminder *rm = NULL;
	struct failure f;
	int64_t id, at = 0;
	bool already = false;

	if (ack_verify(r->d->ack_key, r->args[0], &id) == -1) {
		ack_invalid(r);
		return;
	}
	if (ack_record(r, id, &rm, &already, &at, &f) == -1)
		reply_failure(r, &f);
	else if (rm == NULL)
		ack_invalid(r);
	else {
		if (!already) {
			log_info(&r->d->log, "api: %s acknowledged %s %lld",
			    rm->office, item_type_str(rm->item_type),
			    (long long)rm->item_id);
			replan(r, rm->item_type, rm->item_id);
		}
		ack_done(r, rm, already, at);
	}
	if (rm != NULL)
		reminders_free(rm, 1);
}

/* Reload and health. */

static void
post_reload(struct request *r)
{
	struct errors errs;
	json_t *arr;
	size_t i;

	errors_init(&errs);
	if (duban_reload(r->d, &errs) == 0) {
		errors_free(&errs);
		reply_json(r, 200, json_pack("{s:s}", "status", "reloaded"));
		return;
	}
	if ((arr = json_array()) != NULL)
		for (i = 0; i < errs.n; i++)
			json_array_append_new(arr, json_string(errs.msg[i]));
	errors_free(&errs);
	reply_json(r, 422, json_pack("{s:s, s:o}", "error", "config rejected",
	    "errors", arr));
}

/* Cheap: one indexed query, which also shows the store answers. */
static void
get_healthz(struct request *r)
{
	struct store *st = r->d->store;
	int64_t next = 0;
	bool found = false;

	if (st->ops->reminder_next(st, &next, &found) == -1) {
		log_err(&r->d->log, "api: healthz: %s", store_error(st));
		reply_json(r, 503, json_pack("{s:s, s:s}", "status", "error",
		    "error", store_error(st)));
		return;
	}
	reply_json(r, 200, json_pack("{s:s, s:o, s:o}", "status", "ok",
	    "now", json_instant(r->now),
	    "next_reminder", found ? json_instant(next) : json_null()));
}

/* Tokens. */

static void
tokens_clear(struct tokens *t)
{
	for (size_t i = 0; i < t->n; i++) {
		explicit_bzero(t->v[i].token, strlen(t->v[i].token));
		free(t->v[i].token);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static int
token_line(struct tokens *t, char *line, const char *path, int lineno,
    char *err, size_t errlen)
{
	char *tok, *scope, *extra, *save = NULL;
	struct token *nv;

	if ((tok = strtok_r(line, " \t\r\n", &save)) == NULL || *tok == '#')
		return 0;
	scope = strtok_r(NULL, " \t\r\n", &save);
	extra = strtok_r(NULL, " \t\r\n", &save);
	if (scope == NULL || extra != NULL || strlen(tok) < TOKEN_MIN_LEN ||
	    (strcmp(scope, "read") != 0 && strcmp(scope, "write") != 0)) {
		snprintf(err, errlen, "%s:%d: expected \"TOKEN read\" or "
		    "\"TOKEN write\" (a token of at least %d characters)",
		    path, lineno, TOKEN_MIN_LEN);
		return -1;
	}
	if ((nv = reallocarray(t->v, t->n + 1, sizeof *nv)) == NULL ||
	    (nv[t->n].token = strdup(tok)) == NULL) {
		if (nv != NULL)
			t->v = nv;
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	t->v = nv;
	nv[t->n++].scope = strcmp(scope, "write") == 0 ? SCOPE_WRITE :
	    SCOPE_READ;
	return 0;
}

/* Reads path into t (emptied first); on error t holds no token. */
static int
tokens_read(struct tokens *t, const char *path, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rv = 0;
	FILE *fp;

	tokens_clear(t);
	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rv == 0 && getline(&line, &cap, fp) != -1)
		rv = token_line(t, line, path, ++lineno, err, errlen);
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	fclose(fp);
	if (rv == -1)
		tokens_clear(t);
	return rv;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * Reads token_file again when it (or its path in the config) changed: 1
 * when read, 0 when unchanged, -1 with err when it just became unusable.
 * Without a usable file no token is accepted.
 */
static int
tokens_refresh(struct tokens *t, const char *path, char *err, size_t errlen)
{
	struct stat sb;
	int rv;

	if (path == NULL || stat(path, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path != NULL ? path :
		    "token_file", path != NULL ? strerror(errno) : "not set");
		rv = t->loaded || !t->tried ? -1 : 0;
		tokens_clear(t);
		t->loaded = false;
		t->tried = true;
		return rv;
	}
	if (t->loaded && strcmp(t->path, path) == 0 && same_file(&sb, &t->st))
		return 0;
	free(t->path);
	t->tried = true;
	if ((t->path = strdup(path)) == NULL) {
		tokens_clear(t);
		t->loaded = false;
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	t->st = sb;
	t->loaded = true;
	return tokens_read(t, path, err, errlen) == -1 ? -1 : 1;
}

/* The scope of the request's bearer token, SCOPE_OPEN when none. */
static enum scope
token_scope(struct api *api, struct evhttp_request *ev)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(ev),
	    "Authorization");
	struct tokens *t = &api->tokens;
	char err[512];
	size_t len;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return SCOPE_OPEN;
	for (h += 7; *h == ' '; h++)
		;
	len = strlen(h);
	switch (tokens_refresh(t, api->d->config->token_file, err,
	    sizeof err)) {
	case -1:
		log_err(&api->d->log, "api: %s; no token is accepted", err);
		break;
	case 1:
		log_info(&api->d->log, "api: %zu token%s from %s", t->n,
		    t->n == 1 ? "" : "s", t->path);
		break;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct token *tk = &t->v[i];

		if (strlen(tk->token) == len &&
		    timingsafe_equal(tk->token, h, len))
			return tk->scope;
	}
	return SCOPE_OPEN;
}

/* 0 when the request may go on; else replied 401 or 403. */
static int
authorize(struct request *r, const struct listener *l, enum scope need)
{
	enum scope have;

	if (l->trusted || need == SCOPE_OPEN)
		return 0;
	if ((have = token_scope(r->api, r->ev)) == SCOPE_OPEN) {
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "WWW-Authenticate", "Bearer realm=\"duban\"");
		reply_error(r, 401, NULL, "a bearer token is required");
		return -1;
	}
	if (have < need) {
		reply_error(r, 403, NULL, "the token's scope is read only");
		return -1;
	}
	return 0;
}

/* Routing. */

/*
 * Whether path matches pattern; '*' segments are decoded into r->args.
 * Both start with '/'.
 */
static bool
route_match(const char *pattern, const char *path, struct request *r)
{
	const char *p = pattern + 1, *s = path + 1, *pe, *se;
	size_t plen, slen, dlen;
	char *seg;

	r->nargs = 0;
	if (*pattern != '/' || *path != '/')
		return false;
	for (;;) {
		pe = p + strcspn(p, "/");
		se = s + strcspn(s, "/");
		plen = (size_t)(pe - p);
		slen = (size_t)(se - s);
		if (plen == 1 && *p == '*') {
			if (slen == 0 || r->nargs == ROUTE_MAX_ARGS ||
			    (seg = strndup(s, slen)) == NULL)
				return false;
			r->args[r->nargs] = evhttp_uridecode(seg, 0, &dlen);
			free(seg);
			if (r->args[r->nargs] == NULL)
				return false;
			if (dlen != strlen(r->args[r->nargs++]))
				return false;	/* an encoded NUL */
		} else if (plen != slen || strncmp(p, s, plen) != 0)
			return false;
		if (*pe == '\0' || *se == '\0')
			return *pe == '\0' && *se == '\0';
		p = pe + 1;
		s = se + 1;
	}
}

static void
request_clear_args(struct request *r)
{
	for (size_t i = 0; i < r->nargs; i++) {
		free(r->args[i]);
		r->args[i] = NULL;
	}
	r->nargs = 0;
}

static const char *
method_str(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	case EVHTTP_REQ_PATCH: return "PATCH";
	}
	return "?";
}

/*
 * The route for the request, or NULL.  *path_known tells a path served
 * with other methods (405) from an unknown one (404); allow lists them.
 */
static const struct route *
route_find(struct request *r, const char *path, bool *path_known,
    char *allow, size_t allowlen)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(r->ev);
	size_t i, len;

	/* HEAD is GET without the body (evhttp drops it). */
	if (m == EVHTTP_REQ_HEAD)
		m = EVHTTP_REQ_GET;

	*path_known = false;
	allow[0] = '\0';
	for (i = 0; i < NROUTES; i++) {
		bool match = route_match(routes[i].pattern, path, r);

		if (match && routes[i].method == m)
			return &routes[i];
		request_clear_args(r);
		if (!match)
			continue;
		*path_known = true;
		len = strlen(allow);
		snprintf(allow + len, allowlen - len, "%s%s",
		    len > 0 ? ", " : "", method_str(routes[i].method));
	}
	return NULL;
}

static void
on_request(struct evhttp_request *ev, void *arg)
{
	struct listener *l = arg;
	struct request r = { .api = l->api, .d = l->api->d, .ev = ev };
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	const struct route *rt = NULL;
	bool path_known;
	char allow[64];

	r.now = clock_now(&r.d->clock);
	if (path == NULL || *path == '\0')
		path = "/";
	rt = route_find(&r, path, &path_known, allow, sizeof allow);
	/* Unknown paths only to those who may read: no probing. */
	if (authorize(&r, l, rt != NULL ? rt->scope : SCOPE_READ) == -1)
		goto out;
	if (rt != NULL)
		rt->handler(&r);
	else if (path_known) {
		evhttp_add_header(evhttp_request_get_output_headers(ev),
		    "Allow", allow);
		reply_error(&r, 405, NULL, "method not allowed");
	} else
		reply_error(&r, 404, NULL, "no such endpoint");
out:
	log_info(&r.d->log, "api: %s %s %s %d", l->name,
	    method_str(evhttp_request_get_command(ev)),
	    rt != NULL && rt->redact ? rt->pattern : path, r.code);
	request_clear_args(&r);
}

/* Listeners. */

static int
listener_init(struct api *api, struct listener *l, const char *name,
    bool trusted, char *err, size_t errlen)
{
	l->api = api;
	l->name = name;
	l->trusted = trusted;
	if ((l->http = evhttp_new(api->d->base)) == NULL) {
		snprintf(err, errlen, "api: evhttp_new failed");
		return -1;
	}
	evhttp_set_max_body_size(l->http, BODY_HARD_MAX);
	evhttp_set_timeout(l->http, CONN_TIMEOUT);
	/* Let the client read the 413 before the connection closes. */
	evhttp_set_flags(l->http, EVHTTP_SERVER_LINGERING_CLOSE);
	/* Every method reaches on_request, which answers 405 in JSON. */
	evhttp_set_allowed_methods(l->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(l->http, on_request, l);
	return 0;
}

/* Makes the socket's directory if it does not exist (one level). */
static void
make_socket_dir(const char *path)
{
	char *dir = strdup(path), *slash;

	if (dir == NULL)
		return;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		/* On failure, bind() reports the problem. */
		(void)mkdir(dir, 0750);
	}
	free(dir);
}

/*
 * Removes a socket file left by a daemon that is gone: not a file that is
 * no socket, nor one a daemon still answers on.
 */
static int
remove_stale_socket(const struct sockaddr_un *sun, char *err, size_t errlen)
{
	struct stat sb;
	int fd, live;

	if (lstat(sun->sun_path, &sb) == -1)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s",
		    sun->sun_path, strerror(errno)), -1);
	if (!S_ISSOCK(sb.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket",
		    sun->sun_path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	live = connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0;
	close(fd);
	if (live) {
		snprintf(err, errlen, "%s: another daemon is listening on it",
		    sun->sun_path);
		return -1;
	}
	if (unlink(sun->sun_path) == -1) {
		snprintf(err, errlen, "%s: %s", sun->sun_path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* A listening unix socket at path, mode 0660, or -1. */
static evutil_socket_t
unix_socket(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	evutil_socket_t fd;
	mode_t mask;

	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "%s: path too long for a socket", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	make_socket_dir(path);
	if (remove_stale_socket(&sun, err, errlen) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* Never a moment with wider permissions than 0660. */
	mask = umask(0117);
	if (bind(fd, (const struct sockaddr *)&sun, sizeof sun) == -1) {
		umask(mask);
		snprintf(err, errlen, "bind %s: %s", path, strerror(errno));
		evutil_closesocket(fd);
		return -1;
	}
	umask(mask);
	if (chmod(path, 0660) == -1 || listen(fd, 128) == -1 ||
	    evutil_make_socket_nonblocking(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		evutil_closesocket(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

static int
listen_unix(struct api *api, char *err, size_t errlen)
{
	const char *path = api->d->config->socket;
	evutil_socket_t fd;

	if ((fd = unix_socket(path, err, errlen)) == -1)
		return -1;
	if ((api->socket_path = strdup(path)) == NULL) {
		evutil_closesocket(fd);
		unlink(path);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (evhttp_accept_socket(api->local.http, fd) == -1) {
		evutil_closesocket(fd);
		snprintf(err, errlen, "%s: cannot accept", path);
		return -1;
	}
	log_info(&api->d->log, "api: listening on %s", path);
	return 0;
}

static int
listen_tcp(struct api *api, char *err, size_t errlen)
{
	const char *listen_at = api->d->config->listen;
	char host[256], perr[256];
	int port;

	if (!parse_host_port(listen_at, host, sizeof host, &port, perr,
	    sizeof perr)) {
		snprintf(err, errlen, "listen: %s", perr);
		return -1;
	}
	if (evhttp_bind_socket(api->tcp.http, host, (ev_uint16_t)port) == -1) {
		snprintf(err, errlen, "listen %s: %s", listen_at,
		    strerror(errno));
		return -1;
	}
	log_info(&api->d->log, "api: listening on %s", listen_at);
	return 0;
}

struct api *
api_new(struct duban *d, char *err, size_t errlen)
{
	struct api *api;

	if ((api = calloc(1, sizeof *api)) == NULL) {
		snprintf(err, errlen, "api: out of memory");
		return NULL;
	}
	api->d = d;
	if (listener_init(api, &api->local, "unix", true, err, errlen) == -1 ||
	    listen_unix(api, err, errlen) == -1)
		goto fail;
	if (d->config->listen == NULL)
		return api;
	/* A token file that is wrong at start stops the start. */
	if (tokens_refresh(&api->tokens, d->config->token_file, err,
	    errlen) == -1)
		goto fail;
	log_info(&d->log, "api: %zu token%s from %s", api->tokens.n,
	    api->tokens.n == 1 ? "" : "s", api->tokens.path);
	if (listener_init(api, &api->tcp, "tcp", false, err, errlen) == -1 ||
	    listen_tcp(api, err, errlen) == -1)
		goto fail;
	return api;
fail:
	api_free(api);
	return NULL;
}

void
api_free(struct api *api)
{
	if (api == NULL)
		return;
	if (api->local.http != NULL)
		evhttp_free(api->local.http);
	if (api->tcp.http != NULL)
		evhttp_free(api->tcp.http);
	if (api->socket_path != NULL) {
		unlink(api->socket_path);
		free(api->socket_path);
	}
	tokens_clear(&api->tokens);
	free(api->tokens.path);
	free(api);
}
