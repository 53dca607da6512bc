/*
 * The scheduler: keeps every open item's reminders planned in the store and
 * one libevent timer armed for the earliest pending row.  Nothing scans
 * periodically: the timer is re-armed whenever rows change.  When it fires,
 * due rows are claimed, grouped per office and channel (digest), rendered
 * and handed to the dispatcher.
 */
#ifndef DUBAN_SCHEDULE_H
#define DUBAN_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "reminder.h"

struct duban;
struct schedule;

struct schedule *schedule_new(struct duban *);
void schedule_free(struct schedule *);
/* Plans every open task and case (e.g. after an import).  0 or -1. */
int schedule_replan_all(struct schedule *);
/* Plans the tasks with those ids (e.g. the ones an import touched). */
int schedule_replan_tasks(struct schedule *, const int64_t *ids, size_t n);
/*
 * Start-up and reload: plans every open task and case only when the
 * planning inputs changed (replan_all_if_changed).  0 or -1.
 */
int schedule_replan_changed(struct schedule *);
/* Plans one item after it changed (opened, extended, paused, closed...). */
int schedule_replan(struct schedule *, enum item_type, int64_t item_id);
/* Re-arms the timer for the earliest pending row (call after changes). */
void schedule_rearm(struct schedule *);
/* The dispatcher has room again: claim more due rows if any wait. */
void schedule_kick(struct schedule *);

#endif
