/*
 * ctl_table: display widths of UTF-8 text and aligned tables with
 * Chinese cells.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_table.h"

/* Renders t into a malloc'ed string. */
static char *
render(const struct ctl_table *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	assert_non_null(fp);
	assert_int_equal(ctl_table_print(t, fp), 0);
	assert_int_equal(fclose(fp), 0);
	return out;
}

static void
test_width_ascii(void **state)
{
	(void)state;
	assert_int_equal(ctl_width(""), 0);
	assert_int_equal(ctl_width("gk-11"), 5);
	assert_int_equal(ctl_width("2024-10-23 23:59"), 16);
}

static void
test_width_cjk(void **state)
{
	(void)state;
	assert_int_equal(ctl_width("综合处"), 6);
	assert_int_equal(ctl_width("畅通政民互动沟通渠道"), 20);
	/* U+4E00 and U+9FA5, the ends of the common block. */
	assert_int_equal(ctl_width("\xe4\xb8\x80\xe9\xbe\xa5"), 4);
}

static void
test_width_fullwidth_punctuation(void **state)
{
	(void)state;
	assert_int_equal(ctl_width("、"), 2);
	assert_int_equal(ctl_width("（）"), 4);
	assert_int_equal(ctl_width("，：；"), 6);
	assert_int_equal(ctl_width("１２"), 4);	/* fullwidth digits */
}

static void
test_width_mixed(void **state)
{
	(void)state;
	assert_int_equal(ctl_width("器审中心（2家）"), 15);
	assert_int_equal(ctl_width("A会B、C"), 7);
	assert_int_equal(ctl_width("人事处会药审中心、器审中心"), 26);
	/* Ambiguous-width ellipsis and dash: one column each. */
	assert_int_equal(ctl_width("a…—"), 3);
}

static void
test_width_invalid_bytes(void **state)
{
	(void)state;
	/* A stray continuation byte and a cut-off sequence: 1 each. */
	assert_int_equal(ctl_width("a\x80" "b"), 3);
	assert_int_equal(ctl_width("\xe7\xbb"), 2);
	/* Bytes that never occur in UTF-8, and an overlong lead byte. */
	assert_int_equal(ctl_width("\xff\xfe\xc0"), 3);
}

static void
test_truncate(void **state)
{
	char *s;

	(void)state;
	s = ctl_truncate("畅通政民互动沟通渠道", 9);
	/* 4 ideographs (8 columns) + "…" (1). */
	assert_string_equal(s, "畅通政民…");
	assert_int_equal(ctl_width(s), 9);
	free(s);
	s = ctl_truncate("畅通政民互动沟通渠道", 10);
	/* 4 ideographs fit in 9; a fifth would make 11. */
	assert_string_equal(s, "畅通政民…");
	free(s);
	s = ctl_truncate("畅通政民互动沟通渠道", 20);
	assert_string_equal(s, "畅通政民互动沟通渠道");
	free(s);
	s = ctl_truncate("abcdef", 4);
	assert_string_equal(s, "abc…");
	free(s);
	s = ctl_truncate("abcdef", 0);
	assert_string_equal(s, "");
	free(s);
	s = ctl_truncate("综合", 1);
	assert_string_equal(s, "…");
	free(s);
}

static void
test_table_exact(void **state)
{
	struct ctl_table *t;
	char *out;

	(void)state;
	t = ctl_table_new(4, "KEY", "TITLE", "LEAD", "LEFT");
	assert_non_null(t);
	/* 5 ideographs and "…" make 11 columns: a sixth would not fit. */
	ctl_table_truncate(t, 1, 12);
	ctl_table_align_right(t, 3);
	ctl_table_add(t, "2024-gk-11", "畅通政民互动沟通渠道", "综合处", "5");
	ctl_table_add(t, "003", "建设市级生物医药产品注册指导服务工作站",
	    "器械注册处", "-12");
	ctl_table_add(t, "a", "x", "局办公室", NULL);
	assert_int_equal(ctl_table_rows(t), 3);
	out = render(t);
	assert_string_equal(out,
	    "KEY         TITLE        LEAD        LEFT\n"
	    "2024-gk-11  畅通政民互…  综合处         5\n"
	    "003         建设市级生…  器械注册处   -12\n"
	    "a           x            局办公室       -\n");
	free(out);
	ctl_table_free(t);
}

