/*
 * Prometheus metrics.  See metrics.h.
 *
 * The series (documented in duband(8)):
 *   duban_build_info{version}                 gauge, always 1
 *   duban_reminders{state,channel}            gauge: outbox rows; every
 *       state of every configured channel is written, 0 included
 *   duban_deliveries_total{result}            counter: reminder rows
 *       finished by a delivery attempt, result sent, retry or failed (a
 *       digest counts each reminder it carries)
 *   duban_delivery_duration_seconds           histogram: one observation
 *       per message sent or tried, whatever the result
 *   duban_lateness_seconds                    histogram: per reminder sent,
 *       the time from when it was due (its due_at) to the successful send:
 *       group_wait, quiet hours already moved due_at, so this shows retries,
 *       downtime catch-up and congestion
 *   duban_oldest_pending_seconds              gauge: age of the oldest
 *       reminder that is due and not sent yet (pending, retry or sending,
 *       counted from its due_at); 0 when none is
 *   duban_overdue_items{office}               gauge: tasks and running case
 *       milestones past their deadline and not done, by lead office (an
 *       alias counts under the office's name); every configured office is
 *       written
 *   duban_provisional_items{calendar,year}   gauge: open tasks and cases
 *       whose deadline falls in a year the calendar does not cover
 *       (replan.h); written for every year that has some and, 0 included,
 *       for this year and the next of every calendar
 *   duban_calendar_year_announced{calendar,year}   gauge: 1 when the
 *       calendar has the year's holidays, for this year and the next
 *   duban_deliveries_in_flight, duban_deliveries_queued   gauges
 *   duban_config_reload_success               gauge: 1 when the last load
 *       or reload of the config succeeded, else 0
 *   duban_config_reload_timestamp_seconds     gauge: when the config in use
 *       was loaded (start-up or the last good reload), on duband's clock
 *
 * The gauges read the store at each scrape: counts of reminder rows by
 * state and channel and of overdue tasks by lead (the store counts, no
 * rows are read), and the open cases with their events.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "calendar.h"
#include "clock.h"
#include "config.h"
#include "date.h"
#include "dispatch.h"
#include "duband.h"
#include "metrics.h"
#include "replan.h"
#include "store.h"
#include "timelimit.h"

/* Bucket bounds in seconds (le); +Inf comes on top. */
static const double duration_bounds[] = {
	0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
};
static const double lateness_bounds[] = {
	1, 10, 60, 300, 900, 3600, 14400, 86400, 604800,
};
#define NBOUNDS(a)	(sizeof (a) / sizeof (a)[0])

static const enum reminder_state all_states[] = {
	RS_PENDING, RS_SENDING, RS_SENT, RS_RETRY, RS_FAILED, RS_CANCELLED,
};
#define NSTATES		NBOUNDS(all_states)

/* A count per name (office or channel), the names owned. */
struct tally {
	char		*name;
	uint64_t	 n[NSTATES];
};

struct tallies {
	struct tally	*v;
	size_t		 n;
	size_t		 cap;
};

static void
histogram_observe(struct histogram *h, const double *bounds, size_t nbounds,
    double v)
{
	for (size_t i = 0; i < nbounds; i++) {
		if (v <= bounds[i]) {
			h->bucket[i]++;
			break;
		}
	}
	h->count++;
	h->sum += v;
}

void
metrics_delivery(struct metrics *m, const struct reminder *rows,
    const enum reminder_state *states, size_t n, int64_t duration_ms,
    int64_t now)
{
	int64_t late;

	histogram_observe(&m->duration, duration_bounds,
	    NBOUNDS(duration_bounds), (double)duration_ms / 1000.0);
	for (size_t i = 0; i < n; i++) {
		switch (states[i]) {
		case RS_SENT:
			m->deliveries_sent++;
			late = now > rows[i].due_at ? now - rows[i].due_at : 0;
			histogram_observe(&m->lateness, lateness_bounds,
			    NBOUNDS(lateness_bounds), (double)late);
			break;
		case RS_RETRY:
			m->deliveries_retry++;
			break;
		default:
			m->deliveries_failed++;
			break;
		}
	}
}

