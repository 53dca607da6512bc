/*
 * The dispatcher on a real event loop against a real HTTP server: an evhttp
 * server on 127.0.0.1 (port 0) in the same event_base answers as each test
 * programs it, and the reminders live in a temporary SQLite store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <sqlite3.h>

#include "channel.h"
#include "config.h"
#include "dispatch.h"
#include "duband.h"
#include "message.h"
#include "reminder.h"
#include "store.h"

#define MAXREQ		128
#define MAXHELD		16
#define RETRY_BASE	30
#define MAX_AGE		86400
#define SECRET_KEY	"SECRETKEY693"

/* What the server saw of one request. */
struct seen {
	char	*uri;
	char	*body;
	char	*idem;		/* Idempotency-Key */
	char	*ctype;		/* Content-Type */
	int	 post;
};

struct fix {
	char			 dir[64];
	char			 db[128];
	char			 outfile[128];
	struct store		*st;
	struct event_base	*base;
	struct evhttp		*http;
	int			 port;
	int			 closed_port;	/* nobody listens there */
	struct config		*cf;
	struct duban		 d;
	struct dispatch		*dp;
	char			*logbuf;
	size_t			 loglen;

	/* The server. */
	struct seen		 seen[MAXREQ];
	size_t			 nseen;
	long			 wecom_errcode;
	const char		*body500;	/* what /500 answers */
	struct evhttp_request	*held[MAXHELD];
	size_t			 nheld;
	size_t			 max_held;
	size_t			 max_inflight_seen;
	struct event		*release;
	long			 queued_at_60;	/* -1: not yet */

	/* run_until */
	struct event		*tick;
	struct event		*deadline;
	bool			 (*cond)(struct fix *);
	bool			 timed_out;
};

/* Configs: every string strdup'd, so a config can be freed on its own. */

struct chan_spec {
	const char		*name;
	enum channel_type	 type;
	const char		*path;		/* NULL: the closed port */
	int			 timeout;
};

static const struct chan_spec chan_specs[] = {
	{ "hook", CHANNEL_WEBHOOK, "/ok", 10 },
	{ "hook500", CHANNEL_WEBHOOK, "/500", 10 },
	{ "big", CHANNEL_WEBHOOK, "/big", 10 },
	{ "hook429", CHANNEL_WEBHOOK, "/429", 10 },
	{ "hook404", CHANNEL_WEBHOOK, "/404", 10 },
	{ "wecom", CHANNEL_WECOM, "/wecom?key=" SECRET_KEY, 10 },
	{ "hang", CHANNEL_WEBHOOK, "/hang", 1 },
	{ "hold", CHANNEL_WEBHOOK, "/hold", 10 },
	{ "limited", CHANNEL_WEBHOOK, "/ok/limited", 10 },
	{ "refused", CHANNEL_WEBHOOK, NULL, 10 },
	{ "sup-a", CHANNEL_WEBHOOK, "/ok/sup-a", 10 },
	{ "sup-b", CHANNEL_WECOM, "/ok/sup-b", 10 },
	{ "local", CHANNEL_STDOUT, NULL, 10 },
};

#define NCHANS (sizeof chan_specs / sizeof chan_specs[0])
#define OFFICE "综合处"
#define SUPERVISOR "局办公室"
#define LONELY "器审中心"	/* no supervisor */

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

