/*
 * dubanctl import: a work plan from a CSV file or a plan text into duband.
 *
 *   import FILE [--format text|csv] [--plan NAME] [--year YYYY]
 *          [--due PHRASE] [--dry-run] [--create-offices] [--json]
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
 *  - The format is --format, else "text" for a name ending ".txt", else
 *    CSV.  A plan text (import_plan.h) is read with the offices duband
 *    knows (GET /v1/offices: names and aliases), so the daemon must run
 *    even for a dry run.  Its tasks keep their section and their
 *    assisting and responsible offices apart in the store; the note of
 *    non-office phrases is only printed, by a dry run.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include <jansson.h>

#include "ctl_http.h"
#include "date.h"
#include "dubanctl.h"
#include "duephrase.h"
#include "errors.h"
#include "import_csv.h"
#include "import_plan.h"

#define IMPORT_TIMEOUT	900L	/* seconds for the daemon's answer */
#define PLAN_NAME_MAX	200
#define ROWS_SHOWN	10

struct import_args {
	const char	*file;
	const char	*format;
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
names_json(char *const *names, size_t n)
{
	json_t *array = json_array();

	for (size_t i = 0; array != NULL && i < n; i++)
		if (json_array_append_new(array, json_string(names[i])) == -1) {
			json_decref(array);
			return NULL;
		}
	return array;
}

static json_t *
task_json(const struct import_task *t)
{
	char due[DAY_STRLEN];

	/* json_pack takes the arrays, and fails on a NULL one. */
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s?, s:s, s:s?, s:s?, "
	    "s:i}", "number", t->number, "title", t->title, "lead", t->lead,
	    "assist", names_json(t->assist, t->nassist),
	    "responsible", names_json(t->responsible, t->nresponsible),
	    "section", t->section, "due", day_format(t->due, due),
	    "due_text", t->due_text, "target", t->target, "row", t->row);
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
	for (size_t i = 0; i < t->nresponsible; i++)
		if (strcmp(t->responsible[i], office) == 0)
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

/*
 * The offices duband knows as the names a plan may use (each office's
 * name and aliases); 0 or the exit code.  Free with names_free.
 */
static int
fetch_names(struct ctl *ctl, struct plan_names *known, json_t **reply)
{
	const json_t *o, *alias;
	const char **name, **office;
	size_t i, j, n = 0;
	long status = 0;
	int rc;

	if ((rc = ctl_api(ctl, "GET", "/v1/offices", NULL, reply,
	    &status)) != 0)
		return rc;
	json_array_foreach(json_object_get(*reply, "offices"), i, o)
		n += 1 + json_array_size(json_object_get(o, "aliases"));
	name = calloc(n + 1, sizeof *name);
	office = calloc(n + 1, sizeof *office);
	if (name == NULL || office == NULL) {
		free(name);
		free(office);
		fprintf(stderr, "dubanctl: out of memory\n");
		return EX_OSERR;
	}
	n = 0;
	json_array_foreach(json_object_get(*reply, "offices"), i, o) {
		const char *oname = json_string_value(json_object_get(o,
		    "name"));

		if (oname == NULL)
			continue;
		name[n] = office[n] = oname;
		n++;
		json_array_foreach(json_object_get(o, "aliases"), j, alias)
			if (json_is_string(alias)) {
				name[n] = json_string_value(alias);
				office[n++] = oname;
			}
	}
	known->name = name;
	known->office = office;
	known->n = n;
	return 0;
}

static void
names_free(struct plan_names *known)
{
	free((void *)known->name);
	free((void *)known->office);
}

/* Reads the file as a plan text into pt; false with errs. */
static bool
read_text(struct ctl *ctl, const char *data, size_t len,
    const struct import_options *opt, struct plan_text *pt,
    struct errors *errs, struct errors *warns, int *rc)
{
	struct plan_names known = { NULL, NULL, 0 };
	json_t *offices = NULL;
	bool ok;

