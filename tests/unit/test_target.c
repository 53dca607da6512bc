/*
 * Unit tests of target.c: the targets of seed 003's indicator table and
 * the forms target.c documents, and progress as shown ("7/12家").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

struct want {
	const char	*text;
	double		 value;
	const char	*unit;
};

static void
assert_target(const char *text, double value, const char *unit)
{
	char got_unit[TARGET_UNIT_MAX];
	double got = -1;

	if (target_parse(text, &got, got_unit, sizeof got_unit) != 0)
		fail_msg("\"%s\" did not parse", text);
	if (got != value)
		fail_msg("\"%s\": value %g, want %g", text, got, value);
	assert_string_equal(got_unit, unit);
}

static void
assert_no_number(const char *text)
{
	char unit[TARGET_UNIT_MAX];
	double v = -1;

	if (target_parse(text, &v, unit, sizeof unit) != -1)
		fail_msg("\"%s\" parsed as %g \"%s\"", text, v, unit);
}

static void
test_forms(void **state)
{
	static const struct want wants[] = {
		{ "12家", 12, "家" },
		{ "50项", 50, "项" },
		{ "100%", 100, "%" },
		{ "100％", 100, "%" },
		{ "1500份/百万人", 1500, "份/百万人" },
		{ "不少于1次", 1, "次" },
		{ "3个以上", 3, "个" },
		{ "20家及以上", 20, "家" },
		{ "2.5万人次", 2.5, "万人次" },
		{ " 8 名 ", 8, "名" },
		{ "至少 6 场", 6, "场" },
		{ "0", 0, "" },
		{ "7", 7, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++)
		assert_target(wants[i].text, wants[i].value, wants[i].unit);
}

static void
test_no_number(void **state)
{
	(void)state;
	assert_no_number(NULL);
	assert_no_number("");
	assert_no_number("完成立法");
	assert_no_number("3-5个");
	assert_no_number("药品3家、器械3家");
	assert_no_number("十二家");
	assert_no_number("建成12家");
	assert_no_number("12家，20项");
	assert_no_number(".5项");
	assert_no_number("123456789012345678901234567890123家");
}

static void
test_unit_room(void **state)
{
	char unit[4];
	double v;

	(void)state;
	assert_int_equal(target_parse("12家", &v, unit, sizeof unit), 0);
	assert_string_equal(unit, "家");
	/* "份/百万人" does not fit in 4 bytes: no number rather than half. */
	assert_int_equal(target_parse("1500份/百万人", &v, unit,
	    sizeof unit), -1);
	assert_int_equal(target_parse("1500份/百万人", &v, NULL, 0), 0);
	assert_true(v == 1500);
}

/* Column "指标要求" (the third) of every indicator row of seed 003. */
static void
test_seed003(void **state)
{
	static const struct want wants[] = {
		{ NULL, 12, "家" }, { NULL, 50, "项" }, { NULL, 16, "家" },
		{ NULL, 5, "家" }, { NULL, 1, "个" }, { NULL, 3, "个" },
		{ NULL, 100, "%" }, { NULL, 1500, "份/百万人" },
		{ NULL, 100, "%" }, { NULL, 50, "%" }, { NULL, 50, "%" },
		{ NULL, 60, "项" }, { NULL, 5, "项" }, { NULL, 2, "个" },
		{ NULL, 50, "名" },
	};
	FILE *f = fopen(TEST_SRCDIR "/tests/data/seed003-indicators.csv",
	    "r");
	char line[2048];
	size_t n = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		char *cell = line, *comma;
		int col;

		/* Rows start with their number: "1,名称,12家,...". */
		if (line[0] < '0' || line[0] > '9')
			continue;
		for (col = 0; col < 2 && cell != NULL; col++)
			if ((cell = strchr(cell, ',')) != NULL)
				cell++;
		assert_non_null(cell);
		if ((comma = strchr(cell, ',')) != NULL)
			*comma = '\0';
		assert_true(n < sizeof wants / sizeof wants[0]);
		assert_target(cell, wants[n].value, wants[n].unit);
		n++;
	}
	fclose(f);
	assert_int_equal(n, sizeof wants / sizeof wants[0]);
}

static void
test_progress_text(void **state)
{
	char buf[64], small[4];

	(void)state;
	assert_string_equal(target_progress_text(7, "12家", buf, sizeof buf),
	    "7/12家");
	assert_string_equal(target_progress_text(85, "100％", buf,
	    sizeof buf), "85/100%");
	assert_string_equal(target_progress_text(0.5, "2.5万人次", buf,
	    sizeof buf), "0.5/2.5万人次");
	assert_string_equal(target_progress_text(3, "不少于1次", buf,
	    sizeof buf), "3/1次");
	assert_string_equal(target_progress_text(2, "完成立法", buf,
	    sizeof buf), "2/完成立法");
	assert_string_equal(target_progress_text(1500, "1500份/百万人", buf,
	    sizeof buf), "1500/1500份/百万人");
	/* Cut, never overrun. */
	assert_string_equal(target_progress_text(7, "12家", small,
	    sizeof small), "7/1");
	assert_string_equal(target_number(12, buf, sizeof buf), "12");
	assert_string_equal(target_number(0.1, buf, sizeof buf), "0.1");
	assert_string_equal(target_number(1e15, buf, sizeof buf),
	    "1e+15");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_no_number),
		cmocka_unit_test(test_unit_room),
		cmocka_unit_test(test_seed003),
		cmocka_unit_test(test_progress_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
