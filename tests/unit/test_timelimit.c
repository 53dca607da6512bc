/*
 * Time-limit rules against the Chinese national calendar 2024-2026
 * (/work/shared/holidays-cn.md), with the seeds' real limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "date.h"
#include "parse.h"
#include "timelimit.h"

struct day_range {
	const char	*from;
	const char	*to;
};

/* 国办发明电〔2023〕7号, 〔2024〕12号, and the notice of 2025-11-04. */
static const struct day_range cn_holidays[] = {
	{ "2024-01-01", "2024-01-01" }, { "2024-02-10", "2024-02-17" },
	{ "2024-04-04", "2024-04-06" }, { "2024-05-01", "2024-05-05" },
	{ "2024-06-10", "2024-06-10" }, { "2024-09-15", "2024-09-17" },
	{ "2024-10-01", "2024-10-07" },
	{ "2025-01-01", "2025-01-01" }, { "2025-01-28", "2025-02-04" },
	{ "2025-04-04", "2025-04-06" }, { "2025-05-01", "2025-05-05" },
	{ "2025-05-31", "2025-06-02" }, { "2025-10-01", "2025-10-08" },
	{ "2026-01-01", "2026-01-03" }, { "2026-02-15", "2026-02-23" },
	{ "2026-04-04", "2026-04-06" }, { "2026-05-01", "2026-05-05" },
	{ "2026-06-19", "2026-06-21" }, { "2026-09-25", "2026-09-27" },
	{ "2026-10-01", "2026-10-07" },
};

static const char *const cn_workdays[] = {
	"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11",
	"2024-09-14", "2024-09-29", "2024-10-12",
	"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
	"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
	"2026-10-10",
};

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])
/* No minimum period. */
#define NOMIN { 0, DUR_DAYS }

static int
ymd(const char *s)
{
	int day;

	assert_true(day_parse(s, &day));
	return day;
}

/* A +08:00 wall-clock time as UTC seconds, without the C library. */
static int64_t
cst(int y, int mo, int d, int h, int mi, int s)
{
	return (int64_t)day_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    s - 8 * 3600;
}

/* The national calendar, with office hours when hours is not NULL. */
static struct calendar *
cn_calendar_hours(bool strict, const char *hours)
{
	struct calendar *cal;
	struct office_hours h;
	char err[256];
	size_t i;
	int d;

	cal = calendar_new("cn");
	assert_non_null(cal);
	calendar_set_strict(cal, strict);
	if (hours != NULL) {
		assert_true(parse_hours(hours, &h, err, sizeof err));
		calendar_set_office_hours(cal, &h);
	}
	for (i = 0; i < NITEMS(cn_holidays); i++) {
		for (d = ymd(cn_holidays[i].from); d <= ymd(cn_holidays[i].to);
		    d++)
			assert_int_equal(calendar_set_day(cal, d, DAY_HOLIDAY,
			    err, sizeof err), 0);
	}
	for (i = 0; i < NITEMS(cn_workdays); i++)
		assert_int_equal(calendar_set_day(cal, ymd(cn_workdays[i]),
		    DAY_WORKDAY, err, sizeof err), 0);
	assert_int_equal(calendar_finalize(cal), 0);
	return cal;
}

static struct calendar *
cn_calendar(bool strict)
{
	return cn_calendar_hours(strict, NULL);
}

static int
setup_calendar(void **state)
{
	*state = cn_calendar(false);
	return 0;
}

static int
teardown_calendar(void **state)
{
	calendar_free(*state);
	return 0;
}

static struct milestone_rule deadline_only[] = {
	{ "deadline", { 20, DUR_WORKDAYS }, NOMIN },
};

/* 依申请公开: 20 workdays, extendable once by 20. */
static struct tl_rule
disclosure_rule(const struct calendar *cal)
{
	struct tl_rule r = {
		.name = "disclosure",
		.title = "依申请公开答复",
		.cal = cal,
		.milestones = deadline_only,
		.nmilestones = 1,
		.extension = { 20, DUR_WORKDAYS },
		.max_extensions = 1,
		.roll = false,
		.deadline_secs = TL_DEFAULT_DEADLINE_SECS,
	};
	return r;
}

/* A one-milestone rule with the given limit and no extension. */
static struct tl_rule
simple_rule(const struct calendar *cal, struct milestone_rule *ms,
    bool roll)
{
	struct tl_rule r = {
		.name = ms->name,
		.title = ms->name,
		.cal = cal,
		.milestones = ms,
		.nmilestones = 1,
		.extension = { 0, DUR_WORKDAYS },
		.max_extensions = 0,
		.roll = roll,
		.deadline_secs = TL_DEFAULT_DEADLINE_SECS,
	};
	return r;
}

static void
deadline_ok(const struct tl_rule *r, size_t m, const struct tl_event *ev,
    size_t n, struct tl_deadline *dl)
{
	char err[256] = "";

	if (tl_deadline(r, m, ev, n, dl, err, sizeof err) != 0)
		fail_msg("tl_deadline: %s", err);
}

static void
assert_day(int day, const char *want)
{
	char buf[DAY_STRLEN];

	assert_string_equal(day_format(day, buf), want);
}

static void
test_event_kinds(void **state)
{
	enum tl_event_kind k;
	static const char *const names[] = {
		"opened", "paused", "resumed", "extended", "closed",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(names); i++) {
		assert_int_equal(tl_event_kind_parse(names[i], &k), 0);
		assert_int_equal(k, (enum tl_event_kind)i);
		assert_string_equal(tl_event_kind_str(k), names[i]);
	}
	assert_int_equal(tl_event_kind_parse("open", &k), -1);
	assert_int_equal(tl_event_kind_parse("", &k), -1);
	assert_int_equal(tl_event_kind_parse(NULL, &k), -1);
	assert_string_equal(tl_event_kind_str((enum tl_event_kind)42),
	    "unknown");
}