void
metrics_config_loaded(struct metrics *m, bool ok, int64_t now)
{
	m->reload_ok = ok;
	if (ok)
		m->reload_at = now;
}

/* Tallies. */

static void
tallies_free(struct tallies *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* The tally called name, added when missing; NULL on ENOMEM. */
static struct tally *
tally_get(struct tallies *t, const char *name)
{
	struct tally *grown;
	size_t cap;

	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	if (t->n == t->cap) {
		cap = t->cap == 0 ? 16 : 2 * t->cap;
		if ((grown = realloc(t->v, cap * sizeof *grown)) == NULL)
			return NULL;
		t->v = grown;
		t->cap = cap;
	}
	memset(&t->v[t->n], 0, sizeof t->v[t->n]);
	if ((t->v[t->n].name = strdup(name)) == NULL)
		return NULL;
	return &t->v[t->n++];
}

static int
tally_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->name,
	    ((const struct tally *)b)->name);
}

static void
tallies_sort(struct tallies *t)
{
	if (t->n > 1)
		qsort(t->v, t->n, sizeof *t->v, tally_cmp);
}

static size_t
state_index(enum reminder_state s)
{
	for (size_t i = 0; i < NSTATES; i++)
		if (all_states[i] == s)
			return i;
	return 0;
}

/* Reading the store. */

static int
store_failed(struct duban *d, const char *what)
{
	log_err(&d->log, "metrics: %s: %s", what, store_error(d->store));
	return -1;
}

static int
nomem(struct duban *d)
{
	log_err(&d->log, "metrics: out of memory");
	return -1;
}

/* count_reminders' fold over the store's counts. */
struct reminder_counts {
	struct tallies	*chans;
	int64_t		 first;		/* earliest due_at not sent yet */
	uint64_t	 waiting;	/* pending and retry rows */
};

static int
reminder_count_add(void *arg, enum reminder_state state, const char *channel,
    int64_t count, int64_t min_due)
{
	struct reminder_counts *rc = arg;
	struct tally *t;

	if ((t = tally_get(rc->chans, channel)) == NULL)
		return -1;
	t->n[state_index(state)] += (uint64_t)count;
	if (state == RS_PENDING || state == RS_RETRY)
		rc->waiting += (uint64_t)count;
	if ((state == RS_PENDING || state == RS_RETRY ||
	    state == RS_SENDING) && min_due < rc->first)
		rc->first = min_due;
	return 0;
}

/*
 * Rows by channel and state, the age of the oldest row due and not sent,
 * and the rows waiting (pending, retry): counted by the store, so a scrape
 * does not read a big outbox row by row.
 */
static int
count_reminders(struct duban *d, struct tallies *chans, int64_t *oldest,
    uint64_t *waiting)
{
	const struct config *cf = d->config;
	int64_t now = clock_now(&d->clock);
	struct reminder_counts rc = { chans, now, 0 };

	for (size_t i = 0; i < cf->nchannels; i++)
		if (tally_get(chans, cf->channels[i].name) == NULL)
			return nomem(d);
	if (d->store->ops->reminders_count(d->store, reminder_count_add,
	    &rc) == -1)
		return store_failed(d, "reminders");
	*oldest = now - rc.first;
	if (waiting != NULL)
		*waiting = rc.waiting;
	return 0;
}

/* overdue_tasks' fold over the store's counts. */
struct overdue_counts {
	struct duban	*d;
	struct tallies	*offices;
};

/* One more overdue item for office (a name or an alias). */
static int
overdue_add(struct duban *d, struct tallies *offices, const char *office)
{
	const struct office_conf *oc = config_office(d->config, office);
	struct tally *t;

	if ((t = tally_get(offices, oc != NULL ? oc->name : office)) == NULL)
		return nomem(d);
	t->n[0]++;
	return 0;
}

