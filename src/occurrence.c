/*
 * Occurrences of recurring duties.  See occurrence.h.
 *
 * Decisions visible to users (doc/counting.md, "Recurring duties"):
 *  - An occurrence is created at the start (00:00) of the day of its first
 *    reminder: the earliest `before` offset of its policy counted back from
 *    its due day (working days on its calendar, calendar days, or hours
 *    from the deadline instant), or its due day when the policy has no
 *    `before`.  So it exists before any of its reminders is due, and only
 *    the next one to come exists ahead of time.
 *  - The first occurrence is the first due on or after the day the
 *    template was stored; a template never reaches back into periods
 *    before it.
 *  - Like any item, an occurrence created late (the daemon was down) gets
 *    only the reminders due from its creation on, plus the latest missed
 *    due-or-overdue one.
 *  - At most OCCURRENCES_MAX occurrences are kept per template (a daily
 *    RRULE template stored years ago); the excess is logged.
 */
#include "occurrence.h"

#include <event2/event.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "config.h"
#include "date.h"
#include "duband.h"
#include "recur.h"
#include "replan.h"
#include "schedule.h"
#include "store.h"

#define OCCURRENCES_MAX	1000
#define SOURCE_PREFIX	"repeat:"
#define NO_TIME		INT64_MAX

struct occurrences {
	struct duban	*d;
	struct event	*timer;
};

/* The wanted occurrences of one template, their strings owned. */
struct wanted {
	struct task_rec	 rec[OCCURRENCES_MAX];
	char		 key[OCCURRENCES_MAX][256];
	char		 label[OCCURRENCES_MAX][RECUR_LABEL_MAX];
	size_t		 n;
};

static void on_timer(evutil_socket_t, short, void *);

struct occurrences *
occurrences_new(struct duban *d)
{
	struct occurrences *o = calloc(1, sizeof *o);

	if (o == NULL)
		return NULL;
	o->d = d;
	if ((o->timer = evtimer_new(d->base, on_timer, o)) == NULL) {
		free(o);
		return NULL;
	}
	return o;
}

void
occurrences_free(struct occurrences *o)
{
	if (o == NULL)
		return;
	event_free(o->timer);
	free(o);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct occurrences *o = arg;

	(void)fd;
	(void)what;
	occurrence_sync(o->d, clock_now(&o->d->clock));
}

static void
arm(struct duban *d, int64_t next_at, int64_t now)
{
	struct occurrences *o = d->occurrences;
	struct timeval tv;
	int64_t delay;

	if (o == NULL)
		return;
	evtimer_del(o->timer);
	if (next_at == NO_TIME)
		return;
	delay = next_at > now ? next_at - now : 0;
	tv.tv_sec = (time_t)delay;
	tv.tv_usec = 0;
	evtimer_add(o->timer, &tv);
}

static const struct calendar *
task_calendar(const struct config *cf, const char *name)
{
	const struct calendar_conf *cc = NULL;

	if (name != NULL)
		cc = config_calendar(cf, name);
	return (cc != NULL ? cc : &cf->calendars[0])->cal;
}

static const struct policy_conf *
task_policy(const struct config *cf, const char *name)
{
	if (name != NULL)
		return config_policy(cf, name);
	return cf->npolicies > 0 ? &cf->policies[0] : NULL;
}

/* The start of the day of an occurrence's first reminder (see above). */
static int64_t
first_reminder(const struct config *cf, const struct policy_conf *policy,
    const struct calendar *cal, int due)
{
	int64_t first = local_instant(due, 0), t;
	int day;

	for (size_t i = 0; policy != NULL && i < policy->nbefore; i++) {
		const struct duration *b = &policy->before[i];
		int n = b->n < 0 ? -b->n : b->n;

		switch (b->unit) {
		case DUR_WORKDAYS:
			if (calendar_add_workdays(cal, due, -n, &day) < 0)
				continue;
			t = local_instant(day, 0);
			break;
		case DUR_DAYS:
			t = local_instant(due - n, 0);
			break;
		case DUR_HOURS:
			t = local_instant(due, cf->deadline_secs) -
			    (int64_t)n * 3600;
			break;
		default:
			continue;
		}
		if (t < first)
			first = t;
	}
	return first;
}

static void
want(struct wanted *w, const struct task_row *p, const char *source, int due,
    const char *label)
{
	struct task_rec *rec = &w->rec[w->n];
	char day[DAY_STRLEN];

	*rec = p->rec;
	snprintf(w->key[w->n], sizeof w->key[w->n], "%s@%s", p->rec.key,
	    day_format(due, day));
	snprintf(w->label[w->n], sizeof w->label[w->n], "%s", label);
	rec->key = w->key[w->n];
	rec->source = source;
	rec->due = due;
	rec->due_text = w->label[w->n];
	rec->repeat = NULL;
	rec->parent = p->rec.key;
	w->n++;
}

/*
 * The wanted occurrences of template p into w; *next_at becomes the first
 * reminder of the next one when that is earlier.
 */
