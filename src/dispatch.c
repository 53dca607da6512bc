/*
 * The dispatcher: libcurl's multi interface on the libevent loop, in the
 * manner of curl's hiperfifo example.  curl tells us which sockets to watch
 * (sock_cb: one struct event per socket, kept with curl_multi_assign) and
 * when to call it back (timer_cb: one evtimer); on either event we call
 * curl_multi_socket_action and then collect the finished transfers.
 *
 * Behaviour the operator sees:
 * - At most max_inflight transfers run at once.  A channel with
 *   rate_per_minute R > 0 has a token bucket of R tokens that refills at R/60
 *   tokens a second; one token per message.  Messages over either limit wait
 *   in a FIFO per channel, woken by one timer per channel when a token is due.
 * - A local channel (stdout) delivers inside dispatch_submit, outside both
 *   limits.
 * - Timeouts: connect_timeout and timeout of the channel.  Only http, https,
 *   smtp and smtps URLs are followed.
 * - A retried reminder waits retry_base * 2^(attempts - 1) seconds, capped at
 *   one hour, then spread by +-20% (jitter after the cap, so that many rows
 *   failing at once do not come back at once).  Once retry_max_age seconds
 *   have passed since the reminder was due it fails instead.
 * - A failed reminder is logged once at error level (channel name, office,
 *   item, reason: never the URL, which may carry a key or a signature) and
 *   becomes a delivery-failure notice to the office's supervisor on each of
 *   the supervisor's channels, due now, unless it is itself such a notice or
 *   the office has no supervisor.
 * - Every attempt is recorded with its status and an excerpt (<= 500 bytes)
 *   of the response or the error.
 * - A reminder on a channel the config does not have (any more) fails.
 * - Reload: the new channels (secrets re-read) are all opened before any is
 *   used.  Messages still queued move to the channel of the same name in the
 *   new set, keeping its bucket; transfers in flight finish on the old set,
 *   which is freed when its last transfer ends (a reference count per set).
 *   Each channel keeps its own copy of its conf, so the old config may be
 *   freed at once.
 * - dispatch_free abandons the transfers in flight and queued: their rows
 *   stay 'sending' and are recovered on the next start (the crash contract).
 * - Transfers that curl finishes in one pass of the event loop are written
 *   in one transaction (one commit, not one per reminder), from a zero
 *   timer that runs after the pass's socket events.  Until then they count
 *   as in flight, so that the rows in 'sending' (re-sent after a crash)
 *   stay within max_inflight.  When the batch cannot be written, each
 *   transfer is written on its own, so one bad row costs only its own.
 */
#include <sys/queue.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "channel.h"
#include "config.h"
#include "crypto.h"
#include "dispatch.h"
#include "duband.h"
#include "message.h"
#include "metrics.h"
#include "notify.h"
#include "reminder.h"
#include "schedule.h"
#include "store.h"

#define RESPONSE_CAP	(64 * 1024)	/* response bytes kept */
#define EXCERPT_MAX	500		/* bytes of it in the attempt log */
#define BACKOFF_CAP	3600		/* seconds */
#define JITTER		0.2		/* +-20% */

struct chan;

struct transfer {
	TAILQ_ENTRY(transfer)	 entry;		/* chan queue or active list */
	struct dispatch		*dp;
	struct chan		*chan;		/* NULL: no such channel */
	struct reminder		*rows;
	size_t			 nrows;
	struct message		*msg;
	CURL			*easy;
	struct channel_req	 req;
	char			*resp;
	size_t			 resp_len;
	char			 errbuf[CURL_ERROR_SIZE];
	int64_t			 started_ms;
	/* The outcome, kept from the end of the attempt to its record. */
	enum send_result	 res;
	long			 status;
	int64_t			 ended_ms;
	int64_t			 ended;		/* seconds */
	char			 excerpt[EXCERPT_MAX + 1];
	enum reminder_state	*states;
	int64_t			*next;
};

TAILQ_HEAD(transferq, transfer);

struct chanset;

struct chan {
	struct channel_conf	  conf;		/* own copy, see above */
	struct channel		  ch;
	bool			  opened;
	const struct channel_ops *ops;
	struct chanset		 *set;
	struct dispatch		 *dp;
	struct transferq	  queue;
	double			  tokens;
	int64_t			  refilled_ms;
	struct event		 *wake;		/* when a token is due */
};

