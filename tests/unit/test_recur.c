/*
 * Repeat specs: every period form across year ends, month ends and leap
 * years, workday offsets across the National Day week and New Year on the
 * shipped national calendar (expected days from the independent
 * tests/integration/calendar_oracle.py), RRULEs, the end of the supported
 * span, bad specs, and a task's repeat checked at config load.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "config.h"
#include "date.h"
#include "errors.h"
#include "recur.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_DUES 16

struct recur_case {
	const char	*spec;
	const char	*from;
	const char	*due[MAX_DUES];		/* NULL-terminated */
	const char	*label[MAX_DUES];	/* NULL: not checked */
};

static int
ymd(const char *s)
{
	int day;

	if (!day_parse(s, &day))
		fail_msg("bad test date \"%s\"", s);
	return day;
}

static struct recur
parse_ok(const char *spec)
{
	struct recur r;
	char err[512];

	if (!recur_parse(spec, &r, err, sizeof err))
		fail_msg("\"%s\": %s", spec, err);
	return r;
}

/* Runs c: its dues in order, their labels where given. */
static void
check_case(const struct recur_case *c, const struct calendar *cal)
{
	struct recur r = parse_ok(c->spec);
	struct recur_iter it;
	enum recur_status st;
	char label[RECUR_LABEL_MAX], buf[DAY_STRLEN];
	int due;

	assert_int_equal(recur_iter_init(&it, &r, cal, ymd(c->from)), 0);
	for (size_t i = 0; c->due[i] != NULL; i++) {
		st = recur_iter_next(&it, &due, label, sizeof label);
		if (st != RECUR_OK)
			fail_msg("%s from %s: #%zu: status %d, expected %s",
			    c->spec, c->from, i, st, c->due[i]);
		if (strcmp(day_format(due, buf), c->due[i]) != 0)
			fail_msg("%s from %s: #%zu: %s, expected %s", c->spec,
			    c->from, i, buf, c->due[i]);
		if (c->label[i] != NULL && strcmp(label, c->label[i]) != 0)
			fail_msg("%s from %s: #%zu: label %s, expected %s",
			    c->spec, c->from, i, label, c->label[i]);
	}
	recur_iter_free(&it);
}

/* The national calendar of the group's config (setup_calendar). */
static struct calendar *
cn(void **state)
{
	struct config *conf = *state;

	return conf->calendars[0].cal;
}

static void
check_cases(const struct recur_case *c, size_t n, const struct calendar *cal)
{
	for (size_t i = 0; i < n; i++)
		check_case(&c[i], cal);
}

static void
test_period_forms(void **state)
{
	static const struct recur_case c[] = {
		{ "quarterly", "2024-11-15",
		    { "2024-12-31", "2025-03-31", "2025-06-30", "2025-09-30",
		      "2025-12-31" },
		    { "2024年第四季度", "2025年第一季度", "2025年第二季度",
		      "2025年第三季度", "2025年第四季度" } },
		/* 每季度结束后15日内: the quarter before is still due. */
		{ "quarterly +15 days", "2024-10-15",
		    { "2024-10-15", "2025-01-15", "2025-04-15", "2025-07-15" },
		    { "2024年第三季度", "2024年第四季度", "2025年第一季度",
		      "2025年第二季度" } },
		{ "quarterly +15 days", "2024-10-16",
		    { "2025-01-15" }, { "2024年第四季度" } },
		{ "  quarterly   +15   days  ", "2024-10-16",
		    { "2025-01-15" }, { NULL } },
		{ "half-yearly", "2024-01-01",
		    { "2024-06-30", "2024-12-31", "2025-06-30" },
		    { "2024年上半年", "2024年下半年", "2025年上半年" } },
		{ "monthly", "2024-01-31",
		    { "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30" },
		    { "2024年1月", "2024年2月", "2024年3月", "2024年4月" } },
		/* The 31st of a shorter month is its last day. */
		{ "monthly 31", "2024-12-01",
		    { "2024-12-31", "2025-01-31", "2025-02-28", "2025-03-31",
		      "2025-04-30" },
		    { "2024年12月", "2025年1月", "2025年2月", "2025年3月",
		      "2025年4月" } },
		{ "monthly 10", "2024-12-11",
		    { "2025-01-10", "2025-02-10" },
		    { "2025年1月", "2025年2月" } },
		{ "monthly 1", "2024-12-01",
		    { "2024-12-01", "2025-01-01" }, { NULL } },
		{ "monthly +45 days", "2024-03-01",
		    { "2024-03-16", "2024-04-14", "2024-05-15" },
		    { "2024年1月", "2024年2月", "2024年3月" } },
		{ "yearly", "2024-06-01",
		    { "2024-12-31", "2025-12-31" }, { "2024年", "2025年" } },
		/* 年报: 90 days after the year, labelled with that year. */
		{ "yearly +90 days", "2025-01-01",
		    { "2025-03-31", "2026-03-31" }, { "2024年", "2025年" } },
		{ "yearly 03-31", "2024-03-31",
		    { "2024-03-31", "2025-03-31" }, { "2024年", "2025年" } },
		{ "yearly 03-31", "2024-04-01",
		    { "2025-03-31" }, { "2025年" } },
		{ "yearly 3-1", "2024-04-01",
		    { "2025-03-01" }, { NULL } },
		{ "yearly 02-29", "2024-01-01",
		    { "2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28",
		      "2028-02-29" }, { NULL } },
		/* 2023's is due on 2024-01-01. */
		{ "yearly 12-31 +1 day", "2024-01-01",
		    { "2024-01-01", "2025-01-01" }, { "2023年", "2024年" } },
	};

	(void)state;
	check_cases(c, NITEMS(c), NULL);
}