static struct milestone_rule review_ms[] = {
	{ "contact", { 1, DUR_WORKDAYS }, NOMIN },
	{ "rectify", { 5, DUR_WORKDAYS }, NOMIN },
};

/* 差评整改: contact the citizen in 1 workday, rectify in 5. */
static struct tl_rule
review_rule(const struct calendar *cal)
{
	struct tl_rule r = {
		.name = "review",
		.title = "差评整改",
		.cal = cal,
		.milestones = review_ms,
		.nmilestones = 2,
		.extension = { 5, DUR_WORKDAYS },
		.max_extensions = 1,
		.roll = false,
		.deadline_secs = TL_DEFAULT_DEADLINE_SECS,
	};
	return r;
}

static void
test_milestone_index(void **state)
{
	struct tl_rule r = review_rule(*state);

	assert_int_equal(tl_milestone_index(&r, "contact"), 0);
	assert_int_equal(tl_milestone_index(&r, "rectify"), 1);
	assert_int_equal(tl_milestone_index(&r, "deadline"), -1);
	assert_int_equal(tl_milestone_index(&r, NULL), -1);
}

/* 2024-09-20 + 20 workdays = 2024-10-23 (09-29 Sunday works, 10-01..07
 * off, 10-12 Saturday works). */
static void
test_disclosure(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
	};
	struct tl_deadline dl;

	deadline_ok(&r, 0, ev, 1, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_day(dl.day, "2024-10-23");
	assert_int_equal(dl.at, cst(2024, 10, 23, 23, 59, 59));
	assert_int_equal(dl.extensions, 0);
	assert_false(dl.provisional);
	assert_false(dl.late);
}

/* The deadline time of day comes from the rule. */
static void
test_deadline_secs(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
	};
	struct tl_deadline dl;

	r.deadline_secs = 17 * 3600 + 30 * 60;
	deadline_ok(&r, 0, ev, 1, &dl);
	assert_day(dl.day, "2024-10-23");
	assert_int_equal(dl.at, cst(2024, 10, 23, 17, 30, 0));

	r.deadline_secs = 86400;
	assert_int_equal(tl_deadline(&r, 0, ev, 1, &dl, NULL, 0), -1);
}

/*
 * Extended once: 40 workdays from 2024-09-20.  The 20th is 10-23; then
 * 10-24 (21), 10-25 (22), 10-28..11-01 (27), 11-04..08 (32),
 * 11-11..15 (37), 11-18 (38), 11-19 (39), 11-20 (40).
 */
static void
test_disclosure_extended(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
		{ TL_EXTENDED, cst(2024, 10, 21, 9, 0, 0), NULL },
	};
	struct tl_event again = { TL_EXTENDED, cst(2024, 10, 22, 9, 0, 0),
	    NULL };
	struct tl_deadline dl;
	char err[128];

	deadline_ok(&r, 0, ev, 2, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_day(dl.day, "2024-11-20");
	assert_int_equal(dl.at, cst(2024, 11, 20, 23, 59, 59));
	assert_int_equal(dl.extensions, 1);

	assert_int_equal(tl_check_event(&r, ev, 2, &again, err, sizeof err),
	    -1);
	assert_string_equal(err, "extension limit reached (1 of 1 used)");
	/* Named milestone, same answer. */
	again.milestone = "deadline";
	assert_int_equal(tl_check_event(&r, ev, 2, &again, err, sizeof err),
	    -1);
	assert_string_equal(err, "extension limit reached (1 of 1 used)");
	/* The first one was fine. */
	assert_int_equal(tl_check_event(&r, ev, 1, &ev[1], err, sizeof err),
	    0);
}

/*
 * Paused 2024-10-09, resumed 2024-10-14: 10-09, 10-10, 10-11, 10-12
 * (Saturday, a make-up working day) and 10-14 do not count (5 working
 * days).  Before the pause (09-20, 10-08] holds 8 working days, 12 are
 * left after 10-14: 10-15..18 (4), 10-21..25 (9), 10-28..30 (12).
 */
static void
test_disclosure_paused(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 9, 16, 0, 0), NULL },
		{ TL_RESUMED, cst(2024, 10, 14, 8, 30, 0), NULL },
	};
	struct tl_deadline dl;

	deadline_ok(&r, 0, ev, 3, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_day(dl.day, "2024-10-30");
	assert_int_equal(dl.at, cst(2024, 10, 30, 23, 59, 59));

	/* While paused: 12 workdays left, no deadline. */
	deadline_ok(&r, 0, ev, 2, &dl);
	assert_int_equal(dl.status, TL_STOPPED);
	assert_int_equal(dl.remaining, 12);
	assert_int_equal(dl.remaining_unit, DUR_WORKDAYS);
	assert_int_equal(dl.day, -1);
	assert_true(dl.at == INT64_MAX);
}

/*
 * Pause and extension together: 40 workdays, 8 used before the pause,
 * 32 left after 10-14: 10-30 is the 12th, 10-31 (13), 11-01 (14),
 * 11-04..08 (19), 11-11..15 (24), 11-18..22 (29), 11-25..27 (32).
 */
static void
test_disclosure_paused_extended(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 9, 16, 0, 0), NULL },
		{ TL_EXTENDED, cst(2024, 10, 10, 9, 0, 0), NULL },
		{ TL_RESUMED, cst(2024, 10, 14, 8, 30, 0), NULL },
	};
	struct tl_deadline dl;

	/* Extended while paused: 40 - 8 = 32 left. */
	deadline_ok(&r, 0, ev, 3, &dl);
	assert_int_equal(dl.status, TL_STOPPED);
	assert_int_equal(dl.remaining, 32);
	assert_int_equal(dl.extensions, 1);

	deadline_ok(&r, 0, ev, 4, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_day(dl.day, "2024-11-27");
	assert_int_equal(dl.extensions, 1);
}

