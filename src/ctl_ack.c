/*
 * dubanctl ack: acknowledge a reminder as its link does.
 *
 *   ack TOKEN|URL [--json]
 *
 * Decision: a whole link may be pasted; its last path segment (without
 * a query or fragment) is the token.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>

#include "ctl_http.h"
#include "dubanctl.h"

/* The token of a link, or the argument itself; malloc'ed. */
static char *
token_of(const char *arg)
{
	size_t len = strcspn(arg, "?#");
	const char *start = arg;

	for (size_t i = 0; i < len; i++)
		if (arg[i] == '/')
			start = arg + i + 1;
	return strndup(start, len - (size_t)(start - arg));
}

static int
print_ack(const json_t *r)
{
	const char *office = json_string_value(json_object_get(r, "office"));
	const char *type = json_string_value(json_object_get(r, "item_type"));
	const char *ms = json_string_value(json_object_get(r, "milestone"));
	const char *at = json_string_value(json_object_get(r, "at"));

	printf("%s reminder %" JSON_INTEGER_FORMAT " (%s %" JSON_INTEGER_FORMAT
	    "%s%s) for %s at %s\n",
	    json_is_true(json_object_get(r, "already")) ?
	    "already acknowledged:" : "acknowledged:",
	    json_integer_value(json_object_get(r, "reminder")),
	    type != NULL ? type : "?",
	    json_integer_value(json_object_get(r, "item_id")),
	    ms != NULL ? ", milestone " : "", ms != NULL ? ms : "",
	    office != NULL ? office : "?", at != NULL ? at : "?");
	return 0;
}

static int
ctl_ack(struct ctl *ctl, int argc, char **argv)
{
	bool as_json = false;
	const struct ctl_opt opts[] = {
		{ "json", NULL, &as_json }, { NULL, NULL, NULL },
	};
	json_t *reply = NULL;
	char *arg[1], *token, *esc, *path;
	int n, rc;

	if (ctl_parse_opts(argc, argv, opts, arg, 1) != 1)
		return ctl_usage(&ctl_cmd_ack_entry);
	if ((token = token_of(arg[0])) == NULL)
		return EX_OSERR;
	if (token[0] == '\0') {
		free(token);
		return ctl_usage(&ctl_cmd_ack_entry);
	}
	esc = ctl_api_escape(token);
	free(token);
	if (esc == NULL)
		return EX_OSERR;
	n = asprintf(&path, "/v1/ack/%s", esc);
	free(esc);
	if (n == -1)
		return EX_OSERR;
	rc = ctl_api(ctl, "POST", path, NULL, &reply, NULL);
	free(path);
	if (rc == 0)
		rc = as_json ? ctl_print_json(reply) : print_ack(reply);
	json_decref(reply);
	return rc;
}

const struct ctl_cmd_entry ctl_cmd_ack_entry = {
	.name = "ack",
	.usage = "ack TOKEN|URL [--json]",
	.summary = "acknowledge a reminder, as opening its link does",
	.exec = ctl_ack,
};
