/*
 * The HTTP API on the libevent loop (evhttp), JSON with jansson.  Listens on
 * the unix socket (config `socket`) and, when `listen` is set, on TCP.
 *
 *   GET  /healthz
 *   POST /v1/cases                      {"ref","rule","office","title","opened_at"?}
 *   GET  /v1/cases/REF
 *   POST /v1/cases/REF/extend|pause|resume|close   {"at"?, "milestone"?, "note"?}
 *   GET  /v1/reminders?state=&office=&case=&from=&to=&limit=
 *   GET  /v1/ack/TOKEN                  (also POST)
 *   POST /v1/reload
 *
 * doc/api.md describes each; the route table is at the top of api.c.
 */
#ifndef DUBAN_API_H
#define DUBAN_API_H

#include <stddef.h>

struct api;
struct duban;

struct api *api_new(struct duban *, char *err, size_t errlen);
void api_free(struct api *);

#endif