/* A pause after the deadline does not move it; a pause on the deadline
 * day does (that day is not counted). */
static void
test_pause_after_deadline(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_event late[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 25, 9, 0, 0), NULL },
		{ TL_RESUMED, cst(2024, 11, 1, 9, 0, 0), NULL },
	};
	/* 19 workdays in (09-20, 10-22], the last one after 10-24. */
	struct tl_event on_day[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 23, 9, 0, 0), NULL },
		{ TL_RESUMED, cst(2024, 10, 24, 9, 0, 0), NULL },
	};
	struct tl_deadline dl;

	deadline_ok(&r, 0, late, 2, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_day(dl.day, "2024-10-23");
	deadline_ok(&r, 0, late, 3, &dl);
	assert_day(dl.day, "2024-10-23");

	deadline_ok(&r, 0, on_day, 2, &dl);
	assert_int_equal(dl.status, TL_STOPPED);
	assert_int_equal(dl.remaining, 1);
	deadline_ok(&r, 0, on_day, 3, &dl);
	assert_day(dl.day, "2024-10-25");
}

/*
 * 差评 opened on Friday 2024-09-27: contact within 1 workday is Sunday
 * 09-29 (a make-up working day); rectify within 5 is 09-29, 09-30, 10-08,
 * 10-09, 10-10.  Contact closed on time, rectification late.
 */
static void
test_review_milestones(void **state)
{
	struct tl_rule r = review_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 27, 15, 0, 0), NULL },
		{ TL_CLOSED, cst(2024, 9, 29, 11, 0, 0), "contact" },
		{ TL_CLOSED, cst(2024, 10, 11, 10, 0, 0), "rectify" },
	};
	struct tl_event more = { TL_PAUSED, cst(2024, 10, 12, 9, 0, 0), NULL };
	struct tl_event extend = { TL_EXTENDED, cst(2024, 10, 8, 9, 0, 0),
	    "contact" };
	struct tl_deadline dl;
	char err[128];

	deadline_ok(&r, 0, ev, 1, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_day(dl.day, "2024-09-29");
	deadline_ok(&r, 1, ev, 1, &dl);
	assert_day(dl.day, "2024-10-10");

	deadline_ok(&r, 0, ev, 3, &dl);
	assert_int_equal(dl.status, TL_DONE);
	assert_day(dl.day, "2024-09-29");
	assert_int_equal(dl.closed_at, ev[1].at);
	assert_false(dl.late);

	/* Rectify still runs after contact is closed. */
	deadline_ok(&r, 1, ev, 2, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_day(dl.day, "2024-10-10");

	deadline_ok(&r, 1, ev, 3, &dl);
	assert_int_equal(dl.status, TL_DONE);
	assert_day(dl.day, "2024-10-10");
	assert_int_equal(dl.at, cst(2024, 10, 10, 23, 59, 59));
	assert_int_equal(dl.closed_at, ev[2].at);
	assert_true(dl.late);

	/* The case is closed once both are. */
	assert_int_equal(tl_check_event(&r, ev, 2, &more, err, sizeof err), 0);
	assert_int_equal(tl_check_event(&r, ev, 3, &more, err, sizeof err),
	    -1);
	assert_string_equal(err, "case is closed");

	/* A closed milestone takes no extension or second close. */
	assert_int_equal(tl_check_event(&r, ev, 2, &extend, err, sizeof err),
	    -1);
	assert_string_equal(err, "milestone \"contact\" is closed");
	extend.kind = TL_CLOSED;
	assert_int_equal(tl_check_event(&r, ev, 2, &extend, err, sizeof err),
	    -1);
	assert_string_equal(err, "milestone \"contact\" is already closed");
}

/* An extension without a milestone extends every milestone still open;
 * a close without one closes them all. */
static void
test_review_extend_all(void **state)
{
	struct tl_rule r = review_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 27, 15, 0, 0), NULL },
		{ TL_CLOSED, cst(2024, 9, 29, 11, 0, 0), "contact" },
		{ TL_EXTENDED, cst(2024, 9, 30, 11, 0, 0), NULL },
		{ TL_CLOSED, cst(2024, 10, 12, 11, 0, 0), NULL },
	};
	struct tl_event again = { TL_EXTENDED, cst(2024, 10, 8, 9, 0, 0),
	    NULL };
	struct tl_deadline dl;
	char err[128];

	deadline_ok(&r, 0, ev, 4, &dl);
	assert_int_equal(dl.extensions, 0);
	assert_day(dl.day, "2024-09-29");
	/* 10 workdays: ... 10-10 (5), 10-11 (6), 10-12 Sat (7), 10-14..16. */
	deadline_ok(&r, 1, ev, 4, &dl);
	assert_int_equal(dl.extensions, 1);
	assert_int_equal(dl.status, TL_DONE);
	assert_day(dl.day, "2024-10-16");
	assert_false(dl.late);

	assert_int_equal(tl_check_event(&r, ev, 3, &again, err, sizeof err),
	    -1);
	assert_string_equal(err,
	    "extension limit reached for \"rectify\" (1 of 1 used)");
}

/* 知识库: an unanswered question within 5 workdays, across the 2025
 * Spring Festival: 01-26 (Sunday, works), 01-27, then 02-05..07. */
static void
test_knowledge_base(void **state)
{
	struct milestone_rule ms = { "deadline", { 5, DUR_WORKDAYS }, NOMIN };
	struct tl_rule r = simple_rule(*state, &ms, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2025, 1, 24, 17, 0, 0), NULL },
	};
	struct tl_deadline dl;

	deadline_ok(&r, 0, ev, 1, &dl);
	assert_day(dl.day, "2025-02-07");
	assert_false(dl.provisional);
}

/* 帮办记录表 within 3 workdays, across the 2025 National Day week:
 * 10-09, 10-10, 10-11 (Saturday, works). */
