/*
 * The on-time report (the JSON of GET /v1/report) rendered for people and
 * spreadsheets: a self-contained HTML page with an SVG bar chart, and CSV.
 * Pure functions of the JSON, so they are tested without a daemon.
 */
#ifndef DUBAN_REPORT_HTML_H
#define DUBAN_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Width in CSS pixels of a 100% bar in the chart. */
#define REPORT_CHART_SCALE	500

/*
 * Checks that a report has the shape of GET /v1/report: "from", "to",
 * "offices" (objects with "office", the counts, "on_time_rate" in [0, 1] or
 * null, "mean_workdays_late" >= 0 or null) and "total".  Returns 0, or -1
 * with the reason in err.
 */
int	report_check(const json_t *report, char *err, size_t errlen);

/* Room for report_fmt_rate() and report_fmt_mean(). */
#define REPORT_FMT_LEN		24

/* An on-time rate as "83.3%", or "—" (an em dash) for null. */
const char *report_fmt_rate(const json_t *rate, char buf[REPORT_FMT_LEN]);
/* Mean working days late as "1.5", or "—" for null. */
const char *report_fmt_mean(const json_t *mean, char buf[REPORT_FMT_LEN]);

/*
 * Writes the report as one HTML5 page (UTF-8, inline CSS, inline SVG, no
 * script, no external reference): the table and a bar chart of the on-time
 * rate per office.  Returns 0, or -1 with the reason in err (a malformed
 * report or a write error).
 */
int	report_html_write(FILE *, const json_t *report, char *err,
	    size_t errlen);

/*
 * Writes the report as RFC 4180 CSV (CRLF, fields quoted when needed, no
 * BOM): a header row of English column names, one row per office, then a
 * row for the total whose office cell is "total".  Rates are fractions
 * (0.8333), absent values empty cells.  Returns 0 or -1 as above.
 */
int	report_csv_write(FILE *, const json_t *report, char *err,
	    size_t errlen);

#endif