static void
test_workday_offsets(void **state)
{
	static const struct recur_case c[] = {
		/* Crosses 国庆 2024 (10-01..07, 10-12 worked) and 2025
		 * (10-01..08, 10-11 worked), 元旦 2026 (01-04 worked). */
		{ "quarterly +15 workdays", "2024-01-23",
		    { "2024-04-22", "2024-07-19", "2024-10-25", "2025-01-22",
		      "2025-04-22", "2025-07-21", "2025-10-28", "2026-01-22",
		      "2026-04-22", "2026-07-21", "2026-10-27" },
		    { "2024年第一季度", "2024年第二季度", "2024年第三季度",
		      "2024年第四季度", NULL, NULL, "2025年第三季度", NULL,
		      NULL, NULL, "2026年第三季度" } },
		{ "quarterly +15 workdays", "2024-09-01",
		    { "2024-10-25" }, { "2024年第三季度" } },
		{ "quarterly +10 workdays", "2024-07-13",
		    { "2024-10-18", "2025-01-15" }, { NULL } },
		{ "quarterly +1 workday", "2025-10-01",
		    { "2025-10-09", "2026-01-04", "2026-04-01" },
		    { "2025年第三季度", "2025年第四季度", "2026年第一季度" } },
		{ "half-yearly +10 workdays", "2024-01-16",
		    { "2024-07-12", "2025-01-15", "2025-07-14", "2026-01-15",
		      "2026-07-14" }, { NULL } },
		{ "monthly 31 +3 workdays", "2026-01-07",
		    { "2026-02-04", "2026-03-04", "2026-04-03", "2026-05-08",
		      "2026-06-03", "2026-07-03", "2026-08-05", "2026-09-03",
		      "2026-10-10", "2026-11-04", "2026-12-03" },
		    { "2026年1月", NULL, NULL, "2026年4月", NULL, NULL, NULL,
		      NULL, "2026年9月", NULL, "2026年11月" } },
		{ "yearly 09-30 +5 workdays", "2024-01-01",
		    { "2024-10-12", "2025-10-14", "2026-10-13" },
		    { "2024年", "2025年", "2026年" } },
		{ "quarterly +0 workdays", "2024-01-01",
		    { "2024-03-31" }, { NULL } },
	};

	check_cases(c, NITEMS(c), cn(state));
}

