/*
 * The on-time report for performance assessment (考核): per office, the
 * items whose deadline falls in a period, and how each stands.  Pure: the
 * caller gathers the items (tasks with a due date, case milestones) and
 * the rules of counting live here, so the API and the task listing agree.
 *
 * An item is
 *  - on time: done at or before its deadline;
 *  - late: done after it;
 *  - open: not done, the deadline still ahead of now (or now exactly);
 *  - overdue: not done, the deadline passed.
 * Working days late are counted in (deadline day, end day], end day being
 * the day it was done, or today while it is overdue: an item done on the
 * Saturday after a Friday deadline is late by 0 working days.
 */
#ifndef DUBAN_REPORT_H
#define DUBAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct calendar;

enum item_status {
	ITEM_OPEN,
	ITEM_OVERDUE,
	ITEM_ON_TIME,
	ITEM_LATE,
};

/* How an item with that deadline and done_at (0: not done) stands. */
enum item_status report_item_status(int64_t deadline_at, int64_t done_at,
    int64_t now);

/* One item in the period. */
struct report_item {
	const char		*office;	/* borrowed */
	int			 deadline_day;	/* local day of deadline_at */
	int64_t			 deadline_at;
	int64_t			 done_at;	/* 0: not done */
	const struct calendar	*cal;		/* for working days late */
};

struct report_counts {
	int	due;
	int	on_time;
	int	late;
	int	open;
	int	overdue;
	long	workdays_late;	/* summed over late and overdue items */
};

struct report_row {
	char			*office;
	struct report_counts	 c;
};

struct report {
	struct report_row	*rows;		/* by office name, byte order */
	size_t			 n;
	struct report_counts	 total;
};

/*
 * Counts items into rep (rows by office; rep is overwritten).  0, or -1
 * when out of memory.
 */
int report_compute(const struct report_item *, size_t n, int64_t now,
    struct report *rep);
void report_free(struct report *);

/* on_time / (on_time + late + overdue); false when that is 0 (no rate). */
bool report_on_time_rate(const struct report_counts *, double *rate);
/* Mean working days late over late + overdue items; false when none. */
bool report_mean_workdays_late(const struct report_counts *, double *mean);

#endif