static int
overdue_task_count(void *arg, const char *lead, int64_t count)
{
	struct overdue_counts *oc = arg;
	const struct office_conf *office = config_office(oc->d->config, lead);
	struct tally *t;

	if ((t = tally_get(oc->offices, office != NULL ? office->name :
	    lead)) == NULL)
		return -1;
	t->n[0] += (uint64_t)count;
	return 0;
}

/*
 * Active tasks not done whose deadline (the end of the due day, at
 * deadline_time) passed: due before today, or today once deadline_time
 * passed.  The store counts them by lead.
 */
static int
overdue_tasks(struct duban *d, struct tallies *offices, int64_t now)
{
	struct overdue_counts oc = { d, offices };
	int today = (int)((now - local_instant(0, 0)) / 86400);
	int before;

	/* local_instant handles the offset; find the local day of now. */
	while (local_instant(today + 1, 0) <= now)
		today++;
	while (local_instant(today, 0) > now)
		today--;
	before = local_instant(today, d->config->deadline_secs) < now ?
	    today + 1 : today;
	if (d->store->ops->tasks_overdue_count(d->store, before,
	    overdue_task_count, &oc) == -1)
		return store_failed(d, "tasks");
	return 0;
}

/* The running milestones of one open case whose deadline passed. */
static int
overdue_case(struct duban *d, struct tallies *offices,
    const struct case_row *c, int64_t now)
{
	const struct rule_conf *rule = config_rule(d->config, c->rule);
	struct store *st = d->store;
	struct case_event_rec *recs = NULL;
	struct tl_event *ev = NULL;
	struct tl_deadline dl;
	size_t nrecs = 0;
	char err[256];
	int rc = 0;

	if (rule == NULL)
		return 0;	/* no longer configured: nothing to count by */
	if (st->ops->case_events(st, c->id, &recs, &nrecs) == -1)
		return store_failed(d, "case events");
	if ((ev = case_tl_events(recs, nrecs)) == NULL)
		rc = nomem(d);
	for (size_t m = 0; m < rule->rule.nmilestones && rc == 0; m++) {
		if (tl_deadline(&rule->rule, m, ev, nrecs, &dl, err,
		    sizeof err) == -1)
			continue;	/* replanning logs it */
		if (dl.status == TL_RUNNING && dl.at < now)
			rc = overdue_add(d, offices, c->office);
	}
	free(ev);
	case_events_free(recs, nrecs);
	return rc;
}

static int
count_overdue(struct duban *d, struct tallies *offices)
{
	const struct config *cf = d->config;
	struct store *st = d->store;
	struct case_row *cases = NULL;
	int64_t now = clock_now(&d->clock);
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < cf->noffices; i++)
		if (tally_get(offices, cf->offices[i].name) == NULL)
			return nomem(d);
	if ((rc = overdue_tasks(d, offices, now)) == -1)
		return -1;
	if (st->ops->cases(st, false, &cases, &n) == -1)
		return store_failed(d, "cases");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = overdue_case(d, offices, &cases[i], now);
	case_rows_free(cases, n);
	return rc;
}

int
metrics_counts(struct duban *d, size_t *waiting, size_t *overdue)
{
	struct tallies chans = { NULL, 0, 0 }, offices = { NULL, 0, 0 };
	uint64_t nwaiting = 0;
	int64_t oldest;

	if (count_reminders(d, &chans, &oldest, &nwaiting) == -1 ||
	    count_overdue(d, &offices) == -1) {
		tallies_free(&chans);
		tallies_free(&offices);
		return -1;
	}
	*waiting = (size_t)nwaiting;
	*overdue = 0;
	for (size_t i = 0; i < offices.n; i++)
		*overdue += offices.v[i].n[0];
	tallies_free(&chans);
	tallies_free(&offices);
	return 0;
}

/* Writing the exposition. */

