/*
 * dubanctl case: cases under statutory time limits, through duband's API.
 *
 *   case open REF --rule R --office O --title T [--at INSTANT] [--json]
 *   case extend|pause|resume|close REF [--at INSTANT] [--milestone M]
 *            [--note TEXT] [--force --reason TEXT] [--json]
 *   (--force and --reason: a close before the minimum period; the daemon
 *   checks that they go together and only with close)
 *   case list [--state open|closed|all] [--office X] [--limit N] [--json]
 *   case show REF [--json]
 *
 * Decisions:
 *  - open, the events and show all print the case as show does: its
 *    fields, then its events and its milestones as tables.  A milestone's
 *    DEADLINE column holds what is known: the deadline when it runs or is
 *    done, "paused (N workdays left)" when stopped, the error otherwise.
 *  - --milestone on pause or resume is sent as it is: duband says 400.
 *  - case list marks a provisional deadline (a year the calendar does not
 *    cover) "2027-01-29 23:59*", with a footnote under the table.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>

#include "ctl_http.h"
#include "ctl_table.h"
#include "dubanctl.h"

#define TITLE_COLUMNS	30

static const char *const case_fields[] = {
	"ref", "rule", "rule_title", "office", "title", "created_at",
	"closed", "warning", NULL,
};

static const char *const case_states[] = { "open", "closed", "all", NULL };

static const char *const case_events[] = {
	"extend", "pause", "resume", "close", NULL,
};

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void
add_event_rows(struct ctl_table *t, const json_t *events)
{
	const json_t *e;
	size_t i;
	char at[CTL_SHORT_TIME];

	json_array_foreach(events, i, e)
		ctl_table_add(t, ctl_short_time(str(e, "at"), at),
		    json_is_true(json_object_get(e, "forced")) ?
		    "closed (forced)" : str(e, "kind"), str(e, "milestone"),
		    str(e, "note"));
}

/* The DEADLINE cell of a milestone (see the top comment). */
static const char *
milestone_deadline(const json_t *m, char *buf, size_t len)
{
	const char *status = str(m, "status"), *deadline = str(m, "deadline");
	char tbuf[CTL_SHORT_TIME];

	if (status != NULL && strcmp(status, "stopped") == 0) {
		snprintf(buf, len, "paused (%" JSON_INTEGER_FORMAT " %s left)",
		    json_integer_value(json_object_get(m, "remaining")),
		    str(m, "remaining_unit") != NULL ?
		    str(m, "remaining_unit") : "");
		return buf;
	}
	if (status != NULL && strcmp(status, "error") == 0)
		return str(m, "error");
	if (deadline == NULL)
		return NULL;
	snprintf(buf, len, "%s%s", ctl_short_time(deadline, tbuf),
	    json_is_true(json_object_get(m, "provisional")) ?
	    " (provisional)" : "");
	return buf;
}

/* The STATUS cell: the status, and for a closed milestone when and how. */
static const char *
milestone_status(const json_t *m, char *buf, size_t len)
{
	const char *status = str(m, "status");
	char tbuf[CTL_SHORT_TIME];

	if (status == NULL || strcmp(status, "done") != 0 ||
	    str(m, "closed_at") == NULL)
		return status;
	snprintf(buf, len, "done %s%s",
	    ctl_short_time(str(m, "closed_at"), tbuf),
	    json_is_true(json_object_get(m, "late")) ? " (late)" : "");
	return buf;
}

static void
add_milestone_rows(struct ctl_table *t, const json_t *milestones)
{
	const json_t *m;
	size_t i;

	json_array_foreach(milestones, i, m) {
		char dl[128], st[64], ext[32];

		snprintf(ext, sizeof ext, "%" JSON_INTEGER_FORMAT "/%"
		    JSON_INTEGER_FORMAT,
		    json_integer_value(json_object_get(m, "extensions")),
		    json_integer_value(json_object_get(m, "max_extensions")));
		ctl_table_add(t, str(m, "name"), str(m, "title"),
		    str(m, "limit"), milestone_status(m, st, sizeof st),
		    milestone_deadline(m, dl, sizeof dl), ext);
	}
}