static char **
strv(size_t n, ...)
{
	char **v = calloc(n, sizeof *v);
	va_list ap;

	assert_non_null(v);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		v[i] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	return v;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * The test config; hook_path replaces the path of channel "hook", and
 * hook_secret (a file) is given to it when not NULL.
 */
static struct config *
conf_new(const struct fix *f, const char *hook_path, const char *hook_secret)
{
	struct config *cf = calloc(1, sizeof *cf);
	struct channel_conf *cc;
	char url[256];

	assert_non_null(cf);
	cf->max_inflight = 16;
	cf->retry_base = RETRY_BASE;
	cf->retry_max_age = MAX_AGE;
	cf->nchannels = NCHANS;
	assert_non_null(cf->channels = calloc(NCHANS, sizeof *cf->channels));
	for (size_t i = 0; i < NCHANS; i++) {
		const struct chan_spec *cs = &chan_specs[i];
		const char *path = cs->path;

		cc = &cf->channels[i];
		cc->name = xstrdup(cs->name);
		cc->type = cs->type;
		cc->connect_timeout = 5;
		cc->timeout = cs->timeout;
		if (strcmp(cs->name, "hook") == 0) {
			path = hook_path;
			if (hook_secret != NULL)
				cc->secret_file = xstrdup(hook_secret);
		}
		if (cs->type == CHANNEL_STDOUT)
			cc->file = xstrdup(f->outfile);
		else if (path == NULL) {
			snprintf(url, sizeof url, "http://127.0.0.1:%d/",
			    f->closed_port);
			cc->url = xstrdup(url);
		} else {
			snprintf(url, sizeof url, "http://127.0.0.1:%d%s",
			    f->port, path);
			cc->url = xstrdup(url);
		}
		if (strcmp(cs->name, "limited") == 0)
			cc->rate_per_minute = 60;
	}
	cf->noffices = 3;
	assert_non_null(cf->offices = calloc(3, sizeof *cf->offices));
	cf->offices[0].name = xstrdup(OFFICE);
	cf->offices[0].channels = strv(1, "hook");
	cf->offices[0].nchannels = 1;
	cf->offices[0].supervisor = xstrdup(SUPERVISOR);
	cf->offices[1].name = xstrdup(SUPERVISOR);
	cf->offices[1].channels = strv(2, "sup-a", "sup-b");
	cf->offices[1].nchannels = 2;
	cf->offices[2].name = xstrdup(LONELY);
	cf->offices[2].channels = strv(1, "hook");
	cf->offices[2].nchannels = 1;
	return cf;
}

static void
conf_free(struct config *cf)
{
	for (size_t i = 0; i < cf->nchannels; i++) {
		free(cf->channels[i].name);
		free(cf->channels[i].url);
		free(cf->channels[i].file);
		free(cf->channels[i].secret_file);
	}
	free(cf->channels);
	for (size_t i = 0; i < cf->noffices; i++) {
		free(cf->offices[i].name);
		free(cf->offices[i].supervisor);
		strv_free(cf->offices[i].channels, cf->offices[i].nchannels);
	}
	free(cf->offices);
	free(cf);
}

/* The server. */

static void
reply(struct evhttp_request *req, int code, const char *body)
{
	struct evbuffer *b = evbuffer_new();

	assert_non_null(b);
	evbuffer_add_printf(b, "%s", body);
	evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", b);
	evbuffer_free(b);
}

/* 100 KiB, more than the dispatcher keeps. */
static void
reply_big(struct evhttp_request *req)
{
	struct evbuffer *b = evbuffer_new();
	char chunk[1024];

	assert_non_null(b);
	memset(chunk, 'x', sizeof chunk);
	for (int i = 0; i < 100; i++)
		evbuffer_add(b, chunk, sizeof chunk);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
release_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fix *f = arg;

	(void)fd;
	(void)what;
	for (size_t i = 0; i < f->nheld; i++)
		reply(f->held[i], 200, "{}");
	f->nheld = 0;
}

static void
record(struct fix *f, struct evhttp_request *req)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct seen *s = &f->seen[f->nseen++];
	const char *v;
	size_t len = evbuffer_get_length(in);

	assert_true(f->nseen <= MAXREQ);
	s->uri = xstrdup(evhttp_request_get_uri(req));
	assert_non_null(s->body = malloc(len + 1));
	evbuffer_copyout(in, s->body, len);
	s->body[len] = '\0';
	s->idem = (v = evhttp_find_header(h, "Idempotency-Key")) != NULL ?
	    xstrdup(v) : NULL;
	s->ctype = (v = evhttp_find_header(h, "Content-Type")) != NULL ?
	    xstrdup(v) : NULL;
	s->post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
}

