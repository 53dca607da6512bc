/*
 * The on-time report rendered as HTML and CSV from a fixed report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"

/* Four offices: a name to escape, 5/6 on time, no rate, 0% on time. */
static const char fixture[] =
    "{\"from\": \"2024-01-01\", \"to\": \"2024-12-31\", \"offices\": ["
    "{\"office\": \"A&B <\\\"处\\\">\", \"due\": 4, \"on_time\": 3,"
    " \"late\": 1, \"open\": 0, \"overdue\": 0, \"on_time_rate\": 0.75,"
    " \"mean_workdays_late\": 2.0},"
    "{\"office\": \"综合处\", \"due\": 7, \"on_time\": 5, \"late\": 0,"
    " \"open\": 1, \"overdue\": 1, \"on_time_rate\": 0.8333333333333334,"
    " \"mean_workdays_late\": 1.5},"
    "{\"office\": \"稽查局\", \"due\": 2, \"on_time\": 0, \"late\": 0,"
    " \"open\": 2, \"overdue\": 0, \"on_time_rate\": null,"
    " \"mean_workdays_late\": null},"
    "{\"office\": \"器审中心, 'x'\", \"due\": 1, \"on_time\": 0,"
    " \"late\": 0, \"open\": 0, \"overdue\": 1, \"on_time_rate\": 0,"
    " \"mean_workdays_late\": 3}],"
    "\"total\": {\"due\": 14, \"on_time\": 8, \"late\": 1, \"open\": 3,"
    " \"overdue\": 2, \"on_time_rate\": 0.7272727272727273,"
    " \"mean_workdays_late\": 2.3333333333333335}}";

static json_t *
load_fixture(void)
{
	json_error_t jerr;
	json_t *report = json_loads(fixture, 0, &jerr);

	if (report == NULL)
		fail_msg("fixture: %s", jerr.text);
	return report;
}

/* Renders with fn into a string the caller frees; asserts success. */
static char *
render(int (*fn)(FILE *, const json_t *, char *, size_t), const json_t *r)
{
	char *buf = NULL, err[256] = "";
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int rc;

	assert_non_null(fp);
	rc = fn(fp, r, err, sizeof err);
	assert_int_equal(fclose(fp), 0);
	if (rc != 0)
		fail_msg("render failed: %s", err);
	assert_string_equal(err, "");
	return buf;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL;
	    p += strlen(needle))
		n++;
	return n;
}

/* The values of attribute attr of each element starting with elem. */
static size_t
attr_values(const char *html, const char *elem, const char *attr,
    double *out, size_t max)
{
	char key[64];
	const char *p = html, *a, *end;
	size_t n = 0;

	snprintf(key, sizeof key, " %s=\"", attr);
	while ((p = strstr(p, elem)) != NULL) {
		end = strchr(p, '>');
		assert_non_null(end);
		a = strstr(p, key);
		assert_true(a != NULL && a < end);
		assert_true(n < max);
		out[n++] = strtod(a + strlen(key), NULL);
		p = end;
	}
	return n;
}

static void
html_is_self_contained(void **state)
{
	json_t *report = load_fixture();
	char *html = render(report_html_write, report);

	(void)state;
	assert_int_equal(strncmp(html, "<!DOCTYPE html>\n", 16), 0);
	assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, "https://"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, " src="));
	assert_null(strstr(html, " href="));
	assert_non_null(strstr(html, "<title>督办按时办结情况 2024-01-01 – "
	    "2024-12-31</title>"));
	assert_non_null(strstr(html, "<h1>督办按时办结情况 2024-01-01 – "
	    "2024-12-31</h1>"));
	assert_int_equal(count(html, "<svg"), 1);
	assert_int_equal(count(html, "</svg>"), 1);
	assert_non_null(strstr(html, "</html>\n"));
	free(html);
	json_decref(report);
}

static void
html_is_print_friendly(void **state)
{
	json_t *report = load_fixture();
	char *html = render(report_html_write, report), *print;

	(void)state;
	print = strstr(html, "@media print {");
	assert_non_null(print);
	/* Bars keep a fill and get a border; text is black. */
	assert_non_null(strstr(print, "svg .bar { fill: #bbb; stroke: #000;"));
	assert_non_null(strstr(print, "body { margin: 0; color: #000;"));
	assert_non_null(strstr(html, "page-break-inside: avoid"));
	free(html);
	json_decref(report);
}

