/*
 * dubanctl task: the tasks of work plans, through duband's API.
 *
 *   task add --title T --lead OFFICE --due DATE [--assist A,B] [--key K]
 *            [--target X] [--due-text TEXT] [--policy P] [--json]
 *   task list [--state open|done|overdue|retired|all] [--office X]
 *             [--source S] [--limit N] [--json]
 *   task show|done|reopen KEY [--at DATE (done only)] [--json]
 *
 * Decisions:
 *  - --assist takes offices separated by "," "，" or "、", as people type
 *    them in Chinese.
 *  - The list shows the title cut to 30 display columns; LEFT is the
 *    working days left to the deadline (negative when overdue).
 *  - show, add, done and reopen print the task as "field: value" lines.
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

static const char *const task_fields[] = {
	"key", "source", "title", "lead", "assist", "due", "due_text",
	"target", "policy", "deadline", "status", "done_at", "late",
	"workdays_left", "created_at", NULL,
};

static const char *const task_states[] = {
	"open", "done", "overdue", "retired", "all", NULL,
};

/* Splits "A,B、C" into a JSON array of office names; NULL when empty. */
static json_t *
split_offices(const char *list)
{
	static const char *const seps[] = { ",", "\xef\xbc\x8c", "\xe3\x80\x81" };
	json_t *a = json_array();
	const char *p = list;

	while (a != NULL && *p != '\0') {
		size_t len = strlen(p), seplen = 0;

		/* The nearest separator of any kind ends this name. */
		for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
			const char *s = strstr(p, seps[i]);

			if (s != NULL && (size_t)(s - p) < len) {
				len = (size_t)(s - p);
				seplen = strlen(seps[i]);
			}
		}
		while (len > 0 && p[0] == ' ')
			p++, len--;
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0 && json_array_append_new(a,
		    json_stringn(p, len)) == -1) {
			json_decref(a);
			return NULL;
		}
		p += len;
		while (*p == ' ')
			p++;
		p += seplen;
	}
	if (a != NULL && json_array_size(a) == 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* Prints {"task": ...} (and its history, if any) as lines, or the JSON. */
static int
print_task(const json_t *reply, bool as_json)
{
	const json_t *history = json_object_get(reply, "history"), *h;
	size_t i;

	if (as_json)
		return ctl_print_json(reply);
	ctl_print_fields(json_object_get(reply, "task"), task_fields);
	if (history == NULL)
		return 0;
	printf("history:\n");
	json_array_foreach(history, i, h) {
		const char *at = json_string_value(json_object_get(h, "at"));
		const char *change = json_string_value(json_object_get(h,
		    "change"));

		printf("  %s  %s\n", at != NULL ? at : "-",
		    change != NULL ? change : "-");
	}
	return 0;
}

static int
task_add(struct ctl *ctl, int argc, char **argv)
{
	const char *title = NULL, *lead = NULL, *due = NULL, *assist = NULL,
	    *key = NULL, *target = NULL, *due_text = NULL, *policy = NULL;
	bool as_json = false;
	const struct ctl_opt opts[] = {
		{ "title", &title, NULL }, { "lead", &lead, NULL },
		{ "due", &due, NULL }, { "assist", &assist, NULL },
		{ "key", &key, NULL }, { "target", &target, NULL },
		{ "due-text", &due_text, NULL }, { "policy", &policy, NULL },
		{ "json", NULL, &as_json }, { NULL, NULL, NULL },
	};
	json_t *body, *reply = NULL, *a;
	int rc;

	if (ctl_parse_opts(argc, argv, opts, NULL, 0) != 0 ||
	    title == NULL || lead == NULL || due == NULL)
		return ctl_usage(&ctl_cmd_task_entry);
	if ((body = json_object()) == NULL)
		return EX_OSERR;
	ctl_json_set(body, "key", key);
	ctl_json_set(body, "title", title);
	ctl_json_set(body, "lead", lead);
	if (assist != NULL && (a = split_offices(assist)) != NULL)
		json_object_set_new(body, "assist", a);
	ctl_json_set(body, "due", due);
	ctl_json_set(body, "due_text", due_text);
	ctl_json_set(body, "target", target);
	ctl_json_set(body, "policy", policy);
	rc = ctl_api(ctl, "POST", "/v1/tasks", body, &reply, NULL);
	json_decref(body);
	if (rc == 0)
		rc = print_task(reply, as_json);
	json_decref(reply);
	return rc;
}

static int
print_task_table(const json_t *tasks)
{
	struct ctl_table *t;
	const json_t *task;
	size_t i;
	int rc = 0;

	t = ctl_table_new(6, "KEY", "TITLE", "LEAD", "DUE", "STATUS", "LEFT");
	if (t == NULL)
		return EX_OSERR;
	ctl_table_truncate(t, 1, TITLE_COLUMNS);
	ctl_table_align_right(t, 5);
	json_array_foreach(tasks, i, task) {
		char left[32];
		const char *status = json_string_value(json_object_get(task,
		    "status"));

		if (status != NULL && strcmp(status, "done") == 0 &&
		    json_is_true(json_object_get(task, "late")))
			status = "done late";
		ctl_table_add(t,
		    json_string_value(json_object_get(task, "key")),
		    json_string_value(json_object_get(task, "title")),
		    json_string_value(json_object_get(task, "lead")),
		    json_string_value(json_object_get(task, "due")),
		    status,
		    ctl_json_text(json_object_get(task, "workdays_left"),
		    left, sizeof left));
	}
	if (ctl_table_print(t, stdout) == -1)
		rc = EX_IOERR;
	ctl_table_free(t);
	return rc;
}

static int
task_list(struct ctl *ctl, int argc, char **argv)
{
	const char *state = NULL, *office = NULL, *source = NULL,
	    *limit = NULL;
	bool as_json = false;
	const struct ctl_opt opts[] = {
		{ "state", &state, NULL }, { "office", &office, NULL },
		{ "source", &source, NULL }, { "limit", &limit, NULL },
		{ "json", NULL, &as_json }, { NULL, NULL, NULL },
	};
	json_t *reply = NULL;
	char *path;
	int rc;

	if (ctl_parse_opts(argc, argv, opts, NULL, 0) != 0 ||
	    (state != NULL && !ctl_one_of(state, task_states)))
		return ctl_usage(&ctl_cmd_task_entry);
	if ((path = strdup("/v1/tasks")) == NULL ||
	    ctl_path_query(&path, "state", state) == -1 ||
	    ctl_path_query(&path, "office", office) == -1 ||
	    ctl_path_query(&path, "source", source) == -1 ||
	    ctl_path_query(&path, "limit", limit) == -1) {
		free(path);
		return EX_OSERR;
	}
	rc = ctl_api(ctl, "GET", path, NULL, &reply, NULL);
	free(path);
	if (rc == 0)
		rc = as_json ? ctl_print_json(reply) :
		    print_task_table(json_object_get(reply, "tasks"));
	json_decref(reply);
	return rc;
}

/* show, done, reopen: one task by key. */
static int
task_one(struct ctl *ctl, int argc, char **argv)
{
	const char *what = argv[0], *at = NULL;
	bool as_json = false, show = strcmp(what, "show") == 0;
	const struct ctl_opt opts[] = {
		{ "at", &at, NULL }, { "json", NULL, &as_json },
		{ NULL, NULL, NULL },
	};
	/* Only done takes --at. */
	const struct ctl_opt *allowed = strcmp(what, "done") == 0 ? opts :
	    opts + 1;
	json_t *body = NULL, *reply = NULL;
	char *key[1], *esc, *path;
	int n, rc;

	if (ctl_parse_opts(argc, argv, allowed, key, 1) != 1 ||
	    key[0][0] == '\0')
		return ctl_usage(&ctl_cmd_task_entry);
	if ((esc = ctl_api_escape(key[0])) == NULL)
		return EX_OSERR;
	n = show ? asprintf(&path, "/v1/tasks/%s", esc) :
	    asprintf(&path, "/v1/tasks/%s/%s", esc, what);
	free(esc);
	if (n == -1)
		return EX_OSERR;
	if (!show && (body = json_object()) == NULL) {
		free(path);
		return EX_OSERR;
	}
	ctl_json_set(body, "at", at);
	rc = ctl_api(ctl, show ? "GET" : "POST", path, body, &reply, NULL);
	free(path);
	json_decref(body);
	if (rc == 0)
		rc = print_task(reply, as_json);
	json_decref(reply);
	return rc;
}

static int
ctl_task(struct ctl *ctl, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "add") == 0)
		return task_add(ctl, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return task_list(ctl, argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0 || strcmp(sub, "done") == 0 ||
	    strcmp(sub, "reopen") == 0)
		return task_one(ctl, argc - 1, argv + 1);
	return ctl_usage(&ctl_cmd_task_entry);
}

const struct ctl_cmd_entry ctl_cmd_task_entry = {
	.name = "task",
	.usage = "task add --title T --lead OFFICE --due DATE [--assist A,B] "
	    "[--key K]\n"
	    "           [--target X] [--due-text TEXT] [--policy P] [--json]\n"
	    "       dubanctl task list [--state open|done|overdue|retired|all] "
	    "[--office X]\n"
	    "           [--source S] [--limit N] [--json]\n"
	    "       dubanctl task show|reopen KEY [--json]\n"
	    "       dubanctl task done KEY [--at DATE] [--json]",
	.summary = "add, list, show, mark done and reopen tasks",
	.exec = ctl_task,
};
