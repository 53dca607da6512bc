/*
 * Due phrases of work plans: every form the seeds write, the plan's year,
 * full-width digits and Chinese numerals, and the errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "date.h"
#include "duephrase.h"

struct phrase_case {
	const char	*text;
	int		 plan_year;
	const char	*date;
};

static void
check_cases(const struct phrase_case *c, size_t n)
{
	char err[256], buf[DAY_STRLEN];
	int day;

	for (size_t i = 0; i < n; i++) {
		err[0] = '\0';
		day = -1;
		if (!duephrase_parse(c[i].text, c[i].plan_year, &day, err,
		    sizeof err))
			fail_msg("\"%s\" (year %d): %s", c[i].text,
			    c[i].plan_year, err);
		if (strcmp(day_format(day, buf), c[i].date) != 0)
			fail_msg("\"%s\" (year %d): %s, expected %s",
			    c[i].text, c[i].plan_year, buf, c[i].date);
	}
}

static void
test_years(void **state)
{
	static const struct phrase_case c[] = {
		{ "2025年", 0, "2025-12-31" },
		{ "2022年", 2024, "2022-12-31" },	/* its own year wins */
		{ "2022年底前", 0, "2022-12-31" },
		{ "2022 年底前", 0, "2022-12-31" },	/* seed 002 */
		{ "2024年年底前", 0, "2024-12-31" },
		{ "2024年内", 0, "2024-12-31" },
		{ "2024年度", 0, "2024-12-31" },
		{ "2024年末", 0, "2024-12-31" },
		{ "2021-2025年", 0, "2025-12-31" },
		{ "2021年至2025年", 0, "2025-12-31" },
		{ "2021—2025年", 0, "2025-12-31" },
		{ "截至2023年底", 0, "2023-12-31" },
	};

	(void)state;
	check_cases(c, sizeof c / sizeof c[0]);
}

static void
test_plan_year(void **state)
{
	static const struct phrase_case c[] = {
		{ "年内", 2024, "2024-12-31" },
		{ "年底前", 2024, "2024-12-31" },
		{ "年底", 2023, "2023-12-31" },
		{ "今年年底前", 2024, "2024-12-31" },	/* seed 004 */
		{ "3月31日前", 2024, "2024-03-31" },
		{ "2月29日前", 2024, "2024-02-29" },
		{ "6月底前", 2024, "2024-06-30" },
		{ "2月底前", 2023, "2023-02-28" },
		{ "2月底", 2024, "2024-02-29" },
		{ "9月", 2024, "2024-09-30" },
		{ "11月份", 2024, "2024-11-30" },
		{ "第三季度", 2024, "2024-09-30" },
		{ "三季度末", 2024, "2024-09-30" },
		{ "第一季度", 2024, "2024-03-31" },
		{ "四季度", 2024, "2024-12-31" },
		{ "第2季度", 2024, "2024-06-30" },
		{ "上半年", 2024, "2024-06-30" },
		{ "年中", 2024, "2024-06-30" },
		{ "下半年", 2024, "2024-12-31" },
		{ "十二月底前", 2024, "2024-12-31" },
		{ "三月二十日前", 2024, "2024-03-20" },
		{ "6月上旬", 2024, "2024-06-10" },
		{ "6月中旬", 2024, "2024-06-20" },
		{ "6月下旬", 2024, "2024-06-30" },
	};

	(void)state;
	check_cases(c, sizeof c / sizeof c[0]);
}

static void
test_dates(void **state)
{
	static const struct phrase_case c[] = {
		{ "2024年7月21日", 0, "2024-07-21" },
		{ "2024年7月21日前", 0, "2024-07-21" },
		{ "2024年7月21号", 0, "2024-07-21" },
		{ "2024-07-21", 0, "2024-07-21" },
		{ "2024/7/21", 0, "2024-07-21" },
		{ "2024.7.21", 0, "2024-07-21" },
		{ "2024年6月底前", 0, "2024-06-30" },
		{ "2024年第三季度", 0, "2024-09-30" },
		{ "2024年上半年", 0, "2024-06-30" },
		{ " 2024-07-21 ", 0, "2024-07-21" },
		/* full-width digits and dash, U+3000 around */
		{ "\uff12\uff10\uff12\uff14\uff0d\uff10\uff17\uff0d\uff12\uff11",
		    0, "2024-07-21" },
		{ "\u3000\uff12\uff10\uff12\uff15年", 0, "2025-12-31" },
		{ "\uff13月\uff13\uff11日前", 2024, "2024-03-31" },
		{ "（2025年）", 0, "2025-12-31" },
	};

	(void)state;
	check_cases(c, sizeof c / sizeof c[0]);
}

