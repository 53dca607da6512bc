/*
 * dubanctl's HTTP client: one request to duband over its unix socket
 * (libcurl), JSON via jansson (see ctl_http.h).
 *
 * Decisions:
 *  - The socket is -s SOCKET; else the config's `socket`.  A config named
 *    with -c must load (else exit 78); the default config may be missing
 *    or unreadable (a user in group duban need not read the secrets it
 *    names): then, with a warning when the file exists, the built-in
 *    RUNSTATEDIR/duban/duban.sock is tried.
 *  - A daemon that cannot be reached is exit 69 with a message naming the
 *    socket and how to start duband.  A socket we may not open (EACCES) is
 *    77, with a hint at its group, since starting duband would not help.
 *  - HTTP errors: 400, 404, 409, 413 and 422 are bad data (65), 401 and
 *    403 no permission (77), 503 (store busy) and 507 (disk full) a
 *    temporary failure worth retrying (75), anything else (5xx, 405, a
 *    reply that is not JSON) an internal error (70).
 *  - A request may take at most two minutes (an import of a large plan
 *    runs in one transaction); no answer by then is exit 69.
 */
#include "ctl_http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "dubanctl.h"
#include "errors.h"

#define DEFAULT_SOCKET		RUNSTATEDIR "/duban/duban.sock"
#define REQUEST_TIMEOUT		120L	/* seconds */
#define CONNECT_TIMEOUT		10L

struct reply_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	bool	 oom;
};

/*
 * The socket of the default config.  Its errors are not printed: the
 * file may name secrets this user cannot read, which does not matter here.
 */
static const char *
socket_from_default_config(struct ctl *ctl)
{
	struct errors errs;

	if (access(ctl->config_path, F_OK) == -1)
		return DEFAULT_SOCKET;
	errors_init(&errs);
	ctl->config = config_load(ctl->config_path, &errs);
	if (ctl->config == NULL) {
		fprintf(stderr, "dubanctl: warning: %s does not load (%zu "
		    "error%s; see dubanctl check-config); trying %s\n",
		    ctl->config_path, errs.n, errs.n == 1 ? "" : "s",
		    DEFAULT_SOCKET);
		errors_free(&errs);
		return DEFAULT_SOCKET;
	}
	errors_free(&errs);
	return ctl->config->socket;
}

/* Sets ctl->socket_path; 0 or an exit code. */
static int
resolve_socket(struct ctl *ctl)
{
	int rc;

	if (ctl->socket_path != NULL)
		return 0;
	if (ctl->config != NULL)
		ctl->socket_path = ctl->config->socket;
	else if (ctl->config_given) {
		if ((rc = ctl_config(ctl)) != 0)
			return rc;
		ctl->socket_path = ctl->config->socket;
	} else
		ctl->socket_path = socket_from_default_config(ctl);
	return 0;
}