static void
serve(struct evhttp_request *req, void *arg)
{
	struct fix *f = arg;
	const char *uri = evhttp_request_get_uri(req);
	char body[128];
	struct timeval tv = { 0, 300 * 1000 };

	record(f, req);
	if (dispatch_inflight(f->dp) > f->max_inflight_seen)
		f->max_inflight_seen = dispatch_inflight(f->dp);
	if (f->nseen == 60)
		f->queued_at_60 = (long)dispatch_queued(f->dp);
	if (strncmp(uri, "/ok", 3) == 0)
		reply(req, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
	else if (strcmp(uri, "/500") == 0)
		reply(req, 500, f->body500);
	else if (strcmp(uri, "/big") == 0)
		reply_big(req);
	else if (strcmp(uri, "/429") == 0)
		reply(req, 429, "slow down");
	else if (strcmp(uri, "/404") == 0)
		reply(req, 404, "no such hook");
	else if (strncmp(uri, "/wecom", 6) == 0) {
		snprintf(body, sizeof body, "{\"errcode\":%ld,\"errmsg\":"
		    "\"api freq out of limit\"}", f->wecom_errcode);
		reply(req, 200, body);
	} else if (strcmp(uri, "/hold") == 0) {
		/* Answered together 300 ms after the first arrives. */
		assert_true(f->nheld < MAXHELD);
		f->held[f->nheld++] = req;
		if (f->nheld > f->max_held)
			f->max_held = f->nheld;
		if (!evtimer_pending(f->release, NULL))
			evtimer_add(f->release, &tv);
	} else if (strcmp(uri, "/hang") != 0)
		reply(req, 400, "unexpected");
	/* /hang: never answered; evhttp frees it when the client gives up. */
}

/* A port nothing listens on: bound, then closed. */
static int
closed_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd, port;

	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static int
setup(void **state)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	struct fix *f;
	char err[256];
	FILE *logf;

	assert_non_null(f = calloc(1, sizeof *f));
	snprintf(f->dir, sizeof f->dir, "/tmp/test_dispatch.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "%s/duban.db", f->dir);
	snprintf(f->outfile, sizeof f->outfile, "%s/out.txt", f->dir);
	if (store_sqlite_ops.open(&f->st, f->db, err, sizeof err) == -1)
		fail_msg("store: %s", err);
	assert_non_null(f->base = event_base_new());
	assert_non_null(f->http = evhttp_new(f->base));
	evhttp_set_gencb(f->http, serve, f);
	assert_non_null(bs = evhttp_bind_socket_with_handle(f->http,
	    "127.0.0.1", 0));
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &len), 0);
	f->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	f->closed_port = closed_port();
	assert_non_null(f->release = evtimer_new(f->base, release_cb, f));
	f->queued_at_60 = -1;
	f->wecom_errcode = 0;
	f->body500 = "internal trouble";

	f->cf = conf_new(f, "/ok", NULL);
	log_init(&f->d.log, LOGL_DEBUG);
	assert_non_null(logf = open_memstream(&f->logbuf, &f->loglen));
	f->d.log.out = logf;
	f->d.log.journal = false;
	clock_init(&f->d.clock);
	f->d.base = f->base;
	f->d.config = f->cf;
	f->d.store = f->st;
	f->d.schedule = NULL;
	if ((f->dp = dispatch_new(&f->d, err, sizeof err)) == NULL)
		fail_msg("dispatch_new: %s", err);
	f->d.dispatch = f->dp;
	*state = f;
	return 0;
}

static void
remove_suffixed(const char *path, const char *suffix)
{
	char p[256];

	snprintf(p, sizeof p, "%s%s", path, suffix);
	unlink(p);
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	dispatch_free(f->dp);
	for (size_t i = 0; i < f->nheld; i++)
		reply(f->held[i], 200, "{}");
	event_free(f->release);
	evhttp_free(f->http);
	event_base_free(f->base);
	store_sqlite_ops.close(f->st);
	conf_free(f->cf);
	fclose(f->d.log.out);
	free(f->logbuf);
	for (size_t i = 0; i < f->nseen; i++) {
		free(f->seen[i].uri);
		free(f->seen[i].body);
		free(f->seen[i].idem);
		free(f->seen[i].ctype);
	}
	unlink(f->outfile);
	remove_suffixed(f->db, "-wal");
	remove_suffixed(f->db, "-shm");
	unlink(f->db);
	assert_int_equal(rmdir(f->dir), 0);
	free(f);
	return 0;
}

/* Running the loop. */

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fix *f = arg;

	(void)fd;
	(void)what;
	if (f->cond(f))
		event_base_loopbreak(f->base);
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fix *f = arg;

	(void)fd;
	(void)what;
	f->timed_out = true;
	event_base_loopbreak(f->base);
}

static void
run_until(struct fix *f, bool (*cond)(struct fix *), int secs)
{
	struct timeval every = { 0, 5 * 1000 }, limit = { secs, 0 };

	f->cond = cond;
	f->timed_out = false;
	assert_non_null(f->tick = event_new(f->base, -1, EV_PERSIST, tick_cb,
	    f));
	assert_non_null(f->deadline = evtimer_new(f->base, deadline_cb, f));
	evtimer_add(f->tick, &every);
	evtimer_add(f->deadline, &limit);
	if (!cond(f))
		event_base_loop(f->base, 0);
	event_free(f->tick);
	event_free(f->deadline);
	assert_false(f->timed_out);
}

static bool
idle(struct fix *f)
{
	return dispatch_inflight(f->dp) == 0 && dispatch_queued(f->dp) == 0;
}

