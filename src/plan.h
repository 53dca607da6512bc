/*
 * Reminder planning: from a policy and an item's deadline, the absolute
 * times of every reminder it should get.  Pure: reads config and calendar,
 * writes nothing; the store applies the plan (reminders_plan).
 *
 * For the lead office (and the assisting offices when the policy has
 * notify_assist), on every channel of that office:
 *  - RK_BEFORE on each `before` offset (working days back from the deadline
 *    day), at the start of the policy's window (hours; 09:00 without);
 *  - RK_DUE on the deadline day at the window start (at_deadline);
 *  - RK_OVERDUE every `overdue_every` after the deadline day, planned up to
 *    PLAN_OVERDUE_AHEAD repeats past max(now, since), skipped for offices
 *    that acknowledged;
 * and RK_ESCALATION to the lead office's supervisor `escalate_after` past
 * the deadline day.  A time outside the policy's hours, or on a day that
 * is not a working day, moves to the next window.
 *
 * Rows due before `since` (the time of the change that planned them) are
 * left out, except the latest overdue-or-due row per office and channel
 * and the escalation, so an item created already late is reminded once,
 * not once per missed day.  Rows due after since but before now are kept:
 * that is the catch-up after the daemon was down.
 */
#ifndef DUBAN_PLAN_H
#define DUBAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct config;
struct policy_conf;
struct calendar;

#define PLAN_OVERDUE_AHEAD 20

struct plan_input {
	const struct config		*config;
	const struct policy_conf	*policy;
	const struct calendar		*cal;
	const char			*milestone;	/* NULL for tasks */
	int				 deadline_day;
	int64_t				 deadline_at;
	const char			*lead;
	const char *const		*assist;
	size_t				 nassist;
	const char *const		*acked;		/* offices that acknowledged */
	size_t				 nacked;
	int64_t				 since;
	int64_t				 now;
};

struct plan {
	struct reminder_plan	*rows;		/* strings point into config */
	size_t			 n;
	bool			 provisional;	/* a date fell in an unannounced year */
};

/* 0, or -1 with err (e.g. a strict calendar). */
int plan_reminders(const struct plan_input *, struct plan *out, char *err,
    size_t errlen);
void plan_free(struct plan *);

/*
 * The reminder that a minimum period is complete (doc/counting.md): one
 * RK_DUE row on each channel of the lead office, at the first window start
 * after the period's end (in->deadline_day and deadline_at; the morning
 * after a period counted in days), left out when before since.  Assisting
 * offices, before, overdue and escalation do not apply.  0, or -1 with err.
 */
int plan_minimum(const struct plan_input *, struct plan *out, char *err,
    size_t errlen);

/*
 * The start of the window at or after t (policy hours on working days); t
 * itself when it is inside one, or when the policy has no hours.  On a
 * calendar error (strict calendar, date out of range) t unchanged.
 */
int64_t plan_next_window(const struct policy_conf *, const struct calendar *,
    int64_t t);

#endif
