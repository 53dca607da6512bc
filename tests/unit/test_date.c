/*
 * Civil date arithmetic against the C library's own calendar (timegm).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "date.h"

static void
test_epoch_and_known_days(void **state)
{
	(void)state;
	assert_int_equal(day_from_ymd(1970, 1, 1), 0);
	assert_int_equal(day_from_ymd(2024, 9, 20), 19986);
	assert_int_equal(day_from_ymd(2199, 12, 31), DAY_MAX);
	assert_int_equal(day_weekday(day_from_ymd(2024, 9, 20)), 5); /* Fri */
	assert_int_equal(day_weekday(day_from_ymd(2024, 9, 29)), 0); /* Sun */
	assert_true(day_is_weekend(day_from_ymd(2024, 10, 12)));
	assert_false(day_is_weekend(day_from_ymd(2024, 10, 14)));
}

/* Every day of the span round-trips and agrees with timegm/gmtime_r. */
static void
test_whole_span_against_libc(void **state)
{
	char buf[DAY_STRLEN], expect[DAY_STRLEN + 8];
	int y, m, d, parsed;

	(void)state;
	for (int day = DAY_MIN; day <= DAY_MAX; day++) {
		time_t t = (time_t)day * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		day_to_ymd(day, &y, &m, &d);
		assert_int_equal(y, tm.tm_year + 1900);
		assert_int_equal(m, tm.tm_mon + 1);
		assert_int_equal(d, tm.tm_mday);
		assert_int_equal(day_weekday(day), tm.tm_wday);
		assert_int_equal(day_from_ymd(y, m, d), day);
		strftime(expect, sizeof expect, "%Y-%m-%d", &tm);
		assert_string_equal(day_format(day, buf), expect);
		assert_true(day_parse(buf, &parsed));
		assert_int_equal(parsed, day);
	}
}

static void
test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "2024-9-20", "2024-09-31", "2023-02-29", "2024-13-01",
		"2024-00-10", "1969-12-31", "2200-01-01", "2024/09/20",
		"2024-09-20x", "２０２４-09-20", "20240920", "2024-09-2a",
	};
	int day;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(day_parse(bad[i], &day));
	assert_false(day_parse(NULL, &day));
	assert_true(day_parse("2024-02-29", &day));
	assert_int_equal(days_in_month(2024, 2), 29);
	assert_int_equal(days_in_month(2100, 2), 28);
	assert_int_equal(days_in_month(2000, 2), 29);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_and_known_days),
		cmocka_unit_test(test_whole_span_against_libc),
		cmocka_unit_test(test_parse_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