static void
test_assistance_record(void **state)
{
	struct milestone_rule ms = { "deadline", { 3, DUR_WORKDAYS }, NOMIN };
	struct tl_rule r = simple_rule(*state, &ms, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2025, 9, 30, 9, 0, 0), NULL },
	};
	struct tl_deadline dl;

	deadline_ok(&r, 0, ev, 1, &dl);
	assert_day(dl.day, "2025-10-11");
}

/* 征求意见 at least 30 calendar days. */
static void
test_comment_period(void **state)
{
	struct milestone_rule ms = { "deadline", { 30, DUR_DAYS }, NOMIN };
	struct tl_rule plain = simple_rule(*state, &ms, false);
	struct tl_rule roll = simple_rule(*state, &ms, true);
	struct tl_event national_day[] = {
		{ TL_OPENED, cst(2024, 9, 1, 9, 0, 0), NULL },
	};
	struct tl_event weekend[] = {
		{ TL_OPENED, cst(2024, 8, 1, 9, 0, 0), NULL },
	};
	struct tl_event weekday[] = {
		{ TL_OPENED, cst(2024, 8, 5, 9, 0, 0), NULL },
	};
	struct tl_event paused[] = {
		{ TL_OPENED, cst(2024, 8, 5, 9, 0, 0), NULL },
		{ TL_PAUSED, cst(2024, 8, 10, 9, 0, 0), NULL },
		{ TL_RESUMED, cst(2024, 8, 12, 9, 0, 0), NULL },
	};
	struct tl_deadline dl;

	/* 09-01 + 30 = 10-01, in the National Day week; rolls to 10-08. */
	deadline_ok(&plain, 0, national_day, 1, &dl);
	assert_day(dl.day, "2024-10-01");
	deadline_ok(&roll, 0, national_day, 1, &dl);
	assert_day(dl.day, "2024-10-08");
	assert_int_equal(dl.at, cst(2024, 10, 8, 23, 59, 59));

	/* 08-01 + 30 = Saturday 08-31; rolls to Monday 09-02. */
	deadline_ok(&plain, 0, weekend, 1, &dl);
	assert_day(dl.day, "2024-08-31");
	deadline_ok(&roll, 0, weekend, 1, &dl);
	assert_day(dl.day, "2024-09-02");

	/* 08-05 + 30 = Wednesday 09-04: nothing to roll. */
	deadline_ok(&roll, 0, weekday, 1, &dl);
	assert_day(dl.day, "2024-09-04");

	/* Paused 08-10, resumed 08-12: 4 days used (08-06..09), 26 left
	 * after 08-12 = 09-07 (Saturday), rolled to 09-09. */
	deadline_ok(&plain, 0, paused, 3, &dl);
	assert_day(dl.day, "2024-09-07");
	deadline_ok(&roll, 0, paused, 2, &dl);
	assert_int_equal(dl.status, TL_STOPPED);
	assert_int_equal(dl.remaining, 26);
	assert_int_equal(dl.remaining_unit, DUR_DAYS);
	deadline_ok(&roll, 0, paused, 3, &dl);
	assert_day(dl.day, "2024-09-09");
}

/* Adoption published within 10 workdays of a decision on 2025-04-30:
 * 05-01..05 off; 05-06..09 (4), 05-12..16 (9), 05-19 (10). */
static void
test_adoption_published(void **state)
{
	struct milestone_rule ms = { "publish", { 10, DUR_WORKDAYS }, NOMIN };
	struct tl_rule r = simple_rule(*state, &ms, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2025, 4, 30, 16, 0, 0), NULL },
	};
	struct tl_deadline dl;

	deadline_ok(&r, 0, ev, 1, &dl);
	assert_day(dl.day, "2025-05-19");
}

/*
 * 2026-12-21 + 20 workdays reaches 2027, which is not announced: counted
 * with weekends only (2027-01-01 is a Friday and counts), provisional.
 * 12-22..25 (4), 12-28..31 (8), 01-01 (9), 01-04..08 (14),
 * 01-11..15 (19), 01-18 (20).
 */
static void
test_unannounced_year(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2026, 12, 21, 9, 0, 0), NULL },
		{ TL_PAUSED, cst(2027, 1, 5, 9, 0, 0), NULL },
	};
	struct tl_event within[] = {
		{ TL_OPENED, cst(2026, 11, 2, 9, 0, 0), NULL },
	};
	struct tl_deadline dl;

	deadline_ok(&r, 0, ev, 1, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_day(dl.day, "2027-01-18");
	assert_true(dl.provisional);

	/* Counting the days used before a pause is provisional too:
	 * (12-21, 01-04] holds 10. */
	deadline_ok(&r, 0, ev, 2, &dl);
	assert_int_equal(dl.status, TL_STOPPED);
	assert_int_equal(dl.remaining, 10);
	assert_true(dl.provisional);

	/* 2026-11-02 + 20 stays in 2026: 11-30. */
	deadline_ok(&r, 0, within, 1, &dl);
	assert_day(dl.day, "2026-11-30");
	assert_false(dl.provisional);
}

/* A strict calendar gives no deadline in an unannounced year. */
static void
test_strict_calendar(void **state)
{
	struct calendar *strict = cn_calendar(true);
	struct tl_rule r = disclosure_rule(strict);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2026, 12, 21, 9, 0, 0), NULL },
	};
	struct tl_event within[] = {
		{ TL_OPENED, cst(2026, 11, 2, 9, 0, 0), NULL },
	};
	struct tl_deadline dl;
	char err[256] = "";

	(void)state;
	assert_int_equal(tl_deadline(&r, 0, ev, 1, &dl, err, sizeof err), -1);
	assert_string_equal(err, "counting from 2026-12-21 reaches 2027, "
	    "which calendar \"cn\" has not announced");

	deadline_ok(&r, 0, within, 1, &dl);
	assert_day(dl.day, "2026-11-30");
	calendar_free(strict);
}

