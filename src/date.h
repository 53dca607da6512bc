/*
 * Civil dates as day numbers: days since 1970-01-01 (proleptic Gregorian).
 * Every date in duban is one of these; instants are UTC seconds (clock.h).
 */
#ifndef DUBAN_DATE_H
#define DUBAN_DATE_H

#include <stdbool.h>

/* The supported span: 1970-01-01 .. 2199-12-31. */
#define DAY_FIRST_YEAR 1970
#define DAY_LAST_YEAR 2199
#define DAY_MIN 0
#define DAY_MAX 84005 /* 2199-12-31 */

#define DAY_STRLEN 11 /* "YYYY-MM-DD" and NUL */

int day_from_ymd(int year, int month, int mday);
void day_to_ymd(int day, int *year, int *month, int *mday);
int day_year(int day);
/* 0 = Sunday .. 6 = Saturday. */
int day_weekday(int day);
bool day_is_weekend(int day);
bool year_is_leap(int year);
int days_in_month(int year, int month);
/* Strict "YYYY-MM-DD": a real date inside the supported span. */
bool day_parse(const char *s, int *day);
/* Writes "YYYY-MM-DD" into buf (DAY_STRLEN bytes) and returns buf. */
char *day_format(int day, char *buf);

#endif
