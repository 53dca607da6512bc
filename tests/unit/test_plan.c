/*
 * Reminder planning against the Chinese national calendar 2024-2026
 * (/work/shared/holidays-cn.md) and a hand-built config with the design's
 * "standard" policy: before 3 and 1 workdays, at the deadline, overdue
 * every workday, escalation after 1 workday, hours 09:00-17:30.
 *
 * Expected times are written as +08:00 wall-clock instants so a reader can
 * check them against a calendar.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "config.h"
#include "date.h"
#include "parse.h"
#include "plan.h"

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

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

static char *zonghe_channels[] = { "zonghe-wecom" };
static char *zonghe_aliases[] = { "局综合处" };
static char *bangong_channels[] = { "bangong-ding" };
static char *yaozhu_channels[] = { "yaozhu-wecom", "mail" };
static char *jicha_channels[] = { "jicha-hook" };

/* The offices; 稽查局 has no supervisor. */
static struct office_conf offices[] = {
	{ .name = "综合处", .channels = zonghe_channels, .nchannels = 1,
	  .supervisor = "局办公室", .aliases = zonghe_aliases,
	  .naliases = 1 },
	{ .name = "局办公室", .channels = bangong_channels, .nchannels = 1 },
	{ .name = "药品注册处", .channels = yaozhu_channels, .nchannels = 2,
	  .supervisor = "局办公室" },
	{ .name = "稽查局", .channels = jicha_channels, .nchannels = 1 },
};

struct fixture {
	struct calendar		*cal;
	struct config		 config;
	struct duration		 before[2];
	struct policy_conf	 policy;
};

static int
ymd(const char *s)
{
	int day;

	assert_true(day_parse(s, &day));
	return day;
}

static int64_t
at(const char *s)
{
	int64_t t;

	assert_int_equal(instant_parse(s, &t), 0);
	return t;
}

