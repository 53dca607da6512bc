/*
 * dubanctl reminder: the outbox of reminders, through duband's API.
 *
 *   reminder list [--state pending|sending|sent|retry|failed|cancelled]
 *                 [--office X] [--case REF] [--from D] [--to D]
 *                 [--limit N] [--json]
 *
 * Decisions: ITEM shows what a reminder is about as "case 3/contact" or
 * "task 12" (the API gives ids; `case show` and `task show` take refs
 * and keys).  NEXT is when a pending or retrying reminder goes out.
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

static const char *const reminder_states[] = {
	"pending", "sending", "sent", "retry", "failed", "cancelled", NULL,
};

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *
item_text(const json_t *r, char *buf, size_t len)
{
	const char *type = str(r, "item_type"), *ms = str(r, "milestone");

	snprintf(buf, len, "%s %" JSON_INTEGER_FORMAT "%s%s",
	    type != NULL ? type : "?",
	    json_integer_value(json_object_get(r, "item_id")),
	    ms != NULL ? "/" : "", ms != NULL ? ms : "");
	return buf;
}

static int
print_reminder_table(const json_t *reminders)
{
	struct ctl_table *t;
	const json_t *r;
	size_t i;
	int rc = 0;

	t = ctl_table_new(9, "ID", "DUE", "OFFICE", "CHANNEL", "KIND", "ITEM",
	    "STATE", "TRIES", "NEXT");
	if (t == NULL)
		return EX_OSERR;
	ctl_table_align_right(t, 0);
	ctl_table_align_right(t, 7);
	json_array_foreach(reminders, i, r) {
		char id[32], item[256], tries[32];
		char due[CTL_SHORT_TIME], next[CTL_SHORT_TIME];
		const char *state = str(r, "state");
		bool waiting = state != NULL && (strcmp(state, "pending") ==
		    0 || strcmp(state, "retry") == 0);

		ctl_table_add(t,
		    ctl_json_text(json_object_get(r, "id"), id, sizeof id),
		    ctl_short_time(str(r, "due_at"), due),
		    str(r, "office"), str(r, "channel"), str(r, "kind"),
		    item_text(r, item, sizeof item), state,
		    ctl_json_text(json_object_get(r, "attempts"), tries,
		    sizeof tries),
		    waiting ? ctl_short_time(str(r, "next_at"), next) : NULL);
	}
	if (ctl_table_print(t, stdout) == -1)
		rc = EX_IOERR;
	ctl_table_free(t);
	return rc;
}

static int
reminder_list(struct ctl *ctl, int argc, char **argv)
{
	const char *state = NULL, *office = NULL, *ref = NULL, *from = NULL,
	    *to = NULL, *limit = NULL;
	bool as_json = false;
	const struct ctl_opt opts[] = {
		{ "state", &state, NULL }, { "office", &office, NULL },
		{ "case", &ref, NULL }, { "from", &from, NULL },
		{ "to", &to, NULL }, { "limit", &limit, NULL },
		{ "json", NULL, &as_json }, { NULL, NULL, NULL },
	};
	json_t *reply = NULL;
	char *path;
	int rc;

	if (ctl_parse_opts(argc, argv, opts, NULL, 0) != 0 ||
	    (state != NULL && !ctl_one_of(state, reminder_states)))
		return ctl_usage(&ctl_cmd_reminder_entry);
	if ((path = strdup("/v1/reminders")) == NULL ||
	    ctl_path_query(&path, "state", state) == -1 ||
	    ctl_path_query(&path, "office", office) == -1 ||
	    ctl_path_query(&path, "case", ref) == -1 ||
	    ctl_path_query(&path, "from", from) == -1 ||
	    ctl_path_query(&path, "to", to) == -1 ||
	    ctl_path_query(&path, "limit", limit) == -1) {
		free(path);
		return EX_OSERR;
	}
	rc = ctl_api(ctl, "GET", path, NULL, &reply, NULL);
	free(path);
	if (rc == 0)
		rc = as_json ? ctl_print_json(reply) :
		    print_reminder_table(json_object_get(reply, "reminders"));
	json_decref(reply);
	return rc;
}

static int
ctl_reminder(struct ctl *ctl, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "list") == 0)
		return reminder_list(ctl, argc - 1, argv + 1);
	return ctl_usage(&ctl_cmd_reminder_entry);
}

const struct ctl_cmd_entry ctl_cmd_reminder_entry = {
	.name = "reminder",
	.usage = "reminder list "
	    "[--state pending|sending|sent|retry|failed|cancelled]\n"
	    "           [--office X] [--case REF] [--from D] [--to D] "
	    "[--limit N] [--json]",
	.summary = "list the reminders in duband's outbox",
	.exec = ctl_reminder,
};
