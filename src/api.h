/*
 * The HTTP API on the libevent loop (evhttp), JSON with jansson.  Listens on
 * the unix socket (config `socket`) and, when `listen` is set, on TCP.
 *
 *   GET  /healthz, GET /metrics
 *   GET  /v1/offices
 *   GET  /v1/tasks?state=&office=&source=&limit=    POST /v1/tasks
 *   GET  /v1/tasks/KEY          POST /v1/tasks/KEY/done|reopen
 *   POST /v1/import             (a whole plan, one transaction)
 *   GET  /v1/cases?state=&office=&limit=            POST /v1/cases
 *   GET  /v1/cases/REF
 *   POST /v1/cases/REF/extend|pause|resume|close   {"at"?, "milestone"?, "note"?}
 *   GET  /v1/reminders?state=&office=&case=&from=&to=&limit=
 *   GET  /v1/ack/TOKEN          (also POST)
 *   GET  /v1/report?from=&to=&office=
 *   POST /v1/reload
 *
 * doc/api.md describes each; the route tables are in api.c (server),
 * api_cases.c, api_tasks.c and api_report.c.
 */
#ifndef DUBAN_API_H
#define DUBAN_API_H

#include <stddef.h>

struct api;
struct duban;

struct api *api_new(struct duban *, char *err, size_t errlen);
void api_free(struct api *);

#endif
