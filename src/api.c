/*
 * The HTTP API: evhttp on the daemon's loop, JSON in and out with jansson.
 * doc/api.md describes every endpoint.  This file is the server: listeners,
 * tokens, routing, request bodies and replies, reload and health; the
 * endpoints live in api_cases.c, api_tasks.c and api_report.c, each with
 * its route table (api_internal.h).
 *
 * Requests are matched against the route tables in order (method, path
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
 *  - Bodies over 64 KiB get 413 with a JSON error, except POST /v1/import
 *    (256 MiB: a plan of 1,000,000 rows is about 150 MiB of JSON).  libevent
 *    2.1 has no hook for its own error pages, nor one to limit a body by
 *    path, so evhttp's limit is set just above 256 MiB
 *    (its 413 is HTML) only to bound memory.
 *  - Errors are {"error": "...", "field": "..."}: 400 for malformed JSON,
 *    unknown fields or parameters, wrong types, bad dates and instants in
 *    the future; 404 for an unknown item or route; 405 for a known path
 *    with another method; 409 for conflicts (api_cases.c, api_tasks.c);
 *    422 for an unknown office, rule, policy or milestone.  Nothing is
 *    stored on error.  When the store fails: 507 when the database or
 *    the disk is full, 503 with "Retry-After: 1" when the database is
 *    locked by another process past the busy timeout, else 500; the
 *    message names the cause ("database or disk is full"), and is
 *    logged.
 *  - Limits: headers (with the request line) over 64 KiB get libevent's
 *    HTML 400 page; a connection is closed after 30 s without a byte
 *    either way (a request cut short gets no answer).  libevent 2.1 has no
 *    limit on connections: RLIMIT_NOFILE bounds them.
 *  - Times are written as local ISO instants with offset
 *    ("2024-10-23T23:59:59+08:00"); "at" and "opened_at" take
 *    "YYYY-MM-DD" (local midnight) or an instant, never after now.
 *  - After a change is committed the item is replanned
 *    (schedule_replan); a failing replan is logged, the change stays and
 *    is planned again at the next start.
 */
#include <errno.h>
#include <grp.h>
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

#include "api.h"
#include "api_internal.h"
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

/* evhttp's own limit: the largest body of any route, and its headers. */
#define BODY_HARD_MAX		(API_IMPORT_BODY_MAX + 64 * 1024)
#define HEADERS_MAX		(64 * 1024)	/* request line and headers */
#define CONN_TIMEOUT		30		/* seconds idle */
#define TOKEN_MIN_LEN		16
#define FUTURE_SLACK		300	/* seconds "at" may be ahead */
#define RETRY_AFTER_BUSY	1	/* seconds, with a 503 */

struct token {
	char		*token;
	enum api_scope	 scope;
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

static void get_healthz(struct api_request *);
static void post_reload(struct api_request *);

static const struct api_route server_routes[] = {
	{ EVHTTP_REQ_GET, "/healthz", SCOPE_OPEN, false, 0, get_healthz },
	{ EVHTTP_REQ_POST, "/v1/reload", SCOPE_WRITE, false, 0, post_reload },
	{ 0, NULL, SCOPE_OPEN, false, 0, NULL },
};

/* Every route, table by table. */
static const struct api_route *const route_tables[] = {
	server_routes,
	api_case_routes,
	api_task_routes,
	api_report_routes,
};

#define NTABLES (sizeof route_tables / sizeof route_tables[0])

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
	case 507: return "Insufficient Storage";
	default: return "Internal Server Error";
	}
}

/* Sends buf (emptied) with code and a Content-Type. */
void
api_send_buf(struct api_request *r, int code, const char *type,
    struct evbuffer *buf)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->ev);

	r->code = code;
	evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_send_reply(r->ev, code, reason(code), buf);
}

/* Replies with obj (the reference is taken). */
void
api_reply_json(struct api_request *r, int code, json_t *obj)
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
		api_send_buf(r, code, "application/json; charset=utf-8", buf);
	free(s);
	if (buf != NULL)
		evbuffer_free(buf);
}

