/*
 * Prometheus metrics for GET /metrics (text exposition format 0.0.4).
 *
 * Counters and histograms of deliveries are kept in memory (struct
 * metrics, in struct duban) and start at zero with the process, as
 * Prometheus expects of counters; gauges about reminders and items are
 * read from the store at each scrape.  duban.conf(5) lists the series.
 */
#ifndef DUBAN_METRICS_H
#define DUBAN_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reminder.h"

struct duban;
struct evbuffer;

#define METRICS_BUCKETS_MAX	16

struct histogram {
	uint64_t	bucket[METRICS_BUCKETS_MAX];	/* not cumulative */
	uint64_t	count;		/* bucket[] plus the +Inf overflow */
	double		sum;
};

struct metrics {
	uint64_t		deliveries_sent;
	uint64_t		deliveries_retry;
	uint64_t		deliveries_failed;
	struct histogram	duration;	/* per message sent or tried */
	struct histogram	lateness;	/* per reminder sent: send - due */
	bool			reload_ok;	/* the last (re)load took */
	int64_t			reload_at;	/* the last good one, UTC s; 0: none */
};

/*
 * One delivery attempt ended (dispatch.c): the message carried rows[0..n),
 * each finished in states[i] (RS_SENT, RS_RETRY or RS_FAILED), and took
 * duration_ms.  now is the clock's time when it ended.
 */
void metrics_delivery(struct metrics *, const struct reminder *rows,
    const enum reminder_state *states, size_t n, int64_t duration_ms,
    int64_t now);
/* The config was loaded (start-up) or a reload was tried at now. */
void metrics_config_loaded(struct metrics *, bool ok, int64_t now);

/* Appends the exposition to out.  0, or -1 (store error, logged). */
int metrics_render(struct duban *, struct evbuffer *out);

/*
 * For the service manager's status line: reminders waiting to be sent
 * (pending or retry, due or not) and items overdue now (tasks and case
 * milestones).  0, or -1 (store error, logged).
 */
int metrics_counts(struct duban *, size_t *waiting, size_t *overdue);

#endif
