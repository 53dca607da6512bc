/*
 * Shared by the API's source files (tmux style): api.c has the server
 * (listeners, tokens, routing, bodies and replies, reload, healthz), and
 * each api_*.c its endpoints with a route table of its own:
 *
 *   api_cases.c   cases, reminders, acknowledgement
 *   api_tasks.c   tasks, offices, import
 *   api_report.c  the on-time report and /metrics
 *
 * api.c goes through the tables in that order; each ends with a route
 * whose pattern is NULL.
 */
#ifndef DUBAN_API_INTERNAL_H
#define DUBAN_API_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "reminder.h"
#include "timelimit.h"

struct api;
struct calendar;
struct config;
struct duban;
struct task_row;
struct task_rec;
struct case_rec;
struct office_row;
struct tl_event;
struct evbuffer;
struct store;

#define API_ROUTE_MAX_ARGS	2
#define API_BODY_MAX		(64 * 1024)	/* most endpoints */
#define API_IMPORT_BODY_MAX	(256 * 1024 * 1024) /* POST /v1/import */
#define API_LIST_LIMIT_DEFAULT	100
#define API_LIST_LIMIT_MAX	1000

enum api_scope {
	SCOPE_OPEN,
	SCOPE_READ,
	SCOPE_WRITE,
};

struct api_route;

struct api_request {
	struct api		*api;
	struct duban		*d;
	struct evhttp_request	*ev;
	const struct api_route	*route;
	char			*args[API_ROUTE_MAX_ARGS]; /* '*' segments */
	size_t			 nargs;
	struct evkeyvalq	 query;		/* parsed by api_query */
	bool			 query_parsed;
	int64_t			 now;
	int			 code;	/* as replied, for the log */
};

struct api_route {
	enum evhttp_cmd_type	  method;
	const char		 *pattern;	/* NULL ends a table */
	enum api_scope		  scope;
	bool			  redact;	/* don't log the path */
	size_t			  body_max;	/* 0: API_BODY_MAX */
	void			(*handler)(struct api_request *);
};

extern const struct api_route api_case_routes[];
extern const struct api_route api_task_routes[];
extern const struct api_route api_report_routes[];

/* What went wrong in a handler, replied once at its end. */
struct api_failure {
	int		 code;
	char		 field[64];	/* "": none */
	char		 msg[512];
	long long	 row;		/* of an import; 0: none */
	int		 retry_after;	/* seconds, a Retry-After; 0: none */
};

enum api_field_type {
	FIELD_STRING,		/* 1..max bytes, no NUL */
	FIELD_STRING_NULL,	/* a string, or null (same as absent) */
	FIELD_STRINGS,		/* an array of strings of 1..max bytes */
	FIELD_BOOL,
	FIELD_INT,		/* 0..max */
	FIELD_OBJECTS,		/* an array (of objects: the caller checks) */
};

/* A field of a JSON body. */
struct api_field {
	const char		*name;
	bool			 required;
	size_t			 max;	/* bytes, or the largest int */
	enum api_field_type	 type;
};

/* Replies. */
void api_send_buf(struct api_request *, int code, const char *type,
    struct evbuffer *);
void api_reply_json(struct api_request *, int code, json_t *obj);
void api_reply_error(struct api_request *, int code, const char *field,
    const char *msg);