void
api_reply_error(struct api_request *r, int code, const char *field,
    const char *msg)
{
	json_t *obj = json_pack("{s:s}", "error", msg);

	if (obj != NULL && field != NULL)
		json_object_set_new(obj, "field", json_string(field));
	api_reply_json(r, code, obj);
}

void
api_fail_set(struct api_failure *f, int code, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	f->code = code;
	f->row = 0;
	f->retry_after = 0;
	snprintf(f->field, sizeof f->field, "%s", field != NULL ? field : "");
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof f->msg, fmt, ap);
	va_end(ap);
}

/* The store's failure as the client should see it: theirs to retry? */
void
api_fail_store(struct api_failure *f, struct store *st)
{
	switch (store_errclass(st)) {
	case STORE_EFULL:
		api_fail_set(f, 507, NULL, "database or disk is full; nothing "
		    "was stored (%s)", store_error(st));
		break;
	case STORE_EBUSY:
		api_fail_set(f, 503, NULL, "the database is busy; nothing was "
		    "stored, try again (%s)", store_error(st));
		f->retry_after = RETRY_AFTER_BUSY;
		break;
	default:
		api_fail_set(f, 500, NULL, "%s", store_error(st));
		break;
	}
}

void
api_reply_failure(struct api_request *r, const struct api_failure *f)
{
	json_t *obj;

	if (f->code >= 500)
		log_err(&r->d->log, "api: %s", f->msg);
	if (f->retry_after > 0) {
		char secs[16];

		snprintf(secs, sizeof secs, "%d", f->retry_after);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Retry-After", secs);
	}
	if ((obj = json_pack("{s:s}", "error", f->msg)) != NULL) {
		if (f->field[0] != '\0')
			json_object_set_new(obj, "field",
			    json_string(f->field));
		if (f->row != 0)
			json_object_set_new(obj, "row",
			    json_integer((json_int_t)f->row));
	}
	api_reply_json(r, f->code, obj);
}

/* Instants and dates. */

json_t *
api_json_instant(int64_t t)
{
	char buf[64];

	return json_string(instant_format(t, buf, sizeof buf));
}

json_t *
api_json_instant_or_null(int64_t t)
{
	return t == 0 ? json_null() : api_json_instant(t);
}

json_t *
api_json_str_or_null(const char *s)
{
	return s == NULL ? json_null() : json_string(s);
}

json_t *
api_json_day_or_null(int day)
{
	char buf[DAY_STRLEN];

	return day < 0 ? json_null() : json_string(day_format(day, buf));
}

int
api_parse_at(const char *s, const char *field, int64_t now, int64_t *t,
    struct api_failure *f)
{
	if (instant_parse(s, t) == -1) {
		api_fail_set(f, 400, field, "expected \"YYYY-MM-DD\" or an "
		    "instant such as \"2024-10-23T09:30:00+08:00\", got "
		    "\"%s\"", s);
		return -1;
	}
	if (*t > now + FUTURE_SLACK) {
		api_fail_set(f, 400, field, "\"%s\" is in the future", s);
		return -1;
	}
	return 0;
}

int
api_parse_day(const char *s, const char *field, int *day,
    struct api_failure *f)
{
	if (!day_parse(s, day)) {
		api_fail_set(f, 400, field, "expected a date \"YYYY-MM-DD\", "
		    "got \"%s\"", s);
		return -1;
	}
	return 0;
}

int
api_parse_limit(const char *s, size_t *limit, struct api_failure *f)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < 1 ||
	    v > API_LIST_LIMIT_MAX) {
		api_fail_set(f, 400, "limit", "expected a number from 1 to %d, "
		    "got \"%s\"", API_LIST_LIMIT_MAX, s);
		return -1;
	}
	*limit = (size_t)v;
	return 0;
}

static bool
known_param(const char *const *known, const char *key)
{
	for (; *known != NULL; known++)
		if (strcmp(*known, key) == 0)
			return true;
	return false;
}

