/*
 * Recurring duties: a task's `repeat` spec and the due days of its
 * occurrences.
 *
 *   SPEC = PERIOD [ "+N days" | "+N workdays" ]  |  RRULE
 *   PERIOD = "yearly" | "yearly MM-DD" | "half-yearly" | "quarterly"
 *          | "monthly" | "monthly DD"
 *   RRULE  = an RFC 5545 recurrence rule, "FREQ=...;...", read by libical
 *
 * A period form names one base day per period: the day it gives ("yearly
 * 03-31", "monthly 10"; "monthly 31" in a 30-day month is the 30th, "yearly
 * 02-29" in a common year the 28th) or else the period's last day.  The
 * offset counts after the base day, on the task's calendar for workdays:
 * "quarterly +15 days" (每季度结束后15日内) is due 04-15, 07-15, 10-15 and
 * 01-15.  Each occurrence carries a label naming its period: "2026年第一季度",
 * "2026年上半年", "2026年3月", "2026年"; an RRULE occurrence's label is its
 * date ("2026年3月31日").
 *
 * An RRULE has no DTSTART of its own: the series starts on the day the
 * iteration starts from (a task's creation day, calc's --from), which
 * matters only for rules that take a day from DTSTART (FREQ=MONTHLY alone,
 * INTERVAL=2...).  Rules repeating more often than daily are refused; two
 * occurrences on one day are one.
 */
#ifndef DUBAN_RECUR_H
#define DUBAN_RECUR_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"

#define RECUR_SPEC_MAX 256
#define RECUR_LABEL_MAX 32	/* "2026年第一季度", "2026年12月31日" and NUL */

enum recur_offset {
	RECUR_OFFSET_NONE,
	RECUR_OFFSET_DAYS,
	RECUR_OFFSET_WORKDAYS,
};

struct recur {
	bool		  rrule;	/* the spec is an RRULE (below) */
	char		  rule[RECUR_SPEC_MAX];
	int		  months;	/* period length: 1, 3, 6 or 12 */
	int		  month;	/* 1..12 ("yearly MM-DD"); 0: the last */
	int		  mday;		/* 1..31; 0: the last day of the month */
	enum recur_offset offset;
	int		  n;		/* the offset, >= 0 */
};

enum recur_status {
	RECUR_END = 0,		/* no more occurrences (span or rule ends) */
	RECUR_OK = 1,
	RECUR_PROVISIONAL = 2,	/* a workday offset crossed an unannounced
				   year: the due day is provisional */
	RECUR_EUNANNOUNCED = -1,/* ... of a strict calendar: no due day */
	RECUR_ENOMEM = -2,
};

/* Iterates the occurrences of a recur due on or after a day. */
struct recur_iter {
	const struct recur		*r;
	const struct calendar		*cal;
	int				 from;
	int				 period;	/* the next period */
	int				 last;		/* the last due day */
	struct icalrecur_iterator_impl	*ical;		/* RRULE */
};

/*
 * Reads spec into *r.  On failure writes why into err (without naming a
 * file: the caller adds that) and returns false.
 */
bool recur_parse(const char *spec, struct recur *r, char *err,
    size_t errlen);

/* Whether the spec counts working days (and so needs a calendar). */
bool recur_uses_calendar(const struct recur *);

/*
 * Starts iterating the occurrences of r due on or after from (a date.h
 * day; an RRULE's series starts there).  cal may be NULL when
 * recur_uses_calendar is false.  0, or -1 when out of memory.
 */
int recur_iter_init(struct recur_iter *, const struct recur *r,
    const struct calendar *cal, int from);

/*
 * The next occurrence: its due day and its period's label (at least
 * RECUR_LABEL_MAX bytes).  Occurrences come in order of due day, each day
 * once.
 */
enum recur_status recur_iter_next(struct recur_iter *, int *due, char *label,
    size_t labellen);

void recur_iter_free(struct recur_iter *);

/*
 * The first occurrence due on or after from: recur_iter_init, one
 * recur_iter_next, recur_iter_free.
 */
enum recur_status recur_next(const struct recur *r, const struct calendar *cal,
    int from, int *due, char *label, size_t labellen);

#endif
