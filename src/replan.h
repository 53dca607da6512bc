/*
 * Applying plans: from a stored item (task or case) and the config, the
 * plan_input for each deadline it has, and the store's outbox made to
 * match.  Used by the scheduler; separate so the rules of "which deadline,
 * which offices, which policy" sit in one place.
 */
#ifndef DUBAN_REPLAN_H
#define DUBAN_REPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reminder.h"

struct duban;
struct case_row;
struct case_event_rec;
struct tl_event;

/*
 * Replans one item (cancels its reminders when it is closed/done/retired),
 * in a transaction of its own: not to be called inside one.
 */
int replan_item(struct duban *, enum item_type, int64_t id);
/*
 * Replans the tasks with those ids (e.g. the ones an import touched), all
 * in one transaction of its own: not to be called inside one.
 */
int replan_tasks(struct duban *, const int64_t *ids, size_t n);
/* Replans every task and open case. */
int replan_all(struct duban *);
/*
 * Start-up and reload: replan_all only when the planning fingerprint (a
 * hash of what planning reads besides the items: duband's version, the
 * store's schema version, time zone, deadline time, language, the bytes of
 * every config file that defines a section, and each calendar's working
 * days) differs from the one stored when the outbox was last planned.
 * Reminder rows are absolute, so with the same inputs a replan changes
 * nothing.  0 or -1.
 */
int replan_all_if_changed(struct duban *);
/*
 * The fingerprint as text ("v1:" and 16 hex digits) into buf; 0, or -1 when
 * buflen is too small.
 */
int replan_fingerprint(struct duban *, char *buf, size_t buflen);

/*
 * A case's events as tl_events (strings point into recs); the caller frees
 * the array.  NULL on ENOMEM.
 */
struct tl_event *case_tl_events(const struct case_event_rec *, size_t n);

/*
 * A task's parts ("分别负责"): the offices of its responsible list and,
 * when its lead is a group, the group's members; groups expanded, each
 * office once, by its name in the config (an office the config does not
 * know as written).  At most REPLAN_PARTS_MAX names, borrowed from the
 * config and rec, go to parts; returns how many (0: the task has none).
 */
#define REPLAN_PARTS_MAX	64
struct config;
struct task_rec;
size_t replan_task_parts(const struct config *, const struct task_rec *,
    const char **parts);

/*
 * Provisional deadlines: an open item whose deadline falls in (a case's:
 * or was counted through) a year its calendar does not cover.  Replanning
 * such an item sends admin_office one notice per calendar and year.
 */
struct config;
struct task_row;

struct provisional {
	const char	*calendar;	/* borrowed from the config */
	int		 year;		/* 0: not provisional */
	int64_t		 deadline_at;
};

/* Whether the item is provisional; *out tells how (zeroed when not). */
bool replan_task_provisional(const struct config *, const struct task_row *,
    struct provisional *out);
bool replan_case_provisional(const struct config *, const struct case_row *,
    const struct case_event_rec *, size_t n, struct provisional *out);

/* Open items with a provisional deadline, per calendar and year. */
struct provisional_count {
	const char	*calendar;	/* borrowed from the config */
	int		 year;
	int		 items;
};

struct provisional_tally {
	struct provisional_count	*v;	/* in the order first seen */
	size_t				 n;
};

/* 0, or -1 with the store's error. */
int replan_provisional_tally(struct duban *, struct provisional_tally *);
void provisional_tally_free(struct provisional_tally *);
/* The open items provisional for calendar and year, or -1. */
int replan_provisional_count(struct duban *, const char *calendar, int year);

#endif
