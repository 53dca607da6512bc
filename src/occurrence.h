/*
 * The occurrences of recurring duties as items of their own.
 *
 * A task with a repeat spec (recur.h) is a template: it gets no reminders.
 * Each of its occurrences is a task stored under source "repeat:<key>",
 * key "<key>@YYYY-MM-DD" (its due day), with the template's title, offices,
 * policy, calendar and target, due_text the period's label ("2025年第一季度")
 * and parent the template's key; so it is listed, reminded, completed and
 * reported on its own.
 *
 * occurrence_sync makes the stored occurrences of every active template
 * match the wanted ones: those due on or after the template's creation day
 * whose first reminder (the policy's earliest `before`, or the due day)
 * has come, and the first one whose first reminder is still ahead.  A
 * changed template updates its occurrences (history kept); a retired
 * template or a changed spec retires the ones no longer wanted (done ones
 * stay done: history is never deleted).  One timer, armed at the next
 * first reminder, runs the sync again.
 */
#ifndef DUBAN_OCCURRENCE_H
#define DUBAN_OCCURRENCE_H

#include <stdint.h>

struct duban;
struct occurrences;

/* The timer, on d->base; NULL when out of memory. */
struct occurrences *occurrences_new(struct duban *d);
void occurrences_free(struct occurrences *);

/*
 * Start-up, reload and the timer: syncs every template's occurrences,
 * replans the ones that changed and re-arms d->occurrences' timer (when
 * there is one).  0, or -1 after logging why (the other templates are
 * still synced).
 */
int occurrence_sync(struct duban *d, int64_t now);

#endif
