/*
 * Applying plans: from a stored item (task or case) and the config, the
 * plan_input for each deadline it has, and the store's outbox made to
 * match.  Used by the scheduler; separate so the rules of "which deadline,
 * which offices, which policy" sit in one place.
 */
#ifndef DUBAN_REPLAN_H
#define DUBAN_REPLAN_H

#include <stdint.h>

#include "reminder.h"

struct duban;
struct case_row;
struct case_event_rec;
struct tl_event;

/* Replans one item (cancels its reminders when it is closed/done/retired). */
int replan_item(struct duban *, enum item_type, int64_t id);
/* Replans every task and open case. */
int replan_all(struct duban *);

/*
 * A case's events as tl_events (strings point into recs); the caller frees
 * the array.  NULL on ENOMEM.
 */
struct tl_event *case_tl_events(const struct case_event_rec *, size_t n);

#endif
