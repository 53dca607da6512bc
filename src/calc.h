/*
 * Date arithmetic queries for `dubanctl calc`: "DATE +N workdays",
 * "DATE +N days", "DATE -N workdays", "DATE[THH:MM] +N workhours" and
 * "DATE1 DATE2" (working days between).  Parsing is separate from evaluation so a batch of a million
 * lines costs one parse and one O(1) calendar lookup each.
 */
#ifndef DUBAN_CALC_H
#define DUBAN_CALC_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"

enum calc_op {
	CALC_ADD_WORKDAYS,
	CALC_ADD_DAYS,
	CALC_ADD_WORKHOURS,
	CALC_BETWEEN,
};

struct calc_query {
	enum calc_op	op;
	int		date;
	int		secs;	/* CALC_ADD_WORKHOURS: time of day of date */
	int		date2;	/* CALC_BETWEEN */
	int		n;	/* CALC_ADD_* */
	bool		roll;	/* CALC_ADD_DAYS: move onto a working day */
};

/*
 * "+20 workdays", "-1 workday", "+30 days" after date ("YYYY-MM-DD");
 * "+4 workhours" after "YYYY-MM-DDTHH:MM[:SS]" (a bare date: its midnight).
 */
bool calc_parse_add(const char *date, const char *amount, bool roll,
    struct calc_query *q, char *err, size_t errlen);
bool calc_parse_between(const char *date1, const char *date2,
    struct calc_query *q, char *err, size_t errlen);
/* One batch line: "DATE +N workdays" or "DATE DATE2". */
bool calc_parse_line(char *line, bool roll, struct calc_query *q, char *err,
    size_t errlen);

/*
 * The answer: a day (CALC_ADD_*), with *secs its time of day for
 * CALC_ADD_WORKHOURS, or a count (CALC_BETWEEN).
 */
enum cal_status calc_run(const struct calendar *, const struct calc_query *,
    int *answer, int *secs);

/* Writes the answer as calc prints it ("2024-10-08", "2024-10-08T11:30",
 * "20"); returns buf. */
char *calc_format(const struct calc_query *, int answer, int secs, char *buf,
    size_t len);

#endif