/* 2027 is not announced: counted weekends only, flagged; strict refuses. */
static void
test_unannounced_year(void **state)
{
	struct calendar *cal = cn(state);
	struct recur r = parse_ok("quarterly +15 workdays");
	char label[RECUR_LABEL_MAX];
	int due;

	assert_true(recur_uses_calendar(&r));
	assert_int_equal(recur_next(&r, cal, ymd("2026-10-28"), &due, label,
	    sizeof label), RECUR_PROVISIONAL);
	assert_int_equal(due, ymd("2027-01-21"));
	assert_string_equal(label, "2026年第四季度");
	assert_int_equal(recur_next(&r, cal, ymd("2026-10-27"), &due, label,
	    sizeof label), RECUR_OK);
	assert_int_equal(due, ymd("2026-10-27"));

	calendar_set_strict(cal, true);
	due = -1;
	assert_int_equal(recur_next(&r, cal, ymd("2026-10-28"), &due, label,
	    sizeof label), RECUR_EUNANNOUNCED);
	assert_int_equal(due, -1);
	calendar_set_strict(cal, false);

	/* Calendar days need no calendar and are never provisional. */
	r = parse_ok("quarterly +15 days");
	assert_false(recur_uses_calendar(&r));
	assert_int_equal(recur_next(&r, NULL, ymd("2026-10-28"), &due, label,
	    sizeof label), RECUR_OK);
	assert_int_equal(due, ymd("2027-01-15"));
}

static void
test_rrule(void **state)
{
	static const struct recur_case c[] = {
		{ "FREQ=MONTHLY;BYMONTHDAY=-1", "2024-01-15",
		    { "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30" },
		    { "2024年1月31日", "2024年2月29日", "2024年3月31日",
		      "2024年4月30日" } },
		{ "RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31", "2024-04-01",
		    { "2025-03-31", "2026-03-31" },
		    { "2025年3月31日", "2026年3月31日" } },
		{ "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31", "2024-03-31",
		    { "2024-03-31", "2025-03-31" }, { NULL } },
		/* RFC 5545: the 31st skips months without one. */
		{ "FREQ=MONTHLY;BYMONTHDAY=31", "2024-01-01",
		    { "2024-01-31", "2024-03-31", "2024-05-31" }, { NULL } },
		{ "FREQ=MONTHLY;BYDAY=-1FR", "2024-01-01",
		    { "2024-01-26", "2024-02-23", "2024-03-29" }, { NULL } },
		/* Without BY* the day comes from the start (DTSTART). */
		{ "FREQ=MONTHLY", "2024-01-05",
		    { "2024-01-05", "2024-02-05" }, { NULL } },
		/* Several a day are one. */
		{ "FREQ=DAILY;BYDAY=MO,FR", "2024-01-01",
		    { "2024-01-01", "2024-01-05", "2024-01-08" }, { NULL } },
	};

	(void)state;
	check_cases(c, NITEMS(c), NULL);
}

/* Rules and periods that end. */
static void
test_ends(void **state)
{
	struct recur r;
	struct recur_iter it;
	char label[RECUR_LABEL_MAX];
	int due, n;

	(void)state;
	r = parse_ok("FREQ=WEEKLY;BYDAY=FR;COUNT=2");
	assert_int_equal(recur_iter_init(&it, &r, NULL, ymd("2024-01-01")), 0);
	for (n = 0; recur_iter_next(&it, &due, label, sizeof label) ==
	    RECUR_OK; n++)
		assert_true(due == ymd("2024-01-05") || due == ymd("2024-01-12"));
	recur_iter_free(&it);
	assert_int_equal(n, 2);

	r = parse_ok("FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20240401");
	assert_int_equal(recur_iter_init(&it, &r, NULL, ymd("2024-02-01")), 0);
	for (n = 0; recur_iter_next(&it, &due, label, sizeof label) ==
	    RECUR_OK; n++)
		;
	recur_iter_free(&it);
	assert_int_equal(n, 2);	/* 02-15, 03-15 */

	r = parse_ok("yearly");
	assert_int_equal(recur_next(&r, NULL, ymd("2199-06-01"), &due, label,
	    sizeof label), RECUR_OK);
	assert_int_equal(due, DAY_MAX);
	assert_int_equal(recur_next(&r, NULL, DAY_MAX, &due, label,
	    sizeof label), RECUR_OK);
	r = parse_ok("quarterly +15 days");
	assert_int_equal(recur_next(&r, NULL, ymd("2199-12-01"), &due, label,
	    sizeof label), RECUR_END);
	r = parse_ok("FREQ=YEARLY");
	assert_int_equal(recur_iter_init(&it, &r, NULL, ymd("2198-05-05")), 0);
	for (n = 0; recur_iter_next(&it, &due, label, sizeof label) ==
	    RECUR_OK; n++)
		;
	recur_iter_free(&it);
	assert_int_equal(n, 2);	/* 2198-05-05, 2199-05-05 */
}