struct chanset {
	LIST_ENTRY(chanset)	 entry;
	struct chan		*chans;
	size_t			 n;
	size_t			 refs;	/* transfers queued or in flight */
};

struct dispatch {
	struct duban		*d;
	CURLM			*multi;
	struct event		*timer;		/* curl's timeout */
	struct chanset		*cur;
	LIST_HEAD(, chanset)	 retired;	/* old sets still in use */
	struct transferq	 active;
	struct transferq	 finished;	/* ended, not yet recorded */
	struct event		*record;	/* records finished, zero timer */
	size_t			 ninflight;	/* active + finished */
	size_t			 nqueued;
	size_t			 turn;		/* round robin over channels */
	bool			 closing;
};

static void pump(struct dispatch *);

static int64_t
now_ms(const struct dispatch *dp)
{
	return clock_now_ms(&dp->d->clock);
}

static size_t
max_inflight(const struct dispatch *dp)
{
	int n = dp->d->config->max_inflight;

	return n > 0 ? (size_t)n : 1;
}

/* Channel sets. */

static int
strdup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src != NULL && (*dst = strdup(src)) == NULL)
		return -1;
	return 0;
}

static void
chan_conf_clear(struct channel_conf *c)
{
	free(c->name);
	free(c->url);
	free(c->secret_file);
	free(c->from);
	free(c->username);
	free(c->password_file);
	free(c->file);
	free(c->origin.file);
	memset(c, 0, sizeof *c);
}

static int
chan_conf_copy(struct channel_conf *dst, const struct channel_conf *src)
{
	*dst = *src;
	if (strdup_opt(&dst->name, src->name) == -1 ||
	    strdup_opt(&dst->url, src->url) == -1 ||
	    strdup_opt(&dst->secret_file, src->secret_file) == -1 ||
	    strdup_opt(&dst->from, src->from) == -1 ||
	    strdup_opt(&dst->username, src->username) == -1 ||
	    strdup_opt(&dst->password_file, src->password_file) == -1 ||
	    strdup_opt(&dst->file, src->file) == -1 ||
	    strdup_opt(&dst->origin.file, src->origin.file) == -1) {
		chan_conf_clear(dst);
		return -1;
	}
	return 0;
}

static void
chanset_free(struct chanset *set)
{
	struct chan *c;

	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++) {
		c = &set->chans[i];
		if (c->wake != NULL)
			event_free(c->wake);
		if (c->opened)
			channel_close(&c->ch);
		chan_conf_clear(&c->conf);
	}
	free(set->chans);
	free(set);
}

static void
wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct chan *c = arg;

	(void)fd;
	(void)what;
	pump(c->dp);
}

static int
chan_init(struct dispatch *dp, struct chan *c, const struct channel_conf *cc,
    char *err, size_t errlen)
{
	char why[256];

	c->dp = dp;
	TAILQ_INIT(&c->queue);
	if (chan_conf_copy(&c->conf, cc) == -1) {
		snprintf(err, errlen, "channel %s: out of memory", cc->name);
		return -1;
	}
	if ((c->ops = channel_ops_for(cc->type)) == NULL) {
		snprintf(err, errlen, "channel %s: unsupported type", cc->name);
		return -1;
	}
	if (channel_open(&c->ch, &c->conf, why, sizeof why) == -1) {
		snprintf(err, errlen, "channel %s: %s", cc->name, why);
		return -1;
	}
	c->opened = true;
	if ((c->wake = evtimer_new(dp->d->base, wake_cb, c)) == NULL) {
		snprintf(err, errlen, "channel %s: evtimer_new failed",
		    cc->name);
		return -1;
	}
	c->tokens = cc->rate_per_minute > 0 ? cc->rate_per_minute : 0;
	c->refilled_ms = now_ms(dp);
	return 0;
}

/* Opens every channel of cf, or none. */
static struct chanset *
chanset_new(struct dispatch *dp, const struct config *cf, char *err,
    size_t errlen)
{
	struct chanset *set;

	if ((set = calloc(1, sizeof *set)) == NULL ||
	    (cf->nchannels > 0 &&
	    (set->chans = calloc(cf->nchannels, sizeof *set->chans)) == NULL)) {
		free(set);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < cf->nchannels; i++) {
		set->n = i + 1;
		set->chans[i].set = set;
		if (chan_init(dp, &set->chans[i], &cf->channels[i], err,
		    errlen) == -1) {
			chanset_free(set);
			return NULL;
		}
	}
	return set;
}