static void
html_bars_are_proportional(void **state)
{
	json_t *report = load_fixture();
	char *html = render(report_html_write, report), *row;
	const char *from, *to;
	double w[8], x[8], ticks[8];

	(void)state;
	/* Three offices have a rate (0 is one); 稽查局 has none. */
	assert_int_equal(count(html, "<rect class=\"bar\""), 3);
	assert_int_equal(attr_values(html, "<rect class=\"bar\"", "width", w,
	    8), 3);
	assert_int_equal(REPORT_CHART_SCALE, 500);
	assert_float_equal(w[0], 375.0, 1e-9);
	assert_float_equal(w[1], 416.7, 1e-9);
	assert_float_equal(w[2], 0.0, 1e-9);
	assert_int_equal(count(html, " width=\"375.0\" "), 1);
	assert_int_equal(count(html, " width=\"416.7\" "), 1);
	assert_int_equal(count(html, " width=\"0.0\" "), 1);
	/* Every bar starts on the 0% axis; ticks every 25% up to 100%. */
	assert_int_equal(attr_values(html, "<rect class=\"bar\"", "x", x, 8),
	    3);
	assert_int_equal(attr_values(html, "<line class=", "x1", ticks, 8), 5);
	for (int i = 0; i < 3; i++)
		assert_float_equal(x[i], ticks[0], 1e-9);
	for (int i = 1; i < 5; i++)
		assert_float_equal(ticks[i] - ticks[i - 1],
		    REPORT_CHART_SCALE / 4.0, 1e-9);
	assert_non_null(strstr(html, "<line class=\"axis\""));
	for (int pct = 0; pct <= 100; pct += 25) {
		char label[16];

		snprintf(label, sizeof label, ">%d%%</text>", pct);
		assert_int_equal(count(html, label), 1);
	}
	/* The value next to each bar; "—" without a bar for 稽查局. */
	assert_non_null(strstr(html, ">75.0%</text>"));
	assert_non_null(strstr(html, ">83.3%</text>"));
	assert_non_null(strstr(html, ">0.0%</text>"));
	from = strstr(html, ">稽查局</text>");
	to = strstr(html, ">器审中心, &#39;x&#39;</text>");
	assert_true(from != NULL && to != NULL && from < to);
	row = strndup(from, (size_t)(to - from));
	assert_null(strstr(row, "<rect"));
	assert_non_null(strstr(row, "<text class=\"value\""));
	assert_non_null(strstr(row, ">—</text>"));
	free(row);
	free(html);
	json_decref(report);
}

static void
html_escapes_names(void **state)
{
	json_t *report = load_fixture();
	char *html = render(report_html_write, report);
	const char *esc = "A&amp;B &lt;&quot;处&quot;&gt;";

	(void)state;
	assert_null(strstr(html, "A&B"));
	assert_null(strstr(html, "<\"处\">"));
	/* In the table, the chart's label and the bar's tooltip. */
	assert_int_equal(count(html, esc), 3);
	assert_int_equal(count(html, "器审中心, &#39;x&#39;"), 3);
	free(html);
	json_decref(report);
}

static void
html_table_has_every_row(void **state)
{
	json_t *report = load_fixture();
	char *html = render(report_html_write, report);

	(void)state;
	assert_non_null(strstr(html, "<tr><th scope=\"row\">综合处</th>"
	    "<td class=\"num\">7</td><td class=\"num\">5</td>"
	    "<td class=\"num\">0</td><td class=\"num\">1</td>"
	    "<td class=\"num\">1</td><td class=\"num\">83.3%</td>"
	    "<td class=\"num\">1.5</td></tr>"));
	assert_non_null(strstr(html, "<tr><th scope=\"row\">稽查局</th>"
	    "<td class=\"num\">2</td><td class=\"num\">0</td>"
	    "<td class=\"num\">0</td><td class=\"num\">2</td>"
	    "<td class=\"num\">0</td><td class=\"num\">—</td>"
	    "<td class=\"num\">—</td></tr>"));
	assert_non_null(strstr(html, "<tfoot>\n<tr><th scope=\"row\">合计</th>"
	    "<td class=\"num\">14</td><td class=\"num\">8</td>"
	    "<td class=\"num\">1</td><td class=\"num\">3</td>"
	    "<td class=\"num\">2</td><td class=\"num\">72.7%</td>"
	    "<td class=\"num\">2.3</td></tr>"));
	free(html);
	json_decref(report);
}

static void
html_without_offices_has_no_chart(void **state)
{
	json_t *report = load_fixture();
	char *html;

	(void)state;
	json_array_clear(json_object_get(report, "offices"));
	html = render(report_html_write, report);
	assert_null(strstr(html, "<svg"));
	assert_non_null(strstr(html, "本期没有到期事项"));
	assert_non_null(strstr(html, "合计"));
	free(html);
	json_decref(report);
}

