/*
 * Working-day calendars.
 *
 * While a calendar is being filled, the marks (holiday / make-up working
 * day) live in one byte per day of the supported span.  calendar_finalize
 * turns them into two int32 arrays over the whole span, which answer every
 * query in O(1):
 *
 *   cum[d]      the number of working days in DAY_MIN .. d (inclusive);
 *   workday[i]  the i-th working day of the span, in order.
 *
 * so that "working days in (a, b]" is cum[b] - cum[a] and "the n-th working
 * day after a" is workday[cum[a] + n - 1].  About 84k days: some 580 KB per
 * calendar.  The byte marks are freed then.
 *
 * Decisions (user-visible):
 * - A year is announced when it holds at least one holiday.  A year that is
 *   not announced counts weekends only (Saturday and Sunday off), even if a
 *   make-up working day was set in it: one stray 调休 date does not make a
 *   calendar for the year.
 * - A result is provisional when any year from the start to the result
 *   (both included) is not announced; n = 0 and is_workday look only at the
 *   day's own year.
 * - Working hours (calendar_add_workhours) count the office-hours ranges of
 *   working days only; an instant inside lunch or after hours starts
 *   counting at the next range.  Their status is that of the days from
 *   the start to the result, like the working-day queries.
 * - A holiday may fall on a weekend (ranges such as 2024-02-10..17 do), and a
 *   working day may be set on a weekday; both are harmless.
 */
#include "calendar.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

#define SPAN_DAYS (DAY_MAX - DAY_MIN + 1)
#define SPAN_YEARS (DAY_LAST_YEAR - DAY_FIRST_YEAR + 1)

enum mark {
	MARK_NONE = 0,
	MARK_HOLIDAY,
	MARK_WORKDAY,
};

struct calendar {
	char		*name;
	bool		 strict;

	/* Filling: one enum mark per day, allocated on first use. */
	uint8_t		*marks;
	bool		 announced[SPAN_YEARS];

	struct office_hours	 hours;

	/* Finalized: see the comment at the top. */
	int32_t		*cum;
	int32_t		*workday;
	int32_t		 nworkdays;
	/* unannounced_before[i]: unannounced years among the first i. */
	int16_t		 unannounced_before[SPAN_YEARS + 1];
};

struct calendar *
calendar_new(const char *name)
{
	struct calendar *cal;

	if ((cal = calloc(1, sizeof(*cal))) == NULL)
		return NULL;
	if ((cal->name = strdup(name)) == NULL) {
		free(cal);
		return NULL;
	}
	return cal;
}

void
calendar_free(struct calendar *cal)
{
	if (cal == NULL)
		return;
	free(cal->name);
	free(cal->marks);
	free(cal->cum);
	free(cal->workday);
	free(cal);
}

const char *
calendar_name(const struct calendar *cal)
{
	return cal->name;
}

void
calendar_set_strict(struct calendar *cal, bool strict)
{
	cal->strict = strict;
}

bool
calendar_strict(const struct calendar *cal)
{
	return cal->strict;
}

static bool
day_in_span(long long day)
{
	return day >= DAY_MIN && day <= DAY_MAX;
}

static const char *
kind_name(enum mark mark)
{
	return mark == MARK_HOLIDAY ? "a holiday" : "a working day";
}