int
api_query(struct api_request *r, const char *const *known, api_param_fn fn,
    void *arg, struct api_failure *f)
{
	const char *query = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(r->ev));
	struct evkeyval *kv, *prev;

	if (!r->query_parsed) {
		TAILQ_INIT(&r->query);
		r->query_parsed = true;
		if (query != NULL &&
		    evhttp_parse_query_str(query, &r->query) == -1) {
			api_fail_set(f, 400, NULL, "malformed query string");
			return -1;
		}
	}
	TAILQ_FOREACH(kv, &r->query, next) {
		if (!known_param(known, kv->key)) {
			api_fail_set(f, 400, kv->key, "unknown parameter "
			    "\"%s\"", kv->key);
			return -1;
		}
		for (prev = TAILQ_FIRST(&r->query); prev != kv;
		    prev = TAILQ_NEXT(prev, next))
			if (strcmp(prev->key, kv->key) == 0)
				break;
		if (prev != kv) {
			api_fail_set(f, 400, kv->key, "\"%s\" given twice",
			    kv->key);
			return -1;
		}
		if (fn(r, kv->key, kv->value, arg, f) == -1)
			return -1;
	}
	return 0;
}

/* Request bodies. */

json_t *
api_body_parse(const void *data, size_t len, size_t max, bool allow_empty,
    struct api_failure *f)
{
	json_error_t jerr;
	json_t *obj;

	if (len > max) {
		api_fail_set(f, 413, NULL, "body over %zu bytes", max);
		return NULL;
	}
	if (len == 0 && allow_empty) {
		if ((obj = json_object()) == NULL)
			api_fail_set(f, 500, NULL, "out of memory");
		return obj;
	}
	obj = json_loadb(data != NULL ? data : "", len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (obj == NULL) {
		api_fail_set(f, 400, NULL, "malformed JSON: %s (line %d, "
		    "column %d)", jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		api_fail_set(f, 400, NULL, "expected a JSON object");
		return NULL;
	}
	return obj;
}

json_t *
api_read_body(struct api_request *r, bool allow_empty)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t len = evbuffer_get_length(in), max = API_BODY_MAX;
	unsigned char *data = NULL;
	struct api_failure f;
	json_t *obj;

	if (r->route != NULL && r->route->body_max != 0)
		max = r->route->body_max;
	/* Not copied into one piece before its size is checked. */
	if (len > 0 && len <= max &&
	    (data = evbuffer_pullup(in, -1)) == NULL) {
		api_reply_error(r, 500, NULL, "out of memory");
		return NULL;
	}
	if ((obj = api_body_parse(data, len, max, allow_empty, &f)) == NULL)
		api_reply_failure(r, &f);
	return obj;
}

static const struct api_field *
field_find(const struct api_field *fields, const char *name)
{
	for (; fields->name != NULL; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	return NULL;
}

/* A string of 1..max bytes without NUL. */
static int
check_string(json_t *v, const char *name, size_t max, struct api_failure *f)
{
	if (!json_is_string(v)) {
		api_fail_set(f, 400, name, "\"%s\" must be a string", name);
		return -1;
	}
	if (json_string_length(v) == 0 || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		api_fail_set(f, 400, name, "\"%s\" must be 1 to %zu bytes",
		    name, max);
		return -1;
	}
	return 0;
}

static int
check_strings(json_t *v, const char *name, size_t max, struct api_failure *f)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v)) {
		api_fail_set(f, 400, name, "\"%s\" must be an array of "
		    "strings", name);
		return -1;
	}
	json_array_foreach(v, i, e) {
		if (check_string(e, name, max, f) == -1)
			return -1;
	}
	return 0;
}

