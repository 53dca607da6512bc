/*
 * dubanctl import: a work plan from a CSV file into duband.
 *
 *   import FILE.csv [--plan NAME] [--year YYYY] [--due PHRASE] [--dry-run]
 *          [--create-offices] [--json]
 *
 * The whole file is read and checked first; when anything is wrong every
 * error is printed ("plan.csv:7: column 时间节点: ...") and nothing is sent
 * (exit 65).  Then one POST /v1/import imports it in one transaction.
 *
 * Decisions:
 *  - The plan defaults to the file's name without its directory and last
 *    extension ("/tmp/3-year.csv" → "3-year"); task keys are
 *    "PLAN:NUMBER".  A plan name may not be empty or hold ":" or "/".
 *  - --year is the plan's year for "年底前", "3月31日前" and the like.
 *  - --due is the deadline of rows without one (seed 003's task tables
 *    have no 时间节点 column: "--due 2025年").
 *  - Unknown offices are listed together, each with the rows naming it
 *    (at most ROWS_SHOWN of them), exit 65.
 *  - The result line: "plan 3-year: 18 added, 0 changed, 0 unchanged",
 *    then retired and restored tasks and created offices when there are
 *    any; a dry run says so and writes nothing.
 *  - Missing or unreadable file: exit 66.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>

#include "ctl_http.h"
#include "date.h"
#include "dubanctl.h"
#include "duephrase.h"
#include "errors.h"
#include "import_csv.h"

#define PLAN_NAME_MAX	200
#define ROWS_SHOWN	10

struct import_args {
	const char	*file;
	const char	*plan;
	const char	*year;
	const char	*due;
	bool		 dry_run;
	bool		 create_offices;
	bool		 as_json;
};

/*
 * The whole file; NULL (after saying why, *rc the exit code) when it
 * cannot be read.
 */
static char *
read_file(const char *path, size_t *len, int *rc)
{
	FILE *f;
	char *buf = NULL, *grown;
	size_t cap = 0, n = 0, got;

	*rc = EX_NOINPUT;
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "dubanctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	do {
		if (n == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((grown = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "dubanctl: out of memory\n");
				free(buf);
				fclose(f);
				*rc = EX_OSERR;
				return NULL;
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		fprintf(stderr, "dubanctl: %s: %s\n", path, strerror(errno));
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* The file's name without directory and last extension; malloc'ed. */
static char *
plan_from_file(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	return strndup(base, dot != NULL && dot != base ?
	    (size_t)(dot - base) : strlen(base));
}

static bool
plan_name_ok(const char *plan)
{
	return plan[0] != '\0' && strlen(plan) <= PLAN_NAME_MAX &&
	    strpbrk(plan, ":/") == NULL;
}

static bool
parse_year(const char *s, int *year)
{
	char *end;
	long y;

	errno = 0;
	y = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || y < DAY_FIRST_YEAR ||
	    y > DAY_LAST_YEAR)
		return false;
	*year = (int)y;
	return true;
}

static json_t *
task_json(const struct import_task *t)
{
	char due[DAY_STRLEN];
	json_t *assist = json_array(), *obj;

	if (assist == NULL)
		return NULL;
	for (size_t i = 0; i < t->nassist; i++)
		if (json_array_append_new(assist, json_string(t->assist[i]))
		    == -1) {
			json_decref(assist);
			return NULL;
		}
	obj = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s?, s:i}",
	    "number", t->number, "title", t->title, "lead", t->lead,
	    "assist", assist, "due", day_format(t->due, due),
	    "due_text", t->due_text, "target", t->target, "row", t->row);
	return obj;
}

static json_t *
import_body(const struct import_args *a, const char *plan,
    const struct import_plan *p)
{
	json_t *tasks = json_array(), *t;

	if (tasks == NULL)
		return NULL;
	for (size_t i = 0; i < p->n; i++)
		if ((t = task_json(&p->task[i])) == NULL ||
		    json_array_append_new(tasks, t) == -1) {
			json_decref(tasks);
			return NULL;
		}
	return json_pack("{s:s, s:b, s:b, s:o}", "plan", plan,
	    "dry_run", a->dry_run, "create_offices", a->create_offices,
	    "tasks", tasks);
}

static bool
task_names(const struct import_task *t, const char *office)
{
	if (strcmp(t->lead, office) == 0)
		return true;
	for (size_t i = 0; i < t->nassist; i++)
		if (strcmp(t->assist[i], office) == 0)
			return true;
	return false;
}

/* Each unknown office of a 422 with the rows of the file that name it. */
static void
print_unknown_offices(const json_t *reply, const struct import_plan *p,
    const char *file)
{
	const json_t *offices = json_object_get(reply, "offices"), *o;
	size_t i;

	json_array_foreach(offices, i, o) {
		const char *name = json_string_value(o);
		int shown = 0;

		if (name == NULL)
			continue;
		fprintf(stderr, "  %s: %s", name, file);
		for (size_t k = 0; k < p->n; k++) {
			if (!task_names(&p->task[k], name))
				continue;
			if (shown++ == ROWS_SHOWN) {
				fprintf(stderr, ", …");
				break;
			}
			fprintf(stderr, "%s%d", shown == 1 ? ":" : ", ",
			    p->task[k].row);
		}
		fprintf(stderr, "\n");
	}
	fprintf(stderr, "dubanctl: add them to the config (or as aliases of "
	    "its offices), or import with --create-offices\n");
}