/* Counting past the last supported day is an error naming the date. */
static void
test_out_of_range(void **state)
{
	struct milestone_rule ms = { "deadline", { 30, DUR_DAYS }, NOMIN };
	struct tl_rule r = simple_rule(*state, &ms, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2199, 12, 20, 9, 0, 0), NULL },
	};
	struct tl_deadline dl;
	char err[256] = "";

	assert_int_equal(tl_deadline(&r, 0, ev, 1, &dl, err, sizeof err), -1);
	assert_string_equal(err, "counting from 2199-12-20 goes past "
	    "2199-12-31");
}

/* 4 hours from 09:00, paused 10:30..14:00: 16:30 the same day. */
static void
test_hours_across_pause(void **state)
{
	struct milestone_rule ms = { "deadline", { 4, DUR_HOURS }, NOMIN };
	struct tl_rule r = simple_rule(*state, &ms, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 10, 9, 9, 0, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 9, 10, 30, 0), NULL },
		{ TL_RESUMED, cst(2024, 10, 9, 14, 0, 0), NULL },
	};
	struct tl_deadline dl;

	deadline_ok(&r, 0, ev, 1, &dl);
	assert_int_equal(dl.at, cst(2024, 10, 9, 13, 0, 0));

	deadline_ok(&r, 0, ev, 2, &dl);
	assert_int_equal(dl.status, TL_STOPPED);
	assert_int_equal(dl.remaining_unit, DUR_HOURS);
	assert_int_equal(dl.remaining_secs, 9000);
	assert_int_equal(dl.remaining, 3);

	deadline_ok(&r, 0, ev, 3, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_int_equal(dl.at, cst(2024, 10, 9, 16, 30, 0));
	assert_day(dl.day, "2024-10-09");
}

/* Working hours 09:00-12:00,13:30-17:30 through the National Day week. */
static void
test_workhours(void **state)
{
	struct calendar *cal = cn_calendar_hours(false,
	    "09:00-12:00,13:30-17:30");
	struct milestone_rule ms = { "deadline", { 4, DUR_WORKHOURS }, NOMIN };
	struct tl_rule r = simple_rule(cal, &ms, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 30, 16, 0, 0), NULL },
		{ TL_PAUSED, cst(2024, 9, 30, 17, 0, 0), NULL },
		{ TL_RESUMED, cst(2024, 10, 8, 14, 0, 0), NULL },
	};
	struct tl_event late_pause[] = {
		{ TL_OPENED, cst(2024, 9, 30, 16, 0, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 8, 12, 30, 0), NULL },
	};
	struct tl_event extended[] = {
		{ TL_OPENED, cst(2024, 9, 30, 16, 0, 0), NULL },
		{ TL_EXTENDED, cst(2024, 10, 8, 9, 0, 0), NULL },
	};
	struct tl_deadline dl;

	(void)state;
	deadline_ok(&r, 0, ev, 1, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_int_equal(dl.at, cst(2024, 10, 8, 11, 30, 0));
	assert_day(dl.day, "2024-10-08");
	assert_false(dl.provisional);

	/* Paused after one hour: three left, counted from the resume. */
	deadline_ok(&r, 0, ev, 2, &dl);
	assert_int_equal(dl.status, TL_STOPPED);
	assert_int_equal(dl.remaining_unit, DUR_WORKHOURS);
	assert_int_equal(dl.remaining_secs, 3 * 3600);
	assert_int_equal(dl.remaining, 3);
	deadline_ok(&r, 0, ev, 3, &dl);
	assert_int_equal(dl.at, cst(2024, 10, 8, 17, 0, 0));

	/* A pause after the deadline does not move it. */
	deadline_ok(&r, 0, late_pause, 2, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_int_equal(dl.at, cst(2024, 10, 8, 11, 30, 0));

	/* Extended by 2 working hours: 6 in all, 15:00 after lunch. */
	r.extension.n = 2;
	r.extension.unit = DUR_WORKHOURS;
	r.max_extensions = 1;
	deadline_ok(&r, 0, extended, 2, &dl);
	assert_int_equal(dl.at, cst(2024, 10, 8, 15, 0, 0));

	/* 1 workday, extended by 2 working hours counted from its end
	 * (10-08 23:59:59): 11:00 on 10-09. */
	ms.limit.n = 1;
	ms.limit.unit = DUR_WORKDAYS;
	extended[0].at = cst(2024, 9, 30, 10, 0, 0);
	deadline_ok(&r, 0, extended, 2, &dl);
	assert_int_equal(dl.at, cst(2024, 10, 9, 11, 0, 0));

	/* Into 2027, which the calendar has not announced. */
	ms.limit.n = 1;
	ms.limit.unit = DUR_WORKHOURS;
	ev[0].at = cst(2026, 12, 31, 17, 0, 0);
	deadline_ok(&r, 0, ev, 1, &dl);
	assert_int_equal(dl.at, cst(2027, 1, 1, 9, 30, 0));
	assert_true(dl.provisional);
	calendar_free(cal);
}

/* Limits counted back from a scheduled event (seed 002: 1 working day
 * before publication). */
static void
test_backwards(void **state)
{
	struct calendar *hours = cn_calendar_hours(false,
	    "09:00-12:00,13:30-17:30");
	struct milestone_rule ms = { "update", { -1, DUR_WORKDAYS }, NOMIN };
	struct tl_rule r = simple_rule(*state, &ms, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 10, 8, 9, 0, 0), NULL },
		{ TL_CLOSED, cst(2024, 9, 30, 0, 0, 0), NULL },
	};
	struct tl_event paused[] = {
		{ TL_OPENED, cst(2024, 10, 8, 9, 0, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 8, 10, 0, 0), NULL },
	};
	struct tl_event e;
	struct tl_deadline dl;
	char err[256] = "";

	r.name = "kb";
	/* The working day before Tuesday 10-08 is Monday 09-30. */
	deadline_ok(&r, 0, ev, 1, &dl);
	assert_int_equal(dl.status, TL_RUNNING);
	assert_day(dl.day, "2024-09-30");
	assert_int_equal(dl.at, cst(2024, 9, 30, 23, 59, 59));
	assert_false(dl.provisional);
	/* Before Monday 10-14: Saturday 10-12, a make-up working day. */
	ev[0].at = cst(2024, 10, 14, 9, 0, 0);
	deadline_ok(&r, 0, ev, 1, &dl);
	assert_day(dl.day, "2024-10-12");
	ms.limit.n = -3;
	deadline_ok(&r, 0, ev, 1, &dl);
	assert_day(dl.day, "2024-10-10");	/* 10-12, 10-11, 10-10 */
	ev[0].at = cst(2024, 10, 8, 9, 0, 0);
	ms.limit.n = -1;

	/* Closed: on time, or late after the day before. */
	ev[1].at = cst(2024, 9, 30, 15, 0, 0);
	deadline_ok(&r, 0, ev, 2, &dl);
	assert_int_equal(dl.status, TL_DONE);
	assert_false(dl.late);
	ev[1].at = cst(2024, 10, 8, 8, 0, 0);
	deadline_ok(&r, 0, ev, 2, &dl);
	assert_true(dl.late);

	/* Calendar days: three days before, no roll. */
	ms.limit.n = -3;
	ms.limit.unit = DUR_DAYS;
	deadline_ok(&r, 0, ev, 1, &dl);
	assert_day(dl.day, "2024-10-05");

	/* Working hours: two office hours before 10:00 on 10-08. */
	r.cal = hours;
	ms.limit.n = -2;
	ms.limit.unit = DUR_WORKHOURS;
	ev[0].at = cst(2024, 10, 8, 10, 0, 0);
	deadline_ok(&r, 0, ev, 1, &dl);
	assert_int_equal(dl.at, cst(2024, 9, 30, 16, 30, 0));
	assert_day(dl.day, "2024-09-30");
	r.cal = *state;

	/* Neither paused nor extended. */
	ms.limit.n = -1;
	ms.limit.unit = DUR_WORKDAYS;
	assert_int_equal(tl_check_event(&r, paused, 1, &paused[1], err,
	    sizeof err), -1);
	assert_string_equal(err, "rule \"kb\" counts back from its event: "
	    "its cases cannot be paused");
	assert_int_equal(tl_deadline(&r, 0, paused, 2, &dl, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "cannot be paused"));
	r.extension.n = 1;
	r.max_extensions = 1;
	e = (struct tl_event){ TL_EXTENDED, paused[1].at, NULL };
	assert_int_equal(tl_check_event(&r, paused, 1, &e, err, sizeof err),
	    -1);
	assert_string_equal(err, "rule \"kb\" counts back from its event: "
	    "it cannot be extended");
	e.milestone = "update";
	assert_int_equal(tl_check_event(&r, paused, 1, &e, err, sizeof err),
	    -1);
	/* Out of the span. */
	ms.limit.n = -5;
	ms.limit.unit = DUR_DAYS;
	ev[0].at = cst(1970, 1, 2, 9, 0, 0);
	assert_int_equal(tl_deadline(&r, 0, ev, 1, &dl, err, sizeof err), -1);
	calendar_free(hours);
}