static void
header(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* A label value as the format wants it: \\, \" and \n escaped. */
static void
label_value(struct evbuffer *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			evbuffer_add(out, "\\\\", 2);
		else if (*s == '"')
			evbuffer_add(out, "\\\"", 2);
		else if (*s == '\n')
			evbuffer_add(out, "\\n", 2);
		else
			evbuffer_add(out, s, 1);
	}
}

static void
histogram_write(struct evbuffer *out, const char *name,
    const struct histogram *h, const double *bounds, size_t nbounds)
{
	uint64_t cum = 0;

	for (size_t i = 0; i < nbounds; i++) {
		cum += h->bucket[i];
		evbuffer_add_printf(out, "%s_bucket{le=\"%g\"} %llu\n", name,
		    bounds[i], (unsigned long long)cum);
	}
	evbuffer_add_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name,
	    (unsigned long long)h->count);
	evbuffer_add_printf(out, "%s_sum %.6f\n%s_count %llu\n", name, h->sum,
	    name, (unsigned long long)h->count);
}

static void
write_reminders(struct evbuffer *out, const struct tallies *chans)
{
	header(out, "duban_reminders", "gauge",
	    "Reminders in the outbox by state and channel.");
	for (size_t i = 0; i < chans->n; i++) {
		for (size_t s = 0; s < NSTATES; s++) {
			evbuffer_add_printf(out, "duban_reminders{state=\"%s\","
			    "channel=\"", reminder_state_str(all_states[s]));
			label_value(out, chans->v[i].name);
			evbuffer_add_printf(out, "\"} %llu\n",
			    (unsigned long long)chans->v[i].n[s]);
		}
	}
}

static void
write_deliveries(struct evbuffer *out, const struct metrics *m)
{
	header(out, "duban_deliveries_total", "counter",
	    "Reminders finished by a delivery attempt, by result.");
	evbuffer_add_printf(out,
	    "duban_deliveries_total{result=\"sent\"} %llu\n"
	    "duban_deliveries_total{result=\"retry\"} %llu\n"
	    "duban_deliveries_total{result=\"failed\"} %llu\n",
	    (unsigned long long)m->deliveries_sent,
	    (unsigned long long)m->deliveries_retry,
	    (unsigned long long)m->deliveries_failed);
	header(out, "duban_delivery_duration_seconds", "histogram",
	    "Time a delivery attempt took.");
	histogram_write(out, "duban_delivery_duration_seconds", &m->duration,
	    duration_bounds, NBOUNDS(duration_bounds));
	header(out, "duban_lateness_seconds", "histogram",
	    "Time from when a reminder was due to when it was sent.");
	histogram_write(out, "duban_lateness_seconds", &m->lateness,
	    lateness_bounds, NBOUNDS(lateness_bounds));
}

static void
write_overdue(struct evbuffer *out, const struct tallies *offices)
{
	header(out, "duban_overdue_items", "gauge",
	    "Tasks and case milestones past their deadline and not done, "
	    "by lead office.");
	for (size_t i = 0; i < offices->n; i++) {
		evbuffer_add_printf(out, "duban_overdue_items{office=\"");
		label_value(out, offices->v[i].name);
		evbuffer_add_printf(out, "\"} %llu\n",
		    (unsigned long long)offices->v[i].n[0]);
	}
}