	if ((*rc = fetch_names(ctl, &known, &offices)) != 0) {
		json_decref(offices);
		return false;
	}
	ok = import_plan_text(data, len, opt, &known, pt, errs, warns);
	names_free(&known);
	json_decref(offices);
	*rc = ok ? 0 : EX_DATAERR;
	return ok;
}

/* Whether the file is a plan text: --format, else its name. */
static int
is_text_format(const struct import_args *a, bool *text)
{
	size_t len = strlen(a->file);

	if (a->format == NULL) {
		*text = len > 4 && strcasecmp(a->file + len - 4, ".txt") == 0;
		return 0;
	}
	*text = strcmp(a->format, "text") == 0;
	if (*text || strcmp(a->format, "csv") == 0)
		return 0;
	fprintf(stderr, "dubanctl: --format: expected text or csv, not "
	    "\"%s\"\n", a->format);
	return EX_USAGE;
}

/*
 * Reads and checks the file into pt (pt->item NULL for CSV); 0 or the
 * exit code.
 */
static int
read_plan(struct ctl *ctl, const struct import_args *a, struct plan_text *pt)
{
	struct import_options opt = { a->file, DUEPHRASE_NO_YEAR, a->due };
	struct import_plan *p = &pt->plan;
	struct errors errs, warns;
	char *data;
	size_t len;
	bool ok, text;
	int rc;

	memset(pt, 0, sizeof *pt);
	if ((rc = is_text_format(a, &text)) != 0)
		return rc;
	if (a->year != NULL && !parse_year(a->year, &opt.year)) {
		fprintf(stderr, "dubanctl: --year: expected a year %d..%d, not "
		    "\"%s\"\n", DAY_FIRST_YEAR, DAY_LAST_YEAR, a->year);
		return EX_USAGE;
	}
	if ((data = read_file(a->file, &len, &rc)) == NULL)
		return rc;
	errors_init(&errs);
	errors_init(&warns);
	if (text)
		ok = read_text(ctl, data, len, &opt, pt, &errs, &warns, &rc);
	else
		ok = import_csv(data, len, &opt, p, &errs, &warns);
	free(data);
	if (text && !ok && rc != EX_DATAERR) {
		errors_free(&errs);
		errors_free(&warns);
		return rc;
	}
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
		plan_text_free(pt);
		ok = false;
	}
	errors_free(&errs);
	errors_free(&warns);
	return ok ? 0 : EX_DATAERR;
}

static void
print_list(const char *label, char *const *v, size_t n)
{
	if (n == 0)
		return;
	printf("  %s:", label);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i == 0 ? " " : ", ", v[i]);
	printf("\n");
}

/* What a dry run of a plan text would create, task by task. */
static void
print_text_tasks(const struct plan_text *pt)
{
	char due[DAY_STRLEN];

	for (size_t i = 0; i < pt->plan.n; i++) {
		const struct import_task *t = &pt->plan.task[i];
		const struct plan_item *it = &pt->item[i];

		printf("%s\t%s\n", t->number, t->title);
		if (it->section != NULL)
			printf("  section: %s\n", it->section);
		printf("  lead: %s\n", t->lead);
		print_list("assist", it->assisting, it->nassisting);
		print_list("responsible", it->responsible, it->nresponsible);
		printf("  due: %s%s%s%s\n", day_format(t->due, due),
		    t->due_text != NULL ? " (" : "",
		    t->due_text != NULL ? t->due_text : "",
		    t->due_text != NULL ? ")" : "");
		if (it->note != NULL)
			printf("  note: %s\n", it->note);
	}
}

static int
ctl_import(struct ctl *ctl, int argc, char **argv)
{
	struct import_args a = { 0 };
	const struct ctl_opt opts[] = {
		{ "format", &a.format, NULL },
		{ "plan", &a.plan, NULL }, { "year", &a.year, NULL },
		{ "due", &a.due, NULL }, { "dry-run", NULL, &a.dry_run },
		{ "create-offices", NULL, &a.create_offices },
		{ "json", NULL, &a.as_json }, { NULL, NULL, NULL },
	};
	struct plan_text pt;
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
	if ((rc = read_plan(ctl, &a, &pt)) != 0) {
		free(plan);
		return rc;
	}
	if ((body = import_body(&a, plan, &pt.plan)) == NULL) {
		fprintf(stderr, "dubanctl: out of memory\n");
		plan_text_free(&pt);
		free(plan);
		return EX_OSERR;
	}
	free(plan);
	/* A plan of a million rows takes the daemon a while to store. */
	ctl->timeout = IMPORT_TIMEOUT;
	rc = ctl_api(ctl, "POST", "/v1/import", body, &reply, &status);
	json_decref(body);
	if (rc == 0 && a.as_json)
		rc = ctl_print_json(reply);
	else if (rc == 0) {
		if (a.dry_run && pt.item != NULL)
			print_text_tasks(&pt);
		print_stats(reply);
	} else if (status == 422 && json_object_get(reply, "offices") != NULL)
		print_unknown_offices(reply, &pt.plan, a.file);
	else if (json_is_integer(json_object_get(reply, "row")))
		fprintf(stderr, "dubanctl: that is the task on %s:%"
		    JSON_INTEGER_FORMAT "\n",
		    a.file, json_integer_value(json_object_get(reply, "row")));
	json_decref(reply);
	plan_text_free(&pt);
	return rc;
}

const struct ctl_cmd_entry ctl_cmd_import_entry = {
	"import",
	"import FILE [--format text|csv] [--plan NAME] [--year YYYY] "
	    "[--due PHRASE] [--dry-run] [--create-offices] [--json]",
	"import a work plan from a CSV file or a plan text (UTF-8 or GBK)",
	ctl_import,
};