/* Closed while paused: on time, its deadline as if resumed at closing. */
static void
test_closed_while_paused(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 9, 16, 0, 0), NULL },
		{ TL_CLOSED, cst(2024, 12, 2, 9, 0, 0), NULL },
	};
	struct tl_deadline dl;

	deadline_ok(&r, 0, ev, 3, &dl);
	assert_int_equal(dl.status, TL_DONE);
	assert_false(dl.late);
	assert_int_equal(dl.closed_at, ev[2].at);
	/* 12 workdays after 12-02: 12-03..06 (4), 12-09..13 (9), 12-16..18. */
	assert_day(dl.day, "2024-12-18");
}

/* An extension in a different unit runs after the limit, in its own
 * unit: 20 workdays to 10-23, then 10 days to Saturday 11-02. */
static void
test_mixed_units(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
		{ TL_EXTENDED, cst(2024, 10, 21, 9, 0, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 26, 9, 0, 0), NULL },
		{ TL_RESUMED, cst(2024, 10, 28, 9, 0, 0), NULL },
	};
	struct tl_deadline dl;

	r.extension.n = 10;
	r.extension.unit = DUR_DAYS;
	deadline_ok(&r, 0, ev, 2, &dl);
	assert_day(dl.day, "2024-11-02");
	r.roll = true;
	deadline_ok(&r, 0, ev, 2, &dl);
	assert_day(dl.day, "2024-11-04");
	r.roll = false;

	/* Paused 10-26 with 2 days (10-24, 10-25) of the extension used. */
	deadline_ok(&r, 0, ev, 3, &dl);
	assert_int_equal(dl.status, TL_STOPPED);
	assert_int_equal(dl.remaining, 8);
	assert_int_equal(dl.remaining_unit, DUR_DAYS);
	deadline_ok(&r, 0, ev, 4, &dl);
	assert_day(dl.day, "2024-11-05");
}