int
calendar_set_day(struct calendar *cal, int day, enum day_kind kind,
    char *err, size_t errlen)
{
	enum mark	 mark, old;
	char		 buf[DAY_STRLEN];

	if (cal->cum != NULL) {
		snprintf(err, errlen, "calendar \"%s\" is already finalized",
		    cal->name);
		return -1;
	}
	if (!day_in_span(day)) {
		snprintf(err, errlen,
		    "day %d is outside 1970-01-01..2199-12-31", day);
		return -1;
	}
	if (cal->marks == NULL &&
	    (cal->marks = calloc(SPAN_DAYS, sizeof(*cal->marks))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}

	mark = kind == DAY_HOLIDAY ? MARK_HOLIDAY : MARK_WORKDAY;
	old = cal->marks[day - DAY_MIN];
	if (old != MARK_NONE && old != mark) {
		snprintf(err, errlen, "%s is already %s, cannot also be %s",
		    day_format(day, buf), kind_name(old), kind_name(mark));
		return -1;
	}
	cal->marks[day - DAY_MIN] = (uint8_t)mark;
	if (mark == MARK_HOLIDAY)
		cal->announced[day_year(day) - DAY_FIRST_YEAR] = true;
	return 0;
}

/* Whether day (in year, on weekday wday) is worked, from the marks. */
static bool
marked_workday(const struct calendar *cal, int day, int year, int wday)
{
	bool weekend = wday == 0 || wday == 6;

	if (!cal->announced[year - DAY_FIRST_YEAR] || cal->marks == NULL)
		return !weekend;
	switch (cal->marks[day - DAY_MIN]) {
	case MARK_HOLIDAY:
		return false;
	case MARK_WORKDAY:
		return true;
	default:
		return !weekend;
	}
}

int
calendar_finalize(struct calendar *cal)
{
	int32_t	 n = 0, *shrunk;
	int	 day = DAY_MIN, wday = day_weekday(DAY_MIN);

	if (cal->cum != NULL)
		return 0;
	cal->cum = calloc(SPAN_DAYS, sizeof(*cal->cum));
	cal->workday = calloc(SPAN_DAYS, sizeof(*cal->workday));
	if (cal->cum == NULL || cal->workday == NULL) {
		free(cal->cum);
		free(cal->workday);
		cal->cum = cal->workday = NULL;
		return -1;
	}

	cal->unannounced_before[0] = 0;
	for (int year = DAY_FIRST_YEAR; year <= DAY_LAST_YEAR; year++) {
		int i = year - DAY_FIRST_YEAR;
		int ndays = year_is_leap(year) ? 366 : 365;

		cal->unannounced_before[i + 1] = (int16_t)
		    (cal->unannounced_before[i] + !cal->announced[i]);
		for (int k = 0; k < ndays; k++, day++, wday = (wday + 1) % 7) {
			if (marked_workday(cal, day, year, wday))
				cal->workday[n++] = day;
			cal->cum[day - DAY_MIN] = n;
		}
	}
	assert(day == DAY_MAX + 1);
	cal->nworkdays = n;
	/* About 5 days in 7 are worked: give the rest back. */
	if (n > 0 && (shrunk = realloc(cal->workday,
	    (size_t)n * sizeof(*shrunk))) != NULL)
		cal->workday = shrunk;

	free(cal->marks);
	cal->marks = NULL;
	return 0;
}

bool
calendar_year_announced(const struct calendar *cal, int year)
{
	if (year < DAY_FIRST_YEAR || year > DAY_LAST_YEAR)
		return false;
	return cal->announced[year - DAY_FIRST_YEAR];
}

/*
 * The status of a computation that touched the days a .. b (either order),
 * both inside the span.
 */
static enum cal_status
span_status(const struct calendar *cal, int a, int b)
{
	int lo = day_year(a < b ? a : b) - DAY_FIRST_YEAR;
	int hi = day_year(a < b ? b : a) - DAY_FIRST_YEAR;

	if (cal->unannounced_before[hi + 1] == cal->unannounced_before[lo])
		return CAL_OK;
	return cal->strict ? CAL_EUNANNOUNCED : CAL_PROVISIONAL;
}

/* Working days in DAY_MIN .. day, inclusive. */
static int32_t
cum_at(const struct calendar *cal, int day)
{
	return cal->cum[day - DAY_MIN];
}

static bool
is_workday(const struct calendar *cal, int day)
{
	int32_t before = day == DAY_MIN ? 0 : cum_at(cal, day - 1);

	return cum_at(cal, day) != before;
}

enum cal_status
calendar_is_workday(const struct calendar *cal, int day, bool *workday)
{
	enum cal_status st;

	assert(cal->cum != NULL);
	if (!day_in_span(day))
		return CAL_ERANGE;
	if ((st = span_status(cal, day, day)) >= 0)
		*workday = is_workday(cal, day);
	return st;
}

enum cal_status
calendar_add_workdays(const struct calendar *cal, int start, int n,
    int *result)
{
	enum cal_status	 st;
	long long	 i;
	int		 day;

	assert(cal->cum != NULL);
	if (!day_in_span(start))
		return CAL_ERANGE;
	if (n == 0)
		day = start;
	else {
		/*
		 * workday[cum(start)] is the first working day after start;
		 * workday[cum(start) - 1] is start itself when it is worked,
		 * else the last working day before it.
		 */
		i = cum_at(cal, start);
		if (n > 0)
			i += (long long)n - 1;
		else
			i += (long long)n - is_workday(cal, start);
		if (i < 0 || i >= cal->nworkdays)
			return CAL_ERANGE;
		day = cal->workday[i];
	}
	if ((st = span_status(cal, start, day)) >= 0)
		*result = day;
	return st;
}

/* The first working day on or after day, or -1 past the last one. */
static int
next_workday(const struct calendar *cal, int day)
{
	int32_t i;

	if (is_workday(cal, day))
		return day;
	i = cum_at(cal, day);
	return i < cal->nworkdays ? cal->workday[i] : -1;
}

enum cal_status
calendar_add_days(const struct calendar *cal, int start, int n, bool roll,
    int *result)
{
	enum cal_status	 st;
	long long	 sum = (long long)start + n;
	int		 day;

	assert(cal->cum != NULL);
	if (!day_in_span(start) || !day_in_span(sum))
		return CAL_ERANGE;
	day = (int)sum;
	if (roll && (day = next_workday(cal, day)) < 0)
		return CAL_ERANGE;
	if ((st = span_status(cal, start, day)) >= 0)
		*result = day;
	return st;
}

enum cal_status
calendar_count_workdays(const struct calendar *cal, int from, int to,
    int *count)
{
	enum cal_status st;

	assert(cal->cum != NULL);
	if (!day_in_span(from) || !day_in_span(to))
		return CAL_ERANGE;
	if ((st = span_status(cal, from, to)) >= 0)
		*count = (int)(cum_at(cal, to) - cum_at(cal, from));
	return st;
}

enum cal_status
calendar_next_workday(const struct calendar *cal, int day, int *result)
{
	enum cal_status	 st;
	int		 next;

	assert(cal->cum != NULL);
	if (!day_in_span(day) || (next = next_workday(cal, day)) < 0)
		return CAL_ERANGE;
	if ((st = span_status(cal, day, next)) >= 0)
		*result = next;
	return st;
}

void
calendar_set_office_hours(struct calendar *cal, const struct office_hours *h)
{
	cal->hours = *h;
}

bool
calendar_has_office_hours(const struct calendar *cal)
{
	return cal->hours.n > 0;
}

#define DAY_SECS (24 * 3600)

static bool
cal_time_valid(struct cal_time t)
{
	return day_in_span(t.day) && t.secs >= 0 && t.secs <= DAY_SECS;
}

/* Counts *left seconds forward through day from secs; true when they ran
 * out there, with the instant's seconds in *end. */
static bool
day_forward(const struct calendar *cal, int day, int secs, int64_t *left,
    int *end)
{
	if (!is_workday(cal, day))
		return false;
	for (size_t i = 0; i < cal->hours.n; i++) {
		const struct hours_range *r = &cal->hours.range[i];
		int from = secs > r->from ? secs : r->from;

		if (from >= r->to)
			continue;
		if (*left <= r->to - from) {
			*end = from + (int)*left;
			return true;
		}
		*left -= r->to - from;
	}
	return false;
}

/* The same backwards from secs. */
static bool
day_backward(const struct calendar *cal, int day, int secs, int64_t *left,
    int *end)
{
	if (!is_workday(cal, day))
		return false;
	for (size_t i = cal->hours.n; i-- > 0;) {
		const struct hours_range *r = &cal->hours.range[i];
		int to = secs < r->to ? secs : r->to;

		if (to <= r->from)
			continue;
		if (*left <= to - r->from) {
			*end = to - (int)*left;
			return true;
		}
		*left -= to - r->from;
	}
	return false;
}

enum cal_status
calendar_add_workhours(const struct calendar *cal, struct cal_time start,
    int64_t secs, struct cal_time *result)
{
	enum cal_status	 st;
	struct cal_time	 t = start;
	int64_t		 left = secs < 0 ? -secs : secs;

	assert(cal->cum != NULL);
	if (!cal_time_valid(start))
		return CAL_ERANGE;
	if (cal->hours.n == 0)
		return CAL_ENOHOURS;
	if (secs > 0) {
		while (!day_forward(cal, t.day, t.secs, &left, &t.secs)) {
			if (++t.day > DAY_MAX)
				return CAL_ERANGE;
			t.secs = 0;
		}
	} else if (secs < 0) {
		while (!day_backward(cal, t.day, t.secs, &left, &t.secs)) {
			if (--t.day < DAY_MIN)
				return CAL_ERANGE;
			t.secs = DAY_SECS;
		}
	}
	if ((st = span_status(cal, start.day, t.day)) >= 0)
		*result = t;
	return st;
}

/* Office seconds of day between from and to seconds. */
static int64_t
day_overlap(const struct calendar *cal, int day, int from, int to)
{
	int64_t sum = 0;

	if (!is_workday(cal, day))
		return 0;
	for (size_t i = 0; i < cal->hours.n; i++) {
		const struct hours_range *r = &cal->hours.range[i];
		int lo = from > r->from ? from : r->from;
		int hi = to < r->to ? to : r->to;

		if (lo < hi)
			sum += hi - lo;
	}
	return sum;
}

enum cal_status
calendar_count_workhours(const struct calendar *cal, struct cal_time from,
    struct cal_time to, int64_t *secs)
{
	enum cal_status	 st;
	struct cal_time	 a = from, b = to;
	int64_t		 sum = 0;
	bool		 reversed;

	assert(cal->cum != NULL);
	if (!cal_time_valid(from) || !cal_time_valid(to))
		return CAL_ERANGE;
	if (cal->hours.n == 0)
		return CAL_ENOHOURS;
	reversed = to.day < from.day ||
	    (to.day == from.day && to.secs < from.secs);
	if (reversed) {
		a = to;
		b = from;
	}
	for (int day = a.day; day <= b.day; day++)
		sum += day_overlap(cal, day, day == a.day ? a.secs : 0,
		    day == b.day ? b.secs : DAY_SECS);
	if ((st = span_status(cal, a.day, b.day)) >= 0)
		*secs = reversed ? -sum : sum;
	return st;
}

const char *
cal_status_str(enum cal_status st)
{
	switch (st) {
	case CAL_OK:
		return "ok";
	case CAL_PROVISIONAL:
		return "provisional: a year in the range is not announced "
		    "(weekends only)";
	case CAL_ERANGE:
		return "date outside 1970-01-01..2199-12-31";
	case CAL_EUNANNOUNCED:
		return "a year in the range is not announced";
	case CAL_ENOHOURS:
		return "the calendar has no office_hours to count working "
		    "hours in";
	}
	return "unknown calendar status";
}