static struct chan *
chanset_find(struct chanset *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->chans[i].conf.name, name) == 0)
			return &set->chans[i];
	return NULL;
}

/* The token bucket. */

static void
bucket_refill(struct chan *c, int64_t now)
{
	double rate = c->conf.rate_per_minute;

	if (now > c->refilled_ms) {
		c->tokens += (double)(now - c->refilled_ms) * rate / 60000.0;
		if (c->tokens > rate)
			c->tokens = rate;
	}
	c->refilled_ms = now;
}

static bool
bucket_take(struct chan *c)
{
	if (c->conf.rate_per_minute <= 0)
		return true;
	bucket_refill(c, now_ms(c->dp));
	if (c->tokens < 1.0)
		return false;
	c->tokens -= 1.0;
	return true;
}

/* Arms the channel's timer for when its next token is due. */
static void
bucket_wait(struct chan *c)
{
	struct timeval tv;
	int64_t ms;

	if (evtimer_pending(c->wake, NULL))
		return;
	/* Rounded up: waking a little late costs nothing. */
	ms = (int64_t)((1.0 - c->tokens) * 60000.0 /
	    c->conf.rate_per_minute) + 1;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(c->wake, &tv);
}

/* Transfers. */

static void
chanset_unref(struct dispatch *dp, struct chanset *set)
{
	if (--set->refs > 0 || set == dp->cur || dp->closing)
		return;
	LIST_REMOVE(set, entry);
	chanset_free(set);
}

/* Frees t (its rows and message too); nothing may use t->chan after. */
static void
transfer_release(struct transfer *t)
{
	if (t->easy != NULL)
		curl_easy_cleanup(t->easy);
	channel_req_free(&t->req);
	free(t->resp);
	free(t->states);
	free(t->next);
	reminders_free(t->rows, t->nrows);
	if (t->msg != NULL) {
		message_free(t->msg);
		free(t->msg);
	}
	if (t->chan != NULL)
		chanset_unref(t->dp, t->chan->set);
	free(t);
}

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * nmemb, keep;
	char *p;

	if (t->resp_len >= RESPONSE_CAP)
		return len;	/* the rest is dropped, not an error */
	keep = len < RESPONSE_CAP - t->resp_len ? len : RESPONSE_CAP -
	    t->resp_len;
	if ((p = realloc(t->resp, t->resp_len + keep + 1)) == NULL)
		return 0;
	memcpy(p + t->resp_len, data, keep);
	t->resp = p;
	t->resp_len += keep;
	t->resp[t->resp_len] = '\0';
	return len;
}