static size_t
collect(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct reply_buf *b = arg;
	size_t n = size * nmemb;

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 4096 : b->cap;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->data, cap)) == NULL) {
			b->oom = true;
			return 0;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

int
ctl_api_status_exit(long status)
{
	if (status >= 200 && status < 300)
		return 0;
	switch (status) {
	case 400:
	case 404:
	case 409:
	case 413:
	case 422:
		return EX_DATAERR;
	case 401:
	case 403:
		return EX_NOPERM;
	case 503:
	case 507:
		return EX_TEMPFAIL;
	default:
		return EX_SOFTWARE;
	}
}

int
ctl_api_error(const json_t *reply, long status)
{
	const char *error = json_string_value(json_object_get(reply, "error"));
	const char *field = json_string_value(json_object_get(reply, "field"));
	const json_t *errors = json_object_get(reply, "errors");
	const json_t *e;
	size_t i;

	if (error == NULL)
		fprintf(stderr, "dubanctl: duband answered HTTP %ld\n",
		    status);
	else if (field != NULL)
		fprintf(stderr, "dubanctl: %s (field \"%s\")\n", error, field);
	else
		fprintf(stderr, "dubanctl: %s\n", error);
	json_array_foreach(errors, i, e)
		if (json_is_string(e))
			fprintf(stderr, "  %s\n", json_string_value(e));
	return ctl_api_status_exit(status);
}

/* Prints why the transfer failed; EX_UNAVAILABLE (EX_NOPERM for EACCES). */
static int
unreachable(struct ctl *ctl, CURL *h, CURLcode cc, const char *errbuf)
{
	const char *reason = errbuf[0] != '\0' ? errbuf :
	    curl_easy_strerror(cc);
	long oserr = 0;

	if (cc == CURLE_COULDNT_CONNECT) {
		/* curl's text names "localhost port 80"; errno says more. */
		if (curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr) ==
		    CURLE_OK && oserr != 0)
			reason = strerror((int)oserr);
		if (oserr == EACCES) {
			fprintf(stderr, "dubanctl: cannot use duband's "
			    "socket %s: %s (only its owner and group, "
			    "usually duban, may)\n", ctl->socket_path, reason);
			return EX_NOPERM;
		}
		fprintf(stderr, "dubanctl: cannot reach duband at %s: %s; "
		    "is it running? Start it with `systemctl start duband` "
		    "or `duband -c %s`\n", ctl->socket_path, reason,
		    ctl->config_path);
	} else
		fprintf(stderr, "dubanctl: no answer from duband at %s: %s\n",
		    ctl->socket_path, reason);
	return EX_UNAVAILABLE;
}