static bool
all_65_arrived(struct fix *f)
{
	return f->nseen >= 65;
}

static bool
one_arrived(struct fix *f)
{
	return f->nseen >= 1;
}

/* Rows and messages. */

static int64_t
now(struct fix *f)
{
	return clock_now(&f->d.clock);
}

/* Adds a pending row for (item_id, office, channel, kind), due at due_at. */
static int64_t
add_row(struct fix *f, int64_t item_id, const char *office,
    const char *channel, enum reminder_kind kind, int64_t due_at)
{
	struct reminder_plan p;
	int64_t id;

	memset(&p, 0, sizeof p);
	p.office = office;
	p.channel = channel;
	p.kind = kind;
	p.due_at = due_at;
	p.deadline_at = due_at + 86400;
	assert_int_equal(f->st->ops->reminder_add(f->st, ITEM_TASK, item_id,
	    &p, 0, now(f), &id), 0);
	return id;
}

/* Claims every row due by until: they become sending. */
static struct reminder *
claim(struct fix *f, int64_t until, size_t want)
{
	struct reminder *rows;
	size_t n;

	assert_int_equal(f->st->ops->reminders_claim(f->st, until, 1000,
	    now(f), &rows, &n), 0);
	assert_int_equal(n, want);
	return rows;
}

static struct message *
message_new(const struct reminder *row)
{
	struct message *m = calloc(1, sizeof *m);
	char marker[64];

	assert_non_null(m);
	snprintf(marker, sizeof marker, "marker-%lld", (long long)row->id);
	m->id = row->id;
	m->kind = xstrdup("due");
	m->office = xstrdup(row->office);
	m->subject = xstrdup("督办提醒：今日到期");
	m->text = xstrdup("今日到期");
	m->markdown = xstrdup("**今日到期**");
	m->html = xstrdup("<p>今日到期</p>");
	assert_non_null(m->data = json_pack("{s:I, s:s, s:s}", "id",
	    (json_int_t)row->id, "office", row->office, "marker", marker));
	return m;
}

/* Claims the one row id (due now) and submits it alone. */
static void
submit_one(struct fix *f)
{
	struct reminder *rows = claim(f, now(f), 1);

	dispatch_submit(f->dp, rows, 1, message_new(&rows[0]));
}

static struct reminder *
get_row(struct fix *f, int64_t id)
{
	struct reminder *r = NULL;

	assert_int_equal(f->st->ops->reminder_get(f->st, id, &r), 0);
	assert_non_null(r);
	return r;
}

static void
assert_state(struct fix *f, int64_t id, enum reminder_state want)
{
	struct reminder *r = get_row(f, id);

	assert_string_equal(reminder_state_str(r->state),
	    reminder_state_str(want));
	reminders_free(r, 1);
}

/* The attempts of a reminder, read straight from the database. */
struct attempt_row {
	char	result[16];
	long	status;
	int64_t	started_at;
	int64_t	duration_ms;
	char	excerpt[512];
};