/* Every phrase issue 8 names, in the plan year 2024 unless it has one. */
static void
test_issue_phrases(void **state)
{
	static const struct phrase_case c[] = {
		{ "年内", 2024, "2024-12-31" },
		{ "年底前", 2024, "2024-12-31" },
		{ "全年", 2024, "2024-12-31" },
		{ "2024年全年", 0, "2024-12-31" },
		{ "2025年底前", 2024, "2025-12-31" },
		{ "第一季度", 2024, "2024-03-31" },
		{ "一季度", 2024, "2024-03-31" },
		{ "第二季度", 2024, "2024-06-30" },
		{ "二季度", 2024, "2024-06-30" },
		{ "第三季度", 2024, "2024-09-30" },
		{ "三季度", 2024, "2024-09-30" },
		{ "第四季度", 2024, "2024-12-31" },
		{ "四季度", 2024, "2024-12-31" },
		{ "上半年", 2025, "2025-06-30" },
		{ "下半年", 2025, "2025-12-31" },
		{ "2月", 2024, "2024-02-29" },
		{ "2月", 2025, "2025-02-28" },
		{ "4月底前", 2024, "2024-04-30" },
		{ "10月15日前", 2024, "2024-10-15" },
		{ "2026年", 2024, "2026-12-31" },
		{ "2024年2月", 0, "2024-02-29" },
		{ "2024年11月", 0, "2024-11-30" },
		{ "2024年9月30日", 0, "2024-09-30" },
		{ "2024-09-30", 2025, "2024-09-30" },
	};

	(void)state;
	check_cases(c, sizeof c / sizeof c[0]);
}

/* Five-year plans end with the last day of their last year. */
static void
test_five_year_plans(void **state)
{
	static const struct phrase_case c[] = {
		{ "十五期末", 0, "2005-12-31" },
		{ "十一五期末", 0, "2010-12-31" },
		{ "十二五期末", 0, "2015-12-31" },
		{ "十三五期末", 0, "2020-12-31" },
		{ "十四五期末", 0, "2025-12-31" },
		{ "十五五期末", 0, "2030-12-31" },
		{ "“十四五”期末", 2022, "2025-12-31" },
		{ "\"十四五\"末", 0, "2025-12-31" },
		{ "十四五期间", 0, "2025-12-31" },
		{ "十四五时期", 0, "2025-12-31" },
		{ "十四五规划期末前", 0, "2025-12-31" },
		{ "十四五末", 0, "2025-12-31" },
		{ "十三五", 0, "2020-12-31" },
	};

	(void)state;
	check_cases(c, sizeof c / sizeof c[0]);
}

struct bad_case {
	const char	*text;
	int		 plan_year;
	const char	*why;		/* a part of the message */
};

static void
test_errors(void **state)
{
	static const struct bad_case c[] = {
		{ "持续推进", 2024, "no deadline in \"持续推进\"" },
		{ "长期", 2024, "no deadline in \"长期\"" },
		{ "常态化开展", 2024, "no deadline" },
		{ "每年3月31日前", 2024, "repeats" },
		{ "按季度", 2024, "repeats" },
		{ "明年", 2024, "cannot read the date \"明年\"" },
		{ "明年", 0, "cannot read the date \"明年\"" },
		{ "年底前", 0, "\"年底前\" names no year" },
		{ "3月31日前", 0, "--year" },
		{ "第三季度", 0, "names no year" },
		{ "今年年底前", 0, "names no year" },
		{ "2024-02-30", 0, "cannot read" },
		{ "2023年2月29日", 0, "cannot read" },
		{ "2月30日", 2024, "cannot read" },
		{ "13月", 2024, "cannot read" },
		{ "第五季度", 2024, "cannot read" },
		{ "2024年13月1日", 0, "cannot read" },
		{ "2025-2021年", 0, "cannot read" },
		{ "1900年", 0, "outside 1970..2199" },
		{ "年", 2024, "cannot read" },
		{ "前", 2024, "cannot read" },
		{ "", 2024, "no date" },
		{ "\u3000 ", 2024, "no date" },
		{ "20240721", 0, "cannot read" },
		{ "2024年7月21日下午", 0, "cannot read" },
		{ "尽快", 2024, "no deadline in \"尽快\"" },
		{ "尽快完成", 2024, "no deadline" },
		{ "立即整改", 2024, "no deadline" },
		{ "十六五期末", 0, "cannot read" },
		{ "十四五初", 0, "cannot read" },
	};
	char err[256];
	int day;

	(void)state;
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		err[0] = '\0';
		if (duephrase_parse(c[i].text, c[i].plan_year, &day, err,
		    sizeof err))
			fail_msg("\"%s\" read as day %d", c[i].text, day);
		if (strstr(err, c[i].why) == NULL)
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", c[i].text,
			    err, c[i].why);
	}
}

/* Text too long to be a phrase is refused and quoted only in part. */
static void
test_overlong(void **state)
{
	char text[600], err[256];
	int day;

	(void)state;
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	assert_false(duephrase_parse(text, 2024, &day, err, sizeof err));
	assert_non_null(strstr(err, "cannot read the date \"xxxx"));
	assert_non_null(strstr(err, "…\""));
	assert_true(strlen(err) < 80);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_years),
		cmocka_unit_test(test_plan_year),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_issue_phrases),
		cmocka_unit_test(test_five_year_plans),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_overlong),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