static int
check_field(json_t *v, const struct api_field *fd, struct api_failure *f)
{
	switch (fd->type) {
	case FIELD_STRING:
		return check_string(v, fd->name, fd->max, f);
	case FIELD_STRING_NULL:
		return json_is_null(v) ? 0 : check_string(v, fd->name,
		    fd->max, f);
	case FIELD_STRINGS:
		return check_strings(v, fd->name, fd->max, f);
	case FIELD_BOOL:
		if (json_is_boolean(v))
			return 0;
		api_fail_set(f, 400, fd->name, "\"%s\" must be true or false",
		    fd->name);
		return -1;
	case FIELD_INT:
		if (json_is_integer(v) && json_integer_value(v) >= 0 &&
		    (uintmax_t)json_integer_value(v) <= fd->max)
			return 0;
		api_fail_set(f, 400, fd->name, "\"%s\" must be a whole number "
		    "from 0 to %zu", fd->name, fd->max);
		return -1;
	case FIELD_OBJECTS:
		if (json_is_array(v))
			return 0;
		api_fail_set(f, 400, fd->name, "\"%s\" must be an array",
		    fd->name);
		return -1;
	}
	return -1;
}

int
api_check_fields(json_t *obj, const struct api_field *fields,
    struct api_failure *f)
{
	const struct api_field *fd;
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if ((fd = field_find(fields, key)) == NULL) {
			api_fail_set(f, 400, key, "unknown field \"%s\"", key);
			return -1;
		}
		if (check_field(v, fd, f) == -1)
			return -1;
	}
	for (fd = fields; fd->name != NULL; fd++) {
		if (fd->required && json_object_get(obj, fd->name) == NULL) {
			api_fail_set(f, 400, fd->name, "\"%s\" is required",
			    fd->name);
			return -1;
		}
	}
	return 0;
}