/* Rules tl_deadline cannot count, and bad arguments. */
static void
test_deadline_errors(void **state)
{
	struct milestone_rule ms = { "deadline", { 8, DUR_WORKHOURS }, NOMIN };
	struct tl_rule work_hours = simple_rule(*state, &ms, false);
	struct tl_rule r = disclosure_rule(*state);
	struct tl_rule nocal = disclosure_rule(NULL);
	struct milestone_rule days = { "comment", { 20, DUR_DAYS }, NOMIN };
	struct tl_rule days_nocal = simple_rule(NULL, &days, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 9, 16, 0, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 10, 16, 0, 0), NULL },
	};
	struct tl_deadline dl;
	char err[256] = "";

	assert_int_equal(tl_deadline(&work_hours, 0, ev, 1, &dl, err,
	    sizeof err), -1);
	assert_string_equal(err, "rule \"deadline\": the limit in workhours "
	    "needs a calendar with office_hours");
	assert_int_equal(tl_deadline(&nocal, 0, ev, 1, &dl, err, sizeof err),
	    -1);
	assert_string_equal(err, "rule \"disclosure\" has no calendar");
	/* Calendar days need a calendar only to roll. */
	deadline_ok(&days_nocal, 0, ev, 1, &dl);
	assert_day(dl.day, "2024-10-10");
	days_nocal.roll = true;
	assert_int_equal(tl_deadline(&days_nocal, 0, ev, 1, &dl, err,
	    sizeof err), -1);
	assert_string_equal(err, "rule \"comment\" has no calendar");
	assert_int_equal(tl_deadline(&r, 1, ev, 1, &dl, err, sizeof err), -1);
	assert_string_equal(err, "rule \"disclosure\" has no milestone 1");
	assert_int_equal(tl_deadline(&r, 0, ev, 0, &dl, err, sizeof err), -1);
	assert_string_equal(err, "case is not opened");
	assert_int_equal(tl_deadline(&r, 0, ev, 3, &dl, err, sizeof err), -1);
	assert_string_equal(err, "event 3 (paused): case is already paused");

	/* A limit may count backwards; an extension may not. */
	ms.limit.n = 1;
	ms.limit.unit = DUR_WORKDAYS;
	work_hours.extension.n = -1;
	work_hours.extension.unit = DUR_WORKDAYS;
	work_hours.max_extensions = 1;
	ev[1].kind = TL_EXTENDED;
	assert_int_equal(tl_deadline(&work_hours, 0, ev, 2, &dl, err,
	    sizeof err), -1);
	assert_string_equal(err, "rule \"deadline\": the extension must not "
	    "be negative");
	work_hours.extension.n = 0;
	/* 0 workdays: the opening day itself. */
	ms.limit.n = 0;
	deadline_ok(&work_hours, 0, ev, 1, &dl);
	assert_day(dl.day, "2024-09-20");
}

static void
expect_refusal(const struct tl_rule *r, const struct tl_event *ev, size_t n,
    const struct tl_event *next, const char *want)
{
	char err[256] = "";

	assert_int_equal(tl_check_event(r, ev, n, next, err, sizeof err), -1);
	assert_string_equal(err, want);
}

static void
expect_accept(const struct tl_rule *r, const struct tl_event *ev, size_t n,
    const struct tl_event *next)
{
	char err[256] = "";

	if (tl_check_event(r, ev, n, next, err, sizeof err) != 0)
		fail_msg("refused: %s", err);
}

static void
test_check_event(void **state)
{
	struct tl_rule r = disclosure_rule(*state);
	struct tl_rule review = review_rule(*state);
	struct tl_rule fixed = disclosure_rule(*state);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 15, 0), NULL },
		{ TL_PAUSED, cst(2024, 10, 5, 16, 0, 0), NULL },
		{ TL_RESUMED, cst(2024, 10, 8, 9, 0, 0), NULL },
		{ TL_CLOSED, cst(2024, 10, 10, 9, 0, 0), NULL },
	};
	struct tl_event e;

	fixed.max_extensions = 0;
	e = (struct tl_event){ TL_PAUSED, cst(2024, 9, 21, 9, 0, 0), NULL };
	expect_refusal(&r, ev, 0, &e, "case is not opened");
	expect_accept(&r, ev, 0, &ev[0]);
	expect_refusal(&r, ev, 1, &ev[0], "case is already opened");

	expect_accept(&r, ev, 1, &ev[1]);
	e = ev[1];
	e.at += 3600;
	expect_refusal(&r, ev, 2, &e, "case is already paused");
	expect_accept(&r, ev, 2, &ev[2]);
	expect_refusal(&r, ev, 1, &ev[2], "case is not paused");
	expect_refusal(&r, ev, 3, &ev[2], "case is not paused");

	e = (struct tl_event){ TL_PAUSED, cst(2024, 10, 1, 9, 0, 0), NULL };
	expect_refusal(&r, ev, 2, &e, "event at 2024-10-01 is before the "
	    "previous event (2024-10-05)");
	e.at = cst(2024, 10, 5, 15, 0, 0);
	expect_refusal(&r, ev, 2, &e, "event at 2024-10-05T15:00:00+08:00 is "
	    "before the previous event (2024-10-05T16:00:00+08:00)");
	e.at = ev[1].at;		/* the same instant is fine */
	e.kind = TL_EXTENDED;
	expect_accept(&r, ev, 2, &e);

	e = (struct tl_event){ TL_EXTENDED, ev[3].at, "x" };
	expect_refusal(&r, ev, 3, &e, "unknown milestone \"x\"");
	e.kind = TL_CLOSED;
	expect_refusal(&r, ev, 3, &e, "unknown milestone \"x\"");
	e = (struct tl_event){ TL_PAUSED, ev[3].at, "deadline" };
	expect_refusal(&r, ev, 3, &e, "\"paused\" applies to the whole case, "
	    "not to milestone \"deadline\"");
	e = (struct tl_event){ TL_EXTENDED, ev[3].at, NULL };
	expect_refusal(&fixed, ev, 3, &e, "rule \"disclosure\" allows no "
	    "extension");
	fixed.max_extensions = 1;
	fixed.extension.n = 0;
	expect_refusal(&fixed, ev, 3, &e, "rule \"disclosure\" allows no "
	    "extension");
	e.kind = (enum tl_event_kind)9;
	expect_refusal(&r, ev, 3, &e, "unknown event kind 9");

	expect_accept(&r, ev, 3, &ev[3]);
	e = (struct tl_event){ TL_RESUMED, ev[3].at + 60, NULL };
	expect_refusal(&r, ev, 4, &e, "case is closed");
	e.kind = TL_EXTENDED;
	expect_refusal(&r, ev, 4, &e, "case is closed");
	e.kind = TL_CLOSED;
	expect_refusal(&r, ev, 4, &e, "case is closed");

	/* Closing one of two milestones leaves the case open. */
	e = (struct tl_event){ TL_CLOSED, ev[1].at, "rectify" };
	expect_accept(&review, ev, 1, &e);
}