static void
csv_is_rfc4180(void **state)
{
	json_t *report = load_fixture();
	char *csv = render(report_csv_write, report);

	(void)state;
	assert_string_equal(csv,
	    "office,due,on_time,late,open,overdue,on_time_rate,"
	    "mean_workdays_late\r\n"
	    "\"A&B <\"\"处\"\">\",4,3,1,0,0,0.7500,2.00\r\n"
	    "综合处,7,5,0,1,1,0.8333,1.50\r\n"
	    "稽查局,2,0,0,2,0,,\r\n"
	    "\"器审中心, 'x'\",1,0,0,0,1,0.0000,3.00\r\n"
	    "total,14,8,1,3,2,0.7273,2.33\r\n");
	free(csv);
	json_decref(report);
}

static void
fmt_rate_and_mean(void **state)
{
	char buf[REPORT_FMT_LEN];
	json_t *v;

	(void)state;
	v = json_real(0.8333333);
	assert_string_equal(report_fmt_rate(v, buf), "83.3%");
	assert_string_equal(report_fmt_mean(v, buf), "0.8");
	json_decref(v);
	v = json_integer(1);
	assert_string_equal(report_fmt_rate(v, buf), "100.0%");
	json_decref(v);
	assert_string_equal(report_fmt_rate(json_null(), buf), "—");
	assert_string_equal(report_fmt_mean(json_null(), buf), "—");
	assert_string_equal(report_fmt_rate(NULL, buf), "—");
}

/*
 * Sets key of the fixture (or of its member parent, or of parent[index]
 * when that is an array) to v, or deletes it when v is NULL; then every
 * function must refuse the report and say why.
 */
static void
expect_rejected(const char *parent, size_t index, const char *key,
    json_t *v, const char *why)
{
	json_t *report = load_fixture(), *obj = report;
	char err[256] = "";
	FILE *fp = fopen("/dev/null", "w");

	assert_non_null(fp);
	if (parent != NULL) {
		obj = json_object_get(report, parent);
		if (json_is_array(obj))
			obj = json_array_get(obj, index);
	}
	if (v == NULL)
		assert_int_equal(json_object_del(obj, key), 0);
	else
		assert_int_equal(json_object_set_new(obj, key, v), 0);
	assert_int_equal(report_check(report, err, sizeof err), -1);
	if (strstr(err, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, why);
	err[0] = '\0';
	assert_int_equal(report_html_write(fp, report, err, sizeof err), -1);
	assert_non_null(strstr(err, why));
	err[0] = '\0';
	assert_int_equal(report_csv_write(fp, report, err, sizeof err), -1);
	assert_non_null(strstr(err, why));
	fclose(fp);
	json_decref(report);
}

static void
malformed_reports_are_refused(void **state)
{
	json_t *report = load_fixture();
	char err[256];

	(void)state;
	/* The fixture itself passes. */
	assert_int_equal(report_check(report, err, sizeof err), 0);
	json_decref(report);
	assert_int_equal(report_check(json_null(), err, sizeof err), -1);
	expect_rejected(NULL, 0, "total", NULL, "\"total\" is not an object");
	expect_rejected(NULL, 0, "from", json_integer(2024), "\"from\"");
	expect_rejected(NULL, 0, "offices", json_object(), "\"offices\"");
	expect_rejected("offices", 1, "on_time_rate", json_real(1.25),
	    "offices[1]: \"on_time_rate\"");
	expect_rejected("offices", 0, "on_time_rate", json_string("75%"),
	    "offices[0]: \"on_time_rate\"");
	expect_rejected("offices", 2, "late", json_integer(-1),
	    "offices[2]: a count");
	expect_rejected("offices", 3, "office", NULL, "offices[3]: no "
	    "\"office\"");
	expect_rejected("total", 0, "mean_workdays_late", json_real(-0.5),
	    "\"mean_workdays_late\"");
}

static void
write_errors_are_reported(void **state)
{
	json_t *report = load_fixture();
	char err[256] = "";
	FILE *fp = fopen("/dev/full", "w");

	(void)state;
	if (fp == NULL)
		skip();
	assert_int_equal(report_html_write(fp, report, err, sizeof err), -1);
	assert_string_equal(err, "write error");
	clearerr(fp);
	err[0] = '\0';
	assert_int_equal(report_csv_write(fp, report, err, sizeof err), -1);
	assert_string_equal(err, "write error");
	fclose(fp);
	json_decref(report);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_is_self_contained),
		cmocka_unit_test(html_is_print_friendly),
		cmocka_unit_test(html_bars_are_proportional),
		cmocka_unit_test(html_escapes_names),
		cmocka_unit_test(html_table_has_every_row),
		cmocka_unit_test(html_without_offices_has_no_chart),
		cmocka_unit_test(csv_is_rfc4180),
		cmocka_unit_test(fmt_rate_and_mean),
		cmocka_unit_test(malformed_reports_are_refused),
		cmocka_unit_test(write_errors_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
