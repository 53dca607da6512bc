/*
 * Working-day calendars: weekends, public holidays and make-up working days
 * (调休) that turn a weekend day into a working day.
 *
 * A calendar is filled (calendar_set_day, calendar_load_ics), then frozen with
 * calendar_finalize, which precomputes a cumulative working-day count for
 * every day of the supported span (date.h) and the ordered list of working
 * days.  After that every query is O(1) or O(log n) and the calendar is
 * read-only, so one calendar may be shared by everything that counts days.
 *
 * A year is "announced" when the calendar holds at least one holiday in it
 * (every Chinese year has New Year's Day).  A computation that touches a year
 * that is not announced counts weekends only for that year and returns
 * CAL_PROVISIONAL, so the caller can warn and flag the result; a strict
 * calendar returns CAL_EUNANNOUNCED instead and no result.
 */
#ifndef DUBAN_CALENDAR_H
#define DUBAN_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

struct calendar;

enum day_kind {
	DAY_HOLIDAY,	/* not a working day, whatever the weekday */
	DAY_WORKDAY,	/* a working day, whatever the weekday (调休) */
};

enum cal_status {
	CAL_OK = 0,
	CAL_PROVISIONAL = 1,	/* result stands, but a year was not announced */
	CAL_ERANGE = -1,	/* a date outside 1970-01-01 .. 2199-12-31 */
	CAL_EUNANNOUNCED = -2,	/* strict calendar reached an unannounced year */
	CAL_ENOHOURS = -3,	/* working hours asked of a calendar without
				   office hours */
};

/* A local wall-clock instant: a date.h day and seconds after its midnight. */
struct cal_time {
	int	day;
	int	secs;	/* 0 .. 86400 (86400: the end of the day) */
};

struct calendar *calendar_new(const char *name);
void calendar_free(struct calendar *);
const char *calendar_name(const struct calendar *);

void calendar_set_strict(struct calendar *, bool strict);
bool calendar_strict(const struct calendar *);

/*
 * Marks day as a holiday or a make-up working day.  Setting a day twice to
 * the same kind is harmless; setting it to the other kind is an error
 * (returns -1 and writes a message to err).
 */
int calendar_set_day(struct calendar *, int day, enum day_kind kind,
    char *err, size_t errlen);

/*
 * Reads an iCalendar file with libical.  All-day VEVENTs cover DTSTART up to
 * (not including) DTEND; an event is a holiday with
 * X-APPLE-SPECIAL-DAY:WORK-HOLIDAY or a SUMMARY ending in "(休)", a working
 * day with X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY or a SUMMARY ending in
 * "(班)"; other events are ignored.  On error returns -1 with "path:line:
 * message" (line where known) in err.
 */
int calendar_load_ics(struct calendar *, const char *path, char *err,
    size_t errlen);

/*
 * The office hours that "workhours" count (sorted, disjoint ranges, as
 * parse_hours gives them); n == 0 means none.  Set before finalizing.
 */
void calendar_set_office_hours(struct calendar *, const struct office_hours *);
bool calendar_has_office_hours(const struct calendar *);

/* Freezes the calendar; must be called before any query.  0 or -1 (ENOMEM). */
int calendar_finalize(struct calendar *);

/* Whether year has holiday data. */
bool calendar_year_announced(const struct calendar *, int year);

/*
 * The queries.  Days are date.h day numbers.  Each returns a cal_status and
 * writes its answer through the last argument only when the status is >= 0.
 */
enum cal_status calendar_is_workday(const struct calendar *, int day,
    bool *workday);

/*
 * The n-th working day after start (start itself not counted).  n = 0 gives
 * start itself.  n < 0 gives the |n|-th working day before start.
 * So (start, result] holds n working days for n > 0, and [result, start)
 * holds |n| for n < 0; count_workdays(start, result) == n both ways when
 * start is itself a working day.
 */
enum cal_status calendar_add_workdays(const struct calendar *, int start,
    int n, int *result);

/*
 * start + n calendar days; with roll, a result that is not a working day
 * moves forward to the next working day.
 */
enum cal_status calendar_add_days(const struct calendar *, int start, int n,
    bool roll, int *result);

/* The working days in (from, to]: after from, up to and including to.
 * Negative when to < from (the count of (to, from], negated). */
enum cal_status calendar_count_workdays(const struct calendar *, int from,
    int to, int *count);

/*
 * The instant secs working seconds after start, counting only the office
 * hours of working days (调休 included): 16:00 on a Monday + 4 hours with
 * "09:00-12:00,13:30-17:30" is 11:30 on Tuesday.  A count that runs out at
 * the end of a range ends there (12:00, not 13:30).  secs < 0 counts
 * backwards and may end at the start of a range.  O(days crossed).
 */
enum cal_status calendar_add_workhours(const struct calendar *,
    struct cal_time start, int64_t secs, struct cal_time *result);

/* The working seconds in [from, to); negative when to is before from. */
enum cal_status calendar_count_workhours(const struct calendar *,
    struct cal_time from, struct cal_time to, int64_t *secs);

/* The first working day on or after day. */
enum cal_status calendar_next_workday(const struct calendar *, int day,
    int *result);

/* A short human text for a status, e.g. for warnings. */
const char *cal_status_str(enum cal_status);

#endif