/* n, or less so that s[0..n) does not end inside a UTF-8 character. */
static size_t
utf8_whole(const char *s, size_t n)
{
	size_t start = n, need;
	unsigned char lead;

	while (start > 0 && ((unsigned char)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0 || ((lead = (unsigned char)s[start - 1]) & 0x80) == 0)
		return n;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return n - (start - 1) < need ? start - 1 : n;
}

/*
 * What the attempt log keeps: "reason: detail", detail being the response
 * or curl's error, on one line and cut at a character boundary.
 */
static void
excerpt_make(char *out, size_t outlen, const char *reason, const char *detail,
    size_t detail_len)
{
	size_t n = 0, i;
	unsigned char ch;

	for (i = 0; reason[i] != '\0' && n + 1 < outlen; i++)
		out[n++] = reason[i];
	if (reason[0] != '\0' && detail_len > 0)
		for (i = 0; ": "[i] != '\0' && n + 1 < outlen; i++)
			out[n++] = ": "[i];
	for (i = 0; i < detail_len && n + 1 < outlen; i++) {
		ch = (unsigned char)detail[i];
		out[n++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	out[utf8_whole(out, n)] = '\0';
}

static int64_t
retry_delay(const struct config *cf, int attempts)
{
	int64_t delay = cf->retry_base > 0 ? cf->retry_base : 1;
	double factor = 1.0;
	uint32_t r;

	for (int i = 1; i < attempts && delay < BACKOFF_CAP; i++)
		delay *= 2;
	if (delay > BACKOFF_CAP)
		delay = BACKOFF_CAP;
	if (random_bytes(&r, sizeof r) == 0)
		factor = 1.0 - JITTER + 2.0 * JITTER *
		    ((double)r / 4294967296.0);
	delay = (int64_t)((double)delay * factor + 0.5);
	return delay > 0 ? delay : 1;
}

/* Queues a delivery-failure notice to the supervisor of row's office. */
static int
failure_notice(struct dispatch *dp, const struct reminder *row, int64_t now)
{
	const struct config *cf = dp->d->config;
	struct store *st = dp->d->store;
	const struct office_conf *office, *sup;
	struct reminder_plan plan;
	int64_t id;

	if (row->kind == RK_FAILURE)
		return 0;	/* a notice about a notice would loop */
	if ((office = config_office(cf, row->office)) == NULL ||
	    office->supervisor == NULL ||
	    (sup = config_office(cf, office->supervisor)) == NULL)
		return 0;
	for (size_t i = 0; i < sup->nchannels; i++) {
		memset(&plan, 0, sizeof plan);
		plan.milestone = row->milestone;
		plan.office = sup->name;
		plan.channel = sup->channels[i];
		plan.kind = RK_FAILURE;
		plan.due_at = now;
		plan.deadline_at = row->deadline_at;
		if (st->ops->reminder_add(st, row->item_type, row->item_id,
		    &plan, row->id, now, &id) == -1)
			return -1;
	}
	return 0;
}

static enum reminder_state
row_outcome(const struct config *cf, const struct reminder *row,
    enum send_result res, int64_t now, int64_t *next_at)
{
	*next_at = 0;
	switch (res) {
	case SEND_OK:
		return RS_SENT;
	case SEND_RETRY:
		if (now >= row->due_at + cf->retry_max_age)
			return RS_FAILED;
		*next_at = now + retry_delay(cf, row->attempts);
		return RS_RETRY;
	case SEND_FAIL:
		break;
	}
	return RS_FAILED;
}

static void
log_outcome(struct dispatch *dp, const struct reminder *row,
    enum reminder_state state, int64_t next_at, long status,
    const char *reason)
{
	const struct logger *l = &dp->d->log;
	char when[64];

	switch (state) {
	case RS_SENT:
		log_info(l, "reminder %lld sent to %s on channel %s (%ld)",
		    (long long)row->id, row->office, row->channel, status);
		break;
	case RS_RETRY:
		log_warn(l, "reminder %lld to %s on channel %s: %s; "
		    "retry at %s", (long long)row->id, row->office,
		    row->channel, reason, instant_format(next_at, when,
		    sizeof when));
		break;
	default:
		log_err(l, "reminder %lld to %s on channel %s about %s %lld "
		    "failed after %d attempt%s: %s", (long long)row->id,
		    row->office, row->channel, item_type_str(row->item_type),
		    (long long)row->item_id, row->attempts,
		    row->attempts == 1 ? "" : "s", reason);
		break;
	}
}

/* Keeps the outcome of t's attempt for transfer_write. */
static void
transfer_outcome(struct dispatch *dp, struct transfer *t,
    enum send_result res, long status, const char *reason, const char *detail,
    size_t detail_len)
{
	t->res = res;
	t->status = status;
	t->ended_ms = now_ms(dp);
	t->ended = clock_now(&dp->d->clock);
	excerpt_make(t->excerpt, sizeof t->excerpt, reason, detail,
	    detail_len);
}

/*
 * Finishes every row of t (with the notices of failed rows) inside the
 * caller's transaction.
 */
static int
transfer_write(struct dispatch *dp, struct transfer *t)
{
	struct store *st = dp->d->store;
	const struct config *cf = dp->d->config;
	struct attempt a;

	if ((t->states == NULL &&
	    (t->states = calloc(t->nrows, sizeof *t->states)) == NULL) ||
	    (t->next == NULL &&
	    (t->next = calloc(t->nrows, sizeof *t->next)) == NULL)) {
		store_set_error(st, "out of memory");
		return -1;
	}
	memset(&a, 0, sizeof a);
	a.started_at = t->started_ms;
	a.duration_ms = t->ended_ms - t->started_ms;
	a.status = t->status;
	a.excerpt = t->excerpt;
	for (size_t i = 0; i < t->nrows; i++) {
		t->states[i] = row_outcome(cf, &t->rows[i], t->res, t->ended,
		    &t->next[i]);
		a.reminder_id = t->rows[i].id;
		a.result = reminder_state_str(t->states[i]);
		if (st->ops->reminder_finish(st, t->rows[i].id, t->states[i],
		    t->next[i], &a, t->ended) == -1)
			return -1;
		if (t->states[i] == RS_FAILED &&
		    failure_notice(dp, &t->rows[i], t->ended) == -1)
			return -1;
	}
	return 0;
}

/* Logs and counts what t's committed rows became. */
static void
transfer_report(struct dispatch *dp, struct transfer *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		log_outcome(dp, &t->rows[i], t->states[i], t->next[i],
		    t->status, t->excerpt);
	metrics_delivery(&dp->d->metrics, t->rows, t->states, t->nrows,
	    t->ended_ms - t->started_ms, t->ended);
}

/* Records t in its own transaction; on failure its rows stay sending. */
static void
transfer_record(struct dispatch *dp, struct transfer *t)
{
	struct store *st = dp->d->store;

	if (st->ops->begin(st) == -1)
		goto fail;
	if (transfer_write(dp, t) == -1 || st->ops->commit(st) == -1) {
		st->ops->rollback(st);
		goto fail;
	}
	transfer_report(dp, t);
	return;
fail:
	log_err(&dp->d->log, "dispatch: store: %s: reminders left sending "
	    "until restart", store_error(st));
}

/*
 * The end of an attempt that did not reach curl (or was local): recorded
 * at once, the scheduler kicked, t released.
 */
static void
transfer_end(struct dispatch *dp, struct transfer *t, enum send_result res,
    long status, const char *reason, const char *detail, size_t detail_len)
{
	transfer_outcome(dp, t, res, status, reason, detail, detail_len);
	transfer_record(dp, t);
	notify_status_soon(&dp->d->notify);
	if (dp->d->schedule != NULL)
		schedule_kick(dp->d->schedule);
	transfer_release(t);
}

/*
 * Records the finished transfers in one transaction, or each in its own
 * when that fails, then frees their room: queued messages start first, then
 * the scheduler claims as many rows as room is left.
 */
static void
record_finished(struct dispatch *dp)
{
	struct store *st = dp->d->store;
	struct transfer *t;
	bool batched;

	if (TAILQ_EMPTY(&dp->finished))
		return;
	batched = st->ops->begin(st) == 0;
	if (batched) {
		TAILQ_FOREACH(t, &dp->finished, entry) {
			if (transfer_write(dp, t) == -1) {
				batched = false;
				break;
			}
		}
		if (batched && st->ops->commit(st) == -1)
			batched = false;
		if (!batched) {
			log_warn(&dp->d->log, "dispatch: store: %s: "
			    "recording transfers one by one",
			    store_error(st));
			st->ops->rollback(st);
		}
	}
	TAILQ_FOREACH(t, &dp->finished, entry) {
		if (batched)
			transfer_report(dp, t);
		else
			transfer_record(dp, t);
	}
	notify_status_soon(&dp->d->notify);
	while ((t = TAILQ_FIRST(&dp->finished)) != NULL) {
		TAILQ_REMOVE(&dp->finished, t, entry);
		dp->ninflight--;
		transfer_release(t);
	}
	if (dp->closing)
		return;
	pump(dp);
	if (dp->d->schedule != NULL)
		schedule_kick(dp->d->schedule);
}

static void
record_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dispatch *dp = arg;

	(void)fd;
	(void)what;
	record_finished(dp);
}

static void
transfer_end_early(struct dispatch *dp, struct transfer *t,
    enum send_result res, const char *reason)
{
	transfer_end(dp, t, res, 0, reason, "", 0);
}

/* Sends a local channel's message now. */
static void
transfer_deliver(struct dispatch *dp, struct transfer *t)
{
	char reason[256] = "";
	enum send_result res;

	t->started_ms = now_ms(dp);
	res = t->chan->ops->deliver(&t->chan->ch, t->msg, reason,
	    sizeof reason);
	transfer_end_early(dp, t, res, reason);
}

/* Puts t on the multi handle; on failure it ends at once. */
static void
transfer_start(struct dispatch *dp, struct transfer *t)
{
	const struct channel_conf *cc = &t->chan->conf;
	char err[256] = "";
	CURL *e;

	t->started_ms = now_ms(dp);
	if ((e = t->easy = curl_easy_init()) == NULL) {
		transfer_end_early(dp, t, SEND_RETRY, "curl_easy_init failed");
		return;
	}
	if (t->chan->ops->prepare(&t->chan->ch, t->msg, t->started_ms, e,
	    &t->req, err, sizeof err) == -1) {
		transfer_end_early(dp, t, SEND_FAIL, err);
		return;
	}
	/* prepare limited the protocols to its kind's (http(s) or smtp(s)). */
	if (curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT,
	    (long)cc->connect_timeout) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT,
	    (long)cc->timeout) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, t) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PRIVATE, t) != CURLE_OK) {
		transfer_end_early(dp, t, SEND_FAIL, "curl_easy_setopt failed");
		return;
	}
	if (curl_multi_add_handle(dp->multi, e) != CURLM_OK) {
		transfer_end_early(dp, t, SEND_RETRY,
		    "curl_multi_add_handle failed");
		return;
	}
	TAILQ_INSERT_TAIL(&dp->active, t, entry);
	dp->ninflight++;
}