static void
test_bad_specs(void **state)
{
	static const struct {
		const char	*spec;
		const char	*why;	/* a part of the message */
	} bad[] = {
		{ "", "expected a repeat" },
		{ "weekly", "expected a repeat such as" },
		{ "Quarterly", "expected a repeat" },
		{ "quarterly 15", "only \"yearly MM-DD\" and \"monthly DD\"" },
		{ "monthly 32", "no day 32 in a month" },
		{ "monthly 0", "no day 0 in a month" },
		{ "monthly 100", "expected a day of the month" },
		{ "yearly 13-01", "no day 13-01" },
		{ "yearly 02-30", "no day 02-30" },
		{ "yearly 3", "expected a day MM-DD" },
		{ "yearly 03-31x", "expected a repeat" },
		{ "quarterly -3 days", "the offset counts after the period" },
		{ "quarterly +3 hours", "expected \"+N days\" or \"+N workdays\"" },
		{ "quarterly +x days", "expected \"+N days\"" },
		{ "quarterly 15 days", "only \"yearly MM-DD\"" },
		{ "monthly 10 junk", "expected \"+N days\"" },
		{ "quarterly +15 days later", "expected \"+N days\"" },
		{ "FREQ=FOO", "is not valid" },
		{ "BYMONTHDAY=3", "is not valid" },
		{ "FREQ=MONTHLY;BYMONTHDAY=40", "is not valid" },
		{ "FREQ=HOURLY", "more often than daily" },
		{ "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "cannot be iterated" },
	};
	struct recur r;
	char err[512];

	(void)state;
	for (size_t i = 0; i < NITEMS(bad); i++) {
		err[0] = '\0';
		if (recur_parse(bad[i].spec, &r, err, sizeof err))
			fail_msg("\"%s\" was accepted", bad[i].spec);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("\"%s\": \"%s\" does not say \"%s\"",
			    bad[i].spec, err, bad[i].why);
	}
}

/* A task's repeat is checked when the config loads. */
static void
test_config_repeat(void **state)
{
	char dir[] = "/tmp/test_recur.XXXXXX", path[64];
	struct errors errs;
	struct config *conf;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/duban.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "include(\"%s\")\n"
	    "office \"综合处\" { }\n"
	    "task \"gk\" { title = \"按季度公开\"  lead = \"综合处\"\n"
	    "	repeat = \"quarterly +15 days\" }\n"
	    "task \"bad\" { title = \"x\"  lead = \"综合处\"\n"
	    "	repeat = \"quarterly +15 weekdays\" }\n",
	    TEST_SRCDIR "/etc/holidays/cn.conf");
	assert_int_equal(fclose(f), 0);

	errors_init(&errs);
	conf = config_load(path, &errs);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.msg[0], "duban.conf:6: repeat: "
	    "\"quarterly +15 weekdays\": expected \"+N days\""));
	errors_free(&errs);
	config_free(conf);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static int
setup_calendar(void **state)
{
	struct errors errs;
	struct config *conf;

	errors_init(&errs);
	conf = config_load(TEST_SRCDIR "/etc/holidays/cn.conf", &errs);
	if (conf == NULL || errs.n != 0 || conf->ncalendars != 1) {
		errors_print(&errs, stderr);
		errors_free(&errs);
		config_free(conf);
		return -1;
	}
	errors_free(&errs);
	*state = conf;
	return 0;
}

static int
teardown_calendar(void **state)
{
	config_free(*state);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period_forms),
		cmocka_unit_test(test_rrule),
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_config_repeat),
	};
	const struct CMUnitTest cn_tests[] = {
		cmocka_unit_test(test_workday_offsets),
		cmocka_unit_test(test_unannounced_year),
	};
	int failed;

	failed = cmocka_run_group_tests(tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("national calendar", cn_tests,
	    setup_calendar, teardown_calendar);
	return failed;
}