static size_t
attempts_of(struct fix *f, int64_t id, struct attempt_row *out, size_t max)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	const unsigned char *s;
	size_t n = 0;

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT result, status, "
	    "started_at, duration_ms, excerpt FROM attempts WHERE "
	    "reminder_id = ? ORDER BY id", -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW && n < max) {
		memset(&out[n], 0, sizeof out[n]);
		snprintf(out[n].result, sizeof out[n].result, "%s",
		    (const char *)sqlite3_column_text(q, 0));
		out[n].status = (long)sqlite3_column_int64(q, 1);
		out[n].started_at = sqlite3_column_int64(q, 2);
		out[n].duration_ms = sqlite3_column_int64(q, 3);
		if ((s = sqlite3_column_text(q, 4)) != NULL)
			snprintf(out[n].excerpt, sizeof out[n].excerpt, "%s",
			    (const char *)s);
		n++;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* Rows in state pending (failure notices in these tests). */
static struct reminder *
pending_rows(struct fix *f, size_t *n)
{
	struct reminder_filter flt;
	struct reminder *rows;

	memset(&flt, 0, sizeof flt);
	flt.state = RS_PENDING;
	assert_int_equal(f->st->ops->reminders(f->st, &flt, &rows, n), 0);
	return rows;
}

static const char *
logtext(struct fix *f)
{
	fflush(f->d.log.out);
	return f->logbuf;
}

/* The tests. */

static void
test_sent_webhook(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[4];
	int64_t id, t0, t1;
	char idem[32], marker[64];
	json_t *body;

	id = add_row(f, 1, OFFICE, "hook", RK_DUE, now(f) - 5);
	t0 = clock_now_ms(&f->d.clock);
	submit_one(f);
	assert_int_equal(dispatch_inflight(f->dp), 1);
	run_until(f, idle, 10);
	t1 = clock_now_ms(&f->d.clock);

	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0].uri, "/ok");
	assert_true(f->seen[0].post);
	snprintf(idem, sizeof idem, "%lld", (long long)id);
	assert_non_null(f->seen[0].idem);
	assert_string_equal(f->seen[0].idem, idem);
	assert_non_null(f->seen[0].ctype);
	assert_non_null(strstr(f->seen[0].ctype, "application/json"));
	assert_non_null(body = json_loads(f->seen[0].body, 0, NULL));
	snprintf(marker, sizeof marker, "marker-%lld", (long long)id);
	assert_string_equal(json_string_value(json_object_get(body, "marker")),
	    marker);
	json_decref(body);

	assert_state(f, id, RS_SENT);
	assert_int_equal(attempts_of(f, id, a, 4), 1);
	assert_string_equal(a[0].result, "sent");
	assert_int_equal(a[0].status, 200);
	assert_true(a[0].started_at >= t0 && a[0].started_at <= t1);
	assert_true(a[0].duration_ms >= 0 &&
	    a[0].duration_ms <= t1 - a[0].started_at);
	assert_non_null(strstr(a[0].excerpt, "errcode"));
	assert_non_null(strstr(logtext(f), "sent to " OFFICE));
}

static void
test_digest(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[4];
	struct reminder *rows;
	int64_t ids[3];

	for (int i = 0; i < 3; i++)
		ids[i] = add_row(f, 10 + i, OFFICE, "hook", RK_DUE, now(f) - 1);
	rows = claim(f, now(f), 3);
	dispatch_submit(f->dp, rows, 3, message_new(&rows[0]));
	run_until(f, idle, 10);

	assert_int_equal(f->nseen, 1);
	for (int i = 0; i < 3; i++) {
		assert_state(f, ids[i], RS_SENT);
		assert_int_equal(attempts_of(f, ids[i], a, 4), 1);
		assert_string_equal(a[0].result, "sent");
	}
}

/* next_at of a retried row lies within the jittered backoff. */
static void
assert_retry_within(struct fix *f, int64_t id, int attempts, int64_t t0,
    int64_t t1)
{
	struct reminder *r = get_row(f, id);
	int64_t backoff = (int64_t)RETRY_BASE << (attempts - 1);

	assert_string_equal(reminder_state_str(r->state), "retry");
	assert_int_equal(r->attempts, attempts);
	assert_true(r->next_at >= t0 + backoff * 8 / 10);
	assert_true(r->next_at <= t1 + backoff * 12 / 10 + 1);
	reminders_free(r, 1);
}

static void
test_retry_500_backoff(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[4];
	struct reminder *r;
	int64_t id, t0;

	id = add_row(f, 1, OFFICE, "hook500", RK_DUE, now(f));
	t0 = now(f);
	submit_one(f);
	run_until(f, idle, 10);
	assert_retry_within(f, id, 1, t0, now(f));
	assert_int_equal(attempts_of(f, id, a, 4), 1);
	assert_string_equal(a[0].result, "retry");
	assert_int_equal(a[0].status, 500);
	assert_non_null(strstr(a[0].excerpt, "internal trouble"));

	/* The second attempt waits twice as long. */
	r = get_row(f, id);
	t0 = now(f);
	{
		struct reminder *rows = claim(f, r->next_at, 1);

		dispatch_submit(f->dp, rows, 1, message_new(&rows[0]));
	}
	reminders_free(r, 1);
	run_until(f, idle, 10);
	assert_retry_within(f, id, 2, t0, now(f));
	assert_int_equal(attempts_of(f, id, a, 4), 2);
	assert_string_equal(a[1].result, "retry");
	assert_int_equal(f->nseen, 2);
	/* No failure notice for a retry. */
	{
		size_t n;

		free(pending_rows(f, &n));
		assert_int_equal(n, 0);
	}
}

static void
test_retry_429(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[2];
	int64_t id, t0;

	id = add_row(f, 1, OFFICE, "hook429", RK_DUE, now(f));
	t0 = now(f);
	submit_one(f);
	run_until(f, idle, 10);
	assert_retry_within(f, id, 1, t0, now(f));
	assert_int_equal(attempts_of(f, id, a, 2), 1);
	assert_int_equal(a[0].status, 429);
}