/* The national calendar; office_hours when hours is not NULL. */
static struct calendar *
cn_calendar(bool strict, const char *hours)
{
	struct office_hours oh;
	struct calendar *cal;
	char err[256];
	size_t i;
	int d;

	cal = calendar_new("cn");
	assert_non_null(cal);
	calendar_set_strict(cal, strict);
	if (hours != NULL) {
		assert_true(parse_hours(hours, &oh, err, sizeof err));
		calendar_set_office_hours(cal, &oh);
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

static void
set_hours(struct policy_conf *policy, const char *hours)
{
	char err[256];

	assert_true(parse_hours(hours, &policy->hours, err, sizeof err));
}

static int
setup(void **state)
{
	struct fixture *f;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->cal = cn_calendar(false, NULL);
	f->config.offices = offices;
	f->config.noffices = NITEMS(offices);
	f->before[0] = (struct duration){ 3, DUR_WORKDAYS };
	f->before[1] = (struct duration){ 1, DUR_WORKDAYS };
	f->policy.name = "standard";
	f->policy.before = f->before;
	f->policy.nbefore = 2;
	f->policy.at_deadline = true;
	f->policy.overdue_every = (struct duration){ 1, DUR_WORKDAYS };
	f->policy.escalate_after = (struct duration){ 1, DUR_WORKDAYS };
	set_hours(&f->policy, "09:00-17:30");
	f->config.policies = &f->policy;
	f->config.npolicies = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	calendar_free(f->cal);
	free(f);
	return 0;
}

/*
 * The 依申请公开 case received 2024-09-20: 20 workdays, deadline
 * 2024-10-23 23:59:59, lead 综合处, planned when it was opened.
 */
static struct plan_input
disclosure_input(const struct fixture *f)
{
	struct plan_input in = {
		.config = &f->config,
		.policy = &f->policy,
		.cal = f->cal,
		.milestone = "deadline",
		.deadline_day = ymd("2024-10-23"),
		.deadline_at = at("2024-10-23T23:59:59+08:00"),
		.lead = "综合处",
		.since = at("2024-09-20T10:00:00+08:00"),
		.now = at("2024-09-20T10:00:00+08:00"),
	};
	return in;
}

struct want {
	const char		*due_at;
	const char		*office;
	const char		*channel;
	enum reminder_kind	 kind;
};

/* The plan is exactly these rows, in this order. */
static void
assert_rows(const struct plan *plan, const struct plan_input *in,
    const struct want *want, size_t n)
{
	char got[64];

	for (size_t i = 0; i < n && i < plan->n; i++) {
		const struct reminder_plan *row = &plan->rows[i];

		instant_format(row->due_at, got, sizeof got);
		assert_string_equal(got, want[i].due_at);
		assert_string_equal(row->office, want[i].office);
		assert_string_equal(row->channel, want[i].channel);
		assert_int_equal(row->kind, want[i].kind);
		assert_int_equal(row->deadline_at, in->deadline_at);
		if (in->milestone == NULL)
			assert_null(row->milestone);
		else
			assert_string_equal(row->milestone, in->milestone);
	}
	assert_int_equal(plan->n, n);
}

/* The plan starts with these rows. */
static void
assert_head(const struct plan *plan, const struct plan_input *in,
    const struct want *want, size_t n)
{
	struct plan head = { .rows = plan->rows, .n = n };

	assert_true(plan->n >= n);
	assert_rows(&head, in, want, n);
}

static size_t
count_rows(const struct plan *plan, const char *office,
    enum reminder_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n; i++) {
		if (strcmp(plan->rows[i].office, office) == 0 &&
		    plan->rows[i].kind == kind)
			n++;
	}
	return n;
}

static void
plan_ok(const struct plan_input *in, struct plan *plan)
{
	char err[256] = "";

	if (plan_reminders(in, plan, err, sizeof err) != 0)
		fail_msg("plan_reminders: %s", err);
}

#define ZH "综合处", "zonghe-wecom"
#define BG "局办公室", "bangong-ding"

static const struct want disclosure_rows[] = {
	/* −3 workdays: 10-23 Wed → 10-22, 10-21, 10-18 Fri. */
	{ "2024-10-18T09:00:00+08:00", ZH, RK_BEFORE },
	{ "2024-10-22T09:00:00+08:00", ZH, RK_BEFORE },
	{ "2024-10-23T09:00:00+08:00", ZH, RK_DUE },
	/* 局办公室 sorts before 综合处 (U+5C40 < U+7EFC). */
	{ "2024-10-24T09:00:00+08:00", BG, RK_ESCALATION },
	{ "2024-10-24T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-10-25T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-10-28T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-10-29T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-10-30T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-10-31T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-01T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-04T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-05T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-06T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-07T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-08T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-11T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-12T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-13T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-14T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-15T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-18T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-19T09:00:00+08:00", ZH, RK_OVERDUE },
	{ "2024-11-20T09:00:00+08:00", ZH, RK_OVERDUE },
};

static void
test_disclosure_case(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;

	plan_ok(&in, &plan);
	assert_false(plan.provisional);
	assert_rows(&plan, &in, disclosure_rows, NITEMS(disclosure_rows));
	plan_free(&plan);
	assert_null(plan.rows);
	assert_int_equal(plan.n, 0);
}

/* A task (no milestone) planned in the middle of its before reminders. */
static void
test_task_planned_late(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;

	in.milestone = NULL;
	in.since = in.now = at("2024-10-21T15:00:00+08:00");
	plan_ok(&in, &plan);
	/* The −3 row (10-18) is gone: before rows are not caught up. */
	assert_rows(&plan, &in, disclosure_rows + 1,
	    NITEMS(disclosure_rows) - 1);
	plan_free(&plan);
}

/* Deadline 2024-10-09: −3 workdays is the make-up Sunday 2024-09-29. */
static void
test_before_crosses_national_day(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;
	static const struct want want[] = {
		{ "2024-09-29T09:00:00+08:00", ZH, RK_BEFORE },
		{ "2024-10-08T09:00:00+08:00", ZH, RK_BEFORE },
		{ "2024-10-09T09:00:00+08:00", ZH, RK_DUE },
		{ "2024-10-10T09:00:00+08:00", BG, RK_ESCALATION },
		{ "2024-10-10T09:00:00+08:00", ZH, RK_OVERDUE },
		{ "2024-10-11T09:00:00+08:00", ZH, RK_OVERDUE },
		/* Saturday, a make-up working day. */
		{ "2024-10-12T09:00:00+08:00", ZH, RK_OVERDUE },
		{ "2024-10-14T09:00:00+08:00", ZH, RK_OVERDUE },
	};

	in.deadline_day = ymd("2024-10-09");
	in.deadline_at = at("2024-10-09T23:59:59+08:00");
	plan_ok(&in, &plan);
	assert_int_equal(plan.n, 2 + 1 + 1 + PLAN_OVERDUE_AHEAD);
	assert_head(&plan, &in, want, NITEMS(want));
	plan_free(&plan);
}

/*
 * Created on 2024-10-28, three workdays late: no before or due rows, one
 * overdue row for the missed ones (the latest), the escalation although
 * its time has passed, then the repeats ahead.
 */
static void
test_created_overdue(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;
	static const struct want want[] = {
		{ "2024-10-24T09:00:00+08:00", BG, RK_ESCALATION },
		{ "2024-10-28T09:00:00+08:00", ZH, RK_OVERDUE },
		{ "2024-10-29T09:00:00+08:00", ZH, RK_OVERDUE },
	};
	char last[64];

	in.since = in.now = at("2024-10-28T10:00:00+08:00");
	plan_ok(&in, &plan);
	assert_int_equal(plan.n, 1 + 1 + PLAN_OVERDUE_AHEAD);
	assert_int_equal(count_rows(&plan, "综合处", RK_BEFORE), 0);
	assert_int_equal(count_rows(&plan, "综合处", RK_DUE), 0);
	instant_format(plan.rows[plan.n - 1].due_at, last, sizeof last);
	assert_string_equal(last, "2024-11-25T09:00:00+08:00");
	assert_head(&plan, &in, want, NITEMS(want));
	plan_free(&plan);
}

/* Created on the deadline day after 09:00: the due row is the latest. */
static void
test_created_on_deadline_day(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;

	in.since = in.now = at("2024-10-23T14:00:00+08:00");
	plan_ok(&in, &plan);
	assert_rows(&plan, &in, disclosure_rows + 2,
	    NITEMS(disclosure_rows) - 2);
	plan_free(&plan);
}

/*
 * Planned on 10-17, daemon down until 10-25 noon: everything due in
 * between is kept (catch-up), then 20 repeats past now.
 */
static void
test_catch_up_kept(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;
	char last[64];

	in.since = at("2024-10-17T12:00:00+08:00");
	in.now = at("2024-10-25T12:00:00+08:00");
	plan_ok(&in, &plan);
	assert_head(&plan, &in, disclosure_rows, 6);	/* up to 10-25 */
	assert_int_equal(count_rows(&plan, "综合处", RK_OVERDUE),
	    2 + PLAN_OVERDUE_AHEAD);
	assert_int_equal(plan.n, 2 + 1 + 1 + 2 + PLAN_OVERDUE_AHEAD);
	instant_format(plan.rows[plan.n - 1].due_at, last, sizeof last);
	assert_string_equal(last, "2024-11-22T09:00:00+08:00");
	plan_free(&plan);
}

/* 综合处 acknowledged (named by its alias): no overdue rows, rest kept. */
static void
test_acked_office(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;
	static const char *const acked[] = { "局综合处" };
	static const struct want want[] = {
		{ "2024-10-18T09:00:00+08:00", ZH, RK_BEFORE },
		{ "2024-10-22T09:00:00+08:00", ZH, RK_BEFORE },
		{ "2024-10-23T09:00:00+08:00", ZH, RK_DUE },
		{ "2024-10-24T09:00:00+08:00", BG, RK_ESCALATION },
	};

	in.acked = acked;
	in.nacked = NITEMS(acked);
	plan_ok(&in, &plan);
	assert_rows(&plan, &in, want, NITEMS(want));
	plan_free(&plan);
}

/* Assisting offices: only with notify_assist; lead twice is one row. */
static void
test_assist_offices(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;
	static const char *const assist[] = {
		"药品注册处", "综合处", "已撤销处",
	};
	static const struct want head[] = {
		{ "2024-10-18T09:00:00+08:00", "综合处", "zonghe-wecom",
		  RK_BEFORE },
		{ "2024-10-18T09:00:00+08:00", "药品注册处", "mail",
		  RK_BEFORE },
		{ "2024-10-18T09:00:00+08:00", "药品注册处", "yaozhu-wecom",
		  RK_BEFORE },
	};
	size_t per_office = 2 + 1 + PLAN_OVERDUE_AHEAD;

	in.assist = assist;
	in.nassist = NITEMS(assist);
	plan_ok(&in, &plan);
	assert_int_equal(count_rows(&plan, "药品注册处", RK_BEFORE), 0);
	assert_int_equal(plan.n, NITEMS(disclosure_rows));
	plan_free(&plan);

	f->policy.notify_assist = true;
	plan_ok(&in, &plan);
	/* 综合处 once, 药品注册处 on both its channels, one escalation. */
	assert_int_equal(plan.n, per_office * 3 + 1);
	assert_int_equal(count_rows(&plan, "综合处", RK_OVERDUE),
	    PLAN_OVERDUE_AHEAD);
	assert_int_equal(count_rows(&plan, "药品注册处", RK_OVERDUE),
	    2 * PLAN_OVERDUE_AHEAD);
	assert_int_equal(count_rows(&plan, "局办公室", RK_ESCALATION), 1);
	assert_head(&plan, &in, head, NITEMS(head));
	plan_free(&plan);
}

/* Lead by alias, lead unknown, lead without a supervisor. */
static void
test_office_lookup(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;

	in.lead = "局综合处";
	plan_ok(&in, &plan);
	assert_rows(&plan, &in, disclosure_rows, NITEMS(disclosure_rows));
	plan_free(&plan);

	in.lead = "已撤销处";
	plan_ok(&in, &plan);
	assert_int_equal(plan.n, 0);
	plan_free(&plan);

	in.lead = "稽查局";
	plan_ok(&in, &plan);
	assert_int_equal(plan.n, 2 + 1 + PLAN_OVERDUE_AHEAD);
	assert_int_equal(count_rows(&plan, "局办公室", RK_ESCALATION), 0);
	assert_string_equal(plan.rows[0].channel, "jicha-hook");
	plan_free(&plan);
}

static void
assert_window(const struct fixture *f, const char *t, const char *want)
{
	char got[64];

	instant_format(plan_next_window(&f->policy, f->cal, at(t)), got,
	    sizeof got);
	assert_string_equal(got, want);
}

static void
test_quiet_hours(void **state)
{
	struct fixture *f = *state;

	/* 20:00 on the eve of National Day: next window after the holiday. */
	assert_window(f, "2024-09-30T20:00:00+08:00",
	    "2024-10-08T09:00:00+08:00");
	assert_window(f, "2024-10-03T11:00:00+08:00",
	    "2024-10-08T09:00:00+08:00");
	/* Inside the window: unchanged; the end is exclusive. */
	assert_window(f, "2024-09-30T10:15:00+08:00",
	    "2024-09-30T10:15:00+08:00");
	assert_window(f, "2024-09-30T17:30:00+08:00",
	    "2024-10-08T09:00:00+08:00");
	/* Early on a make-up Sunday: later that day. */
	assert_window(f, "2024-09-29T07:00:00+08:00",
	    "2024-09-29T09:00:00+08:00");
	/* Friday evening before a make-up Saturday. */
	assert_window(f, "2024-10-11T18:00:00+08:00",
	    "2024-10-12T09:00:00+08:00");

	/* Two ranges: the lunch break waits for the afternoon. */
	set_hours(&f->policy, "09:00-12:00,13:30-17:30");
	assert_window(f, "2024-10-08T12:30:00+08:00",
	    "2024-10-08T13:30:00+08:00");
	assert_window(f, "2024-10-08T18:00:00+08:00",
	    "2024-10-09T09:00:00+08:00");
}

static void
test_no_hours(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct duration before_hours = { 4, DUR_HOURS };
	struct plan plan;
	static const struct want want[] = {
		{ "2024-10-23T09:00:00+08:00", ZH, RK_DUE },
		/* Counted from 23:59:59, time of day kept. */
		{ "2024-10-23T19:59:59+08:00", ZH, RK_BEFORE },
	};

	f->policy.hours.n = 0;
	assert_window(f, "2024-10-01T20:00:00+08:00",
	    "2024-10-01T20:00:00+08:00");

	f->policy.before = &before_hours;
	f->policy.nbefore = 1;
	f->policy.overdue_every.n = 0;
	f->policy.escalate_after.n = 0;
	plan_ok(&in, &plan);
	assert_rows(&plan, &in, want, NITEMS(want));
	plan_free(&plan);

	/* With hours, 19:59:59 moves past the deadline: dropped. */
	set_hours(&f->policy, "09:00-17:30");
	plan_ok(&in, &plan);
	assert_rows(&plan, &in, want, 1);
	plan_free(&plan);
}

/*
 * Calendar days: "2 days" before 10-09 is the holiday 10-07, moved to
 * 10-08; daily overdue repeats from 09-30 fold the holiday into one row;
 * an escalation after 2 hours waits for the morning.  Same time, office
 * and channel: kinds in order.
 */
static void
test_calendar_days_and_hours(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct duration before_days = { 2, DUR_DAYS };
	struct plan plan, tail;
	static const struct want want[] = {
		{ "2024-09-30T09:00:00+08:00", ZH, RK_DUE },
		{ "2024-10-08T09:00:00+08:00", BG, RK_ESCALATION },
		{ "2024-10-08T09:00:00+08:00", ZH, RK_OVERDUE },
		{ "2024-10-09T09:00:00+08:00", ZH, RK_OVERDUE },
	};
	static const struct want folded[] = {
		{ "2024-10-08T09:00:00+08:00", ZH, RK_BEFORE },
		{ "2024-10-08T09:00:00+08:00", ZH, RK_DUE },
	};

	f->policy.before = &before_days;
	f->policy.nbefore = 1;
	f->policy.overdue_every = (struct duration){ 1, DUR_DAYS };
	f->policy.escalate_after = (struct duration){ 2, DUR_HOURS };
	in.deadline_day = ymd("2024-09-30");
	in.deadline_at = at("2024-09-30T23:59:59+08:00");
	plan_ok(&in, &plan);
	/* 09-28 is a Saturday: its before row moves to Sunday 09-29. */
	assert_string_equal(plan.rows[0].office, "综合处");
	assert_int_equal(plan.rows[0].kind, RK_BEFORE);
	assert_int_equal(plan.rows[0].due_at, at("2024-09-29T09:00:00+08:00"));
	assert_int_equal(plan.n, 1 + 1 + 1 + PLAN_OVERDUE_AHEAD);
	tail = (struct plan){ .rows = plan.rows + 1, .n = plan.n - 1 };
	assert_head(&tail, &in, want, NITEMS(want));
	plan_free(&plan);

	/* Deadline 10-08: "2 days" before is 10-06, a holiday → 10-08. */
	f->policy.overdue_every.n = 0;
	f->policy.escalate_after.n = 0;
	in.deadline_day = ymd("2024-10-08");
	in.deadline_at = at("2024-10-08T23:59:59+08:00");
	plan_ok(&in, &plan);
	assert_rows(&plan, &in, folded, NITEMS(folded));
	plan_free(&plan);
}

/* 2027 is not announced: provisional, or an error on a strict calendar. */
static void
test_unannounced_year(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct calendar *strict;
	struct plan plan;
	char err[256] = "";

	in.deadline_day = ymd("2027-03-03");
	in.deadline_at = at("2027-03-03T23:59:59+08:00");
	plan_ok(&in, &plan);
	assert_true(plan.provisional);
	assert_int_equal(plan.n, 2 + 1 + 1 + PLAN_OVERDUE_AHEAD);
	assert_int_equal(plan.rows[0].due_at, at("2027-02-26T09:00:00+08:00"));
	plan_free(&plan);

	/* In 2024 it is not. */
	in = disclosure_input(f);
	plan_ok(&in, &plan);
	assert_false(plan.provisional);
	plan_free(&plan);

	strict = cn_calendar(true, NULL);
	in.cal = strict;
	in.deadline_day = ymd("2027-03-03");
	in.deadline_at = at("2027-03-03T23:59:59+08:00");
	assert_int_equal(plan_reminders(&in, &plan, err, sizeof err), -1);
	assert_non_null(strstr(err, "2027-03-03"));
	assert_non_null(strstr(err, "not announced"));
	assert_null(plan.rows);
	assert_int_equal(plan.n, 0);

	/* A deadline late in 2026 whose repeats reach into 2027. */
	in.deadline_day = ymd("2026-12-25");
	in.deadline_at = at("2026-12-25T23:59:59+08:00");
	err[0] = '\0';
	assert_int_equal(plan_reminders(&in, &plan, err, sizeof err), -1);
	assert_non_null(strstr(err, "not announced"));
	calendar_free(strict);

	in.cal = f->cal;
	plan_ok(&in, &plan);
	assert_true(plan.provisional);
	plan_free(&plan);
}

/*
 * "N workhours" offsets count the office hours of the item's calendar
 * (09:00-12:00,13:30-17:30) back or forward from the deadline instant.
 */
static void
test_workhours(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct calendar *hours_cal = cn_calendar(false,
	    "09:00-12:00,13:30-17:30");
	struct duration before[] = {
		{ 4, DUR_WORKHOURS }, { 12, DUR_WORKHOURS },
	};
	struct plan plan;
	char err[256] = "";
	static const struct want want[] = {
		/* 12 back from Wed 17:30: 7 on Wed, 5 on Tue: 11:00. */
		{ "2024-10-22T11:00:00+08:00", ZH, RK_BEFORE },
		{ "2024-10-23T09:00:00+08:00", ZH, RK_DUE },
		/* 4 back from Wed 23:59:59: 17:30 - 4 h = 13:30. */
		{ "2024-10-23T13:30:00+08:00", ZH, RK_BEFORE },
		/* 4 forward: Thu 09:00-12:00 and 13:30-14:30. */
		{ "2024-10-24T14:30:00+08:00", BG, RK_ESCALATION },
	};
	static const struct want national_day[] = {
		/* 8 back from Tue 10-08 17:30: 7 on 10-08, 1 on Mon 09-30. */
		{ "2024-09-30T16:30:00+08:00", ZH, RK_BEFORE },
		{ "2024-10-08T09:00:00+08:00", ZH, RK_DUE },
	};

	f->policy.before = before;
	f->policy.nbefore = 2;
	f->policy.overdue_every.n = 0;
	f->policy.escalate_after = (struct duration){ 4, DUR_WORKHOURS };
	in.cal = hours_cal;
	plan_ok(&in, &plan);
	assert_rows(&plan, &in, want, NITEMS(want));
	plan_free(&plan);

	before[0] = (struct duration){ 8, DUR_WORKHOURS };
	f->policy.nbefore = 1;
	f->policy.escalate_after.n = 0;
	in.deadline_day = ymd("2024-10-08");
	in.deadline_at = at("2024-10-08T23:59:59+08:00");
	plan_ok(&in, &plan);
	assert_rows(&plan, &in, national_day, NITEMS(national_day));
	plan_free(&plan);

	/* A calendar without office hours cannot count them. */
	in.cal = f->cal;
	assert_int_equal(plan_reminders(&in, &plan, err, sizeof err), -1);
	assert_non_null(strstr(err, "planning reminders for the deadline "
	    "2024-10-08 (calendar cn)"));
	calendar_free(hours_cal);
}

/*
 * A minimum period that ends Sun 10-20 23:59:59: the lead office hears
 * it is complete at the next window start, Mon 10-21 09:00; one ending
 * Fri 10-25 is told on Mon 10-28; one that ends before the day's window
 * start is told that morning.  Nothing once since is past it.
 */
static void
test_minimum(void **state)
{
	struct fixture *f = *state;
	struct plan_input in = disclosure_input(f);
	struct plan plan;
	char err[256] = "";
	static const struct want sunday[] = {
		{ "2024-10-21T09:00:00+08:00", ZH, RK_DUE },
	};
	static const struct want friday[] = {
		{ "2024-10-28T09:00:00+08:00", ZH, RK_DUE },
	};
	static const struct want morning[] = {
		{ "2024-10-22T09:00:00+08:00", ZH, RK_DUE },
	};

	in.milestone = "minimum";
	in.deadline_day = ymd("2024-10-20");
	in.deadline_at = at("2024-10-20T23:59:59+08:00");
	assert_int_equal(plan_minimum(&in, &plan, err, sizeof err), 0);
	assert_rows(&plan, &in, sunday, NITEMS(sunday));
	plan_free(&plan);

	in.deadline_day = ymd("2024-10-25");
	in.deadline_at = at("2024-10-25T23:59:59+08:00");
	assert_int_equal(plan_minimum(&in, &plan, err, sizeof err), 0);
	assert_rows(&plan, &in, friday, NITEMS(friday));
	plan_free(&plan);

	in.deadline_day = ymd("2024-10-22");
	in.deadline_at = at("2024-10-22T08:00:00+08:00");
	assert_int_equal(plan_minimum(&in, &plan, err, sizeof err), 0);
	assert_rows(&plan, &in, morning, NITEMS(morning));
	plan_free(&plan);

	in.since = at("2024-10-22T09:00:01+08:00");
	assert_int_equal(plan_minimum(&in, &plan, err, sizeof err), 0);
	assert_int_equal(plan.n, 0);
	plan_free(&plan);

	in.lead = "没有这个处";
	in.since = 0;
	assert_int_equal(plan_minimum(&in, &plan, err, sizeof err), 0);
	assert_int_equal(plan.n, 0);
	plan_free(&plan);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disclosure_case,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_planned_late,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_before_crosses_national_day,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_created_overdue,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_created_on_deadline_day,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_catch_up_kept,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_acked_office,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_assist_offices,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_office_lookup,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_hours,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_hours,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_calendar_days_and_hours,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unannounced_year,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_workhours,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_minimum,
		    setup, teardown),
	};
	char err[256];

	if (tz_set("Asia/Shanghai", err, sizeof err) == -1) {
		fprintf(stderr, "%s\n", err);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
