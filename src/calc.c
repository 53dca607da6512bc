/*
 * `dubanctl calc` queries.  See calc.h.
 */
#include "calc.h"

#include <stdio.h>
#include <string.h>

#include "parse.h"

bool
calc_parse_add(const char *date, const char *amount, bool roll,
    struct calc_query *q, char *err, size_t errlen)
{
	struct duration d;

	if (!parse_date(date, &q->date, err, errlen))
		return false;
	if (!parse_duration(amount, &d, err, errlen))
		return false;
	switch (d.unit) {
	case DUR_WORKDAYS:
		q->op = CALC_ADD_WORKDAYS;
		break;
	case DUR_DAYS:
		q->op = CALC_ADD_DAYS;
		break;
	default:
		snprintf(err, errlen, "calc counts workdays or days, not "
		    "hours: \"%s\"", amount);
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

enum cal_status
calc_run(const struct calendar *cal, const struct calc_query *q,
    int *answer)
{
	switch (q->op) {
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