static void
write_daemon(struct evbuffer *out, struct duban *d, int64_t oldest)
{
	const struct metrics *m = &d->metrics;

	header(out, "duban_oldest_pending_seconds", "gauge",
	    "Age of the oldest reminder that is due and not sent yet.");
	evbuffer_add_printf(out, "duban_oldest_pending_seconds %lld\n",
	    (long long)oldest);
	header(out, "duban_deliveries_in_flight", "gauge",
	    "Messages being sent now.");
	evbuffer_add_printf(out, "duban_deliveries_in_flight %zu\n",
	    d->dispatch != NULL ? dispatch_inflight(d->dispatch) : 0);
	header(out, "duban_deliveries_queued", "gauge",
	    "Messages waiting for room or for their channel's rate limit.");
	evbuffer_add_printf(out, "duban_deliveries_queued %zu\n",
	    d->dispatch != NULL ? dispatch_queued(d->dispatch) : 0);
	header(out, "duban_config_reload_success", "gauge",
	    "Whether the last load or reload of the configuration succeeded.");
	evbuffer_add_printf(out, "duban_config_reload_success %d\n",
	    m->reload_ok ? 1 : 0);
	header(out, "duban_config_reload_timestamp_seconds", "gauge",
	    "When the configuration in use was loaded.");
	evbuffer_add_printf(out, "duban_config_reload_timestamp_seconds %lld\n",
	    (long long)m->reload_at);
	header(out, "duban_build_info", "gauge",
	    "The version of duband; always 1.");
	evbuffer_add_printf(out, "duban_build_info{version=\"%s\"} 1\n",
	    PACKAGE_VERSION);
}

static void
provisional_line(struct evbuffer *out, const char *calendar, int year,
    int items)
{
	evbuffer_add_printf(out, "duban_provisional_items{calendar=\"");
	label_value(out, calendar);
	evbuffer_add_printf(out, "\",year=\"%d\"} %d\n", year, items);
}

/*
 * Provisional deadlines by calendar and year: every year that has some,
 * and this year and the next for every calendar (0 when none), so the
 * series drops to 0 when the year's holidays arrive; and whether each
 * calendar covers this year and the next.
 */
static int
write_provisional(struct evbuffer *out, struct duban *d)
{
	const struct config *cf = d->config;
	struct provisional_tally t;
	int year = day_year(local_day(clock_now(&d->clock)));

	if (replan_provisional_tally(d, &t) == -1)
		return -1;
	header(out, "duban_provisional_items", "gauge",
	    "Open items whose deadline falls in a year their calendar does "
	    "not cover, by calendar and year.");
	for (size_t i = 0; i < t.n; i++)
		provisional_line(out, t.v[i].calendar, t.v[i].year,
		    t.v[i].items);
	for (size_t c = 0; c < cf->ncalendars; c++) {
		for (int y = year; y <= year + 1; y++) {
			bool seen = false;

			for (size_t i = 0; i < t.n && !seen; i++)
				seen = t.v[i].year == y && strcmp(
				    t.v[i].calendar, cf->calendars[c].name) == 0;
			if (!seen)
				provisional_line(out, cf->calendars[c].name, y,
				    0);
		}
	}
	provisional_tally_free(&t);
	header(out, "duban_calendar_year_announced", "gauge",
	    "Whether the calendar has the year's public holidays (this year "
	    "and the next).");
	for (size_t c = 0; c < cf->ncalendars; c++) {
		for (int y = year; y <= year + 1; y++) {
			evbuffer_add_printf(out,
			    "duban_calendar_year_announced{calendar=\"");
			label_value(out, cf->calendars[c].name);
			evbuffer_add_printf(out, "\",year=\"%d\"} %d\n", y,
			    calendar_year_announced(cf->calendars[c].cal, y));
		}
	}
	return 0;
}

int
metrics_render(struct duban *d, struct evbuffer *out)
{
	struct tallies chans = { NULL, 0, 0 }, offices = { NULL, 0, 0 };
	int64_t oldest = 0;
	int rc = -1;

	if (count_reminders(d, &chans, &oldest, NULL) == -1 ||
	    count_overdue(d, &offices) == -1)
		goto out;
	tallies_sort(&chans);
	tallies_sort(&offices);
	write_reminders(out, &chans);
	write_deliveries(out, &d->metrics);
	write_overdue(out, &offices);
	if (write_provisional(out, d) == -1)
		goto out;
	write_daemon(out, d, oldest);
	rc = 0;
out:
	tallies_free(&chans);
	tallies_free(&offices);
	return rc;
}