static void
print_stats(const json_t *r)
{
	const json_t *created = json_object_get(r, "offices_created"), *o;
	const char *plan = json_string_value(json_object_get(r, "plan"));
	json_int_t retired = json_integer_value(json_object_get(r, "retired"));
	json_int_t restored = json_integer_value(json_object_get(r,
	    "restored"));
	size_t i;

	printf("%splan %s: %" JSON_INTEGER_FORMAT " added, %"
	    JSON_INTEGER_FORMAT " changed, %" JSON_INTEGER_FORMAT " unchanged",
	    json_is_true(json_object_get(r, "dry_run")) ? "dry run: " : "",
	    plan != NULL ? plan : "?",
	    json_integer_value(json_object_get(r, "added")),
	    json_integer_value(json_object_get(r, "changed")),
	    json_integer_value(json_object_get(r, "unchanged")));
	if (retired > 0)
		printf(", %" JSON_INTEGER_FORMAT " retired", retired);
	if (restored > 0)
		printf(", %" JSON_INTEGER_FORMAT " restored", restored);
	if (json_array_size(created) > 0) {
		printf("; offices created:");
		json_array_foreach(created, i, o)
			printf("%s%s", i == 0 ? " " : ", ",
			    json_string_value(o));
	}
	if (json_is_true(json_object_get(r, "dry_run")))
		printf(" (nothing written)");
	printf("\n");
}

/* Reads and checks the file into p; 0 or the exit code. */
static int
read_plan(const struct import_args *a, struct import_plan *p)
{
	struct import_options opt = { a->file, DUEPHRASE_NO_YEAR, a->due };
	struct errors errs, warns;
	char *data;
	size_t len;
	bool ok;
	int rc;

	if (a->year != NULL && !parse_year(a->year, &opt.year)) {
		fprintf(stderr, "dubanctl: --year: expected a year %d..%d, not "
		    "\"%s\"\n", DAY_FIRST_YEAR, DAY_LAST_YEAR, a->year);
		return EX_USAGE;
	}
	if ((data = read_file(a->file, &len, &rc)) == NULL)
		return rc;
	errors_init(&errs);
	errors_init(&warns);
	ok = import_csv(data, len, &opt, p, &errs, &warns);
	free(data);
	for (size_t i = 0; i < warns.n; i++)
		fprintf(stderr, "dubanctl: warning: %s\n", warns.msg[i]);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "dubanctl: %s\n", errs.msg[i]);
	if (!ok)
		fprintf(stderr, "dubanctl: %s: %zu error%s; nothing imported\n",
		    a->file, errs.n, errs.n == 1 ? "" : "s");
	else if (p->n == 0) {
		fprintf(stderr, "dubanctl: %s: no tasks in the file; nothing "
		    "imported\n", a->file);
		import_plan_free(p);
		ok = false;
	}
	errors_free(&errs);
	errors_free(&warns);
	return ok ? 0 : EX_DATAERR;
}

static int
ctl_import(struct ctl *ctl, int argc, char **argv)
{
	struct import_args a = { 0 };
	const struct ctl_opt opts[] = {
		{ "plan", &a.plan, NULL }, { "year", &a.year, NULL },
		{ "due", &a.due, NULL }, { "dry-run", NULL, &a.dry_run },
		{ "create-offices", NULL, &a.create_offices },
		{ "json", NULL, &a.as_json }, { NULL, NULL, NULL },
	};
	struct import_plan p;
	json_t *body, *reply = NULL;
	char *pos[1], *plan;
	long status = 0;
	int rc;

	if (ctl_parse_opts(argc, argv, opts, pos, 1) != 1)
		return ctl_usage(&ctl_cmd_import_entry);
	a.file = pos[0];
	if ((plan = a.plan != NULL ? strdup(a.plan) :
	    plan_from_file(a.file)) == NULL)
		return EX_OSERR;
	if (!plan_name_ok(plan)) {
		fprintf(stderr, "dubanctl: the plan name \"%s\" must be 1..%d "
		    "bytes without \":\" or \"/\" (--plan NAME)\n", plan,
		    PLAN_NAME_MAX);
		free(plan);
		return EX_USAGE;
	}
	if ((rc = read_plan(&a, &p)) != 0) {
		free(plan);
		return rc;
	}
	if ((body = import_body(&a, plan, &p)) == NULL) {
		fprintf(stderr, "dubanctl: out of memory\n");
		import_plan_free(&p);
		free(plan);
		return EX_OSERR;
	}
	free(plan);
	rc = ctl_api(ctl, "POST", "/v1/import", body, &reply, &status);
	json_decref(body);
	if (rc == 0)
		rc = a.as_json ? ctl_print_json(reply) : (print_stats(reply), 0);
	else if (status == 422 && json_object_get(reply, "offices") != NULL)
		print_unknown_offices(reply, &p, a.file);
	else if (json_is_integer(json_object_get(reply, "row")))
		fprintf(stderr, "dubanctl: that is the task on %s:%"
		    JSON_INTEGER_FORMAT "\n",
		    a.file, json_integer_value(json_object_get(reply, "row")));
	json_decref(reply);
	import_plan_free(&p);
	return rc;
}

const struct ctl_cmd_entry ctl_cmd_import_entry = {
	"import",
	"import FILE.csv [--plan NAME] [--year YYYY] [--due PHRASE] "
	    "[--dry-run] [--create-offices] [--json]",
	"import a work plan from a CSV file (UTF-8 or GBK)",
	ctl_import,
};
