/*
 * The clock and local-time conversions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "date.h"

static int
setup_shanghai(void **state)
{
	char err[256];

	(void)state;
	return tz_set("Asia/Shanghai", err, sizeof err);
}

static void
test_instant_parse_forms(void **state)
{
	int64_t t;
	/* 2024-10-23T23:59:50+08:00 = 2024-10-23T15:59:50Z */
	const int64_t want = (int64_t)day_from_ymd(2024, 10, 23) * 86400 +
	    15 * 3600 + 59 * 60 + 50;

	(void)state;
	assert_int_equal(instant_parse("2024-10-23T23:59:50+08:00", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(instant_parse("2024-10-23T15:59:50Z", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(instant_parse("2024-10-23T23:59:50+0800", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(instant_parse("2024-10-23 23:59:50", &t), 0);
	assert_int_equal(t, want);	/* local time in Asia/Shanghai */
	assert_int_equal(instant_parse("2024-10-23T23:59", &t), 0);
	assert_int_equal(t, want - 50);
	assert_int_equal(instant_parse("2024-10-24", &t), 0);
	assert_int_equal(t, want + 10);	/* local midnight */

	assert_int_equal(instant_parse("2024-10-23T24:00:00Z", &t), -1);
	assert_int_equal(instant_parse("2024-10-23T23:59:50+8", &t), -1);
	assert_int_equal(instant_parse("2024-10-23X23:59:50", &t), -1);
	assert_int_equal(instant_parse("2024-10-32", &t), -1);
	assert_int_equal(instant_parse("tomorrow", &t), -1);
	assert_int_equal(instant_parse("2024-10-23T23:59:50Zjunk", &t), -1);
}

static void
test_local_day_and_instant(void **state)
{
	int day = day_from_ymd(2024, 10, 23);
	int64_t end = local_instant(day, 23 * 3600 + 59 * 60 + 59);
	char buf[40];

	(void)state;
	assert_int_equal(local_day(end), day);
	assert_int_equal(local_secs(end), 86399);
	assert_int_equal(local_day(end + 1), day + 1);
	assert_int_equal(local_secs(end + 1), 0);
	assert_string_equal(instant_format(end, buf, sizeof buf),
	    "2024-10-23T23:59:59+08:00");
	/* 16:00 UTC is already the next day in Shanghai. */
	assert_int_equal(local_day((int64_t)day * 86400 + 16 * 3600), day + 1);
}

static void
test_fake_clock_runs_forward(void **state)
{
	struct clock c;
	char err[256];
	int64_t t0, t1, want;

	(void)state;
	clock_init(&c);
	assert_int_equal(instant_parse("2024-10-23T23:59:50+08:00", &want), 0);
	assert_int_equal(clock_set_fake(&c, "2024-10-23T23:59:50+08:00", err,
	    sizeof err), 0);
	t0 = clock_now(&c);
	assert_true(t0 >= want && t0 <= want + 2);
	t1 = clock_now_ms(&c);
	assert_true(t1 >= t0 * 1000);
	assert_int_equal(clock_set_fake(&c, "2024-10-23 25:00", err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "2024-10-23 25:00"));
}

static void
test_tz_set_rejects_unknown(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(tz_set("Mars/Olympus_Mons", err, sizeof err), -1);
	assert_non_null(strstr(err, "Mars/Olympus_Mons"));
	assert_int_equal(tz_set("../etc/passwd", err, sizeof err), -1);
	assert_int_equal(tz_set("Asia/Shanghai", err, sizeof err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instant_parse_forms),
		cmocka_unit_test(test_local_day_and_instant),
		cmocka_unit_test(test_fake_clock_runs_forward),
		cmocka_unit_test(test_tz_set_rejects_unknown),
	};

	return cmocka_run_group_tests(tests, setup_shanghai, NULL);
}