/* Prints {"case": ...} as show does, or the JSON. */
static int
print_case(const json_t *reply, bool as_json)
{
	const json_t *c = json_object_get(reply, "case");
	struct ctl_table *ev, *ms;
	int rc = 0;

	if (as_json)
		return ctl_print_json(reply);
	ctl_print_fields(c, case_fields);
	ev = ctl_table_new(4, "AT", "EVENT", "MILESTONE", "NOTE");
	ms = ctl_table_new(6, "MILESTONE", "TITLE", "LIMIT", "STATUS",
	    "DEADLINE", "EXTENSIONS");
	if (ev == NULL || ms == NULL) {
		rc = EX_OSERR;
		goto out;
	}
	add_event_rows(ev, json_object_get(c, "events"));
	add_milestone_rows(ms, json_object_get(c, "milestones"));
	printf("\nevents:\n");
	if (ctl_table_print(ev, stdout) == -1)
		rc = EX_IOERR;
	if (json_is_array(json_object_get(c, "milestones"))) {
		printf("\nmilestones:\n");
		if (ctl_table_print(ms, stdout) == -1)
			rc = EX_IOERR;
	}
out:
	ctl_table_free(ev);
	ctl_table_free(ms);
	return rc;
}

static int
case_open(struct ctl *ctl, int argc, char **argv)
{
	const char *rule = NULL, *office = NULL, *title = NULL, *at = NULL;
	bool as_json = false;
	const struct ctl_opt opts[] = {
		{ "rule", &rule, NULL }, { "office", &office, NULL },
		{ "title", &title, NULL }, { "at", &at, NULL },
		{ "json", NULL, &as_json }, { NULL, NULL, NULL },
	};
	json_t *body, *reply = NULL;
	char *ref[1];
	int rc;

	if (ctl_parse_opts(argc, argv, opts, ref, 1) != 1 ||
	    ref[0][0] == '\0' || rule == NULL || office == NULL ||
	    title == NULL)
		return ctl_usage(&ctl_cmd_case_entry);
	if ((body = json_object()) == NULL)
		return EX_OSERR;
	ctl_json_set(body, "ref", ref[0]);
	ctl_json_set(body, "rule", rule);
	ctl_json_set(body, "office", office);
	ctl_json_set(body, "title", title);
	ctl_json_set(body, "opened_at", at);
	rc = ctl_api(ctl, "POST", "/v1/cases", body, &reply, NULL);
	json_decref(body);
	if (rc == 0)
		rc = print_case(reply, as_json);
	json_decref(reply);
	return rc;
}

/* GET /v1/cases/REF, or POST /v1/cases/REF/EVENT with body. */
static int
case_request(struct ctl *ctl, const char *ref, const char *event,
    json_t *body, bool as_json)
{
	json_t *reply = NULL;
	char *esc, *path;
	int n, rc;

	if ((esc = ctl_api_escape(ref)) == NULL)
		return EX_OSERR;
	n = event == NULL ? asprintf(&path, "/v1/cases/%s", esc) :
	    asprintf(&path, "/v1/cases/%s/%s", esc, event);
	free(esc);
	if (n == -1)
		return EX_OSERR;
	rc = ctl_api(ctl, event == NULL ? "GET" : "POST", path, body, &reply,
	    NULL);
	free(path);
	if (rc == 0)
		rc = print_case(reply, as_json);
	json_decref(reply);
	return rc;
}

static int
case_event(struct ctl *ctl, int argc, char **argv)
{
	const char *event = argv[0], *at = NULL, *milestone = NULL,
	    *note = NULL, *reason = NULL;
	bool as_json = false, force = false;
	const struct ctl_opt opts[] = {
		{ "at", &at, NULL }, { "milestone", &milestone, NULL },
		{ "note", &note, NULL }, { "json", NULL, &as_json },
		{ "force", NULL, &force }, { "reason", &reason, NULL },
		{ NULL, NULL, NULL },
	};
	json_t *body;
	char *ref[1];
	int rc;

	if (ctl_parse_opts(argc, argv, opts, ref, 1) != 1 || ref[0][0] == '\0')
		return ctl_usage(&ctl_cmd_case_entry);
	if ((body = json_object()) == NULL)
		return EX_OSERR;
	ctl_json_set(body, "at", at);
	ctl_json_set(body, "milestone", milestone);
	ctl_json_set(body, "note", note);
	ctl_json_set(body, "reason", reason);
	if (force)
		json_object_set_new(body, "force", json_true());
	rc = case_request(ctl, ref[0], event, body, as_json);
	json_decref(body);
	return rc;
}

