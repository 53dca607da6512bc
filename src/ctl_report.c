/*
 * dubanctl report: the on-time report for assessment (考核), from
 * GET /v1/report.
 *
 *   report --from DATE --to DATE [--office NAME]
 *          [--json | --csv | --html FILE]
 *
 * The text table has one row per office and a total row "合计"; the rate is
 * "83.3%" and the mean working days late "1.5", "—" where there is none.
 * --json prints the API's JSON as it came; --csv and --html FILE are
 * described in report_html.c (--html - writes the page to stdout).  The
 * page is written to FILE in place (FILE may be a device or a pipe, so a
 * failed write does not remove it; exit 74 says it is incomplete).  --office
 * takes a name or an alias, as the API does.
 *
 * Exit codes beyond ctl_api()'s: 73 when FILE cannot be created, 74 when
 * writing fails, 70 when duband's report does not have the expected shape.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ctl_http.h"
#include "ctl_table.h"
#include "dubanctl.h"
#include "report_html.h"

struct report_args {
	const char	*from;
	const char	*to;
	const char	*office;
	const char	*html;
	bool		 json;
	bool		 csv;
};

static int
parse_args(int argc, char **argv, struct report_args *a)
{
	const struct ctl_opt opts[] = {
		{ "from", &a->from, NULL },
		{ "to", &a->to, NULL },
		{ "office", &a->office, NULL },
		{ "html", &a->html, NULL },
		{ "json", NULL, &a->json },
		{ "csv", NULL, &a->csv },
		{ NULL, NULL, NULL },
	};

	memset(a, 0, sizeof *a);
	if (ctl_parse_opts(argc, argv, opts, NULL, 0) != 0)
		return -1;
	if (a->from == NULL || a->to == NULL)
		return -1;
	/* At most one output format. */
	if ((a->json ? 1 : 0) + (a->csv ? 1 : 0) + (a->html != NULL ? 1 : 0) >
	    1)
		return -1;
	return 0;
}

/* Appends one row; name is NULL for the total. */
static void
add_row(struct ctl_table *t, const json_t *r, const char *name)
{
	static const char *const keys[] = {
		"due", "on_time", "late", "open", "overdue",
	};
	char counts[5][24], rate[REPORT_FMT_LEN], mean[REPORT_FMT_LEN];
	const char *cells[8];

	cells[0] = name != NULL ? name : "合计";
	for (size_t i = 0; i < 5; i++) {
		snprintf(counts[i], sizeof counts[i], "%lld", (long long)
		    json_integer_value(json_object_get(r, keys[i])));
		cells[1 + i] = counts[i];
	}
	cells[6] = report_fmt_rate(json_object_get(r, "on_time_rate"), rate);
	cells[7] = report_fmt_mean(json_object_get(r, "mean_workdays_late"),
	    mean);
	ctl_table_add_row(t, cells);
}

static int
print_table(const json_t *report)
{
	const json_t *r;
	struct ctl_table *t;
	size_t i;
	int rc;

	t = ctl_table_new(8, "办公室", "到期", "按时", "逾期办结", "未到期",
	    "逾期未办", "按时率", "平均逾期工作日");
	if (t == NULL)
		return EX_OSERR;
	for (i = 1; i < 8; i++)
		ctl_table_align_right(t, i);
	json_array_foreach(json_object_get(report, "offices"), i, r)
		add_row(t, r, json_string_value(json_object_get(r, "office")));
	add_row(t, json_object_get(report, "total"), NULL);
	printf("按时办结情况 %s – %s\n\n",
	    json_string_value(json_object_get(report, "from")),
	    json_string_value(json_object_get(report, "to")));
	rc = ctl_table_print(t, stdout) == -1 || fflush(stdout) == EOF ?
	    EX_IOERR : 0;
	ctl_table_free(t);
	if (rc != 0)
		fprintf(stderr, "dubanctl: report: cannot write the table\n");
	return rc;
}

static int
print_csv(const json_t *report)
{
	char err[256];

	if (report_csv_write(stdout, report, err, sizeof err) == -1) {
		fprintf(stderr, "dubanctl: report: %s\n", err);
		return EX_IOERR;
	}
	return 0;
}

static int
write_html(const json_t *report, const char *path)
{
	char err[256];
	FILE *fp;
	bool to_stdout = strcmp(path, "-") == 0;

	if (to_stdout)
		fp = stdout;
	else if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, "dubanctl: report: %s: %m\n", path);
		return EX_CANTCREAT;
	}
	if (report_html_write(fp, report, err, sizeof err) == -1) {
		fprintf(stderr, "dubanctl: report: %s: %s\n", path, err);
		if (!to_stdout)
			fclose(fp);
		return EX_IOERR;
	}
	if (!to_stdout && fclose(fp) == EOF) {
		fprintf(stderr, "dubanctl: report: %s: %m\n", path);
		return EX_IOERR;
	}
	return 0;
}

/* The path of the request, with its query; NULL when out of memory. */
static char *
report_path(const struct report_args *a)
{
	char *path = strdup("/v1/report");

	if (path == NULL ||
	    ctl_path_query(&path, "from", a->from) == -1 ||
	    ctl_path_query(&path, "to", a->to) == -1 ||
	    ctl_path_query(&path, "office", a->office) == -1) {
		free(path);
		return NULL;
	}
	return path;
}

static int
ctl_report(struct ctl *ctl, int argc, char **argv)
{
	struct report_args a;
	json_t *report = NULL;
	char *path, err[256];
	int rc;

	if (parse_args(argc, argv, &a) == -1)
		return ctl_usage(&ctl_cmd_report_entry);
	if ((path = report_path(&a)) == NULL)
		return EX_OSERR;
	rc = ctl_api(ctl, "GET", path, NULL, &report, NULL);
	free(path);
	if (rc != 0)
		goto out;
	if (a.json) {
		rc = ctl_print_json(report);
		goto out;
	}
	if (report_check(report, err, sizeof err) == -1) {
		fprintf(stderr, "dubanctl: report: duband sent a %s\n", err);
		rc = EX_SOFTWARE;
	} else if (a.csv)
		rc = print_csv(report);
	else if (a.html != NULL)
		rc = write_html(report, a.html);
	else
		rc = print_table(report);
out:
	json_decref(report);
	return rc;
}

const struct ctl_cmd_entry ctl_cmd_report_entry = {
	.name = "report",
	.usage = "report --from DATE --to DATE [--office NAME] "
	    "[--json | --csv | --html FILE]",
	.summary = "on-time report per office (table, JSON, CSV or HTML)",
	.exec = ctl_report,
};
