/*
 * `dubanctl calc` queries.  See calc.h.
 */
#include "calc.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "parse.h"

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]". */
static bool
parse_instant(const char *s, int *day, int *secs, char *err, size_t errlen)
{
	char date[DAY_STRLEN];
	const char *t = strchr(s, 'T');
	size_t n = t != NULL ? (size_t)(t - s) : strlen(s);

	*secs = 0;
	if (n >= sizeof date) {
		snprintf(err, errlen, "expected a date \"YYYY-MM-DD\" or "
		    "\"YYYY-MM-DDTHH:MM\", got \"%s\"", s);
		return false;
	}
	memcpy(date, s, n);
	date[n] = '\0';
	if (!parse_date(date, day, err, errlen))
		return false;
	return t == NULL || parse_time_of_day(t + 1, secs, err, errlen);
}

bool
calc_parse_add(const char *date, const char *amount, bool roll,
    struct calc_query *q, char *err, size_t errlen)
{
	struct duration d;

	if (!parse_duration(amount, &d, err, errlen))
		return false;
	if (d.unit == DUR_WORKHOURS) {
		if (!parse_instant(date, &q->date, &q->secs, err, errlen))
			return false;
	} else {
		q->secs = 0;
		if (!parse_date(date, &q->date, err, errlen))
			return false;
	}
	switch (d.unit) {
	case DUR_WORKDAYS:
		q->op = CALC_ADD_WORKDAYS;
		break;
	case DUR_DAYS:
		q->op = CALC_ADD_DAYS;
		break;
	case DUR_WORKHOURS:
		q->op = CALC_ADD_WORKHOURS;
		break;
	case DUR_HOURS:
		snprintf(err, errlen, "calc counts workdays, days or "
		    "workhours, not hours: \"%s\"", amount);
		return false;
	}
	q->n = d.n;
	q->roll = roll;
	return true;
}

bool
calc_parse_between(const char *date1, const char *date2,
    struct calc_query *q, char *err, size_t errlen)
{
	if (!parse_date(date1, &q->date, err, errlen) ||
	    !parse_date(date2, &q->date2, err, errlen))
		return false;
	q->op = CALC_BETWEEN;
	return true;
}

bool
calc_parse_line(char *line, bool roll, struct calc_query *q, char *err,
    size_t errlen)
{
	char *date, *rest;

	line[strcspn(line, "\r\n")] = '\0';
	date = line + strspn(line, " \t");
	rest = date + strcspn(date, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	rest += strspn(rest, " \t");
	if (*rest == '\0') {
		snprintf(err, errlen, "expected \"DATE +N workdays\", "
		    "\"DATE +N days\" or \"DATE DATE2\", got \"%s\"", date);
		return false;
	}
	if (*rest == '+' || *rest == '-')
		return calc_parse_add(date, rest, roll, q, err, errlen);
	return calc_parse_between(date, rest, q, err, errlen);
}

static enum cal_status
run_workhours(const struct calendar *cal, const struct calc_query *q,
    int *answer, int *secs)
{
	struct cal_time start = { q->date, q->secs }, end;
	enum cal_status st;

	st = calendar_add_workhours(cal, start, (int64_t)q->n * 3600, &end);
	if (st >= 0) {
		*answer = end.day;
		*secs = end.secs;
	}
	return st;
}

enum cal_status
calc_run(const struct calendar *cal, const struct calc_query *q,
    int *answer, int *secs)
{
	*secs = 0;
	switch (q->op) {
	case CALC_ADD_WORKHOURS:
		return run_workhours(cal, q, answer, secs);
	case CALC_ADD_WORKDAYS:
		return calendar_add_workdays(cal, q->date, q->n, answer);
	case CALC_ADD_DAYS:
		return calendar_add_days(cal, q->date, q->n, q->roll, answer);
	case CALC_BETWEEN:
		return calendar_count_workdays(cal, q->date, q->date2,
		    answer);
	}
	return CAL_ERANGE;
}

char *
calc_format(const struct calc_query *q, int answer, int secs, char *buf,
    size_t len)
{
	char day[DAY_STRLEN];

	if (q->op == CALC_BETWEEN)
		snprintf(buf, len, "%d", answer);
	else if (q->op != CALC_ADD_WORKHOURS)
		snprintf(buf, len, "%s", day_format(answer, day));
	else if (secs % 60 != 0)
		snprintf(buf, len, "%sT%02d:%02d:%02d", day_format(answer, day),
		    secs / 3600, secs / 60 % 60, secs % 60);
	else
		snprintf(buf, len, "%sT%02d:%02d", day_format(answer, day),
		    secs / 3600, secs / 60 % 60);
	return buf;
}