/* The channel whose queue may start a transfer now, round robin. */
static struct chan *
next_ready(struct dispatch *dp)
{
	struct chanset *set;
	struct chan *c;
	size_t i, k;

	LIST_FOREACH(set, &dp->retired, entry) {
		for (i = 0; i < set->n; i++) {
			c = &set->chans[i];
			if (TAILQ_EMPTY(&c->queue))
				continue;
			if (bucket_take(c))
				return c;
			bucket_wait(c);
		}
	}
	set = dp->cur;
	for (k = 0; k < set->n; k++) {
		i = (dp->turn + k) % set->n;
		c = &set->chans[i];
		if (TAILQ_EMPTY(&c->queue))
			continue;
		if (bucket_take(c)) {
			dp->turn = i + 1;
			return c;
		}
		bucket_wait(c);
	}
	return NULL;
}

/*
 * Starts queued transfers while there is room.  A start that fails ends
 * its transfer at once, which may free a retired set or queue more: so
 * each round looks for a channel afresh.
 */
static void
pump(struct dispatch *dp)
{
	struct transfer *t;
	struct chan *c;

	while (!dp->closing && dp->ninflight < max_inflight(dp) &&
	    (c = next_ready(dp)) != NULL) {
		t = TAILQ_FIRST(&c->queue);
		TAILQ_REMOVE(&c->queue, t, entry);
		dp->nqueued--;
		transfer_start(dp, t);
	}
}

