/*
 * dubanctl's side of the HTTP API: one request to duband over its unix
 * socket (libcurl, CURLOPT_UNIX_SOCKET_PATH), JSON in and out (jansson).
 *
 * The socket is -s SOCKET, else the `socket` of the config (-c, default
 * SYSCONFDIR/duban/duban.conf) when it loads, else
 * RUNSTATEDIR/duban/duban.sock.
 */
#ifndef DUBAN_CTL_HTTP_H
#define DUBAN_CTL_HTTP_H

#include <stdbool.h>

#include <jansson.h>

struct ctl;

/*
 * Sends METHOD PATH (e.g. "/v1/tasks?state=open"; the caller escapes
 * path segments and query values: ctl_api_escape, ctl_path_query) with
 * body as JSON (NULL: none).
 *
 * Returns 0 on a 2xx answer, with *reply the parsed JSON body (the caller
 * json_decref()s it; NULL when the body is empty).
 * Otherwise prints why to stderr and returns the exit code:
 *   EX_UNAVAILABLE (69)	duband cannot be reached (the message names the
 *			socket and how to start duband)
 *   EX_DATAERR (65)	400, 404, 409, 413, 422: the API's error and field
 *   EX_NOPERM (77)	401, 403; the socket's mode refuses us (EACCES)
 *   EX_SOFTWARE (70)	5xx, any other status, a reply that is not JSON
 *   EX_CONFIG (78)	-c CONF named explicitly does not load
 *   EX_OSERR (71)	out of memory, curl could not be set up
 * On an HTTP error *reply still holds the error object when there is one
 * (422 of /v1/import lists the unknown "offices"), for the caller to say
 * more; the caller decrefs it.  reply and status may be NULL.
 */
int ctl_api(struct ctl *, const char *method, const char *path,
    json_t *body, json_t **reply, long *status);

/*
 * Prints an API error uniformly: "dubanctl: ERROR (field FIELD)" plus
 * each line of an "errors" array; falls back to "HTTP STATUS" when reply
 * is not an error object.  Returns the exit code for status (see above).
 */
int ctl_api_error(const json_t *reply, long status);
/* The exit code for an HTTP status (0 for 2xx). */
int ctl_api_status_exit(long status);

/* A malloc'ed copy of s percent-encoded for a path segment or query value. */
char *ctl_api_escape(const char *s);
/*
 * Appends "?NAME=VALUE", or "&NAME=VALUE" when *path has a query, to the
 * malloc'ed *path, VALUE percent-encoded; nothing when value is NULL.
 * Returns 0, or -1 when out of memory (*path unchanged).
 */
int ctl_path_query(char **path, const char *name, const char *value);

/*
 * Prints JSON to stdout as --json does: indented, UTF-8 unescaped, keys
 * in the API's order, and a final newline.  Returns 0 or EX_IOERR.
 */
int ctl_print_json(const json_t *);

/* Sets o's key to the string value, unless value is NULL. */
void ctl_json_set(json_t *o, const char *key, const char *value);

/*
 * A JSON value as text for human output: a string as it is, numbers,
 * true/false as yes/no, an array's values joined with ", " (cut to fit
 * buf).  NULL for null, a missing value, an empty array or an object.
 */
const char *ctl_json_text(const json_t *, char *buf, size_t len);
/*
 * Prints "FIELD: VALUE" for each of the NULL-terminated fields that obj
 * has, "-" for null.
 */
void ctl_print_fields(const json_t *obj, const char *const *fields);

#endif