const char *
api_field_str(json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

/* Transactions and replanning. */

int
api_txn_begin(struct api_request *r, struct api_failure *f)
{
	struct store *st = r->d->store;

	if (st->ops->begin(st) == -1) {
		api_fail_store(f, st);
		return -1;
	}
	return 0;
}

int
api_txn_commit(struct api_request *r, struct api_failure *f)
{
	struct store *st = r->d->store;

	if (st->ops->commit(st) == -1) {
		api_fail_store(f, st);
		st->ops->rollback(st);
		return -1;
	}
	return 0;
}

void
api_replan(struct api_request *r, enum item_type type, int64_t id)
{
	if (r->d->schedule == NULL)
		return;
	if (schedule_replan(r->d->schedule, type, id) == -1)
		log_err(&r->d->log, "api: replanning %s %lld failed; planned "
		    "again at the next start", item_type_str(type),
		    (long long)id);
}

/* Reload and health. */

static void
post_reload(struct api_request *r)
{
	struct errors errs;
	json_t *arr;
	size_t i;

	errors_init(&errs);
	if (duban_reload(r->d, &errs) == 0) {
		errors_free(&errs);
		api_reply_json(r, 200, json_pack("{s:s}", "status",
		    "reloaded"));
		return;
	}
	if ((arr = json_array()) != NULL)
		for (i = 0; i < errs.n; i++)
			json_array_append_new(arr, json_string(errs.msg[i]));
	errors_free(&errs);
	api_reply_json(r, 422, json_pack("{s:s, s:o}", "error",
	    "config rejected", "errors", arr));
}

/* Cheap: one indexed query, which also shows the store answers. */
static void
get_healthz(struct api_request *r)
{
	struct store *st = r->d->store;
	int64_t next = 0;
	bool found = false;

	if (st->ops->reminder_next(st, &next, &found) == -1) {
		log_err(&r->d->log, "api: healthz: %s", store_error(st));
		api_reply_json(r, 503, json_pack("{s:s, s:s}", "status",
		    "error", "error", store_error(st)));
		return;
	}
	api_reply_json(r, 200, json_pack("{s:s, s:o, s:o}", "status", "ok",
	    "now", api_json_instant(r->now),
	    "next_reminder", found ? api_json_instant(next) : json_null()));
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
static enum api_scope
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
authorize(struct api_request *r, const struct listener *l, enum api_scope need)
{
	enum api_scope have;

	if (l->trusted || need == SCOPE_OPEN)
		return 0;
	if ((have = token_scope(r->api, r->ev)) == SCOPE_OPEN) {
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "WWW-Authenticate", "Bearer realm=\"duban\"");
		api_reply_error(r, 401, NULL, "a bearer token is required");
		return -1;
	}
	if (have < need) {
		api_reply_error(r, 403, NULL, "the token's scope is read only");
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
route_match(const char *pattern, const char *path, struct api_request *r)
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
			if (slen == 0 || r->nargs == API_ROUTE_MAX_ARGS ||
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
request_clear_args(struct api_request *r)
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
static const struct api_route *
route_find(struct api_request *r, const char *path, bool *path_known,
    char *allow, size_t allowlen)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(r->ev);
	const struct api_route *rt;
	size_t t, len;

	/* HEAD is GET without the body (evhttp drops it). */
	if (m == EVHTTP_REQ_HEAD)
		m = EVHTTP_REQ_GET;

	*path_known = false;
	allow[0] = '\0';
	for (t = 0; t < NTABLES; t++) {
		for (rt = route_tables[t]; rt->pattern != NULL; rt++) {
			bool match = route_match(rt->pattern, path, r);

			if (match && rt->method == m)
				return rt;
			request_clear_args(r);
			if (!match)
				continue;
			*path_known = true;
			len = strlen(allow);
			snprintf(allow + len, allowlen - len, "%s%s",
			    len > 0 ? ", " : "", method_str(rt->method));
		}
	}
	return NULL;
}

static void
on_request(struct evhttp_request *ev, void *arg)
{
	struct listener *l = arg;
	struct api_request r = { .api = l->api, .d = l->api->d, .ev = ev };
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	const struct api_route *rt = NULL;
	bool path_known;
	char allow[64];

	r.now = clock_now(&r.d->clock);
	if (path == NULL || *path == '\0')
		path = "/";
	rt = route_find(&r, path, &path_known, allow, sizeof allow);
	/* Unknown paths only to those who may read: no probing. */
	if (authorize(&r, l, rt != NULL ? rt->scope : SCOPE_READ) == -1)
		goto out;
	r.route = rt;
	if (rt != NULL)
		rt->handler(&r);
	else if (path_known) {
		evhttp_add_header(evhttp_request_get_output_headers(ev),
		    "Allow", allow);
		api_reply_error(&r, 405, NULL, "method not allowed");
	} else
		api_reply_error(&r, 404, NULL, "no such endpoint");
out:
	log_info(&r.d->log, "api: %s %s %s %d", l->name,
	    method_str(evhttp_request_get_command(ev)),
	    rt != NULL && rt->redact ? rt->pattern : path, r.code);
	request_clear_args(&r);
	if (r.query_parsed)
		evhttp_clear_headers(&r.query);
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
	evhttp_set_max_headers_size(l->http, HEADERS_MAX);
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
	/*
	 * A full backlog refuses unix connections at once (EAGAIN), where
	 * TCP would retry: let a burst of clients wait (capped by
	 * net.core.somaxconn).
	 */
	if (chmod(path, 0660) == -1 || listen(fd, SOMAXCONN) == -1 ||
	    evutil_make_socket_nonblocking(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		evutil_closesocket(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/* socket_group: the group whose members may use the socket (mode 0660). */
static int
set_socket_group(const char *path, const char *group, char *err,
    size_t errlen)
{
	struct group *gr;

	if (group == NULL)
		return 0;
	if ((gr = getgrnam(group)) == NULL) {
		snprintf(err, errlen, "socket_group: no group \"%s\"", group);
		return -1;
	}
	if (chown(path, (uid_t)-1, gr->gr_gid) == -1) {
		snprintf(err, errlen, "socket_group: chown %s to %s: %s", path,
		    group, strerror(errno));
		return -1;
	}
	return 0;
}

static int
listen_unix(struct api *api, char *err, size_t errlen)
{
	const char *path = api->d->config->socket;
	evutil_socket_t fd;

	if ((fd = unix_socket(path, err, errlen)) == -1)
		return -1;
	if (set_socket_group(path, api->d->config->socket_group, err,
	    errlen) == -1) {
		evutil_closesocket(fd);
		unlink(path);
		return -1;
	}
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
