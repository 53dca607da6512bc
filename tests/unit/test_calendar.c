/*
 * Working-day calendar: the national calendar 2024-2026 built from a table
 * and from etc/holidays/cn.ics, known answers, properties over every start
 * day of 2024-2026, unannounced years, range errors, iCalendar fixtures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "date.h"
#include "parse.h"

/* The State Council notices for 2024-2026 (doc: /work/shared/holidays-cn.md). */
static const struct {
	const char	*first, *last;
	enum day_kind	 kind;
} cn_table[] = {
	{ "2024-01-01", "2024-01-01", DAY_HOLIDAY },
	{ "2024-02-10", "2024-02-17", DAY_HOLIDAY },
	{ "2024-04-04", "2024-04-06", DAY_HOLIDAY },
	{ "2024-05-01", "2024-05-05", DAY_HOLIDAY },
	{ "2024-06-10", "2024-06-10", DAY_HOLIDAY },
	{ "2024-09-15", "2024-09-17", DAY_HOLIDAY },
	{ "2024-10-01", "2024-10-07", DAY_HOLIDAY },
	{ "2024-02-04", "2024-02-04", DAY_WORKDAY },
	{ "2024-02-18", "2024-02-18", DAY_WORKDAY },
	{ "2024-04-07", "2024-04-07", DAY_WORKDAY },
	{ "2024-04-28", "2024-04-28", DAY_WORKDAY },
	{ "2024-05-11", "2024-05-11", DAY_WORKDAY },
	{ "2024-09-14", "2024-09-14", DAY_WORKDAY },
	{ "2024-09-29", "2024-09-29", DAY_WORKDAY },
	{ "2024-10-12", "2024-10-12", DAY_WORKDAY },

	{ "2025-01-01", "2025-01-01", DAY_HOLIDAY },
	{ "2025-01-28", "2025-02-04", DAY_HOLIDAY },
	{ "2025-04-04", "2025-04-06", DAY_HOLIDAY },
	{ "2025-05-01", "2025-05-05", DAY_HOLIDAY },
	{ "2025-05-31", "2025-06-02", DAY_HOLIDAY },
	{ "2025-10-01", "2025-10-08", DAY_HOLIDAY },
	{ "2025-01-26", "2025-01-26", DAY_WORKDAY },
	{ "2025-02-08", "2025-02-08", DAY_WORKDAY },
	{ "2025-04-27", "2025-04-27", DAY_WORKDAY },
	{ "2025-09-28", "2025-09-28", DAY_WORKDAY },
	{ "2025-10-11", "2025-10-11", DAY_WORKDAY },

	{ "2026-01-01", "2026-01-03", DAY_HOLIDAY },
	{ "2026-02-15", "2026-02-23", DAY_HOLIDAY },
	{ "2026-04-04", "2026-04-06", DAY_HOLIDAY },
	{ "2026-05-01", "2026-05-05", DAY_HOLIDAY },
	{ "2026-06-19", "2026-06-21", DAY_HOLIDAY },
	{ "2026-09-25", "2026-09-27", DAY_HOLIDAY },
	{ "2026-10-01", "2026-10-07", DAY_HOLIDAY },
	{ "2026-01-04", "2026-01-04", DAY_WORKDAY },
	{ "2026-02-14", "2026-02-14", DAY_WORKDAY },
	{ "2026-02-28", "2026-02-28", DAY_WORKDAY },
	{ "2026-05-09", "2026-05-09", DAY_WORKDAY },
	{ "2026-09-20", "2026-09-20", DAY_WORKDAY },
	{ "2026-10-10", "2026-10-10", DAY_WORKDAY },
};

static int
D(const char *s)
{
	int day;

	if (!day_parse(s, &day))
		fail_msg("bad date in test: %s", s);
	return day;
}

static struct calendar *
table_calendar(bool strict)
{
	struct calendar	*cal;
	char		 err[256];

	assert_non_null(cal = calendar_new("cn"));
	calendar_set_strict(cal, strict);
	for (size_t i = 0; i < sizeof(cn_table) / sizeof(cn_table[0]); i++) {
		for (int d = D(cn_table[i].first); d <= D(cn_table[i].last);
		    d++)
			assert_int_equal(calendar_set_day(cal, d,
			    cn_table[i].kind, err, sizeof(err)), 0);
	}
	assert_int_equal(calendar_finalize(cal), 0);
	return cal;
}

static bool
workday(const struct calendar *cal, const char *s)
{
	bool w = false;

	assert_int_equal(calendar_is_workday(cal, D(s), &w), CAL_OK);
	return w;
}

static int
add_workdays(const struct calendar *cal, const char *start, int n)
{
	int result = -1;

	assert_int_equal(calendar_add_workdays(cal, D(start), n, &result),
	    CAL_OK);
	return result;
}

static void
test_table_and_ics_agree(void **state)
{
	struct calendar	*table, *ics;
	char		 err[256] = "";
	int		 off = 0, worked_weekend = 0;

	(void)state;
	table = table_calendar(false);
	assert_non_null(ics = calendar_new("cn-ics"));
	if (calendar_load_ics(ics, TEST_SRCDIR "/etc/holidays/cn.ics", err,
	    sizeof(err)) != 0)
		fail_msg("cn.ics: %s", err);
	assert_int_equal(calendar_finalize(ics), 0);

	for (int d = D("2024-01-01"); d <= D("2026-12-31"); d++) {
		bool a = false, b = true;

		assert_int_equal(calendar_is_workday(table, d, &a), CAL_OK);
		assert_int_equal(calendar_is_workday(ics, d, &b), CAL_OK);
		assert_true(a == b);
		off += !a && !day_is_weekend(d);
		worked_weekend += a && day_is_weekend(d);
	}
	/* Weekdays off and weekend days worked, from the notices. */
	assert_int_equal(off, 19 + 18 + 19);
	assert_int_equal(worked_weekend, 8 + 5 + 6);
	for (int y = 2024; y <= 2026; y++)
		assert_true(calendar_year_announced(ics, y));
	assert_false(calendar_year_announced(ics, 2023));
	assert_false(calendar_year_announced(ics, 2027));

	calendar_free(table);
	calendar_free(ics);
}

