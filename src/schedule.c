/*
 * The scheduler.  See schedule.h.
 *
 * One evtimer, armed for the earliest next_at of a pending or retry row
 * (plus group_wait).  When it fires, due rows are claimed in rounds while
 * the dispatcher has room, grouped per office and channel: a group of
 * digest_min rows or more goes as one digest, smaller groups row by row.
 * The dispatcher calls schedule_kick() as transfers end, which re-arms: the
 * store, not memory, says what is due, so a restart loses nothing.
 */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "config.h"
#include "dispatch.h"
#include "duband.h"
#include "message.h"
#include "replan.h"
#include "schedule.h"
#include "store.h"

#define CLAIM_ROUND 256

struct schedule {
	struct duban	*d;
	struct event	*timer;
};

static void on_timer(evutil_socket_t, short, void *);

struct schedule *
schedule_new(struct duban *d)
{
	struct schedule *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->d = d;
	if ((s->timer = evtimer_new(d->base, on_timer, s)) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void
schedule_free(struct schedule *s)
{
	if (s == NULL)
		return;
	event_free(s->timer);
	free(s);
}

void
schedule_rearm(struct schedule *s)
{
	struct duban *d = s->d;
	struct timeval tv;
	int64_t next_at, delay_ms;
	bool found;

	if (d->store->ops->reminder_next(d->store, &next_at, &found) == -1) {
		log_err(&d->log, "%s", store_error(d->store));
		return;
	}
	evtimer_del(s->timer);
	/* With no room, the dispatcher's schedule_kick() re-arms later. */
	if (!found || !dispatch_has_room(d->dispatch))
		return;
	delay_ms = (next_at + d->config->group_wait) * 1000 -
	    clock_now_ms(&d->clock);
	if (delay_ms < 0)
		delay_ms = 0;
	tv.tv_sec = (time_t)(delay_ms / 1000);
	tv.tv_usec = (suseconds_t)(delay_ms % 1000) * 1000;
	evtimer_add(s->timer, &tv);
}

void
schedule_kick(struct schedule *s)
{
	schedule_rearm(s);
}

int
schedule_replan(struct schedule *s, enum item_type type, int64_t id)
{
	int rc = replan_item(s->d, type, id);

	schedule_rearm(s);
	return rc;
}

int
schedule_replan_all(struct schedule *s)
{
	int rc = replan_all(s->d);

	schedule_rearm(s);
	return rc;
}

int
schedule_replan_tasks(struct schedule *s, const int64_t *ids, size_t n)
{
	int rc = replan_tasks(s->d, ids, n);

	schedule_rearm(s);
	return rc;
}

int
schedule_replan_changed(struct schedule *s)
{
	int rc = replan_all_if_changed(s->d);

	schedule_rearm(s);
	return rc;
}

/*
 * Renders show[0..nshow) and submits the message carrying rows[0..n) (one
 * office and channel; the dispatcher takes ownership of the copy).  Rows
 * that cannot be rendered are failed here, so they do not come back.
 */
static void
submit(struct schedule *s, const struct reminder *rows, size_t n,
    const struct reminder *show, size_t nshow)
{
	struct duban *d = s->d;
	struct reminder *own = calloc(n, sizeof *own);
	struct message *msg = calloc(1, sizeof *msg);
	struct attempt at;
	char err[256];

	if (own == NULL || msg == NULL)
		goto nomem;
	if (compose_message(d, show, nshow, msg, err, sizeof err) == -1) {
		log_err(&d->log, "reminder %lld to %s: cannot compose: %s",
		    (long long)rows[0].id, rows[0].office, err);
		memset(&at, 0, sizeof at);
		at.started_at = clock_now_ms(&d->clock);
		at.result = "failed";
		at.excerpt = err;
		for (size_t i = 0; i < n; i++) {
			at.reminder_id = rows[i].id;
			d->store->ops->reminder_finish(d->store, rows[i].id,
			    RS_FAILED, 0, &at, clock_now(&d->clock));
		}
		free(own);
		free(msg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		own[i] = rows[i];
		own[i].milestone = rows[i].milestone != NULL ?
		    strdup(rows[i].milestone) : NULL;
		own[i].office = strdup(rows[i].office);
		own[i].channel = strdup(rows[i].channel);
		if (own[i].office == NULL || own[i].channel == NULL)
			goto nomem;
	}
	dispatch_submit(d->dispatch, own, n, msg);
	return;
nomem:
	log_err(&d->log, "out of memory");
	abort();
}

static bool
same_group(const struct reminder *a, const struct reminder *b)
{
	return strcmp(a->office, b->office) == 0 &&
	    strcmp(a->channel, b->channel) == 0;
}

static bool
same_item(const struct reminder *a, const struct reminder *b)
{
	return a->item_type == b->item_type && a->item_id == b->item_id &&
	    (a->milestone == NULL) == (b->milestone == NULL) &&
	    (a->milestone == NULL || strcmp(a->milestone, b->milestone) == 0);
}

/*
 * The row that speaks for g[k]: the latest overdue row of the same item
 * when g[k] is an overdue row (after downtime several come due at once,
 * and only the latest says anything new), else g[k] itself.
 */
static size_t
speaker(const struct reminder *g, size_t n, size_t k)
{
	size_t best = k;

	if (g[k].kind != RK_OVERDUE)
		return k;
	for (size_t j = 0; j < n; j++)
		if (g[j].kind == RK_OVERDUE && same_item(&g[j], &g[k]) &&
		    (g[j].due_at > g[best].due_at ||
		    (g[j].due_at == g[best].due_at && j > best)))
			best = j;
	return best;
}

/*
 * Submits one office and channel's rows: as one digest when digest_min or
 * more items speak, else one message per speaking row, each carrying the
 * rows it speaks for.
 */
static void
submit_group(struct schedule *s, const struct reminder *g, size_t n)
{
	struct reminder *show = calloc(n, sizeof *show);
	struct reminder *carry = calloc(n, sizeof *carry);
	size_t *spk = calloc(n, sizeof *spk);
	size_t nshow = 0;

	if (show == NULL || carry == NULL || spk == NULL) {
		log_err(&s->d->log, "out of memory");
		abort();
	}
	for (size_t k = 0; k < n; k++) {
		spk[k] = speaker(g, n, k);
		if (spk[k] == k)
			show[nshow++] = g[k];
	}
	if (nshow >= (size_t)s->d->config->digest_min) {
		submit(s, g, n, show, nshow);
	} else {
		for (size_t k = 0; k < n; k++) {
			size_t ncarry = 0;

			if (spk[k] != k)
				continue;
			for (size_t j = 0; j < n; j++)
				if (spk[j] == k)
					carry[ncarry++] = g[j];
			submit(s, carry, ncarry, &g[k], 1);
		}
	}
	free(show);
	free(carry);
	free(spk);
}

/* Groups claimed rows by office and channel, keeping claim order. */
static void
submit_claimed(struct schedule *s, const struct reminder *rows, size_t n)
{
	bool *done = calloc(n, sizeof *done);
	struct reminder *group = calloc(n, sizeof *group);

	if (done == NULL || group == NULL) {
		log_err(&s->d->log, "out of memory");
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		size_t g = 0;

		if (done[i])
			continue;
		for (size_t j = i; j < n; j++) {
			if (!done[j] && same_group(&rows[i], &rows[j])) {
				group[g++] = rows[j];
				done[j] = true;
			}
		}
		submit_group(s, group, g);
	}
	free(done);
	free(group);
}

/*
 * Overdue repeats are planned PLAN_OVERDUE_AHEAD at a time; each one sent
 * replans its item, which plans one more past it.
 */
static void
extend_overdue(struct schedule *s, const struct reminder *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		if (rows[i].kind != RK_OVERDUE)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = rows[j].kind == RK_OVERDUE &&
			    rows[j].item_type == rows[i].item_type &&
			    rows[j].item_id == rows[i].item_id;
		if (!seen)
			replan_item(s->d, rows[i].item_type, rows[i].item_id);
	}
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct schedule *s = arg;
	struct duban *d = s->d;
	struct reminder *rows;
	size_t n, room;

	(void)fd;
	(void)what;
	/*
	 * Claim no more than the dispatcher can start: a claimed row is
	 * 'sending', and after a crash every 'sending' row is sent again.
	 */
	while ((room = dispatch_room(d->dispatch)) > 0) {
		if (room > CLAIM_ROUND)
			room = CLAIM_ROUND;
		if (d->store->ops->reminders_claim(d->store,
		    clock_now(&d->clock), room, clock_now(&d->clock),
		    &rows, &n) == -1) {
			log_err(&d->log, "%s", store_error(d->store));
			break;
		}
		if (n > 0) {
			submit_claimed(s, rows, n);
			extend_overdue(s, rows, n);
		}
		reminders_free(rows, n);
		if (n < room)
			break;
	}
	schedule_rearm(s);
}