/* Display column at which needle starts in line. */
static size_t
column_of(const char *line, const char *needle)
{
	const char *at = strstr(line, needle);
	char prefix[256];

	assert_non_null(at);
	assert_true((size_t)(at - line) < sizeof prefix);
	memcpy(prefix, line, at - line);
	prefix[at - line] = '\0';
	return ctl_width(prefix);
}

/* Every row's columns start at the same display column. */
static void
test_table_columns_line_up(void **state)
{
	static const char *const rows[][3] = {
		{ "OFFICE", "DUE", "STATUS" },
		{ "综合处", "2024-12-31", "open" },
		{ "人事处会药审中心、器审中心", "2025-06-30", "逾期" },
		{ "HR", "2025-01-01", "done" },
	};
	struct ctl_table *t;
	char *out, *line, *save = NULL;
	size_t i = 0;

	(void)state;
	t = ctl_table_new(3, rows[0][0], rows[0][1], rows[0][2]);
	assert_non_null(t);
	for (i = 1; i < 4; i++)
		ctl_table_add_row(t, rows[i]);
	out = render(t);
	i = 0;
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), i++) {
		assert_true(i < 4);
		/* The widest office (26 columns) and the gap. */
		assert_int_equal(column_of(line, rows[i][1]), 28);
		assert_int_equal(column_of(line, rows[i][2]), 28 + 10 + 2);
	}
	assert_int_equal(i, 4);
	free(out);
	ctl_table_free(t);
}

static void
test_table_controls_and_last_column(void **state)
{
	struct ctl_table *t;
	char *out;

	(void)state;
	t = ctl_table_new(2, "A", "B");
	assert_non_null(t);
	ctl_table_add(t, "第一行\n第二行", "");
	ctl_table_add(t, "x", "tab\there");
	out = render(t);
	/* The newline is a space; an empty last cell leaves no blanks. */
	assert_string_equal(out,
	    "A              B\n"
	    "第一行 第二行\n"
	    "x              tab here\n");
	free(out);
	ctl_table_free(t);
}

static void
test_table_header_only(void **state)
{
	struct ctl_table *t;
	char *out;

	(void)state;
	t = ctl_table_new(2, "REF", "标题");
	assert_non_null(t);
	assert_int_equal(ctl_table_rows(t), 0);
	out = render(t);
	assert_string_equal(out, "REF  标题\n");
	free(out);
	ctl_table_free(t);
}

static void
test_short_time(void **state)
{
	char buf[CTL_SHORT_TIME];

	(void)state;
	assert_string_equal(ctl_short_time("2024-10-23T23:59:59+08:00", buf),
	    "2024-10-23 23:59");
	assert_string_equal(ctl_short_time("2024-10-23T01:30:00Z", buf),
	    "2024-10-23 01:30");
	assert_string_equal(ctl_short_time("2024-10-23", buf), "2024-10-23");
	assert_null(ctl_short_time(NULL, buf));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width_ascii),
		cmocka_unit_test(test_width_cjk),
		cmocka_unit_test(test_width_fullwidth_punctuation),
		cmocka_unit_test(test_width_mixed),
		cmocka_unit_test(test_width_invalid_bytes),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_table_exact),
		cmocka_unit_test(test_table_columns_line_up),
		cmocka_unit_test(test_table_controls_and_last_column),
		cmocka_unit_test(test_table_header_only),
		cmocka_unit_test(test_short_time),
	};

	/* As dubanctl's main() does. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "no C.UTF-8 locale\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