static void
test_known_answers(void **state)
{
	struct calendar *cal = table_calendar(false);

	(void)state;
	assert_int_equal(add_workdays(cal, "2024-09-20", 20), D("2024-10-23"));
	assert_int_equal(add_workdays(cal, "2024-10-08", -1), D("2024-09-30"));
	assert_int_equal(add_workdays(cal, "2024-09-20", 0), D("2024-09-20"));
	/* n = 0 on a day off is the day itself, not the next working day. */
	assert_int_equal(add_workdays(cal, "2024-10-03", 0), D("2024-10-03"));
	assert_int_equal(add_workdays(cal, "2024-10-03", 1), D("2024-10-08"));
	assert_int_equal(add_workdays(cal, "2024-10-03", -1), D("2024-09-30"));
	assert_int_equal(add_workdays(cal, "2024-12-31", 1), D("2025-01-02"));
	assert_int_equal(add_workdays(cal, "2025-01-02", -1), D("2024-12-31"));

	assert_true(workday(cal, "2024-09-29"));	/* Sunday, 调休 */
	assert_true(workday(cal, "2024-10-12"));	/* Saturday, 调休 */
	assert_true(workday(cal, "2024-09-30"));
	assert_true(workday(cal, "2024-10-08"));
	for (int d = D("2024-10-01"); d <= D("2024-10-07"); d++) {
		bool w = true;

		assert_int_equal(calendar_is_workday(cal, d, &w), CAL_OK);
		assert_false(w);
	}
	assert_false(workday(cal, "2025-01-01"));
	assert_false(workday(cal, "2024-09-28"));	/* ordinary Saturday */
	assert_true(workday(cal, "2024-09-27"));	/* ordinary Friday */

	calendar_free(cal);
}

static void
test_add_days(void **state)
{
	struct calendar	*cal = table_calendar(false);
	int		 r = -1;

	(void)state;
	assert_int_equal(calendar_add_days(cal, D("2024-09-20"), 10, false,
	    &r), CAL_OK);
	assert_int_equal(r, D("2024-09-30"));
	assert_int_equal(calendar_add_days(cal, D("2024-09-20"), 10, true,
	    &r), CAL_OK);
	assert_int_equal(r, D("2024-09-30"));
	assert_int_equal(calendar_add_days(cal, D("2024-09-20"), 11, false,
	    &r), CAL_OK);
	assert_int_equal(r, D("2024-10-01"));
	assert_int_equal(calendar_add_days(cal, D("2024-09-20"), 11, true,
	    &r), CAL_OK);
	assert_int_equal(r, D("2024-10-08"));
	/* Saturday 09-28 rolls to the make-up Sunday 09-29. */
	assert_int_equal(calendar_add_days(cal, D("2024-09-20"), 8, true,
	    &r), CAL_OK);
	assert_int_equal(r, D("2024-09-29"));
	assert_int_equal(calendar_add_days(cal, D("2024-10-08"), -7, false,
	    &r), CAL_OK);
	assert_int_equal(r, D("2024-10-01"));
	/* Rolling out of the last announced year is provisional. */
	assert_int_equal(calendar_add_days(cal, D("2026-12-31"), -5, true,
	    &r), CAL_OK);
	assert_int_equal(r, D("2026-12-28"));
	assert_int_equal(calendar_add_days(cal, D("2026-12-30"), 2, true,
	    &r), CAL_PROVISIONAL);
	assert_int_equal(r, D("2027-01-01"));

	assert_int_equal(calendar_next_workday(cal, D("2024-10-01"), &r),
	    CAL_OK);
	assert_int_equal(r, D("2024-10-08"));
	assert_int_equal(calendar_next_workday(cal, D("2024-09-29"), &r),
	    CAL_OK);
	assert_int_equal(r, D("2024-09-29"));
	calendar_free(cal);
}

static void
test_count_workdays(void **state)
{
	struct calendar	*cal = table_calendar(false);
	int		 c = -1;

	(void)state;
	assert_int_equal(calendar_count_workdays(cal, D("2024-09-20"),
	    D("2024-10-23"), &c), CAL_OK);
	assert_int_equal(c, 20);
	assert_int_equal(calendar_count_workdays(cal, D("2024-10-23"),
	    D("2024-09-20"), &c), CAL_OK);
	assert_int_equal(c, -20);
	assert_int_equal(calendar_count_workdays(cal, D("2024-10-01"),
	    D("2024-10-07"), &c), CAL_OK);
	assert_int_equal(c, 0);
	/* (10-07, 09-30] backwards: 09-30 is worked, 10-01..07 are not. */
	assert_int_equal(calendar_count_workdays(cal, D("2024-10-07"),
	    D("2024-09-30"), &c), CAL_OK);
	assert_int_equal(c, 0);
	assert_int_equal(calendar_count_workdays(cal, D("2024-10-08"),
	    D("2024-09-29"), &c), CAL_OK);
	assert_int_equal(c, -2);
	assert_int_equal(calendar_count_workdays(cal, D("2024-05-05"),
	    D("2024-05-05"), &c), CAL_OK);
	assert_int_equal(c, 0);
	/* 2024: 366 days, 104 weekend days, 19 weekdays off, 8 worked. */
	assert_int_equal(calendar_count_workdays(cal, D("2023-12-31"),
	    D("2024-12-31"), &c), CAL_PROVISIONAL);
	assert_int_equal(c, 366 - 104 - 19 + 8);
	/* 2024-01-01 is a holiday: the same count without 2023. */
	assert_int_equal(calendar_count_workdays(cal, D("2024-01-01"),
	    D("2024-12-31"), &c), CAL_OK);
	assert_int_equal(c, 251);
	calendar_free(cal);
}

