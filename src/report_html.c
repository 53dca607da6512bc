/*
 * The on-time report as an HTML page and as CSV.
 *
 * The page is self-contained so it can be mailed or archived as one file:
 * UTF-8, inline CSS, an inline SVG chart, no script and no URL at all (the
 * SVG is inline HTML5, which needs no xmlns).  The chart has one horizontal
 * bar per office, REPORT_CHART_SCALE pixels for 100%, on a 0-100% axis with
 * ticks every 25%; an office without a rate (nothing due yet, or nothing
 * decided) gets "—" and no bar.  Offices keep the order of the report
 * (the API sorts them by name).  Printed, the bars are grey with a black
 * border and all text black, so nothing depends on printing backgrounds.
 *
 * CSV: RFC 4180 (CRLF line ends, quoting only where needed), no BOM,
 * columns office,due,on_time,late,open,overdue,on_time_rate,
 * mean_workdays_late; rates as fractions with 4 decimals, means with 2,
 * null as an empty cell; the last row is the total, office "total".
 */
#include "report_html.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The counts of a report row, in table order. */
static const char *const count_keys[] = {
	"due", "on_time", "late", "open", "overdue",
};
#define NCOUNTS	(sizeof count_keys / sizeof count_keys[0])

static const char *const count_titles[] = {
	"到期", "按时", "逾期办结", "未到期", "逾期未办",
};

/* Chart geometry, in CSS pixels. */
#define CHART_ROW	28	/* height of one office's row */
#define CHART_BAR	18	/* height of a bar */
#define CHART_TOP	12	/* room above the first bar */
#define CHART_AXIS	28	/* room below the last bar for tick labels */
#define CHART_GAP	10	/* between the labels and the axis */
#define CHART_VALUE	70	/* right of a full bar, for "100.0%" */
#define CHART_EM	14	/* font size; a wide (CJK) character */

static int
fail(char *err, size_t errlen, const char *what, size_t row)
{
	if (row == SIZE_MAX)
		snprintf(err, errlen, "malformed report: %s", what);
	else
		snprintf(err, errlen, "malformed report: offices[%zu]: %s",
		    row, what);
	return -1;
}

/* Checks one row (an office or the total); row is SIZE_MAX for the total. */
static int
check_row(const json_t *r, bool named, size_t row, char *err, size_t errlen)
{
	const json_t *v;
	double d;

	if (!json_is_object(r))
		return fail(err, errlen, row == SIZE_MAX ?
		    "\"total\" is not an object" : "not an object", row);
	if (named && !json_is_string(json_object_get(r, "office")))
		return fail(err, errlen, "no \"office\" string", row);
	for (size_t i = 0; i < NCOUNTS; i++) {
		v = json_object_get(r, count_keys[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return fail(err, errlen, "a count is missing or "
			    "negative", row);
	}
	v = json_object_get(r, "on_time_rate");
	if (!json_is_null(v)) {
		if (!json_is_number(v) || (d = json_number_value(v)) < 0 ||
		    d > 1)
			return fail(err, errlen, "\"on_time_rate\" is not "
			    "null or a number from 0 to 1", row);
	}
	v = json_object_get(r, "mean_workdays_late");
	if (!json_is_null(v)) {
		if (!json_is_number(v) || json_number_value(v) < 0)
			return fail(err, errlen, "\"mean_workdays_late\" is "
			    "not null or a number >= 0", row);
	}
	return 0;
}

int
report_check(const json_t *report, char *err, size_t errlen)
{
	const json_t *offices;
	size_t i;

	if (!json_is_object(report))
		return fail(err, errlen, "not an object", SIZE_MAX);
	if (!json_is_string(json_object_get(report, "from")) ||
	    !json_is_string(json_object_get(report, "to")))
		return fail(err, errlen, "no \"from\" or \"to\"", SIZE_MAX);
	offices = json_object_get(report, "offices");
	if (!json_is_array(offices))
		return fail(err, errlen, "no \"offices\" array", SIZE_MAX);
	for (i = 0; i < json_array_size(offices); i++)
		if (check_row(json_array_get(offices, i), true, i, err,
		    errlen) == -1)
			return -1;
	return check_row(json_object_get(report, "total"), false, SIZE_MAX,
	    err, errlen);
}

const char *
report_fmt_rate(const json_t *rate, char buf[REPORT_FMT_LEN])
{
	if (!json_is_number(rate))
		return "—";
	snprintf(buf, REPORT_FMT_LEN, "%.1f%%", json_number_value(rate) * 100);
	return buf;
}

const char *
report_fmt_mean(const json_t *mean, char buf[REPORT_FMT_LEN])
{
	if (!json_is_number(mean))
		return "—";
	snprintf(buf, REPORT_FMT_LEN, "%.1f", json_number_value(mean));
	return buf;
}

static const char *
str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void
html_escape(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			putc(*s, fp);
		}
	}
}