/* Sets up the handle; the body string and header list stay the caller's. */
static int
prepare(CURL *h, struct ctl *ctl, const char *method, const char *url,
    const char *body, struct curl_slist *hdrs, struct reply_buf *buf,
    char *errbuf)
{
	CURLcode cc = CURLE_OK;

#define SET(opt, val) \
	do { if (cc == CURLE_OK) cc = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_UNIX_SOCKET_PATH, ctl->socket_path);
	SET(CURLOPT_URL, url);
	SET(CURLOPT_CUSTOMREQUEST, method);
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_WRITEFUNCTION, collect);
	SET(CURLOPT_WRITEDATA, buf);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	SET(CURLOPT_TIMEOUT, ctl->timeout > 0 ? ctl->timeout :
	    REQUEST_TIMEOUT);
	SET(CURLOPT_PROTOCOLS_STR, "http");
	if (body != NULL) {
		SET(CURLOPT_POSTFIELDS, body);
		SET(CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else if (strcmp(method, "POST") == 0)
		SET(CURLOPT_POSTFIELDS, "");
#undef SET
	return cc == CURLE_OK ? 0 : -1;
}

/* Parses the reply body into *j (NULL when empty); -1 when not JSON. */
static int
parse_reply(const struct reply_buf *buf, json_t **j)
{
	json_error_t jerr;

	*j = NULL;
	if (buf->len == 0)
		return 0;
	if ((*j = json_loadb(buf->data, buf->len, 0, &jerr)) == NULL)
		return -1;
	return 0;
}

/* Runs the request; 0 with *status and the body in buf, or an exit code. */
static int
perform(struct ctl *ctl, const char *method, const char *path,
    const char *body, struct reply_buf *buf, long *status)
{
	char errbuf[CURL_ERROR_SIZE] = "", *url = NULL;
	struct curl_slist *hdrs = NULL, *h2;
	CURL *h;
	CURLcode cc;
	int rc = EX_OSERR;

	if ((h = curl_easy_init()) == NULL)
		return EX_OSERR;
	if (asprintf(&url, "http://localhost%s", path) == -1) {
		url = NULL;
		goto out;
	}
	if ((h2 = curl_slist_append(hdrs, "Accept: application/json")) == NULL)
		goto out;
	hdrs = h2;
	if (body != NULL) {
		if ((h2 = curl_slist_append(hdrs,
		    "Content-Type: application/json")) == NULL)
			goto out;
		hdrs = h2;
		/* No "Expect: 100-continue" wait before a large import. */
		if ((h2 = curl_slist_append(hdrs, "Expect:")) == NULL)
			goto out;
		hdrs = h2;
	}
	if (prepare(h, ctl, method, url, body, hdrs, buf, errbuf) == -1)
		goto out;
	if ((cc = curl_easy_perform(h)) != CURLE_OK) {
		rc = buf->oom ? EX_OSERR : unreachable(ctl, h, cc, errbuf);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	rc = 0;
out:
	if (rc == EX_OSERR)
		fprintf(stderr, "dubanctl: out of memory or libcurl failed\n");
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	free(url);
	return rc;
}

int
ctl_api(struct ctl *ctl, const char *method, const char *path, json_t *body,
    json_t **reply, long *status)
{
	struct reply_buf buf = { 0 };
	char *text = NULL;
	json_t *j = NULL;
	long st = 0;
	int rc;

	if (reply != NULL)
		*reply = NULL;
	if (status != NULL)
		*status = 0;
	if ((rc = resolve_socket(ctl)) != 0)
		return rc;
	if (body != NULL && (text = json_dumps(body, JSON_COMPACT)) == NULL) {
		fprintf(stderr, "dubanctl: out of memory\n");
		return EX_OSERR;
	}
	rc = perform(ctl, method, path, text, &buf, &st);
	free(text);
	if (rc != 0) {
		free(buf.data);
		return rc;
	}
	if (status != NULL)
		*status = st;
	if (parse_reply(&buf, &j) == -1) {
		fprintf(stderr, "dubanctl: %s %s: HTTP %ld, and the reply is "
		    "not JSON\n", method, path, st);
		free(buf.data);
		return st >= 200 && st < 300 ? EX_SOFTWARE :
		    ctl_api_status_exit(st);
	}
	free(buf.data);
	rc = ctl_api_status_exit(st);
	if (rc != 0)
		ctl_api_error(j, st);
	if (reply != NULL)
		*reply = j;
	else
		json_decref(j);
	return rc;
}

char *
ctl_api_escape(const char *s)
{
	char *e, *copy;

	/* Since libcurl 7.82 the handle argument is unused. */
	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return NULL;
	copy = strdup(e);
	curl_free(e);
	return copy;
}

int
ctl_path_query(char **path, const char *name, const char *value)
{
	char *esc, *p;
	int n;

	if (value == NULL)
		return 0;
	if ((esc = ctl_api_escape(value)) == NULL)
		return -1;
	n = asprintf(&p, "%s%c%s=%s", *path, strchr(*path, '?') != NULL ?
	    '&' : '?', name, esc);
	free(esc);
	if (n == -1)
		return -1;
	free(*path);
	*path = p;
	return 0;
}

int
ctl_print_json(const json_t *j)
{
	if (json_dumpf(j, stdout, JSON_INDENT(2)) == -1 ||
	    fputc('\n', stdout) == EOF) {
		fprintf(stderr, "dubanctl: cannot write the JSON\n");
		return EX_IOERR;
	}
	return 0;
}

const char *
ctl_json_text(const json_t *v, char *buf, size_t len)
{
	const json_t *e;
	size_t i, used = 0;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, len, "%g", json_real_value(v));
		return buf;
	case JSON_TRUE:
		return "yes";
	case JSON_FALSE:
		return "no";
	case JSON_ARRAY:
		buf[0] = '\0';
		json_array_foreach(v, i, e) {
			char sub[64];
			const char *t = ctl_json_text(e, sub, sizeof sub);
			int n = snprintf(buf + used, len - used, "%s%s",
			    i > 0 ? ", " : "", t != NULL ? t : "-");

			if (n < 0 || (size_t)n >= len - used)
				break;
			used += (size_t)n;
		}
		return used > 0 ? buf : NULL;
	default:
		/* null, missing, an object */
		return NULL;
	}
}

void
ctl_print_fields(const json_t *obj, const char *const *fields)
{
	char buf[1024];

	for (; *fields != NULL; fields++) {
		const json_t *v = json_object_get(obj, *fields);
		const char *t;

		if (v == NULL)
			continue;
		t = ctl_json_text(v, buf, sizeof buf);
		printf("%s: %s\n", *fields, t != NULL ? t : "-");
	}
}

void
ctl_json_set(json_t *o, const char *key, const char *value)
{
	if (value != NULL)
		json_object_set_new(o, key, json_string(value));
}