/*
 * For every start day of 2024-2026 and n in 0..60: counting back the
 * result gives n, results are working days, and they strictly increase
 * (decrease for -n).
 */
static void
test_round_trip_properties(void **state)
{
	struct calendar *cal = table_calendar(false);

	(void)state;
	for (int start = D("2024-01-01"); start <= D("2026-12-31"); start++) {
		int prev_fwd = start, prev_back = start;

		for (int n = 0; n <= 60; n++) {
			int		 fwd = -1, back = -1, c = INT_MIN;
			enum cal_status	 st;
			bool		 w = false;

			st = calendar_add_workdays(cal, start, n, &fwd);
			assert_int_equal(st, day_year(fwd) <= 2026 ?
			    CAL_OK : CAL_PROVISIONAL);
			assert_int_equal(calendar_count_workdays(cal, start,
			    fwd, &c), st);
			assert_int_equal(c, n);

			/*
			 * Backwards, [back, start) holds n working days:
			 * (back - 1, start - 1] in count_workdays terms,
			 * which is -count(start, back) when start is worked.
			 */
			st = calendar_add_workdays(cal, start, -n, &back);
			assert_int_equal(st, day_year(back) >= 2024 ?
			    CAL_OK : CAL_PROVISIONAL);
			assert_int_equal(calendar_count_workdays(cal, back - 1,
			    start - 1, &c), day_year(back - 1) >= 2024 ?
			    CAL_OK : CAL_PROVISIONAL);
			assert_int_equal(c, n);
			assert_true(calendar_is_workday(cal, start, &w) >= 0);
			if (w) {
				assert_int_equal(calendar_count_workdays(cal,
				    start, back, &c), st);
				assert_int_equal(c, -n);
			}

			if (n == 0) {
				assert_int_equal(fwd, start);
				assert_int_equal(back, start);
				continue;
			}
			assert_true(fwd > prev_fwd);
			assert_true(back < prev_back);
			assert_true(calendar_is_workday(cal, fwd, &w) >= 0);
			assert_true(w);
			w = false;
			assert_true(calendar_is_workday(cal, back, &w) >= 0);
			assert_true(w);
			prev_fwd = fwd;
			prev_back = back;
		}
	}
	calendar_free(cal);
}

static void
test_unannounced_years(void **state)
{
	struct calendar	*cal = table_calendar(false);
	struct calendar	*strict = table_calendar(true);
	int		 r = -1, c = -1;
	bool		 w = true;

	(void)state;
	assert_false(calendar_strict(cal));
	assert_true(calendar_strict(strict));

	/* 2027 is not announced: weekends only, 2027-01-01 is a Friday. */
	assert_int_equal(calendar_add_workdays(cal, D("2026-12-31"), 5, &r),
	    CAL_PROVISIONAL);
	assert_int_equal(r, D("2027-01-07"));
	r = -1;
	assert_int_equal(calendar_add_workdays(strict, D("2026-12-31"), 5,
	    &r), CAL_EUNANNOUNCED);
	assert_int_equal(r, -1);
	assert_int_equal(calendar_add_workdays(strict, D("2024-09-20"), 20,
	    &r), CAL_OK);
	assert_int_equal(r, D("2024-10-23"));

	assert_int_equal(calendar_is_workday(cal, D("2027-01-01"), &w),
	    CAL_PROVISIONAL);
	assert_true(w);
	assert_int_equal(calendar_is_workday(strict, D("2027-01-01"), &w),
	    CAL_EUNANNOUNCED);
	/* Backwards into 2023 and counts across it too. */
	assert_int_equal(calendar_add_workdays(cal, D("2024-01-02"), -1, &r),
	    CAL_PROVISIONAL);
	assert_int_equal(r, D("2023-12-29"));
	assert_int_equal(calendar_count_workdays(strict, D("2026-12-01"),
	    D("2027-01-10"), &c), CAL_EUNANNOUNCED);
	assert_int_equal(calendar_next_workday(strict, D("2026-12-31"), &r),
	    CAL_OK);
	assert_int_equal(calendar_add_days(strict, D("2026-12-31"), 1, false,
	    &r), CAL_EUNANNOUNCED);

	calendar_free(cal);
	calendar_free(strict);
}

/* A make-up working day alone does not announce its year. */
static void
test_lone_workday_ignored(void **state)
{
	struct calendar	*cal;
	char		 err[256];
	bool		 w = true;

	(void)state;
	assert_non_null(cal = calendar_new("lone"));
	assert_string_equal(calendar_name(cal), "lone");
	assert_int_equal(calendar_set_day(cal, D("2030-01-05"), DAY_WORKDAY,
	    err, sizeof(err)), 0);
	assert_false(calendar_year_announced(cal, 2030));
	assert_int_equal(calendar_finalize(cal), 0);
	assert_int_equal(calendar_is_workday(cal, D("2030-01-05"), &w),
	    CAL_PROVISIONAL);
	assert_false(w);
	assert_int_equal(calendar_is_workday(cal, D("2030-01-07"), &w),
	    CAL_PROVISIONAL);
	assert_true(w);
	calendar_free(cal);
}