/*
 * Approximate display width in units of half an em: CJK and other wide
 * characters count 2, the rest 1.  Only sizes the chart's label column.
 */
static size_t
label_units(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t units = 0;

	for (; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;	/* continuation byte */
		/* Lead bytes from 0xe2 start U+2000 and above. */
		units += *p >= 0xe2 ? 2 : 1;
	}
	return units;
}

static const char page_head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"zh-CN\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n";

static const char page_style[] =
    "<style>\n"
    "body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", "
    "\"WenQuanYi Micro Hei\", \"Microsoft YaHei\", sans-serif;\n"
    "  margin: 24px; color: #1a1a1a; background: #fff; }\n"
    "h1 { font-size: 20px; margin: 0 0 16px; }\n"
    "table { border-collapse: collapse; margin-bottom: 24px; }\n"
    "th, td { border: 1px solid #999; padding: 4px 10px; }\n"
    "thead th { background: #eee; }\n"
    "td.num, th.num { text-align: right; "
    "font-variant-numeric: tabular-nums; }\n"
    "tbody th, tfoot th { text-align: left; font-weight: normal; }\n"
    "tfoot th, tfoot td { font-weight: bold; border-top: 2px solid #333; }\n"
    "figure { margin: 0; }\n"
    "figcaption { font-weight: bold; margin-bottom: 8px; }\n"
    "svg { font-size: 14px; }\n"
    "svg text { fill: #1a1a1a; }\n"
    "svg .tick { stroke: #ccc; stroke-width: 1; }\n"
    "svg .axis { stroke: #333; stroke-width: 1; }\n"
    "svg .bar { fill: #2a6ebb; }\n"
    "p.note { font-size: 12px; color: #444; }\n"
    "table, figure { page-break-inside: avoid; break-inside: avoid; }\n"
    "@media print {\n"
    "  body { margin: 0; color: #000; background: none; }\n"
    "  thead th { background: none; }\n"
    "  th, td { border-color: #000; }\n"
    "  svg text { fill: #000; }\n"
    "  svg .tick { stroke: #888; }\n"
    "  svg .axis { stroke: #000; }\n"
    "  svg .bar { fill: #bbb; stroke: #000; stroke-width: 1; }\n"
    "  p.note { color: #000; }\n"
    "}\n"
    "</style>\n"
    "</head>\n";

static void
write_title(FILE *fp, const json_t *report)
{
	fputs("督办按时办结情况 ", fp);
	html_escape(fp, str(report, "from"));
	fputs(" – ", fp);
	html_escape(fp, str(report, "to"));
}

/* One table row; name is NULL for the total. */
static void
write_table_row(FILE *fp, const json_t *r, const char *name)
{
	char buf[REPORT_FMT_LEN];

	fputs("<tr><th scope=\"row\">", fp);
	html_escape(fp, name != NULL ? name : "合计");
	fputs("</th>", fp);
	for (size_t i = 0; i < NCOUNTS; i++)
		fprintf(fp, "<td class=\"num\">%lld</td>", (long long)
		    json_integer_value(json_object_get(r, count_keys[i])));
	fprintf(fp, "<td class=\"num\">%s</td>",
	    report_fmt_rate(json_object_get(r, "on_time_rate"), buf));
	fprintf(fp, "<td class=\"num\">%s</td></tr>\n",
	    report_fmt_mean(json_object_get(r, "mean_workdays_late"), buf));
}

static void
write_table(FILE *fp, const json_t *report)
{
	const json_t *offices = json_object_get(report, "offices"), *r;
	size_t i;

	fputs("<table>\n<thead><tr><th scope=\"col\">办公室</th>", fp);
	for (i = 0; i < NCOUNTS; i++)
		fprintf(fp, "<th scope=\"col\" class=\"num\">%s</th>",
		    count_titles[i]);
	fputs("<th scope=\"col\" class=\"num\">按时率</th>"
	    "<th scope=\"col\" class=\"num\">平均逾期工作日</th></tr></thead>\n"
	    "<tbody>\n", fp);
	json_array_foreach(offices, i, r)
		write_table_row(fp, r, str(r, "office"));
	fputs("</tbody>\n<tfoot>\n", fp);
	write_table_row(fp, json_object_get(report, "total"), NULL);
	fputs("</tfoot>\n</table>\n", fp);
}