/* The excerpt keeps 500 bytes and no half character. */
static void
test_excerpt_cut(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[2];
	char body[1024] = "";
	int64_t id;

	for (int i = 0; i < 300; i++)
		strcat(body, "错");
	f->body500 = body;
	id = add_row(f, 1, OFFICE, "hook500", RK_DUE, now(f));
	submit_one(f);
	run_until(f, idle, 10);
	assert_int_equal(attempts_of(f, id, a, 2), 1);
	/* "HTTP 500: " and 163 whole characters of 3 bytes. */
	assert_int_equal(strlen(a[0].excerpt), 10 + 163 * 3);
	assert_int_equal(strncmp(a[0].excerpt, "HTTP 500: 错错", 16), 0);
}

/* A large answer is cut in memory, not treated as an error. */
static void
test_big_response(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[2];
	int64_t id;

	id = add_row(f, 1, OFFICE, "big", RK_DUE, now(f));
	submit_one(f);
	run_until(f, idle, 10);
	assert_state(f, id, RS_SENT);
	assert_int_equal(attempts_of(f, id, a, 2), 1);
	assert_true(strlen(a[0].excerpt) <= 500);
	assert_non_null(strstr(a[0].excerpt, "xxxx"));
}

static void
test_fail_notifies_supervisor(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[2];
	struct reminder *rows;
	int64_t id, t0, t1;
	size_t n;
	bool seen_a = false, seen_b = false;
	const char *log;

	id = add_row(f, 7, OFFICE, "hook404", RK_OVERDUE, now(f) - 60);
	t0 = now(f);
	submit_one(f);
	run_until(f, idle, 10);
	t1 = now(f);
	assert_state(f, id, RS_FAILED);
	assert_int_equal(attempts_of(f, id, a, 2), 1);
	assert_string_equal(a[0].result, "failed");
	assert_int_equal(a[0].status, 404);

	rows = pending_rows(f, &n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rows[i].kind, RK_FAILURE);
		assert_string_equal(rows[i].office, SUPERVISOR);
		assert_int_equal(rows[i].about, id);
		assert_int_equal(rows[i].item_type, ITEM_TASK);
		assert_int_equal(rows[i].item_id, 7);
		assert_true(rows[i].due_at >= t0 && rows[i].due_at <= t1);
		if (strcmp(rows[i].channel, "sup-a") == 0)
			seen_a = true;
		if (strcmp(rows[i].channel, "sup-b") == 0)
			seen_b = true;
	}
	assert_true(seen_a && seen_b);
	reminders_free(rows, n);

	/* Logged once, by channel name, never by URL. */
	log = logtext(f);
	assert_non_null(strstr(log, "channel hook404"));
	assert_non_null(strstr(log, OFFICE));
	assert_non_null(strstr(log, "task 7"));
	assert_null(strstr(log, "http://"));
	assert_null(strstr(strstr(log, "failed after") + 1, "failed after"));
}

static void
test_wecom_errcode(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[2];
	int64_t id1, id2;

	/* 45009 (too many messages) is retried... */
	f->wecom_errcode = 45009;
	id1 = add_row(f, 1, OFFICE, "wecom", RK_DUE, now(f));
	submit_one(f);
	run_until(f, idle, 10);
	assert_state(f, id1, RS_RETRY);
	assert_int_equal(attempts_of(f, id1, a, 2), 1);
	assert_int_equal(a[0].status, 200);
	assert_non_null(strstr(a[0].excerpt, "45009"));

	/* ...another errcode in a 200 fails. */
	f->wecom_errcode = 93000;
	id2 = add_row(f, 2, OFFICE, "wecom", RK_DUE, now(f));
	submit_one(f);
	run_until(f, idle, 10);
	assert_state(f, id2, RS_FAILED);
	assert_int_equal(attempts_of(f, id2, a, 2), 1);
	assert_non_null(strstr(a[0].excerpt, "93000"));

	assert_int_equal(f->nseen, 2);
	assert_non_null(strstr(f->seen[0].uri, SECRET_KEY));
	assert_null(strstr(logtext(f), SECRET_KEY));
}

static void
test_max_age_fails(void **state)
{
	struct fix *f = *state;
	struct reminder *rows;
	int64_t id;
	size_t n;

	id = add_row(f, 1, OFFICE, "hook500", RK_DUE, now(f) - MAX_AGE - 5);
	submit_one(f);
	run_until(f, idle, 10);
	assert_state(f, id, RS_FAILED);
	rows = pending_rows(f, &n);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].about, id);
	reminders_free(rows, n);
}