static int
wanted_of(struct duban *d, const struct task_row *p, const char *source,
    int64_t now, struct wanted *w, int64_t *next_at)
{
	const struct config *cf = d->config;
	const struct calendar *cal = task_calendar(cf, p->rec.calendar);
	const struct policy_conf *policy = task_policy(cf, p->rec.policy);
	struct recur r;
	struct recur_iter it;
	enum recur_status st = RECUR_OK;
	char err[512], label[RECUR_LABEL_MAX];
	int64_t first;
	int due;

	if (!recur_parse(p->rec.repeat, &r, err, sizeof err)) {
		log_warn(&d->log, "task \"%s\": repeat: %s", p->rec.key, err);
		return -1;
	}
	if (recur_iter_init(&it, &r, cal, local_day(p->created_at)) == -1) {
		log_err(&d->log, "task \"%s\": out of memory", p->rec.key);
		return -1;
	}
	while (w->n < OCCURRENCES_MAX &&
	    (st = recur_iter_next(&it, &due, label, sizeof label)) > 0) {
		want(w, p, source, due, label);
		first = first_reminder(cf, policy, cal, due);
		if (first > now) {
			if (first < *next_at)
				*next_at = first;
			break;
		}
	}
	recur_iter_free(&it);
	if (w->n == OCCURRENCES_MAX)
		log_warn(&d->log, "task \"%s\": only the first %d occurrences "
		    "are kept", p->rec.key, OCCURRENCES_MAX);
	if (st < 0) {
		log_warn(&d->log, "task \"%s\": no further occurrences: %s",
		    p->rec.key, st == RECUR_EUNANNOUNCED ? "the calendar is "
		    "strict and the next falls in a year not announced" :
		    "out of memory");
	}
	return 0;
}

/* Replans every occurrence stored under source (retired ones too). */
static int
replan_source(struct duban *d, const char *source)
{
	struct store *st = d->store;
	struct task_row *rows = NULL;
	size_t n = 0;
	int rc = 0;

	if (st->ops->tasks(st, source, true, &rows, &n) == -1) {
		log_err(&d->log, "%s", store_error(st));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (replan_item(d, ITEM_TASK, rows[i].id) == -1)
			rc = -1;
	task_rows_free(rows, n);
	return rc;
}

/* Makes source's occurrences match w (n may be 0) and replans on change. */
static int
sync_source(struct duban *d, const char *source, const struct wanted *w,
    size_t n, int64_t now)
{
	struct store *st = d->store;
	struct sync_stats stats;

	memset(&stats, 0, sizeof stats);
	if (st->ops->tasks_sync(st, source, n > 0 ? w->rec : NULL, n, now,
	    &stats) == -1) {
		log_err(&d->log, "%s: %s", source, store_error(st));
		return -1;
	}
	if (stats.added + stats.changed + stats.retired + stats.restored == 0)
		return 0;
	log_info(&d->log, "%s: occurrences: %d added, %d changed, %d retired, "
	    "%d restored", source, stats.added, stats.changed, stats.retired,
	    stats.restored);
	return replan_source(d, source);
}

static bool
is_template(const struct task_row *t)
{
	return t->rec.repeat != NULL && t->parent_id == 0;
}

/* Whether an occurrence's template is among the active templates. */
static bool
has_template(const struct task_row *rows, size_t n, const char *parent)
{
	for (size_t i = 0; i < n; i++)
		if (is_template(&rows[i]) && strcmp(rows[i].rec.key,
		    parent) == 0)
			return true;
	return false;
}

int
occurrence_sync(struct duban *d, int64_t now)
{
	struct store *st = d->store;
	struct task_row *rows = NULL;
	struct wanted *w;
	char source[256];
	int64_t next_at = NO_TIME;
	size_t n = 0;
	int rc = 0;

	if ((w = malloc(sizeof *w)) == NULL) {
		log_err(&d->log, "occurrences: out of memory");
		return -1;
	}
	if (st->ops->tasks_recurring(st, &rows, &n) == -1) {
		log_err(&d->log, "%s", store_error(st));
		free(w);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!is_template(&rows[i]))
			continue;
		snprintf(source, sizeof source, SOURCE_PREFIX "%s",
		    rows[i].rec.key);
		w->n = 0;
		if (wanted_of(d, &rows[i], source, now, w, &next_at) == -1 ||
		    sync_source(d, source, w, w->n, now) == -1)
			rc = -1;
	}
	/* Occurrences of templates retired or no longer recurring. */
	for (size_t i = 0; i < n; i++) {
		if (rows[i].parent_id == 0 || rows[i].rec.parent == NULL ||
		    strncmp(rows[i].rec.source, SOURCE_PREFIX,
		    strlen(SOURCE_PREFIX)) != 0 ||
		    has_template(rows, n, rows[i].rec.parent))
			continue;
		if (sync_source(d, rows[i].rec.source, w, 0, now) == -1)
			rc = -1;
	}
	task_rows_free(rows, n);
	free(w);
	schedule_rearm(d->schedule);
	arm(d, next_at, now);
	return rc;
}