/* The curl side: finished transfers. */

static void
transfer_done(struct dispatch *dp, CURL *e, CURLcode result)
{
	struct transfer *t;
	char reason[256] = "";
	enum send_result res;
	const char *detail;
	size_t detail_len;
	long status = 0;
	char *priv = NULL;

	curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
	t = (struct transfer *)(void *)priv;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(dp->multi, e);
	TAILQ_REMOVE(&dp->active, t, entry);
	res = t->chan->ops->classify(&t->chan->ch, result, status,
	    t->resp != NULL ? t->resp : "", t->resp_len, reason,
	    sizeof reason);
	if (result != CURLE_OK) {
		detail = t->errbuf[0] != '\0' ? t->errbuf :
		    curl_easy_strerror(result);
		detail_len = strlen(detail);
	} else {
		detail = t->resp != NULL ? t->resp : "";
		detail_len = t->resp_len;
	}
	transfer_outcome(dp, t, res, status, reason, detail, detail_len);
	/* Still in flight (its rows are sending) until record_finished. */
	TAILQ_INSERT_TAIL(&dp->finished, t, entry);
	if (!evtimer_pending(dp->record, NULL)) {
		struct timeval now = { 0, 0 };

		evtimer_add(dp->record, &now);
	}
}

static void
check_multi_info(struct dispatch *dp)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(dp->multi, &left)) != NULL) {
		if (m->msg == CURLMSG_DONE)
			transfer_done(dp, m->easy_handle, m->data.result);
	}
}

static void
socket_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dispatch *dp = arg;
	int action, running;

	action = (what & EV_READ ? CURL_CSELECT_IN : 0) |
	    (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
	curl_multi_socket_action(dp->multi, fd, action, &running);
	check_multi_info(dp);
}