static void
test_no_notice_for_notice(void **state)
{
	struct fix *f = *state;
	int64_t id;
	size_t n;

	id = add_row(f, 1, OFFICE, "hook404", RK_FAILURE, now(f));
	submit_one(f);
	run_until(f, idle, 10);
	assert_state(f, id, RS_FAILED);
	free(pending_rows(f, &n));
	assert_int_equal(n, 0);
}

static void
test_no_supervisor(void **state)
{
	struct fix *f = *state;
	int64_t id;
	size_t n;

	id = add_row(f, 1, LONELY, "hook404", RK_DUE, now(f));
	submit_one(f);
	run_until(f, idle, 10);
	assert_state(f, id, RS_FAILED);
	free(pending_rows(f, &n));
	assert_int_equal(n, 0);
}

static void
test_timeout_retries(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[2];
	int64_t id;

	id = add_row(f, 1, OFFICE, "hang", RK_DUE, now(f));
	submit_one(f);
	run_until(f, idle, 15);
	assert_int_equal(f->nseen, 1);
	assert_state(f, id, RS_RETRY);
	assert_int_equal(attempts_of(f, id, a, 2), 1);
	assert_string_equal(a[0].result, "retry");
	assert_int_equal(a[0].status, 0);
	assert_true(a[0].duration_ms >= 900);
	assert_non_null(strstr(a[0].excerpt, "imed out"));
}

static void
test_refused_retries(void **state)
{
	struct fix *f = *state;
	int64_t id;

	id = add_row(f, 1, OFFICE, "refused", RK_DUE, now(f));
	submit_one(f);
	run_until(f, idle, 10);
	assert_int_equal(f->nseen, 0);
	assert_state(f, id, RS_RETRY);
}

static void
test_unknown_channel_fails(void **state)
{
	struct fix *f = *state;
	struct attempt_row a[2];
	int64_t id;

	id = add_row(f, 1, OFFICE, "gone", RK_DUE, now(f));
	submit_one(f);
	/* Finished before dispatch_submit returned. */
	assert_true(idle(f));
	assert_state(f, id, RS_FAILED);
	assert_int_equal(attempts_of(f, id, a, 2), 1);
	assert_non_null(strstr(a[0].excerpt, "gone"));
}

static void
test_local_channel(void **state)
{
	struct fix *f = *state;
	char buf[512];
	FILE *fp;
	size_t len;
	int64_t id;

	id = add_row(f, 1, OFFICE, "local", RK_DUE, now(f));
	submit_one(f);
	assert_true(idle(f));
	assert_state(f, id, RS_SENT);
	assert_non_null(fp = fopen(f->outfile, "r"));
	len = fread(buf, 1, sizeof buf - 1, fp);
	buf[len] = '\0';
	fclose(fp);
	assert_non_null(strstr(buf, "督办提醒：今日到期"));
}

static void
test_max_inflight(void **state)
{
	struct fix *f = *state;
	struct reminder *rows;
	int64_t ids[6];

	f->cf->max_inflight = 2;
	for (int i = 0; i < 6; i++)
		ids[i] = add_row(f, 20 + i, OFFICE, "hold", RK_DUE, now(f));
	rows = claim(f, now(f), 6);
	for (int i = 0; i < 6; i++) {
		struct reminder *one = calloc(1, sizeof *one);

		assert_non_null(one);
		*one = rows[i];	/* moves the strings */
		dispatch_submit(f->dp, one, 1, message_new(one));
		assert_int_equal(dispatch_has_room(f->dp), i < 1);
	}
	free(rows);
	assert_int_equal(dispatch_inflight(f->dp), 2);
	assert_int_equal(dispatch_queued(f->dp), 4);
	run_until(f, idle, 20);
	assert_int_equal(f->nseen, 6);
	assert_int_equal(f->max_held, 2);
	assert_true(f->max_inflight_seen <= 2);
	for (int i = 0; i < 6; i++)
		assert_state(f, ids[i], RS_SENT);
	assert_true(dispatch_has_room(f->dp));
}