static void
write_chart_row(FILE *fp, const json_t *r, size_t i, int label_w)
{
	const json_t *rate = json_object_get(r, "on_time_rate");
	const char *name = str(r, "office");
	char buf[REPORT_FMT_LEN];
	int x0 = label_w + CHART_GAP, y = CHART_TOP + (int)i * CHART_ROW;
	int text_y = y + CHART_ROW / 2 + 5;
	double w;

	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w,
	    text_y);
	html_escape(fp, name);
	fputs("</text>\n", fp);
	if (!json_is_number(rate)) {
		fprintf(fp, "<text class=\"value\" x=\"%d\" y=\"%d\">—</text>\n",
		    x0 + 6, text_y);
		return;
	}
	w = json_number_value(rate) * REPORT_CHART_SCALE;
	fprintf(fp, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
	    "height=\"%d\"><title>", x0, y + (CHART_ROW - CHART_BAR) / 2, w,
	    CHART_BAR);
	html_escape(fp, name);
	fprintf(fp, " %s</title></rect>\n", report_fmt_rate(rate, buf));
	fprintf(fp, "<text class=\"value\" x=\"%.1f\" y=\"%d\">%s</text>\n",
	    x0 + w + 6, text_y, buf);
}

static void
write_chart(FILE *fp, const json_t *report)
{
	const json_t *offices = json_object_get(report, "offices"), *r;
	size_t i, n = json_array_size(offices), units = 0;
	int label_w, x0, width, plot_h, height;

	json_array_foreach(offices, i, r)
		if (label_units(str(r, "office")) > units)
			units = label_units(str(r, "office"));
	if (units < 6)
		units = 6;
	if (units > 40)
		units = 40;
	label_w = (int)units * CHART_EM / 2 + 8;
	x0 = label_w + CHART_GAP;
	width = x0 + REPORT_CHART_SCALE + CHART_VALUE;
	plot_h = (int)n * CHART_ROW;
	height = CHART_TOP + plot_h + CHART_AXIS;

	fputs("<figure>\n<figcaption>各办公室按时率</figcaption>\n", fp);
	fprintf(fp, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"各办公室按时率\">\n", width, height,
	    width, height);
	for (int pct = 0; pct <= 100; pct += 25) {
		int x = x0 + REPORT_CHART_SCALE * pct / 100;

		fprintf(fp, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		    "y2=\"%d\"/>\n", pct == 0 ? "axis" : "tick", x,
		    CHART_TOP - 4, x, CHART_TOP + plot_h);
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
		    "%d%%</text>\n", x, CHART_TOP + plot_h + 18, pct);
	}
	json_array_foreach(offices, i, r)
		write_chart_row(fp, r, i, label_w);
	fputs("</svg>\n</figure>\n", fp);
}

int
report_html_write(FILE *fp, const json_t *report, char *err, size_t errlen)
{
	if (report_check(report, err, errlen) == -1)
		return -1;
	fputs(page_head, fp);
	fputs("<title>", fp);
	write_title(fp, report);
	fputs("</title>\n", fp);
	fputs(page_style, fp);
	fputs("<body>\n<h1>", fp);
	write_title(fp, report);
	fputs("</h1>\n", fp);
	write_table(fp, report);
	if (json_array_size(json_object_get(report, "offices")) == 0)
		fputs("<p>本期没有到期事项。</p>\n", fp);
	else
		write_chart(fp, report);
	fputs("<p class=\"note\">按时率 = 按时 ÷ (按时 + 逾期办结 + 逾期未办)；"
	    "平均逾期工作日按逾期办结和逾期未办事项计，逾期未办计至报表生成时。"
	    "</p>\n</body>\n</html>\n", fp);
	if (fflush(fp) == EOF || ferror(fp)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}

/* One CSV field, quoted when it holds a comma, quote, CR or LF. */
static void
csv_field(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}

static void
csv_number(FILE *fp, const json_t *v, const char *fmt)
{
	if (json_is_number(v))
		fprintf(fp, fmt, json_number_value(v));
}

static void
csv_row(FILE *fp, const json_t *r, const char *name)
{
	csv_field(fp, name);
	for (size_t i = 0; i < NCOUNTS; i++)
		fprintf(fp, ",%lld", (long long)
		    json_integer_value(json_object_get(r, count_keys[i])));
	putc(',', fp);
	csv_number(fp, json_object_get(r, "on_time_rate"), "%.4f");
	putc(',', fp);
	csv_number(fp, json_object_get(r, "mean_workdays_late"), "%.2f");
	fputs("\r\n", fp);
}

int
report_csv_write(FILE *fp, const json_t *report, char *err, size_t errlen)
{
	const json_t *r;
	size_t i;

	if (report_check(report, err, errlen) == -1)
		return -1;
	fputs("office", fp);
	for (i = 0; i < NCOUNTS; i++)
		fprintf(fp, ",%s", count_keys[i]);
	fputs(",on_time_rate,mean_workdays_late\r\n", fp);
	json_array_foreach(json_object_get(report, "offices"), i, r)
		csv_row(fp, r, str(r, "office"));
	csv_row(fp, json_object_get(report, "total"), "total");
	if (fflush(fp) == EOF || ferror(fp)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}