static void
timer_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dispatch *dp = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(dp->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_multi_info(dp);
}

/* CURLMOPT_SOCKETFUNCTION: watch s for what curl wants, or stop. */
static int
sock_cb(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct dispatch *dp = arg;
	struct event *ev = sockp;
	short kind;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (ev != NULL)
			event_free(ev);
		return 0;
	}
	kind = EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
	    (what & CURL_POLL_OUT ? EV_WRITE : 0);
	if (ev == NULL) {
		if ((ev = event_new(dp->d->base, s, kind, socket_event_cb,
		    dp)) == NULL)
			return -1;
		curl_multi_assign(dp->multi, s, ev);
	} else {
		event_del(ev);
		event_assign(ev, dp->d->base, s, kind, socket_event_cb, dp);
	}
	return event_add(ev, NULL) == 0 ? 0 : -1;
}

/*
 * CURLMOPT_TIMERFUNCTION: arm (or with -1 stop) the one timer.  curl must
 * not be called from here: 0 fires on the next loop iteration.
 */
static int
timer_cb(CURLM *m, long timeout_ms, void *arg)
{
	struct dispatch *dp = arg;
	struct timeval tv;

	(void)m;
	if (timeout_ms < 0)
		return evtimer_del(dp->timer) == 0 ? 0 : -1;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(dp->timer, &tv) == 0 ? 0 : -1;
}

/*
 * Idle connections kept for reuse.  curl's default, 4 per easy handle on
 * the multi handle, shrinks when a burst of transfers ends at once and
 * then closes the connections the next burst would have used.
 */
static int
keep_connections(struct dispatch *dp, const struct config *cf)
{
	long keep = cf->max_inflight > 0 ? cf->max_inflight : 1;

	return curl_multi_setopt(dp->multi, CURLMOPT_MAXCONNECTS, keep) ==
	    CURLM_OK ? 0 : -1;
}

/* The interface. */