static int
case_show(struct ctl *ctl, int argc, char **argv)
{
	bool as_json = false;
	const struct ctl_opt opts[] = {
		{ "json", NULL, &as_json }, { NULL, NULL, NULL },
	};
	char *ref[1];

	if (ctl_parse_opts(argc, argv, opts, ref, 1) != 1 || ref[0][0] == '\0')
		return ctl_usage(&ctl_cmd_case_entry);
	return case_request(ctl, ref[0], NULL, NULL, as_json);
}

static int
print_case_table(const json_t *cases)
{
	struct ctl_table *t;
	const json_t *c;
	struct ctl_prov_years py = { .n = 0 };
	size_t i;
	int rc = 0;

	t = ctl_table_new(7, "REF", "RULE", "OFFICE", "TITLE", "OPENED",
	    "DEADLINE", "STATUS");
	if (t == NULL)
		return EX_OSERR;
	ctl_table_truncate(t, 3, TITLE_COLUMNS);
	json_array_foreach(cases, i, c) {
		char opened[CTL_SHORT_TIME], deadline[CTL_SHORT_TIME];
		char marked[CTL_SHORT_TIME + 2];

		ctl_table_add(t, str(c, "ref"), str(c, "rule"),
		    str(c, "office"), str(c, "title"),
		    ctl_short_time(str(c, "opened_at"), opened),
		    ctl_provisional_mark(c, ctl_short_time(str(c, "deadline"),
		    deadline), marked, sizeof marked, &py),
		    str(c, "status"));
	}
	if (ctl_table_print(t, stdout) == -1 ||
	    ctl_provisional_footnote(&py, stdout) == -1)
		rc = EX_IOERR;
	ctl_table_free(t);
	return rc;
}

static int
case_list(struct ctl *ctl, int argc, char **argv)
{
	const char *state = NULL, *office = NULL, *limit = NULL;
	bool as_json = false;
	const struct ctl_opt opts[] = {
		{ "state", &state, NULL }, { "office", &office, NULL },
		{ "limit", &limit, NULL }, { "json", NULL, &as_json },
		{ NULL, NULL, NULL },
	};
	json_t *reply = NULL;
	char *path;
	int rc;

	if (ctl_parse_opts(argc, argv, opts, NULL, 0) != 0 ||
	    (state != NULL && !ctl_one_of(state, case_states)))
		return ctl_usage(&ctl_cmd_case_entry);
	if ((path = strdup("/v1/cases")) == NULL ||
	    ctl_path_query(&path, "state", state) == -1 ||
	    ctl_path_query(&path, "office", office) == -1 ||
	    ctl_path_query(&path, "limit", limit) == -1) {
		free(path);
		return EX_OSERR;
	}
	rc = ctl_api(ctl, "GET", path, NULL, &reply, NULL);
	free(path);
	if (rc == 0)
		rc = as_json ? ctl_print_json(reply) :
		    print_case_table(json_object_get(reply, "cases"));
	json_decref(reply);
	return rc;
}

static int
ctl_case(struct ctl *ctl, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "open") == 0)
		return case_open(ctl, argc - 1, argv + 1);
	if (ctl_one_of(sub, case_events))
		return case_event(ctl, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return case_list(ctl, argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return case_show(ctl, argc - 1, argv + 1);
	return ctl_usage(&ctl_cmd_case_entry);
}

const struct ctl_cmd_entry ctl_cmd_case_entry = {
	.name = "case",
	.usage = "case open REF --rule R --office O --title T [--at INSTANT] "
	    "[--json]\n"
	    "       dubanctl case extend|pause|resume|close REF [--at INSTANT] "
	    "[--milestone M]\n"
	    "           [--note TEXT] [--force --reason TEXT] [--json]\n"
	    "       dubanctl case list [--state open|closed|all] [--office X] "
	    "[--limit N] [--json]\n"
	    "       dubanctl case show REF [--json]",
	.summary = "open cases, record their events, list and show them",
	.exec = ctl_case,
};