static void
test_range_errors(void **state)
{
	struct calendar	*cal = table_calendar(false);
	int		 r = 12345, c = 12345;
	bool		 w = true;

	(void)state;
	assert_int_equal(calendar_is_workday(cal, DAY_MIN - 1, &w),
	    CAL_ERANGE);
	assert_int_equal(calendar_is_workday(cal, DAY_MAX + 1, &w),
	    CAL_ERANGE);
	assert_int_equal(calendar_is_workday(cal, DAY_MAX, &w),
	    CAL_PROVISIONAL);

	/* 2199-12-31 is a Tuesday: the last working day of the span. */
	assert_int_equal(calendar_add_workdays(cal, DAY_MAX, 1, &r),
	    CAL_ERANGE);
	assert_int_equal(calendar_add_workdays(cal, DAY_MAX - 1, 1, &r),
	    CAL_PROVISIONAL);
	assert_int_equal(r, DAY_MAX);
	/* 1970-01-01 is a Thursday: nothing before it. */
	assert_int_equal(calendar_add_workdays(cal, DAY_MIN, -1, &r),
	    CAL_ERANGE);
	assert_int_equal(calendar_add_workdays(cal, DAY_MIN + 1, -1, &r),
	    CAL_PROVISIONAL);
	assert_int_equal(r, DAY_MIN);
	r = 12345;
	assert_int_equal(calendar_add_workdays(cal, D("2024-01-01"), INT_MAX,
	    &r), CAL_ERANGE);
	assert_int_equal(calendar_add_workdays(cal, D("2024-01-01"), INT_MIN,
	    &r), CAL_ERANGE);
	assert_int_equal(calendar_add_workdays(cal, DAY_MAX + 1, 0, &r),
	    CAL_ERANGE);
	assert_int_equal(calendar_add_days(cal, DAY_MAX, 1, false, &r),
	    CAL_ERANGE);
	assert_int_equal(calendar_add_days(cal, DAY_MIN, -1, false, &r),
	    CAL_ERANGE);
	assert_int_equal(calendar_add_days(cal, D("2024-01-01"), INT_MAX,
	    false, &r), CAL_ERANGE);
	assert_int_equal(calendar_add_days(cal, D("2024-01-01"), INT_MIN,
	    true, &r), CAL_ERANGE);
	assert_int_equal(calendar_count_workdays(cal, -1, 5, &c), CAL_ERANGE);
	assert_int_equal(calendar_count_workdays(cal, 5, DAY_MAX + 1, &c),
	    CAL_ERANGE);
	assert_int_equal(calendar_next_workday(cal, DAY_MAX + 1, &r),
	    CAL_ERANGE);
	/* Answers are written only on success. */
	assert_int_equal(r, 12345);
	assert_int_equal(c, 12345);
	calendar_free(cal);
}

/* The end of the span falling on a day off: no next working day. */
static void
test_roll_past_span(void **state)
{
	struct calendar	*cal;
	char		 err[256];
	int		 r = 12345;

	(void)state;
	assert_non_null(cal = calendar_new("end"));
	assert_int_equal(calendar_set_day(cal, DAY_MAX, DAY_HOLIDAY, err,
	    sizeof(err)), 0);
	assert_int_equal(calendar_finalize(cal), 0);
	assert_int_equal(calendar_next_workday(cal, DAY_MAX, &r), CAL_ERANGE);
	assert_int_equal(calendar_add_days(cal, DAY_MAX - 1, 1, true, &r),
	    CAL_ERANGE);
	assert_int_equal(calendar_add_days(cal, DAY_MAX - 1, 1, false, &r),
	    CAL_OK);
	assert_int_equal(r, DAY_MAX);
	calendar_free(cal);
}

