/*
 * Bringing the store in line with a loaded config.
 *
 * Config tasks are synced as source "config": a task removed from the
 * config is retired (kept, with its history), one that comes back is
 * restored.  A task without a calendar gets the config's first calendar,
 * written into the store so that the stored task says which calendar its
 * dates count in.  Offices are put with their supervisor; an office removed
 * from the config stays in the store (history is never deleted).
 */
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "store.h"

#define SYNC_SOURCE "config"

static void
task_rec_from_conf(struct task_rec *rec, const struct task_conf *tc,
    const char *default_calendar)
{
	rec->key = tc->id;
	rec->source = SYNC_SOURCE;
	rec->title = tc->title;
	rec->lead = tc->lead;
	rec->assist = (const char *const *)tc->assist;
	rec->nassist = tc->nassist;
	rec->due = tc->due < 0 ? -1 : tc->due;
	rec->due_text = NULL;	/* a config date is exact */
	rec->repeat = tc->repeat;
	rec->policy = tc->policy;
	rec->calendar = tc->calendar != NULL ? tc->calendar : default_calendar;
	rec->target = tc->target;
}

static int
sync_offices(struct store *st, const struct config *conf, int64_t now)
{
	struct office_rec rec;
	size_t i;

	for (i = 0; i < conf->noffices; i++) {
		rec.name = conf->offices[i].name;
		rec.supervisor = conf->offices[i].supervisor;
		if (st->ops->office_put(st, &rec, now) == -1)
			return -1;
	}
	return 0;
}

int
sync_config(struct store *st, const struct config *conf, int64_t now,
    struct sync_stats *stats, char *err, size_t errlen)
{
	const struct store_ops *ops = st->ops;
	const char *default_calendar;
	struct task_rec *recs;
	size_t i;
	int rc = -1;

	default_calendar = conf->ncalendars > 0 ? conf->calendars[0].name :
	    NULL;
	if ((recs = calloc(conf->ntasks == 0 ? 1 : conf->ntasks,
	    sizeof *recs)) == NULL) {
		snprintf(err, errlen, "sync: out of memory");
		return -1;
	}
	for (i = 0; i < conf->ntasks; i++)
		task_rec_from_conf(&recs[i], &conf->tasks[i], default_calendar);

	if (ops->begin(st) == 0) {
		if (sync_offices(st, conf, now) == 0 &&
		    ops->tasks_sync(st, SYNC_SOURCE, recs, conf->ntasks, now,
		    stats) == 0 && ops->commit(st) == 0)
			rc = 0;
		else {
			/* The failure's message, not rollback's. */
			snprintf(err, errlen, "%s", store_error(st));
			ops->rollback(st);
		}
	} else
		snprintf(err, errlen, "%s", store_error(st));
	free(recs);
	return rc;
}