/* Sets f (row 0). */
void api_fail_set(struct api_failure *, int code, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void api_fail_store(struct api_failure *, struct store *);
void api_reply_failure(struct api_request *, const struct api_failure *);

/* JSON values. */
json_t *api_json_instant(int64_t t);
json_t *api_json_instant_or_null(int64_t t);	/* 0: null */
json_t *api_json_str_or_null(const char *s);
json_t *api_json_day_or_null(int day);		/* -1: null */

/* Request input. */
/*
 * Request body bytes as a JSON object: 413 over max bytes, 400 when not
 * JSON or not an object; an empty body is {} when allow_empty.
 */
json_t *api_body_parse(const void *data, size_t len, size_t max,
    bool allow_empty, struct api_failure *);
/*
 * The body as a JSON object (at most the route's body_max bytes); an empty
 * body is {} when allow_empty.  NULL after a reply.
 */
json_t *api_read_body(struct api_request *, bool allow_empty);
/* Unknown fields, wrong types, missing and overlong values. */
int api_check_fields(json_t *obj, const struct api_field *,
    struct api_failure *);
/* A string field, NULL when absent or null (api_check_fields ran). */
const char *api_field_str(json_t *obj, const char *name);
/* "at"-style values: a date (local midnight) or an instant, not ahead. */
int api_parse_at(const char *s, const char *field, int64_t now, int64_t *t,
    struct api_failure *);
/* "YYYY-MM-DD" into a day. */
int api_parse_day(const char *s, const char *field, int *day,
    struct api_failure *);
/* limit=N: 1..API_LIST_LIMIT_MAX. */
int api_parse_limit(const char *s, size_t *limit, struct api_failure *);

typedef int (*api_param_fn)(struct api_request *, const char *key,
    const char *val, void *arg, struct api_failure *);
/*
 * The query string: each parameter (known only, each at most once) handed
 * to fn; the values live as long as the request.  0, or -1 with f set.
 */
int api_query(struct api_request *, const char *const *known,
    api_param_fn fn, void *arg, struct api_failure *);

/* Store transactions: -1 with f set (a failed commit is rolled back). */
int api_txn_begin(struct api_request *, struct api_failure *);
int api_txn_commit(struct api_request *, struct api_failure *);
/* After a change is committed: replans the item, logs a failure. */
void api_replan(struct api_request *, enum item_type, int64_t id);

/*
 * Validation of request bodies: a route's body (api_body_parse'd) into
 * what its handler stores, or -1 with f set (4xx; 500 only when out of
 * memory).  The handlers call these; they need no request and no store,
 * only what api_input holds (tests/fuzz/fuzz_api.c calls them too).
 */
struct api_input {
	const struct config	*cf;
	struct office_row	*rows;	/* offices the store knows, for names */
	size_t			 n;
	int64_t			 now;
};

/*
 * POST /v1/tasks into rec (strings borrowed from body; free rec->assist
 * and rec->responsible).
 */
int api_task_input(const struct api_input *, json_t *body,
    struct task_rec *rec, struct api_failure *);
/*
 * POST /v1/tasks/KEY/done (done) or /reopen: *at is the "at" given (else
 * now, and *at_given false).
 */
int api_task_mark_input(const struct api_input *, json_t *body, bool done,
    int64_t *at, bool *at_given, struct api_failure *);

/* The names of unknown offices and the rows that have them. */
struct api_unknown {
	json_t	*offices;
	json_t	*rows;
	bool	 lead;		/* a lead among them */
};

/* POST /v1/import, validated (api_import_free it, also after -1). */
struct api_import {
	const char		*plan;
	char			*source;	/* "import:<plan>" */
	bool			 dry_run;
	bool			 create_offices;
	struct task_rec		*recs;
	char			**keys;
	const char		***assist;
	const char		***responsible;
	size_t			 n;
	const struct api_input	*known;
	struct api_unknown	 unknown;
};
/* im zeroed by the caller. */
int api_import_input(const struct api_input *, json_t *body,
    struct api_import *im, struct api_failure *);
void api_import_free(struct api_import *);

/* POST /v1/cases into rec (strings borrowed) and *opened_at. */
int api_case_input(const struct api_input *, json_t *body,
    struct case_rec *rec, int64_t *opened_at, struct api_failure *);
/*
 * POST /v1/cases/REF/extend|pause|resume|close into ev (kind given;
 * milestone borrowed) and *note (NULL: none).  Whether the event may
 * follow the case's events is checked against the store later.
 */
int api_case_event_input(const struct api_input *, json_t *body,
    enum tl_event_kind kind, struct tl_event *ev, const char **note,
    struct api_failure *);

/* Tasks (api_tasks.c), also for the report. */
/* The task's calendar, or the config's default one; NULL when none. */
const struct calendar *api_task_calendar(const struct config *,
    const struct task_row *);
/* The task's deadline: the end of its due day; 0 without a due date. */
int64_t api_task_deadline(const struct config *, const struct task_row *);

#endif