struct dispatch *
dispatch_new(struct duban *d, char *err, size_t errlen)
{
	struct dispatch *dp;

	if ((dp = calloc(1, sizeof *dp)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	dp->d = d;
	TAILQ_INIT(&dp->active);
	TAILQ_INIT(&dp->finished);
	LIST_INIT(&dp->retired);
	if ((dp->timer = evtimer_new(d->base, timer_event_cb, dp)) == NULL ||
	    (dp->record = evtimer_new(d->base, record_cb, dp)) == NULL ||
	    (dp->multi = curl_multi_init()) == NULL) {
		snprintf(err, errlen, "cannot set up curl on the event loop");
		goto fail;
	}
	if (curl_multi_setopt(dp->multi, CURLMOPT_SOCKETFUNCTION,
	    sock_cb) != CURLM_OK ||
	    curl_multi_setopt(dp->multi, CURLMOPT_SOCKETDATA, dp) != CURLM_OK ||
	    curl_multi_setopt(dp->multi, CURLMOPT_TIMERFUNCTION,
	    timer_cb) != CURLM_OK ||
	    curl_multi_setopt(dp->multi, CURLMOPT_TIMERDATA, dp) != CURLM_OK ||
	    keep_connections(dp, d->config) == -1) {
		snprintf(err, errlen, "curl_multi_setopt failed");
		goto fail;
	}
	if ((dp->cur = chanset_new(dp, d->config, err, errlen)) == NULL)
		goto fail;
	return dp;
fail:
	if (dp->multi != NULL)
		curl_multi_cleanup(dp->multi);
	if (dp->timer != NULL)
		event_free(dp->timer);
	if (dp->record != NULL)
		event_free(dp->record);
	free(dp);
	return NULL;
}

static void
chanset_drop_queues(struct dispatch *dp, struct chanset *set)
{
	struct transfer *t;

	for (size_t i = 0; i < set->n; i++) {
		while ((t = TAILQ_FIRST(&set->chans[i].queue)) != NULL) {
			TAILQ_REMOVE(&set->chans[i].queue, t, entry);
			dp->nqueued--;
			transfer_release(t);
		}
	}
}

void
dispatch_free(struct dispatch *dp)
{
	struct chanset *set;
	struct transfer *t;

	if (dp == NULL)
		return;
	dp->closing = true;	/* sets are freed below, not on release */
	record_finished(dp);	/* ended: no reason to send them again */
	while ((t = TAILQ_FIRST(&dp->active)) != NULL) {
		TAILQ_REMOVE(&dp->active, t, entry);
		curl_multi_remove_handle(dp->multi, t->easy);
		transfer_release(t);
	}
	chanset_drop_queues(dp, dp->cur);
	LIST_FOREACH(set, &dp->retired, entry)
		chanset_drop_queues(dp, set);
	/* Closes the cached connections, removing their events (sock_cb). */
	curl_multi_cleanup(dp->multi);
	event_free(dp->timer);
	event_free(dp->record);
	while ((set = LIST_FIRST(&dp->retired)) != NULL) {
		LIST_REMOVE(set, entry);
		chanset_free(set);
	}
	chanset_free(dp->cur);
	free(dp);
}

/* Moves what waits on old channels to their namesakes in set. */
static void
chanset_adopt(struct chanset *set, struct chanset *old)
{
	struct transfer *t;
	struct chan *oc, *nc;

	for (size_t i = 0; i < old->n; i++) {
		oc = &old->chans[i];
		if ((nc = chanset_find(set, oc->conf.name)) == NULL)
			continue;	/* gone: drains on the old channel */
		if (oc->conf.rate_per_minute > 0 &&
		    nc->conf.rate_per_minute > 0) {
			bucket_refill(oc, now_ms(oc->dp));
			nc->tokens = oc->tokens < nc->conf.rate_per_minute ?
			    oc->tokens : nc->conf.rate_per_minute;
			nc->refilled_ms = oc->refilled_ms;
		}
		while ((t = TAILQ_FIRST(&oc->queue)) != NULL) {
			TAILQ_REMOVE(&oc->queue, t, entry);
			TAILQ_INSERT_TAIL(&nc->queue, t, entry);
			t->chan = nc;
			old->refs--;
			set->refs++;
		}
	}
}

int
dispatch_reload(struct dispatch *dp, const struct config *cf, char *err,
    size_t errlen)
{
	struct chanset *set, *old = dp->cur;

	if ((set = chanset_new(dp, cf, err, errlen)) == NULL)
		return -1;
	if (keep_connections(dp, cf) == -1)
		log_warn(&dp->d->log, "dispatch: cannot size curl's "
		    "connection cache");
	chanset_adopt(set, old);
	dp->cur = set;
	if (old->refs == 0)
		chanset_free(old);
	else
		LIST_INSERT_HEAD(&dp->retired, old, entry);
	pump(dp);
	return 0;
}

void
dispatch_submit(struct dispatch *dp, struct reminder *rows, size_t n,
    struct message *msg)
{
	struct transfer *t;
	char reason[256];

	if ((t = calloc(1, sizeof *t)) == NULL) {
		log_err(&dp->d->log, "dispatch: out of memory: %zu "
		    "reminder%s left sending until restart", n,
		    n == 1 ? "" : "s");
		reminders_free(rows, n);
		if (msg != NULL) {
			message_free(msg);
			free(msg);
		}
		return;
	}
	t->dp = dp;
	t->rows = rows;
	t->nrows = n;
	t->msg = msg;
	if (n == 0) {
		transfer_release(t);
		return;
	}
	if ((t->chan = chanset_find(dp->cur, rows[0].channel)) == NULL) {
		snprintf(reason, sizeof reason, "no channel %s in the config",
		    rows[0].channel);
		t->started_ms = now_ms(dp);
		transfer_end_early(dp, t, SEND_FAIL, reason);
		return;
	}
	t->chan->set->refs++;
	if (t->chan->ops->deliver != NULL) {
		transfer_deliver(dp, t);
		return;
	}
	TAILQ_INSERT_TAIL(&t->chan->queue, t, entry);
	dp->nqueued++;
	pump(dp);
}

bool
dispatch_has_room(const struct dispatch *dp)
{
	return dispatch_room(dp) > 0;
}

size_t
dispatch_room(const struct dispatch *dp)
{
	size_t busy = dp->ninflight + dp->nqueued, max = max_inflight(dp);

	return busy < max ? max - busy : 0;
}

size_t
dispatch_inflight(const struct dispatch *dp)
{
	return dp->ninflight;
}

size_t
dispatch_queued(const struct dispatch *dp)
{
	return dp->nqueued;
}