static void
test_set_day_errors(void **state)
{
	struct calendar	*cal;
	char		 err[256] = "";

	(void)state;
	assert_non_null(cal = calendar_new("cn"));
	assert_int_equal(calendar_set_day(cal, D("2024-10-01"), DAY_HOLIDAY,
	    err, sizeof(err)), 0);
	assert_int_equal(calendar_set_day(cal, D("2024-10-01"), DAY_HOLIDAY,
	    err, sizeof(err)), 0);
	assert_int_equal(calendar_set_day(cal, D("2024-10-01"), DAY_WORKDAY,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "2024-10-01 is already a holiday, cannot "
	    "also be a working day");
	assert_int_equal(calendar_set_day(cal, D("2024-09-29"), DAY_WORKDAY,
	    err, sizeof(err)), 0);
	assert_int_equal(calendar_set_day(cal, D("2024-09-29"), DAY_HOLIDAY,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "2024-09-29 is already a working day, "
	    "cannot also be a holiday");
	assert_int_equal(calendar_set_day(cal, DAY_MAX + 1, DAY_HOLIDAY,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "outside"));
	assert_int_equal(calendar_set_day(cal, -1, DAY_HOLIDAY, err,
	    sizeof(err)), -1);

	assert_int_equal(calendar_finalize(cal), 0);
	assert_int_equal(calendar_finalize(cal), 0);
	assert_int_equal(calendar_set_day(cal, D("2024-10-02"), DAY_HOLIDAY,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "finalized"));
	calendar_free(cal);
}

static void
test_status_str(void **state)
{
	(void)state;
	assert_string_equal(cal_status_str(CAL_OK), "ok");
	assert_non_null(strstr(cal_status_str(CAL_PROVISIONAL),
	    "provisional"));
	assert_non_null(strstr(cal_status_str(CAL_ERANGE), "1970"));
	assert_non_null(strstr(cal_status_str(CAL_EUNANNOUNCED),
	    "not announced"));
}

/* The national table calendar with office hours 09:00-12:00,13:30-17:30. */
static struct calendar *
hours_calendar(bool strict)
{
	struct calendar		*cal;
	struct office_hours	 h;
	char			 err[256];

	assert_non_null(cal = calendar_new("cn-hours"));
	calendar_set_strict(cal, strict);
	assert_true(parse_hours("09:00-12:00,13:30-17:30", &h, err,
	    sizeof err));
	calendar_set_office_hours(cal, &h);
	for (size_t i = 0; i < sizeof(cn_table) / sizeof(cn_table[0]); i++) {
		for (int d = D(cn_table[i].first); d <= D(cn_table[i].last);
		    d++)
			assert_int_equal(calendar_set_day(cal, d,
			    cn_table[i].kind, err, sizeof(err)), 0);
	}
	assert_int_equal(calendar_finalize(cal), 0);
	assert_true(calendar_has_office_hours(cal));
	return cal;
}

/* "YYYY-MM-DDTHH:MM" */
static struct cal_time
T(const char *s)
{
	struct cal_time t;
	char day[11];
	int hh, mm;

	if (sscanf(s, "%10[0-9-]T%d:%d", day, &hh, &mm) != 3)
		fail_msg("bad instant in test: %s", s);
	t.day = D(day);
	t.secs = hh * 3600 + mm * 60;
	return t;
}

static void
check_workhours(const struct calendar *cal, const char *start,
    int64_t secs, const char *expected)
{
	struct cal_time got = { -1, -1 }, want = T(expected);
	int64_t back = 0;
	char buf[DAY_STRLEN];

	assert_int_equal(calendar_add_workhours(cal, T(start), secs, &got),
	    CAL_OK);
	if (got.day != want.day || got.secs != want.secs)
		fail_msg("%s %+lld s: got %sT%02d:%02d, expected %s", start,
		    (long long)secs, day_format(got.day, buf),
		    got.secs / 3600, got.secs / 60 % 60, expected);
	/* Counting the office hours between them gives the amount back
	 * (from an instant inside office hours). */
	assert_int_equal(calendar_count_workhours(cal, T(start), got, &back),
	    CAL_OK);
	if (back != secs)
		fail_msg("%s %+lld s: counted back %lld", start,
		    (long long)secs, (long long)back);
}

static void
test_workhours(void **state)
{
	struct calendar *cal = hours_calendar(false);

	(void)state;
	/* The example: through the National Day week. */
	check_workhours(cal, "2024-09-30T16:00", 4 * 3600,
	    "2024-10-08T11:30");
	check_workhours(cal, "2024-10-08T11:30", -4 * 3600,
	    "2024-09-30T16:00");
	/* Across lunch; ending at the end of the morning, not after lunch. */
	check_workhours(cal, "2024-09-23T11:00", 2 * 3600, "2024-09-23T14:30");
	check_workhours(cal, "2024-09-23T11:00", 3600, "2024-09-23T12:00");
	check_workhours(cal, "2024-09-23T14:30", -2 * 3600,
	    "2024-09-23T11:00");
	check_workhours(cal, "2024-09-23T10:00", -3600, "2024-09-23T09:00");
	/* A whole day is 7 hours; two days from the morning end at 17:30. */
	check_workhours(cal, "2024-09-23T09:00", 14 * 3600,
	    "2024-09-24T17:30");
	check_workhours(cal, "2024-09-23T16:30", 30 * 60, "2024-09-23T17:00");
	/* Weekend: Friday 17:00 + 1 hour is Monday 09:30. */
	check_workhours(cal, "2024-09-20T17:00", 3600, "2024-09-23T09:30");
	check_workhours(cal, "2024-09-23T09:30", -3600, "2024-09-20T17:00");
	/* Make-up working days: Sunday 09-29 and Saturday 10-12. */
	check_workhours(cal, "2024-09-27T17:00", 3600, "2024-09-29T09:30");
	check_workhours(cal, "2024-10-11T17:00", 3600, "2024-10-12T09:30");
	/* Sunday 09-29 (worked) 17:00: half an hour, then 6.5 on 09-30. */
	check_workhours(cal, "2024-09-29T17:00", 7 * 3600,
	    "2024-09-30T17:00");
	/* New Year's Day 2025 off. */
	check_workhours(cal, "2024-12-31T17:00", 3600, "2025-01-02T09:30");
	/* Nothing to count: the instant itself, even on a holiday. */
	check_workhours(cal, "2024-10-03T15:00", 0, "2024-10-03T15:00");
	calendar_free(cal);
}

/* Starting outside office hours counts from the next range. */
static void
test_workhours_outside(void **state)
{
	struct calendar *cal = hours_calendar(false);
	struct cal_time got;
	int64_t secs = -1;

	(void)state;
	assert_int_equal(calendar_add_workhours(cal, T("2024-09-23T20:00"),
	    3600, &got), CAL_OK);
	assert_int_equal(got.day, D("2024-09-24"));
	assert_int_equal(got.secs, 10 * 3600);
	assert_int_equal(calendar_add_workhours(cal, T("2024-09-23T07:00"),
	    3600, &got), CAL_OK);
	assert_int_equal(got.day, D("2024-09-23"));
	assert_int_equal(got.secs, 10 * 3600);
	assert_int_equal(calendar_add_workhours(cal, T("2024-09-23T12:30"),
	    3600, &got), CAL_OK);
	assert_int_equal(got.secs, 14 * 3600 + 30 * 60);
	/* From a holiday: the first working morning. */
	assert_int_equal(calendar_add_workhours(cal, T("2024-10-01T10:00"),
	    3600, &got), CAL_OK);
	assert_int_equal(got.day, D("2024-10-08"));
	assert_int_equal(got.secs, 10 * 3600);
	/* Backwards from the evening: the afternoon's end. */
	assert_int_equal(calendar_add_workhours(cal, T("2024-09-23T20:00"),
	    -3600, &got), CAL_OK);
	assert_int_equal(got.day, D("2024-09-23"));
	assert_int_equal(got.secs, 16 * 3600 + 30 * 60);

	/* Counting: lunch, evenings, weekends and holidays count nothing. */
	assert_int_equal(calendar_count_workhours(cal, T("2024-09-23T12:00"),
	    T("2024-09-23T13:30"), &secs), CAL_OK);
	assert_int_equal(secs, 0);
	assert_int_equal(calendar_count_workhours(cal, T("2024-09-27T17:30"),
	    T("2024-09-28T23:00"), &secs), CAL_OK);
	assert_int_equal(secs, 0);
	assert_int_equal(calendar_count_workhours(cal, T("2024-09-23T00:00"),
	    T("2024-09-30T00:00"), &secs), CAL_OK);
	assert_int_equal(secs, 6 * 7 * 3600);	/* Mon-Fri and Sunday 09-29 */
	assert_int_equal(calendar_count_workhours(cal, T("2024-10-01T00:00"),
	    T("2024-10-07T23:59"), &secs), CAL_OK);
	assert_int_equal(secs, 0);
	assert_int_equal(calendar_count_workhours(cal, T("2024-09-30T00:00"),
	    T("2024-09-23T00:00"), &secs), CAL_OK);
	assert_int_equal(secs, -6 * 7 * 3600);
	calendar_free(cal);
}

/* Every start in office hours over a month, both ways, several amounts. */
static void
test_workhours_round_trip(void **state)
{
	struct calendar *cal = hours_calendar(false);
	static const int64_t amounts[] = { 1, 1800, 3 * 3600, 7 * 3600,
	    40 * 3600 + 7 };

	(void)state;
	for (int d = D("2024-09-20"); d <= D("2024-10-14"); d++) {
		for (int secs = 9 * 3600; secs <= 17 * 3600; secs += 1800) {
			struct cal_time start = { d, secs }, end, back;
			bool w;
			int64_t count;

			assert_int_equal(calendar_is_workday(cal, d, &w),
			    CAL_OK);
			if (!w || (secs > 12 * 3600 && secs < 13 * 3600 + 1800))
				continue;
			for (size_t i = 0; i < sizeof amounts /
			    sizeof amounts[0]; i++) {
				assert_int_equal(calendar_add_workhours(cal,
				    start, amounts[i], &end), CAL_OK);
				assert_int_equal(calendar_count_workhours(cal,
				    start, end, &count), CAL_OK);
				assert_int_equal(count, amounts[i]);
				assert_int_equal(calendar_add_workhours(cal,
				    start, -amounts[i], &back), CAL_OK);
				assert_int_equal(calendar_count_workhours(cal,
				    start, back, &count), CAL_OK);
				assert_int_equal(count, -amounts[i]);
			}
		}
	}
	calendar_free(cal);
}

static void
test_workhours_errors(void **state)
{
	struct calendar *cal = hours_calendar(false);
	struct calendar *strict = hours_calendar(true);
	struct calendar *plain = table_calendar(false);
	struct cal_time got = { -1, -1 }, bad = { D("2024-09-23"), 86401 };
	int64_t secs = -1;

	(void)state;
	assert_false(calendar_has_office_hours(plain));
	assert_int_equal(calendar_add_workhours(plain, T("2024-09-23T09:00"),
	    3600, &got), CAL_ENOHOURS);
	assert_int_equal(calendar_count_workhours(plain, T("2024-09-23T09:00"),
	    T("2024-09-24T09:00"), &secs), CAL_ENOHOURS);
	assert_int_equal(got.day, -1);
	assert_int_equal(secs, -1);
	assert_int_equal(calendar_add_workhours(cal, bad, 3600, &got),
	    CAL_ERANGE);
	bad.secs = -1;
	assert_int_equal(calendar_count_workhours(cal, bad,
	    T("2024-09-24T09:00"), &secs), CAL_ERANGE);
	assert_int_equal(calendar_add_workhours(cal, T("2199-12-31T17:00"),
	    3600, &got), CAL_ERANGE);
	assert_int_equal(calendar_add_workhours(cal, T("1970-01-01T10:00"),
	    -2 * 3600, &got), CAL_ERANGE);
	/* Into 2027, not announced: provisional, or refused when strict. */
	assert_int_equal(calendar_add_workhours(cal, T("2026-12-31T17:00"),
	    3600, &got), CAL_PROVISIONAL);
	assert_int_equal(got.day, D("2027-01-01"));	/* weekends only */
	assert_int_equal(got.secs, 9 * 3600 + 30 * 60);
	got.day = -1;
	assert_int_equal(calendar_add_workhours(strict, T("2026-12-31T17:00"),
	    3600, &got), CAL_EUNANNOUNCED);
	assert_int_equal(got.day, -1);
	assert_non_null(strstr(cal_status_str(CAL_ENOHOURS), "office_hours"));
	calendar_free(plain);
	calendar_free(strict);
	calendar_free(cal);
}

/*
 * iCalendar fixtures.  The group state is a mkdtemp() directory; each test
 * writes its feed there as "feed.ics".
 */
struct fixture {
	char	dir[64];
	char	path[96];
};

static int
setup_dir(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_calendar.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/feed.ics", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown_dir(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void
write_feed(const struct fixture *fx, const char *text)
{
	FILE *fp;

	assert_non_null(fp = fopen(fx->path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Loads text as a feed: the calendar (finalized) or NULL with err set. */
static struct calendar *
load_feed(const struct fixture *fx, const char *text, char *err,
    size_t errlen)
{
	struct calendar *cal;

	write_feed(fx, text);
	assert_non_null(cal = calendar_new("feed"));
	if (calendar_load_ics(cal, fx->path, err, errlen) != 0) {
		calendar_free(cal);
		return NULL;
	}
	assert_int_equal(calendar_finalize(cal), 0);
	return cal;
}

#define VCAL(events) \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" \
	events "END:VCALENDAR\r\n"

static void
test_ics_apple_form(void **state)
{
	struct calendar	*cal;
	char		 err[512] = "";

	cal = load_feed(*state, VCAL(
	    "BEGIN:VEVENT\r\nUID:a1\r\nDTSTART;VALUE=DATE:20241001\r\n"
	    "DTEND;VALUE=DATE:20241008\r\nSUMMARY;LANGUAGE=zh_CN:国庆节\r\n"
	    "X-APPLE-SPECIAL-DAY:WORK-HOLIDAY\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:a2\r\nDTSTART;VALUE=DATE:20240929\r\n"
	    "SUMMARY:调休\r\nX-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY\r\n"
	    "END:VEVENT\r\n"
	    /* The marker wins over a misleading SUMMARY. */
	    "BEGIN:VEVENT\r\nUID:a3\r\nDTSTART;VALUE=DATE:20241012\r\n"
	    "SUMMARY:国庆节(休)\r\n"
	    "X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY\r\nEND:VEVENT\r\n"),
	    err, sizeof(err));
	if (cal == NULL)
		fail_msg("%s", err);
	assert_true(calendar_year_announced(cal, 2024));
	assert_false(workday(cal, "2024-10-01"));
	assert_false(workday(cal, "2024-10-07"));
	assert_true(workday(cal, "2024-10-08"));	/* DTEND exclusive */
	assert_true(workday(cal, "2024-09-29"));
	assert_true(workday(cal, "2024-10-12"));
	assert_false(workday(cal, "2024-10-13"));
	calendar_free(cal);
}

static void
test_ics_summary_form(void **state)
{
	struct calendar	*cal;
	char		 err[512] = "";

	/* holiday-cn / chinese-days style, LF line ends, no Apple marker. */
	cal = load_feed(*state,
	    "BEGIN:VCALENDAR\nVERSION:2.0\n"
	    "BEGIN:VEVENT\nUID:s1\nDTSTART;VALUE=DATE:20240915\n"
	    "DTEND;VALUE=DATE:20240918\nSUMMARY:中秋节(休)\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nUID:s2\nDTSTART;VALUE=DATE:20240914\n"
	    "DTEND;VALUE=DATE:20240915\nSUMMARY:中秋节(班)\nEND:VEVENT\n"
	    /* Fullwidth parentheses, DURATION instead of DTEND. */
	    "BEGIN:VEVENT\nUID:s3\nDTSTART;VALUE=DATE:20240501\n"
	    "DURATION:P5D\nSUMMARY:劳动节（休）\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nUID:s4\nDTSTART;VALUE=DATE:20240511\n"
	    "SUMMARY:劳动节（班） \nEND:VEVENT\n"
	    /* Not a day off: no marker, or the marker not at the end. */
	    "BEGIN:VEVENT\nUID:s5\nDTSTART;VALUE=DATE:20240910\n"
	    "SUMMARY:教师节\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nUID:s6\nDTSTART;VALUE=DATE:20240911\n"
	    "SUMMARY:(休) 不是放假\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nUID:s7\nDTSTART:20240912T090000\n"
	    "SUMMARY:会议\nEND:VEVENT\n"
	    "END:VCALENDAR\n", err, sizeof(err));
	if (cal == NULL)
		fail_msg("%s", err);
	assert_false(workday(cal, "2024-09-15"));
	assert_false(workday(cal, "2024-09-16"));
	assert_false(workday(cal, "2024-09-17"));
	assert_true(workday(cal, "2024-09-18"));
	assert_true(workday(cal, "2024-09-14"));	/* Saturday */
	assert_false(workday(cal, "2024-05-01"));
	assert_false(workday(cal, "2024-05-03"));
	assert_true(workday(cal, "2024-05-06"));	/* P5D ends 05-05 */
	assert_true(workday(cal, "2024-05-11"));	/* Saturday */
	assert_true(workday(cal, "2024-09-10"));
	assert_true(workday(cal, "2024-09-11"));
	assert_true(workday(cal, "2024-09-12"));
	calendar_free(cal);
}

/* Two VCALENDARs in one file (libical returns them under an XROOT). */
static void
test_ics_two_calendars(void **state)
{
	struct calendar	*cal;
	char		 err[512] = "";

	cal = load_feed(*state,
	    VCAL("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250101\r\n"
	    "SUMMARY:元旦(休)\r\nEND:VEVENT\r\n")
	    VCAL("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\n"
	    "DTEND;VALUE=DATE:20260104\r\nSUMMARY:元旦(休)\r\nEND:VEVENT\r\n"),
	    err, sizeof(err));
	if (cal == NULL)
		fail_msg("%s", err);
	assert_false(workday(cal, "2025-01-01"));
	assert_false(workday(cal, "2026-01-02"));
	assert_true(calendar_year_announced(cal, 2025));
	assert_true(calendar_year_announced(cal, 2026));
	calendar_free(cal);
}

static void
test_ics_errors(void **state)
{
	struct fixture	*fx = *state;
	struct calendar	*cal;
	char		 err[512], path[128];

	/* Missing file. */
	snprintf(path, sizeof(path), "%s/missing.ics", fx->dir);
	assert_non_null(cal = calendar_new("x"));
	assert_int_equal(calendar_load_ics(cal, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	calendar_free(cal);

	/* Garbage, and a truncated calendar. */
	assert_null(load_feed(fx, "hello\nthis is not a calendar\n", err,
	    sizeof(err)));
	assert_non_null(strstr(err, fx->path));
	assert_non_null(strstr(err, "not an iCalendar file"));
	assert_null(load_feed(fx, "BEGIN:VCALENDAR\nBEGIN:VEVENT\n"
	    "DTSTART;VALUE=DATE:20241001\n", err, sizeof(err)));
	assert_non_null(strstr(err, "not an iCalendar file"));
	assert_null(load_feed(fx, "", err, sizeof(err)));
	assert_non_null(strstr(err, "not an iCalendar file"));

	/* An impossible date, named by SUMMARY and by line. */
	assert_null(load_feed(fx, VCAL(
	    "BEGIN:VEVENT\r\nUID:ok\r\nDTSTART;VALUE=DATE:20241001\r\n"
	    "SUMMARY:国庆节(休)\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:bad\r\nDTSTART;VALUE=DATE:20241345\r\n"
	    "SUMMARY:国庆节(休)\r\nEND:VEVENT\r\n"), err, sizeof(err)));
	assert_non_null(strstr(err, fx->path));
	assert_non_null(strstr(err, ":9: event \"国庆节(休)\""));
	assert_non_null(strstr(err, "20241345"));

	assert_null(load_feed(fx, VCAL(
	    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240228\r\n"
	    "DTEND;VALUE=DATE:20240230\r\nSUMMARY:二月(休)\r\nEND:VEVENT\r\n"),
	    err, sizeof(err)));
	assert_non_null(strstr(err, "DTEND 20240230 is not a date"));

	/* A date-time where an all-day date belongs; named by UID. */
	assert_null(load_feed(fx, VCAL(
	    "BEGIN:VEVENT\r\nUID:dt-1\r\nDTSTART:20241001T000000Z\r\n"
	    "X-APPLE-SPECIAL-DAY:WORK-HOLIDAY\r\nEND:VEVENT\r\n"),
	    err, sizeof(err)));
	assert_non_null(strstr(err, ":4: event \"dt-1\""));
	assert_non_null(strstr(err, "not an all-day date"));

	/* DTEND not after DTSTART; missing DTSTART. */
	assert_null(load_feed(fx, VCAL(
	    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20241001\r\n"
	    "DTEND;VALUE=DATE:20241001\r\nSUMMARY:空(休)\r\nEND:VEVENT\r\n"),
	    err, sizeof(err)));
	assert_non_null(strstr(err, "DTEND is not after DTSTART"));
	assert_null(load_feed(fx, VCAL(
	    "BEGIN:VEVENT\r\nSUMMARY:无日期(班)\r\nEND:VEVENT\r\n"),
	    err, sizeof(err)));
	assert_non_null(strstr(err, "no DTSTART"));
	assert_null(load_feed(fx, VCAL(
	    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20241001\r\n"
	    "DURATION:PT12H\r\nSUMMARY:半天(休)\r\nEND:VEVENT\r\n"),
	    err, sizeof(err)));
	assert_non_null(strstr(err, "DURATION"));
	assert_null(load_feed(fx, VCAL(
	    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:19691231\r\n"
	    "SUMMARY:太早(休)\r\nEND:VEVENT\r\n"), err, sizeof(err)));
	assert_non_null(strstr(err, "1970..2199"));

	/* The same day a holiday and a working day. */
	assert_null(load_feed(fx, VCAL(
	    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20241001\r\n"
	    "DTEND;VALUE=DATE:20241008\r\nSUMMARY:国庆节(休)\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20241005\r\n"
	    "SUMMARY:国庆节(班)\r\nEND:VEVENT\r\n"), err, sizeof(err)));
	assert_non_null(strstr(err, "2024-10-05 is already a holiday, "
	    "cannot also be a working day"));
	assert_non_null(strstr(err, ":9: event \"国庆节(班)\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_and_ics_agree),
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_add_days),
		cmocka_unit_test(test_count_workdays),
		cmocka_unit_test(test_round_trip_properties),
		cmocka_unit_test(test_unannounced_years),
		cmocka_unit_test(test_lone_workday_ignored),
		cmocka_unit_test(test_range_errors),
		cmocka_unit_test(test_roll_past_span),
		cmocka_unit_test(test_set_day_errors),
		cmocka_unit_test(test_status_str),
		cmocka_unit_test(test_workhours),
		cmocka_unit_test(test_workhours_outside),
		cmocka_unit_test(test_workhours_round_trip),
		cmocka_unit_test(test_workhours_errors),
	};
	const struct CMUnitTest ics_tests[] = {
		cmocka_unit_test(test_ics_apple_form),
		cmocka_unit_test(test_ics_summary_form),
		cmocka_unit_test(test_ics_two_calendars),
		cmocka_unit_test(test_ics_errors),
	};
	int failed;

	failed = cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("calendar_ics", ics_tests,
	    setup_dir, teardown_dir);
	return failed == 0 ? 0 : 1;
}
