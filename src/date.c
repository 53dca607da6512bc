/*
 * Civil date arithmetic (Howard Hinnant's days_from_civil / civil_from_days).
 */
#include "date.h"

#include <string.h>

bool
year_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
days_in_month(int year, int month)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && year_is_leap(year))
		return 29;
	return mdays[month - 1];
}

int
day_from_ymd(int year, int month, int mday)
{
	int y = month <= 2 ? year - 1 : year;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
day_to_ymd(int day, int *year, int *month, int *mday)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int m = mp < 10 ? mp + 3 : mp - 9;

	*year = yoe + era * 400 + (m <= 2);
	*month = m;
	*mday = doy - (153 * mp + 2) / 5 + 1;
}

int
day_year(int day)
{
	int y, m, d;

	day_to_ymd(day, &y, &m, &d);
	return y;
}

int
day_weekday(int day)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (day + 4) % 7;

	return w < 0 ? w + 7 : w;
}

bool
day_is_weekend(int day)
{
	int w = day_weekday(day);

	return w == 0 || w == 6;
}

static bool
parse_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
day_parse(const char *s, int *day)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!parse_digits(s, 4, &y) || !parse_digits(s + 5, 2, &m) ||
	    !parse_digits(s + 8, 2, &d))
		return false;
	if (y < DAY_FIRST_YEAR || y > DAY_LAST_YEAR || m < 1 || m > 12 ||
	    d < 1 || d > days_in_month(y, m))
		return false;
	*day = day_from_ymd(y, m, d);
	return true;
}

char *
day_format(int day, char *buf)
{
	int y, m, d;

	day_to_ymd(day, &y, &m, &d);
	buf[0] = (char)('0' + y / 1000 % 10);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return buf;
}