static void
test_token_bucket(void **state)
{
	struct fix *f = *state;
	struct reminder *rows;
	int64_t ids[65];

	f->cf->max_inflight = 100;
	for (int i = 0; i < 65; i++)
		ids[i] = add_row(f, 100 + i, OFFICE, "limited", RK_DUE,
		    now(f));
	rows = claim(f, now(f), 65);
	for (int i = 0; i < 65; i++) {
		struct reminder *one = calloc(1, sizeof *one);

		assert_non_null(one);
		*one = rows[i];
		dispatch_submit(f->dp, one, 1, message_new(one));
	}
	free(rows);
	assert_int_equal(dispatch_inflight(f->dp), 60);
	assert_int_equal(dispatch_queued(f->dp), 5);
	run_until(f, all_65_arrived, 30);
	assert_int_equal(f->queued_at_60, 5);
	run_until(f, idle, 10);
	for (int i = 0; i < 65; i++)
		assert_state(f, ids[i], RS_SENT);
}

/*
 * Reload while one message is in flight on the old channels and another
 * waits: the first finishes on the old set, the second goes out on the new
 * "hook"; the old config is freed at once.  A reload whose channels do not
 * all open changes nothing.
 */
static void
test_reload(void **state)
{
	struct fix *f = *state;
	struct config *bad, *cf2;
	struct reminder *rows;
	int64_t id1, id2, id3;
	char err[256] = "";

	f->cf->max_inflight = 1;
	id1 = add_row(f, 1, OFFICE, "hold", RK_DUE, now(f));
	id2 = add_row(f, 2, OFFICE, "hook", RK_DUE, now(f));
	rows = claim(f, now(f), 2);
	{
		struct reminder *one = calloc(1, sizeof *one);

		assert_non_null(one);
		*one = rows[1];
		rows = realloc(rows, sizeof *rows);
		assert_non_null(rows);
		dispatch_submit(f->dp, rows, 1, message_new(&rows[0]));
		dispatch_submit(f->dp, one, 1, message_new(one));
	}
	assert_int_equal(dispatch_inflight(f->dp), 1);
	assert_int_equal(dispatch_queued(f->dp), 1);

	bad = conf_new(f, "/ok/bad", "/nonexistent/duban-secret");
	assert_int_equal(dispatch_reload(f->dp, bad, err, sizeof err), -1);
	assert_non_null(strstr(err, "hook"));
	conf_free(bad);

	cf2 = conf_new(f, "/ok/new", NULL);
	cf2->max_inflight = 1;
	assert_int_equal(dispatch_reload(f->dp, cf2, err, sizeof err), 0);
	conf_free(f->cf);
	f->cf = f->d.config = cf2;
	assert_int_equal(dispatch_queued(f->dp), 1);

	run_until(f, idle, 10);
	assert_int_equal(f->nseen, 2);
	assert_string_equal(f->seen[0].uri, "/hold");
	assert_string_equal(f->seen[1].uri, "/ok/new");
	assert_state(f, id1, RS_SENT);
	assert_state(f, id2, RS_SENT);

	/* New submissions use the new channels. */
	id3 = add_row(f, 3, OFFICE, "hook", RK_DUE, now(f));
	submit_one(f);
	run_until(f, idle, 10);
	assert_int_equal(f->nseen, 3);
	assert_string_equal(f->seen[2].uri, "/ok/new");
	assert_state(f, id3, RS_SENT);
}

/* Freed with transfers in flight and queued: their rows stay sending. */
static void
test_free_leaves_sending(void **state)
{
	struct fix *f = *state;
	struct reminder *rows;
	int64_t id1, id2;

	f->cf->max_inflight = 1;
	id1 = add_row(f, 1, OFFICE, "hang", RK_DUE, now(f));
	id2 = add_row(f, 2, OFFICE, "hang", RK_DUE, now(f) + 1);
	rows = claim(f, now(f) + 1, 2);
	{
		struct reminder *one = calloc(1, sizeof *one);

		assert_non_null(one);
		*one = rows[1];
		rows = realloc(rows, sizeof *rows);
		assert_non_null(rows);
		dispatch_submit(f->dp, rows, 1, message_new(&rows[0]));
		dispatch_submit(f->dp, one, 1, message_new(one));
	}
	/* Until the request is at the server. */
	run_until(f, one_arrived, 10);
	assert_int_equal(dispatch_inflight(f->dp), 1);
	assert_int_equal(dispatch_queued(f->dp), 1);
	dispatch_free(f->dp);
	f->dp = NULL;
	assert_state(f, id1, RS_SENDING);
	assert_state(f, id2, RS_SENDING);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sent_webhook, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_500_backoff, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retry_429, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_excerpt_cut, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_big_response, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fail_notifies_supervisor,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wecom_errcode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_max_age_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_notice_for_notice,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_supervisor, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timeout_retries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused_retries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_channel_fails,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_channel, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_max_inflight, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_token_bucket, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_leaves_sending, setup,
		    teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