/*
 * 征求意见 at least 30 days (seed 001), opened Fri 2024-09-20 10:00: the
 * minimum ends Sun 10-20 23:59:59 whatever the pauses; a close before it
 * is too early, one at or after it is not.
 */
static void
test_minimum(void **state)
{
	struct milestone_rule ms = { "deadline", { 60, DUR_DAYS },
	    { 30, DUR_DAYS } };
	struct tl_rule r = simple_rule(*state, &ms, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 20, 10, 0, 0), NULL },
		{ TL_PAUSED, cst(2024, 9, 25, 10, 0, 0), NULL },
		{ TL_RESUMED, cst(2024, 10, 9, 10, 0, 0), NULL },
	};
	struct tl_event early = { TL_CLOSED, cst(2024, 10, 20, 23, 59, 58),
	    NULL };
	struct tl_event in_time = { TL_CLOSED, cst(2024, 10, 20, 23, 59, 59),
	    NULL };
	char err[256] = "";
	int64_t at;
	int day;

	assert_int_equal(tl_minimum_end(&r, 0, ev, 3, &day, &at, err,
	    sizeof err), 1);
	assert_day(day, "2024-10-20");
	assert_int_equal(at, cst(2024, 10, 20, 23, 59, 59));
	assert_int_equal(tl_close_too_early(&r, ev, 3, &early, err,
	    sizeof err), 1);
	assert_string_equal(err, "the minimum period (30 days) of "
	    "\"deadline\" ends on 2024-10-20; a close before it must be "
	    "forced with a reason");
	assert_int_equal(tl_close_too_early(&r, ev, 3, &in_time, err,
	    sizeof err), 0);
	/* Other events are never too early. */
	early.kind = TL_EXTENDED;
	assert_int_equal(tl_close_too_early(&r, ev, 3, &early, err,
	    sizeof err), 0);
	/* No case opened: an error, not a verdict. */
	assert_int_equal(tl_minimum_end(&r, 0, ev, 0, &day, &at, err,
	    sizeof err), -1);
}

/*
 * A minimum in workdays on one milestone of two: only a close that
 * closes it is checked; the other milestone closes whenever.
 */
static void
test_minimum_milestone(void **state)
{
	struct milestone_rule ms[] = {
		{ "contact", { 1, DUR_WORKDAYS }, NOMIN },
		{ "publish", { 20, DUR_WORKDAYS }, { 10, DUR_WORKDAYS } },
	};
	struct tl_rule r = simple_rule(*state, ms, false);
	struct tl_event ev[] = {
		{ TL_OPENED, cst(2024, 9, 27, 15, 0, 0), NULL },
		{ TL_CLOSED, cst(2024, 9, 29, 11, 0, 0), "contact" },
	};
	struct tl_event publish = { TL_CLOSED, cst(2024, 10, 14, 9, 0, 0),
	    "publish" };
	struct tl_event all = { TL_CLOSED, cst(2024, 10, 15, 0, 0, 0), NULL };
	char err[256] = "";
	int64_t at;
	int day;

	r.nmilestones = 2;
	assert_int_equal(tl_minimum_end(&r, 0, ev, 1, &day, &at, err,
	    sizeof err), 0);
	/* 10 workdays after 09-27: 09-29, 09-30, 10-08..12 (7), 10-14..16. */
	assert_int_equal(tl_minimum_end(&r, 1, ev, 1, &day, &at, err,
	    sizeof err), 1);
	assert_day(day, "2024-10-16");
	assert_int_equal(tl_close_too_early(&r, ev, 1, &ev[1], err,
	    sizeof err), 0);
	assert_int_equal(tl_close_too_early(&r, ev, 2, &publish, err,
	    sizeof err), 1);
	assert_non_null(strstr(err, "ends on 2024-10-16"));
	assert_int_equal(tl_close_too_early(&r, ev, 2, &all, err,
	    sizeof err), 1);
	all.at = cst(2024, 10, 17, 9, 0, 0);
	assert_int_equal(tl_close_too_early(&r, ev, 2, &all, err,
	    sizeof err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_kinds),
		cmocka_unit_test(test_milestone_index),
		cmocka_unit_test(test_disclosure),
		cmocka_unit_test(test_deadline_secs),
		cmocka_unit_test(test_disclosure_extended),
		cmocka_unit_test(test_disclosure_paused),
		cmocka_unit_test(test_disclosure_paused_extended),
		cmocka_unit_test(test_pause_after_deadline),
		cmocka_unit_test(test_review_milestones),
		cmocka_unit_test(test_review_extend_all),
		cmocka_unit_test(test_knowledge_base),
		cmocka_unit_test(test_assistance_record),
		cmocka_unit_test(test_comment_period),
		cmocka_unit_test(test_adoption_published),
		cmocka_unit_test(test_unannounced_year),
		cmocka_unit_test(test_strict_calendar),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_hours_across_pause),
		cmocka_unit_test(test_workhours),
		cmocka_unit_test(test_backwards),
		cmocka_unit_test(test_closed_while_paused),
		cmocka_unit_test(test_mixed_units),
		cmocka_unit_test(test_deadline_errors),
		cmocka_unit_test(test_check_event),
		cmocka_unit_test(test_minimum),
		cmocka_unit_test(test_minimum_milestone),
	};

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	return cmocka_run_group_tests(tests, setup_calendar,
	    teardown_calendar);
}
